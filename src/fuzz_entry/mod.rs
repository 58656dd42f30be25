//! Fuzz entry points: one function per kind of input Steppe reads from outside — a tlog or a
//! live link's byte stream, a `.plan`, a `.waypoints` file, KML/KMZ, GeoJSON, an elevation
//! file and a connection string. Each takes arbitrary bytes, drives them through the same
//! public readers the app and the command line use, and checks the cheap invariants those
//! readers promise (a document written back reads back the same, a frame the parser yields
//! passes its own check, every byte of a tlog is either in a record or counted as skipped).
//!
//! The cargo-fuzz targets in `fuzz/fuzz_targets/` and the corpus replay test
//! (`tests/fuzz_corpus.rs`, part of `cargo test`) call these same functions, so a corpus file
//! that once crashed the fuzzer keeps testing the fix in CI without libFuzzer.
//!
//! Unlike the rest of the library these functions **panic**, on purpose, exactly when a
//! reader panics or an invariant is broken: that is how a fuzzer learns about a bug. Errors the
//! readers return for bad input are the expected outcome and are not failures. Pure: bytes in,
//! nothing out, no I/O.

mod files;
mod mavlink;
mod terrain;

pub use files::{geojson, kml, plan_file, waypoints_file};
pub use mavlink::{frame_parser, tlog_reader};
pub use terrain::elevation;

use crate::link::LinkSpec;

/// A fuzz entry point: arbitrary bytes in, panics on a bug.
pub type Entry = fn(&[u8]);

/// Every fuzz target by name (the name of its `fuzz/fuzz_targets/*.rs` file and of its
/// `fuzz/corpus/` folder) with the function it runs.
pub const TARGETS: [(&str, Entry); 7] = [
    ("tlog_reader", tlog_and_link_bytes),
    ("plan_file", plan_file),
    ("waypoints_file", waypoints_file),
    ("kml", kml),
    ("geojson", geojson),
    ("elevation", elevation),
    ("link_spec", link_spec),
];

/// The `tlog_reader` target: the bytes as a tlog file ([`tlog_reader`]) and as a live link's
/// byte stream ([`frame_parser`]).
pub fn tlog_and_link_bytes(data: &[u8]) {
    tlog_reader(data);
    frame_parser(data);
}

/// A connection string (`udpin:…`, `serial:…`): parsing never panics, and a string that parses
/// prints as one that parses back to the same link.
pub fn link_spec(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match text.parse::<LinkSpec>() {
        Ok(spec) => {
            let printed = spec.to_string();
            assert_eq!(
                printed.parse::<LinkSpec>().as_ref(),
                Ok(&spec),
                "{text:?} parsed as {spec:?}, printed as {printed:?}, which does not parse back"
            );
        }
        Err(e) => assert!(e.to_string().contains("bad link"), "{e}"),
    }
}
