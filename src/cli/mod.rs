//! The command line: `steppe <subcommand>` runs the engine headless for scripts, tests and
//! power users. Parsing lives here; each subcommand is its own file. Errors print what went
//! wrong and exit non-zero (1 = failed, 2 = bad usage).

mod camera;
mod common;
mod demo;
mod geotag;
pub(crate) mod logs;
pub(crate) mod mission;
mod params;
pub(crate) mod plan;
mod plan_survey;
mod proxy;
mod record;
mod replay;
pub(crate) mod signing;
mod sim;
mod tlog;
mod tlog_compare;
mod tlog_coverage;
mod tlog_coverage_input;
mod tlog_photos;
mod vehicle_cmd;
mod watch;

pub use common::FaultArgs;
pub use demo::{demo_fence, demo_mission, demo_rally};
pub use mission::upload_lists;
pub use plan::doc_of;
pub use proxy::{ProxyArgs, proxy_config};
pub use signing::SigningArgs;
pub use sim::{SimArgs, server_config as sim_config};

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Steppe — ground control station for survey UAVs.
#[derive(Debug, Parser)]
#[command(name = "steppe", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Start with two built-in simulated aircraft (no hardware needed).
    #[arg(long)]
    pub demo: bool,
    /// Show the live view in the terminal instead of opening the window.
    #[arg(long)]
    pub terminal: bool,
    /// Session recording of the live view.
    #[command(flatten)]
    pub record: common::RecordArgs,
    /// MAVLink 2 signing for this run, overriding the settings (with `--demo`, the simulated
    /// vehicles get the key too).
    #[command(flatten)]
    pub signing: SigningArgs,
    /// Log verbosity for diagnostics on stderr (error, warn, info, debug, trace).
    #[arg(long, global = true, default_value = "warn")]
    pub log: String,
    /// What to do; without one, the live view opens.
    #[command(subcommand)]
    pub command: Option<Cmd>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Run simulated ArduPilot-like vehicles speaking MAVLink 2 over UDP.
    Sim(sim::SimArgs),
    /// Forward UDP between a ground station and a vehicle through a lossy link (loss,
    /// duplication, reordering, jitter, a radio's baud cap).
    Proxy(proxy::ProxyArgs),
    /// Live terminal view of every vehicle heard on the links.
    Watch(watch::WatchArgs),
    /// Send one command to a vehicle and report its answer.
    Command(vehicle_cmd::CommandArgs),
    /// Upload, download or clear a mission, fence or rally list.
    Mission(mission::MissionArgs),
    /// Plan surveys; statistics, validation and conversion of mission files.
    Plan(plan::PlanArgs),
    /// Survey cameras.
    Camera(camera::CameraArgs),
    /// Download or set parameters.
    Param(params::ParamArgs),
    /// Record every frame on the links to a .tlog file.
    Record(record::RecordArgs),
    /// Inspect telemetry logs.
    Tlog(tlog::TlogArgs),
    /// Stream a recorded flight to another ground station with its original pacing.
    Replay(replay::ReplayArgs),
    /// Match a flight's camera triggers to the photo files: OpenDroneMap geo.txt and EXIF GPS
    /// tags in copies of the photos.
    Geotag(geotag::GeotagArgs),
    /// List, download or erase the autopilot's own logs (DataFlash .bin).
    Logs(logs::LogsArgs),
    /// MAVLink 2 message signing: make a key, give it to a vehicle, or take it away.
    #[command(subcommand)]
    Signing(signing::SigningCmd),
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    // Like other Unix tools, end quietly when the reader of our output goes away
    // (`steppe … | head`) instead of panicking on the broken pipe.
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any other thread exists; restoring the
    // default disposition of SIGPIPE has no other effect on the process.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let filter = tracing_subscriber::EnvFilter::try_new(&cli.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
    let result = match cli.command {
        None => demo::run(cli.demo, cli.terminal, &cli.record, &cli.signing),
        Some(Cmd::Sim(a)) => sim::run(a),
        Some(Cmd::Proxy(a)) => proxy::run(a),
        Some(Cmd::Watch(a)) => watch::run(a),
        Some(Cmd::Command(a)) => vehicle_cmd::run(a),
        Some(Cmd::Mission(a)) => mission::run(a),
        Some(Cmd::Plan(a)) => plan::run(a),
        Some(Cmd::Camera(a)) => camera::run(a),
        Some(Cmd::Param(a)) => params::run(a),
        Some(Cmd::Record(a)) => record::run(a),
        Some(Cmd::Tlog(a)) => tlog::run(a),
        Some(Cmd::Replay(a)) => replay::run(a),
        Some(Cmd::Geotag(a)) => geotag::run(a),
        Some(Cmd::Logs(a)) => logs::run(a),
        Some(Cmd::Signing(c)) => signing::run(c),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}
