//! Byte-level codecs for the messages of the mission, command and parameter microservices.
//!
//! Why not the mavlink crate's typed messages? Its decoder rejects any enum value it does not
//! know (a command id, frame or result code newer than the crate), which would make a mission
//! download or a command fail on perfectly valid traffic. These messages carry raw numbers, so
//! whatever the vehicle sends is kept exactly. Layouts follow the MAVLink wire order (fields
//! sorted by size, extensions appended); tests check them against the crate's encoder.

use crate::plan::MissionItem;

/// Message ids handled here.
pub mod id {
    /// PARAM_REQUEST_READ
    pub const PARAM_REQUEST_READ: u32 = 20;
    /// PARAM_REQUEST_LIST
    pub const PARAM_REQUEST_LIST: u32 = 21;
    /// PARAM_VALUE
    pub const PARAM_VALUE: u32 = 22;
    /// PARAM_SET
    pub const PARAM_SET: u32 = 23;
    /// MISSION_ITEM (float coordinates, legacy)
    pub const MISSION_ITEM: u32 = 39;
    /// MISSION_REQUEST (legacy)
    pub const MISSION_REQUEST: u32 = 40;
    /// MISSION_SET_CURRENT
    pub const MISSION_SET_CURRENT: u32 = 41;
    /// MISSION_CURRENT
    pub const MISSION_CURRENT: u32 = 42;
    /// MISSION_REQUEST_LIST
    pub const MISSION_REQUEST_LIST: u32 = 43;
    /// MISSION_COUNT
    pub const MISSION_COUNT: u32 = 44;
    /// MISSION_CLEAR_ALL
    pub const MISSION_CLEAR_ALL: u32 = 45;
    /// MISSION_ITEM_REACHED
    pub const MISSION_ITEM_REACHED: u32 = 46;
    /// MISSION_ACK
    pub const MISSION_ACK: u32 = 47;
    /// MISSION_REQUEST_INT
    pub const MISSION_REQUEST_INT: u32 = 51;
    /// MISSION_ITEM_INT
    pub const MISSION_ITEM_INT: u32 = 73;
    /// COMMAND_INT
    pub const COMMAND_INT: u32 = 75;
    /// COMMAND_LONG
    pub const COMMAND_LONG: u32 = 76;
    /// COMMAND_ACK
    pub const COMMAND_ACK: u32 = 77;
}

/// A message of the mission, command or parameter microservices, with raw numeric fields.
#[derive(Debug, Clone, PartialEq)]
pub enum Wire {
    /// MISSION_REQUEST_LIST: ask for the count of a list.
    MissionRequestList {
        /// Addressed system.
        target_system: u8,
        /// Addressed component.
        target_component: u8,
        /// MAV_MISSION_TYPE.
        mission_type: u8,
    },
    /// MISSION_COUNT: the number of items (starts an upload, answers a list request).
    MissionCount {
        /// Addressed system.
        target_system: u8,
        /// Addressed component.
        target_component: u8,
        /// Number of items.
        count: u16,
        /// MAV_MISSION_TYPE.
        mission_type: u8,
        /// Opaque id of the stored list (0 if unsupported).
        opaque_id: u32,
    },
    /// MISSION_REQUEST_INT (`int == true`) or legacy MISSION_REQUEST.
    MissionRequest {
        /// Addressed system.
        target_system: u8,
        /// Addressed component.
        target_component: u8,
        /// Requested sequence number.
        seq: u16,
        /// MAV_MISSION_TYPE.
        mission_type: u8,
        /// True for MISSION_REQUEST_INT.
        int: bool,
    },
    /// MISSION_ITEM_INT (`int == true`) or legacy MISSION_ITEM (float coordinates).
    MissionItem {
        /// Addressed system.
        target_system: u8,
        /// Addressed component.
        target_component: u8,
        /// Sequence number.
        seq: u16,
        /// MAV_MISSION_TYPE.
        mission_type: u8,
        /// The item, converted to integer wire form.
        item: MissionItem,
        /// True for MISSION_ITEM_INT.
        int: bool,
    },
    /// MISSION_ACK: end of a transfer, with a MAV_MISSION_RESULT.
    MissionAck {
        /// Addressed system.
        target_system: u8,
        /// Addressed component.
        target_component: u8,
        /// MAV_MISSION_RESULT.
        result: u8,
        /// MAV_MISSION_TYPE.
        mission_type: u8,
        /// Opaque id of the stored list (0 if unsupported).
        opaque_id: u32,
    },
    /// MISSION_CLEAR_ALL.
    MissionClearAll {
        /// Addressed system.
        target_system: u8,
        /// Addressed component.
        target_component: u8,
        /// MAV_MISSION_TYPE.
        mission_type: u8,
    },
    /// MISSION_SET_CURRENT (legacy way of setting the current item).
    MissionSetCurrent {
        /// Addressed system.
        target_system: u8,
        /// Addressed component.
        target_component: u8,
        /// New current item.
        seq: u16,
    },
    /// COMMAND_LONG.
    CommandLong {
        /// Addressed system.
        target_system: u8,
        /// Addressed component.
        target_component: u8,
        /// MAV_CMD.
        command: u16,
        /// Retransmission counter (0 on first send).
        confirmation: u8,
        /// Parameters 1-7.
        params: [f32; 7],
    },
    /// COMMAND_INT.
    CommandInt {
        /// Addressed system.
        target_system: u8,
        /// Addressed component.
        target_component: u8,
        /// MAV_CMD.
        command: u16,
        /// MAV_FRAME of x/y/z.
        frame: u8,
        /// Parameters 1-4.
        params: [f32; 4],
        /// Latitude * 1e7 or local x.
        x: i32,
        /// Longitude * 1e7 or local y.
        y: i32,
        /// Altitude.
        z: f32,
    },
    /// COMMAND_ACK.
    CommandAck {
        /// The command acknowledged.
        command: u16,
        /// MAV_RESULT.
        result: u8,
        /// Progress percentage for IN_PROGRESS (255 = unknown).
        progress: u8,
        /// Addressed system (0 when the sender did not fill it).
        target_system: u8,
        /// Addressed component (0 when the sender did not fill it).
        target_component: u8,
    },
    /// PARAM_REQUEST_LIST.
    ParamRequestList {
        /// Addressed system.
        target_system: u8,
        /// Addressed component.
        target_component: u8,
    },
    /// PARAM_REQUEST_READ, by index (`index >= 0`) or by name (`index == -1`).
    ParamRequestRead {
        /// Addressed system.
        target_system: u8,
        /// Addressed component.
        target_component: u8,
        /// Parameter index, or -1 to use the name.
        index: i16,
        /// Parameter name (up to 16 characters).
        name: String,
    },
    /// PARAM_VALUE.
    ParamValue {
        /// Parameter name.
        name: String,
        /// Value as encoded on the wire (see `params` for the two encodings).
        value: f32,
        /// MAV_PARAM_TYPE.
        param_type: u8,
        /// Total number of parameters.
        count: u16,
        /// Index of this parameter (65535 when not known, e.g. after a set).
        index: u16,
    },
    /// PARAM_SET.
    ParamSet {
        /// Addressed system.
        target_system: u8,
        /// Addressed component.
        target_component: u8,
        /// Parameter name.
        name: String,
        /// Value as encoded on the wire.
        value: f32,
        /// MAV_PARAM_TYPE.
        param_type: u8,
    },
}

/// Little-endian reader that yields zeros past the end (MAVLink 2 truncates trailing zeros).
struct Rd<'a> {
    b: &'a [u8],
    at: usize,
}

impl Rd<'_> {
    fn u8(&mut self) -> u8 {
        let v = self.b.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        v
    }
    fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut a = [0u8; N];
        for x in a.iter_mut() {
            *x = self.u8();
        }
        a
    }
    fn u16(&mut self) -> u16 {
        u16::from_le_bytes(self.bytes())
    }
    fn i16(&mut self) -> i16 {
        i16::from_le_bytes(self.bytes())
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.bytes())
    }
    fn i32(&mut self) -> i32 {
        i32::from_le_bytes(self.bytes())
    }
    fn f32(&mut self) -> f32 {
        f32::from_le_bytes(self.bytes())
    }
    fn name(&mut self) -> String {
        let raw: [u8; 16] = self.bytes();
        // Parameter names are ASCII; anything else is shown as '?' (one byte, one char).
        raw.iter()
            .take_while(|&&c| c != 0)
            .map(|&c| if c.is_ascii() { char::from(c) } else { '?' })
            .collect()
    }
}

#[derive(Default)]
struct Wr(Vec<u8>);

impl Wr {
    fn u8(&mut self, v: u8) -> &mut Self {
        self.0.push(v);
        self
    }
    fn u16(&mut self, v: u16) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn i16(&mut self, v: i16) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn u32(&mut self, v: u32) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn i32(&mut self, v: i32) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn f32(&mut self, v: f32) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn name(&mut self, s: &str) -> &mut Self {
        let mut raw = [0u8; 16];
        for (d, c) in raw.iter_mut().zip(s.bytes()) {
            *d = c;
        }
        self.0.extend_from_slice(&raw);
        self
    }
}

impl Wire {
    /// Decodes a payload if `msgid` is one of the messages handled here.
    pub fn decode(msgid: u32, payload: &[u8]) -> Option<Wire> {
        let mut r = Rd { b: payload, at: 0 };
        Some(match msgid {
            id::MISSION_REQUEST_LIST => Wire::MissionRequestList {
                target_system: r.u8(),
                target_component: r.u8(),
                mission_type: r.u8(),
            },
            id::MISSION_COUNT => {
                let count = r.u16();
                Wire::MissionCount {
                    target_system: r.u8(),
                    target_component: r.u8(),
                    count,
                    mission_type: r.u8(),
                    opaque_id: r.u32(),
                }
            }
            id::MISSION_REQUEST | id::MISSION_REQUEST_INT => {
                let seq = r.u16();
                Wire::MissionRequest {
                    target_system: r.u8(),
                    target_component: r.u8(),
                    seq,
                    mission_type: r.u8(),
                    int: msgid == id::MISSION_REQUEST_INT,
                }
            }
            id::MISSION_ITEM | id::MISSION_ITEM_INT => {
                let int = msgid == id::MISSION_ITEM_INT;
                let params = [r.f32(), r.f32(), r.f32(), r.f32()];
                let (xf, yf, xi, yi) = if int {
                    let (x, y) = (r.i32(), r.i32());
                    (0.0, 0.0, x, y)
                } else {
                    (r.f32(), r.f32(), 0, 0)
                };
                let z = r.f32();
                let seq = r.u16();
                let command = r.u16();
                let target_system = r.u8();
                let target_component = r.u8();
                let frame = r.u8();
                let current = r.u8() != 0;
                let autocontinue = r.u8() != 0;
                let mission_type = r.u8();
                let mut item = MissionItem {
                    frame,
                    command,
                    current,
                    autocontinue,
                    params,
                    x: xi,
                    y: yi,
                    z,
                };
                if !int {
                    item.set_param5_6(f64::from(xf), f64::from(yf));
                }
                Wire::MissionItem {
                    target_system,
                    target_component,
                    seq,
                    mission_type,
                    item,
                    int,
                }
            }
            id::MISSION_ACK => Wire::MissionAck {
                target_system: r.u8(),
                target_component: r.u8(),
                result: r.u8(),
                mission_type: r.u8(),
                opaque_id: r.u32(),
            },
            id::MISSION_CLEAR_ALL => Wire::MissionClearAll {
                target_system: r.u8(),
                target_component: r.u8(),
                mission_type: r.u8(),
            },
            id::MISSION_SET_CURRENT => {
                let seq = r.u16();
                Wire::MissionSetCurrent {
                    target_system: r.u8(),
                    target_component: r.u8(),
                    seq,
                }
            }
            id::COMMAND_LONG => {
                let mut params = [0f32; 7];
                for p in params.iter_mut() {
                    *p = r.f32();
                }
                let command = r.u16();
                Wire::CommandLong {
                    target_system: r.u8(),
                    target_component: r.u8(),
                    command,
                    confirmation: r.u8(),
                    params,
                }
            }
            id::COMMAND_INT => {
                let params = [r.f32(), r.f32(), r.f32(), r.f32()];
                let (x, y, z) = (r.i32(), r.i32(), r.f32());
                let command = r.u16();
                let target_system = r.u8();
                let target_component = r.u8();
                let frame = r.u8();
                Wire::CommandInt {
                    target_system,
                    target_component,
                    command,
                    frame,
                    params,
                    x,
                    y,
                    z,
                }
            }
            id::COMMAND_ACK => {
                let command = r.u16();
                let result = r.u8();
                let progress = if payload.len() > 3 { r.u8() } else { 255 };
                let _result_param2 = r.i32();
                Wire::CommandAck {
                    command,
                    result,
                    progress,
                    target_system: r.u8(),
                    target_component: r.u8(),
                }
            }
            id::PARAM_REQUEST_LIST => Wire::ParamRequestList {
                target_system: r.u8(),
                target_component: r.u8(),
            },
            id::PARAM_REQUEST_READ => {
                let index = r.i16();
                Wire::ParamRequestRead {
                    target_system: r.u8(),
                    target_component: r.u8(),
                    name: r.name(),
                    index,
                }
            }
            id::PARAM_VALUE => {
                let value = r.f32();
                let count = r.u16();
                let index = r.u16();
                let name = r.name();
                Wire::ParamValue {
                    name,
                    value,
                    param_type: r.u8(),
                    count,
                    index,
                }
            }
            id::PARAM_SET => {
                let value = r.f32();
                let target_system = r.u8();
                let target_component = r.u8();
                let name = r.name();
                Wire::ParamSet {
                    target_system,
                    target_component,
                    name,
                    value,
                    param_type: r.u8(),
                }
            }
            _ => return None,
        })
    }

    /// Encodes to a message id and a full-length payload (the frame encoder truncates).
    pub fn encode(&self) -> (u32, Vec<u8>) {
        let mut w = Wr::default();
        let msgid = match self {
            Wire::MissionRequestList {
                target_system,
                target_component,
                mission_type,
            } => {
                w.u8(*target_system).u8(*target_component).u8(*mission_type);
                id::MISSION_REQUEST_LIST
            }
            Wire::MissionCount {
                target_system,
                target_component,
                count,
                mission_type,
                opaque_id,
            } => {
                w.u16(*count)
                    .u8(*target_system)
                    .u8(*target_component)
                    .u8(*mission_type)
                    .u32(*opaque_id);
                id::MISSION_COUNT
            }
            Wire::MissionRequest {
                target_system,
                target_component,
                seq,
                mission_type,
                int,
            } => {
                w.u16(*seq)
                    .u8(*target_system)
                    .u8(*target_component)
                    .u8(*mission_type);
                if *int {
                    id::MISSION_REQUEST_INT
                } else {
                    id::MISSION_REQUEST
                }
            }
            Wire::MissionItem {
                target_system,
                target_component,
                seq,
                mission_type,
                item,
                int,
            } => {
                for p in item.params {
                    w.f32(p);
                }
                if *int {
                    w.i32(item.x).i32(item.y);
                } else {
                    w.f32(item.param5() as f32).f32(item.param6() as f32);
                }
                w.f32(item.z)
                    .u16(*seq)
                    .u16(item.command)
                    .u8(*target_system)
                    .u8(*target_component)
                    .u8(item.frame)
                    .u8(u8::from(item.current))
                    .u8(u8::from(item.autocontinue))
                    .u8(*mission_type);
                if *int {
                    id::MISSION_ITEM_INT
                } else {
                    id::MISSION_ITEM
                }
            }
            Wire::MissionAck {
                target_system,
                target_component,
                result,
                mission_type,
                opaque_id,
            } => {
                w.u8(*target_system)
                    .u8(*target_component)
                    .u8(*result)
                    .u8(*mission_type)
                    .u32(*opaque_id);
                id::MISSION_ACK
            }
            Wire::MissionClearAll {
                target_system,
                target_component,
                mission_type,
            } => {
                w.u8(*target_system).u8(*target_component).u8(*mission_type);
                id::MISSION_CLEAR_ALL
            }
            Wire::MissionSetCurrent {
                target_system,
                target_component,
                seq,
            } => {
                w.u16(*seq).u8(*target_system).u8(*target_component);
                id::MISSION_SET_CURRENT
            }
            Wire::CommandLong {
                target_system,
                target_component,
                command,
                confirmation,
                params,
            } => {
                for p in params {
                    w.f32(*p);
                }
                w.u16(*command)
                    .u8(*target_system)
                    .u8(*target_component)
                    .u8(*confirmation);
                id::COMMAND_LONG
            }
            Wire::CommandInt {
                target_system,
                target_component,
                command,
                frame,
                params,
                x,
                y,
                z,
            } => {
                for p in params {
                    w.f32(*p);
                }
                w.i32(*x)
                    .i32(*y)
                    .f32(*z)
                    .u16(*command)
                    .u8(*target_system)
                    .u8(*target_component)
                    .u8(*frame)
                    .u8(0)
                    .u8(0);
                id::COMMAND_INT
            }
            Wire::CommandAck {
                command,
                result,
                progress,
                target_system,
                target_component,
            } => {
                w.u16(*command)
                    .u8(*result)
                    .u8(*progress)
                    .i32(0)
                    .u8(*target_system)
                    .u8(*target_component);
                id::COMMAND_ACK
            }
            Wire::ParamRequestList {
                target_system,
                target_component,
            } => {
                w.u8(*target_system).u8(*target_component);
                id::PARAM_REQUEST_LIST
            }
            Wire::ParamRequestRead {
                target_system,
                target_component,
                index,
                name,
            } => {
                w.i16(*index)
                    .u8(*target_system)
                    .u8(*target_component)
                    .name(name);
                id::PARAM_REQUEST_READ
            }
            Wire::ParamValue {
                name,
                value,
                param_type,
                count,
                index,
            } => {
                w.f32(*value)
                    .u16(*count)
                    .u16(*index)
                    .name(name)
                    .u8(*param_type);
                id::PARAM_VALUE
            }
            Wire::ParamSet {
                target_system,
                target_component,
                name,
                value,
                param_type,
            } => {
                w.f32(*value)
                    .u8(*target_system)
                    .u8(*target_component)
                    .name(name)
                    .u8(*param_type);
                id::PARAM_SET
            }
        };
        (msgid, w.0)
    }

    /// True when this message is addressed to `sysid`/`compid` (0 in a target field means
    /// broadcast, and messages without targets are addressed to everyone).
    pub fn is_for(&self, sysid: u8, compid: u8) -> bool {
        let (ts, tc) = match self {
            Wire::MissionRequestList {
                target_system,
                target_component,
                ..
            }
            | Wire::MissionCount {
                target_system,
                target_component,
                ..
            }
            | Wire::MissionRequest {
                target_system,
                target_component,
                ..
            }
            | Wire::MissionItem {
                target_system,
                target_component,
                ..
            }
            | Wire::MissionAck {
                target_system,
                target_component,
                ..
            }
            | Wire::MissionClearAll {
                target_system,
                target_component,
                ..
            }
            | Wire::MissionSetCurrent {
                target_system,
                target_component,
                ..
            }
            | Wire::CommandLong {
                target_system,
                target_component,
                ..
            }
            | Wire::CommandInt {
                target_system,
                target_component,
                ..
            }
            | Wire::CommandAck {
                target_system,
                target_component,
                ..
            }
            | Wire::ParamRequestList {
                target_system,
                target_component,
            }
            | Wire::ParamRequestRead {
                target_system,
                target_component,
                ..
            }
            | Wire::ParamSet {
                target_system,
                target_component,
                ..
            } => (*target_system, *target_component),
            Wire::ParamValue { .. } => return true,
        };
        (ts == 0 || ts == sysid) && (tc == 0 || tc == compid)
    }
}

#[cfg(test)]
mod tests {
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
}
