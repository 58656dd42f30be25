//! Progress of each navigation task, one function per kind: when a takeoff, waypoint, loiter,
//! landing or return has finished, and which guidance demand it gives meanwhile.

use super::guide::{Guide, V2};
use super::task::{
    LandStage, LandTask, OrbitLimit, OrbitTask, RtlStage, RtlTask, TakeoffTask, TaskCtx, WpTask,
};
use crate::geo::wrap_180;

pub(super) fn takeoff(t: &mut TakeoffTask, ctx: &TaskCtx) -> Guide {
    let k = ctx.kin;
    let margin = if ctx.is_plane() { 3.0 } else { 0.3 };
    if !t.done && !k.on_ground && k.up_m >= t.up_m - margin {
        t.done = true;
        if ctx.is_plane() {
            t.loiter_at =
                Some(k.pos + V2::from_bearing(k.heading_deg) * (2.0 * ctx.plane.loiter_radius_m));
        }
    }
    if t.done {
        return Guide::Hold {
            at: t.loiter_at.unwrap_or(t.xy),
            up_m: t.up_m,
        };
    }
    Guide::Climb {
        xy: t.xy,
        up_m: t.up_m,
        heading_deg: t.heading_deg,
        pitch_deg: t.pitch_deg,
    }
}

pub(super) fn waypoint(w: &mut WpTask, ctx: &TaskCtx) -> Guide {
    let k = ctx.kin;
    if w.reached_at_s.is_none() {
        let leg = w.to - w.from;
        let passed = leg
            .unit()
            .is_some_and(|u| (k.pos - w.from).dot(u) >= leg.len());
        let dist = (w.to - k.pos).len();
        let reached = if ctx.is_plane() {
            dist <= w.radius_m || passed
        } else {
            let close = (k.up_m - w.to_up_m).abs() <= w.radius_m.max(1.0);
            close
                && (dist <= w.radius_m
                    || (passed && w.end_speed_mps > 0.0 && dist <= 4.0 * w.radius_m))
        };
        if reached {
            w.reached_at_s = Some(ctx.time_s);
        }
    }
    if let Some(t0) = w.reached_at_s {
        let hold = if ctx.is_plane() {
            w.hold_s.map(|_| 0.0)
        } else {
            w.hold_s
        };
        if hold.is_some_and(|h| ctx.time_s - t0 >= h) {
            w.done = true;
        }
        if !(w.done && ctx.is_plane()) {
            return Guide::Hold {
                at: w.to,
                up_m: w.to_up_m,
            };
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

pub(super) fn orbit(o: &mut OrbitTask, ctx: &TaskCtx) -> Guide {
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
        Guide::Hold {
            at: o.center,
            up_m: o.up_m,
        }
    } else {
        Guide::Orbit {
            center: o.center,
            radius_m: o.radius_m,
            ccw: o.ccw,
            up_m: o.up_m,
            speed_mps: ctx.speed_mps,
        }
    }
}

pub(super) fn land(l: &mut LandTask, ctx: &TaskCtx) -> Guide {
    let k = ctx.kin;
    l.done = ctx.landed;
    match l.stage {
        LandStage::FlyTo { from, up_m } => {
            if (l.at - k.pos).len() <= ctx.copter.wp_radius_m {
                l.stage = LandStage::Descend;
                return Guide::Descend { xy: l.at };
            }
            Guide::Leg {
                from,
                to: l.at,
                from_up_m: up_m,
                to_up_m: up_m,
                speed_mps: ctx.speed_mps,
                end_speed_mps: 0.0,
            }
        }
        LandStage::Descend => Guide::Descend { xy: l.at },
        LandStage::Approach { from, from_up_m } => {
            if k.on_ground {
                l.stage = LandStage::Rollout;
                return Guide::Ground;
            }
            Guide::Approach {
                from,
                to: l.at,
                from_up_m,
            }
        }
        LandStage::Rollout => Guide::Ground,
    }
}

pub(super) fn rtl(r: &mut RtlTask, ctx: &TaskCtx) -> Guide {
    let k = ctx.kin;
    let home = ctx.home;
    match r.stage {
        RtlStage::Climb { xy } => {
            if k.up_m >= r.up_m - 0.5 {
                r.stage = RtlStage::Return { from: k.pos };
            }
            Guide::Climb {
                xy,
                up_m: r.up_m,
                heading_deg: k.heading_deg,
                pitch_deg: 0.0,
            }
        }
        RtlStage::Return { from } => {
            let dist = (home - k.pos).len();
            if ctx.is_plane() {
                if dist <= 2.0 * ctx.plane.loiter_radius_m {
                    r.stage = RtlStage::PlaneLoiter;
                }
            } else if dist <= ctx.copter.wp_radius_m {
                r.stage = RtlStage::LoiterHome {
                    until_s: ctx.time_s + ctx.copter.rtl_loiter_s,
                };
            }
            Guide::Leg {
                from,
                to: home,
                from_up_m: r.up_m,
                to_up_m: r.up_m,
                speed_mps: ctx.speed_mps,
                end_speed_mps: 0.0,
            }
        }
        RtlStage::LoiterHome { until_s } => {
            if ctx.time_s >= until_s {
                r.stage = RtlStage::Land;
            }
            Guide::Hold {
                at: home,
                up_m: r.up_m,
            }
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
