//! Writing EXIF: GPS tags into a copy of a JPEG (see the parent module for how nothing is
//! lost), and a minimal DateTimeOriginal segment for test fixtures.

use super::{
    EXIF_HEADER, ExifError, MAX_APP1_PAYLOAD, Order, TAG_DATE_TIME_ORIGINAL, TAG_EXIF_IFD,
    TAG_GPS_IFD, TAG_SUBSEC_TIME_ORIGINAL, exif_segment, read_ifd, segments, tiff_header,
};

/// A GPS position to write.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GpsTag {
    /// Latitude, degrees north.
    pub lat_deg: f64,
    /// Longitude, degrees east.
    pub lon_deg: f64,
    /// Altitude above mean sea level, metres.
    pub alt_amsl_m: f64,
    /// Direction the top of the image faces, degrees true (written as GPSImgDirection).
    pub image_direction_deg: Option<f64>,
}

/// An IFD entry to serialize: tag, type and the value bytes (already in the file's order).
struct NewEntry {
    tag: u16,
    typ: u16,
    count: u32,
    data: Vec<u8>,
}

/// Serializes an IFD placed at `at` (a word-aligned offset): entries sorted by tag, then the
/// values longer than 4 bytes.
fn write_ifd(order: Order, at: usize, mut entries: Vec<NewEntry>, next: u32) -> Vec<u8> {
    entries.sort_by_key(|e| e.tag);
    let table = 2 + 12 * entries.len() + 4;
    let mut out = Vec::new();
    let mut extra = Vec::new();
    out.extend(order.put16(entries.len() as u16));
    for e in &entries {
        out.extend(order.put16(e.tag));
        out.extend(order.put16(e.typ));
        out.extend(order.put32(e.count));
        if e.data.len() <= 4 {
            let mut v = [0u8; 4];
            v[..e.data.len()].copy_from_slice(&e.data);
            out.extend(v);
        } else {
            out.extend(order.put32((at + table + extra.len()) as u32));
            extra.extend(&e.data);
            if extra.len() % 2 == 1 {
                extra.push(0);
            }
        }
    }
    out.extend(order.put32(next));
    out.extend(extra);
    out
}

fn rationals(order: Order, values: &[(u32, u32)]) -> Vec<u8> {
    values
        .iter()
        .flat_map(|&(n, d)| [order.put32(n), order.put32(d)])
        .flatten()
        .collect()
}

/// Degrees as degrees, minutes and seconds rationals (seconds to 1/10000).
pub(super) fn dms(order: Order, deg: f64) -> Vec<u8> {
    let total = (deg.abs() * 3600.0 * 10_000.0).round() as u64;
    let d = total / 36_000_000;
    let m = (total % 36_000_000) / 600_000;
    let s = total % 600_000;
    rationals(order, &[(d as u32, 1), (m as u32, 1), (s as u32, 10_000)])
}

fn gps_entries(order: Order, g: &GpsTag) -> Vec<NewEntry> {
    let ascii = |s: &str| -> Vec<u8> { s.bytes().chain([0]).collect() };
    let mut v = vec![
        NewEntry {
            tag: 0x0000,
            typ: 1,
            count: 4,
            data: vec![2, 3, 0, 0],
        },
        NewEntry {
            tag: 0x0001,
            typ: 2,
            count: 2,
            data: ascii(if g.lat_deg < 0.0 { "S" } else { "N" }),
        },
        NewEntry {
            tag: 0x0002,
            typ: 5,
            count: 3,
            data: dms(order, g.lat_deg),
        },
        NewEntry {
            tag: 0x0003,
            typ: 2,
            count: 2,
            data: ascii(if g.lon_deg < 0.0 { "W" } else { "E" }),
        },
        NewEntry {
            tag: 0x0004,
            typ: 5,
            count: 3,
            data: dms(order, g.lon_deg),
        },
        NewEntry {
            tag: 0x0005,
            typ: 1,
            count: 1,
            data: vec![u8::from(g.alt_amsl_m < 0.0)],
        },
        NewEntry {
            tag: 0x0006,
            typ: 5,
            count: 1,
            data: rationals(
                order,
                &[((g.alt_amsl_m.abs() * 1000.0).round() as u32, 1000)],
            ),
        },
        NewEntry {
            tag: 0x0012,
            typ: 2,
            count: 7,
            data: ascii("WGS-84"),
        },
    ];
    if let Some(dir) = g.image_direction_deg.filter(|d| d.is_finite()) {
        let dir = crate::geo::wrap_360(dir);
        v.push(NewEntry {
            tag: 0x0010,
            typ: 2,
            count: 2,
            data: ascii("T"),
        });
        v.push(NewEntry {
            tag: 0x0011,
            typ: 5,
            count: 1,
            data: rationals(order, &[((dir * 100.0).round() as u32, 100)]),
        });
    }
    v
}

/// A copy of `jpeg` with the GPS tags of `gps` (replacing any GPS tags it had) and every
/// other byte of metadata and image data kept.
pub fn with_gps(jpeg: &[u8], gps: &GpsTag) -> Result<Vec<u8>, ExifError> {
    let segs = segments(jpeg, false)?;
    let (order, mut tiff, ifd0_entries, next, replace) = match exif_segment(jpeg, &segs) {
        Some((seg, tiff)) => {
            let (order, ifd0) = tiff_header(tiff)?;
            let (entries, next) = read_ifd(tiff, order, ifd0)?;
            (order, tiff.to_vec(), entries, next, Some(seg))
        }
        None => (
            Order::Big,
            b"MM\0\x2a\0\0\0\0".to_vec(),
            Vec::new(),
            0,
            None,
        ),
    };
    if tiff.len() % 2 == 1 {
        tiff.push(0);
    }
    let gps_at = tiff.len();
    let gps_ifd = write_ifd(order, gps_at, gps_entries(order, gps), 0);
    tiff.extend(&gps_ifd);
    if tiff.len() % 2 == 1 {
        tiff.push(0);
    }
    let ifd0_at = tiff.len();
    let mut entries: Vec<NewEntry> = ifd0_entries
        .iter()
        .filter(|e| e.tag != TAG_GPS_IFD)
        .map(|e| NewEntry {
            tag: e.tag,
            typ: e.typ,
            count: e.count,
            // Inline values are copied as they are; longer ones keep their old offsets,
            // which stay valid because no old byte moves.
            data: e.value.to_vec(),
        })
        .collect();
    // `write_ifd` inlines data of at most 4 bytes: every copied entry is exactly 4.
    entries.push(NewEntry {
        tag: TAG_GPS_IFD,
        typ: 4,
        count: 1,
        data: order.put32(gps_at as u32).to_vec(),
    });
    tiff.extend(write_ifd(order, ifd0_at, entries, next));
    let header = order.put32(ifd0_at as u32);
    if let Some(h) = tiff.get_mut(4..8) {
        h.copy_from_slice(&header);
    }
    let payload_len = EXIF_HEADER.len() + tiff.len() + 2;
    if payload_len > MAX_APP1_PAYLOAD + 2 {
        return Err(ExifError::TooLarge {
            len: payload_len - 2,
        });
    }
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend((payload_len as u16).to_be_bytes());
    app1.extend(EXIF_HEADER);
    app1.extend(&tiff);
    let (cut_from, cut_to) = match replace {
        Some(seg) => (seg.start, seg.end),
        None => {
            let after = segs
                .first()
                .filter(|s| s.marker == 0xE0)
                .map_or(2, |s| s.end);
            (after, after)
        }
    };
    let (Some(head), Some(tail)) = (jpeg.get(..cut_from), jpeg.get(cut_to..)) else {
        return Err(ExifError::Jpeg {
            offset: cut_from,
            why: "segment bounds outside the file",
        });
    };
    let mut out = Vec::with_capacity(jpeg.len() + app1.len());
    out.extend(head);
    out.extend(app1);
    out.extend(tail);
    Ok(out)
}

/// Builds the EXIF APP1 segment of a JPEG holding only DateTimeOriginal (and
/// SubSecTimeOriginal when `subsec` is given), and inserts it after SOI: for tests and
/// fixtures that need camera-like photos.
pub fn with_date_time_original(
    jpeg: &[u8],
    taken: &str,
    subsec: Option<&str>,
) -> Result<Vec<u8>, ExifError> {
    segments(jpeg, false)?;
    let order = Order::Little;
    let ascii = |s: &str| -> Vec<u8> { s.bytes().chain([0]).collect() };
    let mut exif = vec![NewEntry {
        tag: TAG_DATE_TIME_ORIGINAL,
        typ: 2,
        count: (taken.len() + 1) as u32,
        data: ascii(taken),
    }];
    if let Some(s) = subsec {
        exif.push(NewEntry {
            tag: TAG_SUBSEC_TIME_ORIGINAL,
            typ: 2,
            count: (s.len() + 1) as u32,
            data: ascii(s),
        });
    }
    let make = ascii("Steppe test camera");
    let ifd0_at = 8;
    // IFD0: Make (0x010F) and the Exif IFD pointer; the Exif IFD follows it.
    let ifd0_len = 2 + 12 * 2 + 4 + make.len() + make.len() % 2;
    let exif_at = ifd0_at + ifd0_len;
    let ifd0 = write_ifd(
        order,
        ifd0_at,
        vec![
            NewEntry {
                tag: 0x010F,
                typ: 2,
                count: make.len() as u32,
                data: make,
            },
            NewEntry {
                tag: TAG_EXIF_IFD,
                typ: 4,
                count: 1,
                data: order.put32(exif_at as u32).to_vec(),
            },
        ],
        0,
    );
    let mut tiff = b"II\x2a\0\x08\0\0\0".to_vec();
    tiff.extend(ifd0);
    tiff.extend(write_ifd(order, exif_at, exif, 0));
    let mut out = jpeg.get(..2).map(<[u8]>::to_vec).unwrap_or_default();
    out.extend([0xFF, 0xE1]);
    out.extend(((EXIF_HEADER.len() + tiff.len() + 2) as u16).to_be_bytes());
    out.extend(EXIF_HEADER);
    out.extend(tiff);
    out.extend(jpeg.get(2..).unwrap_or_default());
    Ok(out)
}
