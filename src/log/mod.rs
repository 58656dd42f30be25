//! Telemetry logs: the tlog codec, the recorder and log summaries.

pub mod events;
pub mod export;
pub mod info;
pub mod recorder;
pub mod tlog;
pub mod track;
