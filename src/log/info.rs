//! One-screen summary of a `.tlog` (`steppe tlog info FILE`): what is in the file, who was
//! talking, how long, how far, and how damaged it is. Operators run it on a laptop in the field
//! to check a log before they leave; scripts read its JSON.
//!
//! [`summarize`] never fails: a damaged file gives a summary of what could be read, an empty
//! file an empty summary. It is one pass over the records and stays fast on 100 MB logs: every
//! frame is counted by message id in a flat array and by sender in another; only HEARTBEAT,
//! GLOBAL_POSITION_INT and VFR_HUD are decoded, by hand from their fixed layouts (MAVLink 2
//! payloads zero-padded), so an enum value newer than our dialect (a new `MAV_TYPE`) cannot make
//! a heartbeat undecodable.
//!
//! Rules:
//! - Times are the tlog's record timestamps; only plausible ones (years 2000-2099) count, so a
//!   stray 1970 record does not stretch the duration. The longest gap between consecutive
//!   records is reported (an app left running after landing); steps backwards are counted.
//! - A vehicle is a (sysid, compid) that sent a HEARTBEAT with an autopilot other than
//!   `MAV_AUTOPILOT_INVALID` and a type other than GCS. A ground station sent a HEARTBEAT of type
//!   GCS (old Mission Planner versions claim an autopilot: they are still ground stations). Other
//!   heartbeat senders (cameras, gimbals, companions) are listed as other components.
//! - Armed time: the intervals after heartbeats showing `MAV_MODE_FLAG_SAFETY_ARMED`, each capped
//!   at 5 s so a link outage does not count as flying.
//! - Distance: great-circle steps between consecutive GLOBAL_POSITION_INT fixes of the vehicle
//!   while armed, ignoring lat = lon = 0 and steps implying more than 100 m/s. Steps are timed by
//!   the vehicle's `time_boot_ms` (right under SITL speed-up), or the record time if it is 0.
//! - Max speed: the horizontal velocity of GLOBAL_POSITION_INT (VFR_HUD ground speed only for a
//!   vehicle without position fixes): ArduPlane SITL sends one 53 m/s VFR_HUD spike at take-off
//!   that no position message shows.
//! - Modes: the raw `custom_mode` numbers, in order of first appearance (the text output names
//!   them with the vehicle mode tables; JSON keeps the numbers).

mod render;
pub use render::{autopilot_name, human_duration, iso8601, mav_type_name};
pub(crate) use render::{jnum, js};
#[cfg(test)]
mod tests;

use crate::geo::LatLon;
use crate::log::events::{EventOptions, FlightScanner, VehicleFlights};
use crate::log::tlog::{TlogReader, TlogRecord, TlogStats};
use crate::protocol::frame::message_name;
use std::collections::{BTreeMap, HashMap};

/// Timestamps between 2000-01-01 and 2100-01-01 count as plausible.
const PLAUSIBLE_US: std::ops::Range<u64> = 946_684_800_000_000..4_102_444_800_000_000;
/// Longest heartbeat interval that counts as armed time.
pub const ARMED_INTERVAL_CAP_US: u64 = 5_000_000;
/// Fastest plausible ground speed between two position fixes.
pub const MAX_STEP_SPEED_MPS: f64 = 100.0;

const MSG_HEARTBEAT: u32 = 0;
const MSG_GLOBAL_POSITION_INT: u32 = 33;
const MSG_VFR_HUD: u32 = 74;
const MAV_TYPE_GCS: u8 = 6;
pub(crate) const MAV_AUTOPILOT_INVALID: u8 = 8;
const MAV_MODE_FLAG_SAFETY_ARMED: u8 = 0x80;

/// Summary of a tlog. Lists are sorted: components by (sysid, compid), messages by count
/// (descending) then name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TlogInfo {
    /// Size of the input in bytes.
    pub file_bytes: u64,
    /// What the reader delivered and skipped.
    pub stats: TlogStats,
    /// Earliest plausible record time (microseconds since the Unix epoch).
    pub first_t_us: Option<u64>,
    /// Latest plausible record time.
    pub last_t_us: Option<u64>,
    /// Longest pause between consecutive records with plausible times.
    pub longest_gap: Option<Gap>,
    /// Consecutive plausible record times that went backwards.
    pub backward_steps: u64,
    /// Autopilots seen.
    pub vehicles: Vec<VehicleInfo>,
    /// Ground control stations seen.
    pub ground_stations: Vec<ComponentInfo>,
    /// Other heartbeat senders (cameras, gimbals, companion computers, ...).
    pub other_components: Vec<ComponentInfo>,
    /// Frames per message type.
    pub message_counts: Vec<MessageCount>,
    /// Flights (takeoff to landing) and totals per vehicle (see [`crate::log::events`]).
    pub flights: Vec<VehicleFlights>,
}

impl TlogInfo {
    /// Time between the first and the last plausible record, microseconds.
    pub fn duration_us(&self) -> Option<u64> {
        Some(self.last_t_us?.saturating_sub(self.first_t_us?))
    }
}

/// A pause in the recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    /// Time of the record before the pause.
    pub after_t_us: u64,
    /// Length of the pause, microseconds.
    pub gap_us: u64,
}

/// One (sysid, compid) that sent heartbeats.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComponentInfo {
    /// System id.
    pub sysid: u8,
    /// Component id.
    pub compid: u8,
    /// `MAV_TYPE` from its last heartbeat.
    pub mav_type: u8,
    /// `MAV_AUTOPILOT` from its last heartbeat.
    pub autopilot: u8,
    /// HEARTBEAT frames sent.
    pub heartbeats: u64,
    /// Frames of any type sent.
    pub frames: u64,
    /// Time of its first frame (plausible times only).
    pub first_heard_t_us: Option<u64>,
    /// Time of its last frame.
    pub last_heard_t_us: Option<u64>,
}

/// A vehicle's flight figures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VehicleInfo {
    /// Who it is.
    pub component: ComponentInfo,
    /// Armed time, microseconds (see the module doc).
    pub armed_us: u64,
    /// Distance flown while armed, metres.
    pub distance_m: f64,
    /// Highest `relative_alt` of its GLOBAL_POSITION_INT, metres.
    pub max_alt_rel_m: Option<f64>,
    /// Highest ground speed: GLOBAL_POSITION_INT velocity, or VFR_HUD if it sent no position.
    pub max_ground_speed_mps: Option<f64>,
    /// `custom_mode` values of its heartbeats, in order of first appearance.
    pub custom_modes: Vec<u32>,
}

/// Count of one message type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageCount {
    /// Message id.
    pub msgid: u32,
    /// Dialect name, or `UNKNOWN_<id>`.
    pub name: String,
    /// Frames.
    pub count: u64,
}

/// Summarizes a whole tlog held in memory. Never fails.
pub fn summarize(data: &[u8]) -> TlogInfo {
    let mut acc = Accumulator::new();
    let mut flights = FlightScanner::new(EventOptions::default());
    // Two stages on two cores: one thread finds and checksums the records and sums up the
    // summary, this one follows the flights; batches keep the hand-over cheap.
    const BATCH: usize = 4096;
    let (acc, stats) = std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<super::tlog::TlogRecord<'_>>>(8);
        let reading = s.spawn(move || {
            let mut reader = TlogReader::new(data);
            let mut batch = Vec::with_capacity(BATCH);
            for rec in reader.by_ref() {
                acc.record(&rec);
                batch.push(rec);
                if batch.len() == BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    if tx.send(full).is_err() {
                        break;
                    }
                }
            }
            let _ = tx.send(batch);
            (acc, *reader.stats())
        });
        for batch in rx {
            for rec in &batch {
                flights.record(rec);
            }
        }
        match reading.join() {
            Ok(done) => done,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
    let mut info = acc.finish(data.len() as u64, stats);
    info.flights = flights.finish().vehicles;
    info
}

/// Frames and times per sender, indexed by `sysid << 8 | compid`.
#[derive(Debug, Clone, Copy, Default)]
struct Seen {
    frames: u64,
    first_t_us: u64,
    last_t_us: u64,
}

/// Decoded-message state of one sender.
#[derive(Debug, Default)]
struct SenderState {
    heartbeats: u64,
    mav_type: u8,
    autopilot: u8,
    claims_autopilot: bool,
    last_hb: Option<(u64, bool)>,
    armed_us: u64,
    modes: Vec<u32>,
    last_fix: Option<Fix>,
    distance_m: f64,
    max_alt_rel_m: Option<f64>,
    max_speed_vfr_mps: Option<f64>,
    max_speed_gpi_mps: Option<f64>,
}

#[derive(Debug, Clone, Copy)]
struct Fix {
    boot_ms: u32,
    t_us: u64,
    at: LatLon,
}

struct Accumulator {
    counts: Vec<u64>,
    big_counts: BTreeMap<u32, u64>,
    seen: Vec<Seen>,
    states: HashMap<u16, SenderState>,
    first_t_us: Option<u64>,
    last_t_us: Option<u64>,
    prev_t_us: Option<u64>,
    longest_gap: Option<Gap>,
    backward_steps: u64,
}

fn le_u32(b: &[u8], at: usize) -> u32 {
    let mut w = [0u8; 4];
    if let Some(s) = b.get(at..at + 4) {
        w.copy_from_slice(s);
    }
    u32::from_le_bytes(w)
}

fn le_i32(b: &[u8], at: usize) -> i32 {
    le_u32(b, at) as i32
}

fn le_i16(b: &[u8], at: usize) -> i16 {
    let mut w = [0u8; 2];
    if let Some(s) = b.get(at..at + 2) {
        w.copy_from_slice(s);
    }
    i16::from_le_bytes(w)
}

/// A payload zero-padded to the message's full length (MAVLink 2 truncates trailing zeros).
fn padded<const N: usize>(payload: &[u8]) -> [u8; N] {
    let mut b = [0u8; N];
    for (d, s) in b.iter_mut().zip(payload) {
        *d = *s;
    }
    b
}

fn max_opt(cur: Option<f64>, v: f64) -> Option<f64> {
    if !v.is_finite() {
        return cur;
    }
    Some(cur.map_or(v, |c| c.max(v)))
}

impl Accumulator {
    fn new() -> Self {
        Self {
            counts: vec![0; 1 << 16],
            big_counts: BTreeMap::new(),
            seen: vec![Seen::default(); 1 << 16],
            states: HashMap::new(),
            first_t_us: None,
            last_t_us: None,
            prev_t_us: None,
            longest_gap: None,
            backward_steps: 0,
        }
    }

    fn record(&mut self, rec: &TlogRecord<'_>) {
        let h = &rec.header;
        match self.counts.get_mut(h.msgid as usize) {
            Some(c) => *c += 1,
            None => *self.big_counts.entry(h.msgid).or_insert(0) += 1,
        }
        let key = u16::from(h.sysid) << 8 | u16::from(h.compid);
        let t = PLAUSIBLE_US.contains(&rec.t_us).then_some(rec.t_us);
        if let Some(s) = self.seen.get_mut(usize::from(key)) {
            s.frames += 1;
            if let Some(t) = t {
                if s.first_t_us == 0 {
                    s.first_t_us = t;
                }
                s.last_t_us = t;
            }
        }
        if let Some(t) = t {
            self.time(t);
        }
        match h.msgid {
            MSG_HEARTBEAT => self.heartbeat(key, t, rec.payload()),
            MSG_GLOBAL_POSITION_INT => self.position(key, t, rec.payload()),
            MSG_VFR_HUD => {
                let p: [u8; 20] = padded(rec.payload());
                let gs = f64::from(f32::from_bits(le_u32(&p, 4)));
                if gs >= 0.0 {
                    let st = self.states.entry(key).or_default();
                    st.max_speed_vfr_mps = max_opt(st.max_speed_vfr_mps, gs);
                }
            }
            _ => {}
        }
    }

    fn time(&mut self, t: u64) {
        self.first_t_us = Some(self.first_t_us.map_or(t, |f| f.min(t)));
        self.last_t_us = Some(self.last_t_us.map_or(t, |l| l.max(t)));
        if let Some(prev) = self.prev_t_us {
            if t < prev {
                self.backward_steps += 1;
            } else if self.longest_gap.is_none_or(|g| t - prev > g.gap_us) {
                self.longest_gap = Some(Gap {
                    after_t_us: prev,
                    gap_us: t - prev,
                });
            }
        }
        self.prev_t_us = Some(t);
    }

    fn heartbeat(&mut self, key: u16, t: Option<u64>, payload: &[u8]) {
        // custom_mode u32, type u8, autopilot u8, base_mode u8, system_status u8, version u8.
        let p: [u8; 9] = padded(payload);
        let custom_mode = le_u32(&p, 0);
        let [_, _, _, _, mav_type, autopilot, base_mode, ..] = p;
        let armed = base_mode & MAV_MODE_FLAG_SAFETY_ARMED != 0;
        let st = self.states.entry(key).or_default();
        st.heartbeats += 1;
        st.mav_type = mav_type;
        st.autopilot = autopilot;
        if autopilot != MAV_AUTOPILOT_INVALID && mav_type != MAV_TYPE_GCS {
            st.claims_autopilot = true;
            if !st.modes.contains(&custom_mode) {
                st.modes.push(custom_mode);
            }
        }
        let Some(t) = t else { return };
        if let Some((t_prev, true)) = st.last_hb {
            st.armed_us += t.saturating_sub(t_prev).min(ARMED_INTERVAL_CAP_US);
        }
        st.last_hb = Some((t, armed));
    }

    fn position(&mut self, key: u16, t: Option<u64>, payload: &[u8]) {
        // time_boot_ms u32, lat i32, lon i32, alt i32, relative_alt i32, vx i16, vy i16, ...
        let p: [u8; 28] = padded(payload);
        let (lat_e7, lon_e7) = (le_i32(&p, 4), le_i32(&p, 8));
        if lat_e7 == 0 && lon_e7 == 0 {
            return;
        }
        let at = LatLon::from_e7(lat_e7, lon_e7);
        if !at.is_valid() {
            return;
        }
        let st = self.states.entry(key).or_default();
        st.max_alt_rel_m = max_opt(st.max_alt_rel_m, f64::from(le_i32(&p, 16)) / 1000.0);
        let (vx, vy) = (f64::from(le_i16(&p, 20)), f64::from(le_i16(&p, 22)));
        st.max_speed_gpi_mps = max_opt(st.max_speed_gpi_mps, vx.hypot(vy) / 100.0);
        let fix = Fix {
            boot_ms: le_u32(&p, 0),
            t_us: t.unwrap_or(0),
            at,
        };
        let armed = matches!(st.last_hb, Some((_, true)));
        if let (true, Some(prev)) = (armed, st.last_fix) {
            let d = prev.at.distance_m(at);
            let dt_s = if prev.boot_ms != 0 && fix.boot_ms != 0 {
                // A reboot (time going back) gives a negative step: no distance.
                (f64::from(fix.boot_ms) - f64::from(prev.boot_ms)) / 1000.0
            } else if prev.t_us != 0 && fix.t_us != 0 {
                (fix.t_us as f64 - prev.t_us as f64) / 1e6
            } else {
                -1.0
            };
            if d == 0.0 || (dt_s > 0.0 && d / dt_s <= MAX_STEP_SPEED_MPS) {
                st.distance_m += d;
            }
        }
        st.last_fix = Some(fix);
    }

    fn finish(self, file_bytes: u64, stats: TlogStats) -> TlogInfo {
        let mut info = TlogInfo {
            file_bytes,
            stats,
            first_t_us: self.first_t_us,
            last_t_us: self.last_t_us,
            longest_gap: self.longest_gap,
            backward_steps: self.backward_steps,
            ..TlogInfo::default()
        };
        let mut keys: Vec<u16> = self.states.keys().copied().collect();
        keys.sort_unstable();
        for key in keys {
            let Some(st) = self.states.get(&key) else {
                continue;
            };
            if st.heartbeats == 0 {
                continue;
            }
            let seen = self.seen.get(usize::from(key)).copied().unwrap_or_default();
            let component = ComponentInfo {
                sysid: (key >> 8) as u8,
                compid: key as u8,
                mav_type: st.mav_type,
                autopilot: st.autopilot,
                heartbeats: st.heartbeats,
                frames: seen.frames,
                first_heard_t_us: (seen.first_t_us != 0).then_some(seen.first_t_us),
                last_heard_t_us: (seen.last_t_us != 0).then_some(seen.last_t_us),
            };
            if st.mav_type == MAV_TYPE_GCS {
                info.ground_stations.push(component);
            } else if st.claims_autopilot {
                info.vehicles.push(VehicleInfo {
                    component,
                    armed_us: st.armed_us,
                    distance_m: st.distance_m,
                    max_alt_rel_m: st.max_alt_rel_m,
                    max_ground_speed_mps: st.max_speed_gpi_mps.or(st.max_speed_vfr_mps),
                    custom_modes: st.modes.clone(),
                });
            } else {
                info.other_components.push(component);
            }
        }
        let small = self
            .counts
            .iter()
            .enumerate()
            .map(|(id, &c)| (id as u32, c));
        for (msgid, count) in small.chain(self.big_counts) {
            if count > 0 {
                let name =
                    message_name(msgid).map_or_else(|| format!("UNKNOWN_{msgid}"), str::to_owned);
                info.message_counts
                    .push(MessageCount { msgid, name, count });
            }
        }
        info.message_counts
            .sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
        info
    }
}
