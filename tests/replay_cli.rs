//! `steppe replay FILE --link URL`: a recorded flight streamed to another ground station with
//! its pacing. pymavlink (an independent MAVLink peer) listens on UDP and counts what it
//! decodes; the frames must be exactly the log's records in the chosen window, paced by the
//! speed asked for.

mod common;

use common::sample;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;
use steppe::log::index::{TlogIndex, monotonic_us};
use steppe::log::tlog::TlogReader;

const LOG: &str = "sitl/arducopter_sitl_survey_talas_camera.tlog";

/// Records of the log between `from_s` and `to_s` after its start.
fn records_in(data: &[u8], from_s: u64, to_s: u64) -> usize {
    let idx = TlogIndex::build(data);
    let (from, to) = (
        idx.start_us + from_s * 1_000_000,
        idx.start_us + to_s * 1_000_000,
    );
    let mut prev = 0;
    TlogReader::new(data)
        .filter(|r| {
            prev = monotonic_us(prev, r.t_us);
            (from..=to).contains(&prev)
        })
        .count()
}

#[test]
fn pymavlink_receives_every_frame_of_the_window_at_the_asked_pace() {
    let path = sample(LOG);
    let data = std::fs::read(&path).expect("sample");
    let expected = records_in(&data, 60, 70);
    assert!(expected > 1000);
    let script = r#"
import sys
from pymavlink import mavutil
m = mavutil.mavlink_connection('udpin:127.0.0.1:0')
print(m.port.getsockname()[1], flush=True)
n = 0
while True:
    x = m.recv_match(blocking=True, timeout=3)
    if x is None:
        break
    if x.get_type() != 'BAD_DATA':
        n += 1
print(n, flush=True)
"#;
    let mut py = Command::new("python3")
        .args(["-c", script])
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 with pymavlink (see .ci/run)");
    let mut out = BufReader::new(py.stdout.take().expect("stdout"));
    let mut port = String::new();
    out.read_line(&mut port).expect("port line");
    let port: u16 = port.trim().parse().expect("pymavlink printed its port");
    let t0 = Instant::now();
    let run = Command::new(env!("CARGO_BIN_EXE_steppe"))
        .args(["replay", path.to_str().expect("utf-8 path"), "--quiet"])
        .args(["--link", &format!("udpout:127.0.0.1:{port}")])
        .args(["--speed", "5", "--from", "60", "--to", "70"])
        .output()
        .expect("steppe runs");
    let wall = t0.elapsed().as_secs_f64();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        stdout.contains(&format!("sent {expected} frames")),
        "{stdout}"
    );
    // 10 s of log at 5x: about 2 s.
    assert!((1.7..4.0).contains(&wall), "took {wall:.2} s");
    let mut count = String::new();
    out.read_line(&mut count).expect("count line");
    let _ = py.wait();
    assert_eq!(count.trim().parse::<usize>().ok(), Some(expected));
}

#[test]
fn replay_refuses_what_it_cannot_play() {
    let dir = common::temp_dir("replay_bad");
    let junk = dir.join("junk.tlog");
    std::fs::write(&junk, b"this is not a telemetry log at all").expect("write");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_steppe"))
            .args(args)
            .output()
            .expect("steppe runs")
    };
    let out = run(&[
        "replay",
        junk.to_str().expect("utf-8"),
        "--link",
        "udpout:127.0.0.1:9",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no MAVLink record"));
    let log = sample(LOG);
    let log = log.to_str().expect("utf-8");
    let out = run(&[
        "replay",
        log,
        "--link",
        "udpout:127.0.0.1:9",
        "--speed",
        "500",
    ]);
    assert_ne!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("speed"));
    let out = run(&["replay", log, "--link", "carrier-pigeon:1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--link"));
    let out = run(&[
        "replay",
        log,
        "--link",
        "udpout:127.0.0.1:9",
        "--from",
        "9000",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("select nothing"));
}

#[test]
fn tlog_compare_reports_how_closely_the_mission_was_flown() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_steppe"))
            .args(args)
            .output()
            .expect("steppe runs")
    };
    let log = sample(LOG);
    let out = run(&["tlog", "compare", log.to_str().expect("utf-8"), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v[0]["sysid"], 1);
    assert_eq!(v[0]["items"], 40);
    assert!(v[0]["mean_m"].as_f64().is_some_and(|m| m < 1.0), "{v}");
    assert!(v[0]["points"].as_u64().is_some_and(|n| n > 2000));
    // The same mission as a file (which keeps home apart) gives the same figures.
    let wp = sample("sitl/arducopter_sitl_survey_talas_camera.waypoints");
    let args = [
        "tlog",
        "compare",
        log.to_str().expect("utf-8"),
        "--json",
        "--plan",
    ];
    let out = run(&[&args[..], &[wp.to_str().expect("utf-8")]].concat());
    let f: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(f[0]["items"], 40, "home + 39 items");
    let mean = |x: &serde_json::Value| x[0]["max_m"].as_f64().unwrap_or(f64::NAN);
    assert!((mean(&f) - mean(&v)).abs() < 0.5, "{f} vs {v}");
    // A log without a mission transfer needs a plan file; it says so and fails.
    let bare = sample("tlog/arducopter411_real_2021_onboard_mav2_auto36wp.tlog");
    let out = run(&["tlog", "compare", bare.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("use --plan"));
}
