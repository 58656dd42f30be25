//! The flight events of a tlog, per vehicle and in time order, for the replay timeline,
//! `steppe tlog events` and the flight segments of `steppe tlog info`.
//!
//! Why it exists: a trainer scrubbing a replay wants to jump to "takeoff", "AUTO", "waypoint 5",
//! "battery failsafe" or "photo 120", and an analyst wants each flight's duration, height,
//! range, photos and battery use without replaying it. Both come from one pass over the log.
//!
//! How: every relevant record goes through the vehicle model ([`Fleet::apply_raw`]), the same
//! code that shows the flight live, so arming, mode names (`src/vehicle` mode tables),
//! reassembled STATUSTEXT, mission progress and photos mean exactly what they meant live. Only
//! the messages the model needs here are decoded (see [`is_relevant`]); ATTITUDE, parameters
//! and the rest are skipped: `steppe tlog events` on a 106 MB log takes 0.36 s in release, file
//! read included.
//!
//! Rules:
//! - Times are record times. A record with an implausible time (outside 2000-2099) takes the
//!   time of the previous plausible record, so it cannot reorder events.
//! - Vehicles are what the fleet calls vehicles (autopilot heartbeats; not ground stations,
//!   cameras, gimbals or companions). Camera messages of another component of the system count
//!   as the autopilot's photos.
//! - Failsafe: a STATUSTEXT containing "failsafe" or "fail-safe" (any severity), or a
//!   HEARTBEAT system status turning CRITICAL or EMERGENCY. Error: other STATUSTEXT of severity
//!   ERROR or worse. Warning: other STATUSTEXT of severity WARNING.
//! - Link gap: no record from the vehicle for more than [`EventOptions::link_gap_us`]
//!   (default [`DEFAULT_LINK_GAP_US`]); the event is at the last record before the silence.
//!   The same measure as the longest gap of `tlog info`, per vehicle.
//!
//! Takeoff and landing, per vehicle:
//! - When the vehicle reports MAV_LANDED_STATE in EXTENDED_SYS_STATE (any value but
//!   UNDEFINED): takeoff when it leaves ON_GROUND (IN_AIR, TAKEOFF or LANDING), landing when
//!   it returns to ON_GROUND. The heuristics below are then off for that vehicle.
//! - Otherwise (ArduPilot does not stream EXTENDED_SYS_STATE by default), from the armed flag
//!   and GLOBAL_POSITION_INT `relative_alt`, for aircraft only (not rovers, boats or subs):
//!   ground level is the relative altitude at arming. Takeoff when, armed, the vehicle climbs
//!   more than [`TAKEOFF_CLIMB_M`] above ground level; the event is at the last fix within
//!   [`NEAR_GROUND_M`] of ground level (the moment it left the ground). Landing at disarming,
//!   or, while still armed, at the start of [`LANDED_HOLD_US`] spent within
//!   [`LANDED_ALT_M`] of ground level with ground speed under [`LANDED_SPEED_MPS`] and
//!   vertical speed under [`LANDED_CLIMB_MPS`].
//! - A vehicle that is armed and more than [`TAKEOFF_CLIMB_M`] above home when first heard is
//!   in the air when the log starts: its flight starts at its first fix.
//! - A flight still in the air when the log ends has no landing; it ends at the vehicle's last
//!   record.

mod render;
#[cfg(test)]
mod tests;
mod tracker;

pub use render::{flight_log_json, flights_json, relative_time, write_flights};
pub use tracker::{BatteryUse, FlightSegment, FlightTotals, VehicleFlights};

use crate::log::tlog::{TlogReader, TlogRecord};
use crate::vehicle::{
    CHUNK_TIMEOUT_US, Fleet, FleetEvent, VehicleId, severity_name, system_status_name,
};
use std::collections::BTreeMap;
use tracker::Tracker;

/// Default silence (no record from a vehicle) reported as a link gap, microseconds.
pub const DEFAULT_LINK_GAP_US: u64 = 5_000_000;
/// Climb above ground level that makes an armed aircraft airborne (heuristic), metres.
pub const TAKEOFF_CLIMB_M: f64 = 3.0;
/// Height above ground level still counted as on the ground when a takeoff starts, metres.
pub const NEAR_GROUND_M: f64 = 1.0;
/// Height above ground level under which an armed aircraft may have landed, metres.
pub const LANDED_ALT_M: f64 = 2.0;
/// Ground speed under which an armed aircraft may have landed, m/s.
pub const LANDED_SPEED_MPS: f64 = 1.0;
/// Vertical speed under which an armed aircraft may have landed, m/s.
pub const LANDED_CLIMB_MPS: f64 = 0.2;
/// How long the landed conditions must hold, microseconds.
pub const LANDED_HOLD_US: u64 = 5_000_000;

/// Timestamps between 2000-01-01 and 2100-01-01 count as plausible.
const PLAUSIBLE_US: std::ops::Range<u64> = 946_684_800_000_000..4_102_444_800_000_000;
/// How often the fleet's time-driven housekeeping runs (flushes unfinished STATUSTEXT).
const HOUSEKEEPING_US: u64 = 500_000;
const MSG_EXTENDED_SYS_STATE: u32 = 245;
const MSG_GLOBAL_POSITION_INT: u32 = 33;
const MSG_SYS_STATUS: u32 = 1;
const MSG_BATTERY_STATUS: u32 = 147;
const MAV_STATE_CRITICAL: u8 = 5;
const MAV_STATE_EMERGENCY: u8 = 6;

/// What kind of thing happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventKind {
    /// First heartbeat of the vehicle in the log (with its mode and armed state).
    Appeared,
    /// Armed.
    Armed,
    /// Disarmed.
    Disarmed,
    /// Left the ground.
    Takeoff,
    /// Back on the ground.
    Landing,
    /// Flight mode changed.
    ModeChange,
    /// The current mission item changed (MISSION_CURRENT).
    MissionCurrent,
    /// A mission item was reached (MISSION_ITEM_REACHED).
    MissionItemReached,
    /// A failsafe (text or CRITICAL/EMERGENCY system status).
    Failsafe,
    /// A STATUSTEXT of severity ERROR or worse.
    Error,
    /// A STATUSTEXT of severity WARNING.
    Warning,
    /// A photo (CAMERA_FEEDBACK, CAMERA_TRIGGER or CAMERA_IMAGE_CAPTURED).
    CameraTrigger,
    /// No record from the vehicle for longer than the link-gap threshold.
    LinkGap,
}

impl EventKind {
    /// Short lowercase name, as used in the JSON and text listings.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Appeared => "appeared",
            EventKind::Armed => "armed",
            EventKind::Disarmed => "disarmed",
            EventKind::Takeoff => "takeoff",
            EventKind::Landing => "landing",
            EventKind::ModeChange => "mode",
            EventKind::MissionCurrent => "mission_current",
            EventKind::MissionItemReached => "mission_item_reached",
            EventKind::Failsafe => "failsafe",
            EventKind::Error => "error",
            EventKind::Warning => "warning",
            EventKind::CameraTrigger => "camera",
            EventKind::LinkGap => "link_gap",
        }
    }
}

/// One event of the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlightEvent {
    /// When, microseconds since the Unix epoch (record time).
    pub t_us: u64,
    /// Which vehicle.
    pub vehicle: VehicleId,
    /// What.
    pub kind: EventKind,
    /// Short English text, e.g. "mode AUTO (was LOITER)", "reached item 5".
    pub text: String,
}

/// Choices for [`flight_log`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventOptions {
    /// Report silences of a vehicle longer than this, microseconds.
    pub link_gap_us: u64,
    /// Only this system id.
    pub sysid: Option<u8>,
}

impl Default for EventOptions {
    fn default() -> Self {
        Self {
            link_gap_us: DEFAULT_LINK_GAP_US,
            sysid: None,
        }
    }
}

/// Everything [`flight_log`] found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FlightLog {
    /// Earliest plausible record time of the whole log (the zero of relative times).
    pub first_t_us: Option<u64>,
    /// Latest plausible record time.
    pub last_t_us: Option<u64>,
    /// Events of all vehicles, by time (ties keep the order they happened in).
    pub events: Vec<FlightEvent>,
    /// Flights and totals per vehicle, sorted by id.
    pub vehicles: Vec<VehicleFlights>,
}

/// Reads a whole tlog held in memory. Never fails: damaged parts are skipped by the reader.
pub fn flight_log(data: &[u8], opts: &EventOptions) -> FlightLog {
    let mut scanner = FlightScanner::new(*opts);
    for rec in TlogReader::new(data) {
        scanner.record(&rec);
    }
    scanner.finish()
}

/// True for the message ids the events need decoded: HEARTBEAT, SYS_STATUS, GPS_RAW_INT,
/// GLOBAL_POSITION_INT, MISSION_CURRENT, MISSION_ITEM_REACHED, BATTERY_STATUS, CAMERA_TRIGGER,
/// CAMERA_FEEDBACK, CAMERA_IMAGE_CAPTURED, HOME_POSITION and STATUSTEXT.
pub fn is_relevant(msgid: u32) -> bool {
    matches!(
        msgid,
        0 | 1 | 24 | 33 | 42 | 46 | 147 | 112 | 180 | 263 | 242 | 253
    )
}

/// The incremental form of [`flight_log`]: feed records in file order, then
/// [`FlightScanner::finish`]. `tlog info` runs it in its own pass over the records.
#[derive(Debug, Default)]
pub struct FlightScanner {
    opts: EventOptions,
    fleet: Fleet,
    trackers: BTreeMap<VehicleId, Tracker>,
    events: Vec<FlightEvent>,
    first_t_us: Option<u64>,
    last_t_us: Option<u64>,
    prev_t_us: Option<u64>,
    housekeeping_t_us: u64,
}

impl FlightScanner {
    /// A scanner with these options.
    pub fn new(opts: EventOptions) -> Self {
        Self {
            opts,
            ..Self::default()
        }
    }

    /// Takes the next record of the log.
    pub fn record(&mut self, rec: &TlogRecord<'_>) {
        let h = &rec.header;
        if self.opts.sysid.is_some_and(|s| s != h.sysid) {
            return;
        }
        let t_us = if PLAUSIBLE_US.contains(&rec.t_us) {
            self.first_t_us = Some(self.first_t_us.map_or(rec.t_us, |f| f.min(rec.t_us)));
            self.last_t_us = Some(self.last_t_us.map_or(rec.t_us, |l| l.max(rec.t_us)));
            self.prev_t_us = Some(rec.t_us);
            rec.t_us
        } else {
            self.prev_t_us.unwrap_or(rec.t_us)
        };
        if t_us.saturating_sub(self.housekeeping_t_us) >= HOUSEKEEPING_US {
            self.housekeeping_t_us = t_us;
            for e in self.fleet.check_timeouts(t_us) {
                self.fleet_event(e);
            }
        }
        let id = VehicleId::new(h.sysid, h.compid);
        if let Some(tr) = self.trackers.get_mut(&id)
            && let Some(gap) = tr.heard(t_us, self.opts.link_gap_us)
        {
            self.events.push(gap);
        }
        if h.msgid == MSG_EXTENDED_SYS_STATE {
            // vtol_state u8, landed_state u8 (MAVLink 2 may drop trailing zeros).
            let landed = rec.payload().get(1).copied().unwrap_or(0);
            if let (Some(tr), Some(v)) = (self.trackers.get_mut(&id), self.fleet.get(id)) {
                tr.landed_state(v, landed, t_us, &mut self.events);
            }
            return;
        }
        if !is_relevant(h.msgid) {
            return;
        }
        for e in self.fleet.apply_raw(h, rec.payload(), t_us) {
            self.fleet_event(e);
        }
        let (Some(tr), Some(v)) = (self.trackers.get_mut(&id), self.fleet.get(id)) else {
            return;
        };
        match h.msgid {
            MSG_GLOBAL_POSITION_INT => {
                let boot_ms = rec
                    .payload()
                    .get(..4)
                    .and_then(|b| b.try_into().ok())
                    .map_or(0, u32::from_le_bytes);
                tr.position(v, boot_ms, t_us, &mut self.events);
            }
            MSG_SYS_STATUS | MSG_BATTERY_STATUS => tr.battery(v, t_us),
            _ => {}
        }
    }

    fn push(&mut self, t_us: u64, vehicle: VehicleId, kind: EventKind, text: String) {
        self.events.push(FlightEvent {
            t_us,
            vehicle,
            kind,
            text,
        });
    }

    fn fleet_event(&mut self, e: FleetEvent) {
        let (id, t_us) = (e.id(), e.t_us());
        match e {
            FleetEvent::VehicleAppeared {
                autopilot,
                class,
                mode,
                armed,
                ..
            } => {
                let state = if armed { "armed" } else { "disarmed" };
                let text = format!("{autopilot} {class} heard: {mode}, {state}");
                self.push(t_us, id, EventKind::Appeared, text);
                let tr = self.trackers.entry(id).or_insert_with(|| Tracker::new(id));
                tr.appeared(class, armed, t_us);
            }
            FleetEvent::ModeChanged { from, to, .. } => {
                self.push(
                    t_us,
                    id,
                    EventKind::ModeChange,
                    format!("mode {to} (was {from})"),
                );
            }
            FleetEvent::Armed { .. } => {
                self.push(t_us, id, EventKind::Armed, "armed".to_owned());
                if let (Some(tr), Some(v)) = (self.trackers.get_mut(&id), self.fleet.get(id)) {
                    tr.armed(v, t_us);
                }
            }
            FleetEvent::Disarmed { .. } => {
                // The landing (if disarming ends the flight) comes first.
                if let Some(tr) = self.trackers.get_mut(&id) {
                    tr.disarmed(t_us, &mut self.events);
                }
                self.push(t_us, id, EventKind::Disarmed, "disarmed".to_owned());
            }
            FleetEvent::SystemStatusChanged { to, .. }
                if to == MAV_STATE_CRITICAL || to == MAV_STATE_EMERGENCY =>
            {
                let text = format!("system status {}", system_status_name(to));
                self.push(t_us, id, EventKind::Failsafe, text);
            }
            FleetEvent::StatusText { severity, text, .. } => {
                let lower = text.to_lowercase();
                let kind = if lower.contains("failsafe") || lower.contains("fail-safe") {
                    EventKind::Failsafe
                } else if severity <= 3 {
                    EventKind::Error
                } else if severity == 4 {
                    EventKind::Warning
                } else {
                    return;
                };
                self.push(
                    t_us,
                    id,
                    kind,
                    format!("{}: {text}", severity_name(severity)),
                );
            }
            FleetEvent::MissionCurrent { seq, .. } => {
                self.push(
                    t_us,
                    id,
                    EventKind::MissionCurrent,
                    format!("current item {seq}"),
                );
            }
            FleetEvent::MissionItemReached { seq, .. } => {
                let text = format!("reached item {seq}");
                self.push(t_us, id, EventKind::MissionItemReached, text);
            }
            FleetEvent::CameraTrigger { event, .. } => {
                let mut text = event
                    .image_index
                    .map_or_else(|| "photo".to_owned(), |i| format!("photo {i}"));
                if !event.ok {
                    text.push_str(" (capture failed)");
                }
                self.push(t_us, id, EventKind::CameraTrigger, text);
                if let Some(tr) = self.trackers.get_mut(&id) {
                    tr.photo();
                }
            }
            FleetEvent::SystemStatusChanged { .. }
            | FleetEvent::HomeSet { .. }
            | FleetEvent::GpsFixChanged { .. }
            | FleetEvent::VehicleLost { .. }
            | FleetEvent::VehicleRegained { .. } => {}
        }
    }

    /// Ends the scan: closes flights still in the air, sorts the events by time.
    pub fn finish(mut self) -> FlightLog {
        // A chunked STATUSTEXT whose last chunk never came before the end of the log.
        if let Some(t_us) = self.prev_t_us {
            for e in self
                .fleet
                .check_timeouts(t_us.saturating_add(CHUNK_TIMEOUT_US + 1))
            {
                self.fleet_event(e);
            }
        }
        self.events.sort_by_key(|e| e.t_us);
        let vehicles = std::mem::take(&mut self.trackers)
            .into_values()
            .map(Tracker::finish)
            .collect();
        FlightLog {
            first_t_us: self.first_t_us,
            last_t_us: self.last_t_us,
            events: self.events,
            vehicles,
        }
    }
}
