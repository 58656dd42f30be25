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
//!                                   (n = 0: ACK, Done)      request the next missing ones
//!                                   (up to `window` requests outstanding: ArduPilot answers
//!                                   requests independently; PX4 needs window 1)
//!                                   all n stored ─ACK ACCEPTED─▶ Done(Ok(items))
//! CLEAR     start ──CLEAR_ALL──▶ AwaitAck ── ACK ACCEPTED ─▶ Done(Ok) / error ─▶ Done(Err)
//! ```
//! Duplicates, late and out-of-order messages are tolerated: requests for earlier items are
//! answered again, items that arrive early are kept, stray ACKs from an earlier transfer are
//! ignored. Every wait has an adaptive timeout ([`RetryTimer`]); consecutive timeouts without
//! progress are bounded by [`Timing::max_retries`], so a transfer always ends.

mod download;
pub mod result;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_form;
#[cfg(test)]
mod tests_lossy;
mod upload;

use super::retry::{RetryTimer, Timing};
use super::wire::Wire;
use crate::plan::{MissionItem, MissionType};
use download::Download;
use upload::Upload;

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

pub use result::mission_result_text;

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
    #[error(
        "vehicle rejected the {kind} transfer: {}{}{}",
        mission_result_text(*result),
        refused_item_text(item),
        said(texts)
    )]
    Rejected {
        /// Which list.
        kind: MissionType,
        /// `MAV_MISSION_RESULT`.
        result: u8,
        /// The item the vehicle had just received when it refused (uploads).
        item: Option<RefusedItem>,
        /// STATUSTEXT messages (warning or worse) the vehicle sent during the transfer.
        texts: Vec<String>,
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
    /// Not sent: the vehicle would refuse an item (or accept it and then refuse to fly, or
    /// crash on it), as measured on its firmware.
    #[error(
        "{kind} not sent: the vehicle would refuse it{}: {reason}",
        refused_item_text(&Some(*item))
    )]
    WouldBeRefused {
        /// Which list.
        kind: MissionType,
        /// The item (numbered as the caller's list).
        item: RefusedItem,
        /// Why.
        reason: String,
    },
    /// The list is longer than the protocol allows.
    #[error("{count} items do not fit the mission protocol (at most 65535)")]
    TooManyItems {
        /// Items given.
        count: usize,
    },
}

/// The item an upload was refused at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefusedItem {
    /// Its number in the caller's list (for PX4 missions, the engine counts the home item
    /// the caller's list starts with, as mission files do).
    pub seq: u16,
    /// Its `MAV_CMD`.
    pub command: u16,
    /// Its `MAV_FRAME`.
    pub frame: u8,
}

fn refused_item_text(item: &Option<RefusedItem>) -> String {
    match item {
        Some(i) => format!(
            ", at item {} ({}, frame {})",
            i.seq,
            super::command::command_name(i.command),
            frame_name(i.frame)
        ),
        None => String::new(),
    }
}

/// Human name of a `MAV_FRAME` number, e.g. "GLOBAL_RELATIVE_ALT (3)".
pub fn frame_name(frame: u8) -> String {
    let name = match frame {
        0 => "GLOBAL",
        1 => "LOCAL_NED",
        2 => "MISSION",
        3 => "GLOBAL_RELATIVE_ALT",
        4 => "LOCAL_ENU",
        5 => "GLOBAL_INT",
        6 => "GLOBAL_RELATIVE_ALT_INT",
        7 => "LOCAL_OFFSET_NED",
        8 => "BODY_NED",
        9 => "BODY_OFFSET_NED",
        10 => "GLOBAL_TERRAIN_ALT",
        11 => "GLOBAL_TERRAIN_ALT_INT",
        _ => return format!("{frame}"),
    };
    format!("{name} ({frame})")
}

fn said(texts: &[String]) -> String {
    if texts.is_empty() {
        String::new()
    } else {
        format!(". Vehicle said: {}", texts.join(" | "))
    }
}

impl MissionError {
    /// Renumbers the refused item by `by` (the engine adds PX4's missing home item back).
    pub fn shift_item(&mut self, by: i32) {
        if let MissionError::Rejected {
            item: Some(item), ..
        } = self
        {
            item.seq = (i32::from(item.seq) + by).clamp(0, i32::from(u16::MAX)) as u16;
        }
    }
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

/// What every transfer knows: which list, who talks to whom, and its retry timer.
#[derive(Debug, Clone)]
struct Ctx {
    kind: MissionType,
    gcs: Address,
    vehicle: Address,
    timer: RetryTimer,
}

impl Ctx {
    fn new(kind: MissionType, gcs: Address, vehicle: Address, timing: Timing) -> Self {
        Self {
            kind,
            gcs,
            vehicle,
            timer: RetryTimer::new(timing),
        }
    }
}

/// Clearing a list: CLEAR_ALL until ACKed.
#[derive(Debug, Clone)]
struct Clear {
    ctx: Ctx,
    retries: u32,
    deadline_us: u64,
    outcome: Option<Result<Vec<MissionItem>, MissionError>>,
}

impl Clear {
    fn msg(&mut self, now_us: u64) -> Vec<Wire> {
        self.deadline_us = now_us + self.ctx.timer.rto_us();
        vec![Wire::MissionClearAll {
            target_system: self.ctx.vehicle.sysid,
            target_component: self.ctx.vehicle.compid,
            mission_type: self.ctx.kind.to_u8(),
        }]
    }

    fn handle(&mut self, msg: &Wire, stats: &mut TransferStats) {
        match msg {
            Wire::MissionAck {
                result: r,
                mission_type,
                ..
            } if *mission_type == self.ctx.kind.to_u8() => match *r {
                result::ACCEPTED => self.outcome = Some(Ok(Vec::new())),
                result::INVALID_SEQUENCE => stats.ignored += 1,
                other => {
                    self.outcome = Some(Err(MissionError::Rejected {
                        kind: self.ctx.kind,
                        result: other,
                        item: None,
                        texts: Vec::new(),
                    }))
                }
            },
            _ => stats.ignored += 1,
        }
    }

    fn poll(&mut self, now_us: u64, stats: &mut TransferStats) -> Vec<Wire> {
        if self.outcome.is_some() || now_us < self.deadline_us {
            return Vec::new();
        }
        self.retries += 1;
        stats.retransmissions += 1;
        if self.retries > self.ctx.timer.timing().max_retries {
            self.outcome = Some(Err(MissionError::Timeout {
                kind: self.ctx.kind,
                stage: Stage::ClearAck,
                tries: self.retries,
            }));
            return Vec::new();
        }
        self.ctx.timer.backoff();
        self.msg(now_us)
    }
}

#[derive(Debug, Clone)]
enum Op {
    Upload(Upload),
    Download(Download),
    Clear(Clear),
}

/// Least severe STATUSTEXT kept as the vehicle's explanation of a refusal (MAV_SEVERITY_WARNING).
const MAX_EXPLANATION_SEVERITY: u8 = 4;
/// How long a refusal waits for the vehicle's STATUSTEXT explaining it (µs).
const EXPLANATION_WAIT_US: u64 = 300_000;
/// Vehicle messages kept for the error report.
const MAX_TEXTS: usize = 4;
/// Only messages this recent when the vehicle refuses are taken as its explanation (µs).
const EXPLANATION_WINDOW_US: u64 = 2_000_000;

/// One mission transfer in progress (or finished).
#[derive(Debug, Clone)]
pub struct MissionTransfer {
    op: Op,
    stats: TransferStats,
    finished: bool,
    /// STATUSTEXT (warning or worse) from the vehicle during the transfer, with arrival times.
    texts: Vec<(u64, String)>,
    /// A refusal without explanation yet waits for a STATUSTEXT until then (µs).
    explain_until_us: Option<u64>,
    /// The upload as it was started, to start it again while the vehicle's storage is not
    /// ready yet.
    pristine: Option<Box<Op>>,
    /// The upload starts again at this time (µs).
    restart_at_us: Option<u64>,
    /// Uploads started again because the storage was not ready.
    storage_retries: u32,
}

/// Times an upload is started again while the vehicle says "Only 0 items are supported".
const STORAGE_RETRIES: u32 = 10;
/// Wait before starting again (µs).
const STORAGE_RETRY_US: u64 = 1_000_000;
/// Times an unexplained NO_SPACE is tried again.
const UNEXPLAINED_RETRIES: u32 = 3;

impl MissionTransfer {
    fn wrap(op: Op) -> Self {
        Self {
            op,
            stats: TransferStats::default(),
            finished: false,
            texts: Vec::new(),
            explain_until_us: None,
            pristine: None,
            restart_at_us: None,
            storage_retries: 0,
        }
    }

    /// ArduPilot right after a wiped boot refuses every upload with NO_SPACE and "Only 0 items
    /// are supported" for a second or two while its storage initialises: such a refusal
    /// starts the upload again a second later (at most [`STORAGE_RETRIES`] times).
    /// A NO_SPACE without any explanation (the text lost on a radio link, or a fence or rally
    /// list, for which ArduPilot says nothing) is tried again a few times too: a vehicle that
    /// is really full refuses again, a second or three later.
    fn storage_not_ready(&self) -> bool {
        let retry = match self.outcome_ref() {
            Some(Err(MissionError::Rejected {
                result: result::NO_SPACE,
                texts,
                ..
            })) => {
                texts.iter().any(|t| t.starts_with("Only 0 items"))
                    || (texts.is_empty() && self.storage_retries < UNEXPLAINED_RETRIES)
            }
            _ => false,
        };
        retry && self.pristine.is_some() && self.storage_retries < STORAGE_RETRIES
    }

    fn outcome_mut(&mut self) -> &mut Option<Result<Vec<MissionItem>, MissionError>> {
        match &mut self.op {
            Op::Upload(u) => &mut u.outcome,
            Op::Download(d) => &mut d.outcome,
            Op::Clear(c) => &mut c.outcome,
        }
    }

    /// A refusal still waiting for the vehicle's explanation.
    fn awaiting_explanation(&self) -> bool {
        self.explain_until_us.is_some() && self.texts.is_empty()
    }

    /// After the machine moved: a fresh refusal without explanation starts a short wait; the
    /// texts of the last moments go into the refusal (older ones, such as ArduPilot's
    /// periodic PreArm reports, are about something else).
    fn settle(&mut self, now_us: u64) {
        if self.outcome_ref().is_some() && self.explain_until_us.is_none() {
            let since = now_us.saturating_sub(EXPLANATION_WINDOW_US);
            self.texts.retain(|(t, _)| *t >= since);
        }
        let texts: Vec<String> = self.texts.iter().map(|(_, t)| t.clone()).collect();
        let waiting = self.explain_until_us.is_some();
        if let Some(Err(MissionError::Rejected { texts: t, .. })) = self.outcome_mut() {
            *t = texts;
            if t.is_empty() && !waiting {
                self.explain_until_us = Some(now_us + EXPLANATION_WAIT_US);
            }
        }
        if self.storage_not_ready()
            && let Some(p) = self.pristine.clone()
        {
            self.op = *p;
            self.texts.clear();
            self.explain_until_us = None;
            self.storage_retries += 1;
            self.restart_at_us = Some(now_us + STORAGE_RETRY_US);
        }
    }

    /// Feeds a STATUSTEXT from system `sysid`, received at `now_us`: a refusal reports what
    /// the vehicle said.
    pub fn note_statustext(&mut self, sysid: u8, severity: u8, text: &str, now_us: u64) {
        if self.finished
            || sysid != self.vehicle().sysid
            || severity > MAX_EXPLANATION_SEVERITY
            || (self.outcome_ref().is_some() && !self.awaiting_explanation())
        {
            return;
        }
        if self.texts.len() == MAX_TEXTS {
            self.texts.remove(0);
        }
        self.texts.push((now_us, text.to_owned()));
        if self.outcome_ref().is_some() {
            self.settle(now_us);
        }
    }

    /// Uploads `items` (for ArduPilot missions, item 0 is home). A lost final ACK is settled by
    /// a read-back with `verify_window` requests outstanding (see [`MissionTransfer::download`]).
    pub fn upload(
        kind: MissionType,
        items: Vec<MissionItem>,
        gcs: Address,
        vehicle: Address,
        timing: Timing,
    ) -> Self {
        Self::wrap(Op::Upload(Upload::new(
            Ctx::new(kind, gcs, vehicle, timing),
            items,
            1,
        )))
    }

    /// Downloads the vehicle's list, one request at a time (works with every autopilot).
    pub fn download(kind: MissionType, gcs: Address, vehicle: Address, timing: Timing) -> Self {
        Self::wrap(Op::Download(Download::new(
            Ctx::new(kind, gcs, vehicle, timing),
            1,
        )))
    }

    /// Clears the vehicle's list.
    pub fn clear(kind: MissionType, gcs: Address, vehicle: Address, timing: Timing) -> Self {
        Self::wrap(Op::Clear(Clear {
            ctx: Ctx::new(kind, gcs, vehicle, timing),
            retries: 0,
            deadline_us: 0,
            outcome: None,
        }))
    }

    /// Keeps up to `window` item requests outstanding when downloading (or reading back an
    /// upload). ArduPilot answers requests independently, so 8 speeds up long or slow links
    /// several times; PX4 rejects requests out of order and needs 1.
    pub fn with_window(mut self, window: u16) -> Self {
        let w = window.max(1);
        match &mut self.op {
            Op::Upload(u) => u.verify_window = w,
            Op::Download(d) => {
                let support = d.int_support;
                *d = Download::new(d.ctx.clone(), w);
                d.set_int_support(support);
            }
            Op::Clear(_) => {}
        }
        self
    }

    /// What is known of the vehicle's `MISSION_ITEM_INT` support (default `Some(true)`, as
    /// every MAVLink 2 autopilot has it; `None`: not known, try INT and fall back to floats if
    /// the vehicle keeps asking for item 0). Uploads answer with INT items unless the vehicle
    /// is known to lack them, whatever form its requests take; downloads ask with
    /// `MISSION_REQUEST_INT` unless it lacks them.
    pub fn with_int_support(mut self, support: Option<bool>) -> Self {
        match &mut self.op {
            Op::Upload(u) => u.form.support = support,
            Op::Download(d) => d.set_int_support(support),
            Op::Clear(_) => {}
        }
        self
    }

    /// How the vehicle keeps items ([`crate::plan::stored`]): a read-back confirming an upload
    /// whose final ACK was lost compares what the vehicle would have kept of each sent item,
    /// not the item itself (ArduPilot folds frames and truncates parameters).
    pub fn with_stored_as(
        mut self,
        stores_as: Option<(
            crate::plan::document::Firmware,
            crate::plan::document::VehicleKind,
        )>,
    ) -> Self {
        if let Op::Upload(u) = &mut self.op {
            u.stores_as = stores_as;
        }
        self
    }

    /// Clears the vehicle's list (MISSION_CLEAR_ALL) before uploading. ArduPilot 4.7 SITL
    /// acknowledged a fence that replaced a larger stored one and then held no fence at all;
    /// clearing first avoids that.
    pub fn with_clear_first(mut self, clear_first: bool) -> Self {
        if let Op::Upload(u) = &mut self.op {
            u.clear_first = clear_first;
        }
        self
    }

    /// True once the vehicle showed it takes INT items during this transfer.
    pub fn int_confirmed(&self) -> bool {
        match &self.op {
            Op::Upload(u) => u.form.int_confirmed(),
            Op::Download(d) => d.int_answers,
            Op::Clear(_) => false,
        }
    }

    /// Declares item 0 of the list to be the vehicle's home, which the vehicle replaces with its
    /// own (ArduPilot missions): a read-back confirming an upload does not compare it.
    pub fn with_home_item(mut self, home_item: bool) -> Self {
        if let Op::Upload(u) = &mut self.op {
            u.home_item = home_item;
        }
        self
    }

    fn ctx(&self) -> &Ctx {
        match &self.op {
            Op::Upload(u) => &u.ctx,
            Op::Download(d) => &d.ctx,
            Op::Clear(c) => &c.ctx,
        }
    }

    fn ctx_mut(&mut self) -> &mut Ctx {
        match &mut self.op {
            Op::Upload(u) => &mut u.ctx,
            Op::Download(d) => &mut d.ctx,
            Op::Clear(c) => &mut c.ctx,
        }
    }

    /// Which list this transfer is about.
    pub fn kind(&self) -> MissionType {
        self.ctx().kind
    }

    /// The vehicle addressed.
    pub fn vehicle(&self) -> Address {
        self.ctx().vehicle
    }

    /// Starts the transfer: the messages to send now.
    pub fn start(&mut self, now_us: u64) -> Vec<Wire> {
        if matches!(self.op, Op::Upload(_)) && self.pristine.is_none() {
            self.pristine = Some(Box::new(self.op.clone()));
        }
        match &mut self.op {
            Op::Upload(u) => u.start(now_us),
            Op::Download(d) => d.start(now_us),
            Op::Clear(c) => c.msg(now_us),
        }
    }

    fn outcome_ref(&self) -> Option<&Result<Vec<MissionItem>, MissionError>> {
        match &self.op {
            Op::Upload(u) => u.outcome.as_ref(),
            Op::Download(d) => d.outcome.as_ref(),
            Op::Clear(c) => c.outcome.as_ref(),
        }
    }

    /// True when finished (successfully or not).
    pub fn is_done(&self) -> bool {
        self.finished || (self.outcome_ref().is_some() && !self.awaiting_explanation())
    }

    /// The result once finished: the items (uploaded or downloaded; empty for a clear).
    pub fn outcome(&self) -> Option<&Result<Vec<MissionItem>, MissionError>> {
        self.outcome_ref()
    }

    /// Takes the result out, leaving the transfer finished without a result.
    pub fn take_outcome(&mut self) -> Option<Result<Vec<MissionItem>, MissionError>> {
        if self.awaiting_explanation() {
            return None;
        }
        let r = self.outcome_mut().take();
        if r.is_some() {
            self.finished = true;
        }
        r
    }

    /// Progress as (items done, items total); total is 0 until known. While a lost final ACK
    /// is being confirmed, it counts the items read back.
    pub fn progress(&self) -> (usize, usize) {
        match &self.op {
            Op::Upload(u) => u.progress(),
            Op::Download(d) => d.progress(),
            Op::Clear(c) => (usize::from(matches!(c.outcome, Some(Ok(_)))), 1),
        }
    }

    /// True while a lost final ACK is being confirmed by reading the list back.
    pub fn verifying(&self) -> bool {
        matches!(&self.op, Op::Upload(u) if u.verify.is_some())
    }

    /// Smoothed round-trip time and current retransmission timeout (µs).
    pub fn timing_us(&self) -> (Option<u64>, u64) {
        (self.ctx().timer.srtt_us(), self.ctx().timer.rto_us())
    }

    /// Counters so far.
    pub fn stats(&self) -> &TransferStats {
        &self.stats
    }

    /// When [`MissionTransfer::poll`] must be called next (µs), if running.
    pub fn deadline_us(&self) -> Option<u64> {
        if self.is_done() {
            return None;
        }
        if self.restart_at_us.is_some() {
            return self.restart_at_us;
        }
        if self.awaiting_explanation() {
            return self.explain_until_us;
        }
        match &self.op {
            Op::Upload(u) => u.deadline_us(),
            Op::Download(d) => d.deadline_us(),
            Op::Clear(c) => Some(c.deadline_us),
        }
    }

    /// Feeds a message received from `from`. Returns the messages to send.
    pub fn handle(&mut self, from: Address, msg: &Wire, now_us: u64) -> Vec<Wire> {
        let gcs = self.ctx().gcs;
        if self.is_done() || from != self.vehicle() || !msg.is_for(gcs.sysid, gcs.compid) {
            return Vec::new();
        }
        // Anything about this transfer from the vehicle proves the link alive: no backoff.
        if wire_mission_type(msg) == Some(self.kind().to_u8()) {
            self.ctx_mut().timer.reset_backoff();
        }
        if self.outcome_ref().is_some() || self.restart_at_us.is_some() {
            return Vec::new(); // only waiting for an explanation, or to start again
        }
        let stats = &mut self.stats;
        let out = match &mut self.op {
            Op::Upload(u) => u.handle(msg, now_us, stats),
            Op::Download(d) => d.handle(msg, now_us, stats),
            Op::Clear(c) => {
                c.handle(msg, stats);
                Vec::new()
            }
        };
        self.settle(now_us);
        out
    }

    /// Handles timeouts. Call when `now_us >= deadline_us()`; returns messages to send.
    pub fn poll(&mut self, now_us: u64) -> Vec<Wire> {
        if self.is_done() {
            return Vec::new();
        }
        if self.awaiting_explanation() {
            if self.explain_until_us.is_some_and(|t| now_us >= t) {
                self.explain_until_us = None; // none came: report the refusal as it is
            }
            return Vec::new();
        }
        if let Some(t) = self.restart_at_us {
            if now_us < t {
                return Vec::new();
            }
            self.restart_at_us = None;
            return self.start(now_us);
        }
        let stats = &mut self.stats;
        let out = match &mut self.op {
            Op::Upload(u) => u.poll(now_us, stats),
            Op::Download(d) => d.poll(now_us, stats),
            Op::Clear(c) => c.poll(now_us, stats),
        };
        self.settle(now_us);
        out
    }
}
