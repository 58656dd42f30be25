//! The onboard-logs screen's state, without egui: each vehicle's listing (id, date, size),
//! the operator's selection, the log operation running on it (the engine runs one per
//! vehicle), the downloads waiting their turn, and how each download ended. The app feeds it
//! engine events ([`LogsModel::on_progress`], [`LogsModel::on_listed`], …) and asks it for the
//! next download to start; [`crate::ui::logs_ui`] draws it.

use crate::protocol::logs::LogEntry;
use crate::runtime::RequestId;
use crate::ui::i18n::{tr, trf};
use crate::vehicle::VehicleId;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

/// What a log operation does.
#[derive(Debug, Clone, PartialEq)]
pub enum LogJobKind {
    /// Listing the logs.
    List,
    /// Downloading one log into `path`.
    Download {
        /// The log, as listed.
        entry: LogEntry,
        /// The file it goes to.
        path: PathBuf,
    },
    /// Erasing every log.
    Erase,
}

/// The log operation running on a vehicle.
#[derive(Debug, Clone, PartialEq)]
pub struct LogJob {
    /// Engine request id.
    pub id: RequestId,
    /// What it does.
    pub kind: LogJobKind,
    /// When it was sent, µs since the Unix epoch.
    pub started_us: u64,
    /// Bytes received and the log's size (downloads).
    pub progress: (u64, u64),
    /// When the progress was last reported, µs since the Unix epoch.
    pub progress_at_us: u64,
}

impl LogJob {
    /// A job just sent.
    pub fn new(id: RequestId, kind: LogJobKind, now_us: u64) -> Self {
        Self {
            id,
            kind,
            started_us: now_us,
            progress: (0, 0),
            progress_at_us: now_us,
        }
    }

    /// Download rate so far, bytes per second (none before the first second of data).
    pub fn rate_bps(&self) -> Option<f64> {
        let dt = self.progress_at_us.saturating_sub(self.started_us);
        (dt >= 200_000 && self.progress.0 > 0).then(|| self.progress.0 as f64 * 1e6 / dt as f64)
    }

    /// The fraction done, 0…1.
    pub fn fraction(&self) -> f32 {
        let (done, total) = self.progress;
        if total > 0 {
            (done as f64 / total as f64).clamp(0.0, 1.0) as f32
        } else {
            0.0
        }
    }
}

/// A finished download.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedLog {
    /// The file written.
    pub path: PathBuf,
    /// Its size.
    pub size_bytes: u64,
    /// How long the transfer took (µs).
    pub duration_us: u64,
}

impl SavedLog {
    /// Average rate, bytes per second.
    pub fn rate_bps(&self) -> f64 {
        self.size_bytes as f64 * 1e6 / self.duration_us.max(1) as f64
    }
}

/// One vehicle's logs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VehicleLogs {
    /// The listing, sorted by id (`None` until listed).
    pub entries: Option<Vec<LogEntry>>,
    /// Ids ticked for "Download selected".
    pub selected: BTreeSet<u16>,
    /// The operation running.
    pub job: Option<LogJob>,
    /// Downloads waiting for the running one to end, in order.
    pub queue: VecDeque<(LogEntry, PathBuf)>,
    /// How each download ended, by log id (the last attempt).
    pub results: BTreeMap<u16, Result<SavedLog, String>>,
    /// How the last listing or erase ended, in words.
    pub note: Option<Result<String, String>>,
}

impl VehicleLogs {
    /// Whether a log operation runs or downloads wait.
    pub fn busy(&self) -> bool {
        self.job.is_some() || !self.queue.is_empty()
    }

    /// The log being downloaded now.
    pub fn downloading(&self) -> Option<u16> {
        match self.job.as_ref().map(|j| &j.kind) {
            Some(LogJobKind::Download { entry, .. }) => Some(entry.id),
            _ => None,
        }
    }

    /// Whether log `id` waits in the queue.
    pub fn queued(&self, id: u16) -> bool {
        self.queue.iter().any(|(e, _)| e.id == id)
    }

    /// The listed entries that are ticked, in id order.
    pub fn selected_entries(&self) -> Vec<LogEntry> {
        self.entries
            .iter()
            .flatten()
            .filter(|e| self.selected.contains(&e.id))
            .copied()
            .collect()
    }
}

/// What an engine result meant for the screen, for the messages panel.
#[derive(Debug, Clone, PartialEq)]
pub struct LogOutcome {
    /// The vehicle.
    pub vehicle: VehicleId,
    /// What happened, in words.
    pub text: Result<String, String>,
}

/// Every vehicle's logs and the download folder.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogsModel {
    /// Per vehicle.
    pub vehicles: BTreeMap<VehicleId, VehicleLogs>,
}

impl LogsModel {
    /// The logs of `v` (created empty).
    pub fn vehicle_mut(&mut self, v: VehicleId) -> &mut VehicleLogs {
        self.vehicles.entry(v).or_default()
    }

    /// The logs of `v`, if any were asked for.
    pub fn vehicle(&self, v: VehicleId) -> Option<&VehicleLogs> {
        self.vehicles.get(&v)
    }

    /// Records that `job` was sent for `v`.
    pub fn started(&mut self, v: VehicleId, job: LogJob) {
        let vl = self.vehicle_mut(v);
        if let LogJobKind::Download { entry, .. } = &job.kind {
            vl.results.remove(&entry.id);
        }
        vl.job = Some(job);
    }

    /// Queues downloads of `entries` into `folder` (files named like `steppe logs
    /// download`); logs already queued or downloading are left out. Returns how many
    /// were queued.
    pub fn enqueue(&mut self, v: VehicleId, entries: &[LogEntry], folder: &Path) -> usize {
        let vl = self.vehicle_mut(v);
        let mut n = 0;
        for e in entries {
            if vl.downloading() == Some(e.id) || vl.queued(e.id) {
                continue;
            }
            vl.queue
                .push_back((*e, folder.join(crate::cli::logs::file_name(e))));
            n += 1;
        }
        n
    }

    /// The next download to send for `v`, if nothing runs on it.
    pub fn next_download(&mut self, v: VehicleId) -> Option<(LogEntry, PathBuf)> {
        let vl = self.vehicles.get_mut(&v)?;
        if vl.job.is_some() {
            return None;
        }
        vl.queue.pop_front()
    }

    /// Forgets the waiting downloads of `v`; returns the running job's id to cancel.
    pub fn cancel(&mut self, v: VehicleId) -> Option<RequestId> {
        let vl = self.vehicles.get_mut(&v)?;
        vl.queue.clear();
        vl.job.as_ref().map(|j| j.id)
    }

    /// A request could not be sent: the job did not start.
    pub fn not_sent(&mut self, v: VehicleId, why: String) {
        let vl = self.vehicle_mut(v);
        vl.queue.clear();
        vl.note = Some(Err(why));
    }

    fn take_job(&mut self, id: RequestId) -> Option<(VehicleId, LogJob)> {
        self.vehicles.iter_mut().find_map(|(v, vl)| {
            if vl.job.as_ref().is_some_and(|j| j.id == id) {
                vl.job.take().map(|j| (*v, j))
            } else {
                None
            }
        })
    }

    /// Byte progress of request `id`; false when it is not a log job.
    pub fn on_progress(&mut self, id: RequestId, done: u64, total: u64, now_us: u64) -> bool {
        for vl in self.vehicles.values_mut() {
            if let Some(j) = vl.job.as_mut().filter(|j| j.id == id) {
                j.progress = (done, total);
                j.progress_at_us = now_us;
                return true;
            }
        }
        false
    }

    /// A listing ended.
    pub fn on_listed(
        &mut self,
        id: RequestId,
        result: Result<Vec<LogEntry>, String>,
    ) -> Option<LogOutcome> {
        let (v, _) = self.take_job(id)?;
        let vl = self.vehicle_mut(v);
        let text = match result {
            Ok(entries) => {
                let ids: BTreeSet<u16> = entries.iter().map(|e| e.id).collect();
                vl.selected.retain(|i| ids.contains(i));
                vl.results.retain(|i, _| ids.contains(i));
                let total: u64 = entries.iter().map(|e| u64::from(e.size_bytes)).sum();
                let words = trf(
                    "{n} logs, {size}",
                    &[
                        ("n", entries.len().to_string()),
                        ("size", human_bytes(total)),
                    ],
                );
                vl.entries = Some(entries);
                Ok(words)
            }
            Err(e) => Err(trf("Listing failed: {e}", &[("e", e)])),
        };
        vl.note = Some(text.clone());
        Some(LogOutcome { vehicle: v, text })
    }

    /// A download ended.
    pub fn on_downloaded(
        &mut self,
        id: RequestId,
        result: Result<SavedLog, String>,
    ) -> Option<LogOutcome> {
        let (v, job) = self.take_job(id)?;
        let LogJobKind::Download { entry, .. } = job.kind else {
            return None;
        };
        let text = match &result {
            Ok(s) => Ok(trf(
                "Log {id} saved to {path} ({rate})",
                &[
                    ("id", entry.id.to_string()),
                    ("path", s.path.display().to_string()),
                    ("rate", rate_words(s.rate_bps())),
                ],
            )),
            Err(e) => Err(trf(
                "Log {id} not downloaded: {e}",
                &[("id", entry.id.to_string()), ("e", e.clone())],
            )),
        };
        self.vehicle_mut(v).results.insert(entry.id, result);
        Some(LogOutcome { vehicle: v, text })
    }

    /// An erase ended.
    pub fn on_erased(&mut self, id: RequestId, result: Result<(), String>) -> Option<LogOutcome> {
        let (v, _) = self.take_job(id)?;
        let vl = self.vehicle_mut(v);
        let text = match result {
            Ok(()) => {
                vl.entries = Some(Vec::new());
                vl.selected.clear();
                vl.results.clear();
                Ok(tr("Every log on the vehicle was erased").to_owned())
            }
            Err(e) => Err(trf("Erasing failed: {e}", &[("e", e)])),
        };
        vl.note = Some(text.clone());
        Some(LogOutcome { vehicle: v, text })
    }
}

/// 1.5 KiB, 312.5 KiB, 12.3 MiB.
pub fn human_bytes(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1_048_576.0 {
        format!("{:.1} MiB", b / 1_048_576.0)
    } else if b >= 1_024.0 {
        format!("{:.1} KiB", b / 1_024.0)
    } else {
        format!("{bytes} B")
    }
}

/// "12.3 KiB/s".
pub fn rate_words(bps: f64) -> String {
    format!("{}/s", human_bytes(bps.max(0.0) as u64))
}

/// "2026-01-01 00:00" (UTC) for a log's start, or "no date" for 0 (no GPS time).
pub fn log_date(time_utc_s: u32) -> String {
    match chrono::DateTime::from_timestamp(i64::from(time_utc_s), 0) {
        Some(t) if time_utc_s > 0 => t.format("%Y-%m-%d %H:%M").to_string(),
        _ => tr("no date").to_owned(),
    }
}

/// Where logs go unless the operator chose a folder: `~/Downloads/steppe-logs` when there is
/// a Downloads folder, else `~/steppe-logs`.
pub fn default_folder() -> String {
    let Some(home) = std::env::var_os("HOME").map(PathBuf::from) else {
        return "steppe-logs".to_owned();
    };
    let downloads = home.join("Downloads");
    let base = if downloads.is_dir() { downloads } else { home };
    base.join("steppe-logs").display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const V: VehicleId = VehicleId {
        sysid: 1,
        compid: 1,
    };

    fn entry(id: u16) -> LogEntry {
        LogEntry {
            id,
            time_utc_s: 1_767_225_600,
            size_bytes: 1000 * u32::from(id),
        }
    }

    #[test]
    fn downloads_wait_their_turn_and_end_with_a_result() {
        let mut m = LogsModel::default();
        let dir = Path::new("/tmp/logs");
        assert_eq!(m.enqueue(V, &[entry(1), entry(2)], dir), 2);
        assert_eq!(m.enqueue(V, &[entry(2)], dir), 0, "already queued");
        let (e, path) = m.next_download(V).expect("first");
        assert_eq!(e.id, 1);
        assert_eq!(path, dir.join("log1_2026-01-01_00-00-00.bin"));
        m.started(
            V,
            LogJob::new(7, LogJobKind::Download { entry: e, path }, 0),
        );
        assert_eq!(m.next_download(V), None, "one job at a time");
        assert!(m.on_progress(7, 500, 1000, 1_000_000));
        let j = m.vehicle(V).and_then(|v| v.job.clone()).expect("job");
        assert_eq!(j.fraction(), 0.5);
        assert_eq!(j.rate_bps(), Some(500.0));
        let saved = SavedLog {
            path: dir.join("x.bin"),
            size_bytes: 1000,
            duration_us: 2_000_000,
        };
        let out = m.on_downloaded(7, Ok(saved)).expect("known job");
        assert!(matches!(&out.text, Ok(t) if t.contains("x.bin") && t.contains("500 B/s")));
        assert_eq!(m.next_download(V).map(|(e, _)| e.id), Some(2));
        assert_eq!(m.on_downloaded(99, Err("x".into())), None, "unknown id");
    }

    #[test]
    fn cancel_forgets_the_queue_and_a_listing_keeps_valid_selections() {
        let mut m = LogsModel::default();
        m.enqueue(V, &[entry(1), entry(2), entry(3)], Path::new("."));
        let (e, path) = m.next_download(V).expect("first");
        m.started(
            V,
            LogJob::new(3, LogJobKind::Download { entry: e, path }, 0),
        );
        assert_eq!(m.cancel(V), Some(3));
        assert!(m.vehicle(V).is_some_and(|v| v.queue.is_empty()));
        m.on_downloaded(3, Err("cancelled".into()));
        assert!(!m.vehicle(V).is_some_and(VehicleLogs::busy));
        m.vehicle_mut(V).selected = [1, 2, 9].into();
        m.started(V, LogJob::new(4, LogJobKind::List, 0));
        let out = m.on_listed(4, Ok(vec![entry(1), entry(2)])).expect("job");
        assert_eq!(out.text, Ok("2 logs, 2.9 KiB".to_owned()));
        let vl = m.vehicle(V).expect("vehicle");
        assert_eq!(vl.selected, [1, 2].into());
        assert_eq!(vl.selected_entries().len(), 2);
        m.started(V, LogJob::new(5, LogJobKind::Erase, 0));
        assert!(m.on_erased(5, Ok(())).is_some_and(|o| o.text.is_ok()));
        assert_eq!(m.vehicle(V).and_then(|v| v.entries.clone()), Some(vec![]));
    }

    #[test]
    fn words() {
        assert_eq!(human_bytes(1_536), "1.5 KiB");
        assert_eq!(rate_words(2_097_152.0), "2.0 MiB/s");
        assert_eq!(log_date(1_767_225_600), "2026-01-01 00:00");
        assert_eq!(log_date(0), "no date");
    }
}
