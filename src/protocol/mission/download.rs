//! Download of one mission list: REQUEST_LIST, COUNT, then the items — pipelined when the
//! vehicle serves requests independently of each other (ArduPilot), one at a time otherwise
//! (PX4 rejects requests out of order). Each outstanding request is sent again once its
//! answer is overdue by the retransmission timeout; the transfer gives up only after
//! consecutive timeouts without any item arriving.

use super::{Ctx, MissionError, Stage, TransferStats, result};
use crate::plan::MissionItem;
use crate::protocol::wire::Wire;
use std::collections::BTreeMap;

/// Error ACKs in a row (without progress) that end a download.
const ERROR_ACKS_TO_FAIL: u32 = 3;

#[derive(Debug, Clone)]
pub(super) struct Download {
    pub(super) ctx: Ctx,
    count: Option<u16>,
    received: Vec<Option<MissionItem>>,
    /// Outstanding requests: seq -> (sent at, was a retransmission).
    requested: BTreeMap<u16, (u64, bool)>,
    /// Sent REQUEST_LIST at, if no COUNT yet: (time, retransmission).
    list_sent: Option<(u64, bool)>,
    window: u16,
    pub(super) request_int: bool,
    /// The vehicle's known INT support: only when it is unknown (`None`) do requests
    /// alternate between the two forms when item 0 does not come.
    pub(super) int_support: Option<bool>,
    /// The vehicle answered with MISSION_ITEM_INT.
    pub(super) int_answers: bool,
    retries: u32,
    error_acks: u32,
    deadline_us: u64,
    pub(super) outcome: Option<Result<Vec<MissionItem>, MissionError>>,
}

impl Download {
    /// Sets what is known of the vehicle's INT support.
    pub(super) fn set_int_support(&mut self, support: Option<bool>) {
        self.int_support = support;
        self.request_int = support != Some(false);
    }

    pub(super) fn new(ctx: Ctx, window: u16) -> Self {
        Self {
            ctx,
            count: None,
            received: Vec::new(),
            requested: BTreeMap::new(),
            list_sent: None,
            window: window.max(1),
            request_int: true,
            int_support: Some(true),
            int_answers: false,
            retries: 0,
            error_acks: 0,
            deadline_us: 0,
            outcome: None,
        }
    }

    fn list_msg(&self) -> Wire {
        Wire::MissionRequestList {
            target_system: self.ctx.vehicle.sysid,
            target_component: self.ctx.vehicle.compid,
            mission_type: self.ctx.kind.to_u8(),
        }
    }

    fn request(&mut self, seq: u16, now_us: u64, retx: bool) -> Wire {
        self.requested.insert(seq, (now_us, retx));
        Wire::MissionRequest {
            target_system: self.ctx.vehicle.sysid,
            target_component: self.ctx.vehicle.compid,
            seq,
            mission_type: self.ctx.kind.to_u8(),
            int: self.request_int,
        }
    }

    fn arm_timer(&mut self, now_us: u64) {
        self.deadline_us = now_us + self.ctx.timer.rto_us();
    }

    pub(super) fn start(&mut self, now_us: u64) -> Vec<Wire> {
        self.list_sent = Some((now_us, false));
        self.arm_timer(now_us);
        vec![self.list_msg()]
    }

    pub(super) fn deadline_us(&self) -> Option<u64> {
        let expiry = self.next_expiry_us().unwrap_or(u64::MAX);
        self.outcome
            .is_none()
            .then_some(self.deadline_us.min(expiry))
    }

    /// When the oldest outstanding item request times out on its own.
    fn next_expiry_us(&self) -> Option<u64> {
        let rto = self.ctx.timer.rto_us();
        self.requested
            .values()
            .map(|(at, _)| at.saturating_add(rto))
            .min()
    }

    pub(super) fn progress(&self) -> (usize, usize) {
        let done = self.received.iter().filter(|x| x.is_some()).count();
        (done, self.count.map_or(0, usize::from))
    }

    fn missing(&self) -> impl Iterator<Item = u16> + '_ {
        self.received
            .iter()
            .enumerate()
            .filter(|(_, x)| x.is_none())
            .map(|(i, _)| i as u16)
    }

    /// Requests for missing items not yet outstanding, up to the window.
    fn fill_window(&mut self, now_us: u64) -> Vec<Wire> {
        let free = usize::from(self.window).saturating_sub(self.requested.len());
        let next: Vec<u16> = self
            .missing()
            .filter(|s| !self.requested.contains_key(s))
            .take(free)
            .collect();
        next.into_iter()
            .map(|s| self.request(s, now_us, false))
            .collect()
    }

    pub(super) fn handle(
        &mut self,
        msg: &Wire,
        now_us: u64,
        stats: &mut TransferStats,
    ) -> Vec<Wire> {
        let kind = self.ctx.kind.to_u8();
        match msg {
            Wire::MissionCount {
                count,
                mission_type,
                ..
            } if *mission_type == kind => self.on_count(*count, now_us, stats),
            Wire::MissionItem {
                seq,
                mission_type,
                item,
                int,
                ..
            } if *mission_type == kind => {
                self.int_answers |= *int;
                self.on_item(*seq, item, now_us, stats)
            }
            Wire::MissionAck {
                result: r,
                mission_type,
                ..
            } if *mission_type == kind && *r != result::ACCEPTED && self.count.is_some() => {
                // A single error may answer a stale message of an earlier transfer (ArduPilot
                // NACKs late duplicates with ERROR); the same error repeated without progress
                // is the vehicle's real answer.
                self.error_acks += 1;
                if self.error_acks >= ERROR_ACKS_TO_FAIL {
                    self.outcome = Some(Err(MissionError::Rejected {
                        kind: self.ctx.kind,
                        result: *r,
                        item: None,
                        texts: Vec::new(),
                    }));
                }
                Vec::new()
            }
            _ => {
                stats.ignored += 1;
                Vec::new()
            }
        }
    }

    fn ack_msg(&self) -> Wire {
        Wire::MissionAck {
            target_system: self.ctx.vehicle.sysid,
            target_component: self.ctx.vehicle.compid,
            result: result::ACCEPTED,
            mission_type: self.ctx.kind.to_u8(),
            opaque_id: 0,
        }
    }

    fn on_count(&mut self, count: u16, now_us: u64, stats: &mut TransferStats) -> Vec<Wire> {
        if self.count == Some(count) {
            stats.ignored += 1;
            return Vec::new();
        }
        if let Some((at, false)) = self.list_sent.take() {
            self.ctx.timer.sample(now_us.saturating_sub(at));
        }
        self.count = Some(count);
        self.received = vec![None; usize::from(count)];
        self.requested.clear();
        self.retries = 0;
        if count == 0 {
            self.outcome = Some(Ok(Vec::new()));
            return vec![self.ack_msg()];
        }
        self.arm_timer(now_us);
        self.fill_window(now_us)
    }

    fn on_item(
        &mut self,
        seq: u16,
        item: &MissionItem,
        now_us: u64,
        stats: &mut TransferStats,
    ) -> Vec<Wire> {
        let Some(slot) = self.received.get_mut(usize::from(seq)) else {
            stats.ignored += 1;
            return Vec::new();
        };
        if slot.is_some() {
            stats.ignored += 1;
            return Vec::new();
        }
        *slot = Some(*item);
        self.error_acks = 0;
        self.retries = 0;
        if let Some((at, false)) = self.requested.remove(&seq) {
            self.ctx.timer.sample(now_us.saturating_sub(at));
        }
        if self.missing().next().is_none() {
            let items = self.received.iter().flatten().copied().collect();
            self.outcome = Some(Ok(items));
            return vec![self.ack_msg()];
        }
        self.arm_timer(now_us);
        self.fill_window(now_us)
    }

    pub(super) fn poll(&mut self, now_us: u64, stats: &mut TransferStats) -> Vec<Wire> {
        if self.outcome.is_some() {
            return Vec::new();
        }
        if now_us < self.deadline_us {
            return self.re_request_expired(now_us, stats);
        }
        self.retries += 1;
        stats.retransmissions += 1;
        if self.retries > self.ctx.timer.timing().max_retries {
            let stage = self.stage();
            self.outcome = Some(Err(MissionError::Timeout {
                kind: self.ctx.kind,
                stage,
                tries: self.retries,
            }));
            return Vec::new();
        }
        self.ctx.timer.backoff();
        self.arm_timer(now_us);
        if self.count.is_none() {
            self.list_sent = Some((now_us, true));
            return vec![self.list_msg()];
        }
        // An old autopilot may ignore MISSION_REQUEST_INT: if its support is unknown,
        // alternate after 3 tries at item 0.
        if self.int_support.is_none()
            && self.retries >= 3
            && self.received.first().is_some_and(Option::is_none)
        {
            self.request_int = !self.request_int;
        }
        // Everything outstanding is presumed lost: ask again for the lowest missing ones.
        self.requested.clear();
        let again: Vec<u16> = self.missing().take(usize::from(self.window)).collect();
        again
            .into_iter()
            .map(|s| self.request(s, now_us, true))
            .collect()
    }

    /// While items keep arriving, a request whose answer is overdue (lost either way) is sent
    /// again on its own, so one loss does not hold up the window until the whole download
    /// stalls. Not a retry of the transfer: only silence counts towards giving up.
    fn re_request_expired(&mut self, now_us: u64, stats: &mut TransferStats) -> Vec<Wire> {
        let rto = self.ctx.timer.rto_us();
        let overdue: Vec<u16> = self
            .requested
            .iter()
            .filter(|(_, (at, _))| at.saturating_add(rto) <= now_us)
            .map(|(seq, _)| *seq)
            .collect();
        stats.retransmissions += overdue.len() as u32;
        overdue
            .into_iter()
            .map(|seq| self.request(seq, now_us, true))
            .collect()
    }

    pub(super) fn stage(&self) -> Stage {
        match (self.count, self.missing().next()) {
            (Some(_), Some(seq)) => Stage::Item { seq },
            _ => Stage::Count,
        }
    }
}
