//! Telemetry logs: the tlog codec, the recorder and log summaries.

pub mod coverage;
mod coverage_gaps;
pub mod coverage_refly;
pub mod events;
pub mod exif;
pub mod export;
pub mod export_triggers;
pub mod footprint;
pub mod geotag;
pub mod index;
pub mod info;
pub mod planned;
pub mod recorder;
pub mod replay;
pub mod series;
pub mod timeline;
pub mod tlog;
pub mod track;
pub mod triggers;
