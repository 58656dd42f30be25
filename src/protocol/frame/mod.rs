//! MAVLink framing, sans-IO: find, check, decode and encode MAVLink 1 and 2 frames.
//!
//! Every byte source in Steppe (serial radio, UDP, TCP, a `.tlog` file) goes through
//! [`check_frame`], which validates one candidate frame, and [`FrameParser`], which turns a byte
//! stream with garbage, bad checksums, unknown messages and signed frames into whole [`Frame`]s
//! while counting what it skipped. Frames keep their raw bytes so the recorder writes exactly
//! what arrived.
//!
//! Layout (MAVLink 2): `FD len incompat compat seq sys comp msgid[3] payload[len] crc[2]
//! [signature 13]`. MAVLink 1: `FE len seq sys comp msgid payload[len] crc[2]`.

mod dialect;
mod parser;
mod sender;
#[cfg(test)]
mod tests;

pub use dialect::{CRC_INIT, crc_accumulate, crc_accumulate_slice, is_known, message_name};
pub use parser::{FrameParser, ParserStats};
pub use sender::Sender;

use crate::protocol::dialect::MavMessage;
use dialect::msg_info;
use mavlink::Message;

/// First byte of a MAVLink 1 frame.
pub const MAGIC_V1: u8 = 0xFE;
/// First byte of a MAVLink 2 frame.
pub const MAGIC_V2: u8 = 0xFD;
/// Incompatibility flag: the frame carries a 13-byte signature.
pub const IFLAG_SIGNED: u8 = 0x01;
/// Length of the MAVLink 2 signature block (link id, 48-bit timestamp, 48-bit signature).
pub const SIGNATURE_LEN: usize = 13;
/// Longest possible frame: MAVLink 2 header + 255 payload + CRC + signature.
pub const MAX_FRAME_LEN: usize = V2_HEADER_LEN + 255 + 2 + SIGNATURE_LEN;

pub(crate) const V1_HEADER_LEN: usize = 6;
pub(crate) const V2_HEADER_LEN: usize = 10;

/// MAVLink protocol version of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// MAVLink 1 (magic 0xFE, 8-bit message ids, no extensions).
    V1,
    /// MAVLink 2 (magic 0xFD, 24-bit message ids, payload truncation, signing).
    V2,
}

impl Version {
    pub(crate) fn to_mavlink(self) -> mavlink::MavlinkVersion {
        match self {
            Version::V1 => mavlink::MavlinkVersion::V1,
            Version::V2 => mavlink::MavlinkVersion::V2,
        }
    }
}

/// The header fields of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameHeader {
    /// Protocol version.
    pub version: Version,
    /// Payload length in bytes as sent (MAVLink 2 truncates trailing zeros).
    pub payload_len: u8,
    /// MAVLink 2 incompatibility flags (0 for MAVLink 1).
    pub incompat_flags: u8,
    /// MAVLink 2 compatibility flags (0 for MAVLink 1).
    pub compat_flags: u8,
    /// Sender's packet sequence number.
    pub seq: u8,
    /// Sender system id.
    pub sysid: u8,
    /// Sender component id.
    pub compid: u8,
    /// Message id.
    pub msgid: u32,
}

impl FrameHeader {
    /// True when the frame carries a MAVLink 2 signature.
    pub fn is_signed(&self) -> bool {
        self.version == Version::V2 && self.incompat_flags & IFLAG_SIGNED != 0
    }

    fn header_len(&self) -> usize {
        match self.version {
            Version::V1 => V1_HEADER_LEN,
            Version::V2 => V2_HEADER_LEN,
        }
    }

    /// Total length of the frame in bytes, including CRC and signature.
    pub fn frame_len(&self) -> usize {
        self.header_len()
            + usize::from(self.payload_len)
            + 2
            + if self.is_signed() { SIGNATURE_LEN } else { 0 }
    }
}

/// Why a candidate frame was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalid {
    /// The first byte is not a MAVLink magic byte.
    NotMagic,
    /// A known message whose checksum does not match: corrupted or not a frame at all.
    BadCrc,
    /// MAVLink 2 incompatibility flags this implementation does not understand.
    UnsupportedFlags,
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Invalid::NotMagic => "the first byte is not a MAVLink start byte (0xFE or 0xFD)",
            Invalid::BadCrc => "the checksum does not match the contents",
            Invalid::UnsupportedFlags => {
                "it uses MAVLink 2 incompatibility flags other than signing"
            }
        })
    }
}

/// Result of examining bytes that should start with a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// A complete frame of `len` bytes. For a message id the dialect knows, the checksum was
    /// verified; for an unknown id (`known == false`) it cannot be, and the caller decides
    /// (usually: accept only if a magic byte or the end of data follows).
    Valid {
        /// Decoded header.
        header: FrameHeader,
        /// Frame length in bytes.
        len: usize,
        /// Whether the message id is in the dialect (checksum verified).
        known: bool,
    },
    /// The bytes may be the start of a frame; at least `need` bytes in total are required.
    Incomplete {
        /// Total bytes needed before the frame can be checked.
        need: usize,
    },
    /// Not a frame at this position.
    Invalid(Invalid),
}

/// Errors of decoding or encoding a single frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// The message id is not part of the ardupilotmega dialect.
    #[error("unknown MAVLink message id {msgid}")]
    UnknownMessage {
        /// The id found.
        msgid: u32,
    },
    /// The payload does not decode (for example an enum value the dialect does not define).
    #[error("cannot decode {name} (id {msgid}): {reason}")]
    Decode {
        /// Message id.
        msgid: u32,
        /// Message name.
        name: &'static str,
        /// What the decoder said.
        reason: String,
    },
    /// The bytes are not exactly one valid frame.
    #[error("not a valid MAVLink frame: {0}")]
    NotAFrame(String),
    /// A payload longer than 255 bytes was given to the encoder.
    #[error("payload of {len} bytes is longer than 255")]
    PayloadTooLong {
        /// Length given.
        len: usize,
    },
}

/// One complete frame with its raw bytes (as received or as sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub(crate) header: FrameHeader,
    pub(crate) raw: Vec<u8>,
}

impl Frame {
    /// Parses exactly one frame from `bytes` (checksum verified for known ids).
    pub fn from_bytes(bytes: &[u8]) -> Result<Frame, FrameError> {
        match check_frame(bytes) {
            Check::Valid { header, len, .. } if len == bytes.len() => Ok(Frame {
                header,
                raw: bytes.to_vec(),
            }),
            Check::Valid { len, .. } => Err(FrameError::NotAFrame(format!(
                "frame is {len} bytes but {} were given",
                bytes.len()
            ))),
            Check::Incomplete { need } => Err(FrameError::NotAFrame(format!(
                "truncated: {} of {need} bytes",
                bytes.len()
            ))),
            Check::Invalid(why) => Err(FrameError::NotAFrame(why.to_string())),
        }
    }

    /// The frame's header.
    pub fn header(&self) -> &FrameHeader {
        &self.header
    }

    /// The raw bytes of the whole frame.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The payload bytes (as sent: MAVLink 2 payloads may be truncated).
    pub fn payload(&self) -> &[u8] {
        let start = self.header.header_len();
        self.raw
            .get(start..start + usize::from(self.header.payload_len))
            .unwrap_or(&[])
    }

    /// The 13-byte signature block of a signed MAVLink 2 frame.
    pub fn signature(&self) -> Option<&[u8]> {
        if self.header.is_signed() {
            self.raw.get(self.raw.len().saturating_sub(SIGNATURE_LEN)..)
        } else {
            None
        }
    }

    /// Decodes the payload into a typed message of the ardupilotmega dialect.
    pub fn decode(&self) -> Result<MavMessage, FrameError> {
        decode_payload(&self.header, self.payload())
    }

    /// Message name, or `UNKNOWN_<id>` for ids outside the dialect.
    pub fn name(&self) -> String {
        message_name(self.header.msgid)
            .map(str::to_owned)
            .unwrap_or_else(|| format!("UNKNOWN_{}", self.header.msgid))
    }
}

/// The CRC_EXTRA seed byte of a message id (0 for ids outside the dialect).
pub fn crc_extra(msgid: u32) -> u8 {
    msg_info(msgid).map_or(0, |i| i.crc_extra)
}

/// Decodes a payload into a typed message.
pub fn decode_payload(header: &FrameHeader, payload: &[u8]) -> Result<MavMessage, FrameError> {
    let Some(info) = msg_info(header.msgid) else {
        return Err(FrameError::UnknownMessage {
            msgid: header.msgid,
        });
    };
    MavMessage::parse(header.version.to_mavlink(), header.msgid, payload).map_err(|e| {
        FrameError::Decode {
            msgid: header.msgid,
            name: info.name,
            reason: e.to_string(),
        }
    })
}

/// Examines `buf`, which should begin with a frame. Never panics on any input.
pub fn check_frame(buf: &[u8]) -> Check {
    let Some(&magic) = buf.first() else {
        return Check::Incomplete { need: 1 };
    };
    let header = match magic {
        MAGIC_V1 => {
            if buf.len() < V1_HEADER_LEN {
                return Check::Incomplete {
                    need: V1_HEADER_LEN,
                };
            }
            FrameHeader {
                version: Version::V1,
                payload_len: buf[1],
                incompat_flags: 0,
                compat_flags: 0,
                seq: buf[2],
                sysid: buf[3],
                compid: buf[4],
                msgid: u32::from(buf[5]),
            }
        }
        MAGIC_V2 => {
            if buf.len() < V2_HEADER_LEN {
                return Check::Incomplete {
                    need: V2_HEADER_LEN,
                };
            }
            let h = FrameHeader {
                version: Version::V2,
                payload_len: buf[1],
                incompat_flags: buf[2],
                compat_flags: buf[3],
                seq: buf[4],
                sysid: buf[5],
                compid: buf[6],
                msgid: u32::from(buf[7]) | u32::from(buf[8]) << 8 | u32::from(buf[9]) << 16,
            };
            if h.incompat_flags & !IFLAG_SIGNED != 0 {
                return Check::Invalid(Invalid::UnsupportedFlags);
            }
            h
        }
        _ => return Check::Invalid(Invalid::NotMagic),
    };
    let len = header.frame_len();
    if buf.len() < len {
        return Check::Incomplete { need: len };
    }
    let crc_at = header.header_len() + usize::from(header.payload_len);
    let Some(info) = msg_info(header.msgid) else {
        return Check::Valid {
            header,
            len,
            known: false,
        };
    };
    let mut crc = crc_accumulate_slice(CRC_INIT, &buf[1..crc_at]);
    crc = crc_accumulate(crc, info.crc_extra);
    let got = u16::from_le_bytes([buf[crc_at], buf[crc_at + 1]]);
    if crc == got {
        Check::Valid {
            header,
            len,
            known: true,
        }
    } else {
        Check::Invalid(Invalid::BadCrc)
    }
}
