//! Photo coverage of a planned area: will the map be complete? The area is rasterised into
//! square cells and each cell counts the photo footprints that see it.
//!
//! # Grid
//! - The grid is aligned with the survey's transects (`grid_angle_deg`, x along the track), so
//!   a missing stretch of photos is a rectangle of cells and the re-fly buffer is per axis.
//! - Cell size: a tenth of the footprints' median short side ([`CELLS_PER_FOOTPRINT`]), made
//!   coarser when the area's bounding box would need more than [`MAX_CELLS`] cells.
//! - A cell belongs to the area when its centre lies inside the boundary and outside every
//!   exclusion zone; a footprint sees a cell when it contains the cell's centre.
//!
//! # Views needed
//! A regular grid of photos at front overlap `f` and side overlap `s` puts every point inside
//! the field in at least `⌊1/(1−f)⌋` photos along the track and `⌊1/(1−s)⌋` lines across it
//! (the floor: depending on where a point falls it is seen by ⌊1/(1−f)⌋ or ⌈1/(1−f)⌉
//! photos), so **planned views** = `⌊1/(1−f)⌋ · ⌊1/(1−s)⌋` (70 %/70 % → 3 · 3 = 9). The edges
//! of a field get fewer by design (the first line lies within half a spacing of the boundary,
//! the first photo at the line's start), so the planned views are reported as a figure, not as
//! the gap threshold. **Required views** (the gap threshold, `--min-views`): what a point needs
//! to be reconstructed reliably — OpenDroneMap/OpenSfM triangulate a point from 2 images and
//! robustly from 3 — so [`RECONSTRUCTION_VIEWS`] (3), or the planned views if the plan
//! itself promises fewer.
//!
//! # Gaps
//! Connected (4-neighbour) regions of area cells seen by fewer than the required views, at
//! least `min_gap_m2` large (default: [`MIN_GAP_FOOTPRINT_FRACTION`] of a footprint, so stray
//! cells at the edges do not count), traced as polygons along the cell edges: one outer ring
//! (counter-clockwise) and a hole (clockwise) for every island of good cells inside the gap.
//! Rings may touch at a corner but never cross.

use crate::geo::{Enu, LatLon, LocalFrame};
use crate::plan::area::{Area, AreaError};
use crate::plan::geometry::{P2, Shape, TransectFrame};

/// Most cells a grid may have; larger areas get coarser cells.
pub const MAX_CELLS: usize = 4_000_000;
/// Cells per footprint short side.
pub const CELLS_PER_FOOTPRINT: f64 = 10.0;
/// Views a photogrammetric point needs to be reconstructed reliably.
pub const RECONSTRUCTION_VIEWS: u32 = 3;
/// Default smallest gap, as a fraction of one footprint's area.
pub const MIN_GAP_FOOTPRINT_FRACTION: f64 = 0.05;

/// Why coverage cannot be measured.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CoverageError {
    /// The planned area is not a valid polygon.
    #[error("the planned area: {0}")]
    Area(#[from] AreaError),
    /// No footprint to measure with.
    #[error("no photo footprint to measure (the log has no usable photo)")]
    NoFootprints,
    /// A parameter out of range.
    #[error("{what} must be {expected}; found {found}")]
    Param {
        /// Which parameter.
        what: &'static str,
        /// The allowed range.
        expected: &'static str,
        /// The value given.
        found: f64,
    },
}

/// How to measure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CoverageParams {
    /// Views a cell needs not to be a gap (at least 1).
    pub min_views: u32,
    /// Views the planned overlaps give inside the field (see [`planned_views`]).
    pub planned_views: u32,
    /// Transect heading: the grid's x axis, degrees clockwise from north.
    pub grid_angle_deg: f64,
    /// Cell size, metres; `None`: from the footprints (see the module doc).
    pub cell_m: Option<f64>,
    /// Smallest gap reported, square metres; `None`: a fraction of a footprint.
    pub min_gap_m2: Option<f64>,
}

/// Photos one axis guarantees at an overlap of `pct` percent: `⌊1/(1−pct/100)⌋`, at least 1.
pub fn views_per_axis(pct: f64) -> u32 {
    let f = (pct / 100.0).clamp(0.0, 0.99);
    ((1.0 / (1.0 - f) + 1e-9).floor() as u32).max(1)
}

/// Views a regular grid of photos at these overlaps guarantees inside the field.
pub fn planned_views(front_overlap_pct: f64, side_overlap_pct: f64) -> u32 {
    views_per_axis(front_overlap_pct) * views_per_axis(side_overlap_pct)
}

/// The default gap threshold: [`RECONSTRUCTION_VIEWS`], or fewer if the plan promises fewer.
pub fn default_min_views(planned: u32) -> u32 {
    planned.clamp(1, RECONSTRUCTION_VIEWS)
}

/// The raster: cells over the area's bounding box in the transect frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    frame: LocalFrame,
    tf: TransectFrame,
    origin: P2,
    cell_m: f64,
    nx: usize,
    ny: usize,
    inside: Vec<bool>,
    views: Vec<u16>,
}

impl Grid {
    /// An empty grid over `area` with cells of `cell_m` (made coarser to stay under
    /// [`MAX_CELLS`]) aligned with `angle_deg`.
    pub fn new(area: &Area, angle_deg: f64, cell_m: f64) -> Result<Grid, CoverageError> {
        area.validate()?;
        if !cell_m.is_finite() || cell_m <= 0.0 {
            return Err(CoverageError::Param {
                what: "the cell size",
                expected: "a positive number of metres",
                found: cell_m,
            });
        }
        let frame = area.local_frame();
        let tf = TransectFrame::new(angle_deg);
        let shape = shape_of(area, &frame, &tf);
        let (lo, hi) = shape.bounds();
        let (w, h) = (hi.x - lo.x, hi.y - lo.y);
        let mut cell = cell_m;
        let count = |c: f64| ((w / c).ceil().max(1.0)) * ((h / c).ceil().max(1.0));
        if count(cell) > MAX_CELLS as f64 {
            cell = (w * h / MAX_CELLS as f64).sqrt() * 1.01;
            while count(cell) > MAX_CELLS as f64 {
                cell *= 1.01;
            }
        }
        let nx = (w / cell).ceil().max(1.0) as usize;
        let ny = (h / cell).ceil().max(1.0) as usize;
        let mut inside = vec![false; nx * ny];
        for iy in 0..ny {
            let y = lo.y + (iy as f64 + 0.5) * cell;
            for (a, b) in shape.scanline(y) {
                for ix in span(a, b, lo.x, cell, nx) {
                    if let Some(c) = inside.get_mut(iy * nx + ix) {
                        *c = true;
                    }
                }
            }
        }
        Ok(Grid {
            frame,
            tf,
            origin: lo,
            cell_m: cell,
            nx,
            ny,
            inside,
            views: vec![0; nx * ny],
        })
    }

    /// Counts one footprint (a convex ring of positions) on every cell whose centre it holds.
    pub fn add_footprint(&mut self, corners: &[LatLon]) {
        let ring: Vec<P2> = corners.iter().map(|c| self.to_grid(*c)).collect();
        let shape = Shape {
            outer: ring,
            holes: Vec::new(),
            margin: 0.0,
        };
        let (lo, hi) = shape.bounds();
        let row = |y: f64| ((y - self.origin.y) / self.cell_m - 0.5).floor();
        let first = row(lo.y).max(0.0) as usize;
        let last = (row(hi.y) + 1.0).max(0.0).min(self.ny as f64) as usize;
        for iy in first..last {
            let y = self.origin.y + (iy as f64 + 0.5) * self.cell_m;
            for (a, b) in shape.scanline(y) {
                for ix in span(a, b, self.origin.x, self.cell_m, self.nx) {
                    if let Some(v) = self.views.get_mut(iy * self.nx + ix) {
                        *v = v.saturating_add(1);
                    }
                }
            }
        }
    }

    /// Cell size, metres.
    pub fn cell_m(&self) -> f64 {
        self.cell_m
    }

    /// Cells along x (the track) and y (across it).
    pub fn dims(&self) -> (usize, usize) {
        (self.nx, self.ny)
    }

    /// True when cell `(ix, iy)` belongs to the area.
    pub fn inside(&self, ix: usize, iy: usize) -> bool {
        ix < self.nx && self.inside.get(iy * self.nx + ix).copied().unwrap_or(false)
    }

    /// Views of cell `(ix, iy)` (0 outside the grid).
    pub fn views(&self, ix: usize, iy: usize) -> u16 {
        if ix < self.nx {
            self.views.get(iy * self.nx + ix).copied().unwrap_or(0)
        } else {
            0
        }
    }

    /// A position in grid units (x along the track, y across it, metres from the origin).
    pub fn to_grid(&self, p: LatLon) -> P2 {
        let q = self.tf.to_frame(self.frame.to_enu(p));
        P2::new(q.x - self.origin.x, q.y - self.origin.y)
    }

    /// The position of a point in grid units (see [`Grid::to_grid`]).
    pub fn to_latlon(&self, g: P2) -> LatLon {
        let e: Enu = self
            .tf
            .to_enu(P2::new(g.x + self.origin.x, g.y + self.origin.y));
        self.frame.to_latlon(e)
    }

    /// The centre of cell `(ix, iy)` in grid units.
    pub fn center(&self, ix: usize, iy: usize) -> P2 {
        P2::new(
            (ix as f64 + 0.5) * self.cell_m,
            (iy as f64 + 0.5) * self.cell_m,
        )
    }
}

/// Cell columns whose centres lie in [a, b].
fn span(a: f64, b: f64, x0: f64, cell: f64, nx: usize) -> std::ops::Range<usize> {
    let first = ((a - x0) / cell - 0.5).ceil().max(0.0);
    let last = ((b - x0) / cell - 0.5).floor() + 1.0;
    let last = last.max(0.0).min(nx as f64);
    (first as usize).min(nx)..(last as usize).max(first as usize).min(nx)
}

fn shape_of(area: &Area, frame: &LocalFrame, tf: &TransectFrame) -> Shape {
    let (outer, holes) = area.to_local(frame);
    let to = |v: &Vec<Enu>| v.iter().map(|e| tf.to_frame(*e)).collect::<Vec<P2>>();
    Shape {
        outer: to(&outer),
        holes: holes.iter().map(to).collect(),
        margin: 0.0,
    }
}

/// One under-covered region.
#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    /// Outline, counter-clockwise, first point not repeated.
    pub outer: Vec<LatLon>,
    /// Islands of well-covered cells inside it, clockwise.
    pub holes: Vec<Vec<LatLon>>,
    /// Area, square metres (cells × cell area).
    pub area_m2: f64,
    /// Area seen by no photo at all, square metres.
    pub unseen_m2: f64,
    /// Fewest views of any of its cells.
    pub fewest_views: u16,
    /// Mean of its cell centres.
    pub center: LatLon,
    /// Its cells, as `iy * nx + ix` indices of the grid.
    pub cells: Vec<usize>,
}

/// The measurement.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    /// The raster with its view counts.
    pub grid: Grid,
    /// Footprints counted.
    pub photos: usize,
    /// Area measured, square metres (area cells × cell area).
    pub area_m2: f64,
    /// Percent of the area seen by at least one photo.
    pub covered_pct: f64,
    /// Percent seen by at least `min_views` photos.
    pub required_pct: f64,
    /// Percent seen by at least `planned_views` photos.
    pub planned_pct: f64,
    /// The gap threshold used.
    pub min_views: u32,
    /// The planned views.
    pub planned_views: u32,
    /// Smallest gap reported, square metres.
    pub min_gap_m2: f64,
    /// Gaps at least `min_gap_m2` large, largest first.
    pub gaps: Vec<Gap>,
    /// Smaller under-covered regions left out, and their total area (m²).
    pub small_gaps: (usize, f64),
}

/// Measures how the `footprints` (convex rings of positions) cover `area`.
pub fn measure(
    area: &Area,
    footprints: &[Vec<LatLon>],
    p: &CoverageParams,
) -> Result<Coverage, CoverageError> {
    if p.min_views == 0 {
        return Err(CoverageError::Param {
            what: "the required views",
            expected: "at least 1",
            found: 0.0,
        });
    }
    if footprints.is_empty() {
        return Err(CoverageError::NoFootprints);
    }
    let frame = area.local_frame();
    let mut shorts: Vec<f64> = footprints
        .iter()
        .filter_map(|f| short_side_m(&frame, f))
        .collect();
    shorts.sort_by(f64::total_cmp);
    let short_m = shorts
        .get(shorts.len() / 2)
        .copied()
        .ok_or(CoverageError::NoFootprints)?;
    let cell = match p.cell_m {
        Some(c) => c,
        None => short_m / CELLS_PER_FOOTPRINT,
    };
    let mut grid = Grid::new(area, p.grid_angle_deg, cell)?;
    for f in footprints {
        grid.add_footprint(f);
    }
    let mut areas: Vec<f64> = footprints.iter().map(|f| ring_area_m2(&frame, f)).collect();
    areas.sort_by(f64::total_cmp);
    let footprint_m2 = areas.get(areas.len() / 2).copied().unwrap_or(0.0);
    let min_gap_m2 = p
        .min_gap_m2
        .unwrap_or(footprint_m2 * MIN_GAP_FOOTPRINT_FRACTION);
    let cell_m2 = grid.cell_m * grid.cell_m;
    let (mut n, mut one, mut req, mut plan) = (0usize, 0usize, 0usize, 0usize);
    for (i, v) in grid.views.iter().enumerate() {
        if grid.inside.get(i).copied().unwrap_or(false) {
            n += 1;
            one += usize::from(*v >= 1);
            req += usize::from(u32::from(*v) >= p.min_views);
            plan += usize::from(u32::from(*v) >= p.planned_views);
        }
    }
    let pct = |k: usize| {
        if n == 0 {
            0.0
        } else {
            100.0 * k as f64 / n as f64
        }
    };
    let (gaps, small_gaps) = super::coverage_gaps::gaps(&grid, p.min_views, min_gap_m2);
    Ok(Coverage {
        photos: footprints.len(),
        area_m2: n as f64 * cell_m2,
        covered_pct: pct(one),
        required_pct: pct(req),
        planned_pct: pct(plan),
        min_views: p.min_views,
        planned_views: p.planned_views,
        min_gap_m2,
        gaps,
        small_gaps,
        grid,
    })
}

fn short_side_m(frame: &LocalFrame, ring: &[LatLon]) -> Option<f64> {
    let pts: Vec<Enu> = ring.iter().map(|p| frame.to_enu(*p)).collect();
    let n = pts.len();
    (0..n)
        .filter_map(|i| Some(pts.get(i)?.distance_m(*pts.get((i + 1) % n)?)))
        .filter(|d| d.is_finite() && *d > 0.0)
        .min_by(f64::total_cmp)
}

fn ring_area_m2(frame: &LocalFrame, ring: &[LatLon]) -> f64 {
    let pts: Vec<Enu> = ring.iter().map(|p| frame.to_enu(*p)).collect();
    crate::plan::area::ring_area_m2(&pts).abs()
}

#[cfg(test)]
#[path = "coverage_tests.rs"]
mod tests;
