//! Survey generation: from a field (concave, with exclusion zones), a line spacing and a
//! trigger distance to a flight path and the mission that flies it.
//!
//! ```text
//! area ─▶ local metres ─▶ transect frame (angle) ─▶ lines clipped to the field ─▶ coverage
//!   patches ─▶ cells ─▶ lawnmower order from the entry corner ─▶ turnarounds and detours
//!   around exclusion zones ─▶ path ─▶ mission items (ArduPilot; PX4 variant) + statistics
//! ```
//! The camera is on only along transects (or through turns, if asked), and transects never
//! leave the field or enter an exclusion zone; connections may cross a notch of the field with
//! the camera off, but never an exclusion zone. `angle: Auto` tries every heading and keeps
//! the one with the shortest estimated flight time.

mod items;
mod order;
mod route;
mod stats;
mod terrain_follow;
mod transects;

pub use items::{mission_items, mission_items_with_transects};
pub use order::{Pass, cells, lane_order};
pub use route::Router;
pub use stats::{SurveyStats, TimeModel, survey_stats};
pub use terrain_follow::{TerrainFollowError, TerrainParams, TerrainReport, follow_terrain};
pub use transects::{MIN_SEGMENT_M, Segment};

use crate::geo::{Enu, LatLon, LocalFrame};
use crate::plan::area::{Area, AreaError};
use crate::plan::document::{Firmware, VehicleKind};
use crate::plan::geometry::{P2, Shape, TransectFrame};

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
    /// `None`: from speed and a 30° bank.
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

/// A kind of point on the flight path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointKind {
    /// Climb or approach from home.
    Transit,
    /// Overshoot before or after a transect.
    Turnaround,
    /// A transect starts: camera on.
    TransectStart,
    /// A transect ends: camera off.
    TransectEnd,
    /// Around an exclusion zone.
    Detour,
    /// Photo position (hover and capture).
    Photo,
    /// Added to follow the terrain.
    Terrain,
}

/// A point of the flight path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PathPoint {
    /// Position.
    pub pos: LatLon,
    /// Role.
    pub kind: PointKind,
    /// Index of the transect it belongs to (for starts, ends, photos and turnarounds).
    pub transect: Option<usize>,
}

/// A camera-on segment, as flown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transect {
    /// Where the camera goes on.
    pub start: LatLon,
    /// Where it goes off.
    pub end: LatLon,
    /// Part of the crosshatch pass.
    pub crosshatch: bool,
    /// Added to close a coverage gap.
    pub patch: bool,
}

impl Transect {
    /// Length (m).
    pub fn len_m(&self) -> f64 {
        self.start.distance_m(self.end)
    }

    /// Photos taken along it at `trigger_m` (one at the start, then every `trigger_m`).
    pub fn photos(&self, trigger_m: f64) -> u32 {
        // A centimetre of tolerance: a 399.9997 m line (geodesy rounding) at 20 m is 21
        // photos, as 400 m is.
        if trigger_m > 0.0 {
            ((self.len_m() + 0.01) / trigger_m).floor() as u32 + 1
        } else {
            0
        }
    }
}

/// A generated survey.
#[derive(Debug, Clone, PartialEq)]
pub struct Survey {
    /// Parameters it was generated with (angle resolved).
    pub params: SurveyParams,
    /// Transect heading used (degrees clockwise from north).
    pub angle_deg: f64,
    /// Launch point.
    pub home: LatLon,
    /// Camera-on segments in flight order.
    pub transects: Vec<Transect>,
    /// The flight path from the first transect's approach to the last transect's exit.
    pub path: Vec<PathPoint>,
    /// Legs between transects that had to fly around an exclusion zone.
    pub detours: usize,
    /// Connections for which no way around the exclusion zones existed (flown straight).
    pub blocked: usize,
    /// Altitude above mean sea level of each path point when following terrain (aligned with
    /// `path`); `None` for a constant altitude.
    pub terrain_alts_amsl_m: Option<Vec<f64>>,
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

    /// Lanes to skip so a plane can turn between consecutive passes (1 = none).
    pub fn lane_skip(&self) -> usize {
        if self.vehicle != VehicleKind::Plane {
            return 1;
        }
        let r = self
            .turn_radius_m
            .unwrap_or_else(|| default_turn_radius_m(self.speed_mps));
        ((2.0 * r / self.line_spacing_m).ceil() as usize).clamp(1, 50)
    }
}

/// The area in the transect frame of `angle_deg`.
fn shape_in_frame(area: &Area, frame: &LocalFrame, tf: &TransectFrame, margin: f64) -> Shape {
    let (outer, holes) = area.to_local(frame);
    let to = |v: &Vec<Enu>| v.iter().map(|e| tf.to_frame(*e)).collect::<Vec<P2>>();
    let grow = |v: &Vec<Enu>| {
        let ring: Vec<P2> = v.iter().map(|e| P2::new(e.east_m, e.north_m)).collect();
        let ring = if margin > 0.0 {
            crate::plan::geometry::inflate_ring(&ring, margin)
        } else {
            ring
        };
        ring.iter()
            .map(|p| tf.to_frame(Enu::new(p.x, p.y)))
            .collect::<Vec<P2>>()
    };
    Shape {
        outer: to(&outer),
        holes: holes.iter().map(grow).collect(),
    }
}

/// Generates the transects for one heading (no ordering).
fn transects_at(
    area: &Area,
    frame: &LocalFrame,
    angle_deg: f64,
    p: &SurveyParams,
) -> (Shape, Vec<Segment>) {
    let spacing = p.line_spacing_m;
    let tf = TransectFrame::new(angle_deg);
    let shape = shape_in_frame(area, frame, &tf, p.hole_margin_m);
    let mut segs = transects::lines(&shape, spacing);
    transects::patch_coverage(&shape, spacing, &mut segs, spacing / 8.0);
    (shape, segs)
}

/// A quick flight-time estimate for a heading: transect time plus a turn per transect.
fn estimate_s(area: &Area, frame: &LocalFrame, angle_deg: f64, p: &SurveyParams) -> f64 {
    let tf = TransectFrame::new(angle_deg);
    let shape = shape_in_frame(area, frame, &tf, p.hole_margin_m);
    let segs = transects::lines(&shape, p.line_spacing_m);
    let length: f64 = segs.iter().map(Segment::len).sum();
    let turn = TimeModel::for_params(p).turn_s(180.0, p.line_spacing_m);
    length / p.speed_mps + segs.len() as f64 * (turn + 2.0 * p.turnaround_m / p.speed_mps)
}

/// The heading with the shortest estimated flight time: every degree, plus each boundary
/// edge's own direction (the usual winner: along the longest edge).
pub fn best_angle(area: &Area, p: &SurveyParams) -> f64 {
    let frame = area.local_frame();
    let (outer, _) = area.to_local(&frame);
    let mut candidates: Vec<f64> = (0..180).map(f64::from).collect();
    let n = outer.len();
    for i in 0..n {
        let (a, b) = (outer[i], outer[(i + 1) % n]);
        candidates.push(
            crate::geo::wrap_360(
                (b.east_m - a.east_m)
                    .atan2(b.north_m - a.north_m)
                    .to_degrees(),
            ) % 180.0,
        );
    }
    let mut best: (f64, f64) = (f64::INFINITY, 0.0);
    for c in candidates {
        let t = estimate_s(area, &frame, c, p);
        // Prefer the edge directions on near-ties (within 0.1 %).
        if t < best.0 * 0.999 || (t <= best.0 * 1.001 && c.fract() != 0.0 && best.1.fract() == 0.0)
        {
            best = (t.min(best.0), c);
        }
    }
    best.1
}

/// Generates the survey of `area` with `params`.
pub fn generate(area: &Area, params: &SurveyParams) -> Result<Survey, SurveyError> {
    params.validate()?;
    area.validate()?;
    let frame = area.local_frame();
    let angle_deg = match params.angle {
        Angle::Auto => best_angle(area, params),
        Angle::Deg(a) => crate::geo::wrap_360(a),
    };
    let mut passes_all: Vec<(Vec<Pass>, TransectFrame, bool)> = Vec::new();
    let headings: Vec<(f64, bool)> = if params.crosshatch {
        vec![(angle_deg, false), (angle_deg + 90.0, true)]
    } else {
        vec![(angle_deg, false)]
    };
    // Home and entry point (in ENU).
    let (outer, _) = area.to_local(&frame);
    let tf0 = TransectFrame::new(angle_deg);
    let (shape0, segs0) = transects_at(area, &frame, angle_deg, params);
    if segs0.is_empty() {
        return Err(SurveyError::NoTransects {
            spacing_m: params.line_spacing_m,
        });
    }
    let entry_frame = entry_point(&shape0, params, &frame, &tf0);
    let home_enu = match params.home {
        Some(h) => frame.to_enu(h),
        None => {
            let corner = tf0.to_enu(entry_frame);
            outer
                .iter()
                .copied()
                .min_by(|a, b| a.distance_m(corner).total_cmp(&b.distance_m(corner)))
                .unwrap_or_default()
        }
    };
    let mut at_enu = match params.entry {
        Entry::NearestHome => home_enu,
        Entry::Corner(_) => tf0.to_enu(entry_frame),
    };
    for (heading, cross) in headings {
        let tf = TransectFrame::new(heading);
        let segs = if cross {
            transects_at(area, &frame, heading, params).1
        } else {
            segs0.clone()
        };
        if segs.len() > MAX_TRANSECTS {
            return Err(SurveyError::TooLarge {
                what: "transects",
                count: segs.len(),
                limit: MAX_TRANSECTS,
            });
        }
        let passes = order::order(&segs, tf.to_frame(at_enu), params.lane_skip());
        if let Some(last) = passes.last() {
            at_enu = tf.to_enu(last.end());
        }
        passes_all.push((passes, tf, cross));
    }
    // Flight order as camera-on segments in geographic coordinates.
    let mut ordered = Vec::new();
    for (passes, tf, cross) in &passes_all {
        for pass in passes {
            ordered.push(Transect {
                start: frame.to_latlon(tf.to_enu(pass.start())),
                end: frame.to_latlon(tf.to_enu(pass.end())),
                crosshatch: *cross,
                patch: pass.seg.patch,
            });
        }
    }
    let mut resolved = params.clone();
    resolved.angle = Angle::Deg(angle_deg);
    let home = frame.to_latlon(home_enu);
    resolved.home = Some(home);
    let survey = build_path(area, &resolved, angle_deg, home, ordered);
    let photos: u64 = survey
        .transects
        .iter()
        .map(|t| u64::from(t.photos(params.trigger_distance_m)))
        .sum();
    if photos as usize > 100 * MAX_TRANSECTS {
        return Err(SurveyError::TooLarge {
            what: "photos",
            count: photos as usize,
            limit: 100 * MAX_TRANSECTS,
        });
    }
    Ok(survey)
}

/// Builds the flight path that flies `transects` in order from and back to `home`: turnaround
/// overshoots where they stay clear of exclusion zones, detours around the zones, photo stops
/// for hover-and-capture. Used by [`generate`] and to cut a survey into parts or resume it.
pub fn build_path(
    area: &Area,
    params: &SurveyParams,
    angle_deg: f64,
    home: LatLon,
    transects: Vec<Transect>,
) -> Survey {
    let frame = area.local_frame();
    let (_, holes) = area.to_local(&frame);
    let router = Router::new(
        &holes
            .iter()
            .map(|h| h.iter().map(|e| P2::new(e.east_m, e.north_m)).collect())
            .collect::<Vec<_>>(),
        params.detour_margin_m,
    );
    let to_p2 = |l: LatLon| {
        let e = frame.to_enu(l);
        P2::new(e.east_m, e.north_m)
    };
    let to_ll = |p: P2| frame.to_latlon(Enu::new(p.x, p.y));
    let mut path: Vec<PathPoint> = Vec::new();
    let (mut detours, mut blocked) = (0, 0);
    let home_p = to_p2(home);
    let mut cursor = home_p;
    let push_leg =
        |path: &mut Vec<PathPoint>, from: P2, to: P2, detours: &mut usize, blocked: &mut usize| {
            match router.detour(from, to) {
                Some(v) if !v.is_empty() => {
                    *detours += 1;
                    path.extend(v.into_iter().map(|p| PathPoint {
                        pos: to_ll(p),
                        kind: PointKind::Detour,
                        transect: None,
                    }));
                }
                Some(_) => {}
                None => *blocked += 1,
            }
        };
    for (idx, t) in transects.iter().enumerate() {
        let (s, e) = (to_p2(t.start), to_p2(t.end));
        let dir = P2::new(e.x - s.x, e.y - s.y);
        let len = dir.x.hypot(dir.y).max(1e-9);
        let unit = P2::new(dir.x / len, dir.y / len);
        let over_in = P2::new(
            s.x - unit.x * params.turnaround_m,
            s.y - unit.y * params.turnaround_m,
        );
        let over_out = P2::new(
            e.x + unit.x * params.turnaround_m,
            e.y + unit.y * params.turnaround_m,
        );
        let use_in = params.turnaround_m > 0.0 && router.clear(over_in, s);
        let use_out = params.turnaround_m > 0.0 && router.clear(e, over_out);
        let approach = if use_in { over_in } else { s };
        push_leg(&mut path, cursor, approach, &mut detours, &mut blocked);
        if use_in {
            path.push(PathPoint {
                pos: to_ll(over_in),
                kind: PointKind::Turnaround,
                transect: Some(idx),
            });
        }
        path.push(PathPoint {
            pos: t.start,
            kind: PointKind::TransectStart,
            transect: Some(idx),
        });
        if params.camera == CameraMode::HoverAndCapture {
            let shots = (len / params.trigger_distance_m).floor() as usize;
            for k in 1..=shots {
                let d = k as f64 * params.trigger_distance_m;
                if d < len - 1e-6 {
                    path.push(PathPoint {
                        pos: to_ll(s.lerp(e, d / len)),
                        kind: PointKind::Photo,
                        transect: Some(idx),
                    });
                }
            }
        }
        path.push(PathPoint {
            pos: t.end,
            kind: PointKind::TransectEnd,
            transect: Some(idx),
        });
        cursor = e;
        if use_out {
            path.push(PathPoint {
                pos: to_ll(over_out),
                kind: PointKind::Turnaround,
                transect: Some(idx),
            });
            cursor = over_out;
        }
    }
    // The way home must not cross a zone either.
    push_leg(&mut path, cursor, home_p, &mut detours, &mut blocked);
    let mut params = params.clone();
    params.home = Some(home);
    Survey {
        params,
        angle_deg,
        home,
        transects,
        path,
        detours,
        blocked,
        terrain_alts_amsl_m: None,
    }
}

/// The entry corner in the transect frame.
fn entry_point(shape: &Shape, p: &SurveyParams, frame: &LocalFrame, tf: &TransectFrame) -> P2 {
    let (lo, hi) = shape.bounds();
    let corners = [
        P2::new(lo.x, lo.y),
        P2::new(hi.x, lo.y),
        P2::new(lo.x, hi.y),
        P2::new(hi.x, hi.y),
    ];
    match p.entry {
        Entry::Corner(c) => corners[usize::from(c.min(3))],
        Entry::NearestHome => match p.home {
            Some(h) => {
                let hp = tf.to_frame(frame.to_enu(h));
                corners
                    .into_iter()
                    .min_by(|a, b| a.dist(hp).total_cmp(&b.dist(hp)))
                    .unwrap_or(corners[0])
            }
            None => corners[0],
        },
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod terrain_tests;
