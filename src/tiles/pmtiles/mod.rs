//! PMTiles v3 archives: one file holding a whole tile pyramid, read by seeking, without a
//! database. Written from the specification (github.com/protomaps/PMTiles, spec/v3/spec.md):
//!
//! ```text
//! header (127 bytes) | root directory | JSON metadata | leaf directories | tile data
//! ```
//!
//! Tiles are numbered along a Hilbert curve per zoom level ([`hilbert_tile_id`]). A directory
//! is a varint count, then per entry the tile id deltas, run lengths, byte lengths and offsets
//! (0 = right after the previous entry, else offset + 1), the whole optionally gzip-compressed.
//! An entry with run length 0 points to a leaf directory; otherwise it covers `run_length`
//! consecutive tile ids sharing one blob.
//!
//! The file is untrusted: every offset and length is checked against the file and its
//! section, sizes are bounded before anything is allocated, and leaf nesting is limited, so a
//! corrupt or hostile archive yields an error, never a panic or a huge allocation.

mod format;
mod reader;
#[cfg(test)]
mod tests;

pub use format::{Compression, HEADER_LEN, Header, MAGIC, PmTilesError, hilbert_tile_id};
pub use reader::PmTiles;
