//! Decoding the microservice messages from payload bytes.

use super::{Wire, id};
use crate::plan::MissionItem;

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
}
