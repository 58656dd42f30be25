//! Validation in space: fences and terrain along the legs flown.

use super::{Limits, Out};
use crate::geo::{LatLon, LocalFrame};
use crate::plan::MissionDocument;
use crate::plan::geometry::{P2, point_in_ring, segment_hits_ring};
use crate::plan::mission_item::{MissionItem, cmd, frame};
use crate::plan::mission_stats::{home_of, is_nav};
use crate::plan::terrain::Dem;

/// An altitude as the item gives it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Height {
    /// Above home (m).
    Home(f64),
    /// Above mean sea level (m).
    Amsl(f64),
    /// Above the terrain below (m).
    Terrain(f64),
}

fn height(it: &MissionItem) -> Height {
    let z = f64::from(it.z);
    match it.frame {
        frame::GLOBAL | frame::GLOBAL_INT => Height::Amsl(z),
        frame::GLOBAL_TERRAIN_ALT | frame::GLOBAL_TERRAIN_ALT_INT => Height::Terrain(z),
        _ => Height::Home(z),
    }
}

/// Positioned waypoints in flight order with their heights, starting at home when the mission
/// takes off and ending at home when it returns.
fn flight_points(doc: &MissionDocument) -> Vec<(Option<usize>, LatLon, Height)> {
    let home = home_of(doc);
    let mut pts = Vec::new();
    let mut h = Height::Home(0.0);
    for (i, it) in doc.mission.iter().enumerate() {
        if !is_nav(it.command) {
            continue;
        }
        match it.command {
            cmd::NAV_TAKEOFF => {
                h = height(it);
                if let Some(p) = it.position().or(home) {
                    pts.push((Some(i + 1), p, h));
                }
            }
            cmd::NAV_RETURN_TO_LAUNCH => {
                if let Some(p) = home {
                    pts.push((Some(i + 1), p, h));
                }
            }
            cmd::NAV_LAND => {}
            _ => {
                h = height(it);
                if let Some(p) = it.position() {
                    pts.push((Some(i + 1), p, h));
                }
            }
        }
    }
    pts
}

pub(super) fn check_fence(doc: &MissionDocument, out: &mut Out) {
    let fence = &doc.fence;
    for (k, poly) in fence.polygons.iter().enumerate() {
        if poly.points.len() < 3 {
            out.error(
                "fence-shape",
                None,
                format!(
                    "fence polygon {} has {} vertices; a polygon needs 3",
                    k + 1,
                    poly.points.len()
                ),
            );
        }
        if poly.points.iter().any(|p| !p.is_valid()) {
            out.error(
                "fence-shape",
                None,
                format!("fence polygon {} has a vertex off the globe", k + 1),
            );
        }
    }
    for (k, c) in fence.circles.iter().enumerate() {
        if !(c.radius_m.is_finite() && c.radius_m > 0.0 && c.center.is_valid()) {
            out.error(
                "fence-shape",
                None,
                format!(
                    "fence circle {} has radius {} m or an invalid centre",
                    k + 1,
                    c.radius_m
                ),
            );
        }
    }
    for (k, r) in doc.rally.iter().enumerate() {
        if !r.alt_m.is_finite() || !r.position.is_valid() {
            out.error(
                "rally-value",
                None,
                format!("rally point {} has an invalid position or altitude", k + 1),
            );
        }
    }
    if fence.polygons.is_empty() && fence.circles.is_empty() {
        return;
    }
    let Some(origin) = home_of(doc).or_else(|| {
        fence
            .polygons
            .first()
            .and_then(|p| p.points.first().copied())
    }) else {
        return;
    };
    let lf = LocalFrame::new(origin);
    let p2 = |l: LatLon| {
        let e = lf.to_enu(l);
        P2::new(e.east_m, e.north_m)
    };
    let rings: Vec<(Vec<P2>, bool)> = fence
        .polygons
        .iter()
        .filter(|p| p.points.len() >= 3)
        .map(|p| (p.points.iter().map(|x| p2(*x)).collect(), p.inclusion))
        .collect();
    let inside_inclusion = |p: LatLon| {
        let q = p2(p);
        let polys: Vec<&Vec<P2>> = rings.iter().filter(|r| r.1).map(|r| &r.0).collect();
        let circles: Vec<_> = fence.circles.iter().filter(|c| c.inclusion).collect();
        if polys.is_empty() && circles.is_empty() {
            return true;
        }
        polys.iter().any(|r| point_in_ring(q, r))
            || circles.iter().any(|c| c.center.distance_m(p) <= c.radius_m)
    };
    let in_exclusion = |p: LatLon| {
        let q = p2(p);
        rings.iter().any(|r| !r.1 && point_in_ring(q, &r.0))
            || fence
                .circles
                .iter()
                .any(|c| !c.inclusion && c.center.distance_m(p) < c.radius_m)
    };
    if let Some(h) = home_of(doc)
        && !inside_inclusion(h)
    {
        out.warn(
            "fence-home",
            None,
            "home is outside the inclusion fence: the vehicle will not arm with the fence enabled"
                .into(),
        );
    }
    let pts = flight_points(doc);
    for (n, p, _) in &pts {
        if !inside_inclusion(*p) {
            out.warn(
                "fence-outside",
                *n,
                "waypoint outside the inclusion fence: the fence will trigger its action (RTL)"
                    .into(),
            );
        } else if in_exclusion(*p) {
            out.warn(
                "fence-exclusion",
                *n,
                "waypoint inside an exclusion zone of the fence".into(),
            );
        }
    }
    for w in pts.windows(2) {
        let (a, b) = (p2(w[0].1), p2(w[1].1));
        if rings.iter().any(|r| !r.1 && segment_hits_ring(a, b, &r.0)) {
            out.warn(
                "fence-crossing",
                w[1].0,
                "the leg to this waypoint crosses an exclusion zone of the fence".into(),
            );
        }
    }
}

pub(super) fn check_terrain(doc: &MissionDocument, limits: &Limits, dem: &Dem, out: &mut Out) {
    let Some(home) = home_of(doc) else {
        return;
    };
    let Some(home_ground) = dem.elevation_m(home) else {
        out.warn(
            "terrain-unknown",
            None,
            format!(
                "the elevation model has no data at home ({:.6}, {:.6}): terrain not checked",
                home.lat_deg, home.lon_deg
            ),
        );
        return;
    };
    let step = limits.terrain_step_m.max(1.0);
    let pts = flight_points(doc);
    // The climb from home to the first point is vertical: start the legs there.
    for w in pts.windows(2) {
        let ((_, a, ha), (n, b, hb)) = (w[0], w[1]);
        let amsl = |h: Height| match h {
            Height::Home(z) => Some(home_ground + z),
            Height::Amsl(z) => Some(z),
            Height::Terrain(_) => None,
        };
        let (Some(za), Some(zb)) = (amsl(ha), amsl(hb)) else {
            // Terrain-relative altitudes: the autopilot follows the ground between them.
            let low = [ha, hb]
                .iter()
                .filter_map(|h| match h {
                    Height::Terrain(z) => Some(*z),
                    _ => None,
                })
                .fold(f64::INFINITY, f64::min);
            if low < limits.min_clearance_m {
                out.warn(
                    "terrain-clearance",
                    n,
                    format!(
                        "{low:.0} m above terrain, under the {:.0} m minimum",
                        limits.min_clearance_m
                    ),
                );
            }
            continue;
        };
        let len = a.distance_m(b).max(1e-9);
        let mut worst: Option<(f64, LatLon)> = None;
        let mut missing = None;
        for (d, p, ground) in dem.profile_points(a, b, step) {
            let t = d / len;
            match ground {
                Some(g) => {
                    let clear = za + (zb - za) * t - g;
                    if worst.is_none_or(|(w, _)| clear < w) {
                        worst = Some((clear, p));
                    }
                }
                None => missing = missing.or(Some(p)),
            }
        }
        if let Some(p) = missing {
            out.warn(
                "terrain-unknown",
                n,
                format!("no elevation data at {:.6}, {:.6} on the leg to this item: clearance not checked there", p.lat_deg, p.lon_deg),
            );
        }
        if let Some((c, p)) = worst {
            if c < 0.0 {
                out.error(
                    "terrain-collision",
                    n,
                    format!(
                        "the leg to this item is {:.0} m below the ground at {:.6}, {:.6} (elevation model)",
                        -c, p.lat_deg, p.lon_deg
                    ),
                );
            } else if c < limits.min_clearance_m {
                out.warn(
                    "terrain-clearance",
                    n,
                    format!(
                        "the leg to this item passes {c:.0} m over the ground at {:.6}, {:.6}, under the {:.0} m minimum",
                        p.lat_deg, p.lon_deg, limits.min_clearance_m
                    ),
                );
            }
        }
    }
}
