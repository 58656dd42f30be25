//! Ground elevation from offline elevation models, for terrain-following surveys.
//!
//! Survey fields lie in hilly valleys and the operator is often without internet, so the planner
//! keeps a constant height above ground with an elevation model the user brings along: SRTM
//! `.hgt` tiles or GeoTIFF DEMs in a folder. This module answers one question — how high is the
//! ground here — and the few leg-wise questions built on it (a profile, the highest point).
//!
//! - [`Dem`] is a set of tiles. [`Dem::elevation_m`] interpolates bilinearly between the four
//!   samples around a point and says `None` (never 0) outside every tile or next to a void /
//!   nodata sample. Across tile seams the samples of the neighbouring tile are used, so values
//!   are continuous. Where tiles overlap the finest one answers, and a void in it is filled from
//!   the next tile that has data.
//! - Elevations are metres as stored in the file: for SRTM and Copernicus that is above the
//!   EGM96/EGM2008 geoid (about mean sea level), not the WGS84 ellipsoid.
//! - Readers are pure (bytes + a file name, for messages); only [`Dem::load_dir`] touches the
//!   disk. Every error names the file. Sizes are checked before any large allocation.
//! - GeoTIFFs must be in WGS84 longitude/latitude; other geographic datums (NAD83, ETRS89) are
//!   read as WGS84, a metre-level difference. Projected ones are refused with the fix.

use std::path::Path;

use crate::geo::LatLon;

#[path = "terrain_error.rs"]
mod error;
#[path = "terrain_geotiff.rs"]
mod geotiff;
#[path = "terrain_grid.rs"]
mod grid;
#[path = "terrain_hgt.rs"]
mod hgt;

#[cfg(test)]
#[path = "terrain_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "terrain_fixtures.rs"]
mod fixtures;
#[cfg(test)]
#[path = "terrain_gdal_tests.rs"]
mod gdal_tests;
#[cfg(test)]
#[path = "terrain_geotiff_tests.rs"]
mod geotiff_tests;

pub use error::TerrainError;
pub use geotiff::{MAX_CELLS, MAX_PLAUSIBLE_M, MAX_SIDE_CELLS};
pub use hgt::{HGT_VOID, hgt_file_name, synthetic_hgt};

use grid::{Grid, Lookup, corner_weights};

/// Largest number of segments [`Dem::profile`] cuts a leg into (so at most this + 1 samples).
pub const MAX_PROFILE_SEGMENTS: usize = 100_000;

/// Largest file [`Dem::load_dir`] reads, bytes.
pub const MAX_FILE_BYTES: u64 = 600 * 1024 * 1024;

/// A set of elevation tiles (SRTM `.hgt` and GeoTIFF) answering "how high is the ground here".
#[derive(Clone, Default)]
pub struct Dem {
    /// Tiles in the order they were added.
    tiles: Vec<Grid>,
    /// Indexes into `tiles`, finest resolution first (ties in the order added).
    preference: Vec<usize>,
}

impl Dem {
    /// An empty model: every elevation is `None`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an SRTM tile. `name` is its file name (or path), which gives the south-west corner
    /// (`N42E074.hgt`, `S35W071.hgt`, `N42E074.SRTMGL1.hgt`; any case); `bytes` must be exactly
    /// 1201x1201 or 3601x3601 big-endian `i16` samples.
    pub fn add_hgt(&mut self, name: &str, bytes: &[u8]) -> Result<(), TerrainError> {
        let grid = hgt::parse_hgt(name, bytes)?;
        self.push(grid);
        Ok(())
    }

    /// Adds a single-band GeoTIFF DEM in WGS84 longitude/latitude (int16, uint16, int32,
    /// float32 or float64 samples; strips or tiles; uncompressed, deflate or LZW). `name` is used
    /// in messages only.
    pub fn add_geotiff(&mut self, name: &str, bytes: &[u8]) -> Result<(), TerrainError> {
        let grid = geotiff::parse_geotiff(name, bytes)?;
        self.push(grid);
        Ok(())
    }

    /// Reads every `*.hgt`, `*.tif` and `*.tiff` file (any case) directly inside `dir`, in file
    /// name order. The first file that cannot be used stops the load with an error naming it; a
    /// folder without elevation files is an error too.
    pub fn load_dir(dir: &Path) -> Result<Dem, TerrainError> {
        let io_err = |path: &Path, e: std::io::Error| TerrainError::Io {
            path: path.display().to_string(),
            detail: e.to_string(),
        };
        let mut files = Vec::new();
        let mut zipped = 0usize;
        for entry in std::fs::read_dir(dir).map_err(|e| io_err(dir, e))? {
            let path = entry.map_err(|e| io_err(dir, e))?.path();
            let lower = path
                .file_name()
                .map(|n| n.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            let is_hgt = lower.ends_with(".hgt");
            if !(is_hgt || lower.ends_with(".tif") || lower.ends_with(".tiff")) {
                zipped += usize::from(lower.ends_with(".zip"));
                continue;
            }
            if path.is_file() {
                files.push((path, is_hgt));
            }
        }
        if files.is_empty() {
            let hint = if zipped > 0 {
                format!(" (but {zipped} .zip file(s))")
            } else {
                String::new()
            };
            return Err(TerrainError::NoElevationFiles {
                dir: dir.display().to_string(),
                hint,
            });
        }
        files.sort();
        let mut dem = Dem::new();
        for (path, is_hgt) in files {
            let size = std::fs::metadata(&path)
                .map_err(|e| io_err(&path, e))?
                .len();
            if size > MAX_FILE_BYTES {
                return Err(TerrainError::FileTooLarge {
                    file: path.display().to_string(),
                    found_bytes: size,
                    max_bytes: MAX_FILE_BYTES,
                });
            }
            let bytes = std::fs::read(&path).map_err(|e| io_err(&path, e))?;
            let name = path.display().to_string();
            if is_hgt {
                dem.add_hgt(&name, &bytes)?;
            } else {
                dem.add_geotiff(&name, &bytes)?;
            }
        }
        Ok(dem)
    }

    /// Number of tiles loaded.
    pub fn tile_count(&self) -> usize {
        self.tiles.len()
    }

    /// True when no tile is loaded.
    pub fn is_empty(&self) -> bool {
        self.tiles.is_empty()
    }

    /// South-west and north-east corners of every tile, in the order the tiles were added. An
    /// SRTM tile covers its whole degree square; a GeoTIFF covers its pixels' outer edges.
    pub fn coverage(&self) -> Vec<(LatLon, LatLon)> {
        self.tiles.iter().map(Grid::corners).collect()
    }

    /// True when `p` lies inside some tile (it may still be on a void).
    pub fn covers(&self, p: LatLon) -> bool {
        p.is_valid()
            && self.tiles.iter().any(|t| {
                let (col, row) = t.frac_index(p);
                t.covers_index(col, row, t.border_cells)
            })
    }

    /// Ground elevation at `p`, metres, interpolated bilinearly between the four samples around
    /// it. `None` outside every tile, next to a void / nodata sample, or for an invalid position.
    pub fn elevation_m(&self, p: LatLon) -> Option<f64> {
        if !p.is_valid() {
            return None;
        }
        self.preference.iter().find_map(|&i| {
            let tile = self.tiles.get(i)?;
            let (col, row) = tile.frac_index(p);
            if !tile.covers_index(col, row, tile.border_cells) {
                return None;
            }
            self.bilinear(i, tile, col, row)
        })
    }

    /// Elevations along the great circle from `a` to `b` as (distance from `a` in metres,
    /// elevation in metres or `None` where there is no data). Samples are evenly spaced at most
    /// `step_m` apart and include both ends; a leg is cut into at most
    /// [`MAX_PROFILE_SEGMENTS`] pieces. A `step_m` that is not a positive number samples the
    /// ends only. Terrain between samples is not seen: use a step no longer than the model's
    /// cell (about 30 m for 1″ data, 90 m for 3″) to catch every ridge.
    pub fn profile(&self, a: LatLon, b: LatLon, step_m: f64) -> Vec<(f64, Option<f64>)> {
        self.profile_points(a, b, step_m)
            .into_iter()
            .map(|(distance_m, _, elevation_m)| (distance_m, elevation_m))
            .collect()
    }

    /// [`Dem::profile`] with the position of each sample: (distance from `a` in metres,
    /// position, elevation in metres or `None`).
    pub fn profile_points(
        &self,
        a: LatLon,
        b: LatLon,
        step_m: f64,
    ) -> Vec<(f64, LatLon, Option<f64>)> {
        leg_samples(a, b, step_m)
            .into_iter()
            .map(|(distance_m, p)| (distance_m, p, self.elevation_m(p)))
            .collect()
    }

    /// The highest ground elevation (metres) among the samples of [`Dem::profile`]; an error
    /// naming the first sample without data, or for a `step_m` that is not a positive number.
    pub fn max_along(&self, a: LatLon, b: LatLon, step_m: f64) -> Result<f64, TerrainError> {
        if !(step_m.is_finite() && step_m > 0.0) {
            return Err(TerrainError::BadStep { step_m });
        }
        let mut max_m = f64::NEG_INFINITY;
        for (distance_m, p) in leg_samples(a, b, step_m) {
            let elevation_m = self.elevation_m(p).ok_or_else(|| TerrainError::NoData {
                lat_deg: p.lat_deg,
                lon_deg: p.lon_deg,
                distance_m,
                from: format!("{:.6}, {:.6}", a.lat_deg, a.lon_deg),
            })?;
            max_m = max_m.max(elevation_m);
        }
        Ok(max_m)
    }

    fn push(&mut self, grid: Grid) {
        self.tiles.push(grid);
        let mut preference: Vec<usize> = (0..self.tiles.len()).collect();
        preference.sort_by(|&x, &y| {
            let area = |i: usize| self.tiles.get(i).map_or(f64::MAX, Grid::cell_area_deg2);
            area(x).total_cmp(&area(y))
        });
        self.preference = preference;
    }

    /// Bilinear interpolation in `tile` (index `index`) at a fractional index it covers.
    fn bilinear(&self, index: usize, tile: &Grid, col: f64, row: f64) -> Option<f64> {
        let mut elevation_m = 0.0;
        for (c, r, weight) in corner_weights(col, row) {
            if weight == 0.0 {
                continue;
            }
            let v = match tile.sample(c, r) {
                Some(v) => f64::from(v),
                None => self.borrowed_sample(index, tile, c, r)?,
            };
            if !v.is_finite() {
                return None;
            }
            elevation_m += weight * v;
        }
        Some(elevation_m)
    }

    /// The value of a sample just outside `tile` (a neighbour's, across a seam), or the
    /// tile's edge sample when no other tile has that place. `None` on a neighbour's void.
    fn borrowed_sample(&self, index: usize, tile: &Grid, col: i64, row: i64) -> Option<f64> {
        let q = tile.sample_position(col, row);
        for &j in &self.preference {
            if j == index {
                continue;
            }
            match self.tiles.get(j).map_or(Lookup::Outside, |t| t.interior(q)) {
                Lookup::Outside => continue,
                Lookup::Void => return None,
                Lookup::Value(v) => return Some(v),
            }
        }
        tile.sample_clamped(col, row).map(f64::from)
    }
}

/// (distance from `a`, position) of the samples along a leg; see [`Dem::profile`].
fn leg_samples(a: LatLon, b: LatLon, step_m: f64) -> Vec<(f64, LatLon)> {
    let total_m = a.distance_m(b);
    if !total_m.is_finite() || total_m == 0.0 {
        return vec![(0.0, a)];
    }
    let segments = if step_m.is_finite() && step_m > 0.0 {
        (total_m / step_m)
            .ceil()
            .clamp(1.0, MAX_PROFILE_SEGMENTS as f64) as usize
    } else {
        1
    };
    let bearing_deg = a.bearing_deg(b);
    (0..=segments)
        .map(|k| {
            let distance_m = total_m * k as f64 / segments as f64;
            let p = match k {
                0 => a,
                k if k == segments => b,
                _ => a.destination(bearing_deg, distance_m),
            };
            (distance_m, p)
        })
        .collect()
}

impl std::fmt::Debug for Dem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dem").field("tiles", &self.tiles).finish()
    }
}
