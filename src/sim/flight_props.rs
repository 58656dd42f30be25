//! Property tests of [`FlightModel`]: arbitrary (finite or not) mission parameters, command
//! arguments and step sizes never put a non-finite number into the state; speed, climb and
//! tilt limits hold; equal seeds give equal runs.

use super::*;
use crate::geo::LatLon;
use crate::plan::mission_item::{MissionItem, cmd};
use proptest::prelude::*;

fn wild_f32() -> impl Strategy<Value = f32> {
    prop_oneof![
        4 => -500.0f32..500.0,
        1 => any::<f32>(),
        1 => Just(f32::NAN),
        1 => Just(f32::INFINITY),
        1 => Just(f32::NEG_INFINITY),
        1 => Just(0.0f32),
    ]
}

fn wild_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => -500.0f64..500.0,
        1 => any::<f64>(),
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(-1e300),
    ]
}

const COMMANDS: [u16; 16] = [
    cmd::NAV_WAYPOINT,
    cmd::NAV_WAYPOINT,
    cmd::NAV_WAYPOINT,
    cmd::NAV_LOITER_UNLIM,
    cmd::NAV_LOITER_TURNS,
    cmd::NAV_LOITER_TIME,
    cmd::NAV_RETURN_TO_LAUNCH,
    cmd::NAV_LAND,
    cmd::NAV_TAKEOFF,
    cmd::NAV_SPLINE_WAYPOINT,
    cmd::CONDITION_DELAY,
    cmd::DO_JUMP,
    cmd::DO_CHANGE_SPEED,
    cmd::DO_SET_HOME,
    cmd::DO_SET_CAM_TRIGG_DIST,
    cmd::DO_DIGICAM_CONTROL,
];

fn item(home: LatLon) -> impl Strategy<Value = MissionItem> {
    let (hx, hy) = home.to_e7();
    (
        prop_oneof![4 => proptest::sample::select(&COMMANDS[..]), 1 => any::<u16>()],
        0u8..12,
        proptest::array::uniform4(wild_f32()),
        prop_oneof![4 => -30_000i32..30_000, 1 => any::<i32>(), 1 => Just(0)],
        prop_oneof![4 => -30_000i32..30_000, 1 => any::<i32>(), 1 => Just(0)],
        wild_f32(),
    )
        .prop_map(move |(command, frame, params, dx, dy, z)| MissionItem {
            frame,
            command,
            current: false,
            autocontinue: true,
            params,
            x: hx.saturating_add(dx),
            y: hy.saturating_add(dy),
            z,
        })
}

/// A command given between steps.
#[derive(Debug, Clone)]
enum Op {
    Step(f64),
    Goto(f64, f64, f64),
    Speed(u8, f64),
    Mode(u32),
    Current(u16),
    Pause,
    Resume,
    Takeoff(f64),
    Home(f64, f64, f64),
    Arm,
    Start,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        12 => prop_oneof![4 => 0.0f64..1.0, 1 => wild_f64()].prop_map(Op::Step),
        1 => (wild_f64(), wild_f64(), wild_f64()).prop_map(|(a, b, c)| Op::Goto(a * 1e-5, b * 1e-5, c)),
        1 => (0u8..5, wild_f64()).prop_map(|(k, s)| Op::Speed(k, s)),
        1 => (0u32..30).prop_map(Op::Mode),
        1 => (0u16..30).prop_map(Op::Current),
        1 => Just(Op::Pause),
        1 => Just(Op::Resume),
        1 => wild_f64().prop_map(Op::Takeoff),
        1 => (wild_f64(), wild_f64(), wild_f64()).prop_map(|(a, b, c)| Op::Home(a * 1e-4, b * 1e-4, c)),
        1 => Just(Op::Arm),
        1 => Just(Op::Start),
    ]
}

fn apply(m: &mut FlightModel, op: &Op) -> Vec<SimEvent> {
    let home = m.config().home;
    let r = match *op {
        Op::Step(dt) => return m.step(dt),
        Op::Goto(dlat, dlon, alt) => {
            m.goto(LatLon::new(home.lat_deg + dlat, home.lon_deg + dlon), alt)
        }
        Op::Speed(k, s) => m.change_speed_kind(k, s),
        Op::Mode(x) => m.set_mode(x),
        Op::Current(s) => m.set_current_item(s),
        Op::Pause => m.pause(),
        Op::Resume => m.resume(),
        Op::Takeoff(a) => m.takeoff(a),
        Op::Home(dlat, dlon, alt) => {
            m.try_set_home(LatLon::new(home.lat_deg + dlat, home.lon_deg + dlon), alt)
        }
        Op::Arm => m.arm(),
        Op::Start => m.start_mission(),
    };
    // Refusals are fine; they must carry a reason.
    if let Err(e) = r {
        assert!(!e.text.is_empty());
    }
    Vec::new()
}

fn assert_finite(s: &SimState) {
    let nums = [
        s.time_s,
        s.position.lat_deg,
        s.position.lon_deg,
        s.alt_amsl_m,
        s.alt_rel_m,
        s.vel_north_mps,
        s.vel_east_mps,
        s.vel_down_mps,
        s.groundspeed_mps,
        s.airspeed_mps,
        s.heading_deg,
        s.climb_mps,
        s.throttle_pct,
        s.roll_rad,
        s.pitch_rad,
        s.yaw_rad,
        s.rollspeed_rps,
        s.pitchspeed_rps,
        s.yawspeed_rps,
        s.battery_voltage_v,
        s.battery_current_a,
        s.battery_remaining_pct,
        s.battery_consumed_mah,
        s.gps_hdop,
        s.gps_position.lat_deg,
        s.gps_position.lon_deg,
        s.gps_alt_amsl_m,
        s.home.lat_deg,
        s.home.lon_deg,
        s.home_alt_amsl_m,
        s.cruise_speed_mps,
        s.wp_distance_m,
        s.target_bearing_deg,
        s.camera_trigger_distance_m,
        s.wind_speed_mps,
        s.wind_from_deg,
    ];
    for (i, v) in nums.iter().enumerate() {
        assert!(v.is_finite(), "field {i} is {v}: {s:?}");
    }
    assert!(s.position.is_valid() && (0.0..360.0).contains(&s.heading_deg));
    assert!(
        (0.0..=100.0).contains(&s.battery_remaining_pct) && (0.0..=100.0).contains(&s.throttle_pct)
    );
}

fn flying_model(plane: bool, seed: u64, wind: f64, items: Vec<MissionItem>) -> FlightModel {
    let base = if plane {
        SimConfig::plane()
    } else {
        SimConfig::copter()
    };
    let mut m = FlightModel::new(SimConfig {
        seed,
        wind_speed_mps: wind,
        wind_from_deg: seed as f64,
        ..base
    });
    let home = m.state().home;
    let mut all = vec![
        MissionItem::nav(cmd::NAV_WAYPOINT, home, 0.0),
        MissionItem::nav(cmd::NAV_TAKEOFF, home, 30.0),
    ];
    all.extend(items);
    m.set_mission(all);
    m.step(2.0);
    m.set_mode(if plane {
        plane_mode::FBWA
    } else {
        copter_mode::GUIDED
    })
    .unwrap();
    m.arm().unwrap();
    m.start_mission().unwrap();
    m
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn state_stays_finite_under_arbitrary_inputs(
        plane in any::<bool>(),
        seed in any::<u64>(),
        wind in prop_oneof![0.0f64..15.0, Just(f64::NAN), Just(1e9)],
        items in proptest::collection::vec(item(crate::sim::config::DEFAULT_HOME), 0..12),
        ops in proptest::collection::vec(op(), 1..120),
    ) {
        let mut m = flying_model(plane, seed, wind, items.clone());
        for o in &ops {
            apply(&mut m, o);
            assert_finite(m.state());
        }
        // Replace the mission mid-flight with the same wild items.
        m.set_mission(items);
        for _ in 0..20 {
            m.step(0.7);
            assert_finite(m.state());
        }
    }

    #[test]
    fn speed_climb_and_tilt_limits_hold(
        plane in any::<bool>(),
        seed in any::<u64>(),
        wind in 0.0f64..8.0,
        items in proptest::collection::vec(item(crate::sim::config::DEFAULT_HOME), 1..10),
        dts in proptest::collection::vec(0.0f64..1.0, 50..300),
    ) {
        // Speed changes are the one thing allowed to raise the limits: leave them out.
        let items: Vec<_> = items.into_iter().filter(|i| i.command != cmd::DO_CHANGE_SPEED).collect();
        let mut m = flying_model(plane, seed, wind, items);
        let c = m.config().copter;
        let p = m.config().plane;
        for dt in dts {
            m.step(dt);
            let s = m.state();
            if !s.armed {
                break;
            }
            let tilt = s.roll_rad.abs().max(s.pitch_rad.abs()).to_degrees();
            if plane {
                prop_assert!(s.climb_mps <= p.climb_max_mps + 1e-9 && s.climb_mps >= -p.sink_max_mps - 1e-9, "{}", s.climb_mps);
                prop_assert!(s.airspeed_mps <= p.max_airspeed_mps + 1e-9);
                prop_assert!(s.roll_rad.abs().to_degrees() <= p.max_bank_deg + 1e-9);
            } else {
                prop_assert!(s.climb_mps <= c.climb_mps + 1e-9 && s.climb_mps >= -c.descent_mps - 1e-9, "{}", s.climb_mps);
                prop_assert!(s.groundspeed_mps <= c.wp_speed_mps + 1e-6, "{}", s.groundspeed_mps);
                prop_assert!(tilt <= c.max_tilt_deg + 1e-9, "{tilt}");
            }
        }
    }

    #[test]
    fn equal_seeds_give_equal_runs(
        plane in any::<bool>(),
        seed in any::<u64>(),
        items in proptest::collection::vec(item(crate::sim::config::DEFAULT_HOME), 0..8),
        ops in proptest::collection::vec(op(), 1..60),
    ) {
        let mut a = flying_model(plane, seed, 5.0, items.clone());
        let mut b = flying_model(plane, seed, 5.0, items);
        for o in &ops {
            let ea = apply(&mut a, o);
            let eb = apply(&mut b, o);
            prop_assert_eq!(ea, eb);
            prop_assert_eq!(a.state(), b.state());
        }
    }
}

#[test]
fn different_seeds_give_different_noise() {
    let mut a = FlightModel::new(SimConfig {
        seed: 1,
        ..SimConfig::copter()
    });
    let mut b = FlightModel::new(SimConfig {
        seed: 2,
        ..SimConfig::copter()
    });
    a.step(5.0);
    b.step(5.0);
    assert_ne!(a.state().gps_position, b.state().gps_position);
    assert_eq!(a.state().position, b.state().position);
}
