//! Sans-IO MAVLink: framing and the microservices (heartbeat, commands, missions, parameters,
//! onboard logs).
//! Inputs are messages plus the current time; outputs are messages to send and results.
//! Nothing here touches sockets, threads or clocks.

pub mod actions;
pub mod command;
pub mod frame;
pub mod log_server;
pub mod logs;
pub mod lossy;
pub mod mission;
pub mod mission_server;
pub mod param_server;
pub mod params;
pub mod retry;
pub mod signing;
pub mod streams;
pub mod wire;

/// The MAVLink dialect Steppe speaks: ardupilotmega, which includes common.
pub use mavlink::dialects::ardupilotmega as dialect;

/// A message a protocol machine wants sent: typed, or one of the raw-field microservice
/// messages of [`wire::Wire`].
#[derive(Debug, Clone, PartialEq)]
pub enum Outgoing {
    /// A message of the dialect (boxed: the dialect enum is large).
    Typed(Box<dialect::MavMessage>),
    /// A mission, command or parameter message with raw numeric fields.
    Wire(wire::Wire),
}

impl Outgoing {
    /// Encodes into a frame from `sender`.
    pub fn encode(&self, sender: &mut frame::Sender, version: frame::Version) -> frame::Frame {
        match self {
            Outgoing::Typed(m) => sender.encode(m, version),
            Outgoing::Wire(w) => {
                let (id, payload) = w.encode();
                // Wire payloads are at most 51 bytes, so this cannot fail; fall back to an
                // empty heartbeat-sized frame rather than panic if it ever did.
                sender
                    .encode_raw(id, &payload, version)
                    .unwrap_or_else(|_| sender.encode(&streams::gcs_heartbeat(), version))
            }
        }
    }
}
