//! What the panels draw and what they ask for, without egui: the latest engine snapshot,
//! the operator's selections, the message log, trails and photo points, transfers in
//! progress, and the queue of [`UiCommand`]s panels emit. Panels read and write a
//! [`UiModel`]; the app turns the queued commands into engine requests. Tests drive panels
//! and look at the queue, with no engine behind it.

use super::i18n::{tr, trf};
use super::plan::PlanModel;
use super::settings::Settings;
use super::tracks::Tracks;
use crate::geo::LatLon;
use crate::link::{LinkId, LinkSpec};
use crate::plan::{MissionItem, MissionType};
use crate::protocol::actions::VehicleAction;
use crate::runtime::{MissionOp, RequestId, Snapshot};
use crate::vehicle::{VehicleId, VehicleState};
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

/// Messages kept in the messages panel.
pub const MESSAGE_LOG_LEN: usize = 500;

/// The main views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum View {
    /// Flying: map, status cards, HUD, actions, messages.
    #[default]
    Fly,
    /// Planning: survey and waypoint editing.
    Plan,
    /// Links and their statistics.
    Links,
    /// Parameter editor.
    Params,
    /// The autopilot's onboard logs: list, download, erase.
    Logs,
    /// Settings.
    Settings,
}

/// Something a panel asks the engine to do.
#[derive(Debug, Clone, PartialEq)]
pub enum UiCommand {
    /// An operator action on a vehicle (already confirmed if it needed confirming).
    Action {
        /// Vehicle.
        target: VehicleId,
        /// What to do.
        action: VehicleAction,
    },
    /// A mission, fence or rally transfer.
    Transfer {
        /// Vehicle.
        target: VehicleId,
        /// Upload, download or clear.
        op: MissionOp,
    },
    /// Open a link.
    AddLink(LinkSpec),
    /// Close a link.
    RemoveLink(LinkId),
    /// Download all parameters.
    ParamDownload {
        /// Vehicle.
        target: VehicleId,
    },
    /// A replay control.
    Replay(crate::ui::replay::ReplayCmd),
    /// Open a tlog for replay.
    OpenReplay(std::path::PathBuf),
    /// Set a parameter.
    ParamSet {
        /// Vehicle.
        target: VehicleId,
        /// Name.
        name: String,
        /// Value.
        value: f64,
    },
    /// List the vehicle's onboard logs.
    LogList {
        /// Vehicle.
        target: VehicleId,
    },
    /// Download onboard logs (one after another) into a folder.
    LogDownload {
        /// Vehicle.
        target: VehicleId,
        /// The logs, as listed.
        entries: Vec<crate::protocol::logs::LogEntry>,
        /// The folder (created if missing).
        folder: std::path::PathBuf,
    },
    /// Erase every onboard log (already confirmed).
    LogErase {
        /// Vehicle.
        target: VehicleId,
    },
    /// Cancel the vehicle's log operation and the downloads waiting.
    LogCancel {
        /// Vehicle.
        target: VehicleId,
    },
    /// Sign every link with this configuration (`None`: stop signing).
    SetSigning(Option<crate::protocol::signing::SigningConfig>),
    /// Give a vehicle a signing key, or with `None` turn its signing off (already confirmed).
    SetupSigning {
        /// Vehicle.
        target: VehicleId,
        /// The key, or `None` for off.
        key: Option<crate::protocol::signing::SigningKey>,
    },
}

/// A dangerous action waiting for the operator to confirm it.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    /// The question, e.g. "Arm vehicle 1?".
    pub question: String,
    /// What will happen, in words.
    pub detail: String,
    /// Label of the confirming button, e.g. "Arm".
    pub button: String,
    /// What is sent when confirmed.
    pub commands: Vec<UiCommand>,
}

/// One line of the messages panel.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    /// When, microseconds since the Unix epoch.
    pub t_us: u64,
    /// The vehicle it is about, if any.
    pub vehicle: Option<VehicleId>,
    /// MAV_SEVERITY (0 emergency … 7 debug).
    pub severity: u8,
    /// The text.
    pub text: String,
}

/// MAV_SEVERITY values used by app messages.
pub mod severity {
    /// Critical.
    pub const CRITICAL: u8 = 2;
    /// Error.
    pub const ERROR: u8 = 3;
    /// Warning.
    pub const WARNING: u8 = 4;
    /// Notice.
    pub const NOTICE: u8 = 5;
    /// Info.
    pub const INFO: u8 = 6;
}

/// A transfer or command the app is waiting for.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Engine request id.
    pub id: RequestId,
    /// The vehicle.
    pub target: VehicleId,
    /// What it is, in words ("Upload mission").
    pub label: String,
    /// Items done and in total (0 = unknown).
    pub progress: (usize, usize),
    /// `None` while running; the outcome in words when finished.
    pub outcome: Option<Result<String, String>>,
    /// For transfers: which list (what the vehicle holds afterwards is shown on the map).
    pub list: Option<MissionType>,
}

impl Operation {
    /// A request just sent: no progress, no outcome yet.
    pub fn started(
        id: RequestId,
        target: VehicleId,
        label: String,
        list: Option<MissionType>,
    ) -> Self {
        Self {
            id,
            target,
            label,
            progress: (0, 0),
            outcome: None,
            list,
        }
    }
}

/// Inputs of the action panel that persist between frames.
#[derive(Debug, Clone, PartialEq)]
pub struct FlyInputs {
    /// Takeoff altitude, metres above home.
    pub takeoff_alt_m: f32,
    /// Target altitude for "change altitude" and fly-to, metres above home.
    pub alt_m: f32,
    /// Target speed, m/s.
    pub speed_mps: f32,
    /// A point clicked on the map as a fly-to target.
    pub goto: Option<LatLon>,
}

impl Default for FlyInputs {
    fn default() -> Self {
        Self {
            takeoff_alt_m: 30.0,
            alt_m: 40.0,
            speed_mps: 8.0,
            goto: None,
        }
    }
}

/// Everything the panels share.
#[derive(Debug, Clone, Default)]
pub struct UiModel {
    /// The latest engine snapshot.
    pub snapshot: Arc<Snapshot>,
    /// Now, microseconds since the Unix epoch (the snapshot's time; replay time in replay).
    pub now_us: u64,
    /// The view shown.
    pub view: View,
    /// The vehicle the actions and HUD are for.
    pub selected: Option<VehicleId>,
    /// Messages, oldest first.
    pub log: VecDeque<LogLine>,
    /// A dangerous action waiting for confirmation.
    pub confirm: Option<Confirm>,
    /// Commands panels emitted this frame, for the app to send.
    pub outbox: Vec<UiCommand>,
    /// Transfers and commands in flight and recently finished, oldest first.
    pub ops: Vec<Operation>,
    /// Flown trails and photo positions.
    pub tracks: Tracks,
    /// The lists each vehicle is known to hold (after an upload or download).
    pub onboard: BTreeMap<(VehicleId, MissionTypeKey), Vec<MissionItem>>,
    /// Action panel inputs.
    pub fly: FlyInputs,
    /// Settings (persisted).
    pub settings: Settings,
    /// The plan being edited.
    pub plan: PlanModel,
    /// The Plan view edits plain waypoints, fence and rally points instead of a survey.
    pub plan_waypoints: bool,
    /// The waypoint, fence and rally editor.
    pub waypoints: crate::ui::plan::waypoints::WaypointEditor,
    /// A short note shown in the status bar (e.g. why a command could not be queued).
    pub status_note: Option<String>,
    /// Alerts (link lost, battery, GPS, fence, failsafe, EKF).
    pub alerts: crate::alerts::AlertMonitor,
    /// The recording stopped on a write error (a full disk): shown with the alerts.
    pub recording_alert: Option<crate::ui::recording_alert::RecordingAlert>,
    /// The most severe alert raised since the app last played a tone.
    pub new_alarm: Option<crate::alerts::Severity>,
    /// When the alerts were last evaluated, microseconds since the Unix epoch.
    pub alerts_at_us: u64,
    /// The parameter editor: each vehicle's table, edits and write statuses.
    pub params: crate::ui::params::ParamEditor,
    /// A log being replayed (the vehicles shown are the log's, not the links').
    pub replay: Option<crate::ui::replay::ReplayView>,
    /// The autopilots' onboard logs.
    pub logs: crate::ui::logs::LogsModel,
    /// MAVLink 2 signing: the key in use and the Settings section's inputs.
    pub signing: crate::ui::signing::SigningModel,
}

/// [`MissionType`] as a map key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MissionTypeKey {
    /// Mission.
    Mission,
    /// Fence.
    Fence,
    /// Rally.
    Rally,
}

impl From<MissionType> for MissionTypeKey {
    fn from(t: MissionType) -> Self {
        match t {
            MissionType::Mission => MissionTypeKey::Mission,
            MissionType::Fence => MissionTypeKey::Fence,
            MissionType::Rally => MissionTypeKey::Rally,
        }
    }
}

impl UiModel {
    /// The selected vehicle's state, falling back to the first vehicle.
    pub fn selected_vehicle(&self) -> Option<&VehicleState> {
        let vs = &self.snapshot.vehicles;
        self.selected
            .and_then(|id| vs.iter().find(|v| v.id == id))
            .or_else(|| vs.first())
    }

    /// Replaces the snapshot, keeps a valid selection, and extends the trails.
    pub fn set_snapshot(&mut self, snap: Arc<Snapshot>) {
        self.now_us = self.now_us.max(snap.t_us);
        let known = |id: VehicleId| snap.vehicles.iter().any(|v| v.id == id);
        if !self.selected.is_some_and(known) {
            self.selected = snap.vehicles.first().map(|v| v.id);
        }
        for v in &snap.vehicles {
            self.tracks.observe(v);
        }
        self.update_alerts(&snap.vehicles);
        self.snapshot = snap;
    }

    /// Advances the clock without a new snapshot (a silent link publishes none): stale
    /// markers age, and the alerts are evaluated again at least every half second, so a
    /// vehicle that went quiet raises "link lost" on time.
    pub fn tick(&mut self, now_us: u64) {
        if now_us <= self.now_us {
            return;
        }
        self.now_us = now_us;
        if now_us.saturating_sub(self.alerts_at_us) >= 500_000 {
            let snap = Arc::clone(&self.snapshot);
            self.update_alerts(&snap.vehicles);
        }
    }

    /// Feeds the alert monitor (thresholds from the settings); raised alerts go to the
    /// messages panel and mark a tone to play.
    fn update_alerts(&mut self, vehicles: &[VehicleState]) {
        let mut cfg = self.alerts.config().clone();
        cfg.low_battery_pct = self.settings.battery_warn_pct;
        cfg.critical_battery_pct = self.settings.battery_critical_pct;
        if &cfg != self.alerts.config() {
            // An invalid pair (a hand-edited file) keeps the previous thresholds.
            let _ = self.alerts.set_config(cfg);
        }
        self.alerts_at_us = self.now_us;
        for change in self.alerts.update(vehicles, self.now_us) {
            if let crate::alerts::AlertChange::Raised(a) = change {
                let sev = match a.severity {
                    crate::alerts::Severity::Critical => severity::CRITICAL,
                    crate::alerts::Severity::Warning => severity::WARNING,
                };
                self.push_log(Some(a.vehicle), sev, a.text.clone());
                self.new_alarm = self.new_alarm.max(Some(a.severity));
            }
        }
    }

    /// The most severe alert not yet acknowledged (vehicle alerts and a stopped recording):
    /// its tone repeats until it is.
    pub fn alarm(&self) -> Option<crate::alerts::Severity> {
        let recording = self
            .recording_alert
            .as_ref()
            .filter(|r| !r.acknowledged)
            .map(|_| crate::alerts::Severity::Warning);
        self.alerts.alarm().max(recording)
    }

    /// Adds a line to the messages panel.
    pub fn push_log(&mut self, vehicle: Option<VehicleId>, severity: u8, text: impl Into<String>) {
        if self.log.len() >= MESSAGE_LOG_LEN {
            self.log.pop_front();
        }
        self.log.push_back(LogLine {
            t_us: self.now_us,
            vehicle,
            severity,
            text: text.into(),
        });
    }

    /// Queues a command that needs no confirmation.
    pub fn send(&mut self, cmd: UiCommand) {
        self.outbox.push(cmd);
    }

    /// Asks for confirmation before queuing `commands`.
    pub fn ask(
        &mut self,
        question: String,
        detail: String,
        button: String,
        commands: Vec<UiCommand>,
    ) {
        self.confirm = Some(Confirm {
            question,
            detail,
            button,
            commands,
        });
    }

    /// Uploads lists to `target`: at once while it is disarmed; an armed (possibly flying)
    /// vehicle gets a confirmation first, because a new mission or fence changes what it does
    /// (a fence that excludes where it is triggers its breach action).
    pub fn upload(&mut self, target: VehicleId, lists: Vec<(MissionType, Vec<MissionItem>)>) {
        let cmds: Vec<UiCommand> = lists
            .into_iter()
            .map(|(t, items)| UiCommand::Transfer {
                target,
                op: MissionOp::Upload(t, items),
            })
            .collect();
        let armed = self
            .snapshot
            .vehicles
            .iter()
            .any(|v| v.id == target && v.armed);
        if armed {
            self.ask(
                trf(
                    "Vehicle {id} is armed. Upload anyway?",
                    &[("id", vehicle_label(target))],
                ),
                tr("The new lists replace what the vehicle flies now.").to_owned(),
                tr("Upload").to_owned(),
                cmds,
            );
        } else {
            self.outbox.extend(cmds);
        }
    }

    /// The operator confirmed: queue the waiting commands.
    pub fn confirm_pending(&mut self) {
        if let Some(c) = self.confirm.take() {
            self.outbox.extend(c.commands);
        }
    }

    /// The operator cancelled.
    pub fn cancel_pending(&mut self) {
        if self.confirm.take().is_some() {
            self.status_note = Some(tr("Cancelled").to_owned());
        }
    }

    /// The list a vehicle is known to hold.
    pub fn onboard(&self, id: VehicleId, t: MissionType) -> Option<&[MissionItem]> {
        self.onboard.get(&(id, t.into())).map(Vec::as_slice)
    }

    /// The operation with this id.
    pub fn op_mut(&mut self, id: RequestId) -> Option<&mut Operation> {
        self.ops.iter_mut().find(|o| o.id == id)
    }

    /// Whether a transfer for this vehicle is still running.
    pub fn transfer_running(&self, target: VehicleId) -> bool {
        self.ops
            .iter()
            .any(|o| o.target == target && o.outcome.is_none())
    }
}

/// A list's name in the UI language ("mission", "fence", "rally").
pub fn list_name(t: MissionType) -> &'static str {
    match t {
        MissionType::Mission => tr("mission"),
        MissionType::Fence => tr("fence"),
        MissionType::Rally => tr("rally"),
    }
}

/// Short name of a vehicle for labels: "1" for sysid 1 with the usual compid 1, else "1/2".
pub fn vehicle_label(id: VehicleId) -> String {
    if id.compid == 1 {
        id.sysid.to_string()
    } else {
        id.to_string()
    }
}
