//! Tests of the .plan reader and writer against files written by QGroundControl and other
//! tools (`../shared/samples/missions/plan`), and of the WPL files we derive from them against
//! pymavlink's `mavwp` loader.

use crate::formats::convert::{fence_to_wpl, mission_to_wpl};
use crate::formats::plan::{PlanError, read_plan, write_plan};
use crate::formats::wpl_samples::{DUMP_WP, check_against_dump, pymavlink};
use crate::plan::document::{ComplexKind, Firmware, MissionDocument, VehicleKind};
use crate::plan::mission_item::{cmd, frame};
use crate::test_support::sample;
use std::path::{Path, PathBuf};

const DIR: &str = "missions/plan";

/// Every sample that loads: (file, mission items, complex items).
const LOADS: &[(&str, usize, usize)] = &[
    ("ardupilot_webots_mission_pyramids.plan", 10, 0),
    ("mavsdk_qgroundcontrol_sample.plan", 6, 0),
    (
        "mavsdk_qgroundcontrol_sample_with_digicam_control.plan",
        1,
        0,
    ),
    (
        "mavsdk_qgroundcontrol_sample_with_structured_scan.plan",
        1,
        1,
    ),
    ("mavsdk_qgroundcontrol_sample_with_survey.plan", 13, 1),
    ("qgc_custom_ce_geofence_rd_2.plan", 0, 0),
    ("qgc_legacy_OldFileFormat.mission", 6, 0),
    ("qgc_test_ArduPilotSITL-ArduCopter.plan", 11, 0),
];
const WRONG_VERSION: &str = "mavsdk_qgroundcontrol_sample_wrong_overall_version.plan";

fn path(name: &str) -> PathBuf {
    sample(&format!("{DIR}/{name}"))
}

fn text(name: &str) -> String {
    let p = path(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn load(name: &str) -> MissionDocument {
    read_plan(&text(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn commands(d: &MissionDocument) -> Vec<u16> {
    d.mission.iter().map(|i| i.command).collect()
}

#[test]
fn every_sample_loads_except_the_wrong_version() {
    let mut on_disk: Vec<String> = std::fs::read_dir(sample(DIR))
        .expect("samples present")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    on_disk.sort();
    let mut listed: Vec<&str> = LOADS.iter().map(|(n, ..)| *n).collect();
    listed.push(WRONG_VERSION);
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "a sample was added or removed: list it here"
    );
    for (name, items, complex) in LOADS {
        let d = load(name);
        assert_eq!(
            (d.mission.len(), d.complex.len()),
            (*items, *complex),
            "{name}"
        );
    }
}

#[test]
fn wrong_overall_version_names_found_and_supported() {
    let e = read_plan(&text(WRONG_VERSION)).unwrap_err();
    assert!(
        matches!(&e, PlanError::Version { path, found, .. } if path == "version" && found == "42"),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "version: version 42 is not supported (supported: .plan version 1)"
    );
}

#[test]
fn simple_samples() {
    let d = load("ardupilot_webots_mission_pyramids.plan");
    assert_eq!(
        (d.firmware, d.vehicle),
        (Firmware::ArduPilot, VehicleKind::Copter)
    );
    assert_eq!(
        (d.cruise_speed_mps, d.hover_speed_mps),
        (Some(15.0), Some(5.0))
    );
    let home = d.planned_home.expect("home");
    assert_eq!(
        (home.position.to_e7(), home.alt_amsl_m),
        ((299_764_620, 311_338_234), 50.0)
    );
    let takeoff = d.mission[0];
    assert_eq!(
        (takeoff.command, takeoff.frame, takeoff.z),
        (cmd::NAV_TAKEOFF, 3, 50.0)
    );
    assert!(takeoff.params[3].is_nan() && takeoff.params[0] == 15.0);
    assert!(d.notes.is_empty(), "{:?}", d.notes);

    let d = load("mavsdk_qgroundcontrol_sample.plan");
    assert_eq!(commands(&d), [22, 16, 2000, 16, 16, 20]);
    assert_eq!(d.firmware, Firmware::Px4);
    assert_eq!(d.mission[2].params, [0.0, 0.0, 1.0, 0.0]);

    let d = load("mavsdk_qgroundcontrol_sample_with_digicam_control.plan");
    assert_eq!(commands(&d), [cmd::DO_DIGICAM_CONTROL]);
    assert_eq!(d.planned_home, None, "[0, 0, 0] means no home");
    assert_eq!((d.mission[0].x, d.mission[0].params[0]), (1, 1.0));

    let d = load("qgc_legacy_OldFileFormat.mission");
    assert_eq!(commands(&d), [22, 18, 18, 16, 16, 21]);
    assert_eq!(d.mission[1].params[0], 1.0);
    assert_eq!(
        d.mission[3].position().map(|p| p.to_e7()),
        Some((476_602_394, -1_222_937_156))
    );
    assert!(d.notes[0].contains("legacy QGroundControl .mission"));
    assert!(
        d.notes.iter().any(|n| n.contains("rounded to 48")),
        "{:?}",
        d.notes
    );
}

#[test]
fn altitude_modes_of_the_qgc_test_plan() {
    let d = load("qgc_test_ArduPilotSITL-ArduCopter.plan");
    let frames: Vec<u8> = d.mission.iter().map(|i| i.frame).collect();
    assert_eq!(frames, [3, 3, 2, 0, 3, 0, 3, 10, 3, 3, 3]);
    assert_eq!(commands(&d), [22, 16, 178, 16, 201, 16, 19, 16, 82, 16, 21]);
    assert_eq!(d.mission[2].params, [1.0, 10.0, -1.0, 0.0]);
    assert_eq!(d.mission[3].z, 734.0);
    assert!(
        d.mission[5].z.is_nan(),
        "calc-above-terrain keeps param 7 null"
    );
    assert_eq!(d.mission[7].z, 50.0);
    assert_eq!(d.notes.len(), 1);
    assert!(
        d.notes[0]
            .starts_with("mission.items[5]: altitude mode \"calculated above terrain\" (80 m")
    );
}

#[test]
fn survey_sample_is_expanded_with_its_settings() {
    let d = load("mavsdk_qgroundcontrol_sample_with_survey.plan");
    assert!(d.notes.is_empty(), "{:?}", d.notes);
    let c = &d.complex[0];
    assert_eq!((c.first_item, c.item_count), (1, 12));
    let ComplexKind::Survey(r) = &c.kind else {
        panic!("{c:?}");
    };
    assert_eq!(r.camera_name, "Manual");
    assert_eq!(
        (r.alt_m, r.line_spacing_m, r.trigger_distance_m),
        (50.0, 25.0, 25.0)
    );
    assert_eq!(
        (r.angle_deg, r.turnaround_m, r.entry_location),
        (90.0, 10.0, 0)
    );
    assert_eq!(r.camera_shots, 6);
    assert!(r.camera_in_turns && !r.hover_and_capture && !r.crosshatch);
    assert_eq!((r.polygon.len(), r.transect_points.len()), (4, 8));
    assert_eq!(r.sensor_mm, None);
    let trig: Vec<f32> = d
        .mission
        .iter()
        .filter(|i| i.command == cmd::DO_SET_CAM_TRIGG_DIST)
        .map(|i| i.params[0])
        .collect();
    assert_eq!(trig, [25.0, 25.0, 25.0, 0.0]);
    assert_eq!(d.mission[0].command, 530);
    assert!(d.mission[0].params[2].is_nan() && d.mission[0].x == i32::MAX);
    // The first survey waypoint is the first transect point.
    assert_eq!(
        d.mission[1].position().map(|p| p.to_e7()),
        Some(r.transect_points[0].to_e7())
    );
}

#[test]
fn structure_scan_is_reported_not_expanded() {
    let d = load("mavsdk_qgroundcontrol_sample_with_structured_scan.plan");
    assert_eq!(
        d.complex[0].kind,
        ComplexKind::Other("StructureScan".into())
    );
    assert_eq!((d.complex[0].first_item, d.complex[0].item_count), (1, 0));
    assert_eq!(d.notes.len(), 1);
    assert!(d.notes[0].starts_with("mission.items[1]: StructureScan not expanded"));
}

#[test]
fn geofence_sample() {
    let d = load("qgc_custom_ce_geofence_rd_2.plan");
    let f = &d.fence;
    assert_eq!(f.polygons.len(), 2);
    assert!(f.polygons[0].inclusion && !f.polygons[1].inclusion);
    assert_eq!(
        (f.polygons[0].points.len(), f.polygons[1].points.len()),
        (4, 4)
    );
    assert_eq!(f.polygons[1].points[1].lat_deg, 38.750850553167055);
    assert!(f.circles.is_empty() && f.return_point.is_none() && d.rally.is_empty());
}

fn assert_same(a: &MissionDocument, b: &MissionDocument, what: &str) {
    assert_eq!(a.mission.len(), b.mission.len(), "{what}");
    for (i, (x, y)) in a.mission.iter().zip(&b.mission).enumerate() {
        assert!(x.same_on_wire(y), "{what} item {i}: {x:?} vs {y:?}");
    }
    let strip = |d: &MissionDocument| MissionDocument {
        mission: Vec::new(),
        notes: Vec::new(),
        ..d.clone()
    };
    assert_eq!(strip(a), strip(b), "{what}");
}

#[test]
fn samples_survive_write_and_read() {
    for (name, ..) in LOADS {
        let d = load(name);
        let written = write_plan(&d);
        let back = read_plan(&written).unwrap_or_else(|e| panic!("{name}: {e}\n{written}"));
        let mut expected = d.clone();
        // Complex items other than surveys are not written (their items are, as simple items).
        expected
            .complex
            .retain(|c| matches!(c.kind, ComplexKind::Survey(_)));
        assert_same(&expected, &back, name);
        assert!(back.notes.is_empty(), "{name}: {:?}", back.notes);
    }
}

#[test]
fn written_survey_keeps_qgc_structure() {
    let d = load("mavsdk_qgroundcontrol_sample_with_survey.plan");
    let v: serde_json::Value = serde_json::from_str(&write_plan(&d)).expect("json");
    let survey = &v["mission"]["items"][1];
    assert_eq!(survey["complexItemType"], "survey");
    assert_eq!(survey["version"], 5);
    let t = &survey["TransectStyleComplexItem"];
    assert_eq!(t["version"], 1);
    assert_eq!(t["Items"].as_array().map(Vec::len), Some(12));
    assert_eq!(t["Items"][0]["doJumpId"], 2);
    assert_eq!(t["CameraCalc"]["CameraName"], "Manual (no camera specs)");
    assert_eq!(t["CameraCalc"]["DistanceToSurfaceRelative"], true);
    assert_eq!(v["mission"]["items"][0]["doJumpId"], 1);
    assert_eq!(v["groundStation"], "Steppe");
    assert_eq!(
        (v["version"].clone(), v["fileType"].clone()),
        (1.into(), "Plan".into())
    );
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("steppe-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn pymavlink_reads_wpl_written_from_plans() {
    let dir = temp_dir("plan-wpl");
    let mut written = Vec::new();
    let mut ours = Vec::new();
    for (k, (name, ..)) in LOADS.iter().enumerate() {
        let d = load(name);
        let out = dir.join(format!("{k}.waypoints"));
        std::fs::write(&out, mission_to_wpl(&d)).expect("write");
        written.push(out);
        ours.push((name.to_string(), d.mission_upload_list()));
        if !d.fence.is_empty() {
            let out = dir.join(format!("{k}-fence.waypoints"));
            std::fs::write(&out, fence_to_wpl(&d)).expect("write");
            written.push(out);
            ours.push((format!("{name} fence"), d.fence.to_items()));
        }
    }
    let args: Vec<&Path> = written.iter().map(PathBuf::as_path).collect();
    let dump = pymavlink(DUMP_WP, &args);
    let mut lines = dump.lines();
    for (what, items) in &ours {
        check_against_dump(items, &mut lines, what);
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(ours.iter().any(|(w, _)| w.ends_with("fence")));
    assert!(frame::is_global(ours[0].1[1].frame));
}
