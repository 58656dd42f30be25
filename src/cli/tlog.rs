//! `steppe tlog info FILE`: what is in a telemetry log, and how damaged it is; `steppe tlog
//! events FILE`: what happened in it.

use crate::log::info::summarize;
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `steppe tlog`.
#[derive(Debug, Args)]
pub struct TlogArgs {
    #[command(subcommand)]
    op: TlogCmd,
}

#[derive(Debug, Subcommand)]
enum TlogCmd {
    /// Duration, vehicles, message counts, armed time, distance flown, bad bytes skipped.
    Info {
        /// The .tlog file.
        file: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Flight events in time order (arming, takeoff/landing, modes, mission items, failsafes,
    /// errors, photos, link gaps) and the flights, with times from the start of the log.
    Events {
        /// The .tlog file.
        file: PathBuf,
        /// Only this vehicle (system id).
        #[arg(long)]
        sysid: Option<u8>,
        /// Report a link gap after this many seconds without a record from a vehicle.
        #[arg(long, value_name = "S", default_value = "5", value_parser = super::common::seconds)]
        gap: f64,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Flight tracks for mapping tools: KML/KMZ, GPX 1.1, GeoJSON or CSV, one point per
    /// GLOBAL_POSITION_INT of each vehicle.
    Export(ExportArgs),
}

/// Arguments of `steppe tlog export`.
#[derive(Debug, Args)]
struct ExportArgs {
    /// The .tlog file.
    file: PathBuf,
    /// Output format.
    #[arg(long, value_enum)]
    format: FormatArg,
    /// What to export (the flight track).
    #[arg(long, value_enum, default_value = "track")]
    layer: LayerArg,
    /// Only this vehicle (system id).
    #[arg(long)]
    sysid: Option<u8>,
    /// Start this many seconds after the log begins.
    #[arg(long, value_name = "S", value_parser = super::common::seconds)]
    from: Option<f64>,
    /// End this many seconds after the log begins.
    #[arg(long, value_name = "S", value_parser = super::common::seconds)]
    to: Option<f64>,
    /// At most one point per S seconds per vehicle (default: every point).
    #[arg(long, value_name = "S", value_parser = super::common::seconds)]
    every: Option<f64>,
    /// Output file.
    #[arg(short = 'o', long = "output")]
    output: PathBuf,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Kml,
    Kmz,
    Gpx,
    Geojson,
    Csv,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum LayerArg {
    Track,
}

fn export(a: &ExportArgs) -> Result<ExitCode> {
    use crate::log::export::{TrackFormat, export};
    use crate::log::track::{TrackFilter, tracks};
    let data =
        std::fs::read(&a.file).with_context(|| format!("cannot read {}", a.file.display()))?;
    if let (Some(f), Some(t)) = (a.from, a.to)
        && f > t
    {
        anyhow::bail!("--from {f} is after --to {t}");
    }
    let LayerArg::Track = a.layer;
    let filter = TrackFilter {
        sysid: a.sysid,
        from_s: a.from,
        to_s: a.to,
        every_s: a.every,
    };
    let ts = tracks(&data, &filter);
    let format = match a.format {
        FormatArg::Kml => TrackFormat::Kml,
        FormatArg::Kmz => TrackFormat::Kmz,
        FormatArg::Gpx => TrackFormat::Gpx,
        FormatArg::Geojson => TrackFormat::GeoJson,
        FormatArg::Csv => TrackFormat::Csv,
    };
    let bytes = export(&ts, format).with_context(|| format!("{}", a.file.display()))?;
    super::mission::write_atomically_bytes(&a.output, &bytes)?;
    for t in &ts {
        println!("vehicle {}: {} points", t.id, t.points.len());
    }
    println!("wrote {}", a.output.display());
    Ok(ExitCode::SUCCESS)
}

/// Runs `steppe tlog`.
pub fn run(a: TlogArgs) -> Result<ExitCode> {
    match a.op {
        TlogCmd::Info { file, json } => {
            let data =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let info = summarize(&data);
            if json {
                println!("{}", info.to_json());
            } else {
                println!("{}", file.display());
                print!("{info}");
            }
            Ok(ExitCode::SUCCESS)
        }
        TlogCmd::Events {
            file,
            sysid,
            gap,
            json,
        } => {
            use crate::log::events::{EventOptions, flight_log, flight_log_json};
            let data =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let opts = EventOptions {
                sysid,
                link_gap_us: (gap * 1e6) as u64,
            };
            let log = flight_log(&data, &opts);
            if json {
                println!("{}", flight_log_json(&log));
            } else {
                println!("{}", file.display());
                print!("{log}");
            }
            Ok(ExitCode::SUCCESS)
        }
        TlogCmd::Export(e) => export(&e),
    }
}
