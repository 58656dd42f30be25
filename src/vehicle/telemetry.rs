//! The numeric telemetry of a vehicle, one small struct per topic, each decoded from its
//! MAVLink message with the "unknown" sentinels turned into `None`.
//!
//! Keeping the sentinel handling here, next to the message layouts, means no display ever
//! shows 655.35 m/s or a 0,0 position because a field said "not available".

use crate::geo::LatLon;
use crate::protocol::dialect::{
    ATTITUDE_DATA, EKF_STATUS_REPORT_DATA, GLOBAL_POSITION_INT_DATA, GPS_RAW_INT_DATA,
    HOME_POSITION_DATA, MISSION_CURRENT_DATA, VFR_HUD_DATA,
};

/// A position from MAVLink degrees * 1e7, or `None` for the 0,0 "no position" placeholder and
/// out-of-range values.
pub(crate) fn lat_lon_e7(lat_e7: i32, lon_e7: i32) -> Option<LatLon> {
    let p = LatLon::from_e7(lat_e7, lon_e7);
    (p.is_valid() && !(lat_e7 == 0 && lon_e7 == 0)).then_some(p)
}

/// Where the current position came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PositionSource {
    /// No position yet.
    #[default]
    None,
    /// GLOBAL_POSITION_INT: the autopilot's fused estimate (preferred).
    GlobalPosition,
    /// GPS_RAW_INT: raw receiver fix, used only until a GLOBAL_POSITION_INT is seen.
    GpsRaw,
}

/// Vehicle position and altitudes.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Position {
    /// Latitude/longitude, `None` until known (0,0 is treated as unknown).
    pub lat_lon: Option<LatLon>,
    /// Altitude above mean sea level, metres.
    pub alt_amsl_m: Option<f64>,
    /// Altitude above home, metres (GLOBAL_POSITION_INT only).
    pub alt_rel_m: Option<f64>,
    /// Velocity north, m/s (GLOBAL_POSITION_INT).
    pub vel_north_mps: Option<f64>,
    /// Velocity east, m/s (GLOBAL_POSITION_INT).
    pub vel_east_mps: Option<f64>,
    /// Velocity down, m/s (GLOBAL_POSITION_INT).
    pub vel_down_mps: Option<f64>,
    /// Which message the position came from.
    pub source: PositionSource,
}

impl Position {
    /// Updates from GLOBAL_POSITION_INT.
    pub fn apply_global_position_int(&mut self, d: &GLOBAL_POSITION_INT_DATA) {
        self.lat_lon = lat_lon_e7(d.lat, d.lon);
        self.alt_amsl_m = Some(f64::from(d.alt) / 1000.0);
        self.alt_rel_m = Some(f64::from(d.relative_alt) / 1000.0);
        self.vel_north_mps = Some(f64::from(d.vx) / 100.0);
        self.vel_east_mps = Some(f64::from(d.vy) / 100.0);
        self.vel_down_mps = Some(f64::from(d.vz) / 100.0);
        self.source = PositionSource::GlobalPosition;
    }

    /// Updates from GPS_RAW_INT, used only while no GLOBAL_POSITION_INT has been seen.
    /// Positions without at least a 2D fix are ignored. Returns true if applied.
    pub fn apply_gps_raw_fallback(&mut self, d: &GPS_RAW_INT_DATA) -> bool {
        if self.source == PositionSource::GlobalPosition || (d.fix_type as u8) < 2 {
            return false;
        }
        let Some(p) = lat_lon_e7(d.lat, d.lon) else {
            return false;
        };
        self.lat_lon = Some(p);
        self.alt_amsl_m = Some(f64::from(d.alt) / 1000.0);
        self.source = PositionSource::GpsRaw;
        true
    }

    /// Horizontal speed from the velocity components, m/s.
    pub fn ground_speed_mps(&self) -> Option<f64> {
        Some(self.vel_north_mps?.hypot(self.vel_east_mps?))
    }
}

/// Vehicle attitude (ATTITUDE), degrees and degrees per second.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Attitude {
    /// Roll, degrees, right wing down positive.
    pub roll_deg: f64,
    /// Pitch, degrees, nose up positive.
    pub pitch_deg: f64,
    /// Yaw, degrees in [0, 360).
    pub yaw_deg: f64,
    /// Roll rate, deg/s.
    pub roll_rate_dps: f64,
    /// Pitch rate, deg/s.
    pub pitch_rate_dps: f64,
    /// Yaw rate, deg/s.
    pub yaw_rate_dps: f64,
}

impl Attitude {
    /// From ATTITUDE (radians).
    pub fn from_attitude(d: &ATTITUDE_DATA) -> Self {
        Self {
            roll_deg: f64::from(d.roll).to_degrees(),
            pitch_deg: f64::from(d.pitch).to_degrees(),
            yaw_deg: crate::geo::wrap_360(f64::from(d.yaw).to_degrees()),
            roll_rate_dps: f64::from(d.rollspeed).to_degrees(),
            pitch_rate_dps: f64::from(d.pitchspeed).to_degrees(),
            yaw_rate_dps: f64::from(d.yawspeed).to_degrees(),
        }
    }
}

/// What a HUD shows: speeds, heading, climb, throttle (VFR_HUD; ground speed, heading and
/// climb also from GLOBAL_POSITION_INT).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Motion {
    /// Ground speed, m/s.
    pub ground_speed_mps: Option<f64>,
    /// Air speed (indicated), m/s. ArduPilot sends a synthetic value without a sensor.
    pub air_speed_mps: Option<f64>,
    /// Heading, degrees in [0, 360).
    pub heading_deg: Option<f64>,
    /// Climb rate, m/s, up positive.
    pub climb_mps: Option<f64>,
    /// Throttle, percent.
    pub throttle_pct: Option<f64>,
}

impl Motion {
    /// Updates from VFR_HUD.
    pub fn apply_vfr_hud(&mut self, d: &VFR_HUD_DATA) {
        self.ground_speed_mps = finite(d.groundspeed);
        self.air_speed_mps = finite(d.airspeed);
        self.climb_mps = finite(d.climb);
        self.heading_deg = Some(crate::geo::wrap_360(f64::from(d.heading)));
        self.throttle_pct = Some(f64::from(d.throttle));
    }

    /// Updates ground speed, heading and climb from GLOBAL_POSITION_INT.
    pub fn apply_global_position_int(&mut self, d: &GLOBAL_POSITION_INT_DATA) {
        self.ground_speed_mps = Some(f64::from(d.vx).hypot(f64::from(d.vy)) / 100.0);
        self.climb_mps = Some(-f64::from(d.vz) / 100.0);
        if d.hdg != u16::MAX {
            self.heading_deg = Some(crate::geo::wrap_360(f64::from(d.hdg) / 100.0));
        }
    }
}

fn finite(v: f32) -> Option<f64> {
    v.is_finite().then_some(f64::from(v))
}

/// GPS receiver state (GPS_RAW_INT).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Gps {
    /// GPS_FIX_TYPE: 0 no GPS, 1 no fix, 2 2D, 3 3D, 4 DGPS, 5 RTK float, 6 RTK fixed, 7 static,
    /// 8 PPP.
    pub fix_type: u8,
    /// Satellites visible, `None` when unknown (255).
    pub satellites: Option<u8>,
    /// Horizontal dilution of precision, `None` when unknown.
    pub hdop: Option<f64>,
    /// Vertical dilution of precision, `None` when unknown.
    pub vdop: Option<f64>,
    /// Receiver position, `None` without a fix.
    pub lat_lon: Option<LatLon>,
    /// Receiver altitude AMSL, metres.
    pub alt_amsl_m: Option<f64>,
    /// Ground speed from the receiver, m/s.
    pub speed_mps: Option<f64>,
    /// Course over ground, degrees.
    pub course_deg: Option<f64>,
}

impl Gps {
    /// From GPS_RAW_INT.
    pub fn from_gps_raw_int(d: &GPS_RAW_INT_DATA) -> Self {
        let fix_type = d.fix_type as u8;
        let has_fix = fix_type >= 2;
        Self {
            fix_type,
            satellites: (d.satellites_visible != u8::MAX).then_some(d.satellites_visible),
            hdop: dop(d.eph),
            vdop: dop(d.epv),
            lat_lon: if has_fix {
                lat_lon_e7(d.lat, d.lon)
            } else {
                None
            },
            alt_amsl_m: has_fix.then(|| f64::from(d.alt) / 1000.0),
            speed_mps: (d.vel != u16::MAX).then(|| f64::from(d.vel) / 100.0),
            course_deg: (d.cog != u16::MAX).then(|| f64::from(d.cog) / 100.0),
        }
    }
}

fn dop(v: u16) -> Option<f64> {
    (v != u16::MAX).then(|| f64::from(v) / 100.0)
}

/// Human name of a GPS_FIX_TYPE value.
pub fn gps_fix_name(fix_type: u8) -> &'static str {
    match fix_type {
        0 => "No GPS",
        1 => "No fix",
        2 => "2D fix",
        3 => "3D fix",
        4 => "DGPS",
        5 => "RTK float",
        6 => "RTK fixed",
        7 => "Static",
        8 => "PPP",
        _ => "Unknown fix",
    }
}

/// Home position (HOME_POSITION).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Home {
    /// Home latitude/longitude.
    pub lat_lon: LatLon,
    /// Home altitude AMSL, metres.
    pub alt_amsl_m: f64,
}

impl Home {
    /// From HOME_POSITION; `None` for the 0,0 placeholder.
    pub fn from_home_position(d: &HOME_POSITION_DATA) -> Option<Self> {
        Some(Self {
            lat_lon: lat_lon_e7(d.latitude, d.longitude)?,
            alt_amsl_m: f64::from(d.altitude) / 1000.0,
        })
    }
}

/// EKF_STATUS_REPORT flag: attitude estimate good.
pub const EKF_ATTITUDE: u16 = 1;
/// EKF_STATUS_REPORT flag: horizontal velocity good.
pub const EKF_VELOCITY_HORIZ: u16 = 2;
/// EKF_STATUS_REPORT flag: vertical velocity good.
pub const EKF_VELOCITY_VERT: u16 = 4;
/// EKF_STATUS_REPORT flag: relative horizontal position good.
pub const EKF_POS_HORIZ_REL: u16 = 8;
/// EKF_STATUS_REPORT flag: absolute horizontal position good.
pub const EKF_POS_HORIZ_ABS: u16 = 16;
/// EKF_STATUS_REPORT flag: absolute vertical position good.
pub const EKF_POS_VERT_ABS: u16 = 32;
/// EKF_STATUS_REPORT flag: vertical position above ground good.
pub const EKF_POS_VERT_AGL: u16 = 64;
/// EKF_STATUS_REPORT flag: constant position mode (no aiding).
pub const EKF_CONST_POS_MODE: u16 = 128;
/// EKF_STATUS_REPORT flag: EKF not initialised.
pub const EKF_UNINITIALIZED: u16 = 1024;
/// EKF_STATUS_REPORT flag: GPS glitching.
pub const EKF_GPS_GLITCHING: u16 = 32768;

/// ArduPilot EKF status (EKF_STATUS_REPORT): raw flags and normalised variances (1.0 = at
/// the innovation gate).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Ekf {
    /// EKF_STATUS_FLAGS bits.
    pub flags: u16,
    /// Velocity variance.
    pub velocity_variance: f64,
    /// Horizontal position variance.
    pub pos_horiz_variance: f64,
    /// Vertical position variance.
    pub pos_vert_variance: f64,
    /// Compass variance.
    pub compass_variance: f64,
    /// Terrain altitude variance.
    pub terrain_alt_variance: f64,
    /// Airspeed variance (0 when not sent).
    pub airspeed_variance: f64,
}

impl Ekf {
    /// From EKF_STATUS_REPORT.
    pub fn from_report(d: &EKF_STATUS_REPORT_DATA) -> Self {
        Self {
            flags: d.flags.bits(),
            velocity_variance: f64::from(d.velocity_variance),
            pos_horiz_variance: f64::from(d.pos_horiz_variance),
            pos_vert_variance: f64::from(d.pos_vert_variance),
            compass_variance: f64::from(d.compass_variance),
            terrain_alt_variance: f64::from(d.terrain_alt_variance),
            airspeed_variance: f64::from(d.airspeed_variance),
        }
    }

    /// True when `flag` (one of the `EKF_*` constants) is set.
    pub fn has(&self, flag: u16) -> bool {
        self.flags & flag == flag
    }

    /// The largest of the variances (what Mission Planner's EKF indicator colours by).
    pub fn max_variance(&self) -> f64 {
        [
            self.velocity_variance,
            self.pos_horiz_variance,
            self.pos_vert_variance,
            self.compass_variance,
            self.terrain_alt_variance,
        ]
        .into_iter()
        .fold(0.0, f64::max)
    }
}

/// Mission progress (MISSION_CURRENT, MISSION_ITEM_REACHED).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MissionProgress {
    /// Current item (`None` before the first MISSION_CURRENT and for the 65535 "none" value).
    pub current_seq: Option<u16>,
    /// Number of items excluding ArduPilot's home item, when the vehicle says (MAVLink 2
    /// extension; 0 = not sent); `Some(0)` when the vehicle has no mission.
    pub total_items: Option<u16>,
    /// MISSION_STATE (1 no mission, 2 not started, 3 active, 4 paused, 5 complete), when sent.
    pub mission_state: Option<u8>,
    /// Last item reported by MISSION_ITEM_REACHED.
    pub last_reached_seq: Option<u16>,
    /// Number of MISSION_ITEM_REACHED messages received.
    pub reached_count: u32,
}

impl MissionProgress {
    /// Updates from MISSION_CURRENT; returns true when the current item changed.
    pub fn apply_current(&mut self, d: &MISSION_CURRENT_DATA) -> bool {
        let before = self.current_seq;
        self.current_seq = (d.seq != u16::MAX).then_some(d.seq);
        self.total_items = match d.total {
            0 => self.total_items,
            u16::MAX => Some(0),
            n => Some(n),
        };
        let state = d.mission_state as u8;
        if state != 0 {
            self.mission_state = Some(state);
        }
        before != self.current_seq
    }

    /// Records a MISSION_ITEM_REACHED.
    pub fn apply_reached(&mut self, seq: u16) {
        self.last_reached_seq = Some(seq);
        self.reached_count = self.reached_count.saturating_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::dialect::{GpsFixType, MissionState};

    #[test]
    fn global_position_units_and_zero_position() {
        let d = GLOBAL_POSITION_INT_DATA {
            lat: 425_200_000,
            lon: 722_400_000,
            alt: 1_170_080,
            relative_alt: 70_010,
            vx: 300,
            vy: -400,
            vz: -150,
            hdg: 11_000,
            ..Default::default()
        };
        let mut p = Position::default();
        p.apply_global_position_int(&d);
        let ll = p.lat_lon.expect("position");
        assert!((ll.lat_deg - 42.52).abs() < 1e-9 && (ll.lon_deg - 72.24).abs() < 1e-9);
        assert_eq!(p.alt_amsl_m, Some(1170.08));
        assert_eq!(p.alt_rel_m, Some(70.01));
        assert_eq!(p.ground_speed_mps(), Some(5.0));
        let mut m = Motion::default();
        m.apply_global_position_int(&d);
        assert_eq!(m.ground_speed_mps, Some(5.0));
        assert_eq!(m.climb_mps, Some(1.5));
        assert_eq!(m.heading_deg, Some(110.0));
        let zero = GLOBAL_POSITION_INT_DATA {
            hdg: u16::MAX,
            ..Default::default()
        };
        p.apply_global_position_int(&zero);
        assert_eq!(p.lat_lon, None);
        m.apply_global_position_int(&zero);
        assert_eq!(
            m.heading_deg,
            Some(110.0),
            "unknown heading keeps the last one"
        );
    }

    #[test]
    fn gps_sentinels_and_fallback() {
        let unknown = GPS_RAW_INT_DATA {
            fix_type: GpsFixType::GPS_FIX_TYPE_NO_GPS,
            eph: u16::MAX,
            epv: u16::MAX,
            vel: u16::MAX,
            cog: u16::MAX,
            satellites_visible: u8::MAX,
            ..Default::default()
        };
        let g = Gps::from_gps_raw_int(&unknown);
        assert_eq!(
            (g.fix_type, g.satellites, g.hdop, g.vdop),
            (0, None, None, None)
        );
        assert_eq!((g.speed_mps, g.course_deg, g.lat_lon), (None, None, None));
        let mut p = Position::default();
        assert!(!p.apply_gps_raw_fallback(&unknown));
        let fix = GPS_RAW_INT_DATA {
            fix_type: GpsFixType::GPS_FIX_TYPE_3D_FIX,
            lat: 455_063_053,
            lon: -735_801_138,
            alt: 76_677,
            eph: 68,
            epv: 126,
            satellites_visible: 16,
            ..Default::default()
        };
        let g = Gps::from_gps_raw_int(&fix);
        assert_eq!(
            (g.satellites, g.hdop, g.vdop),
            (Some(16), Some(0.68), Some(1.26))
        );
        assert!(p.apply_gps_raw_fallback(&fix));
        assert_eq!(p.source, PositionSource::GpsRaw);
        assert_eq!(p.alt_rel_m, None);
        p.apply_global_position_int(&GLOBAL_POSITION_INT_DATA {
            lat: 1,
            lon: 1,
            ..Default::default()
        });
        assert!(
            !p.apply_gps_raw_fallback(&fix),
            "GLOBAL_POSITION_INT wins for good"
        );
        assert_eq!(gps_fix_name(3), "3D fix");
    }

    #[test]
    fn mission_current_sentinels() {
        let mut m = MissionProgress::default();
        let d = MISSION_CURRENT_DATA {
            seq: 3,
            total: 39,
            mission_state: MissionState::MISSION_STATE_ACTIVE,
            ..Default::default()
        };
        assert!(m.apply_current(&d));
        assert!(!m.apply_current(&d));
        assert_eq!(
            (m.current_seq, m.total_items, m.mission_state),
            (Some(3), Some(39), Some(3))
        );
        let v1 = MISSION_CURRENT_DATA {
            seq: u16::MAX,
            ..Default::default()
        };
        assert!(m.apply_current(&v1));
        assert_eq!((m.current_seq, m.total_items), (None, Some(39)));
        m.apply_reached(7);
        assert_eq!((m.last_reached_seq, m.reached_count), (Some(7), 1));
    }

    #[test]
    fn ekf_helpers() {
        let e = Ekf {
            flags: EKF_ATTITUDE | EKF_POS_HORIZ_ABS,
            compass_variance: 0.3,
            velocity_variance: 0.1,
            ..Default::default()
        };
        assert!(e.has(EKF_ATTITUDE) && !e.has(EKF_GPS_GLITCHING));
        assert_eq!(e.max_variance(), 0.3);
    }
}
