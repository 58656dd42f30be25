//! All vehicles heard on the links, keyed by (sysid, compid), and THE entry point for inbound
//! frames: [`Fleet::apply_frame`] (typed) and [`Fleet::apply_raw`] (bytes, robust).
//!
//! Rules, following what QGroundControl does:
//! - A vehicle is created by a HEARTBEAT whose autopilot is not MAV_AUTOPILOT_INVALID and
//!   whose type is not a GCS, companion computer, gimbal, camera or other peripheral (see
//!   [`is_vehicle_heartbeat`]). Nothing else creates a vehicle.
//! - Other messages from a known (sysid, compid) update that vehicle.
//! - Camera messages (CAMERA_FEEDBACK, CAMERA_TRIGGER, CAMERA_IMAGE_CAPTURED) from another
//!   component of a known system (a MAVLink camera at compid 100) go to that system's
//!   autopilot: compid 1 if it is a vehicle, else the lowest vehicle compid.
//! - Everything else from unknown senders is ignored.
//!
//! ```text
//!   (unknown) --vehicle HEARTBEAT--> Live --no HEARTBEAT > 3 s (check_timeouts)--> Lost
//!                                     ^                                             |
//!                                     +---------------- HEARTBEAT ------------------+
//! ```

use std::collections::BTreeMap;

use crate::protocol::dialect::MavMessage;
use crate::protocol::frame::{FrameError, FrameHeader, Version, decode_payload};

use super::events::FleetEvent;
use super::heartbeat::{HEARTBEAT_MSGID, Heartbeat};
use super::ids::{VehicleId, is_vehicle_heartbeat};
use super::state::VehicleState;

/// A vehicle whose HEARTBEAT has been silent longer than this is lost, microseconds.
pub const HEARTBEAT_TIMEOUT_US: u64 = 3_000_000;
/// MAV_COMP_ID_AUTOPILOT1.
const COMP_ID_AUTOPILOT1: u8 = 1;

/// All vehicles, sorted by id.
#[derive(Debug, Clone, Default)]
pub struct Fleet {
    vehicles: BTreeMap<VehicleId, VehicleState>,
    undecodable: u64,
}

/// AUTOPILOT_VERSION (its first field is the capability bits, `MAV_PROTOCOL_CAPABILITY`).
const AUTOPILOT_VERSION_MSGID: u32 = 148;

impl Fleet {
    /// An empty fleet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies one decoded frame. `header` gives the sender and the MAVLink version.
    pub fn apply_frame(
        &mut self,
        header: &FrameHeader,
        msg: &MavMessage,
        t_us: u64,
    ) -> Vec<FleetEvent> {
        let mut out = Vec::new();
        if let MavMessage::HEARTBEAT(d) = msg {
            self.heartbeat(header, &Heartbeat::from(d), t_us, &mut out);
            return out;
        }
        let id = VehicleId::new(header.sysid, header.compid);
        if let Some(state) = self.vehicles.get_mut(&id) {
            note_version(state, header);
            state.apply_from(msg, header.compid, t_us, &mut out);
        } else if is_camera_message(msg)
            && let Some(state) = self.autopilot_of_mut(header.sysid)
        {
            state.apply_from(msg, header.compid, t_us, &mut out);
        }
        out
    }

    /// Applies one frame given as header and payload bytes. Decodes with the dialect; a
    /// HEARTBEAT the typed decoder rejects (e.g. a MAV_TYPE newer than the crate) is decoded by
    /// hand. Any other message that does not decode (unknown id, invalid enum value) is skipped
    /// and counted in [`Fleet::undecodable`].
    pub fn apply_raw(
        &mut self,
        header: &FrameHeader,
        payload: &[u8],
        t_us: u64,
    ) -> Vec<FleetEvent> {
        if header.msgid == AUTOPILOT_VERSION_MSGID {
            // Read from the raw bytes: the typed decoder refuses capability bits newer than
            // the dialect, and the capabilities are all that is needed here.
            if let Some(v) = self
                .vehicles
                .get_mut(&VehicleId::new(header.sysid, header.compid))
            {
                let mut b = [0u8; 8];
                let n = payload.len().min(8);
                b[..n].copy_from_slice(&payload[..n]);
                v.capabilities = Some(u64::from_le_bytes(b));
            }
        }
        match decode_payload(header, payload) {
            Ok(msg) => self.apply_frame(header, &msg, t_us),
            Err(FrameError::Decode { msgid, .. }) if msgid == HEARTBEAT_MSGID => {
                let mut out = Vec::new();
                self.heartbeat(header, &Heartbeat::from_payload(payload), t_us, &mut out);
                out
            }
            Err(_) => {
                self.undecodable += 1;
                Vec::new()
            }
        }
    }

    fn heartbeat(
        &mut self,
        header: &FrameHeader,
        hb: &Heartbeat,
        t_us: u64,
        out: &mut Vec<FleetEvent>,
    ) {
        if !is_vehicle_heartbeat(hb.mav_type, hb.autopilot) {
            return;
        }
        let id = VehicleId::new(header.sysid, header.compid);
        match self.vehicles.get_mut(&id) {
            Some(state) => {
                note_version(state, header);
                state.apply_heartbeat(hb, t_us, out);
            }
            None => {
                let mut state = VehicleState::new(id, hb, t_us);
                note_version(&mut state, header);
                out.push(FleetEvent::VehicleAppeared {
                    id,
                    t_us,
                    autopilot: state.autopilot,
                    class: state.class,
                    mode: state.mode_name.clone(),
                    armed: state.armed,
                });
                self.vehicles.insert(id, state);
            }
        }
    }

    /// Time-driven events: [`FleetEvent::VehicleLost`] once per silence longer than
    /// [`HEARTBEAT_TIMEOUT_US`], and chunked STATUSTEXT messages whose last chunk never came.
    /// Call it regularly (live: every few hundred ms; replay: with each record's time).
    pub fn check_timeouts(&mut self, now_us: u64) -> Vec<FleetEvent> {
        let mut out = Vec::new();
        for (id, state) in &mut self.vehicles {
            if !state.is_lost()
                && now_us.saturating_sub(state.last_heartbeat_us) > HEARTBEAT_TIMEOUT_US
            {
                state.set_lost();
                out.push(FleetEvent::VehicleLost {
                    id: *id,
                    t_us: now_us,
                    last_heartbeat_us: state.last_heartbeat_us,
                });
            }
            out.extend(state.check_timeouts(now_us));
        }
        out
    }

    /// Notes that a vehicle used the INT mission messages (so it takes INT items).
    pub fn note_mission_int(&mut self, id: VehicleId) {
        if let Some(v) = self.vehicles.get_mut(&id) {
            v.mission_int_seen = true;
        }
    }

    /// The vehicle with this id.
    pub fn get(&self, id: VehicleId) -> Option<&VehicleState> {
        self.vehicles.get(&id)
    }

    /// All vehicles, sorted by id.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &VehicleState> + ExactSizeIterator {
        self.vehicles.values()
    }

    /// Ids of all vehicles, sorted.
    pub fn ids(&self) -> impl DoubleEndedIterator<Item = VehicleId> + ExactSizeIterator + '_ {
        self.vehicles.keys().copied()
    }

    /// Number of vehicles.
    pub fn len(&self) -> usize {
        self.vehicles.len()
    }

    /// True when no vehicle has been heard.
    pub fn is_empty(&self) -> bool {
        self.vehicles.is_empty()
    }

    /// Vehicles (autopilots) of one system, sorted by component id.
    pub fn autopilots_of(&self, sysid: u8) -> impl DoubleEndedIterator<Item = &VehicleState> {
        self.vehicles
            .range(VehicleId::new(sysid, 0)..=VehicleId::new(sysid, u8::MAX))
            .map(|(_, v)| v)
    }

    /// Messages skipped by [`Fleet::apply_raw`] because they did not decode.
    pub fn undecodable(&self) -> u64 {
        self.undecodable
    }

    /// Forgets every vehicle (e.g. before replaying from another point in time).
    pub fn clear(&mut self) {
        self.vehicles.clear();
    }

    /// The autopilot that receives camera messages of system `sysid`.
    fn autopilot_of_mut(&mut self, sysid: u8) -> Option<&mut VehicleState> {
        let primary = VehicleId::new(sysid, COMP_ID_AUTOPILOT1);
        let key = if self.vehicles.contains_key(&primary) {
            primary
        } else {
            *self.autopilots_of(sysid).next().map(|v| &v.id)?
        };
        self.vehicles.get_mut(&key)
    }
}

fn note_version(state: &mut VehicleState, header: &FrameHeader) {
    if header.version == Version::V2 {
        state.mavlink2 = true;
    }
}

fn is_camera_message(msg: &MavMessage) -> bool {
    matches!(
        msg,
        MavMessage::CAMERA_FEEDBACK(_)
            | MavMessage::CAMERA_TRIGGER(_)
            | MavMessage::CAMERA_IMAGE_CAPTURED(_)
    )
}

#[cfg(test)]
#[path = "fleet_tests.rs"]
mod tests;
