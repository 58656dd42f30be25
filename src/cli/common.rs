//! What the headless subcommands share: link arguments, starting the backend, finding the
//! vehicle to talk to, waiting for a request's result, and a progress bar on stderr.

use crate::link::{LinkSpec, LinkState};
use crate::runtime::{self, BackendConfig, BackendHandle, Event, Request, RequestId};
use crate::vehicle::VehicleId;
use anyhow::{Context, Result, bail};
use clap::Args;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Parses a number of seconds: finite, from 0 to a year.
pub fn seconds(s: &str) -> Result<f64, String> {
    ranged(s, 0.0, 31_536_000.0, "seconds")
}

/// Parses a percentage from 0 to 100.
pub fn percent(s: &str) -> Result<f64, String> {
    ranged(s, 0.0, 100.0, "a percentage")
}

/// Parses a finite number within `lo..=hi`.
pub fn ranged(s: &str, lo: f64, hi: f64, what: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && (lo..=hi).contains(&v) => Ok(v),
        _ => Err(format!("'{s}' is not {what} from {lo} to {hi}")),
    }
}

/// A bad link's faults, the same in both directions (`steppe sim`, `steppe proxy`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Args)]
pub struct FaultArgs {
    /// Datagrams lost in each direction (percent).
    #[arg(long, default_value_t = 0.0, value_name = "PCT", value_parser = percent)]
    pub loss: f64,
    /// Datagrams delivered twice (percent).
    #[arg(long, default_value_t = 0.0, value_name = "PCT", value_parser = percent)]
    pub dup: f64,
    /// Datagrams held back 50–250 ms so later ones overtake them (percent).
    #[arg(long, default_value_t = 0.0, value_name = "PCT", value_parser = percent)]
    pub reorder: f64,
    /// Random extra delay of 0 to this many milliseconds on every datagram.
    #[arg(long, default_value_t = 0.0, value_name = "MS", value_parser = |s: &str| ranged(s, 0.0, 60_000.0, "milliseconds"))]
    pub jitter: f64,
    /// Bandwidth cap like a radio, in baud (10 bits per byte; 4 KiB buffer), e.g. 57600.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(300..=12_000_000))]
    pub baud: Option<u32>,
}

impl FaultArgs {
    /// The simulator's fault settings for these arguments.
    pub fn faults(&self) -> crate::sim::faults::Faults {
        crate::sim::faults::Faults {
            loss_pct: self.loss,
            duplicate_pct: self.dup,
            reorder_pct: self.reorder,
            jitter_ms: self.jitter,
            baud: self.baud,
        }
    }
}

/// Links and vehicle selection.
#[derive(Debug, Clone, Args)]
pub struct LinkArgs {
    /// Connection: udpin:ADDR:PORT, udpout:HOST:PORT, tcpout:HOST:PORT or serial:PATH:BAUD
    /// (repeat for several links).
    #[arg(long = "link", value_name = "URL", required = true)]
    pub links: Vec<LinkSpec>,
    /// System id of the vehicle (needed when several are heard).
    #[arg(long)]
    pub sysid: Option<u8>,
    /// Seconds to wait for the vehicle's heartbeat.
    #[arg(long, default_value_t = 10.0, value_name = "S", value_parser = seconds)]
    pub timeout: f64,
    /// MAVLink 2 signing.
    #[command(flatten)]
    pub signing: super::signing::SigningArgs,
}

impl LinkArgs {
    /// Starts the backend on these links with their signing, without recording.
    pub fn connect(&self) -> Result<BackendHandle> {
        connect(&self.links, None, self.signing.config()?)
    }
}

/// Where a live session records (`--tlog-dir`, `--no-record`).
#[derive(Debug, Clone, Default, Args)]
pub struct RecordArgs {
    /// Folder for session tlogs (default: $STEPPE_TLOG_DIR, else the user's data folder,
    /// ~/.local/share/steppe/tlogs).
    #[arg(long, value_name = "DIR")]
    pub tlog_dir: Option<PathBuf>,
    /// Do not record this session.
    #[arg(long)]
    pub no_record: bool,
}

impl RecordArgs {
    /// The new session file, or `None` when recording is off.
    pub fn session_file(&self) -> Result<Option<PathBuf>> {
        if self.no_record {
            return Ok(None);
        }
        let dir = match (
            &self.tlog_dir,
            std::env::var_os("STEPPE_TLOG_DIR").filter(|v| !v.is_empty()),
        ) {
            (Some(d), _) => d.clone(),
            (None, Some(d)) => PathBuf::from(d),
            (None, None) => crate::log::recorder::default_tlog_dir()?,
        };
        Ok(Some(crate::log::recorder::session_path(
            &dir,
            chrono::Local::now(),
        )))
    }
}

/// Starts the backend on `links`, optionally recording and signing.
pub fn connect(
    links: &[LinkSpec],
    tlog: Option<PathBuf>,
    signing: Option<crate::protocol::signing::SigningConfig>,
) -> Result<BackendHandle> {
    let cfg = BackendConfig {
        links: links.to_vec(),
        tlog,
        signing,
        ..BackendConfig::default()
    };
    runtime::start(cfg).context("starting the engine")
}

fn links_text(h: &BackendHandle) -> String {
    let snap = h.snapshot();
    let parts: Vec<String> = snap
        .links
        .iter()
        .map(|l| match &l.state {
            LinkState::Down { reason, .. } => format!("{} (down: {reason})", l.spec),
            LinkState::Up { detail, .. } => format!("{} ({detail})", l.spec),
            other => format!("{} ({other:?})", l.spec),
        })
        .collect();
    parts.join(", ")
}

/// Waits for the vehicle to talk to: the one with `sysid`, or the only one heard.
pub fn find_vehicle(h: &mut BackendHandle, sysid: Option<u8>, timeout_s: f64) -> Result<VehicleId> {
    let timeout = Duration::from_secs_f64(timeout_s.max(0.1));
    let start = Instant::now();
    let mut first_seen: Option<Instant> = None;
    loop {
        while let Some(ev) = h.try_event() {
            if let Event::Warning(w) = ev {
                eprintln!("warning: {w}");
            }
        }
        let snap = h.snapshot();
        let ids: Vec<VehicleId> = snap.vehicles.iter().map(|v| v.id).collect();
        if let Some(s) = sysid {
            if let Some(id) = ids.iter().find(|i| i.sysid == s) {
                return Ok(*id);
            }
        } else if !ids.is_empty() {
            // Heartbeats come at 1 Hz: give other vehicles a moment to show up.
            let seen = *first_seen.get_or_insert_with(Instant::now);
            if seen.elapsed() >= Duration::from_millis(1_300) {
                if let [only] = ids.as_slice() {
                    return Ok(*only);
                }
                let list: Vec<String> = ids.iter().map(ToString::to_string).collect();
                bail!(
                    "{} vehicles are talking ({}): choose one with --sysid",
                    ids.len(),
                    list.join(", ")
                );
            }
        }
        if start.elapsed() >= timeout {
            let which = sysid.map_or("no vehicle".to_owned(), |s| {
                format!("vehicle with sysid {s}")
            });
            let heard: Vec<String> = ids.iter().map(ToString::to_string).collect();
            let heard = if heard.is_empty() {
                String::new()
            } else {
                format!("; heard only {}", heard.join(", "))
            };
            bail!(
                "{which} heard within {timeout_s} s (waiting for a HEARTBEAT) on {}{heard}",
                links_text(h)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits up to `max` for the vehicle's AUTOPILOT_VERSION (the engine asks for it when the
/// vehicle appears), so that an upload right after connecting knows whether the vehicle
/// takes exact `MISSION_ITEM_INT` items. Returns whether the capabilities arrived.
pub fn wait_for_capabilities(h: &mut BackendHandle, target: VehicleId, max: Duration) -> bool {
    let start = Instant::now();
    loop {
        let known = h
            .snapshot()
            .vehicles
            .iter()
            .any(|v| v.id == target && v.mission_int_support().is_some());
        if known || start.elapsed() >= max {
            return known;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A progress bar on stderr: redrawn in place on a terminal, a line per 10 % otherwise.
pub struct Progress {
    label: String,
    tty: bool,
    last_decile: Option<usize>,
}

impl Progress {
    /// A bar with a label such as "upload mission".
    pub fn new(label: &str) -> Self {
        Self {
            label: label.to_owned(),
            tty: std::io::stderr().is_terminal(),
            last_decile: None,
        }
    }

    /// Shows `done` of `total`.
    pub fn show(&mut self, done: usize, total: usize, note: &str) {
        let mut err = std::io::stderr();
        if total == 0 {
            return;
        }
        let frac = (done as f64 / total as f64).clamp(0.0, 1.0);
        if self.tty {
            let width = 30;
            let filled = (frac * width as f64).round() as usize;
            let _ = write!(
                err,
                "\r{} [{}{}] {done}/{total} {note}   ",
                self.label,
                "#".repeat(filled),
                ".".repeat(width - filled)
            );
            let _ = err.flush();
        } else {
            let decile = (frac * 10.0).floor() as usize;
            if self.last_decile != Some(decile) {
                self.last_decile = Some(decile);
                let _ = writeln!(err, "{}: {done}/{total} {note}", self.label);
            }
        }
    }

    /// Ends the bar's line.
    pub fn finish(&self) {
        if self.tty {
            eprintln!();
        }
    }
}

/// Sends a request and waits for its result event, feeding progress to `progress`.
pub fn request_and_wait(
    h: &mut BackendHandle,
    req: Request,
    id: RequestId,
    mut progress: Option<&mut Progress>,
) -> Result<Event> {
    h.send(req)?;
    // The protocol machines bound every operation; this is only a last resort.
    let limit = Instant::now() + Duration::from_secs(3_600);
    while Instant::now() < limit {
        let Some(ev) = h.wait_event(Duration::from_millis(200)) else {
            continue;
        };
        match ev {
            Event::Progress {
                id: pid,
                done,
                total,
                verifying,
            } if pid == id => {
                if let Some(p) = progress.as_deref_mut() {
                    p.show(
                        done,
                        total,
                        if verifying {
                            "(final ACK lost: reading back to confirm)"
                        } else {
                            ""
                        },
                    );
                }
            }
            Event::CommandDone { id: rid, .. }
            | Event::MissionDone { id: rid, .. }
            | Event::ParamsDone { id: rid, .. }
            | Event::ParamSetDone { id: rid, .. }
                if rid == id =>
            {
                if let Some(p) = progress.as_deref() {
                    p.finish();
                }
                return Ok(ev);
            }
            Event::Warning(w) => eprintln!("warning: {w}"),
            _ => {}
        }
    }
    bail!("no result within an hour (this is a bug: every operation has a bounded retry budget)")
}
