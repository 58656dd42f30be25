//! Fixed-wing flight physics with ArduPlane-like navigation (L1-style track following,
//! bank-limited coordinated turns, TECS-like climb and sink limits).
//!
//! Why this shape: a plane's ground track is what a survey cares about. The model flies an air
//! velocity (airspeed along the nose heading) and adds the wind, so in a crosswind the nose
//! crabs into the wind while the ground track stays on the line; turns come only from bank
//! (turn rate = g·tan(bank)/V, bank and roll rate limited), so the heading never jumps.

use super::config::PlaneParams;
use super::guide::{Guide, V2, approach, lim};
use super::kin::Kin;
use crate::geo::{wrap_180, wrap_360};

const G_MPS2: f64 = 9.80665;
/// Heading error to turn-rate gain, 1/s.
const HDG_K: f64 = 0.7;
/// Altitude error to climb-rate gain, 1/s.
const ALT_K: f64 = 0.3;
/// Climb-rate change limit, m/s².
const VZ_ACCEL: f64 = 2.0;
/// Airspeed change limit, m/s².
const SPEED_ACCEL: f64 = 1.5;
/// Sink rate of an unpowered glide, m/s.
const GLIDE_SINK_MPS: f64 = 3.0;

/// What the guidance asks of the plane for one step.
struct Demand {
    /// Desired ground course, or `None` for wings level.
    course_deg: Option<f64>,
    /// Turn-rate feedforward, rad/s (positive clockwise).
    turn_ff_rps: f64,
    /// A fixed bank instead of course control.
    bank_rad: Option<f64>,
    /// Target height, m.
    up_m: f64,
    /// Climb-rate feedforward, m/s.
    vz_ff: f64,
    /// Climb-rate ceiling, m/s.
    climb_max: f64,
    /// Target airspeed, m/s.
    airspeed: f64,
    /// In the landing flare: fixed slow sink, throttle off.
    flare: bool,
}

/// The plane airframe.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PlaneDyn {
    p: PlaneParams,
}

/// Course along the line `from` -> `to` through a carrot `l1_m` ahead of the closest point.
pub(crate) fn l1_course(pos: V2, from: V2, to: V2, l1_m: f64) -> f64 {
    match (to - from).unit() {
        Some(u) => {
            let closest = from + u * (pos - from).dot(u);
            (closest + u * l1_m - pos).bearing_deg()
        }
        None => (to - pos).bearing_deg(),
    }
}

/// Course that converges onto a circle, and the sign of its turn (+1 clockwise).
pub(crate) fn orbit_course(pos: V2, center: V2, radius_m: f64, ccw: bool) -> (f64, f64) {
    let rel = pos - center;
    let theta = rel.bearing_deg();
    let delta = (rel.len() - radius_m)
        .atan2((0.5 * radius_m).max(20.0))
        .to_degrees();
    if ccw {
        (wrap_360(theta - 90.0 - delta), -1.0)
    } else {
        (wrap_360(theta + 90.0 + delta), 1.0)
    }
}

impl PlaneDyn {
    pub fn new(p: PlaneParams) -> Self {
        Self { p }
    }

    /// L1 carrot distance for the current speed.
    fn l1(&self, k: &Kin) -> f64 {
        (4.0 * k.vel.len().max(k.airspeed_mps)).max(30.0)
    }

    /// Advances `k` by `dt` seconds under guidance `g` in wind `wind` (m/s, east/north).
    pub fn step(&self, k: &mut Kin, g: &Guide, wind: V2, dt: f64) {
        match *g {
            Guide::Climb {
                heading_deg,
                pitch_deg,
                ..
            } if k.on_ground => self.takeoff_roll(k, heading_deg, pitch_deg, dt),
            _ if k.on_ground => self.roll_out(k, dt),
            Guide::Unpowered => self.glide(k, wind, dt),
            Guide::Ground | Guide::Descend { .. } => {
                self.fly(k, &Guide::Drift { up_m: 0.0 }, wind, dt)
            }
            _ => self.fly(k, g, wind, dt),
        }
    }

    /// On the ground: rolling to a stop along the heading.
    fn roll_out(&self, k: &mut Kin, dt: f64) {
        k.on_ground = true;
        k.up_m = 0.0;
        k.vel_up_mps = 0.0;
        let v = (k.airspeed_mps - self.p.rollout_decel_mps2 * dt).max(0.0);
        let dir = V2::from_bearing(k.heading_deg);
        k.pos = k.pos + dir * ((k.airspeed_mps + v) * 0.5 * dt);
        k.airspeed_mps = v;
        k.vel = dir * v;
        k.yawspeed_rps = 0.0;
        k.set_attitude(0.0, 0.0, 0.2, dt);
        k.throttle = 0.0;
        k.current_a = 0.3;
    }

    /// Ground roll at full throttle until flying speed.
    fn takeoff_roll(&self, k: &mut Kin, heading_deg: f64, pitch_deg: f64, dt: f64) {
        k.heading_deg = wrap_360(heading_deg);
        let v = k.airspeed_mps + self.p.takeoff_accel_mps2 * dt;
        let dir = V2::from_bearing(k.heading_deg);
        k.pos = k.pos + dir * ((k.airspeed_mps + v) * 0.5 * dt);
        k.airspeed_mps = v;
        k.vel = dir * v;
        k.yawspeed_rps = 0.0;
        k.throttle = 1.0;
        k.current_a = 3.0 * self.p.cruise_current_a;
        if v >= self.p.min_airspeed_mps {
            k.on_ground = false;
            k.set_attitude(0.0, pitch_deg.to_radians() * 0.5, 0.3, dt);
        } else {
            k.set_attitude(0.0, 0.0, 0.3, dt);
        }
    }

    /// Motor stopped in the air: wings level, gliding down.
    fn glide(&self, k: &mut Kin, wind: V2, dt: f64) {
        let v = approach(k.airspeed_mps, self.p.min_airspeed_mps, SPEED_ACCEL * dt);
        k.airspeed_mps = v;
        k.vel_up_mps = approach(k.vel_up_mps, -GLIDE_SINK_MPS, VZ_ACCEL * dt);
        let bank = approach(k.roll_rad, 0.0, self.p.roll_rate_dps.to_radians() * dt);
        self.integrate(k, bank, wind, dt);
        k.throttle = 0.0;
        k.current_a = 0.0;
    }

    fn demand(&self, k: &Kin, g: &Guide) -> Demand {
        let p = &self.p;
        let mut d = Demand {
            course_deg: None,
            turn_ff_rps: 0.0,
            bank_rad: None,
            up_m: k.up_m,
            vz_ff: 0.0,
            climb_max: p.climb_max_mps,
            airspeed: p.cruise_airspeed_mps,
            flare: false,
        };
        match *g {
            Guide::Leg {
                from,
                to,
                from_up_m,
                to_up_m,
                speed_mps,
                ..
            } => {
                d.course_deg = Some(l1_course(k.pos, from, to, self.l1(k)));
                let l = (to - from).len();
                let frac = if l > 1.0 {
                    lim((k.pos - from).dot((to - from) * (1.0 / l)) / l, 0.0, 1.0)
                } else {
                    1.0
                };
                d.up_m = from_up_m + (to_up_m - from_up_m) * frac;
                d.airspeed = speed_mps;
            }
            Guide::Hold { at, up_m } => {
                return self.demand(
                    k,
                    &Guide::Orbit {
                        center: at,
                        radius_m: p.loiter_radius_m,
                        ccw: false,
                        up_m,
                        speed_mps: p.cruise_airspeed_mps,
                    },
                );
            }
            Guide::Orbit {
                center,
                radius_m,
                ccw,
                up_m,
                speed_mps,
            } => {
                let r = radius_m.max(10.0);
                let (course, sign) = orbit_course(k.pos, center, r, ccw);
                let near = lim(1.0 - ((k.pos - center).len() - r).abs() / r, 0.0, 1.0);
                d.course_deg = Some(course);
                d.turn_ff_rps = sign * k.vel.len() / r * near;
                d.up_m = up_m;
                d.airspeed = speed_mps;
            }
            Guide::Climb {
                up_m,
                heading_deg,
                pitch_deg,
                ..
            } => {
                d.course_deg = Some(heading_deg);
                d.up_m = up_m;
                d.climb_max = p
                    .climb_max_mps
                    .min(k.airspeed_mps * pitch_deg.to_radians().sin())
                    .max(0.5);
            }
            Guide::Approach {
                from,
                to,
                from_up_m,
            } => {
                d.course_deg = Some(l1_course(k.pos, from, to, self.l1(k)));
                let l = (to - from).len().max(1.0);
                let s = match (to - from).unit() {
                    Some(u) => (k.pos - from).dot(u),
                    None => l,
                };
                d.up_m = (from_up_m * (1.0 - s / l)).max(0.0);
                d.vz_ff = -from_up_m / l * k.vel.len();
                d.airspeed = p.land_airspeed_mps;
                d.flare = k.up_m < p.flare_alt_m;
            }
            Guide::Drift { up_m } => d.up_m = up_m,
            Guide::Bank { up_m } => {
                d.bank_rad = Some(p.max_bank_deg.to_radians() / 3.0);
                d.up_m = up_m;
            }
            Guide::Ground | Guide::Unpowered | Guide::Descend { .. } => {}
        }
        d
    }

    fn fly(&self, k: &mut Kin, g: &Guide, wind: V2, dt: f64) {
        let p = &self.p;
        let d = self.demand(k, g);
        let v_min = if d.flare {
            p.min_airspeed_mps * 0.85
        } else {
            p.min_airspeed_mps
        };
        let target_v = if d.flare {
            v_min
        } else {
            lim(d.airspeed, p.min_airspeed_mps, p.max_airspeed_mps)
        };
        let v = lim(
            approach(k.airspeed_mps, target_v, SPEED_ACCEL * dt),
            v_min,
            p.max_airspeed_mps,
        );
        k.airspeed_mps = v;

        let max_bank = p.max_bank_deg.to_radians();
        let bank_target = if let Some(b) = d.bank_rad {
            b
        } else if let Some(course) = d.course_deg {
            let c = V2::from_bearing(course);
            let crab = (lim(-wind.dot(c.right()) / v, -0.9, 0.9))
                .asin()
                .to_degrees();
            let err = wrap_180(course + crab - k.heading_deg).to_radians();
            let w_max = G_MPS2 * max_bank.tan() / v;
            let w = lim(d.turn_ff_rps + HDG_K * err, -w_max, w_max);
            (w * v / G_MPS2).atan()
        } else {
            0.0
        };
        let bank = approach(
            k.roll_rad,
            lim(bank_target, -max_bank, max_bank),
            p.roll_rate_dps.to_radians() * dt,
        );

        let vz_target = if d.flare {
            -p.flare_sink_mps
        } else {
            lim(
                ALT_K * (d.up_m - k.up_m) + d.vz_ff,
                -p.sink_max_mps,
                d.climb_max.min(p.climb_max_mps),
            )
        };
        k.vel_up_mps = approach(k.vel_up_mps, vz_target, VZ_ACCEL * dt);
        self.integrate(k, bank, wind, dt);

        let vc = p.cruise_airspeed_mps;
        let level = p.cruise_current_a * (0.35 + 0.65 * (v / vc).powi(3)) / bank.cos().max(0.3);
        let climb = p.mass_kg * G_MPS2 * k.vel_up_mps / (0.5 * 14.8);
        k.current_a = if d.flare {
            0.3
        } else {
            (level + climb).max(0.3)
        };
        k.throttle = if d.flare {
            0.0
        } else {
            lim(k.current_a / (p.cruise_current_a / 0.45), 0.0, 1.0)
        };
    }

    /// Common kinematics: coordinated turn at `bank`, air velocity plus wind, touchdown.
    fn integrate(&self, k: &mut Kin, bank: f64, wind: V2, dt: f64) {
        let v = k.airspeed_mps.max(1.0);
        k.rollspeed_rps = (bank - k.roll_rad) / dt;
        k.roll_rad = bank;
        let rate_rps = G_MPS2 * bank.tan() / v;
        k.turn(rate_rps.to_degrees() * dt, dt);
        let vz = k.vel_up_mps;
        let v_h = (v * v - vz * vz).max(0.0).sqrt();
        let vel = V2::from_bearing(k.heading_deg) * v_h + wind;
        k.pos = k.pos + (k.vel + vel) * (0.5 * dt);
        k.vel = vel;
        k.up_m += vz * dt;
        let cruise = self.p.cruise_airspeed_mps;
        let aoa = lim(0.035 * (cruise / v).powi(2), 0.0, 0.2);
        let pitch = lim(vz / v, -1.0, 1.0).asin() + aoa;
        let rs = k.rollspeed_rps;
        k.set_attitude(bank, pitch, 0.3, dt);
        k.rollspeed_rps = rs;
        k.roll_rad = bank;
        if k.up_m <= 0.0 {
            k.up_m = 0.0;
            k.vel_up_mps = 0.0;
            k.on_ground = true;
            k.roll_rad = 0.0;
            k.vel = V2::from_bearing(k.heading_deg) * k.airspeed_mps;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracks_a_line_in_crosswind_crabbing_into_the_wind() {
        let pl = PlaneDyn::new(PlaneParams::default());
        let mut k = Kin {
            up_m: 80.0,
            airspeed_mps: 18.0,
            heading_deg: 0.0,
            pos: V2::new(-100.0, 0.0),
            ..Kin::default()
        };
        let wind = V2::new(10.0, 0.0); // blowing towards the east
        let g = Guide::Leg {
            from: V2::ZERO,
            to: V2::new(0.0, 5000.0),
            from_up_m: 80.0,
            to_up_m: 80.0,
            speed_mps: 18.0,
            end_speed_mps: 0.0,
        };
        let dt = 0.02;
        let mut last = k.heading_deg;
        for i in 0..6000 {
            pl.step(&mut k, &g, wind, dt);
            assert!(k.is_finite());
            // Never a heading jump larger than the bank-limited turn rate allows.
            let max_step = (G_MPS2 * 1.0f64.tan() / 12.0).to_degrees() * dt + 1e-9;
            assert!(wrap_180(k.heading_deg - last).abs() <= max_step, "step {i}");
            last = k.heading_deg;
            assert!(k.roll_rad.abs() <= 45f64.to_radians() + 1e-9);
        }
        assert!(k.pos.e.abs() < 2.0, "cross-track {}", k.pos.e);
        // Nose points west of north (into the wind from the west), ground track is north.
        let crab = wrap_180(k.heading_deg);
        assert!(crab < -25.0 && crab > -40.0, "crab {crab}");
        assert!(k.vel.e.abs() < 0.5, "{:?}", k.vel);
    }

    #[test]
    fn orbit_settles_on_the_radius() {
        let pl = PlaneDyn::new(PlaneParams::default());
        let mut k = Kin {
            up_m: 100.0,
            airspeed_mps: 18.0,
            pos: V2::new(300.0, 0.0),
            ..Kin::default()
        };
        let g = Guide::Hold {
            at: V2::ZERO,
            up_m: 100.0,
        };
        for _ in 0..(120.0 / 0.02) as usize {
            pl.step(&mut k, &g, V2::ZERO, 0.02);
        }
        let mut worst: f64 = 0.0;
        for _ in 0..(60.0 / 0.02) as usize {
            pl.step(&mut k, &g, V2::ZERO, 0.02);
            worst = worst.max((k.pos.len() - 60.0).abs());
        }
        assert!(worst < 5.0, "{worst}");
    }
}
