use super::*;
use crate::protocol::dialect::{self as d, MavMessage};
use crate::protocol::frame::Sender;
use proptest::prelude::*;

/// 2026-11-27 00:00 UTC.
const NOW_US: u64 = 1_795_737_600_000_000;

fn key(p: &str) -> SigningKey {
    SigningKey::from_passphrase(p).expect("key")
}

fn heartbeat(sender: &mut Sender) -> Frame {
    sender.encode(
        &MavMessage::HEARTBEAT(d::HEARTBEAT_DATA::default()),
        Version::V2,
    )
}

fn arm(sender: &mut Sender) -> Frame {
    sender.encode(
        &MavMessage::COMMAND_LONG(d::COMMAND_LONG_DATA {
            target_system: 1,
            target_component: 1,
            command: d::MavCmd::MAV_CMD_COMPONENT_ARM_DISARM,
            param1: 1.0,
            ..Default::default()
        }),
        Version::V2,
    )
}

#[test]
fn passphrase_key_is_sha256_like_mavproxy() {
    // sha256("hello"), the value Python's hashlib gives.
    assert_eq!(
        key("hello").to_hex(),
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    );
    assert_eq!(
        SigningKey::from_passphrase(""),
        Err(SigningError::EmptyPassphrase)
    );
}

#[test]
fn key_files_hex_or_raw_and_clear_errors() {
    let k = key("field team 7");
    let hex = format!("{}\n", k.to_hex());
    assert_eq!(SigningKey::parse(hex.as_bytes()), Ok(k.clone()));
    let spaced: String = k
        .to_hex()
        .as_bytes()
        .chunks(8)
        .map(|c| format!("{} ", String::from_utf8_lossy(c)))
        .collect();
    assert_eq!(SigningKey::parse(spaced.as_bytes()), Ok(k.clone()));
    assert_eq!(SigningKey::parse(k.bytes()), Ok(k.clone()));
    let err = SigningKey::parse(b"0123").expect_err("short");
    assert!(err.to_string().contains("4 bytes"), "{err}");
    assert_eq!(SigningKey::parse(&[0u8; 32]), Err(SigningError::ZeroKey));
    assert_eq!(
        SigningKey::parse("0".repeat(64).as_bytes()),
        Err(SigningError::ZeroKey)
    );
}

#[test]
fn debug_never_shows_the_key() {
    let k = key("secret words");
    let shown = format!("{k:?}");
    assert!(!shown.contains(&k.to_hex()[..16]), "{shown}");
    assert!(shown.contains(&k.fingerprint()), "{shown}");
    assert_eq!(k.fingerprint().len(), 8);
    assert_ne!(k.fingerprint(), key("other words").fingerprint());
}

#[test]
fn timestamps_count_10us_since_2015() {
    assert_eq!(timestamp_from_unix_us(EPOCH_2015_UNIX_US), 0);
    assert_eq!(
        timestamp_from_unix_us(EPOCH_2015_UNIX_US + 1_000_000),
        100_000
    );
    assert_eq!(timestamp_from_unix_us(0), 0);
}

#[test]
fn signed_frame_layout_and_crc() {
    let mut s = Sender::new(255, 190);
    let f = heartbeat(&mut s);
    let signed = sign_frame(&f, &key("k"), 3, 0x0102_0304_0506).expect("sign");
    assert!(signed.header().is_signed());
    assert_eq!(signed.raw().len(), f.raw().len() + SIGNATURE_LEN);
    // The frame still passes the parser's own check (CRC computed with the flag set).
    assert!(Frame::from_bytes(signed.raw()).is_ok());
    let block = signed.signature().expect("signature");
    assert_eq!(block[0], 3);
    assert_eq!(&block[1..7], &[6, 5, 4, 3, 2, 1]);
    // Same payload as before.
    assert_eq!(signed.payload(), f.payload());
    // Signing a MAVLink 1 frame is refused.
    let v1 = s.encode(
        &MavMessage::HEARTBEAT(d::HEARTBEAT_DATA::default()),
        Version::V1,
    );
    assert_eq!(
        sign_frame(&v1, &key("k"), 0, 1).map(|_| ()),
        Err(SigningError::NotV2)
    );
}

#[test]
fn verify_accepts_ours_and_rejects_others_replays_and_old_streams() {
    let k = key("team");
    let mut gcs = SigningState::new(k.clone(), 1);
    let mut vehicle = SigningState::new(k.clone(), 0);
    let mut s = Sender::new(255, 190);
    let f = gcs.sign(&arm(&mut s), NOW_US).expect("sign");
    assert_eq!(vehicle.verify(&f, NOW_US), Verdict::Valid);
    // The same bytes again: a replay.
    assert_eq!(vehicle.verify(&f, NOW_US), Verdict::Replayed);
    // Unsigned.
    assert_eq!(vehicle.verify(&arm(&mut s), NOW_US), Verdict::Unsigned);
    // Signed with another key.
    let mut intruder = SigningState::new(key("guess"), 1);
    let bad = intruder.sign(&arm(&mut s), NOW_US).expect("sign");
    assert_eq!(vehicle.verify(&bad, NOW_US), Verdict::BadSignature);
    // A new stream (other link id) signed two minutes ago: too old.
    let old = sign_frame(
        &arm(&mut s),
        &k,
        9,
        timestamp_from_unix_us(NOW_US - 120_000_000),
    )
    .expect("sign");
    assert_eq!(vehicle.verify(&old, NOW_US), Verdict::TooOld);
    // ... but thirty seconds ago is fine.
    let recent = sign_frame(
        &arm(&mut s),
        &k,
        8,
        timestamp_from_unix_us(NOW_US - 30_000_000),
    )
    .expect("sign");
    assert_eq!(vehicle.verify(&recent, NOW_US), Verdict::Valid);
    let c = vehicle.counters;
    assert_eq!(
        (c.valid, c.replayed, c.unsigned, c.bad_signature, c.too_old),
        (2, 1, 1, 1, 1)
    );
    assert_eq!(c.suspicious(), 4);
    assert_eq!(gcs.counters.signed_out, 1);
}

#[test]
fn strict_acceptance_allows_only_radio_status_unsigned() {
    assert!(Verdict::Valid.accepted_strictly(76));
    assert!(!Verdict::Unsigned.accepted_strictly(76));
    assert!(Verdict::Unsigned.accepted_strictly(109));
    assert!(!Verdict::BadSignature.accepted_strictly(109));
    assert!(!Verdict::Replayed.accepted_strictly(0));
}

#[test]
fn our_timestamps_never_go_back_even_if_the_clock_does() {
    let mut st = SigningState::new(key("k"), 0);
    let mut s = Sender::new(255, 190);
    let a = st.sign(&heartbeat(&mut s), NOW_US).expect("sign");
    let b = st
        .sign(&heartbeat(&mut s), NOW_US - 3_600_000_000)
        .expect("sign");
    assert!(stamp(&b) > stamp(&a));
    assert_eq!(stamp(&a), timestamp_from_unix_us(NOW_US));
}

/// The 48-bit timestamp of a signed frame.
fn stamp(f: &Frame) -> u64 {
    let blk = f.signature().expect("sig");
    let mut t = [0u8; 8];
    t[..6].copy_from_slice(&blk[1..7]);
    u64::from_le_bytes(t)
}

#[test]
fn we_sign_after_the_newest_timestamp_a_correctly_signed_frame_carried() {
    // ArduCopter 4.7 SITL at speedup 5: its signing clock follows the simulated GPS time, 89 s
    // ahead of ours after 22 s. A new stream more than a minute behind it is ignored.
    let k = key("team");
    let ahead_us = NOW_US + 89_000_000;
    let mut vehicle = SigningState::new(k.clone(), 0);
    let mut gcs = SigningState::new(k.clone(), 1);
    let mut vs = Sender::new(1, 1);
    let mut gs = Sender::new(255, 190);
    // Before we hear the vehicle we can only use our clock, and the vehicle refuses it.
    let early = gcs.sign(&arm(&mut gs), NOW_US).expect("sign");
    assert_eq!(stamp(&early), timestamp_from_unix_us(NOW_US));
    let hb = vehicle.sign(&heartbeat(&mut vs), ahead_us).expect("sign");
    let mut check = SigningState::new(k.clone(), 5);
    check.verify(&hb, ahead_us);
    assert_eq!(check.verify(&early, ahead_us), Verdict::TooOld);
    // Once a correctly signed frame from it arrived, we sign after its timestamp.
    assert_eq!(gcs.verify(&hb, NOW_US), Verdict::Valid);
    let next = gcs.sign(&arm(&mut gs), NOW_US + 1_000).expect("sign");
    assert_eq!(stamp(&next), stamp(&hb) + 1);
    let fresh = SigningState::new(k.clone(), 7);
    let mut vehicle_rx = fresh.clone();
    vehicle_rx.verify(&hb, ahead_us);
    assert_eq!(vehicle_rx.verify(&next, ahead_us), Verdict::Valid);
    // And our own clock again once it passes the vehicle's.
    let later_us = ahead_us + 5_000_000;
    let late = gcs.sign(&arm(&mut gs), later_us).expect("sign");
    assert_eq!(stamp(&late), timestamp_from_unix_us(later_us));
}

#[test]
fn only_correctly_signed_frames_move_our_timestamp() {
    // A frame signed with another key (or a forged one) far in the future must not push our
    // clock: anyone could then make us burn timestamps or look like a replay.
    let k = key("team");
    let mut gcs = SigningState::new(k.clone(), 1);
    let mut s = Sender::new(1, 1);
    let far = timestamp_from_unix_us(NOW_US + 3_600_000_000);
    let forged = sign_frame(&heartbeat(&mut s), &key("guess"), 0, far).expect("sign");
    assert_eq!(gcs.verify(&forged, NOW_US), Verdict::BadSignature);
    let mut g = Sender::new(255, 190);
    let f = gcs.sign(&arm(&mut g), NOW_US).expect("sign");
    assert_eq!(stamp(&f), timestamp_from_unix_us(NOW_US));
}

#[test]
fn setup_timestamps_key_now_and_off_zero() {
    let k = key("team");
    assert_eq!(setup_initial_timestamp(Some(&k), 12_345), 12_345);
    assert_eq!(setup_initial_timestamp(None, 12_345), 0);
}

#[test]
fn setup_signing_frames_are_recognised() {
    let mut s = Sender::new(255, 190);
    let f = s.encode(
        &MavMessage::SETUP_SIGNING(d::SETUP_SIGNING_DATA {
            initial_timestamp: 5,
            target_system: 1,
            target_component: 1,
            secret_key: *key("k").bytes(),
        }),
        Version::V2,
    );
    assert!(is_setup_signing(f.raw()));
    assert!(!is_setup_signing(heartbeat(&mut s).raw()));
    assert!(!is_setup_signing(b"\xfd\x01"));
}

proptest! {
    #[test]
    fn any_signed_frame_verifies_and_any_flip_is_caught(
        payload in proptest::collection::vec(any::<u8>(), 1..200),
        msgid in prop_oneof![Just(0u32), Just(76), Just(24), Just(253)],
        flip_at in any::<usize>(),
        bit in 0u8..8,
        link in any::<u8>(),
    ) {
        let k = key("prop");
        let mut s = Sender::new(1, 1);
        let Ok(f) = s.encode_raw(msgid, &payload, Version::V2) else {
            return Ok(());
        };
        let mut tx = SigningState::new(k.clone(), link);
        let signed = tx.sign(&f, NOW_US).expect("sign");
        let mut rx = SigningState::new(k.clone(), 0);
        prop_assert_eq!(rx.verify(&signed, NOW_US), Verdict::Valid);
        // Flip one bit anywhere: either the frame no longer parses (CRC, length, flags) or
        // the signature check fails. Never valid.
        let mut raw = signed.raw().to_vec();
        let i = flip_at % raw.len();
        raw[i] ^= 1 << bit;
        if let Ok(g) = Frame::from_bytes(&raw) {
            let mut fresh = SigningState::new(k, 0);
            prop_assert_ne!(fresh.verify(&g, NOW_US), Verdict::Valid);
        }
    }
}
