//! Splitting a survey into parts: for the two (or more) aircraft of a team, or for the
//! batteries of one aircraft. Transects are never cut mid-line; consecutive transects of the
//! flight order without lane skipping (neighbours on the ground) form a part, and a fixed-wing
//! part then skips lanes within its own lines ([`skip_lanes`]); parts are balanced in flight time (the longest part as short as
//! possible) and each must fit the endurance minus the reserve. Every part is a complete
//! mission (takeoff … RTL).
//!
//! Aircraft get their own launch points (the boundary vertex nearest their first transect, at
//! least [`MIN_LAUNCH_SEPARATION_M`] from the others) and transit/RTL altitudes 10 m apart;
//! legs of different aircraft that cross at altitudes less than 10 m apart are reported.

use crate::geo::{LatLon, LocalFrame};
use crate::plan::area::Area;
use crate::plan::geometry::{P2, segments_cross};
pub use crate::plan::split_order::{skip_lanes, spatial_order};
use crate::plan::survey::{Survey, SurveyStats, Transect, build_path, survey_stats};

/// Closest two aircraft launch from each other (m).
pub const MIN_LAUNCH_SEPARATION_M: f64 = 30.0;
/// Vertical separation of the aircraft's transit and RTL altitudes (m).
pub const TRANSIT_SEPARATION_M: f64 = 10.0;
/// Most parts tried when looking for the smallest number that fits.
pub const MAX_PARTS: usize = 50;

/// Who flies the parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitFor {
    /// Different aircraft at the same time.
    Aircraft,
    /// One aircraft, one battery per part.
    Batteries,
}

/// How to split.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SplitParams {
    /// Number of parts.
    pub parts: usize,
    /// Flight time of one battery (minutes).
    pub endurance_min: f64,
    /// Share of the endurance kept in reserve (percent, default 20).
    pub reserve_pct: f64,
    /// Aircraft or batteries.
    pub split_for: SplitFor,
}

/// One part: a complete survey mission.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// The part's survey (its own home, transit altitude and path).
    pub survey: Survey,
    /// Indices of the transects it flies in [`spatial_order`] of the whole survey (the whole
    /// survey's own order when it skips no lanes).
    pub transects: std::ops::Range<usize>,
    /// Its statistics.
    pub stats: SurveyStats,
}

/// Legs of two aircraft that cross at nearly the same altitude.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    /// First part (0-based).
    pub part_a: usize,
    /// Second part.
    pub part_b: usize,
    /// Where the legs cross.
    pub at: LatLon,
    /// Altitudes of the two legs there (m above the first part's home).
    pub alts_m: (f64, f64),
}

/// Why a survey cannot be split as asked.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SplitError {
    /// A parameter out of range.
    #[error("{0}")]
    BadParams(String),
    /// The parts do not fit the usable endurance.
    #[error("{parts} part(s) do not fit: the longest takes {longest_min:.1} min, the usable endurance is {usable_min:.1} min ({endurance_min} min minus {reserve_pct}% reserve); {}", smallest_hint(*smallest))]
    DoesNotFit {
        /// Parts asked for.
        parts: usize,
        /// Longest part (minutes).
        longest_min: f64,
        /// Usable endurance (minutes).
        usable_min: f64,
        /// Endurance given.
        endurance_min: f64,
        /// Reserve given.
        reserve_pct: f64,
        /// Smallest number of parts that fits, if any up to [`MAX_PARTS`].
        smallest: Option<usize>,
    },
}

fn smallest_hint(s: Option<usize>) -> String {
    match s {
        Some(k) => format!("the smallest number of parts that fits is {k}"),
        None => format!(
            "even {MAX_PARTS} parts do not fit (a single transect plus the flight to it is too long)"
        ),
    }
}

impl SplitParams {
    fn check(&self) -> Result<(), SplitError> {
        if self.parts == 0 || self.parts > MAX_PARTS {
            return Err(SplitError::BadParams(format!(
                "parts must be 1 to {MAX_PARTS}, got {}",
                self.parts
            )));
        }
        if !(self.endurance_min.is_finite() && self.endurance_min > 0.0) {
            return Err(SplitError::BadParams(format!(
                "endurance must be a positive number of minutes, got {}",
                self.endurance_min
            )));
        }
        if !(self.reserve_pct.is_finite() && (0.0..100.0).contains(&self.reserve_pct)) {
            return Err(SplitError::BadParams(format!(
                "reserve must be 0 to 99 %, got {}",
                self.reserve_pct
            )));
        }
        Ok(())
    }

    /// Usable flight time (s).
    pub fn usable_s(&self) -> f64 {
        self.endurance_min * 60.0 * (1.0 - self.reserve_pct / 100.0)
    }
}

/// The part flying transects `range` of `whole`, from `home` at `transit_alt_m`.
fn make_part(
    area: &Area,
    whole: &Survey,
    range: std::ops::Range<usize>,
    home: LatLon,
    transit_alt_m: Option<f64>,
) -> Part {
    let mut params = whole.params.clone();
    params.transit_alt_m = transit_alt_m;
    let transects: Vec<Transect> = whole
        .transects
        .get(range.clone())
        .map(<[Transect]>::to_vec)
        .unwrap_or_default();
    let transects = skip_lanes(
        area,
        whole.angle_deg,
        params.line_spacing_m,
        transects,
        params.lane_skip(),
    );
    let survey = build_path(area, &params, whole.angle_deg, home, transects);
    let stats = survey_stats(&survey, area);
    Part {
        survey,
        transects: range,
        stats,
    }
}

/// Additive flight-time estimate of consecutive transects, from the whole survey's path:
/// each transect's own time (with its turnarounds), each connection to the next, and the
/// legs from and to home.
struct Estimator {
    home: LatLon,
    speed: f64,
    fixed_s: f64,
    /// Per transect: (start point, end point, own time s).
    own: Vec<(LatLon, LatLon, f64)>,
    /// Per transect i: time of the connection to transect i + 1 (s).
    link: Vec<f64>,
}

impl Estimator {
    fn new(whole: &Survey) -> Self {
        let p = &whole.params;
        let model = crate::plan::survey::TimeModel::for_params(p);
        let speed = p.speed_mps;
        let transit = p.transit_alt_m.unwrap_or(p.alt_m);
        let n = whole.transects.len();
        let mut own = vec![(LatLon::default(), LatLon::default(), 0.0); n];
        let mut link = vec![0.0; n];
        // Walk the path: points before a transect's start belong to the link before it.
        let mut pending = 0.0;
        let mut prev: Option<LatLon> = None;
        let mut current: Option<usize> = None;
        let turn = model.turn_s(90.0, p.line_spacing_m);
        for pt in &whole.path {
            let d = prev.map_or(0.0, |q| q.distance_m(pt.pos)) / speed;
            prev = Some(pt.pos);
            match (pt.kind, pt.transect) {
                (crate::plan::survey::PointKind::TransectStart, Some(i)) => {
                    if let Some(c) = current
                        && let Some(l) = link.get_mut(c)
                    {
                        *l = pending + d + 2.0 * turn;
                    }
                    pending = 0.0;
                    current = Some(i);
                    if let Some(o) = own.get_mut(i) {
                        o.0 = pt.pos;
                    }
                }
                (_, Some(i)) if Some(i) == current => {
                    if let Some(o) = own.get_mut(i) {
                        o.2 += d;
                        if pt.kind == crate::plan::survey::PointKind::TransectEnd {
                            o.1 = pt.pos;
                        }
                    }
                }
                _ => pending += d,
            }
        }
        Estimator {
            home: whole.home,
            speed,
            fixed_s: transit / model.climb_mps + model.descent_s(transit),
            own,
            link,
        }
    }

    fn time(&self, r: std::ops::Range<usize>) -> f64 {
        let (Some(first), Some(last)) = (
            self.own.get(r.start),
            r.end.checked_sub(1).and_then(|e| self.own.get(e)),
        ) else {
            return 0.0;
        };
        let inner: f64 = r
            .clone()
            .filter_map(|i| self.own.get(i))
            .map(|o| o.2)
            .sum::<f64>()
            + (r.start..r.end.saturating_sub(1))
                .filter_map(|i| self.link.get(i))
                .sum::<f64>();
        self.fixed_s
            + (self.home.distance_m(first.0) + last.1.distance_m(self.home)) / self.speed
            + inner
    }
}

/// Best cut of the transects into `k` consecutive groups for the minimal longest part, by
/// binary search on the longest estimated time with a greedy fill.
fn cut(whole: &Survey, k: usize) -> Vec<std::ops::Range<usize>> {
    let n = whole.transects.len();
    let est = Estimator::new(whole);
    let greedy = |limit: f64| -> Vec<std::ops::Range<usize>> {
        let mut out = Vec::new();
        let mut start = 0;
        while start < n {
            let mut end = start + 1;
            while end < n && est.time(start..end + 1) <= limit {
                end += 1;
            }
            out.push(start..end);
            start = end;
        }
        out
    };
    let (mut lo, mut hi) = (0.0, est.time(0..n));
    let mut best = greedy(hi);
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        let g = greedy(mid);
        if g.len() <= k {
            best = g;
            hi = mid;
        } else {
            lo = mid;
        }
        if hi - lo < 0.5 {
            break;
        }
    }
    best
}

/// Launch points: the boundary vertex nearest each part's first transect, kept apart.
fn launch_points(area: &Area, first_points: &[LatLon], base: LatLon) -> Vec<LatLon> {
    let mut chosen: Vec<LatLon> = Vec::new();
    for (i, p) in first_points.iter().enumerate() {
        if i == 0 {
            chosen.push(base);
            continue;
        }
        let mut candidates: Vec<LatLon> = area.outer.clone();
        candidates.sort_by(|a, b| a.distance_m(*p).total_cmp(&b.distance_m(*p)));
        let pick = candidates
            .into_iter()
            .find(|c| {
                chosen
                    .iter()
                    .all(|q| q.distance_m(*c) >= MIN_LAUNCH_SEPARATION_M)
            })
            .unwrap_or_else(|| base.destination(90.0, MIN_LAUNCH_SEPARATION_M * i as f64));
        chosen.push(pick);
    }
    chosen
}

/// Splits `whole` (generated over `area`) into parts.
pub fn split(area: &Area, whole: &Survey, sp: &SplitParams) -> Result<Vec<Part>, SplitError> {
    sp.check()?;
    let spatial = spatial_order(area, whole).map_err(|e| SplitError::BadParams(e.to_string()))?;
    let whole = &spatial;
    let n = whole.transects.len();
    let k = sp.parts.min(n.max(1));
    let ranges = cut(whole, k);
    let survey_alt = whole.params.alt_m;
    // Every aircraft's transit altitude is its own and clear of the survey altitude the others
    // fly at: at least 10 m above it, 10 m apart from each other.
    let base_transit = whole
        .params
        .transit_alt_m
        .unwrap_or(survey_alt)
        .max(survey_alt + TRANSIT_SEPARATION_M);
    let homes = match sp.split_for {
        SplitFor::Aircraft => {
            let firsts: Vec<LatLon> = ranges
                .iter()
                .filter_map(|r| whole.transects.get(r.start).map(|t| t.start))
                .collect();
            launch_points(area, &firsts, whole.home)
        }
        SplitFor::Batteries => vec![whole.home; ranges.len()],
    };
    let parts: Vec<Part> = ranges
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let transit = match sp.split_for {
                SplitFor::Aircraft => Some(base_transit + TRANSIT_SEPARATION_M * i as f64),
                SplitFor::Batteries => whole.params.transit_alt_m,
            };
            make_part(
                area,
                whole,
                r,
                homes.get(i).copied().unwrap_or(whole.home),
                transit,
            )
        })
        .collect();
    let longest = parts
        .iter()
        .map(|p| p.stats.flight_time_s)
        .fold(0.0, f64::max);
    if longest > sp.usable_s() {
        let smallest = (k + 1..=MAX_PARTS.min(n)).find(|&kk| {
            cut(whole, kk).iter().all(|r| {
                make_part(
                    area,
                    whole,
                    r.clone(),
                    whole.home,
                    whole.params.transit_alt_m,
                )
                .stats
                .flight_time_s
                    <= sp.usable_s()
            })
        });
        return Err(SplitError::DoesNotFit {
            parts: sp.parts,
            longest_min: longest / 60.0,
            usable_min: sp.usable_s() / 60.0,
            endurance_min: sp.endurance_min,
            reserve_pct: sp.reserve_pct,
            smallest,
        });
    }
    Ok(parts)
}

/// A survey's legs with the altitudes (m above sea level, as far as the survey knows its home's
/// elevation) at both ends: transit legs at the transit altitude, the survey path at the survey
/// altitude or the terrain-following altitudes.
fn legs(s: &Survey) -> Vec<(LatLon, LatLon, f64, f64)> {
    let home = s.params.home_alt_amsl_m;
    let transit = home + s.params.transit_alt_m.unwrap_or(s.params.alt_m);
    let alt = |i: usize| match &s.terrain_alts_amsl_m {
        Some(v) => v.get(i).copied().unwrap_or(home + s.params.alt_m),
        None => home + s.params.alt_m,
    };
    let mut out = Vec::new();
    if let (Some(first), Some(last)) = (s.path.first(), s.path.last()) {
        out.push((s.home, first.pos, transit, transit));
        out.push((last.pos, s.home, transit, transit));
    }
    out.extend(
        s.path
            .windows(2)
            .enumerate()
            .map(|(i, w)| (w[0].pos, w[1].pos, alt(i), alt(i + 1))),
    );
    out
}

/// Raises transit altitudes so that each aircraft's transit and return legs are at least
/// [`TRANSIT_SEPARATION_M`] above the previous one's, above sea level — needed again after
/// terrain following, which raises each part's transit for its own ground and from its own
/// home's elevation.
pub fn separate_transits(surveys: &mut [Survey]) {
    let mut prev: Option<f64> = None;
    for s in surveys.iter_mut() {
        let home = s.params.home_alt_amsl_m;
        let mut transit = s.params.transit_alt_m.unwrap_or(s.params.alt_m);
        if let Some(p) = prev
            && home + transit < p + TRANSIT_SEPARATION_M
        {
            transit = (p + TRANSIT_SEPARATION_M - home).ceil();
            s.params.transit_alt_m = Some(transit);
        }
        prev = Some(home + transit);
    }
}

/// Where legs of different aircraft cross at altitudes less than [`TRANSIT_SEPARATION_M`]
/// apart. Altitudes are compared above sea level (each survey's home elevation plus its
/// altitudes), and reported above the first survey's home.
pub fn conflicts(surveys: &[Survey]) -> Vec<Conflict> {
    let Some(first) = surveys.first() else {
        return Vec::new();
    };
    let frame = LocalFrame::new(first.home);
    let base = first.params.home_alt_amsl_m;
    let p2 = |l: LatLon| {
        let e = frame.to_enu(l);
        P2::new(e.east_m, e.north_m)
    };
    let all: Vec<Vec<(P2, P2, f64, f64)>> = surveys
        .iter()
        .map(|s| {
            legs(s)
                .into_iter()
                .map(|(a, b, za, zb)| (p2(a), p2(b), za, zb))
                .collect()
        })
        .collect();
    let param = |a: P2, b: P2, c: P2, d: P2| {
        let (r, s) = (P2::new(b.x - a.x, b.y - a.y), P2::new(d.x - c.x, d.y - c.y));
        let den = r.x * s.y - r.y * s.x;
        if den.abs() > 1e-12 {
            (((c.x - a.x) * s.y - (c.y - a.y) * s.x) / den).clamp(0.0, 1.0)
        } else {
            0.5
        }
    };
    let mut out = Vec::new();
    for i in 0..all.len() {
        for j in i + 1..all.len() {
            for (a, b, za, zb) in &all[i] {
                for (c, d, zc, zd) in &all[j] {
                    if !segments_cross(*a, *b, *c, *d) {
                        continue;
                    }
                    let t = param(*a, *b, *c, *d);
                    let u = param(*c, *d, *a, *b);
                    let (ha, hb) = (za + (zb - za) * t, zc + (zd - zc) * u);
                    if (ha - hb).abs() < TRANSIT_SEPARATION_M {
                        let x = a.lerp(*b, t);
                        out.push(Conflict {
                            part_a: i,
                            part_b: j,
                            at: frame.to_latlon(crate::geo::Enu::new(x.x, x.y)),
                            alts_m: (ha - base, hb - base),
                        });
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
#[path = "split_tests.rs"]
mod tests;
