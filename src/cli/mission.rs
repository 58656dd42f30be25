//! `steppe mission upload|download|clear`: mission, fence and rally lists to and from a
//! vehicle, with a progress bar. Files are recognised by content (QGroundControl .plan, QGC WPL
//! 110, or MAVProxy's legacy fence/rally text), not by extension; a .plan uploads its mission,
//! fence and rally points in one go. Uploads are validated first and refused on errors unless
//! `--force`. Downloads are written as QGC WPL 110.

use super::common::{LinkArgs, Progress, find_vehicle, request_and_wait, wait_for_capabilities};
use crate::formats::wpl;
use crate::plan::document::RallyPoint;
use crate::plan::validate::{Severity, validate};
use crate::plan::{MissionDocument, MissionItem, MissionType};
use crate::runtime::{Event, MissionOp, Request};
use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Arguments of `steppe mission`.
#[derive(Debug, Args)]
pub struct MissionArgs {
    #[command(subcommand)]
    op: MissionCmd,
}

#[derive(Debug, Subcommand)]
enum MissionCmd {
    /// Upload FILE to the vehicle (replacing its lists).
    Upload {
        #[command(flatten)]
        link: LinkArgs,
        /// Which list (default: from the file's commands; every list of a .plan).
        #[arg(long = "type", value_name = "mission|fence|rally")]
        kind: Option<MissionType>,
        /// Upload even when validation finds errors.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        checks: super::plan::CheckArgs,
        /// A .plan, a QGC WPL 110 file, or a MAVProxy fence/rally file.
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

/// Writes `text` to `path` through a temporary file, so a failure never leaves half a file.
pub fn write_atomically(path: &Path, text: &str) -> Result<()> {
    write_atomically_bytes(path, text.as_bytes())
}

/// [`write_atomically`] for bytes.
pub fn write_atomically_bytes(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("steppe-tmp");
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path)
        .with_context(|| format!("cannot move {} to {}", tmp.display(), path.display()))
}

/// The lists to upload from `file`, after validation.
fn upload_ops(
    file: &Path,
    kind: Option<MissionType>,
    force: bool,
    checks: &super::plan::CheckArgs,
) -> Result<Vec<(MissionOp, String)>> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let doc = super::plan::doc_of(file, &bytes)?;
    let findings = validate(&doc, &checks.limits(None), checks.dem()?.as_ref());
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    if !findings.is_empty() {
        super::plan::print_findings(&findings);
    }
    if errors > 0 && !force {
        bail!(
            "{}: {errors} validation error(s) make the mission unflyable; fix them, or upload anyway with --force",
            file.display()
        );
    }
    let lists = upload_lists(file, &bytes, &doc, kind)?;
    let mut ops = Vec::new();
    for (k, items) in lists {
        match items {
            Some(items) => ops.push((MissionOp::Upload(k, items), format!("upload {k}"))),
            None => println!(
                "{}: no {k} in the file; the vehicle's {k} is left as it is",
                file.display()
            ),
        }
    }
    if ops.is_empty() {
        bail!("{} has nothing to upload", file.display());
    }
    Ok(ops)
}

/// The items `steppe mission upload` sends from a mission file, per list: `None` for a list
/// the file does not have (left as it is on the vehicle). `kind` picks one list. Public so
/// that tests compare a vehicle's read-back with exactly what was sent.
pub fn upload_lists(
    file: &Path,
    bytes: &[u8],
    doc: &MissionDocument,
    kind: Option<MissionType>,
) -> Result<Vec<(MissionType, Option<Vec<MissionItem>>)>> {
    // The document was read from this text (read_document refuses anything else).
    let text = std::str::from_utf8(bytes).unwrap_or("");
    if !text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
    {
        // A single-list text file: upload its rows as they are.
        let f = wpl::parse(text)
            .with_context(|| format!("{} is not a mission file Steppe can read", file.display()))?;
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
        return Ok(vec![(kind, Some(f.items))]);
    }
    let lists = [
        (
            MissionType::Mission,
            !doc.mission.is_empty(),
            doc.mission_upload_list(),
        ),
        (
            MissionType::Fence,
            !doc.fence.is_empty(),
            doc.fence.to_items(),
        ),
        (
            MissionType::Rally,
            !doc.rally.is_empty(),
            RallyPoint::to_items(&doc.rally),
        ),
    ];
    Ok(lists
        .into_iter()
        .filter(|(k, _, _)| kind.is_none_or(|want| want == *k))
        .map(|(k, present, items)| (k, present.then_some(items)))
        .collect())
}

/// Runs `steppe mission`.
pub fn run(a: MissionArgs) -> Result<ExitCode> {
    let (link, ops, out) = match a.op {
        MissionCmd::Upload {
            link,
            kind,
            force,
            checks,
            file,
        } => (link, upload_ops(&file, kind, force, &checks)?, None),
        MissionCmd::Download { link, kind, file } => (
            link,
            vec![(MissionOp::Download(kind), format!("download {kind}"))],
            Some(file),
        ),
        MissionCmd::Clear { link, kind } => (
            link,
            vec![(MissionOp::Clear(kind), format!("clear {kind}"))],
            None,
        ),
    };
    let mut h = link.connect()?;
    let target = find_vehicle(&mut h, link.sysid, link.timeout)?;
    if ops
        .iter()
        .any(|(op, _)| matches!(op, MissionOp::Upload(..)))
    {
        wait_for_capabilities(&mut h, target, Duration::from_secs(3));
    }
    for (op, label) in ops {
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
                if let Some(path) = &out {
                    write_atomically(path, &wpl::write(&items))?;
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
            }
            Event::MissionDone { result: Err(e), .. } => {
                bail!("{label} with {target} failed after {secs:.1} s: {e}")
            }
            other => bail!("unexpected answer {other:?}"),
        }
    }
    Ok(ExitCode::SUCCESS)
}
