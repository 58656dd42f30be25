//! Failure modes of the simulated radio link, sans-IO: packet loss, duplication, reordering,
//! jitter and a bandwidth cap like a 57600-baud SiK radio (bytes queue behind each other; a
//! queue longer than the radio's buffer drops packets). Applied separately to each direction.

use super::rng::SimRng;
use std::collections::BinaryHeap;

/// How bad the link is.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Faults {
    /// Packets lost (percent).
    pub loss_pct: f64,
    /// Packets delivered twice (percent).
    pub duplicate_pct: f64,
    /// Packets held back 50-250 ms so later ones overtake them (percent).
    pub reorder_pct: f64,
    /// Extra random delay 0..jitter (ms) on every packet.
    pub jitter_ms: f64,
    /// Bandwidth cap in baud (10 bits per byte on the air), `None` = unlimited.
    pub baud: Option<u32>,
}

impl Faults {
    /// True when the link is perfect.
    pub fn is_clean(&self) -> bool {
        *self == Faults::default()
    }
}

/// Bytes a radio buffers before it drops (SiK radios hold about 4 KiB).
const RADIO_BUFFER_BYTES: u64 = 4_096;

#[derive(Debug, PartialEq, Eq)]
struct Pending {
    at_us: u64,
    order: u64,
    bytes: Vec<u8>,
}

impl Ord for Pending {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        (o.at_us, o.order).cmp(&(self.at_us, self.order))
    }
}

impl PartialOrd for Pending {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}

/// Counters of what the injector did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FaultStats {
    /// Packets offered.
    pub offered: u64,
    /// Packets dropped by loss.
    pub lost: u64,
    /// Packets dropped because the radio buffer was full.
    pub overflowed: u64,
    /// Extra copies delivered.
    pub duplicated: u64,
}

/// One direction of an impaired link.
#[derive(Debug)]
pub struct FaultInjector {
    f: Faults,
    rng: SimRng,
    heap: BinaryHeap<Pending>,
    order: u64,
    /// When the (baud-limited) transmitter is free again.
    busy_until_us: u64,
    /// What it did.
    pub stats: FaultStats,
}

impl FaultInjector {
    /// An injector with `faults`, deterministic for `seed`.
    pub fn new(f: Faults, seed: u64) -> Self {
        Self {
            f,
            rng: SimRng::new(seed),
            heap: BinaryHeap::new(),
            order: 0,
            busy_until_us: 0,
            stats: FaultStats::default(),
        }
    }

    /// Changes how bad the link is from now on; packets already in flight keep their times.
    pub fn set_faults(&mut self, f: Faults) {
        self.f = f;
    }

    fn chance(&mut self, pct: f64) -> bool {
        pct > 0.0 && self.rng.uniform() * 100.0 < pct
    }

    fn push(&mut self, at_us: u64, bytes: Vec<u8>) {
        self.order += 1;
        self.heap.push(Pending {
            at_us,
            order: self.order,
            bytes,
        });
    }

    /// Offers a packet sent at `now_us`.
    pub fn offer(&mut self, now_us: u64, bytes: Vec<u8>) {
        self.stats.offered += 1;
        if self.chance(self.f.loss_pct) {
            self.stats.lost += 1;
            return;
        }
        let mut at = now_us;
        if let Some(baud) = self.f.baud.filter(|b| *b > 0) {
            let start = self.busy_until_us.max(now_us);
            let backlog_bytes = (start - now_us) * u64::from(baud) / 10 / 1_000_000;
            if backlog_bytes > RADIO_BUFFER_BYTES {
                self.stats.overflowed += 1;
                return;
            }
            let air_us = bytes.len() as u64 * 10 * 1_000_000 / u64::from(baud);
            self.busy_until_us = start + air_us;
            at = self.busy_until_us;
        }
        if self.f.jitter_ms > 0.0 {
            at += (self.rng.uniform() * self.f.jitter_ms * 1_000.0) as u64;
        }
        if self.chance(self.f.reorder_pct) {
            at += 50_000 + (self.rng.uniform() * 200_000.0) as u64;
        }
        if self.chance(self.f.duplicate_pct) {
            self.stats.duplicated += 1;
            let again = at + (self.rng.uniform() * 20_000.0) as u64;
            self.push(again, bytes.clone());
        }
        self.push(at, bytes);
    }

    /// Packets whose delivery time has come.
    pub fn due(&mut self, now_us: u64) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        while self.heap.peek().is_some_and(|p| p.at_us <= now_us) {
            if let Some(p) = self.heap.pop() {
                out.push(p.bytes);
            }
        }
        out
    }

    /// When the next packet is due.
    pub fn next_due_us(&self) -> Option<u64> {
        self.heap.peek().map(|p| p.at_us)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_link_delivers_immediately_in_order() {
        let mut f = FaultInjector::new(Faults::default(), 1);
        f.offer(10, vec![1]);
        f.offer(10, vec![2]);
        assert_eq!(f.due(10), vec![vec![1], vec![2]]);
    }

    #[test]
    fn loss_rate_is_close_to_the_setting() {
        let mut f = FaultInjector::new(
            Faults {
                loss_pct: 20.0,
                ..Faults::default()
            },
            3,
        );
        for i in 0..10_000 {
            f.offer(i, vec![0]);
        }
        let got = f.due(u64::MAX).len();
        assert!((7_700..8_300).contains(&got), "{got}");
    }

    #[test]
    fn baud_cap_spaces_packets_and_overflows() {
        let mut f = FaultInjector::new(
            Faults {
                baud: Some(57_600),
                ..Faults::default()
            },
            1,
        );
        // 100 bytes take 100*10/57600 s = 17.36 ms on the air.
        f.offer(0, vec![0; 100]);
        f.offer(0, vec![0; 100]);
        assert_eq!(f.next_due_us(), Some(17_361));
        assert_eq!(f.due(17_361).len(), 1);
        assert_eq!(f.due(34_722).len(), 1);
        // A burst far beyond the radio buffer overflows.
        for _ in 0..200 {
            f.offer(100_000, vec![0; 100]);
        }
        assert!(f.stats.overflowed > 100);
    }

    #[test]
    fn reordering_lets_later_packets_overtake() {
        let mut f = FaultInjector::new(
            Faults {
                reorder_pct: 50.0,
                ..Faults::default()
            },
            9,
        );
        for i in 0..100u8 {
            f.offer(u64::from(i) * 1_000, vec![i]);
        }
        let got: Vec<u8> = f.due(u64::MAX).into_iter().map(|b| b[0]).collect();
        assert_eq!(got.len(), 100);
        assert!(got.windows(2).any(|w| w[0] > w[1]), "some out of order");
    }
}
