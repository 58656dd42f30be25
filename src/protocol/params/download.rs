//! Downloading the whole parameter table, re-requesting missing indices.

use super::{Param, ParamEncoding, ParamError, ParamTable, decode_value};
use crate::protocol::mission::Address;
use crate::protocol::retry::{RetryTimer, Timing};
use crate::protocol::wire::Wire;

/// How many missing indices to request at once.
const GAP_BATCH: usize = 20;

/// A full download of the vehicle's parameters.
#[derive(Debug, Clone)]
pub struct ParamDownload {
    vehicle: Address,
    enc: ParamEncoding,
    timer: RetryTimer,
    by_index: Vec<Option<(String, Param)>>,
    count: Option<u16>,
    retries: u32,
    deadline_us: u64,
    progressed_since_poll: bool,
    outcome: Option<Result<ParamTable, ParamError>>,
    /// PARAM_REQUEST_READ messages sent to fill gaps.
    pub gap_requests: u32,
}

impl ParamDownload {
    /// A download from `vehicle`.
    pub fn new(vehicle: Address, enc: ParamEncoding, timing: Timing) -> Self {
        Self {
            vehicle,
            enc,
            timer: RetryTimer::new(timing),
            by_index: Vec::new(),
            count: None,
            retries: 0,
            deadline_us: 0,
            progressed_since_poll: false,
            outcome: None,
            gap_requests: 0,
        }
    }

    /// The vehicle addressed.
    pub fn vehicle(&self) -> Address {
        self.vehicle
    }

    fn list(&self) -> Wire {
        Wire::ParamRequestList {
            target_system: self.vehicle.sysid,
            target_component: self.vehicle.compid,
        }
    }

    /// Starts the download.
    pub fn start(&mut self, now_us: u64) -> Vec<Wire> {
        self.deadline_us = now_us + self.timer.rto_us();
        vec![self.list()]
    }

    /// (received, total); total is 0 until the first PARAM_VALUE.
    pub fn progress(&self) -> (usize, usize) {
        (
            self.by_index.iter().filter(|p| p.is_some()).count(),
            self.count.map_or(0, usize::from),
        )
    }

    /// Feeds a message; returns messages to send.
    pub fn handle(&mut self, from: Address, msg: &Wire, now_us: u64) -> Vec<Wire> {
        let Wire::ParamValue {
            name,
            value,
            param_type,
            count,
            index,
        } = msg
        else {
            return Vec::new();
        };
        if self.outcome.is_some() || from != self.vehicle {
            return Vec::new();
        }
        if self.count != Some(*count) {
            self.count = Some(*count);
            self.by_index.resize(usize::from(*count), None);
        }
        let Some(slot) = self.by_index.get_mut(usize::from(*index)) else {
            return Vec::new();
        };
        let new = slot.is_none();
        let p = Param {
            value: decode_value(*value, *param_type, self.enc),
            param_type: *param_type,
            index: *index,
        };
        *slot = Some((name.clone(), p));
        if !new {
            // A repeat (another ground station asked, or a late answer): no progress.
            return Vec::new();
        }
        self.retries = 0;
        self.progressed_since_poll = true;
        self.timer.reset_backoff();
        self.deadline_us = now_us + self.timer.rto_us();
        if self.by_index.iter().all(Option::is_some) {
            let table = self.by_index.iter().flatten().cloned().collect();
            self.outcome = Some(Ok(table));
        }
        Vec::new()
    }

    /// Handles silence: re-request the list or the missing indices.
    pub fn poll(&mut self, now_us: u64) -> Vec<Wire> {
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
                "list request".to_owned()
            } else {
                format!("download ({got} of {total} received)")
            };
            self.outcome = Some(Err(ParamError::Timeout {
                what,
                tries: self.retries,
            }));
            return Vec::new();
        }
        self.deadline_us = now_us + self.timer.rto_us();
        if self.count.is_none() {
            return vec![self.list()];
        }
        let missing: Vec<Wire> = self
            .by_index
            .iter()
            .enumerate()
            // PARAM_REQUEST_READ carries the index as i16: larger indices cannot be asked for.
            .filter(|(i, p)| p.is_none() && *i <= i16::MAX as usize)
            .take(GAP_BATCH)
            .map(|(i, _)| Wire::ParamRequestRead {
                target_system: self.vehicle.sysid,
                target_component: self.vehicle.compid,
                index: i as i16,
                name: String::new(),
            })
            .collect();
        self.gap_requests += missing.len() as u32;
        missing
    }

    /// When to call [`ParamDownload::poll`] (µs), while running.
    pub fn deadline_us(&self) -> Option<u64> {
        self.outcome.is_none().then_some(self.deadline_us)
    }

    /// The result once finished.
    pub fn outcome(&self) -> Option<&Result<ParamTable, ParamError>> {
        self.outcome.as_ref()
    }

    /// Takes the result out.
    pub fn take_outcome(&mut self) -> Option<Result<ParamTable, ParamError>> {
        self.outcome.take()
    }
}
