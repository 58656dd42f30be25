//! MAVLink bytes: a tlog file and a live link's stream.

use crate::log::index::TlogIndex;
use crate::log::info::summarize;
use crate::log::tlog::{TIMESTAMP_LEN, TlogReader};
use crate::protocol::frame::{Check, Frame, FrameParser, check_frame};
use crate::vehicle::Fleet;

/// The bytes as a `.tlog`: every record the reader yields lies inside the file after the
/// previous one and passes the frame check it was found with; every byte is either in a record
/// or counted as skipped; records decode and feed the vehicle model as a replay does; the time
/// index and the `tlog info` summary read the same records.
pub fn tlog_reader(data: &[u8]) {
    let mut reader = TlogReader::new(data);
    let mut fleet = Fleet::new();
    let (mut records, mut in_records, mut prev_end) = (0u64, 0u64, 0usize);
    for rec in reader.by_ref() {
        let at = usize::try_from(rec.offset).unwrap_or(usize::MAX);
        assert!(
            at >= prev_end,
            "record at {at} overlaps the one ending at {prev_end}"
        );
        let start = at + TIMESTAMP_LEN;
        let end = start + rec.frame.len();
        assert_eq!(data.get(start..end), Some(rec.frame), "record at {at}");
        match check_frame(rec.frame) {
            Check::Valid { header, len, known } => {
                assert_eq!(header, rec.header, "record at {at}: header");
                assert_eq!(len, rec.frame.len(), "record at {at}: length");
                assert_eq!(known, rec.known, "record at {at}: known id");
            }
            other => panic!("record at {at} fails its own frame check: {other:?}"),
        }
        let _ = rec.decode();
        fleet.apply_raw(&rec.header, rec.payload(), rec.t_us);
        fleet.check_timeouts(rec.t_us);
        records += 1;
        in_records += (end - at) as u64;
        prev_end = end;
    }
    let stats = *reader.stats();
    assert_eq!(stats.records, records, "records counted");
    assert_eq!(
        stats.bad_bytes + in_records,
        data.len() as u64,
        "every byte is in a record or skipped: {stats:?}"
    );
    let index = TlogIndex::build(data);
    assert_eq!(index.stats, stats, "the index reads the same records");
    for mark in index.marks() {
        let at = usize::try_from(mark.offset).unwrap_or(usize::MAX);
        let first = TlogReader::at(data, at).next().map(|r| r.offset);
        assert_eq!(first, Some(mark.offset), "a mark points at a record");
    }
    let info = summarize(data);
    assert_eq!(info.stats, stats, "tlog info reads the same records");
    assert_eq!(
        info.message_counts.iter().map(|m| m.count).sum::<u64>(),
        records,
        "message counts add up"
    );
}

/// Chunk sizes 1..=`max` in a pattern seeded by `seed` (a small linear congruential sequence).
fn chunks(stream: &[u8], seed: u8) -> Vec<&[u8]> {
    let max = usize::from(seed % 64) + 1;
    let mut state = u32::from(seed) | 1;
    let mut out = Vec::new();
    let mut rest = stream;
    while !rest.is_empty() {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let n = (usize::try_from(state >> 16).unwrap_or(0) % max + 1).min(rest.len());
        let (head, tail) = rest.split_at(n);
        out.push(head);
        rest = tail;
    }
    out
}

fn drain(parser: &mut FrameParser, frames: &mut Vec<Frame>) {
    while let Some(f) = parser.next_frame() {
        frames.push(f);
    }
}

/// The bytes as a live link delivers them (the first byte picks the chunking): the same frames
/// whether the stream arrives at once or in pieces; every frame passes `Frame::from_bytes` with
/// the header the parser gave and decodes without panicking; bytes in = bytes in frames +
/// skipped + waiting. As UDP datagrams, nothing waits after a datagram is drained.
pub fn frame_parser(data: &[u8]) {
    let Some((&seed, stream)) = data.split_first() else {
        return;
    };
    let mut whole = FrameParser::new();
    whole.push(stream);
    let mut expected = Vec::new();
    drain(&mut whole, &mut expected);

    let mut parser = FrameParser::new();
    let mut frames = Vec::new();
    for chunk in chunks(stream, seed) {
        parser.push(chunk);
        drain(&mut parser, &mut frames);
    }
    let raw = |v: &[Frame]| v.iter().map(|f| f.raw().to_vec()).collect::<Vec<_>>();
    assert_eq!(raw(&frames), raw(&expected), "chunking changed the frames");
    let stats = *parser.stats();
    assert_eq!(stats, *whole.stats(), "chunking changed the counters");
    assert_eq!(stats.bytes, stream.len() as u64);
    assert_eq!(stats.frames, frames.len() as u64);
    let in_frames: u64 = frames.iter().map(|f| f.raw().len() as u64).sum();
    assert_eq!(
        in_frames + stats.bad_bytes + parser.pending() as u64,
        stats.bytes,
        "bytes accounted for: {stats:?}"
    );
    for f in &frames {
        match Frame::from_bytes(f.raw()) {
            Ok(again) => assert_eq!(again.header(), f.header()),
            Err(e) => panic!("the parser yielded a frame failing its own check: {e}"),
        }
        let _ = f.decode();
        let _ = f.name();
    }

    let mut udp = FrameParser::new();
    let mut datagram_frames = Vec::new();
    for chunk in chunks(stream, seed.rotate_left(3)) {
        udp.push_datagram(chunk);
        drain(&mut udp, &mut datagram_frames);
        assert_eq!(udp.pending(), 0, "bytes left waiting after a datagram");
    }
    for f in &datagram_frames {
        assert!(
            Frame::from_bytes(f.raw()).is_ok(),
            "datagram frame fails its check"
        );
    }
}
