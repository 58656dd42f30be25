//! Gzip (RFC 1952) for PMTiles directories and tiles.
//!
//! Why this exists: the deflate codec Steppe already links is the one inside the `zip` crate
//! (used for KMZ); `flate2` is only a transitive dependency and cannot be named from here. A gzip
//! member is a small header, a raw deflate stream, and a CRC-32 + length trailer; a zip entry is
//! the same deflate stream with a different wrapper. So [`gunzip`] parses the gzip header,
//! rewraps the stream as a one-entry in-memory zip archive and lets `zip` inflate it and check
//! the CRC. If `flate2` becomes a direct dependency this file shrinks to `GzDecoder`.
//!
//! Every size is bounded: the caller gives the largest output it accepts, and the declared
//! length is checked before anything is inflated.

use std::io::{Cursor, Read};

/// Gzip decoding and encoding failures.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GzipError {
    /// The data does not start with the gzip magic bytes or is shorter than a gzip member.
    #[error("not gzip data: {0}")]
    NotGzip(String),
    /// The member declares more output than the caller accepts.
    #[error("gzip data inflates to {declared_bytes} bytes, more than the limit of {limit_bytes}")]
    TooLarge {
        /// Uncompressed size from the gzip trailer.
        declared_bytes: u64,
        /// The caller's limit.
        limit_bytes: u64,
    },
    /// The deflate stream or its CRC is damaged.
    #[error("corrupt gzip data: {0}")]
    Corrupt(String),
}

const MAGIC: [u8; 2] = [0x1f, 0x8b];
const FHCRC: u8 = 0x02;
const FEXTRA: u8 = 0x04;
const FNAME: u8 = 0x08;
const FCOMMENT: u8 = 0x10;
/// Largest compressed input accepted (the zip wrapper uses 32-bit sizes).
const MAX_INPUT_BYTES: usize = 1 << 30;

/// True when `data` starts like a gzip member.
pub(crate) fn is_gzip(data: &[u8]) -> bool {
    data.starts_with(&MAGIC)
}

/// Inflates one gzip member, refusing output longer than `limit_bytes`.
pub(crate) fn gunzip(data: &[u8], limit_bytes: usize) -> Result<Vec<u8>, GzipError> {
    if data.len() > MAX_INPUT_BYTES {
        return Err(GzipError::TooLarge {
            declared_bytes: data.len() as u64,
            limit_bytes: MAX_INPUT_BYTES as u64,
        });
    }
    let body_start = header_len(data)?;
    let trailer_start = data
        .len()
        .checked_sub(8)
        .filter(|&t| t >= body_start)
        .ok_or_else(|| GzipError::NotGzip(format!("{} bytes is too short", data.len())))?;
    let (stream, trailer) = data.split_at(trailer_start);
    let deflate = stream.get(body_start..).unwrap_or_default();
    let crc = le_u32(trailer, 0).unwrap_or_default();
    let declared = le_u32(trailer, 4).unwrap_or_default();
    if declared as usize > limit_bytes {
        return Err(GzipError::TooLarge {
            declared_bytes: u64::from(declared),
            limit_bytes: limit_bytes as u64,
        });
    }
    let archive = wrap_as_zip(deflate, crc, declared);
    let mut zip = zip::ZipArchive::new(Cursor::new(archive))
        .map_err(|e| GzipError::Corrupt(e.to_string()))?;
    let entry = zip
        .by_index(0)
        .map_err(|e| GzipError::Corrupt(e.to_string()))?;
    // The trailer is untrusted until the CRC matches: grow as data actually arrives.
    let mut out = Vec::with_capacity((declared as usize).min(1 << 20));
    entry
        .take(limit_bytes as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| GzipError::Corrupt(e.to_string()))?;
    if out.len() != declared as usize {
        return Err(GzipError::Corrupt(format!(
            "inflated {} bytes, the trailer says {declared} (several gzip members, or trailing bytes?)",
            out.len()
        )));
    }
    Ok(out)
}

/// Compresses `data` into one gzip member (deflate, best compression). Test archives only.
#[cfg(test)]
pub(crate) fn gzip(data: &[u8]) -> Result<Vec<u8>, GzipError> {
    use std::io::Write;
    let fail = |e: &dyn std::fmt::Display| GzipError::Corrupt(format!("cannot compress: {e}"));
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    writer.start_file("t", options).map_err(|e| fail(&e))?;
    writer.write_all(data).map_err(|e| fail(&e))?;
    let archive = writer.finish().map_err(|e| fail(&e))?.into_inner();
    let mut zip = zip::ZipArchive::new(Cursor::new(archive)).map_err(|e| fail(&e))?;
    let mut entry = zip.by_index_raw(0).map_err(|e| fail(&e))?;
    let crc = entry.crc32();
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 0xff];
    entry.read_to_end(&mut out).map_err(|e| fail(&e))?;
    out.extend_from_slice(&crc.to_le_bytes());
    // ISIZE is the length modulo 2^32 by definition.
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    Ok(out)
}

/// Length of the gzip member header, after the optional fields the flags announce.
fn header_len(data: &[u8]) -> Result<usize, GzipError> {
    let fixed = data
        .get(..10)
        .ok_or_else(|| GzipError::NotGzip(format!("{} bytes is too short", data.len())))?;
    if !fixed.starts_with(&MAGIC) {
        return Err(GzipError::NotGzip(format!(
            "starts with {:02x?}, expected 1f 8b",
            fixed.get(..2).unwrap_or_default()
        )));
    }
    let (method, flags) = (fixed.get(2).copied(), fixed.get(3).copied().unwrap_or(0));
    if method != Some(8) {
        return Err(GzipError::NotGzip(format!(
            "compression method {method:?}, expected 8 (deflate)"
        )));
    }
    let truncated = || GzipError::NotGzip("header truncated".into());
    let mut pos = 10usize;
    if flags & FEXTRA != 0 {
        let xlen = data
            .get(pos..pos + 2)
            .and_then(|b| <[u8; 2]>::try_from(b).ok())
            .map(|b| usize::from(u16::from_le_bytes(b)))
            .ok_or_else(truncated)?;
        pos += 2 + xlen;
    }
    for flag in [FNAME, FCOMMENT] {
        if flags & flag != 0 {
            let rest = data.get(pos..).ok_or_else(truncated)?;
            let nul = rest.iter().position(|&b| b == 0).ok_or_else(truncated)?;
            pos += nul + 1;
        }
    }
    if flags & FHCRC != 0 {
        pos += 2;
    }
    if pos > data.len() {
        return Err(truncated());
    }
    Ok(pos)
}

fn le_u32(data: &[u8], at: usize) -> Option<u32> {
    let b: [u8; 4] = data.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_le_bytes(b))
}

/// A one-entry zip archive (local header, data, central directory, end record) holding the raw
/// deflate stream, so that `zip` inflates it and verifies the CRC.
fn wrap_as_zip(deflate: &[u8], crc: u32, uncompressed: u32) -> Vec<u8> {
    // Sizes fit: the input was checked against MAX_INPUT_BYTES.
    let compressed = deflate.len() as u32;
    let common = |out: &mut Vec<u8>| {
        for v in [20u16, 0, 8, 0, 0x21] {
            // version needed, flags, method (deflate), time, date (1980-01-01)
            out.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, compressed, uncompressed] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for v in [1u16, 0] {
            // name length, extra length
            out.extend_from_slice(&v.to_le_bytes());
        }
    };
    let mut out = Vec::with_capacity(deflate.len() + 128);
    out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    common(&mut out);
    out.push(b't');
    out.extend_from_slice(deflate);
    let central_at = out.len() as u32;
    out.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    out.extend_from_slice(&20u16.to_le_bytes()); // version made by
    common(&mut out);
    for v in [0u16, 0, 0] {
        // comment length, disk, internal attributes
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&0u32.to_le_bytes()); // external attributes
    out.extend_from_slice(&0u32.to_le_bytes()); // local header offset
    out.push(b't');
    let central_len = out.len() as u32 - central_at;
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    for v in [0u16, 0, 1, 1] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&central_len.to_le_bytes());
    out.extend_from_slice(&central_at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        let packed = gzip(&data).unwrap();
        assert!(is_gzip(&packed));
        assert!(packed.len() < data.len() / 4);
        assert_eq!(gunzip(&packed, 1 << 20).unwrap(), data);
        assert_eq!(gunzip(&gzip(b"").unwrap(), 10).unwrap(), b"");
    }

    #[test]
    fn reads_gzip_written_by_other_tools() {
        // `printf hello | gzip -n` (GNU gzip), and the same with a file name (FNAME flag).
        let plain = [
            0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xcb, 0x48, 0xcd, 0xc9,
            0xc9, 0x07, 0x00, 0x86, 0xa6, 0x10, 0x36, 0x05, 0x00, 0x00, 0x00,
        ];
        assert_eq!(gunzip(&plain, 100).unwrap(), b"hello");
        let mut named = plain.to_vec();
        named[3] = FNAME;
        named.splice(10..10, b"h.txt\0".iter().copied());
        assert_eq!(gunzip(&named, 100).unwrap(), b"hello");
    }

    #[test]
    fn refuses_bad_input_without_panicking() {
        let packed = gzip(&[7u8; 5000]).unwrap();
        assert!(matches!(
            gunzip(&packed, 100),
            Err(GzipError::TooLarge {
                declared_bytes: 5000,
                ..
            })
        ));
        assert!(matches!(gunzip(b"PNG", 10), Err(GzipError::NotGzip(_))));
        let mut flipped = packed.clone();
        let mid = flipped.len() / 2;
        flipped[mid] ^= 0x55;
        assert!(gunzip(&flipped, 10_000).is_err());
        for cut in 0..packed.len() {
            assert!(gunzip(&packed[..cut], 10_000).is_err(), "cut at {cut}");
        }
        // A lying trailer that claims less than the stream holds.
        let mut short = packed.clone();
        let n = short.len();
        short[n - 4..].copy_from_slice(&10u32.to_le_bytes());
        assert!(gunzip(&short, 10_000).is_err());
    }
}
