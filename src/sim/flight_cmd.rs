//! The commands a ground station gives a [`FlightModel`], answered as ArduPilot answers them:
//! the same checks, the same COMMAND_ACK result, the same STATUSTEXT wording where ArduPilot
//! sends one.

use super::battery::Battery;
use super::events::{Refusal, SimEvent, SimRefusal, severity};
use super::flight::{FlightModel, MAX_ALT_REL_M, MAX_RANGE_M, MissionOp};
use super::guide::lim;
use super::modes::{copter_mode as cm, mode_info, plane_mode as pm};
use super::task::{TakeoffTask, Task, WpTask};
use crate::geo::LatLon;
use crate::plan::mission_item::MissionItem;

impl FlightModel {
    /// Arms (MAV_CMD_COMPONENT_ARM_DISARM param1=1) after ArduPilot's checks: 3D GPS fix
    /// ("PreArm: GPS 1: Bad fix"), battery above the low threshold, an armable mode ("Arm: AUTO
    /// mode not armable"; ArduPlane: "PreArm: RTL mode not armable"). Arming when armed
    /// succeeds. Home moves to the current position unless it was set explicitly.
    pub fn arm(&mut self) -> Result<(), SimRefusal> {
        if self.armed {
            return self.ok();
        }
        if !self.gps_ok() {
            return self.refuse(SimRefusal::announced(
                Refusal::Failed,
                severity::CRITICAL,
                "PreArm: GPS 1: Bad fix",
            ));
        }
        if self.battery.remaining_pct() <= self.cfg.low_battery_pct {
            return self.refuse(SimRefusal::announced(
                Refusal::Failed,
                severity::CRITICAL,
                "PreArm: Battery 1 below minimum arming capacity",
            ));
        }
        let info = mode_info(self.cfg.airframe, self.mode);
        if !info.is_some_and(|i| i.armable) {
            let name = self.mode_label(self.mode);
            let text = if self.is_plane() {
                format!("PreArm: {name} mode not armable")
            } else {
                format!("Arm: {name} mode not armable")
            };
            return self.refuse(SimRefusal::announced(
                Refusal::Failed,
                severity::CRITICAL,
                text,
            ));
        }
        self.armed = true;
        self.idle_armed_s = 0.0;
        self.events.push(SimEvent::Armed);
        self.text(severity::INFO, "Arming motors");
        if !self.home_locked && self.landed {
            self.home = self.frame.to_latlon(self.kin.pos.into());
            self.home_alt_amsl_m = self.origin_alt_amsl_m + self.kin.up_m;
            self.home_valid = true;
            self.events.push(SimEvent::HomeSet);
        }
        if self.is_plane() && self.mode == pm::TAKEOFF && self.landed {
            self.task = self.plane_takeoff_task();
        }
        if self.mode == self.auto_mode() {
            self.mission_op(MissionOp::Resume);
        }
        self.ok()
    }

    /// Disarms. Refused while flying unless `force` (ArduPilot's magic force value); a forced
    /// disarm in the air stops the motors and the vehicle falls.
    pub fn disarm(&mut self, force: bool) -> Result<(), SimRefusal> {
        if !self.armed {
            return self.ok();
        }
        if !self.landed && !force {
            return self.refuse(SimRefusal::silent(
                Refusal::Failed,
                "Disarm: vehicle is flying (use force)",
            ));
        }
        self.disarm_now();
        self.ok()
    }

    /// Changes flight mode (HEARTBEAT `custom_mode` numbers: ArduCopter for copters, ArduPlane
    /// for planes). Unknown numbers: "No such mode N". While armed, modes that need a position
    /// are refused without a GPS fix, and a copter on the ground enters AUTO only if the mission
    /// starts with a takeoff ("Auto: Missing Takeoff Cmd").
    pub fn set_mode(&mut self, custom_mode: u32) -> Result<(), SimRefusal> {
        let Some(info) = mode_info(self.cfg.airframe, custom_mode) else {
            return self.refuse(SimRefusal::announced(
                Refusal::Failed,
                severity::WARNING,
                format!("No such mode {custom_mode}"),
            ));
        };
        if !info.simulated {
            return self.refuse(SimRefusal::silent(
                Refusal::Unsupported,
                format!("Mode {} is not simulated", info.name),
            ));
        }
        if custom_mode == self.mode {
            return self.ok();
        }
        if self.armed {
            if info.requires_position && !self.gps_ok() {
                return self.refuse(SimRefusal::announced(
                    Refusal::Failed,
                    severity::WARNING,
                    format!("Mode change failed: {} requires position", info.name),
                ));
            }
            if !self.is_plane() && custom_mode == cm::AUTO {
                if self.mission.len() <= 1 {
                    return self.refuse(SimRefusal::announced(
                        Refusal::Failed,
                        severity::WARNING,
                        "Flight mode change failed AUTO",
                    ));
                }
                if self.landed && !self.mission.starts_with_takeoff() {
                    return self.refuse(SimRefusal::announced(
                        Refusal::Failed,
                        severity::CRITICAL,
                        "Auto: Missing Takeoff Cmd",
                    ));
                }
            }
        }
        self.enter_mode(custom_mode);
        self.ok()
    }

    /// MAV_CMD_NAV_TAKEOFF to `alt_rel_m` above home. Copter: armed, on the ground, in GUIDED,
    /// LOITER or POSHOLD (ArduCopter's user-takeoff modes), target above the current altitude;
    /// climbs vertically at `WPNAV_SPEED_UP` and holds there. Plane: armed and on the ground;
    /// switches to TAKEOFF mode with `alt_rel_m` as the takeoff altitude (ground roll, climb at
    /// the takeoff pitch, then loiter ahead).
    pub fn takeoff(&mut self, alt_rel_m: f64) -> Result<(), SimRefusal> {
        if !alt_rel_m.is_finite() {
            return self.refuse(SimRefusal::silent(
                Refusal::Denied,
                "Takeoff: altitude is not a number",
            ));
        }
        if !self.armed {
            return self.refuse(SimRefusal::silent(
                Refusal::Failed,
                "Takeoff refused: vehicle not armed",
            ));
        }
        if !self.landed {
            return self.refuse(SimRefusal::silent(
                Refusal::Failed,
                "Takeoff refused: already flying",
            ));
        }
        if self.is_plane() {
            if alt_rel_m > 0.0 {
                self.takeoff_alt_m = lim(alt_rel_m, 5.0, MAX_ALT_REL_M);
            }
            if self.mode == pm::TAKEOFF {
                self.task = self.plane_takeoff_task();
            } else {
                self.enter_mode(pm::TAKEOFF);
            }
            return self.ok();
        }
        if !matches!(self.mode, cm::GUIDED | cm::LOITER | cm::POSHOLD) {
            let name = self.mode_label(self.mode);
            return self.refuse(SimRefusal::silent(
                Refusal::Failed,
                format!("Takeoff refused: {name} does not take off"),
            ));
        }
        let up = self.home_up() + lim(alt_rel_m, -MAX_ALT_REL_M, MAX_ALT_REL_M);
        if up <= self.kin.up_m + 0.1 {
            return self.refuse(SimRefusal::silent(
                Refusal::Failed,
                "Takeoff refused: altitude not above the vehicle",
            ));
        }
        let k = self.kin;
        self.task = Task::Takeoff(TakeoffTask {
            up_m: up,
            xy: k.pos,
            heading_deg: k.heading_deg,
            pitch_deg: 0.0,
            loiter_at: None,
            done: false,
        });
        self.idle_armed_s = 0.0;
        self.ok()
    }

    /// MAV_CMD_MISSION_START: AUTO from item 1. Needs an armed vehicle, a mission, a GPS fix
    /// and (copter on the ground) a mission that starts with a takeoff.
    pub fn start_mission(&mut self) -> Result<(), SimRefusal> {
        if !self.armed {
            return self.refuse(SimRefusal::silent(
                Refusal::Failed,
                "Mission start refused: vehicle not armed",
            ));
        }
        if self.mission.len() <= 1 {
            return self.refuse(SimRefusal::announced(
                Refusal::Failed,
                severity::WARNING,
                "Flight mode change failed AUTO",
            ));
        }
        if !self.gps_ok() {
            return self.refuse(SimRefusal::announced(
                Refusal::Failed,
                severity::WARNING,
                "Mode change failed: AUTO requires position",
            ));
        }
        if !self.is_plane() && self.landed && !self.mission.starts_with_takeoff() {
            return self.refuse(SimRefusal::announced(
                Refusal::Failed,
                severity::CRITICAL,
                "Auto: Missing Takeoff Cmd",
            ));
        }
        self.mission_op(MissionOp::Reset);
        self.last_nav_end = None;
        if self.mode == self.auto_mode() {
            self.paused = None;
            self.mission_op(MissionOp::Start);
        } else {
            self.enter_mode(self.auto_mode());
        }
        self.ok()
    }

    /// Replaces the mission (ArduPilot convention: `items[0]` is home and is not flown). A
    /// running mission restarts its current item.
    pub fn set_mission(&mut self, items: Vec<MissionItem>) {
        self.mission.set_items(items);
        self.refresh_state();
    }

    /// MISSION_SET_CURRENT / DO_SET_MISSION_CURRENT: continue from item `seq` (0 means 1). In
    /// AUTO and flying the vehicle heads there at once; otherwise the mission resumes there.
    pub fn set_current_item(&mut self, seq: u16) -> Result<(), SimRefusal> {
        let len = self.mission.len();
        if len <= 1 || seq >= len {
            return self.refuse(SimRefusal::silent(
                Refusal::Failed,
                format!("Mission: no item {seq} (mission has {len} items)"),
            ));
        }
        let ok = self.with_mission(|m, host| m.set_current(seq, host));
        if !ok {
            return self.refuse(SimRefusal::silent(
                Refusal::Failed,
                format!("Mission: no navigation item at or after {seq}"),
            ));
        }
        if self.mode == self.auto_mode() && self.armed && !self.landed && !self.mission.is_running()
        {
            self.paused = None;
            self.mission_op(MissionOp::Resume);
        }
        self.ok()
    }

    /// MAV_CMD_DO_PAUSE_CONTINUE param1=0: stop and hold. Copter: in GUIDED, or in AUTO while
    /// flying a waypoint leg (as ArduCopter); plane: AUTO or GUIDED (loiters where it is).
    pub fn pause(&mut self) -> Result<(), SimRefusal> {
        let auto = self.mode == self.auto_mode();
        let guided = self.mode
            == if self.is_plane() {
                pm::GUIDED
            } else {
                cm::GUIDED
            };
        if !(auto || guided) || !self.armed || self.landed {
            let name = self.mode_label(self.mode);
            return self.refuse(SimRefusal::silent(
                Refusal::Failed,
                format!("Pause: not possible in {name}"),
            ));
        }
        if auto && !self.is_plane() && !self.task.flying_leg() {
            return self.refuse(SimRefusal::silent(
                Refusal::Failed,
                "Pause: not on a waypoint leg",
            ));
        }
        if self.paused.is_none() {
            self.paused = Some((self.stopping_point(), self.kin.up_m));
        }
        self.ok()
    }

    /// MAV_CMD_DO_PAUSE_CONTINUE param1=1: carry on after a pause (accepted in AUTO and GUIDED
    /// even when not paused, as ArduPilot).
    pub fn resume(&mut self) -> Result<(), SimRefusal> {
        let guided = self.mode
            == if self.is_plane() {
                pm::GUIDED
            } else {
                cm::GUIDED
            };
        if self.paused.is_none() && !(guided || self.mode == self.auto_mode()) {
            let name = self.mode_label(self.mode);
            return self.refuse(SimRefusal::silent(
                Refusal::Failed,
                format!("Resume: not possible in {name}"),
            ));
        }
        self.paused = None;
        self.ok()
    }

    /// GUIDED reposition (DO_REPOSITION / SET_POSITION_TARGET_GLOBAL_INT) to `target` at
    /// `alt_rel_m` above home. Copter: must be flying in GUIDED (the caller switches mode first
    /// for DO_REPOSITION's change-mode flag), flies a straight 3D line at `WPNAV_SPEED` and
    /// holds there. Plane: switches to GUIDED if needed and loiters around the target.
    pub fn goto(&mut self, target: LatLon, alt_rel_m: f64) -> Result<(), SimRefusal> {
        if !target.is_valid() || !alt_rel_m.is_finite() {
            return self.refuse(SimRefusal::silent(
                Refusal::Denied,
                "Reposition: invalid target",
            ));
        }
        if target.distance_m(self.frame.origin()) > MAX_RANGE_M {
            return self.refuse(SimRefusal::silent(
                Refusal::Denied,
                "Reposition: target more than 100 km away",
            ));
        }
        if !self.armed || self.landed {
            return self.refuse(SimRefusal::silent(
                Refusal::Failed,
                "Reposition refused: vehicle not flying",
            ));
        }
        if self.is_plane() {
            if self.mode != pm::GUIDED {
                if !self.gps_ok() {
                    return self.refuse(SimRefusal::announced(
                        Refusal::Failed,
                        severity::WARNING,
                        "Mode change failed: GUIDED requires position",
                    ));
                }
                self.enter_mode(pm::GUIDED);
            }
        } else if self.mode != cm::GUIDED {
            return self.refuse(SimRefusal::silent(
                Refusal::Denied,
                "Reposition refused: not in GUIDED",
            ));
        }
        let k = self.kin;
        let radius_m = if self.is_plane() {
            self.cfg.plane.loiter_radius_m
        } else {
            self.cfg.copter.wp_radius_m
        };
        self.task = Task::Waypoint(WpTask {
            from: k.pos,
            to: self.frame.to_enu(target).into(),
            from_up_m: k.up_m,
            to_up_m: self.up_for_rel(alt_rel_m),
            radius_m,
            hold_s: None,
            end_speed_mps: 0.0,
            reached_at_s: None,
            done: false,
        });
        self.paused = None;
        self.ok()
    }

    /// MAV_CMD_DO_CHANGE_SPEED with the speed type that suits the airframe (copter: ground
    /// speed, plane: airspeed).
    pub fn change_speed(&mut self, speed_mps: f64) -> Result<(), SimRefusal> {
        let kind = if self.is_plane() { 0 } else { 1 };
        self.change_speed_kind(kind, speed_mps)
    }

    /// MAV_CMD_DO_CHANGE_SPEED with param1 `speed_type` (0 airspeed, 1 ground speed, 2 climb,
    /// 3 descent). Copter: accepted in AUTO, GUIDED and RTL (cleared when those modes are
    /// entered, as ArduCopter re-initialises its navigator); plane: air/ground speed in any mode.
    pub fn change_speed_kind(&mut self, speed_type: u8, speed_mps: f64) -> Result<(), SimRefusal> {
        if !speed_mps.is_finite() || speed_mps <= 0.0 {
            return self.refuse(SimRefusal::silent(
                Refusal::Failed,
                "Change speed: speed must be positive",
            ));
        }
        if self.is_plane() {
            if speed_type > 1 {
                return self.refuse(SimRefusal::silent(
                    Refusal::Unsupported,
                    "Change speed: plane climb/descent speed not simulated",
                ));
            }
            let p = &self.cfg.plane;
            self.speed_mps = lim(speed_mps, p.min_airspeed_mps, p.max_airspeed_mps);
            return self.ok();
        }
        if !matches!(self.mode, cm::AUTO | cm::GUIDED | cm::RTL | cm::SMART_RTL) {
            let name = self.mode_label(self.mode);
            return self.refuse(SimRefusal::silent(
                Refusal::Failed,
                format!("Change speed: not possible in {name}"),
            ));
        }
        self.apply_copter_speed(speed_type, speed_mps);
        self.ok()
    }

    pub(super) fn apply_copter_speed(&mut self, speed_type: u8, speed_mps: f64) {
        match speed_type {
            2 => {
                self.climb_override_mps = Some(lim(speed_mps, 0.1, 10.0));
                self.rebuild_copter();
            }
            3 => {
                self.descent_override_mps = Some(lim(speed_mps, 0.1, 5.0));
                self.rebuild_copter();
            }
            _ => self.speed_mps = lim(speed_mps, 0.2, 20.0),
        }
    }

    /// A fresh battery, as after a swap on the ground; refused while armed.
    pub fn swap_battery(&mut self) -> Result<(), SimRefusal> {
        if self.state.armed {
            return Err(SimRefusal::silent(
                Refusal::Denied,
                "disarm before swapping the battery",
            ));
        }
        self.battery = Battery::new(
            self.cfg.battery_capacity_mah,
            self.cfg.battery_cells,
            self.cfg.battery_resistance_ohm,
        );
        Ok(())
    }

    /// Sets home (MAV_CMD_DO_SET_HOME with a location); invalid input is ignored. See
    /// [`FlightModel::try_set_home`] for the checked version.
    pub fn set_home(&mut self, home: LatLon, alt_amsl_m: f64) {
        // Invalid homes are refused without side effects; this variant has nothing to report.
        let _ = self.try_set_home(home, alt_amsl_m);
    }

    /// Sets home, refusing invalid coordinates and places more than 100 km from the start.
    /// Home set this way stays put when arming.
    pub fn try_set_home(&mut self, home: LatLon, alt_amsl_m: f64) -> Result<(), SimRefusal> {
        if !home.is_valid()
            || !alt_amsl_m.is_finite()
            || home.distance_m(self.frame.origin()) > MAX_RANGE_M
        {
            return self.refuse(SimRefusal::silent(
                Refusal::Denied,
                "Set home: invalid location",
            ));
        }
        self.home = home;
        self.home_alt_amsl_m = lim(alt_amsl_m, -1000.0, 10_000.0);
        self.home_valid = true;
        self.home_locked = true;
        self.events.push(SimEvent::HomeSet);
        self.ok()
    }

    /// MAV_CMD_DO_SET_HOME param1=1: home at the current position.
    pub fn set_home_to_current(&mut self) -> Result<(), SimRefusal> {
        let here = self.frame.to_latlon(self.kin.pos.into());
        let alt = self.origin_alt_amsl_m + self.kin.up_m;
        self.try_set_home(here, alt)
    }
}
