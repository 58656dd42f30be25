//! The engine task: everything on the backend thread, in one loop, so no state is shared
//! between threads. Inbound frames fan out to the recorder, link statistics, the vehicle
//! model and the operations in flight; requests start operations; timers drive heartbeats,
//! retries and snapshots.

mod inbound;
mod requests;
mod send;
mod signing;

use send::outgoing_target;

use super::log_ops::LogOps;
use super::ops::{Op, OpError, Ops, for_px4_upload, precheck};
use super::{BackendConfig, Event, LinkStatus, MissionOp, Request, Snapshot};
use crate::link::{self, Inbound, LinkEvent, LinkHandle, LinkId, LinkSpec, LinkState, LinkStats};
use crate::log::recorder::Recorder;
use crate::plan::mission_item::{cmd, frame as mframe};
use crate::plan::{MissionItem, MissionType};
use crate::protocol::Outgoing;
use crate::protocol::actions::plan_action;
use crate::protocol::command::{CommandTransaction, command_timing};
use crate::protocol::frame::{Sender, Version};
use crate::protocol::mission::{Address, MissionTransfer};
use crate::protocol::params::{ParamDownload, ParamEncoding, ParamSetter, ParamTable};
use crate::protocol::retry::Timing;
use crate::protocol::streams::{StreamRequester, gcs_heartbeat};
use crate::protocol::wire::{self, Wire};
use crate::vehicle::{Autopilot, Fleet, FleetEvent, VehicleClass, VehicleId, VehicleState};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

/// Housekeeping period: heartbeat-loss checks, stream requests, recorder status.
const TICK: Duration = Duration::from_millis(250);
/// Ground-station heartbeat period, in ticks.
const HEARTBEAT_EVERY_TICKS: u32 = 4;
/// Shortest time between two snapshots.
const SNAPSHOT_PERIOD: Duration = Duration::from_millis(50);
/// Link events queued between link tasks and the engine.
const LINK_QUEUE: usize = 1_024;

struct LinkEntry {
    handle: LinkHandle,
    state: LinkState,
    stats: LinkStats,
    sender: Sender,
    heard_v1: bool,
    heard_v2: bool,
    /// MAVLink 2 signing of this link, when configured.
    signing: Option<crate::protocol::signing::SigningState>,
}

pub(super) struct Engine {
    cfg: BackendConfig,
    requests: mpsc::Receiver<Request>,
    events: mpsc::Sender<Event>,
    snapshot: watch::Sender<Arc<Snapshot>>,
    link_tx: mpsc::Sender<LinkEvent>,
    link_rx: mpsc::Receiver<LinkEvent>,
    links: BTreeMap<LinkId, LinkEntry>,
    next_link: LinkId,
    /// The link each system was last heard on, and whether it only ever sent MAVLink 1 there.
    routes: BTreeMap<u8, LinkId>,
    v2_systems: BTreeMap<(LinkId, u8), bool>,
    fleet: Fleet,
    streams: BTreeMap<VehicleId, StreamRequester>,
    params: BTreeMap<VehicleId, ParamTable>,
    ops: Ops,
    log_ops: LogOps,
    recorder: Option<Recorder>,
    recorder_error_reported: bool,
    /// The recorder status last published.
    last_recorder: Option<crate::log::recorder::RecorderStatus>,
    /// The pending snapshot changes only recorder counters: publish without a repaint.
    quiet: bool,
    start: Instant,
    dropped_events: u64,
    dirty: bool,
    /// Results waiting for room in the caller's queue.
    held: std::collections::VecDeque<Event>,
    /// Parameter downloads and sets in flight, to cache their results.
    param_requests: BTreeMap<super::RequestId, VehicleId>,
    param_sets: BTreeMap<super::RequestId, (VehicleId, String)>,
    /// When each system was last heard on each link (µs, engine clock).
    link_seen: BTreeMap<(u8, LinkId), u64>,
    /// Systems already reported as heard on several links.
    warned: std::collections::BTreeSet<u8>,
    /// (link, system) pairs already reported as sending frames not correctly signed.
    signing_warned: std::collections::BTreeSet<(LinkId, u8)>,
    /// SETUP_SIGNING exchanges waiting for the vehicle.
    signing_setups: Vec<signing::PendingSetup>,
}

impl Engine {
    pub(super) fn new(
        cfg: BackendConfig,
        requests: mpsc::Receiver<Request>,
        events: mpsc::Sender<Event>,
        snapshot: watch::Sender<Arc<Snapshot>>,
    ) -> Self {
        let (link_tx, link_rx) = mpsc::channel(LINK_QUEUE);
        Self {
            cfg,
            requests,
            events,
            snapshot,
            link_tx,
            link_rx,
            links: BTreeMap::new(),
            next_link: 1,
            routes: BTreeMap::new(),
            v2_systems: BTreeMap::new(),
            fleet: Fleet::new(),
            streams: BTreeMap::new(),
            params: BTreeMap::new(),
            ops: Ops::default(),
            log_ops: LogOps::default(),
            recorder: None,
            recorder_error_reported: false,
            last_recorder: None,
            quiet: false,
            start: Instant::now(),
            dropped_events: 0,
            dirty: true,
            held: std::collections::VecDeque::new(),
            param_requests: BTreeMap::new(),
            param_sets: BTreeMap::new(),
            link_seen: BTreeMap::new(),
            warned: std::collections::BTreeSet::new(),
            signing_warned: std::collections::BTreeSet::new(),
            signing_setups: Vec::new(),
        }
    }

    /// Sends held results, oldest first, while the caller's queue has room.
    pub(super) fn flush_held(&mut self) {
        while let Some(ev) = self.held.pop_front() {
            if let Err(e) = self.events.try_send(ev) {
                match e {
                    mpsc::error::TrySendError::Full(ev) => self.held.push_front(ev),
                    mpsc::error::TrySendError::Closed(_) => self.held.clear(),
                }
                return;
            }
        }
    }

    /// Keeps the parameter cache in step with finished parameter operations.
    fn note_result(&mut self, ev: &Event) {
        match ev {
            Event::ParamsDone {
                id,
                result: Ok(table),
            } => {
                if let Some(target) = self.param_requests.remove(id) {
                    self.params.insert(target, table.clone());
                }
            }
            Event::ParamsDone { id, .. } => {
                self.param_requests.remove(id);
            }
            Event::ParamSetDone { id, result } => {
                if let (Some((target, name)), Ok(p)) = (self.param_sets.remove(id), result) {
                    self.params.entry(target).or_default().insert(name, *p);
                }
            }
            _ => {}
        }
    }

    pub(super) fn mono_us(&self) -> u64 {
        self.start.elapsed().as_micros() as u64
    }

    /// Sends an event to the caller. Results and recorder reports are never dropped: if the
    /// caller is behind, they wait in `held` and go out first on the next turn. Progress,
    /// vehicle and link events are dropped (and counted) instead.
    pub(super) fn emit(&mut self, ev: Event) {
        self.note_result(&ev);
        let precious = matches!(
            ev,
            Event::CommandDone { .. }
                | Event::MissionDone { .. }
                | Event::ParamsDone { .. }
                | Event::ParamSetDone { .. }
                | Event::LogsListed { .. }
                | Event::LogDownloaded { .. }
                | Event::LogsErased { .. }
                | Event::Recorder(_)
                | Event::Warning(_)
        );
        if !self.held.is_empty() {
            self.flush_held();
        }
        match self.events.try_send(ev) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(ev)) if precious => self.held.push_back(ev),
            Err(_) => self.dropped_events += 1,
        }
        self.dirty = true;
        self.quiet = false;
        if let Some(r) = &self.cfg.repaint {
            r();
        }
    }

    pub(super) async fn run(mut self) {
        for spec in std::mem::take(&mut self.cfg.links) {
            self.add_link(spec);
        }
        if let Some(path) = self.cfg.tlog.clone() {
            self.start_recording(&path);
        }
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut snap = tokio::time::interval(SNAPSHOT_PERIOD);
        snap.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut ticks: u32 = 0;
        loop {
            let next = match (self.ops.next_deadline_us(), self.log_ops.next_deadline_us()) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let wake = match next {
                Some(d) => self.start + Duration::from_micros(d),
                None => Instant::now() + Duration::from_secs(3600),
            };
            tokio::select! {
                r = self.requests.recv() => match r {
                    None | Some(Request::Shutdown) => break,
                    Some(r) => self.on_request(r),
                },
                Some(ev) = self.link_rx.recv() => self.on_link_event(ev),
                _ = tokio::time::sleep_until(wake.into()) => {
                    let now = self.mono_us();
                    let out = self.ops.poll(now);
                    if !out.is_empty() {
                        tracing::debug!(at_ms = now / 1000, "retransmitting {} message(s): {:?}", out.len(), out.first());
                    }
                    self.send_wires(out);
                    let out = self.log_ops.poll(now);
                    self.send_logs(out);
                }
                _ = tick.tick() => {
                    if self.cfg.heartbeat && ticks.is_multiple_of(HEARTBEAT_EVERY_TICKS) {
                        self.send(None, &Outgoing::Typed(Box::new(gcs_heartbeat())));
                    }
                    ticks = ticks.wrapping_add(1);
                    self.housekeeping();
                }
                _ = snap.tick() => if self.dirty { self.publish(); },
            }
            for ev in self.ops.take_events() {
                self.emit(ev);
            }
            for ev in self.log_ops.take_events() {
                self.emit(ev);
            }
            self.flush_held();
        }
        self.shutdown();
    }

    pub(super) fn shutdown(&mut self) {
        for ev in self.ops.stop_all() {
            self.emit(ev);
        }
        let (events, out) = self.log_ops.stop_all();
        self.send_logs(out);
        for ev in events {
            self.emit(ev);
        }
        for (_, l) in std::mem::take(&mut self.links) {
            l.handle.close();
        }
        if let Some(r) = self.recorder.take() {
            let st = r.stop();
            self.emit(Event::Recorder(st));
        }
        self.publish();
    }

    pub(super) fn housekeeping(&mut self) {
        let now = link::wall_clock_us();
        self.poll_signing_setups();
        for e in self.fleet.check_timeouts(now) {
            self.on_fleet_event(e);
        }
        if self.cfg.request_streams {
            let mut out = Vec::new();
            for r in self.streams.values_mut() {
                out.extend(r.poll(now));
            }
            for o in out {
                let target = outgoing_target(&o);
                self.send(target, &o);
            }
        }
        if let Some(st) = self.recorder.as_ref().map(Recorder::status) {
            if st.error.is_some() && !self.recorder_error_reported {
                self.recorder_error_reported = true;
                self.emit(Event::Recorder(st.clone()));
            }
            // Publish only when the recording moved on; a new error or the end of the
            // recording wakes the window, counters alone (our own heartbeat being
            // recorded) do not, so an idle window draws nothing.
            if self.last_recorder.as_ref() != Some(&st) {
                let news = self
                    .last_recorder
                    .as_ref()
                    .is_none_or(|l| l.error != st.error || l.closed != st.closed);
                self.last_recorder = Some(st);
                self.quiet = if self.dirty {
                    self.quiet && !news
                } else {
                    !news
                };
                self.dirty = true;
            }
        }
    }

    pub(super) fn publish(&mut self) {
        let snap = Snapshot {
            t_us: link::wall_clock_us(),
            vehicles: self.fleet.iter().cloned().collect(),
            links: self
                .links
                .iter()
                .map(|(id, l)| LinkStatus {
                    id: *id,
                    spec: l.handle.spec.clone(),
                    state: l.state.clone(),
                    stats: l.stats.clone(),
                })
                .collect(),
            recorder: self.recorder.as_ref().map(Recorder::status),
            dropped_events: self.dropped_events,
            queues: super::QueueDepths {
                link_events: self.link_rx.len(),
                requests: self.requests.len(),
                events: self.events.max_capacity() - self.events.capacity(),
                held_results: self.held.len(),
                recorder: self.recorder.as_ref().map_or(0, Recorder::queued),
            },
        };
        self.snapshot.send_replace(Arc::new(snap));
        self.dirty = false;
        // A snapshot that only moves the recorder's counters (our own heartbeat being
        // recorded) is not worth waking an idle window for; it is picked up next frame.
        let quiet = std::mem::take(&mut self.quiet);
        if !quiet && let Some(r) = &self.cfg.repaint {
            r();
        }
    }

    pub(super) fn add_link(&mut self, spec: LinkSpec) -> LinkId {
        let id = self.next_link;
        self.next_link += 1;
        let handle = link::spawn(id, spec.clone(), self.link_tx.clone());
        let signing = self.new_link_signing(id);
        let stats = LinkStats {
            signing: signing.as_ref().map(|s| s.counters),
            signing_strict: self.cfg.signing.as_ref().is_some_and(|c| c.strict),
            ..LinkStats::default()
        };
        let entry = LinkEntry {
            handle,
            state: LinkState::Connecting,
            stats,
            sender: Sender::new(self.cfg.gcs.sysid, self.cfg.gcs.compid),
            heard_v1: false,
            heard_v2: false,
            signing,
        };
        self.links.insert(id, entry);
        self.emit(Event::Link {
            link: id,
            spec,
            state: LinkState::Connecting,
        });
        id
    }

    pub(super) fn start_recording(&mut self, path: &std::path::Path) {
        if let Some(r) = self.recorder.take() {
            let st = r.stop();
            self.emit(Event::Recorder(st));
        }
        self.recorder_error_reported = false;
        match Recorder::start(path) {
            Ok(r) => {
                let st = r.status();
                self.recorder = Some(r);
                self.emit(Event::Recorder(st));
            }
            Err(e) => {
                let st = crate::log::recorder::RecorderStatus {
                    path: path.to_owned(),
                    error: Some(e.to_string()),
                    closed: true,
                    ..Default::default()
                };
                self.emit(Event::Recorder(st));
            }
        }
    }
}
