//! The one error type of the terrain module. Every message names the file (or the place along a
//! leg) and says what was expected and what was found, because the operator fixes these by hand:
//! renaming a tile, re-downloading a truncated file or re-projecting a GeoTIFF.

/// Why an elevation file could not be used, or why a leg has no terrain answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TerrainError {
    /// An `.hgt` file whose name does not give the tile's south-west corner.
    #[error(
        "{file}: expected an SRTM tile name like N42E074.hgt or S35W071.hgt (hemisphere letter, \
         2-digit latitude, hemisphere letter, 3-digit longitude of the south-west corner), found {found:?}"
    )]
    HgtName {
        /// File name as given.
        file: String,
        /// The part of the name that was read.
        found: String,
    },
    /// An `.hgt` file whose size is not one of the two SRTM grids.
    #[error(
        "{file}: expected {size_3s} bytes (1201x1201 samples, 3 arc-second SRTM) or {size_1s} bytes \
         (3601x3601 samples, 1 arc-second SRTM), found {found_bytes} bytes; the file is truncated \
         or not an SRTM tile",
        size_3s = 1201 * 1201 * 2,
        size_1s = 3601 * 3601 * 2
    )]
    HgtSize {
        /// File name as given.
        file: String,
        /// Size found, bytes.
        found_bytes: usize,
    },
    /// A file the TIFF decoder could not read (truncated, corrupt, unsupported compression).
    #[error("{file}: expected a readable TIFF, the decoder said: {detail}")]
    Tiff {
        /// File name as given.
        file: String,
        /// The decoder's message.
        detail: String,
    },
    /// A GeoTIFF without the tags that place it on the Earth.
    #[error(
        "{file}: expected the GeoTIFF tag {expected}, found none; the file is not georeferenced"
    )]
    MissingTag {
        /// File name as given.
        file: String,
        /// Tag(s) expected, with their numbers.
        expected: String,
    },
    /// A GeoTIFF tag with a value this reader cannot use.
    #[error("{file}: tag {tag}: expected {expected}, found {found}")]
    BadTag {
        /// File name as given.
        file: String,
        /// Tag name and number.
        tag: String,
        /// What a usable value looks like.
        expected: String,
        /// What the file holds.
        found: String,
    },
    /// A GeoTIFF in a projected coordinate system (UTM, national grids, Web Mercator, ...).
    #[error(
        "{file}: expected WGS84 longitude/latitude (EPSG:4326), found a projected coordinate \
         system ({crs}); re-project to EPSG:4326, e.g. `gdalwarp -t_srs EPSG:4326 in.tif out.tif`"
    )]
    ProjectedCrs {
        /// File name as given.
        file: String,
        /// "EPSG:32643", or a description when the code is user-defined or missing.
        crs: String,
    },
    /// A raster whose pixel type or band count is not an elevation band this reader takes.
    #[error(
        "{file}: expected a single band of int16, uint16, int32, float32 or float64 samples, \
         found {found}"
    )]
    SampleType {
        /// File name as given.
        file: String,
        /// Bands and sample type found.
        found: String,
    },
    /// A raster larger than the limit, refused before any pixel is decoded.
    #[error(
        "{file}: expected at most {max_side} cells per side and {max_cells} cells in all, found \
         {width}x{height}; cut the model to the survey region (e.g. `gdal_translate -projwin ...`)"
    )]
    TooLarge {
        /// File name as given.
        file: String,
        /// Columns found.
        width: u64,
        /// Rows found.
        height: u64,
        /// Largest side accepted.
        max_side: u64,
        /// Largest cell count accepted.
        max_cells: u64,
    },
    /// A file on disk larger than any elevation model this reader accepts.
    #[error(
        "{file}: expected at most {max_bytes} bytes, found {found_bytes}; cut the model to the survey region"
    )]
    FileTooLarge {
        /// Path of the file.
        file: String,
        /// Size found, bytes.
        found_bytes: u64,
        /// Largest size accepted, bytes.
        max_bytes: u64,
    },
    /// A file or folder that could not be read from disk.
    #[error("{path}: could not read: {detail}")]
    Io {
        /// Path of the file or folder.
        path: String,
        /// The operating system's message.
        detail: String,
    },
    /// A folder without any elevation file.
    #[error(
        "{dir}: expected elevation files (*.hgt, *.tif, *.tiff), found none{hint}; zipped SRTM \
         tiles must be unzipped first"
    )]
    NoElevationFiles {
        /// The folder.
        dir: String,
        /// Extra words about what was found instead (may be empty).
        hint: String,
    },
    /// A point of a leg where no loaded tile has data.
    #[error(
        "no elevation data at {lat_deg:.6}, {lon_deg:.6} ({distance_m:.0} m along the leg \
         from {from}): outside the loaded elevation tiles or on a void cell"
    )]
    NoData {
        /// Latitude of the sample without data, degrees.
        lat_deg: f64,
        /// Longitude of the sample without data, degrees.
        lon_deg: f64,
        /// Distance from the start of the leg, metres.
        distance_m: f64,
        /// The start of the leg, "lat, lon".
        from: String,
    },
    /// A sampling step that is not a positive number of metres.
    #[error("sampling step: expected a positive number of metres, found {step_m}")]
    BadStep {
        /// Step found, metres.
        step_m: f64,
    },
}
