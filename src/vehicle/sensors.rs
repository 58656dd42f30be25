//! Onboard sensor health and system load from SYS_STATUS.
//!
//! The three bitmasks are kept raw (other tools and logs speak in them); the helper turns
//! "present, enabled and not healthy" into sensor names a pre-flight check list can show.

use crate::protocol::dialect::SYS_STATUS_DATA;

/// MAV_SYS_STATUS_SENSOR bit names, bit 0 first (as QGC and Mission Planner label them).
const SENSOR_NAMES: [&str; 32] = [
    "Gyro",
    "Accelerometer",
    "Magnetometer",
    "Absolute pressure",
    "Differential pressure",
    "GPS",
    "Optical flow",
    "Vision position",
    "Laser position",
    "External ground truth",
    "Angular rate control",
    "Attitude stabilization",
    "Yaw position",
    "Altitude control",
    "XY position control",
    "Motor outputs",
    "RC receiver",
    "Gyro 2",
    "Accelerometer 2",
    "Magnetometer 2",
    "Geofence",
    "AHRS",
    "Terrain",
    "Reverse motor",
    "Logging",
    "Battery",
    "Proximity",
    "Satellite communication",
    "Pre-arm checks",
    "Obstacle avoidance",
    "Propulsion",
    "Extended sensor bits",
];

/// Name of one MAV_SYS_STATUS_SENSOR bit (0..=31).
pub fn sensor_name(bit: u32) -> Option<&'static str> {
    SENSOR_NAMES.get(usize::try_from(bit).ok()?).copied()
}

/// SYS_STATUS sensor bits, load and link quality.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SensorStatus {
    /// MAV_SYS_STATUS_SENSOR bits of sensors present.
    pub present: u32,
    /// Bits of sensors enabled.
    pub enabled: u32,
    /// Bits of sensors healthy.
    pub health: u32,
    /// Extended bits (MAV_SYS_STATUS_SENSOR_EXTENDED) present, MAVLink 2 extension.
    pub present_extended: u32,
    /// Extended bits enabled.
    pub enabled_extended: u32,
    /// Extended bits healthy.
    pub health_extended: u32,
    /// Main loop load, percent.
    pub load_pct: f64,
    /// Communication drop rate seen by the autopilot, percent.
    pub comm_drop_rate_pct: f64,
    /// Communication errors seen by the autopilot.
    pub comm_errors: u16,
}

impl SensorStatus {
    /// From SYS_STATUS.
    pub fn from_sys_status(d: &SYS_STATUS_DATA) -> Self {
        Self {
            present: d.onboard_control_sensors_present.bits(),
            enabled: d.onboard_control_sensors_enabled.bits(),
            health: d.onboard_control_sensors_health.bits(),
            present_extended: d.onboard_control_sensors_present_extended.bits(),
            enabled_extended: d.onboard_control_sensors_enabled_extended.bits(),
            health_extended: d.onboard_control_sensors_health_extended.bits(),
            load_pct: f64::from(d.load) / 10.0,
            comm_drop_rate_pct: f64::from(d.drop_rate_comm) / 100.0,
            comm_errors: d.errors_comm,
        }
    }

    /// Bits of sensors that are present and enabled but not healthy.
    pub fn unhealthy_bits(&self) -> u32 {
        self.present & self.enabled & !self.health
    }

    /// Names of sensors that are present and enabled but not healthy, lowest bit first.
    pub fn unhealthy_sensors(&self) -> Vec<&'static str> {
        let bits = self.unhealthy_bits();
        (0..32u32)
            .filter(|b| bits & (1 << b) != 0)
            .filter_map(sensor_name)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::dialect::MavSysStatusSensor;

    #[test]
    fn names_match_dialect_bits() {
        assert_eq!(
            sensor_name(
                MavSysStatusSensor::MAV_SYS_STATUS_SENSOR_GPS
                    .bits()
                    .trailing_zeros()
            ),
            Some("GPS")
        );
        assert_eq!(
            sensor_name(
                MavSysStatusSensor::MAV_SYS_STATUS_PREARM_CHECK
                    .bits()
                    .trailing_zeros()
            ),
            Some("Pre-arm checks")
        );
        assert_eq!(
            sensor_name(
                MavSysStatusSensor::MAV_SYS_STATUS_SENSOR_BATTERY
                    .bits()
                    .trailing_zeros()
            ),
            Some("Battery")
        );
        assert_eq!(sensor_name(32), None);
    }

    #[test]
    fn unhealthy_from_real_px4_values() {
        // First SYS_STATUS of px4_1.11.3_real_2022: GPS not ready yet, pre-arm checks failing.
        let s = SensorStatus {
            present: 304_480_299,
            enabled: 304_152_623,
            health: 36_044_811,
            ..Default::default()
        };
        let bad = s.unhealthy_sensors();
        assert_eq!(bad, ["GPS", "Pre-arm checks"]);
    }

    #[test]
    fn from_message_units() {
        let d = SYS_STATUS_DATA {
            load: 225,
            drop_rate_comm: 150,
            errors_comm: 3,
            ..Default::default()
        };
        let s = SensorStatus::from_sys_status(&d);
        assert_eq!(
            (s.load_pct, s.comm_drop_rate_pct, s.comm_errors),
            (22.5, 1.5, 3)
        );
        assert!(s.unhealthy_sensors().is_empty());
    }
}
