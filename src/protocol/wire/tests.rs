//! Tests of the wire codecs against the mavlink crate's encoder.

use super::*;
use crate::plan::mission_item::{cmd, frame};
use crate::protocol::dialect::{self as d, MavMessage};
use crate::protocol::frame::{Frame, Sender, Version};
use mavlink::Message;
use proptest::prelude::*;

fn typed_payload(msg: &MavMessage) -> (u32, Vec<u8>) {
    let mut s = Sender::new(1, 1);
    let f: Frame = s.encode(msg, Version::V2);
    (msg.message_id(), f.payload().to_vec())
}

fn ours(w: &Wire) -> (u32, Vec<u8>) {
    let (id, mut p) = w.encode();
    while p.len() > 1 && p.last() == Some(&0) {
        p.pop();
    }
    (id, p)
}

#[test]
fn layouts_match_the_mavlink_crate() {
    let item = MissionItem {
        frame: frame::GLOBAL_RELATIVE_ALT,
        command: cmd::NAV_WAYPOINT,
        current: true,
        autocontinue: true,
        params: [1.0, 2.0, 3.0, 4.0],
        x: 421_234_567,
        y: 745_000_000,
        z: 50.0,
    };
    let w = Wire::MissionItem {
        target_system: 1,
        target_component: 2,
        seq: 7,
        mission_type: 1,
        item,
        int: true,
    };
    let t = MavMessage::MISSION_ITEM_INT(d::MISSION_ITEM_INT_DATA {
        param1: 1.0,
        param2: 2.0,
        param3: 3.0,
        param4: 4.0,
        x: 421_234_567,
        y: 745_000_000,
        z: 50.0,
        seq: 7,
        command: d::MavCmd::MAV_CMD_NAV_WAYPOINT,
        target_system: 1,
        target_component: 2,
        frame: d::MavFrame::MAV_FRAME_GLOBAL_RELATIVE_ALT,
        current: 1,
        autocontinue: 1,
        mission_type: d::MavMissionType::MAV_MISSION_TYPE_FENCE,
    });
    assert_eq!(ours(&w), typed_payload(&t));

    let w = Wire::MissionCount {
        target_system: 1,
        target_component: 1,
        count: 700,
        mission_type: 2,
        opaque_id: 0,
    };
    let t = MavMessage::MISSION_COUNT(d::MISSION_COUNT_DATA {
        count: 700,
        target_system: 1,
        target_component: 1,
        mission_type: d::MavMissionType::MAV_MISSION_TYPE_RALLY,
        opaque_id: 0,
    });
    assert_eq!(ours(&w), typed_payload(&t));

    let w = Wire::CommandLong {
        target_system: 1,
        target_component: 1,
        command: 400,
        confirmation: 2,
        params: [1.0, 21196.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    };
    let t = MavMessage::COMMAND_LONG(d::COMMAND_LONG_DATA {
        param1: 1.0,
        param2: 21196.0,
        param3: 0.0,
        param4: 0.0,
        param5: 0.0,
        param6: 0.0,
        param7: 0.0,
        command: d::MavCmd::MAV_CMD_COMPONENT_ARM_DISARM,
        target_system: 1,
        target_component: 1,
        confirmation: 2,
    });
    assert_eq!(ours(&w), typed_payload(&t));

    let w = Wire::ParamSet {
        target_system: 1,
        target_component: 1,
        name: "WPNAV_SPEED".into(),
        value: 500.0,
        param_type: 9,
    };
    let mut id = [0u8; 16];
    id[..11].copy_from_slice(b"WPNAV_SPEED");
    let t = MavMessage::PARAM_SET(d::PARAM_SET_DATA {
        param_value: 500.0,
        target_system: 1,
        target_component: 1,
        param_id: id.into(),
        param_type: d::MavParamType::MAV_PARAM_TYPE_REAL32,
    });
    assert_eq!(ours(&w), typed_payload(&t));

    let w = Wire::CommandAck {
        command: 400,
        result: 4,
        progress: 0,
        target_system: 255,
        target_component: 190,
    };
    let t = MavMessage::COMMAND_ACK(d::COMMAND_ACK_DATA {
        command: d::MavCmd::MAV_CMD_COMPONENT_ARM_DISARM,
        result: d::MavResult::MAV_RESULT_FAILED,
        progress: 0,
        result_param2: 0,
        target_system: 255,
        target_component: 190,
    });
    assert_eq!(ours(&w), typed_payload(&t));
}

#[test]
fn unknown_command_numbers_survive() {
    let item = MissionItem {
        command: 31_999,
        ..MissionItem::default()
    };
    let w = Wire::MissionItem {
        target_system: 1,
        target_component: 1,
        seq: 0,
        mission_type: 0,
        item,
        int: true,
    };
    let (id, p) = w.encode();
    assert_eq!(Wire::decode(id, &p), Some(w));
}

#[test]
fn legacy_float_items_convert_to_int_form() {
    let mut item = MissionItem::default();
    item.set_param5_6(-35.362_938_1, 149.165_085_1);
    let w = Wire::MissionItem {
        target_system: 1,
        target_component: 1,
        seq: 3,
        mission_type: 0,
        item,
        int: false,
    };
    let (id, p) = w.encode();
    match Wire::decode(id, &p) {
        Some(Wire::MissionItem { item: got, .. }) => {
            // f32 carries ~7 significant digits: within 1e-5 degrees (about a metre).
            assert!((got.param5() - item.param5()).abs() < 1e-5);
            assert!((got.param6() - item.param6()).abs() < 1e-5);
        }
        other => panic!("{other:?}"),
    }
}

proptest! {
    #[test]
    fn decode_never_panics(msgid in 0u32..100, payload in proptest::collection::vec(any::<u8>(), 0..60)) {
        // Legacy float items are lossy by nature (f32 coordinates); everything else is exact.
        if let Some(w) = Wire::decode(msgid, &payload).filter(|_| msgid != id::MISSION_ITEM) {
            let (id2, p2) = w.encode();
            prop_assert_eq!(Wire::decode(id2, &p2).map(|w2| w2.encode()), Some((id2, p2)));
        }
    }
}
