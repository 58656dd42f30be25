//! Fuzz target: arbitrary bytes as a `.tlog` file and as a live link's byte stream.
//! The body is `steppe::fuzz_entry::tlog_and_link_bytes`, which `tests/fuzz_corpus.rs` replays on the saved
//! corpus in every `cargo test`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| steppe::fuzz_entry::tlog_and_link_bytes(data));
