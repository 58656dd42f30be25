//! MAVLink onboard-log protocol, vehicle side, sans-IO: the simulator's DataFlash logs,
//! answered the way ArduPilot's `AP_Logger_MAVLinkLogTransfer` does.
//!
//! ```text
//! LOG_REQUEST_LIST(start, end) ─▶ LOG_ENTRY for ids max(start,1)..=min(end,n), `burst` per poll
//!                                 (no logs: one LOG_ENTRY with id 0 and num_logs 0)
//! LOG_REQUEST_DATA(id, ofs, count) ─▶ replaces any stream; LOG_DATA of 90 bytes from ofs,
//!     `burst` per poll, until count bytes or the end of the log (a short or empty chunk)
//!     (an unknown id ends any stream and sends nothing)
//! LOG_REQUEST_END ─▶ stop streaming        LOG_ERASE ─▶ every log deleted
//! ```
//! Log ids are 1..=n, as ArduPilot numbers its list.

use super::logs::{CHUNK_BYTES, LogEntry, LogMsg};
use super::mission::Address;

/// One log the server holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedLog {
    /// UTC start time (s since the epoch, 0 = unknown).
    pub time_utc_s: u32,
    /// Content.
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, Copy)]
enum Activity {
    Idle,
    Listing {
        to: Address,
        next: u16,
        last: u16,
    },
    Sending {
        to: Address,
        id: u16,
        ofs: u32,
        remaining: u32,
    },
}

/// Counters of what the server did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LogServerStats {
    /// LOG_REQUEST_LIST received.
    pub list_requests: u64,
    /// LOG_REQUEST_DATA received.
    pub data_requests: u64,
    /// LOG_DATA sent.
    pub chunks_sent: u64,
    /// LOG_REQUEST_END received.
    pub end_requests: u64,
}

/// The vehicle's logs and the protocol around them.
#[derive(Debug, Clone)]
pub struct LogServer {
    logs: Vec<ServedLog>,
    activity: Activity,
    burst: usize,
    stats: LogServerStats,
}

impl LogServer {
    /// A server holding `logs` (ids 1..=n in this order), sending `burst` messages per poll.
    pub fn new(logs: Vec<ServedLog>, burst: usize) -> Self {
        Self {
            logs,
            activity: Activity::Idle,
            burst: burst.max(1),
            stats: LogServerStats::default(),
        }
    }

    /// The logs held.
    pub fn logs(&self) -> &[ServedLog] {
        &self.logs
    }

    /// Counters.
    pub fn stats(&self) -> LogServerStats {
        self.stats
    }

    /// True while streaming entries or data.
    pub fn is_busy(&self) -> bool {
        !matches!(self.activity, Activity::Idle)
    }

    /// Replaces the content of log `id` (tests: a log that changes while it is read).
    pub fn replace(&mut self, id: u16, bytes: Vec<u8>) {
        if let Some(l) = self.logs.get_mut(usize::from(id).wrapping_sub(1)) {
            l.bytes = bytes;
        }
    }

    fn num_logs(&self) -> u16 {
        u16::try_from(self.logs.len()).unwrap_or(u16::MAX)
    }

    fn entry(&self, id: u16) -> Option<LogEntry> {
        let l = self.logs.get(usize::from(id).checked_sub(1)?)?;
        Some(LogEntry {
            id,
            time_utc_s: l.time_utc_s,
            size_bytes: u32::try_from(l.bytes.len()).unwrap_or(u32::MAX),
        })
    }

    /// Feeds a request from `from` (already checked to be addressed to this vehicle).
    pub fn handle(&mut self, from: Address, msg: &LogMsg) {
        match msg {
            LogMsg::RequestList { start, end, .. } => {
                self.stats.list_requests += 1;
                let n = self.num_logs();
                self.activity = if n == 0 {
                    Activity::Listing {
                        to: from,
                        next: 0,
                        last: 0,
                    }
                } else {
                    Activity::Listing {
                        to: from,
                        next: (*start).max(1),
                        last: (*end).min(n),
                    }
                };
            }
            LogMsg::RequestData {
                id,
                ofs_bytes,
                count_bytes,
                ..
            } => {
                self.stats.data_requests += 1;
                let Some(e) = self.entry(*id) else {
                    self.activity = Activity::Idle;
                    return;
                };
                let left = e.size_bytes.saturating_sub(*ofs_bytes);
                self.activity = Activity::Sending {
                    to: from,
                    id: *id,
                    ofs: *ofs_bytes,
                    remaining: left.min(*count_bytes),
                };
            }
            LogMsg::RequestEnd { .. } => {
                self.stats.end_requests += 1;
                self.activity = Activity::Idle;
            }
            LogMsg::Erase { .. } => {
                self.logs.clear();
                self.activity = Activity::Idle;
            }
            LogMsg::Entry { .. } | LogMsg::Data { .. } => {}
        }
    }

    /// Messages due now: (to, message), at most `burst`.
    pub fn poll(&mut self) -> Vec<(Address, LogMsg)> {
        let mut out = Vec::new();
        while out.len() < self.burst {
            match self.activity {
                Activity::Idle => break,
                Activity::Listing { to, next, last } => {
                    if self.logs.is_empty() {
                        out.push((to, self.entry_msg(LogEntry::empty())));
                        self.activity = Activity::Idle;
                        break;
                    }
                    if next > last {
                        self.activity = Activity::Idle;
                        break;
                    }
                    if let Some(e) = self.entry(next) {
                        out.push((to, self.entry_msg(e)));
                    }
                    self.activity = if next >= last {
                        Activity::Idle
                    } else {
                        Activity::Listing {
                            to,
                            next: next + 1,
                            last,
                        }
                    };
                }
                Activity::Sending {
                    to,
                    id,
                    ofs,
                    remaining,
                } => {
                    let len = remaining.min(CHUNK_BYTES as u32);
                    let data: Vec<u8> = self
                        .logs
                        .get(usize::from(id).wrapping_sub(1))
                        .and_then(|l| l.bytes.get(ofs as usize..)?.get(..len as usize))
                        .map(<[u8]>::to_vec)
                        .unwrap_or_default();
                    let count = data.len();
                    out.push((
                        to,
                        LogMsg::Data {
                            id,
                            ofs_bytes: ofs,
                            data,
                        },
                    ));
                    self.stats.chunks_sent += 1;
                    let remaining = remaining - len;
                    self.activity = if count < CHUNK_BYTES || remaining == 0 {
                        Activity::Idle
                    } else {
                        Activity::Sending {
                            to,
                            id,
                            ofs: ofs + len,
                            remaining,
                        }
                    };
                }
            }
        }
        out
    }

    fn entry_msg(&self, entry: LogEntry) -> LogMsg {
        LogMsg::Entry {
            entry,
            num_logs: self.num_logs(),
            last_log_num: self.num_logs(),
        }
    }
}

impl LogEntry {
    /// The entry ArduPilot sends when it has no logs (id 0, size 0).
    pub fn empty() -> Self {
        Self {
            id: 0,
            time_utc_s: 0,
            size_bytes: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GCS: Address = Address::new(255, 190);

    fn server() -> LogServer {
        let logs = vec![
            ServedLog {
                time_utc_s: 1,
                bytes: (0..200u8).collect(),
            },
            ServedLog {
                time_utc_s: 2,
                bytes: vec![7; 180],
            },
        ];
        LogServer::new(logs, 100)
    }

    #[test]
    fn streams_a_range_like_ardupilot() {
        let mut s = server();
        let req = |ofs, count| LogMsg::RequestData {
            target: Address::new(1, 1),
            id: 1,
            ofs_bytes: ofs,
            count_bytes: count,
        };
        s.handle(GCS, &req(0, u32::MAX));
        let lens: Vec<usize> = s
            .poll()
            .into_iter()
            .map(|(_, m)| match m {
                LogMsg::Data { data, .. } => data.len(),
                _ => usize::MAX,
            })
            .collect();
        assert_eq!(lens, vec![90, 90, 20], "ends with a short chunk");
        // Past the end: one empty chunk, like ArduPilot.
        s.handle(GCS, &req(500, 90));
        assert_eq!(s.poll().len(), 1);
        // Exactly to the end of a range of whole chunks: no extra chunk.
        s.handle(GCS, &req(90, 90));
        assert_eq!(s.poll().len(), 1);
        assert!(!s.is_busy());
        // A log of exactly two chunks ends without an empty chunk.
        s.handle(
            GCS,
            &LogMsg::RequestData {
                target: Address::new(1, 1),
                id: 2,
                ofs_bytes: 0,
                count_bytes: u32::MAX,
            },
        );
        assert_eq!(s.poll().len(), 2);
    }

    #[test]
    fn lists_and_erases() {
        let mut s = server();
        let list = LogMsg::RequestList {
            target: Address::new(1, 1),
            start: 0,
            end: u16::MAX,
        };
        s.handle(GCS, &list);
        assert_eq!(s.poll().len(), 2);
        s.handle(
            GCS,
            &LogMsg::Erase {
                target: Address::new(1, 1),
            },
        );
        s.handle(GCS, &list);
        let out = s.poll();
        assert!(matches!(
            out.as_slice(),
            [(_, LogMsg::Entry { num_logs: 0, .. })]
        ));
    }
}
