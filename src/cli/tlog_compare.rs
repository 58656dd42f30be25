//! `steppe tlog compare FILE [--plan PLAN]`: how closely each vehicle flew its mission — the
//! mission found in the log, or a plan file — as cross-track error statistics.

use crate::log::planned::{CrossTrack, cross_track, missions_in_log, planned_path};
use crate::log::track::{TrackFilter, tracks};
use anyhow::{Context, Result, bail};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `steppe tlog compare`.
#[derive(Debug, Args)]
pub(super) struct CompareArgs {
    /// The .tlog file.
    file: PathBuf,
    /// Compare with this mission file (.plan, .waypoints) instead of the mission in the log.
    #[arg(long)]
    plan: Option<PathBuf>,
    /// Only this vehicle (system id).
    #[arg(long)]
    sysid: Option<u8>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// One vehicle's comparison.
struct Row {
    sysid: u8,
    source: String,
    items: usize,
    result: Option<CrossTrack>,
}

/// Runs `steppe tlog compare`.
pub(super) fn run(a: &CompareArgs) -> Result<ExitCode> {
    let data =
        std::fs::read(&a.file).with_context(|| format!("cannot read {}", a.file.display()))?;
    let filter = TrackFilter {
        sysid: a.sysid,
        ..Default::default()
    };
    let flown = tracks(&data, &filter);
    if flown.is_empty() {
        bail!(
            "{}: no GLOBAL_POSITION_INT with a position{}; nothing was flown to compare",
            a.file.display(),
            a.sysid
                .map_or(String::new(), |s| format!(" from system {s}"))
        );
    }
    let file_mission = match &a.plan {
        Some(p) => {
            let bytes = std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?;
            let doc = super::plan::doc_of(p, &bytes)?;
            Some((
                crate::log::planned::items_with_home(&doc),
                p.display().to_string(),
            ))
        }
        None => None,
    };
    let logged = missions_in_log(&data);
    let mut rows = Vec::new();
    for t in &flown {
        let sysid = t.id.sysid;
        let (items, source) = match &file_mission {
            Some((items, name)) => (items.clone(), name.clone()),
            None => match logged.iter().find(|m| m.sysid == sysid) {
                Some(m) => (m.items.clone(), "mission in the log".to_owned()),
                None => {
                    rows.push(Row {
                        sysid,
                        source: "no complete mission transfer in the log (use --plan)".into(),
                        items: 0,
                        result: None,
                    });
                    continue;
                }
            },
        };
        let home = t.points.first().map(|p| p.lat_lon);
        let path = planned_path(&items, home);
        rows.push(Row {
            sysid,
            source,
            items: items.len(),
            result: cross_track(&path, &t.points),
        });
    }
    if a.json {
        let v: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "sysid": r.sysid,
                    "mission": r.source,
                    "items": r.items,
                    "points": r.result.as_ref().map(|x| x.points),
                    "mean_m": r.result.as_ref().map(|x| x.mean_m),
                    "p95_m": r.result.as_ref().map(|x| x.p95_m),
                    "max_m": r.result.as_ref().map(|x| x.max_m),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        for r in &rows {
            match &r.result {
                Some(x) => println!(
                    "vehicle {}: {} ({} items): {} points in AUTO, cross-track mean {:.1} m, 95 % {:.1} m, max {:.1} m",
                    r.sysid, r.source, r.items, x.points, x.mean_m, x.p95_m, x.max_m
                ),
                None if r.items > 0 => println!(
                    "vehicle {}: {} ({} items): no leg with a position to compare",
                    r.sysid, r.source, r.items
                ),
                None => println!("vehicle {}: {}", r.sysid, r.source),
            }
        }
    }
    Ok(if rows.iter().any(|r| r.result.is_some()) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
