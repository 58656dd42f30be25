//! Encoding the microservice messages to full-length payloads.

use super::{Wire, id};

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
}
