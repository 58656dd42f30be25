//! Steppe against real PX4 1.16 SITL (SIH quadrotor and plane): mission, fence and rally round
//! trips of `plan survey --firmware px4` and of a file with a DO_JUMP, ArduPilot-style files
//! made acceptable or refused before upload with the item named, parameters, modes by name,
//! arm, takeoff, mission, RTL and land, a survey flown in mission mode and recorded, and a ULog
//! downloaded over MAVLink. Needs `../shared/peers/px4` (or `STEPPE_PX4_DIR`).

mod common;

use common::sitl::{
    Px4, Px4Opts, SITL_HOME, engine_at_boot, field_geojson, state, steppe, steppe_fails, steppe_ok,
    vehicles_within,
};
use common::{act, temp_dir, wait_until};
use std::path::Path;
use std::time::{Duration, Instant};
use steppe::formats::wpl;
use steppe::plan::document::{Firmware, VehicleKind};
use steppe::plan::stored::{as_stored, for_px4};
use steppe::plan::{MissionItem, MissionType};
use steppe::protocol::actions::VehicleAction as A;
use steppe::vehicle::{Autopilot, VehicleClass, mode_names};

const HOME: (f64, f64) = (SITL_HOME.0, SITL_HOME.1);

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn download(link: &str, kind: MissionType, dir: &Path) -> Vec<MissionItem> {
    let out = dir.join(format!("down-{kind}.waypoints"));
    steppe_ok(&[
        "mission",
        "download",
        "--link",
        link,
        "--type",
        kind.name(),
        path_str(&out),
    ]);
    wpl::parse(&std::fs::read_to_string(&out).expect("file"))
        .expect("Steppe's WPL")
        .items
}

/// Uploads `file` and reads back every list, comparing each item with what PX4 stores (a
/// mission comes back with the vehicle's home put first, as files have it).
fn round_trip(link: &str, file: &Path, dir: &Path, vehicle: VehicleKind) -> usize {
    let bytes = std::fs::read(file).expect("file");
    let doc = steppe::cli::doc_of(file, &bytes).expect("a mission file");
    let lists = steppe::cli::upload_lists(file, &bytes, &doc, None).expect("lists");
    steppe_ok(&[
        "mission",
        "upload",
        "--link",
        link,
        "--force",
        path_str(file),
    ]);
    let mut n = 0;
    for (kind, sent) in lists {
        let Some(sent) = sent else { continue };
        let got = download(link, kind, dir);
        assert_eq!(got.len(), sent.len(), "{}: {kind} count", file.display());
        let skip = usize::from(kind == MissionType::Mission);
        for (i, (s, g)) in sent.iter().zip(&got).enumerate().skip(skip) {
            let want = as_stored(Firmware::Px4, vehicle, kind, &for_px4(s));
            assert!(
                want.same_on_wire(g),
                "{}: {kind} item {i}:\n sent   {s:?}\n stored {want:?}\n got    {g:?}",
                file.display()
            );
        }
        n += sent.len();
    }
    n
}

#[test]
fn px4_round_trips_and_refusals_named_before_upload() {
    let v = Px4::start("quad", Px4Opts::default());
    let link = v.link();
    let dir = temp_dir("px4-round-trip");
    // Steppe's PX4 survey of a field with a no-fly hole (a fence exclusion polygon).
    let field = field_geojson(&dir, HOME, 60.0, 240.0, 160.0);
    let hole = dir.join("hole.geojson");
    let centre = steppe::geo::LatLon::new(HOME.0, HOME.1)
        .destination(45.0, 60.0)
        .destination(90.0, 120.0)
        .destination(0.0, 80.0);
    let ring: Vec<String> = [(45.0, 28.0), (135.0, 28.0), (225.0, 28.0), (315.0, 28.0)]
        .iter()
        .map(|&(b, d)| {
            let p = centre.destination(b, d);
            format!("[{:.7},{:.7}]", p.lon_deg, p.lat_deg)
        })
        .collect();
    std::fs::write(
        &hole,
        format!(
            "{{\"type\":\"Polygon\",\"coordinates\":[[{},{}]]}}",
            ring.join(","),
            ring[0]
        ),
    )
    .expect("hole");
    let plan = dir.join("survey.plan");
    steppe_ok(&[
        "plan",
        "survey",
        "--area",
        path_str(&field),
        "--exclude",
        path_str(&hole),
        "--camera",
        "Sony A6000 20mm",
        "--alt",
        "60",
        "--firmware",
        "px4",
        "--home",
        &format!("{},{}", HOME.0, HOME.1),
        "-o",
        path_str(&plan),
    ]);
    let (_, h) = wait_heard(&link);
    drop(h);
    assert!(round_trip(&link, &plan, &dir, VehicleKind::Copter) > 20);

    // DO_JUMP targets are renumbered both ways (PX4 stores no home item).
    let jump = dir.join("jump.waypoints");
    let (lat, lon) = HOME;
    std::fs::write(
        &jump,
        format!(
            "QGC WPL 110\n\
             0\t1\t0\t16\t0\t0\t0\t0\t{lat:.7}\t{lon:.7}\t780\t1\n\
             1\t0\t3\t22\t0\t0\t0\t0\t{lat:.7}\t{lon:.7}\t20\t1\n\
             2\t0\t3\t16\t0\t0\t0\t0\t{:.7}\t{lon:.7}\t20\t1\n\
             3\t0\t3\t16\t0\t0\t0\t0\t{:.7}\t{:.7}\t20\t1\n\
             4\t0\t2\t177\t2\t1\t0\t0\t0\t0\t0\t1\n\
             5\t0\t2\t20\t0\t0\t0\t0\t0\t0\t0\t1\n",
            lat + 0.000_5,
            lat + 0.000_5,
            lon + 0.000_7
        ),
    )
    .expect("jump file");
    round_trip(&link, &jump, &dir, VehicleKind::Copter);
    let back = download(&link, MissionType::Mission, &dir);
    assert_eq!(back[4].command, 177);
    assert_eq!(
        back[4].params[0], 2.0,
        "the jump to file item 2 reads back as item 2"
    );

    // Rally points and a fence with circles and a return point.
    round_trip(
        &link,
        &common::sample("missions/wpl/pymavlink_rally-110.txt"),
        &dir,
        VehicleKind::Copter,
    );
    let fence = dir.join("circles.waypoints");
    std::fs::write(
        &fence,
        format!(
            "QGC WPL 110\n\
             0\t0\t0\t5000\t0\t0\t0\t0\t{lat:.7}\t{lon:.7}\t0\t1\n\
             1\t0\t0\t5003\t900.5\t0\t0\t0\t{lat:.7}\t{lon:.7}\t0\t1\n\
             2\t0\t0\t5004\t30.25\t0\t0\t0\t{:.7}\t{:.7}\t0\t1\n",
            lat + 0.001_234_5,
            lon - 0.000_987_6
        ),
    )
    .expect("fence");
    round_trip(&link, &fence, &dir, VehicleKind::Copter);

    // An ArduPilot-style file (RTL and DO_CHANGE_SPEED in a global frame, as Mission Planner
    // writes them): PX4 refused it at its first such item; Steppe sends those in
    // MAV_FRAME_MISSION, which PX4 takes.
    round_trip(
        &link,
        &common::sample("missions/wpl/mavproxy_cmac-foamy-mission-cw.txt"),
        &dir,
        VehicleKind::Copter,
    );
    // Items PX4 cannot take are refused before anything is sent, with the item named.
    let bad = dir.join("bad.waypoints");
    std::fs::write(
        &bad,
        format!(
            "QGC WPL 110\n\
             0\t1\t0\t16\t0\t0\t0\t0\t{lat:.7}\t{lon:.7}\t780\t1\n\
             1\t0\t3\t22\t0\t0\t0\t0\t{lat:.7}\t{lon:.7}\t20\t1\n\
             2\t0\t3\t82\t0\t0\t0\t0\t{:.7}\t{lon:.7}\t20\t1\n",
            lat + 0.000_5
        ),
    )
    .expect("bad");
    let before = download(&link, MissionType::Mission, &dir);
    let err = steppe_fails(&[
        "mission",
        "upload",
        "--link",
        &link,
        "--force",
        path_str(&bad),
    ]);
    assert!(
        err.contains("mission not sent") && err.contains("at item 2 (NAV_SPLINE_WAYPOINT (82)"),
        "{err}"
    );
    assert_eq!(
        download(&link, MissionType::Mission, &dir),
        before,
        "nothing changed"
    );
}

/// An engine on `link` and its PX4 (once heard).
fn wait_heard(link: &str) -> (steppe::vehicle::VehicleId, steppe::runtime::BackendHandle) {
    let (h, id) = engine_at_boot(link);
    (id, h)
}

#[test]
fn px4_parameters_download_and_typed_sets() {
    let v = Px4::start("quad", Px4Opts::default());
    let link = v.link();
    let dir = temp_dir("px4-params");
    let file = dir.join("px4.param");
    steppe_ok(&["param", "download", "--link", &link, "-o", path_str(&file)]);
    let text = std::fs::read_to_string(&file).expect("params");
    let n = text.lines().count();
    // The count PX4 reports, read independently by pymavlink (PX4 also sends _HASH_CHECK at
    // index 65535, which is not a parameter).
    let reported: usize = common::python(
        "import sys\nfrom pymavlink import mavutil\n\
         m = mavutil.mavlink_connection('udpin:127.0.0.1:' + sys.argv[1], source_system=255, source_component=190)\n\
         m.wait_heartbeat(timeout=20)\n\
         m.mav.param_request_read_send(m.target_system, m.target_component, b'', 0)\n\
         p = m.recv_match(type='PARAM_VALUE', blocking=True, timeout=10)\n\
         print(p.param_count)\n",
        &[v.gcs_port().to_string()],
    )
    .trim()
    .parse()
    .expect("count");
    assert!(reported > 800, "PX4 reports {reported}");
    assert_eq!(n, reported);
    // An integer (PX4 sends its bits in the float field) and a float, read back.
    let out = steppe_ok(&["param", "set", "--link", &link, "COM_DISARM_LAND", "4.5"]);
    assert!(out.contains("COM_DISARM_LAND = 4.5"), "{out}");
    let out = steppe_ok(&["param", "set", "--link", &link, "RTL_RETURN_ALT", "45"]);
    assert!(out.contains("RTL_RETURN_ALT = 45"), "{out}");
    let out = steppe_ok(&["param", "set", "--link", &link, "COM_RC_IN_MODE", "4"]);
    assert!(out.contains("COM_RC_IN_MODE = 4"), "{out}");
    let t = Instant::now();
    let err = steppe_fails(&["param", "set", "--link", &link, "NO_SUCH_PARAM", "1"]);
    assert!(err.contains("no parameter named NO_SUCH_PARAM"), "{err}");
    assert!(t.elapsed() < Duration::from_secs(20));
}

#[test]
fn px4_modes_by_name_arm_takeoff_goto_rtl_land() {
    let v = Px4::start("quad", Px4Opts::default());
    let (mut h, id) = engine_at_boot(&v.link());
    let e = act(&mut h, id, A::Arm)
        .expect_err("armed right after boot")
        .to_string();
    assert!(e.contains("COMPONENT_ARM_DISARM (400) refused"), "{e}");
    vehicles_within(&mut h, 1, Duration::from_secs(60));
    let mut taken = Vec::new();
    for name in mode_names(Autopilot::Px4, VehicleClass::Copter) {
        match act(&mut h, id, A::SetMode(name.to_owned())) {
            Ok(()) => taken.push(name),
            Err(e) => assert!(e.to_string().contains("refused"), "{name}: {e}"),
        }
    }
    eprintln!("PX4 modes acknowledged on the ground: {taken:?}");
    for name in [
        "Position",
        "Hold",
        "Altitude",
        "Manual",
        "Stabilized",
        "Return",
        "Land",
    ] {
        assert!(taken.contains(&name), "{name}");
        act(&mut h, id, A::SetMode(name.into())).expect(name);
        wait_until(&mut h, Duration::from_secs(10), name, |s| {
            s.iter().any(|s| s.id == id && s.mode_name == name)
        });
    }
    act(&mut h, id, A::SetMode("Hold".into())).expect("Hold");
    let end = Instant::now() + Duration::from_secs(60);
    while let Err(e) = act(&mut h, id, A::Arm) {
        assert!(Instant::now() < end, "never armed: {e}");
        std::thread::sleep(Duration::from_secs(1));
    }
    act(&mut h, id, A::Takeoff { alt_rel_m: 15.0 }).expect("takeoff");
    wait_until(&mut h, Duration::from_secs(60), "15 m", |s| {
        s.iter()
            .any(|s| s.id == id && s.position.alt_rel_m.unwrap_or(0.0) > 13.0)
    });
    let home = state(&h, id).home.expect("home").lat_lon;
    let target = home.destination(90.0, 60.0);
    act(
        &mut h,
        id,
        A::Goto {
            position: target,
            alt_rel_m: 25.0,
        },
    )
    .expect("goto");
    wait_until(
        &mut h,
        Duration::from_secs(60),
        "at the point, 25 m up",
        |s| {
            s.iter().any(|s| {
                s.id == id
                    && s.position
                        .lat_lon
                        .is_some_and(|p| p.distance_m(target) < 5.0)
                    && (s.position.alt_rel_m.unwrap_or(0.0) - 25.0).abs() < 2.0
            })
        },
    );
    act(&mut h, id, A::Rtl).expect("RTL");
    wait_until(&mut h, Duration::from_secs(10), "Return", |s| {
        s.iter().any(|s| s.id == id && s.mode_name == "Return")
    });
    act(&mut h, id, A::Land).expect("land");
    wait_until(
        &mut h,
        Duration::from_secs(90),
        "landed and disarmed",
        |s| s.iter().any(|s| s.id == id && !s.armed),
    );
}

#[test]
fn a_px4_survey_is_flown_in_mission_mode_recorded_and_its_log_downloaded() {
    let v = Px4::start(
        "quad",
        Px4Opts {
            speedup: 4.0,
            // Distance triggering through MAVLink (CAMERA_IMAGE_CAPTURED for each photo).
            params: vec![
                ("TRIG_MODE".into(), "4".into()),
                // PX4's default logging profile: the SITL startup asks for the replay and
                // vision topics too, 70 MB for this short flight.
                ("SDLOG_PROFILE".into(), "1".into()),
            ],
            ..Px4Opts::default()
        },
    );
    let link = v.link();
    let dir = temp_dir("px4-survey");
    let field = field_geojson(&dir, HOME, 40.0, 160.0, 100.0);
    let plan = dir.join("survey.plan");
    steppe_ok(&[
        "plan",
        "survey",
        "--area",
        path_str(&field),
        "--camera",
        "Sony A6000 20mm",
        "--alt",
        "50",
        "--speed",
        "8",
        "--firmware",
        "px4",
        "--home",
        &format!("{},{}", HOME.0, HOME.1),
        "-o",
        path_str(&plan),
    ]);
    let ready = common::sitl::retry(Duration::from_secs(30), Duration::from_millis(500), || {
        steppe(&["mission", "upload", "--link", &link, path_str(&plan)])
            .0
            .then_some(())
    });
    assert!(ready.is_some(), "PX4 never took the survey");
    let tlog = dir.join("px4.tlog");
    let (mut h, id) = common::sitl::engine_recording(&link, Some(tlog.clone()));
    let end = Instant::now() + Duration::from_secs(60);
    while let Err(e) = act(&mut h, id, A::Arm) {
        assert!(Instant::now() < end, "never armed: {e}");
        std::thread::sleep(Duration::from_secs(1));
    }
    act(&mut h, id, A::StartMission).expect("mission start");
    wait_until(
        &mut h,
        Duration::from_secs(60),
        "Mission mode, flying",
        |s| {
            s.iter().any(|s| {
                s.id == id && s.mode_name == "Mission" && s.position.alt_rel_m.unwrap_or(0.0) > 10.0
            })
        },
    );
    wait_until(
        &mut h,
        Duration::from_secs(600),
        "the survey flown and landed",
        |s| s.iter().any(|s| s.id == id && !s.armed),
    );
    let photos = state(&h, id).camera.total();
    drop(h);
    assert!(photos > 10, "{photos} photos");
    let out = steppe_ok(&[
        "tlog",
        "coverage",
        path_str(&tlog),
        "--plan",
        path_str(&plan),
        "--json",
    ]);
    let j: serde_json::Value = serde_json::from_str(&out).expect("json");
    let pct = j["covered_pct"].as_f64().unwrap_or_else(|| panic!("{out}"));
    eprintln!("PX4 survey: {photos} photos, {pct} % covered");
    assert!(pct >= 99.95 && j["complete"] == true, "{out}");
}

#[test]
fn a_px4_ulog_is_downloaded_over_mavlink() {
    // PX4 logs from boot to the first disarm: a short arm/disarm keeps the log small (a
    // survey's is 70 MB, 5 minutes over MAVLink).
    let v = Px4::start("quad", Px4Opts::default());
    let link = v.link();
    let dir = temp_dir("px4-ulog");
    {
        let (mut h, id) = common::sitl::engine_recording(&link, None);
        act(&mut h, id, A::SetMode("Hold".into())).expect("Hold");
        let end = Instant::now() + Duration::from_secs(60);
        while let Err(e) = act(&mut h, id, A::Arm) {
            assert!(Instant::now() < end, "never armed: {e}");
            std::thread::sleep(Duration::from_secs(1));
        }
        act(&mut h, id, A::Disarm { force: false }).expect("disarm");
        wait_until(&mut h, Duration::from_secs(10), "disarmed", |s| {
            s.iter().any(|s| s.id == id && !s.armed)
        });
    }
    let list = steppe_ok(&["logs", "list", "--link", &link]);
    eprintln!("{list}");
    let logs = dir.join("logs");
    let t = Instant::now();
    steppe_ok(&[
        "logs",
        "download",
        "--link",
        &link,
        "--last",
        "-o",
        path_str(&logs),
    ]);
    let files: Vec<_> = std::fs::read_dir(&logs)
        .expect("log folder")
        .map(|e| e.expect("entry").path())
        .collect();
    let [ulg] = files.as_slice() else {
        panic!("one log expected: {files:?}");
    };
    assert_eq!(
        ulg.extension().and_then(|e| e.to_str()),
        Some("ulg"),
        "{ulg:?}"
    );
    let bytes = std::fs::read(ulg).expect("ulog");
    eprintln!(
        "ULog: {} bytes in {:.1} s",
        bytes.len(),
        t.elapsed().as_secs_f64()
    );
    assert!(bytes.starts_with(b"ULog\x01\x12\x35"), "a ULog file");
    assert!(bytes.len() > 100_000);
    // pyulog is not a test dependency: the definitions section must parse as ULog's
    // message stream (header, then size-prefixed messages up to the end).
    let mut at = 16;
    let mut messages = 0;
    while at + 3 <= bytes.len() {
        let size = usize::from(u16::from_le_bytes([bytes[at], bytes[at + 1]]));
        at += 3 + size;
        messages += 1;
    }
    assert_eq!(
        at,
        bytes.len(),
        "the last ULog message ends at the end of the file"
    );
    eprintln!("{messages} ULog messages");
}
