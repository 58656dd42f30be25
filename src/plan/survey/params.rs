//! Survey parameters, their defaults and checks, and the generator's errors.

use crate::geo::LatLon;
use crate::plan::area::AreaError;
use crate::plan::document::{Firmware, VehicleKind};

/// Transect heading.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Angle {
    /// The heading with the shortest estimated flight time.
    Auto,
    /// Degrees clockwise from north.
    Deg(f64),
}

/// Where the first transect starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// The corner nearest the home (launch) point.
    NearestHome,
    /// A corner of the transect frame's bounding box: 0 = first line, start side; 1 = first
    /// line, far side; 2 = last line, start side; 3 = last line, far side.
    Corner(u8),
}

/// When the camera triggers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CameraMode {
    /// On along each transect, off in turns (the default).
    Transects,
    /// On from the first transect to the end of the last, turns included.
    ThroughTurns,
    /// Stop at each photo position and take one picture (multirotors).
    HoverAndCapture,
}

/// How altitudes are given.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AltitudeMode {
    /// Above home (the default; frame GLOBAL_RELATIVE_ALT).
    Relative,
    /// Above mean sea level: home altitude + survey altitude (frame GLOBAL).
    Amsl,
}

/// What the mission does at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndAction {
    /// Return to launch (the default).
    Rtl,
    /// Land where the survey ends.
    Land,
}

/// Everything the generator needs besides the area.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyParams {
    /// Survey altitude above home (m).
    pub alt_m: f64,
    /// Distance between transects (m).
    pub line_spacing_m: f64,
    /// Distance between photos (m).
    pub trigger_distance_m: f64,
    /// Ground speed on transects (m/s).
    pub speed_mps: f64,
    /// Transect heading.
    pub angle: Angle,
    /// Overshoot beyond each transect end (m), for the aircraft to line up.
    pub turnaround_m: f64,
    /// Fly a second pass at +90°.
    pub crosshatch: bool,
    /// Camera triggering.
    pub camera: CameraMode,
    /// Where to start.
    pub entry: Entry,
    /// Vehicle family.
    pub vehicle: VehicleKind,
    /// Firmware the items are for.
    pub firmware: Firmware,
    /// Turn radius for planes (m); lanes are skipped when the spacing is tighter than a turn.
    /// `None`: see [`SurveyParams::min_pass_gap_m`].
    pub turn_radius_m: Option<f64>,
    /// Launch point; `None`: the boundary vertex nearest the entry corner.
    pub home: Option<LatLon>,
    /// Home altitude above mean sea level (m), for AMSL altitudes and statistics.
    pub home_alt_amsl_m: f64,
    /// Altitude reference.
    pub altitude: AltitudeMode,
    /// End of mission.
    pub end: EndAction,
    /// Altitude to climb to before flying to the first transect and to return at (m above
    /// home); `None`: the survey altitude.
    pub transit_alt_m: Option<f64>,
    /// Distance kept from exclusion zones when flying around them (m).
    pub detour_margin_m: f64,
    /// Distance between the end of a camera-on transect and an exclusion zone (m): 0 lets
    /// transects run up to the zone's edge; a few metres keep a geofenced zone from being
    /// touched through GPS noise.
    pub hole_margin_m: f64,
}

impl Default for SurveyParams {
    /// The documented defaults: ArduPilot copter at 10 m/s, camera on transects only, RTL.
    fn default() -> Self {
        Self {
            alt_m: 100.0,
            line_spacing_m: 40.0,
            trigger_distance_m: 30.0,
            speed_mps: 10.0,
            angle: Angle::Auto,
            turnaround_m: 0.0,
            crosshatch: false,
            camera: CameraMode::Transects,
            entry: Entry::NearestHome,
            vehicle: VehicleKind::Copter,
            firmware: Firmware::ArduPilot,
            turn_radius_m: None,
            home: None,
            home_alt_amsl_m: 0.0,
            altitude: AltitudeMode::Relative,
            end: EndAction::Rtl,
            transit_alt_m: None,
            detour_margin_m: 10.0,
            hole_margin_m: 0.0,
        }
    }
}

/// What can go wrong generating a survey.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SurveyError {
    /// The area is not a valid polygon.
    #[error("survey area: {0}")]
    Area(#[from] AreaError),
    /// A parameter out of range.
    #[error("{what} must be {range}, got {value}")]
    BadParam {
        /// Which parameter.
        what: &'static str,
        /// Allowed range.
        range: &'static str,
        /// Value given.
        value: f64,
    },
    /// The field is too small for a single transect at this spacing.
    #[error("no transect fits in the area at {spacing_m} m spacing")]
    NoTransects {
        /// Spacing used.
        spacing_m: f64,
    },
    /// Too many transects or photos to be a sensible mission.
    #[error("{what}: {count} is more than the {limit} a mission can hold")]
    TooLarge {
        /// What overflowed.
        what: &'static str,
        /// How many.
        count: usize,
        /// The limit.
        limit: usize,
    },
}

/// Straight flight before the first photo of a line and after the last (m) that a plane
/// needs to be level when its camera is on: 8 s at the planned airspeed, at least 110 m.
/// Measured with ArduPlane 4.7 SITL: it anticipates a turn by up to WP_RADIUS (50–90 m) and
/// needs about 7 s after turning in to settle (one S-correction of ±10°); with 7 s of lead at
/// the ground speed no photo of 12–25 m/s surveys was banked over 10°, with Steppe's former
/// 30 m a quarter were.
pub fn plane_lead_m(speed_mps: f64) -> f64 {
    (8.0 * speed_mps).max(110.0)
}

/// The overshoot beyond transect ends used when none is given: [`plane_lead_m`] for planes,
/// 10 m for multirotors.
pub fn default_turnaround_m(vehicle: VehicleKind, speed_mps: f64) -> f64 {
    match vehicle {
        VehicleKind::Plane => plane_lead_m(speed_mps),
        _ => 10.0,
    }
}

/// Turn radius of a plane at `speed` with a 30° bank (m).
pub fn default_turn_radius_m(speed_mps: f64) -> f64 {
    speed_mps * speed_mps / (9.81 * 30f64.to_radians().tan())
}

fn check(
    what: &'static str,
    v: f64,
    lo: f64,
    hi: f64,
    range: &'static str,
) -> Result<(), SurveyError> {
    if v.is_finite() && v >= lo && v <= hi {
        Ok(())
    } else {
        Err(SurveyError::BadParam {
            what,
            range,
            value: v,
        })
    }
}

/// Most transects and photos a generated mission may hold.
pub const MAX_TRANSECTS: usize = 5_000;

impl SurveyParams {
    /// Checks every parameter.
    pub fn validate(&self) -> Result<(), SurveyError> {
        check("altitude", self.alt_m, 1.0, 10_000.0, "1 to 10000 m")?;
        check(
            "line spacing",
            self.line_spacing_m,
            0.5,
            10_000.0,
            "0.5 to 10000 m",
        )?;
        check(
            "trigger distance",
            self.trigger_distance_m,
            0.1,
            10_000.0,
            "0.1 to 10000 m",
        )?;
        check("speed", self.speed_mps, 0.5, 100.0, "0.5 to 100 m/s")?;
        check("turnaround", self.turnaround_m, 0.0, 1_000.0, "0 to 1000 m")?;
        check(
            "detour margin",
            self.detour_margin_m,
            0.0,
            1_000.0,
            "0 to 1000 m",
        )?;
        check(
            "exclusion zone margin",
            self.hole_margin_m,
            0.0,
            1_000.0,
            "0 to 1000 m",
        )?;
        check(
            "home altitude",
            self.home_alt_amsl_m,
            -500.0,
            9_000.0,
            "-500 to 9000 m",
        )?;
        if let Angle::Deg(a) = self.angle {
            check("angle", a, -360.0, 360.0, "-360 to 360 degrees")?;
        }
        if let Some(t) = self.transit_alt_m {
            check("transit altitude", t, 1.0, 10_000.0, "1 to 10000 m")?;
        }
        if let Some(r) = self.turn_radius_m {
            check("turn radius", r, 0.0, 10_000.0, "0 to 10000 m")?;
        }
        if let Some(h) = self.home
            && !h.is_valid()
        {
            return Err(SurveyError::BadParam {
                what: "home latitude",
                range: "a valid position",
                value: h.lat_deg,
            });
        }
        Ok(())
    }

    /// Least distance between consecutive passes of a plane (m): the turn's diameter with
    /// [`SurveyParams::turn_radius_m`], else `2 V² / g` (a 45° bank, ArduPlane's default roll
    /// limit). ArduPlane 4.7 SITL with the leads of [`plane_lead_m`] took no banked photo at
    /// 12/30, 16/50, 22/100 and 25/130 (m/s / m), and 8 % at 16/40 and 22/80.
    pub fn min_pass_gap_m(&self) -> f64 {
        match self.turn_radius_m {
            Some(r) => 2.0 * r,
            None => 2.0 * self.speed_mps * self.speed_mps / 9.81,
        }
    }

    /// Lanes to skip so a plane can turn between consecutive passes (1 = none).
    pub fn lane_skip(&self) -> usize {
        if self.vehicle != VehicleKind::Plane {
            return 1;
        }
        ((self.min_pass_gap_m() / self.line_spacing_m - 1e-9).ceil() as usize).clamp(1, 50)
    }
}
