//! `steppe tlog events` and the flights of `steppe tlog info`, on the simulator survey samples:
//! one flight each, as many photos as pymavlink counts CAMERA_FEEDBACK messages, and the CLI's
//! text and JSON (parsed back by Python).

mod common;
use common::python;

use std::process::Command;
use steppe::log::events::{EventKind, EventOptions, flight_log};
use steppe::test_support::sample;

/// CAMERA_FEEDBACK messages in the file, counted by pymavlink.
fn pymavlink_feedback_count(path: &std::path::Path) -> usize {
    let script = r#"
import sys
from pymavlink import mavutil
m = mavutil.mavlink_connection(sys.argv[1], robust_parsing=True)
n = 0
while m.recv_match(type='CAMERA_FEEDBACK') is not None:
    n += 1
print(n)
"#;
    python(script, &[path]).trim().parse().expect("a count")
}

fn steppe(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_steppe"))
        .args(args)
        .output()
        .expect("steppe runs");
    assert!(
        out.status.success(),
        "steppe {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn sitl_surveys_have_one_flight_with_every_photo() {
    for (rel, landed) in [
        ("sitl/arducopter_sitl_survey_talas_camera.tlog", true),
        // The plane is still loitering over home (RTL) when the log ends.
        ("sitl/arduplane_sitl_survey_jalalabad_camera.tlog", false),
    ] {
        let path = sample(rel);
        let data = std::fs::read(&path).expect("sample");
        let log = flight_log(&data, &EventOptions::default());
        let photos = pymavlink_feedback_count(&path);
        assert!(photos > 100, "{rel}: {photos}");
        let camera = log
            .events
            .iter()
            .filter(|e| e.kind == EventKind::CameraTrigger)
            .count();
        assert_eq!(camera, photos, "{rel}");
        assert_eq!(log.vehicles.len(), 1, "{rel}");
        let v = &log.vehicles[0];
        assert_eq!(v.segments.len(), 1, "{rel}");
        let seg = &v.segments[0];
        assert_eq!(seg.photos as usize, photos, "{rel}: every photo in the air");
        assert_eq!(v.totals.photos as usize, photos, "{rel}");
        assert_eq!(seg.landing_t_us.is_some(), landed, "{rel}");
        assert!(!seg.in_air_at_start, "{rel}");
        // The takeoff follows arming; photos fall between takeoff and landing.
        let t = |k: EventKind| log.events.iter().find(|e| e.kind == k).map(|e| e.t_us);
        assert!(t(EventKind::Armed) <= t(EventKind::Takeoff), "{rel}");
        assert!(t(EventKind::Takeoff) < t(EventKind::CameraTrigger), "{rel}");
        assert!(seg.battery.used_mah.is_some_and(|m| m > 1000.0), "{rel}");
    }
}

#[test]
fn cli_lists_events_and_flights() {
    let path = sample("sitl/arducopter_sitl_survey_talas_camera.tlog");
    let p = path.to_str().expect("utf8 path");
    let text = steppe(&["tlog", "events", p]);
    assert!(text.contains("Events ("), "{text}");
    for needle in [
        "armed ",
        "takeoff (climbed 3 m)",
        "mode AUTO (was GUIDED)",
        "photo 180",
        "landing (disarmed)",
        "1 flight, ",
    ] {
        assert!(text.contains(needle), "{needle:?} missing:\n{text}");
    }
    let json = steppe(&["tlog", "events", "--json", "--sysid", "1", p]);
    let script = r#"
import json, sys
d = json.loads(sys.argv[1])
kinds = [e['kind'] for e in d['events']]
f = d['flights'][0]
s = f['segments'][0]
print(kinds.count('camera'), kinds.count('takeoff'), len(f['segments']), s['photos'],
      s['landing'] is not None, d['events'][0]['t_s'] >= 0)
"#;
    assert_eq!(python(script, &[&json]).trim(), "180 1 1 180 True True");
    // Another system id: nothing.
    let none = steppe(&["tlog", "events", "--json", "--sysid", "7", p]);
    assert!(none.contains("\"events\":[]"), "{none}");

    let info = steppe(&["tlog", "info", "--json", p]);
    let script = r#"
import json, sys
d = json.loads(sys.argv[1])
t = d['flights'][0]['totals']
print(t['flights'], t['photos'], round(t['max_alt_rel_m']), t['max_home_distance_m'] > 500)
"#;
    assert_eq!(python(script, &[&info]).trim(), "1 180 70 True");
    let text = steppe(&["tlog", "info", p]);
    assert!(
        text.contains("Flights (times from the start of the log)"),
        "{text}"
    );
    assert!(text.contains("#1 "), "{text}");
}

#[test]
fn cli_link_gap_threshold() {
    let path = sample("tlog/px4/px4_1.11.3_real_2022_qgc_mav2_hexa_3flights_baddata.tlog");
    let p = path.to_str().expect("utf8 path");
    // QGroundControl recorded nothing from the hexacopter for 6 min 33 s early in the log.
    let text = steppe(&["tlog", "events", p]);
    assert!(text.contains("no telemetry for 6 min 33.3 s"), "{text}");
    assert!(text.contains("3 flights"), "{text}");
    let text = steppe(&["tlog", "events", "--gap", "600", p]);
    assert!(!text.contains("link_gap"), "{text}");
}
