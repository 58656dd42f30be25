//! Time advance for [`FlightModel`]: fixed small physics steps, the land detector, auto-disarm,
//! camera triggering, battery drain and failsafes, and the [`SimState`] snapshot.

use super::config::Airframe;
use super::events::{SimEvent, severity};
use super::flight::FlightModel;
use super::guide::{Guide, V2, lim};
use super::modes::copter_mode as cm;
use super::modes::plane_mode as pm;
use super::state::{SimState, landed_state, mission_state};
use super::task::Task;
use crate::geo::{wrap_180, wrap_360};

/// Longest physics step, s.
const PHYSICS_DT_S: f64 = 0.02;
/// Longest `step` honoured at once, s (longer requests are clamped).
const MAX_STEP_S: f64 = 10.0;
/// Current drawn by the flight controller, radio and GPS, A.
const AVIONICS_A: f64 = 0.5;
/// Copter land detector: seconds on the ground before "landed".
const LAND_DETECT_S: f64 = 1.0;

impl FlightModel {
    /// Advances the simulation by `dt_s` seconds (0-10; non-finite or non-positive does nothing,
    /// more than 10 is clamped) in physics steps of at most 20 ms, and returns what happened,
    /// including events queued by commands since the last call.
    pub fn step(&mut self, dt_s: f64) -> Vec<SimEvent> {
        if dt_s.is_finite() && dt_s > 0.0 {
            let dt = dt_s.min(MAX_STEP_S);
            let n = (dt / PHYSICS_DT_S).ceil().max(1.0) as usize;
            let h = dt / n as f64;
            for _ in 0..n {
                self.substep(h);
            }
        }
        self.refresh_state();
        std::mem::take(&mut self.events)
    }

    fn substep(&mut self, h: f64) {
        self.time_s += h;
        self.wind.update(h);
        let had_fix = self.gps_ok();
        self.gps.update(self.time_s, h);
        if !had_fix && self.gps_ok() && !self.home_valid {
            if !self.home_locked {
                self.home = self.frame.to_latlon(self.kin.pos.into());
                self.home_alt_amsl_m = self.origin_alt_amsl_m + self.kin.up_m;
            }
            self.home_valid = true;
            self.events.push(SimEvent::HomeSet);
        }

        if self.armed && self.mode == self.auto_mode() && self.paused.is_none() {
            self.with_mission(|m, host| m.update(host));
        }

        let prev = self.kin;
        let wind = self.wind.velocity();
        let guide = if !self.armed {
            if self.kin.on_ground {
                Guide::Ground
            } else {
                Guide::Unpowered
            }
        } else if let Some((at, up_m)) = self.paused {
            Guide::Hold { at, up_m }
        } else {
            let mut t = self.task;
            let g = t.update(&self.ctx());
            self.task = t;
            g
        };
        match self.cfg.airframe {
            Airframe::Copter => self.copter.step(&mut self.kin, &guide, wind, h),
            Airframe::Plane => self.plane.step(&mut self.kin, &guide, wind, h),
        }
        if !self.kin.is_finite() {
            // Never let a numerical accident into the state: stay where we were, stopped.
            self.kin = prev;
            self.kin.vel = V2::ZERO;
            self.kin.vel_up_mps = 0.0;
        }
        if !self.armed {
            self.kin.throttle = 0.0;
            self.kin.current_a = 0.0;
        }
        self.detect_ground(h);
        self.trigger_camera(&prev, h);
        self.battery.update(self.kin.current_a + AVIONICS_A, h);
        self.battery_failsafe();
        self.auto_disarm(h);
    }

    fn detect_ground(&mut self, h: f64) {
        if self.kin.on_ground {
            if !self.landed {
                self.ground_s += h;
                let settled = match self.cfg.airframe {
                    Airframe::Copter => self.ground_s >= LAND_DETECT_S,
                    Airframe::Plane => self.kin.airspeed_mps < 0.5,
                };
                if settled {
                    self.landed = true;
                    self.landed_at_s = self.time_s;
                    self.events.push(SimEvent::Landed);
                }
            }
        } else {
            self.ground_s = 0.0;
            if self.landed {
                self.landed = false;
                self.idle_armed_s = 0.0;
                self.events.push(SimEvent::TookOff);
            }
        }
    }

    fn trigger_camera(&mut self, prev: &super::kin::Kin, h: f64) {
        let shots = self.camera.advance(prev.pos, self.kin.pos);
        for (s, image_index) in shots {
            let k = &self.kin;
            let pos = prev.pos + (k.pos - prev.pos) * s;
            let up = prev.up_m + (k.up_m - prev.up_m) * s;
            let heading = prev.heading_deg + wrap_180(k.heading_deg - prev.heading_deg) * s;
            let alt_amsl_m = self.origin_alt_amsl_m + up;
            let position = self.frame.to_latlon(pos.into());
            let time_s = self.time_s - h * (1.0 - s);
            if self.cfg.photo_drop.drops(position, time_s) {
                continue;
            }
            self.events.push(SimEvent::CameraTrigger {
                image_index,
                position,
                alt_amsl_m,
                alt_rel_m: alt_amsl_m - self.home_alt_amsl_m,
                roll_rad: prev.roll_rad + (k.roll_rad - prev.roll_rad) * s,
                pitch_rad: prev.pitch_rad + (k.pitch_rad - prev.pitch_rad) * s,
                yaw_rad: wrap_180(heading).to_radians(),
                time_s,
            });
        }
    }

    /// Takes one photo now (DO_DIGICAM_CONTROL, trigger-now).
    pub(super) fn take_photo(&mut self) {
        let k = self.kin;
        let image_index = self.camera.take(k.pos);
        let alt_amsl_m = self.origin_alt_amsl_m + k.up_m;
        let position = self.frame.to_latlon(k.pos.into());
        if self.cfg.photo_drop.drops(position, self.time_s) {
            return;
        }
        self.events.push(SimEvent::CameraTrigger {
            image_index,
            position,
            alt_amsl_m,
            alt_rel_m: alt_amsl_m - self.home_alt_amsl_m,
            roll_rad: k.roll_rad,
            pitch_rad: k.pitch_rad,
            yaw_rad: wrap_180(k.heading_deg).to_radians(),
            time_s: self.time_s,
        });
    }

    fn battery_failsafe(&mut self) {
        if !self.armed {
            return;
        }
        let rem = self.battery.remaining_pct();
        let low = !self.batt_low && rem <= self.cfg.low_battery_pct;
        let critical = !self.batt_critical && rem <= self.cfg.critical_battery_pct;
        for (fire, kind) in [(low, "low"), (critical, "critical")] {
            if !fire {
                continue;
            }
            let text = format!(
                "Battery 1 is {kind} {:.2}V used {:.0} mAh",
                self.battery.voltage_v(),
                self.battery.consumed_mah()
            );
            self.text(severity::WARNING, text);
            if kind == "low" {
                self.batt_low = true;
            } else {
                self.batt_critical = true;
            }
            if !self.cfg.battery_failsafe {
                continue;
            }
            if self.landed {
                self.disarm_now();
                return;
            }
            let target = match (self.cfg.airframe, kind) {
                (Airframe::Plane, _) => pm::RTL,
                (Airframe::Copter, "low") if self.gps_ok() => cm::RTL,
                (Airframe::Copter, _) => cm::LAND,
            };
            let already = self.mode == target
                || (target == cm::RTL
                    && !self.is_plane()
                    && matches!(self.mode, cm::LAND | cm::SMART_RTL));
            if !already {
                self.enter_mode(target);
            }
        }
    }

    fn auto_disarm(&mut self, h: f64) {
        if !self.armed || !self.landed {
            self.idle_armed_s = 0.0;
            return;
        }
        match self.cfg.airframe {
            Airframe::Copter => {
                if matches!(self.mode, cm::LAND | cm::RTL | cm::SMART_RTL) {
                    self.disarm_now();
                    return;
                }
                if self.task.is_taking_off() {
                    self.idle_armed_s = 0.0;
                    return;
                }
                self.idle_armed_s += h;
                if self.idle_armed_s >= self.cfg.copter.disarm_delay_s {
                    self.disarm_now();
                }
            }
            Airframe::Plane => {
                let after_landing = matches!(self.task, Task::Land(_));
                if after_landing
                    && self.time_s - self.landed_at_s >= self.cfg.plane.land_disarm_delay_s
                {
                    self.disarm_now();
                }
            }
        }
    }

    /// Rebuilds the public snapshot from the internal state.
    pub(super) fn refresh_state(&mut self) {
        let k = self.kin;
        let fix = self.gps.fix();
        let alt_amsl_m = self.origin_alt_amsl_m + k.up_m;
        let (gps_position, gps_alt_amsl_m) = if fix.fix_type >= 3 {
            let [e, n, u] = fix.error_enu_m;
            (
                self.frame.to_latlon((k.pos + V2::new(e, n)).into()),
                alt_amsl_m + u,
            )
        } else {
            (crate::geo::LatLon::default(), 0.0)
        };
        let target = self
            .paused
            .map(|(at, _)| at)
            .or_else(|| self.task.target(self.home_enu()));
        let (wp_distance_m, target_bearing_deg) = match target {
            Some(t) => ((t - k.pos).len(), (t - k.pos).bearing_deg()),
            None => (0.0, 0.0),
        };
        let landed_state = if self.landed {
            landed_state::ON_GROUND
        } else if self.armed && self.task.is_taking_off() {
            landed_state::TAKEOFF
        } else if self.armed && self.task.is_landing() {
            landed_state::LANDING
        } else {
            landed_state::IN_AIR
        };
        let wind = self.wind.velocity();
        let mission_state = if self.paused.is_some() && self.mission.is_running() {
            mission_state::PAUSED
        } else {
            self.mission.mission_state()
        };
        self.state = SimState {
            time_s: self.time_s,
            armed: self.armed,
            custom_mode: self.mode,
            landed: self.landed,
            flying: !self.landed,
            landed_state,
            position: self.frame.to_latlon(k.pos.into()),
            alt_amsl_m,
            alt_rel_m: alt_amsl_m - self.home_alt_amsl_m,
            vel_north_mps: k.vel.n,
            vel_east_mps: k.vel.e,
            vel_down_mps: -k.vel_up_mps,
            groundspeed_mps: k.vel.len(),
            airspeed_mps: k.airspeed_mps,
            heading_deg: wrap_360(k.heading_deg),
            climb_mps: k.vel_up_mps,
            throttle_pct: lim(k.throttle * 100.0, 0.0, 100.0),
            roll_rad: k.roll_rad,
            pitch_rad: k.pitch_rad,
            yaw_rad: wrap_180(k.heading_deg).to_radians(),
            rollspeed_rps: k.rollspeed_rps,
            pitchspeed_rps: k.pitchspeed_rps,
            yawspeed_rps: k.yawspeed_rps,
            battery_voltage_v: self.battery.voltage_v(),
            battery_current_a: self.battery.current_a(),
            battery_remaining_pct: self.battery.remaining_pct(),
            battery_consumed_mah: self.battery.consumed_mah(),
            battery_cells: self.cfg.battery_cells,
            battery_failsafe: self.batt_low || self.batt_critical,
            gps_fix_type: fix.fix_type,
            gps_satellites: fix.satellites,
            gps_hdop: fix.hdop,
            gps_position,
            gps_alt_amsl_m,
            home: self.home,
            home_alt_amsl_m: self.home_alt_amsl_m,
            home_valid: self.home_valid,
            prearm_ok: fix.fix_type >= 3 && self.battery.remaining_pct() > self.cfg.low_battery_pct,
            mission_current: self.mission.current(),
            mission_len: self.mission.len(),
            mission_state,
            paused: self.paused.is_some(),
            cruise_speed_mps: self.speed_mps,
            wp_distance_m,
            target_bearing_deg,
            camera_trigger_distance_m: self.camera.trigger_distance_m(),
            images_taken: self.camera.images(),
            wind_speed_mps: wind.len(),
            wind_from_deg: if wind.len() > 1e-9 {
                wrap_360(wind.bearing_deg() + 180.0)
            } else {
                0.0
            },
        };
    }
}
