//! Tests of the WPL reader and writer against files written by other tools
//! (`../shared/samples`) and against pymavlink's `mavwp` loader.

use crate::formats::wpl::{WplFile, WplFormat, parse, write};
use crate::plan::mission_item::{MissionItem, MissionType, cmd, frame};
use std::path::{Path, PathBuf};
use std::process::Command;

fn samples() -> PathBuf {
    crate::test_support::samples_dir()
}

fn wpl_dir() -> PathBuf {
    samples().join("missions/wpl")
}

fn sitl_dir() -> PathBuf {
    samples().join("sitl")
}

/// (file, items, format) for every sample; counts of WPL 110 files checked with pymavlink
/// `mavwp.MAVWPLoader().load`, legacy ones with pymavlink's `MissionItemProtocol_Fence/Rally`.
const SAMPLES: &[(&str, usize, WplFormat)] = &[
    ("ardupilot_CMAC-grid.txt", 18, WplFormat::Qgc110),
    (
        "ardupilot_Dalby-OBC2016-fence_latlon.txt",
        17,
        WplFormat::MavproxyFence,
    ),
    ("ardupilot_Dalby-OBC2016.txt", 35, WplFormat::Qgc110),
    (
        "ardupilot_SilentWings_Plockton.waypoints",
        12,
        WplFormat::Qgc110,
    ),
    (
        "ardupilot_jump_tags_into_wind_landing.waypoints",
        17,
        WplFormat::Qgc110,
    ),
    ("ardupilot_rover-camera-mission.txt", 6, WplFormat::Qgc110),
    ("cuav_Dalby-fence_latlon.txt", 6, WplFormat::MavproxyFence),
    (
        "cuav_Dalby-mission-Porter-north-takeoff.txt",
        174,
        WplFormat::Qgc110,
    ),
    ("cuav_cmac_2013.txt", 51, WplFormat::Qgc110),
    (
        "mavproxy_cmac-foamy-fence_latlon.txt",
        5,
        WplFormat::MavproxyFence,
    ),
    ("mavproxy_cmac-foamy-mission-cw.txt", 12, WplFormat::Qgc110),
    ("mavproxy_cmac-foamy-rally.txt", 1, WplFormat::MavproxyRally),
    (
        "mavproxy_springvalleybottom-foamy-fence_wpl110.txt",
        5,
        WplFormat::Qgc110,
    ),
    (
        "missionplanner_qgc-test_800Waypoints.waypoints.txt",
        829,
        WplFormat::Qgc110,
    ),
    (
        "missionplanner_qgc-test_MissionPlanner.waypoints.txt",
        15,
        WplFormat::Qgc110,
    ),
    ("pymavlink_fence-110.txt", 10, WplFormat::Qgc110),
    ("pymavlink_rally-110.txt", 2, WplFormat::Qgc110),
    ("pymavlink_rally_legacy.txt", 2, WplFormat::MavproxyRally),
];

fn sample_paths() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = SAMPLES.iter().map(|(f, ..)| wpl_dir().join(f)).collect();
    v.push(sitl_dir().join("arducopter_sitl_survey_talas_camera.waypoints"));
    v.push(sitl_dir().join("arduplane_sitl_survey_jalalabad_camera.waypoints"));
    v
}

fn read(path: &Path) -> WplFile {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_sample_reads_with_the_expected_count() {
    let listed: Vec<&str> = SAMPLES.iter().map(|(f, ..)| *f).collect();
    let mut on_disk: Vec<String> = std::fs::read_dir(wpl_dir())
        .expect("samples present")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    on_disk.sort();
    assert_eq!(
        on_disk, listed,
        "a sample was added or removed: list it here"
    );
    for (name, count, format) in SAMPLES {
        let f = read(&wpl_dir().join(name));
        assert_eq!((f.items.len(), f.format), (*count, *format), "{name}");
    }
    let talas = read(&sitl_dir().join("arducopter_sitl_survey_talas_camera.waypoints"));
    assert_eq!(talas.items.len(), 40);
    let jalal = read(&sitl_dir().join("arduplane_sitl_survey_jalalabad_camera.waypoints"));
    assert_eq!(jalal.items.len(), 45);
}

#[test]
fn sample_facts() {
    let big = read(&wpl_dir().join("missionplanner_qgc-test_800Waypoints.waypoints.txt"));
    let cam = big
        .items
        .iter()
        .filter(|i| i.command == cmd::DO_SET_CAM_TRIGG_DIST)
        .count();
    assert_eq!((big.items.len(), cam), (829, 2));
    assert_eq!(Some(big.items[3].params[0]), "21.059999".parse().ok());
    let fence = read(&wpl_dir().join("pymavlink_fence-110.txt"));
    assert_eq!(fence.mission_type, MissionType::Fence);
    let rally = read(&wpl_dir().join("pymavlink_rally-110.txt"));
    assert_eq!(rally.mission_type, MissionType::Rally);
    // 92 fence-exclusion vertices inside a mission do not make it a fence file.
    let dalby = read(&wpl_dir().join("cuav_Dalby-mission-Porter-north-takeoff.txt"));
    assert_eq!(dalby.mission_type, MissionType::Mission);
    let home = dalby.items[0];
    assert_eq!(
        (home.x, home.y, home.frame),
        (-272_744_390, 1_512_900_700, frame::GLOBAL)
    );
}

#[test]
fn write_then_parse_is_lossless_for_every_sample() {
    for path in sample_paths() {
        let f = read(&path);
        let back = parse(&write(&f.items)).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(back.items.len(), f.items.len(), "{}", path.display());
        assert_eq!(back.mission_type, f.mission_type);
        for (i, (a, b)) in f.items.iter().zip(&back.items).enumerate() {
            assert!(
                a.same_on_wire(b),
                "{} item {i}: {a:?} vs {b:?}",
                path.display()
            );
        }
    }
}

/// Runs a pymavlink script with file arguments. Fails (does not skip) when python3 or
/// pymavlink is missing: CI installs pymavlink.
pub(super) fn pymavlink(script: &str, args: &[&Path]) -> String {
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run python3 ({e}): install python3 and pymavlink"));
    assert!(
        out.status.success(),
        "pymavlink script failed (is pymavlink installed? `pip install pymavlink`):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Prints, per loaded item: frame command current autocontinue p1 p2 p3 p4 x y z (repr).
pub(super) const DUMP_WP: &str = r#"
import sys
from pymavlink import mavwp
for path in sys.argv[1:]:
    w = mavwp.MAVWPLoader()
    n = w.load(path)
    print("FILE", n)
    for i in range(n):
        p = w.wp(i)
        print(p.frame, p.command, p.current, p.autocontinue,
              *[repr(float(v)) for v in (p.param1, p.param2, p.param3, p.param4, p.x, p.y, p.z)])
"#;

pub(super) fn check_against_dump(ours: &[MissionItem], dump: &mut std::str::Lines<'_>, what: &str) {
    let head = dump.next().unwrap_or_default();
    assert_eq!(
        head,
        format!("FILE {}", ours.len()),
        "{what}: pymavlink item count"
    );
    for (i, it) in ours.iter().enumerate() {
        let line = dump.next().unwrap_or_default();
        let c: Vec<&str> = line.split(' ').collect();
        assert_eq!(c.len(), 11, "{what} item {i}: {line}");
        let num = |k: usize| {
            c[k].parse::<f64>()
                .unwrap_or_else(|_| panic!("{what}: {line}"))
        };
        assert_eq!(num(0) as u8, it.frame, "{what} item {i} frame");
        // pymavlink turns Mission Planner's command-0 home row into a waypoint.
        let command = if i == 0 && it.command == 0 {
            cmd::NAV_WAYPOINT
        } else {
            it.command
        };
        assert_eq!(num(1) as u16, command, "{what} item {i} command");
        assert_eq!(
            num(3) != 0.0,
            it.autocontinue,
            "{what} item {i} autocontinue"
        );
        for k in 0..4 {
            let (a, b) = (num(4 + k) as f32, it.params[k]);
            assert!(
                a == b || (a.is_nan() && b.is_nan()),
                "{what} item {i} p{}: {a} vs {b}",
                k + 1
            );
        }
        // x/y: pymavlink keeps the text's value; ours is the rounded wire integer.
        let close = |text: f64, ours: f64, wire: i32| {
            (text.is_nan() && wire == i32::MAX)
                || (text - ours).abs() <= 0.5e-7 + 1e-12 * text.abs()
        };
        if frame::is_global(it.frame) {
            assert!(
                close(num(8), it.param5(), it.x),
                "{what} item {i} x: {line}"
            );
            assert!(
                close(num(9), it.param6(), it.y),
                "{what} item {i} y: {line}"
            );
        }
        let z = num(10) as f32;
        assert!(
            z == it.z || (z.is_nan() && it.z.is_nan()),
            "{what} item {i} z"
        );
    }
}

#[test]
fn pymavlink_reads_samples_as_we_do() {
    let paths: Vec<PathBuf> = sample_paths()
        .into_iter()
        .filter(|p| read(p).format == WplFormat::Qgc110)
        .collect();
    let args: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    let dump = pymavlink(DUMP_WP, &args);
    let mut lines = dump.lines();
    for p in &paths {
        check_against_dump(&read(p).items, &mut lines, &p.display().to_string());
    }
}

#[test]
fn pymavlink_reads_files_we_write() {
    let dir = std::env::temp_dir().join(format!("steppe-wpl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut written = Vec::new();
    let mut ours = Vec::new();
    for (k, path) in sample_paths().iter().enumerate() {
        let f = read(path);
        let out = dir.join(format!("{k}.waypoints"));
        std::fs::write(&out, write(&f.items)).expect("write temp file");
        written.push(out);
        ours.push((path.display().to_string(), f.items));
    }
    // Odd values too: NaN, negative zero, tiny and huge params, local and mission frames.
    let mut odd = MissionItem::nav(
        cmd::NAV_WAYPOINT,
        crate::geo::LatLon::new(-89.9999999, 179.9999999),
        -12.5,
    );
    odd.params = [f32::NAN, -0.0, 1e-38, 3.4e38];
    let mut local = MissionItem {
        frame: frame::LOCAL_NED,
        ..MissionItem::default()
    };
    local.set_param5_6(-214_748.364_8, 0.0001);
    let action = MissionItem {
        x: i32::MAX,
        y: -7,
        ..MissionItem::action(cmd::DO_JUMP, [1.0, -1.0, 0.0, 0.0])
    };
    let odd_items = vec![MissionItem::default(), odd, local, action];
    let out = dir.join("odd.waypoints");
    std::fs::write(&out, write(&odd_items)).expect("write temp file");
    written.push(out);
    ours.push(("odd values".to_owned(), odd_items));

    let args: Vec<&Path> = written.iter().map(PathBuf::as_path).collect();
    let dump = pymavlink(DUMP_WP, &args);
    let mut lines = dump.lines();
    for (what, items) in &ours {
        check_against_dump(items, &mut lines, what);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn legacy_conversion_matches_pymavlink() {
    // pymavlink truncates degrees * 1e7 where we round, and scales rally altitude by 1e3:
    // compare positions within one wire step and altitudes in metres.
    const SCRIPT: &str = r#"
import sys, os
os.environ["MAVLINK20"] = "1"
from pymavlink import mavutil, mavwp
mavutil.set_dialect("ardupilotmega")
for path in sys.argv[1:]:
    first = open(path).readline()
    w = mavwp.MissionItemProtocol_Rally() if first.startswith("RALLY") else mavwp.MissionItemProtocol_Fence()
    w.load(path)
    print("FILE", w.count())
    for i in range(w.count()):
        p = w.item(i)
        print(p.frame, p.command, p.param1, p.x, p.y, p.z)
"#;
    let paths: Vec<PathBuf> = sample_paths()
        .into_iter()
        .filter(|p| read(p).format != WplFormat::Qgc110)
        .collect();
    let args: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    let dump = pymavlink(SCRIPT, &args);
    let mut lines = dump.lines();
    for p in &paths {
        let f = read(p);
        assert_eq!(
            lines.next(),
            Some(format!("FILE {}", f.items.len()).as_str()),
            "{}",
            p.display()
        );
        for it in &f.items {
            let line = lines.next().unwrap_or_default();
            let c: Vec<f64> = line.split(' ').filter_map(|s| s.parse().ok()).collect();
            assert_eq!(c.len(), 6, "{line}");
            assert_eq!(
                (c[0] as u8, c[1] as u16, c[2] as f32),
                (it.frame, it.command, it.params[0])
            );
            assert!(
                (c[3] - f64::from(it.x)).abs() <= 1.0 && (c[4] - f64::from(it.y)).abs() <= 1.0,
                "{line}"
            );
            let z_m = if f.format == WplFormat::MavproxyRally {
                c[5] / 1e3
            } else {
                c[5]
            };
            assert_eq!(z_m as f32, it.z, "{line}");
        }
    }
}
