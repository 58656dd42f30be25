//! Alert thresholds: what the operator can tune in the settings, checked before use.

use serde::{Deserialize, Serialize};

use super::AlertError;

/// Alert thresholds, stored with the app's settings (missing fields take their defaults).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AlertConfig {
    /// Low battery at or below this remaining percentage.
    pub low_battery_pct: f64,
    /// Critical battery at or below this remaining percentage.
    pub critical_battery_pct: f64,
    /// A battery alert clears once the percentage is this far above its threshold.
    pub battery_hysteresis_pct: f64,
    /// Low battery at or below this pack voltage, volts (off when `None`; for packs without a
    /// remaining estimate).
    pub low_battery_v: Option<f64>,
    /// Critical battery at or below this pack voltage, volts (off when `None`).
    pub critical_battery_v: Option<f64>,
    /// A voltage alert clears once the voltage is this far above its threshold, volts.
    pub battery_hysteresis_v: f64,
    /// The voltage must stay at or below a threshold this long before it raises, seconds.
    pub battery_voltage_delay_s: f64,
    /// Link lost after this long without any message, seconds.
    pub link_timeout_s: f64,
    /// GPS lost after this long without GPS_RAW_INT (once it had been received), seconds.
    pub gps_timeout_s: f64,
    /// GPS, EKF and geofence-bit alerts clear after their condition has been gone this long,
    /// seconds.
    pub clear_delay_s: f64,
    /// Failsafe and geofence texts stay raised this long after the latest one, seconds.
    pub text_latch_s: f64,
    /// EKF variance (1.0 = at the innovation gate) counted as too high (ArduPilot's
    /// FS_EKF_THRESH default is 0.8).
    pub ekf_variance_threshold: f64,
}

impl Default for AlertConfig {
    fn default() -> Self {
        Self {
            low_battery_pct: 25.0,
            critical_battery_pct: 15.0,
            battery_hysteresis_pct: 3.0,
            low_battery_v: None,
            critical_battery_v: None,
            battery_hysteresis_v: 0.3,
            battery_voltage_delay_s: 5.0,
            link_timeout_s: 5.0,
            gps_timeout_s: 5.0,
            clear_delay_s: 3.0,
            text_latch_s: 30.0,
            ekf_variance_threshold: 0.8,
        }
    }
}

impl AlertConfig {
    /// Checks every field: finite, in range, critical below low.
    pub fn validate(&self) -> Result<(), AlertError> {
        let bad = |field, expected, found: String| {
            Err(AlertError::InvalidConfig {
                field,
                expected,
                found,
            })
        };
        let pct = [
            ("low_battery_pct", self.low_battery_pct),
            ("critical_battery_pct", self.critical_battery_pct),
        ];
        for (field, v) in pct {
            if !(0.0..=100.0).contains(&v) {
                return bad(field, "a percentage from 0 to 100", v.to_string());
            }
        }
        if self.critical_battery_pct >= self.low_battery_pct {
            return bad(
                "critical_battery_pct",
                "less than low_battery_pct",
                self.critical_battery_pct.to_string(),
            );
        }
        for (field, v) in [
            ("low_battery_v", self.low_battery_v),
            ("critical_battery_v", self.critical_battery_v),
        ] {
            if let Some(v) = v
                && !(v.is_finite() && v > 0.0)
            {
                return bad(field, "a positive voltage or none", v.to_string());
            }
        }
        if let (Some(low), Some(crit)) = (self.low_battery_v, self.critical_battery_v)
            && crit >= low
        {
            return bad(
                "critical_battery_v",
                "less than low_battery_v",
                crit.to_string(),
            );
        }
        let non_negative = [
            ("battery_hysteresis_pct", self.battery_hysteresis_pct),
            ("battery_hysteresis_v", self.battery_hysteresis_v),
            ("battery_voltage_delay_s", self.battery_voltage_delay_s),
            ("clear_delay_s", self.clear_delay_s),
        ];
        for (field, v) in non_negative {
            if !(v.is_finite() && v >= 0.0) {
                return bad(field, "a number of at least 0", v.to_string());
            }
        }
        let positive = [
            ("link_timeout_s", self.link_timeout_s),
            ("gps_timeout_s", self.gps_timeout_s),
            ("text_latch_s", self.text_latch_s),
            ("ekf_variance_threshold", self.ekf_variance_threshold),
        ];
        for (field, v) in positive {
            if !(v.is_finite() && v > 0.0) {
                return bad(field, "a number greater than 0", v.to_string());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_validation_and_serde() {
        assert!(AlertConfig::default().validate().is_ok());
        let bad = [
            AlertConfig {
                critical_battery_pct: 30.0,
                ..AlertConfig::default()
            },
            AlertConfig {
                low_battery_pct: f64::NAN,
                ..AlertConfig::default()
            },
            AlertConfig {
                link_timeout_s: 0.0,
                ..AlertConfig::default()
            },
            AlertConfig {
                low_battery_v: Some(13.0),
                critical_battery_v: Some(13.5),
                ..AlertConfig::default()
            },
            AlertConfig {
                clear_delay_s: -1.0,
                ..AlertConfig::default()
            },
        ];
        for c in bad {
            assert!(c.validate().is_err(), "{c:?}");
        }
        let err = AlertConfig {
            link_timeout_s: -2.0,
            ..AlertConfig::default()
        }
        .validate()
        .expect_err("negative");
        assert_eq!(
            err.to_string(),
            "alert setting `link_timeout_s`: expected a number greater than 0, found -2"
        );
        let mut m = super::super::AlertMonitor::default();
        assert!(
            m.set_config(AlertConfig {
                low_battery_pct: 101.0,
                ..AlertConfig::default()
            })
            .is_err()
        );
        assert_eq!(m.config(), &AlertConfig::default(), "unchanged on error");
        // Settings files: round trip, and missing fields take their defaults.
        let c = AlertConfig {
            low_battery_v: Some(14.0),
            ..AlertConfig::default()
        };
        let json = serde_json::to_string(&c).expect("serialise");
        assert_eq!(serde_json::from_str::<AlertConfig>(&json).ok(), Some(c));
        let partial: AlertConfig =
            serde_json::from_str(r#"{"low_battery_pct": 30}"#).expect("partial");
        assert_eq!(partial.low_battery_pct, 30.0);
        assert_eq!(partial.link_timeout_s, 5.0);
    }
}
