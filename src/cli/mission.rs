//! `steppe mission upload|download|clear`: mission, fence and rally lists to and from a
//! vehicle, with a progress bar. Files are recognised by content (QGC WPL 110, or MAVProxy's
//! legacy fence/rally text), not by extension; downloads are written as QGC WPL 110.

use super::common::{LinkArgs, Progress, connect, find_vehicle, request_and_wait};
use crate::formats::wpl;
use crate::plan::MissionType;
use crate::runtime::{Event, MissionOp, Request};
use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Arguments of `steppe mission`.
#[derive(Debug, Args)]
pub struct MissionArgs {
    #[command(subcommand)]
    op: MissionCmd,
}

#[derive(Debug, Subcommand)]
enum MissionCmd {
    /// Upload FILE to the vehicle (replacing its list).
    Upload {
        #[command(flatten)]
        link: LinkArgs,
        /// Which list (default: from the file's commands).
        #[arg(long = "type", value_name = "mission|fence|rally")]
        kind: Option<MissionType>,
        /// A QGC WPL 110 file (also MAVProxy fence/rally files).
        file: PathBuf,
    },
    /// Download the vehicle's list into FILE (QGC WPL 110).
    Download {
        #[command(flatten)]
        link: LinkArgs,
        /// Which list.
        #[arg(
            long = "type",
            value_name = "mission|fence|rally",
            default_value = "mission"
        )]
        kind: MissionType,
        /// Output file (written only after a complete download).
        file: PathBuf,
    },
    /// Clear the vehicle's list.
    Clear {
        #[command(flatten)]
        link: LinkArgs,
        /// Which list.
        #[arg(
            long = "type",
            value_name = "mission|fence|rally",
            default_value = "mission"
        )]
        kind: MissionType,
    },
}

/// Reads a mission file, recognised by content.
pub fn read_mission_file(path: &Path) -> Result<wpl::WplFile> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let text = String::from_utf8(bytes)
        .map_err(|e| anyhow::anyhow!("{}: not a text file ({e})", path.display()))?;
    wpl::parse(&text)
        .with_context(|| format!("{} is not a mission file Steppe can read", path.display()))
}

/// Writes `text` to `path` through a temporary file, so a failure never leaves half a file.
pub fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let tmp = path.with_extension("steppe-tmp");
    std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path)
        .with_context(|| format!("cannot move {} to {}", tmp.display(), path.display()))
}

/// Runs `steppe mission`.
pub fn run(a: MissionArgs) -> Result<ExitCode> {
    let (link, op, label, out) = match a.op {
        MissionCmd::Upload { link, kind, file } => {
            let f = read_mission_file(&file)?;
            let kind = match (kind, f.mission_type) {
                (None, k) => k,
                (Some(k), inferred) if k == inferred || inferred == MissionType::Mission => k,
                (Some(k), inferred) => bail!(
                    "{} holds {inferred} items but --type {k} was given",
                    file.display()
                ),
            };
            if f.items.is_empty() {
                bail!(
                    "{} has no items; use `steppe mission clear` to empty the vehicle's list",
                    file.display()
                );
            }
            (
                link,
                MissionOp::Upload(kind, f.items),
                format!("upload {kind}"),
                None,
            )
        }
        MissionCmd::Download { link, kind, file } => (
            link,
            MissionOp::Download(kind),
            format!("download {kind}"),
            Some(file),
        ),
        MissionCmd::Clear { link, kind } => {
            (link, MissionOp::Clear(kind), format!("clear {kind}"), None)
        }
    };
    let mut h = connect(&link.links, None)?;
    let target = find_vehicle(&mut h, link.sysid, link.timeout)?;
    let id = h.next_id();
    let started = Instant::now();
    let mut bar = Progress::new(&label);
    let ev = request_and_wait(
        &mut h,
        Request::Mission { id, target, op },
        id,
        Some(&mut bar),
    )?;
    let secs = started.elapsed().as_secs_f64();
    match ev {
        Event::MissionDone {
            result: Ok(items), ..
        } => {
            if let Some(path) = out {
                write_atomically(&path, &wpl::write(&items))?;
                println!(
                    "{label}: {} items from {target} written to {} in {secs:.1} s",
                    items.len(),
                    path.display()
                );
            } else {
                println!(
                    "{label}: {} items, {target}, done in {secs:.1} s",
                    items.len()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Event::MissionDone { result: Err(e), .. } => {
            bail!("{label} with {target} failed after {secs:.1} s: {e}")
        }
        other => bail!("unexpected answer {other:?}"),
    }
}
