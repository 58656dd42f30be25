//! Simulated ArduPilot-like vehicles for demo mode and tests.
//!
//! [`FlightModel`] is a pure, deterministic model of one copter or plane: time only advances
//! through [`FlightModel::step`], commands are methods that answer like ArduPilot (a
//! [`SimRefusal`] with its COMMAND_ACK result and STATUSTEXT), and everything a ground station
//! would see is in [`SimState`] and the [`SimEvent`]s that `step` returns. The MAVLink side
//! (telemetry, mission/parameter/command servers, UDP) is built on top of this API elsewhere.

mod battery;
mod camera;
pub mod config;
mod copter;
pub mod events;
mod flight;
mod flight_auto;
mod flight_cmd;
mod flight_step;
mod gps;
mod guide;
mod kin;
mod mission_cmd;
mod mission_exec;
pub mod modes;
mod plane;
pub mod rng;
pub mod state;
mod task;
mod task_run;
mod wind;

pub use config::{Airframe, CopterParams, PhotoDrop, PlaneParams, SimConfig};
pub use events::{Refusal, SimEvent, SimRefusal, severity};
pub use flight::FlightModel;
pub use modes::{ModeInfo, copter_mode, mode_info, mode_name, plane_mode};
pub use rng::SimRng;
pub use state::{SimState, landed_state, mission_state};

#[cfg(test)]
mod flight_props;
#[cfg(test)]
mod flight_tests;
#[cfg(test)]
mod flight_tests_plane;
#[cfg(test)]
mod flight_tests_survey;
#[cfg(test)]
mod mission_exec_tests;
#[cfg(test)]
mod parity_tests;

pub mod faults;
pub mod node;
mod node_commands;
mod node_signing;
pub mod onboard_logs;
pub mod server;
pub mod telemetry;
