//! Mission items for a survey, in ArduPilot's conventions (they run on ArduCopter and
//! ArduPlane), with the PX4 variant where it differs:
//!
//! ```text
//! TAKEOFF (transit altitude) · DO_CHANGE_SPEED · [WAYPOINT at transit altitude over the
//! approach, when it differs] · per transect: [WAYPOINT turnaround] WAYPOINT start
//! DO_SET_CAM_TRIGG_DIST d (param3 = 1: first photo at once) WAYPOINT end DO_SET_CAM_TRIGG_DIST 0
//! [WAYPOINT turnaround] · detour WAYPOINTs around exclusion zones · [climb back to transit]
//! · WAYPOINT over home at the transit altitude (before RTL)
//! · RTL (or LAND)
//! ```
//! Hover-and-capture stops at each photo position (1 s) and takes a picture
//! (DO_DIGICAM_CONTROL on ArduPilot, IMAGE_START_CAPTURE on PX4). The home item (ArduPilot's
//! item 0) is not part of this list; the mission document carries the planned home.

use super::{AltitudeMode, CameraMode, EndAction, PathPoint, PointKind, Survey};
use crate::geo::LatLon;
use crate::plan::document::{Firmware, VehicleKind};
use crate::plan::mission_item::{MissionItem, cmd, frame};

/// Seconds a hovering multirotor holds at each photo.
pub const HOVER_HOLD_S: f32 = 1.0;

struct Alt {
    frame: u8,
    offset_m: f64,
}

impl Alt {
    fn of(s: &Survey) -> Alt {
        match s.params.altitude {
            AltitudeMode::Amsl => Alt {
                frame: frame::GLOBAL,
                offset_m: s.params.home_alt_amsl_m,
            },
            AltitudeMode::Relative => Alt {
                frame: frame::GLOBAL_RELATIVE_ALT,
                offset_m: 0.0,
            },
        }
    }

    fn item(&self, command: u16, at: LatLon, rel_m: f64) -> MissionItem {
        let mut it = MissionItem::nav(command, at, (rel_m + self.offset_m) as f32);
        it.frame = self.frame;
        it
    }
}

fn cam(dist_m: f64) -> MissionItem {
    MissionItem::action(
        cmd::DO_SET_CAM_TRIGG_DIST,
        [
            dist_m as f32,
            0.0,
            if dist_m > 0.0 { 1.0 } else { 0.0 },
            0.0,
        ],
    )
}

fn photo(firmware: Firmware) -> MissionItem {
    match firmware {
        Firmware::Px4 => MissionItem::action(cmd::IMAGE_START_CAPTURE, [0.0, 0.0, 1.0, 0.0]),
        _ => {
            let mut it = MissionItem::action(cmd::DO_DIGICAM_CONTROL, [0.0; 4]);
            it.set_param5_6(1.0, 0.0);
            it
        }
    }
}

/// The mission items that fly `s` (without the home item).
pub fn mission_items(s: &Survey) -> Vec<MissionItem> {
    mission_items_with_transects(s)
        .into_iter()
        .map(|(it, _)| it)
        .collect()
}

/// The mission items with, for each, the transect it belongs to (its camera, start, end and
/// photo items; turnarounds count for their transect).
pub fn mission_items_with_transects(s: &Survey) -> Vec<(MissionItem, Option<usize>)> {
    let p = &s.params;
    let alt = Alt::of(s);
    let transit = p.transit_alt_m.unwrap_or(p.alt_m);
    let mut out: Vec<(MissionItem, Option<usize>)> = Vec::with_capacity(s.path.len() * 2 + 8);
    let mut takeoff = MissionItem::nav(cmd::NAV_TAKEOFF, s.home, transit as f32);
    takeoff.frame = frame::GLOBAL_RELATIVE_ALT;
    if p.vehicle == VehicleKind::Plane {
        takeoff.params[0] = 15.0; // minimum pitch
    }
    out.push((takeoff, None));
    let speed_type = if p.vehicle == VehicleKind::Plane {
        0.0
    } else {
        1.0
    };
    out.push((
        MissionItem::action(
            cmd::DO_CHANGE_SPEED,
            [speed_type, p.speed_mps as f32, -1.0, 0.0],
        ),
        None,
    ));
    let alt_of = |i: usize| match &s.terrain_alts_amsl_m {
        Some(v) => v.get(i).copied().unwrap_or(p.home_alt_amsl_m + p.alt_m) - p.home_alt_amsl_m,
        None => p.alt_m,
    };
    let first_transect = s
        .path
        .iter()
        .position(|x| x.kind == PointKind::TransectStart);
    let last_transect = s
        .path
        .iter()
        .rposition(|x| x.kind == PointKind::TransectEnd);
    let terrain = s.terrain_alts_amsl_m.is_some();
    if let Some(first) = s.path.first()
        && (terrain || (transit - p.alt_m).abs() > 0.01)
    {
        // Arrive over the area at the transit altitude, then descend.
        let mut w = MissionItem::nav(cmd::NAV_WAYPOINT, first.pos, transit as f32);
        w.frame = frame::GLOBAL_RELATIVE_ALT;
        out.push((w, None));
    }
    for (i, pt) in s.path.iter().enumerate() {
        let PathPoint {
            pos,
            kind,
            transect,
        } = *pt;
        let hold = p.camera == CameraMode::HoverAndCapture
            && matches!(
                kind,
                PointKind::TransectStart | PointKind::Photo | PointKind::TransectEnd
            );
        let mut w = alt.item(cmd::NAV_WAYPOINT, pos, alt_of(i));
        if hold {
            w.params[0] = HOVER_HOLD_S;
        }
        out.push((w, transect));
        let mut tag = |it: MissionItem| out.push((it, transect));
        match (p.camera, kind) {
            (
                CameraMode::HoverAndCapture,
                PointKind::TransectStart | PointKind::Photo | PointKind::TransectEnd,
            ) => tag(photo(p.firmware)),
            (CameraMode::Transects, PointKind::TransectStart) => tag(cam(p.trigger_distance_m)),
            (CameraMode::Transects, PointKind::TransectEnd) => tag(cam(0.0)),
            (CameraMode::ThroughTurns, PointKind::TransectStart) if Some(i) == first_transect => {
                tag(cam(p.trigger_distance_m))
            }
            (CameraMode::ThroughTurns, PointKind::TransectEnd) if Some(i) == last_transect => {
                tag(cam(0.0))
            }
            _ => {}
        }
    }
    if let Some(last) = s.path.last()
        && (terrain || (transit - p.alt_m).abs() > 0.01)
    {
        let mut w = MissionItem::nav(cmd::NAV_WAYPOINT, last.pos, transit as f32);
        w.frame = frame::GLOBAL_RELATIVE_ALT;
        out.push((w, None));
    }
    if p.end == EndAction::Rtl {
        // Come home at the transit altitude: RTL alone would return at the autopilot's RTL
        // altitude parameter, the same for every aircraft of the team.
        let mut w = MissionItem::nav(cmd::NAV_WAYPOINT, s.home, transit as f32);
        w.frame = frame::GLOBAL_RELATIVE_ALT;
        out.push((w, None));
    }
    out.push((
        match p.end {
            EndAction::Rtl => MissionItem::action(cmd::NAV_RETURN_TO_LAUNCH, [0.0; 4]),
            // Land where the survey ends (an explicit position: PX4 reads 0, 0 literally).
            EndAction::Land => {
                let at = s.path.last().map_or(s.home, |x| x.pos);
                MissionItem::nav(cmd::NAV_LAND, at, 0.0)
            }
        },
        None,
    ));
    out
}
