//! [`FlightModel`]: one simulated ArduPilot vehicle and the commands a ground station can give
//! it. Commands answer as ArduPilot does (checks, COMMAND_ACK result, STATUSTEXT wording);
//! time advances only in `step` (see `flight_step.rs`), mission execution is in
//! `flight_auto.rs`.

use super::battery::Battery;
use super::camera::Camera;
use super::config::{Airframe, SimConfig};
use super::copter::CopterDyn;
use super::events::{SimEvent, SimRefusal, severity};
use super::gps::Gps;
use super::guide::{V2, lim};
use super::kin::Kin;
use super::mission_exec::MissionExec;
use super::modes::{copter_mode as cm, mode_info, plane_mode as pm};
use super::plane::PlaneDyn;
use super::rng::SimRng;
use super::state::SimState;
use super::task::{LandStage, LandTask, RtlTask, TakeoffTask, Task, TaskCtx};
use super::wind::Wind;
use crate::geo::{LatLon, LocalFrame};
use crate::plan::mission_item::{MissionItem, cmd, frame};

/// Farthest a commanded position may be from the start position, metres (the local frame is
/// only accurate for a few tens of kilometres).
pub(super) const MAX_RANGE_M: f64 = 100_000.0;
/// Highest commanded altitude above home, metres.
pub(super) const MAX_ALT_REL_M: f64 = 10_000.0;

/// Mission sequencer operations that must wait while the sequencer is running a callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum MissionOp {
    Stop,
    Reset,
    Resume,
    Start,
}

/// A simulated ArduCopter or ArduPlane vehicle.
///
/// Events caused by commands (mode changes, arming, STATUSTEXTs of refusals that ArduPilot
/// announces) are queued and returned by the next [`FlightModel::step`] (or
/// [`FlightModel::take_events`]).
#[derive(Debug, Clone)]
pub struct FlightModel {
    pub(super) cfg: SimConfig,
    pub(super) frame: LocalFrame,
    pub(super) origin_alt_amsl_m: f64,
    pub(super) kin: Kin,
    pub(super) copter: CopterDyn,
    pub(super) plane: PlaneDyn,
    pub(super) battery: Battery,
    pub(super) gps: Gps,
    pub(super) wind: Wind,
    pub(super) camera: Camera,
    pub(super) mission: MissionExec,
    pub(super) task: Task,
    pub(super) mode: u32,
    pub(super) armed: bool,
    pub(super) landed: bool,
    pub(super) landed_at_s: f64,
    pub(super) ground_s: f64,
    pub(super) idle_armed_s: f64,
    pub(super) home: LatLon,
    pub(super) home_alt_amsl_m: f64,
    pub(super) home_valid: bool,
    pub(super) home_locked: bool,
    pub(super) speed_mps: f64,
    pub(super) climb_override_mps: Option<f64>,
    pub(super) descent_override_mps: Option<f64>,
    pub(super) takeoff_alt_m: f64,
    pub(super) paused: Option<(V2, f64)>,
    pub(super) batt_low: bool,
    pub(super) batt_critical: bool,
    pub(super) condition_until_s: f64,
    pub(super) last_nav_end: Option<(V2, f64)>,
    pub(super) land_reported: Option<u16>,
    pub(super) time_s: f64,
    pub(super) events: Vec<SimEvent>,
    pub(super) state: SimState,
    pub(super) in_mission_update: bool,
    pub(super) deferred: Vec<MissionOp>,
}

impl FlightModel {
    /// A disarmed vehicle on the ground at `cfg.home`, in STABILIZE (copter) or MANUAL (plane),
    /// waiting for its GPS fix. The config is sanitized first.
    pub fn new(cfg: SimConfig) -> Self {
        let cfg = cfg.sanitized();
        let frame = LocalFrame::new(cfg.home);
        let speed_mps = match cfg.airframe {
            Airframe::Copter => cfg.copter.wp_speed_mps,
            Airframe::Plane => cfg.plane.cruise_airspeed_mps,
        };
        let mut m = Self {
            frame,
            origin_alt_amsl_m: cfg.home_alt_amsl_m,
            kin: Kin {
                on_ground: true,
                ..Kin::default()
            },
            copter: CopterDyn::new(cfg.copter),
            plane: PlaneDyn::new(cfg.plane),
            battery: Battery::new(
                cfg.battery_capacity_mah,
                cfg.battery_cells,
                cfg.battery_resistance_ohm,
            ),
            gps: Gps::new(cfg.gps_fix_delay_s, SimRng::stream(cfg.seed, 1)),
            wind: Wind::new(
                cfg.wind_speed_mps,
                cfg.wind_from_deg,
                cfg.gust_fraction,
                SimRng::stream(cfg.seed, 2),
            ),
            camera: Camera::default(),
            mission: MissionExec::default(),
            task: Task::Idle,
            mode: 0,
            armed: false,
            landed: true,
            landed_at_s: 0.0,
            ground_s: 0.0,
            idle_armed_s: 0.0,
            home: cfg.home,
            home_alt_amsl_m: cfg.home_alt_amsl_m,
            home_valid: false,
            home_locked: false,
            speed_mps,
            climb_override_mps: None,
            descent_override_mps: None,
            takeoff_alt_m: cfg.plane.takeoff_alt_m,
            paused: None,
            batt_low: false,
            batt_critical: false,
            condition_until_s: 0.0,
            last_nav_end: None,
            land_reported: None,
            time_s: 0.0,
            events: Vec::new(),
            state: SimState::default(),
            in_mission_update: false,
            deferred: Vec::new(),
            cfg,
        };
        m.refresh_state();
        m
    }

    /// The latest snapshot (updated by `step` and by every command).
    pub fn state(&self) -> &SimState {
        &self.state
    }

    /// The (sanitized) configuration.
    pub fn config(&self) -> &SimConfig {
        &self.cfg
    }

    /// Copter or plane.
    pub fn airframe(&self) -> Airframe {
        self.cfg.airframe
    }

    /// Drains the queued events without advancing time.
    pub fn take_events(&mut self) -> Vec<SimEvent> {
        std::mem::take(&mut self.events)
    }

    /// The mission as a ground station downloads it: the stored items with item 0 replaced by
    /// the current home (frame GLOBAL, altitude AMSL), as ArduPilot does.
    pub fn mission_items(&self) -> Vec<MissionItem> {
        let mut items = self.mission.items().to_vec();
        if let Some(first) = items.first_mut() {
            *first = self.home_item();
        }
        items
    }

    /// The home position as ArduPilot reports it in mission item 0 (frame GLOBAL, AMSL).
    pub fn home_item(&self) -> MissionItem {
        let mut h = MissionItem {
            frame: frame::GLOBAL,
            command: cmd::NAV_WAYPOINT,
            z: self.home_alt_amsl_m as f32,
            ..MissionItem::default()
        };
        h.set_position(self.home);
        h
    }

    // ----- small helpers shared by the flight_* files -----

    pub(super) fn is_plane(&self) -> bool {
        self.cfg.airframe == Airframe::Plane
    }

    pub(super) fn auto_mode(&self) -> u32 {
        if self.is_plane() { pm::AUTO } else { cm::AUTO }
    }

    pub(super) fn mode_label(&self, mode: u32) -> &'static str {
        mode_info(self.cfg.airframe, mode).map_or("?", |i| i.name)
    }

    pub(super) fn gps_ok(&self) -> bool {
        self.gps.fix().fix_type >= 3
    }

    pub(super) fn text(&mut self, sev: u8, text: impl Into<String>) {
        self.events.push(SimEvent::StatusText {
            severity: sev,
            text: text.into(),
        });
    }

    pub(super) fn home_enu(&self) -> V2 {
        self.frame.to_enu(self.home).into()
    }

    pub(super) fn home_up(&self) -> f64 {
        self.home_alt_amsl_m - self.origin_alt_amsl_m
    }

    /// Height (above the ground at start) for an altitude above home, clamped to flyable.
    pub(super) fn up_for_rel(&self, alt_rel_m: f64) -> f64 {
        let up = self.home_up() + lim(alt_rel_m, -MAX_ALT_REL_M, MAX_ALT_REL_M);
        lim(up, 1.0, self.home_up().max(0.0) + MAX_ALT_REL_M)
    }

    /// Where a copter stops if it brakes now (a plane: where it is).
    pub(super) fn stopping_point(&self) -> V2 {
        let v = self.kin.vel;
        if self.is_plane() {
            self.kin.pos
        } else {
            self.kin.pos + v * (v.len() / (2.0 * self.cfg.copter.accel_mps2))
        }
    }

    pub(super) fn ctx(&self) -> TaskCtx<'_> {
        TaskCtx {
            airframe: self.cfg.airframe,
            kin: &self.kin,
            time_s: self.time_s,
            home: self.home_enu(),
            home_up_m: self.home_up(),
            speed_mps: self.speed_mps,
            landed: self.landed,
            copter: &self.cfg.copter,
            plane: &self.cfg.plane,
        }
    }

    pub(super) fn refuse(&mut self, r: SimRefusal) -> Result<(), SimRefusal> {
        if let Some(sev) = r.severity {
            self.text(sev, r.text.clone());
        }
        self.refresh_state();
        Err(r)
    }

    pub(super) fn ok(&mut self) -> Result<(), SimRefusal> {
        self.refresh_state();
        Ok(())
    }

    pub(super) fn mission_op(&mut self, op: MissionOp) {
        if self.in_mission_update {
            self.deferred.push(op);
            return;
        }
        match op {
            MissionOp::Stop => self.mission.stop(),
            MissionOp::Reset => self.mission.reset(),
            MissionOp::Resume => {
                if !self.mission.is_running() {
                    self.mission.resume();
                }
            }
            MissionOp::Start => self.mission.start(),
        }
    }

    pub(super) fn rebuild_copter(&mut self) {
        let mut p = self.cfg.copter;
        if let Some(c) = self.climb_override_mps {
            p.climb_mps = c;
        }
        if let Some(d) = self.descent_override_mps {
            p.descent_mps = d;
        }
        self.copter = CopterDyn::new(p);
    }

    /// Switches mode without checks (callers check), setting up the mode's task.
    pub(super) fn enter_mode(&mut self, m: u32) {
        if self.mode == self.auto_mode() && m != self.mode {
            self.mission_op(MissionOp::Stop);
        }
        self.paused = None;
        self.mode = m;
        self.events.push(SimEvent::ModeChanged(m));
        let flying = !self.landed;
        let up = self.kin.up_m;
        let hold = Task::Hold {
            at: self.stopping_point(),
            up_m: up,
        };
        let idle_or = |t: Task| if flying { t } else { Task::Idle };
        if self.is_plane() {
            self.task = match m {
                pm::CIRCLE => idle_or(Task::Bank { up_m: up }),
                pm::LOITER | pm::GUIDED | pm::AUTO => idle_or(hold),
                pm::RTL => idle_or(Task::Rtl(RtlTask::new(&self.ctx()))),
                pm::TAKEOFF => self.plane_takeoff_task(),
                _ => idle_or(Task::Drift { up_m: up }),
            };
        } else {
            if matches!(
                m,
                cm::AUTO | cm::GUIDED | cm::RTL | cm::SMART_RTL | cm::LAND
            ) {
                self.speed_mps = self.cfg.copter.wp_speed_mps;
                self.climb_override_mps = None;
                self.descent_override_mps = None;
                self.rebuild_copter();
            }
            self.task = match m {
                cm::STABILIZE | cm::ALT_HOLD => idle_or(Task::Drift { up_m: up }),
                cm::RTL | cm::SMART_RTL => Task::Rtl(RtlTask::new(&self.ctx())),
                cm::LAND => Task::Land(LandTask {
                    at: self.stopping_point(),
                    stage: LandStage::Descend,
                    done: false,
                }),
                _ => idle_or(hold),
            };
        }
        if m == self.auto_mode() && self.armed {
            self.mission_op(MissionOp::Resume);
        }
    }

    pub(super) fn plane_takeoff_task(&self) -> Task {
        let k = &self.kin;
        Task::Takeoff(TakeoffTask {
            up_m: self.home_up() + self.takeoff_alt_m,
            xy: k.pos,
            heading_deg: k.heading_deg,
            pitch_deg: self.cfg.plane.takeoff_pitch_deg,
            loiter_at: None,
            done: false,
        })
    }

    /// Disarms without checks.
    pub(super) fn disarm_now(&mut self) {
        if !self.armed {
            return;
        }
        self.armed = false;
        self.events.push(SimEvent::Disarmed);
        self.text(severity::INFO, "Disarming motors");
        self.mission_op(MissionOp::Reset);
        self.paused = None;
        self.land_reported = None;
        self.last_nav_end = None;
        self.idle_armed_s = 0.0;
        if self.landed {
            self.task = Task::Idle;
        }
    }
}
