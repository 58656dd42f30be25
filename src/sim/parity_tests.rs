//! The simulator behaves like real ArduCopter/ArduPlane 4.7 SITL where the SITL suite found it
//! did not (tests/sitl_*.rs; README "Real autopilots"): one test per difference, against the
//! vehicle `steppe sim` and the demo run, so tests against `src/sim` keep meaning what they say.

use super::node::SimNode;
use crate::cli::{SimArgs, sim_config};
use crate::plan::mission_item::{MissionItem, cmd, frame};
use crate::protocol::dialect::MavMessage;
use crate::protocol::frame::{Frame, Sender, Version, decode_payload};
use crate::protocol::wire::Wire;

/// The first simulated vehicle as `steppe sim` starts it (copter, or plane).
fn vehicle(plane: bool) -> SimNode {
    let cfg = sim_config(&SimArgs {
        plane,
        ..SimArgs::default()
    })
    .expect("default sim config");
    SimNode::new(cfg.vehicles[0].clone())
}

/// Sends `w` from the ground station at `now_us` and returns what the vehicle answers.
fn ask(node: &mut SimNode, gcs: &mut Sender, w: &Wire, now_us: u64) -> Vec<Frame> {
    let (msgid, payload) = w.encode();
    let f = gcs
        .encode_raw(msgid, &payload, Version::V2)
        .expect("our frame");
    node.handle_frame(&f, now_us);
    node.step(0.0, now_us);
    node.take_frames()
}

fn wires(frames: &[Frame]) -> Vec<Wire> {
    frames
        .iter()
        .filter_map(|f| Wire::decode(f.header().msgid, f.payload()))
        .collect()
}

/// STATUSTEXTs among `frames`.
fn texts(frames: &[Frame]) -> Vec<String> {
    frames
        .iter()
        .filter_map(|f| decode_payload(f.header(), f.payload()).ok())
        .filter_map(|m| match m {
            MavMessage::STATUSTEXT(d) => {
                let end = d.text.iter().position(|&b| b == 0).unwrap_or(d.text.len());
                Some(String::from_utf8_lossy(&d.text[..end]).into_owned())
            }
            _ => None,
        })
        .collect()
}

fn count(kind: u8, n: u16) -> Wire {
    Wire::MissionCount {
        target_system: 1,
        target_component: 1,
        count: n,
        mission_type: kind,
        opaque_id: 0,
    }
}

const READY: u64 = 2_000_000;

#[test]
fn uploads_are_requested_with_the_float_mission_request() {
    // ArduPilot asks with MISSION_REQUEST although it takes MISSION_ITEM_INT (and advertises
    // MAV_PROTOCOL_CAPABILITY_MISSION_INT): a ground station answering in the form asked
    // rounds coordinates to 32-bit floats.
    let (mut v, mut g) = (vehicle(false), Sender::new(255, 190));
    ask(&mut v, &mut g, &count(0, 0), 0);
    let out = wires(&ask(&mut v, &mut g, &count(0, 3), READY));
    assert!(
        matches!(
            out.as_slice(),
            [Wire::MissionRequest {
                seq: 0,
                int: false,
                ..
            }]
        ),
        "{out:?}"
    );
}

#[test]
fn storage_refuses_uploads_right_after_boot() {
    let (mut v, mut g) = (vehicle(false), Sender::new(255, 190));
    let out = ask(&mut v, &mut g, &count(0, 3), 0);
    assert!(
        matches!(wires(&out).as_slice(), [Wire::MissionAck { result: 4, .. }]),
        "NO_SPACE"
    );
    assert_eq!(texts(&out), ["Only 0 items are supported"]);
    let out = wires(&ask(&mut v, &mut g, &count(0, 3), READY));
    assert!(
        matches!(out.as_slice(), [Wire::MissionRequest { seq: 0, .. }]),
        "{out:?}"
    );
}

#[test]
fn list_limits_are_arducopter_sitls() {
    let (mut v, mut g) = (vehicle(false), Sender::new(255, 190));
    ask(&mut v, &mut g, &count(0, 0), 0);
    for (kind, fits, too_many) in [(0u8, 650u16, 651u16), (1, 70, 71), (2, 46, 47)] {
        let out = ask(&mut v, &mut g, &count(kind, too_many), READY);
        assert!(
            matches!(wires(&out).as_slice(), [Wire::MissionAck { result: 4, .. }]),
            "type {kind}: {too_many} items get NO_SPACE"
        );
        if kind == 0 {
            assert_eq!(texts(&out), ["Only 650 items are supported"]);
        }
        let out = wires(&ask(&mut v, &mut g, &count(kind, fits), READY));
        assert!(
            matches!(out.as_slice(), [Wire::MissionRequest { seq: 0, .. }]),
            "type {kind}: {fits} items fit: {out:?}"
        );
    }
}

#[test]
fn items_are_kept_as_ardupilot_keeps_them_and_refused_as_it_refuses() {
    let (mut v, mut g) = (vehicle(false), Sender::new(255, 190));
    ask(&mut v, &mut g, &count(0, 0), 0);
    let mut wp = MissionItem::nav(
        cmd::NAV_WAYPOINT,
        crate::geo::LatLon::new(-35.36, 149.16),
        33.333,
    );
    wp.frame = frame::GLOBAL_RELATIVE_ALT_INT;
    wp.params = [2.7, 5.0, 1.0, 90.0];
    let speed = MissionItem::action(cmd::DO_CHANGE_SPEED, [1.0, 8.0, -1.0, 7.0]);
    let list = [MissionItem::default(), wp, speed];
    ask(&mut v, &mut g, &count(0, 3), READY);
    for (seq, it) in list.iter().enumerate() {
        ask(
            &mut v,
            &mut g,
            &Wire::MissionItem {
                target_system: 1,
                target_component: 1,
                seq: seq as u16,
                mission_type: 0,
                item: *it,
                int: true,
            },
            READY + 1_000 * seq as u64,
        );
    }
    let read = |v: &mut SimNode, g: &mut Sender, seq: u16| {
        let out = wires(&ask(
            v,
            g,
            &Wire::MissionRequest {
                target_system: 1,
                target_component: 1,
                seq,
                mission_type: 0,
                int: true,
            },
            READY + 10_000,
        ));
        match out.as_slice() {
            [Wire::MissionItem { item, .. }] => *item,
            other => panic!("{other:?}"),
        }
    };
    let got = read(&mut v, &mut g, 1);
    // Frame 6 reads back as 3, hold time in whole seconds, acceptance radius and yaw dropped,
    // altitude truncated to centimetres.
    assert_eq!(
        (got.frame, got.params),
        (frame::GLOBAL_RELATIVE_ALT, [2.0, 0.0, 0.0, 0.0])
    );
    assert_eq!((got.x, got.y), (wp.x, wp.y), "positions exact");
    assert!((got.z - 33.33).abs() < 1e-4, "{}", got.z);
    let got = read(&mut v, &mut g, 2);
    assert_eq!((got.frame, got.params), (0, [1.0, 8.0, -1.0, 0.0]));
    // A NaN altitude is refused with INVALID_PARAM7, as ArduPilot does.
    let mut bad = wp;
    bad.z = f32::NAN;
    ask(&mut v, &mut g, &count(0, 2), READY + 20_000);
    let mut answers = Vec::new();
    for (seq, it) in [MissionItem::default(), bad].iter().enumerate() {
        answers.extend(wires(&ask(
            &mut v,
            &mut g,
            &Wire::MissionItem {
                target_system: 1,
                target_component: 1,
                seq: seq as u16,
                mission_type: 0,
                item: *it,
                int: true,
            },
            READY + 21_000 + seq as u64,
        )));
    }
    assert!(
        answers
            .iter()
            .any(|w| matches!(w, Wire::MissionAck { result: 12, .. })),
        "{answers:?}"
    );
}

#[test]
fn parameter_tables_are_arducopters_and_arduplanes() {
    for (plane, n, sysid_type) in [(false, 1349u16, 4u8), (true, 1401, 4)] {
        let (mut v, mut g) = (vehicle(plane), Sender::new(255, 190));
        let out = wires(&ask(
            &mut v,
            &mut g,
            &Wire::ParamRequestRead {
                target_system: 1,
                target_component: 1,
                index: -1,
                name: "MAV_SYSID".into(),
            },
            0,
        ));
        match out.as_slice() {
            [
                Wire::ParamValue {
                    count,
                    param_type,
                    value,
                    ..
                },
            ] => {
                assert_eq!(
                    (*count, *param_type, *value),
                    (n, sysid_type, 1.0),
                    "plane {plane}"
                );
            }
            other => panic!("{other:?}"),
        }
        // 4.7 renamed SYSID_THISMAV: an unknown name gets no answer at all.
        let out = wires(&ask(
            &mut v,
            &mut g,
            &Wire::ParamRequestRead {
                target_system: 1,
                target_component: 1,
                index: -1,
                name: "SYSID_THISMAV".into(),
            },
            1_000,
        ));
        assert!(
            !out.iter().any(|w| matches!(w, Wire::ParamValue { .. })),
            "{out:?}"
        );
    }
}

#[test]
fn signing_turns_off_only_with_a_zero_key_and_a_zero_timestamp() {
    use crate::protocol::dialect::SETUP_SIGNING_DATA;
    let mut v = vehicle(false);
    let setup = |v: &mut SimNode, key: [u8; 32], ts: u64| {
        v.setup_signing(&SETUP_SIGNING_DATA {
            initial_timestamp: ts,
            target_system: 1,
            target_component: 1,
            secret_key: key,
        })
    };
    setup(&mut v, [7; 32], 1_000);
    assert!(v.signing.is_some());
    // ArduPilot 4.7 SITL kept signing after an all-zero key with a timestamp.
    setup(&mut v, [0; 32], 5_000);
    assert!(v.signing.is_some(), "still signing");
    setup(&mut v, [0; 32], 0);
    assert!(v.signing.is_none(), "off");
}
