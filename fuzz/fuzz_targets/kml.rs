//! Fuzz target: arbitrary bytes as a KML boundary or a KMZ (zip) archive.
//! The body is `steppe::fuzz_entry::kml`, which `tests/fuzz_corpus.rs` replays on the saved
//! corpus in every `cargo test`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| steppe::fuzz_entry::kml(data));
