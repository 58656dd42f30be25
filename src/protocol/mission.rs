//! MAVLink mission protocol, ground-station side, sans-IO: upload, download and clear of the
//! mission, fence and rally lists.
//!
//! ```text
//! UPLOAD    start ──COUNT(n)──▶ AwaitRequest ◀──┐ REQUEST(s): send ITEM(s)
//!                                   │  timeout: resend COUNT (nothing requested yet)
//!                                   │           or the last ITEM sent
//!                                   │  timeout: resend the last ITEM(h) and also send ITEM(h+1),
//!                                   │           which the vehicle takes if only its request was lost
//!                                   ├─ ACK ACCEPTED after ITEM(n-1) ─▶ Done(Ok)
//!                                   ├─ ACK INVALID_SEQUENCE ─▶ ignored (ArduPilot's spurious NACK)
//!                                   ├─ ACK error / retries exhausted ─▶ Done(Err)
//!                                   └─ all sent, final ACK lost (timeouts, or ACK ERROR to a
//!                                      resent last item) ─▶ Verify: download and compare
//!                                      ─▶ Done(Ok) if identical, Done(Err(VerifyMismatch))
//! DOWNLOAD  start ──REQUEST_LIST──▶ AwaitCount ──COUNT(n)──▶ AwaitItems ◀─┐ ITEM(s): store,
//!                                   (n = 0: ACK, Done)      request lowest missing seq
//!                                   all n stored ─ACK ACCEPTED─▶ Done(Ok(items))
//! CLEAR     start ──CLEAR_ALL──▶ AwaitAck ── ACK ACCEPTED ─▶ Done(Ok) / error ─▶ Done(Err)
//! ```
//! Duplicates, late and out-of-order messages are tolerated: requests for earlier items are
//! answered again, items that arrive early are kept, stray ACKs from an earlier transfer are
//! ignored. Every wait has an adaptive timeout ([`RetryTimer`]); consecutive timeouts without
//! progress are bounded by [`Timing::max_retries`], so a transfer always ends.

use super::retry::{RetryTimer, Timing};
use super::wire::Wire;
use crate::plan::{MissionItem, MissionType};

/// A MAVLink system/component address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Address {
    /// System id.
    pub sysid: u8,
    /// Component id.
    pub compid: u8,
}

impl Address {
    /// An address.
    pub const fn new(sysid: u8, compid: u8) -> Self {
        Self { sysid, compid }
    }
}

/// `MAV_MISSION_RESULT` values used here.
pub mod result {
    /// Accepted.
    pub const ACCEPTED: u8 = 0;
    /// Generic error.
    pub const ERROR: u8 = 1;
    /// No space for that many items.
    pub const NO_SPACE: u8 = 4;
    /// The vehicle refuses (for example: listing while an upload is under way).
    pub const DENIED: u8 = 14;
    /// Out-of-sequence item (ArduPilot also sends it for harmless duplicates).
    pub const INVALID_SEQUENCE: u8 = 13;
    /// Operation cancelled (for example by the vehicle's own timeout).
    pub const OPERATION_CANCELLED: u8 = 15;
}

/// Name and meaning of a `MAV_MISSION_RESULT`.
pub fn mission_result_text(r: u8) -> String {
    let (name, meaning) = match r {
        0 => ("ACCEPTED", "accepted"),
        1 => ("ERROR", "the vehicle reported a generic error"),
        2 => ("UNSUPPORTED_FRAME", "a coordinate frame is not supported"),
        3 => ("UNSUPPORTED", "a command is not supported"),
        4 => ("NO_SPACE", "the vehicle has no space for that many items"),
        5 => ("INVALID", "one of the parameters is invalid"),
        6 => ("INVALID_PARAM1", "param1 is invalid"),
        7 => ("INVALID_PARAM2", "param2 is invalid"),
        8 => ("INVALID_PARAM3", "param3 is invalid"),
        9 => ("INVALID_PARAM4", "param4 is invalid"),
        10 => ("INVALID_PARAM5_X", "param5 / latitude is invalid"),
        11 => ("INVALID_PARAM6_Y", "param6 / longitude is invalid"),
        12 => ("INVALID_PARAM7", "param7 / altitude is invalid"),
        13 => ("INVALID_SEQUENCE", "an item arrived out of sequence"),
        14 => (
            "DENIED",
            "the vehicle refuses missions in its current state",
        ),
        15 => ("OPERATION_CANCELLED", "the vehicle cancelled the transfer"),
        _ => return format!("result {r} (unknown MAV_MISSION_RESULT)"),
    };
    format!("{name}: {meaning}")
}

/// What a transfer was waiting for when it gave up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Upload: waiting for the vehicle to request an item after MISSION_COUNT.
    FirstRequest,
    /// Upload: waiting for the request that follows item `after`.
    NextRequest {
        /// The last item sent.
        after: u16,
    },
    /// Upload: all items sent, waiting for the final MISSION_ACK.
    FinalAck,
    /// Download: waiting for MISSION_COUNT.
    Count,
    /// Download: waiting for item `seq`.
    Item {
        /// The missing item.
        seq: u16,
    },
    /// Clear: waiting for MISSION_ACK.
    ClearAck,
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stage::FirstRequest => write!(f, "waiting for the vehicle to request item 0"),
            Stage::NextRequest { after } => {
                write!(
                    f,
                    "waiting for the vehicle to request the item after {after}"
                )
            }
            Stage::FinalAck => write!(f, "waiting for the final MISSION_ACK"),
            Stage::Count => write!(f, "waiting for MISSION_COUNT"),
            Stage::Item { seq } => write!(f, "waiting for item {seq}"),
            Stage::ClearAck => write!(f, "waiting for MISSION_ACK to the clear request"),
        }
    }
}

/// Why a transfer failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MissionError {
    /// The vehicle stopped answering.
    #[error("{kind} timed out {stage} ({tries} tries)")]
    Timeout {
        /// Which list.
        kind: MissionType,
        /// What was awaited.
        stage: Stage,
        /// Attempts made.
        tries: u32,
    },
    /// The vehicle answered with an error.
    #[error("vehicle rejected the {kind} transfer: {}", mission_result_text(*result))]
    Rejected {
        /// Which list.
        kind: MissionType,
        /// `MAV_MISSION_RESULT`.
        result: u8,
    },
    /// The final ACK was lost, and reading the list back found different items.
    #[error(
        "{kind} upload could not be confirmed: read-back differs from item {first_difference} on"
    )]
    VerifyMismatch {
        /// Which list.
        kind: MissionType,
        /// First sequence number that differs (or the shorter length).
        first_difference: usize,
    },
    /// The list is longer than the protocol allows.
    #[error("{count} items do not fit the mission protocol (at most 65535)")]
    TooManyItems {
        /// Items given.
        count: usize,
    },
}

/// Counters of a transfer, for statistics and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TransferStats {
    /// Messages sent again after a timeout.
    pub retransmissions: u32,
    /// MISSION_ACK INVALID_SEQUENCE received and ignored mid-upload.
    pub spurious_nacks: u32,
    /// Duplicate or stale messages ignored.
    pub ignored: u32,
    /// The upload's final ACK was lost and success was confirmed by reading the list back.
    pub verified_by_readback: bool,
    /// Uploads restarted from MISSION_COUNT after the vehicle cancelled them.
    pub restarts: u32,
    /// Read-backs started to confirm an upload whose final ACK did not arrive.
    pub verify_attempts: u32,
}

fn wire_mission_type(w: &Wire) -> Option<u8> {
    match w {
        Wire::MissionRequest { mission_type, .. }
        | Wire::MissionItem { mission_type, .. }
        | Wire::MissionAck { mission_type, .. }
        | Wire::MissionCount { mission_type, .. } => Some(*mission_type),
        _ => None,
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

/// Final-ACK timeouts before an upload is confirmed by reading the list back.
const FINAL_ACK_TRIES_BEFORE_VERIFY: u32 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Upload,
    Download,
    Clear,
}

/// One mission transfer in progress (or finished).
#[derive(Debug, Clone)]
pub struct MissionTransfer {
    op: Op,
    kind: MissionType,
    gcs: Address,
    vehicle: Address,
    items: Vec<MissionItem>,
    received: Vec<Option<MissionItem>>,
    count: Option<u16>,
    timer: RetryTimer,
    retries: u32,
    deadline_us: u64,
    /// Last message sent, when, and whether it was a retransmission.
    last: Option<(Wire, u64, bool)>,
    /// Upload: highest item sent in answer to a request.
    highest_sent: Option<u16>,
    /// Upload: highest item sent at all (including speculative sends).
    highest_offered: Option<u16>,
    request_int: bool,
    outcome: Option<Result<Vec<MissionItem>, MissionError>>,
    stats: TransferStats,
    /// Upload whose final ACK was lost: the read-back download confirming it.
    verify: Option<Box<MissionTransfer>>,
}

impl MissionTransfer {
    fn new(op: Op, kind: MissionType, gcs: Address, vehicle: Address, timing: Timing) -> Self {
        Self {
            op,
            kind,
            gcs,
            vehicle,
            items: Vec::new(),
            received: Vec::new(),
            count: None,
            timer: RetryTimer::new(timing),
            retries: 0,
            deadline_us: 0,
            last: None,
            highest_sent: None,
            highest_offered: None,
            request_int: true,
            outcome: None,
            stats: TransferStats::default(),
            verify: None,
        }
    }

    /// Uploads `items` (for ArduPilot missions, item 0 is home).
    pub fn upload(
        kind: MissionType,
        items: Vec<MissionItem>,
        gcs: Address,
        vehicle: Address,
        timing: Timing,
    ) -> Self {
        let mut t = Self::new(Op::Upload, kind, gcs, vehicle, timing);
        if items.len() > usize::from(u16::MAX) {
            t.outcome = Some(Err(MissionError::TooManyItems { count: items.len() }));
        }
        t.items = items;
        t
    }

    /// Downloads the vehicle's list.
    pub fn download(kind: MissionType, gcs: Address, vehicle: Address, timing: Timing) -> Self {
        Self::new(Op::Download, kind, gcs, vehicle, timing)
    }

    /// Clears the vehicle's list.
    pub fn clear(kind: MissionType, gcs: Address, vehicle: Address, timing: Timing) -> Self {
        Self::new(Op::Clear, kind, gcs, vehicle, timing)
    }

    /// Which list this transfer is about.
    pub fn kind(&self) -> MissionType {
        self.kind
    }

    /// The vehicle addressed.
    pub fn vehicle(&self) -> Address {
        self.vehicle
    }

    /// Starts the transfer: the messages to send now.
    pub fn start(&mut self, now_us: u64) -> Vec<Wire> {
        if self.outcome.is_some() {
            return Vec::new();
        }
        let first = match self.op {
            Op::Upload => self.count_msg(),
            Op::Download => Wire::MissionRequestList {
                target_system: self.vehicle.sysid,
                target_component: self.vehicle.compid,
                mission_type: self.kind.to_u8(),
            },
            Op::Clear => Wire::MissionClearAll {
                target_system: self.vehicle.sysid,
                target_component: self.vehicle.compid,
                mission_type: self.kind.to_u8(),
            },
        };
        vec![self.send(first, now_us, false)]
    }

    /// True when finished (successfully or not).
    pub fn is_done(&self) -> bool {
        self.outcome.is_some()
    }

    /// The result once finished: the items (uploaded or downloaded; empty for a clear).
    pub fn outcome(&self) -> Option<&Result<Vec<MissionItem>, MissionError>> {
        self.outcome.as_ref()
    }

    /// Takes the result out, leaving the transfer finished without a result.
    pub fn take_outcome(&mut self) -> Option<Result<Vec<MissionItem>, MissionError>> {
        self.outcome.take()
    }

    /// Progress as (items done, items total); total is 0 until known.
    pub fn progress(&self) -> (usize, usize) {
        if let Some(v) = &self.verify {
            return v.progress();
        }
        match self.op {
            Op::Upload => {
                let done = match (&self.outcome, self.highest_sent) {
                    (Some(Ok(_)), _) => self.items.len(),
                    (_, Some(h)) => usize::from(h),
                    _ => 0,
                };
                (done, self.items.len())
            }
            Op::Download => {
                let done = self.received.iter().filter(|x| x.is_some()).count();
                (done, self.count.map_or(0, usize::from))
            }
            Op::Clear => (usize::from(matches!(self.outcome, Some(Ok(_)))), 1),
        }
    }

    /// True while a lost final ACK is being confirmed by reading the list back; progress then
    /// counts the items read back.
    pub fn verifying(&self) -> bool {
        self.verify.is_some()
    }

    /// Smoothed round-trip time and current retransmission timeout (µs).
    pub fn timing_us(&self) -> (Option<u64>, u64) {
        (self.timer.srtt_us(), self.timer.rto_us())
    }

    /// Counters so far.
    pub fn stats(&self) -> &TransferStats {
        &self.stats
    }

    /// When [`MissionTransfer::poll`] must be called next (µs), if running.
    pub fn deadline_us(&self) -> Option<u64> {
        if self.outcome.is_some() {
            None
        } else if let Some(v) = &self.verify {
            v.deadline_us()
        } else {
            Some(self.deadline_us)
        }
    }

    fn count_msg(&self) -> Wire {
        Wire::MissionCount {
            target_system: self.vehicle.sysid,
            target_component: self.vehicle.compid,
            count: self.items.len().min(usize::from(u16::MAX)) as u16,
            mission_type: self.kind.to_u8(),
            opaque_id: 0,
        }
    }

    fn request_msg(&self, seq: u16) -> Wire {
        Wire::MissionRequest {
            target_system: self.vehicle.sysid,
            target_component: self.vehicle.compid,
            seq,
            mission_type: self.kind.to_u8(),
            int: self.request_int,
        }
    }

    fn ack_msg(&self) -> Wire {
        Wire::MissionAck {
            target_system: self.vehicle.sysid,
            target_component: self.vehicle.compid,
            result: result::ACCEPTED,
            mission_type: self.kind.to_u8(),
            opaque_id: 0,
        }
    }

    fn item_msg(&self, seq: u16, int: bool) -> Option<Wire> {
        let mut item = *self.items.get(usize::from(seq))?;
        item.current = seq == 0 && self.kind == MissionType::Mission && item.current;
        Some(Wire::MissionItem {
            target_system: self.vehicle.sysid,
            target_component: self.vehicle.compid,
            seq,
            mission_type: self.kind.to_u8(),
            item,
            int,
        })
    }

    fn send(&mut self, msg: Wire, now_us: u64, retransmission: bool) -> Wire {
        if let Wire::MissionItem { seq, .. } = &msg {
            self.highest_offered = self.highest_offered.max(Some(*seq));
        }
        self.last = Some((msg.clone(), now_us, retransmission));
        let wait = match self.op {
            Op::Upload => self.timer.rto_us().min(UPLOAD_MAX_WAIT_MS * 1_000),
            _ => self.timer.rto_us(),
        };
        self.deadline_us = now_us + wait;
        msg
    }

    /// Takes an RTT sample if `answers` says the incoming message answers the last send.
    fn sample_if(&mut self, answers: impl Fn(&Wire) -> bool, now_us: u64) {
        if let Some((w, at, false)) = &self.last
            && answers(w)
        {
            let rtt = now_us.saturating_sub(*at);
            self.timer.sample(rtt);
        }
    }

    fn finish(&mut self, r: Result<Vec<MissionItem>, MissionError>) {
        self.outcome = Some(r);
    }

    /// Feeds a message received from `from`. Returns the messages to send.
    pub fn handle(&mut self, from: Address, msg: &Wire, now_us: u64) -> Vec<Wire> {
        if self.outcome.is_some()
            || from != self.vehicle
            || !msg.is_for(self.gcs.sysid, self.gcs.compid)
        {
            return Vec::new();
        }
        if self.verify.is_some() {
            // A request means the vehicle is still receiving: the upload is not over yet.
            let still_receiving = matches!(msg, Wire::MissionRequest { mission_type, .. } if *mission_type == self.kind.to_u8());
            if !still_receiving {
                return self.verify_step(|v| v.handle(from, msg, now_us));
            }
            self.verify = None;
        }
        // Anything about this transfer from the vehicle proves the link alive: no backoff.
        if wire_mission_type(msg) == Some(self.kind.to_u8()) {
            self.timer.reset_backoff();
        }
        let kind = self.kind.to_u8();
        match (self.op, msg) {
            (
                Op::Upload,
                Wire::MissionRequest {
                    seq,
                    mission_type,
                    int,
                    ..
                },
            ) if *mission_type == kind => self.on_request(*seq, *int, now_us),
            (
                Op::Upload,
                Wire::MissionAck {
                    result,
                    mission_type,
                    ..
                },
            ) if *mission_type == kind => self.on_upload_ack(*result, now_us),
            (
                Op::Download,
                Wire::MissionCount {
                    count,
                    mission_type,
                    ..
                },
            ) if *mission_type == kind => self.on_count(*count, now_us),
            (
                Op::Download,
                Wire::MissionItem {
                    seq,
                    mission_type,
                    item,
                    ..
                },
            ) if *mission_type == kind => self.on_item(*seq, item, now_us),
            (
                Op::Download,
                Wire::MissionAck {
                    result,
                    mission_type,
                    ..
                },
            ) if *mission_type == kind && *result != result::ACCEPTED && self.count.is_some() => {
                self.finish(Err(MissionError::Rejected {
                    kind: self.kind,
                    result: *result,
                }));
                Vec::new()
            }
            (
                Op::Clear,
                Wire::MissionAck {
                    result,
                    mission_type,
                    ..
                },
            ) if *mission_type == kind => {
                if *result == result::ACCEPTED {
                    self.finish(Ok(Vec::new()));
                } else if *result == result::INVALID_SEQUENCE {
                    self.stats.ignored += 1;
                } else {
                    self.finish(Err(MissionError::Rejected {
                        kind: self.kind,
                        result: *result,
                    }));
                }
                Vec::new()
            }
            _ => {
                self.stats.ignored += 1;
                Vec::new()
            }
        }
    }

    fn on_request(&mut self, seq: u16, int: bool, now_us: u64) -> Vec<Wire> {
        let n = self.items.len();
        if usize::from(seq) >= n {
            self.stats.ignored += 1;
            return Vec::new();
        }
        self.sample_if(
            |w| match w {
                Wire::MissionCount { .. } => seq == 0,
                Wire::MissionItem { seq: s, .. } => s.checked_add(1) == Some(seq),
                _ => false,
            },
            now_us,
        );
        let progressed = self.highest_sent.is_none_or(|h| seq > h);
        if progressed {
            self.highest_sent = Some(seq);
            self.retries = 0;
        } else {
            self.stats.ignored += 1;
        }
        match self.item_msg(seq, int) {
            Some(m) => vec![self.send(m, now_us, false)],
            None => Vec::new(),
        }
    }

    /// Every item was sent at least once (some maybe speculatively).
    fn all_sent(&self) -> bool {
        self.items.is_empty() || self.highest_offered.map(usize::from) == Some(self.items.len() - 1)
    }

    /// The vehicle asked for the last item, so it had all the others.
    fn all_requested(&self) -> bool {
        self.items.is_empty() || self.highest_sent.map(usize::from) == Some(self.items.len() - 1)
    }

    fn on_upload_ack(&mut self, r: u8, now_us: u64) -> Vec<Wire> {
        let all_sent = self.all_sent();
        match r {
            result::ACCEPTED if all_sent => self.finish(Ok(self.items.clone())),
            // A late ACK of an earlier transfer: not ours.
            result::ACCEPTED => self.stats.ignored += 1,
            result::INVALID_SEQUENCE if !all_sent => self.stats.spurious_nacks += 1,
            result::INVALID_SEQUENCE => self.stats.spurious_nacks += 1,
            // The answer to a read-back started too early (the vehicle was still receiving).
            result::DENIED if self.stats.verify_attempts > 0 => self.stats.ignored += 1,
            // After the last item, ArduPilot answers a resent item with ERROR once it has
            // finished: the ACCEPTED was lost (or the vehicle gave up). Read back to know.
            result::ERROR if all_sent && !self.items.is_empty() => {
                return self.start_verify(now_us);
            }
            // Answers to items sent before a restart reached the vehicle: stale.
            result::OPERATION_CANCELLED | result::ERROR if self.highest_sent.is_none() => {
                self.stats.ignored += 1;
            }
            // The vehicle gave up waiting (lossy link): start over, a bounded number of times.
            result::OPERATION_CANCELLED | result::ERROR
                if self.stats.restarts < MAX_UPLOAD_RESTARTS =>
            {
                self.stats.restarts += 1;
                self.highest_sent = None;
                self.highest_offered = None;
                self.retries = 0;
                let m = self.count_msg();
                return vec![self.send(m, now_us, true)];
            }
            other => self.finish(Err(MissionError::Rejected {
                kind: self.kind,
                result: other,
            })),
        }
        Vec::new()
    }

    fn start_verify(&mut self, now_us: u64) -> Vec<Wire> {
        let mut v =
            MissionTransfer::download(self.kind, self.gcs, self.vehicle, *self.timer.timing());
        let out = v.start(now_us);
        self.stats.verify_attempts += 1;
        self.verify = Some(Box::new(v));
        out
    }

    /// Runs `f` on the read-back transfer and concludes the upload when it finishes.
    fn verify_step(&mut self, f: impl FnOnce(&mut MissionTransfer) -> Vec<Wire>) -> Vec<Wire> {
        let Some(v) = self.verify.as_mut() else {
            return Vec::new();
        };
        let out = f(v);
        if let Some(r) = v.take_outcome() {
            self.verify = None;
            self.stats.verified_by_readback = true;
            let outcome = match r {
                Ok(got) => {
                    let first = self
                        .items
                        .iter()
                        .zip(got.iter())
                        .position(|(a, b)| !a.same_on_wire(b))
                        .or((got.len() != self.items.len())
                            .then(|| got.len().min(self.items.len())));
                    match first {
                        None => Ok(self.items.clone()),
                        Some(i) => Err(MissionError::VerifyMismatch {
                            kind: self.kind,
                            first_difference: i,
                        }),
                    }
                }
                Err(e) => Err(e),
            };
            self.finish(outcome);
        }
        out
    }

    fn on_count(&mut self, count: u16, now_us: u64) -> Vec<Wire> {
        if self.count == Some(count) {
            self.stats.ignored += 1;
            return Vec::new();
        }
        self.sample_if(|w| matches!(w, Wire::MissionRequestList { .. }), now_us);
        self.count = Some(count);
        self.received = vec![None; usize::from(count)];
        self.retries = 0;
        if count == 0 {
            self.finish(Ok(Vec::new()));
            return vec![self.ack_msg()];
        }
        let m = self.request_msg(0);
        vec![self.send(m, now_us, false)]
    }

    fn lowest_missing(&self) -> Option<u16> {
        self.received
            .iter()
            .position(Option::is_none)
            .map(|i| i as u16)
    }

    fn on_item(&mut self, seq: u16, item: &MissionItem, now_us: u64) -> Vec<Wire> {
        let Some(slot) = self.received.get_mut(usize::from(seq)) else {
            self.stats.ignored += 1;
            return Vec::new();
        };
        if slot.is_some() {
            self.stats.ignored += 1;
            return Vec::new();
        }
        *slot = Some(*item);
        self.sample_if(
            |w| matches!(w, Wire::MissionRequest { seq: s, .. } if *s == seq),
            now_us,
        );
        self.retries = 0;
        match self.lowest_missing() {
            None => {
                let items = self.received.iter().flatten().copied().collect();
                self.finish(Ok(items));
                vec![self.ack_msg()]
            }
            Some(next) => {
                let outstanding = matches!(&self.last, Some((Wire::MissionRequest { seq: s, .. }, _, _)) if *s == next);
                if outstanding {
                    Vec::new()
                } else {
                    let m = self.request_msg(next);
                    vec![self.send(m, now_us, false)]
                }
            }
        }
    }

    /// Handles timeouts. Call when `now_us >= deadline_us()`; returns messages to send.
    pub fn poll(&mut self, now_us: u64) -> Vec<Wire> {
        if self.verify.is_some() {
            return self.verify_step(|v| v.poll(now_us));
        }
        if self.outcome.is_some() || now_us < self.deadline_us {
            return Vec::new();
        }
        if self.op == Op::Upload
            && self.all_requested()
            && !self.items.is_empty()
            && self.retries >= FINAL_ACK_TRIES_BEFORE_VERIFY.min(self.timer.timing().max_retries)
        {
            return self.start_verify(now_us);
        }
        self.retries += 1;
        self.stats.retransmissions += 1;
        if self.retries > self.timer.timing().max_retries {
            let stage = self.stage();
            self.finish(Err(MissionError::Timeout {
                kind: self.kind,
                stage,
                tries: self.retries,
            }));
            return Vec::new();
        }
        self.timer.backoff();
        let msg = match self.op {
            Op::Upload => match self.highest_sent {
                None => Some(self.count_msg()),
                Some(h) => {
                    let int = match &self.last {
                        Some((Wire::MissionItem { int, .. }, _, _)) => *int,
                        _ => true,
                    };
                    // Resend item h and speculatively the next ones: if only the vehicle's
                    // requests were lost, it takes the item it expects and NACKs the rest.
                    // The window grows with consecutive timeouts.
                    let window = self.retries.min(SPECULATION_WINDOW) as u16;
                    let last = h.saturating_add(window);
                    let mut out = Vec::new();
                    for seq in h..=last {
                        if let Some(m) = self.item_msg(seq, int) {
                            out.push(m);
                        }
                    }
                    let mut sent = Vec::new();
                    for m in out {
                        sent.push(self.send(m, now_us, true));
                    }
                    return sent;
                }
            },
            Op::Download => match (self.count, self.lowest_missing()) {
                (None, _) => Some(Wire::MissionRequestList {
                    target_system: self.vehicle.sysid,
                    target_component: self.vehicle.compid,
                    mission_type: self.kind.to_u8(),
                }),
                (Some(_), Some(seq)) => {
                    // An old autopilot may ignore MISSION_REQUEST_INT: alternate after 3 tries.
                    if seq == 0 && self.retries >= 3 {
                        self.request_int = !self.request_int;
                    }
                    Some(self.request_msg(seq))
                }
                (Some(_), None) => None,
            },
            Op::Clear => Some(Wire::MissionClearAll {
                target_system: self.vehicle.sysid,
                target_component: self.vehicle.compid,
                mission_type: self.kind.to_u8(),
            }),
        };
        match msg {
            Some(m) => vec![self.send(m, now_us, true)],
            None => Vec::new(),
        }
    }

    fn stage(&self) -> Stage {
        match self.op {
            Op::Upload => match self.highest_sent {
                None => Stage::FirstRequest,
                Some(h) if usize::from(h) + 1 >= self.items.len() => Stage::FinalAck,
                Some(h) => Stage::NextRequest { after: h },
            },
            Op::Download => match (self.count, self.lowest_missing()) {
                (Some(_), Some(seq)) => Stage::Item { seq },
                _ => Stage::Count,
            },
            Op::Clear => Stage::ClearAck,
        }
    }
}
