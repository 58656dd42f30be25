//! Onboard-log operations in flight (list, download, erase): starting them, feeding them
//! LOG_ENTRY / LOG_DATA and timeouts, and turning their ends into events. ArduPilot serves one
//! log transfer at a time, so one log operation per vehicle runs at a time; a second one is
//! refused as busy.
//!
//! Erasing lists the logs first, then sends LOG_ERASE and lists again to confirm that every
//! log listed before is gone ([`erased`]).
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
    /// A listing, LOG_ERASE, then a listing after a pause to confirm that every log listed
    /// before is gone (a vehicle that logs while disarmed starts a new one at once).
    Erase {
        id: RequestId,
        vehicle: Address,
        tries: u32,
        /// The logs before the erase (`None` while they are being listed).
        before: Option<Vec<LogEntry>>,
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
        before: None,
        erase_due: false,
        at_us: 0,
        tx: Some(LogList::new(vehicle, Timing::default())),
    }
}

/// Whether the listing `after` an erase shows that every log of `before` is gone. ArduPilot
/// starts a new log right after erasing when it was logging (LOG_DISARMED, or a log left open):
/// 4.7 SITL then lists one log of 0 bytes, or one growing from 0. Logs only grow and keep
/// their ids until erased, so fewer logs than before, or only logs that are new (an id not
/// listed before, or smaller than it was), mean the erase happened.
pub fn erased(before: &[LogEntry], after: &[LogEntry]) -> bool {
    let new = |e: &LogEntry| {
        before
            .iter()
            .find(|b| b.id == e.id)
            .is_none_or(|b| e.size_bytes < b.size_bytes)
    };
    after.is_empty() || after.len() < before.len() || after.iter().all(new)
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

/// The file a downloaded log goes to: a PX4 ULog (it starts with "ULog") asked for as
/// `.bin` (the DataFlash name the caller does not know better than) becomes `.ulg`, which
/// PX4's tools and pyulog expect.
fn with_log_extension(path: &Path, bytes: &[u8]) -> PathBuf {
    let is_ulog = bytes.starts_with(b"ULog");
    if is_ulog
        && path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("bin"))
    {
        path.with_extension("ulg")
    } else {
        path.to_path_buf()
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
            LogOp::Erase { tx, .. } => tx.as_mut().map_or_else(Vec::new, |l| l.start(now_us)),
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
                    tries,
                    erase_due,
                    at_us,
                    ..
                } => {
                    if std::mem::take(erase_due) {
                        *tries += 1;
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
                    let path = with_log_extension(path, &bytes);
                    write_atomically(&path, &bytes)?;
                    Ok(LogSaved {
                        log_id: tx.log_id(),
                        path,
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
                before,
                erase_due,
                at_us,
                tx,
                ..
            } => {
                let Some(r) = tx.as_mut().and_then(LogList::take_outcome) else {
                    return true;
                };
                let Some(was) = before.as_deref() else {
                    // The listing before the erase: what must be gone afterwards.
                    return match r {
                        Ok(entries) if entries.is_empty() => {
                            events.push(Event::LogsErased {
                                id: *id,
                                result: Ok(()),
                            });
                            false
                        }
                        Ok(entries) => {
                            *before = Some(entries);
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
                    };
                };
                match r {
                    Ok(entries) if erased(was, &entries) => {
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

#[cfg(test)]
mod tests {
    use super::*;

    const VEH: Address = Address::new(1, 1);

    fn entry(id: u16, size_bytes: u32) -> LogEntry {
        LogEntry {
            id,
            time_utc_s: 0,
            size_bytes,
        }
    }

    /// LOG_ENTRY messages of a listing of `logs` (ArduPilot's single id-0 entry when empty).
    fn listing(logs: &[LogEntry]) -> Vec<LogMsg> {
        let n = logs.len() as u16;
        if logs.is_empty() {
            return vec![LogMsg::Entry {
                entry: entry(0, 0),
                num_logs: 0,
                last_log_num: 0,
            }];
        }
        logs.iter()
            .map(|e| LogMsg::Entry {
                entry: *e,
                num_logs: n,
                last_log_num: n,
            })
            .collect()
    }

    /// Runs an erase against a vehicle that lists `before`, and after each LOG_ERASE lists
    /// the next of `after`; returns the result and the LOG_ERASE count.
    fn erase(before: &[LogEntry], after: &[&[LogEntry]]) -> (Result<(), OpError>, usize) {
        let mut ops = LogOps::default();
        let mut now = 0;
        let mut out = ops.start(erase_op(1, VEH), now).expect("starts");
        let mut listing_now = before.to_vec();
        let mut erases = 0;
        let mut after = after.iter();
        for _ in 0..100 {
            for m in std::mem::take(&mut out) {
                match m {
                    LogMsg::RequestList { .. } => {
                        for e in listing(&listing_now) {
                            out.extend(ops.on_msg(VEH, &e, now));
                        }
                    }
                    LogMsg::Erase { .. } => {
                        erases += 1;
                        listing_now = after.next().map_or_else(Vec::new, |l| l.to_vec());
                    }
                    other => panic!("unexpected {other:?}"),
                }
            }
            for ev in ops.take_events() {
                if let Event::LogsErased { result, .. } = ev {
                    return (result, erases);
                }
            }
            now = ops.next_deadline_us().expect("running");
            out = ops.poll(now);
        }
        panic!("the erase never ended");
    }

    #[test]
    fn a_new_log_started_right_after_the_erase_is_not_a_failed_erase() {
        // ArduCopter 4.7 SITL with LOG_DISARMED=1, erased after downloading log 1 and while
        // writing log 2: it lists one log of 0 bytes a moment later, then that log grows.
        let before = [entry(1, 716_800), entry(2, 319_488)];
        assert_eq!(erase(&before, &[&[entry(1, 0)]]), (Ok(()), 1));
        let one = [entry(1, 195_530)];
        assert_eq!(erase(&one, &[&[entry(1, 40_960)]]), (Ok(()), 1));
        assert_eq!(erase(&one, &[&[]]), (Ok(()), 1));
        // Nothing to erase: no LOG_ERASE at all.
        assert_eq!(erase(&[], &[]), (Ok(()), 0));
    }

    #[test]
    fn logs_still_there_are_erased_again_then_reported() {
        // The first LOG_ERASE was lost: the same logs again, then gone.
        let before = [entry(1, 1_000), entry(2, 2_000)];
        assert_eq!(erase(&before, &[&before, &[]]), (Ok(()), 2));
        // A log that only grew is the same log: never erased.
        let grown = [entry(1, 1_000), entry(2, 9_000)];
        let (r, n) = erase(&before, &[&grown, &grown, &grown]);
        assert_eq!(n, ERASE_TRIES as usize);
        let e = r.expect_err("not erased").to_string();
        assert!(e.contains("still lists 2 log(s) after 3 LOG_ERASE"), "{e}");
    }

    #[test]
    fn erased_compares_with_the_listing_before() {
        let before = [entry(1, 500), entry(2, 800)];
        assert!(erased(&before, &[]));
        assert!(erased(&before, &[entry(1, 900)]), "fewer logs");
        assert!(
            erased(&before, &[entry(1, 0), entry(2, 10)]),
            "both smaller"
        );
        assert!(
            !erased(&before, &[entry(1, 500), entry(2, 10)]),
            "log 1 kept"
        );
        assert!(
            !erased(&before, &[entry(1, 500), entry(2, 900)]),
            "log 2 grew"
        );
        assert!(erased(&[], &[entry(1, 10)]), "a log that is new");
    }
}

#[cfg(test)]
mod extension_tests {
    use super::with_log_extension;
    use std::path::Path;

    #[test]
    fn a_ulog_is_saved_as_ulg() {
        let p = Path::new("/tmp/logs/log3_2026-01-01_00-00-00.bin");
        assert_eq!(
            with_log_extension(p, b"ULog\x01\x12\x35\x01"),
            Path::new("/tmp/logs/log3_2026-01-01_00-00-00.ulg")
        );
        assert_eq!(with_log_extension(p, &[0xA3, 0x95, 0x80]), p);
        let chosen = Path::new("/tmp/flight.log");
        assert_eq!(with_log_extension(chosen, b"ULog"), chosen);
    }
}
