//! `steppe tlog info FILE`: what is in a telemetry log, and how damaged it is.

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
    }
}
