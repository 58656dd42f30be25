//! The default run. `steppe --demo` starts two built-in simulated copters on loopback UDP,
//! gives each a small survey mission, flies them, and shows the live view; plain `steppe`
//! listens on udpin:0.0.0.0:14550 like other ground stations and shows the live view.
//! (The desktop window replaces the terminal view when it lands.)

use super::common::{connect, request_and_wait};
use super::record::install_ctrl_c;
use super::sim::{SimArgs, server_config};
use super::watch::watch_loop;
use crate::app::SigningStart;
use crate::geo::LatLon;
use crate::link::LinkSpec;
use crate::plan::mission_item::{cmd, frame};
use crate::plan::{MissionItem, MissionType};
use crate::protocol::actions::VehicleAction;
use crate::protocol::signing::{SigningConfig, SigningKey};
use crate::runtime::{BackendHandle, Event, MissionOp, Request};
use crate::sim::server::spawn;
use crate::vehicle::VehicleId;
use anyhow::{Result, bail};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// A small lawnmower survey east of `home`: takeoff, 4 lines of 150 m, 30 m apart, camera
/// every 20 m on the lines, then RTL. Item 0 is home (ArduPilot convention).
pub fn demo_mission(home: LatLon, offset_east_m: f64) -> Vec<MissionItem> {
    let mut items = vec![MissionItem {
        frame: frame::GLOBAL,
        current: true,
        ..MissionItem::nav(cmd::NAV_WAYPOINT, home, 0.0)
    }];
    items.push(MissionItem::nav(cmd::NAV_TAKEOFF, home, 40.0));
    items.push(MissionItem::action(
        cmd::DO_CHANGE_SPEED,
        [1.0, 8.0, -1.0, 0.0],
    ));
    let origin = home
        .destination(90.0, 60.0 + offset_east_m)
        .destination(0.0, 40.0);
    for line in 0..4 {
        let a = origin.destination(90.0, 30.0 * f64::from(line));
        let b = a.destination(0.0, 150.0);
        let (start, end) = if line % 2 == 0 { (a, b) } else { (b, a) };
        items.push(MissionItem::nav(cmd::NAV_WAYPOINT, start, 40.0));
        items.push(MissionItem::action(
            cmd::DO_SET_CAM_TRIGG_DIST,
            [20.0, 0.0, 1.0, 0.0],
        ));
        items.push(MissionItem::nav(cmd::NAV_WAYPOINT, end, 40.0));
        items.push(MissionItem::action(
            cmd::DO_SET_CAM_TRIGG_DIST,
            [0.0, 0.0, 0.0, 0.0],
        ));
    }
    items.push(MissionItem::action(cmd::NAV_RETURN_TO_LAUNCH, [0.0; 4]));
    items
}

/// A geofence for the demo area: a return point at home and an inclusion polygon 50 m
/// around both survey blocks.
pub fn demo_fence(home: LatLon) -> Vec<MissionItem> {
    let mut items = vec![MissionItem::nav(cmd::NAV_FENCE_RETURN_POINT, home, 0.0)];
    let corners = [
        (-40.0, -40.0),
        (-40.0, 580.0),
        (290.0, 580.0),
        (290.0, -40.0),
    ];
    for (north, east) in corners {
        let p = home.destination(0.0, north).destination(90.0, east);
        items.push(MissionItem {
            params: [corners.len() as f32, 0.0, 0.0, 0.0],
            ..MissionItem::nav(cmd::NAV_FENCE_POLYGON_VERTEX_INCLUSION, p, 0.0)
        });
    }
    items
}

/// Two rally points for the demo area, 30 m up: one by home, one at the far end.
pub fn demo_rally(home: LatLon) -> Vec<MissionItem> {
    [home.destination(0.0, 20.0), home.destination(90.0, 500.0)]
        .into_iter()
        .map(|p| MissionItem::nav(cmd::NAV_RALLY_POINT, p, 30.0))
        .collect()
}

fn wait_for(
    h: &mut BackendHandle,
    n: usize,
    timeout: Duration,
    stop: &AtomicBool,
) -> Result<Vec<VehicleId>> {
    let end = Instant::now() + timeout;
    loop {
        while h.try_event().is_some() {}
        let ids: Vec<VehicleId> = h
            .snapshot()
            .vehicles
            .iter()
            .filter(|v| v.position.lat_lon.is_some())
            .map(|v| v.id)
            .collect();
        if ids.len() >= n {
            return Ok(ids);
        }
        if Instant::now() > end {
            bail!(
                "the simulated vehicles did not report positions within {} s",
                timeout.as_secs()
            );
        }
        if stop.load(Ordering::Relaxed) {
            bail!("interrupted");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn act(h: &mut BackendHandle, target: VehicleId, action: VehicleAction) -> Result<()> {
    let id = h.next_id();
    match request_and_wait(
        h,
        Request::Action {
            id,
            target,
            action: action.clone(),
        },
        id,
        None,
    )? {
        Event::CommandDone { result: Ok(()), .. } => Ok(()),
        Event::CommandDone { result: Err(e), .. } => bail!("{target} {}: {e}", action.name()),
        other => bail!("unexpected {other:?}"),
    }
}

fn fly_demo(h: &mut BackendHandle, stop: &AtomicBool) -> Result<()> {
    println!("demo: waiting for two simulated copters…");
    let ids = wait_for(h, 2, Duration::from_secs(20), stop)?;
    for (i, id) in ids.iter().enumerate() {
        let home = h
            .snapshot()
            .vehicles
            .iter()
            .find(|v| v.id == *id)
            .and_then(|v| v.position.lat_lon)
            .unwrap_or_default();
        let mission = demo_mission(home, 150.0 * i as f64);
        let rid = h.next_id();
        println!("demo: uploading a {}-item survey to {id}", mission.len());
        match request_and_wait(
            h,
            Request::Mission {
                id: rid,
                target: *id,
                op: MissionOp::Upload(MissionType::Mission, mission),
            },
            rid,
            None,
        )? {
            Event::MissionDone { result: Ok(_), .. } => {}
            Event::MissionDone { result: Err(e), .. } => bail!("upload to {id}: {e}"),
            other => bail!("unexpected {other:?}"),
        }
        act(h, *id, VehicleAction::SetMode("GUIDED".into()))?;
        // The GPS needs a moment for its fix: retry arming like an operator would.
        let mut tries = 0;
        while let Err(e) = act(h, *id, VehicleAction::Arm) {
            tries += 1;
            if tries > 20 || stop.load(Ordering::Relaxed) {
                return Err(e);
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        act(h, *id, VehicleAction::StartMission)?;
        println!("demo: {id} armed and flying its survey");
    }
    Ok(())
}

/// A concave field (an L of 420 × 260 m with a notch) east of `home`, for the demo's Plan
/// view.
pub fn demo_field(home: LatLon) -> Vec<LatLon> {
    let origin = home.destination(90.0, 60.0).destination(0.0, 20.0);
    [
        (0.0, 0.0),
        (0.0, 420.0),
        (140.0, 420.0),
        (140.0, 260.0),
        (260.0, 230.0),
        (260.0, 0.0),
    ]
    .into_iter()
    .map(|(north, east)| origin.destination(0.0, north).destination(90.0, east))
    .collect()
}

/// The tile set shipped for the demo (generated farmland around the simulator's home).
fn demo_tiles() -> Option<std::path::PathBuf> {
    let here = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/tiles/demo"));
    let beside = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(|d| d.join("assets/tiles/demo")));
    [Some(here), beside]
        .into_iter()
        .flatten()
        .find(|p| p.is_dir())
}

/// The demo's two simulated copters on a loopback port, and the link to them. With a key
/// they start signing with it, as vehicles set up earlier would.
fn demo_sims(key: Option<SigningKey>) -> Result<(crate::sim::server::SimHandle, LinkSpec)> {
    let args = SimArgs {
        vehicles: 2,
        listen: Some(LinkSpec::UdpIn {
            addr: "127.0.0.1".into(),
            port: 0,
        }),
        ..SimArgs::default()
    };
    let mut cfg = server_config(&args)?;
    cfg.signing = key;
    let sim = spawn(cfg)?;
    let link = LinkSpec::UdpOut {
        host: "127.0.0.1".into(),
        port: sim.local_addr().port(),
    };
    Ok((sim, link))
}

fn gui(
    demo: bool,
    tlog: Option<std::path::PathBuf>,
    signing: Option<SigningConfig>,
) -> Result<ExitCode> {
    let demo_key = signing.as_ref().map(|c| c.key.clone());
    let signing = match signing {
        Some(cfg) => SigningStart::CommandLine(cfg),
        None if demo => SigningStart::Unsigned,
        None => SigningStart::Settings,
    };
    let mut opts = crate::app::AppOptions {
        tlog,
        use_settings_links: !demo,
        demo,
        signing,
        ..Default::default()
    };
    let mut sim_handle = None;
    if demo {
        let (sim, link) = demo_sims(demo_key)?;
        opts.links.push(link);
        opts.plan_boundary = demo_field(crate::sim::config::DEFAULT_HOME);
        opts.tiles = demo_tiles();
        sim_handle = Some(sim);
    }
    let result = crate::app::run(opts);
    if let Some(s) = sim_handle {
        s.stop();
    }
    result.map(|()| ExitCode::SUCCESS)
}

/// Runs the default command: the window, or with `terminal` the terminal live view. Signing
/// options override the app's settings for this run; the demo is unsigned without them.
pub fn run(
    demo: bool,
    terminal: bool,
    record: &super::common::RecordArgs,
    signing: &super::signing::SigningArgs,
) -> Result<ExitCode> {
    let signing = signing.config()?;
    let tlog = record.session_file()?;
    if !terminal {
        return gui(demo, tlog, signing);
    }
    let stop = Arc::new(AtomicBool::new(false));
    install_ctrl_c(Arc::clone(&stop));
    if !demo {
        let mut h = connect(
            &[LinkSpec::UdpIn {
                addr: "0.0.0.0".into(),
                port: 14_550,
            }],
            tlog,
            signing,
        )?;
        watch_loop(&mut h, None, &stop);
        h.shutdown();
        return Ok(ExitCode::SUCCESS);
    }
    let (sim, link) = demo_sims(signing.as_ref().map(|c| c.key.clone()))?;
    let mut h = connect(&[link], tlog, signing)?;
    fly_demo(&mut h, &stop)?;
    watch_loop(&mut h, None, &stop);
    h.shutdown();
    sim.stop();
    Ok(ExitCode::SUCCESS)
}
