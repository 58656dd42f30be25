//! The streaming frame parser: bytes in (any chunking, or whole datagrams), frames out,
//! garbage and bad checksums skipped and counted.

use super::{Check, Frame, Invalid, MAGIC_V1, MAGIC_V2, Version, check_frame};

/// Counters of a [`FrameParser`]: what it delivered and what it skipped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParserStats {
    /// Bytes pushed in.
    pub bytes: u64,
    /// Frames delivered (known and unknown ids).
    pub frames: u64,
    /// Frames with a message id outside the dialect (delivered, checksum unverifiable).
    pub unknown_frames: u64,
    /// Candidate frames of known ids whose checksum failed.
    pub crc_errors: u64,
    /// Bytes skipped because they were not part of any frame.
    pub bad_bytes: u64,
    /// Signed MAVLink 2 frames delivered.
    pub signed_frames: u64,
    /// MAVLink 1 frames delivered.
    pub v1_frames: u64,
}

/// Streaming frame parser for byte streams (serial, TCP) and datagrams (UDP).
#[derive(Debug, Default)]
pub struct FrameParser {
    buf: Vec<u8>,
    start: usize,
    /// End of the last datagram: no frame may span it.
    boundary: Option<usize>,
    stats: ParserStats,
}

impl FrameParser {
    /// A parser with empty buffers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends stream bytes. Frames may span several pushes.
    pub fn push(&mut self, data: &[u8]) {
        self.compact();
        self.boundary = None;
        self.buf.extend_from_slice(data);
        self.stats.bytes += data.len() as u64;
    }

    /// Appends one datagram: whatever of it is not a whole frame is garbage, so nothing waits
    /// for the next datagram. Drain it with [`FrameParser::next_frame`] before pushing more.
    pub fn push_datagram(&mut self, data: &[u8]) {
        self.push(data);
        self.boundary = Some(self.buf.len());
    }

    /// Counters so far.
    pub fn stats(&self) -> &ParserStats {
        &self.stats
    }

    /// Carries counters over to a fresh parser (a link that reconnected).
    pub fn restore_stats(&mut self, stats: ParserStats) {
        self.stats = stats;
    }

    /// Bytes held waiting for the rest of a frame.
    pub fn pending(&self) -> usize {
        self.buf.len() - self.start
    }

    fn compact(&mut self) {
        if self.start > 0 {
            self.buf.drain(..self.start);
            if let Some(b) = self.boundary.as_mut() {
                *b -= self.start;
            }
            self.start = 0;
        }
    }

    fn skip(&mut self, n: usize) {
        self.stats.bad_bytes += n as u64;
        self.start += n;
    }

    /// The next whole frame, or `None` when more bytes are needed.
    pub fn next_frame(&mut self) -> Option<Frame> {
        loop {
            let data = &self.buf[self.start..];
            if data.is_empty() {
                self.compact();
                return None;
            }
            let Some(i) = data.iter().position(|&b| b == MAGIC_V1 || b == MAGIC_V2) else {
                let n = data.len();
                self.skip(n);
                self.compact();
                return None;
            };
            if i > 0 {
                self.skip(i);
                continue;
            }
            let at_boundary = self.boundary == Some(self.buf.len());
            match check_frame(data) {
                Check::Incomplete { .. } => {
                    if at_boundary {
                        self.skip(1);
                        continue;
                    }
                    return None;
                }
                Check::Invalid(why) => {
                    if why == Invalid::BadCrc {
                        self.stats.crc_errors += 1;
                    }
                    self.skip(1);
                }
                Check::Valid { header, len, known } => {
                    if !known {
                        match data.get(len) {
                            Some(&b) if b == MAGIC_V1 || b == MAGIC_V2 => {}
                            Some(_) => {
                                self.skip(1);
                                continue;
                            }
                            None if at_boundary => {}
                            None => return None,
                        }
                        self.stats.unknown_frames += 1;
                    }
                    let raw = data[..len].to_vec();
                    self.start += len;
                    self.stats.frames += 1;
                    if header.is_signed() {
                        self.stats.signed_frames += 1;
                    }
                    if header.version == Version::V1 {
                        self.stats.v1_frames += 1;
                    }
                    return Some(Frame { header, raw });
                }
            }
        }
    }
}
