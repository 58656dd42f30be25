//! Fuzz target: arbitrary bytes as a QGC WPL 110 `.waypoints` or MAVProxy legacy fence/rally file.
//! The body is `steppe::fuzz_entry::waypoints_file`, which `tests/fuzz_corpus.rs` replays on the saved
//! corpus in every `cargo test`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| steppe::fuzz_entry::waypoints_file(data));
