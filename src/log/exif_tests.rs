use super::*;

/// A small real JPEG from the image crate's encoder.
fn jpeg() -> Vec<u8> {
    let img = image::RgbImage::from_fn(16, 8, |x, y| image::Rgb([x as u8 * 15, y as u8 * 30, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encode");
    out.into_inner()
}

/// GPS values read back by walking the structure again (the integration test uses an
/// independent reader as well).
fn read_gps(j: &[u8]) -> (String, f64, String, f64, u8, f64) {
    let segs = segments(j, false).expect("segments");
    let (_, tiff) = exif_segment(j, &segs).expect("exif");
    let (order, ifd0) = tiff_header(tiff).expect("header");
    let (e0, _) = read_ifd(tiff, order, ifd0).expect("ifd0");
    let gps = e0
        .iter()
        .find(|e| e.tag == TAG_GPS_IFD)
        .expect("gps pointer");
    let (g, _) = read_ifd(tiff, order, order.u32(gps.value) as usize).expect("gps ifd");
    let find = |tag: u16| g.iter().find(|e| e.tag == tag).expect("tag");
    let rats = |tag: u16| -> Vec<f64> {
        value_bytes(tiff, order, find(tag))
            .expect("value")
            .chunks(8)
            .map(|c| {
                let n = order.u32([c[0], c[1], c[2], c[3]]);
                let d = order.u32([c[4], c[5], c[6], c[7]]);
                f64::from(n) / f64::from(d)
            })
            .collect()
    };
    let deg = |v: Vec<f64>| v[0] + v[1] / 60.0 + v[2] / 3600.0;
    (
        ascii(tiff, order, find(1)).expect("lat ref").to_owned(),
        deg(rats(2)),
        ascii(tiff, order, find(3)).expect("lon ref").to_owned(),
        deg(rats(4)),
        value_bytes(tiff, order, find(5)).expect("alt ref")[0],
        rats(6)[0],
    )
}

const HERE: GpsTag = GpsTag {
    lat_deg: 42.520_390_4,
    lon_deg: 72.240_482_9,
    alt_amsl_m: 1170.07,
    image_direction_deg: Some(71.06),
};

#[test]
fn date_time_original_is_read_with_subseconds() {
    let j = with_date_time_original(&jpeg(), "2026:11:26 15:40:25", Some("25")).expect("exif");
    let t = date_time_original(&j).expect("parse").expect("a time");
    assert_eq!(t.to_string(), "2026-11-26 15:40:25.250");
    assert_eq!(date_time_original(&jpeg()).expect("parse"), None, "no EXIF");
    // Only the start of the file is needed.
    assert!(
        date_time_original(&j[..j.len() / 2])
            .expect("prefix")
            .is_some()
    );
    let unset = with_date_time_original(&jpeg(), "0000:00:00 00:00:00", None).expect("exif");
    assert_eq!(date_time_original(&unset).expect("parse"), None);
}

#[test]
fn gps_is_added_and_everything_else_kept() {
    let original = with_date_time_original(&jpeg(), "2026:11:26 15:40:25", None).expect("exif");
    let tagged = with_gps(&original, &HERE).expect("gps");
    let (ns, lat, ew, lon, below, alt) = read_gps(&tagged);
    assert_eq!((ns.as_str(), ew.as_str(), below), ("N", "E", 0));
    assert!((lat - HERE.lat_deg).abs() < 1e-7 && (lon - HERE.lon_deg).abs() < 1e-7);
    assert!((alt - 1170.07).abs() < 1e-9);
    // The old tags still read, the image data is byte for byte the same and still decodes.
    assert!(date_time_original(&tagged).expect("parse").is_some());
    let scan = |j: &[u8]| {
        let segs = segments(j, false).expect("segments");
        j[segs.last().expect("a segment").end..].to_vec()
    };
    assert_eq!(scan(&tagged), scan(&original));
    assert!(image::load_from_memory(&tagged).is_ok());
    // Tagging again replaces the GPS tags: still one EXIF segment.
    let south = GpsTag {
        lat_deg: -33.5,
        lon_deg: -70.25,
        alt_amsl_m: -12.5,
        image_direction_deg: None,
    };
    let again = with_gps(&tagged, &south).expect("again");
    let segs = segments(&again, false).expect("segments");
    assert_eq!(segs.iter().filter(|s| s.marker == 0xE1).count(), 1);
    let (ns, lat, ew, lon, below, alt) = read_gps(&again);
    assert_eq!((ns.as_str(), ew.as_str(), below), ("S", "W", 1));
    assert!((lat - 33.5).abs() < 1e-9 && (lon - 70.25).abs() < 1e-9 && (alt - 12.5).abs() < 1e-9);
}

#[test]
fn a_jpeg_without_exif_gets_a_big_endian_segment_after_jfif() {
    let plain = jpeg();
    let tagged = with_gps(&plain, &HERE).expect("gps");
    let segs = segments(&tagged, false).expect("segments");
    let first = segs.first().expect("segments");
    let app1 = segs.iter().position(|s| s.marker == 0xE1).expect("app1");
    assert_eq!(app1, usize::from(first.marker == 0xE0));
    assert_eq!(
        &tagged[segs[app1].payload + 6..segs[app1].payload + 8],
        b"MM"
    );
    let (_, lat, _, lon, _, _) = read_gps(&tagged);
    assert!((lat - HERE.lat_deg).abs() < 1e-7 && (lon - HERE.lon_deg).abs() < 1e-7);
    assert!(image::load_from_memory(&tagged).is_ok());
}

#[test]
fn broken_input_is_a_clear_error() {
    assert_eq!(with_gps(b"GIF89a", &HERE), Err(ExifError::NotJpeg));
    let j = jpeg();
    let e = with_gps(&j[..20], &HERE).expect_err("truncated");
    assert!(e.to_string().starts_with("broken JPEG at byte"), "{e}");
    let mut bad = with_date_time_original(&j, "2026:11:26 15:40:25", None).expect("exif");
    // Point IFD0 far outside the EXIF data.
    let at = bad.windows(4).position(|w| w == b"II\x2a\0").expect("tiff");
    bad[at + 4..at + 8].copy_from_slice(&60_000u32.to_le_bytes());
    let e = with_gps(&bad, &HERE).expect_err("bad offset");
    assert!(
        e.to_string().contains("points outside the EXIF data"),
        "{e}"
    );
    assert!(date_time_original(&bad).is_err());
}

#[test]
fn dms_rounding_carries() {
    // 10.99999999° is 10° 59' 59.99996" → rounds to 11° 0' 0".
    let b = write::dms(Order::Big, 10.999_999_99);
    let v: Vec<u32> = b
        .chunks(4)
        .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    assert_eq!(v, [11, 1, 0, 1, 0, 10_000]);
}
