//! Tlog reading speed: raw frame scan with checksums, scan plus typed decode of every frame,
//! and the `tlog info` summary. Plain `Instant` timing, best of N runs, the file held in memory.
//!
//! Usage: `cargo bench --bench tlog_read -- [FILE]` (or `STEPPE_BENCH_TLOG=FILE`). Runs per mode
//! from `STEPPE_BENCH_RUNS`: default 30 after one warm-up run, 1 under `cargo test --benches`.
//! Prints one line per mode:
//! `tlog_read mode=scan frames=N bytes=B best_s=S frames_per_s=F mb_per_s=M`.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};
use steppe::log::info::summarize;
use steppe::log::tlog::TlogReader;

const DEFAULT_SAMPLE: &str = "samples/sitl/arduplane_sitl_survey_jalalabad_camera.tlog";

/// The default sample: `../shared` beside the checkout, or two levels up in a worktree.
fn default_file() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let near = root.join("../shared").join(DEFAULT_SAMPLE);
    if near.is_file() {
        near
    } else {
        root.join("../../shared").join(DEFAULT_SAMPLE)
    }
}

/// One benchmarked way of reading: returns the number of frames read.
type ModeFn = fn(&[u8]) -> u64;

/// Frame scan with checksums.
fn scan(data: &[u8]) -> u64 {
    TlogReader::new(data).count() as u64
}

/// Scan plus typed decode of every frame (frames that fail to decode still count as read).
fn decode(data: &[u8]) -> u64 {
    let mut frames = 0;
    for rec in TlogReader::new(data) {
        let _ = black_box(rec.decode());
        frames += 1;
    }
    frames
}

/// The `tlog info` summary.
fn info(data: &[u8]) -> u64 {
    summarize(data).stats.records
}

fn best_of(runs: u32, mut f: impl FnMut() -> u64) -> (u64, Duration) {
    let mut best = Duration::MAX;
    // Warm-up run (caches, page faults), not timed.
    let mut frames = black_box(f());
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        frames = black_box(f());
        best = best.min(t.elapsed());
    }
    (frames, best)
}

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; without it (`cargo test --benches`) one run is a smoke
    // test. The first other argument is the file.
    let bench_mode = std::env::args().any(|a| a == "--bench");
    let arg = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let path = arg
        .or_else(|| std::env::var("STEPPE_BENCH_TLOG").ok())
        .map_or_else(default_file, PathBuf::from);
    let runs = std::env::var("STEPPE_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if bench_mode { 30u32 } else { 1 });
    let data = match std::fs::read(&path) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("tlog_read: cannot read {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    };
    eprintln!(
        "tlog_read: {} ({} bytes), best of {runs}",
        path.display(),
        data.len()
    );
    let modes: [(&str, ModeFn); 3] = [("scan", scan), ("decode", decode), ("summarize", info)];
    for (name, f) in &modes {
        let (frames, best) = best_of(runs, || f(black_box(&data)));
        let s = best.as_secs_f64().max(1e-9);
        println!(
            "tlog_read mode={name} frames={frames} bytes={} best_s={s:.6} frames_per_s={:.0} mb_per_s={:.1}",
            data.len(),
            frames as f64 / s,
            data.len() as f64 / 1e6 / s
        );
    }
    ExitCode::SUCCESS
}
