//! Map tiles for the map view and for flying without internet: tile addressing, offline tile
//! stores, online tile sources and prefetching an area for offline use.
//!
//! Field operators are often offline, so the map must draw from files on disk: an XYZ folder
//! (`{z}/{x}/{y}.png`), an MBTiles database or a PMTiles archive, all behind [`TileStore`] and
//! opened by [`open_store`], which tells them apart by content. [`TileSource`] describes an
//! online server and whether its usage policy allows bulk download; [`download::prefetch`]
//! fetches an area into a folder or an MBTiles file before going to the field.
//!
//! Everything here is pure file and format logic except [`download`], the I/O edge (tokio,
//! HTTP). Tile ids use the XYZ scheme (y grows south); MBTiles' TMS rows are flipped on the way
//! in and out. Stores return the decoded bytes of an image file (PNG, JPEG, WebP), never
//! compressed containers.

pub mod download;
#[cfg(test)]
mod download_test_server;
#[cfg(test)]
mod download_tests;
mod gzip;
mod id;
pub mod mbtiles;
pub mod pmtiles;
pub mod source;
pub mod xyz;

use std::path::{Path, PathBuf};

pub use gzip::GzipError;
pub use id::{
    BBox, MAX_LAT_DEG, MAX_ZOOM, TileId, TileRange, count_tiles, lat_of_fraction, pixel_size_m,
    tiles_covering, tiles_per_side, world_fraction,
};
pub use mbtiles::{MbTiles, MbTilesWriter};
pub use pmtiles::{PmTiles, PmTilesError};
pub use source::{BulkPolicy, SourceError, TileSource};
pub use xyz::XyzDir;

/// Largest single tile accepted from any store or server, bytes (raster tiles are well under
/// 1 MB; this only stops a corrupt file from exhausting memory).
pub const MAX_TILE_BYTES: usize = 16 << 20;

/// Errors reading or writing tile stores.
#[derive(Debug, thiserror::Error)]
pub enum TileError {
    /// A bounding box that cannot be used.
    #[error("invalid box (south {}, west {}, north {}, east {}): {why}", bbox[0], bbox[1], bbox[2], bbox[3])]
    InvalidBBox {
        /// South, west, north, east, degrees, as given.
        bbox: [f64; 4],
        /// What is wrong with it.
        why: String,
    },
    /// A tile id outside the grid of its zoom level.
    #[error("tile {id} does not exist: zoom must be at most {MAX_ZOOM} and x, y below 2^zoom")]
    InvalidTile {
        /// The id.
        id: TileId,
    },
    /// A file system operation failed.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// What was being done ("read", "create folder", ...).
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The path is neither a tile folder nor a known tile file.
    #[error("cannot open {path} as a tile store: {why}")]
    UnknownKind {
        /// The path.
        path: PathBuf,
        /// What was found instead.
        why: String,
    },
    /// SQLite failed on an MBTiles file.
    #[error("MBTiles {path}: {what}: {source}")]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// What was being done.
        what: String,
        /// The SQLite error.
        source: rusqlite::Error,
    },
    /// An MBTiles file that does not follow the specification.
    #[error("MBTiles {path}: {why}")]
    MbTiles {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        why: String,
    },
    /// A PMTiles archive that cannot be read.
    #[error("{path} is not a readable PMTiles v3 archive: {source}")]
    PmTiles {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        source: PmTilesError,
    },
    /// One tile is unusable (too large, badly compressed, not an image).
    #[error("tile {id} in {path}: {why}")]
    BadTile {
        /// The store.
        path: PathBuf,
        /// The tile.
        id: TileId,
        /// What is wrong.
        why: String,
    },
}

/// A read-only source of tile images, local to this machine.
pub trait TileStore {
    /// The image bytes (PNG, JPEG or WebP, never gzip-wrapped) of a tile, `Ok(None)` when the
    /// store does not have it.
    fn get(&self, id: TileId) -> Result<Option<Vec<u8>>, TileError>;
    /// One line for people: kind, path, zooms.
    fn describe(&self) -> String;
    /// Lowest and highest zoom level the store holds, when known.
    fn zoom_range(&self) -> Option<(u8, u8)>;
    /// The area the store covers, when it says so.
    fn bounds(&self) -> Option<BBox> {
        None
    }
}

/// The image format of a tile, sniffed from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TileFormat {
    /// PNG.
    Png,
    /// JPEG.
    Jpeg,
    /// WebP.
    Webp,
}

impl TileFormat {
    /// The format of an image from its magic bytes, `None` for anything else.
    pub fn sniff(data: &[u8]) -> Option<TileFormat> {
        if data.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(TileFormat::Png)
        } else if data.starts_with(&[0xff, 0xd8, 0xff]) {
            Some(TileFormat::Jpeg)
        } else if data.starts_with(b"RIFF") && data.get(8..12) == Some(b"WEBP") {
            Some(TileFormat::Webp)
        } else {
            None
        }
    }

    /// File extension without the dot, also the MBTiles `format` value: `png`, `jpg`, `webp`.
    pub fn extension(self) -> &'static str {
        match self {
            TileFormat::Png => "png",
            TileFormat::Jpeg => "jpg",
            TileFormat::Webp => "webp",
        }
    }

    /// The format for a file extension or MBTiles `format` value (case-insensitive).
    pub fn from_extension(ext: &str) -> Option<TileFormat> {
        match ext.to_ascii_lowercase().as_str() {
            "png" => Some(TileFormat::Png),
            "jpg" | "jpeg" => Some(TileFormat::Jpeg),
            "webp" => Some(TileFormat::Webp),
            _ => None,
        }
    }
}

/// Opens a tile store, choosing the kind by content: a folder is an XYZ tree, a file starting
/// with `PMTiles` a PMTiles archive, an SQLite database an MBTiles file; the `.pmtiles` and
/// `.mbtiles` extensions decide when the content does not.
pub fn open_store(path: &Path) -> Result<Box<dyn TileStore + Send + Sync>, TileError> {
    let meta = std::fs::metadata(path).map_err(|source| TileError::Io {
        action: "open",
        path: path.to_owned(),
        source,
    })?;
    if meta.is_dir() {
        return Ok(Box::new(XyzDir::open(path)?));
    }
    let head = read_head(path)?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if head.starts_with(pmtiles::MAGIC) || ext.as_deref() == Some("pmtiles") {
        Ok(Box::new(PmTiles::open(path)?))
    } else if head.starts_with(b"SQLite format 3\0") || ext.as_deref() == Some("mbtiles") {
        Ok(Box::new(MbTiles::open(path)?))
    } else {
        Err(TileError::UnknownKind {
            path: path.to_owned(),
            why: format!(
                "expected a folder of {{z}}/{{x}}/{{y}}.png tiles, an .mbtiles or a .pmtiles file; \
                 this file starts with {:02x?}",
                head.get(..8).unwrap_or(&head)
            ),
        })
    }
}

fn read_head(path: &Path) -> Result<Vec<u8>, TileError> {
    use std::io::Read;
    let io = |source| TileError::Io {
        action: "read",
        path: path.to_owned(),
        source,
    };
    let mut head = Vec::with_capacity(16);
    std::fs::File::open(path)
        .map_err(io)?
        .take(16)
        .read_to_end(&mut head)
        .map_err(io)?;
    Ok(head)
}

/// Unwraps a gzip-compressed tile (vector tiles often are; images never start like gzip).
fn decompress_tile(data: Vec<u8>, path: &Path, id: TileId) -> Result<Vec<u8>, TileError> {
    if !gzip::is_gzip(&data) {
        return Ok(data);
    }
    gzip::gunzip(&data, MAX_TILE_BYTES).map_err(|e| TileError::BadTile {
        path: path.to_owned(),
        id,
        why: e.to_string(),
    })
}

/// A fresh, empty temporary folder for one test (named by process and `name`).
#[cfg(test)]
pub(crate) fn test_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("steppe-tiles-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    let _ = std::fs::create_dir_all(&d);
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed demo set (examples/gen_demo_tiles.rs) covers the simulator's flying area
    /// at every zoom, decodes, and joins seamlessly across tiles and zoom levels.
    #[test]
    fn demo_tile_set_covers_home_and_joins_up() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/tiles/demo");
        let store = open_store(&root).unwrap();
        assert_eq!(store.zoom_range(), Some((3, 18)));
        let home = crate::sim::config::DEFAULT_HOME;
        let decode = |id: TileId| {
            let png = store
                .get(id)
                .unwrap()
                .unwrap_or_else(|| panic!("no tile {id}"));
            image::load_from_memory(&png).unwrap().to_rgb8()
        };
        for z in 3..=18 {
            let img = decode(TileId::containing(home, z));
            assert_eq!(img.dimensions(), (256, 256));
        }
        // The survey area (700 m east, 300 m north of home) with a margin, at full detail.
        let area = BBox::around(home, 900.0, 900.0).unwrap();
        for id in tiles_covering(&area, 13..=18) {
            assert!(store.get(id).unwrap().is_some(), "missing {id}");
        }
        let mean_diff = |a: &[[u8; 3]], b: &[[u8; 3]]| {
            let sum: u32 = a
                .iter()
                .zip(b)
                .flat_map(|(p, q)| (0..3).map(move |i| u32::from(p[i].abs_diff(q[i]))))
                .sum();
            f64::from(sum) / (a.len() * 3) as f64
        };
        // Across a tile edge: the last column of one tile against the first of the next.
        let a = TileId::containing(home, 18);
        let (left, right) = (decode(a), decode(TileId { x: a.x + 1, ..a }));
        let edge_l: Vec<[u8; 3]> = (0..256).map(|y| left.get_pixel(255, y).0).collect();
        let edge_r: Vec<[u8; 3]> = (0..256).map(|y| right.get_pixel(0, y).0).collect();
        let inner: Vec<[u8; 3]> = (0..256).map(|y| left.get_pixel(254, y).0).collect();
        let across = mean_diff(&edge_l, &edge_r);
        assert!(across <= mean_diff(&edge_l, &inner) + 6.0, "seam {across}");
        // Across zooms: the zoom-18 tile halved looks like its quarter of the zoom-17 tile.
        let parent = decode(a.parent().unwrap());
        let (ox, oy) = ((a.x % 2) * 128, (a.y % 2) * 128);
        let mut halved = Vec::new();
        let mut quarter = Vec::new();
        for y in 0..128 {
            for x in 0..128 {
                let px = |dx, dy| left.get_pixel(2 * x + dx, 2 * y + dy).0;
                let avg = |i: usize| {
                    let s: u32 = [px(0, 0), px(1, 0), px(0, 1), px(1, 1)]
                        .iter()
                        .map(|p| u32::from(p[i]))
                        .sum();
                    (s / 4) as u8
                };
                halved.push([avg(0), avg(1), avg(2)]);
                quarter.push(parent.get_pixel(ox + x, oy + y).0);
            }
        }
        let zoom_diff = mean_diff(&halved, &quarter);
        assert!(
            zoom_diff < 8.0,
            "zoom 17 and 18 disagree by {zoom_diff} levels"
        );
    }

    #[test]
    fn sniffs_formats() {
        assert_eq!(
            TileFormat::sniff(b"\x89PNG\r\n\x1a\nrest"),
            Some(TileFormat::Png)
        );
        assert_eq!(
            TileFormat::sniff(&[0xff, 0xd8, 0xff, 0xe0]),
            Some(TileFormat::Jpeg)
        );
        assert_eq!(
            TileFormat::sniff(b"RIFF\0\0\0\0WEBPVP8 "),
            Some(TileFormat::Webp)
        );
        assert_eq!(TileFormat::sniff(b"<html>"), None);
        assert_eq!(TileFormat::from_extension("JPEG"), Some(TileFormat::Jpeg));
    }

    #[test]
    fn open_store_explains_unknown_files() {
        let dir = test_dir("tiles-open");
        let missing = open_store(&dir.join("nope.mbtiles")).err().unwrap();
        assert!(missing.to_string().contains("nope.mbtiles"), "{missing}");
        let text = dir.join("notes.txt");
        std::fs::write(&text, "hello").unwrap();
        let err = open_store(&text).err().unwrap().to_string();
        assert!(
            err.contains("notes.txt") && err.contains(".pmtiles"),
            "{err}"
        );
        let fake = dir.join("fake.pmtiles");
        std::fs::write(&fake, "hello").unwrap();
        let err = open_store(&fake).err().unwrap().to_string();
        assert!(
            err.contains("fake.pmtiles") && err.contains("PMTiles"),
            "{err}"
        );
    }
}
