//! The PMTiles v3 binary format: the fixed header, Hilbert tile ids, and directory decoding.
//! Pure functions over bytes; every length read is checked before it is trusted.

use crate::tiles::TileId;
use crate::tiles::gzip::GzipError;

/// The first bytes of every PMTiles archive (followed by the version byte).
pub const MAGIC: &[u8] = b"PMTiles";
/// Length of the fixed header, bytes.
pub const HEADER_LEN: usize = 127;

/// Why a file is not a readable PMTiles v3 archive.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PmTilesError {
    /// Shorter than the header.
    #[error("the file is {len_bytes} bytes, shorter than the {HEADER_LEN}-byte header")]
    TooShort {
        /// File length.
        len_bytes: u64,
    },
    /// Wrong magic bytes.
    #[error("it does not start with \"PMTiles\" (found {found:02x?})")]
    BadMagic {
        /// The first seven bytes.
        found: Vec<u8>,
    },
    /// A version other than 3.
    #[error(
        "spec version {found}; Steppe reads version 3 (`pmtiles convert` upgrades older archives)"
    )]
    Version {
        /// The version byte.
        found: u8,
    },
    /// A section or entry that points outside the file or its section.
    #[error(
        "the {what} at offset {offset} with length {length} lies outside its {limit}-byte {within}"
    )]
    OutOfBounds {
        /// What was being located.
        what: String,
        /// Its offset, bytes.
        offset: u64,
        /// Its length, bytes.
        length: u64,
        /// Size of the enclosing region, bytes.
        limit: u64,
        /// The enclosing region ("file", "leaf directory section", ...).
        within: &'static str,
    },
    /// A section larger than Steppe accepts.
    #[error("the {what} is {length} bytes, more than the {limit} bytes Steppe accepts")]
    TooLarge {
        /// The section.
        what: String,
        /// Its length, bytes.
        length: u64,
        /// The limit, bytes.
        limit: u64,
    },
    /// A compression Steppe cannot decode.
    #[error("{what} use {compression:?} compression; Steppe reads none or gzip")]
    Compression {
        /// "directories" or "tiles".
        what: &'static str,
        /// The header's value.
        compression: Compression,
    },
    /// A directory that does not decode.
    #[error("corrupt {what}: {why}")]
    Corrupt {
        /// The directory.
        what: String,
        /// What is wrong.
        why: String,
    },
    /// A gzip stream that does not decode.
    #[error("{what}: {source}")]
    Gzip {
        /// What was compressed.
        what: String,
        /// Why it failed.
        source: GzipError,
    },
}

/// A compression method code from the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// 0: not stated.
    Unknown,
    /// 1: not compressed.
    None,
    /// 2: gzip.
    Gzip,
    /// 3: brotli.
    Brotli,
    /// 4: zstd.
    Zstd,
    /// Any other code.
    Other(u8),
}

impl From<u8> for Compression {
    fn from(v: u8) -> Self {
        match v {
            0 => Compression::Unknown,
            1 => Compression::None,
            2 => Compression::Gzip,
            3 => Compression::Brotli,
            4 => Compression::Zstd,
            o => Compression::Other(o),
        }
    }
}

/// The fixed 127-byte header. Offsets and lengths are bytes from the start of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Root directory offset.
    pub root_offset: u64,
    /// Root directory length.
    pub root_length: u64,
    /// JSON metadata offset.
    pub metadata_offset: u64,
    /// JSON metadata length.
    pub metadata_length: u64,
    /// Leaf directory section offset.
    pub leaf_offset: u64,
    /// Leaf directory section length.
    pub leaf_length: u64,
    /// Tile data section offset.
    pub data_offset: u64,
    /// Tile data section length.
    pub data_length: u64,
    /// Number of tiles addressed (0 if unknown).
    pub addressed_tiles: u64,
    /// Number of tile entries (0 if unknown).
    pub tile_entries: u64,
    /// Number of distinct tile contents (0 if unknown).
    pub tile_contents: u64,
    /// True when tile data is ordered by tile id.
    pub clustered: bool,
    /// Compression of directories and metadata.
    pub internal_compression: Compression,
    /// Compression of each tile.
    pub tile_compression: Compression,
    /// Tile type code: 0 unknown, 1 MVT, 2 PNG, 3 JPEG, 4 WebP, 5 AVIF.
    pub tile_type: u8,
    /// Lowest zoom.
    pub min_zoom: u8,
    /// Highest zoom.
    pub max_zoom: u8,
    /// Bounds: west, south, east, north, degrees * 1e7.
    pub bounds_e7: [i32; 4],
    /// Suggested initial zoom.
    pub center_zoom: u8,
    /// Suggested initial centre: longitude, latitude, degrees * 1e7.
    pub center_e7: [i32; 2],
}

impl Header {
    /// Parses and checks the header (magic, version) from the first bytes of a file.
    pub fn parse(b: &[u8]) -> Result<Header, PmTilesError> {
        if b.len() < HEADER_LEN {
            return Err(PmTilesError::TooShort {
                len_bytes: b.len() as u64,
            });
        }
        if !b.starts_with(MAGIC) {
            if b.starts_with(b"PM") {
                // Version 1 and 2 archives start with "PM" and a little-endian version number.
                return Err(PmTilesError::Version {
                    found: b.get(2).copied().unwrap_or(0),
                });
            }
            return Err(PmTilesError::BadMagic {
                found: b.get(..MAGIC.len()).unwrap_or_default().to_vec(),
            });
        }
        let byte = |at: usize| b.get(at).copied().unwrap_or(0);
        let u64_at = |at: usize| {
            let mut v = [0u8; 8];
            v.copy_from_slice(b.get(at..at + 8).unwrap_or(&[0; 8]));
            u64::from_le_bytes(v)
        };
        let i32_at = |at: usize| {
            let mut v = [0u8; 4];
            v.copy_from_slice(b.get(at..at + 4).unwrap_or(&[0; 4]));
            i32::from_le_bytes(v)
        };
        // Some early v3 writers stored the version as the character '3'.
        if byte(7) != 3 && byte(7) != b'3' {
            return Err(PmTilesError::Version { found: byte(7) });
        }
        Ok(Header {
            root_offset: u64_at(8),
            root_length: u64_at(16),
            metadata_offset: u64_at(24),
            metadata_length: u64_at(32),
            leaf_offset: u64_at(40),
            leaf_length: u64_at(48),
            data_offset: u64_at(56),
            data_length: u64_at(64),
            addressed_tiles: u64_at(72),
            tile_entries: u64_at(80),
            tile_contents: u64_at(88),
            clustered: byte(96) == 1,
            internal_compression: byte(97).into(),
            tile_compression: byte(98).into(),
            tile_type: byte(99),
            min_zoom: byte(100),
            max_zoom: byte(101),
            bounds_e7: [i32_at(102), i32_at(106), i32_at(110), i32_at(114)],
            center_zoom: byte(118),
            center_e7: [i32_at(119), i32_at(123)],
        })
    }
}

/// The PMTiles tile id of an XYZ tile: the tiles of all lower zooms, plus the position along
/// the zoom level's Hilbert curve. Meaningless for invalid ids (callers check first).
pub fn hilbert_tile_id(id: TileId) -> u64 {
    let z = u32::from(id.z.min(31));
    let base = ((1u64 << (2 * z)) - 1) / 3;
    let n = 1u64 << z;
    let (mut x, mut y) = (u64::from(id.x), u64::from(id.y));
    let mut d = 0u64;
    let mut s = n / 2;
    while s > 0 {
        let rx = u64::from(x & s > 0);
        let ry = u64::from(y & s > 0);
        d = d.wrapping_add(s * s * ((3 * rx) ^ ry));
        if ry == 0 {
            if rx == 1 {
                x = (n - 1).wrapping_sub(x);
                y = (n - 1).wrapping_sub(y);
            }
            std::mem::swap(&mut x, &mut y);
        }
        s /= 2;
    }
    base.wrapping_add(d)
}

/// One directory entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) tile_id: u64,
    pub(crate) offset: u64,
    pub(crate) length: u32,
    pub(crate) run_length: u32,
}

/// Decodes a (decompressed) directory. `what` names it in errors.
pub(crate) fn parse_directory(data: &[u8], what: &str) -> Result<Vec<Entry>, PmTilesError> {
    let corrupt = |why: String| PmTilesError::Corrupt {
        what: what.to_owned(),
        why,
    };
    let mut r = Varints { data, pos: 0 };
    let count = r
        .next()
        .ok_or_else(|| corrupt("the entry count is truncated or overflows".into()))?;
    let mut next = |field: &str, i: u64| {
        r.next().ok_or_else(|| {
            corrupt(format!(
                "the {field} of entry {i} is truncated or overflows"
            ))
        })
    };
    // Each entry takes at least four bytes, which bounds the allocation by the data read.
    if count > data.len() as u64 / 4 {
        return Err(corrupt(format!(
            "{count} entries cannot fit in {} bytes",
            data.len()
        )));
    }
    let mut entries = Vec::with_capacity(count as usize);
    let mut tile_id = 0u64;
    for i in 0..count {
        let delta = next("tile id", i)?;
        tile_id = tile_id
            .checked_add(delta)
            .ok_or_else(|| corrupt(format!("tile id of entry {i} overflows")))?;
        entries.push(Entry {
            tile_id,
            offset: 0,
            length: 0,
            run_length: 0,
        });
    }
    let as_u32 = |v: u64, field: &str, i: u64| {
        u32::try_from(v).map_err(|_| corrupt(format!("{field} {v} of entry {i} is too large")))
    };
    for (i, e) in (0..count).zip(entries.iter_mut()) {
        e.run_length = as_u32(next("run length", i)?, "run length", i)?;
    }
    for (i, e) in (0..count).zip(entries.iter_mut()) {
        e.length = as_u32(next("length", i)?, "length", i)?;
        if e.length == 0 {
            return Err(corrupt(format!("entry {i} has length 0")));
        }
    }
    let mut previous_end: Option<u64> = None;
    for (i, e) in (0..count).zip(entries.iter_mut()) {
        let raw = next("offset", i)?;
        e.offset = match (raw, previous_end) {
            (0, Some(end)) => end,
            (0, None) => return Err(corrupt("the first entry has no offset".into())),
            (v, _) => v - 1,
        };
        previous_end = Some(
            e.offset
                .checked_add(u64::from(e.length))
                .ok_or_else(|| corrupt(format!("offset of entry {i} overflows")))?,
        );
    }
    Ok(entries)
}

/// LEB128 varints, as the directories store them.
struct Varints<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Varints<'_> {
    /// The next varint; `None` when truncated or longer than 64 bits.
    fn next(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self.data.get(self.pos)?;
            self.pos += 1;
            let bits = u64::from(byte & 0x7f);
            if shift == 63 && bits > 1 {
                return None;
            }
            value |= bits << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }
}

/// The entry covering `tile_id` or the leaf pointer that may hold it: the last entry whose id
/// is at most `tile_id`.
pub(crate) fn find(entries: &[Entry], tile_id: u64) -> Option<&Entry> {
    let after = entries.partition_point(|e| e.tile_id <= tile_id);
    entries.get(after.checked_sub(1)?)
}
