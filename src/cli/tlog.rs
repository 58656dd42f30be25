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
    /// Mapping layers: flight tracks (one point per GLOBAL_POSITION_INT of each vehicle),
    /// photo positions, OpenDroneMap geotags or photo footprints.
    Export(ExportArgs),
    /// Planned against flown: cross-track error of each vehicle against the mission found in
    /// the log or a plan file.
    Compare(super::tlog_compare::CompareArgs),
    /// Do the photos cover the planned area? Percent covered, gap polygons, a re-fly mission.
    Coverage(super::tlog_coverage::CoverageArgs),
}

/// Arguments of `steppe tlog export`.
#[derive(Debug, Args)]
pub(super) struct ExportArgs {
    /// The .tlog file.
    pub(super) file: PathBuf,
    /// Output format (txt: the OpenDroneMap geo.txt list of the geotags layer).
    #[arg(long, value_enum)]
    pub(super) format: FormatArg,
    /// What to export: the flight track, photo positions (triggers), OpenDroneMap geotags
    /// or photo footprints.
    #[arg(long, value_enum, default_value = "track")]
    pub(super) layer: LayerArg,
    /// Only this vehicle (system id).
    #[arg(long)]
    pub(super) sysid: Option<u8>,
    /// Start this many seconds after the log begins.
    #[arg(long, value_name = "S", value_parser = super::common::seconds)]
    pub(super) from: Option<f64>,
    /// End this many seconds after the log begins.
    #[arg(long, value_name = "S", value_parser = super::common::seconds)]
    pub(super) to: Option<f64>,
    /// At most one point per S seconds per vehicle (track layer; default: every point).
    #[arg(long, value_name = "S", value_parser = super::common::seconds)]
    pub(super) every: Option<f64>,
    /// Camera model of the footprints layer (a name `steppe camera list` prints).
    #[arg(long, value_name = "NAME")]
    pub(super) camera: Option<String>,
    #[command(flatten)]
    pub(super) cameras: super::camera::CameraFileArg,
    /// Footprints: the image's long side lies along the fuselage (default: along the wings).
    #[arg(long)]
    pub(super) portrait: bool,
    /// Footprints: a gimbal keeps the camera level (the vehicle's roll and pitch are ignored).
    #[arg(long)]
    pub(super) gimbal: bool,
    /// Output file.
    #[arg(short = 'o', long = "output")]
    pub(super) output: PathBuf,
}

/// `--format` values.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(super) enum FormatArg {
    Kml,
    Kmz,
    Gpx,
    Geojson,
    Csv,
    /// OpenDroneMap geo.txt (geotags layer).
    Txt,
}

/// `--layer` values.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(super) enum LayerArg {
    /// The flight track.
    Track,
    /// One point per photo.
    Triggers,
    /// OpenDroneMap geo.txt list of the photos.
    Geotags,
    /// Ground footprint polygon per photo (needs --camera).
    Footprints,
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
    if !matches!(a.layer, LayerArg::Track) {
        return super::tlog_photos::export(a, &data);
    }
    if a.camera.is_some() || a.portrait || a.gimbal {
        anyhow::bail!("--camera, --portrait and --gimbal are for --layer footprints");
    }
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
        FormatArg::Txt => anyhow::bail!(
            "the track layer cannot be written as txt (the geo.txt list is --layer geotags); it can be written as: kml, kmz, gpx, geojson, csv"
        ),
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
        TlogCmd::Compare(c) => super::tlog_compare::run(&c),
        TlogCmd::Coverage(c) => super::tlog_coverage::run(&c),
    }
}
