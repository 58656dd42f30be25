//! Fuzz target: arbitrary bytes as a connection string (`udpin:…`, `serial:…`).
//! The body is `steppe::fuzz_entry::link_spec`, which `tests/fuzz_corpus.rs` replays on the saved
//! corpus in every `cargo test`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| steppe::fuzz_entry::link_spec(data));
