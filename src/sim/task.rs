//! The active navigation task: what a flight mode or the current mission item is doing right
//! now (taking off, flying a leg, loitering, landing, returning home), its progress, and the
//! guidance demand it gives the airframe each physics step. Modes and mission items share these
//! tasks, as ArduPilot's AUTO reuses its RTL and LAND controllers.

use super::config::{Airframe, CopterParams, PlaneParams};
use super::guide::{Guide, V2};
use super::kin::Kin;
use crate::geo::wrap_180;

/// What a task may look at.
pub(crate) struct TaskCtx<'a> {
    pub airframe: Airframe,
    pub kin: &'a Kin,
    pub time_s: f64,
    pub home: V2,
    pub home_up_m: f64,
    /// Copter horizontal speed or plane airspeed target, m/s.
    pub speed_mps: f64,
    /// Land detector state.
    pub landed: bool,
    pub copter: &'a CopterParams,
    pub plane: &'a PlaneParams,
}

impl TaskCtx<'_> {
    fn is_plane(&self) -> bool {
        self.airframe == Airframe::Plane
    }
}

/// Climb to a height.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TakeoffTask {
    pub up_m: f64,
    pub xy: V2,
    pub heading_deg: f64,
    pub pitch_deg: f64,
    /// Where to loiter afterwards (plane), set on completion.
    pub loiter_at: Option<V2>,
    pub done: bool,
}

/// Fly to a point (and hold there).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct WpTask {
    pub from: V2,
    pub to: V2,
    pub from_up_m: f64,
    pub to_up_m: f64,
    pub radius_m: f64,
    /// Seconds to hold after arriving; `None` holds until replaced (GUIDED).
    pub hold_s: Option<f64>,
    pub end_speed_mps: f64,
    pub reached_at_s: Option<f64>,
    pub done: bool,
}

/// How long to loiter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum OrbitLimit {
    Forever,
    Time(f64),
    Turns(f64),
}

/// Loiter at or around a point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct OrbitTask {
    pub center: V2,
    pub up_m: f64,
    /// Circle radius; below 0.5 m a copter just holds the point.
    pub radius_m: f64,
    pub ccw: bool,
    pub limit: OrbitLimit,
    pub started_at_s: Option<f64>,
    pub angle_rad: f64,
    pub last_bearing_deg: Option<f64>,
    pub done: bool,
}

/// Landing phases.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum LandStage {
    /// Copter: fly to the landing point at the current height first.
    FlyTo { from: V2, up_m: f64 },
    /// Copter: descend.
    Descend,
    /// Plane: glide path towards the touchdown point.
    Approach { from: V2, from_up_m: f64 },
    /// Plane: rolling out after touchdown.
    Rollout,
}

/// Land at a point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LandTask {
    pub at: V2,
    pub stage: LandStage,
    pub done: bool,
}

/// Return-to-launch phases.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum RtlStage {
    Climb { xy: V2 },
    Return { from: V2 },
    LoiterHome { until_s: f64 },
    Land,
    PlaneLoiter,
}

/// Return to launch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RtlTask {
    pub stage: RtlStage,
    pub up_m: f64,
    pub done: bool,
}

/// The active task.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Task {
    /// On the ground.
    Idle,
    /// Hold a point (plane: loiter around it).
    Hold { at: V2, up_m: f64 },
    /// Hold height, no position control.
    Drift { up_m: f64 },
    /// Plane CIRCLE mode.
    Bank { up_m: f64 },
    Takeoff(TakeoffTask),
    Waypoint(WpTask),
    Orbit(OrbitTask),
    Land(LandTask),
    Rtl(RtlTask),
    /// NAV_DELAY: hold until a time.
    Delay { at: V2, up_m: f64, until_s: f64, done: bool },
}

impl RtlTask {
    /// RTL from the present state: climb to the return height, fly home, then land (copter)
    /// or loiter over home (plane).
    pub fn new(ctx: &TaskCtx) -> Self {
        let k = ctx.kin;
        let rtl_alt = if ctx.is_plane() { ctx.plane.rtl_alt_m } else { ctx.copter.rtl_alt_m };
        let up_m = k.up_m.max(ctx.home_up_m + rtl_alt).max(1.0);
        let stage = if ctx.landed {
            RtlStage::Land
        } else if ctx.is_plane() || k.up_m >= up_m - 0.5 {
            RtlStage::Return { from: k.pos }
        } else {
            RtlStage::Climb { xy: k.pos }
        };
        Self { stage, up_m, done: false }
    }
}

impl Task {
    /// True once the task has finished (tasks that hold forever never finish).
    pub fn done(&self) -> bool {
        match self {
            Task::Takeoff(t) => t.done,
            Task::Waypoint(w) => w.done,
            Task::Orbit(o) => o.done,
            Task::Land(l) => l.done,
            Task::Rtl(r) => r.done,
            Task::Delay { done, .. } => *done,
            Task::Idle | Task::Hold { .. } | Task::Drift { .. } | Task::Bank { .. } => false,
        }
    }

    /// Descending to land (MAV_LANDED_STATE_LANDING).
    pub fn is_landing(&self) -> bool {
        matches!(
            self,
            Task::Land(LandTask { stage: LandStage::Descend | LandStage::Approach { .. } | LandStage::Rollout, .. })
                | Task::Rtl(RtlTask { stage: RtlStage::Land, .. })
        )
    }

    /// Climbing out (MAV_LANDED_STATE_TAKEOFF).
    pub fn is_taking_off(&self) -> bool {
        matches!(self, Task::Takeoff(TakeoffTask { done: false, .. }))
    }

    /// A waypoint leg still under way (ArduCopter only pauses those).
    pub fn flying_leg(&self) -> bool {
        matches!(self, Task::Waypoint(WpTask { reached_at_s: None, .. }))
    }

    /// Where the task is heading, for NAV_CONTROLLER_OUTPUT.
    pub fn target(&self, home: V2) -> Option<V2> {
        match self {
            Task::Hold { at, .. } | Task::Delay { at, .. } => Some(*at),
            Task::Takeoff(t) => Some(t.loiter_at.unwrap_or(t.xy)),
            Task::Waypoint(w) => Some(w.to),
            Task::Orbit(o) => Some(o.center),
            Task::Land(l) => Some(l.at),
            Task::Rtl(_) => Some(home),
            Task::Idle | Task::Drift { .. } | Task::Bank { .. } => None,
        }
    }

    /// Updates progress and returns this step's guidance.
    pub fn update(&mut self, ctx: &TaskCtx) -> Guide {
        let k = ctx.kin;
        match self {
            Task::Idle => Guide::Ground,
            Task::Hold { at, up_m } => Guide::Hold { at: *at, up_m: *up_m },
            Task::Drift { up_m } => Guide::Drift { up_m: *up_m },
            Task::Bank { up_m } => Guide::Bank { up_m: *up_m },
            Task::Delay { at, up_m, until_s, done } => {
                *done = ctx.time_s >= *until_s;
                Guide::Hold { at: *at, up_m: *up_m }
            }
            Task::Takeoff(t) => takeoff(t, ctx),
            Task::Waypoint(w) => waypoint(w, ctx),
            Task::Orbit(o) => orbit(o, ctx),
            Task::Land(l) => land(l, ctx),
            Task::Rtl(r) => rtl(r, ctx),
        }
        .sanitize(k)
    }
}

impl Guide {
    /// Replaces a demand holding a non-finite number by holding the present position.
    fn sanitize(self, k: &Kin) -> Guide {
        let ok = match self {
            Guide::Hold { at, up_m } => at.is_finite() && up_m.is_finite(),
            Guide::Leg { from, to, from_up_m, to_up_m, speed_mps, end_speed_mps } => {
                from.is_finite() && to.is_finite() && [from_up_m, to_up_m, speed_mps, end_speed_mps].iter().all(|v| v.is_finite())
            }
            Guide::Orbit { center, radius_m, up_m, speed_mps, .. } => {
                center.is_finite() && radius_m.is_finite() && up_m.is_finite() && speed_mps.is_finite()
            }
            Guide::Climb { xy, up_m, heading_deg, pitch_deg } => {
                xy.is_finite() && up_m.is_finite() && heading_deg.is_finite() && pitch_deg.is_finite()
            }
            Guide::Descend { xy } => xy.is_finite(),
            Guide::Approach { from, to, from_up_m } => from.is_finite() && to.is_finite() && from_up_m.is_finite(),
            Guide::Drift { up_m } | Guide::Bank { up_m } => up_m.is_finite(),
            Guide::Ground | Guide::Unpowered => true,
        };
        if ok { self } else { Guide::Hold { at: k.pos, up_m: k.up_m } }
    }
}

fn takeoff(t: &mut TakeoffTask, ctx: &TaskCtx) -> Guide {
    let k = ctx.kin;
    let margin = if ctx.is_plane() { 3.0 } else { 0.3 };
    if !t.done && !k.on_ground && k.up_m >= t.up_m - margin {
        t.done = true;
        if ctx.is_plane() {
            t.loiter_at = Some(k.pos + V2::from_bearing(k.heading_deg) * (2.0 * ctx.plane.loiter_radius_m));
        }
    }
    if t.done {
        return Guide::Hold { at: t.loiter_at.unwrap_or(t.xy), up_m: t.up_m };
    }
    Guide::Climb { xy: t.xy, up_m: t.up_m, heading_deg: t.heading_deg, pitch_deg: t.pitch_deg }
}

fn waypoint(w: &mut WpTask, ctx: &TaskCtx) -> Guide {
    let k = ctx.kin;
    if w.reached_at_s.is_none() {
        let leg = w.to - w.from;
        let passed = leg.unit().is_some_and(|u| (k.pos - w.from).dot(u) >= leg.len());
        let dist = (w.to - k.pos).len();
        let reached = if ctx.is_plane() {
            dist <= w.radius_m || passed
        } else {
            let close = (k.up_m - w.to_up_m).abs() <= w.radius_m.max(1.0);
            close && (dist <= w.radius_m || (passed && w.end_speed_mps > 0.0 && dist <= 4.0 * w.radius_m))
        };
        if reached {
            w.reached_at_s = Some(ctx.time_s);
        }
    }
    if let Some(t0) = w.reached_at_s {
        let hold = if ctx.is_plane() { w.hold_s.map(|_| 0.0) } else { w.hold_s };
        if hold.is_some_and(|h| ctx.time_s - t0 >= h) {
            w.done = true;
        }
        if !(w.done && ctx.is_plane()) {
            return Guide::Hold { at: w.to, up_m: w.to_up_m };
        }
    }
    Guide::Leg {
        from: w.from,
        to: w.to,
        from_up_m: w.from_up_m,
        to_up_m: w.to_up_m,
        speed_mps: ctx.speed_mps,
        end_speed_mps: w.end_speed_mps,
    }
}

fn orbit(o: &mut OrbitTask, ctx: &TaskCtx) -> Guide {
    let k = ctx.kin;
    let rel = k.pos - o.center;
    let d = rel.len();
    let hold_point = !ctx.is_plane() && o.radius_m < 0.5;
    if o.started_at_s.is_none() {
        let on_station = if hold_point {
            d <= ctx.copter.wp_radius_m && (k.up_m - o.up_m).abs() <= 1.0
        } else if ctx.is_plane() {
            d <= o.radius_m * 1.2 + 10.0
        } else {
            (d - o.radius_m).abs() <= (0.1 * o.radius_m).max(2.0)
        };
        if on_station {
            o.started_at_s = Some(ctx.time_s);
        }
    }
    if let Some(t0) = o.started_at_s {
        let b = rel.bearing_deg();
        if let Some(last) = o.last_bearing_deg {
            o.angle_rad += wrap_180(b - last).to_radians();
        }
        o.last_bearing_deg = Some(b);
        o.done = match o.limit {
            OrbitLimit::Forever => false,
            OrbitLimit::Time(s) => ctx.time_s - t0 >= s,
            OrbitLimit::Turns(n) => o.angle_rad.abs() >= n * std::f64::consts::TAU,
        };
    }
    if hold_point {
        Guide::Hold { at: o.center, up_m: o.up_m }
    } else {
        Guide::Orbit { center: o.center, radius_m: o.radius_m, ccw: o.ccw, up_m: o.up_m, speed_mps: ctx.speed_mps }
    }
}

fn land(l: &mut LandTask, ctx: &TaskCtx) -> Guide {
    let k = ctx.kin;
    l.done = ctx.landed;
    match l.stage {
        LandStage::FlyTo { from, up_m } => {
            if (l.at - k.pos).len() <= ctx.copter.wp_radius_m {
                l.stage = LandStage::Descend;
                return Guide::Descend { xy: l.at };
            }
            Guide::Leg { from, to: l.at, from_up_m: up_m, to_up_m: up_m, speed_mps: ctx.speed_mps, end_speed_mps: 0.0 }
        }
        LandStage::Descend => Guide::Descend { xy: l.at },
        LandStage::Approach { from, from_up_m } => {
            if k.on_ground {
                l.stage = LandStage::Rollout;
                return Guide::Ground;
            }
            Guide::Approach { from, to: l.at, from_up_m }
        }
        LandStage::Rollout => Guide::Ground,
    }
}

fn rtl(r: &mut RtlTask, ctx: &TaskCtx) -> Guide {
    let k = ctx.kin;
    let home = ctx.home;
    match r.stage {
        RtlStage::Climb { xy } => {
            if k.up_m >= r.up_m - 0.5 {
                r.stage = RtlStage::Return { from: k.pos };
            }
            Guide::Climb { xy, up_m: r.up_m, heading_deg: k.heading_deg, pitch_deg: 0.0 }
        }
        RtlStage::Return { from } => {
            let dist = (home - k.pos).len();
            if ctx.is_plane() {
                if dist <= 2.0 * ctx.plane.loiter_radius_m {
                    r.stage = RtlStage::PlaneLoiter;
                }
            } else if dist <= ctx.copter.wp_radius_m {
                r.stage = RtlStage::LoiterHome { until_s: ctx.time_s + ctx.copter.rtl_loiter_s };
            }
            Guide::Leg { from, to: home, from_up_m: r.up_m, to_up_m: r.up_m, speed_mps: ctx.speed_mps, end_speed_mps: 0.0 }
        }
        RtlStage::LoiterHome { until_s } => {
            if ctx.time_s >= until_s {
                r.stage = RtlStage::Land;
            }
            Guide::Hold { at: home, up_m: r.up_m }
        }
        RtlStage::Land => {
            r.done = ctx.landed;
            Guide::Descend { xy: home }
        }
        RtlStage::PlaneLoiter => Guide::Orbit {
            center: home,
            radius_m: ctx.plane.loiter_radius_m,
            ccw: false,
            up_m: r.up_m,
            speed_mps: ctx.speed_mps,
        },
    }
}
