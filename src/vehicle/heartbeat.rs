//! HEARTBEAT with raw numbers, so one unknown enum value cannot hide a vehicle.
//!
//! The mavlink crate refuses a HEARTBEAT whose MAV_TYPE, MAV_AUTOPILOT or MAV_STATE it does
//! not know (a vehicle type newer than the crate). Heartbeats are what create vehicles and
//! detect link loss, so the fleet keeps them as plain integers and can decode the 9 payload
//! bytes itself.

use crate::protocol::dialect::HEARTBEAT_DATA;

/// MAVLink message id of HEARTBEAT.
pub const HEARTBEAT_MSGID: u32 = 0;
/// Encoded HEARTBEAT payload length (MAVLink 2 may send fewer: trailing zeros are truncated).
pub const HEARTBEAT_LEN: usize = 9;

/// The fields of a HEARTBEAT, as raw integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Heartbeat {
    /// Firmware-specific mode number.
    pub custom_mode: u32,
    /// MAV_TYPE.
    pub mav_type: u8,
    /// MAV_AUTOPILOT.
    pub autopilot: u8,
    /// MAV_MODE_FLAG bits (bit 7: armed).
    pub base_mode: u8,
    /// MAV_STATE.
    pub system_status: u8,
    /// MAVLink protocol version field (3 for MAVLink 1.0 and later).
    pub mavlink_version: u8,
}

impl Heartbeat {
    /// Decodes a payload by hand: `custom_mode` u32 LE, then type, autopilot, base_mode,
    /// system_status, mavlink_version. A short (MAVLink 2 truncated) payload is zero padded;
    /// extra bytes are ignored.
    pub fn from_payload(payload: &[u8]) -> Self {
        let mut b = [0u8; HEARTBEAT_LEN];
        for (dst, src) in b.iter_mut().zip(payload) {
            *dst = *src;
        }
        let [
            c0,
            c1,
            c2,
            c3,
            mav_type,
            autopilot,
            base_mode,
            system_status,
            mavlink_version,
        ] = b;
        Self {
            custom_mode: u32::from_le_bytes([c0, c1, c2, c3]),
            mav_type,
            autopilot,
            base_mode,
            system_status,
            mavlink_version,
        }
    }

    /// The payload bytes (untruncated).
    pub fn to_payload(&self) -> [u8; HEARTBEAT_LEN] {
        let [c0, c1, c2, c3] = self.custom_mode.to_le_bytes();
        [
            c0,
            c1,
            c2,
            c3,
            self.mav_type,
            self.autopilot,
            self.base_mode,
            self.system_status,
            self.mavlink_version,
        ]
    }

    /// True when the armed flag (MAV_MODE_FLAG_SAFETY_ARMED) is set.
    pub fn armed(&self) -> bool {
        self.base_mode & super::modes::MODE_FLAG_SAFETY_ARMED != 0
    }
}

impl From<&HEARTBEAT_DATA> for Heartbeat {
    fn from(hb: &HEARTBEAT_DATA) -> Self {
        Self {
            custom_mode: hb.custom_mode,
            mav_type: hb.mavtype as u8,
            autopilot: hb.autopilot as u8,
            base_mode: hb.base_mode.bits(),
            system_status: hb.system_status as u8,
            mavlink_version: hb.mavlink_version,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::dialect::{MavAutopilot, MavModeFlag, MavState, MavType};

    #[test]
    fn typed_and_raw_agree() {
        let typed = HEARTBEAT_DATA {
            custom_mode: 0x0304_0000,
            mavtype: MavType::MAV_TYPE_HEXAROTOR,
            autopilot: MavAutopilot::MAV_AUTOPILOT_PX4,
            base_mode: MavModeFlag::from_bits_retain(217),
            system_status: MavState::MAV_STATE_ACTIVE,
            mavlink_version: 3,
        };
        let hb = Heartbeat::from(&typed);
        assert_eq!(hb.mav_type, 13);
        assert_eq!(hb.autopilot, 12);
        assert_eq!(hb.system_status, 4);
        assert!(hb.armed());
        assert_eq!(Heartbeat::from_payload(&hb.to_payload()), hb);
    }

    #[test]
    fn truncated_and_oversized_payloads() {
        let hb = Heartbeat::from_payload(&[5, 0, 0, 0, 99, 3]);
        assert_eq!(hb.custom_mode, 5);
        assert_eq!(hb.mav_type, 99);
        assert_eq!(hb.autopilot, 3);
        assert_eq!(hb.base_mode, 0);
        assert_eq!(Heartbeat::from_payload(&[]), Heartbeat::default());
        assert_eq!(Heartbeat::from_payload(&[0; 40]), Heartbeat::default());
    }
}
