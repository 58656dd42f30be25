//! The snapshot of a simulated vehicle that the MAVLink side turns into telemetry (HEARTBEAT,
//! SYS_STATUS, GPS_RAW_INT, GLOBAL_POSITION_INT, ATTITUDE, VFR_HUD, BATTERY_STATUS,
//! HOME_POSITION, MISSION_CURRENT, EXTENDED_SYS_STATE, NAV_CONTROLLER_OUTPUT, WIND).

use crate::geo::LatLon;

/// `MAV_MISSION_STATE` numbers for [`SimState::mission_state`].
pub mod mission_state {
    /// No mission on the vehicle.
    pub const NO_MISSION: u8 = 1;
    /// Mission loaded, not started.
    pub const NOT_STARTED: u8 = 2;
    /// Mission running.
    pub const ACTIVE: u8 = 3;
    /// Mission stopped part-way (left AUTO, or paused).
    pub const PAUSED: u8 = 4;
    /// Mission finished.
    pub const COMPLETE: u8 = 5;
}

/// `MAV_LANDED_STATE` numbers for [`SimState::landed_state`].
pub mod landed_state {
    /// On the ground.
    pub const ON_GROUND: u8 = 1;
    /// Flying.
    pub const IN_AIR: u8 = 2;
    /// Taking off.
    pub const TAKEOFF: u8 = 3;
    /// Landing.
    pub const LANDING: u8 = 4;
}

/// Everything observable about the vehicle at one instant. All numbers are finite.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SimState {
    /// Simulation time since creation, seconds.
    pub time_s: f64,
    /// Motors armed.
    pub armed: bool,
    /// Flight mode (ArduCopter or ArduPlane `custom_mode`).
    pub custom_mode: u32,
    /// Land detector says on the ground (ArduPilot `land_complete`).
    pub landed: bool,
    /// Not landed.
    pub flying: bool,
    /// `MAV_LANDED_STATE`, see [`landed_state`].
    pub landed_state: u8,
    /// True position.
    pub position: LatLon,
    /// Altitude above mean sea level, metres.
    pub alt_amsl_m: f64,
    /// Altitude above home, metres.
    pub alt_rel_m: f64,
    /// Velocity north, m/s.
    pub vel_north_mps: f64,
    /// Velocity east, m/s.
    pub vel_east_mps: f64,
    /// Velocity down, m/s.
    pub vel_down_mps: f64,
    /// Horizontal speed over ground, m/s.
    pub groundspeed_mps: f64,
    /// Speed through the air, m/s.
    pub airspeed_mps: f64,
    /// Heading (where the nose points), degrees in [0, 360).
    pub heading_deg: f64,
    /// Climb rate, m/s (positive up).
    pub climb_mps: f64,
    /// Throttle, percent 0-100.
    pub throttle_pct: f64,
    /// Roll, radians (right wing down positive).
    pub roll_rad: f64,
    /// Pitch, radians (nose up positive).
    pub pitch_rad: f64,
    /// Yaw, radians in [-π, π).
    pub yaw_rad: f64,
    /// Roll rate, rad/s.
    pub rollspeed_rps: f64,
    /// Pitch rate, rad/s.
    pub pitchspeed_rps: f64,
    /// Yaw rate, rad/s.
    pub yawspeed_rps: f64,
    /// Pack voltage under load, volts.
    pub battery_voltage_v: f64,
    /// Pack current, amperes.
    pub battery_current_a: f64,
    /// Remaining capacity, percent 0-100.
    pub battery_remaining_pct: f64,
    /// Charge used since start, mAh.
    pub battery_consumed_mah: f64,
    /// Cells in series (for BATTERY_STATUS cell voltages).
    pub battery_cells: u8,
    /// A battery failsafe (low or critical) has fired.
    pub battery_failsafe: bool,
    /// `GPS_FIX_TYPE`: 1 no fix, 3 3D fix.
    pub gps_fix_type: u8,
    /// Satellites used.
    pub gps_satellites: u8,
    /// Horizontal dilution of precision.
    pub gps_hdop: f64,
    /// GPS-reported position (truth plus under a metre of noise).
    pub gps_position: LatLon,
    /// GPS-reported altitude AMSL, metres.
    pub gps_alt_amsl_m: f64,
    /// Home position.
    pub home: LatLon,
    /// Home altitude AMSL, metres.
    pub home_alt_amsl_m: f64,
    /// Home has been set (ArduPilot sets it at the first GPS fix; send HOME_POSITION only then).
    pub home_valid: bool,
    /// Pre-arm checks pass (GPS fix and battery); mode armability is checked at arming.
    pub prearm_ok: bool,
    /// Current navigation mission item (0 when none).
    pub mission_current: u16,
    /// Mission items including home at 0.
    pub mission_len: u16,
    /// `MAV_MISSION_STATE`, see [`mission_state`].
    pub mission_state: u8,
    /// A DO_PAUSE_CONTINUE pause is in effect.
    pub paused: bool,
    /// Target horizontal speed (copter) or airspeed (plane), m/s.
    pub cruise_speed_mps: f64,
    /// Distance to the current navigation target, metres (0 without one).
    pub wp_distance_m: f64,
    /// Bearing to the current navigation target, degrees in [0, 360).
    pub target_bearing_deg: f64,
    /// Camera trigger distance in force, metres (0 = off).
    pub camera_trigger_distance_m: f64,
    /// Photos taken since start.
    pub images_taken: u32,
    /// Wind (with gust) speed, m/s.
    pub wind_speed_mps: f64,
    /// Direction the wind blows from, degrees in [0, 360).
    pub wind_from_deg: f64,
}
