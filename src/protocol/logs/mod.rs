//! MAVLink onboard-log protocol (the autopilot's own DataFlash `.bin` logs), ground-station
//! side, sans-IO: list the logs, download one with resume of lost chunks.
//!
//! ```text
//! LIST      start ──LOG_REQUEST_LIST(0, 0xFFFF)──▶ Listing ◀── LOG_ENTRY(id, num_logs): store
//!             num_logs == 0 ─▶ Done(Ok([]))       all num_logs ids stored ─▶ Done(Ok(entries))
//!             silence ≥ timeout: nothing yet ─▶ LOG_REQUEST_LIST again
//!                                some missing ─▶ LOG_REQUEST_LIST(lowest missing, highest missing)
//!             retries without progress exhausted ─▶ Done(Err(Timeout))
//! DOWNLOAD  start ──LOG_REQUEST_DATA(id, window)──▶ Streaming ◀── LOG_DATA(ofs, ≤90 bytes): store
//!             last chunk of the window (or a short one) ─▶ next window: first missing range
//!                 (gaps closer than `merge_gap_bytes` joined, at most `window_bytes`; the
//!                 window reaching the known size asks for a window more: the log may have
//!                 grown since it was listed)
//!             bytes past the known size ─▶ the size grows with them
//!             a short (or empty) chunk ending at or past the known size ─▶ the log ends there
//!             silence ≥ timeout (a flowing stream: ≥ 4× its longest pause, at least 100 ms)
//!                 ─▶ LOG_REQUEST_DATA for the first missing range again (or past the end:
//!                 after 3 unanswered, the known size is taken as the end)
//!             every byte 0..end stored and verified ─▶ LOG_REQUEST_END, Done(Ok(bytes))
//!             same offset, different bytes ─▶ LOG_REQUEST_END, Done(Err(Inconsistent))
//!             retries without progress exhausted ─▶ LOG_REQUEST_END, Done(Err(Timeout))
//! ```
//! ArduPilot streams the whole requested range and a new LOG_REQUEST_DATA replaces the range
//! it is streaming, so only one window is ever outstanding; it keeps streaming until the range
//! ends or LOG_REQUEST_END arrives, which is why every end (success, error, cancel) sends one.

mod download;
mod list;
mod ranges;
#[cfg(test)]
mod tests;

pub use download::{DownloadConfig, DownloadStats, LogDownload};
pub use list::LogList;
pub use ranges::RangeSet;

use super::dialect::{self as d, MavMessage};
use super::mission::Address;

/// Bytes in one LOG_DATA message.
pub const CHUNK_BYTES: usize = 90;

/// Message ids of the log protocol.
pub mod id {
    /// LOG_REQUEST_LIST
    pub const LOG_REQUEST_LIST: u32 = 117;
    /// LOG_ENTRY
    pub const LOG_ENTRY: u32 = 118;
    /// LOG_REQUEST_DATA
    pub const LOG_REQUEST_DATA: u32 = 119;
    /// LOG_DATA
    pub const LOG_DATA: u32 = 120;
    /// LOG_ERASE
    pub const LOG_ERASE: u32 = 121;
    /// LOG_REQUEST_END
    pub const LOG_REQUEST_END: u32 = 122;
}

/// One log as the vehicle lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogEntry {
    /// Log id used to download it.
    pub id: u16,
    /// UTC time of the log's start (seconds since the epoch; 0 = unknown, no GPS time).
    pub time_utc_s: u32,
    /// Size in bytes.
    pub size_bytes: u32,
}

/// A message of the log protocol, with plain fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogMsg {
    /// LOG_REQUEST_LIST: ask for the entries `start..=end`.
    RequestList {
        /// Addressed vehicle.
        target: Address,
        /// First id.
        start: u16,
        /// Last id (0xFFFF = the last log).
        end: u16,
    },
    /// LOG_ENTRY: one log of the list.
    Entry {
        /// The entry.
        entry: LogEntry,
        /// Number of logs on the vehicle.
        num_logs: u16,
        /// Highest log number.
        last_log_num: u16,
    },
    /// LOG_REQUEST_DATA: stream `count_bytes` of log `id` from `ofs_bytes`.
    RequestData {
        /// Addressed vehicle.
        target: Address,
        /// Log id.
        id: u16,
        /// First byte.
        ofs_bytes: u32,
        /// Number of bytes (0xFFFF_FFFF = to the end).
        count_bytes: u32,
    },
    /// LOG_DATA: up to 90 bytes of a log.
    Data {
        /// Log id.
        id: u16,
        /// Offset of the first byte.
        ofs_bytes: u32,
        /// The bytes (`count` of the message; fewer than 90 at the end of a range or log).
        data: Vec<u8>,
    },
    /// LOG_ERASE: delete every log.
    Erase {
        /// Addressed vehicle.
        target: Address,
    },
    /// LOG_REQUEST_END: stop streaming.
    RequestEnd {
        /// Addressed vehicle.
        target: Address,
    },
}

impl LogMsg {
    /// The dialect message to send.
    pub fn to_mav(&self) -> MavMessage {
        match self {
            LogMsg::RequestList { target, start, end } => {
                MavMessage::LOG_REQUEST_LIST(d::LOG_REQUEST_LIST_DATA {
                    start: *start,
                    end: *end,
                    target_system: target.sysid,
                    target_component: target.compid,
                })
            }
            LogMsg::Entry {
                entry,
                num_logs,
                last_log_num,
            } => MavMessage::LOG_ENTRY(d::LOG_ENTRY_DATA {
                time_utc: entry.time_utc_s,
                size: entry.size_bytes,
                id: entry.id,
                num_logs: *num_logs,
                last_log_num: *last_log_num,
            }),
            LogMsg::RequestData {
                target,
                id,
                ofs_bytes,
                count_bytes,
            } => MavMessage::LOG_REQUEST_DATA(d::LOG_REQUEST_DATA_DATA {
                ofs: *ofs_bytes,
                count: *count_bytes,
                id: *id,
                target_system: target.sysid,
                target_component: target.compid,
            }),
            LogMsg::Data {
                id,
                ofs_bytes,
                data,
            } => {
                let mut buf = [0u8; CHUNK_BYTES];
                let n = data.len().min(CHUNK_BYTES);
                for (dst, src) in buf.iter_mut().zip(data.iter().take(n)) {
                    *dst = *src;
                }
                MavMessage::LOG_DATA(d::LOG_DATA_DATA {
                    ofs: *ofs_bytes,
                    id: *id,
                    count: n as u8,
                    data: buf,
                })
            }
            LogMsg::Erase { target } => MavMessage::LOG_ERASE(d::LOG_ERASE_DATA {
                target_system: target.sysid,
                target_component: target.compid,
            }),
            LogMsg::RequestEnd { target } => MavMessage::LOG_REQUEST_END(d::LOG_REQUEST_END_DATA {
                target_system: target.sysid,
                target_component: target.compid,
            }),
        }
    }

    /// The log message in `m`, if it is one. A LOG_DATA claiming more than 90 bytes is not
    /// valid and is dropped.
    pub fn from_mav(m: &MavMessage) -> Option<LogMsg> {
        let addr = |s, c| Address::new(s, c);
        Some(match m {
            MavMessage::LOG_REQUEST_LIST(r) => LogMsg::RequestList {
                target: addr(r.target_system, r.target_component),
                start: r.start,
                end: r.end,
            },
            MavMessage::LOG_ENTRY(e) => LogMsg::Entry {
                entry: LogEntry {
                    id: e.id,
                    time_utc_s: e.time_utc,
                    size_bytes: e.size,
                },
                num_logs: e.num_logs,
                last_log_num: e.last_log_num,
            },
            MavMessage::LOG_REQUEST_DATA(r) => LogMsg::RequestData {
                target: addr(r.target_system, r.target_component),
                id: r.id,
                ofs_bytes: r.ofs,
                count_bytes: r.count,
            },
            MavMessage::LOG_DATA(l) => LogMsg::Data {
                id: l.id,
                ofs_bytes: l.ofs,
                data: l.data.get(..usize::from(l.count))?.to_vec(),
            },
            MavMessage::LOG_ERASE(r) => LogMsg::Erase {
                target: addr(r.target_system, r.target_component),
            },
            MavMessage::LOG_REQUEST_END(r) => LogMsg::RequestEnd {
                target: addr(r.target_system, r.target_component),
            },
            _ => return None,
        })
    }

    /// The addressed vehicle of a request (`None` for the vehicle's answers).
    pub fn target(&self) -> Option<Address> {
        match self {
            LogMsg::RequestList { target, .. }
            | LogMsg::RequestData { target, .. }
            | LogMsg::Erase { target }
            | LogMsg::RequestEnd { target } => Some(*target),
            LogMsg::Entry { .. } | LogMsg::Data { .. } => None,
        }
    }
}

/// Why listing or downloading logs failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogError {
    /// The vehicle stopped answering.
    #[error("{what} timed out after {tries} tries without progress")]
    Timeout {
        /// What was awaited (with how far it got).
        what: String,
        /// Attempts made.
        tries: u32,
    },
    /// The log is larger than the download accepts (it is held in memory).
    #[error("log {id} is {size_bytes} bytes, more than the {max_bytes} bytes a download may hold")]
    TooLarge {
        /// Log id.
        id: u16,
        /// Its size.
        size_bytes: u32,
        /// The limit.
        max_bytes: u32,
    },
    /// The vehicle sent different bytes for the same offset twice: the log changed while it
    /// was read (the log being written right now?), so no consistent copy can be made.
    #[error(
        "log {id}: the vehicle sent different bytes for offset {ofs_bytes} on two occasions (is it the log being written right now?)"
    )]
    Inconsistent {
        /// Log id.
        id: u16,
        /// Offset of the first differing chunk.
        ofs_bytes: u32,
    },
    /// The vehicle keeps ending the log before its listed size.
    #[error("log {id}: the vehicle ends the log at byte {at_bytes} but listed {size_bytes} bytes")]
    EndedEarly {
        /// Log id.
        id: u16,
        /// Where the data stopped.
        at_bytes: u32,
        /// The listed size.
        size_bytes: u32,
    },
    /// The vehicle still lists logs after being asked to erase them.
    #[error("the vehicle still lists {remaining} log(s) after {tries} LOG_ERASE requests")]
    NotErased {
        /// Logs still listed.
        remaining: usize,
        /// LOG_ERASE messages sent.
        tries: u32,
    },
    /// The operation was cancelled by the operator.
    #[error("{what} cancelled")]
    Cancelled {
        /// What was cancelled ("the download of log 3").
        what: String,
    },
}
