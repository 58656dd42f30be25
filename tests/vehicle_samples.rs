//! Feeds every sample tlog (../shared/samples) through `TlogReader` + `Fleet::apply_raw` +
//! `Fleet::check_timeouts` and checks facts about each flight. Every expected number here was
//! checked against the same files read with pymavlink 2.4.50 (see the report of the vehicle
//! module); SOURCES.md describes the files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use steppe::geo::LatLon;
use steppe::log::tlog::TlogReader;
use steppe::vehicle::{
    Autopilot, CameraEvent, CameraSource, Fleet, FleetEvent, VehicleClass, VehicleId,
};

/// The shared samples (see `steppe::test_support`).
fn samples_dir() -> PathBuf {
    steppe::test_support::samples_dir()
}

/// The result of replaying one tlog.
struct Replay {
    fleet: Fleet,
    events: Vec<FleetEvent>,
    max_alt_rel_m: BTreeMap<VehicleId, f64>,
    max_home_dist_m: BTreeMap<VehicleId, f64>,
    records: u64,
}

impl Replay {
    fn of(relative: &str) -> Replay {
        Self::path(&samples_dir().join(relative))
    }

    fn path(path: &Path) -> Replay {
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut fleet = Fleet::new();
        let mut events = Vec::new();
        let mut max_alt_rel_m = BTreeMap::new();
        let mut max_home_dist_m = BTreeMap::new();
        let mut records = 0;
        for rec in TlogReader::new(&data) {
            records += 1;
            events.extend(fleet.check_timeouts(rec.t_us));
            events.extend(fleet.apply_raw(&rec.header, rec.payload(), rec.t_us));
            let id = VehicleId::new(rec.header.sysid, rec.header.compid);
            if let Some(v) = fleet.get(id) {
                if let Some(alt) = v.position.alt_rel_m {
                    let m = max_alt_rel_m.entry(id).or_insert(f64::MIN);
                    *m = f64::max(*m, alt);
                }
                if let Some(d) = v.distance_to_home_m() {
                    let m = max_home_dist_m.entry(id).or_insert(0.0);
                    *m = f64::max(*m, d);
                }
            }
        }
        Replay {
            fleet,
            events,
            max_alt_rel_m,
            max_home_dist_m,
            records,
        }
    }

    fn ids(&self) -> Vec<VehicleId> {
        self.fleet.ids().collect()
    }

    /// What `f` picks from each event, in order.
    fn pick<'a, T>(&'a self, f: impl Fn(&'a FleetEvent) -> Option<T>) -> Vec<T> {
        self.events.iter().filter_map(f).collect()
    }

    /// Mode at first contact followed by every mode change, joined by " > ".
    fn modes(&self, id: VehicleId) -> String {
        let modes = self.pick(|e| match e {
            FleetEvent::VehicleAppeared { mode, .. } if e.id() == id => Some(mode.clone()),
            FleetEvent::ModeChanged { to, .. } if e.id() == id => Some(to.clone()),
            _ => None,
        });
        modes.join(" > ")
    }

    fn reached(&self) -> Vec<u16> {
        self.pick(|e| match e {
            FleetEvent::MissionItemReached { seq, .. } => Some(*seq),
            _ => None,
        })
    }

    fn mission_current(&self) -> Vec<u16> {
        self.pick(|e| match e {
            FleetEvent::MissionCurrent { seq, .. } => Some(*seq),
            _ => None,
        })
    }

    fn texts(&self) -> Vec<&str> {
        self.pick(|e| match e {
            FleetEvent::StatusText { text, .. } => Some(text.as_str()),
            _ => None,
        })
    }

    fn photos(&self) -> Vec<&CameraEvent> {
        self.pick(|e| match e {
            FleetEvent::CameraTrigger { event, .. } => Some(event),
            _ => None,
        })
    }

    fn count(&self, pred: impl Fn(&FleetEvent) -> bool) -> usize {
        self.events.iter().filter(|e| pred(e)).count()
    }

    fn lost_regained(&self) -> (usize, usize) {
        let lost = self.count(|e| matches!(e, FleetEvent::VehicleLost { .. }));
        (
            lost,
            self.count(|e| matches!(e, FleetEvent::VehicleRegained { .. })),
        )
    }

    fn arm_counts(&self) -> (usize, usize) {
        let armed = self.count(|e| matches!(e, FleetEvent::Armed { .. }));
        (
            armed,
            self.count(|e| matches!(e, FleetEvent::Disarmed { .. })),
        )
    }
}

fn all_sample_tlogs() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = ["tlog/**/*.tlog", "sitl/*.tlog"]
        .iter()
        .flat_map(|pat| {
            glob::glob(&format!("{}/{pat}", samples_dir().display()))
                .expect("valid pattern")
                .filter_map(Result::ok)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_sample_replays_with_sane_vehicles() {
    let files = all_sample_tlogs();
    assert_eq!(files.len(), 14, "{files:?}");
    for path in files {
        let r = Replay::path(&path);
        let name = path.display();
        assert!(r.records > 0, "{name}");
        for v in r.fleet.iter() {
            // Ground stations (255/190, 255/0, 254/0, MAVProxy 255/230) never become vehicles.
            assert!(v.id.sysid < 250, "{name}: {}", v.id);
            assert!(!v.mode_name.starts_with("Mode("), "{name}: {}", v.mode_name);
            assert!(v.first_seen_us <= v.last_heard_us, "{name}");
        }
        for e in &r.events {
            assert!(
                r.fleet.get(e.id()).is_some(),
                "{name}: event for unknown {}",
                e.id()
            );
        }
    }
}

fn only_vehicle(r: &Replay, id: VehicleId, autopilot: Autopilot, class: VehicleClass) {
    assert_eq!(r.ids(), [id]);
    let v = r.fleet.get(id).expect("vehicle");
    assert_eq!((v.autopilot, v.class), (autopilot, class));
}

#[test]
fn arducopter411_auto_36_waypoints() {
    let r = Replay::of("tlog/arducopter411_real_2021_onboard_mav2_auto36wp.tlog");
    let id = VehicleId::new(10, 1);
    only_vehicle(&r, id, Autopilot::ArduPilot, VehicleClass::Copter);
    let v = r.fleet.get(id).expect("vehicle");
    assert!(v.mavlink2);
    let flight = "STABILIZE > ALT_HOLD > LOITER > AUTO";
    let expect = format!("{flight} > {flight} > STABILIZE > ALT_HOLD > STABILIZE");
    assert_eq!(r.modes(id), expect);
    assert_eq!(r.reached(), (1..=36).collect::<Vec<u16>>());
    assert_eq!(
        r.mission_current(),
        (0..=36).chain([0]).collect::<Vec<u16>>()
    );
    assert_eq!(r.arm_counts(), (1, 1));
    assert_eq!(r.lost_regained(), (0, 0));
    let alt = r.max_alt_rel_m[&id];
    assert!((30.0..31.5).contains(&alt), "{alt}");
    let dist = r.max_home_dist_m[&id];
    assert!((300.0..315.0).contains(&dist), "{dist}");
    assert_eq!(r.texts().len(), 82);
    assert!(v.armed_time_us(v.last_heard_us) > 60_000_000);
}

#[test]
fn arduplane36_auto_waypoints_1_to_5() {
    let r = Replay::of("tlog/arduplane36_real_2016_mavproxy_mixed_v1v2_auto.tlog");
    let id = VehicleId::new(2, 1);
    // MAVProxy's GCS heartbeats 255/0 and 254/0 are not vehicles.
    only_vehicle(&r, id, Autopilot::ArduPilot, VehicleClass::Plane);
    assert!(r.fleet.get(id).is_some_and(|v| v.mavlink2));
    // The file starts in FBWA (SOURCES.md says MANUAL->FBWA->AUTO; the heartbeats say
    // FBWA, then MANUAL 14 s later, then AUTO).
    assert_eq!(r.modes(id), "FBWA > MANUAL > AUTO");
    assert_eq!(r.reached(), [1, 2, 3, 4, 5]);
    assert_eq!(r.arm_counts(), (1, 0));
    let alt = r.max_alt_rel_m[&id];
    assert!((104.0..107.0).contains(&alt), "{alt}");
    // While disarmed, home follows the plane (3096 HOME_POSITION, 1858 distinct; it was moved
    // ~20 m on the ground 14 s in). Events: first home, then the home locked at arming.
    let homes: Vec<u64> = r
        .events
        .iter()
        .filter(|e| matches!(e, FleetEvent::HomeSet { .. }))
        .map(FleetEvent::t_us)
        .collect();
    let armed_at = r
        .events
        .iter()
        .find(|e| matches!(e, FleetEvent::Armed { .. }))
        .map(FleetEvent::t_us);
    assert_eq!(homes.len(), 2, "{homes:?}");
    assert!(armed_at.is_some_and(|t| homes[1] >= t));
    assert!(r.count(|e| matches!(e, FleetEvent::SystemStatusChanged { to: 4, .. })) >= 1);
}

#[test]
fn arducopter_2013_mission_planner_auto() {
    let r = Replay::of("tlog/arducopter_real_2013_missionplanner_mav1_auto.tlog");
    let id = VehicleId::new(1, 1);
    // 255/190 Mission Planner and the 3DR radio 51/68 (RADIO_STATUS only) are not vehicles.
    only_vehicle(&r, id, Autopilot::ArduPilot, VehicleClass::Copter);
    let v = r.fleet.get(id).expect("vehicle");
    assert!(!v.mavlink2);
    assert_eq!(
        r.modes(id),
        "STABILIZE > LOITER > STABILIZE > AUTO > LOITER > STABILIZE"
    );
    // MISSION_CURRENT 0..26, then 65535 (no current item), which is not an event.
    assert_eq!(r.mission_current(), (0..=26).collect::<Vec<u16>>());
    assert_eq!(v.mission.current_seq, None);
    // No current sensor: SYS_STATUS current -1, remaining -1.
    assert_eq!((v.battery.current_a, v.battery.remaining_pct), (None, None));
    assert!(v.battery.voltage_v.is_some());
    let alt = r.max_alt_rel_m[&id];
    assert!((100.0..101.5).contains(&alt), "{alt}");
    assert_eq!(v.distance_to_home_m(), None, "no HOME_POSITION in 2013");
    // Heartbeats stop 3.3 s before the file ends.
    assert_eq!(r.lost_regained(), (1, 0));
    assert_eq!(r.texts().len(), 32);
}

#[test]
fn arducopter411_mission_planner_download_on_ground() {
    let r = Replay::of("tlog/arducopter411_real_2021_missionplanner_mixed_v1v2_wpdownload.tlog");
    let id = VehicleId::new(10, 1);
    only_vehicle(&r, id, Autopilot::ArduPilot, VehicleClass::Copter);
    assert_eq!(r.modes(id), "STABILIZE");
    assert!(r.fleet.get(id).is_some_and(|v| v.mavlink2 && !v.armed));
    assert_eq!(r.arm_counts(), (0, 0));
    // One 4.0 s heartbeat gap.
    assert_eq!(r.lost_regained(), (1, 1));
    // Mission Planner's own 3 STATUSTEXT are not the vehicle's
    assert_eq!(r.texts().len(), 30);
    assert!(r.reached().is_empty());
}

#[test]
fn herelink_copter_components_and_chunked_text() {
    let r = Replay::of("tlog/arducopter41_herelink_qgc_mav2_small.tlog");
    let id = VehicleId::new(1, 1);
    // 42/250 (onboard controller), 42/100 (autopilot INVALID), QGC and MAVProxy are not vehicles.
    only_vehicle(&r, id, Autopilot::ArduPilot, VehicleClass::Copter);
    let v = r.fleet.get(id).expect("vehicle");
    assert_eq!((v.mav_type, v.mode_name.as_str()), (3, "ALT_HOLD"));
    let texts = r.texts();
    assert_eq!(texts.len(), 8, "9 chunks, one message in two chunks");
    assert!(
        texts.contains(&"ArduCopter V4.1.0   Ascent AeroSystems 3.0.2 (6a83900c)"),
        "{texts:?}"
    );
    assert_eq!(v.status_log.total(), 8);
}

#[test]
fn ardusub_manual() {
    let r = Replay::of("tlog/ardusub411_real_2023_qgc_mav2.tlog");
    let id = VehicleId::new(1, 1);
    // Camera 1/100 and companion 1/194 send heartbeats too; GPS_INPUT from 1/220 is ignored.
    only_vehicle(&r, id, Autopilot::ArduPilot, VehicleClass::Sub);
    let v = r.fleet.get(id).expect("vehicle");
    assert_eq!(r.modes(id), "MANUAL");
    assert_eq!(r.arm_counts(), (1, 1));
    assert_eq!(
        v.battery.remaining_pct, None,
        "battery_remaining -1 throughout"
    );
    assert!(
        v.battery
            .voltage_v
            .is_some_and(|x| (15.0..17.0).contains(&x))
    );
    // The GPS fix flaps between 3D and none (GPS_INPUT timeouts): 16 changes after the first.
    let fix_changes = r.count(|e| matches!(e, FleetEvent::GpsFixChanged { from: Some(_), .. }));
    assert_eq!(fix_changes, 16);
    assert_eq!(v.camera.total(), 0, "camera-manager traffic is not photos");
}

#[test]
fn quadplane_sitl_2018() {
    let r = Replay::of("tlog/arduplane_quadplane_sitl_2018_mav1.tlog");
    let id = VehicleId::new(1, 1);
    // This QuadPlane reports MAV_TYPE_FIXED_WING: Plane table, Q modes still named.
    only_vehicle(&r, id, Autopilot::ArduPilot, VehicleClass::Plane);
    assert_eq!(r.modes(id), "QLOITER > CIRCLE > GUIDED > QLAND");
    assert_eq!(r.arm_counts(), (0, 1));
    assert!(!r.fleet.get(id).is_some_and(|v| v.mavlink2));
    assert_eq!(r.lost_regained(), (5, 5));
    assert_eq!(r.reached(), [0, 0]);
    // ArduPlane 3.10 acknowledges SET_MODE with COMMAND_ACK command = 11 (the SET_MODE message
    // id), which is not a MAV_CMD: the typed decoder rejects those three ACKs.
    assert_eq!(r.fleet.undecodable(), 3);
}

#[test]
fn cmac_2015_with_bad_data() {
    let r = Replay::of("tlog/arducopter_cmac_2015_mav1_baddata.tlog");
    let id = VehicleId::new(1, 1);
    only_vehicle(&r, id, Autopilot::ArduPilot, VehicleClass::Copter);
    let expect = "STABILIZE > LOITER > AUTO > LOITER > STABILIZE > LOITER > STABILIZE > RTL";
    assert_eq!(r.modes(id), format!("{expect} > STABILIZE"));
    assert_eq!(r.arm_counts(), (7, 7));
    assert_eq!(r.lost_regained(), (3, 2));
}

#[test]
fn arduplane_2012_truncated_with_gcs_claiming_ardupilot() {
    let r = Replay::of("tlog/arduplane_2012_mav1_tiny.tlog");
    let id = VehicleId::new(1, 1);
    // 255/190 sends HEARTBEAT type GCS with autopilot ARDUPILOTMEGA: still not a vehicle.
    only_vehicle(&r, id, Autopilot::ArduPilot, VehicleClass::Plane);
    assert_eq!(r.modes(id), "MANUAL");
    assert!(matches!(
        r.events.first(),
        Some(FleetEvent::VehicleAppeared { armed: true, .. })
    ));
}

#[test]
fn single_battery_status_without_heartbeat() {
    let r = Replay::of("tlog/edge_cases/pymavlink_capture_mav2_battery_status_single_packet.tlog");
    assert_eq!(r.records, 1);
    assert!(r.fleet.is_empty() && r.events.is_empty());
    assert_eq!(r.fleet.undecodable(), 0);
}

#[test]
fn px4_hexa_three_flights() {
    let r = Replay::of("tlog/px4/px4_1.11.3_real_2022_qgc_mav2_hexa_3flights_baddata.tlog");
    let id = VehicleId::new(1, 1);
    only_vehicle(&r, id, Autopilot::Px4, VehicleClass::Copter);
    assert_eq!(r.fleet.get(id).map(|v| v.mav_type), Some(13));
    assert_eq!(
        r.modes(id),
        "Manual > Hold > Position > Altitude > Position"
    );
    assert_eq!(r.arm_counts(), (3, 3));
    let texts = r.texts();
    // PX4 sends id != 0 for single-chunk messages
    assert_eq!(texts.len(), 13);
    assert_eq!(
        texts.iter().filter(|t| **t == "Takeoff detected").count(),
        3
    );
    assert_eq!(
        texts
            .iter()
            .filter(|t| **t == "Disarmed by landing")
            .count(),
        3
    );
    assert!(texts.contains(&"Primary compass not found"));
    assert_eq!(r.lost_regained(), (5, 4));
    let alt = r.max_alt_rel_m[&id];
    assert!((3.5..5.0).contains(&alt), "{alt}");
}

#[test]
fn px4_2014_compid_241() {
    let r = Replay::of("tlog/px4/px4_2014_mavproxy_mav1_tiny_onground.tlog");
    let id = VehicleId::new(1, 241);
    only_vehicle(&r, id, Autopilot::Px4, VehicleClass::Copter);
    assert_eq!(r.modes(id), "Manual");
    assert!(!r.fleet.get(id).is_some_and(|v| v.mavlink2));
}

/// Corners of the `survey_area` polygon in a boundary KML (lat, lon).
fn kml_polygon(relative: &str) -> Vec<LatLon> {
    let text = std::fs::read_to_string(samples_dir().join(relative)).expect("kml");
    let start =
        text.find("<LinearRing><coordinates>").expect("ring") + "<LinearRing><coordinates>".len();
    let end = start + text[start..].find("</coordinates>").expect("end");
    text[start..end]
        .split_whitespace()
        .map(|t| {
            let v: Vec<f64> = t.split(',').map(|x| x.parse().expect("number")).collect();
            LatLon::new(v[1], v[0])
        })
        .collect()
}

fn inside(poly: &[LatLon], p: LatLon) -> bool {
    let mut c = false;
    for (a, b) in poly.iter().zip(poly.iter().cycle().skip(1)) {
        if (a.lat_deg > p.lat_deg) != (b.lat_deg > p.lat_deg) {
            let x = a.lon_deg
                + (p.lat_deg - a.lat_deg) / (b.lat_deg - a.lat_deg) * (b.lon_deg - a.lon_deg);
            if p.lon_deg < x {
                c = !c;
            }
        }
    }
    c
}

fn check_survey_photos(r: &Replay, kml: &str, count: u32, alt_rel: std::ops::Range<f64>) {
    let photos = r.photos();
    assert_eq!(photos.len(), count as usize);
    let idx: Vec<u32> = photos.iter().filter_map(|p| p.image_index).collect();
    assert_eq!(idx, (1..=count).collect::<Vec<u32>>());
    let area = kml_polygon(kml);
    for p in &photos {
        assert_eq!(
            (p.source, p.compid, p.ok),
            (CameraSource::Feedback, 1, true)
        );
        let ll = p.lat_lon.expect("CAMERA_FEEDBACK has a position");
        assert!(
            inside(&area, ll),
            "photo {:?} at {ll:?} outside the survey area",
            p.image_index
        );
        let alt = p.alt_rel_m.expect("alt_rel");
        assert!(alt_rel.contains(&alt), "{alt}");
        assert!(p.attitude_deg.is_some());
    }
    let v = r.fleet.get(VehicleId::new(1, 1)).expect("vehicle");
    assert_eq!(v.camera.total(), u64::from(count));
}

#[test]
fn sitl_copter_survey_with_camera() {
    let r = Replay::of("sitl/arducopter_sitl_survey_talas_camera.tlog");
    let id = VehicleId::new(1, 1);
    // GCS script 255/190, MAVProxy 255/230 and the MAVProxy-written 1/190 PARAM_VALUE are not
    // vehicles.
    only_vehicle(&r, id, Autopilot::ArduPilot, VehicleClass::Copter);
    assert_eq!(r.modes(id), "STABILIZE > GUIDED > AUTO");
    assert_eq!(r.arm_counts(), (1, 1));
    let expect: Vec<u16> = [2, 3].into_iter().chain((5..=39).step_by(2)).collect();
    assert_eq!(r.reached(), expect);
    check_survey_photos(
        &r,
        "sitl/arducopter_sitl_survey_talas_camera_boundary.kml",
        180,
        69.9..70.1,
    );
    let v = r.fleet.get(id).expect("vehicle");
    let home = v.home.expect("home");
    assert!(home.lat_lon.distance_m(LatLon::new(42.52, 72.24)) < 1.0);
    assert!((home.alt_amsl_m - 1100.0).abs() < 0.5);
    let alt = r.max_alt_rel_m[&id];
    assert!((69.5..70.5).contains(&alt), "{alt}");
    let dist = r.max_home_dist_m[&id];
    assert!((530.0..545.0).contains(&dist), "{dist}");
    assert_eq!(v.mission.total_items, Some(39));
    assert_eq!(r.texts().len(), 96);
    assert_eq!(r.lost_regained(), (0, 0));
    assert_eq!(r.fleet.undecodable(), 0);
}

#[test]
fn sitl_plane_survey_with_camera() {
    let r = Replay::of("sitl/arduplane_sitl_survey_jalalabad_camera.tlog");
    let id = VehicleId::new(1, 1);
    only_vehicle(&r, id, Autopilot::ArduPilot, VehicleClass::Plane);
    assert_eq!(r.modes(id), "INITIALISING > MANUAL > AUTO > RTL");
    // still armed, loitering over home at the end
    assert_eq!(r.arm_counts(), (1, 0));
    let expect = [
        1, 2, 3, 5, 7, 8, 9, 11, 13, 14, 15, 17, 19, 20, 21, 23, 25, 26, 27, 29, 31, 32, 33, 35,
        37, 38, 39, 41, 43,
    ];
    assert_eq!(r.reached(), expect);
    check_survey_photos(
        &r,
        "sitl/arduplane_sitl_survey_jalalabad_camera_boundary.kml",
        175,
        118.0..120.5,
    );
    let v = r.fleet.get(id).expect("vehicle");
    assert!(
        v.home
            .is_some_and(|h| h.lat_lon.distance_m(LatLon::new(40.93, 73.0)) < 1.0)
    );
    assert!(v.is_flying());
    assert_eq!(v.mode_name, "RTL");
    let alt = r.max_alt_rel_m[&id];
    assert!((122.0..125.0).contains(&alt), "{alt}");
    let dist = r.max_home_dist_m[&id];
    assert!((2070.0..2090.0).contains(&dist), "{dist}");
    assert_eq!(r.texts().len(), 116);
    assert_eq!(r.fleet.undecodable(), 0);
}
