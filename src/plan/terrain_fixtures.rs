//! Test fixtures: small GeoTIFF DEMs written in memory with the `tiff` crate's encoder, with
//! the GeoTIFF tags real DEMs carry (pixel scale, tiepoint or transformation, GeoKeyDirectory
//! with GTRasterTypeGeoKey, GDAL_NODATA). Tiled files and files claiming a size they do not hold
//! are assembled entry by entry, since the encoder writes strips only.

use std::io::Cursor;

use tiff::encoder::compression::{CompressionAlgorithm, Deflate};
use tiff::encoder::{Compression, Predictor, TiffEncoder, TiffValue, colortype::ColorType};
use tiff::tags::Tag;

/// North edge of the fixture rasters, degrees.
pub const NORTH: f64 = 43.0;
/// West edge of the fixture rasters, degrees.
pub const WEST: f64 = 74.0;
/// Cell size of the fixture rasters, degrees.
pub const CELL: f64 = 0.001;
/// Columns of the fixture rasters.
pub const WIDTH: u32 = 40;
/// Rows of the fixture rasters.
pub const HEIGHT: u32 = 30;

/// GTModelTypeGeoKey geographic, GTRasterTypeGeoKey PixelIsArea, GeographicTypeGeoKey 4326.
pub const AREA_KEYS: [(u16, u16); 3] = [(1024, 2), (1025, 1), (2048, 4326)];
/// As [`AREA_KEYS`] with PixelIsPoint.
pub const POINT_KEYS: [(u16, u16); 3] = [(1024, 2), (1025, 2), (2048, 4326)];

/// How a fixture is placed on the Earth.
#[derive(Clone)]
pub enum Georef {
    /// ModelTiepoint (i, j, k, x, y, z) + ModelPixelScale (sx, sy, sz).
    Tiepoint([f64; 6], [f64; 3]),
    /// ModelTransformation, 16 values row by row.
    Matrix([f64; 16]),
    /// No georeferencing tags.
    Missing,
}

/// What to write besides the pixels.
#[derive(Clone)]
pub struct Spec {
    pub width: u32,
    pub height: u32,
    pub georef: Georef,
    pub keys: Vec<(u16, u16)>,
    pub nodata: Option<&'static str>,
    pub compression: Compression,
    pub predictor: Predictor,
    pub rows_per_strip: Option<u32>,
}

impl Spec {
    /// The standard fixture: WIDTH x HEIGHT cells of CELL degrees, north-west corner at
    /// (NORTH, WEST), PixelIsArea, uncompressed, 7 rows per strip (so several strips).
    pub fn standard() -> Self {
        Self {
            width: WIDTH,
            height: HEIGHT,
            georef: Georef::Tiepoint([0.0, 0.0, 0.0, WEST, NORTH, 0.0], [CELL, CELL, 0.0]),
            keys: AREA_KEYS.to_vec(),
            nodata: None,
            compression: Compression::Uncompressed,
            predictor: Predictor::None,
            rows_per_strip: Some(7),
        }
    }

    pub fn keys(mut self, keys: &[(u16, u16)]) -> Self {
        self.keys = keys.to_vec();
        self
    }
}

/// The plane every standard fixture holds, by sample index.
pub fn plane_at(col: u32, row: u32) -> f64 {
    100.0 + 3.0 * f64::from(col) + 5.0 * f64::from(row)
}

/// Samples `f(col, row)` row by row.
pub fn samples<T>(width: u32, height: u32, f: impl Fn(u32, u32) -> T) -> Vec<T> {
    (0..height)
        .flat_map(|row| (0..width).map(move |col| (col, row)))
        .map(|(col, row)| f(col, row))
        .collect()
}

fn geo_key_directory(keys: &[(u16, u16)]) -> Vec<u16> {
    let mut dir = vec![1, 1, 0, keys.len() as u16];
    for &(id, value) in keys {
        dir.extend_from_slice(&[id, 0, 1, value]);
    }
    dir
}

fn write_geotags<W: std::io::Write + std::io::Seek, K: tiff::encoder::TiffKind>(
    dir: &mut tiff::encoder::DirectoryEncoder<'_, W, K>,
    spec: &Spec,
) {
    match &spec.georef {
        Georef::Tiepoint(tie, scale) => {
            dir.write_tag(Tag::ModelTiepointTag, &tie[..]).unwrap();
            dir.write_tag(Tag::ModelPixelScaleTag, &scale[..]).unwrap();
        }
        Georef::Matrix(m) => dir.write_tag(Tag::ModelTransformationTag, &m[..]).unwrap(),
        Georef::Missing => {}
    }
    if !spec.keys.is_empty() {
        let keys = geo_key_directory(&spec.keys);
        dir.write_tag(Tag::GeoKeyDirectoryTag, &keys[..]).unwrap();
    }
    if let Some(nodata) = spec.nodata {
        dir.write_tag(Tag::GdalNodata, nodata).unwrap();
    }
}

/// A striped GeoTIFF of colour type `C` holding `data` (row by row).
pub fn write_geotiff<C: ColorType>(spec: &Spec, data: &[C::Inner]) -> Vec<u8>
where
    [C::Inner]: TiffValue,
{
    let mut out = Cursor::new(Vec::new());
    let mut enc = TiffEncoder::new(&mut out)
        .unwrap()
        .with_compression(spec.compression)
        .with_predictor(spec.predictor);
    let mut image = enc.new_image::<C>(spec.width, spec.height).unwrap();
    if let Some(rows) = spec.rows_per_strip {
        image.rows_per_strip(rows).unwrap();
    }
    write_geotags(image.encoder(), spec);
    image.write_data(data).unwrap();
    out.into_inner()
}

/// The standard int16 fixture holding [`plane_at`].
pub fn standard_i16(spec: &Spec) -> Vec<u8> {
    let data = samples(spec.width, spec.height, |c, r| plane_at(c, r) as i16);
    write_geotiff::<tiff::encoder::colortype::GrayI16>(spec, &data)
}

/// An int16 PixelIsArea fixture for folder tests: 20 x 10 cells of `cell_deg`, north-west
/// corner at (`north`, `west`), holding 500 + column + row.
pub fn plane_geotiff(north: f64, west: f64, cell_deg: f64) -> Vec<u8> {
    let spec = Spec {
        width: 20,
        height: 10,
        georef: Georef::Tiepoint([0.0, 0.0, 0.0, west, north, 0.0], [cell_deg, cell_deg, 0.0]),
        ..Spec::standard()
    };
    let data = samples(20, 10, |c, r| (500 + c + r) as i16);
    write_geotiff::<tiff::encoder::colortype::GrayI16>(&spec, &data)
}

/// A tiled int16 GeoTIFF (tiles of `tile` x `tile`, padded at the right and bottom with 9999,
/// which must never be read) holding `value(col, row)`.
pub fn tiled_i16(
    spec: &Spec,
    tile: u32,
    deflate: bool,
    value: impl Fn(u32, u32) -> i16,
) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    let mut enc = TiffEncoder::new(&mut out).unwrap();
    let mut dir = enc.image_directory().unwrap();
    let (mut offsets, mut counts) = (Vec::<u32>::new(), Vec::<u32>::new());
    for tile_row in 0..spec.height.div_ceil(tile) {
        for tile_col in 0..spec.width.div_ceil(tile) {
            let raw: Vec<u8> = samples(tile, tile, |c, r| {
                let (col, row) = (tile_col * tile + c, tile_row * tile + r);
                if col < spec.width && row < spec.height {
                    value(col, row)
                } else {
                    9999
                }
            })
            .iter()
            .flat_map(|v| v.to_ne_bytes())
            .collect();
            let bytes = if deflate {
                let mut packed = Vec::new();
                Deflate::default().write_to(&mut packed, &raw).unwrap();
                packed
            } else {
                raw
            };
            offsets.push(dir.write_data(&bytes[..]).unwrap() as u32);
            counts.push(bytes.len() as u32);
        }
    }
    dir.write_tag(Tag::ImageWidth, spec.width).unwrap();
    dir.write_tag(Tag::ImageLength, spec.height).unwrap();
    dir.write_tag(Tag::BitsPerSample, 16u16).unwrap();
    dir.write_tag(Tag::Compression, if deflate { 8u16 } else { 1u16 })
        .unwrap();
    dir.write_tag(Tag::PhotometricInterpretation, 1u16).unwrap();
    dir.write_tag(Tag::SamplesPerPixel, 1u16).unwrap();
    dir.write_tag(Tag::SampleFormat, 2u16).unwrap();
    dir.write_tag(Tag::TileWidth, tile).unwrap();
    dir.write_tag(Tag::TileLength, tile).unwrap();
    dir.write_tag(Tag::TileOffsets, &offsets[..]).unwrap();
    dir.write_tag(Tag::TileByteCounts, &counts[..]).unwrap();
    write_geotags(&mut dir, spec);
    dir.finish().unwrap();
    out.into_inner()
}

/// A GeoTIFF whose header claims `width` x `height` int16 cells in one strip of 16 bytes.
pub fn claiming_size(width: u32, height: u32) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    let mut enc = TiffEncoder::new(&mut out).unwrap();
    let mut dir = enc.image_directory().unwrap();
    let offset = dir.write_data(&[0u8; 16][..]).unwrap() as u32;
    dir.write_tag(Tag::ImageWidth, width).unwrap();
    dir.write_tag(Tag::ImageLength, height).unwrap();
    dir.write_tag(Tag::BitsPerSample, 16u16).unwrap();
    dir.write_tag(Tag::Compression, 1u16).unwrap();
    dir.write_tag(Tag::PhotometricInterpretation, 1u16).unwrap();
    dir.write_tag(Tag::SamplesPerPixel, 1u16).unwrap();
    dir.write_tag(Tag::SampleFormat, 2u16).unwrap();
    dir.write_tag(Tag::RowsPerStrip, height).unwrap();
    dir.write_tag(Tag::StripOffsets, &[offset][..]).unwrap();
    dir.write_tag(Tag::StripByteCounts, &[16u32][..]).unwrap();
    write_geotags(&mut dir, &Spec::standard());
    dir.finish().unwrap();
    out.into_inner()
}
