//! What the benchmarks share: short criterion runs, so that the whole of `scripts/bench`
//! stays within minutes (`--measurement-time` and `--sample-size` on the command line
//! override these).

use criterion::Criterion;
use std::time::Duration;

/// One second of warm-up, then `measure_s` seconds for `samples` samples.
pub fn short_runs(measure_s: u64, samples: usize) -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(measure_s))
        .sample_size(samples)
}
