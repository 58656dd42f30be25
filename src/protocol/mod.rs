//! Sans-IO MAVLink: framing and the microservices (heartbeat, commands, missions, parameters).
//! Inputs are messages plus the current time; outputs are messages to send and results.
//! Nothing here touches sockets, threads or clocks.

pub mod frame;
pub mod lossy;
pub mod mission;
pub mod mission_server;
pub mod retry;
pub mod wire;

#[cfg(test)]
mod mission_tests;

/// The MAVLink dialect Steppe speaks: ardupilotmega, which includes common.
pub use mavlink::dialects::ardupilotmega as dialect;
