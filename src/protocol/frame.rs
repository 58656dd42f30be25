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

use crate::protocol::dialect::MavMessage;
use mavlink::Message;
use std::sync::OnceLock;

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

const V1_HEADER_LEN: usize = 6;
const V2_HEADER_LEN: usize = 10;

/// MAVLink protocol version of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// MAVLink 1 (magic 0xFE, 8-bit message ids, no extensions).
    V1,
    /// MAVLink 2 (magic 0xFD, 24-bit message ids, payload truncation, signing).
    V2,
}

impl Version {
    fn to_mavlink(self) -> mavlink::MavlinkVersion {
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
    header: FrameHeader,
    raw: Vec<u8>,
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
            Check::Invalid(why) => Err(FrameError::NotAFrame(format!("{why:?}"))),
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

/// Counters of a [`FrameParser`]: what it delivered and what it skipped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParserStats {
    /// Bytes pushed in.
    pub bytes: u64,
    /// Frames delivered (known and unknown ids).
    pub frames: u64,
    /// Frames with a message id outside the dialect (delivered, checksum unverifiable).
    pub unknown_frames: u64,
    /// Candidate frames of known ids whose checksum failed.
    pub crc_errors: u64,
    /// Bytes skipped because they were not part of any frame.
    pub bad_bytes: u64,
    /// Signed MAVLink 2 frames delivered.
    pub signed_frames: u64,
    /// MAVLink 1 frames delivered.
    pub v1_frames: u64,
}

/// Streaming frame parser for byte streams (serial, TCP) and datagrams (UDP).
#[derive(Debug, Default)]
pub struct FrameParser {
    buf: Vec<u8>,
    start: usize,
    /// End of the last datagram: no frame may span it.
    boundary: Option<usize>,
    stats: ParserStats,
}

impl FrameParser {
    /// A parser with empty buffers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends stream bytes. Frames may span several pushes.
    pub fn push(&mut self, data: &[u8]) {
        self.compact();
        self.boundary = None;
        self.buf.extend_from_slice(data);
        self.stats.bytes += data.len() as u64;
    }

    /// Appends one datagram: whatever of it is not a whole frame is garbage, so nothing waits
    /// for the next datagram. Drain it with [`FrameParser::next_frame`] before pushing more.
    pub fn push_datagram(&mut self, data: &[u8]) {
        self.push(data);
        self.boundary = Some(self.buf.len());
    }

    /// Counters so far.
    pub fn stats(&self) -> &ParserStats {
        &self.stats
    }

    /// Carries counters over to a fresh parser (a link that reconnected).
    pub fn restore_stats(&mut self, stats: ParserStats) {
        self.stats = stats;
    }

    /// Bytes held waiting for the rest of a frame.
    pub fn pending(&self) -> usize {
        self.buf.len() - self.start
    }

    fn compact(&mut self) {
        if self.start > 0 {
            self.buf.drain(..self.start);
            if let Some(b) = self.boundary.as_mut() {
                *b -= self.start;
            }
            self.start = 0;
        }
    }

    fn skip(&mut self, n: usize) {
        self.stats.bad_bytes += n as u64;
        self.start += n;
    }

    /// The next whole frame, or `None` when more bytes are needed.
    pub fn next_frame(&mut self) -> Option<Frame> {
        loop {
            let data = &self.buf[self.start..];
            if data.is_empty() {
                self.compact();
                return None;
            }
            let Some(i) = data.iter().position(|&b| b == MAGIC_V1 || b == MAGIC_V2) else {
                let n = data.len();
                self.skip(n);
                self.compact();
                return None;
            };
            if i > 0 {
                self.skip(i);
                continue;
            }
            let at_boundary = self.boundary == Some(self.buf.len());
            match check_frame(data) {
                Check::Incomplete { .. } => {
                    if at_boundary {
                        self.skip(1);
                        continue;
                    }
                    return None;
                }
                Check::Invalid(why) => {
                    if why == Invalid::BadCrc {
                        self.stats.crc_errors += 1;
                    }
                    self.skip(1);
                }
                Check::Valid { header, len, known } => {
                    if !known {
                        match data.get(len) {
                            Some(&b) if b == MAGIC_V1 || b == MAGIC_V2 => {}
                            Some(_) => {
                                self.skip(1);
                                continue;
                            }
                            None if at_boundary => {}
                            None => return None,
                        }
                        self.stats.unknown_frames += 1;
                    }
                    let raw = data[..len].to_vec();
                    self.start += len;
                    self.stats.frames += 1;
                    if header.is_signed() {
                        self.stats.signed_frames += 1;
                    }
                    if header.version == Version::V1 {
                        self.stats.v1_frames += 1;
                    }
                    return Some(Frame { header, raw });
                }
            }
        }
    }
}

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

/// Name of a message id in the dialect.
pub fn message_name(msgid: u32) -> Option<&'static str> {
    msg_info(msgid).map(|i| i.name)
}

/// True when the dialect defines `msgid`.
pub fn is_known(msgid: u32) -> bool {
    msg_info(msgid).is_some()
}

#[derive(Debug, Clone, Copy)]
struct MsgInfo {
    crc_extra: u8,
    name: &'static str,
}

struct Dialect {
    /// Index into `infos` + 1 per message id below 65536; 0 = unknown.
    index: Vec<u16>,
    infos: Vec<MsgInfo>,
}

fn dialect() -> &'static Dialect {
    static DIALECT: OnceLock<Dialect> = OnceLock::new();
    DIALECT.get_or_init(|| {
        let mut index = vec![0u16; 65536];
        let mut infos = Vec::new();
        for id in 0..65536u32 {
            if let Some(m) = MavMessage::default_message_from_id(id) {
                infos.push(MsgInfo {
                    crc_extra: MavMessage::extra_crc(id),
                    name: m.message_name(),
                });
                index[id as usize] = infos.len() as u16;
            }
        }
        Dialect { index, infos }
    })
}

fn msg_info(msgid: u32) -> Option<MsgInfo> {
    let d = dialect();
    let i = *d.index.get(msgid as usize)?;
    if i == 0 {
        None
    } else {
        d.infos.get(usize::from(i) - 1).copied()
    }
}

/// Initial value of the MAVLink (X.25 / MCRF4XX) checksum.
pub const CRC_INIT: u16 = 0xFFFF;

const CRC_TABLE: [u16; 256] = {
    let mut t = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc: u16 = 0;
        // Table for the reflected polynomial 0x8408 (0x1021 bit-reversed).
        let mut c = i as u16;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0x8408
            } else {
                c >> 1
            };
            k += 1;
        }
        crc ^= c;
        t[i] = crc;
        i += 1;
    }
    t
};

/// Adds one byte to a MAVLink checksum.
#[inline]
pub fn crc_accumulate(crc: u16, byte: u8) -> u16 {
    (crc >> 8) ^ CRC_TABLE[usize::from((crc as u8) ^ byte)]
}

/// Adds bytes to a MAVLink checksum.
pub fn crc_accumulate_slice(mut crc: u16, bytes: &[u8]) -> u16 {
    for &b in bytes {
        crc = crc_accumulate(crc, b);
    }
    crc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::dialect::{HEARTBEAT_DATA, MavAutopilot, MavModeFlag, MavState, MavType};
    use proptest::prelude::*;

    fn reference_crc(bytes: &[u8]) -> u16 {
        // The bit-by-bit algorithm from the MAVLink C library (crc_accumulate in checksum.h).
        let mut crc: u16 = 0xFFFF;
        for &b in bytes {
            let mut tmp = b ^ (crc & 0xFF) as u8;
            tmp ^= tmp << 4;
            crc =
                (crc >> 8) ^ (u16::from(tmp) << 8) ^ (u16::from(tmp) << 3) ^ (u16::from(tmp) >> 4);
        }
        crc
    }

    fn heartbeat() -> MavMessage {
        MavMessage::HEARTBEAT(HEARTBEAT_DATA {
            custom_mode: 4,
            mavtype: MavType::MAV_TYPE_QUADROTOR,
            autopilot: MavAutopilot::MAV_AUTOPILOT_ARDUPILOTMEGA,
            base_mode: MavModeFlag::MAV_MODE_FLAG_CUSTOM_MODE_ENABLED,
            system_status: MavState::MAV_STATE_STANDBY,
            mavlink_version: 3,
        })
    }

    #[test]
    fn crc_matches_reference_algorithm() {
        let data: Vec<u8> = (0..=255u8).collect();
        assert_eq!(crc_accumulate_slice(CRC_INIT, &data), reference_crc(&data));
        // "123456789" -> 0x6F91 is the published check value of CRC-16/MCRF4XX.
        assert_eq!(crc_accumulate_slice(CRC_INIT, b"123456789"), 0x6F91);
    }

    #[test]
    fn encodes_what_the_mavlink_crate_decodes() {
        let mut s = Sender::new(255, 190);
        for v in [Version::V1, Version::V2] {
            let f = s.encode(&heartbeat(), v);
            let mut reader = mavlink::MavlinkReader::new(f.raw());
            let ver = match v {
                Version::V1 => mavlink::MavlinkVersion::V1,
                Version::V2 => mavlink::MavlinkVersion::V2,
            };
            let (h, m) = reader
                .read_message::<MavMessage>(ver)
                .expect("crate decodes our frame");
            assert_eq!(m, heartbeat());
            assert_eq!((h.system_id, h.component_id), (255, 190));
        }
    }

    #[test]
    fn parser_skips_garbage_and_counts_bad_crc() {
        let mut s = Sender::new(1, 1);
        let good = s.encode(&heartbeat(), Version::V2);
        let mut bad = s.encode(&heartbeat(), Version::V2).raw().to_vec();
        let n = bad.len();
        bad[n - 1] ^= 0xFF;
        let mut stream = vec![0x00, 0x13, 0x42, 0x01];
        stream.extend_from_slice(&bad);
        stream.extend_from_slice(good.raw());
        let mut p = FrameParser::new();
        p.push(&stream);
        let f = p.next_frame().expect("good frame found");
        assert_eq!(f.raw(), good.raw());
        assert!(p.next_frame().is_none());
        assert_eq!(p.stats().crc_errors, 1);
        assert_eq!(p.stats().bad_bytes, 4 + bad.len() as u64);
        assert_eq!(f.decode().expect("decodes"), heartbeat());
    }

    #[test]
    fn signed_frames_are_accepted() {
        let mut s = Sender::new(1, 1);
        let f = s.encode(&heartbeat(), Version::V2);
        let mut raw = f.raw().to_vec();
        raw[2] |= IFLAG_SIGNED;
        // Recompute CRC over the changed header.
        let crc_at = raw.len() - 2;
        let mut crc = crc_accumulate_slice(CRC_INIT, &raw[1..crc_at]);
        crc = crc_accumulate(crc, 50);
        raw[crc_at..].copy_from_slice(&crc.to_le_bytes());
        raw.extend_from_slice(&[7u8; SIGNATURE_LEN]);
        let g = Frame::from_bytes(&raw).expect("signed frame parses");
        assert!(g.header().is_signed());
        assert_eq!(g.signature().map(<[u8]>::len), Some(SIGNATURE_LEN));
        assert_eq!(g.decode().expect("decodes"), heartbeat());
    }

    #[test]
    fn unknown_ids_need_a_following_magic_or_datagram_end() {
        let mut s = Sender::new(1, 1);
        let unknown = s
            .encode_raw(60_999, &[1, 2, 3], Version::V2)
            .expect("encodes");
        assert!(!is_known(60_999));
        let mut p = FrameParser::new();
        p.push(unknown.raw());
        assert!(p.next_frame().is_none(), "waits for lookahead");
        p.push(&[MAGIC_V2]);
        assert_eq!(p.next_frame().map(|f| f.header().msgid), Some(60_999));
        let mut q = FrameParser::new();
        q.push_datagram(unknown.raw());
        assert_eq!(q.next_frame().map(|f| f.header().msgid), Some(60_999));
        assert_eq!(q.stats().unknown_frames, 1);
    }

    #[test]
    fn datagram_with_truncated_frame_does_not_block_next() {
        let mut s = Sender::new(1, 1);
        let f = s.encode(&heartbeat(), Version::V2);
        let mut p = FrameParser::new();
        p.push_datagram(&f.raw()[..5]);
        assert!(p.next_frame().is_none());
        assert_eq!(p.pending(), 0);
        p.push_datagram(f.raw());
        assert!(p.next_frame().is_some());
    }

    proptest! {
        #[test]
        fn parser_finds_every_frame_in_noise(
            noise in proptest::collection::vec(any::<u8>(), 0..64),
            chunks in proptest::collection::vec(1usize..40, 1..20),
            count in 1usize..10,
        ) {
            let mut s = Sender::new(3, 1);
            let mut stream = Vec::new();
            let mut frames = Vec::new();
            for i in 0..count {
                // Noise without magic bytes cannot form frames.
                stream.extend(noise.iter().map(|&b| if b >= 0xFD { 0 } else { b }));
                let f = s.encode(&heartbeat(), if i % 2 == 0 { Version::V1 } else { Version::V2 });
                stream.extend_from_slice(f.raw());
                frames.push(f);
            }
            let mut p = FrameParser::new();
            let mut got = Vec::new();
            let mut pos = 0;
            let mut k = 0;
            while pos < stream.len() {
                let n = chunks[k % chunks.len()].min(stream.len() - pos);
                p.push(&stream[pos..pos + n]);
                pos += n;
                k += 1;
                while let Some(f) = p.next_frame() {
                    got.push(f);
                }
            }
            prop_assert_eq!(got, frames);
        }

        #[test]
        fn check_frame_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = check_frame(&bytes);
            let mut p = FrameParser::new();
            p.push(&bytes);
            while p.next_frame().is_some() {}
        }
    }
}
