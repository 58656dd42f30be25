//! Per-link statistics: bytes, frames, checksum errors, and packet loss per vehicle estimated
//! from MAVLink sequence numbers. Pure bookkeeping, fed by the engine.

use crate::protocol::frame::ParserStats;
use std::collections::BTreeMap;

/// Loss estimate for one sender (system, component) on one link.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeqTracker {
    last_seq: Option<u8>,
    /// Frames received.
    pub received: u64,
    /// Frames missing according to sequence gaps.
    pub lost: u64,
    /// Frames repeated (same sequence as the previous one).
    pub duplicates: u64,
    late_streak: u8,
    /// Bit `i` set: sequence `last_seq - 1 - i` was counted lost and has not turned up since.
    missing: u128,
}

impl SeqTracker {
    /// Notes a frame's sequence number.
    pub fn note(&mut self, seq: u8) {
        self.received += 1;
        if let Some(last) = self.last_seq {
            let gap = seq.wrapping_sub(last);
            match gap {
                0 => {
                    self.duplicates += 1;
                    return;
                }
                g if g < 128 => {
                    self.lost += u64::from(g - 1);
                    // The skipped numbers become bits 0..g-1 below the new last sequence.
                    self.missing = (self.missing << g) | ((1u128 << (g - 1)) - 1);
                }
                // A late (reordered) frame that was counted as lost when its gap opened: it
                // is not lost after all, however many arrive late in a row.
                _ if self.missing & (1u128 << (last.wrapping_sub(seq) - 1)) != 0 => {
                    self.missing &= !(1u128 << (last.wrapping_sub(seq) - 1));
                    self.lost = self.lost.saturating_sub(1);
                    return;
                }
                // Behind, but not a number counted lost: several in a row mean the sequence
                // jumped (a long outage or a reboot): follow it.
                _ => {
                    self.late_streak += 1;
                    if self.late_streak < 3 {
                        return;
                    }
                    self.missing = 0;
                }
            }
        }
        self.late_streak = 0;
        self.last_seq = Some(seq);
    }

    /// Loss in percent of expected frames, 0 when nothing was received yet.
    pub fn loss_pct(&self) -> f64 {
        let expected = self.received + self.lost;
        if expected == 0 {
            0.0
        } else {
            100.0 * self.lost as f64 / expected as f64
        }
    }
}

/// Counters of one link.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LinkStats {
    /// Parser counters (bytes in, frames, CRC errors, garbage bytes, signed, v1).
    pub rx: ParserStats,
    /// Bytes sent.
    pub tx_bytes: u64,
    /// Frames sent.
    pub tx_frames: u64,
    /// Frames that could not be queued for sending (link busy or down).
    pub tx_dropped: u64,
    /// Per sender (sysid, compid): sequence-based loss.
    pub senders: BTreeMap<(u8, u8), SeqTracker>,
    /// When the last frame arrived (µs since the Unix epoch).
    pub last_rx_us: Option<u64>,
    /// MAVLink 2 signing counters, when the link signs.
    pub signing: Option<crate::protocol::signing::SigningCounters>,
    /// Whether the link ignores frames that are not correctly signed.
    pub signing_strict: bool,
}

impl LinkStats {
    /// Notes a received frame.
    pub fn on_frame(&mut self, sysid: u8, compid: u8, seq: u8, t_us: u64) {
        self.senders.entry((sysid, compid)).or_default().note(seq);
        self.last_rx_us = Some(t_us);
    }

    /// Seconds since the last frame, if any arrived.
    pub fn last_heard_s(&self, now_us: u64) -> Option<f64> {
        self.last_rx_us
            .map(|t| now_us.saturating_sub(t) as f64 / 1e6)
    }

    /// Loss of a whole system: the sum over its components.
    pub fn loss_pct_of(&self, sysid: u8) -> f64 {
        let (rx, lost) = self
            .senders
            .iter()
            .filter(|((s, _), _)| *s == sysid)
            .fold((0, 0), |(r, l), (_, t)| (r + t.received, l + t.lost));
        if rx + lost == 0 {
            0.0
        } else {
            100.0 * lost as f64 / (rx + lost) as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_long_outage_resynchronises() {
        let mut t = SeqTracker::default();
        for s in [10u8, 11, 150, 151, 152, 153] {
            t.note(s);
        }
        // 150 looked like a late frame twice, then the tracker followed the new numbers.
        assert_eq!(t.received, 6);
        assert_eq!(t.lost, 0);
        t.note(155);
        assert_eq!(t.lost, 1);
    }

    #[test]
    fn reordering_is_not_loss() {
        let mut t = SeqTracker::default();
        for s in [10u8, 12, 11, 13, 14] {
            t.note(s);
        }
        assert_eq!((t.received, t.lost), (5, 0));
    }

    #[test]
    fn heavy_reordering_is_not_loss() {
        // Jitter longer than several frame intervals: runs of late frames.
        let mut t = SeqTracker::default();
        for s in [0u8, 4, 5, 1, 2, 3, 9, 6, 7, 8, 10] {
            t.note(s);
        }
        assert_eq!((t.received, t.lost), (11, 0));
        // A frame really lost in the middle still counts.
        for s in [13u8, 11] {
            t.note(s);
        }
        assert_eq!(t.lost, 1);
    }

    #[test]
    fn counts_gaps_wraparound_and_duplicates() {
        let mut t = SeqTracker::default();
        for s in [250u8, 251, 253, 253, 0, 1] {
            t.note(s);
        }
        // missing: 252, 254, 255
        assert_eq!((t.received, t.lost, t.duplicates), (6, 3, 1));
        assert!((t.loss_pct() - 33.333).abs() < 0.01);
    }

    proptest! {
        #[test]
        fn loss_matches_dropped_frames(drops in proptest::collection::vec(any::<bool>(), 1..2000)) {
            let mut t = SeqTracker::default();
            let kept: Vec<usize> = drops
                .iter()
                .enumerate()
                .filter(|(i, d)| *i == 0 || !**d)
                .map(|(i, _)| i)
                .collect();
            for i in &kept {
                t.note(*i as u8);
            }
            // Loss between consecutive kept frames; a gap of 128+ reads as reordering.
            let expected: u64 = kept
                .windows(2)
                .map(|w| (w[1] - w[0]) as u64)
                .filter(|g| g % 256 < 128 && *g < 256)
                .map(|g| g - 1)
                .sum();
            prop_assert_eq!(t.lost, expected);
            prop_assert_eq!(t.received, kept.len() as u64);
        }
    }
}
