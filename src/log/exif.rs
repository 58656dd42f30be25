//! Just enough EXIF for geotagging survey photos: read the time a JPEG was taken
//! (DateTimeOriginal + SubSecTimeOriginal) and write GPS tags into a copy of it.
//!
//! # How GPS tags are added without losing anything
//! A JPEG keeps EXIF in an APP1 segment holding a TIFF structure whose offsets are relative to
//! its own start. Rewriting it from scratch would break the offsets inside maker notes that no
//! generic tool understands. Instead, the original TIFF bytes are kept exactly as they are and
//! two things are appended: the new GPS IFD and a copy of IFD0 with its GPSInfo pointer
//! (tag 0x8825) added or replaced; the header then points at the new IFD0. Every old offset
//! stays valid, so all existing tags (maker notes and thumbnail included) are kept. A JPEG
//! without EXIF gets a new APP1 segment after SOI (after the JFIF APP0 segment, if any). An
//! APP1 segment holds at most 65 533 bytes; a file whose EXIF would grow past that is refused.
//!
//! Everything works on bytes in memory: no file access here.

use chrono::NaiveDateTime;

#[path = "exif_write.rs"]
mod write;
pub use write::{GpsTag, with_date_time_original, with_gps};

/// APP1 segments holding EXIF start with this.
const EXIF_HEADER: &[u8; 6] = b"Exif\0\0";
const TAG_EXIF_IFD: u16 = 0x8769;
const TAG_GPS_IFD: u16 = 0x8825;
const TAG_DATE_TIME_ORIGINAL: u16 = 0x9003;
const TAG_SUBSEC_TIME_ORIGINAL: u16 = 0x9291;
/// Largest APP1 payload (the 16-bit length counts itself).
const MAX_APP1_PAYLOAD: usize = 65_533;

/// Why EXIF could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExifError {
    /// Not a JPEG.
    #[error("not a JPEG file: it does not start with the SOI marker FF D8")]
    NotJpeg,
    /// The JPEG segment structure is broken.
    #[error("broken JPEG at byte {offset}: {why}")]
    Jpeg {
        /// Byte offset in the file.
        offset: usize,
        /// What was wrong.
        why: &'static str,
    },
    /// The EXIF (TIFF) structure is broken.
    #[error("broken EXIF data at TIFF offset {offset}: {why}")]
    Tiff {
        /// Byte offset inside the TIFF structure.
        offset: usize,
        /// What was wrong.
        why: &'static str,
    },
    /// The EXIF segment would grow past its 64 KiB limit.
    #[error(
        "the EXIF segment would be {len} bytes with the GPS tags; a JPEG segment holds at most {MAX_APP1_PAYLOAD}"
    )]
    TooLarge {
        /// Payload size it would have.
        len: usize,
    },
}

/// Byte order of a TIFF structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    Little,
    Big,
}

impl Order {
    fn u16(self, b: [u8; 2]) -> u16 {
        match self {
            Order::Little => u16::from_le_bytes(b),
            Order::Big => u16::from_be_bytes(b),
        }
    }
    fn u32(self, b: [u8; 4]) -> u32 {
        match self {
            Order::Little => u32::from_le_bytes(b),
            Order::Big => u32::from_be_bytes(b),
        }
    }
    fn put16(self, v: u16) -> [u8; 2] {
        match self {
            Order::Little => v.to_le_bytes(),
            Order::Big => v.to_be_bytes(),
        }
    }
    fn put32(self, v: u32) -> [u8; 4] {
        match self {
            Order::Little => v.to_le_bytes(),
            Order::Big => v.to_be_bytes(),
        }
    }
}

/// One IFD entry as stored: tag, type, count and the 4 value-or-offset bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RawEntry {
    tag: u16,
    typ: u16,
    count: u32,
    value: [u8; 4],
}

/// A JPEG segment: marker and the byte range of the whole segment (marker included).
#[derive(Debug, Clone, Copy)]
struct Segment {
    marker: u8,
    start: usize,
    payload: usize,
    end: usize,
}

/// The header segments of a JPEG, up to the start of scan. With `lenient`, a segment running
/// past the end of `jpeg` (a file read only in part) ends the list instead of failing.
fn segments(jpeg: &[u8], lenient: bool) -> Result<Vec<Segment>, ExifError> {
    if jpeg.get(0..2) != Some(&[0xFF, 0xD8]) {
        return Err(ExifError::NotJpeg);
    }
    let mut out = Vec::new();
    let mut pos = 2;
    loop {
        let Some(&ff) = jpeg.get(pos) else {
            if lenient {
                return Ok(out);
            }
            return Err(ExifError::Jpeg {
                offset: pos,
                why: "the file ends before the image data",
            });
        };
        if ff != 0xFF {
            return Err(ExifError::Jpeg {
                offset: pos,
                why: "expected a marker (FF xx)",
            });
        }
        let start = pos;
        while jpeg.get(pos) == Some(&0xFF) {
            pos += 1;
        }
        let Some(&marker) = jpeg.get(pos) else {
            continue;
        };
        pos += 1;
        if marker == 0xDA || marker == 0xD9 {
            return Ok(out);
        }
        if marker == 0x01 || (0xD0..=0xD7).contains(&marker) {
            continue;
        }
        let len = match jpeg.get(pos..pos + 2) {
            Some(&[a, b]) => usize::from(u16::from_be_bytes([a, b])),
            _ if lenient => return Ok(out),
            _ => {
                return Err(ExifError::Jpeg {
                    offset: pos,
                    why: "the file ends inside a segment length",
                });
            }
        };
        if len < 2 {
            return Err(ExifError::Jpeg {
                offset: pos,
                why: "segment length below 2",
            });
        }
        let end = pos + len;
        if end > jpeg.len() {
            if lenient {
                return Ok(out);
            }
            return Err(ExifError::Jpeg {
                offset: pos,
                why: "a segment runs past the end of the file",
            });
        }
        out.push(Segment {
            marker,
            start,
            payload: pos + 2,
            end,
        });
        pos = end;
    }
}

/// The EXIF APP1 segment and its TIFF bytes.
fn exif_segment<'a>(jpeg: &'a [u8], segs: &[Segment]) -> Option<(Segment, &'a [u8])> {
    segs.iter().filter(|s| s.marker == 0xE1).find_map(|s| {
        let body = jpeg.get(s.payload..s.end)?;
        body.strip_prefix(EXIF_HEADER.as_slice()).map(|t| (*s, t))
    })
}

fn tiff_err(offset: usize, why: &'static str) -> ExifError {
    ExifError::Tiff { offset, why }
}

/// Byte order and IFD0 offset of a TIFF structure.
fn tiff_header(tiff: &[u8]) -> Result<(Order, usize), ExifError> {
    let order = match tiff.get(0..2) {
        Some(b"II") => Order::Little,
        Some(b"MM") => Order::Big,
        _ => return Err(tiff_err(0, "expected the byte order mark II or MM")),
    };
    let (Some(&[m0, m1]), Some(&[a, b, c, d])) = (tiff.get(2..4), tiff.get(4..8)) else {
        return Err(tiff_err(2, "the TIFF header is cut short"));
    };
    if order.u16([m0, m1]) != 42 {
        return Err(tiff_err(2, "expected the TIFF magic number 42"));
    }
    Ok((order, order.u32([a, b, c, d]) as usize))
}

/// The entries of the IFD at `offset` and the offset of the next IFD.
fn read_ifd(tiff: &[u8], order: Order, offset: usize) -> Result<(Vec<RawEntry>, u32), ExifError> {
    let Some(&[a, b]) = tiff.get(offset..offset + 2) else {
        return Err(tiff_err(
            offset,
            "an IFD offset points outside the EXIF data",
        ));
    };
    let n = usize::from(order.u16([a, b]));
    let mut entries = Vec::with_capacity(n);
    for k in 0..n {
        let at = offset + 2 + 12 * k;
        let Some(e) = tiff.get(at..at + 12) else {
            return Err(tiff_err(
                at,
                "an IFD entry runs past the end of the EXIF data",
            ));
        };
        entries.push(RawEntry {
            tag: order.u16([e[0], e[1]]),
            typ: order.u16([e[2], e[3]]),
            count: order.u32([e[4], e[5], e[6], e[7]]),
            value: [e[8], e[9], e[10], e[11]],
        });
    }
    let at = offset + 2 + 12 * n;
    let next = match tiff.get(at..at + 4) {
        Some(&[a, b, c, d]) => order.u32([a, b, c, d]),
        _ => 0,
    };
    Ok((entries, next))
}

/// Size in bytes of one value of a TIFF type.
fn type_size(typ: u16) -> usize {
    match typ {
        3 | 8 => 2,
        4 | 9 | 11 | 13 => 4,
        5 | 10 | 12 => 8,
        _ => 1,
    }
}

/// The bytes of an entry's value (inline or at its offset).
fn value_bytes<'a>(tiff: &'a [u8], order: Order, e: &'a RawEntry) -> Option<&'a [u8]> {
    let len = type_size(e.typ).checked_mul(e.count as usize)?;
    if len <= 4 {
        return e.value.get(..len);
    }
    let at = order.u32(e.value) as usize;
    tiff.get(at..at.checked_add(len)?)
}

fn ascii<'a>(tiff: &'a [u8], order: Order, e: &'a RawEntry) -> Option<&'a str> {
    let b = value_bytes(tiff, order, e)?;
    let b = b.split(|&c| c == 0).next().unwrap_or(b);
    std::str::from_utf8(b).ok().map(str::trim)
}

/// When the photo was taken, by the camera's clock: DateTimeOriginal plus SubSecTimeOriginal.
/// `Ok(None)` when the JPEG has no EXIF or no DateTimeOriginal (or an unset "0000:00:00"
/// one). `jpeg` may be only the start of the file (the EXIF is near the start).
pub fn date_time_original(jpeg: &[u8]) -> Result<Option<NaiveDateTime>, ExifError> {
    let segs = segments(jpeg, true)?;
    let Some((_, tiff)) = exif_segment(jpeg, &segs) else {
        return Ok(None);
    };
    let (order, ifd0) = tiff_header(tiff)?;
    let (entries, _) = read_ifd(tiff, order, ifd0)?;
    let Some(exif) = entries.iter().find(|e| e.tag == TAG_EXIF_IFD) else {
        return Ok(None);
    };
    let (exif_entries, _) = read_ifd(tiff, order, order.u32(exif.value) as usize)?;
    let find = |tag| exif_entries.iter().find(|e| e.tag == tag);
    let Some(text) = find(TAG_DATE_TIME_ORIGINAL).and_then(|e| ascii(tiff, order, e)) else {
        return Ok(None);
    };
    let Ok(mut t) = NaiveDateTime::parse_from_str(text, "%Y:%m:%d %H:%M:%S") else {
        return Ok(None);
    };
    if let Some(sub) = find(TAG_SUBSEC_TIME_ORIGINAL).and_then(|e| ascii(tiff, order, e))
        && !sub.is_empty()
        && sub.bytes().all(|c| c.is_ascii_digit())
        && let Ok(frac) = format!("0.{sub}").parse::<f64>()
    {
        t += chrono::Duration::microseconds((frac * 1e6).round() as i64);
    }
    Ok(Some(t))
}

#[cfg(test)]
#[path = "exif_tests.rs"]
mod tests;
