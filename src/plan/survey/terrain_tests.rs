//! Terrain-following tests over generated SRTM tiles.

use super::*;
use crate::geo::{Enu, LatLon, LocalFrame};
use crate::plan::mission_item::{cmd, frame};
use crate::plan::terrain::Dem;

use crate::plan::test_fields::{O, dem, rect as area};

fn survey(a: &Area, home: Option<LatLon>) -> Survey {
    generate(
        a,
        &SurveyParams {
            alt_m: 80.0,
            line_spacing_m: 60.0,
            trigger_distance_m: 30.0,
            angle: Angle::Deg(90.0),
            home,
            ..SurveyParams::default()
        },
    )
    .expect("survey")
}

/// Heights above ground of the flown items (relative frame), sampled every 2 m on every leg
/// between the first and last survey waypoints: an independent check of the whole mission.
fn flown_agl(items: &[crate::plan::MissionItem], dem: &Dem, home_ground: f64) -> (f64, f64) {
    let nav: Vec<(LatLon, f64)> = items
        .iter()
        .filter(|i| i.command == cmd::NAV_WAYPOINT)
        .filter_map(|i| i.position().map(|p| (p, f64::from(i.z) + home_ground)))
        .collect();
    // Skip the transit legs: the first waypoint is the approach, the last two the exit and the
    // return over home.
    let survey = &nav[1..nav.len() - 2];
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for w in survey.windows(2) {
        let ((a, za), (b, zb)) = (w[0], w[1]);
        let n = (a.distance_m(b) / 2.0).ceil().max(1.0) as usize;
        for k in 0..=n {
            let t = k as f64 / n as f64;
            let p = LatLon::new(
                a.lat_deg + (b.lat_deg - a.lat_deg) * t,
                a.lon_deg + (b.lon_deg - a.lon_deg) * t,
            );
            let g = dem.elevation_m(p).expect("covered");
            let h = za + (zb - za) * t - g;
            lo = lo.min(h);
            hi = hi.max(h);
        }
    }
    (lo, hi)
}

#[test]
fn a_uniform_slope_needs_no_extra_waypoints() {
    let d = dem(|e, n| 600.0 + 0.1 * e + 0.05 * n);
    let a = area(600.0, 400.0);
    let s = survey(&a, None);
    let (t, r) = follow_terrain(&s, &d, &TerrainParams::default()).expect("terrain");
    assert_eq!(r.added_waypoints, 0, "a plane is followed by straight legs");
    assert!((r.min_agl_m - 80.0).abs() < 1.5, "{r:?}");
    assert!((r.max_agl_m - 80.0).abs() < 1.5, "{r:?}");
    let items = mission_items(&t);
    // Relative to home: the east end of a line is 0.1 * 600 = 60 m higher than the west end.
    let zs: Vec<f32> = items
        .iter()
        .filter(|i| i.command == cmd::NAV_WAYPOINT && i.frame == frame::GLOBAL_RELATIVE_ALT)
        .map(|i| i.z)
        .collect();
    let spread =
        zs.iter().copied().fold(f32::MIN, f32::max) - zs.iter().copied().fold(f32::MAX, f32::min);
    assert!(spread > 55.0, "{zs:?}");
}

#[test]
fn hills_get_waypoints_and_the_height_stays_within_tolerance() {
    // Ridges 400 m apart across the lines, 60 m high.
    let d = dem(|e, _| 900.0 + 30.0 * (e / 400.0 * std::f64::consts::TAU).sin());
    let a = area(1200.0, 300.0);
    let s = survey(&a, None);
    let tp = TerrainParams {
        tolerance_m: 4.0,
        step_m: 10.0,
    };
    let (t, r) = follow_terrain(&s, &d, &tp).expect("terrain");
    assert!(r.added_waypoints >= 5 * s.transects.len(), "{r:?}");
    assert!(
        r.min_agl_m >= 80.0 - 4.0 - 1.0 && r.max_agl_m <= 80.0 + 4.0 + 1.0,
        "{r:?}"
    );
    let (lo, hi) = flown_agl(&mission_items(&t), &d, r.home_ground_amsl_m);
    assert!(
        lo >= 80.0 - 4.0 - 1.5 && hi <= 80.0 + 4.0 + 1.5,
        "{lo} {hi}"
    );
    // Camera commands are unchanged: terrain points sit inside the transects.
    let cams = |s: &Survey| {
        mission_items(s)
            .iter()
            .filter(|i| i.command == cmd::DO_SET_CAM_TRIGG_DIST)
            .count()
    };
    assert_eq!(cams(&t), cams(&s));
    assert!(
        t.path
            .iter()
            .filter(|p| p.kind == PointKind::Terrain)
            .all(|p| p.transect.is_some() || p.kind == PointKind::Terrain)
    );
    // A looser tolerance needs fewer waypoints.
    let (_, r2) = follow_terrain(
        &s,
        &d,
        &TerrainParams {
            tolerance_m: 15.0,
            step_m: 10.0,
        },
    )
    .expect("terrain");
    assert!(r2.added_waypoints < r.added_waypoints, "{r2:?} {r:?}");
}

#[test]
fn a_hill_between_home_and_the_field_raises_the_transit_altitude() {
    // Flat at 500 m, with a 150 m hill centred 500 m west of the field.
    let d = dem(|e, n| {
        let r = ((e + 500.0).powi(2) + (n - 150.0).powi(2)).sqrt();
        500.0
            + if r < 200.0 {
                150.0 * (1.0 - r / 200.0)
            } else {
                0.0
            }
    });
    let a = area(400.0, 300.0);
    let home = LocalFrame::new(O).to_latlon(Enu::new(-1000.0, 150.0));
    let s = survey(&a, Some(home));
    let (t, r) = follow_terrain(&s, &d, &TerrainParams::default()).expect("terrain");
    assert!(r.transit_raised, "{r:?}");
    // The leg passes the hill's flank: well above the 80 m asked for.
    assert!(r.transit_alt_m >= 80.0 + 80.0, "{r:?}");
    assert!(r.transit_clearance_m >= 79.0, "{r:?}");
    let items = mission_items(&t);
    assert_eq!(items[0].command, cmd::NAV_TAKEOFF);
    assert!((f64::from(items[0].z) - r.transit_alt_m).abs() < 0.01);
    // Flat field: survey waypoints at 80 m above home.
    assert!((r.min_agl_m - 80.0).abs() < 1.0 && (r.max_agl_m - 80.0).abs() < 1.0);
}

#[test]
fn amsl_mode_writes_altitudes_above_sea_level() {
    let d = dem(|_, _| 1234.0);
    let a = area(300.0, 300.0);
    let mut s = survey(&a, None);
    s.params.altitude = AltitudeMode::Amsl;
    let (t, _) = follow_terrain(&s, &d, &TerrainParams::default()).expect("terrain");
    let global: Vec<f32> = mission_items(&t)
        .iter()
        .filter(|i| i.frame == frame::GLOBAL)
        .map(|i| i.z)
        .collect();
    assert!(!global.is_empty());
    assert!(
        global.iter().all(|z| (z - 1314.0).abs() < 0.6),
        "{global:?}"
    );
}

#[test]
fn missing_terrain_is_a_clear_error() {
    // Voids under the east half of the field.
    let d = dem(|e, _| if e > 200.0 { f64::NAN } else { 300.0 });
    let a = area(400.0, 300.0);
    let s = survey(&a, None);
    let e = follow_terrain(&s, &d, &TerrainParams::default()).expect_err("voids");
    assert!(e.to_string().contains("no data"), "{e}");
    let empty = Dem::new();
    let e = follow_terrain(&s, &empty, &TerrainParams::default()).expect_err("no tiles");
    assert!(e.to_string().contains("home"), "{e}");
    let bad = TerrainParams {
        tolerance_m: 0.0,
        step_m: 10.0,
    };
    assert!(follow_terrain(&s, &d, &bad).is_err());
}
