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

/// Asks one vehicle for telemetry until it arrives.
#[derive(Debug, Clone)]
pub struct StreamRequester {
    vehicle: Address,
    ardupilot: bool,
    last_request_us: Option<u64>,
    attempts: u32,
    satisfied: bool,
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
        }
    }

    /// Notes a message id received from the vehicle.
    pub fn on_message(&mut self, msgid: u32) {
        // ATTITUDE or GLOBAL_POSITION_INT after a request: the streams are running.
        if self.last_request_us.is_some() && (msgid == 30 || msgid == 33) {
            self.satisfied = true;
        }
    }

    /// Starts over (the vehicle came back, maybe rebooted).
    pub fn reset(&mut self) {
        self.last_request_us = None;
        self.attempts = 0;
        self.satisfied = false;
    }

    /// True once telemetry arrived after a request.
    pub fn is_satisfied(&self) -> bool {
        self.satisfied
    }

    /// Messages to send now, if a (re)request is due.
    pub fn poll(&mut self, now_us: u64) -> Vec<Outgoing> {
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
        assert_eq!(r.poll(0).len(), 7);
        assert!(r.poll(1_000_000).is_empty());
        assert_eq!(r.poll(3_000_000).len(), 7);
        r.on_message(30);
        assert!(r.poll(10_000_000).is_empty());
        r.reset();
        assert_eq!(r.poll(11_000_000).len(), 7);
    }

    #[test]
    fn gives_up_after_three_attempts() {
        let mut r = StreamRequester::new(Address::new(1, 1), false);
        let sent: usize = (0..10).map(|i| r.poll(i * 3_000_000).len()).sum();
        assert_eq!(sent, 3 * INTERVALS.len());
    }
}
