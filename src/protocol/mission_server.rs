//! MAVLink mission protocol, vehicle side, sans-IO: stores the mission, fence and rally lists
//! and serves uploads and downloads the way ArduPilot does.
//!
//! ```text
//! COUNT(n) ──▶ Receiving{next=0} ──REQUEST(next)──▶ ITEM(next): store, next+1
//!                 │  ITEM(other seq): MISSION_ACK INVALID_SEQUENCE (ArduPilot's "spurious NACK")
//!                 │  no item for `re_request_ms`: REQUEST(next) again
//!                 │  no item for `cancel_after_ms`: MISSION_ACK OPERATION_CANCELLED
//!                 └─ next == n ─▶ list replaced, MISSION_ACK ACCEPTED
//! REQUEST_LIST ─▶ COUNT(len)     REQUEST(seq) ─▶ ITEM(seq)     CLEAR_ALL ─▶ cleared, ACK
//! ```
//! Used by the simulator and by the protocol tests, where it is the independent peer of
//! [`super::mission::MissionTransfer`]. Failure modes for tests: a small item limit, dropped
//! requests, and a NACK in the middle of an upload.

use super::mission::{Address, result};
use super::wire::Wire;
use crate::plan::document::{Firmware, VehicleKind};
use crate::plan::{MissionItem, MissionType};

/// Behaviour and failure modes of a [`MissionServer`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MissionServerConfig {
    /// Largest list accepted per mission type: mission, fence, rally (larger uploads get
    /// NO_SPACE; default 2000 each). ArduCopter 4.7 SITL: [`ARDUPILOT_CAPACITY`].
    pub capacity: [usize; 3],
    /// Uploads get NO_SPACE ("Only 0 items are supported") until this long after the first
    /// message (ms; default 0): ArduPilot's storage is not ready right after a wiped boot
    /// (about 1.5 s).
    pub storage_ready_ms: u64,
    /// Re-request the next item after this much silence (ms).
    pub re_request_ms: u64,
    /// Abandon an upload after this much silence (ms).
    pub cancel_after_ms: u64,
    /// Percentage of outgoing MISSION_REQUESTs silently dropped (failure mode).
    pub drop_requests_pct: f64,
    /// Send one MISSION_ACK INVALID_SEQUENCE half way through each upload (failure mode).
    pub nack_mid_upload: bool,
    /// Answer a repeated last item after completion with ACCEPTED again (PX4-like). Off by
    /// default: ArduPilot answers any item outside an upload with MISSION_ACK ERROR.
    pub reack_last_item: bool,
    /// Which request message asks for items during an upload.
    pub request_form: RequestForm,
    /// Refuses an upload with MISSION_ACK UNSUPPORTED when an item with this command arrives,
    /// as PX4 does with commands it cannot fly (failure mode for tests).
    pub refuse_command: Option<u16>,
    /// Stores items as this firmware does on this kind of vehicle ([`crate::plan::stored`]:
    /// frames folded, parameters truncated into their storage types, flags rewritten) and
    /// refuses the items it refuses, with its `MAV_MISSION_RESULT`. `None`: verbatim.
    pub stores_as: Option<(Firmware, VehicleKind)>,
    /// Takes `MISSION_ITEM_INT` during uploads. Off: such items are ignored, as by firmware
    /// that predates them (failure mode for tests).
    pub takes_int_items: bool,
    /// Seed for the dropped-request decisions.
    pub seed: u64,
}

/// ArduCopter 4.7 SITL's limits: mission, fence, rally items.
pub const ARDUPILOT_CAPACITY: [usize; 3] = [650, 70, 46];

/// How a vehicle asks for items during an upload (it takes either item form in answer).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RequestForm {
    /// ArduPilot 4.7: always the float `MISSION_REQUEST`, although it takes and advertises
    /// `MISSION_ITEM_INT`.
    #[default]
    ArduPilot,
    /// PX4 1.16: `MISSION_REQUEST` for item 0, `MISSION_REQUEST_INT` once an INT item arrived.
    Px4,
    /// `MISSION_REQUEST_INT` throughout.
    Int,
}

impl RequestForm {
    /// The form of the request for the next item, after an item in form `last_int` (or at
    /// the start of an upload: `None`).
    fn next(self, last_int: Option<bool>) -> bool {
        match self {
            RequestForm::ArduPilot => false,
            RequestForm::Px4 => last_int == Some(true),
            RequestForm::Int => true,
        }
    }
}

impl Default for MissionServerConfig {
    fn default() -> Self {
        Self {
            capacity: [2_000; 3],
            storage_ready_ms: 0,
            re_request_ms: 1_000,
            cancel_after_ms: 8_000,
            drop_requests_pct: 0.0,
            nack_mid_upload: false,
            reack_last_item: false,
            request_form: RequestForm::ArduPilot,
            takes_int_items: true,
            refuse_command: None,
            stores_as: None,
            seed: 1,
        }
    }
}

#[derive(Debug, Clone)]
struct Receiving {
    from: Address,
    count: u16,
    next: u16,
    items: Vec<MissionItem>,
    last_rx_us: u64,
    last_req_us: u64,
    int: bool,
    nacked: bool,
}

/// What a message did to the server.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServerOutput {
    /// Messages to send to the ground station.
    pub replies: Vec<Wire>,
    /// A list that was replaced or cleared.
    pub changed: Option<MissionType>,
    /// STATUSTEXT the vehicle sends with its answer: (MAV_SEVERITY, text).
    pub texts: Vec<(u8, String)>,
}

/// The vehicle's three mission lists and the protocol around them.
#[derive(Debug, Clone)]
pub struct MissionServer {
    me: Address,
    cfg: MissionServerConfig,
    lists: [Vec<MissionItem>; 3],
    receiving: [Option<Receiving>; 3],
    /// Per type: (gcs, count, completion time) of the last finished upload, to re-ACK a
    /// retransmitted last item whose ACK was lost.
    completed: [Option<(Address, u16, u64)>; 3],
    rng: u64,
    /// Time of the first message handled (the vehicle's boot, as far as storage goes).
    first_us: Option<u64>,
}

fn idx(t: MissionType) -> usize {
    usize::from(t.to_u8())
}

impl MissionServer {
    /// A server for the vehicle at `me`, with empty lists.
    pub fn new(me: Address, cfg: MissionServerConfig) -> Self {
        Self {
            me,
            cfg,
            lists: Default::default(),
            receiving: Default::default(),
            completed: Default::default(),
            rng: cfg.seed ^ 0x9E37_79B9_7F4A_7C15,
            first_us: None,
        }
    }

    /// The stored list of a type.
    pub fn list(&self, kind: MissionType) -> &[MissionItem] {
        &self.lists[idx(kind)]
    }

    /// Replaces a list directly (for example the home item at boot).
    pub fn set_list(&mut self, kind: MissionType, items: Vec<MissionItem>) {
        self.lists[idx(kind)] = items;
    }

    /// Replaces one stored item (for example the home in item 0). False if `seq` is out of
    /// range.
    pub fn replace_item(&mut self, kind: MissionType, seq: u16, item: MissionItem) -> bool {
        match self.lists[idx(kind)].get_mut(usize::from(seq)) {
            Some(slot) => {
                *slot = item;
                true
            }
            None => false,
        }
    }

    /// Changes the failure modes.
    pub fn set_config(&mut self, cfg: MissionServerConfig) {
        self.cfg = cfg;
    }

    fn chance(&mut self, pct: f64) -> bool {
        if pct <= 0.0 {
            return false;
        }
        // SplitMix64 step: deterministic per seed.
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64 * 100.0 < pct
    }

    fn ack(to: Address, result: u8, kind: u8) -> Wire {
        Wire::MissionAck {
            target_system: to.sysid,
            target_component: to.compid,
            result,
            mission_type: kind,
            opaque_id: 0,
        }
    }

    fn request(&mut self, to: Address, seq: u16, kind: u8, int: bool) -> Option<Wire> {
        if self.chance(self.cfg.drop_requests_pct) {
            return None;
        }
        Some(Wire::MissionRequest {
            target_system: to.sysid,
            target_component: to.compid,
            seq,
            mission_type: kind,
            int,
        })
    }

    /// Feeds a message from `from`.
    pub fn handle(&mut self, from: Address, msg: &Wire, now_us: u64) -> ServerOutput {
        let mut out = ServerOutput::default();
        if !msg.is_for(self.me.sysid, self.me.compid) {
            return out;
        }
        self.first_us.get_or_insert(now_us);
        match msg {
            Wire::MissionRequestList { mission_type, .. } => {
                if let Some(k) = MissionType::from_u8(*mission_type) {
                    if self.receiving[idx(k)].is_some() {
                        // ArduPilot refuses to list while an upload is under way.
                        out.replies
                            .push(Self::ack(from, result::DENIED, *mission_type));
                        return out;
                    }
                    out.replies.push(Wire::MissionCount {
                        target_system: from.sysid,
                        target_component: from.compid,
                        count: self.lists[idx(k)].len() as u16,
                        mission_type: *mission_type,
                        opaque_id: 0,
                    });
                }
            }
            Wire::MissionRequest {
                seq,
                mission_type,
                int,
                ..
            } => {
                if let Some(k) = MissionType::from_u8(*mission_type) {
                    match self.lists[idx(k)].get(usize::from(*seq)) {
                        Some(item) => out.replies.push(Wire::MissionItem {
                            target_system: from.sysid,
                            target_component: from.compid,
                            seq: *seq,
                            mission_type: *mission_type,
                            item: *item,
                            int: *int,
                        }),
                        None => out.replies.push(Self::ack(
                            from,
                            result::INVALID_SEQUENCE,
                            *mission_type,
                        )),
                    }
                }
            }
            Wire::MissionCount {
                count,
                mission_type,
                ..
            } => {
                self.on_count(from, *count, *mission_type, now_us, &mut out);
            }
            Wire::MissionItem { int: true, .. } if !self.cfg.takes_int_items => {}
            Wire::MissionItem {
                seq,
                mission_type,
                item,
                int,
                ..
            } => {
                self.on_item(from, *seq, *mission_type, item, *int, now_us, &mut out);
            }
            Wire::MissionClearAll { mission_type, .. } => {
                if let Some(k) = MissionType::from_u8(*mission_type) {
                    self.lists[idx(k)].clear();
                    self.receiving[idx(k)] = None;
                    out.changed = Some(k);
                    out.replies
                        .push(Self::ack(from, result::ACCEPTED, *mission_type));
                }
            }
            _ => {}
        }
        out
    }

    fn on_count(
        &mut self,
        from: Address,
        count: u16,
        kind: u8,
        now_us: u64,
        out: &mut ServerOutput,
    ) {
        let Some(k) = MissionType::from_u8(kind) else {
            return;
        };
        let booting = self
            .first_us
            .is_some_and(|t| now_us < t + self.cfg.storage_ready_ms * 1_000);
        let capacity = if booting {
            0
        } else {
            self.cfg.capacity[idx(k)]
        };
        if usize::from(count) > capacity {
            out.replies.push(Self::ack(from, result::NO_SPACE, kind));
            if k == MissionType::Mission {
                // ArduPilot's words (MAV_SEVERITY_WARNING).
                out.texts
                    .push((4, format!("Only {capacity} items are supported")));
            }
            return;
        }
        if count == 0 {
            self.lists[idx(k)].clear();
            self.receiving[idx(k)] = None;
            out.changed = Some(k);
            out.replies.push(Self::ack(from, result::ACCEPTED, kind));
            return;
        }
        // A repeated COUNT for the upload already under way: just ask again.
        if let Some(r) = &self.receiving[idx(k)]
            && r.from == from
            && r.count == count
            && r.next == 0
        {
            let int = r.int;
            if let Some(m) = self.request(from, 0, kind, int) {
                out.replies.push(m);
            }
            return;
        }
        self.receiving[idx(k)] = Some(Receiving {
            from,
            count,
            next: 0,
            items: Vec::with_capacity(usize::from(count)),
            last_rx_us: now_us,
            last_req_us: now_us,
            int: self.cfg.request_form.next(None),
            nacked: false,
        });
        let int = self.cfg.request_form.next(None);
        if let Some(m) = self.request(from, 0, kind, int) {
            out.replies.push(m);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn on_item(
        &mut self,
        from: Address,
        seq: u16,
        kind: u8,
        item: &MissionItem,
        int: bool,
        now_us: u64,
        out: &mut ServerOutput,
    ) {
        let Some(k) = MissionType::from_u8(kind) else {
            return;
        };
        let i = idx(k);
        let Some(r) = self.receiving[i].as_mut().filter(|r| r.from == from) else {
            // Not receiving: ArduPilot answers ERROR. With `reack_last_item`, a repeat of the
            // last item of a finished upload (whose ACK was lost) gets ACCEPTED again.
            let reack = self.cfg.reack_last_item
                && matches!(self.completed[i], Some((g, n, _)) if g == from && n.checked_sub(1) == Some(seq));
            let result = if reack {
                result::ACCEPTED
            } else {
                result::ERROR
            };
            out.replies.push(Self::ack(from, result, kind));
            return;
        };
        if seq != r.next {
            out.replies
                .push(Self::ack(from, result::INVALID_SEQUENCE, kind));
            return;
        }
        if self.cfg.refuse_command == Some(item.command) {
            self.receiving[i] = None;
            out.replies.push(Self::ack(from, result::UNSUPPORTED, kind));
            return;
        }
        let item = match self.cfg.stores_as {
            Some((fw, vehicle)) => {
                let refused = crate::plan::stored::refusal(fw, vehicle, k, item)
                    .and_then(|r| r.mission_result());
                if let Some(code) = refused {
                    self.receiving[i] = None;
                    out.replies.push(Self::ack(from, code, kind));
                    return;
                }
                crate::plan::stored::as_stored(fw, vehicle, k, item)
            }
            None => *item,
        };
        let Some(r) = self.receiving[i].as_mut() else {
            return;
        };
        r.items.push(item);
        r.next += 1;
        r.last_rx_us = now_us;
        r.last_req_us = now_us;
        r.int = self.cfg.request_form.next(Some(int));
        let int = r.int;
        if r.next == r.count {
            let items = std::mem::take(&mut r.items);
            let count = r.count;
            self.receiving[i] = None;
            self.lists[i] = items;
            self.completed[i] = Some((from, count, now_us));
            out.changed = Some(k);
            out.replies.push(Self::ack(from, result::ACCEPTED, kind));
            return;
        }
        let (next, half, nacked) = (r.next, r.count / 2, r.nacked);
        if self.cfg.nack_mid_upload && !nacked && next >= half {
            if let Some(r) = self.receiving[i].as_mut() {
                r.nacked = true;
            }
            out.replies
                .push(Self::ack(from, result::INVALID_SEQUENCE, kind));
        }
        if let Some(m) = self.request(from, next, kind, int) {
            out.replies.push(m);
        }
    }

    /// Handles timers: re-requests and cancellation of stalled uploads.
    pub fn poll(&mut self, now_us: u64) -> Vec<Wire> {
        let mut out = Vec::new();
        for i in 0..3 {
            let Some(r) = self.receiving[i].as_mut() else {
                continue;
            };
            let kind = i as u8;
            if now_us.saturating_sub(r.last_rx_us) >= self.cfg.cancel_after_ms * 1_000 {
                out.push(Self::ack(r.from, result::OPERATION_CANCELLED, kind));
                self.receiving[i] = None;
            } else if now_us.saturating_sub(r.last_req_us) >= self.cfg.re_request_ms * 1_000 {
                r.last_req_us = now_us;
                let (from, next, int) = (r.from, r.next, r.int);
                if let Some(m) = self.request(from, next, kind, int) {
                    out.push(m);
                }
            }
        }
        out
    }

    /// When [`MissionServer::poll`] must run next (µs), if an upload is under way.
    pub fn deadline_us(&self) -> Option<u64> {
        self.receiving
            .iter()
            .flatten()
            .map(|r| {
                (r.last_req_us + self.cfg.re_request_ms * 1_000)
                    .min(r.last_rx_us + self.cfg.cancel_after_ms * 1_000)
            })
            .min()
    }
}
