//! Multicopter flight physics with ArduCopter-like position, velocity and attitude control.
//!
//! Why this shape: a ground station sees a copter through its velocity, attitude and power, so
//! the model keeps those consistent. Guidance turns a [`Guide`] demand into a target velocity
//! (ArduPilot's square-root controller: proportional near the target, braking at `WPNAV_ACCEL`
//! further out); the horizontal thrust needed to reach it plus the thrust needed against
//! quadratic air drag gives the tilt (limited to `ANGLE_MAX`), so a copter holding position in
//! wind leans into it and a headwind limits ground speed.

use super::config::CopterParams;
use super::guide::{Guide, V2, approach, lim, sqrt_controller};
use super::kin::Kin;
use crate::geo::wrap_180;

const G_MPS2: f64 = 9.80665;
/// Attitude response time constant.
const ATT_TAU_S: f64 = 0.15;
/// Position-to-velocity gain, 1/s (`PSC_POSXY_P`).
const POS_P: f64 = 1.0;
/// Altitude-to-climb-rate gain, 1/s (`PSC_POSZ_P`).
const ALT_P: f64 = 1.0;
/// Terminal fall speed with motors stopped, m/s.
const FALL_TERMINAL_MPS: f64 = 20.0;

/// What the guidance asks of the copter for one step.
struct Demand {
    /// Target ground velocity, or `None` for no horizontal control (level attitude).
    vel: Option<V2>,
    /// Target climb rate, m/s.
    vz: f64,
    /// Target heading, or `None` to hold the current one.
    yaw_deg: Option<f64>,
}

/// The copter airframe.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CopterDyn {
    p: CopterParams,
}

impl CopterDyn {
    pub fn new(p: CopterParams) -> Self {
        Self { p }
    }

    /// Advances `k` by `dt` seconds under guidance `g` in wind `wind` (m/s, east/north).
    pub fn step(&self, k: &mut Kin, g: &Guide, wind: V2, dt: f64) {
        match *g {
            Guide::Unpowered => self.fall(k, wind, dt),
            Guide::Ground if k.on_ground => Self::rest(k, 0.1, 0.08 * self.p.hover_current_a, dt),
            Guide::Ground => self.fly(k, &Guide::Descend { xy: k.pos }, wind, dt),
            _ => self.fly(k, g, wind, dt),
        }
    }

    /// On the ground: still, level, motors at `throttle`.
    fn rest(k: &mut Kin, throttle: f64, current_a: f64, dt: f64) {
        k.on_ground = true;
        k.up_m = 0.0;
        k.vel = V2::ZERO;
        k.vel_up_mps = 0.0;
        k.airspeed_mps = 0.0;
        k.yawspeed_rps = 0.0;
        k.set_attitude(0.0, 0.0, ATT_TAU_S, dt);
        k.throttle = throttle;
        k.current_a = current_a;
    }

    fn alt_rate(&self, up_target_m: f64, up_m: f64) -> f64 {
        let v = sqrt_controller(up_target_m - up_m, ALT_P, self.p.accel_z_mps2);
        lim(v, -self.p.descent_mps, self.p.climb_mps)
    }

    /// Velocity towards a point, braking to stop on it.
    fn vel_to(&self, err: V2, max_mps: f64) -> V2 {
        match err.unit() {
            Some(u) => u * sqrt_controller(err.len(), POS_P, self.p.accel_mps2 * 0.8).min(max_mps),
            None => V2::ZERO,
        }
    }

    fn hold(&self, k: &Kin, at: V2, up_m: f64) -> Demand {
        Demand {
            vel: Some(self.vel_to(at - k.pos, self.p.wp_speed_mps)),
            vz: self.alt_rate(up_m, k.up_m),
            yaw_deg: None,
        }
    }

    fn demand(&self, k: &Kin, g: &Guide) -> Demand {
        match *g {
            Guide::Hold { at, up_m } => self.hold(k, at, up_m),
            Guide::Leg {
                from,
                to,
                from_up_m,
                to_up_m,
                speed_mps,
                end_speed_mps,
            } => self.leg(k, from, to, (from_up_m, to_up_m), speed_mps, end_speed_mps),
            Guide::Orbit {
                center,
                radius_m,
                ccw,
                up_m,
                speed_mps,
            } => self.orbit(k, center, radius_m, ccw, up_m, speed_mps),
            Guide::Climb { xy, up_m, .. } => Demand {
                vel: Some(self.vel_to(xy - k.pos, self.p.wp_speed_mps)),
                vz: self.alt_rate(up_m, k.up_m),
                yaw_deg: None,
            },
            Guide::Descend { xy } => Demand {
                vel: Some(self.vel_to(xy - k.pos, self.p.wp_speed_mps)),
                vz: if k.up_m > self.p.land_slow_alt_m {
                    -self.p.descent_mps
                } else {
                    -self.p.land_speed_mps
                },
                yaw_deg: None,
            },
            Guide::Approach { to, .. } => self.demand(k, &Guide::Descend { xy: to }),
            Guide::Drift { up_m } | Guide::Bank { up_m } => Demand {
                vel: None,
                vz: self.alt_rate(up_m, k.up_m),
                yaw_deg: None,
            },
            Guide::Ground | Guide::Unpowered => self.demand(k, &Guide::Descend { xy: k.pos }),
        }
    }

    fn leg(
        &self,
        k: &Kin,
        from: V2,
        to: V2,
        ups: (f64, f64),
        speed: f64,
        end_speed: f64,
    ) -> Demand {
        let (from_up, to_up) = ups;
        let d = to - from;
        let l = d.len();
        let Some(u) = d.unit().filter(|_| l >= 0.5) else {
            return self.hold(k, to, to_up);
        };
        let n = u.right();
        let rel = k.pos - from;
        let s = rel.dot(u);
        let xt = rel.dot(n);
        let to_go = l - s;
        let dh = to_up - from_up;
        let mut speed = speed.max(0.1);
        if dh.abs() > 0.01 {
            let vlim = if dh > 0.0 {
                self.p.climb_mps
            } else {
                self.p.descent_mps
            };
            speed = speed.min(vlim * l / dh.abs()).max(0.1);
        }
        let a = self.p.accel_mps2 * 0.8;
        let end = end_speed.clamp(0.0, speed);
        let along = if to_go > 0.0 {
            if end > 0.0 {
                speed.min((end * end + 2.0 * a * to_go).sqrt())
            } else {
                speed.min(sqrt_controller(to_go, POS_P, a))
            }
        } else if end > 0.0 {
            end
        } else {
            sqrt_controller(to_go, POS_P, a)
        };
        let cross = -lim(sqrt_controller(xt, POS_P, a), -speed, speed);
        let vel = (u * along + n * cross).limit(speed);
        let frac = lim(s / l, 0.0, 1.0);
        let up_t = from_up + dh * frac;
        let ff = if s > 0.0 && s < l {
            along * dh / l
        } else {
            0.0
        };
        let vz = lim(
            ff + sqrt_controller(up_t - k.up_m, ALT_P, self.p.accel_z_mps2),
            -self.p.descent_mps,
            self.p.climb_mps,
        );
        let to_target = to - k.pos;
        Demand {
            vel: Some(vel),
            vz,
            yaw_deg: (to_target.len() > 2.0).then(|| to_target.bearing_deg()),
        }
    }

    fn orbit(&self, k: &Kin, center: V2, radius: f64, ccw: bool, up_m: f64, speed: f64) -> Demand {
        let rel = k.pos - center;
        let d = rel.len();
        let rr = rel.unit().unwrap_or(V2::new(0.0, 1.0));
        let tangent = if ccw {
            V2::new(-rr.n, rr.e)
        } else {
            rr.right()
        };
        let r = radius.max(0.5);
        let vt_max = speed
            .min(self.p.circle_rate_dps.to_radians() * r)
            .min((self.p.accel_mps2 * r).sqrt());
        let vt = vt_max * lim(1.0 - (d - r).abs() / r, 0.0, 1.0);
        let vr = -sqrt_controller(d - r, POS_P, self.p.accel_mps2 * 0.8);
        Demand {
            vel: Some((tangent * vt + rr * vr).limit(speed.max(0.1))),
            vz: self.alt_rate(up_m, k.up_m),
            yaw_deg: (d > 1.0).then(|| (center - k.pos).bearing_deg()),
        }
    }

    fn fly(&self, k: &mut Kin, g: &Guide, wind: V2, dt: f64) {
        let d = self.demand(k, g);
        if k.on_ground && d.vz <= 0.0 {
            Self::rest(k, 0.1, 0.08 * self.p.hover_current_a, dt);
            return;
        }
        k.on_ground = false;
        let tilt_acc = G_MPS2 * self.p.max_tilt_deg.to_radians().tan();
        let v = k.vel;
        let v_air = v - wind;
        let drag = v_air * (-self.p.drag_per_m * v_air.len());
        let thrust_h = match d.vel {
            Some(vd) => {
                let a_cmd = ((vd - v) * (1.0 / dt)).limit(self.p.accel_mps2);
                (a_cmd - drag).limit(tilt_acc)
            }
            None => V2::ZERO,
        };
        let v_new = v + (thrust_h + drag) * dt;
        k.pos = k.pos + (v + v_new) * (0.5 * dt);
        k.vel = v_new;

        let vz0 = k.vel_up_mps;
        let vz = approach(vz0, d.vz, self.p.accel_z_mps2 * dt);
        let az = (vz - vz0) / dt;
        k.up_m += (vz0 + vz) * 0.5 * dt;
        k.vel_up_mps = vz;

        match d.yaw_deg {
            Some(t) => {
                let max = self.p.yaw_rate_dps * dt;
                k.turn(lim(wrap_180(t - k.heading_deg), -max, max), dt);
            }
            None => k.yawspeed_rps = 0.0,
        }

        let t = thrust_h * (1.0 / G_MPS2);
        let fwd = V2::from_bearing(k.heading_deg);
        let max = self.p.max_tilt_deg.to_radians();
        let pitch = lim(-t.dot(fwd).atan(), -max, max);
        let roll = lim(t.dot(fwd.right()).atan(), -max, max);
        k.set_attitude(roll, pitch, ATT_TAU_S, dt);
        k.airspeed_mps = (k.vel - wind).len();

        let ratio = (1.0 + t.dot(t)).sqrt() * lim(1.0 + az / G_MPS2, 0.3, 2.0);
        k.throttle = lim(self.p.hover_throttle * ratio, 0.05, 1.0);
        let climb = if vz > 0.0 { 0.08 * vz } else { 0.02 * vz };
        k.current_a = self.p.hover_current_a * (ratio.powf(1.5) + climb).max(0.2);

        if k.up_m <= 0.0 {
            k.up_m = 0.0;
            if k.vel_up_mps <= 0.0 {
                Self::rest(k, 0.1, 0.08 * self.p.hover_current_a, dt);
            }
        }
    }

    /// Motors stopped: drag towards the wind, gravity down to a terminal speed.
    fn fall(&self, k: &mut Kin, wind: V2, dt: f64) {
        if k.on_ground {
            Self::rest(k, 0.0, 0.0, dt);
            return;
        }
        let v_air = k.vel - wind;
        let v_new = k.vel + v_air * (-self.p.drag_per_m * v_air.len() * dt);
        k.pos = k.pos + (k.vel + v_new) * (0.5 * dt);
        k.vel = v_new;
        k.vel_up_mps = (k.vel_up_mps - G_MPS2 * dt).max(-FALL_TERMINAL_MPS);
        k.up_m += k.vel_up_mps * dt;
        k.yawspeed_rps = 0.0;
        k.set_attitude(0.0, 0.0, ATT_TAU_S, dt);
        k.airspeed_mps = (k.vel - wind).len();
        k.throttle = 0.0;
        k.current_a = 0.0;
        if k.up_m <= 0.0 {
            Self::rest(k, 0.0, 0.0, dt);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(c: &CopterDyn, k: &mut Kin, g: Guide, wind: V2, secs: f64) {
        let dt = 0.02;
        for _ in 0..(secs / dt) as usize {
            c.step(k, &g, wind, dt);
            assert!(k.is_finite());
        }
    }

    #[test]
    fn holds_position_in_wind_leaning_into_it() {
        let c = CopterDyn::new(CopterParams::default());
        let mut k = Kin {
            up_m: 20.0,
            ..Kin::default()
        };
        // 8 m/s wind blowing towards the east.
        let wind = V2::new(8.0, 0.0);
        run(
            &c,
            &mut k,
            Guide::Hold {
                at: V2::ZERO,
                up_m: 20.0,
            },
            wind,
            30.0,
        );
        assert!(k.pos.len() < 0.2, "{:?}", k.pos);
        assert!((k.up_m - 20.0).abs() < 0.05);
        // Heading north, the wind pushes east, so the copter rolls left (negative) into it.
        let roll_deg = k.roll_rad.to_degrees();
        assert!(roll_deg < -3.0 && roll_deg > -30.0, "{roll_deg}");
        assert!((k.airspeed_mps - 8.0).abs() < 0.2);
    }

    #[test]
    fn drifts_with_the_wind_without_position_control() {
        let c = CopterDyn::new(CopterParams::default());
        let mut k = Kin {
            up_m: 20.0,
            ..Kin::default()
        };
        let wind = V2::new(0.0, 5.0);
        run(&c, &mut k, Guide::Drift { up_m: 20.0 }, wind, 60.0);
        assert!(k.vel.n > 4.0, "{:?}", k.vel);
        assert!(k.roll_rad.abs() < 1e-6 && k.pitch_rad.abs() < 1e-6);
    }

    #[test]
    fn leg_respects_speed_and_stops_at_the_end() {
        let c = CopterDyn::new(CopterParams::default());
        let mut k = Kin {
            up_m: 20.0,
            ..Kin::default()
        };
        let g = Guide::Leg {
            from: V2::ZERO,
            to: V2::new(0.0, 200.0),
            from_up_m: 20.0,
            to_up_m: 30.0,
            speed_mps: 10.0,
            end_speed_mps: 0.0,
        };
        let dt = 0.02;
        let mut vmax: f64 = 0.0;
        for _ in 0..2000 {
            c.step(&mut k, &g, V2::ZERO, dt);
            vmax = vmax.max(k.vel.len());
            assert!(k.vel_up_mps <= 2.5 + 1e-9);
        }
        assert!(vmax <= 10.0 + 1e-9 && vmax > 9.5, "{vmax}");
        assert!((k.pos - V2::new(0.0, 200.0)).len() < 0.3, "{:?}", k.pos);
        assert!((k.up_m - 30.0).abs() < 0.3, "{}", k.up_m);
    }
}
