//! The PMTiles reader: a file handle, the parsed root directory and a small cache of leaf
//! directories, answering tile requests by walking root, leaves and the data section.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::format::{
    Compression, Entry, HEADER_LEN, Header, PmTilesError, find, hilbert_tile_id, parse_directory,
};
use crate::tiles::gzip;
use crate::tiles::{BBox, MAX_TILE_BYTES, MAX_ZOOM, TileError, TileId, TileStore};

/// Largest directory accepted, compressed or not, bytes.
const MAX_DIR_BYTES: u64 = 64 << 20;
/// Largest JSON metadata accepted, bytes.
const MAX_METADATA_BYTES: u64 = 16 << 20;
/// Leaf directory levels followed below the root before giving up.
const MAX_LEAF_DEPTH: usize = 4;
/// Parsed leaf directories kept in memory.
const LEAF_CACHE: usize = 64;

/// A PMTiles v3 archive opened for reading (thread-safe; reads seek a shared file handle).
#[derive(Debug)]
pub struct PmTiles {
    path: PathBuf,
    file: Mutex<File>,
    file_len: u64,
    header: Header,
    root: Vec<Entry>,
    leaves: LeafCache,
}

/// Parsed leaf directories by (offset, length).
type LeafCache = Mutex<HashMap<(u64, u64), Arc<Vec<Entry>>>>;

impl PmTiles {
    /// Opens an archive: reads and checks the header and the root directory.
    pub fn open(path: &Path) -> Result<PmTiles, TileError> {
        let io = |action| {
            move |source| TileError::Io {
                action,
                path: path.to_owned(),
                source,
            }
        };
        let mut file = File::open(path).map_err(io("open"))?;
        let file_len = file.metadata().map_err(io("read"))?.len();
        let mut head = Vec::with_capacity(HEADER_LEN);
        (&mut file)
            .take(HEADER_LEN as u64)
            .read_to_end(&mut head)
            .map_err(io("read"))?;
        let fail = |source| TileError::PmTiles {
            path: path.to_owned(),
            source,
        };
        let header = Header::parse(&head).map_err(fail)?;
        if head.len() < HEADER_LEN || file_len < HEADER_LEN as u64 {
            return Err(fail(PmTilesError::TooShort {
                len_bytes: file_len,
            }));
        }
        for (what, compression) in [
            ("directories", header.internal_compression),
            ("tiles", header.tile_compression),
        ] {
            let ok = matches!(compression, Compression::None | Compression::Gzip)
                || (what == "tiles" && compression == Compression::Unknown);
            if !ok {
                return Err(fail(PmTilesError::Compression { what, compression }));
            }
        }
        for (what, offset, length) in [
            ("root directory", header.root_offset, header.root_length),
            ("metadata", header.metadata_offset, header.metadata_length),
            (
                "leaf directory section",
                header.leaf_offset,
                header.leaf_length,
            ),
            ("tile data section", header.data_offset, header.data_length),
        ] {
            check_inside(what, offset, length, file_len, "file").map_err(fail)?;
        }
        let mut store = PmTiles {
            path: path.to_owned(),
            file: Mutex::new(file),
            file_len,
            header,
            root: Vec::new(),
            leaves: Mutex::new(HashMap::new()),
        };
        let (offset, length) = (store.header.root_offset, store.header.root_length);
        store.root = store
            .read_directory(offset, length, "root directory")
            .map_err(fail)?;
        Ok(store)
    }

    /// The header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The JSON metadata (attribution, layer names, ...), decompressed, as text.
    pub fn metadata_json(&self) -> Result<String, TileError> {
        let (offset, length) = (self.header.metadata_offset, self.header.metadata_length);
        let fail = |source| TileError::PmTiles {
            path: self.path.clone(),
            source,
        };
        let raw = self
            .read_internal(offset, length, MAX_METADATA_BYTES, "metadata")
            .map_err(fail)?;
        String::from_utf8(raw).map_err(|e| {
            fail(PmTilesError::Corrupt {
                what: "metadata".into(),
                why: format!("not UTF-8 text ({e})"),
            })
        })
    }

    /// Reads `length` bytes at `offset` (already checked against the file).
    fn read_at(&self, offset: u64, length: u64) -> Result<Vec<u8>, std::io::Error> {
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        file.seek(SeekFrom::Start(offset))?;
        let mut buf = Vec::with_capacity(usize::try_from(length).unwrap_or(0));
        (&mut *file).take(length).read_to_end(&mut buf)?;
        if (buf.len() as u64) < length {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!(
                    "file ended after {} of {length} bytes at offset {offset}",
                    buf.len()
                ),
            ));
        }
        Ok(buf)
    }

    /// Reads and decompresses a directory or the metadata.
    fn read_internal(
        &self,
        offset: u64,
        length: u64,
        limit: u64,
        what: &str,
    ) -> Result<Vec<u8>, PmTilesError> {
        if length > limit {
            return Err(PmTilesError::TooLarge {
                what: what.to_owned(),
                length,
                limit,
            });
        }
        check_inside(what, offset, length, self.file_len, "file")?;
        let raw = self
            .read_at(offset, length)
            .map_err(|e| PmTilesError::Corrupt {
                what: what.to_owned(),
                why: format!("cannot read it: {e}"),
            })?;
        match self.header.internal_compression {
            Compression::Gzip => {
                gzip::gunzip(&raw, limit as usize).map_err(|source| PmTilesError::Gzip {
                    what: what.to_owned(),
                    source,
                })
            }
            _ => Ok(raw),
        }
    }

    fn read_directory(
        &self,
        offset: u64,
        length: u64,
        what: &str,
    ) -> Result<Vec<Entry>, PmTilesError> {
        let data = self.read_internal(offset, length, MAX_DIR_BYTES, what)?;
        parse_directory(&data, what)
    }

    /// A leaf directory, from the cache or the file. `offset` is relative to the leaf section.
    fn leaf(&self, offset: u64, length: u32) -> Result<Arc<Vec<Entry>>, PmTilesError> {
        let key = (offset, u64::from(length));
        if let Some(hit) = self
            .leaves
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
        {
            return Ok(Arc::clone(hit));
        }
        let what = format!("leaf directory at offset {offset}");
        check_inside(
            &what,
            offset,
            key.1,
            self.header.leaf_length,
            "leaf directory section",
        )?;
        let absolute = self.header.leaf_offset.saturating_add(offset);
        let entries = Arc::new(self.read_directory(absolute, key.1, &what)?);
        let mut cache = self.leaves.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() >= LEAF_CACHE {
            cache.clear();
        }
        cache.insert(key, Arc::clone(&entries));
        Ok(entries)
    }

    /// Finds the data entry of a tile, following leaf directories.
    fn locate(&self, tile_id: u64) -> Result<Option<Entry>, PmTilesError> {
        let mut dir: Option<Arc<Vec<Entry>>> = None;
        for _ in 0..=MAX_LEAF_DEPTH {
            let entries = dir.as_deref().map_or(self.root.as_slice(), Vec::as_slice);
            let Some(entry) = find(entries, tile_id).copied() else {
                return Ok(None);
            };
            if entry.run_length > 0 {
                let covered = tile_id - entry.tile_id < u64::from(entry.run_length);
                return Ok(covered.then_some(entry));
            }
            dir = Some(self.leaf(entry.offset, entry.length)?);
        }
        Err(PmTilesError::Corrupt {
            what: "leaf directories".into(),
            why: format!("nested deeper than {MAX_LEAF_DEPTH} levels"),
        })
    }
}

impl TileStore for PmTiles {
    fn get(&self, id: TileId) -> Result<Option<Vec<u8>>, TileError> {
        if !id.is_valid() {
            return Err(TileError::InvalidTile { id });
        }
        let bad = |why: String| TileError::BadTile {
            path: self.path.clone(),
            id,
            why,
        };
        let Some(entry) = self
            .locate(hilbert_tile_id(id))
            .map_err(|e| bad(e.to_string()))?
        else {
            return Ok(None);
        };
        let length = u64::from(entry.length);
        if length > MAX_TILE_BYTES as u64 {
            return Err(bad(format!("{length} bytes, more than {MAX_TILE_BYTES}")));
        }
        check_inside(
            "tile",
            entry.offset,
            length,
            self.header.data_length,
            "tile data section",
        )
        .map_err(|e| bad(e.to_string()))?;
        let absolute = self.header.data_offset.saturating_add(entry.offset);
        let data = self
            .read_at(absolute, length)
            .map_err(|e| bad(e.to_string()))?;
        match self.header.tile_compression {
            Compression::Gzip => gzip::gunzip(&data, MAX_TILE_BYTES)
                .map(Some)
                .map_err(|e| bad(e.to_string())),
            _ => crate::tiles::decompress_tile(data, &self.path, id).map(Some),
        }
    }

    fn describe(&self) -> String {
        let kind = match self.header.tile_type {
            1 => "vector tiles",
            2 => "png",
            3 => "jpg",
            4 => "webp",
            5 => "avif",
            _ => "unknown format",
        };
        let (lo, hi) = (self.header.min_zoom, self.header.max_zoom);
        format!("PMTiles {} ({kind}, zoom {lo}-{hi})", self.path.display())
    }

    fn zoom_range(&self) -> Option<(u8, u8)> {
        let (lo, hi) = (self.header.min_zoom, self.header.max_zoom.min(MAX_ZOOM));
        (lo <= hi).then_some((lo, hi))
    }

    fn bounds(&self) -> Option<BBox> {
        let [w, s, e, n] = self.header.bounds_e7.map(|v| f64::from(v) * 1e-7);
        BBox::new(s, w, n, e).ok()
    }
}

/// Checks that `offset..offset + length` lies within `0..limit`.
fn check_inside(
    what: &str,
    offset: u64,
    length: u64,
    limit: u64,
    within: &'static str,
) -> Result<(), PmTilesError> {
    match offset.checked_add(length) {
        Some(end) if end <= limit => Ok(()),
        _ => Err(PmTilesError::OutOfBounds {
            what: what.to_owned(),
            offset,
            length,
            limit,
            within,
        }),
    }
}
