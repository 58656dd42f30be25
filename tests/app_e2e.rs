//! End to end through the app core (what the window runs each frame) against the simulator
//! over real UDP: draw a field in the plan model, upload its survey from the panel command,
//! arm and start it, and watch progress and camera trigger points arrive in the model.

mod common;
use common::ui::pump_until;

use common::{engine, sim};
use std::time::{Duration, Instant};
use steppe::app::AppCore;
use steppe::cli::SimArgs;
use steppe::plan::MissionType;
use steppe::protocol::actions::VehicleAction;
use steppe::runtime::MissionOp;
use steppe::ui::model::{UiCommand, UiModel};
use steppe::ui::plan::model::Tool;

#[test]
fn plan_upload_fly_and_see_photos_arrive() {
    let s = sim(SimArgs {
        vehicles: 1,
        speedup: 5.0,
        ..SimArgs::default()
    });
    let mut core = AppCore::new(Some(engine(&s, None)), UiModel::default());
    pump_until(
        &mut core,
        Duration::from_secs(20),
        "a vehicle with a position",
        |m| {
            m.snapshot
                .vehicles
                .iter()
                .any(|v| v.position.lat_lon.is_some())
        },
    );
    let (id, home) = {
        let v = &core.model.snapshot.vehicles[0];
        (v.id, v.position.lat_lon.expect("position"))
    };
    // Draw a 120 m square north-east of home, as four clicks would.
    let plan = &mut core.model.plan;
    plan.tool = Tool::Boundary;
    let c = home.destination(0.0, 30.0).destination(90.0, 30.0);
    for (n, e) in [(0.0, 0.0), (120.0, 0.0), (120.0, 120.0), (0.0, 120.0)] {
        plan.click(c.destination(0.0, n).destination(90.0, e));
    }
    plan.home = Some(home);
    plan.settings.by_gsd = false;
    plan.settings.alt_m = 30.0;
    plan.settings.speed_mps = 8.0;
    plan.regenerate();
    let planned = match &plan.result {
        Some(Ok(r)) => r.stats.photos,
        other => panic!("no survey: {other:?}"),
    };
    let items = plan.upload_list(0).expect("items");
    let n = items.len();
    core.model.send(UiCommand::Transfer {
        target: id,
        op: MissionOp::Upload(MissionType::Mission, items),
    });
    let mut progress_seen = false;
    pump_until(&mut core, Duration::from_secs(30), "the upload", |m| {
        progress_seen |= m.ops.iter().any(|o| o.progress.1 > 0);
        m.onboard(id, MissionType::Mission).is_some()
    });
    assert_eq!(
        core.model.onboard(id, MissionType::Mission).map(<[_]>::len),
        Some(n)
    );
    assert!(progress_seen, "progress was reported during the upload");
    core.model.send(UiCommand::Action {
        target: id,
        action: VehicleAction::SetMode("GUIDED".into()),
    });
    let end = Instant::now() + Duration::from_secs(30);
    while !core.model.selected_vehicle().is_some_and(|v| v.armed) {
        assert!(Instant::now() < end, "did not arm: {:?}", core.model.log);
        core.model.send(UiCommand::Action {
            target: id,
            action: VehicleAction::Arm,
        });
        pump_until(&mut core, Duration::from_secs(5), "the arm result", |m| {
            m.ops.last().is_some_and(|o| o.outcome.is_some())
        });
        std::thread::sleep(Duration::from_millis(300));
        core.pump();
    }
    core.model.send(UiCommand::Action {
        target: id,
        action: VehicleAction::StartMission,
    });
    pump_until(
        &mut core,
        Duration::from_secs(90),
        "photos on the map",
        |m| {
            m.tracks.photos(id).len() >= 5
                && m.selected_vehicle()
                    .is_some_and(|v| v.mission.current_seq.unwrap_or(0) > 2)
        },
    );
    let photos = core.model.tracks.photos(id);
    // Every photo lies in (or within GPS noise of) the field.
    let south_west = c.destination(180.0, 15.0).destination(270.0, 15.0);
    let north_east = c.destination(0.0, 135.0).destination(90.0, 135.0);
    for p in photos {
        let ll = p.lat_lon;
        assert!(
            ll.lat_deg > south_west.lat_deg
                && ll.lat_deg < north_east.lat_deg
                && ll.lon_deg > south_west.lon_deg
                && ll.lon_deg < north_east.lon_deg,
            "photo at {ll:?} outside the field"
        );
    }
    assert!(core.model.tracks.trail(id).len() > 10, "trail grows");
    assert!(planned > 5);
    s.stop();
}

#[test]
fn a_whole_parameter_file_is_written_through_the_queue() {
    use steppe::ui::params::SetStatus;
    let s = sim(SimArgs {
        vehicles: 1,
        ..SimArgs::default()
    });
    let mut core = AppCore::new(Some(engine(&s, None)), UiModel::default());
    pump_until(&mut core, Duration::from_secs(20), "a vehicle", |m| {
        !m.snapshot.vehicles.is_empty()
    });
    let id = core.model.snapshot.vehicles[0].id;
    core.model.send(UiCommand::ParamDownload { target: id });
    pump_until(
        &mut core,
        Duration::from_secs(60),
        "the parameter table",
        |m| m.params.vehicle(id).is_some_and(|p| !p.table.is_empty()),
    );
    // 300 writes at once (a parameter file): more than the engine's request queue holds.
    let table = core
        .model
        .params
        .vehicle(id)
        .map(|p| p.table.clone())
        .unwrap_or_default();
    let names: Vec<(String, f64)> = table
        .iter()
        .take(300)
        .map(|(n, p)| (n.clone(), p.value))
        .collect();
    assert!(names.len() >= 100, "only {} parameters", names.len());
    for (name, value) in &names {
        core.model.send(UiCommand::ParamSet {
            target: id,
            name: name.clone(),
            value: *value,
        });
    }
    pump_until(
        &mut core,
        Duration::from_secs(120),
        "every write answered",
        |m| {
            m.params.vehicle(id).is_some_and(|p| {
                names
                    .iter()
                    .all(|(n, _)| matches!(p.status.get(n), Some(SetStatus::Confirmed(_))))
            })
        },
    );
    assert!(
        !core.model.log.iter().any(|l| l.text.contains("busy")),
        "no write was refused for a full queue"
    );
    s.stop();
}
