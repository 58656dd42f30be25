//! Downloading one log: large streamed windows, then the missing ranges again, until every
//! byte arrived; bytes received twice must agree.
//!
//! The listed size is where the log stood when it was listed. The log being written grows
//! after that, and ArduPilot closes it only when its download starts (a listing made a while
//! before the download, as in the app, is behind by everything logged since). So the window
//! that reaches the listed size asks for a whole window more, and the download ends only where
//! the vehicle says the log ends: a chunk shorter than asked for (an empty one right at the
//! end). A vehicle that does not answer past the end after a few tries keeps its listed size;
//! one that sent bytes past it is waited for like any other missing range.

use super::{CHUNK_BYTES, LogEntry, LogError, LogMsg, RangeSet};
use crate::protocol::mission::Address;
use crate::protocol::retry::{RetryTimer, Timing};

/// Tuning of a download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DownloadConfig {
    /// Timeouts and the retry budget.
    pub timing: Timing,
    /// Largest range asked for at once (bytes; rounded down to whole chunks).
    pub window_bytes: u32,
    /// Two missing ranges this close are asked for as one (the bytes between are sent again):
    /// cheaper than one more request, which costs a round trip plus, when the request or its
    /// answer is lost, a timeout. 64 chunks measured best at 10-30 % loss with the
    /// simulator's pacing (see the `figures` test).
    pub merge_gap_bytes: u32,
    /// Largest log accepted (it is held in memory until written).
    pub max_size_bytes: u32,
}

impl Default for DownloadConfig {
    fn default() -> Self {
        Self {
            timing: Timing {
                // Requests are cheap to repeat and losses on a radio are random rather than
                // congestion: short timeouts and a low backoff cap (worst stall 42 s).
                initial_rto_ms: 1_000,
                min_rto_ms: 100,
                max_rto_ms: 2_000,
                max_retries: 20,
            },
            window_bytes: (CHUNK_BYTES * 1_024) as u32,
            merge_gap_bytes: (CHUNK_BYTES * 64) as u32,
            max_size_bytes: 1 << 30,
        }
    }
}

/// What a download did, for diagnostics and measurements.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DownloadStats {
    /// LOG_REQUEST_DATA messages sent.
    pub requests: u32,
    /// Requests for ranges asked for before (gaps and timeouts).
    pub re_requests: u32,
    /// Timeouts (silence while bytes were missing).
    pub timeouts: u32,
    /// LOG_DATA messages received for this log.
    pub chunks: u64,
    /// Chunks that brought no new byte.
    pub duplicate_chunks: u64,
}

/// The range being streamed.
#[derive(Debug, Clone, Copy)]
struct Window {
    start: u32,
    end: u32,
    /// Highest end of a chunk received inside it.
    reached: u32,
    sent_us: u64,
    first_try: bool,
    answered: bool,
    /// When the last chunk of this window arrived, and the longest pause between two.
    last_us: Option<u64>,
    gap_us: u64,
}

/// Shortest silence that ends a stream that was flowing (µs).
const STREAM_IDLE_MIN_US: u64 = 100_000;
/// A flowing stream has ended after this many times its longest pause so far.
const STREAM_IDLE_FACTOR: u64 = 4;

/// Consecutive early ends of the log before giving up.
const MAX_EARLY_EOFS: u32 = 3;
/// Requests past the end of a complete log left unanswered before the size known so far is
/// taken as the end (a vehicle that does not answer there).
pub(super) const MAX_TAIL_PROBES: u32 = 3;

/// A download of one log.
#[derive(Debug, Clone)]
pub struct LogDownload {
    vehicle: Address,
    id: u16,
    /// Size known so far: the listed size, or more once the vehicle sent bytes past it.
    size_bytes: u32,
    /// The vehicle said the log ends at `size_bytes` (a short or empty chunk there).
    end_known: bool,
    /// Requests past the end of a complete log since the last answer.
    tail_probes: u32,
    /// The vehicle sent bytes past the listed size: it answers past the end, so the end is
    /// only where it says (silence there is a timeout, not the end).
    grew: bool,
    cfg: DownloadConfig,
    timer: RetryTimer,
    buf: Vec<u8>,
    got: RangeSet,
    window: Option<Window>,
    requested_to: u32,
    retries: u32,
    early_eofs: u32,
    deadline_us: u64,
    progressed_since_poll: bool,
    outcome: Option<Result<Vec<u8>, LogError>>,
    stats: DownloadStats,
}

impl LogDownload {
    /// A download of `entry` from `vehicle`; refused when the log is too large.
    pub fn new(vehicle: Address, entry: LogEntry, cfg: DownloadConfig) -> Result<Self, LogError> {
        if entry.size_bytes > cfg.max_size_bytes {
            return Err(LogError::TooLarge {
                id: entry.id,
                size_bytes: entry.size_bytes,
                max_bytes: cfg.max_size_bytes,
            });
        }
        let chunk = CHUNK_BYTES as u32;
        let cfg = DownloadConfig {
            window_bytes: (cfg.window_bytes / chunk).max(1) * chunk,
            ..cfg
        };
        Ok(Self {
            vehicle,
            id: entry.id,
            size_bytes: entry.size_bytes,
            end_known: false,
            tail_probes: 0,
            grew: false,
            cfg,
            timer: RetryTimer::new(cfg.timing),
            buf: vec![0; entry.size_bytes as usize],
            got: RangeSet::new(),
            window: None,
            requested_to: 0,
            retries: 0,
            early_eofs: 0,
            deadline_us: 0,
            progressed_since_poll: false,
            outcome: None,
            stats: DownloadStats::default(),
        })
    }

    /// The vehicle addressed.
    pub fn vehicle(&self) -> Address {
        self.vehicle
    }

    /// The log's id.
    pub fn log_id(&self) -> u16 {
        self.id
    }

    /// (bytes received, log size as known so far).
    pub fn progress(&self) -> (u64, u64) {
        (self.got.covered_bytes(), u64::from(self.size_bytes))
    }

    /// What it did so far.
    pub fn stats(&self) -> DownloadStats {
        self.stats
    }

    /// Starts the download.
    pub fn start(&mut self, now_us: u64) -> Vec<LogMsg> {
        self.request_next(now_us, true)
    }

    fn end_msg(&self) -> LogMsg {
        LogMsg::RequestEnd {
            target: self.vehicle,
        }
    }

    /// Stops the download (the vehicle is told to stop streaming).
    pub fn cancel(&mut self) -> Vec<LogMsg> {
        if self.outcome.is_some() {
            return Vec::new();
        }
        self.fail(LogError::Cancelled {
            what: format!("the download of log {}", self.id),
        })
    }

    fn fail(&mut self, e: LogError) -> Vec<LogMsg> {
        self.outcome = Some(Err(e));
        self.window = None;
        vec![self.end_msg()]
    }

    /// Verifies that every byte arrived, then ends with the bytes.
    fn finish(&mut self) -> Vec<LogMsg> {
        if !self.got.is_exactly(self.size_bytes) || self.buf.len() != self.size_bytes as usize {
            // Not reachable when called on completion; kept as the final check.
            let at = self.got.gaps(self.size_bytes).first().map_or(0, |g| g.0);
            return self.fail(LogError::EndedEarly {
                id: self.id,
                at_bytes: at,
                size_bytes: self.size_bytes,
            });
        }
        self.outcome = Some(Ok(std::mem::take(&mut self.buf)));
        self.window = None;
        vec![self.end_msg()]
    }

    /// The next range to ask for: the first gap, joined with the following gaps closer than
    /// `merge_gap_bytes`, at most `window_bytes`. A window that reaches the size known so far
    /// goes on past it (a whole window) until the vehicle has said where the log ends; with
    /// every byte here, that is a request for what follows the end alone.
    fn next_window(&self) -> Option<(u32, u32)> {
        let gaps = self.got.gaps(self.size_bytes);
        let Some(&(start, first_end)) = gaps.first() else {
            let size = self.size_bytes;
            return (!self.end_known).then(|| (size, size.saturating_add(self.cfg.window_bytes)));
        };
        let full = start.saturating_add(self.cfg.window_bytes);
        let cap = full.min(self.size_bytes);
        let mut end = first_end.min(cap);
        for (s, e) in gaps.iter().skip(1) {
            if *s >= cap || s.saturating_sub(end) > self.cfg.merge_gap_bytes {
                break;
            }
            end = (*e).min(cap);
        }
        if end == self.size_bytes && !self.end_known {
            end = end.max(full);
        }
        Some((start, end))
    }

    fn request_next(&mut self, now_us: u64, first_try: bool) -> Vec<LogMsg> {
        let Some((start, end)) = self.next_window() else {
            return self.finish();
        };
        if start >= self.size_bytes {
            // Every byte up to the known size is here: is that the end?
            self.tail_probes += 1;
            if !self.grew && self.tail_probes > MAX_TAIL_PROBES {
                self.end_known = true;
                return self.finish();
            }
        }
        self.stats.requests += 1;
        if start < self.requested_to {
            self.stats.re_requests += 1;
        }
        self.requested_to = self.requested_to.max(end);
        self.window = Some(Window {
            start,
            end,
            reached: start,
            sent_us: now_us,
            first_try,
            answered: false,
            last_us: None,
            gap_us: 0,
        });
        self.deadline_us = now_us + self.timer.rto_us();
        vec![LogMsg::RequestData {
            target: self.vehicle,
            id: self.id,
            ofs_bytes: start,
            count_bytes: end - start,
        }]
    }

    /// Feeds a message; returns messages to send.
    pub fn handle(&mut self, from: Address, msg: &LogMsg, now_us: u64) -> Vec<LogMsg> {
        let LogMsg::Data {
            id,
            ofs_bytes,
            data,
        } = msg
        else {
            return Vec::new();
        };
        if self.outcome.is_some() || from != self.vehicle || *id != self.id {
            return Vec::new();
        }
        self.stats.chunks += 1;
        let ofs = *ofs_bytes;
        let end = u64::from(ofs) + data.len() as u64;
        if end > u64::from(self.size_bytes) {
            // The log is longer than listed: it grew until the vehicle closed it.
            if end > u64::from(self.cfg.max_size_bytes) {
                return self.fail(LogError::TooLarge {
                    id: self.id,
                    size_bytes: end.min(u64::from(u32::MAX)) as u32,
                    max_bytes: self.cfg.max_size_bytes,
                });
            }
            self.size_bytes = end as u32;
            self.buf.resize(end as usize, 0);
            self.grew = true;
        }
        let end_in = end as u32;
        if ofs < end_in {
            for (s, e) in self.got.overlaps(ofs, end_in) {
                let old = self.buf.get(s as usize..e as usize);
                let new = data.get((s - ofs) as usize..(e - ofs) as usize);
                if old != new || old.is_none() {
                    return self.fail(LogError::Inconsistent {
                        id: self.id,
                        ofs_bytes: s,
                    });
                }
            }
            let dst = self.buf.get_mut(ofs as usize..end_in as usize);
            let src = data.get(..(end_in - ofs) as usize);
            if let (Some(dst), Some(src)) = (dst, src) {
                dst.copy_from_slice(src);
            }
        }
        let new = self.got.insert(ofs, end_in);
        if new > 0 {
            self.retries = 0;
            self.early_eofs = 0;
            self.tail_probes = 0;
            self.progressed_since_poll = true;
            self.timer.reset_backoff();
            self.deadline_us = now_us + self.timer.rto_us();
        } else if !data.is_empty() {
            self.stats.duplicate_chunks += 1;
        }
        let out = self.on_window_chunk(ofs, end, data.len(), now_us);
        if self.outcome.is_none() && self.end_known && self.got.is_exactly(self.size_bytes) {
            return self.finish();
        }
        out
    }

    /// Tracks the stream of the current window; when it ended, asks for the next one.
    fn on_window_chunk(&mut self, ofs: u32, end: u64, len: usize, now_us: u64) -> Vec<LogMsg> {
        let Some(w) = self.window.as_mut() else {
            return Vec::new();
        };
        if ofs < w.start || ofs >= w.end {
            return Vec::new();
        }
        if !w.answered {
            w.answered = true;
            if w.first_try {
                self.timer.sample(now_us.saturating_sub(w.sent_us));
            }
        }
        if let Some(last) = w.last_us {
            w.gap_us = w.gap_us.max(now_us.saturating_sub(last));
        }
        w.last_us = Some(now_us);
        let end32 = end.min(u64::from(u32::MAX)) as u32;
        if end32 > w.reached {
            // The stream moves on (even if these bytes were known already). Once it flows, a
            // silence of a few of its own pauses means its tail was lost: ask again then
            // rather than after a whole timeout.
            w.reached = end32;
            let idle_us = (w.gap_us * STREAM_IDLE_FACTOR)
                .max(STREAM_IDLE_MIN_US)
                .min(self.timer.rto_us());
            self.deadline_us = now_us + idle_us;
        }
        let short = len < CHUNK_BYTES;
        if end32 < w.end && !short {
            return Vec::new();
        }
        if short && end32 < w.end && end32 >= self.size_bytes {
            // Less than asked for, ending at or past every byte known: the end of the log.
            self.end_known = true;
            self.tail_probes = 0;
            self.window = None;
            if self.got.is_exactly(self.size_bytes) {
                return Vec::new();
            }
            return self.request_next(now_us, true);
        }
        if short && end32 < w.end && end32 < self.size_bytes {
            // The vehicle ended the log before its listed size (ArduPilot reports a read
            // error as the end of the log): try again a few times.
            self.early_eofs += 1;
            if self.early_eofs > MAX_EARLY_EOFS {
                return self.fail(LogError::EndedEarly {
                    id: self.id,
                    at_bytes: end32,
                    size_bytes: self.size_bytes,
                });
            }
        }
        self.window = None;
        self.request_next(now_us, true)
    }

    /// Handles silence: asks for the first missing range again.
    pub fn poll(&mut self, now_us: u64) -> Vec<LogMsg> {
        if self.outcome.is_some() || now_us < self.deadline_us {
            return Vec::new();
        }
        self.stats.timeouts += 1;
        if !std::mem::take(&mut self.progressed_since_poll) {
            self.retries += 1;
            self.timer.backoff();
        }
        if self.retries > self.timer.timing().max_retries {
            let (got, size) = self.progress();
            return self.fail(LogError::Timeout {
                what: format!("download of log {} ({got} of {size} bytes)", self.id),
                tries: self.retries,
            });
        }
        self.request_next(now_us, false)
    }

    /// When to call [`LogDownload::poll`] (µs), while running.
    pub fn deadline_us(&self) -> Option<u64> {
        self.outcome.is_none().then_some(self.deadline_us)
    }

    /// The result once finished.
    pub fn outcome(&self) -> Option<&Result<Vec<u8>, LogError>> {
        self.outcome.as_ref()
    }

    /// Takes the result out.
    pub fn take_outcome(&mut self) -> Option<Result<Vec<u8>, LogError>> {
        self.outcome.take()
    }
}
