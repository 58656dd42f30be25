//! Tlog reading speed on one file held in memory (criterion): the time index a replay builds
//! when it opens a log (`log::index::TlogIndex`), the raw frame scan with checksums, scan plus
//! typed decode of every frame, and the `tlog info` summary. The baseline, in the same run, is
//! a raw read of the same bytes from the file (`fs::read`, page cache): the floor any reader
//! pays.
//!
//! `cargo bench --bench tlog_read` reads `STEPPE_BENCH_TLOG` (default: the ArduPlane SITL
//! survey sample). It prints `tlog_read file=… bytes=… frames=…` once, then criterion's
//! figures (throughput in bytes); `scripts/bench` and `scripts/bench-tlog` turn them into
//! frames per second and ratios against pymavlink.

mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use steppe::log::index::TlogIndex;
use steppe::log::info::summarize;
use steppe::log::tlog::TlogReader;

const DEFAULT_SAMPLE: &str = "samples/sitl/arduplane_sitl_survey_jalalabad_camera.tlog";

/// The file: `STEPPE_BENCH_TLOG`, else the sample in `../shared` beside the checkout (or two
/// levels up in a worktree).
fn file() -> PathBuf {
    if let Some(p) = std::env::var_os("STEPPE_BENCH_TLOG") {
        return PathBuf::from(p);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let near = root.join("../shared").join(DEFAULT_SAMPLE);
    if near.is_file() {
        near
    } else {
        root.join("../../shared").join(DEFAULT_SAMPLE)
    }
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

fn tlog_read(c: &mut Criterion) {
    let path = file();
    let data = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("tlog_read: cannot read {}: {e}", path.display()));
    let frames = TlogReader::new(&data).count();
    let index = TlogIndex::build(&data);
    println!(
        "tlog_read file={} bytes={} frames={frames} marks={} log_s={:.0}",
        path.display(),
        data.len(),
        index.marks().len(),
        index.duration_us() as f64 / 1e6
    );
    let mut g = c.benchmark_group("tlog_read");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.bench_function("raw_read", |b| {
        b.iter(|| std::fs::read(black_box(&path)).map(|d| d.len()))
    });
    g.bench_function("index", |b| b.iter(|| TlogIndex::build(black_box(&data))));
    g.bench_function("scan", |b| {
        b.iter(|| TlogReader::new(black_box(&data)).count())
    });
    g.bench_function("decode", |b| b.iter(|| decode(black_box(&data))));
    g.bench_function("summarize", |b| {
        b.iter(|| summarize(black_box(&data)).stats.records)
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::short_runs(3, 30);
    targets = tlog_read
}
criterion_main!(benches);
