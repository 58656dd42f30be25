//! A virtual-time lossy channel for testing protocol machines without sockets or clocks:
//! loss, duplication and reordering (random delay) in both directions, deterministic per seed.
//! Used by the mission and parameter property tests and by benchmarks of retry policies.

use std::collections::BinaryHeap;

/// Impairments of a [`LossyChannel`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Impairment {
    /// Probability (0..1) that a message is lost.
    pub loss: f64,
    /// Probability (0..1) that a delivered message is delivered twice.
    pub duplicate: f64,
    /// Fixed one-way delay (µs).
    pub base_delay_us: u64,
    /// Extra random delay 0..jitter (µs); messages overtake each other when it exceeds their
    /// spacing, which is how reordering happens.
    pub jitter_us: u64,
}

impl Impairment {
    /// No loss, 1 ms delay.
    pub fn clean() -> Self {
        Self {
            loss: 0.0,
            duplicate: 0.0,
            base_delay_us: 1_000,
            jitter_us: 0,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
struct Pending<T> {
    at_us: u64,
    order: u64,
    to_vehicle: bool,
    msg: T,
}

impl<T: Eq> Ord for Pending<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (other.at_us, other.order).cmp(&(self.at_us, self.order))
    }
}

impl<T: Eq> PartialOrd for Pending<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Messages in flight between a ground station and a vehicle, in virtual time.
#[derive(Debug)]
pub struct LossyChannel<T> {
    imp: Impairment,
    rng: u64,
    order: u64,
    heap: BinaryHeap<Pending<T>>,
    /// Messages offered to the channel.
    pub sent: u64,
    /// Messages lost.
    pub lost: u64,
}

/// Wraps a message so the heap can order it without requiring `Ord` on the payload.
#[derive(Debug, Clone, PartialEq)]
pub struct Msg<T>(pub T);

impl<T: PartialEq> Eq for Msg<T> {}

impl<T: Clone + PartialEq> LossyChannel<Msg<T>> {
    /// A channel with the given impairments and seed.
    pub fn new(imp: Impairment, seed: u64) -> Self {
        Self {
            imp,
            rng: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
            order: 0,
            heap: BinaryHeap::new(),
            sent: 0,
            lost: 0,
        }
    }

    fn unit(&mut self) -> f64 {
        // xorshift64*
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }

    fn delay(&mut self) -> u64 {
        self.imp.base_delay_us + (self.unit() * self.imp.jitter_us as f64) as u64
    }

    /// Offers a message sent at `now_us` towards the vehicle (`to_vehicle`) or the GCS.
    pub fn send(&mut self, now_us: u64, to_vehicle: bool, msg: T) {
        self.sent += 1;
        if self.unit() < self.imp.loss {
            self.lost += 1;
            return;
        }
        let copies = if self.unit() < self.imp.duplicate {
            2
        } else {
            1
        };
        for _ in 0..copies {
            let at_us = now_us + self.delay();
            self.order += 1;
            self.heap.push(Pending {
                at_us,
                order: self.order,
                to_vehicle,
                msg: Msg(msg.clone()),
            });
        }
    }

    /// Time of the next delivery.
    pub fn next_delivery_us(&self) -> Option<u64> {
        self.heap.peek().map(|p| p.at_us)
    }

    /// Takes the next message due at or before `now_us`: (towards vehicle?, message).
    pub fn deliver(&mut self, now_us: u64) -> Option<(bool, T)> {
        if self.heap.peek().is_some_and(|p| p.at_us <= now_us) {
            self.heap.pop().map(|p| (p.to_vehicle, p.msg.0))
        } else {
            None
        }
    }
}
