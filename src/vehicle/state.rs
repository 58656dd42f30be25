//! Everything known about one vehicle, updated by a pure `apply(&message, t_us)`.
//!
//! Every later feature (map, status cards, HUD, alerts, replay timeline, tlog summaries) reads
//! a [`VehicleState`]; discrete changes come out of `apply` as [`FleetEvent`]s. Time is always
//! passed in (tlog time in replay), so live and replay behave the same.

use crate::protocol::dialect::MavMessage;

use super::battery::Battery;
use super::camera::{CameraEvent, CameraLog};
use super::events::FleetEvent;
use super::freshness::{FieldGroup, Freshness};
use super::heartbeat::Heartbeat;
use super::ids::{Autopilot, MAV_AUTOPILOT_ARDUPILOT, VehicleClass, VehicleId};
use super::modes::mode_name;
use super::sensors::SensorStatus;
use super::statustext::StatusLog;
use super::telemetry::{Attitude, Ekf, Gps, Home, MissionProgress, Motion, Position};

/// While armed, a home move larger than this (horizontally or vertically, metres) emits a new
/// [`FleetEvent::HomeSet`]. While disarmed ArduPilot and PX4 move home with the vehicle
/// (ArduPlane 3.6 re-sent a different home 1858 times in a 2016 log, GPS altitude jitter of
/// 4 m included), so disarmed moves update the state silently.
pub const HOME_MOVED_M: f64 = 2.0;
/// `MAV_PROTOCOL_CAPABILITY_MISSION_INT`: the vehicle takes MISSION_ITEM_INT.
pub const MAV_PROTOCOL_CAPABILITY_MISSION_INT: u64 = 4;
/// MAV_STATE_ACTIVE: ArduPilot reports it while armed and flying.
const MAV_STATE_ACTIVE: u8 = 4;
/// Altitude above home above which an armed vehicle counts as flying, metres.
const FLYING_ALT_REL_M: f64 = 1.0;
/// Ground speed above which an armed vehicle counts as flying (or driving), m/s.
const FLYING_SPEED_MPS: f64 = 1.0;

/// The state of one vehicle.
#[derive(Debug, Clone, PartialEq)]
pub struct VehicleState {
    /// MAVLink address.
    pub id: VehicleId,
    /// Raw MAV_TYPE from the latest HEARTBEAT.
    pub mav_type: u8,
    /// Firmware family.
    pub autopilot: Autopilot,
    /// Airframe class (from `mav_type`).
    pub class: VehicleClass,
    /// HEARTBEAT custom_mode.
    pub custom_mode: u32,
    /// HEARTBEAT base_mode.
    pub base_mode: u8,
    /// Human mode name (see [`super::modes::mode_name`]).
    pub mode_name: String,
    /// Armed flag from base_mode.
    pub armed: bool,
    /// HEARTBEAT system_status (MAV_STATE).
    pub system_status: u8,
    /// True once a MAVLink 2 frame was received from this vehicle.
    pub mavlink2: bool,
    /// Time of the first HEARTBEAT, microseconds since the Unix epoch.
    pub first_seen_us: u64,
    /// Time of the latest message of any kind from this vehicle.
    pub last_heard_us: u64,
    /// Time of the latest HEARTBEAT.
    pub last_heartbeat_us: u64,
    /// Position and altitudes.
    pub position: Position,
    /// Home, once known.
    pub home: Option<Home>,
    /// Attitude, once known.
    pub attitude: Option<Attitude>,
    /// Speeds, heading, climb, throttle.
    pub motion: Motion,
    /// Main battery.
    pub battery: Battery,
    /// GPS receiver, once GPS_RAW_INT was received.
    pub gps: Option<Gps>,
    /// SYS_STATUS sensor bits and load, once received.
    pub sensors: Option<SensorStatus>,
    /// EKF status (ArduPilot), once received.
    pub ekf: Option<Ekf>,
    /// Mission progress.
    pub mission: MissionProgress,
    /// Recent STATUSTEXT messages.
    pub status_log: StatusLog,
    /// Photo count and recent camera events.
    pub camera: CameraLog,
    /// Last update time per field group.
    pub freshness: Freshness,
    /// `MAV_PROTOCOL_CAPABILITY` bits from AUTOPILOT_VERSION, once received.
    pub capabilities: Option<u64>,
    /// The vehicle used `MISSION_REQUEST_INT` or `MISSION_ITEM_INT` (it takes INT items).
    pub mission_int_seen: bool,
    armed_since_us: Option<u64>,
    armed_before_us: u64,
    announced_home: Option<Home>,
    lost: bool,
}

impl VehicleState {
    /// A state created from the vehicle's first HEARTBEAT.
    pub fn new(id: VehicleId, hb: &Heartbeat, t_us: u64) -> Self {
        let autopilot = Autopilot::from_mav_autopilot(hb.autopilot);
        let class = VehicleClass::from_mav_type(hb.mav_type);
        let mut freshness = Freshness::default();
        freshness.touch(FieldGroup::Heartbeat, t_us);
        Self {
            id,
            mav_type: hb.mav_type,
            autopilot,
            class,
            custom_mode: hb.custom_mode,
            base_mode: hb.base_mode,
            mode_name: mode_name(autopilot, class, hb.custom_mode, hb.base_mode),
            armed: hb.armed(),
            system_status: hb.system_status,
            mavlink2: false,
            first_seen_us: t_us,
            last_heard_us: t_us,
            last_heartbeat_us: t_us,
            position: Position::default(),
            home: None,
            attitude: None,
            motion: Motion::default(),
            battery: Battery::default(),
            gps: None,
            sensors: None,
            ekf: None,
            mission: MissionProgress::default(),
            status_log: StatusLog::default(),
            camera: CameraLog::default(),
            freshness,
            capabilities: None,
            mission_int_seen: false,
            armed_since_us: hb.armed().then_some(t_us),
            armed_before_us: 0,
            announced_home: None,
            lost: false,
        }
    }

    /// Whether the vehicle takes `MISSION_ITEM_INT` (exact coordinates): `Some(true)` when its
    /// capabilities say so or it used the INT messages, `Some(false)` when its capabilities
    /// lack them, `None` until AUTOPILOT_VERSION arrives.
    pub fn mission_int_support(&self) -> Option<bool> {
        if self.mission_int_seen {
            return Some(true);
        }
        self.capabilities
            .map(|c| c & MAV_PROTOCOL_CAPABILITY_MISSION_INT != 0)
    }

    /// Applies one message sent by this vehicle; returns what happened.
    pub fn apply(&mut self, msg: &MavMessage, t_us: u64) -> Vec<FleetEvent> {
        let mut out = Vec::new();
        self.apply_from(msg, self.id.compid, t_us, &mut out);
        out
    }

    /// Applies a message from component `compid` of this vehicle's system (the autopilot
    /// itself, or e.g. a camera whose messages the fleet routes here).
    pub(crate) fn apply_from(
        &mut self,
        msg: &MavMessage,
        compid: u8,
        t_us: u64,
        out: &mut Vec<FleetEvent>,
    ) {
        if compid == self.id.compid {
            self.last_heard_us = self.last_heard_us.max(t_us);
        }
        let id = self.id;
        match msg {
            MavMessage::HEARTBEAT(d) => self.apply_heartbeat(&Heartbeat::from(d), t_us, out),
            MavMessage::SYS_STATUS(d) => {
                self.sensors = Some(SensorStatus::from_sys_status(d));
                self.freshness.touch(FieldGroup::SysStatus, t_us);
                if self.battery.apply_sys_status(d, t_us) {
                    self.freshness.touch(FieldGroup::Battery, t_us);
                }
            }
            MavMessage::BATTERY_STATUS(d) => {
                let applied = self.battery.apply_battery_status(d, t_us);
                if applied {
                    self.freshness.touch(FieldGroup::Battery, t_us);
                }
            }
            MavMessage::GLOBAL_POSITION_INT(d) => {
                self.position.apply_global_position_int(d);
                self.motion.apply_global_position_int(d);
                self.freshness.touch(FieldGroup::Position, t_us);
                self.freshness.touch(FieldGroup::Hud, t_us);
            }
            MavMessage::GPS_RAW_INT(d) => {
                let gps = Gps::from_gps_raw_int(d);
                let before = self.gps.map(|g| g.fix_type);
                if before != Some(gps.fix_type) {
                    out.push(FleetEvent::GpsFixChanged {
                        id,
                        t_us,
                        from: before,
                        to: gps.fix_type,
                    });
                }
                self.gps = Some(gps);
                self.freshness.touch(FieldGroup::Gps, t_us);
                if self.position.apply_gps_raw_fallback(d) {
                    self.freshness.touch(FieldGroup::Position, t_us);
                }
            }
            MavMessage::ATTITUDE(d) => {
                self.attitude = Some(Attitude::from_attitude(d));
                self.freshness.touch(FieldGroup::Attitude, t_us);
            }
            MavMessage::VFR_HUD(d) => {
                self.motion.apply_vfr_hud(d);
                self.freshness.touch(FieldGroup::Hud, t_us);
            }
            MavMessage::HOME_POSITION(d) => {
                if let Some(home) = Home::from_home_position(d) {
                    self.set_home(home, t_us, out);
                }
            }
            MavMessage::EKF_STATUS_REPORT(d) => {
                self.ekf = Some(Ekf::from_report(d));
                self.freshness.touch(FieldGroup::Ekf, t_us);
            }
            MavMessage::MISSION_CURRENT(d) => {
                if self.mission.apply_current(d)
                    && let Some(seq) = self.mission.current_seq
                {
                    out.push(FleetEvent::MissionCurrent { id, t_us, seq });
                }
                self.freshness.touch(FieldGroup::Mission, t_us);
            }
            MavMessage::MISSION_ITEM_REACHED(d) => {
                self.mission.apply_reached(d.seq);
                self.freshness.touch(FieldGroup::Mission, t_us);
                out.push(FleetEvent::MissionItemReached {
                    id,
                    t_us,
                    seq: d.seq,
                });
            }
            MavMessage::STATUSTEXT(d) => {
                let done = self.status_log.push_chunk(
                    t_us,
                    d.severity as u8,
                    &d.text[..],
                    d.id,
                    d.chunk_seq,
                );
                out.extend(done.into_iter().map(|e| FleetEvent::StatusText {
                    id,
                    t_us: e.t_us,
                    severity: e.severity,
                    text: e.text,
                }));
            }
            MavMessage::CAMERA_FEEDBACK(d) => {
                self.record_photo(CameraEvent::from_feedback(d, compid, t_us), out);
            }
            MavMessage::CAMERA_TRIGGER(d) => {
                self.record_photo(CameraEvent::from_trigger(d, compid, t_us), out);
            }
            MavMessage::CAMERA_IMAGE_CAPTURED(d) => {
                self.record_photo(CameraEvent::from_image_captured(d, compid, t_us), out);
            }
            _ => {}
        }
    }

    /// Applies a HEARTBEAT given as raw numbers (the fleet's fallback for heartbeats the
    /// typed decoder rejects).
    pub fn apply_heartbeat(&mut self, hb: &Heartbeat, t_us: u64, out: &mut Vec<FleetEvent>) {
        let id = self.id;
        self.last_heard_us = self.last_heard_us.max(t_us);
        self.last_heartbeat_us = t_us;
        self.freshness.touch(FieldGroup::Heartbeat, t_us);
        if self.lost {
            self.lost = false;
            out.push(FleetEvent::VehicleRegained { id, t_us });
        }
        self.mav_type = hb.mav_type;
        self.autopilot = Autopilot::from_mav_autopilot(hb.autopilot);
        self.class = VehicleClass::from_mav_type(hb.mav_type);
        self.custom_mode = hb.custom_mode;
        self.base_mode = hb.base_mode;
        let name = mode_name(self.autopilot, self.class, hb.custom_mode, hb.base_mode);
        if name != self.mode_name {
            let from = std::mem::replace(&mut self.mode_name, name);
            out.push(FleetEvent::ModeChanged {
                id,
                t_us,
                from,
                to: self.mode_name.clone(),
            });
        }
        let armed = hb.armed();
        if armed != self.armed {
            self.armed = armed;
            if armed {
                self.armed_since_us = Some(t_us);
                out.push(FleetEvent::Armed { id, t_us });
                // The home the vehicle locked when arming, if it moved while disarmed.
                self.announce_home(t_us, out);
            } else {
                if let Some(since) = self.armed_since_us.take() {
                    self.armed_before_us += t_us.saturating_sub(since);
                }
                out.push(FleetEvent::Disarmed { id, t_us });
            }
        }
        if hb.system_status != self.system_status {
            out.push(FleetEvent::SystemStatusChanged {
                id,
                t_us,
                from: self.system_status,
                to: hb.system_status,
            });
            self.system_status = hb.system_status;
        }
    }

    fn set_home(&mut self, home: Home, t_us: u64, out: &mut Vec<FleetEvent>) {
        self.home = Some(home);
        self.freshness.touch(FieldGroup::Home, t_us);
        if self.announced_home.is_none() || self.armed {
            self.announce_home(t_us, out);
        }
    }

    /// Emits [`FleetEvent::HomeSet`] if home is new or moved by more than [`HOME_MOVED_M`]
    /// since the last announcement.
    fn announce_home(&mut self, t_us: u64, out: &mut Vec<FleetEvent>) {
        let Some(home) = self.home else {
            return;
        };
        let moved = self.announced_home.is_none_or(|old| {
            old.lat_lon.distance_m(home.lat_lon) > HOME_MOVED_M
                || (old.alt_amsl_m - home.alt_amsl_m).abs() > HOME_MOVED_M
        });
        if moved {
            self.announced_home = Some(home);
            out.push(FleetEvent::HomeSet {
                id: self.id,
                t_us,
                position: home.lat_lon,
                alt_amsl_m: home.alt_amsl_m,
            });
        }
    }

    fn record_photo(&mut self, event: CameraEvent, out: &mut Vec<FleetEvent>) {
        self.camera.push(event.clone());
        out.push(FleetEvent::CameraTrigger { id: self.id, event });
    }

    /// Time-driven housekeeping: emits chunked STATUSTEXT messages whose last chunk never came.
    pub fn check_timeouts(&mut self, now_us: u64) -> Vec<FleetEvent> {
        self.status_log
            .flush_stale(now_us)
            .map(|e| FleetEvent::StatusText {
                id: self.id,
                t_us: e.t_us,
                severity: e.severity,
                text: e.text,
            })
            .into_iter()
            .collect()
    }

    /// True while the fleet considers the vehicle lost (heartbeat timeout).
    pub fn is_lost(&self) -> bool {
        self.lost
    }

    pub(crate) fn set_lost(&mut self) {
        self.lost = true;
    }

    /// True when `group` was never received or is older than its threshold at `now_us`.
    pub fn is_stale(&self, group: FieldGroup, now_us: u64) -> bool {
        self.freshness.is_stale(group, now_us)
    }

    /// Age of `group` at `now_us`, `None` if never received.
    pub fn age_us(&self, group: FieldGroup, now_us: u64) -> Option<u64> {
        self.freshness.age_us(group, now_us)
    }

    /// When the vehicle armed, while it is armed.
    pub fn armed_since_us(&self) -> Option<u64> {
        self.armed_since_us
    }

    /// Total time armed up to `now_us` (all arming periods seen), microseconds.
    pub fn armed_time_us(&self, now_us: u64) -> u64 {
        self.armed_before_us
            + self
                .armed_since_us
                .map_or(0, |since| now_us.saturating_sub(since))
    }

    /// Horizontal distance from home, metres, when both are known.
    pub fn distance_to_home_m(&self) -> Option<f64> {
        Some(self.home?.lat_lon.distance_m(self.position.lat_lon?))
    }

    /// Best-effort "in the air": armed, and ArduPilot reports ACTIVE, or the vehicle is more
    /// than 1 m above home or moving faster than 1 m/s.
    pub fn is_flying(&self) -> bool {
        if !self.armed {
            return false;
        }
        if self.autopilot.to_mav_autopilot() == MAV_AUTOPILOT_ARDUPILOT
            && self.system_status == MAV_STATE_ACTIVE
        {
            return true;
        }
        self.position
            .alt_rel_m
            .is_some_and(|a| a > FLYING_ALT_REL_M)
            || self
                .motion
                .ground_speed_mps
                .is_some_and(|v| v > FLYING_SPEED_MPS)
    }

    /// Names of sensors present and enabled but unhealthy (empty before any SYS_STATUS).
    pub fn unhealthy_sensors(&self) -> Vec<&'static str> {
        self.sensors
            .map(|s| s.unhealthy_sensors())
            .unwrap_or_default()
    }
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
