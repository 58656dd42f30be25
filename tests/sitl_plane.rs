//! Steppe against real ArduPlane 4.7 SITL: every mode by name and a survey flown end to end —
//! takeoff, lanes skipped where the plane cannot turn between neighbours, the camera on only
//! while the plane is level, return — recorded, covered and exported. Needs
//! `../shared/peers/ardupilot` (or `STEPPE_SITL_DIR`).

mod common;

use common::sitl::{
    Recorder, SITL_HOME, Sitl, SitlOpts, arm_when_ready, engine_at_boot, engine_on, field_geojson,
    steppe, steppe_ok, vehicles_within,
};
use common::{act, temp_dir, wait_until};
use std::path::Path;
use std::time::{Duration, Instant};
use steppe::protocol::actions::VehicleAction as A;
use steppe::vehicle::{Autopilot, VehicleClass, mode_names};

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn every_plane_mode_by_name_and_arming_refused_in_words() {
    let v = Sitl::plane(SitlOpts::default());
    let (mut h, id) = engine_at_boot(&v.link());
    let e = act(&mut h, id, A::Arm)
        .expect_err("armed right after boot")
        .to_string();
    assert!(
        e.contains("COMPONENT_ARM_DISARM (400) refused") && e.contains("Vehicle said: "),
        "{e}"
    );
    vehicles_within(&mut h, 1, Duration::from_secs(90));
    let must_take = [
        "MANUAL",
        "FBWA",
        "FBWB",
        "CRUISE",
        "STABILIZE",
        "CIRCLE",
        "RTL",
        "LOITER",
    ];
    let (mut taken, mut refused) = (Vec::new(), Vec::new());
    for name in mode_names(Autopilot::ArduPilot, VehicleClass::Plane) {
        match act(&mut h, id, A::SetMode(name.to_owned())) {
            Ok(()) => {
                // AUTO without a mission is acknowledged but not entered (seen on 4.7).
                if name != "AUTO" {
                    wait_until(&mut h, Duration::from_secs(10), name, |s| {
                        s.iter().any(|s| s.id == id && s.mode_name == name)
                    });
                }
                taken.push(name);
            }
            Err(e) => {
                let e = e.to_string();
                assert!(!must_take.contains(&name), "mode {name}: {e}");
                assert!(e.contains("DO_SET_MODE (176) refused"), "{name}: {e}");
                refused.push(name);
            }
        }
    }
    eprintln!("plane modes taken on the ground: {taken:?}; refused: {refused:?}");
    for m in must_take {
        assert!(taken.contains(&m), "{m}");
    }
}

/// Roll of each photo (degrees) from Steppe's trigger export of `tlog`.
fn photo_rolls(tlog: &Path, dir: &Path) -> Vec<f64> {
    let csv = dir.join("photos.csv");
    steppe_ok(&[
        "tlog",
        "export",
        path_str(tlog),
        "--layer",
        "triggers",
        "--format",
        "csv",
        "--output",
        path_str(&csv),
    ]);
    let text = std::fs::read_to_string(&csv).expect("csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = header
        .iter()
        .position(|h| *h == "roll_deg")
        .expect("roll column");
    lines
        .map(|l| {
            l.split(',')
                .nth(col)
                .and_then(|v| v.parse().ok())
                .expect("roll")
        })
        .collect()
}

#[test]
fn a_plane_survey_is_flown_level_with_lanes_skipped_and_fully_covered() {
    let v = Sitl::plane(SitlOpts {
        speedup: 10.0,
        camera: true,
        ..SitlOpts::default()
    });
    let link = v.link();
    let dir = temp_dir("sitl-plane-survey");
    let home = (SITL_HOME.0, SITL_HOME.1);
    let field = field_geojson(&dir, home, 500.0, 700.0, 330.0);
    let plan = dir.join("survey.plan");
    let out = steppe_ok(&[
        "plan",
        "survey",
        "--area",
        path_str(&field),
        "--vehicle",
        "plane",
        "--speed",
        "16",
        "--camera",
        "Sony A6000 20mm",
        "--alt",
        "100",
        "--angle",
        "90",
        "--home",
        &format!("{},{}", home.0, home.1),
        "-o",
        path_str(&plan),
    ]);
    eprintln!("{out}");
    let ready = common::sitl::retry(Duration::from_secs(30), Duration::from_millis(500), || {
        steppe(&["mission", "clear", "--link", &link])
            .0
            .then_some(())
    });
    assert!(ready.is_some());
    steppe_ok(&["mission", "upload", "--link", &link, path_str(&plan)]);
    let tlog = dir.join("flight.tlog");
    let rec = Recorder::start(&v.link_serial1(), &tlog);
    let (mut h, id) = engine_on(&v.link_serial2());
    arm_when_ready(&mut h, id, Duration::from_secs(120));
    act(&mut h, id, A::StartMission).expect("start");
    let t0 = Instant::now();
    wait_until(&mut h, Duration::from_secs(60), "airborne", |s| {
        s.iter()
            .any(|s| s.id == id && s.position.alt_rel_m.unwrap_or(0.0) > 30.0)
    });
    // The mission ends with RTL: the plane then circles home.
    wait_until(
        &mut h,
        Duration::from_secs(900),
        "the survey flown (RTL)",
        |s| s.iter().any(|s| s.id == id && s.mode_name == "RTL"),
    );
    eprintln!("survey flown in {:.0} s wall", t0.elapsed().as_secs_f64());
    drop(h);
    rec.stop();

    let rolls = photo_rolls(&tlog, &dir);
    let banked = rolls.iter().filter(|r| r.abs() > 10.0).count();
    let worst = rolls.iter().fold(0.0f64, |m, r| m.max(r.abs()));
    eprintln!(
        "plane survey: {} photos, {banked} banked over 10° ({:.1} %), worst {worst:.1}°",
        rolls.len(),
        100.0 * banked as f64 / rolls.len().max(1) as f64
    );
    assert!(rolls.len() > 60, "{} photos", rolls.len());
    assert!(
        banked * 50 <= rolls.len(),
        "{banked} of {} photos banked over 10°",
        rolls.len()
    );
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
    assert!(pct >= 99.95 && j["complete"] == true, "coverage: {out}");
}
