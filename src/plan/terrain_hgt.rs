//! SRTM `.hgt` tiles: the elevation files most operators already have (NASA SRTM, viewfinder
//! panoramas, ArduPilot's terrain server sources). A tile has no header: its file name gives the
//! south-west corner of its 1°x1° square and its size gives the resolution — 1201x1201 samples
//! (3 arc-seconds) or 3601x3601 (1 arc-second) — as big-endian `i16` metres, rows from north to
//! south, -32768 marking a void. Neighbouring tiles share their edge rows and columns.

use super::TerrainError;
use super::grid::Grid;

/// The value SRTM uses for a void (no data) sample.
pub const HGT_VOID: i16 = i16::MIN;

/// The sample counts per side of the two SRTM resolutions.
const HGT_SIDES: [usize; 2] = [1201, 3601];

/// The south-west corner (latitude, longitude in whole degrees) named by an SRTM file name such
/// as `N42E074.hgt`, `s35w071.HGT` or `dir/N42E074.SRTMGL1.hgt`.
pub(crate) fn hgt_sw_corner(name: &str) -> Result<(i32, i32), TerrainError> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let bad = || TerrainError::HgtName {
        file: name.to_string(),
        found: base.to_string(),
    };
    let head = base.get(..7).ok_or_else(bad)?.to_ascii_uppercase();
    let rest = base.get(7..).unwrap_or("");
    if !(rest.is_empty() || rest.starts_with('.')) {
        return Err(bad());
    }
    let lat_sign = match head.get(..1) {
        Some("N") => 1,
        Some("S") => -1,
        _ => return Err(bad()),
    };
    let lon_sign = match head.get(3..4) {
        Some("E") => 1,
        Some("W") => -1,
        _ => return Err(bad()),
    };
    let digits = |s: Option<&str>| -> Option<i32> {
        let s = s?;
        if s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    };
    let lat = lat_sign * digits(head.get(1..3)).ok_or_else(bad)?;
    let lon = lon_sign * digits(head.get(4..7)).ok_or_else(bad)?;
    // A tile covers [lat, lat + 1] x [lon, lon + 1].
    if !(-90..=89).contains(&lat) || !(-180..=179).contains(&lon) {
        return Err(bad());
    }
    Ok((lat, lon))
}

/// Reads one `.hgt` tile into a grid. The size must be exactly one of the SRTM grids.
pub(crate) fn parse_hgt(name: &str, bytes: &[u8]) -> Result<Grid, TerrainError> {
    let (sw_lat, sw_lon) = hgt_sw_corner(name)?;
    let side = HGT_SIDES
        .into_iter()
        .find(|&n| n * n * 2 == bytes.len())
        .ok_or_else(|| TerrainError::HgtSize {
            file: name.to_string(),
            found_bytes: bytes.len(),
        })?;
    let elevation_m = bytes
        .chunks_exact(2)
        .map(|pair| match pair {
            [hi, lo] => match i16::from_be_bytes([*hi, *lo]) {
                HGT_VOID => f32::NAN,
                v => f32::from(v),
            },
            _ => f32::NAN,
        })
        .collect();
    let step_deg = 1.0 / (side as f64 - 1.0);
    Ok(Grid {
        name: name.to_string(),
        width: side,
        height: side,
        lat0_deg: f64::from(sw_lat) + 1.0,
        lon0_deg: f64::from(sw_lon),
        lat_step_deg: -step_deg,
        lon_step_deg: step_deg,
        border_cells: 0.0,
        elevation_m,
    })
}

/// Test and demo helper: the bytes of an SRTM tile whose south-west corner is
/// (`sw_lat`, `sw_lon`) with `size` x `size` samples, each `f(lat_deg, lon_deg)` metres rounded
/// to whole metres (clamped to the `i16` range). `f` returning NaN writes a void (-32768).
///
/// `Dem::add_hgt` accepts `size` 1201 (3″) or 3601 (1″) only, as real tiles have; other sizes
/// make files for testing its size check. Name the file with [`hgt_file_name`].
pub fn synthetic_hgt(
    sw_lat: i32,
    sw_lon: i32,
    size: usize,
    f: impl Fn(f64, f64) -> f64,
) -> Vec<u8> {
    let span = size.max(2) as f64 - 1.0;
    let mut bytes = Vec::with_capacity(size * size * 2);
    for row in 0..size {
        let lat_deg = f64::from(sw_lat) + 1.0 - row as f64 / span;
        for col in 0..size {
            let lon_deg = f64::from(sw_lon) + col as f64 / span;
            let elevation_m = f(lat_deg, lon_deg);
            let sample = if elevation_m.is_nan() {
                HGT_VOID
            } else {
                elevation_m
                    .round()
                    .clamp(f64::from(i16::MIN + 1), f64::from(i16::MAX)) as i16
            };
            bytes.extend_from_slice(&sample.to_be_bytes());
        }
    }
    bytes
}

/// The SRTM file name of the tile whose south-west corner is (`sw_lat`, `sw_lon`), e.g.
/// `N42E074.hgt` or `S35W071.hgt`.
pub fn hgt_file_name(sw_lat: i32, sw_lon: i32) -> String {
    format!(
        "{}{:02}{}{:03}.hgt",
        if sw_lat < 0 { 'S' } else { 'N' },
        sw_lat.unsigned_abs(),
        if sw_lon < 0 { 'W' } else { 'E' },
        sw_lon.unsigned_abs()
    )
}
