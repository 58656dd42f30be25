//! The survey acceptance test: a copter flies a 9-transect lawnmower mission with distance
//! camera triggering and returns home.

use super::flight_tests::{nav_seqs, run_until};
use super::*;
use crate::geo::{LatLon, LocalFrame};
use crate::plan::mission_item::{MissionItem, cmd};

/// Home, TAKEOFF, DO_CHANGE_SPEED, per transect WP + CAM 20 + WP + CAM 0, then `last`.
/// Transects run north-south, `len_m` long, `spacing_m` apart, starting 40 m east of home.
fn lawnmower(
    home: LatLon,
    n: usize,
    len_m: f64,
    spacing_m: f64,
    alt: f32,
    last: MissionItem,
) -> Vec<MissionItem> {
    let f = LocalFrame::new(home);
    let mut items = vec![
        MissionItem::nav(cmd::NAV_WAYPOINT, home, 0.0),
        MissionItem::nav(cmd::NAV_TAKEOFF, LatLon::new(0.0, 0.0), alt),
        MissionItem::action(cmd::DO_CHANGE_SPEED, [1.0, 8.0, -1.0, 0.0]),
    ];
    items[1].x = 0;
    items[1].y = 0;
    for i in 0..n {
        let e = 40.0 + spacing_m * i as f64;
        let (a, b) = if i % 2 == 0 {
            (20.0, 20.0 + len_m)
        } else {
            (20.0 + len_m, 20.0)
        };
        items.push(MissionItem::nav(
            cmd::NAV_WAYPOINT,
            f.to_latlon(crate::geo::Enu::new(e, a)),
            alt,
        ));
        items.push(MissionItem::action(
            cmd::DO_SET_CAM_TRIGG_DIST,
            [20.0, 0.0, 0.0, 0.0],
        ));
        items.push(MissionItem::nav(
            cmd::NAV_WAYPOINT,
            f.to_latlon(crate::geo::Enu::new(e, b)),
            alt,
        ));
        items.push(MissionItem::action(
            cmd::DO_SET_CAM_TRIGG_DIST,
            [0.0, 0.0, 0.0, 0.0],
        ));
    }
    items.push(last);
    items
}

#[test]
fn copter_flies_a_lawnmower_survey_with_exact_photo_spacing() {
    let mut m = FlightModel::new(SimConfig {
        wind_speed_mps: 4.0,
        wind_from_deg: 300.0,
        ..SimConfig::copter()
    });
    let home = m.state().home;
    let rtl = MissionItem::action(cmd::NAV_RETURN_TO_LAUNCH, [0.0; 4]);
    let items = lawnmower(home, 9, 200.0, 30.0, 30.0, rtl);
    let navs = nav_seqs(&items);
    m.set_mission(items);
    assert_eq!(m.state().mission_len, 40);
    m.step(2.0);
    m.set_mode(copter_mode::GUIDED).unwrap();
    m.arm().unwrap();
    m.start_mission().unwrap();
    // Half-second steps: photo positions must still be exact (interpolated inside the step).
    let (ev, t) = run_until(&mut m, 0.5, 1500.0, |s| !s.armed);
    let s = m.state().clone();
    assert!(!s.armed && s.landed, "mission did not finish in {t} s");
    assert!(s.position.distance_m(home) < 1.5);

    let reached: Vec<u16> = ev
        .iter()
        .filter_map(|e| {
            if let SimEvent::ItemReached(i) = e {
                Some(*i)
            } else {
                None
            }
        })
        .collect();
    assert_eq!(reached, navs);
    let current: Vec<u16> = ev
        .iter()
        .filter_map(|e| {
            if let SimEvent::CurrentItem(i) = e {
                Some(*i)
            } else {
                None
            }
        })
        .collect();
    assert_eq!(current, navs);

    let f = LocalFrame::new(home);
    let photos: Vec<crate::geo::Enu> = ev
        .iter()
        .filter_map(|e| {
            if let SimEvent::CameraTrigger { position, .. } = e {
                Some(f.to_enu(*position))
            } else {
                None
            }
        })
        .collect();
    let indexes: Vec<u32> = ev
        .iter()
        .filter_map(|e| {
            if let SimEvent::CameraTrigger { image_index, .. } = e {
                Some(*image_index)
            } else {
                None
            }
        })
        .collect();
    assert_eq!(indexes, (1..=photos.len() as u32).collect::<Vec<_>>());
    let mut worst_spacing: f64 = 0.0;
    for i in 0..9 {
        let e = 40.0 + 30.0 * i as f64;
        let on: Vec<_> = photos
            .iter()
            .filter(|p| (p.east_m - e).abs() < 1.0)
            .collect();
        assert!(
            (9..=10).contains(&on.len()),
            "transect {i}: {} photos",
            on.len()
        );
        for w in on.windows(2) {
            let d = w[0].distance_m(*w[1]);
            worst_spacing = worst_spacing.max((d - 20.0).abs());
        }
        for p in &on {
            assert!(
                p.north_m > 20.0 - 1.0 && p.north_m < 220.0 + 1.0,
                "photo off the transect: {p:?}"
            );
        }
    }
    assert!(worst_spacing <= 1.0, "spacing error {worst_spacing}");
    let on_lines = photos
        .iter()
        .filter(|p| (0..9).any(|i| (p.east_m - 40.0 - 30.0 * i as f64).abs() < 1.0))
        .count();
    assert_eq!(on_lines, photos.len(), "photos taken in the turns");
    assert!(
        s.battery_consumed_mah > 800.0 && s.battery_consumed_mah < 3000.0,
        "{}",
        s.battery_consumed_mah
    );
    assert!(s.battery_voltage_v < 16.8 && s.battery_remaining_pct > 40.0);
    assert_eq!(s.images_taken as usize, photos.len());
    eprintln!(
        "lawnmower: {t:.0} s, {} photos, worst spacing error {worst_spacing:.3} m, used {:.0} mAh, {:.2} V",
        photos.len(),
        s.battery_consumed_mah,
        s.battery_voltage_v
    );
}

#[test]
fn a_photo_drop_zone_loses_exactly_the_photos_inside_it() {
    let fly = |drop: PhotoDrop| -> Vec<crate::geo::Enu> {
        let mut m = FlightModel::new(SimConfig {
            photo_drop: drop,
            ..SimConfig::copter()
        });
        let home = m.state().home;
        let rtl = MissionItem::action(cmd::NAV_RETURN_TO_LAUNCH, [0.0; 4]);
        m.set_mission(lawnmower(home, 3, 200.0, 30.0, 30.0, rtl));
        m.step(2.0);
        m.set_mode(copter_mode::GUIDED).unwrap();
        m.arm().unwrap();
        m.start_mission().unwrap();
        let (ev, _) = run_until(&mut m, 0.5, 1500.0, |s| !s.armed);
        let f = LocalFrame::new(home);
        ev.iter()
            .filter_map(|e| match e {
                SimEvent::CameraTrigger { position, .. } => Some(f.to_enu(*position)),
                _ => None,
            })
            .collect()
    };
    let all = fly(PhotoDrop::default());
    let home = SimConfig::copter().home;
    let centre = LocalFrame::new(home).to_latlon(crate::geo::Enu::new(70.0, 120.0));
    let kept = fly(PhotoDrop {
        within: Some((centre, 45.0)),
        between_s: None,
    });
    let c = crate::geo::Enu::new(70.0, 120.0);
    let outside: Vec<_> = all.iter().filter(|p| p.distance_m(c) > 45.5).collect();
    assert!(all.len() - outside.len() >= 10, "the zone holds photos");
    assert_eq!(kept.len(), outside.len());
    assert!(kept.iter().all(|p| p.distance_m(c) > 44.5));
    // By time: nothing between 0 and 10000 s.
    let none = fly(PhotoDrop {
        within: None,
        between_s: Some((0.0, 10_000.0)),
    });
    assert!(none.is_empty());
}
