//! Steppe: a ground control station for survey UAVs — plan, fly, record, replay.
//!
//! One engine, two faces: the desktop app and the headless command line ([`cli`]) both drive
//! a [`runtime`] backend thread through requests, events and latest-value snapshots.
//!
//! - Pure logic, tested without sockets or clocks: [`geo`] (positions, local frames),
//!   [`protocol`] (MAVLink framing and the mission, command, parameter and onboard-log
//!   machines),
//!   [`vehicle`] (the state of every vehicle heard), [`plan`] (mission items), [`formats`]
//!   (mission files), [`log`] (the tlog codec and summaries), [`sim`] (the simulated vehicle).
//! - I/O at the edges: [`link`] (UDP, TCP, serial tasks), [`runtime`] (the engine loop and the
//!   recorder thread), `sim::server` (the simulator's socket), [`cli`].
//!
//! README.md has the full architecture overview.

#![warn(missing_docs)]

pub mod alerts;
pub mod app;
pub mod cli;
pub mod formats;
pub mod fuzz_entry;
pub mod geo;
pub mod link;
pub mod log;
pub mod plan;
pub mod protocol;
pub mod runtime;
pub mod sim;
pub mod sound;
#[doc(hidden)]
pub mod test_support;
pub mod tiles;
pub mod ui;
pub mod vehicle;
