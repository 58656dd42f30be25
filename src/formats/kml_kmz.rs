//! KMZ: a zip archive holding a KML document (`doc.kml` by convention) and its images. Only the
//! KML is read. A KMZ comes from outside, so the archive is treated as hostile: more than
//! [`MAX_KMZ_ENTRIES`] entries, or a KML entry that declares or actually inflates to more than
//! [`MAX_KMZ_ENTRY_BYTES`], is refused before it can exhaust memory, and a damaged archive is an
//! error, never a panic.

use crate::formats::boundary::BoundaryError;
use crate::formats::kml::read_kml;
use crate::plan::area::Area;
use std::io::{Cursor, Read};

/// Most entries a KMZ may have.
pub const MAX_KMZ_ENTRIES: u64 = 1000;
/// Largest uncompressed KML entry read from a KMZ (50 MiB).
pub const MAX_KMZ_ENTRY_BYTES: u64 = 50 * 1024 * 1024;

/// Reads the polygons of the KML inside a KMZ: `doc.kml` at the root if present, else the
/// first entry (in archive order) whose name ends in `.kml`.
pub fn read_kmz(bytes: &[u8]) -> Result<Vec<Area>, BoundaryError> {
    read_kmz_limited(bytes, MAX_KMZ_ENTRIES, MAX_KMZ_ENTRY_BYTES)
}

fn zip_error(e: impl std::fmt::Display) -> BoundaryError {
    BoundaryError::Zip {
        message: e.to_string(),
    }
}

/// Entry count from the end-of-central-directory record, read before the zip reader parses
/// (and allocates for) the whole central directory. `None` when not found or zip64.
fn declared_entries(bytes: &[u8]) -> Option<u64> {
    const EOCD: &[u8] = b"PK\x05\x06";
    let tail_start = bytes.len().saturating_sub(22 + 65_535);
    let tail = bytes.get(tail_start..)?;
    let at = tail.windows(4).rposition(|w| w == EOCD)?;
    let field = tail.get(at + 10..at + 12)?;
    let n = u16::from_le_bytes([*field.first()?, *field.get(1)?]);
    (n != u16::MAX).then_some(u64::from(n))
}

/// [`read_kmz`] with explicit limits (tests use small ones).
pub(crate) fn read_kmz_limited(
    bytes: &[u8],
    max_entries: u64,
    max_bytes: u64,
) -> Result<Vec<Area>, BoundaryError> {
    if let Some(count) = declared_entries(bytes)
        && count > max_entries
    {
        return Err(BoundaryError::TooManyEntries {
            count,
            limit: max_entries,
        });
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(zip_error)?;
    let count = archive.len() as u64;
    if count > max_entries {
        return Err(BoundaryError::TooManyEntries {
            count,
            limit: max_entries,
        });
    }
    let names: Vec<String> = (0..archive.len())
        .map(|i| match archive.name_for_index(i) {
            Some(Ok(n)) => n.into_owned(),
            _ => String::new(),
        })
        .collect();
    let is_kml = |n: &str| n.to_ascii_lowercase().ends_with(".kml");
    let chosen = names
        .iter()
        .position(|n| n.eq_ignore_ascii_case("doc.kml"))
        .or_else(|| names.iter().position(|n| is_kml(n)));
    let Some(index) = chosen else {
        let mut listed: Vec<&str> = names.iter().take(10).map(String::as_str).collect();
        if names.len() > 10 {
            listed.push("...");
        }
        return Err(BoundaryError::NoKmlInKmz {
            entries: if listed.is_empty() {
                "none".to_owned()
            } else {
                listed.join(", ")
            },
        });
    };
    let name = names.get(index).cloned().unwrap_or_default();
    let entry = archive.by_index(index).map_err(zip_error)?;
    if entry.size() > max_bytes {
        return Err(BoundaryError::EntryTooLarge {
            name,
            size: entry.size(),
            which: "declared",
            limit: max_bytes,
        });
    }
    let mut data = Vec::new();
    entry
        .take(max_bytes + 1)
        .read_to_end(&mut data)
        .map_err(zip_error)?;
    if data.len() as u64 > max_bytes {
        return Err(BoundaryError::EntryTooLarge {
            name,
            size: data.len() as u64,
            which: "actual, still growing",
            limit: max_bytes,
        });
    }
    let text = String::from_utf8(data).map_err(|e| BoundaryError::NotUtf8 {
        what: format!("KMZ entry '{name}'"),
        offset: e.utf8_error().valid_up_to(),
    })?;
    read_kml(&text)
}
