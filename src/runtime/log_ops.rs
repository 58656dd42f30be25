//! Onboard-log operations in flight (list, download, erase): starting them, feeding them
//! LOG_ENTRY / LOG_DATA and timeouts, and turning their ends into events. ArduPilot serves one
//! log transfer at a time, so one log operation per vehicle runs at a time; a second one is
//! refused as busy.
//!
//! A download is held in memory and written when complete and verified: to `PATH.part`, then
//! renamed to `PATH`, so a file at `PATH` is always a whole log and a failed run leaves
//! nothing behind (no resume across runs; within a run, lost chunks are resumed).

use super::{Event, LogSaved, OpError, RequestId};
use crate::protocol::logs::{DownloadConfig, LogDownload, LogEntry, LogError, LogList, LogMsg};
use crate::protocol::mission::Address;
use crate::protocol::retry::Timing;
use std::path::{Path, PathBuf};

/// Time between LOG_ERASE and the listing that confirms it (µs).
const ERASE_SETTLE_US: u64 = 1_000_000;
/// LOG_ERASE attempts before reporting that logs remain.
const ERASE_TRIES: u32 = 3;

pub(super) enum LogOp {
    List {
        id: RequestId,
        tx: LogList,
    },
    Download {
        id: RequestId,
        tx: Box<LogDownload>,
        path: PathBuf,
        started_us: u64,
        /// Bytes last reported in a progress event.
        reported: u64,
    },
    /// LOG_ERASE, then a listing after a pause to confirm that no log is left.
    Erase {
        id: RequestId,
        vehicle: Address,
        tries: u32,
        /// LOG_ERASE is to be sent (again) at `at_us`; otherwise the listing starts then.
        erase_due: bool,
        at_us: u64,
        tx: Option<LogList>,
    },
}

impl LogOp {
    fn id(&self) -> RequestId {
        match self {
            LogOp::List { id, .. } | LogOp::Download { id, .. } | LogOp::Erase { id, .. } => *id,
        }
    }

    fn vehicle(&self) -> Address {
        match self {
            LogOp::List { tx, .. } => tx.vehicle(),
            LogOp::Download { tx, .. } => tx.vehicle(),
            LogOp::Erase { vehicle, .. } => *vehicle,
        }
    }

    fn what(&self) -> String {
        match self {
            LogOp::List { .. } => "the log listing".into(),
            LogOp::Download { tx, .. } => format!("the download of log {}", tx.log_id()),
            LogOp::Erase { .. } => "erasing the logs".into(),
        }
    }

    fn deadline_us(&self) -> Option<u64> {
        match self {
            LogOp::List { tx, .. } => tx.deadline_us(),
            LogOp::Download { tx, .. } => tx.deadline_us(),
            LogOp::Erase { tx, at_us, .. } => match tx {
                Some(l) => l.deadline_us(),
                None => Some(*at_us),
            },
        }
    }
}

/// The download of `entry` from `vehicle` into `path`.
pub(super) fn download_op(
    id: RequestId,
    vehicle: Address,
    entry: LogEntry,
    path: PathBuf,
) -> Result<LogOp, OpError> {
    let tx = LogDownload::new(vehicle, entry, DownloadConfig::default())?;
    Ok(LogOp::Download {
        id,
        tx: Box::new(tx),
        path,
        started_us: 0,
        reported: u64::MAX,
    })
}

/// A listing of `vehicle`'s logs.
pub(super) fn list_op(id: RequestId, vehicle: Address) -> LogOp {
    LogOp::List {
        id,
        tx: LogList::new(vehicle, Timing::default()),
    }
}

/// Erasing every log of `vehicle`.
pub(super) fn erase_op(id: RequestId, vehicle: Address) -> LogOp {
    LogOp::Erase {
        id,
        vehicle,
        tries: 0,
        erase_due: true,
        at_us: 0,
        tx: None,
    }
}

/// The event reporting that `op` ended with `e`.
fn failed(op: &LogOp, e: OpError) -> Event {
    let id = op.id();
    match op {
        LogOp::List { .. } => Event::LogsListed { id, result: Err(e) },
        LogOp::Download { .. } => Event::LogDownloaded { id, result: Err(e) },
        LogOp::Erase { .. } => Event::LogsErased { id, result: Err(e) },
    }
}

/// Writes `bytes` to `path` through `PATH.part` and a rename.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), OpError> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".part");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            OpError::Io(format!("cannot write {}: {e}", path.display()))
        })
}

/// Every log operation in flight.
#[derive(Default)]
pub(super) struct LogOps {
    ops: Vec<LogOp>,
    events: Vec<Event>,
}

impl LogOps {
    /// Starts `op` unless a log operation runs on that vehicle; on refusal, returns the event
    /// that reports it.
    pub fn start(&mut self, mut op: LogOp, now_us: u64) -> Result<Vec<LogMsg>, Box<Event>> {
        let v = op.vehicle();
        if let Some(other) = self.ops.iter().find(|o| o.vehicle() == v) {
            return Err(Box::new(failed(&op, OpError::Busy(other.what()))));
        }
        let out = match &mut op {
            LogOp::List { tx, .. } => tx.start(now_us),
            LogOp::Download { tx, started_us, .. } => {
                *started_us = now_us;
                tx.start(now_us)
            }
            LogOp::Erase {
                vehicle,
                tries,
                erase_due,
                at_us,
                ..
            } => {
                *tries = 1;
                *erase_due = false;
                *at_us = now_us + ERASE_SETTLE_US;
                vec![LogMsg::Erase { target: *vehicle }]
            }
        };
        self.ops.push(op);
        self.conclude(now_us);
        Ok(out)
    }

    /// Feeds a LOG_ENTRY or LOG_DATA from `from`.
    pub fn on_msg(&mut self, from: Address, msg: &LogMsg, now_us: u64) -> Vec<LogMsg> {
        let mut out = Vec::new();
        for op in self.ops.iter_mut().filter(|o| o.vehicle() == from) {
            match op {
                LogOp::List { tx, .. } => out.extend(tx.handle(from, msg, now_us)),
                LogOp::Download { tx, .. } => out.extend(tx.handle(from, msg, now_us)),
                LogOp::Erase { tx: Some(tx), .. } => out.extend(tx.handle(from, msg, now_us)),
                LogOp::Erase { tx: None, .. } => {}
            }
        }
        self.conclude(now_us);
        out
    }

    /// Handles timeouts.
    pub fn poll(&mut self, now_us: u64) -> Vec<LogMsg> {
        let mut out = Vec::new();
        for op in &mut self.ops {
            if op.deadline_us().is_none_or(|d| d > now_us) {
                continue;
            }
            match op {
                LogOp::List { tx, .. } => out.extend(tx.poll(now_us)),
                LogOp::Download { tx, .. } => out.extend(tx.poll(now_us)),
                LogOp::Erase { tx: Some(tx), .. } => out.extend(tx.poll(now_us)),
                LogOp::Erase {
                    tx,
                    vehicle,
                    erase_due,
                    at_us,
                    ..
                } => {
                    if std::mem::take(erase_due) {
                        out.push(LogMsg::Erase { target: *vehicle });
                        *at_us = now_us + ERASE_SETTLE_US;
                    } else {
                        let mut l = LogList::new(*vehicle, Timing::default());
                        out.extend(l.start(now_us));
                        *tx = Some(l);
                    }
                }
            }
        }
        self.conclude(now_us);
        out
    }

    /// Cancels operation `id` (a download tells the vehicle to stop streaming).
    pub fn cancel(&mut self, id: RequestId) -> Vec<LogMsg> {
        let mut out = Vec::new();
        if let Some(i) = self.ops.iter().position(|o| o.id() == id) {
            let op = self.ops.remove(i);
            if let LogOp::Download { tx, .. } = &op {
                out.push(LogMsg::RequestEnd {
                    target: tx.vehicle(),
                });
            }
            let e = LogError::Cancelled { what: op.what() };
            self.events.push(failed(&op, e.into()));
        }
        out
    }

    /// The earliest deadline of any operation.
    pub fn next_deadline_us(&self) -> Option<u64> {
        self.ops.iter().filter_map(LogOp::deadline_us).min()
    }

    /// Events produced since the last call (progress and results).
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// Ends everything with [`OpError::Stopped`]; returns the events and the LOG_REQUEST_ENDs
    /// that stop the vehicles' streams.
    pub fn stop_all(&mut self) -> (Vec<Event>, Vec<LogMsg>) {
        let mut events = self.take_events();
        let mut out = Vec::new();
        for op in self.ops.drain(..) {
            if let LogOp::Download { tx, .. } = &op {
                out.push(LogMsg::RequestEnd {
                    target: tx.vehicle(),
                });
            }
            events.push(failed(&op, OpError::Stopped));
        }
        (events, out)
    }

    /// Moves finished operations out as events; reports download progress (about every
    /// half percent, so a fast stream does not flood the caller).
    fn conclude(&mut self, now_us: u64) {
        let events = &mut self.events;
        self.ops.retain_mut(|op| match op {
            LogOp::List { id, tx } => match tx.take_outcome() {
                None => true,
                Some(r) => {
                    events.push(Event::LogsListed {
                        id: *id,
                        result: r.map_err(OpError::from),
                    });
                    false
                }
            },
            LogOp::Download {
                id,
                tx,
                path,
                started_us,
                reported,
            } => {
                let (done, total) = tx.progress();
                let step = (total / 200).max(1);
                let due =
                    *reported == u64::MAX || done >= reported.saturating_add(step) || done == total;
                if due && *reported != done {
                    *reported = done;
                    events.push(Event::Progress {
                        id: *id,
                        done: done as usize,
                        total: total as usize,
                        verifying: false,
                    });
                }
                let Some(r) = tx.take_outcome() else {
                    return true;
                };
                let result = r.map_err(OpError::from).and_then(|bytes| {
                    write_atomically(path, &bytes)?;
                    Ok(LogSaved {
                        log_id: tx.log_id(),
                        path: path.clone(),
                        size_bytes: bytes.len() as u64,
                        duration_us: now_us.saturating_sub(*started_us),
                        stats: tx.stats(),
                    })
                });
                events.push(Event::LogDownloaded { id: *id, result });
                false
            }
            LogOp::Erase {
                id,
                tries,
                erase_due,
                at_us,
                tx,
                ..
            } => {
                let Some(r) = tx.as_mut().and_then(LogList::take_outcome) else {
                    return true;
                };
                match r {
                    Ok(entries) if entries.is_empty() => {
                        events.push(Event::LogsErased {
                            id: *id,
                            result: Ok(()),
                        });
                        false
                    }
                    Ok(entries) if *tries >= ERASE_TRIES => {
                        let e = OpError::Log(LogError::NotErased {
                            remaining: entries.len(),
                            tries: *tries,
                        });
                        events.push(Event::LogsErased {
                            id: *id,
                            result: Err(e),
                        });
                        false
                    }
                    Ok(_) => {
                        // The erase was lost or not done yet: erase again (on the next poll),
                        // then list again.
                        *tries += 1;
                        *tx = None;
                        *erase_due = true;
                        *at_us = now_us;
                        true
                    }
                    Err(e) => {
                        events.push(Event::LogsErased {
                            id: *id,
                            result: Err(e.into()),
                        });
                        false
                    }
                }
            }
        });
    }
}
