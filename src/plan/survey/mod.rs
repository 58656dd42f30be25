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
mod params;
mod path;
mod route;
mod stats;
mod terrain_follow;
mod transects;

pub use items::{mission_items, mission_items_with_transects};
pub use order::{Pass, cells, lane_order, short_steps};
pub use params::{
    AltitudeMode, Angle, CameraMode, EndAction, Entry, MAX_TRANSECTS, SurveyError, SurveyParams,
    default_turn_radius_m, default_turnaround_m, plane_lead_m,
};
pub use path::build_path;
pub use route::Router;
pub use stats::{SurveyStats, TimeModel, survey_stats};
pub use terrain_follow::{TerrainFollowError, TerrainParams, TerrainReport, follow_terrain};
pub use transects::{MIN_SEGMENT_M, Segment};

use crate::geo::{Enu, LatLon, LocalFrame};
use crate::plan::area::Area;
use crate::plan::geometry::{P2, Shape, TransectFrame};

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

/// The area in the transect frame of `angle_deg`.
fn shape_in_frame(area: &Area, frame: &LocalFrame, tf: &TransectFrame, margin: f64) -> Shape {
    let (outer, holes) = area.to_local(frame);
    let to = |v: &Vec<Enu>| v.iter().map(|e| tf.to_frame(*e)).collect::<Vec<P2>>();
    Shape {
        outer: to(&outer),
        holes: holes.iter().map(to).collect(),
        margin,
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
/// Flight-time estimate of transects at one heading: their length at the planned speed plus
/// a reversal and the turnarounds per transect.
fn time_of(segs: &[Segment], p: &SurveyParams) -> f64 {
    let length: f64 = segs.iter().map(Segment::len).sum();
    let turn = TimeModel::for_params(p).turn_s(180.0, p.line_spacing_m);
    length / p.speed_mps + segs.len() as f64 * (turn + 2.0 * p.turnaround_m / p.speed_mps)
}

/// A quick estimate for a heading from the regular lines only.
fn estimate_s(area: &Area, frame: &LocalFrame, angle_deg: f64, p: &SurveyParams) -> f64 {
    let tf = TransectFrame::new(angle_deg);
    let shape = shape_in_frame(area, frame, &tf, p.hole_margin_m);
    time_of(&transects::lines(&shape, p.line_spacing_m), p)
}

/// Candidates scored in full (with the transects added for coverage) after the quick pass.
const SHORTLIST: usize = 8;

/// The heading with the shortest estimated flight time. Every degree and each boundary edge's
/// own direction (the usual winner: along the longest edge) are scored quickly from the
/// regular lines; the best few of each kind are then scored with the transects added for
/// coverage too, which a slightly tilted heading needs many of.
pub fn best_angle(area: &Area, p: &SurveyParams) -> f64 {
    let frame = area.local_frame();
    let (outer, _) = area.to_local(&frame);
    let n = outer.len();
    let edges: Vec<f64> = (0..n)
        .map(|i| {
            let (a, b) = (outer[i], outer[(i + 1) % n]);
            crate::geo::wrap_360(
                (b.east_m - a.east_m)
                    .atan2(b.north_m - a.north_m)
                    .to_degrees(),
            ) % 180.0
        })
        .collect();
    let quick = |list: Vec<f64>| {
        let mut scored: Vec<(f64, f64)> = list
            .into_iter()
            .map(|c| (estimate_s(area, &frame, c, p), c))
            .collect();
        scored.sort_by(|x, y| x.0.total_cmp(&y.0));
        scored.truncate(SHORTLIST);
        scored.into_iter().map(|(_, c)| c)
    };
    let mut shortlist: Vec<(f64, bool)> = quick((0..180).map(f64::from).collect())
        .map(|c| (c, false))
        .collect();
    shortlist.extend(quick(edges).map(|c| (c, true)));
    let mut best: Option<(f64, f64, bool)> = None;
    for (c, edge) in shortlist {
        let t = time_of(&transects_at(area, &frame, c, p).1, p);
        // Prefer an edge direction on a near-tie (within 0.1 %).
        let better = match best {
            None => true,
            Some((bt, _, bedge)) => t < bt * 0.999 || (t <= bt * 1.001 && edge && !bedge),
        };
        if better {
            best = Some((t, c, edge));
        }
    }
    best.map_or(0.0, |b| b.1)
}

/// Generates the survey of `area` with `params`.
pub fn generate(area: &Area, params: &SurveyParams) -> Result<Survey, SurveyError> {
    params.validate()?;
    area.validate()?;
    let frame = area.local_frame();
    // Refuse hopeless sizes before any work: even at the best heading there are at least the
    // field's narrowest width over the spacing lines (width within 0.01 % over 180 headings).
    let (outer_enu, _) = area.to_local(&frame);
    let width = (0..180)
        .map(|d| {
            let (sn, cs) = f64::from(d).to_radians().sin_cos();
            let across = outer_enu.iter().map(|e| e.east_m * cs - e.north_m * sn);
            let (lo, hi) = across.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
                (l.min(v), h.max(v))
            });
            hi - lo
        })
        .fold(f64::INFINITY, f64::min);
    let lines = (width * 0.999 / params.line_spacing_m) as usize;
    if lines > MAX_TRANSECTS {
        return Err(SurveyError::TooLarge {
            what: "transects",
            count: lines,
            limit: MAX_TRANSECTS,
        });
    }
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
