//! The backend: one thread running one tokio runtime that owns the links, the protocol
//! machines, the vehicle model and the recorder.
//!
//! ```text
//!   GUI / CLI ──Request (bounded, try_send)──▶ engine ◀──frames── link tasks (UDP, TCP, serial)
//!            ◀──Event (bounded)────────────── engine ──frames──▶ link tasks
//!            ◀──Snapshot (watch, latest)──── engine ──records──▶ recorder thread (.tlog)
//! ```
//! The caller never blocks: requests are `try_send` (a full queue is an error it can show),
//! telemetry is a latest-value snapshot published at most every 50 ms, and discrete things
//! (progress, results, link changes, vehicle events) come as events. A repaint callback lets
//! a GUI sleep until something changed.

mod engine;
pub mod keys;
mod log_ops;
mod ops;

pub use ops::OpError;

use crate::link::{LinkId, LinkSpec, LinkState, LinkStats};
use crate::log::recorder::RecorderStatus;
use crate::plan::{MissionItem, MissionType};
use crate::protocol::actions::VehicleAction;
use crate::protocol::command::Command;
use crate::protocol::logs::{DownloadStats, LogEntry};
use crate::protocol::mission::Address;
use crate::protocol::params::{Param, ParamTable};
use crate::vehicle::{FleetEvent, VehicleId, VehicleState};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// Identifies a request so its progress and result can be matched.
pub type RequestId = u64;

/// What the backend starts with.
#[derive(Clone)]
pub struct BackendConfig {
    /// Links to open at start.
    pub links: Vec<LinkSpec>,
    /// Our MAVLink address (ground stations use 255/190).
    pub gcs: Address,
    /// Record every frame to this tlog.
    pub tlog: Option<PathBuf>,
    /// Send a heartbeat at 1 Hz.
    pub heartbeat: bool,
    /// Ask each new vehicle for telemetry streams.
    pub request_streams: bool,
    /// MAVLink 2 signing on every link (`None`: frames go out unsigned, signatures unchecked).
    pub signing: Option<crate::protocol::signing::SigningConfig>,
    /// Called (from the backend thread) when a new snapshot or event is ready.
    pub repaint: Option<Arc<dyn Fn() + Send + Sync>>,
}

impl Default for BackendConfig {
    fn default() -> Self {
        Self {
            links: Vec::new(),
            gcs: Address::new(255, 190),
            tlog: None,
            heartbeat: true,
            request_streams: true,
            signing: None,
            repaint: None,
        }
    }
}

impl std::fmt::Debug for BackendConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BackendConfig")
            .field("links", &self.links)
            .field("gcs", &self.gcs)
            .field("tlog", &self.tlog)
            .finish_non_exhaustive()
    }
}

/// The three mission operations.
#[derive(Debug, Clone, PartialEq)]
pub enum MissionOp {
    /// Replace the vehicle's list. For missions, item 0 is home (ArduPilot convention); for
    /// PX4 the backend leaves it out.
    Upload(MissionType, Vec<MissionItem>),
    /// Read the vehicle's list (missions start with a home item, for PX4 too).
    Download(MissionType),
    /// Empty the vehicle's list.
    Clear(MissionType),
}

/// A request to the backend.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// Open a link.
    AddLink(LinkSpec),
    /// Close a link.
    RemoveLink(LinkId),
    /// An operator action on a vehicle.
    Action {
        /// Request id.
        id: RequestId,
        /// Vehicle.
        target: VehicleId,
        /// What to do.
        action: VehicleAction,
    },
    /// A raw command.
    Command {
        /// Request id.
        id: RequestId,
        /// Vehicle.
        target: VehicleId,
        /// The command.
        command: Command,
    },
    /// Mission, fence or rally transfer.
    Mission {
        /// Request id.
        id: RequestId,
        /// Vehicle.
        target: VehicleId,
        /// What to do.
        op: MissionOp,
    },
    /// Download all parameters.
    ParamDownload {
        /// Request id.
        id: RequestId,
        /// Vehicle.
        target: VehicleId,
    },
    /// Set one parameter (with read-back).
    ParamSet {
        /// Request id.
        id: RequestId,
        /// Vehicle.
        target: VehicleId,
        /// Name.
        name: String,
        /// Value.
        value: f64,
    },
    /// List the vehicle's onboard (DataFlash) logs; answered by [`Event::LogsListed`].
    LogList {
        /// Request id.
        id: RequestId,
        /// Vehicle.
        target: VehicleId,
    },
    /// Download one onboard log (an entry of the listing) into `path`, with
    /// [`Event::Progress`] in bytes; answered by [`Event::LogDownloaded`]. The file appears
    /// only when the whole log arrived and was verified (written to `PATH.part`, then renamed).
    LogDownload {
        /// Request id.
        id: RequestId,
        /// Vehicle.
        target: VehicleId,
        /// The log, as listed (its size bounds the download).
        entry: LogEntry,
        /// Where to write it.
        path: PathBuf,
    },
    /// Erase every onboard log (LOG_ERASE, confirmed by listing none); answered by
    /// [`Event::LogsErased`].
    LogErase {
        /// Request id.
        id: RequestId,
        /// Vehicle.
        target: VehicleId,
    },
    /// Cancel a log listing, download or erase by its request id (the vehicle is told to stop
    /// streaming); it ends with a `Cancelled` error.
    LogCancel {
        /// The request to cancel.
        id: RequestId,
    },
    /// Change the signing of every link (`None`: stop signing and checking).
    SetSigning(Option<crate::protocol::signing::SigningConfig>),
    /// Send SETUP_SIGNING to a vehicle over the link it is heard on (signed with the current
    /// key, if any): `Some(key)` gives it a key, `None` turns its signing off. Confirmed when
    /// the vehicle's frames arrive signed with that key (or unsigned for `None`); answered by
    /// [`Event::SigningSetupDone`]. Use only over a link you trust: the key travels in clear.
    SetupSigning {
        /// Request id.
        id: RequestId,
        /// Vehicle.
        target: VehicleId,
        /// The key to give it, or `None` to turn signing off.
        key: Option<crate::protocol::signing::SigningKey>,
    },
    /// Start recording to a file (closing any current recording).
    StartRecording(PathBuf),
    /// Stop recording.
    StopRecording,
    /// Close everything (the recorder is flushed) and end the backend thread.
    Shutdown,
}

/// Something that happened in the backend.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A link was added or changed state.
    Link {
        /// The link.
        link: LinkId,
        /// Its connection string.
        spec: LinkSpec,
        /// New state.
        state: LinkState,
    },
    /// Something happened to a vehicle.
    Fleet(FleetEvent),
    /// A long operation advanced.
    Progress {
        /// Request id.
        id: RequestId,
        /// Items done (bytes for an onboard-log download).
        done: usize,
        /// Items in total (0 = not known yet; the log's size for a download).
        total: usize,
        /// True while an upload is confirmed by reading it back.
        verifying: bool,
    },
    /// An action or command finished.
    CommandDone {
        /// Request id.
        id: RequestId,
        /// The outcome.
        result: Result<(), OpError>,
    },
    /// A mission transfer finished: the items uploaded, downloaded, or none after a clear.
    MissionDone {
        /// Request id.
        id: RequestId,
        /// The outcome.
        result: Result<Vec<MissionItem>, OpError>,
    },
    /// A parameter download finished.
    ParamsDone {
        /// Request id.
        id: RequestId,
        /// The outcome.
        result: Result<ParamTable, OpError>,
    },
    /// A parameter set finished.
    ParamSetDone {
        /// Request id.
        id: RequestId,
        /// The parameter as read back.
        result: Result<Param, OpError>,
    },
    /// An onboard-log listing finished: entries sorted by id.
    LogsListed {
        /// Request id.
        id: RequestId,
        /// The outcome.
        result: Result<Vec<LogEntry>, OpError>,
    },
    /// An onboard-log download finished (the file is complete when `Ok`).
    LogDownloaded {
        /// Request id.
        id: RequestId,
        /// The outcome.
        result: Result<LogSaved, OpError>,
    },
    /// Erasing the onboard logs finished.
    LogsErased {
        /// Request id.
        id: RequestId,
        /// The outcome.
        result: Result<(), OpError>,
    },
    /// A SETUP_SIGNING exchange finished.
    SigningSetupDone {
        /// Request id.
        id: RequestId,
        /// The outcome.
        result: Result<(), OpError>,
    },
    /// The recorder started, stopped or failed.
    Recorder(RecorderStatus),
    /// Something the operator must know that is not an operation's result (e.g. one system
    /// id heard on two links: two aircraft sharing a SYSID_THISMAV, or one on two radios).
    Warning(String),
}

/// A downloaded onboard log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSaved {
    /// The log's id on the vehicle.
    pub log_id: u16,
    /// The file written.
    pub path: PathBuf,
    /// Its size.
    pub size_bytes: u64,
    /// From the first request to the last byte (µs).
    pub duration_us: u64,
    /// Requests, re-requests, timeouts and chunks of the transfer.
    pub stats: DownloadStats,
}

/// One link in a snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkStatus {
    /// Id.
    pub id: LinkId,
    /// Connection string.
    pub spec: LinkSpec,
    /// State.
    pub state: LinkState,
    /// Counters.
    pub stats: LinkStats,
}

/// The latest state of everything, for drawing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    /// When it was made (µs since the Unix epoch).
    pub t_us: u64,
    /// Vehicles, sorted by id.
    pub vehicles: Vec<VehicleState>,
    /// Links, sorted by id.
    pub links: Vec<LinkStatus>,
    /// The recording, if any.
    pub recorder: Option<RecorderStatus>,
    /// Events dropped because the caller did not read them.
    pub dropped_events: u64,
    /// How full the engine's queues were when the snapshot was made.
    pub queues: QueueDepths,
}

/// How full the engine's queues are: a gauge for diagnostics and soak tests (each stays near
/// zero while the engine keeps up).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueDepths {
    /// Frame batches and state changes from the links waiting for the engine.
    pub link_events: usize,
    /// Requests waiting for the engine.
    pub requests: usize,
    /// Events waiting for the caller.
    pub events: usize,
    /// Results held back because the caller's event queue was full.
    pub held_results: usize,
    /// Records waiting for the recorder's writer thread.
    pub recorder: usize,
}

/// Why a request could not be queued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The queue is full: the backend is overloaded or stuck.
    #[error("the backend is busy (request queue full); try again")]
    Full,
    /// The backend has stopped.
    #[error("the backend has stopped")]
    Closed,
}

/// Requests waiting for the engine.
const REQUEST_QUEUE: usize = 256;
/// Events waiting for the caller.
const EVENT_QUEUE: usize = 4_096;

/// The caller's side of the backend.
pub struct BackendHandle {
    requests: mpsc::Sender<Request>,
    events: mpsc::Receiver<Event>,
    snapshot: watch::Receiver<Arc<Snapshot>>,
    next_id: AtomicU64,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for BackendHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BackendHandle").finish_non_exhaustive()
    }
}

/// Errors starting the backend.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The runtime or thread could not be created.
    #[error("cannot start the backend: {0}")]
    Io(#[from] std::io::Error),
}

/// Starts the backend thread.
pub fn start(config: BackendConfig) -> Result<BackendHandle, StartError> {
    let (req_tx, req_rx) = mpsc::channel(REQUEST_QUEUE);
    let (ev_tx, ev_rx) = mpsc::channel(EVENT_QUEUE);
    let (snap_tx, snap_rx) = watch::channel(Arc::new(Snapshot::default()));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let thread = std::thread::Builder::new()
        .name("steppe-backend".into())
        .spawn(move || {
            rt.block_on(engine::Engine::new(config, req_rx, ev_tx, snap_tx).run());
        })?;
    Ok(BackendHandle {
        requests: req_tx,
        events: ev_rx,
        snapshot: snap_rx,
        next_id: AtomicU64::new(1),
        thread: Some(thread),
    })
}

impl BackendHandle {
    /// A fresh request id.
    pub fn next_id(&self) -> RequestId {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Queues a request without blocking.
    pub fn send(&self, r: Request) -> Result<(), SendError> {
        self.requests.try_send(r).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => SendError::Full,
            mpsc::error::TrySendError::Closed(_) => SendError::Closed,
        })
    }

    /// The next event, if one is waiting.
    pub fn try_event(&mut self) -> Option<Event> {
        self.events.try_recv().ok()
    }

    /// Waits up to `timeout` for the next event (for the CLI; a GUI uses `try_event`).
    pub fn wait_event(&mut self, timeout: Duration) -> Option<Event> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            match self.events.try_recv() {
                Ok(e) => return Some(e),
                Err(mpsc::error::TryRecvError::Disconnected) => return None,
                Err(mpsc::error::TryRecvError::Empty) => {}
            }
            let now = std::time::Instant::now();
            if now >= deadline {
                return None;
            }
            std::thread::sleep((deadline - now).min(Duration::from_millis(5)));
        }
    }

    /// The latest snapshot.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        Arc::clone(&self.snapshot.borrow())
    }

    /// Stops the backend, flushing and closing the recording, and waits for it. The final
    /// events (results of unfinished operations, the recorder's last status) stay readable
    /// with [`BackendHandle::try_event`].
    pub fn shutdown(&mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let _ = self.requests.try_send(Request::Shutdown);
        // Also close our end, so the engine stops even if the queue was full.
        let (closed, _) = mpsc::channel(1);
        drop(std::mem::replace(&mut self.requests, closed));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for BackendHandle {
    fn drop(&mut self) {
        self.stop();
    }
}
