//! Tests of the frame codec.

use super::*;
use crate::protocol::dialect::{HEARTBEAT_DATA, MavAutopilot, MavModeFlag, MavState, MavType};
use crate::protocol::frame::{crc_accumulate, crc_accumulate_slice};
use proptest::prelude::*;

fn reference_crc(bytes: &[u8]) -> u16 {
    // The bit-by-bit algorithm from the MAVLink C library (crc_accumulate in checksum.h).
    let mut crc: u16 = 0xFFFF;
    for &b in bytes {
        let mut tmp = b ^ (crc & 0xFF) as u8;
        tmp ^= tmp << 4;
        crc = (crc >> 8) ^ (u16::from(tmp) << 8) ^ (u16::from(tmp) << 3) ^ (u16::from(tmp) >> 4);
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
