//! A time index over a tlog: open a log once, then reach any instant at once.
//!
//! One sequential pass over the records notes a *mark* (log time, byte offset) at least every
//! [`MARK_INTERVAL_US`] of log time, so the index stays a few kilobytes per hour of log while a
//! seek scans at most that much log. Log time is made monotonic: a record stamped earlier than
//! the one before it (a clock step on the recording laptop) or with an implausible stamp keeps
//! the time reached so far, so the timeline never runs backwards.

use super::tlog::{TlogReader, TlogStats};

/// Log time between marks, microseconds.
pub const MARK_INTERVAL_US: u64 = 1_000_000;

/// Timestamps between 2000-01-01 and 2100-01-01 count as plausible (as the reader decides).
const PLAUSIBLE_US: std::ops::Range<u64> = 946_684_800_000_000..4_102_444_800_000_000;

/// One point of the index: the record at `offset` is the first one at or after `t_us`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    /// Monotonic log time of the record, microseconds since the Unix epoch.
    pub t_us: u64,
    /// Byte offset of the record in the file.
    pub offset: u64,
}

/// The time index of one tlog.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlogIndex {
    marks: Vec<Mark>,
    /// Time of the first record (µs since the Unix epoch), 0 for an empty log.
    pub start_us: u64,
    /// Time of the last record, 0 for an empty log.
    pub end_us: u64,
    /// What the reader skipped on the way.
    pub stats: TlogStats,
    /// Byte length of the indexed data.
    pub len_bytes: u64,
}

/// The monotonic log time of a record stamped `t_us` after a record at `prev_us` (0 before the
/// first plausible one).
pub fn monotonic_us(prev_us: u64, t_us: u64) -> u64 {
    if PLAUSIBLE_US.contains(&t_us) {
        prev_us.max(t_us)
    } else {
        prev_us
    }
}

impl TlogIndex {
    /// Indexes the whole log in one pass.
    pub fn build(data: &[u8]) -> Self {
        let mut reader = TlogReader::new(data);
        let mut marks: Vec<Mark> = Vec::new();
        let mut prev_us = 0u64;
        let mut first_us = None;
        for rec in reader.by_ref() {
            let t_us = monotonic_us(prev_us, rec.t_us);
            if t_us == 0 {
                // No plausible time yet: nothing to place on a timeline.
                continue;
            }
            first_us.get_or_insert(t_us);
            let due = marks
                .last()
                .is_none_or(|m| t_us >= m.t_us.saturating_add(MARK_INTERVAL_US));
            if due {
                marks.push(Mark {
                    t_us,
                    offset: rec.offset,
                });
            }
            prev_us = t_us;
        }
        Self {
            marks,
            start_us: first_us.unwrap_or(0),
            end_us: prev_us,
            stats: *reader.stats(),
            len_bytes: data.len() as u64,
        }
    }

    /// Length of the log in time, microseconds.
    pub fn duration_us(&self) -> u64 {
        self.end_us.saturating_sub(self.start_us)
    }

    /// True when the log holds no record with a plausible time.
    pub fn is_empty(&self) -> bool {
        self.marks.is_empty()
    }

    /// The marks, in time order.
    pub fn marks(&self) -> &[Mark] {
        &self.marks
    }

    /// The last mark at or before `t_us` (the first mark when `t_us` is earlier): reading from
    /// its offset reaches `t_us` after at most [`MARK_INTERVAL_US`] of log.
    pub fn mark_before(&self, t_us: u64) -> Option<Mark> {
        let after = self.marks.partition_point(|m| m.t_us <= t_us);
        self.marks
            .get(after.saturating_sub(1))
            .copied()
            .or_else(|| self.marks.first().copied())
    }

    /// Heap bytes held by the index.
    pub fn heap_bytes(&self) -> usize {
        self.marks.capacity() * std::mem::size_of::<Mark>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::tlog::write_record;
    use crate::protocol::dialect::{MavMessage, SYSTEM_TIME_DATA};
    use crate::protocol::frame::{Sender, Version};

    fn frame(i: u8) -> Vec<u8> {
        let mut s = Sender::new(1, 1);
        s.seq = i;
        let m = MavMessage::SYSTEM_TIME(SYSTEM_TIME_DATA {
            time_unix_usec: 0,
            time_boot_ms: u32::from(i),
        });
        s.encode(&m, Version::V2).raw().to_vec()
    }

    const T0: u64 = 1_700_000_000_000_000;

    fn log(times: &[u64]) -> Vec<u8> {
        let mut out = Vec::new();
        for (i, t) in times.iter().enumerate() {
            write_record(&mut out, *t, &frame(i as u8)).unwrap();
        }
        out
    }

    #[test]
    fn marks_once_a_second_and_seek_finds_the_right_record() {
        let times: Vec<u64> = (0..100).map(|i| T0 + i * 250_000).collect();
        let data = log(&times);
        let idx = TlogIndex::build(&data);
        assert_eq!(idx.start_us, T0);
        assert_eq!(idx.end_us, T0 + 99 * 250_000);
        assert_eq!(idx.marks().len(), 25);
        let m = idx.mark_before(T0 + 10_100_000).unwrap();
        assert_eq!(m.t_us, T0 + 10_000_000);
        // Reading from the mark gives the record stamped at the mark.
        let rec = TlogReader::at(&data, m.offset as usize).next().unwrap();
        assert_eq!(rec.t_us, m.t_us);
        assert_eq!(idx.mark_before(0).unwrap().t_us, T0);
        assert_eq!(idx.mark_before(u64::MAX).unwrap().t_us, T0 + 24_000_000);
    }

    #[test]
    fn time_never_runs_backwards_and_junk_times_are_ignored() {
        let data = log(&[T0, T0 + 2_000_000, T0 + 500_000, 5, T0 + 3_000_000]);
        let idx = TlogIndex::build(&data);
        let times: Vec<u64> = idx.marks().iter().map(|m| m.t_us).collect();
        assert_eq!(times, vec![T0, T0 + 2_000_000, T0 + 3_000_000]);
        assert_eq!(idx.duration_us(), 3_000_000);
    }

    #[test]
    fn empty_and_junk_logs_have_empty_indexes() {
        assert!(TlogIndex::build(&[]).is_empty());
        assert!(TlogIndex::build(&[0xAB; 300]).is_empty());
        assert_eq!(TlogIndex::build(&[]).mark_before(T0), None);
    }
}
