//! Operations in flight (commands, mission transfers, parameter transfers): starting them,
//! feeding them messages and timeouts, and turning their ends into events. One operation of a
//! kind per vehicle at a time; a second one is refused as busy rather than interleaved.

use super::{Event, RequestId};
use crate::plan::mission_item::cmd;
use crate::plan::{MissionItem, MissionType};
use crate::protocol::actions::ActionError;
use crate::protocol::command::{CommandError, CommandTransaction, result as mav_result};
use crate::protocol::mission::{Address, MissionError, MissionTransfer};
use crate::protocol::params::{ParamDownload, ParamError, ParamSetter};
use crate::protocol::wire::Wire;
use crate::vehicle::VehicleId;

/// Why an operation failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OpError {
    /// No such vehicle has been heard.
    #[error("vehicle {0} is not connected (no heartbeat heard from it)")]
    UnknownVehicle(VehicleId),
    /// The same kind of operation is already running on that vehicle.
    #[error("busy: {0} is already in progress on this vehicle")]
    Busy(String),
    /// The action does not apply to this vehicle.
    #[error(transparent)]
    Action(#[from] ActionError),
    /// The vehicle refused or ignored a command.
    #[error(transparent)]
    Command(#[from] CommandError),
    /// A mission transfer failed.
    #[error(transparent)]
    Mission(#[from] MissionError),
    /// A parameter transfer failed.
    #[error(transparent)]
    Param(#[from] ParamError),
    /// An onboard-log transfer failed.
    #[error(transparent)]
    Log(#[from] crate::protocol::logs::LogError),
    /// A file could not be written.
    #[error("{0}")]
    Io(String),
    /// The vehicle did not take the signing key.
    #[error("{0}")]
    Signing(String),
    /// The backend stopped first.
    #[error("the backend stopped before the operation finished")]
    Stopped,
}

/// How long to wait for MISSION_CURRENT after the legacy MISSION_SET_CURRENT (µs).
const SET_CURRENT_WAIT_US: u64 = 3_000_000;

pub(super) enum Op {
    Command {
        id: RequestId,
        tx: CommandTransaction,
    },
    /// Legacy MISSION_SET_CURRENT, confirmed by MISSION_CURRENT carrying the same number.
    SetCurrent {
        id: RequestId,
        vehicle: Address,
        seq: u16,
        deadline_us: u64,
        tries: u32,
    },
    Mission {
        id: RequestId,
        tx: MissionTransfer,
        /// PX4 downloads: the home item to put first (ArduPilot convention for callers).
        prepend: Option<MissionItem>,
        last: (usize, usize),
    },
    ParamDownload {
        id: RequestId,
        tx: ParamDownload,
        last: (usize, usize),
    },
    ParamSet {
        id: RequestId,
        name: String,
        tx: ParamSetter,
    },
}

impl Op {
    fn vehicle(&self) -> Address {
        match self {
            Op::Command { tx, .. } => tx.vehicle(),
            Op::SetCurrent { vehicle, .. } => *vehicle,
            Op::Mission { tx, .. } => tx.vehicle(),
            Op::ParamDownload { tx, .. } => tx.vehicle(),
            Op::ParamSet { tx, .. } => tx.vehicle(),
        }
    }

    /// A key that must be unique among running operations of one vehicle.
    fn key(&self) -> String {
        match self {
            Op::Command { tx, .. } => format!(
                "command {}",
                crate::protocol::command::command_name(tx.command().command)
            ),
            Op::SetCurrent { .. } => "set current item".into(),
            Op::Mission { tx, .. } => format!("a {} transfer", tx.kind()),
            Op::ParamDownload { .. } => "a parameter download".into(),
            Op::ParamSet { name, .. } => format!("setting {name}"),
        }
    }

    fn deadline_us(&self) -> Option<u64> {
        match self {
            Op::Command { tx, .. } => tx.deadline_us(),
            Op::SetCurrent { deadline_us, .. } => Some(*deadline_us),
            Op::Mission { tx, .. } => tx.deadline_us(),
            Op::ParamDownload { tx, .. } => tx.deadline_us(),
            Op::ParamSet { tx, .. } => tx.deadline_us(),
        }
    }
}

/// Everything in flight.
#[derive(Default)]
pub(super) struct Ops {
    ops: Vec<Op>,
    events: Vec<Event>,
}

fn set_current_msg(vehicle: Address, seq: u16) -> Wire {
    Wire::MissionSetCurrent {
        target_system: vehicle.sysid,
        target_component: vehicle.compid,
        seq,
    }
}

impl Ops {
    /// Starts an operation unless one of the same kind runs on that vehicle.
    /// On refusal, returns the event that reports it.
    pub fn start(&mut self, mut op: Op, now_us: u64) -> Result<Vec<Wire>, Box<Event>> {
        let (v, k) = (op.vehicle(), op.key());
        if self.ops.iter().any(|o| o.vehicle() == v && o.key() == k) {
            return Err(Box::new(failed(&op, OpError::Busy(k))));
        }
        let out = match &mut op {
            Op::Command { tx, .. } => tx.start(now_us),
            Op::SetCurrent { vehicle, seq, .. } => vec![set_current_msg(*vehicle, *seq)],
            Op::Mission { tx, .. } => tx.start(now_us),
            Op::ParamDownload { tx, .. } => tx.start(now_us),
            Op::ParamSet { tx, .. } => tx.start(now_us),
        };
        self.ops.push(op);
        self.conclude();
        Ok(out)
    }

    /// Feeds a microservice message from `from`.
    pub fn on_wire(&mut self, from: Address, w: &Wire, now_us: u64) -> Vec<Wire> {
        let mut out = Vec::new();
        for op in &mut self.ops {
            if op.vehicle() != from {
                continue;
            }
            match op {
                Op::Command { tx, .. } => out.extend(tx.handle(from, w, now_us)),
                Op::Mission { tx, .. } => out.extend(tx.handle(from, w, now_us)),
                Op::ParamDownload { tx, .. } => out.extend(tx.handle(from, w, now_us)),
                Op::ParamSet { tx, .. } => out.extend(tx.handle(from, w, now_us)),
                Op::SetCurrent { .. } => {}
            }
        }
        self.conclude();
        out
    }

    /// Feeds a STATUSTEXT (commands quote them in their errors).
    pub fn on_statustext(&mut self, sysid: u8, severity: u8, text: &str, now_us: u64) {
        for op in &mut self.ops {
            match op {
                Op::Command { tx, .. } => tx.note_statustext(sysid, severity, text),
                Op::Mission { tx, .. } => tx.note_statustext(sysid, severity, text, now_us),
                Op::ParamSet { tx, .. } => tx.note_statustext(sysid, severity, text),
                _ => {}
            }
        }
        self.conclude();
    }

    /// Feeds MISSION_CURRENT (confirms a legacy set-current).
    pub fn on_mission_current(&mut self, from: Address, seq: u16) {
        let mut done = Vec::new();
        self.ops.retain(|op| match op {
            Op::SetCurrent {
                id,
                vehicle,
                seq: want,
                ..
            } if *vehicle == from && *want == seq => {
                done.push(*id);
                false
            }
            _ => true,
        });
        for id in done {
            self.events.push(Event::CommandDone { id, result: Ok(()) });
        }
    }

    /// Handles timeouts.
    pub fn poll(&mut self, now_us: u64) -> Vec<Wire> {
        let mut out = Vec::new();
        for op in &mut self.ops {
            if op.deadline_us().is_none_or(|d| d > now_us) {
                continue;
            }
            match op {
                Op::Command { tx, .. } => out.extend(tx.poll(now_us)),
                Op::Mission { tx, .. } => out.extend(tx.poll(now_us)),
                Op::ParamDownload { tx, .. } => out.extend(tx.poll(now_us)),
                Op::ParamSet { tx, .. } => out.extend(tx.poll(now_us)),
                Op::SetCurrent {
                    vehicle,
                    seq,
                    deadline_us,
                    tries,
                    ..
                } => {
                    *tries += 1;
                    *deadline_us = now_us + SET_CURRENT_WAIT_US;
                    if *tries <= 3 {
                        out.push(set_current_msg(*vehicle, *seq));
                    }
                }
            }
        }
        self.conclude();
        out
    }

    /// The earliest deadline of any operation.
    pub fn next_deadline_us(&self) -> Option<u64> {
        self.ops.iter().filter_map(Op::deadline_us).min()
    }

    /// Events produced since the last call (progress and results).
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// Moves finished operations out as events; emits progress changes. A command to set the
    /// current item that the vehicle does not support falls back to MISSION_SET_CURRENT.
    fn conclude(&mut self) {
        let mut fallback = Vec::new();
        let events = &mut self.events;
        self.ops.retain_mut(|op| match op {
            Op::Command { id, tx } => match tx.outcome() {
                None => true,
                Some(Err(CommandError::Rejected {
                    command, result, ..
                })) if *command == cmd::DO_SET_MISSION_CURRENT
                    && *result == mav_result::UNSUPPORTED =>
                {
                    let seq = match tx.command().form {
                        crate::protocol::command::CommandForm::Long(p) => p[0] as u16,
                        crate::protocol::command::CommandForm::Int { params, .. } => {
                            params[0] as u16
                        }
                    };
                    fallback.push((*id, tx.vehicle(), seq));
                    false
                }
                Some(r) => {
                    events.push(Event::CommandDone {
                        id: *id,
                        result: r.clone().map_err(OpError::from),
                    });
                    false
                }
            },
            Op::SetCurrent { id, tries, seq, .. } => {
                if *tries > 3 {
                    let err = CommandError::Timeout {
                        command: cmd::DO_SET_MISSION_CURRENT,
                        tries: *tries,
                        texts: vec![format!(
                            "no MISSION_CURRENT {seq} after MISSION_SET_CURRENT"
                        )],
                    };
                    events.push(Event::CommandDone {
                        id: *id,
                        result: Err(err.into()),
                    });
                    false
                } else {
                    true
                }
            }
            Op::Mission {
                id,
                tx,
                prepend,
                last,
            } => {
                let p = tx.progress();
                if p != *last {
                    *last = p;
                    events.push(Event::Progress {
                        id: *id,
                        done: p.0,
                        total: p.1,
                        verifying: tx.verifying(),
                    });
                }
                match tx.take_outcome() {
                    None => true,
                    Some(r) => {
                        let px4_home = prepend.take();
                        let r = r
                            .map(|mut items| {
                                if let Some(home) = px4_home {
                                    // PX4 numbers jump targets without home; ours count it.
                                    shift_jumps(&mut items, 1.0);
                                    items.insert(0, home);
                                }
                                items
                            })
                            .map_err(|mut e| {
                                if px4_home.is_some() {
                                    // Name the item as the caller's list (with home) numbers it.
                                    e.shift_item(1);
                                }
                                e
                            });
                        events.push(Event::MissionDone {
                            id: *id,
                            result: r.map_err(OpError::from),
                        });
                        false
                    }
                }
            }
            Op::ParamDownload { id, tx, last } => {
                let p = tx.progress();
                if p != *last {
                    *last = p;
                    events.push(Event::Progress {
                        id: *id,
                        done: p.0,
                        total: p.1,
                        verifying: false,
                    });
                }
                match tx.take_outcome() {
                    None => true,
                    Some(r) => {
                        events.push(Event::ParamsDone {
                            id: *id,
                            result: r.map_err(OpError::from),
                        });
                        false
                    }
                }
            }
            Op::ParamSet { id, tx, .. } => match tx.outcome() {
                None => true,
                Some(r) => {
                    events.push(Event::ParamSetDone {
                        id: *id,
                        result: r.clone().map_err(OpError::from),
                    });
                    false
                }
            },
        });
        for (id, vehicle, seq) in fallback {
            self.ops.push(Op::SetCurrent {
                id,
                vehicle,
                seq,
                deadline_us: 0,
                tries: 0,
            });
        }
    }

    /// Ends everything with [`OpError::Stopped`].
    pub fn stop_all(&mut self) -> Vec<Event> {
        let mut out = self.take_events();
        for op in self.ops.drain(..) {
            out.push(failed(&op, OpError::Stopped));
        }
        out
    }
}

/// The event reporting that `op` ended with `e`.
fn failed(op: &Op, e: OpError) -> Event {
    match op {
        Op::Command { id, .. } | Op::SetCurrent { id, .. } => Event::CommandDone {
            id: *id,
            result: Err(e),
        },
        Op::Mission { id, .. } => Event::MissionDone {
            id: *id,
            result: Err(e),
        },
        Op::ParamDownload { id, .. } => Event::ParamsDone {
            id: *id,
            result: Err(e),
        },
        Op::ParamSet { id, .. } => Event::ParamSetDone {
            id: *id,
            result: Err(e),
        },
    }
}

/// A mission list as the caller gives it (item 0 = home for missions) adapted for PX4, which
/// has no home item: drops it, and renumbers DO_JUMP targets to match (as QGroundControl does).
pub(super) fn for_px4_upload(kind: MissionType, mut items: Vec<MissionItem>) -> Vec<MissionItem> {
    if kind == MissionType::Mission && !items.is_empty() {
        items.remove(0);
        shift_jumps(&mut items, -1.0);
    }
    items.iter().map(crate::plan::stored::for_px4).collect()
}

/// Checks a list before it is sent: PX4 items it would refuse (it cancels the whole upload
/// at the first) or accept and then refuse to fly; ArduPilot items it would abort on. `first`
/// is the caller's number of the list's first item (1 for PX4 missions, whose home was left
/// out). Refusals ArduPilot reports itself (naming the item) are left to it.
pub(super) fn precheck(
    autopilot: crate::vehicle::Autopilot,
    vehicle: crate::plan::document::VehicleKind,
    kind: MissionType,
    items: &[MissionItem],
    first: usize,
) -> Result<(), MissionError> {
    use crate::plan::document::Firmware;
    use crate::plan::stored::{Refusal, refusal};
    let firmware = match autopilot {
        crate::vehicle::Autopilot::Px4 => Firmware::Px4,
        crate::vehicle::Autopilot::ArduPilot => Firmware::ArduPilot,
        _ => return Ok(()),
    };
    for (i, it) in items.iter().enumerate() {
        let found = refusal(firmware, vehicle, kind, it)
            .filter(|r| firmware == Firmware::Px4 || matches!(r, Refusal::Undefined(_)));
        if let Some(r) = found {
            return Err(MissionError::WouldBeRefused {
                kind,
                item: crate::protocol::mission::RefusedItem {
                    seq: (i + first).min(usize::from(u16::MAX)) as u16,
                    command: it.command,
                    frame: it.frame,
                },
                reason: r.to_string(),
            });
        }
    }
    Ok(())
}

/// Moves every DO_JUMP target by `by` items.
fn shift_jumps(items: &mut [MissionItem], by: f32) {
    for it in items
        .iter_mut()
        .filter(|it| it.command == crate::plan::mission_item::cmd::DO_JUMP)
    {
        it.params[0] = (it.params[0] + by).max(0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::mission_item::cmd;

    #[test]
    fn px4_uploads_drop_home_and_renumber_jumps() {
        let home = MissionItem::default();
        let wp = MissionItem::default();
        let jump = MissionItem::action(cmd::DO_JUMP, [2.0, 3.0, 0.0, 0.0]);
        let out = for_px4_upload(MissionType::Mission, vec![home, wp, wp, jump]);
        assert_eq!(out.len(), 3);
        assert_eq!(out[2].params[0], 1.0, "item 2 with home is item 1 without");
        assert_eq!(out[2].params[1], 3.0);
        let fence = for_px4_upload(MissionType::Fence, vec![wp, jump]);
        assert_eq!(fence[1].params[0], 2.0, "fence lists have no home");
    }
}
