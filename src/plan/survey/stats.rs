//! Survey statistics and the flight-time model behind them.
//!
//! Time = climb to the transit altitude + every leg at the planned speed (from home, between
//! transects, back home) + a penalty for each turn + hover holds + the descent. A multirotor
//! slows down for turns: a turn of θ costs (v / a)·(1 − cos θ)/2 extra (a full reversal costs
//! the time to stop and accelerate again, v/a at 2.5 m/s²). A plane flies an arc: a turn of θ
//! at radius R costs R·θ/v minus the straight chord it replaces. Climb 2.5 m/s (copter) or
//! 5 m/s (plane); descent 1.5 m/s, the last 10 m at 0.5 m/s (ArduCopter's defaults).

use super::{
    CameraMode, PointKind, Survey, SurveyParams, default_turn_radius_m, items::HOVER_HOLD_S,
};
use crate::plan::area::Area;
use crate::plan::document::VehicleKind;

/// How long manoeuvres take.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeModel {
    /// Cruise speed (m/s).
    pub speed_mps: f64,
    /// Climb rate (m/s).
    pub climb_mps: f64,
    /// Descent rate (m/s).
    pub descent_mps: f64,
    /// Horizontal acceleration of a multirotor (m/s²).
    pub accel_mps2: f64,
    /// Turn radius of a plane (m); 0 for multirotors.
    pub turn_radius_m: f64,
}

impl TimeModel {
    /// The model for a survey's vehicle and speed.
    pub fn for_params(p: &SurveyParams) -> Self {
        let plane = p.vehicle == VehicleKind::Plane;
        Self {
            speed_mps: p.speed_mps,
            climb_mps: if plane { 5.0 } else { 2.5 },
            descent_mps: if plane { 3.0 } else { 1.5 },
            accel_mps2: 2.5,
            turn_radius_m: if plane {
                p.turn_radius_m
                    .unwrap_or_else(|| default_turn_radius_m(p.speed_mps))
            } else {
                0.0
            },
        }
    }

    /// Extra time (s) of a heading change of `angle_deg` (0..180) compared with flying
    /// straight; `spacing_m` is unused for copters and bounds the plane's chord.
    pub fn turn_s(&self, angle_deg: f64, spacing_m: f64) -> f64 {
        let th = angle_deg.abs().min(180.0).to_radians();
        if self.turn_radius_m > 0.0 {
            let arc = self.turn_radius_m * th;
            let chord = (2.0 * self.turn_radius_m * (th / 2.0).sin())
                .min(spacing_m.max(0.0) + 2.0 * self.turn_radius_m);
            ((arc - chord).max(0.0)
                + if th > std::f64::consts::FRAC_PI_2 {
                    self.turn_radius_m
                } else {
                    0.0
                })
                / self.speed_mps
        } else {
            self.speed_mps / self.accel_mps2 * (1.0 - th.cos()) / 2.0
        }
    }

    /// Time (s) to descend from `alt_m` to the ground.
    pub fn descent_s(&self, alt_m: f64) -> f64 {
        let high = (alt_m - 10.0).max(0.0);
        high / self.descent_mps + alt_m.min(10.0) / 0.5
    }
}

/// The figures an operator checks before flying.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SurveyStats {
    /// Surveyed area, exclusion zones removed (hectares).
    pub area_ha: f64,
    /// Number of camera-on transects.
    pub transects: usize,
    /// Of which added to close coverage gaps.
    pub patches: usize,
    /// Photos.
    pub photos: u32,
    /// Length of all transects (m).
    pub transect_length_m: f64,
    /// Horizontal distance flown, from home and back (m).
    pub distance_m: f64,
    /// Estimated flight time, takeoff to landing (s).
    pub flight_time_s: f64,
    /// Average time between photos on transects (s).
    pub photo_interval_s: f64,
    /// Turns flown.
    pub turns: usize,
}

fn heading(a: crate::geo::LatLon, b: crate::geo::LatLon) -> Option<f64> {
    (a.distance_m(b) > 0.5).then(|| a.bearing_deg(b))
}

/// Statistics of a survey over `area`.
pub fn survey_stats(s: &Survey, area: &Area) -> SurveyStats {
    let p = &s.params;
    let model = TimeModel::for_params(p);
    let transit = p.transit_alt_m.unwrap_or(p.alt_m);
    let mut pts = vec![s.home];
    pts.extend(s.path.iter().map(|x| x.pos));
    pts.push(s.home);
    let distance_m: f64 = pts.windows(2).map(|w| w[0].distance_m(w[1])).sum();
    let mut turn_s = 0.0;
    let mut turns = 0;
    let mut last_heading: Option<f64> = None;
    for w in pts.windows(2) {
        if let Some(h) = heading(w[0], w[1]) {
            if let Some(prev) = last_heading {
                let d = crate::geo::wrap_180(h - prev).abs();
                if d > 10.0 {
                    turns += 1;
                }
                turn_s += model.turn_s(d, p.line_spacing_m);
            }
            last_heading = Some(h);
        }
    }
    let holds = if p.camera == CameraMode::HoverAndCapture {
        let stops = s
            .path
            .iter()
            .filter(|x| {
                matches!(
                    x.kind,
                    PointKind::TransectStart | PointKind::Photo | PointKind::TransectEnd
                )
            })
            .count() as f64;
        stops * (f64::from(HOVER_HOLD_S) + model.speed_mps / model.accel_mps2)
    } else {
        0.0
    };
    let transect_length_m: f64 = s.transects.iter().map(|t| t.len_m()).sum();
    // Hover and capture shoots at every stop (each line's end too); distance triggering
    // shoots at the start and every trigger distance.
    let photos = if p.camera == CameraMode::HoverAndCapture {
        s.path
            .iter()
            .filter(|x| {
                matches!(
                    x.kind,
                    PointKind::TransectStart | PointKind::Photo | PointKind::TransectEnd
                )
            })
            .count() as u32
    } else {
        s.transects
            .iter()
            .map(|t| t.photos(p.trigger_distance_m))
            .sum()
    };
    SurveyStats {
        area_ha: area.area_m2() / 10_000.0,
        transects: s.transects.len(),
        patches: s.transects.iter().filter(|t| t.patch).count(),
        photos,
        transect_length_m,
        distance_m,
        flight_time_s: transit / model.climb_mps
            + distance_m / model.speed_mps
            + turn_s
            + holds
            + model.descent_s(transit),
        photo_interval_s: p.trigger_distance_m / p.speed_mps,
        turns,
    }
}
