//! Who a vehicle is: its MAVLink address, its autopilot firmware and its airframe class.
//!
//! These small value types key the fleet and select the mode tables, so they are `Copy` and
//! totally ordered (a fleet listing must never depend on hash order).

use std::fmt;

/// MAV_AUTOPILOT_ARDUPILOTMEGA.
pub const MAV_AUTOPILOT_ARDUPILOT: u8 = 3;
/// MAV_AUTOPILOT_INVALID: sent by components that are not flight controllers.
pub const MAV_AUTOPILOT_INVALID: u8 = 8;
/// MAV_AUTOPILOT_PX4.
pub const MAV_AUTOPILOT_PX4: u8 = 12;

/// The MAVLink address of one vehicle: system id and component id of its autopilot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VehicleId {
    /// MAVLink system id (1..=255).
    pub sysid: u8,
    /// MAVLink component id of the autopilot (usually 1).
    pub compid: u8,
}

impl VehicleId {
    /// An id from system and component id.
    pub const fn new(sysid: u8, compid: u8) -> Self {
        Self { sysid, compid }
    }
}

impl fmt::Display for VehicleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.sysid, self.compid)
    }
}

/// The autopilot firmware family, from HEARTBEAT.autopilot (MAV_AUTOPILOT).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Autopilot {
    /// ArduPilot (MAV_AUTOPILOT_ARDUPILOTMEGA = 3).
    ArduPilot,
    /// PX4 (MAV_AUTOPILOT_PX4 = 12).
    Px4,
    /// Any other MAV_AUTOPILOT value, kept raw.
    Other(u8),
}

impl Autopilot {
    /// Classifies a raw MAV_AUTOPILOT value.
    pub const fn from_mav_autopilot(value: u8) -> Self {
        match value {
            MAV_AUTOPILOT_ARDUPILOT => Autopilot::ArduPilot,
            MAV_AUTOPILOT_PX4 => Autopilot::Px4,
            other => Autopilot::Other(other),
        }
    }

    /// The raw MAV_AUTOPILOT value.
    pub const fn to_mav_autopilot(self) -> u8 {
        match self {
            Autopilot::ArduPilot => MAV_AUTOPILOT_ARDUPILOT,
            Autopilot::Px4 => MAV_AUTOPILOT_PX4,
            Autopilot::Other(v) => v,
        }
    }
}

impl fmt::Display for Autopilot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Autopilot::ArduPilot => f.write_str("ArduPilot"),
            Autopilot::Px4 => f.write_str("PX4"),
            Autopilot::Other(v) => write!(f, "Autopilot({v})"),
        }
    }
}

/// The airframe class, from HEARTBEAT.type (MAV_TYPE). Selects the mode table and the icon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VehicleClass {
    /// Multirotor (quad, hexa, octo, tri, coaxial, dodeca, deca, generic multirotor).
    Copter,
    /// Fixed wing (including flapping wing).
    Plane,
    /// VTOL (tailsitters, tiltrotors, quadplanes reporting a VTOL type, gyrodyne).
    Vtol,
    /// Ground rover.
    Rover,
    /// Surface boat.
    Boat,
    /// Submarine / ROV.
    Sub,
    /// Traditional helicopter.
    Heli,
    /// Anything else (antenna tracker, airship, generic, types newer than this code).
    Other,
}

impl VehicleClass {
    /// Classifies a raw MAV_TYPE value.
    pub const fn from_mav_type(mav_type: u8) -> Self {
        match mav_type {
            2 | 3 | 13 | 14 | 15 | 29 | 35 | 43 => VehicleClass::Copter,
            1 | 16 => VehicleClass::Plane,
            19..=25 | 47 => VehicleClass::Vtol,
            10 => VehicleClass::Rover,
            11 => VehicleClass::Boat,
            12 => VehicleClass::Sub,
            4 => VehicleClass::Heli,
            _ => VehicleClass::Other,
        }
    }

    /// A short human name ("Copter", "Plane", ...).
    pub const fn name(self) -> &'static str {
        match self {
            VehicleClass::Copter => "Copter",
            VehicleClass::Plane => "Plane",
            VehicleClass::Vtol => "VTOL",
            VehicleClass::Rover => "Rover",
            VehicleClass::Boat => "Boat",
            VehicleClass::Sub => "Sub",
            VehicleClass::Heli => "Heli",
            VehicleClass::Other => "Other",
        }
    }
}

impl fmt::Display for VehicleClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// MAV_TYPE values of components that are never vehicles: ground stations, companion
/// computers, gimbals, cameras and other peripherals that send their own HEARTBEAT.
const PERIPHERAL_MAV_TYPES: [u8; 19] = [
    6,  // GCS
    18, // ONBOARD_CONTROLLER
    26, // GIMBAL
    27, // ADSB
    30, // CAMERA
    31, // CHARGING_STATION
    32, // FLARM
    33, // SERVO
    34, // ODID
    36, // BATTERY
    37, // PARACHUTE
    38, // LOG
    39, // OSD
    40, // IMU
    41, // GPS
    42, // WINCH
    44, // ILLUMINATOR
    48, // GRIPPER
    49, // RADIO
];

/// True when a HEARTBEAT with this type and autopilot announces a vehicle, the way QGC decides:
/// the autopilot must be a real flight stack (not MAV_AUTOPILOT_INVALID) and the type must not
/// be a ground station or a peripheral. Unknown (newer) MAV_TYPE values count as vehicles.
pub fn is_vehicle_heartbeat(mav_type: u8, autopilot: u8) -> bool {
    autopilot != MAV_AUTOPILOT_INVALID && !PERIPHERAL_MAV_TYPES.contains(&mav_type)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_display_and_order() {
        let a = VehicleId::new(1, 1);
        let b = VehicleId::new(1, 100);
        let c = VehicleId::new(2, 1);
        assert_eq!(a.to_string(), "1/1");
        assert!(a < b && b < c);
    }

    #[test]
    fn autopilot_round_trip() {
        for v in 0..=255u8 {
            assert_eq!(Autopilot::from_mav_autopilot(v).to_mav_autopilot(), v);
        }
        assert_eq!(Autopilot::from_mav_autopilot(3), Autopilot::ArduPilot);
        assert_eq!(Autopilot::from_mav_autopilot(12), Autopilot::Px4);
        assert_eq!(Autopilot::from_mav_autopilot(0), Autopilot::Other(0));
    }

    #[test]
    fn classes() {
        assert_eq!(VehicleClass::from_mav_type(2), VehicleClass::Copter);
        assert_eq!(VehicleClass::from_mav_type(3), VehicleClass::Copter);
        assert_eq!(VehicleClass::from_mav_type(13), VehicleClass::Copter);
        assert_eq!(VehicleClass::from_mav_type(1), VehicleClass::Plane);
        assert_eq!(VehicleClass::from_mav_type(20), VehicleClass::Vtol);
        assert_eq!(VehicleClass::from_mav_type(4), VehicleClass::Heli);
        assert_eq!(VehicleClass::from_mav_type(10), VehicleClass::Rover);
        assert_eq!(VehicleClass::from_mav_type(11), VehicleClass::Boat);
        assert_eq!(VehicleClass::from_mav_type(12), VehicleClass::Sub);
        assert_eq!(VehicleClass::from_mav_type(200), VehicleClass::Other);
    }

    #[test]
    fn vehicle_heartbeats() {
        assert!(is_vehicle_heartbeat(2, 3));
        assert!(is_vehicle_heartbeat(200, 3), "newer MAV_TYPE is a vehicle");
        assert!(
            !is_vehicle_heartbeat(6, 3),
            "GCS claiming ArduPilot (seen in a 2012 tlog)"
        );
        assert!(!is_vehicle_heartbeat(6, 8));
        assert!(!is_vehicle_heartbeat(2, 8));
        assert!(!is_vehicle_heartbeat(18, 3));
        assert!(!is_vehicle_heartbeat(30, 12));
    }
}
