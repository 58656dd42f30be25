//! Adaptive retransmission timeout shared by the request/response microservices.
//!
//! A fixed timeout is either too slow on a good link or too eager on a 57600-baud radio with
//! half a second of jitter. Like TCP (RFC 6298), each transfer measures round-trip times of
//! requests that were answered on the first try (Karn's rule: never from a retransmission),
//! keeps a smoothed mean and variance, and waits `mean + 4·variance`, clamped. Every timeout
//! doubles the wait (exponential backoff) until a fresh sample arrives.

/// Timing limits of one request/response exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// Timeout before the first round-trip sample (ms).
    pub initial_rto_ms: u64,
    /// Smallest timeout (ms).
    pub min_rto_ms: u64,
    /// Largest timeout, also the cap of the backoff (ms).
    pub max_rto_ms: u64,
    /// Consecutive timeouts without progress before giving up.
    pub max_retries: u32,
}

impl Default for Timing {
    fn default() -> Self {
        Self {
            initial_rto_ms: 1_500,
            min_rto_ms: 200,
            max_rto_ms: 5_000,
            max_retries: 20,
        }
    }
}

impl Timing {
    /// The longest a stalled exchange can take before it fails: every retry at the maximum
    /// timeout. Used by tests and callers to bound "never hangs".
    pub fn worst_case_stall_us(&self) -> u64 {
        (u64::from(self.max_retries) + 1) * self.max_rto_ms * 1_000
    }
}

/// Round-trip estimator and current retransmission timeout.
#[derive(Debug, Clone)]
pub struct RetryTimer {
    timing: Timing,
    srtt_us: Option<f64>,
    rttvar_us: f64,
    rto_us: u64,
}

impl RetryTimer {
    /// A timer that starts at the initial timeout.
    pub fn new(timing: Timing) -> Self {
        Self {
            timing,
            srtt_us: None,
            rttvar_us: 0.0,
            rto_us: timing.initial_rto_ms * 1_000,
        }
    }

    /// The timing limits.
    pub fn timing(&self) -> &Timing {
        &self.timing
    }

    /// Current timeout in microseconds.
    pub fn rto_us(&self) -> u64 {
        self.rto_us
    }

    /// Smoothed round-trip time, if any sample was taken.
    pub fn srtt_us(&self) -> Option<u64> {
        self.srtt_us.map(|v| v as u64)
    }

    /// Adds a round-trip sample (only from exchanges answered without retransmission).
    /// A sample is limited to twice the smoothed value: an answer that was really the peer's
    /// own periodic retry (the first answer was lost) must not inflate the estimate at once,
    /// while a genuinely slower link still raises it within a few samples.
    pub fn sample(&mut self, rtt_us: u64) {
        let r = match self.srtt_us {
            Some(s) => (rtt_us as f64).min(2.0 * s),
            None => rtt_us as f64,
        };
        match self.srtt_us {
            None => {
                self.srtt_us = Some(r);
                self.rttvar_us = r / 2.0;
            }
            Some(s) => {
                self.rttvar_us = 0.75 * self.rttvar_us + 0.25 * (s - r).abs();
                self.srtt_us = Some(0.875 * s + 0.125 * r);
            }
        }
        let s = self.srtt_us.unwrap_or(r);
        let rto = s + (4.0 * self.rttvar_us).max(10_000.0);
        self.rto_us = self.clamp(rto as u64);
    }

    /// Drops any backoff: the peer just showed it is alive, so the next wait goes back to the
    /// measured round trip (or the initial timeout when nothing was measured yet).
    pub fn reset_backoff(&mut self) {
        self.rto_us = match self.srtt_us {
            Some(s) => self.clamp((s + (4.0 * self.rttvar_us).max(10_000.0)) as u64),
            None => self.clamp(self.timing.initial_rto_ms * 1_000),
        };
    }

    /// Doubles the timeout after a timeout, up to the maximum.
    pub fn backoff(&mut self) {
        self.rto_us = self.clamp(self.rto_us.saturating_mul(2));
    }

    fn clamp(&self, us: u64) -> u64 {
        us.clamp(
            self.timing.min_rto_ms * 1_000,
            self.timing.max_rto_ms * 1_000,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adapts_to_fast_and_slow_links() {
        let mut t = RetryTimer::new(Timing::default());
        assert_eq!(t.rto_us(), 1_500_000);
        for _ in 0..20 {
            t.sample(1_000);
        }
        assert_eq!(t.rto_us(), 200_000, "clamped to the minimum on loopback");
        let mut slow = RetryTimer::new(Timing::default());
        for i in 0..50 {
            slow.sample(if i % 2 == 0 { 300_000 } else { 800_000 });
        }
        assert!(
            slow.rto_us() > 800_000,
            "covers the jitter: {}",
            slow.rto_us()
        );
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let mut t = RetryTimer::new(Timing::default());
        t.backoff();
        assert_eq!(t.rto_us(), 3_000_000);
        t.backoff();
        t.backoff();
        assert_eq!(t.rto_us(), 5_000_000);
        t.reset_backoff();
        assert_eq!(t.rto_us(), 1_500_000);
    }
}
