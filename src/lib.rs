//! Steppe: a ground control station for survey UAVs.
//!
//! See README.md for the architecture overview.

pub mod cli;
pub mod formats;
pub mod geo;
pub mod link;
pub mod log;
pub mod plan;
pub mod protocol;
pub mod runtime;
pub mod sim;
#[doc(hidden)]
pub mod test_support;
pub mod vehicle;
