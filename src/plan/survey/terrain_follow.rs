//! Terrain following: a constant height above ground along the whole survey path, from an
//! offline elevation model.
//!
//! Every leg of the path is sampled every `step_m`; where the straight climb or descent
//! between two waypoints would leave the planned height above ground by more than
//! `tolerance_m`, a waypoint is added at the worst sample and both halves are checked again
//! (Douglas–Peucker on the terrain profile). The transit altitude is raised when needed so that
//! the legs from home to the area and back keep at least the survey height above every sample
//! of the ground under them. Altitudes stay relative to home (the home ground elevation comes
//! from the model), or AMSL when the survey asks for AMSL.

use super::{PathPoint, PointKind, Survey};
use crate::geo::LatLon;
use crate::plan::terrain::Dem;

/// Terrain-following settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TerrainParams {
    /// Largest allowed departure from the planned height above ground between samples (m).
    pub tolerance_m: f64,
    /// Distance between terrain samples along each leg (m); no longer than the model's cell.
    pub step_m: f64,
}

impl Default for TerrainParams {
    /// 5 m tolerance, a sample every 10 m.
    fn default() -> Self {
        Self {
            tolerance_m: 5.0,
            step_m: 10.0,
        }
    }
}

/// What terrain following did and found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TerrainReport {
    /// Ground elevation at home from the model (m AMSL).
    pub home_ground_amsl_m: f64,
    /// Lowest height above ground on the survey path (between the first and last survey
    /// waypoints), over every sample (m).
    pub min_agl_m: f64,
    /// Highest height above ground on the survey path (m).
    pub max_agl_m: f64,
    /// Waypoints added to follow the terrain.
    pub added_waypoints: usize,
    /// Transit altitude used (m above home).
    pub transit_alt_m: f64,
    /// The transit altitude had to be raised above the one asked for, to clear the ground.
    pub transit_raised: bool,
    /// Lowest ground clearance on the transit legs from and to home (m).
    pub transit_clearance_m: f64,
}

/// Why terrain following failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TerrainFollowError {
    /// A setting out of range.
    #[error("terrain following: {0}")]
    BadParams(String),
    /// The elevation model has no data where the aircraft flies.
    #[error(
        "the elevation model has no data at {lat:.6}, {lon:.6} ({what}); add the tile that covers it to the terrain folder"
    )]
    NoData {
        /// Which point or leg.
        what: String,
        /// Latitude (degrees).
        lat: f64,
        /// Longitude (degrees).
        lon: f64,
    },
}

/// Positions and ground elevations every `step_m` from `a` to `b`, both ends included.
fn samples(
    dem: &Dem,
    a: LatLon,
    b: LatLon,
    step_m: f64,
    what: &dyn Fn() -> String,
) -> Result<Vec<(LatLon, f64)>, TerrainFollowError> {
    dem.profile_points(a, b, step_m)
        .into_iter()
        .map(|(_, p, ground)| {
            ground
                .map(|g| (p, g))
                .ok_or_else(|| TerrainFollowError::NoData {
                    what: what(),
                    lat: p.lat_deg,
                    lon: p.lon_deg,
                })
        })
        .collect()
}

/// Indices (into `s`) to add between `lo` and `hi`, in order, so that the straight line
/// between kept samples at `agl` above their ground stays within `tol` of `agl` above every
/// sample.
fn refine(s: &[(LatLon, f64)], lo: usize, hi: usize, agl: f64, tol: f64, out: &mut Vec<usize>) {
    if hi <= lo + 1 {
        return;
    }
    let (Some(a), Some(b)) = (s.get(lo), s.get(hi)) else {
        return;
    };
    let (za, zb) = (a.1 + agl, b.1 + agl);
    let mut worst = (0.0, lo);
    for k in lo + 1..hi {
        let t = (k - lo) as f64 / (hi - lo) as f64;
        let line = za + (zb - za) * t;
        if let Some(x) = s.get(k) {
            let dev = (line - (x.1 + agl)).abs();
            if dev > worst.0 {
                worst = (dev, k);
            }
        }
    }
    if worst.0 > tol {
        refine(s, lo, worst.1, agl, tol, out);
        out.push(worst.1);
        refine(s, worst.1, hi, agl, tol, out);
    }
}

/// `s` following the terrain of `dem`: added waypoints, per-point altitudes and a transit
/// altitude that clears the ground, with a report of the heights above ground flown.
pub fn follow_terrain(
    s: &Survey,
    dem: &Dem,
    tp: &TerrainParams,
) -> Result<(Survey, TerrainReport), TerrainFollowError> {
    if !(tp.tolerance_m.is_finite() && tp.tolerance_m > 0.0) {
        return Err(TerrainFollowError::BadParams(format!(
            "tolerance must be a positive number of metres, got {}",
            tp.tolerance_m
        )));
    }
    if !(tp.step_m.is_finite() && tp.step_m >= 1.0) {
        return Err(TerrainFollowError::BadParams(format!(
            "sampling step must be at least 1 m, got {}",
            tp.step_m
        )));
    }
    let agl = s.params.alt_m;
    if tp.tolerance_m > agl / 2.0 {
        return Err(TerrainFollowError::BadParams(format!(
            "tolerance {} m is more than half the height above ground ({agl} m): between waypoints the aircraft could come down to {:.0} m above the ground",
            tp.tolerance_m,
            agl - tp.tolerance_m
        )));
    }
    let home_ground = dem.elevation_m(s.home).ok_or(TerrainFollowError::NoData {
        what: "home".into(),
        lat: s.home.lat_deg,
        lon: s.home.lon_deg,
    })?;
    let mut path: Vec<PathPoint> = Vec::with_capacity(s.path.len() * 2);
    let mut alts: Vec<f64> = Vec::with_capacity(s.path.len() * 2);
    let mut added = 0;
    let (mut min_agl, mut max_agl) = (f64::INFINITY, f64::NEG_INFINITY);
    for (i, pt) in s.path.iter().enumerate() {
        let ground = dem
            .elevation_m(pt.pos)
            .ok_or_else(|| TerrainFollowError::NoData {
                what: format!("survey waypoint {}", i + 1),
                lat: pt.pos.lat_deg,
                lon: pt.pos.lon_deg,
            })?;
        if let (Some(prev), Some(prev_alt)) = (path.last().copied(), alts.last().copied()) {
            let leg = samples(dem, prev.pos, pt.pos, tp.step_m, &|| {
                format!("leg to survey waypoint {}", i + 1)
            })?;
            let mut keep = Vec::new();
            refine(
                &leg,
                0,
                leg.len().saturating_sub(1),
                agl,
                tp.tolerance_m,
                &mut keep,
            );
            let same = if prev.transect == pt.transect {
                pt.transect
            } else {
                None
            };
            // Heights above ground flown along the refined leg.
            let mut corners: Vec<(usize, f64)> = vec![(0, prev_alt)];
            corners.extend(
                keep.iter()
                    .filter_map(|&k| leg.get(k).map(|x| (k, x.1 + agl))),
            );
            corners.push((leg.len().saturating_sub(1), ground + agl));
            for w in corners.windows(2) {
                let ((k0, z0), (k1, z1)) = (w[0], w[1]);
                for k in k0..=k1 {
                    let t = if k1 > k0 {
                        (k - k0) as f64 / (k1 - k0) as f64
                    } else {
                        0.0
                    };
                    if let Some(x) = leg.get(k) {
                        let h = z0 + (z1 - z0) * t - x.1;
                        min_agl = min_agl.min(h);
                        max_agl = max_agl.max(h);
                    }
                }
            }
            for k in keep {
                if let Some(x) = leg.get(k) {
                    path.push(PathPoint {
                        pos: x.0,
                        kind: PointKind::Terrain,
                        transect: same,
                    });
                    alts.push(x.1 + agl);
                    added += 1;
                }
            }
        }
        path.push(*pt);
        alts.push(ground + agl);
    }
    if path.len() == 1 {
        min_agl = agl;
        max_agl = agl;
    }
    // Transit legs at a constant altitude above home: clear the ground by the survey height.
    let asked = s.params.transit_alt_m.unwrap_or(agl);
    let mut need = asked;
    let mut transit_ground = f64::NEG_INFINITY;
    if let (Some(first), Some(last)) = (path.first(), path.last()) {
        for (a, b, what) in [(s.home, first.pos, "out"), (last.pos, s.home, "back")] {
            let leg = samples(dem, a, b, tp.step_m, &|| format!("transit leg {what}"))?;
            let top = leg.iter().map(|x| x.1).fold(f64::NEG_INFINITY, f64::max);
            transit_ground = transit_ground.max(top);
            need = need.max(top + agl - home_ground);
        }
    }
    let transit = need.ceil().max(asked);
    let mut params = s.params.clone();
    params.home_alt_amsl_m = home_ground;
    params.transit_alt_m = Some(transit);
    let report = TerrainReport {
        home_ground_amsl_m: home_ground,
        min_agl_m: min_agl,
        max_agl_m: max_agl,
        added_waypoints: added,
        transit_alt_m: transit,
        transit_raised: transit > asked + 1e-9,
        transit_clearance_m: if transit_ground.is_finite() {
            home_ground + transit - transit_ground
        } else {
            transit
        },
    };
    Ok((
        Survey {
            params,
            path,
            terrain_alts_amsl_m: Some(alts),
            ..s.clone()
        },
        report,
    ))
}
