//! Listing the vehicle's logs, re-requesting entries that were lost.

use super::{LogEntry, LogError, LogMsg};
use crate::protocol::mission::Address;
use crate::protocol::retry::{RetryTimer, Timing};
use std::collections::BTreeMap;

/// A listing of the vehicle's onboard logs.
#[derive(Debug, Clone)]
pub struct LogList {
    vehicle: Address,
    timer: RetryTimer,
    entries: BTreeMap<u16, LogEntry>,
    num_logs: Option<u16>,
    retries: u32,
    deadline_us: u64,
    sent_us: u64,
    sampled: bool,
    progressed_since_poll: bool,
    outcome: Option<Result<Vec<LogEntry>, LogError>>,
    /// LOG_REQUEST_LIST messages sent after the first.
    pub re_requests: u32,
}

impl LogList {
    /// A listing of `vehicle`'s logs.
    pub fn new(vehicle: Address, timing: Timing) -> Self {
        Self {
            vehicle,
            timer: RetryTimer::new(timing),
            entries: BTreeMap::new(),
            num_logs: None,
            retries: 0,
            deadline_us: 0,
            sent_us: 0,
            sampled: false,
            progressed_since_poll: false,
            outcome: None,
            re_requests: 0,
        }
    }

    /// The vehicle addressed.
    pub fn vehicle(&self) -> Address {
        self.vehicle
    }

    fn request(&self, start: u16, end: u16) -> LogMsg {
        LogMsg::RequestList {
            target: self.vehicle,
            start,
            end,
        }
    }

    /// Starts the listing.
    pub fn start(&mut self, now_us: u64) -> Vec<LogMsg> {
        self.deadline_us = now_us + self.timer.rto_us();
        self.sent_us = now_us;
        vec![self.request(0, u16::MAX)]
    }

    /// (entries received, number of logs); the number is 0 until the first entry.
    pub fn progress(&self) -> (usize, usize) {
        (self.entries.len(), self.num_logs.map_or(0, usize::from))
    }

    /// Feeds a message; returns messages to send (none: entries need no answer).
    pub fn handle(&mut self, from: Address, msg: &LogMsg, now_us: u64) -> Vec<LogMsg> {
        let LogMsg::Entry {
            entry, num_logs, ..
        } = msg
        else {
            return Vec::new();
        };
        if self.outcome.is_some() || from != self.vehicle {
            return Vec::new();
        }
        if !self.sampled && self.retries == 0 && self.re_requests == 0 {
            self.sampled = true;
            self.timer.sample(now_us.saturating_sub(self.sent_us));
        }
        self.num_logs = Some(*num_logs);
        if *num_logs == 0 {
            // ArduPilot answers an empty list with one entry of id 0 and num_logs 0.
            self.outcome = Some(Ok(Vec::new()));
            return Vec::new();
        }
        if self.entries.insert(entry.id, *entry).is_none() {
            self.retries = 0;
            self.progressed_since_poll = true;
            self.timer.reset_backoff();
            self.deadline_us = now_us + self.timer.rto_us();
        }
        if self.entries.len() >= usize::from(*num_logs) {
            self.outcome = Some(Ok(self.entries.values().copied().collect()));
        }
        Vec::new()
    }

    /// The smallest id range that surely holds every missing entry. Ids are numbered either
    /// 1..=n (ArduPilot) or 0..n (PX4): seeing id n rules out 0, seeing 0 rules out n. Any id
    /// outside 0..=n means another numbering: ask for everything.
    fn missing_range(&self) -> (u16, u16) {
        let Some(n) = self.num_logs else {
            return (0, u16::MAX);
        };
        if self.entries.keys().any(|id| *id > n) {
            return (0, u16::MAX);
        }
        let seen = |id: u16| self.entries.contains_key(&id);
        let missing: Vec<u16> = (0..=n)
            .filter(|id| !seen(*id))
            .filter(|id| (*id != 0 || !seen(n)) && (*id != n || !seen(0)))
            .collect();
        match (missing.first(), missing.last()) {
            (Some(lo), Some(hi)) => (*lo, *hi),
            _ => (0, u16::MAX),
        }
    }

    /// Handles silence: asks again for what is missing.
    pub fn poll(&mut self, now_us: u64) -> Vec<LogMsg> {
        if self.outcome.is_some() || now_us < self.deadline_us {
            return Vec::new();
        }
        if !std::mem::take(&mut self.progressed_since_poll) {
            self.retries += 1;
            self.timer.backoff();
        }
        if self.retries > self.timer.timing().max_retries {
            let (got, total) = self.progress();
            let what = if total == 0 {
                "log list request".to_owned()
            } else {
                format!("log list ({got} of {total} entries received)")
            };
            self.outcome = Some(Err(LogError::Timeout {
                what,
                tries: self.retries,
            }));
            return Vec::new();
        }
        self.deadline_us = now_us + self.timer.rto_us();
        self.re_requests += 1;
        let (lo, hi) = self.missing_range();
        vec![self.request(lo, hi)]
    }

    /// When to call [`LogList::poll`] (µs), while running.
    pub fn deadline_us(&self) -> Option<u64> {
        self.outcome.is_none().then_some(self.deadline_us)
    }

    /// The result once finished: entries sorted by id.
    pub fn outcome(&self) -> Option<&Result<Vec<LogEntry>, LogError>> {
        self.outcome.as_ref()
    }

    /// Takes the result out.
    pub fn take_outcome(&mut self) -> Option<Result<Vec<LogEntry>, LogError>> {
        self.outcome.take()
    }
}
