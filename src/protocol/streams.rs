//! The ground station's own heartbeat and the telemetry request each new vehicle gets.
//!
//! ```text
//! new vehicle ─▶ request streams ─▶ telemetry seen? ── yes ─▶ Satisfied
//!                     ▲  no, 3 s later (max 3 tries) ──┘
//! vehicle lost and back (reboot) ─▶ reset ─▶ request again
//! ```
//! ArduPilot gets REQUEST_DATA_STREAM (its stream groups, as Mission Planner does); PX4 and
//! others get SET_MESSAGE_INTERVAL per message.

// REQUEST_DATA_STREAM is deprecated in the MAVLink XML, but ArduPilot still drives its stream
// groups (SRx_ parameters) with it, and so do Mission Planner and MAVProxy.
#![allow(deprecated)]

use super::Outgoing;
use super::dialect::{self as d, MavMessage};
use super::mission::Address;
use super::wire::Wire;
use crate::plan::mission_item::cmd;

/// The heartbeat a ground station sends at 1 Hz.
pub fn gcs_heartbeat() -> MavMessage {
    MavMessage::HEARTBEAT(d::HEARTBEAT_DATA {
        custom_mode: 0,
        mavtype: d::MavType::MAV_TYPE_GCS,
        autopilot: d::MavAutopilot::MAV_AUTOPILOT_INVALID,
        base_mode: d::MavModeFlag::empty(),
        system_status: d::MavState::MAV_STATE_ACTIVE,
        mavlink_version: 3,
    })
}

/// ArduPilot stream groups and rates (Hz): what a map, HUD and status card need.
const ARDUPILOT_STREAMS: [(d::MavDataStream, u16); 7] = [
    (d::MavDataStream::MAV_DATA_STREAM_RAW_SENSORS, 2),
    (d::MavDataStream::MAV_DATA_STREAM_EXTENDED_STATUS, 2),
    (d::MavDataStream::MAV_DATA_STREAM_RC_CHANNELS, 2),
    (d::MavDataStream::MAV_DATA_STREAM_POSITION, 4),
    (d::MavDataStream::MAV_DATA_STREAM_EXTRA1, 10),
    (d::MavDataStream::MAV_DATA_STREAM_EXTRA2, 4),
    (d::MavDataStream::MAV_DATA_STREAM_EXTRA3, 2),
];

/// Messages and rates (Hz) asked of PX4 and other autopilots.
const INTERVALS: [(u32, f32); 9] = [
    (1, 2.0),   // SYS_STATUS
    (24, 2.0),  // GPS_RAW_INT
    (30, 10.0), // ATTITUDE
    (33, 4.0),  // GLOBAL_POSITION_INT
    (42, 1.0),  // MISSION_CURRENT
    (74, 4.0),  // VFR_HUD
    (147, 1.0), // BATTERY_STATUS
    (242, 0.5), // HOME_POSITION
    (245, 1.0), // EXTENDED_SYS_STATE
];

const RETRY_AFTER_US: u64 = 3_000_000;
const MAX_ATTEMPTS: u32 = 3;
/// AUTOPILOT_VERSION: its capabilities tell whether the vehicle takes MISSION_ITEM_INT.
const AUTOPILOT_VERSION_ID: u32 = 148;
/// MAV_CMD_REQUEST_AUTOPILOT_CAPABILITIES, for firmware without MAV_CMD_REQUEST_MESSAGE.
const REQUEST_AUTOPILOT_CAPABILITIES: u16 = 520;
/// Asks for AUTOPILOT_VERSION this often before giving up (the answer is only an optimisation).
const MAX_VERSION_ATTEMPTS: u32 = 5;
/// AUTOPILOT_VERSION requests are repeated after this long without an answer (µs).
const VERSION_RETRY_US: u64 = 1_500_000;

/// Asks one vehicle for telemetry until it arrives.
#[derive(Debug, Clone)]
pub struct StreamRequester {
    vehicle: Address,
    ardupilot: bool,
    last_request_us: Option<u64>,
    attempts: u32,
    satisfied: bool,
    /// AUTOPILOT_VERSION requests sent, when the last one went, and whether it arrived.
    version_attempts: u32,
    version_request_us: Option<u64>,
    version_seen: bool,
}

impl StreamRequester {
    /// A requester for `vehicle`; `ardupilot` selects the request style.
    pub fn new(vehicle: Address, ardupilot: bool) -> Self {
        Self {
            vehicle,
            ardupilot,
            last_request_us: None,
            attempts: 0,
            satisfied: false,
            version_attempts: 0,
            version_request_us: None,
            version_seen: false,
        }
    }

    /// Notes a message id received from the vehicle.
    pub fn on_message(&mut self, msgid: u32) {
        // ATTITUDE or GLOBAL_POSITION_INT after a request: the streams are running.
        if self.last_request_us.is_some() && (msgid == 30 || msgid == 33) {
            self.satisfied = true;
        }
        if msgid == AUTOPILOT_VERSION_ID {
            self.version_seen = true;
        }
    }

    /// Starts over (the vehicle came back, maybe rebooted).
    pub fn reset(&mut self) {
        self.last_request_us = None;
        self.attempts = 0;
        self.satisfied = false;
        self.version_attempts = 0;
        self.version_request_us = None;
        self.version_seen = false;
    }

    /// AUTOPILOT_VERSION (for the capabilities) until it arrives: MAV_CMD_REQUEST_MESSAGE,
    /// alternating with the older MAV_CMD_REQUEST_AUTOPILOT_CAPABILITIES.
    fn version_request(&mut self, now_us: u64) -> Option<Outgoing> {
        let due = !self.version_seen
            && self.version_attempts < MAX_VERSION_ATTEMPTS
            && self
                .version_request_us
                .is_none_or(|t| now_us >= t + VERSION_RETRY_US);
        if !due {
            return None;
        }
        self.version_request_us = Some(now_us);
        self.version_attempts += 1;
        let (command, params) = if self.version_attempts % 2 == 1 {
            (
                cmd::REQUEST_MESSAGE,
                [AUTOPILOT_VERSION_ID as f32, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            )
        } else {
            (
                REQUEST_AUTOPILOT_CAPABILITIES,
                [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            )
        };
        Some(Outgoing::Wire(Wire::CommandLong {
            target_system: self.vehicle.sysid,
            target_component: self.vehicle.compid,
            command,
            confirmation: 0,
            params,
        }))
    }

    /// True once telemetry arrived after a request.
    pub fn is_satisfied(&self) -> bool {
        self.satisfied
    }

    /// Messages to send now, if a (re)request is due.
    pub fn poll(&mut self, now_us: u64) -> Vec<Outgoing> {
        let mut out: Vec<Outgoing> = self.version_request(now_us).into_iter().collect();
        out.extend(self.stream_requests(now_us));
        out
    }

    fn stream_requests(&mut self, now_us: u64) -> Vec<Outgoing> {
        let due = match self.last_request_us {
            None => true,
            Some(t) => {
                !self.satisfied && self.attempts < MAX_ATTEMPTS && now_us >= t + RETRY_AFTER_US
            }
        };
        if !due {
            return Vec::new();
        }
        self.last_request_us = Some(now_us);
        self.attempts += 1;
        if self.ardupilot {
            ARDUPILOT_STREAMS
                .iter()
                .map(|&(stream, hz)| {
                    Outgoing::Typed(Box::new(MavMessage::REQUEST_DATA_STREAM(
                        d::REQUEST_DATA_STREAM_DATA {
                            req_message_rate: hz,
                            target_system: self.vehicle.sysid,
                            target_component: self.vehicle.compid,
                            req_stream_id: stream,
                            start_stop: 1,
                        },
                    )))
                })
                .collect()
        } else {
            INTERVALS
                .iter()
                .map(|&(msgid, hz)| {
                    Outgoing::Wire(Wire::CommandLong {
                        target_system: self.vehicle.sysid,
                        target_component: self.vehicle.compid,
                        command: cmd::SET_MESSAGE_INTERVAL,
                        confirmation: 0,
                        params: [msgid as f32, 1e6 / hz, 0.0, 0.0, 0.0, 0.0, 0.0],
                    })
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_until_telemetry_arrives() {
        let mut r = StreamRequester::new(Address::new(1, 1), true);
        r.on_message(AUTOPILOT_VERSION_ID);
        assert_eq!(r.poll(0).len(), 7);
        assert!(r.poll(1_000_000).is_empty());
        assert_eq!(r.poll(3_000_000).len(), 7);
        r.on_message(30);
        assert!(r.poll(10_000_000).is_empty());
        r.reset();
        r.on_message(AUTOPILOT_VERSION_ID);
        assert_eq!(r.poll(11_000_000).len(), 7);
    }

    #[test]
    fn gives_up_after_three_attempts() {
        let mut r = StreamRequester::new(Address::new(1, 1), false);
        r.on_message(AUTOPILOT_VERSION_ID);
        let sent: usize = (0..10).map(|i| r.poll(i * 3_000_000).len()).sum();
        assert_eq!(sent, 3 * INTERVALS.len());
    }

    fn version_requests(out: &[Outgoing]) -> Vec<u16> {
        out.iter()
            .filter_map(|o| match o {
                Outgoing::Wire(Wire::CommandLong {
                    command, params, ..
                }) if *command == REQUEST_AUTOPILOT_CAPABILITIES
                    || (*command == cmd::REQUEST_MESSAGE && params[0] == 148.0) =>
                {
                    Some(*command)
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn asks_for_autopilot_version_until_it_arrives() {
        let mut r = StreamRequester::new(Address::new(1, 1), true);
        assert_eq!(version_requests(&r.poll(0)), [cmd::REQUEST_MESSAGE]);
        assert!(version_requests(&r.poll(1_000_000)).is_empty());
        assert_eq!(
            version_requests(&r.poll(1_500_000)),
            [REQUEST_AUTOPILOT_CAPABILITIES]
        );
        r.on_message(AUTOPILOT_VERSION_ID);
        assert!(version_requests(&r.poll(9_000_000)).is_empty());
        // A vehicle that never answers is asked a bounded number of times.
        let mut silent = StreamRequester::new(Address::new(2, 1), false);
        let asked: usize = (0..40)
            .map(|i| version_requests(&silent.poll(i * 1_000_000)).len())
            .sum();
        assert_eq!(asked, MAX_VERSION_ATTEMPTS as usize);
    }
}
