//! Steppe against real ArduCopter 4.7 SITL: mission, fence and rally round trips (Steppe's own
//! surveys and other tools' files), the vehicle's item limit, and parameters. Run by `.ci/run`
//! with the rest of `cargo test`; needs `../shared/peers/ardupilot` (or `STEPPE_SITL_DIR`).

mod common;

use common::sitl::{SITL_HOME, Sitl, SitlOpts, steppe, steppe_fails, steppe_ok};
use common::{sample, temp_dir};
use std::path::Path;
use std::time::Instant;
use steppe::formats::wpl;
use steppe::plan::document::{Firmware, VehicleKind};
use steppe::plan::stored::as_stored;
use steppe::plan::{MissionItem, MissionType};

/// Where the concave test field (`missions/concave-field.geojson`) starts: the vehicle's home.
const FIELD_HOME: (f64, f64) = (42.5197301, 72.2499943);

fn field_sitl() -> Sitl {
    Sitl::copter(SitlOpts {
        home: Some((FIELD_HOME.0, FIELD_HOME.1, SITL_HOME.2, 0.0)),
        ..SitlOpts::default()
    })
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Downloads one list from the vehicle with the CLI.
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
    let text = std::fs::read_to_string(&out).expect("downloaded file");
    wpl::parse(&text).expect("Steppe's own WPL").items
}

/// Checks a read-back item by item against what was sent, as ArduPilot stores items (item 0 of
/// a mission is the vehicle's own home). Coordinates must match to the wire integer.
fn assert_read_back(what: &str, kind: MissionType, sent: &[MissionItem], got: &[MissionItem]) {
    assert_eq!(sent.len(), got.len(), "{what}: {kind} count differs");
    let skip = usize::from(kind == MissionType::Mission);
    for (i, (s, g)) in sent.iter().zip(got).enumerate().skip(skip) {
        let want = as_stored(Firmware::ArduPilot, VehicleKind::Copter, kind, s);
        assert!(
            want.same_on_wire(g),
            "{what}: {kind} item {i} differs:\n sent   {s:?}\n stored {want:?}\n got    {g:?}"
        );
        assert_eq!((s.x, s.y), (g.x, g.y), "{what}: {kind} item {i} moved");
    }
}

/// Uploads `file` and reads back every list it holds, comparing each item.
fn round_trip(link: &str, file: &Path, dir: &Path) -> usize {
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
        assert_read_back(&file.display().to_string(), kind, &sent, &got);
        n += sent.len();
    }
    n
}

#[test]
fn surveys_and_other_tools_files_round_trip_exactly() {
    let v = field_sitl();
    let link = v.link();
    let dir = temp_dir("sitl-round-trip");
    // Steppe's own survey: concave field with a farmstead hole (an exclusion polygon in the
    // fence) and the field as the inclusion polygon.
    let plan = dir.join("survey.plan");
    let area = Path::new(env!("CARGO_MANIFEST_DIR")).join("missions/concave-field.geojson");
    steppe_ok(&[
        "plan",
        "survey",
        "--area",
        path_str(&area),
        "--camera",
        "Sony A6000 20mm",
        "--alt",
        "60",
        "--home",
        &format!("{},{}", FIELD_HOME.0, FIELD_HOME.1),
        "-o",
        path_str(&plan),
    ]);
    // Right after a wiped boot ArduPilot refuses uploads with NO_SPACE for a moment.
    let ready = common::sitl::retry(
        std::time::Duration::from_secs(30),
        std::time::Duration::from_millis(500),
        || {
            steppe(&["mission", "clear", "--link", &link])
                .0
                .then_some(())
        },
    );
    assert!(
        ready.is_some(),
        "vehicle never took a clear:\n{}",
        v.log_tail()
    );
    let n = round_trip(&link, &plan, &dir);
    assert!(n > 50, "survey has {n} items");

    // Fence circles and a return point, written as a ground station's WPL fence.
    let fence = dir.join("circles-fence.waypoints");
    let (lat, lon) = FIELD_HOME;
    std::fs::write(
        &fence,
        format!(
            "QGC WPL 110\n\
             0\t0\t0\t5000\t0\t0\t0\t0\t{lat:.7}\t{lon:.7}\t0\t1\n\
             1\t0\t0\t5003\t1500.5\t0\t0\t0\t{:.7}\t{:.7}\t0\t1\n\
             2\t0\t0\t5004\t35.25\t0\t0\t0\t{:.7}\t{:.7}\t0\t1\n",
            lat + 0.001_234_5,
            lon - 0.000_987_6,
            lat + 0.002_000_1,
            lon + 0.001_000_7
        ),
    )
    .expect("write fence");
    round_trip(&link, &fence, &dir);

    // Files written by QGroundControl, Mission Planner, MAVProxy and pymavlink.
    for f in [
        "missions/wpl/ardupilot_CMAC-grid.txt",
        "missions/wpl/ardupilot_Dalby-OBC2016.txt",
        "missions/wpl/ardupilot_Dalby-OBC2016-fence_latlon.txt",
        "missions/wpl/ardupilot_SilentWings_Plockton.waypoints",
        "missions/wpl/ardupilot_jump_tags_into_wind_landing.waypoints",
        "missions/wpl/ardupilot_rover-camera-mission.txt",
        "missions/wpl/cuav_Dalby-fence_latlon.txt",
        "missions/wpl/mavproxy_cmac-foamy-fence_latlon.txt",
        "missions/wpl/mavproxy_cmac-foamy-mission-cw.txt",
        "missions/wpl/mavproxy_cmac-foamy-rally.txt",
        "missions/wpl/mavproxy_springvalleybottom-foamy-fence_wpl110.txt",
        "missions/wpl/missionplanner_qgc-test_MissionPlanner.waypoints.txt",
        "missions/wpl/pymavlink_fence-110.txt",
        "missions/wpl/pymavlink_rally-110.txt",
        "missions/wpl/pymavlink_rally_legacy.txt",
        "missions/plan/ardupilot_webots_mission_pyramids.plan",
        "missions/plan/mavsdk_qgroundcontrol_sample.plan",
        "missions/plan/qgc_custom_ce_geofence_rd_2.plan",
        "missions/plan/qgc_legacy_OldFileFormat.mission",
        "sitl/arducopter_sitl_survey_talas_camera.waypoints",
        "sitl/arduplane_sitl_survey_jalalabad_camera.waypoints",
    ] {
        round_trip(&link, &sample(f), &dir);
    }

    // A file the vehicle refuses is reported with the item and the reason.
    let err = steppe_fails(&[
        "mission",
        "upload",
        "--link",
        &link,
        path_str(&sample(
            "missions/plan/mavsdk_qgroundcontrol_sample_with_survey.plan",
        )),
    ]);
    assert!(
        err.contains("INVALID_PARAM3") && err.contains("at item 1 (SET_CAMERA_MODE (530)"),
        "{err}"
    );

    // Clear: each list empty afterwards (ArduCopter 4.7 counts no home item either).
    for kind in MissionType::ALL {
        steppe_ok(&["mission", "clear", "--link", &link, "--type", kind.name()]);
        assert!(download(&link, kind, &dir).is_empty(), "{kind} after clear");
    }
}

/// A WPL mission of `n` items (home plus n - 1 waypoints 1e-7° apart).
fn many_items(n: usize) -> String {
    let mut s = String::from("QGC WPL 110\n");
    let (lat, lon) = FIELD_HOME;
    s.push_str(&format!(
        "0\t1\t0\t16\t0\t0\t0\t0\t{lat:.7}\t{lon:.7}\t780\t1\n"
    ));
    for i in 1..n {
        let f = i as f64;
        s.push_str(&format!(
            "{i}\t0\t3\t16\t0\t0\t0\t0\t{:.7}\t{:.7}\t50\t1\n",
            lat + f * 1.3e-6,
            lon + f * 0.7e-6
        ));
    }
    s
}

#[test]
fn six_hundred_fifty_items_fit_and_six_hundred_fifty_one_are_refused_with_the_limit() {
    let v = field_sitl();
    let link = v.link();
    let dir = temp_dir("sitl-limit");
    let ok_file = dir.join("650.waypoints");
    std::fs::write(&ok_file, many_items(650)).expect("write");
    let big = dir.join("651.waypoints");
    std::fs::write(&big, many_items(651)).expect("write");
    let ready = common::sitl::retry(
        std::time::Duration::from_secs(30),
        std::time::Duration::from_millis(500),
        || {
            steppe(&["mission", "clear", "--link", &link])
                .0
                .then_some(())
        },
    );
    assert!(ready.is_some());
    let t = Instant::now();
    assert_eq!(round_trip(&link, &ok_file, &dir), 650);
    eprintln!(
        "650 items up and down in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let err = steppe_fails(&[
        "mission",
        "upload",
        "--link",
        &link,
        "--force",
        path_str(&big),
    ]);
    assert!(
        err.contains("NO_SPACE") && err.contains("Only 650 items are supported"),
        "{err}"
    );
    // The refused upload left the 650 items in place.
    assert_eq!(download(&link, MissionType::Mission, &dir).len(), 650);
}

#[test]
fn parameters_whole_table_typed_sets_file_round_trip_and_unknown_names() {
    let v = field_sitl();
    let link = v.link();
    let dir = temp_dir("sitl-params");
    let file = dir.join("all.param");
    let out = steppe_ok(&["param", "download", "--link", &link, "-o", path_str(&file)]);
    let text = std::fs::read_to_string(&file).expect("param file");
    let names: Vec<&str> = text.lines().filter_map(|l| l.split(',').next()).collect();
    let mut unique = names.clone();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "no duplicates");
    // The count the vehicle reports, read independently by pymavlink.
    let reported: usize = common::python(
        "import sys\nfrom pymavlink import mavutil\n\
         m = mavutil.mavlink_connection(sys.argv[1], source_system=255, source_component=190)\n\
         m.wait_heartbeat(timeout=20)\n\
         m.mav.param_request_read_send(m.target_system, m.target_component, b'', 0)\n\
         p = m.recv_match(type='PARAM_VALUE', blocking=True, timeout=10)\n\
         print(p.param_count)\n",
        &[link.as_str()],
    )
    .trim()
    .parse()
    .expect("a count");
    assert!(reported > 1_300, "ArduCopter reports {reported}");
    assert_eq!(names.len(), reported, "{out}");

    // Integer and float parameters, with read-back.
    let out = steppe_ok(&["param", "set", "--link", &link, "RTL_ALT", "2345"]);
    assert!(out.contains("RTL_ALT = 2345"), "{out}");
    let out = steppe_ok(&["param", "set", "--link", &link, "WPNAV_SPEED", "750.5"]);
    assert!(out.contains("WPNAV_SPEED = 750.5"), "{out}");

    // A Mission Planner file written back: only the changed values are set.
    let edited = dir.join("edited.param");
    let new_text: String = text
        .lines()
        .map(|l| match l.split_once(',') {
            Some(("FENCE_RADIUS", _)) => "FENCE_RADIUS,275.5\n".to_owned(),
            Some(("RTL_SPEED", _)) => "RTL_SPEED,640\n".to_owned(),
            // Maintained by the vehicle (its mission count): left alone.
            Some(("MIS_TOTAL", _)) => "MIS_TOTAL,99\n".to_owned(),
            _ => format!("{l}\n"),
        })
        .collect();
    std::fs::write(&edited, &new_text).expect("write");
    let out = steppe_ok(&["param", "upload", "--link", &link, path_str(&edited)]);
    assert!(out.contains("FENCE_RADIUS = 275.5"), "{out}");
    // RTL_ALT and WPNAV_SPEED were changed after the download: the file sets them back too.
    assert!(out.contains(", 4 set, 0 failed"), "{out}");
    assert!(
        out.contains("left as the vehicle has them") && out.contains("MIS_TOTAL"),
        "{out}"
    );
    let back = dir.join("back.param");
    steppe_ok(&["param", "download", "--link", &link, "-o", path_str(&back)]);
    let parse = |t: &str| steppe::ui::params::parse_param_file(t).expect("param file");
    let (want, got) = (
        parse(&new_text),
        parse(&std::fs::read_to_string(&back).expect("back")),
    );
    let names = |v: &[(String, f64)]| v.iter().map(|p| p.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&want), names(&got), "same table");
    let value = |v: &[(String, f64)], name: &str| v.iter().find(|p| p.0 == name).map(|p| p.1);
    for name in ["FENCE_RADIUS", "RTL_SPEED", "RTL_ALT", "WPNAV_SPEED"] {
        assert_eq!(
            value(&got, name),
            value(&want, name),
            "{name} as in the file"
        );
    }
    assert_ne!(value(&got, "MIS_TOTAL"), Some(99.0));

    // Unknown and read-only names are reported in words, quickly.
    let t = Instant::now();
    let err = steppe_fails(&["param", "set", "--link", &link, "NO_SUCH_PARAM", "1"]);
    assert!(
        err.contains("the vehicle has no parameter named NO_SUCH_PARAM"),
        "{err}"
    );
    assert!(t.elapsed().as_secs() < 20, "took {:?}", t.elapsed());
    let err = steppe_fails(&["param", "set", "--link", &link, "BARO1_DEVID", "5"]);
    assert!(err.contains("Param write denied (BARO1_DEVID)"), "{err}");
}

mod fly {
    use super::common::sitl::{
        Sitl, SitlOpts, arm_when_ready, engine_at_boot, state, vehicles_within,
    };
    use super::common::{act, wait_until};
    use std::time::Duration;
    use steppe::protocol::actions::VehicleAction as A;
    use steppe::vehicle::{Autopilot, VehicleClass, mode_names};

    fn rel_alt(v: &steppe::vehicle::VehicleState) -> f64 {
        v.position.alt_rel_m.unwrap_or(0.0)
    }

    #[test]
    fn guided_flight_every_mode_by_name_and_arming_refused_in_words() {
        let v = Sitl::copter(SitlOpts {
            speedup: 5.0,
            ..SitlOpts::default()
        });
        let (mut h, id) = engine_at_boot(&v.link());
        // Right after boot the prearm checks fail: the refusal carries the vehicle's words.
        let e = act(&mut h, id, A::Arm)
            .expect_err("armed right after boot")
            .to_string();
        assert!(
            e.contains("COMPONENT_ARM_DISARM (400) refused")
                && e.contains("Vehicle said: ")
                && e.contains("Arm"),
            "{e}"
        );
        vehicles_within(&mut h, 1, Duration::from_secs(90));

        // Every mode of the selector, by name: taken (the heartbeat shows it) or refused with
        // the vehicle's reason, which names the same mode when it names one.
        let must_take = [
            "STABILIZE",
            "ALT_HOLD",
            "LOITER",
            "POSHOLD",
            "GUIDED",
            "RTL",
            "LAND",
            "BRAKE",
            "CIRCLE",
            "ACRO",
            "DRIFT",
        ];
        let squash = |t: &str| t.replace('_', "").to_ascii_uppercase();
        let (mut taken, mut refused) = (Vec::new(), Vec::new());
        for name in mode_names(Autopilot::ArduPilot, VehicleClass::Copter) {
            match act(&mut h, id, A::SetMode(name.to_owned())) {
                Ok(()) => {
                    wait_until(&mut h, Duration::from_secs(10), name, |s| {
                        s.iter().any(|s| s.id == id && s.mode_name == name)
                    });
                    taken.push(name);
                }
                Err(e) => {
                    let e = e.to_string();
                    assert!(!must_take.contains(&name), "mode {name}: {e}");
                    assert!(
                        e.contains("refused") && e.contains("Vehicle said: "),
                        "{name}: {e}"
                    );
                    if let Some(rest) = e.split("Mode change to ").nth(1) {
                        let said = rest.split_whitespace().next().unwrap_or_default();
                        assert_eq!(squash(said), squash(name), "{e}");
                    }
                    refused.push(name);
                }
            }
        }
        eprintln!("modes taken on the ground: {taken:?}; refused: {refused:?}");

        act(&mut h, id, A::SetMode("GUIDED".into())).expect("GUIDED");
        arm_when_ready(&mut h, id, Duration::from_secs(120));
        act(&mut h, id, A::Takeoff { alt_rel_m: 20.0 }).expect("takeoff");
        wait_until(&mut h, Duration::from_secs(60), "20 m", |s| {
            s.iter().any(|s| s.id == id && rel_alt(s) > 18.5)
        });
        act(&mut h, id, A::ChangeAltitude { alt_rel_m: 35.0 }).expect("altitude");
        wait_until(&mut h, Duration::from_secs(60), "35 m", |s| {
            s.iter().any(|s| s.id == id && rel_alt(s) > 33.5)
        });
        act(&mut h, id, A::ChangeSpeed { speed_mps: 6.0 }).expect("speed");
        let home = state(&h, id).home.expect("home").lat_lon;
        let target = home.destination(45.0, 150.0);
        act(
            &mut h,
            id,
            A::Goto {
                position: target,
                alt_rel_m: 35.0,
            },
        )
        .expect("goto");
        // Half way there: pause holds position, continue goes on.
        wait_until(&mut h, Duration::from_secs(60), "moving", |s| {
            s.iter().any(|s| {
                s.id == id
                    && s.position
                        .lat_lon
                        .is_some_and(|p| p.distance_m(home) > 60.0)
            })
        });
        act(&mut h, id, A::Pause).expect("pause");
        wait_until(&mut h, Duration::from_secs(30), "stopped", |s| {
            s.iter()
                .any(|s| s.id == id && s.motion.ground_speed_mps.unwrap_or(9.0) < 0.5)
        });
        act(&mut h, id, A::Continue).expect("continue");
        wait_until(&mut h, Duration::from_secs(90), "at the point", |s| {
            s.iter().any(|s| {
                s.id == id
                    && s.position
                        .lat_lon
                        .is_some_and(|p| p.distance_m(target) < 5.0)
            })
        });
        act(&mut h, id, A::Rtl).expect("RTL");
        wait_until(&mut h, Duration::from_secs(10), "RTL", |s| {
            s.iter().any(|s| s.id == id && s.mode_name == "RTL")
        });
        wait_until(&mut h, Duration::from_secs(90), "back over home", |s| {
            s.iter().any(|s| {
                s.id == id
                    && s.position
                        .lat_lon
                        .is_some_and(|p| p.distance_m(home) < 10.0)
            })
        });
        act(&mut h, id, A::Land).expect("land");
        wait_until(&mut h, Duration::from_secs(10), "LAND", |s| {
            s.iter().any(|s| s.id == id && s.mode_name == "LAND")
        });
        wait_until(
            &mut h,
            Duration::from_secs(120),
            "landed and disarmed",
            |s| s.iter().any(|s| s.id == id && !s.armed),
        );
    }
}

mod survey {
    use super::common::sitl::{
        Recorder, Sitl, SitlOpts, arm_when_ready, engine_on, field_geojson, state, steppe,
        steppe_ok,
    };
    use super::common::{act, temp_dir, wait_until};
    use super::{FIELD_HOME, path_str};
    use std::time::Duration;
    use steppe::protocol::actions::VehicleAction as A;

    #[test]
    fn a_survey_flown_end_to_end_is_covered_and_exported() {
        let v = Sitl::copter(SitlOpts {
            speedup: 10.0,
            camera: true,
            home: Some((FIELD_HOME.0, FIELD_HOME.1, 780.0, 0.0)),
            ..SitlOpts::default()
        });
        let link = v.link();
        let dir = temp_dir("sitl-copter-survey");
        let field = field_geojson(&dir, FIELD_HOME, 40.0, 220.0, 140.0);
        let plan = dir.join("survey.plan");
        steppe_ok(&[
            "plan",
            "survey",
            "--area",
            path_str(&field),
            "--camera",
            "Sony A6000 20mm",
            "--alt",
            "60",
            "--home",
            &format!("{},{}", FIELD_HOME.0, FIELD_HOME.1),
            "-o",
            path_str(&plan),
        ]);
        let ready =
            super::common::sitl::retry(Duration::from_secs(30), Duration::from_millis(500), || {
                steppe(&["mission", "clear", "--link", &link])
                    .0
                    .then_some(())
            });
        assert!(ready.is_some());
        steppe_ok(&["mission", "upload", "--link", &link, path_str(&plan)]);
        let tlog = dir.join("flight.tlog");
        let rec = Recorder::start(&v.link_serial1(), &tlog);
        let (mut h, id) = engine_on(&v.link_serial2());
        // Arm and start at once, as the app's Start does (ArduCopter disarms an idle
        // copter after 10 s, which a separate command per step exceeds at 10x speed).
        act(&mut h, id, A::SetMode("GUIDED".into())).expect("GUIDED");
        arm_when_ready(&mut h, id, Duration::from_secs(120));
        act(&mut h, id, A::StartMission).expect("start");
        wait_until(&mut h, Duration::from_secs(30), "AUTO", |s| {
            s.iter().any(|s| s.id == id && s.mode_name == "AUTO")
        });
        wait_until(&mut h, Duration::from_secs(60), "flying", |s| {
            s.iter()
                .any(|s| s.id == id && s.position.alt_rel_m.unwrap_or(0.0) > 10.0)
        });
        wait_until(
            &mut h,
            Duration::from_secs(600),
            "the survey flown and landed",
            |s| s.iter().any(|s| s.id == id && !s.armed),
        );
        let photos = state(&h, id).camera.total();
        drop(h);
        let said = rec.stop();
        assert!(photos > 20, "{photos} photos");

        // Every photo the vehicle reported is in the log, and the field is covered.
        let csv = dir.join("photos.csv");
        steppe_ok(&[
            "tlog",
            "export",
            path_str(&tlog),
            "--layer",
            "triggers",
            "--format",
            "csv",
            "--output",
            path_str(&csv),
        ]);
        let rows = std::fs::read_to_string(&csv).expect("csv").lines().count() - 1;
        assert_eq!(rows as u64, photos, "{said}");
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
        assert!(pct >= 99.95, "coverage {pct} %: {out}");
        assert_eq!(j["complete"], true, "gaps: {out}");
        eprintln!("copter survey: {photos} photos, {pct} % covered");
        for (layer, fmt) in [
            ("track", "kml"),
            ("footprints", "geojson"),
            ("geotags", "txt"),
        ] {
            let out = dir.join(format!("{layer}.{fmt}"));
            let mut args = vec![
                "tlog",
                "export",
                path_str(&tlog),
                "--layer",
                layer,
                "--format",
                fmt,
                "--output",
                path_str(&out),
            ];
            if layer == "footprints" {
                args.extend(["--camera", "Sony A6000 20mm"]);
            }
            steppe_ok(&args);
            assert!(std::fs::metadata(&out).expect(layer).len() > 100);
        }
    }
}
