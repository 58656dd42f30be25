//! The active navigation task: what a flight mode or the current mission item is doing right
//! now (taking off, flying a leg, loitering, landing, returning home), its progress, and the
//! guidance demand it gives the airframe each physics step. Modes and mission items share these
//! tasks, as ArduPilot's AUTO reuses its RTL and LAND controllers.

use super::config::{Airframe, CopterParams, PlaneParams};
use super::guide::{Guide, V2};
use super::kin::Kin;
use super::task_run;

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
    pub(super) fn is_plane(&self) -> bool {
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
    Hold {
        at: V2,
        up_m: f64,
    },
    /// Hold height, no position control.
    Drift {
        up_m: f64,
    },
    /// Plane CIRCLE mode.
    Bank {
        up_m: f64,
    },
    Takeoff(TakeoffTask),
    Waypoint(WpTask),
    Orbit(OrbitTask),
    Land(LandTask),
    Rtl(RtlTask),
    /// NAV_DELAY: hold until a time.
    Delay {
        at: V2,
        up_m: f64,
        until_s: f64,
        done: bool,
    },
}

impl RtlTask {
    /// RTL from the present state: climb to the return height, fly home, then land (copter)
    /// or loiter over home (plane).
    pub fn new(ctx: &TaskCtx) -> Self {
        let k = ctx.kin;
        let rtl_alt = if ctx.is_plane() {
            ctx.plane.rtl_alt_m
        } else {
            ctx.copter.rtl_alt_m
        };
        let up_m = k.up_m.max(ctx.home_up_m + rtl_alt).max(1.0);
        let stage = if ctx.landed {
            RtlStage::Land
        } else if ctx.is_plane() || k.up_m >= up_m - 0.5 {
            RtlStage::Return { from: k.pos }
        } else {
            RtlStage::Climb { xy: k.pos }
        };
        Self {
            stage,
            up_m,
            done: false,
        }
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
            Task::Land(LandTask {
                stage: LandStage::Descend | LandStage::Approach { .. } | LandStage::Rollout,
                ..
            }) | Task::Rtl(RtlTask {
                stage: RtlStage::Land,
                ..
            })
        )
    }

    /// Climbing out (MAV_LANDED_STATE_TAKEOFF).
    pub fn is_taking_off(&self) -> bool {
        matches!(self, Task::Takeoff(TakeoffTask { done: false, .. }))
    }

    /// A waypoint leg still under way (ArduCopter only pauses those).
    pub fn flying_leg(&self) -> bool {
        matches!(
            self,
            Task::Waypoint(WpTask {
                reached_at_s: None,
                ..
            })
        )
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
            Task::Hold { at, up_m } => Guide::Hold {
                at: *at,
                up_m: *up_m,
            },
            Task::Drift { up_m } => Guide::Drift { up_m: *up_m },
            Task::Bank { up_m } => Guide::Bank { up_m: *up_m },
            Task::Delay {
                at,
                up_m,
                until_s,
                done,
            } => {
                *done = ctx.time_s >= *until_s;
                Guide::Hold {
                    at: *at,
                    up_m: *up_m,
                }
            }
            Task::Takeoff(t) => task_run::takeoff(t, ctx),
            Task::Waypoint(w) => task_run::waypoint(w, ctx),
            Task::Orbit(o) => task_run::orbit(o, ctx),
            Task::Land(l) => task_run::land(l, ctx),
            Task::Rtl(r) => task_run::rtl(r, ctx),
        }
        .sanitize(k)
    }
}

impl Guide {
    /// Replaces a demand holding a non-finite number by holding the present position.
    fn sanitize(self, k: &Kin) -> Guide {
        let ok = match self {
            Guide::Hold { at, up_m } => at.is_finite() && up_m.is_finite(),
            Guide::Leg {
                from,
                to,
                from_up_m,
                to_up_m,
                speed_mps,
                end_speed_mps,
            } => {
                from.is_finite()
                    && to.is_finite()
                    && [from_up_m, to_up_m, speed_mps, end_speed_mps]
                        .iter()
                        .all(|v| v.is_finite())
            }
            Guide::Orbit {
                center,
                radius_m,
                up_m,
                speed_mps,
                ..
            } => {
                center.is_finite()
                    && radius_m.is_finite()
                    && up_m.is_finite()
                    && speed_mps.is_finite()
            }
            Guide::Climb {
                xy,
                up_m,
                heading_deg,
                pitch_deg,
            } => {
                xy.is_finite()
                    && up_m.is_finite()
                    && heading_deg.is_finite()
                    && pitch_deg.is_finite()
            }
            Guide::Descend { xy } => xy.is_finite(),
            Guide::Approach {
                from,
                to,
                from_up_m,
            } => from.is_finite() && to.is_finite() && from_up_m.is_finite(),
            Guide::Drift { up_m } | Guide::Bank { up_m } => up_m.is_finite(),
            Guide::Ground | Guide::Unpowered => true,
        };
        if ok {
            self
        } else {
            Guide::Hold {
                at: k.pos,
                up_m: k.up_m,
            }
        }
    }
}
