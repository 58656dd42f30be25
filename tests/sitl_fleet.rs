//! Two real ArduCopter 4.7 SITLs with Steppe: a split survey flown by both at once and recorded
//! in one tlog, a survey resumed after a battery swap, and the app core (no window) showing both
//! vehicles and raising a fence breach and a low battery. Needs `../shared/peers/ardupilot`.

mod common;

use common::sitl::{
    Sitl, SitlOpts, arm_when_ready, engine_links, field_geojson, state, steppe, steppe_ok,
};
use common::ui::pump_until;
use common::{act, temp_dir, wait_until};
use std::path::Path;
use std::time::Duration;
use steppe::app::AppCore;
use steppe::plan::MissionType;
use steppe::protocol::actions::VehicleAction as A;
use steppe::runtime::MissionOp;
use steppe::ui::model::{UiCommand, UiModel};
use steppe::vehicle::VehicleId;

const FIELD_HOME: (f64, f64) = (42.5197301, 72.2499943);

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn copter(sysid: u8, home: (f64, f64)) -> Sitl {
    Sitl::copter(SitlOpts {
        sysid,
        speedup: 10.0,
        camera: true,
        home: Some((home.0, home.1, 780.0, 0.0)),
        ..SitlOpts::default()
    })
}

/// Clears the mission until the vehicle takes it (NO_SPACE right after a wiped boot).
fn wait_storage(link: &str) {
    let ok = common::sitl::retry(Duration::from_secs(30), Duration::from_millis(500), || {
        steppe(&["mission", "clear", "--link", link])
            .0
            .then_some(())
    });
    assert!(ok.is_some(), "{link} never took a mission clear");
}

/// The covered percentage and completeness `steppe tlog coverage` reports.
fn coverage(tlogs: &[&Path], area: &Path, extra: &[&str]) -> (f64, bool, String) {
    let mut args = vec!["tlog", "coverage"];
    args.extend(tlogs.iter().map(|p| path_str(p)));
    args.extend(["--plan", path_str(area), "--json"]);
    args.extend_from_slice(extra);
    let out = steppe_ok(&args);
    let j: serde_json::Value = serde_json::from_str(&out).expect("json");
    let pct = j["covered_pct"].as_f64().unwrap_or_else(|| panic!("{out}"));
    (pct, j["complete"] == true, out)
}

#[test]
fn both_aircraft_of_a_split_survey_fly_at_once_recorded_in_one_tlog() {
    let dir = temp_dir("sitl-split");
    let field = field_geojson(&dir, FIELD_HOME, 40.0, 320.0, 200.0);
    let plan = dir.join("split.plan");
    steppe_ok(&[
        "plan",
        "survey",
        "--area",
        path_str(&field),
        "--camera",
        "Sony A6000 20mm",
        "--alt",
        "60",
        "--home",
        &format!("{},{}", FIELD_HOME.0, FIELD_HOME.1),
        "--split",
        "2",
        "--endurance",
        "30",
        "-o",
        path_str(&plan),
    ]);
    let parts: Vec<_> = (1..=2)
        .map(|k| dir.join(format!("split-{k}.plan")))
        .collect();
    let homes: Vec<(f64, f64)> = parts
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).expect("part");
            let doc = steppe::cli::doc_of(p, &bytes).expect("plan");
            let h = doc.planned_home.expect("each part has its launch point");
            (h.position.lat_deg, h.position.lon_deg)
        })
        .collect();
    let a = copter(1, homes[0]);
    let b = copter(2, homes[1]);
    for (v, part) in [(&a, &parts[0]), (&b, &parts[1])] {
        wait_storage(&v.link());
        steppe_ok(&["mission", "upload", "--link", &v.link(), path_str(part)]);
    }
    let tlog = dir.join("both.tlog");
    let (mut h, ids) = engine_links(&[&a.link(), &b.link()], Some(tlog.clone()));
    assert_eq!(ids.len(), 2);
    for &id in &ids {
        act(&mut h, id, A::SetMode("GUIDED".into())).expect("GUIDED");
    }
    for &id in &ids {
        arm_when_ready(&mut h, id, Duration::from_secs(120));
        act(&mut h, id, A::StartMission).expect("start");
    }
    wait_until(&mut h, Duration::from_secs(60), "both airborne", |s| {
        s.iter()
            .filter(|v| v.position.alt_rel_m.unwrap_or(0.0) > 10.0)
            .count()
            == 2
    });
    wait_until(&mut h, Duration::from_secs(600), "both landed", |s| {
        s.iter().all(|v| !v.armed)
    });
    let photos: Vec<u64> = ids.iter().map(|&id| state(&h, id).camera.total()).collect();
    drop(h);
    assert!(
        photos.iter().all(|&n| n > 10),
        "photos per aircraft {photos:?}"
    );
    let info = steppe_ok(&["tlog", "info", path_str(&tlog)]);
    assert!(info.contains("1/1 ") && info.contains("2/1 "), "{info}");
    let (pct, complete, out) = coverage(
        &[&tlog],
        &field,
        &[
            "--camera",
            "Sony A6000 20mm",
            "--overlap-front",
            "70",
            "--overlap-side",
            "70",
        ],
    );
    eprintln!("split survey: photos {photos:?}, {pct} % covered");
    assert!(pct >= 99.95 && complete, "{out}");
}

/// Pumps the app core until the vehicle with `id` satisfies `cond`.
fn until(
    core: &mut AppCore,
    secs: u64,
    what: &str,
    id: VehicleId,
    cond: impl Fn(&steppe::vehicle::VehicleState) -> bool,
) {
    pump_until(core, Duration::from_secs(secs), what, |m| {
        m.snapshot.vehicles.iter().any(|v| v.id == id && cond(v))
    });
}

fn engine(link: &str, tlog: &Path) -> steppe::runtime::BackendHandle {
    steppe::runtime::start(steppe::runtime::BackendConfig {
        links: vec![link.parse().expect("link")],
        tlog: Some(tlog.to_path_buf()),
        ..Default::default()
    })
    .expect("engine")
}

/// Pumps the app core for `secs` or until `cond` holds; returns whether it held.
fn pump_for(core: &mut AppCore, secs: f64, cond: impl Fn(&UiModel) -> bool) -> bool {
    let end = std::time::Instant::now() + Duration::from_secs_f64(secs);
    while std::time::Instant::now() < end {
        core.pump();
        if cond(&core.model) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

fn armed(m: &UiModel, id: VehicleId) -> bool {
    m.snapshot.vehicles.iter().any(|v| v.id == id && v.armed)
}

/// Arms (retrying while the prearm checks fail) and starts the mission through the app core,
/// as the Fly view's buttons do.
fn arm_and_start(core: &mut AppCore, id: VehicleId) {
    core.model.send(UiCommand::Action {
        target: id,
        action: A::SetMode("GUIDED".into()),
    });
    let end = std::time::Instant::now() + Duration::from_secs(120);
    while !armed(&core.model, id) {
        assert!(
            std::time::Instant::now() < end,
            "never armed: {:?}",
            core.model.log
        );
        core.model.send(UiCommand::Action {
            target: id,
            action: A::Arm,
        });
        pump_for(core, 3.0, |m| armed(m, id));
    }
    core.model.send(UiCommand::Action {
        target: id,
        action: A::StartMission,
    });
    until(core, 60, "airborne", id, |v| {
        v.position.alt_rel_m.unwrap_or(0.0) > 10.0
    });
}

/// The app core of a window-less app on `link`, recording to `tlog`, and its vehicle.
fn app(link: &str, tlog: &Path) -> (AppCore, VehicleId) {
    let mut core = AppCore::new(Some(engine(link, tlog)), UiModel::default());
    pump_until(
        &mut core,
        Duration::from_secs(90),
        "a vehicle with a position",
        |m| {
            m.snapshot
                .vehicles
                .iter()
                .any(|v| v.position.lat_lon.is_some())
        },
    );
    let id = core.model.snapshot.vehicles[0].id;
    (core, id)
}

#[test]
fn a_survey_resumed_after_a_battery_swap_covers_the_field() {
    let dir = temp_dir("sitl-resume");
    let field = field_geojson(&dir, FIELD_HOME, 40.0, 260.0, 160.0);
    let plan = dir.join("survey.plan");
    steppe_ok(&[
        "plan",
        "survey",
        "--area",
        path_str(&field),
        "--camera",
        "Sony A6000 20mm",
        "--alt",
        "60",
        "--home",
        &format!("{},{}", FIELD_HOME.0, FIELD_HOME.1),
        "-o",
        path_str(&plan),
    ]);
    let bytes = std::fs::read(&plan).expect("plan");
    let doc = steppe::cli::doc_of(&plan, &bytes).expect("doc");
    let items = doc.mission_upload_list();
    let v = copter(1, FIELD_HOME);
    wait_storage(&v.link());

    // First battery: fly about half of the photos, then RTL and land.
    let first = dir.join("first.tlog");
    let (mut core, id) = app(&v.link(), &first);
    core.model.send(UiCommand::Transfer {
        target: id,
        op: MissionOp::Upload(MissionType::Mission, items.clone()),
    });
    pump_until(&mut core, Duration::from_secs(30), "the upload", |m| {
        m.onboard(id, MissionType::Mission).is_some()
    });
    arm_and_start(&mut core, id);
    until(&mut core, 300, "half the photos", id, |v| {
        v.camera.total() >= 25
    });
    core.model.send(UiCommand::Action {
        target: id,
        action: A::Rtl,
    });
    until(&mut core, 300, "landed after RTL", id, |v| !v.armed);
    let (onboard, reached, held) = {
        let s = core
            .model
            .snapshot
            .vehicles
            .iter()
            .find(|v| v.id == id)
            .expect("vehicle");
        (
            core.model
                .onboard(id, MissionType::Mission)
                .expect("onboard")
                .to_vec(),
            s.mission
                .last_reached_seq
                .or(s.mission.current_seq)
                .expect("reached"),
            s.mission.total_items,
        )
    };
    let photos_first = core
        .model
        .snapshot
        .vehicles
        .iter()
        .find(|v| v.id == id)
        .map_or(0, |v| v.camera.total());
    drop(core);

    // Battery swapped: the Fly view's Resume survey uploads the rest, from the last item reached.
    let rest = steppe::ui::fly::transfers::resumed(&onboard, reached, false, held).expect("rest");
    assert!(
        rest.len() < onboard.len(),
        "{} of {}",
        rest.len(),
        onboard.len()
    );
    let second = dir.join("second.tlog");
    let (mut core, id) = app(&v.link(), &second);
    core.model.send(UiCommand::Transfer {
        target: id,
        op: MissionOp::Upload(MissionType::Mission, rest),
    });
    pump_until(
        &mut core,
        Duration::from_secs(30),
        "the upload of the rest",
        |m| m.onboard(id, MissionType::Mission).is_some(),
    );
    arm_and_start(&mut core, id);
    until(&mut core, 600, "the rest flown and landed", id, |v| {
        !v.armed
    });
    drop(core);

    let (pct_first, _, _) = coverage(&[&first], &plan, &[]);
    let (pct, complete, out) = coverage(&[&first, &second], &plan, &[]);
    eprintln!(
        "resume: first battery {photos_first} photos, {pct_first} % covered; both flights {pct} %"
    );
    assert!(
        pct_first < 90.0,
        "the first flight alone should leave gaps: {pct_first} %"
    );
    assert!(pct >= 99.95 && complete, "{out}");
}

#[test]
fn the_app_core_shows_both_vehicles_and_raises_fence_and_battery_alerts() {
    let a = copter(1, FIELD_HOME);
    let b = copter(2, (FIELD_HOME.0 + 0.0005, FIELD_HOME.1));
    let dir = temp_dir("sitl-alerts");
    let spec = |l: String| l.parse::<steppe::link::LinkSpec>().expect("link");
    let h = steppe::runtime::start(steppe::runtime::BackendConfig {
        links: vec![spec(a.link()), spec(b.link())],
        tlog: Some(dir.join("alerts.tlog")),
        ..Default::default()
    })
    .expect("engine");
    let mut core = AppCore::new(Some(h), UiModel::default());
    pump_until(&mut core, Duration::from_secs(90), "both vehicles", |m| {
        m.snapshot
            .vehicles
            .iter()
            .filter(|v| v.position.lat_lon.is_some())
            .count()
            == 2
    });
    let (v1, v2) = (VehicleId::new(1, 1), VehicleId::new(2, 1));
    let set = |core: &mut AppCore, target, name: &str, value: f64| {
        core.model.send(UiCommand::ParamSet {
            target,
            name: name.into(),
            value,
        });
    };
    // Vehicle 1: an altitude fence of 20 m, enabled once it flies at 30 m.
    set(&mut core, v1, "FENCE_TYPE", 1.0);
    set(&mut core, v1, "FENCE_ALT_MAX", 20.0);
    set(&mut core, v1, "FENCE_ENABLE", 0.0);
    // Vehicle 2: its battery sags to 10 V, under BATT_LOW_VOLT (10.5 V); the failsafe returns it.
    set(&mut core, v2, "BATT_FS_LOW_ACT", 2.0);
    pump_for(&mut core, 2.0, |_| false);
    // Both take off (ArduCopter judges its battery only in flight: on the ground a sagging
    // pack is a PreArm complaint and BATTERY_STATUS still says OK).
    for id in [v1, v2] {
        core.model.send(UiCommand::Action {
            target: id,
            action: A::SetMode("GUIDED".into()),
        });
        let end = std::time::Instant::now() + Duration::from_secs(120);
        while !armed(&core.model, id) {
            assert!(
                std::time::Instant::now() < end,
                "never armed: {:?}",
                core.model.log
            );
            core.model.send(UiCommand::Action {
                target: id,
                action: A::Arm,
            });
            pump_for(&mut core, 3.0, |m| armed(m, id));
        }
        core.model.send(UiCommand::Action {
            target: id,
            action: A::Takeoff { alt_rel_m: 30.0 },
        });
    }
    for id in [v1, v2] {
        until(&mut core, 60, "30 m", id, |v| {
            v.position.alt_rel_m.unwrap_or(0.0) > 27.0
        });
    }
    set(&mut core, v1, "FENCE_ENABLE", 1.0);
    set(&mut core, v2, "SIM_BATT_VOLTAGE", 10.0);
    let has = |m: &UiModel, id: VehicleId, kind| m.alerts.get(id, kind).is_some();
    use steppe::alerts::AlertKind;
    pump_until(
        &mut core,
        Duration::from_secs(60),
        "the fence breach alert",
        |m| has(m, v1, AlertKind::GeofenceBreach),
    );
    pump_until(
        &mut core,
        Duration::from_secs(60),
        "the low battery alert",
        |m| has(m, v2, AlertKind::LowBattery) || has(m, v2, AlertKind::CriticalBattery),
    );
    let texts: Vec<String> = core
        .model
        .alerts
        .active()
        .iter()
        .map(|a| a.text.clone())
        .collect();
    eprintln!("alerts: {texts:?}");
    assert!(
        !has(&core.model, v2, AlertKind::GeofenceBreach),
        "{texts:?}"
    );
    assert!(!has(&core.model, v1, AlertKind::LowBattery), "{texts:?}");
}
