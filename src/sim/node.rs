//! One simulated vehicle's MAVLink side, sans-IO: frames in, frames out. It wraps the flight
//! model with the mission, parameter and command protocols and ArduPilot's telemetry streams
//! (REQUEST_DATA_STREAM groups, SET_MESSAGE_INTERVAL), so the ground station exercises the same
//! protocol it uses with a real autopilot. The UDP server and the fault injector sit around it.
//!
//! Two clocks: flight time advances by `dt_sim_s` (faster than real time with --speedup);
//! protocol timers and telemetry rates use real time, as the ground station on the other end
//! does.

use super::config::{Airframe, SimConfig};
use super::events::{SimEvent, SimRefusal};
use super::flight::FlightModel;
use super::telemetry as tm;
use crate::geo::LatLon;
use crate::plan::{MissionItem, MissionType};
use crate::protocol::dialect::{self as d, MavMessage};
use crate::protocol::frame::{Frame, Sender, Version};
use crate::protocol::log_server::{LogServer, ServedLog};
use crate::protocol::logs::LogMsg;
use crate::protocol::mission::Address;
use crate::protocol::mission_server::{MissionServer, MissionServerConfig};
use crate::protocol::param_server::ParamServer;
use crate::protocol::signing::SigningState;
use crate::protocol::wire::Wire;
use mavlink::Message;

/// Default parameter tables, our own list of common ArduPilot parameters.
const COPTER_PARAMS: &str = include_str!("../../assets/sim/arducopter.params");
const PLANE_PARAMS: &str = include_str!("../../assets/sim/arduplane.params");

/// Parameters streamed per 20 ms tick (~500/s, like a fast link).
const PARAM_BURST: usize = 10;

/// LOG_DATA / LOG_ENTRY messages streamed per 20 ms tick (~110 KB/s, like ArduPilot on a
/// fast link).
const LOG_BURST: usize = 25;

/// Stream groups of ArduPilot (SRx_ parameters), with their default rates (Hz).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    ExtStatus,
    Position,
    Extra1,
    Extra2,
    Extra3,
}

const GROUPS: [(Group, f64); 5] = [
    (Group::ExtStatus, 2.0),
    (Group::Position, 2.0),
    (Group::Extra1, 4.0),
    (Group::Extra2, 4.0),
    (Group::Extra3, 2.0),
];

/// The configured lowest rate of a stream group: ATTITUDE (EXTRA1) and GLOBAL_POSITION_INT
/// (POSITION) with [`SimConfig::stream_hz`], else none.
fn stream_floor(stream_hz: &Option<f64>, g: Group) -> f64 {
    match (stream_hz, g) {
        (Some(hz), Group::Position | Group::Extra1) => *hz,
        _ => 0.0,
    }
}

/// Everything that defines one simulated vehicle.
#[derive(Debug, Clone)]
pub struct NodeConfig {
    /// System id (component id is always 1, the autopilot).
    pub sysid: u8,
    /// Flight model settings.
    pub flight: SimConfig,
    /// Mission protocol behaviour and failure modes.
    pub mission: MissionServerConfig,
}

/// One simulated vehicle speaking MAVLink 2.
pub struct SimNode {
    pub(super) me: Address,
    pub(super) airframe: Airframe,
    pub(super) flight: FlightModel,
    pub(super) missions: MissionServer,
    pub(super) params: ParamServer,
    pub(super) logs: LogServer,
    pub(super) tx: Sender,
    /// Per group: rate (Hz, 0 = off) and next due time (µs, real).
    groups: Vec<(Group, f64, u64)>,
    pub(super) next_heartbeat_us: u64,
    pub(super) boot_us: Option<u64>,
    pub(super) text_id: u16,
    pub(super) out: Vec<Frame>,
    pub(super) last_current: Option<u16>,
    /// MAVLink 2 signing, once the vehicle has a key (from SETUP_SIGNING or its start-up).
    pub(super) signing: Option<SigningState>,
    /// Wall-clock time (µs since the Unix epoch) for signing timestamps, set by the server.
    pub(super) unix_us: u64,
}

impl SimNode {
    /// A vehicle at its home, disarmed, with an empty mission (home only).
    pub fn new(cfg: NodeConfig) -> Self {
        let me = Address::new(cfg.sysid, 1);
        let airframe = cfg.flight.airframe;
        let table = match airframe {
            Airframe::Copter => COPTER_PARAMS,
            Airframe::Plane => PLANE_PARAMS,
        };
        let mut params = ParamServer::parse_table(table).unwrap_or_default();
        for p in params.iter_mut().filter(|p| p.0 == "MAV_SYSID") {
            p.1 = f32::from(cfg.sysid);
        }
        let flight = FlightModel::new(cfg.flight);
        let cfg_stream = flight.config().stream_hz;
        let mut missions = MissionServer::new(me, cfg.mission);
        missions.set_list(MissionType::Mission, flight.mission_items());
        Self {
            me,
            airframe,
            flight,
            missions,
            params: ParamServer::new(me, params, PARAM_BURST),
            logs: LogServer::new(super::onboard_logs::vehicle_logs(cfg.sysid), LOG_BURST),
            tx: Sender::new(cfg.sysid, 1),
            groups: GROUPS
                .iter()
                .map(|&(g, hz)| (g, hz.max(stream_floor(&cfg_stream, g)), 0))
                .collect(),
            next_heartbeat_us: 0,
            boot_us: None,
            text_id: 0,
            out: Vec::new(),
            last_current: None,
            signing: None,
            unix_us: 0,
        }
    }

    /// The vehicle's address.
    pub fn address(&self) -> Address {
        self.me
    }

    /// The flight model (for tests and the demo's overview).
    pub fn flight(&self) -> &FlightModel {
        &self.flight
    }

    /// The flight model, commanded directly (log generators and tests without a link).
    pub fn flight_mut(&mut self) -> &mut FlightModel {
        &mut self.flight
    }

    /// Replaces the mission as if a ground station had uploaded it.
    pub fn load_mission(&mut self, items: Vec<MissionItem>) {
        self.missions.set_list(MissionType::Mission, items.clone());
        self.flight.set_mission(items);
    }

    /// The onboard (DataFlash) logs the vehicle serves, ids 1..=n in this order.
    pub fn onboard_logs(&self) -> &[ServedLog] {
        self.logs.logs()
    }

    /// Changes the mission protocol's failure modes.
    pub fn set_mission_config(&mut self, cfg: MissionServerConfig) {
        self.missions.set_config(cfg);
    }

    pub(super) fn send(&mut self, m: &MavMessage) {
        let f = self.tx.encode(m, Version::V2);
        self.out.push(f);
    }

    pub(super) fn send_wire(&mut self, w: &Wire) {
        let (id, payload) = w.encode();
        if let Ok(f) = self.tx.encode_raw(id, &payload, Version::V2) {
            self.out.push(f);
        }
    }

    pub(super) fn text(&mut self, severity: u8, text: &str) {
        self.text_id = self.text_id.wrapping_add(1).max(1);
        for m in tm::statustext(severity, text, self.text_id) {
            self.send(&m);
        }
    }

    fn boot_ms(&self, now_us: u64) -> u32 {
        (now_us.saturating_sub(self.boot_us.unwrap_or(now_us)) / 1000) as u32
    }

    /// Feeds a frame received from a ground station.
    pub fn handle_frame(&mut self, f: &Frame, now_us: u64) {
        let h = f.header();
        let from = Address::new(h.sysid, h.compid);
        if h.sysid == self.me.sysid {
            return;
        }
        if let Some(s) = self.signing.as_mut() {
            let verdict = s.verify(f, self.unix_us);
            if !verdict.accepted_strictly(h.msgid) {
                s.counters.ignored += 1;
                return;
            }
        }
        if let Some(w) = Wire::decode(h.msgid, f.payload()) {
            if w.is_for(self.me.sysid, self.me.compid) {
                self.on_wire(from, &w, now_us);
            }
            return;
        }
        let Ok(msg) = f.decode() else { return };
        if msg
            .target_system_id()
            .is_some_and(|t| t != 0 && t != self.me.sysid)
        {
            return;
        }
        if let Some(m) = LogMsg::from_mav(&msg) {
            if m.target()
                .is_some_and(|t| t.compid == 0 || t.compid == self.me.compid)
            {
                self.logs.handle(from, &m);
            }
            return;
        }
        // ArduPilot still honours these deprecated messages (MAVProxy and Mission Planner send them).
        #[allow(deprecated)]
        match msg {
            MavMessage::REQUEST_DATA_STREAM(r) => {
                self.set_stream(r.req_stream_id as u8, r.req_message_rate, r.start_stop != 0)
            }
            MavMessage::SET_MODE(m) => {
                if let Err(r) = self.flight.set_mode(m.custom_mode) {
                    self.announce(&r);
                }
            }
            MavMessage::SETUP_SIGNING(s) => self.setup_signing(&s),
            MavMessage::SET_POSITION_TARGET_GLOBAL_INT(p) => {
                let target = LatLon::from_e7(p.lat_int, p.lon_int);
                if let Err(r) = self.flight.goto(target, f64::from(p.alt)) {
                    self.announce(&r);
                }
            }
            _ => {}
        }
    }

    fn set_stream(&mut self, stream: u8, rate_hz: u16, start: bool) {
        let rate = if start { f64::from(rate_hz) } else { 0.0 };
        let floor = self.flight.config().stream_hz;
        for (g, hz, _) in &mut self.groups {
            let id = match g {
                Group::ExtStatus => 2,
                Group::Position => 6,
                Group::Extra1 => 10,
                Group::Extra2 => 11,
                Group::Extra3 => 12,
            };
            if stream == 0 || stream == id {
                *hz = rate.max(stream_floor(&floor, *g));
            }
        }
    }

    /// A refusal ArduPilot would announce has already queued its STATUSTEXT in the flight
    /// model (sent on the next step); others are silent, like ArduPilot.
    pub(super) fn announce(&mut self, _r: &SimRefusal) {}

    fn on_wire(&mut self, from: Address, w: &Wire, now_us: u64) {
        match w {
            Wire::CommandLong {
                command, params, ..
            } => {
                let p = *params;
                let r = self.command(
                    *command,
                    [p[0], p[1], p[2], p[3]],
                    p[4].into(),
                    p[5].into(),
                    p[6],
                    now_us,
                );
                self.ack(from, *command, r, now_us);
            }
            Wire::CommandInt {
                command,
                params,
                x,
                y,
                z,
                ..
            } => {
                let (lat, lon) = (f64::from(*x) * 1e-7, f64::from(*y) * 1e-7);
                let r = self.command(*command, *params, lat, lon, *z, now_us);
                self.ack(from, *command, r, now_us);
            }
            Wire::MissionSetCurrent { seq, .. } => match self.flight.set_current_item(*seq) {
                Ok(()) => {
                    let m = tm::mission_current(self.flight.state(), *seq);
                    self.send(&m);
                }
                Err(r) => self.announce(&r),
            },
            Wire::ParamRequestList { .. }
            | Wire::ParamRequestRead { .. }
            | Wire::ParamSet { .. } => {
                let (replies, changed) = self.params.handle(from, w);
                for r in &replies {
                    self.send_wire(r);
                }
                if let Some(name) = changed {
                    self.param_changed(&name);
                }
            }
            Wire::MissionRequestList {
                mission_type: 0, ..
            }
            | Wire::MissionRequest {
                mission_type: 0,
                seq: 0,
                ..
            } => {
                // ArduPilot reports the current home as item 0.
                let home = self.flight.home_item();
                self.missions.replace_item(MissionType::Mission, 0, home);
                self.mission_wire(from, w, now_us);
            }
            _ => self.mission_wire(from, w, now_us),
        }
    }

    pub(super) fn mission_wire(&mut self, from: Address, w: &Wire, now_us: u64) {
        let out = self.missions.handle(from, w, now_us);
        for r in &out.replies {
            self.send_wire(r);
        }
        for (severity, text) in &out.texts {
            self.text(*severity, text);
        }
        if out.changed == Some(MissionType::Mission) {
            let items: Vec<MissionItem> = self.missions.list(MissionType::Mission).to_vec();
            self.flight.set_mission(items);
        }
    }

    /// Advances flight time by `dt_sim_s` and sends whatever is due at real time `now_us`.
    pub fn step(&mut self, dt_sim_s: f64, now_us: u64) {
        self.boot_us.get_or_insert(now_us);
        for e in self.flight.step(dt_sim_s) {
            self.on_event(e, now_us);
        }
        for r in self.missions.poll(now_us) {
            self.send_wire(&r);
        }
        for (_, r) in self.params.poll() {
            self.send_wire(&r);
        }
        for (_, m) in self.logs.poll() {
            self.send(&m.to_mav());
        }
        if now_us >= self.next_heartbeat_us {
            self.next_heartbeat_us = now_us + 1_000_000;
            let m = tm::heartbeat(self.flight.state(), self.airframe);
            self.send(&m);
        }
        let due: Vec<Group> = self
            .groups
            .iter_mut()
            .filter(|(_, hz, next)| *hz > 0.0 && now_us >= *next)
            .map(|(g, hz, next)| {
                // Keep the cadence (steps a little shorter than the period must not halve the
                // rate); after a stall of more than a period, start again from now.
                let period = (1e6 / *hz) as u64;
                let on_time = next.saturating_add(period);
                *next = if now_us < on_time {
                    on_time
                } else {
                    now_us + period
                };
                *g
            })
            .collect();
        for g in due {
            self.send_group(g, now_us);
        }
    }

    fn send_group(&mut self, g: Group, now_us: u64) {
        let ms = self.boot_ms(now_us);
        let s = self.flight.state().clone();
        let msgs: Vec<MavMessage> = match g {
            Group::ExtStatus => vec![
                tm::sys_status(&s),
                tm::gps_raw_int(&s, now_us),
                tm::mission_current(&s, s.mission_current),
                tm::nav_controller_output(&s),
                tm::extended_sys_state(&s),
            ],
            Group::Position => vec![tm::global_position_int(&s, ms)],
            Group::Extra1 => vec![tm::attitude(&s, ms)],
            Group::Extra2 => vec![tm::vfr_hud(&s)],
            Group::Extra3 => {
                let mut v = vec![tm::battery_status(&s), tm::ekf_status(&s), tm::wind(&s)];
                v.extend(tm::home_position(&s, now_us));
                v
            }
        };
        for m in &msgs {
            self.send(m);
        }
    }

    pub(super) fn on_event(&mut self, e: SimEvent, now_us: u64) {
        match e {
            SimEvent::ItemReached(seq) => {
                self.send(&MavMessage::MISSION_ITEM_REACHED(
                    d::MISSION_ITEM_REACHED_DATA { seq },
                ));
                let t = format!("Reached command #{seq}");
                self.text(super::events::severity::INFO, &t);
            }
            SimEvent::CurrentItem(seq) => {
                if self.last_current != Some(seq) {
                    self.last_current = Some(seq);
                    let m = tm::mission_current(self.flight.state(), seq);
                    self.send(&m);
                }
            }
            SimEvent::CameraTrigger {
                image_index,
                position,
                alt_amsl_m,
                alt_rel_m,
                roll_rad,
                pitch_rad,
                yaw_rad,
                time_s,
            } => {
                let boot = self.boot_us.unwrap_or(now_us);
                let m = MavMessage::CAMERA_FEEDBACK(d::CAMERA_FEEDBACK_DATA {
                    time_usec: boot + (time_s * 1e6) as u64,
                    lat: crate::geo::deg_to_e7(position.lat_deg),
                    lng: crate::geo::deg_to_e7(position.lon_deg),
                    alt_msl: alt_amsl_m as f32,
                    alt_rel: alt_rel_m as f32,
                    roll: roll_rad.to_degrees() as f32,
                    pitch: pitch_rad.to_degrees() as f32,
                    yaw: crate::geo::wrap_360(yaw_rad.to_degrees()) as f32,
                    foc_len: 0.0,
                    img_idx: (image_index & 0xFFFF) as u16,
                    target_system: 0,
                    cam_idx: 0,
                    flags: d::CameraFeedbackFlags::CAMERA_FEEDBACK_PHOTO,
                    completed_captures: (image_index & 0xFFFF) as u16,
                });
                self.send(&m);
            }
            SimEvent::StatusText { severity, text } => self.text(severity, &text),
            SimEvent::HomeSet => {
                if let Some(m) = tm::home_position(self.flight.state(), now_us) {
                    self.send(&m);
                }
            }
            SimEvent::ModeChanged(_) | SimEvent::Armed | SimEvent::Disarmed => {
                let m = tm::heartbeat(self.flight.state(), self.airframe);
                self.send(&m);
            }
            SimEvent::TookOff | SimEvent::Landed => {
                let m = tm::extended_sys_state(self.flight.state());
                self.send(&m);
            }
        }
    }
}
