//! Mission items decoded into the commands the simulated autopilot executes, with every
//! parameter checked: non-finite or out-of-range numbers fall back to ArduPilot's defaults, and
//! items the simulator cannot fly decode as `Unsupported` (skipped with a STATUSTEXT).

use crate::geo::LatLon;
use crate::plan::mission_item::{MissionItem, cmd, frame};

/// An altitude as a mission item gives it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum AltRef {
    /// Metres above home (relative and terrain frames: no terrain data here).
    RelHome(f64),
    /// Metres above mean sea level.
    Amsl(f64),
}

/// A navigation command.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum NavKind {
    /// NAV_WAYPOINT / NAV_SPLINE_WAYPOINT (splines fly as straight legs).
    Waypoint { hold_s: f64, radius_m: Option<f64> },
    /// NAV_TAKEOFF (param1: plane minimum pitch).
    Takeoff { pitch_deg: Option<f64> },
    /// NAV_LAND.
    Land,
    /// NAV_RETURN_TO_LAUNCH.
    Rtl,
    /// NAV_LOITER_UNLIM.
    LoiterUnlim { radius_m: Option<f64>, ccw: bool },
    /// NAV_LOITER_TIME.
    LoiterTime {
        secs: f64,
        radius_m: Option<f64>,
        ccw: bool,
    },
    /// NAV_LOITER_TURNS.
    LoiterTurns {
        turns: f64,
        radius_m: Option<f64>,
        ccw: bool,
    },
    /// NAV_DELAY (relative seconds only).
    Delay { secs: f64 },
}

/// A navigation command with its location (either part may be missing: "use current").
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct NavCmd {
    pub command: u16,
    pub kind: NavKind,
    pub pos: Option<LatLon>,
    pub alt: Option<AltRef>,
}

/// A "do" or "condition" command.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum DoCmd {
    /// DO_CHANGE_SPEED: type 0 airspeed, 1 groundspeed, 2 climb, 3 descent.
    ChangeSpeed { speed_type: u8, speed_mps: f64 },
    /// DO_SET_CAM_TRIGG_DIST (0 stops; `trigger_now` = param3 1).
    CamTriggDist { distance_m: f64, trigger_now: bool },
    /// DO_DIGICAM_CONTROL / IMAGE_START_CAPTURE: one photo.
    Photo,
    /// CONDITION_DELAY: hold back later do-commands.
    ConditionDelay { secs: f64 },
    /// DO_SET_HOME.
    SetHome {
        use_current: bool,
        pos: Option<LatLon>,
        alt: Option<AltRef>,
    },
    /// Accepted and ignored (servos, relays, ROI, mount, DO_LAND_START, ...).
    NoOp,
}

/// A decoded mission item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cmd {
    Nav(NavCmd),
    Do(DoCmd),
    /// DO_JUMP to `target`, `repeat` more times (-1 forever).
    Jump {
        target: u16,
        repeat: i32,
    },
    /// Not flown by the simulator, or invalid.
    Unsupported,
}

fn fin(v: f32) -> Option<f64> {
    let v = f64::from(v);
    v.is_finite().then_some(v)
}

fn in_range(v: f32, lo: f64, hi: f64, default: f64) -> f64 {
    fin(v).map_or(default, |x| x.clamp(lo, hi))
}

fn alt_of(item: &MissionItem) -> Option<AltRef> {
    let z = fin(item.z)
        .filter(|z| *z != 0.0)?
        .clamp(-20_000.0, 20_000.0);
    Some(match item.frame {
        frame::GLOBAL | frame::GLOBAL_INT => AltRef::Amsl(z),
        _ => AltRef::RelHome(z),
    })
}

fn radius_dir(p3: f32) -> (Option<f64>, bool) {
    match fin(p3) {
        Some(r) if r.abs() >= 0.5 => (Some(r.abs().min(100_000.0)), r < 0.0),
        _ => (None, false),
    }
}

/// Decodes one item.
pub(crate) fn decode(item: &MissionItem) -> Cmd {
    let [p1, p2, p3, _p4] = item.params;
    let pos = item.position();
    // Coordinates given but off the globe (or unset in one axis): rejected, as ArduPilot does.
    if pos.is_none() && frame::is_global(item.frame) && (item.x != 0 || item.y != 0) {
        return Cmd::Unsupported;
    }
    let alt = alt_of(item);
    let nav = |kind| {
        Cmd::Nav(NavCmd {
            command: item.command,
            kind,
            pos,
            alt,
        })
    };
    match item.command {
        cmd::NAV_WAYPOINT | cmd::NAV_SPLINE_WAYPOINT => nav(NavKind::Waypoint {
            hold_s: in_range(p1, 0.0, 86_400.0, 0.0),
            radius_m: fin(p2).filter(|r| *r > 0.0).map(|r| r.min(100_000.0)),
        }),
        cmd::NAV_TAKEOFF => nav(NavKind::Takeoff {
            pitch_deg: fin(p1).filter(|p| *p > 0.0).map(|p| p.clamp(3.0, 45.0)),
        }),
        cmd::NAV_LAND => nav(NavKind::Land),
        cmd::NAV_RETURN_TO_LAUNCH => nav(NavKind::Rtl),
        cmd::NAV_LOITER_UNLIM => {
            let (radius_m, ccw) = radius_dir(p3);
            nav(NavKind::LoiterUnlim { radius_m, ccw })
        }
        cmd::NAV_LOITER_TIME => {
            let (radius_m, ccw) = radius_dir(p3);
            nav(NavKind::LoiterTime {
                secs: in_range(p1, 0.0, 86_400.0, 0.0),
                radius_m,
                ccw,
            })
        }
        cmd::NAV_LOITER_TURNS => {
            let (radius_m, ccw) = radius_dir(p3);
            nav(NavKind::LoiterTurns {
                turns: in_range(p1, 0.0, 1000.0, 1.0),
                radius_m,
                ccw,
            })
        }
        93 => nav(NavKind::Delay {
            secs: in_range(p1, 0.0, 86_400.0, 0.0),
        }),
        cmd::CONDITION_DELAY => Cmd::Do(DoCmd::ConditionDelay {
            secs: in_range(p1, 0.0, 86_400.0, 0.0),
        }),
        cmd::DO_CHANGE_SPEED => match fin(p2).filter(|s| *s > 0.0) {
            Some(speed) => Cmd::Do(DoCmd::ChangeSpeed {
                speed_type: in_range(p1, 0.0, 3.0, 1.0).round() as u8,
                speed_mps: speed.min(1000.0),
            }),
            None => Cmd::Do(DoCmd::NoOp),
        },
        cmd::DO_SET_HOME => Cmd::Do(DoCmd::SetHome {
            use_current: fin(p1) == Some(1.0),
            pos,
            alt,
        }),
        cmd::DO_SET_CAM_TRIGG_DIST => Cmd::Do(DoCmd::CamTriggDist {
            distance_m: in_range(p1, 0.0, 1e6, 0.0),
            trigger_now: fin(p3) == Some(1.0),
        }),
        cmd::DO_DIGICAM_CONTROL | cmd::IMAGE_START_CAPTURE => Cmd::Do(DoCmd::Photo),
        cmd::DO_JUMP => {
            let target = in_range(p1, 0.0, 65_535.0, 0.0).round() as u16;
            // -1 repeats forever; other negatives never jump (as ArduPilot's int16 compare).
            let repeat = match fin(p2) {
                Some(v) if (v + 1.0).abs() < 0.5 => -1,
                Some(v) => v.clamp(0.0, 32_767.0).round() as i32,
                None => 0,
            };
            Cmd::Jump { target, repeat }
        }
        // Servo/relay (181-184), DO_LAND_START, ROI (195, 197, 201), digicam configure,
        // mount control, fence enable: accepted, nothing to simulate.
        181..=184 | cmd::DO_LAND_START | 195 | 197 | 201 | 202 | 205 | 207 => Cmd::Do(DoCmd::NoOp),
        _ => Cmd::Unsupported,
    }
}

/// ArduPilot's short name for a command (`Mission_Command::type()`), for "Mission: N Type".
pub(crate) fn type_name(command: u16) -> &'static str {
    match command {
        cmd::NAV_WAYPOINT => "WP",
        cmd::NAV_SPLINE_WAYPOINT => "SplineWP",
        cmd::NAV_RETURN_TO_LAUNCH => "RTL",
        cmd::NAV_LOITER_UNLIM => "LoitUnlim",
        cmd::NAV_LOITER_TIME => "LoitTime",
        cmd::NAV_LOITER_TURNS => "LoitTurns",
        cmd::NAV_TAKEOFF => "Takeoff",
        cmd::NAV_LAND => "Land",
        93 => "Delay",
        cmd::CONDITION_DELAY => "CondDelay",
        cmd::DO_CHANGE_SPEED => "ChangeSpeed",
        cmd::DO_SET_HOME => "SetHome",
        cmd::DO_JUMP => "Jump",
        cmd::DO_LAND_START => "LandStart",
        cmd::DO_DIGICAM_CONTROL => "DigiCamCtrl",
        cmd::DO_SET_CAM_TRIGG_DIST => "SetCamTrigDst",
        181 => "SetRelay",
        182 => "RepeatRelay",
        183 => "SetServo",
        184 => "RepeatServo",
        201 => "SetROI",
        202 => "DigiCamCfg",
        205 => "MountControl",
        207 => "FenceEnable",
        _ => "?",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::LatLon;

    #[test]
    fn decodes_frames_and_defaults() {
        let mut wp = MissionItem::nav(cmd::NAV_WAYPOINT, LatLon::new(10.0, 20.0), 30.0);
        wp.params = [f32::NAN, -5.0, 0.0, 0.0];
        match decode(&wp) {
            Cmd::Nav(n) => {
                assert_eq!(n.alt, Some(AltRef::RelHome(30.0)));
                assert_eq!(
                    n.kind,
                    NavKind::Waypoint {
                        hold_s: 0.0,
                        radius_m: None
                    }
                );
            }
            other => panic!("{other:?}"),
        }
        wp.frame = frame::GLOBAL;
        wp.z = f32::INFINITY;
        assert!(matches!(decode(&wp), Cmd::Nav(NavCmd { alt: None, .. })));
        wp.x = 1_000_000_000; // 100° latitude
        assert_eq!(decode(&wp), Cmd::Unsupported);
        let jump = MissionItem::action(cmd::DO_JUMP, [3.0, f32::NAN, 0.0, 0.0]);
        assert_eq!(
            decode(&jump),
            Cmd::Jump {
                target: 3,
                repeat: 0
            }
        );
        let jump = MissionItem::action(cmd::DO_JUMP, [1e20, -7.0, 0.0, 0.0]);
        assert_eq!(
            decode(&jump),
            Cmd::Jump {
                target: 65_535,
                repeat: 0
            }
        );
        let jump = MissionItem::action(cmd::DO_JUMP, [2.0, -1.0, 0.0, 0.0]);
        assert_eq!(
            decode(&jump),
            Cmd::Jump {
                target: 2,
                repeat: -1
            }
        );
        let cam = MissionItem::action(cmd::DO_SET_CAM_TRIGG_DIST, [f32::NAN, 0.0, 1.0, 0.0]);
        assert_eq!(
            decode(&cam),
            Cmd::Do(DoCmd::CamTriggDist {
                distance_m: 0.0,
                trigger_now: true
            })
        );
        assert_eq!(
            decode(&MissionItem::action(300, [0.0; 4])),
            Cmd::Unsupported
        );
    }
}
