//! Tests of the tlog summary: synthetic logs for each rule, and the sample logs in
//! `../shared/samples` against figures checked with pymavlink 2.4.50 (robust parsing).

use super::*;
use crate::log::tlog::write_record;
use crate::protocol::frame::{Sender, Version};
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn samples() -> PathBuf {
    crate::test_support::samples_dir()
}

fn sample(rel: &str) -> Vec<u8> {
    let p = samples().join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

const T0: u64 = 1_700_000_000_000_000;

fn heartbeat(mav_type: u8, autopilot: u8, base_mode: u8, custom_mode: u32) -> Vec<u8> {
    let mut p = custom_mode.to_le_bytes().to_vec();
    p.extend_from_slice(&[mav_type, autopilot, base_mode, 4, 3]);
    p
}

fn position(boot_ms: u32, lat_e7: i32, lon_e7: i32, rel_alt_mm: i32, vx_cms: i16) -> Vec<u8> {
    let mut p = boot_ms.to_le_bytes().to_vec();
    for v in [lat_e7, lon_e7, rel_alt_mm + 500_000, rel_alt_mm] {
        p.extend_from_slice(&v.to_le_bytes());
    }
    for v in [vx_cms, 0, 0] {
        p.extend_from_slice(&v.to_le_bytes());
    }
    p.extend_from_slice(&[0, 0]);
    p
}

/// A log from (time, sysid, msgid, payload) entries.
fn log(entries: &[(u64, u8, u32, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (t, sys, id, payload) in entries {
        let mut s = Sender::new(*sys, 1);
        let f = s
            .encode_raw(*id, payload, Version::V2)
            .expect("payload fits");
        write_record(&mut out, *t, f.raw()).expect("vec write");
    }
    out
}

const ARMED: u8 = 0x80 | 0x01;

#[test]
fn empty_input_gives_empty_summary() {
    let info = summarize(&[]);
    assert_eq!(info.stats.records, 0);
    assert_eq!((info.first_t_us, info.duration_us()), (None, None));
    assert!(info.vehicles.is_empty() && info.message_counts.is_empty());
    assert!(info.to_string().contains("Duration       -"));
    assert!(info.to_json().contains("\"duration_s\":null"));
}

#[test]
fn implausible_times_are_ignored_and_gaps_reported() {
    let hb = heartbeat(2, 3, 0, 0);
    let data = log(&[
        (47_333_000, 1, 0, hb.clone()),
        (T0, 1, 0, hb.clone()),
        (T0 + 1_000_000, 1, 0, hb.clone()),
        (T0 + 3_601_000_000, 1, 0, hb.clone()),
        (T0 + 3_600_500_000, 1, 0, hb),
    ]);
    let info = summarize(&data);
    assert_eq!(info.stats.implausible_timestamps, 1);
    assert_eq!(info.duration_us(), Some(3_601_000_000));
    assert_eq!(
        info.longest_gap,
        Some(Gap {
            after_t_us: T0 + 1_000_000,
            gap_us: 3_600_000_000
        })
    );
    assert_eq!(info.backward_steps, 1);
    assert!(info.to_string().contains("1 h 00 min 00 s after"), "{info}");
}

#[test]
fn heartbeats_with_unknown_enums_still_count_and_armed_time_is_capped() {
    // MAV_TYPE 200 is not in the dialect: the typed decoder rejects this heartbeat.
    let hb = |mode| heartbeat(200, 3, mode, 7);
    let data = log(&[
        (T0, 1, 0, hb(ARMED)),
        (T0 + 1_000_000, 1, 0, hb(ARMED)),
        (T0 + 61_000_000, 1, 0, hb(0)),
        (T0 + 62_000_000, 255, 0, heartbeat(6, 8, 0, 0)),
    ]);
    let rec = TlogReader::new(&data).next().expect("one record");
    assert!(
        rec.decode().is_err(),
        "typed decode should fail on MAV_TYPE 200"
    );
    let info = summarize(&data);
    let [v] = info.vehicles.as_slice() else {
        panic!("one vehicle: {info}")
    };
    assert_eq!((v.component.sysid, v.component.mav_type), (1, 200));
    assert_eq!(v.armed_us, 1_000_000 + ARMED_INTERVAL_CAP_US);
    assert_eq!(v.custom_modes, [7]);
    assert_eq!(info.ground_stations.len(), 1);
    assert!(info.to_string().contains("type 200"));
}

#[test]
fn distance_counts_armed_steps_and_skips_zero_fixes_and_jumps() {
    let lat = 425_200_000;
    let step = 900; // 0.00009 degrees of latitude: about 10 m
    let data = log(&[
        (T0, 1, 33, position(1_000, lat, 722_400_000, 0, 0)),
        (T0, 1, 0, heartbeat(2, 3, ARMED, 3)),
        (
            T0 + 1,
            1,
            33,
            position(2_000, lat + step, 722_400_000, 20_000, 1000),
        ),
        (T0 + 2, 1, 33, position(3_000, 0, 0, 90_000_000, 0)),
        (
            T0 + 3,
            1,
            33,
            position(4_000, lat + 2 * step, 722_400_000, 30_000, 500),
        ),
        // 1 km in one second: a glitch, then back: both steps are dropped.
        (
            T0 + 4,
            1,
            33,
            position(5_000, lat + 2 * step + 90_000, 722_400_000, 0, 0),
        ),
        (
            T0 + 5,
            1,
            33,
            position(6_000, lat + 2 * step, 722_400_000, 0, 0),
        ),
        (T0 + 6, 1, 0, heartbeat(2, 3, 0, 3)),
        (
            T0 + 7,
            1,
            33,
            position(7_000, lat + 3 * step, 722_400_000, 0, 0),
        ),
    ]);
    let info = summarize(&data);
    let v = &info.vehicles[0];
    let ten = LatLon::from_e7(lat, 0).distance_m(LatLon::from_e7(lat + step, 0));
    assert!(
        (v.distance_m - 2.0 * ten).abs() < 1e-6,
        "{} vs {}",
        v.distance_m,
        2.0 * ten
    );
    assert_eq!(v.max_alt_rel_m, Some(30.0));
    assert_eq!(v.max_ground_speed_mps, Some(10.0));
}

proptest! {
    #[test]
    fn never_panics_on_garbage(data in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let info = summarize(&data);
        let _ = (info.to_string(), info.to_json());
    }

    #[test]
    fn damaged_sample_still_summarizes(cuts in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..20)) {
        let mut data = sample("tlog/arduplane_2012_mav1_tiny.tlog");
        for (at, b) in cuts {
            let n = data.len();
            data[at % n] ^= b | 1;
        }
        let info = summarize(&data);
        prop_assert!(info.stats.records > 300);
    }
}

/// (file, records, duration in s, vehicles (sysid, compid, type, autopilot), GCS ids).
/// Records and durations from pymavlink; ours has 2 more records in the arduplane36 file: two
/// CRC-valid frames right after the first MAVLink 1 record that pymavlink skips as bad data.
type Facts = (
    &'static str,
    u64,
    Option<f64>,
    &'static [(u8, u8, u8, u8)],
    &'static [(u8, u8)],
);
#[rustfmt::skip]
const FACTS: &[Facts] = &[
    ("sitl/arducopter_sitl_survey_talas_camera.tlog", 82971, Some(177.859), &[(1, 1, 2, 3)], &[(255, 230)]),
    ("sitl/arduplane_sitl_survey_jalalabad_camera.tlog", 101893, Some(203.651), &[(1, 1, 1, 3)], &[(255, 230)]),
    ("tlog/arducopter411_real_2021_missionplanner_mixed_v1v2_wpdownload.tlog", 18951, Some(326.102), &[(10, 1, 2, 3)], &[(255, 190)]),
    ("tlog/arducopter411_real_2021_onboard_mav2_auto36wp.tlog", 12023, Some(478.754), &[(10, 1, 2, 3)], &[]),
    ("tlog/arducopter41_herelink_qgc_mav2_small.tlog", 6507, Some(46.954), &[(1, 1, 3, 3)], &[(255, 190), (255, 230)]),
    ("tlog/arducopter_cmac_2015_mav1_baddata.tlog", 75477, Some(1377.029), &[(1, 1, 2, 3)], &[(255, 0)]),
    ("tlog/arducopter_real_2013_missionplanner_mav1_auto.tlog", 19359, Some(629.969), &[(1, 1, 2, 3)], &[(255, 190)]),
    ("tlog/arduplane36_real_2016_mavproxy_mixed_v1v2_auto.tlog", 32076 + 2, Some(132.089), &[(2, 1, 1, 3)], &[(254, 0), (255, 0)]),
    ("tlog/arduplane_2012_mav1_tiny.tlog", 417, Some(5.900), &[(1, 1, 1, 3)], &[(255, 190)]),
    ("tlog/arduplane_quadplane_sitl_2018_mav1.tlog", 23894, Some(207.608), &[(1, 1, 1, 3)], &[]),
    ("tlog/ardusub411_real_2023_qgc_mav2.tlog", 35912, Some(263.430), &[(1, 1, 12, 3)], &[(255, 190)]),
    ("tlog/edge_cases/pymavlink_capture_mav2_battery_status_single_packet.tlog", 1, None, &[], &[]),
    ("tlog/px4/px4_1.11.3_real_2022_qgc_mav2_hexa_3flights_baddata.tlog", 38681, Some(2460.817), &[(1, 1, 13, 12)], &[(255, 190)]),
    ("tlog/px4/px4_2014_mavproxy_mav1_tiny_onground.tlog", 129, Some(59.852), &[(1, 241, 2, 12)], &[(255, 0)]),
];

#[test]
fn every_sample_summarizes_with_the_known_facts() {
    let pattern = format!("{}/**/*.tlog", samples().display());
    let found = glob::glob(&pattern)
        .expect("glob pattern")
        .filter_map(Result::ok)
        .count();
    assert_eq!(
        found,
        FACTS.len(),
        "a sample tlog was added or removed: list it here"
    );
    for (file, records, duration_s, vehicles, gcs) in FACTS {
        let info = summarize(&sample(file));
        assert_eq!(info.stats.records, *records, "{file}");
        let got = info.duration_us().map(|us| us as f64 / 1e6);
        match (got, duration_s) {
            (Some(a), Some(b)) => assert!((a - b).abs() < 0.002, "{file}: {a} s vs {b} s"),
            (a, b) => assert_eq!(a, *b, "{file}"),
        }
        let v: Vec<_> = info
            .vehicles
            .iter()
            .map(|v| &v.component)
            .map(|c| (c.sysid, c.compid, c.mav_type, c.autopilot))
            .collect();
        assert_eq!(v, *vehicles, "{file}");
        let g: Vec<_> = info
            .ground_stations
            .iter()
            .map(|c| (c.sysid, c.compid))
            .collect();
        assert_eq!(g, *gcs, "{file}");
        assert!(info.to_string().contains("Messages ("), "{file}");
    }
}

/// Vehicle figures computed independently in Python over pymavlink's parse with the same rules.
#[test]
fn flight_figures_match_the_pymavlink_reference() {
    // (file, armed s, distance m, max alt m, max speed m/s, modes)
    type Fig = (&'static str, f64, f64, Option<f64>, f64, &'static [u32]);
    #[rustfmt::skip]
    const FIGS: &[Fig] = &[
        ("sitl/arducopter_sitl_survey_talas_camera.tlog", 162.538, 4451.58, Some(70.01), 10.028, &[0, 4, 3]),
        ("sitl/arduplane_sitl_survey_jalalabad_camera.tlog", 194.891, 18592.80, Some(123.344), 29.543, &[16, 0, 10, 11]),
        ("tlog/arducopter411_real_2021_onboard_mav2_auto36wp.tlog", 438.989, 2464.59, Some(30.826), 10.062, &[0, 2, 5, 3]),
        ("tlog/arducopter_cmac_2015_mav1_baddata.tlog", 429.542, 1055.21, Some(13.26), 7.984, &[0, 5, 3, 6]),
        ("tlog/arducopter_real_2013_missionplanner_mav1_auto.tlog", 307.359, 1327.70, Some(100.86), 17.752, &[0, 5, 3]),
        ("tlog/arduplane36_real_2016_mavproxy_mixed_v1v2_auto.tlog", 81.831, 1317.56, Some(105.39), 28.115, &[5, 0, 10]),
        ("tlog/arduplane_quadplane_sitl_2018_mav1.tlog", 175.327, 1821.36, Some(63.35), 27.773, &[19, 1, 15, 20]),
        ("tlog/ardusub411_real_2023_qgc_mav2.tlog", 15.981, 0.97, Some(0.323), 0.412, &[19]),
        ("tlog/px4/px4_1.11.3_real_2022_qgc_mav2_hexa_3flights_baddata.tlog", 737.802, 61.21, Some(4.127), 2.115, &[65536, 50593792, 196608, 131072]),
        ("tlog/arducopter41_herelink_qgc_mav2_small.tlog", 0.0, 0.0, None, 0.0129, &[2]),
    ];
    for (file, armed_s, dist_m, alt_m, speed, modes) in FIGS {
        let info = summarize(&sample(file));
        let v = &info.vehicles[0];
        let armed = v.armed_us as f64 / 1e6;
        assert!((armed - armed_s).abs() < 0.002, "{file}: armed {armed}");
        // The reference summed spherical (haversine) steps; Steppe measures on the WGS84
        // ellipsoid, which differs by up to 0.6 % with latitude and direction.
        assert!(
            (v.distance_m - dist_m).abs() <= 0.006 * dist_m + 0.01,
            "{file}: distance {}",
            v.distance_m
        );
        match (v.max_alt_rel_m, alt_m) {
            (Some(a), Some(b)) => assert!((a - b).abs() < 1e-6, "{file}: alt {a}"),
            (a, b) => assert_eq!(a, *b, "{file}"),
        }
        let s = v.max_ground_speed_mps.unwrap_or(-1.0);
        assert!((s - speed).abs() < 0.001, "{file}: speed {s}");
        assert_eq!(v.custom_modes, *modes, "{file}");
    }
}

#[test]
fn hand_decoded_heartbeats_match_the_typed_decoder() {
    use crate::protocol::dialect::MavMessage;
    let (mut compared, mut undecodable) = (0, 0);
    for (file, ..) in FACTS {
        let data = sample(file);
        for rec in TlogReader::new(&data).filter(|r| r.header.msgid == 0) {
            let Ok(MavMessage::HEARTBEAT(hb)) = rec.decode() else {
                undecodable += 1;
                continue;
            };
            let p: [u8; 9] = padded(rec.payload());
            assert_eq!(le_u32(&p, 0), hb.custom_mode);
            assert_eq!(u32::from(p[4]), hb.mavtype as u32);
            assert_eq!(u32::from(p[5]), hb.autopilot as u32);
            assert_eq!(p[6], hb.base_mode.bits());
            compared += 1;
        }
    }
    // Every heartbeat in the samples decodes: pymavlink counts 14237, plus the arduplane36 one
    // it skips (see FACTS).
    assert_eq!((compared, undecodable), (14_238, 0));
}

/// Message counts by type from pymavlink (robust parsing), BAD_DATA left out.
fn pymavlink_counts(path: &Path) -> Vec<(String, u64)> {
    const SCRIPT: &str = r#"
import sys, os, collections
os.environ.setdefault("MAVLINK20", "1")
from pymavlink import mavutil
m = mavutil.mavlink_connection(sys.argv[1], robust_parsing=True, dialect="ardupilotmega")
c = collections.Counter()
while True:
    msg = m.recv_msg()
    if msg is None:
        break
    c[msg.get_type()] += 1
c.pop("BAD_DATA", None)
for name, n in c.items():
    print(name, n)
"#;
    let out = Command::new("python3")
        .args(["-c", SCRIPT])
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("cannot run python3 ({e}): install python3 and pymavlink"));
    assert!(
        out.status.success(),
        "pymavlink failed (is it installed? `pip install pymavlink`):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut v: Vec<(String, u64)> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let (name, n) = l.split_once(' ')?;
            Some((name.to_owned(), n.parse().ok()?))
        })
        .collect();
    v.sort();
    v
}

#[test]
fn message_counts_equal_pymavlink() {
    for file in [
        "sitl/arduplane_sitl_survey_jalalabad_camera.tlog",
        "tlog/arducopter_cmac_2015_mav1_baddata.tlog",
        "tlog/arducopter411_real_2021_missionplanner_mixed_v1v2_wpdownload.tlog",
    ] {
        let info = summarize(&sample(file));
        let mut ours: Vec<(String, u64)> = info
            .message_counts
            .iter()
            .map(|m| (m.name.clone(), m.count))
            .collect();
        ours.sort();
        assert_eq!(ours, pymavlink_counts(&samples().join(file)), "{file}");
    }
    let wp = summarize(&sample(FACTS[2].0));
    let count = |name: &str| {
        wp.message_counts
            .iter()
            .find(|m| m.name == name)
            .map(|m| m.count)
    };
    assert_eq!(
        (count("MISSION_ITEM_INT"), count("MISSION_REQUEST_INT")),
        (Some(37), Some(37))
    );
    assert_eq!(count("PARAM_VALUE"), Some(991));
}

#[test]
fn json_is_valid_and_text_is_sorted() {
    let info = summarize(&sample(FACTS[4].0));
    let counts: Vec<u64> = info.message_counts.iter().map(|m| m.count).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]));
    let json = info.to_json();
    let out = Command::new("python3")
        .args(["-c", "import json,sys; d=json.loads(sys.stdin.read()); print(len(d['vehicles']), len(d['ground_stations']), d['records'])"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().map(|mut i| i.write_all(json.as_bytes()));
            c.wait_with_output()
        })
        .expect("python3 runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "1 2 6507",
        "{json}"
    );
}
