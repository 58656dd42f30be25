//! One elevation tile as a regular latitude/longitude grid of samples, whatever file it came
//! from. The readers (SRTM `.hgt`, GeoTIFF) turn their georeferencing into the position of the
//! first sample and signed steps per column and row, so that interpolation is written once.

use crate::geo::LatLon;

/// Fractional indexes closer than this to a whole number are snapped to it, so that points on
/// sample rows, columns and tile edges read the sample exactly despite rounding.
const SNAP_CELLS: f64 = 1e-9;

/// A regular grid of elevation samples in geographic coordinates.
#[derive(Clone, PartialEq)]
pub(crate) struct Grid {
    /// The file this grid came from, for messages.
    pub name: String,
    /// Samples per row.
    pub width: usize,
    /// Rows.
    pub height: usize,
    /// Latitude of the sample in row 0, column 0, degrees.
    pub lat0_deg: f64,
    /// Longitude of the sample in row 0, column 0, degrees.
    pub lon0_deg: f64,
    /// Latitude change from one row to the next, degrees (negative for north-up rasters).
    pub lat_step_deg: f64,
    /// Longitude change from one column to the next, degrees.
    pub lon_step_deg: f64,
    /// How far the tile's coverage reaches beyond its outer samples, in cells: 0 for SRTM
    /// (samples on the tile edges), 0.5 for GeoTIFF (each sample stands for a cell around it).
    pub border_cells: f64,
    /// Elevations in metres, row by row; NaN marks no data.
    pub elevation_m: Vec<f32>,
}

/// What one tile knows about one point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Lookup {
    /// The point is not in this tile.
    Outside,
    /// The point is in this tile but touches a void / nodata sample.
    Void,
    /// Interpolated elevation, metres.
    Value(f64),
}

impl Grid {
    /// Fractional (column, row) of a point; whole numbers are on samples.
    pub fn frac_index(&self, p: LatLon) -> (f64, f64) {
        let col = snap((p.lon_deg - self.lon0_deg) / self.lon_step_deg);
        let row = snap((p.lat_deg - self.lat0_deg) / self.lat_step_deg);
        (col, row)
    }

    /// True when a fractional index lies within `border_cells` of the outer samples (with a
    /// rounding margin, so points on the coverage edge are inside).
    pub fn covers_index(&self, col: f64, row: f64, border_cells: f64) -> bool {
        let b = border_cells + SNAP_CELLS;
        let last_col = self.width as f64 - 1.0;
        let last_row = self.height as f64 - 1.0;
        (-b..=last_col + b).contains(&col) && (-b..=last_row + b).contains(&row)
    }

    /// The stored sample at (column, row): `None` outside the grid, NaN for no data.
    pub fn sample(&self, col: i64, row: i64) -> Option<f32> {
        let col = usize::try_from(col).ok().filter(|&c| c < self.width)?;
        let row = usize::try_from(row).ok().filter(|&r| r < self.height)?;
        self.elevation_m.get(row * self.width + col).copied()
    }

    /// The stored sample at (column, row) with the indexes clamped into the grid.
    pub fn sample_clamped(&self, col: i64, row: i64) -> Option<f32> {
        let max_col = i64::try_from(self.width).ok()?.saturating_sub(1);
        let max_row = i64::try_from(self.height).ok()?.saturating_sub(1);
        self.sample(col.clamp(0, max_col), row.clamp(0, max_row))
    }

    /// Where the sample at (column, row) lies; the indexes may be outside the grid.
    pub fn sample_position(&self, col: i64, row: i64) -> LatLon {
        LatLon::new(
            self.lat0_deg + row as f64 * self.lat_step_deg,
            self.lon0_deg + col as f64 * self.lon_step_deg,
        )
    }

    /// South-west and north-east corners of the tile's coverage.
    pub fn corners(&self) -> (LatLon, LatLon) {
        let b = self.border_cells;
        let lat_a = self.lat0_deg - b * self.lat_step_deg;
        let lat_b = self.lat0_deg + (self.height as f64 - 1.0 + b) * self.lat_step_deg;
        let lon_a = self.lon0_deg - b * self.lon_step_deg;
        let lon_b = self.lon0_deg + (self.width as f64 - 1.0 + b) * self.lon_step_deg;
        (
            LatLon::new(lat_a.min(lat_b), lon_a.min(lon_b)),
            LatLon::new(lat_a.max(lat_b), lon_a.max(lon_b)),
        )
    }

    /// Area of one cell in square degrees; smaller means finer, which is preferred.
    pub fn cell_area_deg2(&self) -> f64 {
        (self.lat_step_deg * self.lon_step_deg).abs()
    }

    /// Bilinear interpolation between this tile's own samples only: `Outside` unless the point
    /// lies between the outermost samples. Used to borrow samples across tile seams.
    pub fn interior(&self, p: LatLon) -> Lookup {
        let (col, row) = self.frac_index(p);
        if !self.covers_index(col, row, 0.0) {
            return Lookup::Outside;
        }
        let mut elevation_m = 0.0;
        for (dc, dr, weight) in corner_weights(col, row) {
            if weight == 0.0 {
                continue;
            }
            match self.sample(dc, dr) {
                Some(v) if v.is_finite() => elevation_m += weight * f64::from(v),
                Some(_) => return Lookup::Void,
                None => return Lookup::Outside,
            }
        }
        Lookup::Value(elevation_m)
    }
}

/// The four samples around a fractional index with their bilinear weights, as
/// (column, row, weight). Weights are exactly 0 for samples a point on a row or column does not
/// need, so callers can skip them (and never look past a tile's last row or column).
pub(crate) fn corner_weights(col: f64, row: f64) -> [(i64, i64, f64); 4] {
    let c0 = col.floor();
    let r0 = row.floor();
    let tx = col - c0;
    let ty = row - r0;
    let (c, r) = (c0 as i64, r0 as i64);
    [
        (c, r, (1.0 - tx) * (1.0 - ty)),
        (c + 1, r, tx * (1.0 - ty)),
        (c, r + 1, (1.0 - tx) * ty),
        (c + 1, r + 1, tx * ty),
    ]
}

fn snap(index: f64) -> f64 {
    let whole = index.round();
    if (index - whole).abs() < SNAP_CELLS {
        whole
    } else {
        index
    }
}

impl std::fmt::Debug for Grid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (sw, ne) = self.corners();
        f.debug_struct("Grid")
            .field("name", &self.name)
            .field("width", &self.width)
            .field("height", &self.height)
            .field("sw", &sw)
            .field("ne", &ne)
            .finish_non_exhaustive()
    }
}
