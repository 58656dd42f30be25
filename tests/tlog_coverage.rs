//! `steppe tlog coverage` end to end: a survey planned with a real camera model, flown by the
//! simulator over real UDP and recorded; the clean flight covers the field, the same flight
//! with the camera losing its photos over a disc of the field reports the gap there, and the
//! re-fly mission's camera swaths cover every point of the gap.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use steppe::geo::{Enu, LatLon, LocalFrame};
use steppe::plan::camera::{AltOrGsd, Capture, Orientation, builtin_cameras, find_camera};
use steppe::plan::mission_item::cmd;
use steppe::plan::survey::{Angle, SurveyParams, generate};
use steppe::plan::survey_doc::{DocOptions, survey_document};
use steppe::plan::{Area, MissionType};
use steppe::protocol::actions::VehicleAction;
use steppe::runtime::{Event, MissionOp, Request};

const HOME: LatLon = LatLon::new(-35.363_261, 149.165_230);
const CAMERA: &str = "Sony A6000 20mm";
const ALT_M: f64 = 50.0;
/// Centre (east, north of home) and radius of the disc where photos are lost.
const DROP: (f64, f64, f64) = (110.0, 60.0, 40.0);

fn frame() -> LocalFrame {
    LocalFrame::new(HOME)
}

/// A 160 × 120 m field 30 m east of home, surveyed at 70/70 % along east-west lines.
fn plan(dir: &Path) -> (PathBuf, Area) {
    let f = frame();
    let ring: Vec<LatLon> = [(30.0, 0.0), (190.0, 0.0), (190.0, 120.0), (30.0, 120.0)]
        .iter()
        .map(|(e, n)| f.to_latlon(Enu::new(*e, *n)))
        .collect();
    let area = Area::new(ring);
    let camera = find_camera(&builtin_cameras(), CAMERA)
        .expect("camera")
        .clone();
    let capture = Capture::Camera {
        camera,
        orientation: Orientation::Landscape,
        target: AltOrGsd::AltM(ALT_M),
        front_overlap_pct: 70.0,
        side_overlap_pct: 70.0,
    };
    let g = capture.resolve(10.0).expect("capture");
    let params = SurveyParams {
        alt_m: g.alt_m,
        line_spacing_m: g.line_spacing_m,
        trigger_distance_m: g.trigger_distance_m,
        speed_mps: 10.0,
        angle: Angle::Deg(90.0),
        home: Some(HOME),
        ..SurveyParams::default()
    };
    let survey = generate(&area, &params).expect("survey");
    let doc = survey_document(&area, &survey, &capture, &g, DocOptions::default());
    let path = dir.join("field.plan");
    std::fs::write(&path, steppe::formats::plan::write_plan(&doc)).expect("write plan");
    (path, area)
}

/// Flies the plan at `path` in the simulator (losing photos over [`DROP`] when asked) and
/// returns the recorded tlog.
fn fly(dir: &Path, plan: &Path, drop: bool) -> PathBuf {
    fly_to(
        dir,
        plan,
        drop,
        if drop { "dropped.tlog" } else { "clean.tlog" },
    )
}

fn fly_to(dir: &Path, plan: &Path, drop: bool, name: &str) -> PathBuf {
    let speedup = 40.0;
    let s = sim(SimArgs {
        speedup,
        home: Some(format!("{},{},584", HOME.lat_deg, HOME.lon_deg)),
        drop_photos_within: drop.then(|| {
            let c = frame().to_latlon(Enu::new(DROP.0, DROP.1));
            format!("{},{},{}", c.lat_deg, c.lon_deg, DROP.2)
        }),
        ..SimArgs::default()
    });
    let tlog = dir.join(name);
    let mut h = engine(&s, Some(tlog.clone()));
    let id = vehicles(&mut h, 1)[0];
    let doc = steppe::formats::document::read_document(&std::fs::read(plan).expect("plan"))
        .expect("plan reads");
    let req = h.next_id();
    let done = result_of(
        &mut h,
        Request::Mission {
            id: req,
            target: id,
            op: MissionOp::Upload(MissionType::Mission, doc.mission_upload_list()),
        },
        req,
        Duration::from_secs(60),
    );
    assert!(
        matches!(done, Event::MissionDone { result: Ok(_), .. }),
        "{done:?}"
    );
    wait_until(&mut h, Duration::from_secs(10), "GPS fix", |v| {
        v[0].gps.as_ref().is_some_and(|g| g.fix_type >= 3)
    });
    for action in [
        VehicleAction::SetMode("GUIDED".into()),
        VehicleAction::Arm,
        VehicleAction::StartMission,
    ] {
        let r = h.next_id();
        let ev = result_of(
            &mut h,
            Request::Action {
                id: r,
                target: id,
                action,
            },
            r,
            Duration::from_secs(20),
        );
        assert!(
            matches!(ev, Event::CommandDone { result: Ok(()), .. }),
            "{ev:?}"
        );
    }
    wait_until(&mut h, Duration::from_secs(20), "armed", |v| v[0].armed);
    wait_until(&mut h, Duration::from_secs(120), "landed after RTL", |v| {
        !v[0].armed
    });
    h.shutdown();
    tlog
}

fn coverage(tlog: &Path, plan: &Path, extra: &[&str]) -> serde_json::Value {
    coverage_of(&[tlog], plan, extra)
}

fn coverage_of(tlogs: &[&Path], plan: &Path, extra: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_steppe"))
        .args(["tlog", "coverage"])
        .args(tlogs)
        .arg("--plan")
        .arg(plan)
        .args(extra)
        .arg("--json")
        .output()
        .expect("steppe runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json report")
}

fn num(v: &serde_json::Value, k: &str) -> f64 {
    v[k].as_f64().unwrap_or_else(|| panic!("{k} in {v}"))
}

#[test]
fn a_clean_survey_flight_covers_the_field() {
    let dir = temp_dir("coverage-clean");
    let (plan, _) = plan(&dir);
    let tlog = fly(&dir, &plan, false);
    let r = coverage(&tlog, &plan, &[]);
    eprintln!("clean: {r}");
    assert_eq!(r["camera"], CAMERA, "the camera comes from the .plan");
    assert_eq!(r["required_views"], 3);
    assert_eq!(r["planned_views"], 9);
    assert!(num(&r, "covered_pct") >= 99.0, "{r}");
    assert!(num(&r, "required_pct") >= 99.0, "{r}");
    assert_eq!(r["gaps"].as_array().map(Vec::len), Some(0), "{r}");
    assert_eq!(r["complete"], true);
}

/// The re-fly mission's transects: (start, end) of each camera-on leg.
fn refly_transects(path: &Path) -> Vec<(LatLon, LatLon)> {
    let doc = steppe::formats::document::read_document(&std::fs::read(path).expect("refly"))
        .expect("refly reads");
    let mut out = Vec::new();
    let mut last_nav: Option<LatLon> = None;
    let mut start: Option<LatLon> = None;
    for it in &doc.mission {
        if it.command == cmd::DO_SET_CAM_TRIGG_DIST {
            if it.params[0] > 0.0 {
                start = last_nav;
            } else if let (Some(a), Some(b)) = (start.take(), last_nav) {
                out.push((a, b));
            }
        } else if it.command == cmd::NAV_WAYPOINT {
            last_nav = it.position();
        }
    }
    out
}

fn point_in_ring(p: (f64, f64), ring: &[(f64, f64)]) -> bool {
    let mut inside = false;
    let n = ring.len();
    for i in 0..n {
        let (a, b) = (ring[i], ring[(i + n - 1) % n]);
        if (a.1 > p.1) != (b.1 > p.1) && p.0 < a.0 + (p.1 - a.1) * (b.0 - a.0) / (b.1 - a.1) {
            inside = !inside;
        }
    }
    inside
}

#[test]
fn photos_lost_over_part_of_the_field_make_a_gap_there_and_the_refly_covers_it() {
    let dir = temp_dir("coverage-drop");
    let (plan, area) = plan(&dir);
    let tlog = fly(&dir, &plan, true);
    let gaps = dir.join("gaps.geojson");
    let refly = dir.join("refly.plan");
    let r = coverage(
        &tlog,
        &plan,
        &[
            "--gaps",
            gaps.to_str().expect("utf-8"),
            "--refly",
            refly.to_str().expect("utf-8"),
        ],
    );
    eprintln!("dropped: {r}");
    let f = frame();
    let centre = Enu::new(DROP.0, DROP.1);
    let list = r["gaps"].as_array().expect("gaps");
    assert!(!list.is_empty(), "{r}");
    assert_eq!(r["complete"], false);
    // The largest gap is centred on the disc; its area lies between the disc shrunk and grown
    // by half a footprint (29.5 × 19.5 m at 50 m).
    let g = &list[0];
    let c = f.to_latlon(Enu::new(0.0, 0.0));
    let gc = LatLon::new(
        g["center"][1].as_f64().expect("lat"),
        g["center"][0].as_f64().expect("lon"),
    );
    assert!(
        f.to_enu(gc).distance_m(centre) < 10.0,
        "gap centre {:?}",
        f.to_enu(gc)
    );
    let _ = c;
    let a = num(g, "area_m2");
    let disc = |r: f64| std::f64::consts::PI * r * r;
    assert!(a > disc(DROP.2 - 29.5) && a < disc(DROP.2 + 35.5), "{a}");
    assert!(num(g, "unseen_m2") > 0.0, "some of it seen by no photo");
    // The percentages drop by the gap's share of the field.
    let field_m2 = num(&r, "area_m2");
    let total: f64 = list.iter().map(|g| num(g, "area_m2")).sum();
    let want = 100.0 - 100.0 * total / field_m2;
    assert!(num(&r, "required_pct") <= want + 0.5, "{r}");
    assert!(num(&r, "required_pct") < 97.0, "{r}");
    assert!(num(&r, "covered_pct") < 100.0, "{r}");
    // The GeoJSON polygons lie around the disc.
    let gj: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&gaps).expect("gaps file")).expect("geojson");
    let feats = gj["features"].as_array().expect("features");
    assert_eq!(feats.len(), list.len());
    let mut rings: Vec<Vec<(f64, f64)>> = Vec::new();
    for feat in feats {
        assert_eq!(feat["geometry"]["type"], "Polygon");
        let outer: Vec<(f64, f64)> = feat["geometry"]["coordinates"][0]
            .as_array()
            .expect("ring")
            .iter()
            .map(|p| {
                let e = f.to_enu(LatLon::new(
                    p[1].as_f64().expect("lat"),
                    p[0].as_f64().expect("lon"),
                ));
                (e.east_m, e.north_m)
            })
            .collect();
        assert_eq!(outer.first(), outer.last(), "closed ring");
        for v in &outer {
            let d = Enu::new(v.0, v.1).distance_m(centre);
            assert!(
                d < DROP.2 + 36.0,
                "gap vertex {v:?} is {d:.0} m from the disc"
            );
        }
        rings.push(outer);
    }
    // Every point of every gap lies in the swath of a re-fly transect: across within half the
    // footprint's width (29.5 m), along within the transect or half the footprint's length
    // (19.5 m) beyond its ends.
    let legs: Vec<(Enu, Enu)> = refly_transects(&refly)
        .into_iter()
        .map(|(a, b)| (f.to_enu(a), f.to_enu(b)))
        .collect();
    assert!(!legs.is_empty(), "the re-fly flies transects");
    let in_swath = |p: Enu| {
        legs.iter().any(|(a, b)| {
            let (dx, dy) = (b.east_m - a.east_m, b.north_m - a.north_m);
            let len = (dx * dx + dy * dy).sqrt().max(1e-9);
            let (ux, uy) = (dx / len, dy / len);
            let (px, py) = (p.east_m - a.east_m, p.north_m - a.north_m);
            let along = px * ux + py * uy;
            let across = (px * uy - py * ux).abs();
            across <= 29.5 && along >= -19.5 && along <= len + 19.5
        })
    };
    let mut checked = 0;
    for ring in &rings {
        let (lo_e, hi_e) = ring
            .iter()
            .fold((f64::MAX, f64::MIN), |(l, h), p| (l.min(p.0), h.max(p.0)));
        let (lo_n, hi_n) = ring
            .iter()
            .fold((f64::MAX, f64::MIN), |(l, h), p| (l.min(p.1), h.max(p.1)));
        let mut n = lo_n + 0.5;
        while n < hi_n {
            let mut e = lo_e + 0.5;
            while e < hi_e {
                if point_in_ring((e, n), ring) {
                    assert!(
                        in_swath(Enu::new(e, n)),
                        "gap point {e:.1}, {n:.1} not re-flown"
                    );
                    checked += 1;
                }
                e += 1.0;
            }
            n += 1.0;
        }
    }
    assert!(checked > 100, "{checked} gap points checked");
    // The re-fly stays over the gaps (plus the buffer), not over the whole field again.
    let refly_json = &r["refly"];
    assert_eq!(refly_json["written"], true, "{r}");
    let field_photos = r["photos"].as_f64().expect("photos");
    assert!(num(refly_json, "photos") < field_photos, "{r}");
    // Flown (with a working camera), the re-fly completes the map: both logs together cover
    // the field with no gap.
    let second = fly_to(&dir, &refly, false, "refly.tlog");
    let both = coverage_of(&[&tlog, &second], &plan, &[]);
    eprintln!("dropped + re-fly: {both}");
    assert!(num(&both, "required_pct") >= 99.0, "{both}");
    assert_eq!(both["gaps"].as_array().map(Vec::len), Some(0), "{both}");
    let _ = area;
}

fn steppe_err(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_steppe"))
        .args(args)
        .output()
        .expect("steppe runs");
    assert!(!out.status.success(), "{args:?} should fail");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The ArduPilot SITL survey samples against their boundaries. Their camera is unknown; the
/// ones chosen match the trigger distance and line spacing of the missions at ~70 % front
/// overlap: a Sony A6000 16 mm for the copter (70 m: 103 × 68 m footprint, lines 34.8 m apart
/// → 66 % side; photos 20 m apart → 71 % front), a GoPro Hero 4 wide for the plane (120 m:
/// 301 × 222 m, lines 119 m → 60 % side; photos 60 m → 73 % front).
#[test]
fn the_sitl_survey_samples_cover_their_boundaries() {
    for (name, camera, front, side) in [
        (
            "arducopter_sitl_survey_talas_camera",
            "Sony A6000 16mm",
            "70",
            "65",
        ),
        (
            "arduplane_sitl_survey_jalalabad_camera",
            "GoPro Hero 4 Black Wide",
            "70",
            "60",
        ),
    ] {
        let tlog = sample(&format!("sitl/{name}.tlog"));
        let kml = sample(&format!("sitl/{name}_boundary.kml"));
        for gimbal in [false, true] {
            let mut extra = vec![
                "--camera",
                camera,
                "--overlap-front",
                front,
                "--overlap-side",
                side,
            ];
            if gimbal {
                extra.push("--gimbal");
            }
            let r = coverage(&tlog, &kml, &extra);
            eprintln!("{name} gimbal {gimbal}: {r}");
            assert!(num(&r, "covered_pct") >= 99.0, "{r}");
            assert!(num(&r, "required_pct") >= 99.0, "{r}");
            assert_eq!(r["gaps"].as_array().map(Vec::len), Some(0), "{r}");
        }
        // A boundary has no camera and no overlaps: both must be given.
        let (t, k) = (tlog.to_str().expect("utf-8"), kml.to_str().expect("utf-8"));
        let e = steppe_err(&["tlog", "coverage", t, "--plan", k]);
        assert!(e.contains("--camera NAME"), "{e}");
        let e = steppe_err(&["tlog", "coverage", t, "--plan", k, "--camera", camera]);
        assert!(e.contains("--overlap-front"), "{e}");
        let e = steppe_err(&[
            "tlog",
            "coverage",
            t,
            "--plan",
            k,
            "--camera",
            "Nikon 9000",
            "--min-views",
            "2",
        ]);
        assert!(e.contains("Nikon 9000"), "{e}");
        let e = steppe_err(&[
            "tlog",
            "coverage",
            k,
            "--plan",
            k,
            "--camera",
            camera,
            "--min-views",
            "2",
        ]);
        assert!(e.contains("no photo"), "{e}");
    }
}

/// A .plan whose survey has a manual camera (spacing and trigger distance only): the camera
/// named on the command line turns them into overlaps.
#[test]
fn a_manual_survey_plan_takes_its_overlaps_from_spacing_and_the_camera() {
    let dir = temp_dir("coverage-manual");
    let name = "arducopter_sitl_survey_talas_camera";
    let kml = std::fs::read(sample(&format!("sitl/{name}_boundary.kml"))).expect("kml");
    let area =
        steppe::formats::boundary::read_boundary(&kml, "b.kml").expect("boundary")[0].clone();
    let capture = Capture::Manual {
        alt_m: 70.0,
        line_spacing_m: 34.8,
        trigger_distance_m: 20.0,
    };
    let g = capture.resolve(10.0).expect("capture");
    let params = SurveyParams {
        alt_m: 70.0,
        line_spacing_m: 34.8,
        trigger_distance_m: 20.0,
        angle: Angle::Deg(110.0),
        ..SurveyParams::default()
    };
    let survey = generate(&area, &params).expect("survey");
    let doc = survey_document(&area, &survey, &capture, &g, DocOptions::default());
    let plan = dir.join("manual.plan");
    std::fs::write(&plan, steppe::formats::plan::write_plan(&doc)).expect("write");
    let tlog = sample(&format!("sitl/{name}.tlog"));
    let e = steppe_err(&[
        "tlog",
        "coverage",
        tlog.to_str().expect("utf-8"),
        "--plan",
        plan.to_str().expect("utf-8"),
    ]);
    assert!(
        e.contains("manual camera") && e.contains("--camera NAME"),
        "{e}"
    );
    let r = coverage(&tlog, &plan, &["--camera", "Sony A6000 16mm", "--gimbal"]);
    // Footprint 102.8 × 68.2 m at 70 m: 1 − 20/68.2 = 70.7 %, 1 − 34.8/102.8 = 66.1 %.
    let o = r["overlaps_pct"].as_array().expect("overlaps");
    let (front, side) = (o[0].as_f64().expect("f"), o[1].as_f64().expect("s"));
    assert!(
        (front - 70.7).abs() < 0.3 && (side - 66.1).abs() < 0.3,
        "{r}"
    );
    assert_eq!(r["planned_views"], 6);
    assert_eq!(r["grid_angle_deg"], 110.0);
    assert!(num(&r, "covered_pct") >= 99.0, "{r}");
}
