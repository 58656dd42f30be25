//! The "re-fly the gaps" survey: each coverage gap grown by half a footprint (along and across
//! the track, so the gap's edges get their overlap from photos on both sides), holes inside a
//! grown gap filled (re-flying a small good island is cheaper than flying around it), and the
//! survey generator run over each with the plan's camera, altitude, overlaps and heading; the
//! transects of all gaps then make one flight from home.

use super::coverage::Coverage;
use super::coverage_gaps::{components, rings, signed_area2};
use crate::geo::LatLon;
use crate::plan::area::Area;
use crate::plan::geometry::P2;
use crate::plan::survey::{Angle, Survey, SurveyError, SurveyParams, build_path, generate};

/// Why no re-fly survey could be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReflyError {
    /// The survey generator refused a gap.
    #[error("re-fly of gap {gap}: {source}")]
    Survey {
        /// 1-based gap number.
        gap: usize,
        /// The generator's error.
        source: SurveyError,
    },
    /// A buffer that is not a positive length.
    #[error("the re-fly buffer must be positive metres; found {0} m along, {1} m across")]
    Buffer(f64, f64),
}

/// The areas to re-fly: every gap of `cov` grown by `buffer_along_m` along the track and
/// `buffer_across_m` across it, merged where they meet, without holes, each with the field's
/// exclusion zones (`zones`) as its own.
pub fn refly_areas(
    cov: &Coverage,
    zones: &[Vec<LatLon>],
    buffer_along_m: f64,
    buffer_across_m: f64,
) -> Result<Vec<Area>, ReflyError> {
    let ok = |v: f64| v.is_finite() && v >= 0.0;
    if !ok(buffer_along_m) || !ok(buffer_across_m) {
        return Err(ReflyError::Buffer(buffer_along_m, buffer_across_m));
    }
    let grid = &cov.grid;
    let cell = grid.cell_m();
    let (nx, ny) = grid.dims();
    let px = (buffer_along_m / cell).ceil() as usize;
    let py = (buffer_across_m / cell).ceil() as usize;
    let (w, h) = (nx + 2 * px + 2, ny + 2 * py + 2);
    let mut mask = vec![false; w * h];
    for g in &cov.gaps {
        for &i in &g.cells {
            let (x, y) = (i % nx + px + 1, i / nx + py + 1);
            if let Some(m) = mask.get_mut(y * w + x) {
                *m = true;
            }
        }
    }
    let mask = dilate(&mask, w, h, px, py);
    let mask = fill_holes(mask, w, h);
    let mask = fix_saddles(mask, w, h);
    let (labels, comps) = components(w, h, &mask);
    let mut out = Vec::new();
    for (k, cells) in comps.iter().enumerate() {
        let Some(outer) = rings(w, &labels, k as u32 + 1, cells)
            .into_iter()
            .filter(|r| signed_area2(r) > 0)
            .max_by_key(|r| signed_area2(r))
        else {
            continue;
        };
        let ring: Vec<LatLon> = outer
            .into_iter()
            .map(|(x, y)| {
                grid.to_latlon(P2::new(
                    (x - px as i64 - 1) as f64 * cell,
                    (y - py as i64 - 1) as f64 * cell,
                ))
            })
            .collect();
        out.push(Area {
            outer: ring,
            holes: zones.to_vec(),
        });
    }
    Ok(out)
}

/// Grows `mask` by `px` cells along x and `py` along y (a rectangle).
fn dilate(mask: &[bool], w: usize, h: usize, px: usize, py: usize) -> Vec<bool> {
    let pass = |src: &[bool], along_x: bool, r: usize| -> Vec<bool> {
        let (len, lines) = if along_x { (w, h) } else { (h, w) };
        let idx = |line: usize, k: usize| if along_x { line * w + k } else { k * w + line };
        let mut out = vec![false; w * h];
        for line in 0..lines {
            let mut diff = vec![0i64; len + 1];
            for k in 0..len {
                if src.get(idx(line, k)).copied().unwrap_or(false) {
                    if let Some(d) = diff.get_mut(k.saturating_sub(r)) {
                        *d += 1;
                    }
                    if let Some(d) = diff.get_mut((k + r + 1).min(len)) {
                        *d -= 1;
                    }
                }
            }
            let mut run = 0;
            for k in 0..len {
                run += diff.get(k).copied().unwrap_or(0);
                if run > 0
                    && let Some(o) = out.get_mut(idx(line, k))
                {
                    *o = true;
                }
            }
        }
        out
    };
    let rows = pass(mask, true, px);
    pass(&rows, false, py)
}

/// Sets every cell not reachable from the border through unset cells.
fn fill_holes(mut mask: Vec<bool>, w: usize, h: usize) -> Vec<bool> {
    let mut outside = vec![false; w * h];
    let mut stack: Vec<usize> = (0..w)
        .flat_map(|x| [x, (h - 1) * w + x])
        .chain((0..h).flat_map(|y| [y * w, y * w + w - 1]))
        .collect();
    while let Some(i) = stack.pop() {
        if mask.get(i).copied().unwrap_or(true) || outside.get(i).copied().unwrap_or(true) {
            continue;
        }
        if let Some(o) = outside.get_mut(i) {
            *o = true;
        }
        let (x, y) = (i % w, i / w);
        if x > 0 {
            stack.push(i - 1);
        }
        if x + 1 < w {
            stack.push(i + 1);
        }
        if y > 0 {
            stack.push(i - w);
        }
        if y + 1 < h {
            stack.push(i + w);
        }
    }
    for (m, o) in mask.iter_mut().zip(&outside) {
        *m = !o;
    }
    mask
}

/// Fills 2×2 blocks whose set cells touch only diagonally, so outlines are simple polygons.
fn fix_saddles(mut mask: Vec<bool>, w: usize, h: usize) -> Vec<bool> {
    let at = |m: &[bool], x: usize, y: usize| m.get(y * w + x).copied().unwrap_or(false);
    for _ in 0..64 {
        let mut changed = false;
        for y in 0..h.saturating_sub(1) {
            for x in 0..w.saturating_sub(1) {
                let (a, b, c, d) = (
                    at(&mask, x, y),
                    at(&mask, x + 1, y),
                    at(&mask, x, y + 1),
                    at(&mask, x + 1, y + 1),
                );
                if (a && d && !b && !c) || (b && c && !a && !d) {
                    for i in [
                        y * w + x,
                        y * w + x + 1,
                        (y + 1) * w + x,
                        (y + 1) * w + x + 1,
                    ] {
                        if let Some(m) = mask.get_mut(i) {
                            *m = true;
                        }
                    }
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    mask
}

/// One survey flying every area of `areas` with `params` (heading fixed to `angle_deg`),
/// gap after gap from `home`, the legs between them routed around the `zones` of `field`.
/// `None` when there is nothing to re-fly.
pub fn refly_survey(
    field: &Area,
    areas: &[Area],
    params: &SurveyParams,
    angle_deg: f64,
    home: LatLon,
) -> Result<Option<Survey>, ReflyError> {
    let mut p = params.clone();
    p.angle = Angle::Deg(angle_deg);
    p.home = Some(home);
    let mut parts: Vec<Survey> = Vec::new();
    for (k, a) in areas.iter().enumerate() {
        let s = generate(a, &p).map_err(|source| ReflyError::Survey { gap: k + 1, source })?;
        parts.push(s);
    }
    // Gap after gap, the nearest next.
    let mut at = home;
    let mut transects = Vec::new();
    while !parts.is_empty() {
        let best = (0..parts.len())
            .min_by(|&i, &j| {
                let d = |k: usize| {
                    parts
                        .get(k)
                        .and_then(|s| s.transects.first())
                        .map_or(f64::INFINITY, |t| t.start.distance_m(at))
                };
                d(i).total_cmp(&d(j))
            })
            .unwrap_or(0);
        let s = parts.swap_remove(best);
        if let Some(t) = s.transects.last() {
            at = t.end;
        }
        transects.extend(s.transects);
    }
    if transects.is_empty() {
        return Ok(None);
    }
    Ok(Some(build_path(field, &p, angle_deg, home, transects)))
}
