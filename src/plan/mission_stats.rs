//! Statistics of any mission, whoever wrote it: distances, estimated flight time, photos,
//! altitudes. The estimate flies straight legs at the speed in force (DO_CHANGE_SPEED), climbs
//! and descends, turns and stops with the survey planner's time model
//! ([`crate::plan::survey::TimeModel`]), holds where items say so, and returns home after RTL.

use crate::geo::LatLon;
use crate::plan::MissionDocument;
use crate::plan::document::{ComplexKind, VehicleKind};
use crate::plan::mission_item::{MissionItem, cmd, frame};
use crate::plan::survey::{SurveyParams, TimeModel};

/// Default speed when neither the document nor a DO_CHANGE_SPEED gives one (m/s).
pub const DEFAULT_SPEED_MPS: f64 = 10.0;

fn model(doc: &MissionDocument, speed_mps: f64) -> TimeModel {
    TimeModel::for_params(&SurveyParams {
        vehicle: doc.vehicle,
        speed_mps,
        ..SurveyParams::default()
    })
}

/// Numbers describing a mission.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MissionStats {
    /// Mission items (without home).
    pub items: usize,
    /// Navigation items with a position.
    pub waypoints: usize,
    /// Horizontal distance flown, home to home when the mission returns (m).
    pub distance_m: f64,
    /// Estimated flight time (s).
    pub flight_time_s: f64,
    /// Estimated photos (distance triggering plus single shots).
    pub photos: u32,
    /// Farthest waypoint from home (m).
    pub max_distance_from_home_m: f64,
    /// Lowest and highest waypoint altitude above home (m); `None` without waypoints.
    pub alt_range_m: Option<(f64, f64)>,
    /// Survey area of the document's survey items (hectares).
    pub survey_area_ha: f64,
    /// The mission ends with RTL or LAND.
    pub returns: bool,
}

/// Altitude of a positioned item above home (m), given home's altitude AMSL if known.
/// Terrain-relative altitudes are returned as they are (height above the ground below).
pub fn alt_above_home_m(it: &MissionItem, home_amsl_m: Option<f64>) -> f64 {
    let z = f64::from(it.z);
    match it.frame {
        frame::GLOBAL | frame::GLOBAL_INT => z - home_amsl_m.unwrap_or(0.0),
        _ => z,
    }
}

/// True for navigation commands (those the autopilot flies to).
pub fn is_nav(command: u16) -> bool {
    command < 80 || command == cmd::NAV_SPLINE_WAYPOINT || (84..=95).contains(&command)
}

/// The home a mission flies from: the planned home, else the first positioned item.
pub fn home_of(doc: &MissionDocument) -> Option<LatLon> {
    doc.planned_home.map(|h| h.position).or_else(|| {
        doc.mission
            .iter()
            .find(|it| is_nav(it.command))
            .and_then(|it| it.position())
    })
}

/// Speed at the start of the mission (m/s).
pub fn initial_speed_mps(doc: &MissionDocument) -> f64 {
    let s = match doc.vehicle {
        VehicleKind::Plane => doc.cruise_speed_mps,
        _ => doc.hover_speed_mps.or(doc.cruise_speed_mps),
    };
    s.filter(|v| v.is_finite() && *v > 0.0)
        .unwrap_or(DEFAULT_SPEED_MPS)
}

/// Computes [`MissionStats`] for `doc`.
pub fn mission_stats(doc: &MissionDocument) -> MissionStats {
    let home = home_of(doc);
    let home_amsl = doc.planned_home.map(|h| h.alt_amsl_m);
    let mut st = MissionStats {
        items: doc.mission.len(),
        ..MissionStats::default()
    };
    let mut speed = initial_speed_mps(doc);
    let mut at = home;
    let mut alt = 0.0;
    let mut trigger_m = 0.0;
    let mut lo_hi: Option<(f64, f64)> = None;
    let mut time = 0.0;
    let mut m = model(doc, speed);
    let mut heading: Option<f64> = None;
    for it in &doc.mission {
        match it.command {
            cmd::DO_CHANGE_SPEED if it.params[1] > 0.0 && it.params[1].is_finite() => {
                speed = f64::from(it.params[1]);
                m = model(doc, speed);
            }
            cmd::DO_SET_CAM_TRIGG_DIST => {
                trigger_m = f64::from(it.params[0]).max(0.0);
                if trigger_m > 0.0 && it.params[2] > 0.0 {
                    st.photos = st.photos.saturating_add(1);
                }
            }
            cmd::DO_DIGICAM_CONTROL | cmd::IMAGE_START_CAPTURE => {
                st.photos = st.photos.saturating_add(1);
            }
            cmd::NAV_RETURN_TO_LAUNCH => {
                if let (Some(a), Some(h)) = (at, home) {
                    let d = a.distance_m(h);
                    st.distance_m += d;
                    time += d / speed + m.descent_s(alt);
                }
                st.returns = true;
                at = home;
            }
            c if is_nav(c) => {
                let new_alt = alt_above_home_m(it, home_amsl);
                if c == cmd::NAV_LAND {
                    st.returns = true;
                }
                let target = it.position().or(at);
                if let (Some(a), Some(b)) = (at, target) {
                    let d = a.distance_m(b);
                    st.distance_m += d;
                    if trigger_m > 0.0 {
                        // Saturating: a trigger distance of 1e-30 m is a typo, not a reason
                        // to overflow (`as` saturates the huge quotient at u32::MAX).
                        st.photos = st.photos.saturating_add((d / trigger_m).floor() as u32);
                    }
                    let dz = if c == cmd::NAV_LAND {
                        -alt
                    } else {
                        new_alt - alt
                    };
                    let vertical = if c == cmd::NAV_LAND {
                        m.descent_s(alt)
                    } else if dz > 0.0 {
                        dz / m.climb_mps
                    } else {
                        -dz / m.descent_mps
                    };
                    time += (d / speed).max(vertical);
                    if d > 0.5 {
                        let h = a.bearing_deg(b);
                        if let Some(prev) = heading {
                            time += m.turn_s(crate::geo::wrap_180(h - prev).abs(), 0.0);
                        }
                        heading = Some(h);
                    }
                }
                if let (Some(p), Some(h)) = (it.position(), home) {
                    st.waypoints += 1;
                    st.max_distance_from_home_m = st.max_distance_from_home_m.max(p.distance_m(h));
                    if c != cmd::NAV_LAND {
                        lo_hi = Some(lo_hi.map_or((new_alt, new_alt), |(l, h)| {
                            (l.min(new_alt), h.max(new_alt))
                        }));
                    }
                }
                time += match c {
                    // A hold stops the multirotor: decelerate, wait, accelerate again.
                    cmd::NAV_WAYPOINT
                        if doc.vehicle != VehicleKind::Plane && it.params[0] > 0.0 =>
                    {
                        f64::from(it.params[0]) + speed / m.accel_mps2
                    }
                    cmd::NAV_LOITER_TIME => f64::from(it.params[0]).max(0.0),
                    cmd::NAV_LOITER_TURNS => {
                        let r = f64::from(it.params[2]).abs().max(30.0);
                        f64::from(it.params[0]).max(0.0) * std::f64::consts::TAU * r / speed
                    }
                    _ => 0.0,
                };
                alt = if c == cmd::NAV_LAND { 0.0 } else { new_alt };
                at = target;
            }
            _ => {}
        }
    }
    st.flight_time_s = time;
    st.alt_range_m = lo_hi;
    st.survey_area_ha = doc
        .complex
        .iter()
        .filter_map(|c| match &c.kind {
            ComplexKind::Survey(r) if r.polygon.len() >= 3 => {
                Some(crate::plan::Area::new(r.polygon.clone()).area_m2() / 10_000.0)
            }
            _ => None,
        })
        .sum();
    st
}
