//! Encoding frames: our system/component id and sequence number around a payload.

use super::dialect::{CRC_INIT, crc_accumulate, crc_accumulate_slice, msg_info};
use super::{Frame, FrameError, FrameHeader, MAGIC_V1, MAGIC_V2, V2_HEADER_LEN, Version};
use crate::protocol::dialect::MavMessage;
use mavlink::Message;

/// Who is sending: system and component id, plus the running packet sequence number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sender {
    /// System id written into frames.
    pub sysid: u8,
    /// Component id written into frames.
    pub compid: u8,
    /// Sequence number of the next frame.
    pub seq: u8,
}

impl Sender {
    /// A sender starting at sequence 0.
    pub const fn new(sysid: u8, compid: u8) -> Self {
        Self {
            sysid,
            compid,
            seq: 0,
        }
    }

    /// Encodes a typed message. MAVLink 1 is used only if asked for and the id fits in 8 bits.
    pub fn encode(&mut self, msg: &MavMessage, version: Version) -> Frame {
        let mut payload = [0u8; 255];
        let msgid = msg.message_id();
        let version = effective_version(version, msgid);
        let n = msg.ser(version.to_mavlink(), &mut payload);
        self.finish(version, msgid, &payload[..n])
    }

    /// Encodes a raw payload (for messages built byte by byte). MAVLink 2 payloads have their
    /// trailing zeros removed, as the standard requires.
    pub fn encode_raw(
        &mut self,
        msgid: u32,
        payload: &[u8],
        version: Version,
    ) -> Result<Frame, FrameError> {
        if payload.len() > 255 {
            return Err(FrameError::PayloadTooLong { len: payload.len() });
        }
        let version = effective_version(version, msgid);
        let mut n = payload.len();
        if version == Version::V2 {
            while n > 1 && payload[n - 1] == 0 {
                n -= 1;
            }
        }
        Ok(self.finish(version, msgid, &payload[..n]))
    }

    fn finish(&mut self, version: Version, msgid: u32, payload: &[u8]) -> Frame {
        let seq = self.seq;
        self.seq = self.seq.wrapping_add(1);
        let len = payload.len().min(255) as u8;
        let mut raw = Vec::with_capacity(payload.len() + V2_HEADER_LEN + 2);
        match version {
            Version::V1 => {
                raw.extend_from_slice(&[MAGIC_V1, len, seq, self.sysid, self.compid, msgid as u8]);
            }
            Version::V2 => {
                let id = msgid.to_le_bytes();
                raw.extend_from_slice(&[
                    MAGIC_V2,
                    len,
                    0,
                    0,
                    seq,
                    self.sysid,
                    self.compid,
                    id[0],
                    id[1],
                    id[2],
                ]);
            }
        }
        raw.extend_from_slice(payload);
        let mut crc = crc_accumulate_slice(CRC_INIT, &raw[1..]);
        crc = crc_accumulate(crc, msg_info(msgid).map_or(0, |i| i.crc_extra));
        raw.extend_from_slice(&crc.to_le_bytes());
        let header = FrameHeader {
            version,
            payload_len: len,
            incompat_flags: 0,
            compat_flags: 0,
            seq,
            sysid: self.sysid,
            compid: self.compid,
            msgid,
        };
        Frame { header, raw }
    }
}

fn effective_version(asked: Version, msgid: u32) -> Version {
    if asked == Version::V1 && msgid <= 255 {
        Version::V1
    } else {
        Version::V2
    }
}
