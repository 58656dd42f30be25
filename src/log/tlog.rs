//! The `.tlog` telemetry log format, read the way users actually have the files.
//!
//! A tlog is a plain sequence of records: 8 bytes of microseconds since the Unix epoch
//! (big-endian) followed by one raw MAVLink frame. There is no file header. Real files also hold
//! MAVLink 1 and 2 frames mixed, signed frames, garbage and bad-checksum records, leading junk,
//! a truncated last record (the laptop died), and timestamps written little-endian by some
//! tools. [`TlogReader`] reads all of that to the end and counts what it had to skip.

use crate::protocol::frame::{Check, FrameHeader, Invalid, MAGIC_V1, MAGIC_V2, check_frame};
use std::io::{self, Write};

/// Length of the timestamp that precedes each frame.
pub const TIMESTAMP_LEN: usize = 8;

/// How many unknown-id records in a row may vouch for each other (see `record_follows`).
const UNKNOWN_CHAIN: u8 = 8;

/// Timestamps between 2000-01-01 and 2100-01-01 count as plausible.
const PLAUSIBLE_US: std::ops::Range<u64> = 946_684_800_000_000..4_102_444_800_000_000;

/// A forward jump between records larger than this is checked against the next record.
const JUMP_CHECK_US: u64 = 3_600_000_000;

/// The plausible readings of an 8-byte stamp, big-endian then little-endian.
fn stamp_orders(raw: &[u8]) -> [Option<u64>; 2] {
    let mut b = [0u8; 8];
    if raw.len() >= 8 {
        b.copy_from_slice(&raw[..8]);
    }
    let ok = |v: u64| PLAUSIBLE_US.contains(&v).then_some(v);
    [ok(u64::from_be_bytes(b)), ok(u64::from_le_bytes(b))]
}

/// One record of a tlog: the time it was written and the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TlogRecord<'a> {
    /// Microseconds since the Unix epoch.
    pub t_us: u64,
    /// Byte offset of the record (its timestamp) in the file.
    pub offset: u64,
    /// Frame header.
    pub header: FrameHeader,
    /// Raw frame bytes.
    pub frame: &'a [u8],
    /// False when the message id is outside the dialect (checksum not verifiable).
    pub known: bool,
}

impl TlogRecord<'_> {
    /// The frame's payload bytes.
    pub fn payload(&self) -> &[u8] {
        let start = match self.header.version {
            crate::protocol::frame::Version::V1 => 6,
            crate::protocol::frame::Version::V2 => 10,
        };
        self.frame
            .get(start..start + usize::from(self.header.payload_len))
            .unwrap_or(&[])
    }

    /// Decodes the frame into a typed message.
    pub fn decode(
        &self,
    ) -> Result<crate::protocol::dialect::MavMessage, crate::protocol::frame::FrameError> {
        crate::protocol::frame::decode_payload(&self.header, self.payload())
    }
}

/// What the reader skipped or repaired.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TlogStats {
    /// Records delivered.
    pub records: u64,
    /// Bytes that belonged to no record (garbage, bad records, leading junk, truncated tail).
    pub bad_bytes: u64,
    /// Candidate frames with a failed checksum.
    pub crc_errors: u64,
    /// Records with message ids outside the dialect.
    pub unknown_frames: u64,
    /// Records whose timestamp was little-endian.
    pub little_endian_timestamps: u64,
    /// Records whose timestamp is implausible in both byte orders (kept as big-endian).
    pub implausible_timestamps: u64,
    /// MAVLink 1 records.
    pub v1_frames: u64,
    /// Signed MAVLink 2 records.
    pub signed_frames: u64,
    /// Bytes of an incomplete last record (0 if the file ends cleanly).
    pub truncated_tail_bytes: u64,
}

/// Iterates over the records of a tlog held in memory.
#[derive(Debug, Clone)]
pub struct TlogReader<'a> {
    data: &'a [u8],
    pos: usize,
    stats: TlogStats,
    last_t_us: Option<u64>,
}

impl<'a> TlogReader<'a> {
    /// A reader over the whole file contents.
    pub fn new(data: &'a [u8]) -> Self {
        Self::at(data, 0)
    }

    /// A reader starting at byte `offset` (which should be a record start from an index).
    pub fn at(data: &'a [u8], offset: usize) -> Self {
        Self {
            data,
            pos: offset.min(data.len()),
            stats: TlogStats::default(),
            last_t_us: None,
        }
    }

    /// Counters so far.
    pub fn stats(&self) -> &TlogStats {
        &self.stats
    }

    /// Byte offset of the next record.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The stamp of the record at `at` (its frame ends at `next`, where the next record
    /// should start). A jump of more than [`JUMP_CHECK_US`] after the previous record is
    /// believed only when the next record's stamp agrees with it (a session appended days
    /// later); a lone far jump is a corrupted stamp (outside the checksum) and keeps the
    /// previous time, so one bad stamp cannot move the rest of the log into the future.
    fn timestamp(&mut self, at: usize, next: usize) -> u64 {
        let prev = self.last_t_us;
        let t = self.read_stamp(at);
        match prev {
            Some(p) if t > p.saturating_add(JUMP_CHECK_US) => {
                let confirmed = match self.data.get(next..next + TIMESTAMP_LEN) {
                    None => true,
                    Some(raw) => stamp_orders(raw)
                        .into_iter()
                        .flatten()
                        .any(|n| n.abs_diff(t) <= JUMP_CHECK_US),
                };
                if confirmed {
                    t
                } else {
                    self.stats.implausible_timestamps += 1;
                    self.last_t_us = Some(p);
                    p
                }
            }
            _ => t,
        }
    }

    fn read_stamp(&mut self, at: usize) -> u64 {
        let mut b = [0u8; 8];
        b.copy_from_slice(&self.data[at..at + TIMESTAMP_LEN]);
        let be = u64::from_be_bytes(b);
        let le = u64::from_le_bytes(b);
        let (be_ok, le_ok) = (PLAUSIBLE_US.contains(&be), PLAUSIBLE_US.contains(&le));
        // Both orders can be plausible (a time whose low byte is 0 and next byte 3..14 reads as
        // a year 2030-2100 big-endian): the one nearer the previous record wins.
        let prefer_le = match (be_ok, le_ok, self.last_t_us) {
            (true, true, Some(prev)) => le.abs_diff(prev) < be.abs_diff(prev),
            (false, true, _) => true,
            _ => false,
        };
        if prefer_le {
            self.stats.little_endian_timestamps += 1;
            self.last_t_us = Some(le);
            return le;
        }
        if be_ok {
            self.last_t_us = Some(be);
        } else {
            self.stats.implausible_timestamps += 1;
        }
        be
    }

    /// Record candidate at `at`: Some(len, header, known) when a frame validates there.
    fn candidate(&mut self, at: usize) -> Candidate {
        let Some(frame_bytes) = self.data.get(at + TIMESTAMP_LEN..) else {
            return Candidate::End;
        };
        match check_frame(frame_bytes) {
            Check::Valid { header, len, known } => {
                // An unknown id cannot be checksummed: trust it only if a valid record
                // follows right after it, or the file ends there.
                if !known && !self.record_follows(at + TIMESTAMP_LEN + len, UNKNOWN_CHAIN) {
                    return Candidate::No;
                }
                Candidate::Yes { header, len, known }
            }
            Check::Incomplete { .. } => Candidate::Truncated,
            Check::Invalid(Invalid::BadCrc) => {
                self.stats.crc_errors += 1;
                Candidate::No
            }
            Check::Invalid(_) => Candidate::No,
        }
    }
}

enum Candidate {
    Yes {
        header: FrameHeader,
        len: usize,
        known: bool,
    },
    No,
    Truncated,
    End,
}

impl<'a> Iterator for TlogReader<'a> {
    type Item = TlogRecord<'a>;

    fn next(&mut self) -> Option<TlogRecord<'a>> {
        loop {
            let remaining = self.data.len() - self.pos;
            if remaining <= TIMESTAMP_LEN {
                if remaining > 0 {
                    self.stats.truncated_tail_bytes += remaining as u64;
                    self.stats.bad_bytes += remaining as u64;
                    self.pos = self.data.len();
                }
                return None;
            }
            let magic = self.data[self.pos + TIMESTAMP_LEN];
            let cand = if magic == MAGIC_V1 || magic == MAGIC_V2 {
                self.candidate(self.pos)
            } else {
                Candidate::No
            };
            match cand {
                Candidate::Yes { header, len, known } => {
                    let at = self.pos;
                    let t_us = self.timestamp(at, at + TIMESTAMP_LEN + len);
                    let start = at + TIMESTAMP_LEN;
                    self.pos = start + len;
                    self.stats.records += 1;
                    if !known {
                        self.stats.unknown_frames += 1;
                    }
                    if header.version == crate::protocol::frame::Version::V1 {
                        self.stats.v1_frames += 1;
                    }
                    if header.is_signed() {
                        self.stats.signed_frames += 1;
                    }
                    return Some(TlogRecord {
                        t_us,
                        offset: at as u64,
                        header,
                        frame: &self.data[start..start + len],
                        known,
                    });
                }
                Candidate::Truncated if !self.whole_record_follows() => {
                    let n = self.data.len() - self.pos;
                    self.stats.truncated_tail_bytes += n as u64;
                    self.stats.bad_bytes += n as u64;
                    self.pos = self.data.len();
                    return None;
                }
                Candidate::End => return None,
                Candidate::No | Candidate::Truncated => {
                    // Skip to the next position where a magic byte could follow a timestamp.
                    match self.resync_target() {
                        Some(next) => {
                            self.stats.bad_bytes += (next - self.pos) as u64;
                            self.pos = next;
                        }
                        None => {
                            let n = self.data.len() - self.pos;
                            self.stats.bad_bytes += n as u64;
                            self.pos = self.data.len();
                            return None;
                        }
                    }
                }
            }
        }
    }
}

impl TlogReader<'_> {
    /// True when the data at `next` is a record whose frame checks (a known id with a good
    /// checksum, or up to `depth` more unknown ids each followed by one), a truncated last
    /// record, or the end of the file. Garbage that merely contains a magic byte at the right
    /// place does not count: an unknown id (3 random bytes in MAVLink 2) followed by it would
    /// otherwise become an invented record.
    fn record_follows(&self, next: usize, depth: u8) -> bool {
        let Some(rest) = self.data.get(next + TIMESTAMP_LEN..) else {
            return next == self.data.len();
        };
        match check_frame(rest) {
            Check::Valid { known: true, .. } | Check::Incomplete { .. } => true,
            Check::Valid {
                known: false, len, ..
            } => depth > 0 && self.record_follows(next + TIMESTAMP_LEN + len, depth - 1),
            Check::Invalid(_) => false,
        }
    }

    /// Next record start after `pos` whose byte 8 is a magic byte.
    /// True if a complete record starts anywhere after the current position: otherwise a
    /// record cut short here is the file's truncated tail, however many magic-looking bytes
    /// its partial frame happens to contain.
    fn whole_record_follows(&self) -> bool {
        let mut probe = self.clone();
        while let Some(next) = probe.resync_target() {
            probe.pos = next;
            if matches!(probe.candidate(next), Candidate::Yes { .. }) {
                return true;
            }
        }
        false
    }

    fn resync_target(&self) -> Option<usize> {
        let from = self.pos + TIMESTAMP_LEN + 1;
        let rest = self.data.get(from..)?;
        rest.iter()
            .position(|&b| b == MAGIC_V1 || b == MAGIC_V2)
            .map(|i| from + i - TIMESTAMP_LEN)
    }
}

/// Writes one record (big-endian timestamp + frame) to `out`.
pub fn write_record(out: &mut impl Write, t_us: u64, frame: &[u8]) -> io::Result<()> {
    out.write_all(&t_us.to_be_bytes())?;
    out.write_all(frame)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::dialect::{MavMessage, SYSTEM_TIME_DATA};
    use crate::protocol::frame::{Sender, Version};
    use proptest::prelude::*;

    const T0: u64 = 1_700_000_000_000_000;

    fn frame(i: u64, v: Version) -> Vec<u8> {
        let mut s = Sender::new(1, 1);
        s.seq = i as u8;
        s.encode(
            &MavMessage::SYSTEM_TIME(SYSTEM_TIME_DATA {
                time_unix_usec: T0 + i,
                time_boot_ms: i as u32,
            }),
            v,
        )
        .raw()
        .to_vec()
    }

    fn log(n: u64) -> Vec<u8> {
        let mut out = Vec::new();
        for i in 0..n {
            let v = if i % 3 == 0 { Version::V1 } else { Version::V2 };
            write_record(&mut out, T0 + i * 1000, &frame(i, v)).expect("vec write");
        }
        out
    }

    #[test]
    fn reads_clean_log() {
        let data = log(50);
        let mut r = TlogReader::new(&data);
        let recs: Vec<_> = r.by_ref().collect();
        assert_eq!(recs.len(), 50);
        assert_eq!(recs[7].t_us, T0 + 7000);
        assert_eq!(r.stats().bad_bytes, 0);
        assert_eq!(r.stats().v1_frames, 17);
    }

    #[test]
    fn truncated_tail_and_leading_junk() {
        let mut data = vec![1, 2, 3, 0xFE, 9];
        data.extend(log(10));
        data.truncate(data.len() - 3);
        let mut r = TlogReader::new(&data);
        assert_eq!(r.by_ref().count(), 9);
        assert!(r.stats().truncated_tail_bytes > 0);
        assert_eq!(r.position(), data.len());
    }

    #[test]
    fn a_cut_last_record_is_the_tail_even_with_magic_bytes_inside() {
        // A GLOBAL_POSITION_INT cut after 24 of its 40 bytes, whose payload holds 0xFD and
        // 0xFE bytes (seen in a recording stopped by a full disk).
        let mut data = log(3);
        let mut cut = T0.to_be_bytes().to_vec();
        cut.extend([
            0xFD, 28, 0, 0, 7, 1, 1, 33, 0, 0, 0xFE, 0xFD, 3, 0xFE, 9, 9, 1, 2, 3, 4, 5, 6, 7, 8,
        ]);
        let whole = data.len();
        data.extend(&cut);
        let mut r = TlogReader::new(&data);
        assert_eq!(r.by_ref().count(), 3);
        assert_eq!(r.stats().truncated_tail_bytes, (data.len() - whole) as u64);
        assert_eq!(r.stats().bad_bytes, r.stats().truncated_tail_bytes);
    }

    #[test]
    fn little_endian_timestamps() {
        let mut data = Vec::new();
        data.extend_from_slice(&(T0 + 5).to_le_bytes());
        data.extend(frame(0, Version::V2));
        let mut r = TlogReader::new(&data);
        assert_eq!(r.next().map(|x| x.t_us), Some(T0 + 5));
        assert_eq!(r.stats().little_endian_timestamps, 1);
    }

    #[test]
    fn a_lone_far_future_stamp_keeps_the_time_and_an_appended_session_moves_it() {
        let day = 86_400_000_000u64;
        let stamps = [
            T0,
            T0 + 1_000,
            T0 + 35 * 365 * day,
            T0 + 2_000,
            T0 + 3 * day,
            T0 + 3 * day + 1_000,
        ];
        let mut data = Vec::new();
        for (i, t) in stamps.iter().enumerate() {
            write_record(&mut data, *t, &frame(i as u64, Version::V2)).expect("vec write");
        }
        let mut r = TlogReader::new(&data);
        let times: Vec<u64> = r.by_ref().map(|x| x.t_us).collect();
        // The bit-flipped stamp keeps the previous time; the session three days later (two
        // records that agree) is believed; the last record, with nothing after it, too.
        assert_eq!(
            times,
            vec![
                T0,
                T0 + 1_000,
                T0 + 1_000,
                T0 + 2_000,
                T0 + 3 * day,
                T0 + 3 * day + 1_000
            ]
        );
        assert_eq!(r.stats().implausible_timestamps, 1);
        assert_eq!(r.stats().records, 6);
    }

    /// A MAVLink 2 frame with id 0xF60024 (outside any dialect) and a made-up checksum.
    fn unknown_frame() -> Vec<u8> {
        let mut f = vec![MAGIC_V2, 12, 0, 0, 7, 1, 1, 0x24, 0x00, 0xF6];
        f.extend([0x5A; 12]);
        f.extend([0x12, 0x34]);
        f
    }

    #[test]
    fn unknown_ids_need_a_valid_record_after_them() {
        // Between two real records: the unknown frame, then garbage holding a magic byte.
        let mut data = Vec::new();
        write_record(&mut data, T0, &frame(0, Version::V2)).expect("vec write");
        write_record(&mut data, T0 + 1, &unknown_frame()).expect("vec write");
        data.extend([9, 9, 9, 9, 9, 9, 9, 9, MAGIC_V2, 3, 3]);
        write_record(&mut data, T0 + 2, &frame(1, Version::V2)).expect("vec write");
        let mut r = TlogReader::new(&data);
        assert_eq!(r.by_ref().count(), 2);
        assert_eq!(r.stats().unknown_frames, 0);
        // Followed by a real record (or a chain of unknown ones, or the end): kept.
        let mut data = Vec::new();
        for i in 0..3 {
            write_record(&mut data, T0 + i, &unknown_frame()).expect("vec write");
        }
        write_record(&mut data, T0 + 3, &frame(1, Version::V2)).expect("vec write");
        write_record(&mut data, T0 + 4, &unknown_frame()).expect("vec write");
        let mut r = TlogReader::new(&data);
        assert_eq!(r.by_ref().count(), 5);
        assert_eq!(r.stats().unknown_frames, 4);
    }

    #[test]
    fn ambiguous_timestamp_takes_the_order_nearer_the_previous_record() {
        // 2021-12-02: low byte 0, next byte 0x0C, so the little-endian bytes also read as a
        // plausible big-endian time (in 2080).
        let t: u64 = 1_638_462_404_496_384;
        assert!(PLAUSIBLE_US.contains(&u64::from_be_bytes(t.to_le_bytes())));
        let mut data = Vec::new();
        write_record(&mut data, t - 1000, &frame(0, Version::V2)).expect("vec write");
        data.extend_from_slice(&t.to_le_bytes());
        data.extend(frame(1, Version::V2));
        let times: Vec<u64> = TlogReader::new(&data).map(|r| r.t_us).collect();
        assert_eq!(times, [t - 1000, t]);
    }

    proptest! {
        #[test]
        fn damaged_logs_keep_every_intact_record(
            cuts in proptest::collection::vec((0usize..2000, any::<u8>()), 0..8),
        ) {
            let clean = log(40);
            let mut data = clean.clone();
            for (at, b) in &cuts {
                let at = at % data.len();
                data[at] ^= b | 1;
            }
            let n = TlogReader::new(&data).count();
            // Each damaged byte can destroy at most two records (the one it lands in, and a
            // neighbour whose boundary is misread); no panic, no infinite loop.
            prop_assert!(n + 2 * cuts.len() >= 40, "{} records", n);
        }

        #[test]
        fn never_panics(data in proptest::collection::vec(any::<u8>(), 0..600)) {
            let mut r = TlogReader::new(&data);
            while r.next().is_some() {}
            prop_assert_eq!(r.position(), data.len());
        }
    }
}
