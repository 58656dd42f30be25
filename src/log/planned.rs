//! Planned against flown: the mission found in a log (uploaded or downloaded while it was
//! recorded) or given as a plan file, and the cross-track error of the flown track against
//! its legs.
//!
//! A mission is recovered from the MISSION_COUNT and MISSION_ITEM(_INT) frames of a transfer
//! in either direction: the vehicle's own items (download) or the ground station's (upload,
//! addressed to the vehicle). The last complete list (every item 0..count) per vehicle wins.

use super::tlog::TlogReader;
use super::track::TrackPoint;
use crate::geo::{Enu, LatLon, LocalFrame};
use crate::plan::MissionItem;
use crate::protocol::wire::Wire;
use std::collections::{BTreeMap, BTreeSet};

/// MAV_MISSION_TYPE of the mission proper.
const MISSION: u8 = 0;
/// Autopilot id meaning "not a flight controller" (ground stations, gimbals).
const MAV_AUTOPILOT_INVALID: u8 = 8;

/// A mission recovered from a log.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedMission {
    /// The vehicle that holds it.
    pub sysid: u8,
    /// When the last item of the transfer was recorded, µs since the Unix epoch.
    pub t_us: u64,
    /// The items, in order (ArduPilot's home at 0).
    pub items: Vec<MissionItem>,
}

#[derive(Default)]
struct Transfer {
    count: usize,
    items: BTreeMap<u16, MissionItem>,
}

/// The last complete mission of each vehicle in the log.
pub fn missions_in_log(data: &[u8]) -> Vec<LoggedMission> {
    let mut vehicles = BTreeSet::new();
    let mut open: BTreeMap<u8, Transfer> = BTreeMap::new();
    let mut done: BTreeMap<u8, LoggedMission> = BTreeMap::new();
    for rec in TlogReader::new(data) {
        let payload = rec.payload();
        let sender = rec.header.sysid;
        if rec.header.msgid == 0 {
            // HEARTBEAT: byte 5 is the autopilot type.
            if payload.get(5).is_some_and(|a| *a != MAV_AUTOPILOT_INVALID) {
                vehicles.insert(sender);
            }
            continue;
        }
        let Some(w) = Wire::decode(rec.header.msgid, payload) else {
            continue;
        };
        let holder = |target: u8| {
            if vehicles.contains(&sender) {
                sender
            } else {
                target
            }
        };
        match w {
            Wire::MissionCount {
                target_system,
                count,
                mission_type: MISSION,
                ..
            } => {
                open.insert(
                    holder(target_system),
                    Transfer {
                        count: usize::from(count),
                        items: BTreeMap::new(),
                    },
                );
            }
            Wire::MissionItem {
                target_system,
                seq,
                mission_type: MISSION,
                item,
                ..
            } => {
                let who = holder(target_system);
                let Some(t) = open.get_mut(&who) else {
                    continue;
                };
                if usize::from(seq) < t.count {
                    t.items.insert(seq, item);
                }
                if t.items.len() == t.count && t.count > 0 {
                    done.insert(
                        who,
                        LoggedMission {
                            sysid: who,
                            t_us: rec.t_us,
                            items: t.items.values().cloned().collect(),
                        },
                    );
                    open.remove(&who);
                }
            }
            _ => {}
        }
    }
    done.into_values().collect()
}

/// MAV_CMD_NAV_RETURN_TO_LAUNCH.
const NAV_RETURN_TO_LAUNCH: u16 = 20;

/// The path a mission flies: the positions of its navigation items, from home (ArduPilot's
/// item 0, where the takeoff climbs) on, and back home where it returns to launch. `home`
/// stands in when item 0 has no position (a list downloaded before home was set).
pub fn planned_path(items: &[MissionItem], home: Option<LatLon>) -> Vec<LatLon> {
    let home = items.first().and_then(MissionItem::position).or(home);
    let mut path: Vec<LatLon> = home.into_iter().collect();
    for it in items.iter().skip(1) {
        if it.command == NAV_RETURN_TO_LAUNCH {
            path.extend(home);
        } else if (16..=95).contains(&it.command) {
            path.extend(it.position());
        }
    }
    path
}

/// A mission file's items as the vehicle holds them: its planned home (or none, for the
/// flown home to stand in) as item 0, then the mission (documents keep home apart).
pub fn items_with_home(doc: &crate::plan::MissionDocument) -> Vec<MissionItem> {
    let mut home = MissionItem::default();
    if let Some(h) = &doc.planned_home {
        home.set_position(h.position);
        home.z = h.alt_amsl_m as f32;
        home.frame = crate::plan::mission_item::frame::GLOBAL;
    }
    let mut items = vec![home];
    items.extend(doc.mission.iter().cloned());
    items
}

/// Cross-track error statistics of a flown track against a planned path.
#[derive(Debug, Clone, PartialEq)]
pub struct CrossTrack {
    /// Track points compared (those flown in AUTO, or all when none was).
    pub points: usize,
    /// Mean distance to the nearest leg, metres.
    pub mean_m: f64,
    /// 95th percentile, metres.
    pub p95_m: f64,
    /// Largest distance, metres.
    pub max_m: f64,
    /// Where the largest distance was (log time, µs since the Unix epoch).
    pub max_at_us: u64,
}

/// Distance from `p` to the segment `a`–`b`, metres (local frame).
fn to_segment_m(p: Enu, a: Enu, b: Enu) -> f64 {
    let (dx, dy) = (b.east_m - a.east_m, b.north_m - a.north_m);
    let len2 = dx * dx + dy * dy;
    let t = if len2 <= f64::EPSILON {
        0.0
    } else {
        (((p.east_m - a.east_m) * dx + (p.north_m - a.north_m) * dy) / len2).clamp(0.0, 1.0)
    };
    p.distance_m(Enu::new(a.east_m + t * dx, a.north_m + t * dy))
}

/// The cross-track error of `track` (the points flown in AUTO mode) against the legs of
/// `path`. `None` when the path has no leg or no point is compared.
pub fn cross_track(path: &[LatLon], track: &[TrackPoint]) -> Option<CrossTrack> {
    let origin = *path.first()?;
    let frame = LocalFrame::new(origin);
    let legs: Vec<(Enu, Enu)> = path
        .windows(2)
        .filter_map(|w| match w {
            [a, b] => Some((frame.to_enu(*a), frame.to_enu(*b))),
            _ => None,
        })
        .collect();
    if legs.is_empty() {
        return None;
    }
    let auto: Vec<&TrackPoint> = track
        .iter()
        .filter(|p| p.mode.eq_ignore_ascii_case("AUTO") || p.mode.eq_ignore_ascii_case("MISSION"))
        .collect();
    let compared: Vec<&TrackPoint> = if auto.is_empty() {
        track.iter().collect()
    } else {
        auto
    };
    let mut d: Vec<(f64, u64)> = compared
        .iter()
        .map(|p| {
            let e = frame.to_enu(p.lat_lon);
            let m = legs
                .iter()
                .map(|(a, b)| to_segment_m(e, *a, *b))
                .fold(f64::INFINITY, f64::min);
            (m, p.t_us)
        })
        .collect();
    if d.is_empty() {
        return None;
    }
    let mean_m = d.iter().map(|x| x.0).sum::<f64>() / d.len() as f64;
    let (max_m, max_at_us) = d
        .iter()
        .copied()
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .unwrap_or((0.0, 0));
    d.sort_by(|a, b| a.0.total_cmp(&b.0));
    let i95 = ((d.len() as f64 * 0.95).ceil() as usize).clamp(1, d.len()) - 1;
    let p95_m = d.get(i95).map_or(max_m, |x| x.0);
    Some(CrossTrack {
        points: d.len(),
        mean_m,
        p95_m,
        max_m,
        max_at_us,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::track::{TrackFilter, tracks};

    fn sample(rel: &str) -> Vec<u8> {
        std::fs::read(crate::test_support::samples_dir().join(rel)).expect("sample")
    }

    #[test]
    fn the_uploaded_survey_is_found_and_flown_within_metres() {
        let data = sample("sitl/arducopter_sitl_survey_talas_camera.tlog");
        let missions = missions_in_log(&data);
        assert_eq!(missions.len(), 1);
        let m = &missions[0];
        assert_eq!(m.sysid, 1);
        assert_eq!(m.items.len(), 40);
        // The same items as the .waypoints file the SITL flight was given.
        let wp = std::fs::read(
            crate::test_support::samples_dir()
                .join("sitl/arducopter_sitl_survey_talas_camera.waypoints"),
        )
        .expect("waypoints");
        let doc = crate::formats::document::read_document(&wp).expect("reads");
        let t = tracks(&data, &TrackFilter::default());
        let home = t[0].points.first().map(|p| p.lat_lon);
        let path = planned_path(&m.items, home);
        // The file's home is rounded to 42.52, 72.24; the flight's is the real one.
        let file_path = planned_path(&items_with_home(&doc), home);
        assert_eq!(path.len(), file_path.len());
        // Equal to the file's within rounding (MAVProxy converted the file's decimal degrees).
        for (a, b) in path.iter().zip(&file_path).skip(1) {
            assert!(a.distance_m(*b) < 0.05, "{a:?} vs {b:?}");
        }
        let xt = cross_track(&path, &t[0].points).expect("compared");
        assert!(xt.points > 500);
        assert!(xt.mean_m < 2.0, "mean {:.2} m", xt.mean_m);
        assert!(xt.p95_m < 5.0, "p95 {:.2} m", xt.p95_m);
        assert!(xt.max_m >= xt.p95_m && xt.p95_m >= 0.0);
    }

    #[test]
    fn a_downloaded_mission_is_found_too() {
        let data = sample("tlog/arducopter411_real_2021_missionplanner_mixed_v1v2_wpdownload.tlog");
        let missions = missions_in_log(&data);
        assert_eq!(missions.len(), 1);
        assert_eq!(missions[0].sysid, 10);
        assert_eq!(missions[0].items.len(), 37);
    }

    #[test]
    fn cross_track_of_a_parallel_offset_is_the_offset() {
        let a = LatLon::new(43.0, 76.0);
        let frame = LocalFrame::new(a);
        let b = frame.to_latlon(Enu::new(1000.0, 0.0));
        let pts: Vec<TrackPoint> = (0..=10)
            .map(|i| TrackPoint {
                t_us: i,
                lat_lon: frame.to_latlon(Enu::new(i as f64 * 100.0, 7.0)),
                alt_amsl_m: 0.0,
                alt_rel_m: 0.0,
                speed_mps: 0.0,
                heading_deg: None,
                attitude_deg: None,
                mode: "AUTO".into(),
            })
            .collect();
        let xt = cross_track(&[a, b], &pts).expect("compared");
        assert!((xt.mean_m - 7.0).abs() < 0.05);
        assert!((xt.max_m - 7.0).abs() < 0.05);
        assert!(cross_track(&[a], &pts).is_none());
        assert!(cross_track(&[a, b], &[]).is_none());
    }
}
