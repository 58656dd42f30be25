//! Unit tests of [`VehicleState`]: one per message type, sentinels, staleness, events.

use super::*;
use crate::protocol::dialect::{
    ATTITUDE_DATA, BATTERY_STATUS_DATA, CAMERA_FEEDBACK_DATA, EKF_STATUS_REPORT_DATA,
    EkfStatusFlags, GLOBAL_POSITION_INT_DATA, GPS_RAW_INT_DATA, GpsFixType, HOME_POSITION_DATA,
    MISSION_CURRENT_DATA, MISSION_ITEM_REACHED_DATA, MavSeverity, MavSysStatusSensor,
    STATUSTEXT_DATA, SYS_STATUS_DATA, VFR_HUD_DATA,
};
use crate::vehicle::{
    CHUNK_TIMEOUT_US, EKF_ATTITUDE, EKF_GPS_GLITCHING, EKF_POS_HORIZ_ABS, PositionSource,
};

const T0: u64 = 1_700_000_000_000_000;
const S: u64 = 1_000_000;

fn hb(custom_mode: u32, base_mode: u8, system_status: u8) -> Heartbeat {
    Heartbeat {
        custom_mode,
        mav_type: 2,
        autopilot: 3,
        base_mode,
        system_status,
        mavlink_version: 3,
    }
}

fn copter() -> VehicleState {
    VehicleState::new(VehicleId::new(1, 1), &hb(0, 1, 3), T0)
}

fn beat(v: &mut VehicleState, h: Heartbeat, t_us: u64) -> Vec<FleetEvent> {
    let mut out = Vec::new();
    v.apply_heartbeat(&h, t_us, &mut out);
    out
}

#[test]
fn new_from_heartbeat() {
    let v = copter();
    assert_eq!(
        (v.autopilot, v.class, v.mav_type),
        (Autopilot::ArduPilot, VehicleClass::Copter, 2)
    );
    assert_eq!(v.mode_name, "STABILIZE");
    assert!(!v.armed && !v.mavlink2 && !v.is_lost());
    assert_eq!(
        (v.first_seen_us, v.last_heard_us, v.last_heartbeat_us),
        (T0, T0, T0)
    );
    assert!(!v.is_stale(FieldGroup::Heartbeat, T0 + S));
    assert!(v.is_stale(FieldGroup::Position, T0), "never received");
}

#[test]
fn heartbeat_events_mode_arm_status() {
    let mut v = copter();
    assert!(beat(&mut v, hb(0, 1, 3), T0 + S).is_empty());
    let ev = beat(&mut v, hb(5, 1 | 128, 4), T0 + 2 * S);
    assert_eq!(
        ev,
        [
            FleetEvent::ModeChanged {
                id: v.id,
                t_us: T0 + 2 * S,
                from: "STABILIZE".into(),
                to: "LOITER".into()
            },
            FleetEvent::Armed {
                id: v.id,
                t_us: T0 + 2 * S
            },
            FleetEvent::SystemStatusChanged {
                id: v.id,
                t_us: T0 + 2 * S,
                from: 3,
                to: 4
            },
        ]
    );
    assert_eq!(v.armed_since_us(), Some(T0 + 2 * S));
    assert_eq!(v.armed_time_us(T0 + 5 * S), 3 * S);
    let ev = beat(&mut v, hb(5, 1, 3), T0 + 12 * S);
    assert!(ev.contains(&FleetEvent::Disarmed {
        id: v.id,
        t_us: T0 + 12 * S
    }));
    assert_eq!(v.armed_since_us(), None);
    assert_eq!(v.armed_time_us(T0 + 100 * S), 10 * S);
    beat(&mut v, hb(5, 129, 4), T0 + 20 * S);
    assert_eq!(
        v.armed_time_us(T0 + 21 * S),
        11 * S,
        "time armed adds up over flights"
    );
}

#[test]
fn armed_at_first_contact_counts_flight_time() {
    let v = VehicleState::new(VehicleId::new(2, 1), &hb(10, 129, 4), T0);
    assert!(v.armed);
    assert_eq!(v.armed_time_us(T0 + 7 * S), 7 * S);
}

#[test]
fn global_position_and_hud() {
    let mut v = copter();
    let ev = v.apply(
        &MavMessage::GLOBAL_POSITION_INT(GLOBAL_POSITION_INT_DATA {
            lat: -158_400_838,
            lon: -479_266_108,
            alt: 1_080_780,
            relative_alt: 30_000,
            vx: 0,
            vy: 200,
            vz: 0,
            hdg: 9_000,
            ..Default::default()
        }),
        T0 + S,
    );
    assert!(ev.is_empty());
    assert_eq!(v.position.alt_rel_m, Some(30.0));
    assert_eq!(v.motion.ground_speed_mps, Some(2.0));
    assert_eq!(v.motion.heading_deg, Some(90.0));
    assert_eq!(v.last_heard_us, T0 + S);
    assert!(!v.is_stale(FieldGroup::Position, T0 + 4 * S));
    assert!(v.is_stale(FieldGroup::Position, T0 + 4 * S + 1));
    v.apply(
        &MavMessage::VFR_HUD(VFR_HUD_DATA {
            airspeed: 11.5,
            groundspeed: 10.0,
            alt: 0.0,
            climb: -0.5,
            heading: 181,
            throttle: 45,
        }),
        T0 + 2 * S,
    );
    assert_eq!(v.motion.air_speed_mps, Some(11.5));
    assert_eq!(v.motion.throttle_pct, Some(45.0));
    assert_eq!(v.motion.heading_deg, Some(181.0));
    assert_eq!(v.motion.climb_mps, Some(-0.5));
    assert_eq!(v.age_us(FieldGroup::Hud, T0 + 3 * S), Some(S));
}

#[test]
fn attitude_in_degrees() {
    let mut v = copter();
    v.apply(
        &MavMessage::ATTITUDE(ATTITUDE_DATA {
            roll: std::f32::consts::FRAC_PI_6,
            pitch: -0.1,
            yaw: -std::f32::consts::FRAC_PI_2,
            rollspeed: 1.0,
            ..Default::default()
        }),
        T0,
    );
    let a = v.attitude.expect("attitude");
    assert!((a.roll_deg - 30.0).abs() < 1e-4);
    assert!((a.yaw_deg - 270.0).abs() < 1e-4, "yaw wrapped to [0, 360)");
    assert!((a.roll_rate_dps - 57.295_78).abs() < 1e-3);
    assert!(!v.is_stale(FieldGroup::Attitude, T0 + 1_500_000));
    assert!(v.is_stale(FieldGroup::Attitude, T0 + 1_500_001));
}

#[test]
fn gps_fix_events_and_fallback_position() {
    let mut v = copter();
    let no_gps = GPS_RAW_INT_DATA {
        fix_type: GpsFixType::GPS_FIX_TYPE_NO_GPS,
        eph: u16::MAX,
        epv: u16::MAX,
        satellites_visible: 0,
        ..Default::default()
    };
    let ev = v.apply(&MavMessage::GPS_RAW_INT(no_gps.clone()), T0);
    assert_eq!(
        ev,
        [FleetEvent::GpsFixChanged {
            id: v.id,
            t_us: T0,
            from: None,
            to: 0
        }]
    );
    assert!(v.apply(&MavMessage::GPS_RAW_INT(no_gps), T0 + 1).is_empty());
    assert_eq!(v.position.lat_lon, None);
    let fix = GPS_RAW_INT_DATA {
        fix_type: GpsFixType::GPS_FIX_TYPE_RTK_FIXED,
        lat: 425_199_999,
        lon: 722_400_000,
        alt: 1_100_090,
        eph: 121,
        epv: 200,
        satellites_visible: 10,
        ..Default::default()
    };
    let ev = v.apply(&MavMessage::GPS_RAW_INT(fix), T0 + 2);
    assert_eq!(
        ev,
        [FleetEvent::GpsFixChanged {
            id: v.id,
            t_us: T0 + 2,
            from: Some(0),
            to: 6
        }]
    );
    let g = v.gps.expect("gps");
    assert_eq!(
        (g.satellites, g.hdop, g.vdop),
        (Some(10), Some(1.21), Some(2.0))
    );
    assert_eq!(v.position.source, PositionSource::GpsRaw);
    assert_eq!(v.position.alt_amsl_m, Some(1100.09));
}

#[test]
fn sys_status_sensors_and_battery() {
    let mut v = copter();
    let gps = MavSysStatusSensor::MAV_SYS_STATUS_SENSOR_GPS;
    let gyro = MavSysStatusSensor::MAV_SYS_STATUS_SENSOR_3D_GYRO;
    v.apply(
        &MavMessage::SYS_STATUS(SYS_STATUS_DATA {
            onboard_control_sensors_present: gps | gyro,
            onboard_control_sensors_enabled: gps | gyro,
            onboard_control_sensors_health: gyro,
            voltage_battery: 16_233,
            current_battery: 42,
            battery_remaining: -1,
            load: 198,
            ..Default::default()
        }),
        T0,
    );
    assert_eq!(v.unhealthy_sensors(), ["GPS"]);
    assert_eq!(v.battery.voltage_v, Some(16.233));
    assert_eq!(v.battery.current_a, Some(0.42));
    assert_eq!(
        v.battery.remaining_pct, None,
        "ArduSub sample: remaining -1"
    );
    assert_eq!(v.sensors.map(|s| s.load_pct), Some(19.8));
    assert!(!v.is_stale(FieldGroup::Battery, T0 + 5 * S));
    assert!(v.is_stale(FieldGroup::Battery, T0 + 5 * S + 1));
    assert!(!v.is_stale(FieldGroup::SysStatus, T0));
}

#[test]
fn battery_status_id0_only() {
    let mut v = copter();
    let mut voltages = [u16::MAX; 10];
    voltages[0] = 16_607;
    let d = BATTERY_STATUS_DATA {
        voltages,
        current_battery: 1,
        current_consumed: 250,
        battery_remaining: 99,
        temperature: 2_500,
        ..Default::default()
    };
    v.apply(&MavMessage::BATTERY_STATUS(d.clone()), T0);
    assert_eq!(v.battery.voltage_v, Some(16.607));
    assert_eq!(v.battery.consumed_mah, Some(250.0));
    assert_eq!(v.battery.temperature_c, Some(25.0));
    v.apply(
        &MavMessage::BATTERY_STATUS(BATTERY_STATUS_DATA { id: 1, ..d }),
        T0 + 1,
    );
    assert_eq!(v.battery.voltage_v, Some(16.607));
}

#[test]
fn home_events_are_debounced() {
    let mut v = copter();
    let home = |lat: i32, alt: i32| {
        MavMessage::HOME_POSITION(HOME_POSITION_DATA {
            latitude: lat,
            longitude: 1_491_653_043,
            altitude: alt,
            ..Default::default()
        })
    };
    let ev = v.apply(&home(-353_624_263, 594_030), T0);
    assert!(
        matches!(ev.as_slice(), [FleetEvent::HomeSet { alt_amsl_m, .. }] if (*alt_amsl_m - 594.03).abs() < 1e-9)
    );
    // ArduPlane 3.6 jitter while disarmed: a few decimetres, no new event.
    assert!(v.apply(&home(-353_624_268, 594_070), T0 + 1).is_empty());
    assert_eq!(
        v.home.map(|h| h.alt_amsl_m),
        Some(594.07),
        "state keeps the latest"
    );
    // Moved ~11 m while disarmed: home follows the vehicle, no event.
    assert!(v.apply(&home(-353_625_263, 594_070), T0 + 2).is_empty());
    // Arming locks the home where it is now: announced with the arming.
    let ev = beat(&mut v, hb(0, 129, 4), T0 + 2);
    assert!(
        matches!(
            ev.as_slice(),
            [FleetEvent::Armed { .. }, FleetEvent::HomeSet { .. }, ..]
        ),
        "{ev:?}"
    );
    assert!(v.apply(&home(-353_625_263, 594_070), T0 + 2).is_empty());
    // Armed: a move is a real change (DO_SET_HOME).
    assert_eq!(v.apply(&home(-353_626_263, 594_070), T0 + 2).len(), 1);
    assert!(v.apply(&home(-353_626_264, 594_071), T0 + 2).is_empty());
    let zero = MavMessage::HOME_POSITION(HOME_POSITION_DATA::default());
    assert!(v.apply(&zero, T0 + 3).is_empty(), "0,0 placeholder ignored");
    assert!(v.home.is_some());
    assert!(!v.is_stale(FieldGroup::Home, u64::MAX));
    v.apply(
        &MavMessage::GLOBAL_POSITION_INT(GLOBAL_POSITION_INT_DATA {
            lat: -353_626_264,
            lon: 1_491_663_043,
            ..Default::default()
        }),
        T0 + 4,
    );
    let d = v.distance_to_home_m().expect("both known");
    assert!((d - 90.8).abs() < 1.0, "{d}");
}

#[test]
fn ekf_and_mission() {
    let mut v = copter();
    v.apply(
        &MavMessage::EKF_STATUS_REPORT(EKF_STATUS_REPORT_DATA {
            flags: EkfStatusFlags::from_bits_retain(0x1FF),
            compass_variance: 0.25,
            ..Default::default()
        }),
        T0,
    );
    let e = v.ekf.expect("ekf");
    assert!(e.has(EKF_ATTITUDE | EKF_POS_HORIZ_ABS) && !e.has(EKF_GPS_GLITCHING));
    assert_eq!(e.max_variance(), 0.25);
    let cur = |seq: u16| {
        MavMessage::MISSION_CURRENT(MISSION_CURRENT_DATA {
            seq,
            ..Default::default()
        })
    };
    assert_eq!(
        v.apply(&cur(0), T0),
        [FleetEvent::MissionCurrent {
            id: v.id,
            t_us: T0,
            seq: 0
        }]
    );
    assert!(
        v.apply(&cur(0), T0 + 1).is_empty(),
        "only changes are events"
    );
    assert_eq!(v.apply(&cur(3), T0 + 2).len(), 1);
    assert!(
        v.apply(&cur(u16::MAX), T0 + 3).is_empty(),
        "65535 = no current item"
    );
    assert_eq!(v.mission.current_seq, None);
    let ev = v.apply(
        &MavMessage::MISSION_ITEM_REACHED(MISSION_ITEM_REACHED_DATA { seq: 3 }),
        T0 + 4,
    );
    assert_eq!(
        ev,
        [FleetEvent::MissionItemReached {
            id: v.id,
            t_us: T0 + 4,
            seq: 3
        }]
    );
    assert_eq!(
        (v.mission.last_reached_seq, v.mission.reached_count),
        (Some(3), 1)
    );
}

#[test]
fn statustext_chunks_become_one_event() {
    let mut v = copter();
    let chunk = |text: &str, id: u16, chunk_seq: u8| {
        MavMessage::STATUSTEXT(STATUSTEXT_DATA {
            severity: MavSeverity::MAV_SEVERITY_INFO,
            text: text.into(),
            id,
            chunk_seq,
        })
    };
    assert!(
        v.apply(
            &chunk("ArduCopter V4.1.0   Ascent AeroSystems 3.0.2 (6a83", 4, 0),
            T0
        )
        .is_empty()
    );
    let ev = v.apply(&chunk("900c)", 4, 1), T0 + 1);
    assert_eq!(
        ev,
        [FleetEvent::StatusText {
            id: v.id,
            t_us: T0,
            severity: 6,
            text: "ArduCopter V4.1.0   Ascent AeroSystems 3.0.2 (6a83900c)".into()
        }]
    );
    assert!(v.apply(&chunk(&"y".repeat(50), 5, 0), T0 + 2).is_empty());
    assert!(v.check_timeouts(T0 + 2 + CHUNK_TIMEOUT_US).is_empty());
    let ev = v.check_timeouts(T0 + 3 + CHUNK_TIMEOUT_US);
    assert!(matches!(ev.as_slice(), [FleetEvent::StatusText { text, .. }] if text.ends_with('…')));
    assert_eq!(v.status_log.len(), 2);
}

#[test]
fn camera_feedback_event() {
    let mut v = copter();
    let ev = v.apply(
        &MavMessage::CAMERA_FEEDBACK(CAMERA_FEEDBACK_DATA {
            img_idx: 7,
            lat: 425_203_904,
            lng: 722_404_829,
            alt_rel: 70.0,
            ..Default::default()
        }),
        T0,
    );
    assert!(
        matches!(ev.as_slice(), [FleetEvent::CameraTrigger { event, .. }] if event.image_index == Some(7) && event.compid == 1)
    );
    assert_eq!(v.camera.total(), 1);
}

#[test]
fn is_flying_rules() {
    let mut v = copter();
    assert!(!v.is_flying());
    beat(&mut v, hb(0, 129, 3), T0);
    assert!(!v.is_flying(), "armed on the ground");
    v.apply(
        &MavMessage::GLOBAL_POSITION_INT(GLOBAL_POSITION_INT_DATA {
            relative_alt: 5_000,
            ..Default::default()
        }),
        T0,
    );
    assert!(v.is_flying(), "armed and 5 m up");
    let mut w = copter();
    beat(&mut w, hb(0, 129, 4), T0);
    assert!(w.is_flying(), "ArduPilot ACTIVE");
    beat(&mut w, hb(0, 1, 4), T0);
    assert!(!w.is_flying(), "disarmed");
}

#[test]
fn px4_mode_names() {
    let px4 = Heartbeat {
        custom_mode: 50_593_792,
        mav_type: 13,
        autopilot: 12,
        base_mode: 29,
        system_status: 3,
        mavlink_version: 3,
    };
    let mut v = VehicleState::new(VehicleId::new(1, 1), &px4, T0);
    assert_eq!(
        (v.autopilot, v.class, v.mode_name.as_str()),
        (Autopilot::Px4, VehicleClass::Copter, "Hold")
    );
    let ev = beat(
        &mut v,
        Heartbeat {
            custom_mode: 196_608,
            ..px4
        },
        T0 + 1,
    );
    assert!(
        ev.iter()
            .any(|e| matches!(e, FleetEvent::ModeChanged { to, .. } if to == "Position"))
    );
}
