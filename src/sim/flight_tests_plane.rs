//! Plane scenario tests: a full mission with takeoff and landing, crosswind tracking, GUIDED,
//! RTL and TAKEOFF mode.

use super::flight_tests::{enu_item, nav_seqs, run_until};
use super::*;
use crate::geo::LocalFrame;
use crate::plan::mission_item::{MissionItem, cmd};

/// Flies a plane mission with 0.1 s steps, checking turn, bank and climb limits every step.
/// Returns the events and the track (local metres).
fn fly_plane(m: &mut FlightModel, max_s: f64) -> (Vec<SimEvent>, Vec<crate::geo::Enu>) {
    let f = LocalFrame::new(m.state().home);
    let p = m.config().plane;
    let max_rate_dps =
        (9.80665 * p.max_bank_deg.to_radians().tan() / p.min_airspeed_mps).to_degrees();
    let mut ev = Vec::new();
    let mut track = Vec::new();
    let mut last = m.state().clone();
    while m.state().armed && m.state().time_s < max_s {
        ev.extend(m.step(0.1));
        let s = m.state();
        if !last.landed && !s.landed {
            let dh = crate::geo::wrap_180(s.heading_deg - last.heading_deg).abs();
            assert!(
                dh <= max_rate_dps * 0.1 + 1e-6,
                "heading jumped {dh} deg at {}",
                s.time_s
            );
        }
        assert!(s.roll_rad.abs() <= p.max_bank_deg.to_radians() + 1e-9);
        assert!(
            s.climb_mps <= p.climb_max_mps + 1e-9 && s.climb_mps >= -p.sink_max_mps - 1e-9,
            "{}",
            s.climb_mps
        );
        assert!(s.airspeed_mps <= p.max_airspeed_mps + 1e-9);
        track.push(f.to_enu(s.position));
        last = s.clone();
    }
    (ev, track)
}

fn min_dist(track: &[crate::geo::Enu], e: f64, n: f64) -> f64 {
    track
        .iter()
        .map(|p| p.distance_m(crate::geo::Enu::new(e, n)))
        .fold(f64::INFINITY, f64::min)
}

#[test]
fn plane_flies_a_mission_takes_off_and_lands() {
    let mut m = FlightModel::new(SimConfig::plane());
    let home = m.state().home;
    let f = LocalFrame::new(home);
    let mut takeoff = MissionItem::nav(cmd::NAV_TAKEOFF, home, 60.0);
    takeoff.params[0] = 12.0;
    let items = vec![
        MissionItem::nav(cmd::NAV_WAYPOINT, home, 0.0),
        takeoff,
        enu_item(&f, cmd::NAV_WAYPOINT, 0.0, 700.0, 60.0),
        enu_item(&f, cmd::NAV_WAYPOINT, 500.0, 700.0, 60.0),
        MissionItem::action(cmd::DO_SET_CAM_TRIGG_DIST, [50.0, 0.0, 1.0, 0.0]),
        enu_item(&f, cmd::NAV_WAYPOINT, 500.0, -400.0, 60.0),
        MissionItem::action(cmd::DO_SET_CAM_TRIGG_DIST, [0.0, 0.0, 0.0, 0.0]),
        enu_item(&f, cmd::NAV_WAYPOINT, 0.0, -700.0, 40.0),
        enu_item(&f, cmd::NAV_LAND, 0.0, 0.0, 0.0),
    ];
    let navs = nav_seqs(&items);
    m.set_mission(items);
    m.step(2.0);
    m.set_mode(plane_mode::AUTO).unwrap();
    m.arm().unwrap();
    let (ev, track) = fly_plane(&mut m, 900.0);
    let s = m.state();
    assert!(
        !s.armed && s.landed,
        "not landed and disarmed at {}",
        s.time_s
    );
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
    assert!(ev.contains(&SimEvent::TookOff) && ev.contains(&SimEvent::Landed));
    let stop = f.to_enu(s.position);
    assert!(
        stop.east_m.abs() < 10.0 && stop.north_m > -20.0 && stop.north_m < 200.0,
        "stopped at {stop:?}"
    );
    // Photos every 50 m along the 1100 m leg (one at its start), none elsewhere.
    let photos = ev
        .iter()
        .filter(|e| matches!(e, SimEvent::CameraTrigger { .. }))
        .count();
    assert!((21..=24).contains(&photos), "{photos}");
    let pass = [(0.0, 700.0), (500.0, 700.0), (500.0, -400.0)].map(|(e, n)| min_dist(&track, e, n));
    eprintln!(
        "plane mission: {:.0} s, closest pass to turn points {pass:.1?} m, stopped at {stop:?}",
        s.time_s
    );
    assert!(pass.iter().all(|d| *d < 40.0), "{pass:?}");
}

#[test]
fn plane_tracks_the_line_in_a_crosswind() {
    let cfg = SimConfig {
        wind_speed_mps: 10.0,
        wind_from_deg: 270.0,
        ..SimConfig::plane()
    };
    let mut m = FlightModel::new(cfg);
    let home = m.state().home;
    let f = LocalFrame::new(home);
    let items = vec![
        MissionItem::nav(cmd::NAV_WAYPOINT, home, 0.0),
        MissionItem::nav(cmd::NAV_TAKEOFF, home, 80.0),
        enu_item(&f, cmd::NAV_WAYPOINT, 0.0, 600.0, 80.0),
        enu_item(&f, cmd::NAV_WAYPOINT, 0.0, 1600.0, 80.0),
        enu_item(&f, cmd::NAV_WAYPOINT, 600.0, 1600.0, 80.0),
        enu_item(&f, cmd::NAV_WAYPOINT, 600.0, 600.0, 80.0),
        MissionItem::nav(cmd::NAV_LOITER_UNLIM, home, 80.0),
    ];
    m.set_mission(items);
    m.step(2.0);
    m.set_mode(plane_mode::AUTO).unwrap();
    m.arm().unwrap();
    let mut crab_mid_leg = Vec::new();
    let mut xtrack: f64 = 0.0;
    let mut track = Vec::new();
    while m.state().time_s < 500.0 {
        m.step(0.1);
        let s = m.state();
        let p = f.to_enu(s.position);
        track.push(p);
        if s.mission_current == 3 && p.north_m > 900.0 && p.north_m < 1400.0 {
            xtrack = xtrack.max(p.east_m.abs());
            crab_mid_leg.push(crate::geo::wrap_180(s.heading_deg));
        }
    }
    assert!(
        m.state().mission_current == 6,
        "{}",
        m.state().mission_current
    );
    let crab = crab_mid_leg.iter().sum::<f64>() / crab_mid_leg.len().max(1) as f64;
    eprintln!("crosswind 10 m/s: cross-track <= {xtrack:.2} m, crab {crab:.1} deg");
    assert!(xtrack < 5.0, "{xtrack}");
    // Flying north in wind from the west, the nose points west of north: asin(10/18) = 34°.
    assert!(crab < -25.0 && crab > -40.0, "{crab}");
    for (e, n) in [(0.0, 600.0), (0.0, 1600.0), (600.0, 1600.0), (600.0, 600.0)] {
        let d = min_dist(&track, e, n);
        assert!(d < 45.0, "passed ({e}, {n}) at {d:.1} m");
    }
}

#[test]
fn plane_guided_rtl_and_takeoff_mode() {
    let mut m = FlightModel::new(SimConfig::plane());
    m.step(2.0);
    m.set_mode(plane_mode::RTL).unwrap();
    assert_eq!(m.arm().unwrap_err().text, "PreArm: RTL mode not armable");
    m.set_mode(plane_mode::FBWA).unwrap();
    m.arm().unwrap();
    m.takeoff(70.0).unwrap();
    assert_eq!(m.state().custom_mode, plane_mode::TAKEOFF);
    let (ev, t) = run_until(&mut m, 0.2, 120.0, |s| s.alt_rel_m > 67.0);
    assert!(ev.contains(&SimEvent::TookOff) && t < 40.0, "{t}");
    let home = m.state().home;
    let target = home.destination(0.0, 800.0);
    m.goto(target, 90.0).unwrap();
    run_until(&mut m, 0.2, 150.0, |_| false);
    let d = m.state().position.distance_m(target);
    assert!((40.0..=80.0).contains(&d), "loiters around the target: {d}");
    m.set_mode(plane_mode::RTL).unwrap();
    run_until(&mut m, 0.2, 150.0, |_| false);
    let s = m.state();
    let d = s.position.distance_m(home);
    assert!(
        (40.0..=80.0).contains(&d) && (s.alt_rel_m - 100.0).abs() < 3.0,
        "{d} {}",
        s.alt_rel_m
    );
    assert!(m.disarm(false).is_err());
    m.disarm(true).unwrap();
    let (ev, _) = run_until(&mut m, 0.2, 120.0, |s| s.landed);
    assert!(ev.contains(&SimEvent::Landed) && m.state().alt_rel_m.abs() < 0.01);
}
