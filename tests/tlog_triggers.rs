//! Photo layers of `steppe tlog export` on the SITL survey samples: every CAMERA_FEEDBACK is a
//! photo, counted and compared field by field against pymavlink reading the same file; KML and
//! GPX valid against their schemas (xmllint), GeoJSON parsed back, footprints the size the
//! camera model gives at the photo's height.

mod common;
use common::python;

use std::collections::BTreeMap;
use std::process::Command;
use steppe::geo::LocalFrame;
use steppe::log::export_triggers::{PhotoFormat, PhotoLayer, export_photos};
use steppe::log::triggers::{TriggerFilter, photos};
use steppe::plan::camera::{builtin_cameras, find_camera};
use steppe::test_support::{assert_schema_valid, sample, temp_dir};

const SITL: [&str; 2] = [
    "sitl/arducopter_sitl_survey_talas_camera.tlog",
    "sitl/arduplane_sitl_survey_jalalabad_camera.tlog",
];

/// Per system id: the camera messages pymavlink reads, as (type, image index, lat e7, lon e7).
type PyPhotos = BTreeMap<u8, Vec<(String, i64, i64, i64)>>;

fn pymavlink_photos(path: &std::path::Path) -> PyPhotos {
    let script = r#"
import sys, json
from pymavlink import mavutil
m = mavutil.mavlink_connection(sys.argv[1])
out = {}
while True:
    msg = m.recv_match(type=['CAMERA_FEEDBACK', 'CAMERA_TRIGGER', 'CAMERA_IMAGE_CAPTURED'])
    if msg is None:
        break
    t = msg.get_type()
    if t == 'CAMERA_FEEDBACK':
        row = [t, msg.img_idx, msg.lat, msg.lng]
    elif t == 'CAMERA_TRIGGER':
        row = [t, msg.seq, 0, 0]
    else:
        row = [t, msg.image_index, msg.lat, msg.lon]
    out.setdefault(str(msg.get_srcSystem()), []).append(row)
print(json.dumps(out))
"#;
    let m: BTreeMap<String, Vec<(String, i64, i64, i64)>> =
        serde_json::from_str(&python(script, &[path])).expect("json");
    m.into_iter()
        .map(|(k, v)| (k.parse().expect("sysid"), v))
        .collect()
}

#[test]
fn photos_match_pymavlink_on_the_sitl_samples() {
    for rel in SITL {
        let path = sample(rel);
        let data = std::fs::read(&path).expect("sample");
        let ours = photos(&data, &TriggerFilter::default());
        let theirs = pymavlink_photos(&path);
        assert!(!theirs.is_empty(), "{rel}: the sample has camera messages");
        let mut ours_by_sys = BTreeMap::new();
        for v in &ours.vehicles {
            let rows: Vec<(String, i64, i64, i64)> = v
                .photos
                .iter()
                .map(|p| {
                    let (lat, lon) = p.lat_lon.expect("feedback has a position").to_e7();
                    (
                        "CAMERA_FEEDBACK".to_owned(),
                        i64::from(p.image_index.expect("index")),
                        i64::from(lat),
                        i64::from(lon),
                    )
                })
                .collect();
            ours_by_sys.insert(v.sysid, rows);
        }
        // Only CAMERA_FEEDBACK in these logs: one photo each, same order, same fields.
        assert!(theirs.values().flatten().all(|r| r.0 == "CAMERA_FEEDBACK"));
        assert_eq!(ours_by_sys, theirs, "{rel}");
        let n: usize = theirs.values().map(Vec::len).sum();
        assert_eq!(ours.stats.feedback as usize, n);
        assert!(n > 150, "{rel}: {n} photos");
    }
}

#[test]
fn trigger_layers_are_valid_for_other_tools() {
    let dir = temp_dir("tlog-triggers");
    let data = std::fs::read(sample(SITL[1])).expect("sample");
    let log = photos(&data, &TriggerFilter::default());
    let n = log.len();
    let write = |format, name: &str| {
        let out = export_photos(&log, PhotoLayer::Triggers, format, None).expect("export");
        assert_eq!(out.written, n);
        let p = dir.join(name);
        std::fs::write(&p, &out.bytes).expect("write");
        p
    };
    let kml = write(PhotoFormat::Kml, "photos.kml");
    let gpx = write(PhotoFormat::Gpx, "photos.gpx");
    assert_schema_valid(&[&gpx], &[&kml]);
    let kml_text = std::fs::read_to_string(&kml).expect("kml");
    assert_eq!(kml_text.matches("<Placemark>").count(), n);
    assert!(kml_text.contains("<name>IMG_0175.JPG</name>"));
    assert_eq!(
        std::fs::read_to_string(&gpx)
            .expect("gpx")
            .matches("<wpt ")
            .count(),
        n
    );
    let gj: serde_json::Value = serde_json::from_slice(
        &std::fs::read(write(PhotoFormat::GeoJson, "p.geojson")).expect("read"),
    )
    .expect("json");
    assert_eq!(gj["features"].as_array().map(Vec::len), Some(n));
    let csv = std::fs::read_to_string(write(PhotoFormat::Csv, "p.csv")).expect("csv");
    assert_eq!(csv.lines().count(), n + 1);
    let geo = export_photos(&log, PhotoLayer::Geotags, PhotoFormat::GeoTxt, None).expect("geo");
    let text = String::from_utf8(geo.bytes).expect("utf8");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("EPSG:4326"));
    let first: Vec<&str> = lines.next().expect("a photo").split(' ').collect();
    assert_eq!(first.len(), 7, "name lon lat alt yaw pitch roll");
    assert_eq!(first[0], "IMG_0001.JPG");
    // The first CAMERA_FEEDBACK of the plane sample: lng 73.0035809, lat 40.9301283.
    assert_eq!((first[1], first[2]), ("73.00358090", "40.93012830"));
}

#[test]
fn footprints_of_level_photos_are_the_camera_footprint_at_their_height() {
    let data = std::fs::read(sample(SITL[1])).expect("sample");
    let log = photos(&data, &TriggerFilter::default());
    let cams = builtin_cameras();
    let camera = find_camera(&cams, "Sony A6000 16mm")
        .or_else(|| cams.first())
        .expect("a camera")
        .clone();
    let opts = steppe::log::export_triggers::FootprintOptions {
        camera: camera.clone(),
        orientation: steppe::plan::camera::Orientation::Landscape,
        gimbal: false,
    };
    let out = export_photos(
        &log,
        PhotoLayer::Footprints,
        PhotoFormat::GeoJson,
        Some(&opts),
    )
    .expect("footprints");
    let gj: serde_json::Value = serde_json::from_slice(&out.bytes).expect("json");
    let features = gj["features"].as_array().expect("features");
    assert_eq!(features.len() + out.skipped.len(), log.len());
    let mut level = 0;
    for f in features {
        let p = &f["properties"];
        let (roll, pitch) = (
            p["roll_deg"].as_f64().expect("roll"),
            p["pitch_deg"].as_f64().expect("pitch"),
        );
        if roll.abs() > 1.0 || pitch.abs() > 5.0 {
            continue;
        }
        level += 1;
        let h = p["alt_rel_m"].as_f64().expect("height");
        let ring = f["geometry"]["coordinates"][0].as_array().expect("ring");
        let pts: Vec<steppe::geo::LatLon> = ring
            .iter()
            .map(|c| {
                steppe::geo::LatLon::new(c[1].as_f64().expect("lat"), c[0].as_f64().expect("lon"))
            })
            .collect();
        let fr = LocalFrame::new(pts[0]);
        let e: Vec<_> = pts.iter().map(|x| fr.to_enu(*x)).collect();
        // Ring is counter-clockwise: back-left, back-right, front-right, front-left.
        // Tilted a little, the far edge grows and the near one shrinks by about the same:
        // their mean stays the nadir footprint.
        let across = (e[0].distance_m(e[1]) + e[2].distance_m(e[3])) / 2.0;
        let along = (e[1].distance_m(e[2]) + e[3].distance_m(e[0])) / 2.0;
        let (w, hh) = (camera.footprint_width_m(h), camera.footprint_height_m(h));
        assert!(
            (across / w - 1.0).abs() < 0.01,
            "{across} vs {w} ({roll}°, {pitch}°)"
        );
        assert!(
            (along / hh - 1.0).abs() < 0.01,
            "{along} vs {hh} ({roll}°, {pitch}°)"
        );
    }
    assert!(
        level > 100,
        "{level} nearly level photos in the plane survey"
    );
}

#[test]
fn the_cli_exports_photo_layers_and_refuses_nonsense() {
    let dir = temp_dir("tlog-triggers-cli");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_steppe"))
            .args(["tlog", "export"])
            .arg(sample(SITL[0]))
            .args(args)
            .output()
            .expect("runs")
    };
    let out = dir.join("geo.txt");
    let o = run(&[
        "--layer",
        "geotags",
        "--format",
        "txt",
        "-o",
        out.to_str().expect("utf8"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("vehicle 1: 180 photos (180 CAMERA_FEEDBACK)"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(&out).expect("geo").lines().count(),
        181
    );
    let fp = dir.join("fp.geojson");
    let o = run(&[
        "--layer",
        "footprints",
        "--format",
        "geojson",
        "--camera",
        "Sony A6000 16mm",
        "-o",
        fp.to_str().expect("utf8"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let x = dir.join("x");
    let x = x.to_str().expect("utf8");
    for (args, msg) in [
        (
            vec!["--layer", "footprints", "--format", "geojson", "-o", x],
            "footprints need a camera model: add --camera NAME",
        ),
        (
            vec!["--layer", "geotags", "--format", "gpx", "-o", x],
            "the geotags layer cannot be written as gpx",
        ),
        (
            vec![
                "--layer",
                "footprints",
                "--format",
                "geojson",
                "--camera",
                "Nokon 9",
                "-o",
                x,
            ],
            "Nokon 9",
        ),
        (
            vec![
                "--layer", "triggers", "--format", "csv", "--every", "5", "-o", x,
            ],
            "--every thins the track layer only",
        ),
        (
            vec!["--format", "txt", "-o", x],
            "the track layer cannot be written as txt",
        ),
        (
            vec![
                "--layer", "triggers", "--format", "csv", "--sysid", "9", "-o", x,
            ],
            "no photos",
        ),
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(msg), "{args:?}: {err}");
    }
}

/// A log with CAMERA_TRIGGER for every photo, CAMERA_FEEDBACK for all but the 4th, and a
/// MAVLink camera (component 100) sending CAMERA_IMAGE_CAPTURED twice for one image.
fn synthetic_log() -> Vec<u8> {
    use steppe::protocol::dialect::{self as d, MavMessage};
    use steppe::protocol::frame::{Sender, Version};
    let t0: u64 = 1_795_707_600_000_000;
    let mut out = Vec::new();
    let mut add = |t: u64, compid: u8, m: MavMessage| {
        let f = Sender::new(1, compid).encode(&m, Version::V2);
        steppe::log::tlog::write_record(&mut out, t, f.raw()).expect("vec");
    };
    for k in 0..=20u64 {
        add(
            t0 + k * 500_000,
            1,
            MavMessage::GLOBAL_POSITION_INT(d::GLOBAL_POSITION_INT_DATA {
                lat: 425_000_000 + (k as i32) * 100,
                lon: 722_000_000,
                alt: 1_170_000,
                relative_alt: 100_000,
                ..Default::default()
            }),
        );
    }
    for k in 1..=6u32 {
        let t = t0 + u64::from(k) * 1_000_000;
        add(
            t,
            1,
            MavMessage::CAMERA_TRIGGER(d::CAMERA_TRIGGER_DATA {
                time_usec: t,
                seq: k,
            }),
        );
        if k != 4 {
            add(
                t + 80_000,
                1,
                MavMessage::CAMERA_FEEDBACK(d::CAMERA_FEEDBACK_DATA {
                    img_idx: k as u16,
                    lat: 425_000_000 + (k as i32) * 200,
                    lng: 722_000_000,
                    alt_msl: 1170.0,
                    alt_rel: 100.0,
                    ..Default::default()
                }),
            );
        }
    }
    let captured = MavMessage::CAMERA_IMAGE_CAPTURED(d::CAMERA_IMAGE_CAPTURED_DATA {
        lat: 425_000_000,
        lon: 722_000_000,
        alt: 1_170_000,
        relative_alt: 100_000,
        q: [1.0, 0.0, 0.0, 0.0],
        image_index: 0,
        capture_result: d::MavBool::MAV_BOOL_TRUE,
        ..Default::default()
    });
    add(t0 + 7_500_000, 100, captured.clone());
    add(t0 + 9_000_000, 100, captured);
    out
}

#[test]
fn triggers_and_feedback_of_one_photo_count_once_against_pymavlink_message_counts() {
    let dir = temp_dir("tlog-triggers-synthetic");
    let path = dir.join("synthetic.tlog");
    std::fs::write(&path, synthetic_log()).expect("write");
    let theirs = pymavlink_photos(&path);
    let count = |t: &str| theirs[&1].iter().filter(|r| r.0 == t).count();
    assert_eq!(
        (
            count("CAMERA_TRIGGER"),
            count("CAMERA_FEEDBACK"),
            count("CAMERA_IMAGE_CAPTURED")
        ),
        (6, 5, 2)
    );
    let data = std::fs::read(&path).expect("read");
    let log = photos(&data, &TriggerFilter::default());
    let s = log.stats;
    assert_eq!((s.trigger, s.feedback, s.image_captured), (6, 5, 2));
    // 6 triggers − 5 paired with a feedback + 5 feedbacks + 1 distinct captured image.
    assert_eq!(s.triggers_paired_with_feedback, 5);
    assert_eq!(s.captured_repeats, 1);
    assert_eq!(log.len(), 7);
    let p = &log.vehicles[0].photos;
    let lone = p
        .iter()
        .find(|p| p.source == steppe::vehicle::CameraSource::Trigger)
        .expect("the trigger without feedback");
    assert_eq!(lone.image_index, Some(4));
    assert!(lone.position_interpolated);
    let (lat, _) = lone.lat_lon.expect("interpolated").to_e7();
    assert_eq!(lat, 425_000_000 + 8 * 100, "the track at 4 s");
    assert_eq!(p.last().map(|p| p.compid), Some(100));
}
