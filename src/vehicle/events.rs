//! Discrete things that happened to a vehicle, for alerts, the replay timeline and tlog
//! summaries. Continuous values (position, battery) stay in the state; only changes that a
//! user would want listed become events.

use crate::geo::LatLon;

use super::camera::CameraEvent;
use super::ids::{Autopilot, VehicleClass, VehicleId};

/// One event, with the vehicle it concerns and when it happened (see [`FleetEvent::id`] and
/// [`FleetEvent::t_us`]).
#[derive(Debug, Clone, PartialEq)]
pub enum FleetEvent {
    /// First vehicle HEARTBEAT from this (sysid, compid).
    VehicleAppeared {
        /// Vehicle.
        id: VehicleId,
        /// Time, microseconds since the Unix epoch.
        t_us: u64,
        /// Firmware.
        autopilot: Autopilot,
        /// Airframe class.
        class: VehicleClass,
        /// Mode at first contact.
        mode: String,
        /// Armed at first contact (no separate [`FleetEvent::Armed`] is emitted for it).
        armed: bool,
    },
    /// The mode name changed.
    ModeChanged {
        /// Vehicle.
        id: VehicleId,
        /// Time.
        t_us: u64,
        /// Previous mode name.
        from: String,
        /// New mode name.
        to: String,
    },
    /// The vehicle armed.
    Armed {
        /// Vehicle.
        id: VehicleId,
        /// Time.
        t_us: u64,
    },
    /// The vehicle disarmed.
    Disarmed {
        /// Vehicle.
        id: VehicleId,
        /// Time.
        t_us: u64,
    },
    /// HEARTBEAT system status changed (e.g. STANDBY -> ACTIVE, or CRITICAL/EMERGENCY on a
    /// failsafe).
    SystemStatusChanged {
        /// Vehicle.
        id: VehicleId,
        /// Time.
        t_us: u64,
        /// Previous MAV_STATE.
        from: u8,
        /// New MAV_STATE.
        to: u8,
    },
    /// A complete (reassembled) STATUSTEXT.
    StatusText {
        /// Vehicle.
        id: VehicleId,
        /// Time of the first chunk.
        t_us: u64,
        /// MAV_SEVERITY (0 emergency .. 7 debug).
        severity: u8,
        /// Text.
        text: String,
    },
    /// The current mission item changed (MISSION_CURRENT).
    MissionCurrent {
        /// Vehicle.
        id: VehicleId,
        /// Time.
        t_us: u64,
        /// New current item.
        seq: u16,
    },
    /// A mission item was reached (MISSION_ITEM_REACHED).
    MissionItemReached {
        /// Vehicle.
        id: VehicleId,
        /// Time.
        t_us: u64,
        /// Item reached.
        seq: u16,
    },
    /// A photo was taken.
    CameraTrigger {
        /// Vehicle (the autopilot of the system the camera belongs to).
        id: VehicleId,
        /// The photo; its `t_us` is the event time.
        event: CameraEvent,
    },
    /// Home was received for the first time, or, at arming or while armed, is more than
    /// [`super::state::HOME_MOVED_M`] (horizontally or vertically) away from the last HomeSet.
    /// So the home locked at arming and in-flight DO_SET_HOME are listed; the home that
    /// follows a disarmed vehicle around on the ground is not.
    HomeSet {
        /// Vehicle.
        id: VehicleId,
        /// Time.
        t_us: u64,
        /// Home position.
        position: LatLon,
        /// Home altitude AMSL, metres.
        alt_amsl_m: f64,
    },
    /// GPS fix type changed (GPS_FIX_TYPE values; `from` is `None` on the first report).
    GpsFixChanged {
        /// Vehicle.
        id: VehicleId,
        /// Time.
        t_us: u64,
        /// Previous fix type.
        from: Option<u8>,
        /// New fix type.
        to: u8,
    },
    /// No HEARTBEAT for more than [`super::fleet::HEARTBEAT_TIMEOUT_US`].
    VehicleLost {
        /// Vehicle.
        id: VehicleId,
        /// Time the loss was detected.
        t_us: u64,
        /// Time of the last heartbeat.
        last_heartbeat_us: u64,
    },
    /// A HEARTBEAT arrived after [`FleetEvent::VehicleLost`].
    VehicleRegained {
        /// Vehicle.
        id: VehicleId,
        /// Time.
        t_us: u64,
    },
}

impl FleetEvent {
    /// The vehicle the event concerns.
    pub fn id(&self) -> VehicleId {
        match self {
            FleetEvent::VehicleAppeared { id, .. }
            | FleetEvent::ModeChanged { id, .. }
            | FleetEvent::Armed { id, .. }
            | FleetEvent::Disarmed { id, .. }
            | FleetEvent::SystemStatusChanged { id, .. }
            | FleetEvent::StatusText { id, .. }
            | FleetEvent::MissionCurrent { id, .. }
            | FleetEvent::MissionItemReached { id, .. }
            | FleetEvent::CameraTrigger { id, .. }
            | FleetEvent::HomeSet { id, .. }
            | FleetEvent::GpsFixChanged { id, .. }
            | FleetEvent::VehicleLost { id, .. }
            | FleetEvent::VehicleRegained { id, .. } => *id,
        }
    }

    /// When it happened, microseconds since the Unix epoch (tlog time in replay).
    pub fn t_us(&self) -> u64 {
        match self {
            FleetEvent::CameraTrigger { event, .. } => event.t_us,
            FleetEvent::VehicleAppeared { t_us, .. }
            | FleetEvent::ModeChanged { t_us, .. }
            | FleetEvent::Armed { t_us, .. }
            | FleetEvent::Disarmed { t_us, .. }
            | FleetEvent::SystemStatusChanged { t_us, .. }
            | FleetEvent::StatusText { t_us, .. }
            | FleetEvent::MissionCurrent { t_us, .. }
            | FleetEvent::MissionItemReached { t_us, .. }
            | FleetEvent::HomeSet { t_us, .. }
            | FleetEvent::GpsFixChanged { t_us, .. }
            | FleetEvent::VehicleLost { t_us, .. }
            | FleetEvent::VehicleRegained { t_us, .. } => *t_us,
        }
    }
}

/// Human name of a MAV_STATE value.
pub fn system_status_name(state: u8) -> &'static str {
    match state {
        0 => "Uninitialised",
        1 => "Booting",
        2 => "Calibrating",
        3 => "Standby",
        4 => "Active",
        5 => "Critical",
        6 => "Emergency",
        7 => "Power off",
        8 => "Flight termination",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessors() {
        let id = VehicleId::new(3, 1);
        let e = FleetEvent::Armed { id, t_us: 42 };
        assert_eq!((e.id(), e.t_us()), (id, 42));
        let e = FleetEvent::VehicleLost {
            id,
            t_us: 10,
            last_heartbeat_us: 1,
        };
        assert_eq!(e.t_us(), 10);
        assert_eq!(system_status_name(4), "Active");
    }
}
