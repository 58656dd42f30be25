//! Transects: the camera-on segments of a survey, in the transect frame (they run along +x).
//!
//! Lines are stacked one spacing apart, centred on the field, and clipped to the field with
//! the scanline rule, so a concave field's notches and every exclusion zone cut them: the
//! camera is never on outside the area. Then coverage is checked on a fine grid and patched:
//! a point counts as covered when a transect's line passes within half a spacing across-track
//! and the point lies along-track within the transect or within half a spacing of its ends
//! (where the first and last photos of the line reach). Small bulges between lines and the
//! strips beside exclusion zones get short extra transects where needed.

use crate::plan::geometry::{P2, Shape};

/// One camera-on segment in the transect frame: from `x0` to `x1` (x0 < x1) at height `y`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    /// Along-track start.
    pub x0: f64,
    /// Along-track end.
    pub x1: f64,
    /// Across-track position.
    pub y: f64,
    /// True for a patch added to close a coverage gap (not one of the regular lines).
    pub patch: bool,
}

impl Segment {
    /// Length (m).
    pub fn len(&self) -> f64 {
        self.x1 - self.x0
    }

    /// True for a zero-length segment.
    pub fn is_empty(&self) -> bool {
        self.len() <= 0.0
    }

    /// True when `p` is within this segment's coverage rectangle (half a spacing around it).
    pub fn covers(&self, p: P2, half: f64) -> bool {
        (p.y - self.y).abs() <= half + 1e-9
            && p.x >= self.x0 - half - 1e-9
            && p.x <= self.x1 + half + 1e-9
    }
}

/// Shortest transect kept (m): anything shorter is a sliver between scanline crossings.
pub const MIN_SEGMENT_M: f64 = 0.5;

/// Regular lines: `spacing` apart, centred on the shape's extent across-track.
pub fn lines(shape: &Shape, spacing: f64) -> Vec<Segment> {
    let (lo, hi) = shape.bounds();
    let height = hi.y - lo.y;
    if spacing.is_nan() || spacing <= 0.0 || !height.is_finite() {
        return Vec::new();
    }
    // A hair of tolerance: a 600.0000001 m field at 60 m needs 10 lines, not 11.
    let n = (((height / spacing) - 1e-6).ceil() as usize).max(1);
    let first = lo.y + (height - (n as f64 - 1.0) * spacing) / 2.0;
    (0..n)
        .flat_map(|k| {
            let y = first + k as f64 * spacing;
            shape.scanline(y).into_iter().map(move |(x0, x1)| Segment {
                x0,
                x1,
                y,
                patch: false,
            })
        })
        .filter(|s| s.len() >= MIN_SEGMENT_M)
        .collect()
}

/// Segments sorted into bands by across-track position, for quick coverage queries.
struct Index {
    half: f64,
    origin: f64,
    bands: Vec<Vec<Segment>>,
}

impl Index {
    fn new(lo_y: f64, hi_y: f64, half: f64) -> Self {
        let n = (((hi_y - lo_y) / (2.0 * half)).ceil() as usize + 2).min(1_000_000);
        Self {
            half,
            origin: lo_y - 2.0 * half,
            bands: vec![Vec::new(); n],
        }
    }

    fn band(&self, y: f64) -> usize {
        (((y - self.origin) / (2.0 * self.half)).floor().max(0.0) as usize)
            .min(self.bands.len().saturating_sub(1))
    }

    fn add(&mut self, s: Segment) {
        let b = self.band(s.y);
        if let Some(v) = self.bands.get_mut(b) {
            v.push(s);
        }
    }

    fn covered(&self, p: P2) -> bool {
        self.covered_within(p, self.half)
    }

    /// Covered by a segment counting `half` on each side (at most twice the index's half).
    fn covered_within(&self, p: P2, half: f64) -> bool {
        let b = self.band(p.y);
        (b.saturating_sub(2)..=b + 2)
            .filter_map(|i| self.bands.get(i))
            .flatten()
            .any(|s| s.covers(p, half))
    }
}

/// Adds patches until every grid sample of the shape is covered. `grid` is the sample step.
pub fn patch_coverage(shape: &Shape, spacing: f64, segments: &mut Vec<Segment>, grid: f64) {
    let half = spacing / 2.0;
    let (lo, hi) = shape.bounds();
    if grid.is_nan() || grid <= 0.0 || spacing.is_nan() || spacing <= 0.0 {
        return;
    }
    let mut index = Index::new(lo.y, hi.y, half);
    for s in segments.iter() {
        index.add(*s);
    }
    let cols = (((hi.x - lo.x) / grid).ceil() as usize + 1).min(200_000);
    let rows = (((hi.y - lo.y) / grid).ceil() as usize + 1).min(200_000);
    for r in 0..rows {
        let y = lo.y + (r as f64 + 0.5) * grid;
        if y > hi.y {
            break;
        }
        // Only columns inside the shape matter: walk the scanline's intervals.
        for (ix0, ix1) in shape.scanline(y) {
            let c0 = ((ix0 - lo.x) / grid).floor().max(0.0) as usize;
            for c in c0..cols {
                let x = lo.x + (c as f64 + 0.5) * grid;
                if x > ix1 {
                    break;
                }
                if x < ix0 {
                    continue;
                }
                let p = P2::new(x, y);
                if index.covered(p) {
                    continue;
                }
                // Centre the patch on the uncovered run above this sample (at most half a
                // spacing up), so one patch closes as much of the gap as possible.
                let mut top = y;
                while top + grid <= y + spacing
                    && shape.contains(P2::new(x, top + grid))
                    && !index.covered(P2::new(x, top + grid))
                {
                    top += grid;
                }
                let py = (y + top) / 2.0;
                let at = |yy: f64| {
                    shape
                        .scanline(yy)
                        .into_iter()
                        .find(|(a, b)| *a <= x && x <= *b)
                        .map(|(x0, x1)| Segment {
                            x0,
                            x1,
                            y: yy,
                            patch: true,
                        })
                };
                let patch = at(py).or_else(|| at(y));
                if let Some(s) = patch {
                    index.add(s);
                    segments.push(s);
                }
            }
        }
    }
    // Spike tips narrower than the grid hold no sample: check the vertices themselves, and
    // cover an uncovered one from a line a little inside the spike.
    // (Within the grid's resolution, as the samples are: a corner a few centimetres past half a
    // spacing from the outermost line is covered.)
    for v in shape.rings().flatten().copied().collect::<Vec<P2>>() {
        if index.covered_within(v, half + grid / 2.0) {
            continue;
        }
        let offsets = [half / 2.0, half / 4.0, grid / 2.0, 1e-3];
        let patch = offsets.iter().flat_map(|d| [*d, -*d]).find_map(|d| {
            let y = v.y + d;
            shape
                .scanline(y)
                .into_iter()
                .find(|(x0, x1)| v.x >= x0 - half && v.x <= x1 + half)
                .map(|(x0, x1)| Segment {
                    x0,
                    x1,
                    y,
                    patch: true,
                })
        });
        if let Some(s) = patch {
            index.add(s);
            segments.push(s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(w: f64, h: f64) -> Shape {
        Shape {
            outer: vec![
                P2::new(0.0, 0.0),
                P2::new(w, 0.0),
                P2::new(w, h),
                P2::new(0.0, h),
            ],
            holes: vec![],
            margin: 0.0,
        }
    }

    #[test]
    fn lines_are_centred_and_clipped() {
        let s = lines(&rect(400.0, 300.0), 35.0);
        // 300 / 35 = 8.57 -> 9 lines, centred: first at (300 - 8*35)/2 = 10.
        assert_eq!(s.len(), 9);
        assert!((s[0].y - 10.0).abs() < 1e-9 && (s[8].y - 290.0).abs() < 1e-9);
        assert!(s.iter().all(|x| x.x0 == 0.0 && x.x1 == 400.0));
    }

    #[test]
    fn rectangle_needs_no_patch() {
        let shape = rect(400.0, 300.0);
        let mut s = lines(&shape, 35.0);
        patch_coverage(&shape, 35.0, &mut s, 35.0 / 6.0);
        assert_eq!(
            s.len(),
            9,
            "{:?}",
            s.iter().filter(|x| x.patch).collect::<Vec<_>>()
        );
    }

    #[test]
    fn strip_beside_a_hole_is_patched() {
        // A 300 x 100 field with a hole from y = 20 to 70 across the middle third: the lines at
        // y = 25 and 75 (spacing 50) leave the band 50..70 beside the hole's right part
        // uncovered unless patched... check every interior point is covered afterwards.
        let mut shape = rect(300.0, 100.0);
        shape.holes.push(vec![
            P2::new(100.0, 20.0),
            P2::new(200.0, 20.0),
            P2::new(200.0, 70.0),
            P2::new(100.0, 70.0),
        ]);
        let mut s = lines(&shape, 50.0);
        patch_coverage(&shape, 50.0, &mut s, 50.0 / 8.0);
        for i in 0..300 {
            for j in 0..100 {
                let p = P2::new(i as f64 + 0.5, j as f64 + 0.5);
                if shape.contains(p) {
                    assert!(
                        s.iter().any(|seg| seg.covers(p, 25.0 + 50.0 / 8.0)),
                        "{p:?} uncovered"
                    );
                }
            }
        }
        // No camera-on segment enters the hole.
        for seg in &s {
            let mid = P2::new((seg.x0 + seg.x1) / 2.0, seg.y);
            assert!(shape.contains(mid));
        }
    }
}
