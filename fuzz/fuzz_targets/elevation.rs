//! Fuzz target: arbitrary bytes as an SRTM `.hgt` tile or a GeoTIFF elevation model.
//! The body is `steppe::fuzz_entry::elevation`, which `tests/fuzz_corpus.rs` replays on the saved
//! corpus in every `cargo test`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| steppe::fuzz_entry::elevation(data));
