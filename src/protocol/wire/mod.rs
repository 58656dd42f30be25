//! Byte-level codecs for the messages of the mission, command and parameter microservices.
//!
//! Why not the mavlink crate's typed messages? Its decoder rejects any enum value it does not
//! know (a command id, frame or result code newer than the crate), which would make a mission
//! download or a command fail on perfectly valid traffic. These messages carry raw numbers, so
//! whatever the vehicle sends is kept exactly. Layouts follow the MAVLink wire order (fields
//! sorted by size, extensions appended); tests check them against the crate's encoder.

mod decode;
mod encode;
#[cfg(test)]
mod tests;

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

impl Wire {
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
