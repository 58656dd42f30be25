//! File formats exchanged with other ground stations: QGC WPL 110 (.waypoints) and MAVProxy's
//! legacy fence and rally files. Pure text in, mission items out: no I/O here.

pub mod wpl;
mod wpl_legacy;
#[cfg(test)]
mod wpl_samples;
#[cfg(test)]
mod wpl_tests;
