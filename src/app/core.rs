//! The app without a window: it owns the engine handle and the UI model, turns engine events
//! into messages, progress and map data, and panel commands into engine requests. The
//! window (and the end-to-end test) call [`AppCore::pump`] once per frame.

use crate::link::LinkState;
use crate::runtime::{BackendHandle, Event, MissionOp, Request, SendError};
use crate::ui::i18n::{tr, trf};
use crate::ui::model::{Operation, UiCommand, UiModel, list_name, severity, vehicle_label};
use crate::vehicle::FleetEvent;

/// Parameter writes sent to the engine and not yet answered, at most.
const PARAMS_IN_FLIGHT: usize = 16;
/// Finished operations kept for display.
const OPS_KEPT: usize = 12;

/// The engine and the model together.
#[derive(Debug)]
pub struct AppCore {
    /// The engine (none in UI tests).
    pub backend: Option<BackendHandle>,
    /// The model the panels draw.
    pub model: UiModel,
    /// Parameter writes waiting to be sent.
    param_queue: std::collections::VecDeque<(crate::vehicle::VehicleId, String, f64)>,
    /// Parameter writes in flight: request id → vehicle and name (the result names neither).
    param_sets:
        std::collections::BTreeMap<crate::runtime::RequestId, (crate::vehicle::VehicleId, String)>,
    /// A log being replayed instead of the live links.
    pub(super) replay: Option<super::replay::ReplaySession>,
    /// A signing change the engine could not take yet (sent again next frame).
    pub(super) signing_unsent: Option<Option<crate::protocol::signing::SigningConfig>>,
}

fn op_label(op: &MissionOp) -> String {
    match op {
        MissionOp::Upload(t, _) => trf("Upload {what}", &[("what", list_name(*t).to_owned())]),
        MissionOp::Download(t) => trf("Download {what}", &[("what", list_name(*t).to_owned())]),
        MissionOp::Clear(t) => trf("Clear {what}", &[("what", list_name(*t).to_owned())]),
    }
}

impl AppCore {
    /// An app over `backend` (or none).
    pub fn new(backend: Option<BackendHandle>, model: UiModel) -> Self {
        Self {
            backend,
            model,
            param_sets: Default::default(),
            param_queue: Default::default(),
            replay: None,
            signing_unsent: None,
        }
    }

    /// One frame's work: take the latest snapshot, handle events, send queued commands.
    /// Returns true when anything changed.
    pub fn pump(&mut self) -> bool {
        let mut changed = false;
        if self.replay.is_some() {
            changed |= self.pump_replay(crate::link::wall_clock_us());
        } else if let Some(b) = &self.backend {
            let snap = b.snapshot();
            if !std::sync::Arc::ptr_eq(&snap, &self.model.snapshot) {
                self.model.set_snapshot(snap);
                changed = true;
            }
        }
        if self.backend.is_some() && self.replay.is_none() {
            // The wall clock, as the engine stamps its snapshots with.
            self.model.tick(crate::link::wall_clock_us());
        }
        while let Some(e) = self.backend.as_mut().and_then(BackendHandle::try_event) {
            if self.replay.is_some() {
                self.on_live_event(e);
            } else {
                self.on_event(e);
            }
            changed = true;
        }
        let out = std::mem::take(&mut self.model.outbox);
        for cmd in out {
            self.dispatch(cmd);
            changed = true;
        }
        self.feed_params();
        self.resend_signing();
        changed
    }

    pub(super) fn send(&mut self, r: Request) -> bool {
        let Some(b) = &self.backend else {
            self.model.status_note = Some(tr("Not connected to the engine").to_owned());
            return false;
        };
        match b.send(r) {
            Ok(()) => true,
            Err(SendError::Full) => {
                let t = tr("The engine is busy; the command was not sent. Try again.");
                self.model.push_log(None, severity::ERROR, t);
                false
            }
            Err(SendError::Closed) => {
                self.model
                    .push_log(None, severity::CRITICAL, tr("The engine has stopped"));
                false
            }
        }
    }

    pub(super) fn next_id(&self) -> u64 {
        self.backend.as_ref().map_or(0, BackendHandle::next_id)
    }

    pub(super) fn track(&mut self, op: Operation) {
        self.model.ops.push(op);
        let finished = self
            .model
            .ops
            .iter()
            .filter(|o| o.outcome.is_some())
            .count();
        if finished > OPS_KEPT
            && let Some(i) = self.model.ops.iter().position(|o| o.outcome.is_some())
        {
            self.model.ops.remove(i);
        }
    }

    /// Sends one panel command to the engine.
    pub fn dispatch(&mut self, cmd: UiCommand) {
        let id = self.next_id();
        let to_vehicle = matches!(
            cmd,
            UiCommand::Action { .. }
                | UiCommand::Transfer { .. }
                | UiCommand::ParamSet { .. }
                | UiCommand::LogList { .. }
                | UiCommand::LogDownload { .. }
                | UiCommand::LogErase { .. }
                | UiCommand::SetupSigning { .. }
        );
        if to_vehicle && self.replay.is_some() {
            let t = tr("Replay: commands are not sent to vehicles. Close the replay to fly.");
            self.model.push_log(None, severity::WARNING, t);
            return;
        }
        match cmd {
            UiCommand::LogList { .. }
            | UiCommand::LogDownload { .. }
            | UiCommand::LogErase { .. }
            | UiCommand::LogCancel { .. } => self.dispatch_log(cmd),
            UiCommand::SetSigning(_) | UiCommand::SetupSigning { .. } => {
                self.dispatch_signing(id, cmd);
            }
            UiCommand::Replay(c) => self.replay_command(c),
            UiCommand::OpenReplay(path) => {
                if let Err(e) = self.open_replay(&path) {
                    self.model.push_log(None, severity::ERROR, e);
                }
            }
            UiCommand::Action { target, action } => {
                let label = format!(
                    "{} · {}",
                    action_label(&action, self.model.settings.units),
                    vehicle_label(target)
                );
                if self.send(Request::Action { id, target, action }) {
                    self.track(Operation::started(id, target, label, None));
                }
            }
            UiCommand::Transfer { target, op } => {
                let label = format!("{} · {}", op_label(&op), vehicle_label(target));
                let list = match &op {
                    MissionOp::Upload(t, _) | MissionOp::Download(t) | MissionOp::Clear(t) => {
                        Some(*t)
                    }
                };
                if self.send(Request::Mission { id, target, op }) {
                    self.track(Operation::started(id, target, label, list));
                }
            }
            UiCommand::AddLink(spec) => {
                // Links the operator adds are opened again at the next start.
                let text = spec.to_string();
                if self.send(Request::AddLink(spec)) && !self.model.settings.links.contains(&text) {
                    self.model.settings.links.push(text);
                }
            }
            UiCommand::RemoveLink(link) => {
                let spec = self
                    .model
                    .snapshot
                    .links
                    .iter()
                    .find(|l| l.id == link)
                    .map(|l| l.spec.to_string());
                if self.send(Request::RemoveLink(link))
                    && let Some(text) = spec
                {
                    self.model.settings.links.retain(|s| *s != text);
                }
            }
            UiCommand::ParamDownload { target } => {
                if self.send(Request::ParamDownload { id, target }) {
                    let label = trf("Parameters · {id}", &[("id", vehicle_label(target))]);
                    self.track(Operation::started(id, target, label, None));
                }
            }
            UiCommand::ParamSet {
                target,
                name,
                value,
            } => {
                // Writing a whole parameter file is hundreds of writes: they wait here and go
                // to the engine a few at a time, as answers come back.
                self.param_queue.push_back((target, name, value));
                self.feed_params();
            }
        }
    }

    /// Sends queued parameter writes while fewer than [`PARAMS_IN_FLIGHT`] are unanswered.
    fn feed_params(&mut self) {
        while self.param_sets.len() < PARAMS_IN_FLIGHT {
            let Some((target, name, value)) = self.param_queue.pop_front() else {
                return;
            };
            let id = self.next_id();
            let req = Request::ParamSet {
                id,
                target,
                name: name.clone(),
                value,
            };
            let refused = match &self.backend {
                None => Some(tr("Not connected to the engine").to_owned()),
                Some(b) => b.send(req).err().map(|e| e.to_string()),
            };
            match refused {
                None => {
                    self.param_sets.insert(id, (target, name));
                }
                Some(why) => self.model.params.on_set_result(target, &name, Err(why)),
            }
        }
    }

    /// Applies one engine event to the model.
    pub fn on_event(&mut self, e: Event) {
        let Some(e) = self.on_log_event(e) else {
            return;
        };
        let m = &mut self.model;
        match e {
            Event::Fleet(f) => self.on_fleet(f),
            Event::Progress {
                id, done, total, ..
            } => {
                if let Some(op) = m.op_mut(id) {
                    op.progress = (done, total);
                }
            }
            Event::CommandDone { id, result } => accepted_or_not(m, id, result, severity::INFO),
            Event::MissionDone { id, result } => {
                let Some(op) = m.op_mut(id) else { return };
                let (label, target, list) = (op.label.clone(), op.target, op.list);
                match result {
                    Ok(items) => {
                        op.outcome = Some(Ok(trf("{n} items", &[("n", items.len().to_string())])));
                        if let Some(t) = list {
                            m.onboard.insert((target, t.into()), items.clone());
                        }
                        m.push_log(
                            Some(target),
                            severity::INFO,
                            format!("{label}: {} {}", items.len(), tr("items")),
                        );
                    }
                    Err(e) => {
                        op.outcome = Some(Err(e.to_string()));
                        m.push_log(Some(target), severity::ERROR, format!("{label}: {e}"));
                    }
                }
            }
            Event::ParamsDone { id, result } => {
                if let Some(op) = m.op_mut(id) {
                    let target = op.target;
                    op.outcome = Some(
                        result
                            .as_ref()
                            .map(|t| trf("{n} parameters", &[("n", t.len().to_string())]))
                            .map_err(|e| e.to_string()),
                    );
                    if let Ok(table) = result {
                        m.params.set_table(target, table);
                    }
                }
            }
            // Handled by `on_log_event`, or for a request the app did not make.
            Event::LogsListed { .. } | Event::LogDownloaded { .. } | Event::LogsErased { .. } => {}
            Event::ParamSetDone { id, result } => {
                let Some((target, name)) = self.param_sets.remove(&id) else {
                    return;
                };
                let m = &mut self.model;
                match &result {
                    Ok(p) => m.push_log(
                        Some(target),
                        severity::INFO,
                        format!("{name} = {}", p.value),
                    ),
                    Err(e) => m.push_log(Some(target), severity::ERROR, format!("{name}: {e}")),
                }
                m.params
                    .on_set_result(target, &name, result.map_err(|e| e.to_string()));
            }
            Event::Link { spec, state, .. } => {
                let (sev, text) = match state {
                    LinkState::Connecting => (severity::INFO, tr("connecting").to_owned()),
                    LinkState::Up { detail, .. } => {
                        (severity::NOTICE, format!("{} — {detail}", tr("up")))
                    }
                    LinkState::Down { reason, .. } => {
                        (severity::WARNING, format!("{}: {reason}", tr("down")))
                    }
                    LinkState::Closed => (severity::INFO, tr("closed").to_owned()),
                };
                m.push_log(None, sev, format!("{spec}: {text}"));
            }
            Event::Recorder(r) => {
                let text = match (&r.error, r.closed) {
                    (Some(e), _) => (
                        severity::CRITICAL,
                        trf("Recording failed: {e}", &[("e", e.clone())]),
                    ),
                    (None, true) => (
                        severity::INFO,
                        trf(
                            "Recording closed: {path}",
                            &[("path", r.path.display().to_string())],
                        ),
                    ),
                    (None, false) => (
                        severity::INFO,
                        trf(
                            "Recording to {path}",
                            &[("path", r.path.display().to_string())],
                        ),
                    ),
                };
                m.push_log(None, text.0, text.1);
                match crate::ui::recording_alert::RecordingAlert::from_status(&r) {
                    // Raised once per file (the final status repeats the error).
                    Some(a) if m.recording_alert.as_ref().map(|x| &x.path) != Some(&a.path) => {
                        m.recording_alert = Some(a);
                        m.new_alarm = m.new_alarm.max(Some(crate::alerts::Severity::Warning));
                    }
                    Some(_) => {}
                    // A new recording started: the old alert is over.
                    None if !r.closed => m.recording_alert = None,
                    None => {}
                }
            }
            Event::Warning(w) => m.push_log(None, severity::WARNING, w),
            Event::SigningSetupDone { id, result } => {
                accepted_or_not(m, id, result, severity::NOTICE)
            }
        }
    }

    pub(super) fn on_fleet(&mut self, f: FleetEvent) {
        let m = &mut self.model;
        match f {
            FleetEvent::StatusText {
                id, severity, text, ..
            } => m.push_log(Some(id), severity, text),
            FleetEvent::CameraTrigger { id, event } => m.tracks.photo(id, &event),
            FleetEvent::VehicleAppeared { id, mode, .. } => {
                m.push_log(
                    Some(id),
                    severity::NOTICE,
                    trf("connected, mode {mode}", &[("mode", mode)]),
                );
            }
            FleetEvent::ModeChanged { id, to, .. } => m.push_log(
                Some(id),
                severity::NOTICE,
                trf("mode {mode}", &[("mode", to)]),
            ),
            FleetEvent::Armed { id, .. } => m.push_log(Some(id), severity::WARNING, tr("ARMED")),
            FleetEvent::Disarmed { id, .. } => {
                m.push_log(Some(id), severity::NOTICE, tr("Disarmed"))
            }
            FleetEvent::VehicleLost { id, .. } => {
                m.push_log(Some(id), severity::CRITICAL, tr("link lost"))
            }
            FleetEvent::VehicleRegained { id, .. } => {
                m.push_log(Some(id), severity::NOTICE, tr("link regained"))
            }
            FleetEvent::GpsFixChanged { id, to, .. } => {
                m.push_log(
                    Some(id),
                    if to < 3 {
                        severity::WARNING
                    } else {
                        severity::INFO
                    },
                    format!("GPS: {}", crate::vehicle::gps_fix_name(to)),
                );
            }
            _ => {}
        }
    }
}

/// An action in the UI language, for progress lines and messages.
fn action_label(
    a: &crate::protocol::actions::VehicleAction,
    units: crate::ui::settings::Units,
) -> String {
    use crate::protocol::actions::VehicleAction as A;
    use crate::ui::format;
    match a {
        A::Arm => tr("Arm").to_owned(),
        A::Disarm { force: false } => tr("Disarm").to_owned(),
        A::Disarm { force: true } => tr("Force disarm").to_owned(),
        A::SetMode(m) => trf("Mode {mode}", &[("mode", m.clone())]),
        A::Takeoff { alt_rel_m } => trf(
            "Takeoff to {alt}",
            &[("alt", format::alt(units, f64::from(*alt_rel_m)))],
        ),
        A::Rtl => tr("RTL").to_owned(),
        A::Land => tr("Land").to_owned(),
        A::StartMission => tr("Start mission").to_owned(),
        A::Pause => tr("Pause").to_owned(),
        A::Continue => tr("Continue").to_owned(),
        A::SetCurrentItem(s) => trf("Go to item {n}", &[("n", s.to_string())]),
        A::Goto { .. } => tr("Fly there").to_owned(),
        A::ChangeSpeed { speed_mps } => trf(
            "Speed {speed}",
            &[("speed", format::speed(units, f64::from(*speed_mps)))],
        ),
        A::ChangeAltitude { alt_rel_m } => trf(
            "Altitude {alt}",
            &[("alt", format::alt(units, f64::from(*alt_rel_m)))],
        ),
    }
}

/// Ends an operation that is simply accepted or refused (a command, a signing set-up): its
/// outcome in the panel and a line in the messages.
fn accepted_or_not(
    m: &mut UiModel,
    id: crate::runtime::RequestId,
    result: Result<(), crate::runtime::OpError>,
    ok_severity: u8,
) {
    let Some(op) = m.op_mut(id) else { return };
    let (label, target) = (op.label.clone(), op.target);
    op.outcome = Some(
        result
            .clone()
            .map(|()| tr("accepted").to_owned())
            .map_err(|e| e.to_string()),
    );
    match result {
        Ok(()) => m.push_log(
            Some(target),
            ok_severity,
            format!("{label}: {}", tr("accepted")),
        ),
        Err(e) => m.push_log(Some(target), severity::ERROR, format!("{label}: {e}")),
    }
}
