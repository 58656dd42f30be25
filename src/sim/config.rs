//! Configuration of a simulated vehicle: airframe, home, weather, battery and the handful of
//! ArduPilot parameters the flight model honours. Defaults are ArduCopter / ArduPlane defaults
//! where such a parameter exists (named in each field's doc) and plausible survey-UAV numbers
//! elsewhere. [`SimConfig::sanitized`] turns any input (NaN, negative, huge) into a usable config.

use crate::geo::LatLon;

/// Which kind of vehicle to simulate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Airframe {
    /// A multicopter flying ArduCopter modes and rules.
    #[default]
    Copter,
    /// A fixed-wing aircraft flying ArduPlane modes and rules.
    Plane,
}

/// ArduCopter parameters used by the copter model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CopterParams {
    /// Horizontal waypoint speed (`WPNAV_SPEED`, default 10 m/s).
    pub wp_speed_mps: f64,
    /// Climb speed (`WPNAV_SPEED_UP` / `PILOT_SPEED_UP`, default 2.5 m/s).
    pub climb_mps: f64,
    /// Descent speed (`WPNAV_SPEED_DN`, default 1.5 m/s).
    pub descent_mps: f64,
    /// Final landing speed (`LAND_SPEED`, default 0.5 m/s).
    pub land_speed_mps: f64,
    /// Height above ground below which landing slows to `land_speed_mps` (ArduCopter: 10 m).
    pub land_slow_alt_m: f64,
    /// Horizontal acceleration (`WPNAV_ACCEL`, default 2.5 m/s²).
    pub accel_mps2: f64,
    /// Vertical acceleration (`WPNAV_ACCEL_Z`, default 1 m/s²).
    pub accel_z_mps2: f64,
    /// Yaw rate limit (`ATC_RATE_Y_MAX`-like, 90 °/s).
    pub yaw_rate_dps: f64,
    /// Lean angle limit (`ANGLE_MAX`, default 30°).
    pub max_tilt_deg: f64,
    /// Waypoint acceptance radius (`WPNAV_RADIUS`, default 2 m).
    pub wp_radius_m: f64,
    /// RTL return altitude above home (`RTL_ALT`, default 15 m).
    pub rtl_alt_m: f64,
    /// Hover over home before the final descent (`RTL_LOIT_TIME`, default 5 s).
    pub rtl_loiter_s: f64,
    /// Disarm after this long landed and armed without taking off (`DISARM_DELAY`, 10 s).
    pub disarm_delay_s: f64,
    /// Circle radius for NAV_LOITER_TURNS without a radius (`CIRCLE_RADIUS`, 10 m).
    pub circle_radius_m: f64,
    /// Circle rate (`CIRCLE_RATE`, 20 °/s).
    pub circle_rate_dps: f64,
    /// Quadratic drag coefficient (1/m): drag acceleration = k·|v_air|·v_air. 0.015 gives ~9°
    /// of tilt at 10 m/s airspeed and a top airspeed near 19 m/s at 30° tilt.
    pub drag_per_m: f64,
    /// Battery current in a steady hover (A); ~18 A is a 2 kg quad on 4S.
    pub hover_current_a: f64,
    /// Throttle fraction in a steady hover (`MOT_THST_HOVER`, ~0.35-0.4).
    pub hover_throttle: f64,
}

impl Default for CopterParams {
    fn default() -> Self {
        Self {
            wp_speed_mps: 10.0,
            climb_mps: 2.5,
            descent_mps: 1.5,
            land_speed_mps: 0.5,
            land_slow_alt_m: 10.0,
            accel_mps2: 2.5,
            accel_z_mps2: 1.0,
            yaw_rate_dps: 90.0,
            max_tilt_deg: 30.0,
            wp_radius_m: 2.0,
            rtl_alt_m: 15.0,
            rtl_loiter_s: 5.0,
            disarm_delay_s: 10.0,
            circle_radius_m: 10.0,
            circle_rate_dps: 20.0,
            drag_per_m: 0.015,
            hover_current_a: 18.0,
            hover_throttle: 0.38,
        }
    }
}

/// ArduPlane parameters used by the plane model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlaneParams {
    /// Cruise airspeed (`AIRSPEED_CRUISE`; 18 m/s for a survey plane).
    pub cruise_airspeed_mps: f64,
    /// Minimum airspeed (`AIRSPEED_MIN`, 12 m/s). Stall is not simulated.
    pub min_airspeed_mps: f64,
    /// Maximum airspeed (`AIRSPEED_MAX`, 25 m/s).
    pub max_airspeed_mps: f64,
    /// Bank limit (`ROLL_LIMIT_DEG`, 45°).
    pub max_bank_deg: f64,
    /// Roll rate limit (°/s).
    pub roll_rate_dps: f64,
    /// Maximum climb rate (`TECS_CLMB_MAX`, 5 m/s).
    pub climb_max_mps: f64,
    /// Maximum sink rate (`TECS_SINK_MAX`, 4 m/s).
    pub sink_max_mps: f64,
    /// Takeoff climb pitch (`TKOFF_..`/NAV_TAKEOFF param1 default, 15°).
    pub takeoff_pitch_deg: f64,
    /// Takeoff altitude for TAKEOFF mode (`TKOFF_ALT`, 50 m).
    pub takeoff_alt_m: f64,
    /// Ground-roll acceleration during takeoff (m/s²).
    pub takeoff_accel_mps2: f64,
    /// Loiter radius (`WP_LOITER_RAD`, 60 m).
    pub loiter_radius_m: f64,
    /// Maximum waypoint acceptance radius (`WP_RADIUS`, 90 m).
    pub wp_radius_m: f64,
    /// RTL altitude above home (`RTL_ALTITUDE`, 100 m).
    pub rtl_alt_m: f64,
    /// Landing approach airspeed (`TECS_LAND_ARSPD`, 14 m/s).
    pub land_airspeed_mps: f64,
    /// Flare height (`LAND_FLARE_ALT`, 3 m).
    pub flare_alt_m: f64,
    /// Sink rate in the flare (`LAND_FLARE_SINK`-like, 0.5 m/s).
    pub flare_sink_mps: f64,
    /// Deceleration on the ground after touchdown (m/s²).
    pub rollout_decel_mps2: f64,
    /// Disarm this long after coming to rest after a landing (`LAND_DISARMDELAY`, 20 s).
    pub land_disarm_delay_s: f64,
    /// Battery current in level cruise (A).
    pub cruise_current_a: f64,
    /// Take-off mass (kg), for the extra climb current.
    pub mass_kg: f64,
}

impl Default for PlaneParams {
    fn default() -> Self {
        Self {
            cruise_airspeed_mps: 18.0,
            min_airspeed_mps: 12.0,
            max_airspeed_mps: 25.0,
            max_bank_deg: 45.0,
            roll_rate_dps: 60.0,
            climb_max_mps: 5.0,
            sink_max_mps: 4.0,
            takeoff_pitch_deg: 15.0,
            takeoff_alt_m: 50.0,
            takeoff_accel_mps2: 3.0,
            loiter_radius_m: 60.0,
            wp_radius_m: 90.0,
            rtl_alt_m: 100.0,
            land_airspeed_mps: 14.0,
            flare_alt_m: 3.0,
            flare_sink_mps: 0.5,
            rollout_decel_mps2: 2.0,
            land_disarm_delay_s: 20.0,
            cruise_current_a: 8.0,
            mass_kg: 2.5,
        }
    }
}

/// Photos the camera fails to record (a full card, a loose cable): the trigger fires but no
/// image is stored and no CAMERA_FEEDBACK is sent. Deterministic: by place or by time.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PhotoDrop {
    /// Photos taken inside this circle (centre, radius in metres) are lost.
    pub within: Option<(LatLon, f64)>,
    /// Photos taken between these simulation times (seconds since start) are lost.
    pub between_s: Option<(f64, f64)>,
}

impl PhotoDrop {
    /// True when a photo taken at `at` at simulation time `time_s` is lost.
    pub fn drops(&self, at: LatLon, time_s: f64) -> bool {
        self.within.is_some_and(|(c, r_m)| c.distance_m(at) <= r_m)
            || self
                .between_s
                .is_some_and(|(a, b)| time_s >= a && time_s <= b)
    }
}

/// Everything needed to build a [`crate::sim::FlightModel`].
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// Copter or plane.
    pub airframe: Airframe,
    /// Start position, and home until re-armed elsewhere or set explicitly. Terrain is flat at
    /// `home_alt_amsl_m` around it.
    pub home: LatLon,
    /// Ground (and home) altitude above mean sea level, metres.
    pub home_alt_amsl_m: f64,
    /// Steady wind speed, m/s.
    pub wind_speed_mps: f64,
    /// Direction the wind blows from, degrees clockwise from north (meteorological).
    pub wind_from_deg: f64,
    /// Gust strength as a fraction of the wind speed (standard deviation per axis).
    pub gust_fraction: f64,
    /// Seconds from start until the GPS has a 3D fix (1.5 s; a "slow fix" failure uses e.g. 60).
    pub gps_fix_delay_s: f64,
    /// Battery capacity, mAh.
    pub battery_capacity_mah: f64,
    /// LiPo cells in series.
    pub battery_cells: u8,
    /// Pack internal resistance, ohm.
    pub battery_resistance_ohm: f64,
    /// Remaining capacity at which the low-battery failsafe fires, percent.
    pub low_battery_pct: f64,
    /// Remaining capacity at which the critical-battery failsafe fires, percent.
    pub critical_battery_pct: f64,
    /// Act on battery failsafes (low: RTL; critical: copter LAND). ArduPilot's default action is
    /// none (`BATT_FS_LOW_ACT` 0); survey setups normally enable RTL, so this defaults to true.
    pub battery_failsafe: bool,
    /// Seed for every random number (GPS, gusts).
    pub seed: u64,
    /// Copter parameters (used when `airframe` is `Copter`).
    pub copter: CopterParams,
    /// Plane parameters (used when `airframe` is `Plane`).
    pub plane: PlaneParams,
    /// Photos lost by the camera (none by default).
    pub photo_drop: PhotoDrop,
    /// ATTITUDE and GLOBAL_POSITION_INT at least this often (Hz, at most 50: one per 20 ms
    /// simulation step), whatever the ground station asks, like ArduPilot with its
    /// `SRx_POSITION` and `SRx_EXTRA1` set high. `None`: the ground station's rates.
    pub stream_hz: Option<f64>,
}

/// ArduPilot SITL's default location (CMAC, Canberra), metres AMSL 584.
pub const DEFAULT_HOME: LatLon = LatLon::new(-35.363_261, 149.165_230);

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            airframe: Airframe::Copter,
            home: DEFAULT_HOME,
            home_alt_amsl_m: 584.0,
            wind_speed_mps: 0.0,
            wind_from_deg: 0.0,
            gust_fraction: 0.1,
            gps_fix_delay_s: 1.5,
            battery_capacity_mah: 5000.0,
            battery_cells: 4,
            battery_resistance_ohm: 0.03,
            low_battery_pct: 20.0,
            critical_battery_pct: 10.0,
            battery_failsafe: true,
            seed: 1,
            copter: CopterParams::default(),
            plane: PlaneParams::default(),
            photo_drop: PhotoDrop::default(),
            stream_hz: None,
        }
    }
}

fn pick(v: f64, lo: f64, hi: f64, default: f64) -> f64 {
    if !v.is_finite() {
        default
    } else if v < lo {
        lo
    } else if v > hi {
        hi
    } else {
        v
    }
}

impl SimConfig {
    /// The default ArduCopter-like quad.
    pub fn copter() -> Self {
        Self::default()
    }

    /// The default ArduPlane-like survey plane.
    pub fn plane() -> Self {
        Self {
            airframe: Airframe::Plane,
            ..Self::default()
        }
    }

    /// A copy with every number finite and inside a range the model handles (non-finite values
    /// take the default, out-of-range values are clamped).
    pub fn sanitized(&self) -> Self {
        let d = Self::default();
        let dc = CopterParams::default();
        let dp = PlaneParams::default();
        let c = &self.copter;
        let p = &self.plane;
        let min_as = pick(p.min_airspeed_mps, 5.0, 40.0, dp.min_airspeed_mps);
        let max_as = pick(
            p.max_airspeed_mps,
            min_as,
            60.0,
            dp.max_airspeed_mps.max(min_as),
        );
        let low = pick(self.low_battery_pct, 0.0, 100.0, d.low_battery_pct);
        Self {
            airframe: self.airframe,
            home: if self.home.is_valid() {
                self.home
            } else {
                d.home
            },
            home_alt_amsl_m: pick(self.home_alt_amsl_m, -500.0, 9000.0, d.home_alt_amsl_m),
            wind_speed_mps: pick(self.wind_speed_mps, 0.0, 40.0, 0.0),
            wind_from_deg: crate::geo::wrap_360(pick(self.wind_from_deg, -1e6, 1e6, 0.0)),
            gust_fraction: pick(self.gust_fraction, 0.0, 1.0, d.gust_fraction),
            gps_fix_delay_s: pick(self.gps_fix_delay_s, 0.0, 1e6, d.gps_fix_delay_s),
            battery_capacity_mah: pick(
                self.battery_capacity_mah,
                100.0,
                1e6,
                d.battery_capacity_mah,
            ),
            battery_cells: self.battery_cells.clamp(1, 14),
            battery_resistance_ohm: pick(
                self.battery_resistance_ohm,
                0.0,
                1.0,
                d.battery_resistance_ohm,
            ),
            low_battery_pct: low,
            critical_battery_pct: pick(
                self.critical_battery_pct,
                0.0,
                low,
                d.critical_battery_pct.min(low),
            ),
            battery_failsafe: self.battery_failsafe,
            seed: self.seed,
            photo_drop: self.photo_drop,
            stream_hz: self
                .stream_hz
                .filter(|hz| hz.is_finite() && *hz > 0.0)
                .map(|hz| hz.min(50.0)),
            copter: CopterParams {
                wp_speed_mps: pick(c.wp_speed_mps, 0.2, 20.0, dc.wp_speed_mps),
                climb_mps: pick(c.climb_mps, 0.1, 10.0, dc.climb_mps),
                descent_mps: pick(c.descent_mps, 0.1, 5.0, dc.descent_mps),
                land_speed_mps: pick(c.land_speed_mps, 0.1, 2.0, dc.land_speed_mps),
                land_slow_alt_m: pick(c.land_slow_alt_m, 0.0, 100.0, dc.land_slow_alt_m),
                accel_mps2: pick(c.accel_mps2, 0.5, 10.0, dc.accel_mps2),
                accel_z_mps2: pick(c.accel_z_mps2, 0.5, 5.0, dc.accel_z_mps2),
                yaw_rate_dps: pick(c.yaw_rate_dps, 10.0, 360.0, dc.yaw_rate_dps),
                max_tilt_deg: pick(c.max_tilt_deg, 10.0, 45.0, dc.max_tilt_deg),
                wp_radius_m: pick(c.wp_radius_m, 0.5, 100.0, dc.wp_radius_m),
                rtl_alt_m: pick(c.rtl_alt_m, 2.0, 1000.0, dc.rtl_alt_m),
                rtl_loiter_s: pick(c.rtl_loiter_s, 0.0, 600.0, dc.rtl_loiter_s),
                disarm_delay_s: pick(c.disarm_delay_s, 0.0, 600.0, dc.disarm_delay_s),
                circle_radius_m: pick(c.circle_radius_m, 1.0, 1000.0, dc.circle_radius_m),
                circle_rate_dps: pick(c.circle_rate_dps, 1.0, 90.0, dc.circle_rate_dps),
                drag_per_m: pick(c.drag_per_m, 0.001, 0.1, dc.drag_per_m),
                hover_current_a: pick(c.hover_current_a, 0.1, 500.0, dc.hover_current_a),
                hover_throttle: pick(c.hover_throttle, 0.1, 0.9, dc.hover_throttle),
            },
            plane: PlaneParams {
                cruise_airspeed_mps: pick(
                    p.cruise_airspeed_mps,
                    min_as,
                    max_as,
                    min_as.max(dp.cruise_airspeed_mps).min(max_as),
                ),
                min_airspeed_mps: min_as,
                max_airspeed_mps: max_as,
                max_bank_deg: pick(p.max_bank_deg, 10.0, 65.0, dp.max_bank_deg),
                roll_rate_dps: pick(p.roll_rate_dps, 10.0, 360.0, dp.roll_rate_dps),
                climb_max_mps: pick(p.climb_max_mps, 0.5, 20.0, dp.climb_max_mps),
                sink_max_mps: pick(p.sink_max_mps, 0.5, 20.0, dp.sink_max_mps),
                takeoff_pitch_deg: pick(p.takeoff_pitch_deg, 3.0, 30.0, dp.takeoff_pitch_deg),
                takeoff_alt_m: pick(p.takeoff_alt_m, 5.0, 1000.0, dp.takeoff_alt_m),
                takeoff_accel_mps2: pick(p.takeoff_accel_mps2, 0.5, 20.0, dp.takeoff_accel_mps2),
                loiter_radius_m: pick(p.loiter_radius_m, 10.0, 2000.0, dp.loiter_radius_m),
                wp_radius_m: pick(p.wp_radius_m, 5.0, 1000.0, dp.wp_radius_m),
                rtl_alt_m: pick(p.rtl_alt_m, 10.0, 2000.0, dp.rtl_alt_m),
                land_airspeed_mps: pick(
                    p.land_airspeed_mps,
                    min_as,
                    max_as,
                    dp.land_airspeed_mps.max(min_as).min(max_as),
                ),
                flare_alt_m: pick(p.flare_alt_m, 0.5, 20.0, dp.flare_alt_m),
                flare_sink_mps: pick(p.flare_sink_mps, 0.1, 3.0, dp.flare_sink_mps),
                rollout_decel_mps2: pick(p.rollout_decel_mps2, 0.5, 10.0, dp.rollout_decel_mps2),
                land_disarm_delay_s: pick(
                    p.land_disarm_delay_s,
                    0.0,
                    600.0,
                    dp.land_disarm_delay_s,
                ),
                cruise_current_a: pick(p.cruise_current_a, 0.1, 500.0, dp.cruise_current_a),
                mass_kg: pick(p.mass_kg, 0.1, 100.0, dp.mass_kg),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitized_replaces_nan_and_clamps() {
        let mut c = SimConfig::plane();
        c.home = LatLon::new(f64::NAN, 0.0);
        c.wind_speed_mps = f64::INFINITY;
        c.plane.min_airspeed_mps = 30.0;
        c.plane.max_airspeed_mps = 20.0;
        c.copter.wp_speed_mps = -3.0;
        c.battery_cells = 0;
        let s = c.sanitized();
        assert_eq!(s.home, DEFAULT_HOME);
        assert_eq!(s.wind_speed_mps, 0.0);
        assert!(s.plane.max_airspeed_mps >= s.plane.min_airspeed_mps);
        assert!(s.plane.cruise_airspeed_mps >= s.plane.min_airspeed_mps);
        assert!(s.plane.cruise_airspeed_mps <= s.plane.max_airspeed_mps);
        assert_eq!(s.copter.wp_speed_mps, 0.2);
        assert_eq!(s.battery_cells, 1);
        assert_eq!(SimConfig::default().sanitized(), SimConfig::default());
        assert_eq!(SimConfig::plane().sanitized(), SimConfig::plane());
    }
}
