//! `steppe camera list`: the built-in survey cameras plus the user's own (from the camera
//! file), with what they resolve at a reference altitude.

use crate::plan::camera::{Camera, all_cameras, parse_user_cameras};
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Environment variable naming the user camera file.
pub const CAMERAS_ENV: &str = "STEPPE_CAMERAS";

/// Arguments of `steppe camera`.
#[derive(Debug, Args)]
pub struct CameraArgs {
    #[command(subcommand)]
    op: CameraCmd,
}

#[derive(Debug, Subcommand)]
enum CameraCmd {
    /// List the cameras: built-in ones and those of the user camera file.
    List {
        #[command(flatten)]
        file: CameraFileArg,
        /// Show where each camera's numbers come from.
        #[arg(long)]
        sources: bool,
        /// Altitude for the GSD and footprint columns (m).
        #[arg(long, default_value = "100", value_parser = |s: &str| super::common::ranged(s, 1.0, 10_000.0, "an altitude in metres"))]
        alt: f64,
    },
}

/// The user camera file option.
#[derive(Debug, Clone, Args)]
pub struct CameraFileArg {
    /// User camera file (JSON; default: $STEPPE_CAMERAS, else ~/.config/steppe/cameras.json
    /// when it exists).
    #[arg(long = "cameras", value_name = "FILE")]
    pub cameras: Option<PathBuf>,
}

impl CameraFileArg {
    /// The file to read, if any: the option, the environment, or the default when it exists.
    pub fn path(&self) -> Option<PathBuf> {
        if let Some(p) = &self.cameras {
            return Some(p.clone());
        }
        if let Some(p) = std::env::var_os(CAMERAS_ENV).filter(|v| !v.is_empty()) {
            return Some(PathBuf::from(p));
        }
        let config = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".config")))?;
        let p = config.join("steppe").join("cameras.json");
        p.is_file().then_some(p)
    }

    /// Built-in cameras plus the user's (which replace built-ins of the same name).
    pub fn load(&self) -> Result<Vec<Camera>> {
        let user = match self.path() {
            Some(p) => {
                let text = std::fs::read_to_string(&p)
                    .with_context(|| format!("cannot read the camera file {}", p.display()))?;
                parse_user_cameras(&text).with_context(|| format!("camera file {}", p.display()))?
            }
            None => Vec::new(),
        };
        Ok(all_cameras(&user))
    }
}

/// Runs `steppe camera`.
pub fn run(a: CameraArgs) -> Result<ExitCode> {
    match a.op {
        CameraCmd::List { file, sources, alt } => {
            let cams = file.load()?;
            println!(
                "{:<34} {:>13} {:>11} {:>7} {:>8} {:>9} {:>15}",
                "camera",
                "sensor mm",
                "image px",
                "focal",
                "min int",
                format!("GSD@{alt:.0}m"),
                "footprint m"
            );
            for c in &cams {
                let interval = c
                    .min_trigger_interval_s
                    .map_or_else(|| "unknown".to_owned(), |s| format!("{s:.1} s"));
                let g = c.ground(alt, crate::plan::camera::Orientation::Landscape);
                println!(
                    "{:<34} {:>13} {:>11} {:>4} mm {:>8} {:>5.2} cm {:>15}",
                    c.name,
                    format!("{}×{}", c.sensor_width_mm, c.sensor_height_mm),
                    format!("{}×{}", c.image_width_px, c.image_height_px),
                    c.focal_length_mm,
                    interval,
                    g.gsd_cm(),
                    format!("{:.0}×{:.0}", g.footprint_across_m, g.footprint_along_m)
                );
                if sources {
                    println!("    source: {}", c.source);
                }
            }
            println!(
                "{} cameras; GSD is the coarser image axis, footprint across × along the track (landscape)",
                cams.len()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
