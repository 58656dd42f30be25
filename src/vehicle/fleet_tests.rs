//! Unit tests of [`Fleet`]: vehicle creation, routing, raw heartbeat fallback, timeouts.

use super::*;
use crate::protocol::dialect::{
    CAMERA_IMAGE_CAPTURED_DATA, GLOBAL_POSITION_INT_DATA, HEARTBEAT_DATA, MavAutopilot, MavBool,
    MavModeFlag, MavState, MavType, SYS_STATUS_DATA,
};
use crate::protocol::frame::{Frame, Sender};
use crate::vehicle::{Autopilot, CameraSource, VehicleClass};
use proptest::prelude::*;

const T0: u64 = 1_700_000_000_000_000;
const S: u64 = 1_000_000;

fn heartbeat(
    mavtype: MavType,
    autopilot: MavAutopilot,
    custom_mode: u32,
    armed: bool,
) -> MavMessage {
    let mut base = MavModeFlag::MAV_MODE_FLAG_CUSTOM_MODE_ENABLED;
    if armed {
        base |= MavModeFlag::MAV_MODE_FLAG_SAFETY_ARMED;
    }
    MavMessage::HEARTBEAT(HEARTBEAT_DATA {
        custom_mode,
        mavtype,
        autopilot,
        base_mode: base,
        system_status: MavState::MAV_STATE_STANDBY,
        mavlink_version: 3,
    })
}

fn copter_hb() -> MavMessage {
    heartbeat(
        MavType::MAV_TYPE_QUADROTOR,
        MavAutopilot::MAV_AUTOPILOT_ARDUPILOTMEGA,
        5,
        false,
    )
}

fn frame(sysid: u8, compid: u8, msg: &MavMessage, version: Version) -> Frame {
    Sender::new(sysid, compid).encode(msg, version)
}

fn feed(fleet: &mut Fleet, f: &Frame, t_us: u64) -> Vec<FleetEvent> {
    fleet.apply_raw(f.header(), f.payload(), t_us)
}

fn position(lat: i32) -> MavMessage {
    MavMessage::GLOBAL_POSITION_INT(GLOBAL_POSITION_INT_DATA {
        lat,
        lon: 1,
        ..Default::default()
    })
}

#[test]
fn vehicle_created_by_autopilot_heartbeat_only() {
    let mut fleet = Fleet::new();
    // Telemetry before any heartbeat creates nothing.
    assert!(feed(&mut fleet, &frame(1, 1, &position(5), Version::V2), T0).is_empty());
    assert!(fleet.is_empty());
    let ev = feed(&mut fleet, &frame(1, 1, &copter_hb(), Version::V2), T0 + 1);
    assert_eq!(
        ev,
        [FleetEvent::VehicleAppeared {
            id: VehicleId::new(1, 1),
            t_us: T0 + 1,
            autopilot: Autopilot::ArduPilot,
            class: VehicleClass::Copter,
            mode: "LOITER".into(),
            armed: false,
        }]
    );
    let v = fleet.get(VehicleId::new(1, 1)).expect("created");
    assert!(v.mavlink2);
    assert_eq!(v.first_seen_us, T0 + 1);
    assert!(feed(&mut fleet, &frame(1, 1, &copter_hb(), Version::V2), T0 + 2).is_empty());
    assert_eq!(fleet.len(), 1);
}

#[test]
fn gcs_and_peripherals_never_become_vehicles() {
    let mut fleet = Fleet::new();
    let cases = [
        // QGC / Mission Planner.
        (
            255,
            190,
            heartbeat(
                MavType::MAV_TYPE_GCS,
                MavAutopilot::MAV_AUTOPILOT_INVALID,
                0,
                false,
            ),
        ),
        // MAVProxy.
        (
            255,
            0,
            heartbeat(
                MavType::MAV_TYPE_GCS,
                MavAutopilot::MAV_AUTOPILOT_INVALID,
                0,
                false,
            ),
        ),
        // A 2012 GCS claiming to be ArduPilot (arduplane_2012_mav1_tiny.tlog).
        (
            255,
            190,
            heartbeat(
                MavType::MAV_TYPE_GCS,
                MavAutopilot::MAV_AUTOPILOT_ARDUPILOTMEGA,
                0,
                false,
            ),
        ),
        // Companion computer and camera (ardusub411 tlog: 1/194, 1/100).
        (
            1,
            194,
            heartbeat(
                MavType::MAV_TYPE_ONBOARD_CONTROLLER,
                MavAutopilot::MAV_AUTOPILOT_INVALID,
                0,
                false,
            ),
        ),
        (
            1,
            100,
            heartbeat(
                MavType::MAV_TYPE_CAMERA,
                MavAutopilot::MAV_AUTOPILOT_INVALID,
                0,
                false,
            ),
        ),
        // Herelink 42/100: generic type with autopilot INVALID.
        (
            42,
            100,
            heartbeat(
                MavType::MAV_TYPE_GENERIC,
                MavAutopilot::MAV_AUTOPILOT_INVALID,
                0,
                false,
            ),
        ),
    ];
    for (sysid, compid, msg) in cases {
        assert!(feed(&mut fleet, &frame(sysid, compid, &msg, Version::V1), T0).is_empty());
    }
    assert!(fleet.is_empty());
    assert_eq!(fleet.undecodable(), 0);
}

#[test]
fn messages_go_to_their_vehicle_only() {
    let mut fleet = Fleet::new();
    feed(&mut fleet, &frame(1, 1, &copter_hb(), Version::V1), T0);
    feed(&mut fleet, &frame(2, 1, &copter_hb(), Version::V1), T0);
    feed(
        &mut fleet,
        &frame(2, 1, &position(20_000_000), Version::V1),
        T0 + 1,
    );
    feed(
        &mut fleet,
        &frame(2, 190, &position(30_000_000), Version::V2),
        T0 + 2,
    );
    let one = fleet.get(VehicleId::new(1, 1)).expect("1/1");
    let two = fleet.get(VehicleId::new(2, 1)).expect("2/1");
    assert_eq!(one.position.lat_lon, None);
    assert_eq!(
        two.position.lat_lon.map(|p| p.lat_deg),
        Some(2.0),
        "2/190 ignored"
    );
    assert!(!two.mavlink2, "V2 frame came from another component");
    assert_eq!(two.last_heard_us, T0 + 1);
    let ids: Vec<_> = fleet.ids().collect();
    assert_eq!(ids, [VehicleId::new(1, 1), VehicleId::new(2, 1)]);
    assert_eq!(fleet.iter().map(|v| v.id.sysid).collect::<Vec<_>>(), [1, 2]);
}

#[test]
fn camera_messages_from_compid_100_go_to_the_autopilot() {
    let mut fleet = Fleet::new();
    feed(&mut fleet, &frame(1, 1, &copter_hb(), Version::V2), T0);
    let captured = MavMessage::CAMERA_IMAGE_CAPTURED(CAMERA_IMAGE_CAPTURED_DATA {
        lat: 425_200_000,
        lon: 722_400_000,
        alt: 1_170_000,
        relative_alt: 70_000,
        q: [1.0, 0.0, 0.0, 0.0],
        image_index: 0,
        capture_result: MavBool::MAV_BOOL_TRUE,
        ..Default::default()
    });
    let ev = feed(&mut fleet, &frame(1, 100, &captured, Version::V2), T0 + S);
    let [FleetEvent::CameraTrigger { id, event }] = ev.as_slice() else {
        panic!("one camera event expected, got {ev:?}");
    };
    assert_eq!(*id, VehicleId::new(1, 1));
    assert_eq!(
        (event.compid, event.source, event.image_index),
        (100, CameraSource::ImageCaptured, Some(0))
    );
    assert_eq!(event.alt_rel_m, Some(70.0));
    let v = fleet.get(VehicleId::new(1, 1)).expect("vehicle");
    assert_eq!(v.camera.total(), 1);
    assert_eq!(
        v.last_heard_us, T0,
        "a camera message does not prove the autopilot alive"
    );
    // Other messages from the camera component are not routed; cameras of unknown systems
    // are ignored.
    feed(
        &mut fleet,
        &frame(1, 100, &position(5), Version::V2),
        T0 + 2 * S,
    );
    assert_eq!(
        fleet
            .get(VehicleId::new(1, 1))
            .and_then(|v| v.position.lat_lon),
        None
    );
    assert!(feed(&mut fleet, &frame(7, 100, &captured, Version::V2), T0).is_empty());
}

#[test]
fn camera_routing_prefers_compid_1() {
    let mut fleet = Fleet::new();
    feed(&mut fleet, &frame(1, 241, &copter_hb(), Version::V2), T0);
    let trig = MavMessage::CAMERA_TRIGGER(crate::protocol::dialect::CAMERA_TRIGGER_DATA {
        time_usec: 1,
        seq: 3,
    });
    let ev = feed(&mut fleet, &frame(1, 100, &trig, Version::V2), T0);
    assert_eq!(
        ev.first().map(FleetEvent::id),
        Some(VehicleId::new(1, 241)),
        "only autopilot"
    );
    feed(&mut fleet, &frame(1, 1, &copter_hb(), Version::V2), T0);
    let ev = feed(&mut fleet, &frame(1, 100, &trig, Version::V2), T0);
    assert_eq!(ev.first().map(FleetEvent::id), Some(VehicleId::new(1, 1)));
    assert_eq!(fleet.autopilots_of(1).count(), 2);
    assert_eq!(fleet.autopilots_of(2).count(), 0);
}

/// A HEARTBEAT payload with MAV_TYPE 99 (unknown to the crate), built byte by byte.
fn unknown_type_heartbeat(custom_mode: u32, base_mode: u8, version: Version) -> Frame {
    let hb = Heartbeat {
        custom_mode,
        mav_type: 99,
        autopilot: 3,
        base_mode,
        system_status: 4,
        mavlink_version: 3,
    };
    Sender::new(5, 1)
        .encode_raw(HEARTBEAT_MSGID, &hb.to_payload(), version)
        .expect("9 bytes fit")
}

#[test]
fn heartbeat_raw_fallback_for_unknown_mav_type() {
    for version in [Version::V1, Version::V2] {
        let f = unknown_type_heartbeat(10, 1 | 128, version);
        assert!(f.decode().is_err(), "the typed decoder rejects MAV_TYPE 99");
        let mut fleet = Fleet::new();
        let ev = feed(&mut fleet, &f, T0);
        assert!(
            matches!(
                ev.as_slice(),
                [FleetEvent::VehicleAppeared { armed: true, .. }]
            ),
            "{ev:?}"
        );
        let v = fleet
            .get(VehicleId::new(5, 1))
            .expect("created from raw bytes");
        assert_eq!(
            (v.mav_type, v.class, v.autopilot),
            (99, VehicleClass::Other, Autopilot::ArduPilot)
        );
        assert_eq!(v.mode_name, "Mode(10)");
        assert_eq!(v.system_status, 4);
        assert_eq!(v.mavlink2, version == Version::V2);
        assert_eq!(fleet.undecodable(), 0);
    }
}

#[test]
fn truncated_v2_heartbeat_is_padded() {
    // custom_mode 0, type 99, autopilot 3, everything after zero: MAVLink 2 sends 6 bytes.
    let f = unknown_type_heartbeat(0, 0, Version::V2);
    let hb = Heartbeat {
        mav_type: 99,
        autopilot: 3,
        system_status: 4,
        mavlink_version: 3,
        ..Default::default()
    };
    assert_eq!(f.payload().len(), 9, "last byte non-zero here");
    let short = Sender::new(6, 1)
        .encode_raw(HEARTBEAT_MSGID, &hb.to_payload()[..6], Version::V2)
        .expect("fits");
    assert_eq!(short.payload().len(), 6);
    let mut fleet = Fleet::new();
    feed(&mut fleet, &short, T0);
    let v = fleet.get(VehicleId::new(6, 1)).expect("created");
    assert_eq!((v.mav_type, v.base_mode, v.system_status), (99, 0, 0));
}

#[test]
fn undecodable_messages_are_counted() {
    let mut fleet = Fleet::new();
    feed(&mut fleet, &frame(1, 1, &copter_hb(), Version::V2), T0);
    // SYS_STATUS is fine; a GPS_RAW_INT with fix_type 200 is not (invalid enum).
    feed(
        &mut fleet,
        &frame(
            1,
            1,
            &MavMessage::SYS_STATUS(SYS_STATUS_DATA::default()),
            Version::V2,
        ),
        T0,
    );
    let mut payload = [0u8; 30];
    payload[28] = 200; // fix_type offset in GPS_RAW_INT
    let bad = Sender::new(1, 1)
        .encode_raw(24, &payload, Version::V1)
        .expect("fits");
    assert!(feed(&mut fleet, &bad, T0).is_empty());
    let unknown_id = Sender::new(1, 1)
        .encode_raw(60_999, &[1, 2, 3], Version::V2)
        .expect("fits");
    assert!(feed(&mut fleet, &unknown_id, T0).is_empty());
    assert_eq!(fleet.undecodable(), 2);
}

#[test]
fn lost_and_regained_once() {
    let mut fleet = Fleet::new();
    let id = VehicleId::new(1, 1);
    feed(&mut fleet, &frame(1, 1, &copter_hb(), Version::V2), T0);
    assert!(
        fleet.check_timeouts(T0 + 3 * S).is_empty(),
        "exactly 3 s is not yet lost"
    );
    let ev = fleet.check_timeouts(T0 + 3 * S + 1);
    assert_eq!(
        ev,
        [FleetEvent::VehicleLost {
            id,
            t_us: T0 + 3 * S + 1,
            last_heartbeat_us: T0
        }]
    );
    assert!(
        fleet.check_timeouts(T0 + 10 * S).is_empty(),
        "lost only once"
    );
    assert!(fleet.get(id).is_some_and(VehicleState::is_lost));
    // Telemetry without a heartbeat does not regain.
    assert!(
        feed(
            &mut fleet,
            &frame(1, 1, &position(5), Version::V2),
            T0 + 11 * S
        )
        .is_empty()
    );
    let ev = feed(
        &mut fleet,
        &frame(1, 1, &copter_hb(), Version::V2),
        T0 + 12 * S,
    );
    assert_eq!(
        ev,
        [FleetEvent::VehicleRegained {
            id,
            t_us: T0 + 12 * S
        }]
    );
    assert!(
        feed(
            &mut fleet,
            &frame(1, 1, &copter_hb(), Version::V2),
            T0 + 13 * S
        )
        .is_empty()
    );
    assert!(fleet.check_timeouts(T0 + 14 * S).is_empty());
}

#[test]
fn mode_and_arming_events_through_the_fleet() {
    let mut fleet = Fleet::new();
    let ap = MavAutopilot::MAV_AUTOPILOT_ARDUPILOTMEGA;
    let plane = |mode, armed| heartbeat(MavType::MAV_TYPE_FIXED_WING, ap, mode, armed);
    feed(&mut fleet, &frame(2, 1, &plane(5, false), Version::V1), T0);
    let ev = feed(
        &mut fleet,
        &frame(2, 1, &plane(0, false), Version::V1),
        T0 + S,
    );
    assert!(
        matches!(ev.as_slice(), [FleetEvent::ModeChanged { from, to, .. }] if from == "FBWA" && to == "MANUAL")
    );
    let ev = feed(
        &mut fleet,
        &frame(2, 1, &plane(10, true), Version::V1),
        T0 + 2 * S,
    );
    assert_eq!(ev.len(), 2);
    assert!(ev.contains(&FleetEvent::Armed {
        id: VehicleId::new(2, 1),
        t_us: T0 + 2 * S
    }));
}

proptest! {
    #[test]
    fn apply_raw_never_panics(
        msgid in prop_oneof![0u32..300, 11_000u32..11_100, any::<u32>().prop_map(|x| x & 0xFF_FFFF)],
        sysid in any::<u8>(),
        compid in any::<u8>(),
        v2 in any::<bool>(),
        payload in proptest::collection::vec(any::<u8>(), 0..256),
    ) {
        let mut fleet = Fleet::new();
        // Make sure the sender is a vehicle, so payloads reach the state code.
        feed(&mut fleet, &frame(sysid, compid, &copter_hb(), Version::V2), T0);
        let version = if v2 { Version::V2 } else { Version::V1 };
        let header = FrameHeader {
            version,
            payload_len: u8::try_from(payload.len()).unwrap_or(u8::MAX),
            incompat_flags: 0,
            compat_flags: 0,
            seq: 0,
            sysid,
            compid,
            msgid,
        };
        let _ = fleet.apply_raw(&header, &payload, T0 + 1);
        let camera = FrameHeader { compid: compid.wrapping_add(1), ..header };
        let _ = fleet.apply_raw(&camera, &payload, T0 + 2);
        let _ = fleet.check_timeouts(u64::MAX);
        prop_assert!(fleet.len() <= 2);
    }
}
