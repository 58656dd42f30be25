//! Replays the saved fuzz corpus without libFuzzer: every file under `fuzz/corpus/<target>/`
//! (and `fuzz/regressions/<target>/`, inputs that once crashed a target) goes through the same
//! function the cargo-fuzz target calls (`steppe::fuzz_entry`). So CI keeps testing every
//! input the fuzzers found interesting, including the ones that found bugs, on stable Rust.

use std::path::{Path, PathBuf};
use std::time::Instant;

use steppe::fuzz_entry::TARGETS;

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect(),
        Err(_) => Vec::new(),
    };
    out.sort();
    out
}

fn replay(target: &str, run: fn(&[u8]), files: &[PathBuf]) {
    for f in files {
        let data = std::fs::read(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let outcome = std::panic::catch_unwind(|| run(&data));
        assert!(
            outcome.is_ok(),
            "{target}: {} panicked (reproduce: cargo fuzz run {target} {})",
            f.display(),
            f.display()
        );
    }
}

#[test]
fn every_corpus_file_replays_through_its_target() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut summary = Vec::new();
    for (target, run) in TARGETS {
        let corpus = files_in(&fuzz.join("corpus").join(target));
        assert!(
            !corpus.is_empty(),
            "fuzz/corpus/{target} is missing or empty: the replay would test nothing"
        );
        let regressions = files_in(&fuzz.join("regressions").join(target));
        let start = Instant::now();
        replay(target, run, &corpus);
        replay(target, run, &regressions);
        summary.push(format!(
            "{target}: {} corpus + {} regression files in {:.2} s",
            corpus.len(),
            regressions.len(),
            start.elapsed().as_secs_f64()
        ));
    }
    println!("{}", summary.join("\n"));
}

#[test]
fn every_target_has_a_fuzz_target_file() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/fuzz_targets");
    for (target, _) in TARGETS {
        let file = dir.join(format!("{target}.rs"));
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(
            text.contains("steppe::fuzz_entry::"),
            "{} does not call steppe::fuzz_entry",
            file.display()
        );
    }
}
