//! `steppe plan`, `steppe camera` and `.plan` uploads as users run them: the shipped example
//! missions are current, every sample file is read, conversions are read back by pymavlink,
//! splits and resumes, terrain following from a generated elevation tile, and uploads of
//! plans to the simulator over real UDP with validation refusing unflyable missions.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn steppe(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_steppe"))
        .env("STEPPE_TLOG_DIR", temp_dir("plan-cli-sessions"))
        .env_remove("STEPPE_CAMERAS")
        .args(args)
        .output()
        .expect("steppe runs")
}

fn run(args: &[&str], code: i32) -> (String, String) {
    let o = steppe(args);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(
        o.status.code(),
        Some(code),
        "steppe {args:?}:\n{out}\n{err}"
    );
    (out, err)
}

fn ok(args: &[&str]) -> String {
    run(args, 0).0
}

fn missions() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("missions")
}

/// The transect count `plan survey` printed.
fn transects(out: &str) -> usize {
    out.lines()
        .find_map(|l| {
            l.split(" transects")
                .next()
                .filter(|_| l.contains(" transects ("))?
                .trim()
                .parse()
                .ok()
        })
        .expect("transect count")
}

/// A closed GeoJSON ring ([lon, lat] pairs) through (east, north) metre offsets of `origin`.
fn geo_ring(origin: steppe::geo::LatLon, pts: &[(f64, f64)]) -> Vec<[f64; 2]> {
    let f = steppe::geo::LocalFrame::new(origin);
    pts.iter()
        .chain(pts.first())
        .map(|(e, n)| {
            let p = f.to_latlon(steppe::geo::Enu::new(*e, *n));
            [p.lon_deg, p.lat_deg]
        })
        .collect()
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn shipped_example_plans_are_what_the_planner_makes_now() {
    let dir = temp_dir("examples");
    let m = missions();
    ok(&[
        "plan",
        "survey",
        "--area",
        s(&m.join("concave-field.geojson")),
        "--camera",
        "DJI Phantom 4 Pro",
        "--gsd",
        "2.5",
        "-o",
        s(&dir.join("concave-field.plan")),
    ]);
    ok(&[
        "plan",
        "survey",
        "--area",
        s(&m.join("large-field.geojson")),
        "--camera",
        "Sony A6000 16mm",
        "--gsd",
        "2.3",
        "--vehicle",
        "plane",
        "--split",
        "2",
        "--endurance",
        "55",
        "-o",
        s(&dir.join("large-field.plan")),
    ]);
    for name in [
        "concave-field.plan",
        "large-field-1.plan",
        "large-field-2.plan",
    ] {
        let fresh = std::fs::read_to_string(dir.join(name)).expect("generated");
        let shipped = std::fs::read_to_string(m.join(name)).expect("shipped");
        assert!(
            fresh == shipped,
            "missions/{name} is stale: regenerate it with the command in missions/README.md"
        );
    }
    assert!(
        !dir.join("large-field.plan").exists(),
        "a split writes only the parts"
    );
    let info = ok(&["plan", "info", s(&m.join("concave-field.plan"))]);
    // A field with a zone is written as plain items (QGroundControl's survey knows no zones);
    // the zone is in the fence.
    assert!(info.contains("fence: 1 polygon(s)"), "{info}");
    assert!(!info.contains("survey (items"), "{info}");
    assert!(info.contains("photos ≈ 492"), "{info}");
    assert!(info.contains("validation: no findings"), "{info}");
}

#[test]
fn survey_prints_statistics_and_pymavlink_reads_the_waypoints() {
    let dir = temp_dir("survey-wpl");
    let out_path = dir.join("field.waypoints");
    let out = ok(&[
        "plan",
        "survey",
        "--area",
        s(&missions().join("concave-field.geojson")),
        "--sensor",
        "23.2x15.4",
        "--image",
        "5456x3632",
        "--focal",
        "16",
        "--alt",
        "100",
        "-o",
        s(&out_path),
    ]);
    // The issue's hand-checked camera: 2.66 cm/px at 100 m; per-axis footprint 145.0 × 96.25 m.
    assert!(out.contains("GSD 2.66 cm/px"), "{out}");
    assert!(out.contains("footprint 145.0 × 96.2 m"), "{out}");
    assert!(out.contains("line spacing 43.5 m"), "{out}");
    assert!(out.contains("trigger every 28.9 m"), "{out}");
    for word in [
        "area 40.11 ha",
        "transects",
        "photos",
        " km, flight ",
        "wrote",
    ] {
        assert!(out.contains(word), "{word} missing in {out}");
    }
    // The exclusion zone went to a fence file beside the mission.
    let fence = dir.join("field-fence.waypoints");
    assert!(fence.exists(), "{out}");
    // pymavlink's loader reads exactly our items.
    let ours = steppe::formats::wpl::parse(&std::fs::read_to_string(&out_path).expect("written"))
        .expect("ours");
    let script = r#"
import sys
from pymavlink import mavwp
w = mavwp.MAVWPLoader()
n = w.load(sys.argv[1])
for i in range(n):
    p = w.wp(i)
    print(p.seq, p.frame, p.command, "%.6f %.6f %.6f %.6f" % (p.param1, p.param2, p.param3, p.param4), "%.7f %.7f %.3f" % (p.x, p.y, p.z))
"#;
    let theirs: Vec<String> = python(script, &[&out_path])
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(theirs.len(), ours.items.len());
    for (i, (line, it)) in theirs.iter().zip(&ours.items).enumerate() {
        let mine = format!(
            "{} {} {} {:.6} {:.6} {:.6} {:.6} {:.7} {:.7} {:.3}",
            i,
            it.frame,
            it.command,
            it.params[0],
            it.params[1],
            it.params[2],
            it.params[3],
            it.param5(),
            it.param6(),
            it.z
        );
        assert_eq!(line, &mine, "item {i}");
    }
}

#[test]
fn split_that_cannot_fit_exits_2_naming_the_smallest_k_and_resume_skips_transects() {
    let dir = temp_dir("split");
    let area = missions().join("large-field.geojson");
    let (_, err) = run(
        &[
            "plan",
            "survey",
            "--area",
            s(&area),
            "--camera",
            "DJI Phantom 4 Pro",
            "--gsd",
            "3",
            "--split",
            "2",
            "--endurance",
            "25",
            "-o",
            s(&dir.join("big.plan")),
        ],
        2,
    );
    assert!(
        err.contains("the smallest number of parts that fits is"),
        "{err}"
    );
    assert!(
        std::fs::read_dir(&dir).expect("dir").next().is_none(),
        "nothing written"
    );
    let full = ok(&[
        "plan",
        "survey",
        "--area",
        s(&area),
        "--camera",
        "DJI Phantom 4 Pro",
        "--gsd",
        "3",
        "-o",
        s(&dir.join("full.plan")),
    ]);
    let resumed = ok(&[
        "plan",
        "survey",
        "--area",
        s(&area),
        "--camera",
        "DJI Phantom 4 Pro",
        "--gsd",
        "3",
        "--resume-from",
        "10",
        "-o",
        s(&dir.join("rest.plan")),
    ]);
    assert_eq!(
        transects(&resumed),
        transects(&full) - 9,
        "{full}\n{resumed}"
    );
    let (_, err) = run(
        &[
            "plan",
            "survey",
            "--area",
            s(&area),
            "--camera",
            "DJI Phantom 4 Pro",
            "--gsd",
            "3",
            "--resume-from",
            "999",
            "-o",
            s(&dir.join("x.plan")),
        ],
        1,
    );
    assert!(err.contains("transect 999 does not exist"), "{err}");
}

#[test]
fn bad_input_gets_clear_errors() {
    let dir = temp_dir("bad");
    let area = missions().join("concave-field.geojson");
    let out = s(&dir.join("x.plan")).to_owned();
    let cases: [(&[&str], &str); 5] = [
        (&["--camera", "Sony QX2", "--gsd", "2"], "did you mean"),
        (&["--camera", "Sony QX1 16mm"], "--gsd"),
        (
            &["--camera", "Sony QX1 16mm", "--gsd", "2", "--front", "120"],
            "overlap",
        ),
        (&["--gsd", "2"], "choose a camera"),
        (
            &[
                "--camera",
                "Sony QX1 16mm",
                "--gsd",
                "2",
                "--angle",
                "north",
            ],
            "angle",
        ),
    ];
    for (extra, want) in cases {
        let mut args = vec!["plan", "survey", "--area", s(&area), "-o", &out];
        args.extend_from_slice(extra);
        let o = steppe(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{args:?}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
    let (_, err) = run(
        &[
            "plan",
            "survey",
            "--area",
            s(&area),
            "-o",
            &out,
            "--camera",
            "Sony QX1 16mm",
            "--gsd",
            "2",
            "--hover",
            "--vehicle",
            "plane",
        ],
        1,
    );
    assert!(err.contains("multirotors"), "{err}");
    let (_, err) = run(
        &[
            "plan",
            "survey",
            "--area",
            s(&area),
            "-o",
            &out,
            "--camera",
            "Sony QX1 16mm",
            "--alt",
            "40",
            "--terrain",
            s(&terrain_dir("dem-flat", |_, _| 500.0)),
            "--terrain-tolerance",
            "30",
        ],
        1,
    );
    assert!(
        err.contains("more than half the height above ground"),
        "{err}"
    );
    // A pocket of the field closed off by four zones with 2 m gaps between them.
    let pocket = dir.join("pocket.geojson");
    let rect = |x0: f64, y0: f64, x1: f64, y1: f64| {
        geo_ring(
            steppe::geo::LatLon::new(42.52, 72.24),
            &[(x0, y0), (x1, y0), (x1, y1), (x0, y1)],
        )
    };
    let gj = serde_json::json!({"type": "Polygon", "coordinates": [
        rect(0.0, 0.0, 300.0, 300.0),
        rect(100.0, 100.0, 110.0, 200.0),
        rect(190.0, 100.0, 200.0, 200.0),
        rect(112.0, 100.0, 188.0, 110.0),
        rect(112.0, 190.0, 188.0, 200.0),
    ]});
    std::fs::write(&pocket, gj.to_string()).expect("write");
    let (_, err) = run(
        &[
            "plan",
            "survey",
            "--area",
            s(&pocket),
            "-o",
            &out,
            "--spacing",
            "20",
            "--trigger",
            "20",
            "--alt",
            "40",
        ],
        1,
    );
    assert!(err.contains("enclosed by zones"), "{err}");
    let bad_kml = sample("missions/kml/qgc_PolygonBadXml_invalid.kml");
    let (_, err) = run(
        &[
            "plan",
            "survey",
            "--area",
            s(&bad_kml),
            "--camera",
            "Sony QX1 16mm",
            "--gsd",
            "2",
            "-o",
            &out,
        ],
        1,
    );
    assert!(err.contains("expected KML"), "{err}");
    assert!(!dir.join("x.plan").exists());
}

#[test]
fn plan_info_reads_every_sample_and_refuses_the_wrong_version() {
    for sub in ["plan", "wpl", "kml"] {
        for e in std::fs::read_dir(sample(&format!("missions/{sub}"))).expect("samples") {
            let p = e.expect("entry").path();
            let name = p
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_owned();
            let o = steppe(&["plan", "info", s(&p)]);
            let out = String::from_utf8_lossy(&o.stdout);
            let err = String::from_utf8_lossy(&o.stderr);
            if name.contains("wrong_overall_version")
                || name.contains("invalid")
                || name.starts_with("cuav_OBC")
            {
                assert_eq!(o.status.code(), Some(1), "{name}: {out}");
                assert!(err.contains("error:"), "{name}: {err}");
            } else {
                assert!(o.status.success(), "{name}: {out}\n{err}");
                assert!(out.contains(&name), "{name}: {out}");
            }
        }
    }
    let (_, err) = run(
        &[
            "plan",
            "info",
            s(&sample(
                "missions/plan/mavsdk_qgroundcontrol_sample_wrong_overall_version.plan",
            )),
        ],
        1,
    );
    assert!(err.contains("version 42 is not supported"), "{err}");
    let info = ok(&[
        "plan",
        "info",
        s(&sample(
            "missions/plan/mavsdk_qgroundcontrol_sample_with_structured_scan.plan",
        )),
    ]);
    assert!(info.contains("not expanded"), "{info}");
}

#[test]
fn convert_between_plan_waypoints_and_boundaries() {
    let dir = temp_dir("convert");
    let plan = sample("missions/plan/mavsdk_qgroundcontrol_sample_with_survey.plan");
    let wp = dir.join("survey.waypoints");
    ok(&["plan", "convert", s(&plan), s(&wp)]);
    let back = dir.join("back.plan");
    ok(&["plan", "convert", s(&wp), s(&back)]);
    let a = steppe::formats::plan::read_plan(&std::fs::read_to_string(&plan).expect("read"))
        .expect("plan");
    let b = steppe::formats::plan::read_plan(&std::fs::read_to_string(&back).expect("read"))
        .expect("plan");
    assert_eq!(a.mission.len(), b.mission.len());
    assert!(
        a.mission
            .iter()
            .zip(&b.mission)
            .all(|(x, y)| x.same_on_wire(y))
    );
    // A boundary with a hole becomes a fence: inclusion outer ring, exclusion hole.
    let fence = dir.join("fence.plan");
    ok(&[
        "plan",
        "convert",
        s(&missions().join("concave-field.geojson")),
        s(&fence),
    ]);
    let f = steppe::formats::plan::read_plan(&std::fs::read_to_string(&fence).expect("read"))
        .expect("plan");
    assert_eq!(f.fence.polygons.len(), 2);
    assert!(f.fence.polygons[0].inclusion && !f.fence.polygons[1].inclusion);
    // And back to GeoJSON and KML with the hole kept.
    for ext in ["geojson", "kml"] {
        let out = dir.join(format!("field.{ext}"));
        ok(&["plan", "convert", s(&fence), s(&out)]);
        let info = ok(&["plan", "info", s(&out)]);
        assert!(
            info.contains("10 vertices, 1 hole(s), 40.11 ha"),
            "{ext}: {info}"
        );
    }
    let (_, err) = run(&["plan", "convert", s(&plan), s(&dir.join("x.docx"))], 1);
    assert!(err.contains("unknown output format"), "{err}");
}

#[test]
fn camera_list_has_the_survey_cameras_and_user_cameras() {
    let out = ok(&["camera", "list", "--sources"]);
    for name in [
        "DJI Phantom 4 Pro",
        "DJI Mavic 3 Enterprise",
        "DJI Zenmuse P1",
        "Sony A6000",
        "Sony QX1",
        "Sony RX100",
        "MicaSense RedEdge",
        "MicaSense Altum",
        "Parrot Sequoia",
        "GoPro",
    ] {
        assert!(out.contains(name), "{name} missing");
    }
    let n: usize = out
        .lines()
        .last()
        .and_then(|l| l.split(' ').next()?.parse().ok())
        .expect("count");
    assert!(n >= 25, "{n}");
    let dir = temp_dir("cameras");
    let file = dir.join("cameras.json");
    std::fs::write(&file, r#"[{"name": "Team Cam", "sensor_width_mm": 13.2, "sensor_height_mm": 8.8, "image_width_px": 5472, "image_height_px": 3648, "focal_length_mm": 8.8, "min_trigger_interval_s": 2.5}]"#).expect("write");
    let out = ok(&["camera", "list", "--cameras", s(&file)]);
    assert!(out.contains("Team Cam"), "{out}");
    // The user camera plans, and its 2.5 s interval is checked at 10 m/s.
    let plan = ok(&[
        "plan",
        "survey",
        "--area",
        s(&missions().join("concave-field.geojson")),
        "--cameras",
        s(&file),
        "--camera",
        "team cam",
        "--gsd",
        "1",
        "-o",
        s(&dir.join("t.plan")),
    ]);
    assert!(
        plan.contains("faster than the camera's minimum interval"),
        "{plan}"
    );
    std::fs::write(&file, r#"[{"name": "X", "sensor_width_mm": -1}]"#).expect("write");
    let (_, err) = run(&["camera", "list", "--cameras", s(&file)], 1);
    assert!(err.contains("camera file"), "{err}");
}

/// A 3″ SRTM tile under the example fields: `f(east_m, north_m)` of the concave field's corner.
fn terrain_dir(name: &str, f: impl Fn(f64, f64) -> f64) -> PathBuf {
    use steppe::geo::{LatLon, LocalFrame};
    let dir = temp_dir(name);
    let frame = LocalFrame::new(LatLon::new(42.52, 72.24));
    let bytes = steppe::plan::terrain::synthetic_hgt(42, 72, 1201, |lat, lon| {
        let e = frame.to_enu(LatLon::new(lat, lon));
        f(e.east_m, e.north_m)
    });
    std::fs::write(
        dir.join(steppe::plan::terrain::hgt_file_name(42, 72)),
        bytes,
    )
    .expect("tile");
    dir
}

#[test]
fn terrain_following_and_clearance_checks_from_an_elevation_folder() {
    // A valley side: from home at the field's east end the ground rises 150 m to the west.
    let dem = terrain_dir("dem-valley", |e, _| {
        1200.0 + 0.18 * (850.0 - e.clamp(0.0, 850.0))
    });
    let dir = temp_dir("terrain-out");
    let area = missions().join("concave-field.geojson");
    let flat = dir.join("flat.waypoints");
    let out = ok(&[
        "plan",
        "survey",
        "--area",
        s(&area),
        "--camera",
        "DJI Phantom 4 Pro",
        "--alt",
        "60",
        "--angle",
        "0",
        "-o",
        s(&flat),
    ]);
    assert!(!out.contains("terrain:"), "{out}");
    // The flat mission flies into the slope: an error in `plan info` (which still exits 0).
    let info = ok(&["plan", "info", s(&flat), "--terrain", s(&dem)]);
    assert!(info.contains("error [terrain-collision]"), "{info}");
    let followed = dir.join("terrain.waypoints");
    let out = ok(&[
        "plan",
        "survey",
        "--area",
        s(&area),
        "--camera",
        "DJI Phantom 4 Pro",
        "--alt",
        "60",
        "--angle",
        "0",
        "--terrain",
        s(&dem),
        "-o",
        s(&followed),
    ]);
    assert!(out.contains("terrain: home ground 1205 m AMSL"), "{out}");
    assert!(
        out.contains("transit altitude raised to clear the ground"),
        "{out}"
    );
    assert!(!out.contains("error ["), "{out}");
    // Over the field the height above ground stays within the 5 m tolerance; only the transit
    // legs, raised over the valley side, are over the 120 m ceiling near home.
    assert!(out.contains("height above ground 5"), "{out}");
    let items = steppe::formats::wpl::parse(&std::fs::read_to_string(&followed).expect("written"))
        .expect("wpl")
        .items;
    let zs: Vec<f32> = items
        .iter()
        .filter(|i| i.command == 16)
        .map(|i| i.z)
        .collect();
    let spread =
        zs.iter().copied().fold(f32::MIN, f32::max) - zs.iter().copied().fold(f32::MAX, f32::min);
    assert!(spread > 100.0, "altitudes follow a 150 m rise: {zs:?}");
    let info = ok(&["plan", "info", s(&followed), "--terrain", s(&dem)]);
    assert!(!info.contains("terrain-collision"), "{info}");
    // Resuming from an item of that mission (terrain waypoints counted) restarts the transect
    // the item belongs to: the item just before the 8th camera-off is inside transect 8.
    let offs: Vec<usize> = items
        .iter()
        .enumerate()
        .filter(|(_, i)| i.command == 206 && i.params[0] == 0.0)
        .map(|(k, _)| k)
        .collect();
    let seq = offs[7] - 1; // WPL row numbers count home as 0, like the autopilot
    let resumed = ok(&[
        "plan",
        "survey",
        "--area",
        s(&area),
        "--camera",
        "DJI Phantom 4 Pro",
        "--alt",
        "60",
        "--angle",
        "0",
        "--terrain",
        s(&dem),
        "--resume-from",
        &format!("item:{seq}"),
        "-o",
        s(&dir.join("rest.waypoints")),
    ]);
    assert_eq!(transects(&resumed), offs.len() - 7, "{resumed}");
    let (_, err) = run(
        &[
            "plan",
            "info",
            s(&followed),
            "--terrain",
            s(&dir.join("none")),
        ],
        1,
    );
    assert!(err.contains("elevation model"), "{err}");
}

#[test]
fn plans_upload_mission_fence_and_rally_and_errors_are_refused_unless_forced() {
    let sim = sim(SimArgs::default());
    let link = format!("udpout:127.0.0.1:{}", sim.local_addr().port());
    let dir = temp_dir("upload-plan");
    let home = steppe::sim::SimConfig::copter().home;
    // A survey next to the simulator's home, with a rally point, written as a .plan.
    let field = dir.join("field.geojson");
    let ring = geo_ring(
        home,
        &[(50.0, 50.0), (350.0, 50.0), (350.0, 250.0), (50.0, 250.0)],
    );
    let hole = geo_ring(
        home,
        &[
            (150.0, 120.0),
            (150.0, 180.0),
            (220.0, 180.0),
            (220.0, 120.0),
        ],
    );
    let gj = serde_json::json!({"type": "Polygon", "coordinates": [ring, hole]});
    std::fs::write(&field, gj.to_string()).expect("write");
    let plan = dir.join("field.plan");
    let home_arg = format!("{},{}", home.lat_deg, home.lon_deg);
    ok(&[
        "plan",
        "survey",
        "--area",
        s(&field),
        "--camera",
        "Sony QX1 16mm",
        "--alt",
        "50",
        "--home",
        &home_arg,
        "-o",
        s(&plan),
    ]);
    let out = ok(&["mission", "upload", "--link", &link, s(&plan)]);
    assert!(out.contains("upload mission:"), "{out}");
    assert!(out.contains("upload fence: 4 items"), "{out}");
    assert!(out.contains("no rally in the file"), "{out}");
    // Read back what the vehicle holds.
    let back = dir.join("back.waypoints");
    ok(&["mission", "download", "--link", &link, s(&back)]);
    let doc = steppe::formats::plan::read_plan(&std::fs::read_to_string(&plan).expect("plan"))
        .expect("ours");
    let got = steppe::formats::wpl::parse(&std::fs::read_to_string(&back).expect("back"))
        .expect("wpl")
        .items;
    assert_eq!(got.len(), doc.mission.len() + 1, "home + items");
    // As ArduPilot stores them (the simulator keeps items the way ArduPilot 4.7 does).
    let sent: Vec<_> = std::iter::once(got[0])
        .chain(doc.mission.iter().copied())
        .collect();
    assert!(same_items(steppe::plan::MissionType::Mission, &sent, &got));
    // An unflyable mission (NaN altitude): refused, nothing sent; --force sends it.
    let bad = dir.join("bad.waypoints");
    std::fs::write(
        &bad,
        format!(
            "QGC WPL 110\n0\t1\t0\t16\t0\t0\t0\t0\t{lat}\t{lon}\t0\t1\n1\t0\t3\t22\t0\t0\t0\t0\t0\t0\t30\t1\n2\t0\t3\t16\t0\t0\t0\t0\t{lat}\t{lon}\tnan\t1\n3\t0\t3\t20\t0\t0\t0\t0\t0\t0\t0\t1\n",
            lat = home.lat_deg,
            lon = home.lon_deg
        ),
    )
    .expect("write");
    let (out, err) = run(&["mission", "upload", "--link", &link, s(&bad)], 1);
    assert!(out.contains("error [non-finite] item 2"), "{out}");
    assert!(err.contains("--force"), "{err}");
    ok(&["mission", "download", "--link", &link, s(&back)]);
    let still = steppe::formats::wpl::parse(&std::fs::read_to_string(&back).expect("back"))
        .expect("wpl")
        .items;
    assert_eq!(still.len(), got.len(), "the refused upload sent nothing");
    // --force sends it, and the vehicle refuses it as ArduPilot does, naming the item.
    let (_, err) = run(
        &["mission", "upload", "--link", &link, "--force", s(&bad)],
        1,
    );
    assert!(
        err.contains("INVALID_PARAM7") && err.contains("at item 2 (NAV_WAYPOINT (16)"),
        "{err}"
    );
}

#[test]
fn a_whole_survey_without_zones_is_a_qgroundcontrol_survey_item() {
    let dir = temp_dir("survey-item");
    let field = dir.join("rect.geojson");
    std::fs::write(
        &field,
        r#"{"type":"Polygon","coordinates":[[[72.24,42.52],[72.2473,42.52],[72.2473,42.5236],[72.24,42.5236],[72.24,42.52]]]}"#,
    )
    .expect("write");
    let plan = dir.join("rect.plan");
    let out = ok(&[
        "plan",
        "survey",
        "--area",
        s(&field),
        "--camera",
        "DJI Phantom 4 Pro",
        "--gsd",
        "2.5",
        "-o",
        s(&plan),
    ]);
    // Automatic heading: along the long edge, no lines added (not a tilted grid that needs them).
    assert!(out.contains("heading 90.0°"), "{out}");
    assert!(out.contains("10 transects (0 added for coverage)"), "{out}");
    let info = ok(&["plan", "info", s(&plan)]);
    assert!(info.contains("survey (items 3–"), "{info}");
    assert!(info.contains("camera DJI Phantom 4 Pro"), "{info}");
    assert!(info.contains("GSD 2.50 cm/px"), "{info}");
    let text = std::fs::read_to_string(&plan).expect("plan");
    assert!(
        text.contains("\"complexItemType\": \"survey\""),
        "QGroundControl survey item"
    );
    // A resumed mission is plain items.
    let rest = dir.join("rest.plan");
    ok(&[
        "plan",
        "survey",
        "--area",
        s(&field),
        "--camera",
        "DJI Phantom 4 Pro",
        "--gsd",
        "2.5",
        "--resume-from",
        "4",
        "-o",
        s(&rest),
    ]);
    assert!(
        !std::fs::read_to_string(&rest)
            .expect("plan")
            .contains("complexItemType")
    );
    // Output to a closed pipe ends quietly and the file is written.
    let piped = dir.join("piped.plan");
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{} plan survey --area {} --camera 'DJI Phantom 4 Pro' --gsd 2.5 -o {} | head -1 >/dev/null",
            env!("CARGO_BIN_EXE_steppe"),
            s(&field),
            s(&piped)
        ))
        .output()
        .expect("sh");
    assert!(
        status.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert!(piped.exists());
}
