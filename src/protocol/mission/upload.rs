//! Upload of one mission list. The vehicle paces it with its requests; the ground station
//! answers each, and on silence resends the last item plus speculatively the next ones. A lost
//! final ACK is settled by reading the list back.

use super::download::Download;
use super::{Ctx, MissionError, RefusedItem, Stage, TransferStats, result};
use crate::plan::document::{Firmware, VehicleKind};
use crate::plan::{MissionItem, MissionType};
use crate::protocol::wire::Wire;

/// Which message carries the items of an upload: `MISSION_ITEM_INT` keeps coordinates exact
/// (1e-7 degrees in integers), the legacy float `MISSION_ITEM` rounds them to 32-bit floats
/// (tens of centimetres). ArduPilot and PX4 ask with the float `MISSION_REQUEST` although they
/// take `MISSION_ITEM_INT`, so the form follows what is known about the vehicle, not the form
/// of its request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct ItemForm {
    /// What the vehicle is known to support: `Some(true)` from its capabilities
    /// (`MAV_PROTOCOL_CAPABILITY_MISSION_INT`) or an earlier `MISSION_REQUEST_INT`/INT item,
    /// `Some(false)` when its capabilities lack MISSION_INT, `None` when not known yet.
    pub(super) support: Option<bool>,
    /// The vehicle asked with `MISSION_REQUEST_INT` during this upload, or moved on after an
    /// INT item: INT from then on.
    int_confirmed: bool,
    /// Unknown support: item 0 went out as INT this many times without the vehicle moving on.
    int_tries_at_first: u32,
}

/// With unknown support, INT answers to item 0 that go unanswered before trying the float form.
const INT_TRIES_BEFORE_FLOAT: u32 = 4;

impl ItemForm {
    /// The form of the answer to a request for `seq` (`int`: it was MISSION_REQUEST_INT).
    fn answer(&mut self, seq: u16, int: bool) -> bool {
        if int {
            self.int_confirmed = true;
        }
        if self.int_confirmed || self.support == Some(true) {
            return true;
        }
        if self.support == Some(false) {
            return false;
        }
        // Not known: offer INT; a vehicle that keeps asking for item 0 may not take it.
        if seq == 0 {
            self.int_tries_at_first += 1;
            return self.int_tries_at_first <= INT_TRIES_BEFORE_FLOAT
                || self.int_tries_at_first % 2 == 1;
        }
        true
    }

    /// The vehicle asked for `seq` > 0 after item `seq - 1` went out in form `int`.
    fn moved_on(&mut self, int: bool) {
        if int {
            self.int_confirmed = true;
        } else if self.support.is_none() {
            self.support = Some(false);
        }
    }

    /// True once the vehicle showed it takes INT items (asked for one, or moved on after one).
    pub(super) fn int_confirmed(&self) -> bool {
        self.int_confirmed
    }
}

/// Longest wait between upload retransmissions (ms). The vehicle paces an upload and gives up
/// after a few seconds without an item (ArduPilot: 8 s), so the ground station must keep
/// offering items well inside that window even when its round-trip estimate is high.
const UPLOAD_MAX_WAIT_MS: u64 = 1_000;
/// Most items sent past the last requested one after a timeout.
const SPECULATION_WINDOW: u32 = 8;
/// Times an upload is restarted from MISSION_COUNT after the vehicle cancelled it.
const MAX_UPLOAD_RESTARTS: u32 = 2;
/// Read-backs an upload may start (each one is interrupted if the vehicle turns out to be
/// still receiving).
const MAX_VERIFY_ATTEMPTS: u32 = 3;
/// Wait between the ACK of a clear-first and MISSION_COUNT (µs).
const CLEAR_SETTLE_US: u64 = 300_000;
/// Final-ACK timeouts before an upload is confirmed by reading the list back.
const FINAL_ACK_TRIES_BEFORE_VERIFY: u32 = 3;

#[derive(Debug, Clone)]
pub(super) struct Upload {
    pub(super) ctx: Ctx,
    items: Vec<MissionItem>,
    retries: u32,
    deadline_us: u64,
    /// Last message sent: (message, when, retransmission?).
    last: Option<(Wire, u64, bool)>,
    /// Highest item sent in answer to a request.
    highest_requested: Option<u16>,
    /// Highest item sent at all (including speculative sends).
    highest_offered: Option<u16>,
    /// A lost final ACK being settled by reading the list back.
    pub(super) verify: Option<Box<Download>>,
    pub(super) verify_window: u16,
    /// Item 0 is the vehicle's home, which it replaces with its own (ArduPilot missions).
    pub(super) home_item: bool,
    /// Which item form to answer with (see [`ItemForm`]).
    pub(super) form: ItemForm,
    /// The form item 0 was last sent in.
    first_item_int: Option<bool>,
    /// Clear the vehicle's list before sending MISSION_COUNT; true until the clear is ACKed.
    pub(super) clear_first: bool,
    /// After the clear: MISSION_COUNT goes out at this time.
    count_after_us: Option<u64>,
    /// How the vehicle stores items, for comparing a read-back with what was sent.
    pub(super) stores_as: Option<(Firmware, VehicleKind)>,
    pub(super) outcome: Option<Result<Vec<MissionItem>, MissionError>>,
}

impl Upload {
    pub(super) fn new(ctx: Ctx, items: Vec<MissionItem>, verify_window: u16) -> Self {
        let outcome = (items.len() > usize::from(u16::MAX))
            .then_some(Err(MissionError::TooManyItems { count: items.len() }));
        Self {
            ctx,
            items,
            retries: 0,
            deadline_us: 0,
            last: None,
            highest_requested: None,
            highest_offered: None,
            verify: None,
            verify_window,
            home_item: false,
            form: ItemForm {
                support: Some(true),
                ..ItemForm::default()
            },
            first_item_int: None,
            clear_first: false,
            count_after_us: None,
            stores_as: None,
            outcome,
        }
    }

    fn count_msg(&self) -> Wire {
        Wire::MissionCount {
            target_system: self.ctx.vehicle.sysid,
            target_component: self.ctx.vehicle.compid,
            count: self.items.len().min(usize::from(u16::MAX)) as u16,
            mission_type: self.ctx.kind.to_u8(),
            opaque_id: 0,
        }
    }

    fn item_msg(&self, seq: u16, int: bool) -> Option<Wire> {
        let mut item = *self.items.get(usize::from(seq))?;
        item.current = seq == 0 && self.ctx.kind == MissionType::Mission && item.current;
        Some(Wire::MissionItem {
            target_system: self.ctx.vehicle.sysid,
            target_component: self.ctx.vehicle.compid,
            seq,
            mission_type: self.ctx.kind.to_u8(),
            item,
            int,
        })
    }

    fn send(&mut self, msg: Wire, now_us: u64, retx: bool) -> Wire {
        if let Wire::MissionItem { seq, .. } = &msg {
            self.highest_offered = self.highest_offered.max(Some(*seq));
        }
        self.last = Some((msg.clone(), now_us, retx));
        self.deadline_us = now_us + self.ctx.timer.rto_us().min(UPLOAD_MAX_WAIT_MS * 1_000);
        msg
    }

    fn clear_msg(&self) -> Wire {
        Wire::MissionClearAll {
            target_system: self.ctx.vehicle.sysid,
            target_component: self.ctx.vehicle.compid,
            mission_type: self.ctx.kind.to_u8(),
        }
    }

    pub(super) fn start(&mut self, now_us: u64) -> Vec<Wire> {
        if self.outcome.is_some() {
            return Vec::new();
        }
        let m = if self.clear_first {
            self.clear_msg()
        } else {
            self.count_msg()
        };
        vec![self.send(m, now_us, false)]
    }

    pub(super) fn deadline_us(&self) -> Option<u64> {
        match (&self.outcome, &self.verify) {
            (Some(_), _) => None,
            (None, Some(v)) => v.deadline_us(),
            (None, None) => Some(self.deadline_us),
        }
    }

    pub(super) fn progress(&self) -> (usize, usize) {
        if let Some(v) = &self.verify {
            return v.progress();
        }
        let done = match (&self.outcome, self.highest_requested) {
            (Some(Ok(_)), _) => self.items.len(),
            (_, Some(h)) => usize::from(h),
            _ => 0,
        };
        (done, self.items.len())
    }

    /// Every item was sent at least once (some maybe speculatively).
    fn all_sent(&self) -> bool {
        self.items.is_empty() || self.highest_offered.map(usize::from) == Some(self.items.len() - 1)
    }

    /// The vehicle asked for the last item, so it had all the others.
    fn all_requested(&self) -> bool {
        self.items.is_empty()
            || self.highest_requested.map(usize::from) == Some(self.items.len() - 1)
    }

    pub(super) fn handle(
        &mut self,
        msg: &Wire,
        now_us: u64,
        stats: &mut TransferStats,
    ) -> Vec<Wire> {
        let kind = self.ctx.kind.to_u8();
        if self.verify.is_some() {
            // A request means the vehicle is still receiving: the upload is not over yet.
            if !matches!(msg, Wire::MissionRequest { mission_type, .. } if *mission_type == kind) {
                return self.verify_step(stats, |v, st| v.handle(msg, now_us, st));
            }
            self.verify = None;
        }
        if self.clear_first {
            return self.on_clear_answer(msg, now_us, stats);
        }
        match msg {
            Wire::MissionRequest {
                seq,
                mission_type,
                int,
                ..
            } if *mission_type == kind => self.on_request(*seq, *int, now_us, stats),
            Wire::MissionAck {
                result: r,
                mission_type,
                ..
            } if *mission_type == kind => self.on_ack(*r, now_us, stats),
            _ => {
                stats.ignored += 1;
                Vec::new()
            }
        }
    }

    /// While clearing first: the clear's ACK starts the upload proper.
    fn on_clear_answer(&mut self, msg: &Wire, now_us: u64, stats: &mut TransferStats) -> Vec<Wire> {
        match msg {
            Wire::MissionAck {
                result: r,
                mission_type,
                ..
            } if *mission_type == self.ctx.kind.to_u8() => match *r {
                result::ACCEPTED => {
                    if let Some((_, at, false)) = &self.last {
                        self.ctx.timer.sample(now_us.saturating_sub(*at));
                    }
                    self.clear_first = false;
                    self.retries = 0;
                    // Give the vehicle a moment to finish clearing before the new list comes.
                    // (ArduPilot 4.7 SITL answered a fence sent within a millisecond of the
                    // clear's ACK with ACCEPTED, and then held no fence.)
                    self.count_after_us = Some(now_us + CLEAR_SETTLE_US);
                    self.deadline_us = now_us + CLEAR_SETTLE_US;
                    Vec::new()
                }
                result::INVALID_SEQUENCE => {
                    stats.ignored += 1;
                    Vec::new()
                }
                other => {
                    self.outcome = Some(Err(MissionError::Rejected {
                        kind: self.ctx.kind,
                        result: other,
                        item: None,
                        texts: Vec::new(),
                    }));
                    Vec::new()
                }
            },
            _ => {
                stats.ignored += 1;
                Vec::new()
            }
        }
    }

    fn on_request(
        &mut self,
        seq: u16,
        int: bool,
        now_us: u64,
        stats: &mut TransferStats,
    ) -> Vec<Wire> {
        if usize::from(seq) >= self.items.len() {
            stats.ignored += 1;
            return Vec::new();
        }
        if let Some((w, at, false)) = &self.last {
            let answers = match w {
                Wire::MissionCount { .. } => seq == 0,
                Wire::MissionItem { seq: s, .. } => s.checked_add(1) == Some(seq),
                _ => false,
            };
            if answers {
                self.ctx.timer.sample(now_us.saturating_sub(*at));
            }
        }
        if self.highest_requested.is_none_or(|h| seq > h) {
            if self.highest_requested == Some(0) {
                // The vehicle took item 0 in the form it was last sent in.
                if let Some(first_int) = self.first_item_int {
                    self.form.moved_on(first_int);
                }
            }
            self.highest_requested = Some(seq);
            self.retries = 0;
        } else {
            stats.ignored += 1;
        }
        let int = self.form.answer(seq, int);
        if seq == 0 {
            self.first_item_int = Some(int);
        }
        match self.item_msg(seq, int) {
            Some(m) => vec![self.send(m, now_us, false)],
            None => Vec::new(),
        }
    }

    fn on_ack(&mut self, r: u8, now_us: u64, stats: &mut TransferStats) -> Vec<Wire> {
        let all_sent = self.all_sent();
        match r {
            // The vehicle asked for every item: this ACK ends our upload.
            result::ACCEPTED if self.all_requested() => self.outcome = Some(Ok(self.items.clone())),
            // Some items were only sent speculatively: the ACK is probably ours, but a stale
            // ACK of an earlier upload looks the same. Read back before saying success.
            result::ACCEPTED if all_sent && !self.items.is_empty() => {
                return self.start_verify(now_us, stats);
            }
            // A late ACK of an earlier transfer: not ours.
            result::ACCEPTED => stats.ignored += 1,
            result::INVALID_SEQUENCE => stats.spurious_nacks += 1,
            // The answer to a read-back started too early (the vehicle was still receiving).
            result::DENIED if stats.verify_attempts > 0 => stats.ignored += 1,
            // After the last item, ArduPilot answers a resent item with ERROR once it has
            // finished: the ACCEPTED was lost (or the vehicle gave up). Read back to know.
            result::ERROR if all_sent && !self.items.is_empty() => {
                return self.start_verify(now_us, stats);
            }
            // Answers to items sent before a restart reached the vehicle: stale.
            result::OPERATION_CANCELLED | result::ERROR if self.highest_requested.is_none() => {
                stats.ignored += 1
            }
            // The vehicle gave up waiting (lossy link): start over, a bounded number of times.
            result::OPERATION_CANCELLED | result::ERROR if stats.restarts < MAX_UPLOAD_RESTARTS => {
                stats.restarts += 1;
                self.highest_requested = None;
                self.highest_offered = None;
                self.retries = 0;
                let m = self.count_msg();
                return vec![self.send(m, now_us, true)];
            }
            other => {
                // The vehicle refuses an item as it receives it: the one it asked for last.
                let item = self.highest_requested.and_then(|h| {
                    self.items.get(usize::from(h)).map(|it| RefusedItem {
                        seq: h,
                        command: it.command,
                        frame: it.frame,
                    })
                });
                self.outcome = Some(Err(MissionError::Rejected {
                    kind: self.ctx.kind,
                    result: other,
                    item,
                    texts: Vec::new(),
                }))
            }
        }
        Vec::new()
    }

    fn start_verify(&mut self, now_us: u64, stats: &mut TransferStats) -> Vec<Wire> {
        if stats.verify_attempts >= MAX_VERIFY_ATTEMPTS {
            self.outcome = Some(Err(MissionError::Timeout {
                kind: self.ctx.kind,
                stage: Stage::FinalAck,
                tries: stats.verify_attempts,
            }));
            return Vec::new();
        }
        self.retries += 1;
        let mut v = Download::new(
            Ctx::new(
                self.ctx.kind,
                self.ctx.gcs,
                self.ctx.vehicle,
                *self.ctx.timer.timing(),
            ),
            self.verify_window,
        );
        v.set_int_support(self.form.support);
        let out = v.start(now_us);
        stats.verify_attempts += 1;
        self.verify = Some(Box::new(v));
        out
    }

    /// Runs `f` on the read-back and concludes the upload when it finishes.
    fn verify_step(
        &mut self,
        stats: &mut TransferStats,
        f: impl FnOnce(&mut Download, &mut TransferStats) -> Vec<Wire>,
    ) -> Vec<Wire> {
        let Some(v) = self.verify.as_mut() else {
            return Vec::new();
        };
        let out = f(v, stats);
        if let Some(r) = v.outcome.take() {
            self.verify = None;
            stats.verified_by_readback = true;
            self.outcome = Some(r.and_then(|got| {
                let first = self
                    .items
                    .iter()
                    .zip(got.iter())
                    .enumerate()
                    // ArduPilot reports its current home as item 0, whatever was uploaded.
                    .skip(usize::from(self.home_item))
                    .find(|(_, (a, b))| {
                        let kept = match self.stores_as {
                            Some((fw, vehicle)) => {
                                crate::plan::stored::as_stored(fw, vehicle, self.ctx.kind, a)
                            }
                            None => **a,
                        };
                        !kept.same_on_wire(b)
                    })
                    .map(|(i, _)| i)
                    .or((got.len() != self.items.len()).then(|| got.len().min(self.items.len())));
                match first {
                    None => Ok(self.items.clone()),
                    Some(i) => Err(MissionError::VerifyMismatch {
                        kind: self.ctx.kind,
                        first_difference: i,
                    }),
                }
            }));
        }
        out
    }

    pub(super) fn poll(&mut self, now_us: u64, stats: &mut TransferStats) -> Vec<Wire> {
        if self.verify.is_some() {
            return self.verify_step(stats, |v, st| v.poll(now_us, st));
        }
        if self.outcome.is_some() || now_us < self.deadline_us {
            return Vec::new();
        }
        if self.count_after_us.take().is_some() {
            let m = self.count_msg();
            return vec![self.send(m, now_us, false)];
        }
        if self.all_requested()
            && !self.items.is_empty()
            && self.retries
                >= FINAL_ACK_TRIES_BEFORE_VERIFY.min(self.ctx.timer.timing().max_retries)
        {
            return self.start_verify(now_us, stats);
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
        if self.clear_first {
            let m = self.clear_msg();
            return vec![self.send(m, now_us, true)];
        }
        let Some(h) = self.highest_requested else {
            let m = self.count_msg();
            return vec![self.send(m, now_us, true)];
        };
        let int = match &self.last {
            Some((Wire::MissionItem { int, .. }, _, _)) => *int,
            _ => true,
        };
        // Resend item h and speculatively the next ones: if only the vehicle's requests were
        // lost, it takes the item it expects and NACKs the rest. The window grows with
        // consecutive timeouts.
        let last = h.saturating_add(self.retries.min(SPECULATION_WINDOW) as u16);
        let msgs: Vec<Wire> = (h..=last).filter_map(|s| self.item_msg(s, int)).collect();
        msgs.into_iter()
            .map(|m| self.send(m, now_us, true))
            .collect()
    }

    pub(super) fn stage(&self) -> Stage {
        if self.clear_first {
            return Stage::ClearAck;
        }
        match self.highest_requested {
            None => Stage::FirstRequest,
            Some(h) if usize::from(h) + 1 >= self.items.len() => Stage::FinalAck,
            Some(h) => Stage::NextRequest { after: h },
        }
    }
}
