//! The engine task: everything on the backend thread, in one loop, so no state is shared
//! between threads. Inbound frames fan out to the recorder, link statistics, the vehicle
//! model and the operations in flight; requests start operations; timers drive heartbeats,
//! retries and snapshots.

use super::ops::{Op, OpError, Ops, for_px4_upload};
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
use crate::vehicle::{Autopilot, Fleet, FleetEvent, VehicleId, VehicleState};
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
    recorder: Option<Recorder>,
    recorder_error_reported: bool,
    start: Instant,
    dropped_events: u64,
    dirty: bool,
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
            recorder: None,
            recorder_error_reported: false,
            start: Instant::now(),
            dropped_events: 0,
            dirty: true,
        }
    }

    fn mono_us(&self) -> u64 {
        self.start.elapsed().as_micros() as u64
    }

    fn emit(&mut self, ev: Event) {
        if self.events.try_send(ev).is_err() {
            self.dropped_events += 1;
        }
        self.dirty = true;
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
            let wake = match self.ops.next_deadline_us() {
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
        }
        self.shutdown();
    }

    fn shutdown(&mut self) {
        for ev in self.ops.stop_all() {
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

    fn housekeeping(&mut self) {
        let now = link::wall_clock_us();
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
                self.emit(Event::Recorder(st));
            }
            self.dirty = true;
        }
    }

    fn publish(&mut self) {
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
        };
        self.snapshot.send_replace(Arc::new(snap));
        self.dirty = false;
        if let Some(r) = &self.cfg.repaint {
            r();
        }
    }

    fn add_link(&mut self, spec: LinkSpec) -> LinkId {
        let id = self.next_link;
        self.next_link += 1;
        let handle = link::spawn(id, spec.clone(), self.link_tx.clone());
        let entry = LinkEntry {
            handle,
            state: LinkState::Connecting,
            stats: LinkStats::default(),
            sender: Sender::new(self.cfg.gcs.sysid, self.cfg.gcs.compid),
            heard_v1: false,
            heard_v2: false,
        };
        self.links.insert(id, entry);
        self.emit(Event::Link {
            link: id,
            spec,
            state: LinkState::Connecting,
        });
        id
    }

    fn start_recording(&mut self, path: &std::path::Path) {
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

    fn on_link_event(&mut self, ev: LinkEvent) {
        match ev {
            LinkEvent::State { link, state } => {
                let Some(l) = self.links.get_mut(&link) else {
                    return;
                };
                l.state = state.clone();
                let spec = l.handle.spec.clone();
                self.emit(Event::Link { link, spec, state });
            }
            LinkEvent::Inbound(batch) => self.on_inbound(batch),
        }
    }

    fn on_inbound(&mut self, batch: Inbound) {
        let Inbound {
            link,
            t_us,
            frames,
            parser,
        } = batch;
        let gcs = self.cfg.gcs;
        if let Some(l) = self.links.get_mut(&link) {
            l.stats.rx = parser;
        }
        self.dirty = true;
        for f in frames {
            if let Some(r) = &self.recorder {
                r.record(t_us, f.raw());
            }
            let h = *f.header();
            if let Some(l) = self.links.get_mut(&link) {
                l.stats.on_frame(h.sysid, h.compid, h.seq, t_us);
                match h.version {
                    Version::V1 => l.heard_v1 = true,
                    Version::V2 => l.heard_v2 = true,
                }
            }
            if h.sysid == gcs.sysid && h.compid == gcs.compid {
                continue; // our own frames echoed back (e.g. a loop through a UDP relay)
            }
            self.routes.insert(h.sysid, link);
            let v2 = self.v2_systems.entry((link, h.sysid)).or_insert(false);
            *v2 |= h.version == Version::V2;
            for e in self.fleet.apply_raw(&h, f.payload(), t_us) {
                self.on_fleet_event(e);
            }
            let from = Address::new(h.sysid, h.compid);
            if let Some(r) = self.streams.get_mut(&VehicleId::new(h.sysid, h.compid)) {
                r.on_message(h.msgid);
            }
            if let Some(w) = Wire::decode(h.msgid, f.payload()) {
                let now = self.mono_us();
                let out = self.ops.on_wire(from, &w, now);
                self.send_wires(out);
            } else if h.msgid == wire::id::MISSION_CURRENT {
                let p = f.payload();
                let seq = u16::from_le_bytes([
                    p.first().copied().unwrap_or(0),
                    p.get(1).copied().unwrap_or(0),
                ]);
                self.ops.on_mission_current(from, seq);
            }
        }
    }

    fn on_fleet_event(&mut self, e: FleetEvent) {
        match &e {
            FleetEvent::VehicleAppeared { id, autopilot, .. } => {
                let ardupilot = *autopilot == Autopilot::ArduPilot;
                self.streams.insert(
                    *id,
                    StreamRequester::new(Address::new(id.sysid, id.compid), ardupilot),
                );
            }
            FleetEvent::VehicleRegained { id, .. } => {
                if let Some(r) = self.streams.get_mut(id) {
                    r.reset();
                }
            }
            FleetEvent::StatusText {
                id, text, severity, ..
            } => self.ops.on_statustext(id.sysid, *severity, text),
            _ => {}
        }
        self.emit(Event::Fleet(e));
    }

    fn vehicle(&self, id: VehicleId) -> Result<&VehicleState, OpError> {
        self.fleet.get(id).ok_or(OpError::UnknownVehicle(id))
    }

    fn start_op(&mut self, op: Op) {
        let now = self.mono_us();
        match self.ops.start(op, now) {
            Ok(out) => self.send_wires(out),
            Err(ev) => self.emit(*ev),
        }
        for ev in self.ops.take_events() {
            self.emit(ev);
        }
    }

    fn on_request(&mut self, r: Request) {
        let gcs = self.cfg.gcs;
        match r {
            Request::AddLink(spec) => {
                self.add_link(spec);
            }
            Request::RemoveLink(id) => {
                if let Some(l) = self.links.remove(&id) {
                    let spec = l.handle.spec.clone();
                    l.handle.close();
                    self.routes.retain(|_, link| *link != id);
                    self.emit(Event::Link {
                        link: id,
                        spec,
                        state: LinkState::Closed,
                    });
                }
            }
            Request::Action { id, target, action } => {
                let cmd = self
                    .vehicle(target)
                    .and_then(|v| plan_action(&action, v).map_err(OpError::from));
                match cmd {
                    Ok(c) => self.start_op(Op::Command {
                        id,
                        tx: CommandTransaction::new(c, gcs, addr(target), command_timing()),
                    }),
                    Err(e) => self.fail(id, &e, Kind::Command),
                }
            }
            Request::Command {
                id,
                target,
                command,
            } => match self.vehicle(target) {
                Ok(_) => self.start_op(Op::Command {
                    id,
                    tx: CommandTransaction::new(command, gcs, addr(target), command_timing()),
                }),
                Err(e) => self.fail(id, &e, Kind::Command),
            },
            Request::Mission { id, target, op } => {
                match self.vehicle(target).map(|v| (v.autopilot, v.home)) {
                    Ok((autopilot, home)) => {
                        let px4 = autopilot == Autopilot::Px4;
                        let v = addr(target);
                        let timing = Timing::default();
                        // ArduPilot answers item requests independently: pipeline them.
                        let window = if autopilot == Autopilot::ArduPilot {
                            8
                        } else {
                            1
                        };
                        let (tx, prepend) = match op {
                            MissionOp::Upload(kind, items) => {
                                let first = items
                                    .first()
                                    .copied()
                                    .filter(|_| px4 && kind == MissionType::Mission);
                                let items = if px4 {
                                    for_px4_upload(kind, items)
                                } else {
                                    items
                                };
                                (
                                    MissionTransfer::upload(kind, items, gcs, v, timing)
                                        .with_window(window),
                                    first,
                                )
                            }
                            MissionOp::Download(kind) => {
                                let home_item =
                                    (px4 && kind == MissionType::Mission).then(|| home_item(home));
                                (
                                    MissionTransfer::download(kind, gcs, v, timing)
                                        .with_window(window),
                                    home_item,
                                )
                            }
                            MissionOp::Clear(kind) => {
                                (MissionTransfer::clear(kind, gcs, v, timing), None)
                            }
                        };
                        self.start_op(Op::Mission {
                            id,
                            tx,
                            prepend,
                            last: (usize::MAX, 0),
                        });
                    }
                    Err(e) => self.fail(id, &e, Kind::Mission),
                }
            }
            Request::ParamDownload { id, target } => match self.vehicle(target).map(encoding) {
                Ok(enc) => {
                    let tx = ParamDownload::new(addr(target), enc, Timing::default());
                    self.start_op(Op::ParamDownload {
                        id,
                        tx,
                        last: (usize::MAX, 0),
                    });
                }
                Err(e) => self.fail(id, &e, Kind::Params),
            },
            Request::ParamSet {
                id,
                target,
                name,
                value,
            } => match self.vehicle(target).map(encoding) {
                Ok(enc) => {
                    let known_type = self
                        .params
                        .get(&target)
                        .and_then(|t| t.get(&name))
                        .map(|p| p.param_type);
                    match ParamSetter::new(
                        addr(target),
                        enc,
                        &name,
                        value,
                        known_type,
                        Timing::default(),
                    ) {
                        Ok(tx) => self.start_op(Op::ParamSet { id, name, tx }),
                        Err(e) => self.fail(id, &OpError::Param(e), Kind::ParamSet),
                    }
                }
                Err(e) => self.fail(id, &e, Kind::ParamSet),
            },
            Request::StartRecording(path) => self.start_recording(&path),
            Request::StopRecording => {
                if let Some(r) = self.recorder.take() {
                    let st = r.stop();
                    self.emit(Event::Recorder(st));
                }
            }
            Request::Shutdown => {}
        }
    }

    fn fail(&mut self, id: super::RequestId, e: &OpError, kind: Kind) {
        let e = e.clone();
        self.emit(match kind {
            Kind::Command => Event::CommandDone { id, result: Err(e) },
            Kind::Mission => Event::MissionDone { id, result: Err(e) },
            Kind::Params => Event::ParamsDone { id, result: Err(e) },
            Kind::ParamSet => Event::ParamSetDone { id, result: Err(e) },
        });
    }

    fn send_wires(&mut self, out: Vec<Wire>) {
        for w in out {
            let target = wire_target(&w);
            self.send(target, &Outgoing::Wire(w));
        }
    }

    /// Encodes and writes a message to the link its target was last heard on (all links for
    /// broadcasts or unknown targets), and records it.
    fn send(&mut self, target: Option<u8>, out: &Outgoing) {
        let route = target
            .and_then(|s| self.routes.get(&s).copied())
            .filter(|l| self.links.contains_key(l));
        let ids: Vec<LinkId> = match route {
            Some(l) => vec![l],
            None => self.links.keys().copied().collect(),
        };
        let t_us = link::wall_clock_us();
        for id in ids {
            let v1_target = target.is_some_and(|s| self.v2_systems.get(&(id, s)) == Some(&false));
            let Some(l) = self.links.get_mut(&id) else {
                continue;
            };
            let v1_link = l.heard_v1 && !l.heard_v2;
            let version = if v1_target || (target.is_none() && v1_link) {
                Version::V1
            } else {
                Version::V2
            };
            let f = out.encode(&mut l.sender, version);
            match l.handle.tx.try_send(f.raw().to_vec()) {
                Ok(()) => {
                    l.stats.tx_frames += 1;
                    l.stats.tx_bytes += f.raw().len() as u64;
                    if let Some(r) = &self.recorder {
                        r.record(t_us, f.raw());
                    }
                }
                Err(_) => l.stats.tx_dropped += 1,
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Command,
    Mission,
    Params,
    ParamSet,
}

fn addr(id: VehicleId) -> Address {
    Address::new(id.sysid, id.compid)
}

fn encoding(v: &VehicleState) -> ParamEncoding {
    if v.autopilot == Autopilot::Px4 {
        ParamEncoding::Bytewise
    } else {
        ParamEncoding::CCast
    }
}

/// A home item for a PX4 mission download (PX4 does not store one).
fn home_item(home: Option<crate::vehicle::Home>) -> MissionItem {
    let mut it = MissionItem {
        frame: mframe::GLOBAL,
        command: cmd::NAV_WAYPOINT,
        current: true,
        ..MissionItem::default()
    };
    if let Some(h) = home {
        it.set_position(h.lat_lon);
        it.z = h.alt_amsl_m as f32;
    }
    it
}

fn wire_target(w: &Wire) -> Option<u8> {
    match w {
        Wire::MissionRequestList { target_system, .. }
        | Wire::MissionCount { target_system, .. }
        | Wire::MissionRequest { target_system, .. }
        | Wire::MissionItem { target_system, .. }
        | Wire::MissionAck { target_system, .. }
        | Wire::MissionClearAll { target_system, .. }
        | Wire::MissionSetCurrent { target_system, .. }
        | Wire::CommandLong { target_system, .. }
        | Wire::CommandInt { target_system, .. }
        | Wire::CommandAck { target_system, .. }
        | Wire::ParamRequestList { target_system, .. }
        | Wire::ParamRequestRead { target_system, .. }
        | Wire::ParamSet { target_system, .. } => Some(*target_system).filter(|s| *s != 0),
        Wire::ParamValue { .. } => None,
    }
}

fn outgoing_target(o: &Outgoing) -> Option<u8> {
    match o {
        Outgoing::Wire(w) => wire_target(w),
        Outgoing::Typed(m) => {
            use mavlink::Message;
            m.target_system_id().filter(|s| *s != 0)
        }
    }
}
