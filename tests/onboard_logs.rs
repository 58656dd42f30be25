//! Onboard (DataFlash) logs over real UDP on 127.0.0.1 against the simulator: listing,
//! downloading on a clean and a lossy link (the file equals the simulator's log byte for
//! byte), busy/cancel/unknown-vehicle answers, and `steppe logs` end to end.

mod common;

use common::*;
use std::process::{Command, Output};
use std::time::{Duration, Instant};
use steppe::protocol::logs::{LogEntry, LogError};
use steppe::runtime::{BackendHandle, Event, LogSaved, OpError, Request, RequestId};
use steppe::sim::onboard_logs::vehicle_logs;
use steppe::vehicle::VehicleId;

/// Waits for the log result of `id`; returns it and the byte progress seen on the way.
fn log_result(h: &mut BackendHandle, id: RequestId, timeout: Duration) -> (Event, Vec<usize>) {
    let end = Instant::now() + timeout;
    let mut progress = Vec::new();
    while Instant::now() < end {
        let Some(ev) = h.wait_event(Duration::from_millis(100)) else {
            continue;
        };
        match ev {
            Event::Progress { id: p, done, .. } if p == id => progress.push(done),
            Event::LogsListed { id: r, .. }
            | Event::LogDownloaded { id: r, .. }
            | Event::LogsErased { id: r, .. }
                if r == id =>
            {
                return (ev, progress);
            }
            _ => {}
        }
    }
    panic!("no result for request {id} within {timeout:?}");
}

fn list(h: &mut BackendHandle, target: VehicleId) -> Vec<LogEntry> {
    let id = h.next_id();
    h.send(Request::LogList { id, target }).expect("queued");
    match log_result(h, id, Duration::from_secs(60)).0 {
        Event::LogsListed { result, .. } => result.expect("listing succeeds"),
        other => panic!("{other:?}"),
    }
}

fn download(
    h: &mut BackendHandle,
    target: VehicleId,
    entry: LogEntry,
    path: &std::path::Path,
) -> (Result<LogSaved, OpError>, Vec<usize>) {
    let id = h.next_id();
    let req = Request::LogDownload {
        id,
        target,
        entry,
        path: path.to_owned(),
    };
    h.send(req).expect("queued");
    match log_result(h, id, Duration::from_secs(180)) {
        (Event::LogDownloaded { result, .. }, p) => (result, p),
        (other, _) => panic!("{other:?}"),
    }
}

fn lossy_sim(loss: f64) -> steppe::sim::server::SimHandle {
    sim(SimArgs {
        faults: steppe::cli::FaultArgs {
            loss,
            ..Default::default()
        },
        ..SimArgs::default()
    })
}

/// Lists, then downloads the largest log; the file must equal the simulator's log.
fn list_and_download(loss: f64, name: &str) -> LogSaved {
    let s = lossy_sim(loss);
    let mut h = engine(&s, None);
    let target = vehicles(&mut h, 1)[0];
    let served = vehicle_logs(target.sysid);
    let entries = list(&mut h, target);
    let sizes: Vec<u32> = entries.iter().map(|e| e.size_bytes).collect();
    let want: Vec<u32> = served.iter().map(|l| l.bytes.len() as u32).collect();
    assert_eq!(sizes, want, "listed sizes");
    assert_eq!(
        entries.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    let last = entries[2];
    let dir = temp_dir(name);
    let path = dir.join("log3.bin");
    let (saved, progress) = download(&mut h, target, last, &path);
    let saved = saved.expect("download succeeds");
    let got = std::fs::read(&path).expect("file written");
    assert!(
        got == served[2].bytes,
        "downloaded bytes differ from the simulator's log"
    );
    assert_eq!(saved.size_bytes, got.len() as u64);
    assert!(
        progress.windows(2).all(|w| w[0] <= w[1]),
        "progress never goes back"
    );
    assert_eq!(
        progress.last(),
        Some(&got.len()),
        "progress ends at the size"
    );
    assert!(progress.len() > 10, "progress reported along the way");
    assert!(
        std::fs::read_dir(&dir)
            .expect("dir")
            .flatten()
            .all(|e| e.path() == path),
        "no .part file left behind"
    );
    eprintln!(
        "loss {loss}%: {} bytes in {:.2} s, {:?}",
        saved.size_bytes,
        saved.duration_us as f64 / 1e6,
        saved.stats
    );
    saved
}

#[test]
fn clean_link_downloads_in_whole_windows() {
    let saved = list_and_download(0.0, "logs-clean");
    assert_eq!(saved.stats.re_requests, 0, "{:?}", saved.stats);
}

#[test]
fn lossy_link_resumes_missing_chunks() {
    let saved = list_and_download(15.0, "logs-lossy");
    assert!(saved.stats.re_requests > 0, "{:?}", saved.stats);
}

#[test]
fn busy_cancel_and_unknown_vehicle() {
    let s = lossy_sim(0.0);
    let mut h = engine(&s, None);
    let target = vehicles(&mut h, 1)[0];
    let entries = list(&mut h, target);
    let dir = temp_dir("logs-busy");
    let (a, b) = (h.next_id(), h.next_id());
    for (id, name) in [(a, "a.bin"), (b, "b.bin")] {
        let req = Request::LogDownload {
            id,
            target,
            entry: entries[2],
            path: dir.join(name),
        };
        h.send(req).expect("queued");
    }
    match log_result(&mut h, b, Duration::from_secs(10)).0 {
        Event::LogDownloaded {
            result: Err(OpError::Busy(what)),
            ..
        } => assert!(what.contains("log 3"), "{what}"),
        other => panic!("{other:?}"),
    }
    h.send(Request::LogCancel { id: a }).expect("queued");
    match log_result(&mut h, a, Duration::from_secs(10)).0 {
        Event::LogDownloaded {
            result: Err(OpError::Log(e @ LogError::Cancelled { .. })),
            ..
        } => assert_eq!(e.to_string(), "the download of log 3 cancelled"),
        other => panic!("{other:?}"),
    }
    assert!(
        !dir.join("a.bin").exists(),
        "a cancelled download leaves no file"
    );
    let id = h.next_id();
    let ghost = VehicleId::new(42, 1);
    h.send(Request::LogList { id, target: ghost })
        .expect("queued");
    match log_result(&mut h, id, Duration::from_secs(10)).0 {
        Event::LogsListed {
            result: Err(OpError::UnknownVehicle(v)),
            ..
        } => assert_eq!(v, ghost),
        other => panic!("{other:?}"),
    }
    // After the cancel the vehicle is free again.
    let (saved, _) = download(&mut h, target, entries[0], &dir.join("c.bin"));
    assert_eq!(
        saved.expect("download").size_bytes,
        u64::from(entries[0].size_bytes)
    );
}

fn steppe(args: &[&str]) -> Output {
    Command::new(steppe_bin())
        .env("STEPPE_TLOG_DIR", temp_dir("logs-cli-sessions"))
        .args(args)
        .output()
        .expect("steppe runs")
}

fn run_ok(args: &[&str]) -> String {
    let o = steppe(args);
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    );
    assert!(o.status.success(), "steppe {args:?} failed:\n{out}\n{err}");
    out
}

fn run_fails(args: &[&str], code: i32) -> String {
    let o = steppe(args);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(code), "steppe {args:?}:\n{err}");
    err
}

/// Message counts of a DataFlash log read by pymavlink; fails on any record it rejects.
fn dataflash_counts(file: &std::path::Path) -> String {
    let script = r#"
import sys
from pymavlink import DFReader
r = DFReader.DFReader_binary(sys.argv[1])
n = {}
while True:
    m = r.recv_msg()
    if m is None:
        break
    n[m.get_type()] = n.get(m.get_type(), 0) + 1
print(dict(sorted(n.items())))
"#;
    let out = python(script, &[file]);
    assert!(
        !out.contains("bad msg"),
        "pymavlink rejected records:\n{out}"
    );
    out
}

#[test]
fn cli_lists_downloads_and_erases() {
    let s = lossy_sim(10.0);
    let link = format!("udpout:127.0.0.1:{}", s.local_addr().port());
    let served = vehicle_logs(1);
    let out = run_ok(&["logs", "list", "--link", &link]);
    let rows: Vec<&str> = out.lines().filter(|l| l.contains("2026-01-01")).collect();
    assert_eq!(rows.len(), 3, "{out}");
    assert!(
        rows[2].split_whitespace().collect::<Vec<_>>()[..4]
            == [
                "3",
                "2026-01-01",
                "02:00:00",
                &served[2].bytes.len().to_string()
            ],
        "{out}"
    );
    let dir = temp_dir("logs-cli");
    let d = dir.to_str().expect("utf8");
    let out = run_ok(&["logs", "download", "--link", &link, "--last", "-o", d]);
    assert!(out.contains("log 3 "), "{out}");
    let file = dir.join("log3_2026-01-01_02-00-00.bin");
    assert!(
        std::fs::read(&file).expect("file") == served[2].bytes,
        "bytes differ"
    );
    // An independent reader (pymavlink's DataFlash parser) reads the whole file cleanly.
    let counts = dataflash_counts(&file);
    assert!(
        counts.contains("'FMT': 5") && counts.contains("'ATT': "),
        "{counts}"
    );
    let out = run_ok(&["logs", "download", "--link", &link, "1", "-o", d]);
    assert!(out.contains("log1_2026-01-01_00-00-00.bin"), "{out}");
    let err = run_fails(&["logs", "download", "--link", &link, "9", "-o", d], 1);
    assert!(
        err.contains("log 9 is not on 1/1; it has log(s) 1, 2, 3"),
        "{err}"
    );
    run_fails(&["logs", "download", "--link", &link], 2);
    run_fails(&["logs", "download", "--link", &link, "1", "--all"], 2);
    let err = run_fails(&["logs", "erase", "--link", &link], 2);
    assert!(err.contains("--yes"), "{err}");
    let out = run_ok(&["logs", "erase", "--link", &link, "--yes"]);
    assert!(out.contains("erased"), "{out}");
    let out = run_ok(&["logs", "list", "--link", &link]);
    assert!(out.contains("no logs on 1/1"), "{out}");
}
