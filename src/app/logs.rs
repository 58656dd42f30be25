//! The app's side of the Onboard logs view: panel commands become engine log requests (the
//! downloads of one vehicle go one after another, since the engine runs one log operation per
//! vehicle), and the engine's log events become the view's state and messages.

use super::AppCore;
use crate::protocol::logs::LogError;
use crate::runtime::{Event, LogSaved, OpError, Request};
use crate::ui::i18n::{tr, trf};
use crate::ui::logs::{LogJob, LogJobKind, LogOutcome, SavedLog};
use crate::ui::model::{UiCommand, severity};
use crate::vehicle::VehicleId;

/// An engine error in words (a cancel is just "Cancelled").
fn words(e: &OpError) -> String {
    match e {
        OpError::Log(LogError::Cancelled { .. }) => tr("Cancelled").to_owned(),
        other => other.to_string(),
    }
}

fn saved(s: LogSaved) -> SavedLog {
    SavedLog {
        path: s.path,
        size_bytes: s.size_bytes,
        duration_us: s.duration_us,
    }
}

impl AppCore {
    /// Handles an onboard-log command of the panel.
    pub(super) fn dispatch_log(&mut self, cmd: UiCommand) {
        match cmd {
            UiCommand::LogList { target } => {
                self.start_log(target, LogJobKind::List);
            }
            UiCommand::LogErase { target } => {
                self.start_log(target, LogJobKind::Erase);
            }
            UiCommand::LogDownload {
                target,
                entries,
                folder,
            } => {
                if let Err(e) = std::fs::create_dir_all(&folder) {
                    let text = trf(
                        "Cannot create the folder {path}: {e}",
                        &[("path", folder.display().to_string()), ("e", e.to_string())],
                    );
                    self.model.status_note = Some(text.clone());
                    self.model.push_log(Some(target), severity::ERROR, text);
                    return;
                }
                self.model.logs.enqueue(target, &entries, &folder);
                self.next_log_download(target);
            }
            UiCommand::LogCancel { target } => {
                if let Some(id) = self.model.logs.cancel(target) {
                    self.send(Request::LogCancel { id });
                }
            }
            _ => {}
        }
    }

    /// Sends the request of `kind` for `target`; false when it could not be sent.
    fn start_log(&mut self, target: VehicleId, kind: LogJobKind) -> bool {
        let id = self.next_id();
        let req = match &kind {
            LogJobKind::List => Request::LogList { id, target },
            LogJobKind::Erase => Request::LogErase { id, target },
            LogJobKind::Download { entry, path } => Request::LogDownload {
                id,
                target,
                entry: *entry,
                path: path.clone(),
            },
        };
        if self.send(req) {
            let now = crate::link::wall_clock_us();
            self.model.logs.started(target, LogJob::new(id, kind, now));
            true
        } else {
            let why = tr("The request was not sent to the engine").to_owned();
            self.model.logs.not_sent(target, why);
            false
        }
    }

    /// Starts the next waiting download of `target` if nothing runs on it.
    fn next_log_download(&mut self, target: VehicleId) {
        while let Some((entry, path)) = self.model.logs.next_download(target) {
            if self.start_log(target, LogJobKind::Download { entry, path }) {
                return;
            }
        }
    }

    /// Applies an onboard-log event; gives the event back when it is not one.
    pub(super) fn on_log_event(&mut self, e: Event) -> Option<Event> {
        let logs = &mut self.model.logs;
        let out = match e {
            Event::Progress {
                id, done, total, ..
            } => {
                let now = crate::link::wall_clock_us();
                if logs.on_progress(id, done as u64, total as u64, now) {
                    return None;
                }
                return Some(e);
            }
            Event::LogsListed { id, result } => logs.on_listed(id, result.map_err(|e| words(&e))),
            Event::LogsErased { id, result } => logs.on_erased(id, result.map_err(|e| words(&e))),
            Event::LogDownloaded { id, result } => {
                let out = logs.on_downloaded(id, result.map(saved).map_err(|e| words(&e)));
                if let Some(o) = &out {
                    self.next_log_download(o.vehicle);
                }
                out
            }
            other => return Some(other),
        };
        if let Some(LogOutcome { vehicle, text }) = out {
            match text {
                Ok(t) => self.model.push_log(Some(vehicle), severity::INFO, t),
                Err(t) => self.model.push_log(Some(vehicle), severity::ERROR, t),
            }
        }
        None
    }
}
