//! The STATUSTEXT log of a vehicle: a bounded ring of the latest messages, with MAVLink 2
//! long messages reassembled from their 50-byte chunks.
//!
//! Chunking (MAVLink 2 `id` / `chunk_seq`): `id == 0` is a complete message. Otherwise all
//! chunks of one message share a non-zero `id`, `chunk_seq` counts from 0, and the chunk whose
//! text contains a NUL (is shorter than 50 bytes) is the last. PX4 sends `id != 0` even for
//! one-chunk messages. A message whose last chunk never arrives (lost, or exactly 50 bytes
//! long) is emitted with a trailing "…" when another chunked message starts or after
//! [`CHUNK_TIMEOUT_US`]; missing middle chunks are shown as "…".

use std::collections::VecDeque;

/// Default number of messages kept per vehicle.
pub const STATUS_LOG_CAPACITY: usize = 200;
/// How long an incomplete chunked message waits for its next chunk, microseconds.
pub const CHUNK_TIMEOUT_US: u64 = 2_000_000;
/// Text length of one STATUSTEXT chunk.
const CHUNK_LEN: usize = 50;
/// Marker for missing text.
const ELLIPSIS: &str = "…";

/// One status message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEntry {
    /// Time of the (first chunk of the) message, microseconds since the Unix epoch.
    pub t_us: u64,
    /// MAV_SEVERITY: 0 emergency, 1 alert, 2 critical, 3 error, 4 warning, 5 notice, 6 info,
    /// 7 debug.
    pub severity: u8,
    /// The text (invalid UTF-8 replaced).
    pub text: String,
}

/// Human name of a MAV_SEVERITY value.
pub fn severity_name(severity: u8) -> &'static str {
    match severity {
        0 => "EMERGENCY",
        1 => "ALERT",
        2 => "CRITICAL",
        3 => "ERROR",
        4 => "WARNING",
        5 => "NOTICE",
        6 => "INFO",
        7 => "DEBUG",
        _ => "UNKNOWN",
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Pending {
    id: u16,
    next_seq: u16,
    entry: StatusEntry,
}

/// Bounded STATUSTEXT history with chunk reassembly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusLog {
    entries: VecDeque<StatusEntry>,
    capacity: usize,
    total: u64,
    pending: Option<Pending>,
}

impl Default for StatusLog {
    fn default() -> Self {
        Self::new(STATUS_LOG_CAPACITY)
    }
}

impl StatusLog {
    /// An empty log keeping the latest `capacity` messages (at least 1).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self {
            entries: VecDeque::with_capacity(capacity.min(STATUS_LOG_CAPACITY)),
            capacity,
            total: 0,
            pending: None,
        }
    }

    /// The kept messages, oldest first.
    pub fn entries(&self) -> impl DoubleEndedIterator<Item = &StatusEntry> + ExactSizeIterator {
        self.entries.iter()
    }

    /// The newest message.
    pub fn latest(&self) -> Option<&StatusEntry> {
        self.entries.back()
    }

    /// Number of kept messages.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no message has been kept.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Number of complete messages ever received (including those pushed out of the ring).
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Adds one STATUSTEXT chunk; returns the messages it completed (oldest first: a flushed
    /// incomplete message, then this one).
    pub fn push_chunk(
        &mut self,
        t_us: u64,
        severity: u8,
        text: &[u8],
        id: u16,
        chunk_seq: u8,
    ) -> Vec<StatusEntry> {
        let end = text.iter().position(|&b| b == 0);
        let is_last = end.is_some() || text.len() < CHUNK_LEN;
        let piece = String::from_utf8_lossy(text.get(..end.unwrap_or(text.len())).unwrap_or(text));
        let mut done = Vec::new();
        if id == 0 {
            done.push(StatusEntry {
                t_us,
                severity,
                text: piece.into_owned(),
            });
        } else {
            let seq = u16::from(chunk_seq);
            match self.pending.as_mut() {
                Some(p) if p.id == id => {
                    if seq < p.next_seq {
                        return done; // duplicate chunk
                    }
                    if seq > p.next_seq {
                        p.entry.text.push_str(ELLIPSIS);
                    }
                    p.entry.text.push_str(&piece);
                    p.next_seq = seq + 1;
                }
                _ => {
                    if let Some(mut old) = self.pending.take() {
                        old.entry.text.push_str(ELLIPSIS);
                        done.push(old.entry);
                    }
                    let mut text = String::new();
                    if seq > 0 {
                        text.push_str(ELLIPSIS);
                    }
                    text.push_str(&piece);
                    self.pending = Some(Pending {
                        id,
                        next_seq: seq + 1,
                        entry: StatusEntry {
                            t_us,
                            severity,
                            text,
                        },
                    });
                }
            }
            if is_last && let Some(p) = self.pending.take() {
                done.push(p.entry);
            }
        }
        for e in &done {
            self.keep(e.clone());
        }
        done
    }

    /// Emits an incomplete chunked message that has waited longer than [`CHUNK_TIMEOUT_US`].
    pub fn flush_stale(&mut self, now_us: u64) -> Option<StatusEntry> {
        let waited = now_us.saturating_sub(self.pending.as_ref()?.entry.t_us);
        if waited <= CHUNK_TIMEOUT_US {
            return None;
        }
        let mut p = self.pending.take()?;
        p.entry.text.push_str(ELLIPSIS);
        self.keep(p.entry.clone());
        Some(p.entry)
    }

    fn keep(&mut self, entry: StatusEntry) {
        while self.entries.len() >= self.capacity {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
        self.total += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chunk(s: &str) -> [u8; 50] {
        let mut b = [0u8; 50];
        for (d, c) in b.iter_mut().zip(s.bytes()) {
            *d = c;
        }
        b
    }

    fn texts(v: &[StatusEntry]) -> Vec<&str> {
        v.iter().map(|e| e.text.as_str()).collect()
    }

    #[test]
    fn single_messages() {
        let mut log = StatusLog::default();
        let out = log.push_chunk(5, 6, &chunk("Frame: COAX"), 0, 0);
        assert_eq!(texts(&out), ["Frame: COAX"]);
        // PX4 style: id != 0 for a one-chunk message.
        let out = log.push_chunk(6, 6, &chunk("Takeoff detected"), 2, 0);
        assert_eq!(texts(&out), ["Takeoff detected"]);
        assert_eq!(out[0].t_us, 6);
        assert_eq!(log.len(), 2);
        assert_eq!(log.latest().map(|e| e.severity), Some(6));
    }

    #[test]
    fn two_chunks_from_herelink_tlog() {
        let mut log = StatusLog::default();
        let first = "ArduCopter V4.1.0   Ascent AeroSystems 3.0.2 (6a83";
        assert_eq!(first.len(), 50);
        assert!(log.push_chunk(1, 6, &chunk(first), 4, 0).is_empty());
        let out = log.push_chunk(2, 6, &chunk("900c)"), 4, 1);
        assert_eq!(
            texts(&out),
            ["ArduCopter V4.1.0   Ascent AeroSystems 3.0.2 (6a83900c)"]
        );
        assert_eq!(out[0].t_us, 1);
    }

    #[test]
    fn lost_and_duplicate_chunks() {
        let mut log = StatusLog::default();
        let full = "x".repeat(50);
        assert!(log.push_chunk(1, 4, full.as_bytes(), 9, 0).is_empty());
        assert!(
            log.push_chunk(1, 4, full.as_bytes(), 9, 0).is_empty(),
            "duplicate"
        );
        let out = log.push_chunk(2, 4, &chunk("end"), 9, 2);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].text, format!("{full}…end"));
        // Last chunk lost: flushed when another chunked message starts...
        assert!(log.push_chunk(3, 4, full.as_bytes(), 10, 0).is_empty());
        let out = log.push_chunk(4, 3, &chunk("next"), 11, 0);
        assert_eq!(texts(&out), [format!("{full}…").as_str(), "next"]);
        // ...or after the timeout.
        assert!(log.push_chunk(10, 4, full.as_bytes(), 12, 0).is_empty());
        assert_eq!(log.flush_stale(10 + CHUNK_TIMEOUT_US), None);
        let e = log.flush_stale(11 + CHUNK_TIMEOUT_US).expect("flushed");
        assert_eq!(e.text, format!("{full}…"));
        assert_eq!(log.flush_stale(u64::MAX), None);
        assert_eq!(log.total(), 4);
    }

    #[test]
    fn ring_is_bounded() {
        let mut log = StatusLog::new(3);
        for i in 0..10u64 {
            log.push_chunk(i, 6, &chunk(&format!("m{i}")), 0, 0);
        }
        assert_eq!(log.len(), 3);
        assert_eq!(log.total(), 10);
        let kept: Vec<_> = log.entries().map(|e| e.text.clone()).collect();
        assert_eq!(kept, ["m7", "m8", "m9"]);
    }

    #[test]
    fn invalid_utf8_is_replaced() {
        let mut log = StatusLog::default();
        let out = log.push_chunk(0, 6, &[b'a', 0xFF, b'b', 0], 0, 0);
        assert_eq!(out[0].text, "a\u{FFFD}b");
        assert_eq!(severity_name(4), "WARNING");
    }

    proptest! {
        #[test]
        fn arbitrary_chunks_never_panic_and_stay_bounded(
            chunks in proptest::collection::vec(
                (proptest::collection::vec(any::<u8>(), 0..60), 0u16..4, any::<u8>(), any::<u8>()),
                0..100,
            ),
        ) {
            let mut log = StatusLog::new(10);
            for (i, (text, id, seq, sev)) in chunks.iter().enumerate() {
                log.push_chunk(i as u64, *sev, text, *id, *seq);
                prop_assert!(log.len() <= 10);
            }
            let _ = log.flush_stale(u64::MAX);
        }
    }
}
