//! Scenario tests of [`FlightModel`]: ArduPilot rules, guided flight, RTL, survey missions for
//! copter and plane, failsafes, and property tests over random inputs.

use super::*;
use crate::geo::LocalFrame;
use crate::plan::mission_item::{MissionItem, cmd};

/// Steps `m` by `dt` until `done` or `max_s`; returns all events and the elapsed time.
pub(super) fn run_until(
    m: &mut FlightModel,
    dt: f64,
    max_s: f64,
    mut done: impl FnMut(&SimState) -> bool,
) -> (Vec<SimEvent>, f64) {
    let t0 = m.state().time_s;
    let mut ev = Vec::new();
    while m.state().time_s - t0 < max_s {
        ev.extend(m.step(dt));
        if done(m.state()) {
            break;
        }
    }
    (ev, m.state().time_s - t0)
}

pub(super) fn texts(ev: &[SimEvent]) -> Vec<String> {
    ev.iter()
        .filter_map(|e| match e {
            SimEvent::StatusText { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

/// A copter armed in GUIDED, hovering at 20 m over home.
pub(super) fn copter_at_20m() -> FlightModel {
    let mut m = FlightModel::new(SimConfig::copter());
    m.step(2.0);
    m.set_mode(copter_mode::GUIDED).unwrap();
    m.arm().unwrap();
    m.takeoff(20.0).unwrap();
    run_until(&mut m, 0.1, 60.0, |s| {
        (s.alt_rel_m - 20.0).abs() < 0.05 && s.climb_mps.abs() < 0.05
    });
    m
}

#[test]
fn copter_arming_follows_ardupilot_rules() {
    let mut m = FlightModel::new(SimConfig::copter());
    m.set_mode(copter_mode::GUIDED).unwrap();
    let e = m.arm().unwrap_err();
    assert_eq!(e.text, "PreArm: GPS 1: Bad fix");
    assert_eq!(e.result, Refusal::Failed);
    assert_eq!(e.severity, Some(severity::CRITICAL));
    assert!(texts(&m.step(0.1)).contains(&"PreArm: GPS 1: Bad fix".to_string()));
    assert!(!m.state().prearm_ok && !m.state().home_valid);

    let (ev, t) = run_until(&mut m, 0.1, 10.0, |s| s.gps_fix_type == 3);
    assert!(t < 5.0 && ev.contains(&SimEvent::HomeSet));
    assert!(m.state().prearm_ok && (10..=14).contains(&m.state().gps_satellites));
    let hdop = m.state().gps_hdop;
    assert!((0.7..=1.2).contains(&hdop), "{hdop}");
    assert!(m.state().gps_position.distance_m(m.state().position) < 1.3);

    m.set_mode(copter_mode::AUTO).unwrap();
    assert_eq!(m.arm().unwrap_err().text, "Arm: AUTO mode not armable");
    m.set_mode(copter_mode::RTL).unwrap();
    assert_eq!(m.arm().unwrap_err().text, "Arm: RTL mode not armable");
    assert_eq!(m.set_mode(8).unwrap_err().text, "No such mode 8");
    assert_eq!(m.set_mode(1).unwrap_err().result, Refusal::Unsupported);

    m.set_mode(copter_mode::GUIDED).unwrap();
    m.arm().unwrap();
    m.arm().unwrap();
    let ev = m.step(0.1);
    assert!(
        ev.contains(&SimEvent::Armed) && ev.contains(&SimEvent::ModeChanged(copter_mode::GUIDED))
    );
    assert_eq!(m.takeoff(-5.0).unwrap_err().result, Refusal::Failed);
    // DISARM_DELAY: armed on the ground without taking off disarms after 10 s.
    let (ev, t) = run_until(&mut m, 0.5, 30.0, |s| !s.armed);
    assert!(
        ev.contains(&SimEvent::Disarmed) && (9.5..=11.0).contains(&t),
        "{t}"
    );
}

#[test]
fn copter_guided_takeoff_goto_and_rtl() {
    let mut m = FlightModel::new(SimConfig::copter());
    m.step(2.0);
    m.set_mode(copter_mode::STABILIZE).unwrap();
    m.arm().unwrap();
    assert_eq!(m.takeoff(20.0).unwrap_err().result, Refusal::Failed);
    m.set_mode(copter_mode::GUIDED).unwrap();
    m.takeoff(20.0).unwrap();
    let (ev, t) = run_until(&mut m, 0.1, 60.0, |s| (s.alt_rel_m - 20.0).abs() <= 0.5);
    assert!(ev.contains(&SimEvent::TookOff));
    // 20 m at 2.5 m/s is 8 s, plus accelerating at 1 m/s² and braking near the top.
    assert!((8.0..=14.0).contains(&t), "climb took {t} s");
    eprintln!("takeoff to 20 +- 0.5 m: {t:.1} s");
    run_until(&mut m, 0.1, 5.0, |_| false);
    assert!((m.state().alt_rel_m - 20.0).abs() < 0.5);
    assert!(m.disarm(false).is_err());
    assert_eq!(
        m.takeoff(30.0).unwrap_err().text,
        "Takeoff refused: already flying"
    );

    let home = m.state().home;
    let target = home.destination(45.0, 200.0);
    m.goto(target, 30.0).unwrap();
    let mut vmax: f64 = 0.0;
    let (_, t) = run_until(&mut m, 0.1, 120.0, |s| {
        vmax = vmax.max(s.groundspeed_mps);
        s.position.distance_m(target) < 1.0 && s.groundspeed_mps < 0.2
    });
    assert!(vmax <= 10.0 + 1e-6 && vmax > 9.5, "{vmax}");
    assert!((20.0..=35.0).contains(&t), "goto took {t} s");
    eprintln!("goto 200 m: {t:.1} s, max ground speed {vmax:.2} m/s");
    assert!((m.state().alt_rel_m - 30.0).abs() < 0.5);

    m.set_mode(copter_mode::RTL).unwrap();
    let (ev, t) = run_until(&mut m, 0.25, 300.0, |s| !s.armed);
    assert!(ev.contains(&SimEvent::Landed) && ev.contains(&SimEvent::Disarmed));
    let s = m.state();
    assert!(
        s.landed && s.position.distance_m(home) < 1.0,
        "{}",
        s.position.distance_m(home)
    );
    // 200 m home + 5 s loiter + 20 m down at 1.5 then 0.5 m/s.
    assert!((60.0..=120.0).contains(&t), "rtl took {t} s");
    eprintln!(
        "rtl from 200 m / 30 m: {t:.1} s, landed {:.2} m from home",
        s.position.distance_m(home)
    );
}

#[test]
fn copter_holds_position_in_wind_with_a_tilt() {
    let cfg = SimConfig {
        wind_speed_mps: 8.0,
        wind_from_deg: 270.0,
        ..SimConfig::copter()
    };
    let mut m = FlightModel::new(cfg);
    m.step(2.0);
    m.set_mode(copter_mode::GUIDED).unwrap();
    m.arm().unwrap();
    m.takeoff(20.0).unwrap();
    run_until(&mut m, 0.1, 40.0, |_| false);
    let p0 = m.state().position;
    m.set_mode(copter_mode::LOITER).unwrap();
    let mut worst: f64 = 0.0;
    run_until(&mut m, 0.1, 30.0, |s| {
        worst = worst.max(s.position.distance_m(p0));
        false
    });
    let s = m.state();
    assert!(worst < 1.0, "{worst}");
    let tilt = s.roll_rad.hypot(s.pitch_rad).to_degrees();
    eprintln!("loiter in 8 m/s wind: worst drift {worst:.2} m, tilt {tilt:.1} deg");
    assert!(tilt > 3.0 && tilt < 30.0, "{tilt}");
    assert!(s.airspeed_mps > 5.0 && s.groundspeed_mps < 0.5);
    m.set_mode(copter_mode::ALT_HOLD).unwrap();
    run_until(&mut m, 0.1, 20.0, |_| false);
    assert!(m.state().groundspeed_mps > 4.0, "drifts with the wind");
}

pub(super) fn nav_seqs(items: &[MissionItem]) -> Vec<u16> {
    (1..items.len() as u16)
        .filter(|i| items[usize::from(*i)].command < 100)
        .collect()
}

#[test]
fn low_battery_announces_once_and_returns_home() {
    let cfg = SimConfig {
        battery_capacity_mah: 1000.0,
        critical_battery_pct: 0.0,
        ..SimConfig::copter()
    };
    let mut m = FlightModel::new(cfg);
    m.step(2.0);
    m.set_mode(copter_mode::GUIDED).unwrap();
    m.arm().unwrap();
    m.takeoff(25.0).unwrap();
    run_until(&mut m, 0.5, 30.0, |_| false);
    let home = m.state().home;
    m.goto(home.destination(90.0, 150.0), 25.0).unwrap();
    let (ev, _) = run_until(&mut m, 0.5, 600.0, |s| !s.armed);
    let low: Vec<String> = texts(&ev)
        .into_iter()
        .filter(|t| t.starts_with("Battery 1 is low"))
        .collect();
    assert_eq!(low.len(), 1, "{low:?}");
    assert!(ev.contains(&SimEvent::ModeChanged(copter_mode::RTL)));
    let s = m.state();
    assert!(
        s.battery_failsafe && !s.armed && s.landed && s.position.distance_m(home) < 1.5,
        "{s:?} {ev:?}"
    );
    assert!(s.battery_remaining_pct <= 20.0 && s.battery_voltage_v > 3.3 * 4.0);
    assert_eq!(
        m.arm().unwrap_err().text,
        "PreArm: Battery 1 below minimum arming capacity"
    );

    // A small pack: low fires (RTL), then critical (LAND where it is).
    let mut m = FlightModel::new(SimConfig {
        battery_capacity_mah: 700.0,
        ..SimConfig::copter()
    });
    m.step(2.0);
    m.set_mode(copter_mode::GUIDED).unwrap();
    m.arm().unwrap();
    m.takeoff(25.0).unwrap();
    run_until(&mut m, 0.5, 30.0, |_| false);
    m.goto(home.destination(90.0, 150.0), 25.0).unwrap();
    let (ev, _) = run_until(&mut m, 0.5, 600.0, |s| !s.armed);
    let modes: Vec<u32> = ev
        .iter()
        .filter_map(|e| {
            if let SimEvent::ModeChanged(x) = e {
                Some(*x)
            } else {
                None
            }
        })
        .collect();
    assert_eq!(modes, [copter_mode::RTL, copter_mode::LAND]);
    assert!(
        texts(&ev)
            .iter()
            .any(|t| t.starts_with("Battery 1 is critical"))
    );
    assert!(
        m.state().landed && m.state().position.distance_m(home) > 5.0,
        "lands where it is"
    );
}

#[test]
fn pause_resume_set_current_and_skipped_commands() {
    let mut m = copter_at_20m();
    let home = m.state().home;
    let f = LocalFrame::new(home);
    let items = vec![
        MissionItem::nav(cmd::NAV_WAYPOINT, home, 0.0),
        MissionItem::nav(cmd::NAV_TAKEOFF, home, 20.0),
        enu_item(&f, cmd::NAV_WAYPOINT, 0.0, 150.0, 20.0),
        MissionItem::action(31_000, [0.0; 4]),
        enu_item(&f, cmd::NAV_WAYPOINT, 150.0, 150.0, 20.0),
        MissionItem::action(cmd::DO_JUMP, [2.0, 1.0, 0.0, 0.0]),
        MissionItem::nav(cmd::NAV_LOITER_TIME, home, 20.0),
    ];
    m.set_mission(items);
    m.start_mission().unwrap();
    run_until(&mut m, 0.1, 5.0, |_| false);
    m.pause().unwrap();
    run_until(&mut m, 0.1, 8.0, |_| false);
    let p = m.state().position;
    run_until(&mut m, 0.1, 5.0, |_| false);
    assert!(m.state().position.distance_m(p) < 0.1 && m.state().paused);
    assert_eq!(m.state().mission_state, mission_state::PAUSED);
    m.resume().unwrap();
    let (ev, _) = run_until(&mut m, 0.2, 200.0, |s| s.mission_current == 6);
    let t = texts(&ev);
    assert!(
        t.contains(&"Skipping invalid cmd #31000".to_string()),
        "{t:?}"
    );
    assert!(t.contains(&"Mission: 5 Jump 1/1".to_string()));
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
    assert_eq!(reached, [2, 4, 2, 4]);
    m.set_current_item(2).unwrap();
    assert_eq!(
        m.step(0.1)
            .iter()
            .filter(|e| **e == SimEvent::CurrentItem(2))
            .count(),
        1
    );
    assert!(m.set_current_item(7).is_err());
    m.set_mode(copter_mode::LOITER).unwrap();
    assert_eq!(m.state().mission_state, mission_state::PAUSED);
    assert_eq!(m.pause().unwrap_err().result, Refusal::Failed);
    assert_eq!(m.change_speed(5.0).unwrap_err().result, Refusal::Failed);
    assert_eq!(m.goto(home, 10.0).unwrap_err().result, Refusal::Denied);
    // Back in AUTO the mission goes on from item 2 (MIS_RESTART=0); the jump is used up.
    m.set_mode(copter_mode::AUTO).unwrap();
    let (ev, _) = run_until(&mut m, 0.2, 100.0, |s| s.mission_current == 6);
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
    assert_eq!(reached, [2, 4], "{ev:?}");
    let (ev, t) = run_until(&mut m, 0.2, 200.0, |s| {
        s.mission_state == mission_state::COMPLETE
    });
    assert!(ev.contains(&SimEvent::ItemReached(6)));
    assert!(
        t > 0.0 && m.state().armed && !m.state().landed,
        "copter hovers at the end of the mission"
    );
    assert_eq!(m.mission_items()[0].z, m.state().home_alt_amsl_m as f32);
}

#[test]
fn copter_auto_needs_takeoff_and_lands_on_nav_land() {
    let mut m = FlightModel::new(SimConfig::copter());
    let home = m.state().home;
    let f = LocalFrame::new(home);
    m.step(2.0);
    m.set_mode(copter_mode::GUIDED).unwrap();
    m.arm().unwrap();
    assert_eq!(
        m.start_mission().unwrap_err().text,
        "Flight mode change failed AUTO"
    );
    m.set_mission(vec![
        MissionItem::nav(cmd::NAV_WAYPOINT, home, 0.0),
        enu_item(&f, cmd::NAV_WAYPOINT, 0.0, 50.0, 10.0),
    ]);
    assert_eq!(
        m.start_mission().unwrap_err().text,
        "Auto: Missing Takeoff Cmd"
    );
    assert_eq!(
        m.set_mode(copter_mode::AUTO).unwrap_err().text,
        "Auto: Missing Takeoff Cmd"
    );
    let mut land = enu_item(&f, cmd::NAV_LAND, 30.0, 30.0, 0.0);
    land.params = [f32::NAN; 4];
    m.set_mission(vec![
        MissionItem::nav(cmd::NAV_WAYPOINT, home, 0.0),
        MissionItem::nav(cmd::NAV_TAKEOFF, home, 15.0),
        land,
    ]);
    m.start_mission().unwrap();
    let (ev, _) = run_until(&mut m, 0.5, 200.0, |s| !s.armed);
    assert!(ev.contains(&SimEvent::ItemReached(2)) && ev.contains(&SimEvent::Disarmed));
    let p = LocalFrame::new(home).to_enu(m.state().position);
    assert!(
        (p.east_m - 30.0).abs() < 1.0 && (p.north_m - 30.0).abs() < 1.0,
        "{p:?}"
    );
    assert_eq!(m.state().mission_current, 0);
}

#[test]
fn copter_mission_actions_loiters_delays_and_home() {
    let mut m = copter_at_20m();
    let home = m.state().home;
    let f = LocalFrame::new(home);
    let mut turns = enu_item(&f, cmd::NAV_LOITER_TURNS, 0.0, 40.0, 20.0);
    turns.params = [1.0, 0.0, 8.0, 0.0];
    let mut hold = enu_item(&f, cmd::NAV_LOITER_TIME, 20.0, 0.0, 25.0);
    hold.params[0] = 6.0;
    m.set_mission(vec![
        MissionItem::nav(cmd::NAV_WAYPOINT, home, 0.0),
        MissionItem::nav(cmd::NAV_TAKEOFF, home, 20.0),
        turns,
        MissionItem::action(cmd::CONDITION_DELAY, [3.0, 0.0, 0.0, 0.0]),
        MissionItem::action(cmd::DO_DIGICAM_CONTROL, [0.0; 4]),
        MissionItem::action(cmd::DO_SET_HOME, [1.0, 0.0, 0.0, 0.0]),
        hold,
    ]);
    m.start_mission().unwrap();
    let (ev, _) = run_until(&mut m, 0.2, 300.0, |s| {
        s.mission_state == mission_state::COMPLETE
    });
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
    assert_eq!(reached, [1, 2, 6]);
    let t_reached_2 = ev
        .iter()
        .position(|e| *e == SimEvent::ItemReached(2))
        .unwrap_or(0);
    let photo = ev
        .iter()
        .position(|e| matches!(e, SimEvent::CameraTrigger { image_index: 1, .. }));
    assert!(
        photo.is_some_and(|p| p > t_reached_2),
        "photo after the delay"
    );
    assert!(ev.contains(&SimEvent::HomeSet));
    assert!(
        m.state().home.distance_m(home) > 10.0,
        "home moved to where the photo was taken"
    );
    let p = f.to_enu(m.state().position);
    assert!((p.east_m - 20.0).abs() < 1.0 && p.north_m.abs() < 1.0);
    // Item 6 started (with its altitude above the old home) before DO_SET_HOME ran: do-items run
    // while flying to the next navigation item, as in ArduPilot. The new home is in the air.
    assert!((m.state().alt_amsl_m - 584.0 - 25.0).abs() < 0.5);
    assert!(m.state().home_alt_amsl_m > 600.0);
}

pub(super) fn enu_item(f: &LocalFrame, command: u16, e: f64, n: f64, alt: f32) -> MissionItem {
    MissionItem::nav(command, f.to_latlon(crate::geo::Enu::new(e, n)), alt)
}
