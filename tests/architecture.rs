//! The dependency rule of the design: pure logic (geometry, planning, formats, vehicle model,
//! protocol machines, the tlog codec and summaries, the simulator's models, alerts) imports
//! neither a GUI toolkit nor an async runtime; I/O lives at the edges (link, runtime, sim
//! server, sound player, cli).

use std::path::{Path, PathBuf};

fn rust_files(p: &Path, out: &mut Vec<PathBuf>) {
    if p.is_dir() {
        for e in std::fs::read_dir(p).expect("readable source dir").flatten() {
            rust_files(&e.path(), out);
        }
    } else if p.extension().is_some_and(|x| x == "rs") {
        out.push(p.to_owned());
    }
}

#[test]
fn pure_modules_import_no_gui_or_async_runtime() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let pure = [
        "geo.rs",
        "plan",
        "formats",
        "fuzz_entry",
        "vehicle",
        "protocol",
        "log/tlog.rs",
        "log/info.rs",
        "log/info",
        "log/index.rs",
        "log/replay.rs",
        "log/series.rs",
        "log/timeline.rs",
        "log/track.rs",
        "log/export.rs",
        "log/triggers.rs",
        "log/footprint.rs",
        "log/export_triggers.rs",
        "log/exif.rs",
        "log/exif_write.rs",
        "log/geotag.rs",
        "log/planned.rs",
        "log/events.rs",
        "log/events",
        "log/coverage.rs",
        "log/coverage_gaps.rs",
        "log/coverage_refly.rs",
        "log/coverage_tests.rs",
        "sim",
        "alerts.rs",
        "alerts",
        "tiles",
        "ui/plan/model.rs",
        "ui/recording_alert.rs",
    ];
    // The simulator's UDP server, the tile downloader and its tests' HTTP server are I/O edges.
    let edges = [
        "sim/server.rs",
        "tiles/download.rs",
        "tiles/download_tests.rs",
        "tiles/download_test_server.rs",
    ];
    let mut files = Vec::new();
    for p in pure {
        rust_files(&src.join(p), &mut files);
    }
    assert!(files.len() > 30, "found only {} files", files.len());
    let mut bad = Vec::new();
    for f in files
        .iter()
        .filter(|f| !edges.iter().any(|e| f.ends_with(e)))
    {
        let text = std::fs::read_to_string(f).expect("source");
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if ["tokio", "egui", "eframe", "std::net", "std::thread::spawn"]
                .iter()
                .any(|w| code.contains(w))
            {
                bad.push(format!("{}:{}: {}", f.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "pure modules touch I/O or GUI:\n{}",
        bad.join("\n")
    );
}
