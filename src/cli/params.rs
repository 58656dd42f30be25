//! `steppe param download|set|upload`: the vehicle's parameters, as a `NAME,VALUE` file
//! (Mission Planner's .param format) or a table on stdout; set with read-back; a whole file
//! written back (only the values that differ, each read back).

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
    /// Write a parameter file to the vehicle: every value that differs from the vehicle's is
    /// set and read back (Mission Planner `NAME,VALUE`, MAVProxy `NAME VALUE` or
    /// QGroundControl lines).
    Upload {
        #[command(flatten)]
        link: LinkArgs,
        /// The parameter file.
        file: PathBuf,
        /// Also write the values the vehicle maintains itself (item counts, calibrated ground
        /// pressures, device ids, statistics), which are otherwise left alone.
        #[arg(long)]
        all: bool,
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
        ParamCmd::Upload { link, file, all } => upload(&link, &file, all),
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

/// Downloads the table, then sets every value of `file` that differs, one at a time with
/// read-back. Fails (after trying all) if any could not be set.
fn upload(link: &LinkArgs, file: &std::path::Path, all: bool) -> Result<ExitCode> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    let values = crate::ui::params::parse_param_file(&text)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let mut h = link.connect()?;
    let target = find_vehicle(&mut h, link.sysid, link.timeout)?;
    let id = h.next_id();
    let mut bar = Progress::new("parameters");
    let table = match request_and_wait(
        &mut h,
        Request::ParamDownload { id, target },
        id,
        Some(&mut bar),
    )? {
        Event::ParamsDone {
            result: Ok(table), ..
        } => table,
        Event::ParamsDone { result: Err(e), .. } => {
            bail!("parameter download from {target} failed: {e}")
        }
        other => bail!("unexpected answer {other:?}"),
    };
    // With COMPASS_AUTODEC on, the vehicle sets the declination from its GPS position.
    let autodec = table.get("COMPASS_AUTODEC").is_some_and(|p| p.value != 0.0);
    let (changes, kept): (Vec<_>, Vec<_>) = crate::ui::params::diff(&table, &values)
        .into_iter()
        .partition(|c| {
            all || !(maintained_by_vehicle(&c.name) || (autodec && c.name == "COMPASS_DEC"))
        });
    if !kept.is_empty() {
        let names: Vec<&str> = kept.iter().map(|c| c.name.as_str()).collect();
        println!(
            "left as the vehicle has them ({} maintained by the vehicle itself; --all writes them): {}",
            kept.len(),
            names.join(", ")
        );
    }
    let mut failed = Vec::new();
    for c in &changes {
        let id = h.next_id();
        let req = Request::ParamSet {
            id,
            target,
            name: c.name.clone(),
            value: c.new,
        };
        match request_and_wait(&mut h, req, id, None)? {
            Event::ParamSetDone { result: Ok(p), .. } => {
                let was = c
                    .current
                    .map_or_else(|| "not in the table".to_owned(), fmt_value);
                println!("{} = {} (was {was}; read back)", c.name, fmt_value(p.value));
            }
            Event::ParamSetDone { result: Err(e), .. } => {
                eprintln!("{}: {e}", c.name);
                failed.push(c.name.clone());
            }
            other => bail!("unexpected answer {other:?}"),
        }
    }
    println!(
        "{}: {} values, {} already as in the file, {} left alone, {} set, {} failed, on {target}",
        file.display(),
        values.len(),
        values.len() - changes.len() - kept.len(),
        kept.len(),
        changes.len() - failed.len(),
        failed.len()
    );
    if !failed.is_empty() {
        bail!(
            "{} parameter(s) could not be set: {}",
            failed.len(),
            failed.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Parameters ArduPilot keeps up to date itself (counts of stored items, ground pressure and
/// temperature calibrated at boot, sensor device ids, statistics, the storage format): a
/// parameter file from another day would set them to stale values, and several are refused
/// ("Param write denied"). Mission Planner leaves the same ones alone when loading a file.
pub fn maintained_by_vehicle(name: &str) -> bool {
    const EXACT: [&str; 10] = [
        "MIS_TOTAL",
        "FENCE_TOTAL",
        "RALLY_TOTAL",
        "CMD_TOTAL",
        "CMD_INDEX",
        "WP_TOTAL",
        "FORMAT_VERSION",
        "LOG_LASTFILE",
        "SYS_NUM_RESETS",
        "GND_ABS_PRESS",
    ];
    EXACT.contains(&name)
        || name.starts_with("STAT_")
        || name.starts_with("SYSID_SW_")
        || name.contains("_DEVID")
        || name.ends_with("_GND_PRESS")
        || name.ends_with("_GND_TEMP")
        || name == "GND_TEMP"
        || (name.starts_with("ARSPD") && name.ends_with("_OFFSET"))
}

#[cfg(test)]
mod tests {
    use super::maintained_by_vehicle;

    #[test]
    fn vehicle_maintained_parameters() {
        for n in [
            "MIS_TOTAL",
            "BARO1_GND_PRESS",
            "BARO2_GND_PRESS",
            "STAT_RUNTIME",
            "BARO1_DEVID",
            "ARSPD_OFFSET",
        ] {
            assert!(maintained_by_vehicle(n), "{n}");
        }
        for n in ["RTL_ALT", "FENCE_RADIUS", "WPNAV_SPEED", "BATT_CAPACITY"] {
            assert!(!maintained_by_vehicle(n), "{n}");
        }
    }
}
