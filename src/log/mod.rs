//! Telemetry logs: the tlog codec, the recorder and log summaries.

pub mod recorder;
pub mod tlog;
