//! The flight path through ordered transects: turnarounds, detours around exclusion zones,
//! photo stops.

use super::{CameraMode, PathPoint, PointKind, Router, Survey, SurveyParams, Transect};
use crate::geo::{Enu, LatLon};
use crate::plan::area::Area;
use crate::plan::geometry::P2;

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
    let router = Router::with_clearance(
        &holes
            .iter()
            .map(|h| h.iter().map(|e| P2::new(e.east_m, e.north_m)).collect())
            .collect::<Vec<_>>(),
        params.detour_margin_m,
        // Legs keep nearly the zone margin: transect ends sit exactly at it.
        params.hole_margin_m * 0.9,
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
