//! `steppe geotag` end to end on the SITL copter survey (180 CAMERA_FEEDBACK): a fake camera
//! card of small real JPEGs whose EXIF DateTimeOriginal follows the camera's own clock (local
//! time, 6 h ahead of UTC) and whose file counter wrapped (DSC_9990 … DSC_0169), matched by
//! order and by time; GPS tags in the copies read back with an independent reader (Python
//! exifread); originals checked unchanged by checksum; count mismatches reported.

mod common;
use common::python;

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use steppe::log::exif::with_date_time_original;
use steppe::log::triggers::{Photo, TriggerFilter, photos};
use steppe::test_support::{sample, temp_dir};

const LOG: &str = "sitl/arducopter_sitl_survey_talas_camera.tlog";
const CAMERA_AHEAD_S: i64 = 6 * 3600;

fn log_photos() -> Vec<Photo> {
    let data = std::fs::read(sample(LOG)).expect("sample");
    let log = photos(&data, &TriggerFilter::default());
    log.vehicles.into_iter().next().expect("one vehicle").photos
}

fn small_jpeg(k: usize) -> Vec<u8> {
    let img = image::RgbImage::from_fn(8, 8, |x, y| {
        image::Rgb([k as u8, x as u8 * 30, y as u8 * 30])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encode");
    out.into_inner()
}

/// The card: one file per photo, taken ~0.3 s after the photo's log time by the camera clock.
fn card(dir: &Path, photos: &[Photo]) -> Vec<String> {
    std::fs::create_dir_all(dir).expect("dir");
    let mut names = Vec::new();
    for (k, p) in photos.iter().enumerate() {
        let t_us = p.t_us as i64 + 300_000 + CAMERA_AHEAD_S * 1_000_000;
        let t = chrono::DateTime::from_timestamp_micros(t_us)
            .expect("time")
            .naive_utc();
        let jpeg = with_date_time_original(
            &small_jpeg(k),
            &t.format("%Y:%m:%d %H:%M:%S").to_string(),
            Some(&format!("{:03}", t.and_utc().timestamp_subsec_millis())),
        )
        .expect("exif");
        let name = format!("DSC_{:04}.JPG", (9990 + k) % 10_000);
        std::fs::write(dir.join(&name), jpeg).expect("write");
        names.push(name);
    }
    names
}

fn checksums(dir: &Path) -> BTreeMap<PathBuf, (u64, usize)> {
    std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| {
            let p = e.expect("entry").path();
            let bytes = std::fs::read(&p).expect("read");
            let mut h = std::collections::hash_map::DefaultHasher::new();
            bytes.hash(&mut h);
            (p, (h.finish(), bytes.len()))
        })
        .collect()
}

fn geotag(args: &[&str], photos_dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_steppe"))
        .arg("geotag")
        .arg(sample(LOG))
        .arg("--photos")
        .arg(photos_dir)
        .args(args)
        .output()
        .expect("runs")
}

/// GPS latitude, longitude, altitude, DateTimeOriginal and Make ("" when absent) of each
/// file in `dir`, read by exifread.
fn exifread(dir: &Path) -> BTreeMap<String, (f64, f64, f64, String, String)> {
    let script = r#"
import sys, os, json, exifread
out = {}
for name in sorted(os.listdir(sys.argv[1])):
    with open(os.path.join(sys.argv[1], name), 'rb') as f:
        t = exifread.process_file(f, details=False)
    def deg(tag, ref, neg):
        v = [float(x) for x in t[tag].values]
        d = v[0] + v[1] / 60 + v[2] / 3600
        return -d if str(t[ref]) == neg else d
    alt = float(t['GPS GPSAltitude'].values[0])
    if t['GPS GPSAltitudeRef'].values[0] == 1:
        alt = -alt
    out[name] = [deg('GPS GPSLatitude', 'GPS GPSLatitudeRef', 'S'),
                 deg('GPS GPSLongitude', 'GPS GPSLongitudeRef', 'W'), alt,
                 str(t.get('EXIF DateTimeOriginal', '')), str(t.get('Image Make', ''))]
print(json.dumps(out))
"#;
    serde_json::from_str(&python(script, &[dir])).expect("json")
}

#[test]
fn geotag_by_order_writes_geo_txt_and_tagged_copies_and_keeps_the_originals() {
    let root = temp_dir("geotag-order");
    let photos_dir = root.join("card");
    let log = log_photos();
    assert_eq!(log.len(), 180);
    let names = card(&photos_dir, &log);
    let before = checksums(&photos_dir);
    let geo = root.join("geo.txt");
    let tagged = root.join("tagged");
    let o = geotag(
        &[
            "-o",
            geo.to_str().expect("utf8"),
            "--exif",
            tagged.to_str().expect("utf8"),
        ],
        &photos_dir,
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        stdout.contains("180 photos in") && stdout.contains("ordered by EXIF DateTimeOriginal"),
        "{stdout}"
    );
    assert!(stdout.contains("180 matched by order"), "{stdout}");
    // geo.txt: the k-th file taken (DSC_9990 first, DSC_0169 last) has the k-th position.
    let text = std::fs::read_to_string(&geo).expect("geo.txt");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 181);
    assert_eq!(lines[0], "EPSG:4326");
    for (k, (line, p)) in lines[1..].iter().zip(&log).enumerate() {
        let f: Vec<&str> = line.split(' ').collect();
        assert_eq!(f[0], names[k]);
        let ll = p.lat_lon.expect("position");
        assert_eq!(f[1], format!("{:.8}", ll.lon_deg));
        assert_eq!(f[2], format!("{:.8}", ll.lat_deg));
    }
    // The copies, read by an independent EXIF reader.
    let read = exifread(&tagged);
    assert_eq!(read.len(), 180);
    for (k, p) in log.iter().enumerate() {
        let (lat, lon, alt, taken, make) = &read[&names[k]];
        let ll = p.lat_lon.expect("position");
        assert!(
            (lat - ll.lat_deg).abs() < 1e-7,
            "{}: {lat} vs {}",
            names[k],
            ll.lat_deg
        );
        assert!(
            (lon - ll.lon_deg).abs() < 1e-7,
            "{}: {lon} vs {}",
            names[k],
            ll.lon_deg
        );
        assert!((alt - p.alt_amsl_m.expect("alt")).abs() < 0.001);
        assert!(taken.starts_with("2026:"), "existing EXIF kept: {taken}");
        assert_eq!(make, "Steppe test camera");
    }
    // The originals are untouched.
    assert_eq!(checksums(&photos_dir), before);
    // The photo folder itself is refused as the output of the copies.
    let o = geotag(
        &[
            "-o",
            geo.to_str().expect("utf8"),
            "--exif",
            photos_dir.to_str().expect("utf8"),
        ],
        &photos_dir,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("originals are never modified"));
    assert_eq!(checksums(&photos_dir), before);
}

#[test]
fn count_mismatches_are_reported_not_guessed_and_time_matching_lists_the_rest() {
    let root = temp_dir("geotag-mismatch");
    let photos_dir = root.join("card");
    let log = log_photos();
    let names = card(&photos_dir, &log);
    // The camera missed photo 57; a test shot was taken on the ground 5 minutes before.
    std::fs::remove_file(photos_dir.join(&names[56])).expect("rm");
    let first = &log[0];
    let t_us = first.t_us as i64 - 300_000_000 + CAMERA_AHEAD_S * 1_000_000;
    let t = chrono::DateTime::from_timestamp_micros(t_us)
        .expect("time")
        .naive_utc();
    let test_shot = with_date_time_original(
        &small_jpeg(200),
        &t.format("%Y:%m:%d %H:%M:%S").to_string(),
        None,
    )
    .expect("exif");
    std::fs::write(photos_dir.join("TEST.JPG"), test_shot).expect("write");
    let geo = root.join("geo.txt");
    let geo_s = geo.to_str().expect("utf8");
    // 180 files against 180 triggers, but shifted by one up to photo 57: by order it goes
    // through, with a warning that names the test shot.
    let o = geotag(&["-o", geo_s], &photos_dir);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        out.contains("warning: by order, TEST.JPG is +300.")
            && out.contains("compare with --match time --offset -21600"),
        "{out}"
    );
    // One more missing: the counts differ and matching by order refuses.
    std::fs::remove_file(photos_dir.join(&names[100])).expect("rm");
    let refused = root.join("refused.txt");
    let o = geotag(&["-o", refused.to_str().expect("utf8")], &photos_dir);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("179 photos in the folder but 180 trigger events in the log"),
        "{err}"
    );
    assert!(err.contains("would be left over: trigger 180 ("), "{err}");
    assert!(!refused.exists(), "nothing written on a mismatch");
    // By time with a loose tolerance: the photos of this fast survey are only ~0.56 s apart,
    // so the tool warns that neighbours can be confused.
    let o = geotag(
        &["-o", geo_s, "--match", "time", "--offset", "-21600"],
        &photos_dir,
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("warning: photos are 0.5"), "{out}");
    // By time, with the camera clock 6 h ahead and the shutter 0.3 s after the trigger: 178
    // matched; the test shot and triggers 57 and 101 are listed.
    let o = geotag(
        &[
            "-o",
            geo_s,
            "--match",
            "time",
            "--offset",
            "-21600.3",
            "--tolerance",
            "0.2",
        ],
        &photos_dir,
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains("178 matched by time"), "{out}");
    assert!(out.contains("unmatched photo: TEST.JPG"), "{out}");
    assert!(out.contains("unmatched trigger: 57 at"), "{out}");
    assert!(out.contains("unmatched trigger: 101 at"), "{out}");
    let text = std::fs::read_to_string(&geo).expect("geo.txt");
    assert_eq!(text.lines().count(), 179);
    assert!(!text.contains("TEST.JPG") && !text.contains(&names[56]));
    // Line of DSC file k+1 (after the gap) holds photo k+1's position.
    let p58 = log[57].lat_lon.expect("position");
    let line = text
        .lines()
        .find(|l| l.starts_with(&names[57]))
        .expect("photo 58");
    assert!(
        line.contains(&format!("{:.8} {:.8}", p58.lon_deg, p58.lat_deg)),
        "{line}"
    );
    // Without the offset nothing is within a second: the error says what to do.
    let o = geotag(&["-o", geo_s, "--match", "time"], &photos_dir);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("set --offset to the difference"));
}

#[test]
fn gps_tags_written_from_scratch_read_back_in_exifread() {
    // A JPEG without EXIF gets a new (big-endian) EXIF segment; south, west and below sea
    // level come out with the right references.
    let dir = temp_dir("geotag-scratch");
    let places = [
        ("north.jpg", 42.520_390_4, 72.240_482_9, 1170.07),
        ("south.jpg", -33.448_9, -70.669_3, -12.5),
    ];
    for (name, lat, lon, alt) in places {
        let gps = steppe::log::exif::GpsTag {
            lat_deg: lat,
            lon_deg: lon,
            alt_amsl_m: alt,
            image_direction_deg: Some(271.5),
        };
        let tagged = steppe::log::exif::with_gps(&small_jpeg(1), &gps).expect("tag");
        assert!(
            image::load_from_memory(&tagged).is_ok(),
            "still a valid JPEG"
        );
        std::fs::write(dir.join(name), tagged).expect("write");
    }
    let read = exifread(&dir);
    for (name, lat, lon, alt) in places {
        let (rlat, rlon, ralt, taken, _) = &read[name];
        assert!((rlat - lat).abs() < 1e-7, "{name}: {rlat}");
        assert!((rlon - lon).abs() < 1e-7, "{name}: {rlon}");
        assert!((ralt - alt).abs() < 1e-9, "{name}: {ralt}");
        assert!(taken.is_empty());
    }
}
