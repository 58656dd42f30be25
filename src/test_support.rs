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
