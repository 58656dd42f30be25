//! Validation and mission statistics tests.

use super::*;
use crate::geo::{Enu, LatLon, LocalFrame};
use crate::plan::document::{Fence, FencePolygon, PlannedHome};
use crate::plan::mission_stats::mission_stats;
use crate::plan::test_fields::{O, dem};

fn at(e: f64, n: f64) -> LatLon {
    LocalFrame::new(O).to_latlon(Enu::new(e, n))
}

fn wp(e: f64, n: f64, alt: f32) -> MissionItem {
    MissionItem::nav(cmd::NAV_WAYPOINT, at(e, n), alt)
}

fn takeoff(alt: f32) -> MissionItem {
    let mut t = MissionItem::nav(cmd::NAV_TAKEOFF, LatLon::default(), alt);
    t.x = 0;
    t.y = 0;
    t
}

fn rtl() -> MissionItem {
    MissionItem::action(cmd::NAV_RETURN_TO_LAUNCH, [0.0; 4])
}

/// Takeoff, a 400 m square at 50 m, RTL, home at `O` 800 m AMSL.
fn square() -> MissionDocument {
    MissionDocument {
        mission: vec![
            takeoff(50.0),
            wp(0.0, 0.0, 50.0),
            wp(400.0, 0.0, 50.0),
            wp(400.0, 400.0, 50.0),
            wp(0.0, 400.0, 50.0),
            rtl(),
        ],
        planned_home: Some(PlannedHome {
            position: O,
            alt_amsl_m: 800.0,
        }),
        ..MissionDocument::default()
    }
}

#[test]
fn a_tiny_trigger_distance_saturates_the_photo_count() {
    // Found by the waypoints_file fuzz target: DO_SET_CAM_TRIGG_DIST 1e-30 m over a 400 m leg
    // overflowed the photo count (a panic in debug builds, a wrapped count in release).
    let mut doc = square();
    let trigger = MissionItem::action(cmd::DO_SET_CAM_TRIGG_DIST, [1e-30, 0.0, 1.0, 0.0]);
    doc.mission.insert(1, trigger);
    doc.mission
        .insert(3, MissionItem::action(cmd::DO_DIGICAM_CONTROL, [0.0; 4]));
    let st = mission_stats(&doc);
    assert_eq!(st.photos, u32::MAX);
}

fn codes(f: &[Finding]) -> Vec<&'static str> {
    f.iter().map(|x| x.code).collect()
}

#[test]
fn a_clean_mission_has_no_findings_and_hand_checked_stats() {
    let doc = square();
    assert!(validate(&doc, &Limits::default(), None).is_empty());
    let st = mission_stats(&doc);
    assert_eq!(st.waypoints, 4);
    assert!(st.returns);
    // 0 (first point is home) + 400 * 3 + 400 back home.
    assert!((st.distance_m - 1600.0).abs() < 1.0, "{}", st.distance_m);
    // Climb 50 m at 2.5 m/s = 20 s, 1600 m at 10 m/s = 160 s, two 90° corners at 2 s each
    // (slowing for the turn: v/a · (1 − cos θ)/2), descent 40 m at 1.5 m/s + 10 m at 0.5 m/s.
    let expect = 20.0 + 160.0 + 2.0 * 2.0 + 40.0 / 1.5 + 10.0 / 0.5;
    assert!(
        (st.flight_time_s - expect).abs() < 0.5,
        "{}",
        st.flight_time_s
    );
    assert_eq!(st.alt_range_m, Some((50.0, 50.0)));
    assert!((st.max_distance_from_home_m - 400.0 * 2f64.sqrt()).abs() < 1.0);
}

#[test]
fn unflyable_items_are_errors_naming_the_item() {
    let mut doc = square();
    doc.mission[1].z = f32::NAN;
    doc.mission[2].x = 950_000_000; // 95° N
    doc.mission[3].frame = frame::LOCAL_NED;
    doc.mission.insert(4, MissionItem::action(9999, [0.0; 4]));
    doc.mission
        .insert(5, MissionItem::action(cmd::REQUEST_MESSAGE, [0.0; 4]));
    doc.mission
        .insert(6, MissionItem::action(cmd::DO_JUMP, [99.0, 1.0, 0.0, 0.0]));
    doc.mission.insert(
        7,
        MissionItem::nav(cmd::NAV_FENCE_POLYGON_VERTEX_INCLUSION, O, 0.0),
    );
    let f = validate(&doc, &Limits::default(), None);
    assert!(has_errors(&f));
    let errors: Vec<(&str, Option<usize>)> = f
        .iter()
        .filter(|x| x.severity == Severity::Error)
        .map(|x| (x.code, x.item))
        .collect();
    for want in [
        ("non-finite", Some(2)),
        ("bad-position", Some(3)),
        ("bad-frame", Some(4)),
        ("unknown-command", Some(5)),
        ("not-a-mission-command", Some(6)),
        ("bad-jump", Some(7)),
        ("fence-or-rally-in-mission", Some(8)),
    ] {
        assert!(errors.contains(&want), "{want:?} missing from {errors:?}");
    }
    // Errors come first, then warnings.
    assert_eq!(f[0].severity, Severity::Error);
    let text = f[0].to_string();
    assert!(text.starts_with("error [non-finite] item 2:"), "{text}");
    // A jump to itself and a bad repeat count.
    let mut j = square();
    j.mission
        .insert(2, MissionItem::action(cmd::DO_JUMP, [3.0, -2.0, 0.0, 0.0]));
    let f = validate(&j, &Limits::default(), None);
    assert_eq!(
        f.iter().filter(|x| x.code == "bad-jump").count(),
        2,
        "{f:?}"
    );
}

#[test]
fn limits_give_warnings_not_errors() {
    let mut doc = square();
    doc.mission[2].z = 150.0;
    doc.mission[3].z = 5.0;
    doc.mission[4] = wp(6000.0, 0.0, 50.0);
    doc.mission.pop(); // no RTL
    doc.mission.remove(0); // no takeoff
    doc.mission.insert(
        1,
        MissionItem::action(cmd::DO_SET_CAM_TRIGG_DIST, [15.0, 0.0, 1.0, 0.0]),
    );
    let limits = Limits {
        endurance_min: Some(1.0),
        camera_min_interval_s: Some(2.0),
        ..Limits::default()
    };
    let f = validate(&doc, &limits, None);
    assert!(!has_errors(&f), "{f:?}");
    let c = codes(&f);
    for want in [
        "altitude-high",
        "altitude-low",
        "distance",
        "no-takeoff",
        "no-return",
        "endurance",
        "photo-interval",
    ] {
        assert!(c.contains(&want), "{want} missing from {c:?}");
    }
    let interval = f
        .iter()
        .find(|x| x.code == "photo-interval")
        .expect("found");
    assert!(interval.message.contains("1.50 s"), "{}", interval.message);
    assert!(interval.message.contains("7.5 m/s"), "{}", interval.message);
}

#[test]
fn fence_violations_and_malformed_fences() {
    let mut doc = square();
    doc.fence = Fence {
        polygons: vec![
            FencePolygon {
                points: vec![
                    at(-50.0, -50.0),
                    at(450.0, -50.0),
                    at(450.0, 300.0),
                    at(-50.0, 300.0),
                ],
                inclusion: true,
            },
            FencePolygon {
                points: vec![
                    at(150.0, -20.0),
                    at(250.0, -20.0),
                    at(250.0, 20.0),
                    at(150.0, 20.0),
                ],
                inclusion: false,
            },
        ],
        ..Fence::default()
    };
    let f = validate(&doc, &Limits::default(), None);
    assert!(!has_errors(&f), "{f:?}");
    let outside: Vec<_> = f
        .iter()
        .filter(|x| x.code == "fence-outside")
        .map(|x| x.item)
        .collect();
    assert_eq!(outside, vec![Some(4), Some(5)]);
    let crossing: Vec<_> = f
        .iter()
        .filter(|x| x.code == "fence-crossing")
        .map(|x| x.item)
        .collect();
    assert_eq!(crossing, vec![Some(3)], "{f:?}");
    doc.fence.polygons[0].points.truncate(2);
    let f = validate(&doc, &Limits::default(), None);
    assert!(codes(&f).contains(&"fence-shape"));
    assert!(has_errors(&f));
}

#[test]
fn terrain_collisions_are_errors_and_low_clearance_warnings() {
    // Home at 800 m; a 100 m hill under the east side of the square (x ≈ 400).
    let hill = |e: f64, n: f64| {
        let r = ((e - 400.0).powi(2) + (n - 200.0).powi(2)).sqrt();
        800.0
            + if r < 300.0 {
                100.0 * (1.0 - r / 300.0)
            } else {
                0.0
            }
    };
    let d = dem(hill);
    let doc = square();
    let f = validate(&doc, &Limits::default(), Some(&d));
    let hit: Vec<_> = f
        .iter()
        .filter(|x| x.code == "terrain-collision")
        .map(|x| x.item)
        .collect();
    assert_eq!(hit, vec![Some(4)], "{f:?}");
    assert!(
        f[0].message.contains("below the ground"),
        "{}",
        f[0].message
    );
    // 100 m above home clears the 100 m hill's flanks but not by 10 m everywhere.
    let mut high = square();
    for it in high.mission.iter_mut() {
        if it.command == cmd::NAV_WAYPOINT || it.command == cmd::NAV_TAKEOFF {
            it.z = 95.0;
        }
    }
    let f = validate(&high, &Limits::default(), Some(&d));
    assert!(!has_errors(&f), "{f:?}");
    assert!(codes(&f).contains(&"terrain-clearance"), "{f:?}");
    // AMSL items are read as AMSL: 1000 m AMSL is 200 m over home and clears everything.
    let mut amsl = square();
    for it in amsl
        .mission
        .iter_mut()
        .filter(|i| i.command == cmd::NAV_WAYPOINT)
    {
        it.frame = frame::GLOBAL;
        it.z = 1000.0;
    }
    amsl.mission[0].z = 200.0;
    let f = validate(&amsl, &Limits::default(), Some(&d));
    assert!(f.iter().all(|x| !x.code.starts_with("terrain")), "{f:?}");
    // No data: a warning, never silence.
    let f = validate(&doc, &Limits::default(), Some(&Dem::new()));
    assert_eq!(codes(&f), vec!["terrain-unknown"]);
}

#[test]
fn a_generated_survey_validates_clean() {
    use crate::plan::Area;
    use crate::plan::survey::{SurveyParams, generate, mission_items};
    let area = Area::new(vec![
        at(0.0, 0.0),
        at(500.0, 0.0),
        at(500.0, 400.0),
        at(0.0, 400.0),
    ]);
    let s = generate(
        &area,
        &SurveyParams {
            alt_m: 80.0,
            ..SurveyParams::default()
        },
    )
    .expect("survey");
    let doc = MissionDocument {
        mission: mission_items(&s),
        planned_home: Some(PlannedHome {
            position: s.home,
            alt_amsl_m: 0.0,
        }),
        ..MissionDocument::default()
    };
    let f = validate(&doc, &Limits::default(), None);
    assert!(f.is_empty(), "{f:?}");
    let st = mission_stats(&doc);
    let ss = crate::plan::survey::survey_stats(&s, &area);
    assert!(
        (st.distance_m - ss.distance_m).abs() < 1.0,
        "{} {}",
        st.distance_m,
        ss.distance_m
    );
    // The generic photo estimate is within a photo per transect of the exact count.
    assert!(
        (i64::from(st.photos) - i64::from(ss.photos)).unsigned_abs() <= ss.transects as u64,
        "{} {}",
        st.photos,
        ss.photos
    );
}
