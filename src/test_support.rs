//! Where the shared sample files are, for the tests: `$STEPPE_SAMPLES` if set, else
//! `../shared/samples` next to this checkout (see `../shared/samples/SOURCES.md`).

use std::path::PathBuf;

/// The samples folder (it may not exist; tests report the path they tried).
pub fn samples_dir() -> PathBuf {
    match std::env::var_os("STEPPE_SAMPLES").filter(|v| !v.is_empty()) {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/samples")),
    }
}

/// A file under the samples folder.
pub fn sample(rel: &str) -> PathBuf {
    samples_dir().join(rel)
}

/// A fresh, empty temporary folder for one test (named by process and `name`).
pub fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("steppe-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    let _ = std::fs::create_dir_all(&d);
    d
}
