//! Mission validation: findings an operator must see before flying.
//!
//! Errors are only what makes a mission unflyable or unloadable — the autopilot would reject
//! the item, fly to a nonsense place or into the ground: non-finite numbers, coordinates off
//! the globe, unknown commands and frames, commands that do not belong in a mission, broken
//! DO_JUMPs, malformed fences, and legs below the ground of the elevation model.
//! Everything else is a warning: altitude limits, distance from home, endurance, photo
//! interval, terrain clearance, fence violations, missing takeoff or return.
//! `steppe mission upload` refuses a mission with errors unless `--force`. Items are numbered
//! from 1, as QGroundControl and Mission Planner show them (ArduPilot's home is item 0).

use crate::plan::MissionDocument;
use crate::plan::document::{Firmware, VehicleKind};
use crate::plan::mission_item::{MissionItem, cmd, frame};
use crate::plan::mission_stats::{
    alt_above_home_m, home_of, initial_speed_mps, is_nav, mission_stats,
};
use crate::plan::terrain::Dem;
use crate::protocol::dialect::MavCmd;
use num_traits::FromPrimitive;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Flyable, but the operator should know.
    Warning,
    /// Unflyable: upload refuses it unless forced.
    Error,
}

/// One finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Warning or error.
    pub severity: Severity,
    /// Stable identifier (listed in the README).
    pub code: &'static str,
    /// What, where and why, in words.
    pub message: String,
    /// Mission item number (from 1), when the finding is about one.
    pub item: Option<usize>,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sev = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        match self.item {
            Some(i) => write!(f, "{sev} [{}] item {i}: {}", self.code, self.message),
            None => write!(f, "{sev} [{}] {}", self.code, self.message),
        }
    }
}

/// Limits the mission is checked against.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Highest altitude above home before a warning (m); 120 m is the common legal ceiling.
    pub max_alt_m: f64,
    /// Lowest waypoint altitude above home before a warning (m).
    pub min_alt_m: f64,
    /// Farthest waypoint from home before a warning (m).
    pub max_distance_m: f64,
    /// Battery endurance (minutes), if known.
    pub endurance_min: Option<f64>,
    /// Reserve kept from the endurance (percent).
    pub reserve_pct: f64,
    /// Camera's minimum time between photos (s), if known.
    pub camera_min_interval_s: Option<f64>,
    /// Least ground clearance on any leg before a warning, with an elevation model (m).
    pub min_clearance_m: f64,
    /// Terrain sampling step along legs (m).
    pub terrain_step_m: f64,
}

impl Default for Limits {
    /// 120 m ceiling, 10 m floor, 5 km from home, 20 % reserve, 10 m clearance sampled every
    /// 10 m (the terrain follower samples as finely).
    fn default() -> Self {
        Self {
            max_alt_m: 120.0,
            min_alt_m: 10.0,
            max_distance_m: 5000.0,
            endurance_min: None,
            reserve_pct: 20.0,
            camera_min_interval_s: None,
            min_clearance_m: 10.0,
            terrain_step_m: 10.0,
        }
    }
}

/// True when any finding is an error.
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

struct Out(Vec<Finding>);

impl Out {
    fn error(&mut self, code: &'static str, item: Option<usize>, message: String) {
        self.0.push(Finding {
            severity: Severity::Error,
            code,
            message,
            item,
        });
    }
    fn warn(&mut self, code: &'static str, item: Option<usize>, message: String) {
        self.0.push(Finding {
            severity: Severity::Warning,
            code,
            message,
            item,
        });
    }
}

/// Commands only meaningful as COMMAND_LONG, never inside a mission.
fn command_only(c: u16) -> bool {
    matches!(c, 241..=246 | 400 | 511 | 512 | 519 | 520)
}

fn cmd_name(c: u16) -> String {
    MavCmd::from_u16(c).map_or_else(|| c.to_string(), |m| format!("{m:?}"))
}

/// Validates `doc` against `limits`, with terrain checks when `dem` is given.
pub fn validate(doc: &MissionDocument, limits: &Limits, dem: Option<&Dem>) -> Vec<Finding> {
    let mut out = Out(Vec::new());
    check_items(doc, &mut out);
    check_jumps(doc, &mut out);
    check_flight(doc, limits, dem, &mut out);
    check_fence(doc, &mut out);
    if let Some(dem) = dem {
        check_terrain(doc, limits, dem, &mut out);
    }
    for note in &doc.notes {
        out.warn("file-note", None, note.clone());
    }
    let mut v = out.0;
    v.sort_by_key(|f| (std::cmp::Reverse(f.severity), f.item.unwrap_or(0)));
    v
}

fn check_items(doc: &MissionDocument, out: &mut Out) {
    if doc.mission.len() > usize::from(u16::MAX) {
        out.error(
            "too-many-items",
            None,
            format!(
                "{} items: MAVLink numbers items with 16 bits (at most 65535)",
                doc.mission.len()
            ),
        );
    } else if doc.mission.len() > 700 && doc.firmware == Firmware::ArduPilot {
        out.warn(
            "many-items",
            None,
            format!(
                "{} items: boards without an SD card store at most 724 (ArduPilot); check MIS_TOTAL on the vehicle",
                doc.mission.len()
            ),
        );
    }
    for (i, it) in doc.mission.iter().enumerate() {
        let n = Some(i + 1);
        let name = cmd_name(it.command);
        if MavCmd::from_u16(it.command).is_none() {
            out.error(
                "unknown-command",
                n,
                format!(
                    "command {} is not a MAVLink command; the autopilot rejects it",
                    it.command
                ),
            );
            continue;
        }
        if command_only(it.command) {
            out.error(
                "not-a-mission-command",
                n,
                format!(
                    "{name} is an immediate command, not a mission item; the autopilot rejects it"
                ),
            );
        }
        if (5000..=5004).contains(&it.command) || it.command == cmd::NAV_RALLY_POINT {
            out.error(
                "fence-or-rally-in-mission",
                n,
                format!("{name} belongs in the fence or rally list, not in the mission"),
            );
        }
        if it.frame > frame::GLOBAL_TERRAIN_ALT_INT {
            out.error("bad-frame", n, format!("frame {} does not exist", it.frame));
            continue;
        }
        if it.params.iter().any(|p| p.is_infinite()) || it.z.is_infinite() {
            out.error("non-finite", n, format!("{name} has an infinite parameter"));
        }
        if is_nav(it.command) {
            if !frame::is_global(it.frame) && it.frame != frame::MISSION {
                out.error(
                    "bad-frame",
                    n,
                    format!(
                        "{name} in local frame {}: missions fly global coordinates",
                        it.frame
                    ),
                );
            }
            if doc.firmware == Firmware::Px4
                && matches!(
                    it.frame,
                    frame::GLOBAL_TERRAIN_ALT | frame::GLOBAL_TERRAIN_ALT_INT
                )
            {
                out.error(
                    "bad-frame",
                    n,
                    format!(
                        "{name} uses terrain-relative altitude, which PX4 missions do not support"
                    ),
                );
            }
            let positioned = frame::is_global(it.frame)
                && !matches!(
                    it.command,
                    cmd::NAV_RETURN_TO_LAUNCH | cmd::NAV_TAKEOFF | cmd::NAV_LAND
                );
            if frame::is_global(it.frame)
                && it.z.is_nan()
                && it.command != cmd::NAV_RETURN_TO_LAUNCH
            {
                out.error(
                    "non-finite",
                    n,
                    format!("{name} has no altitude (NaN); QGroundControl leaves \"calculated above terrain\" altitudes empty until it has terrain data: set the altitude"),
                );
            }
            if frame::is_global(it.frame) {
                let (lat, lon) = (it.param5(), it.param6());
                if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                    out.error(
                        "bad-position",
                        n,
                        format!("{name} at {} is off the globe", it.coordinates_text()),
                    );
                } else if doc.firmware == Firmware::Px4
                    && it.x == 0
                    && it.y == 0
                    && !matches!(it.command, cmd::NAV_RETURN_TO_LAUNCH | cmd::NAV_TAKEOFF)
                {
                    out.error(
                        "zero-position",
                        n,
                        format!("{name} at 0, 0: PX4 flies there literally (the Gulf of Guinea)"),
                    );
                } else if positioned && it.x == 0 && it.y == 0 {
                    out.warn(
                        "zero-position",
                        n,
                        format!("{name} at 0, 0: the autopilot uses its current position"),
                    );
                }
            }
        }
        let check_param = |k: usize, what: &str, out: &mut Out| {
            if it.params.get(k).is_some_and(|p| p.is_nan()) {
                out.error("non-finite", n, format!("{name} {what} is NaN"));
            }
        };
        match it.command {
            cmd::DO_CHANGE_SPEED => check_param(1, "speed", out),
            cmd::DO_SET_CAM_TRIGG_DIST => check_param(0, "distance", out),
            cmd::NAV_LOITER_TIME => check_param(0, "time", out),
            cmd::NAV_LOITER_TURNS => check_param(0, "turns", out),
            _ => {}
        }
    }
}

fn check_jumps(doc: &MissionDocument, out: &mut Out) {
    let len = doc.mission.len();
    for (i, it) in doc.mission.iter().enumerate() {
        if it.command != cmd::DO_JUMP {
            continue;
        }
        let n = i + 1;
        let (target, repeat) = (it.params[0], it.params[1]);
        if !target.is_finite() || !repeat.is_finite() {
            out.error(
                "bad-jump",
                Some(n),
                "DO_JUMP target or repeat count is not a number".into(),
            );
            continue;
        }
        let t = target as i64;
        if t < 1 || t as usize > len {
            out.error(
                "bad-jump",
                Some(n),
                format!("DO_JUMP to item {t}, which does not exist (items 1 to {len})"),
            );
        } else if t as usize == n {
            out.error("bad-jump", Some(n), "DO_JUMP jumps to itself".into());
        }
        if repeat < -1.0 {
            out.error(
                "bad-jump",
                Some(n),
                format!("DO_JUMP repeat count {repeat}: -1 (forever) or 0 and up"),
            );
        }
    }
}

fn check_flight(doc: &MissionDocument, limits: &Limits, dem: Option<&Dem>, out: &mut Out) {
    let nav: Vec<(usize, &MissionItem)> = doc
        .mission
        .iter()
        .enumerate()
        .filter(|(_, it)| is_nav(it.command))
        .collect();
    if nav.is_empty() {
        if !doc.mission.is_empty() {
            out.warn(
                "no-waypoints",
                None,
                "the mission has no navigation items".into(),
            );
        }
        return;
    }
    let home = home_of(doc);
    let home_amsl = doc.planned_home.map(|h| h.alt_amsl_m);
    if doc.vehicle != VehicleKind::Plane
        && nav.first().map(|(_, it)| it.command) != Some(cmd::NAV_TAKEOFF)
    {
        out.warn(
            "no-takeoff",
            nav.first().map(|(i, _)| i + 1),
            "a multirotor mission should start with TAKEOFF: in AUTO on the ground it will not climb otherwise".into(),
        );
    }
    let ends = nav.last().map(|(_, it)| it.command);
    if !matches!(
        ends,
        Some(cmd::NAV_RETURN_TO_LAUNCH | cmd::NAV_LAND | cmd::NAV_LOITER_UNLIM)
    ) && !doc
        .mission
        .iter()
        .any(|it| it.command == cmd::DO_LAND_START)
    {
        out.warn(
            "no-return",
            None,
            "the mission does not end with RTL or LAND: the aircraft will loiter at the last waypoint".into(),
        );
    }
    let mut speed = initial_speed_mps(doc);
    for (i, it) in doc.mission.iter().enumerate() {
        let n = Some(i + 1);
        match it.command {
            cmd::DO_CHANGE_SPEED if it.params[1] > 0.0 => speed = f64::from(it.params[1]),
            cmd::DO_SET_CAM_TRIGG_DIST if it.params[0] > 0.0 => {
                let interval = f64::from(it.params[0]) / speed;
                if let Some(min) = limits.camera_min_interval_s
                    && interval < min
                {
                    out.warn(
                        "photo-interval",
                        n,
                        format!(
                            "a photo every {:.1} m at {speed:.1} m/s is every {interval:.2} s, faster than the camera's {min:.2} s; fly at most {:.1} m/s",
                            it.params[0],
                            f64::from(it.params[0]) / min
                        ),
                    );
                }
            }
            c if is_nav(c)
                && frame::is_global(it.frame)
                && c != cmd::NAV_LAND
                && c != cmd::NAV_RETURN_TO_LAUNCH =>
            {
                // Above the ground below when the elevation model knows it (the legal
                // ceiling is a height above ground), else above home.
                let agl = dem.and_then(|d| {
                    let ground = d.elevation_m(it.position()?)?;
                    let home_ground = d.elevation_m(home?)?;
                    let z = f64::from(it.z);
                    Some(match it.frame {
                        frame::GLOBAL | frame::GLOBAL_INT => z - ground,
                        frame::GLOBAL_TERRAIN_ALT | frame::GLOBAL_TERRAIN_ALT_INT => z,
                        _ => home_ground + z - ground,
                    })
                });
                let (alt, what) = match agl {
                    Some(h) => (h, "above the ground"),
                    None => (alt_above_home_m(it, home_amsl), "above home"),
                };
                if alt > limits.max_alt_m {
                    out.warn(
                        "altitude-high",
                        n,
                        format!(
                            "{alt:.0} m {what}, over the {:.0} m limit",
                            limits.max_alt_m
                        ),
                    );
                } else if alt < limits.min_alt_m && alt.is_finite() {
                    out.warn(
                        "altitude-low",
                        n,
                        format!(
                            "{alt:.1} m {what}, under the {:.0} m floor",
                            limits.min_alt_m
                        ),
                    );
                }
                if let (Some(p), Some(h)) = (it.position(), home) {
                    let d = p.distance_m(h);
                    if d > limits.max_distance_m {
                        out.warn(
                            "distance",
                            n,
                            format!(
                                "{:.2} km from home, beyond {:.2} km (telemetry range, line of sight)",
                                d / 1000.0,
                                limits.max_distance_m / 1000.0
                            ),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(end) = limits.endurance_min {
        let st = mission_stats(doc);
        let usable = end * 60.0 * (1.0 - limits.reserve_pct / 100.0);
        if st.flight_time_s > usable {
            out.warn(
                "endurance",
                None,
                format!(
                    "estimated flight {:.1} min exceeds the usable {:.1} min ({end} min less {}% reserve); split the survey",
                    st.flight_time_s / 60.0,
                    usable / 60.0,
                    limits.reserve_pct
                ),
            );
        }
    }
}

#[path = "validate_space.rs"]
mod space;
use space::{check_fence, check_terrain};

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
