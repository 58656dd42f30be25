//! MAVLink 2 message signing, sans-IO: keys, signing outgoing frames and checking incoming
//! ones, as the MAVLink signing specification and ArduPilot/pymavlink do it.
//!
//! A signed frame carries the incompatibility flag `0x01` and 13 more bytes after the CRC:
//! link id (1), timestamp (6, little-endian, units of 10 µs since 2015-01-01 00:00 UTC) and
//! signature (6): the first 48 bits of SHA-256(secret key ‖ every byte of the frame from the
//! magic byte through the timestamp). A receiver accepts a signed frame when the signature
//! matches its key and the timestamp moves forward for that (link id, system, component)
//! stream; a new stream must not be more than a minute older than the newest time seen.
//!
//! Keys are 32 bytes. From a passphrase they are SHA-256 of its UTF-8 bytes, as MAVProxy's
//! `signing setup` does, so both ground stations derive the same key from the same words.

use super::frame::{
    CRC_INIT, Check, Frame, IFLAG_SIGNED, SIGNATURE_LEN, Version, check_frame, crc_accumulate,
    crc_accumulate_slice, crc_extra,
};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// 2015-01-01 00:00:00 UTC in µs since the Unix epoch: the origin of signing timestamps.
pub const EPOCH_2015_UNIX_US: u64 = 1_420_070_400_000_000;
/// A new stream may start at most this far (10 µs units: one minute) behind the newest
/// timestamp seen, as pymavlink and ArduPilot allow.
pub const NEW_STREAM_WINDOW: u64 = 6_000_000;
/// Timestamps are 48-bit.
const TIMESTAMP_MASK: u64 = (1 << 48) - 1;
/// Message ids accepted unsigned even in strict mode: RADIO_STATUS and RADIO, which a
/// telemetry radio inserts itself and cannot sign (ArduPilot accepts them too).
pub const UNSIGNED_ALLOWED: [u32; 2] = [109, 166];
/// SETUP_SIGNING: carries a secret key, so it is never written to a log.
pub const SETUP_SIGNING_ID: u32 = 256;

/// Errors of reading keys and signing frames.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigningError {
    /// A key file that is neither 64 hexadecimal digits nor 32 raw bytes.
    #[error("not a signing key: expected 64 hexadecimal digits (or 32 raw bytes), found {found}")]
    BadKey {
        /// What was found instead (length, never the contents).
        found: String,
    },
    /// An all-zero key: it means "signing off" to a vehicle and protects nothing.
    #[error("the signing key is all zeros, which vehicles take as 'signing off'")]
    ZeroKey,
    /// An empty passphrase.
    #[error("the signing passphrase is empty")]
    EmptyPassphrase,
    /// Only MAVLink 2 frames can be signed.
    #[error("a MAVLink 1 frame cannot be signed")]
    NotV2,
}

/// A 32-byte MAVLink signing secret. Its `Debug` form shows only a fingerprint.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningKey([u8; 32]);

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey(id {})", self.fingerprint())
    }
}

impl SigningKey {
    /// A key from raw bytes; an all-zero key is refused.
    pub fn from_bytes(bytes: [u8; 32]) -> Result<Self, SigningError> {
        if bytes.iter().all(|b| *b == 0) {
            return Err(SigningError::ZeroKey);
        }
        Ok(Self(bytes))
    }

    /// SHA-256 of the passphrase's UTF-8 bytes (MAVProxy's `signing setup PASSPHRASE`).
    pub fn from_passphrase(passphrase: &str) -> Result<Self, SigningError> {
        if passphrase.is_empty() {
            return Err(SigningError::EmptyPassphrase);
        }
        Self::from_bytes(Sha256::digest(passphrase.as_bytes()).into())
    }

    /// Reads a key file: 64 hexadecimal digits (whitespace and a trailing newline allowed),
    /// or exactly 32 raw bytes.
    pub fn parse(data: &[u8]) -> Result<Self, SigningError> {
        let text: Vec<u8> = data
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        if text.len() == 64 && text.iter().all(u8::is_ascii_hexdigit) {
            let mut key = [0u8; 32];
            for (k, pair) in key.iter_mut().zip(text.chunks_exact(2)) {
                let hex = std::str::from_utf8(pair).unwrap_or("00");
                *k = u8::from_str_radix(hex, 16).unwrap_or(0);
            }
            return Self::from_bytes(key);
        }
        if let Ok(raw) = <[u8; 32]>::try_from(data) {
            return Self::from_bytes(raw);
        }
        Err(SigningError::BadKey {
            found: format!("{} bytes", data.len()),
        })
    }

    /// The key as 64 lowercase hexadecimal digits (the key file format).
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The secret bytes.
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// A short public identifier (8 hex digits of a hash of the key) to compare keys
    /// between machines without showing them.
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"steppe signing key id");
        h.update(self.0);
        h.finalize()
            .iter()
            .take(4)
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// A signing timestamp (10 µs units since 2015) from µs since the Unix epoch.
pub fn timestamp_from_unix_us(unix_us: u64) -> u64 {
    (unix_us.saturating_sub(EPOCH_2015_UNIX_US) / 10) & TIMESTAMP_MASK
}

/// The 6-byte signature of `signed` (the frame from its magic byte through the timestamp).
pub fn signature_of(key: &SigningKey, signed: &[u8]) -> [u8; 6] {
    let mut h = Sha256::new();
    h.update(key.0);
    h.update(signed);
    let d = h.finalize();
    let mut sig = [0u8; 6];
    sig.copy_from_slice(d.get(..6).unwrap_or(&[0; 6]));
    sig
}

/// Signs a MAVLink 2 frame: sets the signed flag, recomputes the CRC and appends link id,
/// timestamp and signature. A frame that is already signed is re-signed.
pub fn sign_frame(
    frame: &Frame,
    key: &SigningKey,
    link_id: u8,
    timestamp: u64,
) -> Result<Frame, SigningError> {
    let h = frame.header();
    if h.version != Version::V2 {
        return Err(SigningError::NotV2);
    }
    let body_len = frame.raw().len() - if h.is_signed() { SIGNATURE_LEN } else { 0 };
    let crc_at = body_len.saturating_sub(2);
    let mut raw = frame.raw().get(..crc_at).unwrap_or_default().to_vec();
    if let Some(flags) = raw.get_mut(2) {
        *flags |= IFLAG_SIGNED;
    }
    let mut crc = crc_accumulate_slice(CRC_INIT, raw.get(1..).unwrap_or_default());
    crc = crc_accumulate(crc, crc_extra(h.msgid));
    raw.extend_from_slice(&crc.to_le_bytes());
    raw.push(link_id);
    raw.extend_from_slice(&(timestamp & TIMESTAMP_MASK).to_le_bytes()[..6]);
    let sig = signature_of(key, &raw);
    raw.extend_from_slice(&sig);
    Frame::from_bytes(&raw).map_err(|_| SigningError::NotV2)
}

/// How a ground station signs: the key, and whether frames that are not correctly signed
/// are ignored (strict) or accepted and flagged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningConfig {
    /// The shared secret.
    pub key: SigningKey,
    /// Ignore unsigned and badly signed frames (RADIO_STATUS excepted) instead of flagging them.
    pub strict: bool,
}

/// What a receiver made of one incoming frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Signed with our key, timestamp moving forward.
    Valid,
    /// No signature (MAVLink 1, or MAVLink 2 without the flag).
    Unsigned,
    /// Signed, but not with our key (or altered after signing).
    BadSignature,
    /// Signed with our key, but its timestamp is not after the last one of its stream: a
    /// replayed frame.
    Replayed,
    /// A new stream whose timestamp is more than a minute behind the newest time seen.
    TooOld,
}

impl Verdict {
    /// Whether a strict receiver acts on a frame with this verdict and message id.
    pub fn accepted_strictly(self, msgid: u32) -> bool {
        self == Verdict::Valid || (self == Verdict::Unsigned && UNSIGNED_ALLOWED.contains(&msgid))
    }

    /// Words for the operator.
    pub fn describe(self) -> &'static str {
        match self {
            Verdict::Valid => "correctly signed",
            Verdict::Unsigned => "unsigned",
            Verdict::BadSignature => "signed with another key",
            Verdict::Replayed => "replayed (old signature timestamp)",
            Verdict::TooOld => "signed with a timestamp over a minute old",
        }
    }
}

/// Counts of incoming verdicts on one link.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SigningCounters {
    /// Frames signed with our key.
    pub valid: u64,
    /// Frames without a signature.
    pub unsigned: u64,
    /// Frames signed with another key or altered.
    pub bad_signature: u64,
    /// Frames whose timestamp did not move forward.
    pub replayed: u64,
    /// New streams with a timestamp over a minute old.
    pub too_old: u64,
    /// Frames ignored because the link is strict.
    pub ignored: u64,
    /// Frames we signed.
    pub signed_out: u64,
}

impl SigningCounters {
    /// Incoming frames that were not correctly signed.
    pub fn suspicious(&self) -> u64 {
        self.unsigned + self.bad_signature + self.replayed + self.too_old
    }
}

/// Signing state of one link (or of one vehicle in the simulator): our link id, our
/// timestamp, the last timestamp of every incoming stream, and counters.
///
/// Our timestamp is the later of our own clock and the newest timestamp of a correctly signed
/// frame received on the link, plus one: the specification's rule that a signer never sends a
/// timestamp lower than one it has seen. It matters against a vehicle whose clock runs ahead:
/// ArduCopter 4.7 SITL at speedup 5 follows its simulated GPS time and was 89 s ahead after
/// 22 s, so a new stream stamped with our clock alone was over a minute old to it and every
/// command was ignored.
#[derive(Debug, Clone)]
pub struct SigningState {
    key: SigningKey,
    link_id: u8,
    /// Our current timestamp (10 µs units since 2015): never goes back.
    timestamp: u64,
    streams: BTreeMap<(u8, u8, u8), u64>,
    /// What was seen and sent.
    pub counters: SigningCounters,
}

impl SigningState {
    /// A state for signing with `key` as link `link_id`.
    pub fn new(key: SigningKey, link_id: u8) -> Self {
        Self {
            key,
            link_id,
            timestamp: 0,
            streams: BTreeMap::new(),
            counters: SigningCounters::default(),
        }
    }

    /// The key in use.
    pub fn key(&self) -> &SigningKey {
        &self.key
    }

    /// Our current timestamp.
    pub fn timestamp(&self) -> u64 {
        self.timestamp
    }

    /// Moves our timestamp to at least `timestamp` (a vehicle keeps the one SETUP_SIGNING
    /// gave it, so a vehicle without a clock does not go back after a reboot).
    pub fn advance_to(&mut self, timestamp: u64) {
        self.timestamp = self.timestamp.max(timestamp & TIMESTAMP_MASK);
    }

    fn tick(&mut self, unix_us: u64) -> u64 {
        let now = timestamp_from_unix_us(unix_us);
        self.timestamp = (self.timestamp + 1).max(now) & TIMESTAMP_MASK;
        self.timestamp
    }

    /// Signs an outgoing MAVLink 2 frame with a timestamp after every earlier one.
    pub fn sign(&mut self, frame: &Frame, unix_us: u64) -> Result<Frame, SigningError> {
        let ts = self.tick(unix_us);
        let f = sign_frame(frame, &self.key, self.link_id, ts)?;
        self.counters.signed_out += 1;
        Ok(f)
    }

    /// Checks an incoming frame and counts the verdict. Only a valid frame moves its
    /// stream's timestamp and ours.
    pub fn verify(&mut self, frame: &Frame, unix_us: u64) -> Verdict {
        let v = self.judge(frame, unix_us);
        let c = &mut self.counters;
        match v {
            Verdict::Valid => c.valid += 1,
            Verdict::Unsigned => c.unsigned += 1,
            Verdict::BadSignature => c.bad_signature += 1,
            Verdict::Replayed => c.replayed += 1,
            Verdict::TooOld => c.too_old += 1,
        }
        v
    }

    fn judge(&mut self, frame: &Frame, unix_us: u64) -> Verdict {
        let Some(block) = frame.signature() else {
            return Verdict::Unsigned;
        };
        let raw = frame.raw();
        let signed = raw.get(..raw.len().saturating_sub(6)).unwrap_or_default();
        let got = block.get(7..13).unwrap_or_default();
        if signature_of(&self.key, signed) != got {
            return Verdict::BadSignature;
        }
        let link = block.first().copied().unwrap_or(0);
        let mut ts_bytes = [0u8; 8];
        ts_bytes[..6].copy_from_slice(block.get(1..7).unwrap_or(&[0; 6]));
        let ts = u64::from_le_bytes(ts_bytes);
        self.timestamp = self.timestamp.max(timestamp_from_unix_us(unix_us));
        let h = frame.header();
        let stream = (link, h.sysid, h.compid);
        match self.streams.get(&stream) {
            Some(last) if ts <= *last => return Verdict::Replayed,
            None if ts + NEW_STREAM_WINDOW < self.timestamp => return Verdict::TooOld,
            _ => {}
        }
        self.streams.insert(stream, ts);
        self.timestamp = self.timestamp.max(ts);
        Verdict::Valid
    }
}

/// The `initial_timestamp` of a SETUP_SIGNING: `now` (the link's timestamp, never behind what
/// was seen on it) for a key, and 0 with the empty key, which is how signing is turned off:
/// ArduPilot turns it off only when key and timestamp are both zero, and otherwise goes on
/// signing with the all-zero key (MAVProxy's `signing remove` sends zeros too).
pub fn setup_initial_timestamp(key: Option<&SigningKey>, now: u64) -> u64 {
    if key.is_some() {
        now & TIMESTAMP_MASK
    } else {
        0
    }
}

/// Whether `bytes` hold exactly one frame carrying SETUP_SIGNING (which holds a secret key).
pub fn is_setup_signing(raw: &[u8]) -> bool {
    matches!(check_frame(raw), Check::Valid { header, .. } if header.msgid == SETUP_SIGNING_ID)
}

#[cfg(test)]
#[path = "signing_tests.rs"]
mod tests;
