//! `steppe logs list|download|erase`: the autopilot's own logs (DataFlash `.bin`) over
//! MAVLink. Downloads resume lost chunks within the run and write each file only once every
//! byte arrived (through `FILE.part` and a rename), so a file in the output folder is always
//! a whole log.

use super::common::{LinkArgs, Progress, find_vehicle};
use crate::protocol::logs::LogEntry;
use crate::runtime::{BackendHandle, Event, LogSaved, Request, RequestId};
use crate::vehicle::VehicleId;
use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Arguments of `steppe logs`.
#[derive(Debug, Args)]
pub struct LogsArgs {
    #[command(subcommand)]
    op: LogsCmd,
}

#[derive(Debug, Subcommand)]
enum LogsCmd {
    /// List the vehicle's logs: id, start date (UTC) and size.
    List {
        #[command(flatten)]
        link: LinkArgs,
    },
    /// Download logs into a folder (files named logID_DATE.bin).
    Download {
        #[command(flatten)]
        link: LinkArgs,
        /// The log to download (an id from `steppe logs list`).
        #[arg(required_unless_present_any = ["last", "all"], conflicts_with_all = ["last", "all"])]
        id: Option<u16>,
        /// Download the newest log (highest id).
        #[arg(long, conflicts_with = "all")]
        last: bool,
        /// Download every log.
        #[arg(long)]
        all: bool,
        /// Output folder (created if missing).
        #[arg(short = 'o', long = "output", value_name = "DIR", default_value = ".")]
        dir: PathBuf,
    },
    /// Erase every log on the vehicle (asks for --yes).
    Erase {
        #[command(flatten)]
        link: LinkArgs,
        /// Confirm that every log on the vehicle may be deleted.
        #[arg(long)]
        yes: bool,
    },
}

/// "2026-01-01 00:00:00" for a UTC time in seconds, or "unknown" for 0 (no GPS time).
fn date(time_utc_s: u32) -> String {
    match chrono::DateTime::from_timestamp(i64::from(time_utc_s), 0) {
        Some(t) if time_utc_s > 0 => t.format("%Y-%m-%d %H:%M:%S").to_string(),
        _ => "unknown".to_owned(),
    }
}

/// 1.5 KiB, 312.5 KiB, 12.3 MiB.
fn human(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1_048_576.0 {
        format!("{:.1} MiB", b / 1_048_576.0)
    } else if b >= 1_024.0 {
        format!("{:.1} KiB", b / 1_024.0)
    } else {
        format!("{bytes} B")
    }
}

/// File name of a downloaded log: `log3_2026-01-01_00-00-00.bin`, or `log3.bin` without a date.
pub fn file_name(e: &LogEntry) -> String {
    match chrono::DateTime::from_timestamp(i64::from(e.time_utc_s), 0) {
        Some(t) if e.time_utc_s > 0 => format!("log{}_{}.bin", e.id, t.format("%Y-%m-%d_%H-%M-%S")),
        _ => format!("log{}.bin", e.id),
    }
}

/// What `steppe logs erase` says once every log listed before is gone, given the listing
/// after it: a vehicle that was logging (ArduPilot with LOG_DISARMED, or a log left open)
/// starts a new one at once (ArduCopter 4.7 SITL: a log of 0 bytes, or one growing from 0).
fn erased_line(target: VehicleId, now: &[LogEntry]) -> String {
    match now {
        [] => format!("every log on {target} erased (the vehicle lists none)"),
        _ => {
            let logs: Vec<String> = now
                .iter()
                .map(|e| format!("log {} ({})", e.id, human(u64::from(e.size_bytes))))
                .collect();
            format!(
                "every log on {target} erased; it has started a new one since: {} (it logs while disarmed with LOG_DISARMED, or reopened its log)",
                logs.join(", ")
            )
        }
    }
}

/// Sends `req` and waits for the log result of `id`, showing byte progress on `bar`.
fn wait_result(
    h: &mut BackendHandle,
    req: Request,
    id: RequestId,
    mut bar: Option<&mut Progress>,
) -> Result<Event> {
    h.send(req)?;
    let started = Instant::now();
    // The protocol machines bound every operation; this is only a last resort.
    let limit = started + Duration::from_secs(24 * 3_600);
    while Instant::now() < limit {
        let Some(ev) = h.wait_event(Duration::from_millis(200)) else {
            continue;
        };
        match ev {
            Event::Progress {
                id: pid,
                done,
                total,
                ..
            } if pid == id => {
                if let Some(b) = bar.as_deref_mut() {
                    let secs = started.elapsed().as_secs_f64().max(1e-3);
                    let rate = human((done as f64 / secs) as u64);
                    b.show(done, total, &format!("bytes, {rate}/s"));
                }
            }
            Event::LogsListed { id: rid, .. }
            | Event::LogDownloaded { id: rid, .. }
            | Event::LogsErased { id: rid, .. }
                if rid == id =>
            {
                if let Some(b) = bar.as_deref() {
                    b.finish();
                }
                return Ok(ev);
            }
            _ => {}
        }
    }
    bail!("no result within a day (this is a bug: every operation has a bounded retry budget)")
}

fn list(h: &mut BackendHandle, target: VehicleId) -> Result<Vec<LogEntry>> {
    let id = h.next_id();
    match wait_result(h, Request::LogList { id, target }, id, None)? {
        Event::LogsListed {
            result: Ok(entries),
            ..
        } => Ok(entries),
        Event::LogsListed { result: Err(e), .. } => {
            bail!("listing the logs of {target} failed: {e}")
        }
        other => bail!("unexpected answer {other:?}"),
    }
}

fn download(h: &mut BackendHandle, target: VehicleId, e: LogEntry, dir: &Path) -> Result<LogSaved> {
    let id = h.next_id();
    let path = dir.join(file_name(&e));
    let mut bar = Progress::new(&format!("log {}", e.id));
    let req = Request::LogDownload {
        id,
        target,
        entry: e,
        path,
    };
    match wait_result(h, req, id, Some(&mut bar))? {
        Event::LogDownloaded { result: Ok(s), .. } => Ok(s),
        Event::LogDownloaded {
            result: Err(err), ..
        } => {
            bail!("downloading log {} from {target} failed: {err}", e.id)
        }
        other => bail!("unexpected answer {other:?}"),
    }
}

/// Runs `steppe logs`.
pub fn run(a: LogsArgs) -> Result<ExitCode> {
    match a.op {
        LogsCmd::List { link } => {
            let mut h = link.connect()?;
            let target = find_vehicle(&mut h, link.sysid, link.timeout)?;
            let entries = list(&mut h, target)?;
            if entries.is_empty() {
                println!("no logs on {target}");
                return Ok(ExitCode::SUCCESS);
            }
            println!("{:>5}  {:<19}  {:>12}", "ID", "DATE (UTC)", "SIZE (BYTES)");
            for e in &entries {
                println!(
                    "{:>5}  {:<19}  {:>12}  {}",
                    e.id,
                    date(e.time_utc_s),
                    e.size_bytes,
                    human(u64::from(e.size_bytes))
                );
            }
            let total: u64 = entries.iter().map(|e| u64::from(e.size_bytes)).sum();
            println!("{} log(s) on {target}, {}", entries.len(), human(total));
            Ok(ExitCode::SUCCESS)
        }
        LogsCmd::Download {
            link,
            id,
            last,
            all,
            dir,
        } => {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create the folder {}", dir.display()))?;
            let mut h = link.connect()?;
            let target = find_vehicle(&mut h, link.sysid, link.timeout)?;
            let entries = list(&mut h, target)?;
            let chosen: Vec<LogEntry> = if all {
                entries.clone()
            } else if last {
                entries
                    .iter()
                    .max_by_key(|e| e.id)
                    .copied()
                    .into_iter()
                    .collect()
            } else {
                entries
                    .iter()
                    .filter(|e| Some(e.id) == id)
                    .copied()
                    .collect()
            };
            if chosen.is_empty() {
                if entries.is_empty() {
                    if all {
                        println!("no logs on {target}");
                        return Ok(ExitCode::SUCCESS);
                    }
                    bail!("{target} has no logs");
                }
                let ids: Vec<String> = entries.iter().map(|e| e.id.to_string()).collect();
                bail!(
                    "log {} is not on {target}; it has log(s) {}",
                    id.unwrap_or(0),
                    ids.join(", ")
                );
            }
            for e in chosen {
                let s = download(&mut h, target, e, &dir)?;
                let secs = s.duration_us as f64 / 1e6;
                println!(
                    "log {} ({}, {} bytes) from {target} written to {} in {secs:.1} s ({} requests, {} re-requests)",
                    s.log_id,
                    date(e.time_utc_s),
                    s.size_bytes,
                    s.path.display(),
                    s.stats.requests,
                    s.stats.re_requests
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        LogsCmd::Erase { link, yes } => {
            if !yes {
                eprintln!(
                    "error: erasing deletes every log on the vehicle and cannot be undone; add --yes to confirm"
                );
                return Ok(ExitCode::from(2));
            }
            let mut h = link.connect()?;
            let target = find_vehicle(&mut h, link.sysid, link.timeout)?;
            let id = h.next_id();
            match wait_result(&mut h, Request::LogErase { id, target }, id, None)? {
                Event::LogsErased { result: Ok(()), .. } => {
                    // ArduPilot lists the logs it is still deleting, and one it has just
                    // started, at 0 bytes: look again for a moment.
                    let mut now = list(&mut h, target)?;
                    for _ in 0..3 {
                        if !now.iter().any(|e| e.size_bytes == 0) {
                            break;
                        }
                        std::thread::sleep(Duration::from_secs(1));
                        now = list(&mut h, target)?;
                    }
                    println!("{}", erased_line(target, &now));
                    Ok(ExitCode::SUCCESS)
                }
                Event::LogsErased { result: Err(e), .. } => {
                    bail!("erasing the logs of {target} failed: {e}")
                }
                other => bail!("unexpected answer {other:?}"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_sizes() {
        let e = LogEntry {
            id: 3,
            time_utc_s: 1_767_225_600,
            size_bytes: 10,
        };
        assert_eq!(file_name(&e), "log3_2026-01-01_00-00-00.bin");
        assert_eq!(file_name(&LogEntry { time_utc_s: 0, ..e }), "log3.bin");
        assert_eq!(date(0), "unknown");
        assert_eq!(human(1_536), "1.5 KiB");
        assert_eq!(human(12), "12 B");
    }

    #[test]
    fn erase_reports_a_log_started_after_it() {
        let v = VehicleId::new(1, 1);
        assert_eq!(
            erased_line(v, &[]),
            "every log on 1/1 erased (the vehicle lists none)"
        );
        let fresh = LogEntry {
            id: 1,
            time_utc_s: 0,
            size_bytes: 0,
        };
        let line = erased_line(v, &[fresh]);
        assert!(
            line.starts_with(
                "every log on 1/1 erased; it has started a new one since: log 1 (0 B)"
            ),
            "{line}"
        );
    }
}
