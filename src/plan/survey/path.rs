//! The flight path through ordered transects: turnarounds, detours around exclusion zones,
//! photo stops.

use super::{CameraMode, PathPoint, PointKind, Router, Survey, SurveyParams, Transect};
use crate::geo::{Enu, LatLon};
use crate::plan::area::Area;
use crate::plan::document::VehicleKind;
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
    let ends: Vec<(P2, P2)> = transects
        .iter()
        .map(|t| (to_p2(t.start), to_p2(t.end)))
        .collect();
    let leads = turn_points(&ends, params);
    for (idx, t) in transects.iter().enumerate() {
        let (s, e) = ends[idx];
        let len = s.dist(e).max(1e-9);
        let (over_in, over_out) = leads[idx];
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

/// Where each pass's lead-in starts and lead-out ends: `turnaround_m` beyond its ends along
/// the line. For planes, a turn between two opposite passes happens on one shared line
/// across both, `turnaround_m` beyond the farther of the two ends, so the leg between them is
/// square to the lines and each is entered straight (ArduPlane SITL banked up to 45° on
/// photos of lines whose ends were staggered); the first line gets twice the lead for the
/// turn in from the approach, and a turn between passes closer than
/// [`SurveyParams::min_pass_gap_m`] gets 12 s of lead.
fn turn_points(ends: &[(P2, P2)], p: &SurveyParams) -> Vec<(P2, P2)> {
    let lead = p.turnaround_m;
    let unit = |(s, e): (P2, P2)| {
        let len = s.dist(e).max(1e-9);
        P2::new((e.x - s.x) / len, (e.y - s.y) / len)
    };
    let along = |u: P2, d: f64, from: P2| P2::new(from.x + u.x * d, from.y + u.y * d);
    let mut out: Vec<(P2, P2)> = ends
        .iter()
        .map(|&(s, e)| {
            let u = unit((s, e));
            (along(u, -lead, s), along(u, lead, e))
        })
        .collect();
    if p.vehicle != VehicleKind::Plane || lead <= 0.0 {
        return out;
    }
    if let (Some(first), Some(&(s, e))) = (out.first_mut(), ends.first()) {
        first.0 = along(unit((s, e)), -2.0 * lead, s);
    }
    let dot = |a: P2, b: P2| a.x * b.x + a.y * b.y;
    for i in 1..ends.len() {
        let (u0, u1) = (unit(ends[i - 1]), unit(ends[i]));
        if dot(u0, u1) > -0.99 {
            continue; // not a reversal: leave both leads as they are
        }
        let (e0, s1) = (ends[i - 1].1, ends[i].0);
        let gap = {
            let d = P2::new(s1.x - e0.x, s1.y - e0.y);
            (d.x * u0.y - d.y * u0.x).abs()
        };
        let this_lead = if gap + 1e-6 < p.min_pass_gap_m() {
            lead.max(12.0 * p.speed_mps)
        } else {
            lead
        };
        let line = dot(e0, u0).max(dot(s1, u0)) + this_lead;
        out[i - 1].1 = along(u0, line - dot(e0, u0), e0);
        out[i].0 = along(u0, line - dot(s1, u0), s1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plane(spacing: f64, speed: f64) -> SurveyParams {
        SurveyParams {
            vehicle: VehicleKind::Plane,
            speed_mps: speed,
            line_spacing_m: spacing,
            turnaround_m: crate::plan::survey::plane_lead_m(speed),
            ..SurveyParams::default()
        }
    }

    #[test]
    fn a_plane_turns_on_a_line_square_to_both_passes() {
        let p = plane(60.0, 16.0);
        // East along y = 0 ending at x = 500; back west along y = 60 starting at x = 430.
        let ends = [
            (P2::new(0.0, 0.0), P2::new(500.0, 0.0)),
            (P2::new(430.0, 60.0), P2::new(0.0, 60.0)),
        ];
        let t = turn_points(&ends, &p);
        let lead = p.turnaround_m;
        assert!((t[0].1.x - (500.0 + lead)).abs() < 1e-9);
        assert!(
            (t[1].0.x - (500.0 + lead)).abs() < 1e-9,
            "same turn line: {t:?}"
        );
        assert!(
            (t[0].0.x + 2.0 * lead).abs() < 1e-9,
            "double lead into the first line"
        );
        assert!((t[1].1.x + lead).abs() < 1e-9);
    }

    #[test]
    fn passes_closer_than_a_turn_get_a_longer_lead() {
        let p = plane(20.0, 16.0);
        let ends = [
            (P2::new(0.0, 0.0), P2::new(500.0, 0.0)),
            (P2::new(500.0, 20.0), P2::new(0.0, 20.0)),
        ];
        let t = turn_points(&ends, &p);
        assert!((t[0].1.x - (500.0 + 12.0 * 16.0)).abs() < 1e-9, "{t:?}");
    }

    #[test]
    fn multirotors_keep_the_plain_overshoot() {
        let p = SurveyParams {
            turnaround_m: 10.0,
            ..SurveyParams::default()
        };
        let ends = [
            (P2::new(0.0, 0.0), P2::new(500.0, 0.0)),
            (P2::new(430.0, 20.0), P2::new(0.0, 20.0)),
        ];
        let t = turn_points(&ends, &p);
        assert_eq!(t[0].1, P2::new(510.0, 0.0));
        assert_eq!(t[1].0, P2::new(440.0, 20.0));
    }
}
