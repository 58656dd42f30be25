//! GeoTIFF elevation models: what GIS tools export (Copernicus DEM, national LiDAR DEMs cut
//! with `gdal_translate`, QGIS exports). Only single-band rasters in WGS84 longitude/latitude are
//! read; projected ones are refused with the `gdalwarp` command that fixes them, because
//! re-projecting here would need a projection library for a job GDAL does better.
//!
//! Georeferencing comes from ModelPixelScale (33550) + ModelTiepoint (33922) or from
//! ModelTransformation (34264); nodata from GDAL_NODATA (42113); the raster type
//! (PixelIsArea, the default, or PixelIsPoint) from GTRasterTypeGeoKey in the GeoKeyDirectory
//! (34735). With PixelIsArea a tiepoint names the outer corner of the first pixel and its
//! sample lies half a pixel further in; with PixelIsPoint it names the sample itself.

use std::io::Cursor;

use tiff::decoder::{Decoder, DecodingResult, Limits};
use tiff::tags::Tag;

use super::TerrainError;
use super::grid::Grid;

/// Largest raster side accepted, cells.
pub const MAX_SIDE_CELLS: u64 = 20_000;
/// Largest raster accepted, cells (256 MB as `f32` once read).
pub const MAX_CELLS: u64 = 64_000_000;
/// Cells whose magnitude exceeds this are not terrain (fill values such as -3.4e38 written
/// without a GDAL_NODATA tag) and read as no data.
pub const MAX_PLAUSIBLE_M: f64 = 100_000.0;

const KEY_MODEL_TYPE: u16 = 1024;
const KEY_RASTER_TYPE: u16 = 1025;
const KEY_PROJECTED_CS: u16 = 3072;
const MODEL_TYPE_PROJECTED: u16 = 1;
const MODEL_TYPE_GEOGRAPHIC: u16 = 2;
const RASTER_PIXEL_IS_AREA: u16 = 1;
const RASTER_PIXEL_IS_POINT: u16 = 2;
const USER_DEFINED: u16 = 32767;

/// Reads one GeoTIFF elevation model into a grid.
pub(crate) fn parse_geotiff(name: &str, bytes: &[u8]) -> Result<Grid, TerrainError> {
    let tiff_err = |e: tiff::TiffError| TerrainError::Tiff {
        file: name.to_string(),
        detail: e.to_string(),
    };
    let mut limits = Limits::default();
    limits.decoding_buffer_size = usize::try_from(MAX_CELLS * 8).unwrap_or(usize::MAX);
    let mut dec = Decoder::new(Cursor::new(bytes))
        .map_err(tiff_err)?
        .with_limits(limits);

    let (width, height) = dec.dimensions().map_err(tiff_err)?;
    let (w, h) = (u64::from(width), u64::from(height));
    if w == 0 || h == 0 {
        return Err(TerrainError::Tiff {
            file: name.to_string(),
            detail: format!("expected at least 1x1 cells, found {w}x{h}"),
        });
    }
    if w > MAX_SIDE_CELLS || h > MAX_SIDE_CELLS || w * h > MAX_CELLS {
        return Err(too_large(name, w, h));
    }
    check_sample_type(&mut dec, name)?;
    let keys = geo_keys(&mut dec, name)?;
    check_crs(&keys, name)?;
    let pixel_is_point = match key(&keys, KEY_RASTER_TYPE) {
        None | Some(RASTER_PIXEL_IS_AREA) => false,
        Some(RASTER_PIXEL_IS_POINT) => true,
        Some(other) => {
            return Err(bad_tag(
                name,
                "GeoKeyDirectory (34735), GTRasterTypeGeoKey (1025)",
                "1 (PixelIsArea) or 2 (PixelIsPoint)",
                other.to_string(),
            ));
        }
    };
    let mut grid = georeference(&mut dec, name, pixel_is_point)?;
    grid.width = usize::try_from(width).map_err(|_| too_large(name, w, h))?;
    grid.height = usize::try_from(height).map_err(|_| too_large(name, w, h))?;
    check_degrees(&grid)?;
    let nodata = nodata(&mut dec, name)?;

    let cells = grid.width * grid.height;
    let image = dec.read_image().map_err(tiff_err)?;
    let elevation_m = match image {
        DecodingResult::I16(v) => clean(v, nodata),
        DecodingResult::U16(v) => clean(v, nodata),
        DecodingResult::I32(v) => clean(v, nodata),
        DecodingResult::F32(v) => clean(v, nodata),
        DecodingResult::F64(v) => clean(v, nodata),
        other => {
            return Err(TerrainError::SampleType {
                file: name.to_string(),
                found: format!("{} samples", result_type(&other)),
            });
        }
    };
    if elevation_m.len() != cells {
        return Err(TerrainError::Tiff {
            file: name.to_string(),
            detail: format!(
                "expected {cells} samples ({width}x{height}), decoded {}",
                elevation_m.len()
            ),
        });
    }
    grid.elevation_m = elevation_m;
    Ok(grid)
}

fn too_large(name: &str, width: u64, height: u64) -> TerrainError {
    TerrainError::TooLarge {
        file: name.to_string(),
        width,
        height,
        max_side: MAX_SIDE_CELLS,
        max_cells: MAX_CELLS,
    }
}

fn bad_tag(name: &str, tag: &str, expected: &str, found: String) -> TerrainError {
    TerrainError::BadTag {
        file: name.to_string(),
        tag: tag.to_string(),
        expected: expected.to_string(),
        found,
    }
}

/// Refuses multi-band rasters and sample types that are not elevations, before decoding pixels.
fn check_sample_type(dec: &mut Decoder<Cursor<&[u8]>>, name: &str) -> Result<(), TerrainError> {
    let mut first = |tag: Tag, default: u16| -> Result<u16, TerrainError> {
        Ok(find(dec, name, tag)?
            .and_then(|v| v.into_u16_vec().ok())
            .and_then(|v| v.first().copied())
            .unwrap_or(default))
    };
    let bands = first(Tag::SamplesPerPixel, 1)?;
    let bits = first(Tag::BitsPerSample, 1)?;
    let format = first(Tag::SampleFormat, 1)?;
    let kind = match format {
        1 => "uint",
        2 => "int",
        3 => "float",
        _ => "unknown-format ",
    };
    let supported = matches!((format, bits), (1, 16) | (2, 16 | 32) | (3, 32 | 64));
    if bands != 1 || !supported {
        return Err(TerrainError::SampleType {
            file: name.to_string(),
            found: format!("{bands} band(s) of {kind}{bits} samples"),
        });
    }
    Ok(())
}

/// A tag's value, `None` when the file does not have it.
fn find(
    dec: &mut Decoder<Cursor<&[u8]>>,
    name: &str,
    tag: Tag,
) -> Result<Option<tiff::decoder::ifd::Value>, TerrainError> {
    dec.find_tag(tag).map_err(|e| TerrainError::Tiff {
        file: name.to_string(),
        detail: format!("tag {tag:?}: {e}"),
    })
}

fn result_type(r: &DecodingResult) -> &'static str {
    match r {
        DecodingResult::U8(_) => "uint8",
        DecodingResult::U16(_) => "uint16",
        DecodingResult::U32(_) => "uint32",
        DecodingResult::U64(_) => "uint64",
        DecodingResult::F16(_) => "float16",
        DecodingResult::F32(_) => "float32",
        DecodingResult::F64(_) => "float64",
        DecodingResult::I8(_) => "int8",
        DecodingResult::I16(_) => "int16",
        DecodingResult::I32(_) => "int32",
        DecodingResult::I64(_) => "int64",
    }
}

/// The GeoKeyDirectory as (key id, short value) pairs; keys stored elsewhere are skipped.
fn geo_keys(dec: &mut Decoder<Cursor<&[u8]>>, name: &str) -> Result<Vec<(u16, u16)>, TerrainError> {
    const TAG: &str = "GeoKeyDirectory (34735)";
    let Some(value) = find(dec, name, Tag::GeoKeyDirectoryTag)? else {
        return Ok(Vec::new());
    };
    let shorts = value.into_u16_vec().map_err(|e| {
        bad_tag(
            name,
            TAG,
            "a list of 16-bit integers",
            format!("another type ({e})"),
        )
    })?;
    if shorts.len() < 4 {
        return Err(bad_tag(
            name,
            TAG,
            "a 4-value header then 4 values per key",
            format!("{} values", shorts.len()),
        ));
    }
    let count = usize::from(shorts.get(3).copied().unwrap_or(0));
    let entries = shorts
        .get(4..)
        .unwrap_or(&[])
        .chunks_exact(4)
        .take(count)
        .filter_map(|entry| match entry {
            [id, 0, _, value] => Some((*id, *value)),
            _ => None,
        })
        .collect();
    Ok(entries)
}

fn key(keys: &[(u16, u16)], id: u16) -> Option<u16> {
    keys.iter().find(|(k, _)| *k == id).map(|(_, v)| *v)
}

fn check_crs(keys: &[(u16, u16)], name: &str) -> Result<(), TerrainError> {
    let projected = key(keys, KEY_PROJECTED_CS);
    let model = key(keys, KEY_MODEL_TYPE);
    if projected.is_some() || model == Some(MODEL_TYPE_PROJECTED) {
        let crs = match projected {
            Some(USER_DEFINED) => "a user-defined projection".to_string(),
            Some(code) => format!("EPSG:{code}"),
            None => "no EPSG code given".to_string(),
        };
        return Err(TerrainError::ProjectedCrs {
            file: name.to_string(),
            crs,
        });
    }
    match model {
        None | Some(MODEL_TYPE_GEOGRAPHIC) => Ok(()),
        Some(other) => Err(bad_tag(
            name,
            "GeoKeyDirectory (34735), GTModelTypeGeoKey (1024)",
            "2 (geographic longitude/latitude)",
            format!("{other} (3 is geocentric)"),
        )),
    }
}

fn f64_tag(
    dec: &mut Decoder<Cursor<&[u8]>>,
    name: &str,
    tag: Tag,
    label: &str,
    min_len: usize,
) -> Result<Option<Vec<f64>>, TerrainError> {
    let Some(value) = find(dec, name, tag)? else {
        return Ok(None);
    };
    let numbers = value.into_f64_vec().map_err(|e| {
        bad_tag(
            name,
            label,
            "a list of doubles",
            format!("another type ({e})"),
        )
    })?;
    if numbers.len() < min_len || numbers.iter().any(|v| !v.is_finite()) {
        return Err(bad_tag(
            name,
            label,
            &format!("at least {min_len} finite numbers"),
            format!("{numbers:?}"),
        ));
    }
    Ok(Some(numbers))
}

/// The grid's position and steps (width, height and samples are filled in by the caller).
fn georeference(
    dec: &mut Decoder<Cursor<&[u8]>>,
    name: &str,
    pixel_is_point: bool,
) -> Result<Grid, TerrainError> {
    const SCALE: &str = "ModelPixelScale (33550)";
    const TIEPOINT: &str = "ModelTiepoint (33922)";
    const TRANSFORM: &str = "ModelTransformation (34264)";
    let scale = f64_tag(dec, name, Tag::ModelPixelScaleTag, SCALE, 2)?;
    let tiepoint = f64_tag(dec, name, Tag::ModelTiepointTag, TIEPOINT, 6)?;
    let transform = f64_tag(dec, name, Tag::ModelTransformationTag, TRANSFORM, 16)?;
    // Raster position of the first sample: the pixel centre for PixelIsArea.
    let first = if pixel_is_point { 0.0 } else { 0.5 };
    let (lon0_deg, lat0_deg, lon_step_deg, lat_step_deg) = match (scale, tiepoint, transform) {
        (Some(s), Some(t), _) => {
            let (sx, sy) = (s.first().copied(), s.get(1).copied());
            let (sx, sy) = (sx.unwrap_or(0.0), sy.unwrap_or(0.0));
            if sx <= 0.0 || sy == 0.0 {
                return Err(bad_tag(
                    name,
                    SCALE,
                    "a positive x scale and a non-zero y scale",
                    format!("{sx}, {sy}"),
                ));
            }
            let at = |i: usize| t.get(i).copied().unwrap_or(0.0);
            let (i, j, x, y) = (at(0), at(1), at(3), at(4));
            (x + (first - i) * sx, y - (first - j) * sy, sx, -sy)
        }
        (_, _, Some(m)) => {
            let at = |i: usize| m.get(i).copied().unwrap_or(0.0);
            let (a, b, d, e, f, h) = (at(0), at(1), at(3), at(4), at(5), at(7));
            if b != 0.0 || e != 0.0 || a == 0.0 || f == 0.0 {
                return Err(bad_tag(
                    name,
                    TRANSFORM,
                    "a north-up grid (no rotation or shear terms, non-zero scales)",
                    format!("x = {a}*col + {b}*row + {d}, y = {e}*col + {f}*row + {h}"),
                ));
            }
            (d + first * a, h + first * f, a, f)
        }
        (None, _, None) | (_, None, None) => {
            return Err(TerrainError::MissingTag {
                file: name.to_string(),
                expected: format!("{SCALE} with {TIEPOINT}, or {TRANSFORM}"),
            });
        }
    };
    Ok(Grid {
        name: name.to_string(),
        width: 0,
        height: 0,
        lat0_deg,
        lon0_deg,
        lat_step_deg,
        lon_step_deg,
        border_cells: 0.5,
        elevation_m: Vec::new(),
    })
}

/// Refuses grids whose corners are not longitudes/latitudes (projected metres without keys).
fn check_degrees(grid: &Grid) -> Result<(), TerrainError> {
    let (sw, ne) = grid.corners();
    let slack_deg = grid.lat_step_deg.abs().max(grid.lon_step_deg.abs()) + 1e-6;
    let fits = |v: f64, limit: f64| v.is_finite() && v.abs() <= limit + slack_deg;
    if [sw.lat_deg, ne.lat_deg].iter().all(|&v| fits(v, 90.0))
        && [sw.lon_deg, ne.lon_deg].iter().all(|&v| fits(v, 180.0))
    {
        return Ok(());
    }
    Err(TerrainError::ProjectedCrs {
        file: grid.name.clone(),
        crs: format!(
            "no projection key, but corners {:.3}, {:.3} and {:.3}, {:.3} are not degrees",
            sw.lon_deg, sw.lat_deg, ne.lon_deg, ne.lat_deg
        ),
    })
}

fn nodata(dec: &mut Decoder<Cursor<&[u8]>>, name: &str) -> Result<Option<f64>, TerrainError> {
    let Some(value) = find(dec, name, Tag::GdalNodata)? else {
        return Ok(None);
    };
    let text = value.into_string().unwrap_or_default();
    let trimmed = text.trim_matches(|c: char| c.is_whitespace() || c == '\0');
    trimmed.parse::<f64>().map(Some).map_err(|_| {
        bad_tag(
            name,
            "GDAL_NODATA (42113)",
            "a number as text, e.g. \"-32768\" or \"nan\"",
            format!("{text:?}"),
        )
    })
}

/// Elevations as `f32` metres with nodata, non-finite and implausible cells as NaN.
fn clean<T: Copy + Into<f64>>(cells: Vec<T>, nodata: Option<f64>) -> Vec<f32> {
    let nodata_f32 = nodata.map(|v| v as f32);
    cells
        .into_iter()
        .map(|cell| {
            let v: f64 = cell.into();
            let v32 = v as f32;
            if !v.is_finite() || v.abs() > MAX_PLAUSIBLE_M || Some(v32) == nodata_f32 {
                f32::NAN
            } else {
                v32
            }
        })
        .collect()
}
