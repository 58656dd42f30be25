//! Requests from the caller: links, actions, commands, mission and parameter transfers,
//! recording.

use super::*;
use crate::runtime::log_ops::{LogOp, download_op, erase_op, list_op};

impl Engine {
    pub(super) fn vehicle(&self, id: VehicleId) -> Result<&VehicleState, OpError> {
        self.fleet.get(id).ok_or(OpError::UnknownVehicle(id))
    }

    pub(super) fn start_op(&mut self, op: Op) {
        let now = self.mono_us();
        match self.ops.start(op, now) {
            Ok(out) => self.send_wires(out),
            Err(ev) => self.emit(*ev),
        }
        for ev in self.ops.take_events() {
            self.emit(ev);
        }
    }

    pub(super) fn on_request(&mut self, r: Request) {
        let gcs = self.cfg.gcs;
        match r {
            Request::AddLink(spec) => {
                self.add_link(spec);
            }
            Request::SetSigning(cfg) => self.set_signing(cfg),
            Request::SetupSigning { id, target, key } => self.setup_signing(id, target, key),
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
                let known = self
                    .vehicle(target)
                    // Every MAVLink 2 autopilot takes INT items; a MAVLink 1 one that did not
                    // say is tried with INT first.
                    .map(|v| {
                        let int = v.mission_int_support().or(v.mavlink2.then_some(true));
                        (v.autopilot, v.home, int, plan_vehicle(v.class, v.mav_type))
                    });
                match known {
                    Ok((autopilot, home, int_support, vehicle_kind)) => {
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
                                let first_seq = usize::from(first.is_some());
                                if let Err(e) =
                                    precheck(autopilot, vehicle_kind, kind, &items, first_seq)
                                {
                                    self.fail(id, &OpError::Mission(e), Kind::Mission);
                                    return;
                                }
                                (
                                    MissionTransfer::upload(kind, items, gcs, v, timing)
                                        .with_window(window)
                                        .with_int_support(int_support)
                                        .with_home_item(!px4 && kind == MissionType::Mission)
                                        .with_stored_as(
                                            firmware_of(autopilot).map(|f| (f, vehicle_kind)),
                                        )
                                        // ArduPilot can end up with no fence when a new
                                        // one replaces a larger one: clear it first.
                                        .with_clear_first(
                                            autopilot == Autopilot::ArduPilot
                                                && kind == MissionType::Fence,
                                        ),
                                    first,
                                )
                            }
                            MissionOp::Download(kind) => {
                                let home_item =
                                    (px4 && kind == MissionType::Mission).then(|| home_item(home));
                                (
                                    MissionTransfer::download(kind, gcs, v, timing)
                                        .with_window(window)
                                        .with_int_support(int_support),
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
                    self.param_requests.insert(id, target);
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
                    let table = self.params.get(&target);
                    let known_type = table.and_then(|t| t.get(&name)).map(|p| p.param_type);
                    // Not in the table: the setter reads the name first, and the vehicle's
                    // silence means it has no such parameter (a renamed one, say).
                    let similar = table.filter(|t| !t.contains_key(&name)).and_then(|t| {
                        crate::protocol::params::similar_name(&name, t.keys().map(String::as_str))
                    });
                    match ParamSetter::new(
                        addr(target),
                        enc,
                        &name,
                        value,
                        known_type,
                        Timing::default(),
                    ) {
                        Ok(tx) => {
                            let tx = tx.with_similar(similar);
                            self.param_sets.insert(id, (target, name.clone()));
                            self.start_op(Op::ParamSet { id, name, tx });
                        }
                        Err(e) => self.fail(id, &OpError::Param(e), Kind::ParamSet),
                    }
                }
                Err(e) => self.fail(id, &e, Kind::ParamSet),
            },
            Request::LogList { id, target } => {
                let op = self.vehicle(target).map(|_| list_op(id, addr(target)));
                self.start_log_op(id, op, LogKind::List);
            }
            Request::LogDownload {
                id,
                target,
                entry,
                path,
            } => {
                let op = self
                    .vehicle(target)
                    .and_then(|_| download_op(id, addr(target), entry, path));
                self.start_log_op(id, op, LogKind::Download);
            }
            Request::LogErase { id, target } => {
                let op = self.vehicle(target).map(|_| erase_op(id, addr(target)));
                self.start_log_op(id, op, LogKind::Erase);
            }
            Request::LogCancel { id } => {
                let out = self.log_ops.cancel(id);
                self.send_logs(out);
                for ev in self.log_ops.take_events() {
                    self.emit(ev);
                }
            }
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

    /// Starts a log operation, or reports why it could not start in the result event of
    /// its kind.
    fn start_log_op(
        &mut self,
        id: crate::runtime::RequestId,
        op: Result<LogOp, OpError>,
        kind: LogKind,
    ) {
        let now = self.mono_us();
        match op.map(|op| self.log_ops.start(op, now)) {
            Ok(Ok(out)) => self.send_logs(out),
            Ok(Err(ev)) => self.emit(*ev),
            Err(e) => self.emit(match kind {
                LogKind::List => Event::LogsListed { id, result: Err(e) },
                LogKind::Erase => Event::LogsErased { id, result: Err(e) },
                LogKind::Download => Event::LogDownloaded { id, result: Err(e) },
            }),
        }
        for ev in self.log_ops.take_events() {
            self.emit(ev);
        }
    }

    pub(super) fn fail(&mut self, id: crate::runtime::RequestId, e: &OpError, kind: Kind) {
        let e = e.clone();
        self.emit(match kind {
            Kind::Command => Event::CommandDone { id, result: Err(e) },
            Kind::Mission => Event::MissionDone { id, result: Err(e) },
            Kind::Params => Event::ParamsDone { id, result: Err(e) },
            Kind::ParamSet => Event::ParamSetDone { id, result: Err(e) },
        });
    }
}

/// The three onboard-log requests.
#[derive(Clone, Copy)]
enum LogKind {
    List,
    Download,
    Erase,
}

#[derive(Clone, Copy)]
pub(super) enum Kind {
    Command,
    Mission,
    Params,
    ParamSet,
}

pub(super) fn addr(id: VehicleId) -> Address {
    Address::new(id.sysid, id.compid)
}

pub(super) fn encoding(v: &VehicleState) -> ParamEncoding {
    if v.autopilot == Autopilot::Px4 {
        ParamEncoding::Bytewise
    } else {
        ParamEncoding::CCast
    }
}

/// A home item for a PX4 mission download (PX4 does not store one).
pub(super) fn home_item(home: Option<crate::vehicle::Home>) -> MissionItem {
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

/// The planning side's vehicle kind of a vehicle (for what its firmware stores).
fn plan_vehicle(class: VehicleClass, mav_type: u8) -> crate::plan::document::VehicleKind {
    use crate::plan::document::VehicleKind;
    match class {
        VehicleClass::Copter | VehicleClass::Heli => VehicleKind::Copter,
        VehicleClass::Plane => VehicleKind::Plane,
        _ => VehicleKind::Other(mav_type),
    }
}

/// The planning side's firmware of an autopilot, when its storage is modelled.
fn firmware_of(autopilot: Autopilot) -> Option<crate::plan::document::Firmware> {
    match autopilot {
        Autopilot::ArduPilot => Some(crate::plan::document::Firmware::ArduPilot),
        Autopilot::Px4 => Some(crate::plan::document::Firmware::Px4),
        _ => None,
    }
}
