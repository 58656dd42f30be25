//! `steppe param download|set`: the vehicle's parameters, as a `NAME,VALUE` file (Mission
//! Planner's .param format) or a table on stdout; set with read-back.

use super::common::{LinkArgs, Progress, find_vehicle, request_and_wait};
use super::mission::write_atomically;
use crate::runtime::{Event, Request};
use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `steppe param`.
#[derive(Debug, Args)]
pub struct ParamArgs {
    #[command(subcommand)]
    op: ParamCmd,
}

#[derive(Debug, Subcommand)]
enum ParamCmd {
    /// Download all parameters.
    Download {
        #[command(flatten)]
        link: LinkArgs,
        /// Write NAME,VALUE lines to this file instead of printing a table.
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// Set one parameter and read it back.
    Set {
        #[command(flatten)]
        link: LinkArgs,
        /// Parameter name.
        name: String,
        /// New value.
        value: f64,
    },
}

/// Formats a value without needless decimals (1, 0.25, 1500).
fn fmt_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{}", v as f32)
    }
}

/// Runs `steppe param`.
pub fn run(a: ParamArgs) -> Result<ExitCode> {
    match a.op {
        ParamCmd::Download { link, output } => {
            let mut h = link.connect()?;
            let target = find_vehicle(&mut h, link.sysid, link.timeout)?;
            let id = h.next_id();
            let mut bar = Progress::new("parameters");
            match request_and_wait(
                &mut h,
                Request::ParamDownload { id, target },
                id,
                Some(&mut bar),
            )? {
                Event::ParamsDone {
                    result: Ok(table), ..
                } => {
                    let text = crate::ui::params::write_param_file(&table);
                    match output {
                        Some(path) => {
                            write_atomically(&path, &text)?;
                            println!(
                                "{} parameters from {target} written to {}",
                                table.len(),
                                path.display()
                            );
                        }
                        None => {
                            for (n, p) in &table {
                                println!("{n:<16} {}", fmt_value(p.value));
                            }
                        }
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Event::ParamsDone { result: Err(e), .. } => {
                    bail!("parameter download from {target} failed: {e}")
                }
                other => bail!("unexpected answer {other:?}"),
            }
        }
        ParamCmd::Set { link, name, value } => {
            let mut h = link.connect()?;
            let target = find_vehicle(&mut h, link.sysid, link.timeout)?;
            let id = h.next_id();
            match request_and_wait(
                &mut h,
                Request::ParamSet {
                    id,
                    target,
                    name: name.clone(),
                    value,
                },
                id,
                None,
            )? {
                Event::ParamSetDone { result: Ok(p), .. } => {
                    println!("{name} = {} on {target} (read back)", fmt_value(p.value));
                    Ok(ExitCode::SUCCESS)
                }
                Event::ParamSetDone { result: Err(e), .. } => {
                    bail!("setting {name} on {target} failed: {e}")
                }
                other => bail!("unexpected answer {other:?}"),
            }
        }
    }
}
