//! Telemetry logs: the tlog codec, the recorder and log summaries.

pub mod info;
pub mod recorder;
pub mod tlog;
