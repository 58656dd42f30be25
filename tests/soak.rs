//! Soak: two simulated copters flying a looping mission and streaming ATTITUDE and
//! GLOBAL_POSITION_INT at 50 Hz of flight time (the simulator's flight clock with a speed-up,
//! so the link carries a whole session's telemetry), through the real engine over UDP
//! loopback with the recorder on, and the app core plus a headless UI pass (egui_kittest) as
//! the window would run them each frame. Samples the process's resident memory, the engine's
//! queue depths and the frame times, and checks memory stays flat, queues do not grow and
//! frame times stay stable.
//!
//! `cargo test --test soak` runs 5 simulated minutes; the 2-hour soak (6 minutes: the run is
//! paced by the simulator's clock, so a release build is no faster) is
//! `cargo test --test soak -- --ignored --nocapture`.

mod common;

use common::*;
use egui_kittest::Harness;
use std::time::{Duration, Instant};
use steppe::app::AppCore;
use steppe::cli::sim_config;
use steppe::link::LinkSpec;
use steppe::log::tlog::TlogReader;
use steppe::plan::mission_item::cmd;
use steppe::plan::{MissionItem, MissionType};
use steppe::protocol::actions::VehicleAction;
use steppe::runtime::{self, BackendConfig, Event, MissionOp, Request};
use steppe::sim::server::spawn;
use steppe::ui::model::UiModel;
use steppe::ui::{Panels, root_ui};
use steppe::vehicle::VehicleId;

/// Flight-time speed-up of the soak.
const SPEEDUP: f64 = 20.0;
/// Frame period of the simulated window.
const FRAME: Duration = Duration::from_millis(50);
/// ATTITUDE message id.
const ATTITUDE: u32 = 30;

/// Resident memory of this process (kB), from /proc/self/status.
fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// The `q` quantile of `xs` (ms).
fn quantile(xs: &[f64], q: f64) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    v.get(((v.len() as f64 - 1.0) * q).round() as usize)
        .copied()
        .unwrap_or(0.0)
}

/// A rectangle 300 × 200 m flown forever (DO_JUMP repeat -1), 30 m up, 20 m apart per vehicle.
fn looping_mission(home: steppe::geo::LatLon) -> Vec<MissionItem> {
    let wp = |n: f64, e: f64| {
        MissionItem::nav(
            cmd::NAV_WAYPOINT,
            home.destination(0.0, n).destination(90.0, e),
            30.0,
        )
    };
    let mut takeoff = MissionItem::nav(cmd::NAV_TAKEOFF, home, 30.0);
    takeoff.x = 0;
    takeoff.y = 0;
    let jump = MissionItem::action(cmd::DO_JUMP, [2.0, -1.0, 0.0, 0.0]);
    vec![
        MissionItem::nav(cmd::NAV_WAYPOINT, home, 0.0),
        takeoff,
        wp(0.0, 0.0),
        wp(300.0, 0.0),
        wp(300.0, 200.0),
        wp(0.0, 200.0),
        jump,
    ]
}

fn act(h: &mut runtime::BackendHandle, target: VehicleId, action: VehicleAction) {
    for _ in 0..5 {
        let id = h.next_id();
        if let Event::CommandDone { result: Ok(_), .. } = result_of(
            h,
            Request::Action {
                id,
                target,
                action: action.clone(),
            },
            id,
            Duration::from_secs(20),
        ) {
            return;
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    panic!("{target}: {action:?} refused five times");
}

/// What one soak measured.
#[derive(Debug)]
struct Figures {
    /// (flight s, RSS kB) samples.
    rss: Vec<(f64, u64)>,
    /// Largest depth seen of each engine queue: link events, events, held results, recorder.
    queue_max: [usize; 4],
    /// Depths in the last sample.
    queue_last: [usize; 4],
    /// App-core pass (pump) per frame, ms.
    pump_ms: Vec<f64>,
    /// Headless UI pass per frame, ms.
    ui_ms: Vec<f64>,
    /// Records in the tlog.
    records: u64,
    /// Records dropped by the recorder.
    dropped: u64,
    /// ATTITUDE messages per vehicle per flight second.
    attitude_hz: Vec<f64>,
    /// Trail points per vehicle.
    trail_points: Vec<usize>,
    /// Flight seconds simulated.
    flight_s: f64,
}

fn soak(flight_s: f64) -> Figures {
    let mut args = SimArgs {
        vehicles: 2,
        speedup: SPEEDUP,
        rate_hz: Some(50.0),
        flight_clock: true,
        listen: Some(LinkSpec::UdpIn {
            addr: "127.0.0.1".into(),
            port: 0,
        }),
        ..SimArgs::default()
    };
    args.connect = None;
    let mut cfg = sim_config(&args).expect("sim config");
    for v in &mut cfg.vehicles {
        // Two hours in the air: a battery that lasts, no battery failsafe.
        v.flight.battery_capacity_mah = 1e6;
        v.flight.battery_failsafe = false;
    }
    let s = spawn(cfg).expect("sim starts");
    let dir = temp_dir("soak");
    let tlog = dir.join("soak.tlog");
    let mut h = runtime::start(BackendConfig {
        links: vec![link_to(&s)],
        tlog: Some(tlog.clone()),
        ..BackendConfig::default()
    })
    .expect("engine starts");
    let ids = vehicles(&mut h, 2);
    for &id in &ids {
        let home = h
            .snapshot()
            .vehicles
            .iter()
            .find(|v| v.id == id)
            .and_then(|v| v.position.lat_lon)
            .expect("position");
        let m = looping_mission(home);
        transfer(&mut h, id, MissionOp::Upload(MissionType::Mission, m)).expect("upload");
        act(&mut h, id, VehicleAction::SetMode("GUIDED".into()));
        act(&mut h, id, VehicleAction::Arm);
        act(&mut h, id, VehicleAction::StartMission);
    }
    struct App {
        core: AppCore,
        panels: Panels,
    }
    let mut ui = Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .with_accessibility_check(false)
        .build_ui_state(
            |ui, a: &mut App| root_ui(ui, &mut a.core.model, &mut a.panels),
            App {
                core: AppCore::new(Some(h), UiModel::default()),
                panels: Panels::default(),
            },
        );
    let started = Instant::now();
    let real = Duration::from_secs_f64(flight_s / SPEEDUP);
    let mut f = Figures {
        rss: Vec::new(),
        queue_max: [0; 4],
        queue_last: [0; 4],
        pump_ms: Vec::new(),
        ui_ms: Vec::new(),
        records: 0,
        dropped: 0,
        attitude_hz: Vec::new(),
        trail_points: Vec::new(),
        flight_s,
    };
    let mut next_sample = Instant::now();
    while started.elapsed() < real {
        let frame = Instant::now();
        let t = Instant::now();
        ui.state_mut().core.pump();
        f.pump_ms.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        ui.step();
        f.ui_ms.push(t.elapsed().as_secs_f64() * 1e3);
        if Instant::now() >= next_sample {
            next_sample += Duration::from_secs(1);
            let q = ui.state().core.model.snapshot.queues;
            let depths = [q.link_events, q.events, q.held_results, q.recorder];
            for (m, d) in f.queue_max.iter_mut().zip(depths) {
                *m = (*m).max(d);
            }
            f.queue_last = depths;
            f.rss
                .push((started.elapsed().as_secs_f64() * SPEEDUP, rss_kb()));
        }
        std::thread::sleep(FRAME.saturating_sub(frame.elapsed()));
    }
    let app = ui.into_state();
    let model = app.core.model;
    f.trail_points = ids.iter().map(|id| model.tracks.trail(*id).len()).collect();
    let flying = model.snapshot.vehicles.iter().all(|v| v.armed);
    assert!(flying, "both vehicles still flying at the end");
    let mut h = app.core.backend.expect("engine");
    h.shutdown();
    while let Some(ev) = h.try_event() {
        if let Event::Recorder(st) = ev {
            assert!(st.error.is_none(), "{st:?}");
            f.records = st.records;
            f.dropped = st.dropped;
        }
    }
    drop(s);
    let data = std::fs::read(&tlog).expect("tlog");
    let mut att = [0u64; 2];
    let (mut first, mut last) = (u64::MAX, 0);
    for r in TlogReader::new(&data) {
        if r.header.msgid == ATTITUDE
            && let Some(n) = att.get_mut(usize::from(r.header.sysid).wrapping_sub(1))
        {
            *n += 1;
            first = first.min(r.t_us);
            last = last.max(r.t_us);
        }
    }
    let flown_s = (last.saturating_sub(first)) as f64 / 1e6 * SPEEDUP;
    f.attitude_hz = att.iter().map(|n| *n as f64 / flown_s.max(1.0)).collect();
    let _ = std::fs::remove_dir_all(&dir);
    f
}

/// Prints the figures and checks them; `rss_growth_mb` bounds growth after the first fifth.
fn check(f: &Figures, rss_growth_mb: f64) {
    let quarter = |xs: &[f64], last: bool| -> Vec<f64> {
        let n = xs.len() / 4;
        if last {
            xs.get(xs.len() - n..).unwrap_or_default().to_vec()
        } else {
            xs.get(..n).unwrap_or_default().to_vec()
        }
    };
    let warm = f.rss.len() / 5;
    let base = f.rss.get(warm).map_or(0, |x| x.1);
    let end = f.rss.last().map_or(0, |x| x.1);
    let max = f.rss.iter().map(|x| x.1).max().unwrap_or(0);
    println!(
        "soak: {:.0} flight s at {SPEEDUP}x, {} frames drawn",
        f.flight_s,
        f.pump_ms.len()
    );
    println!(
        "RSS: {} MB at start, {} MB after warm-up, {} MB at the end, {} MB max",
        f.rss.first().map_or(0, |x| x.1) / 1024,
        base / 1024,
        end / 1024,
        max / 1024
    );
    println!(
        "queues max [link events, events, held results, recorder]: {:?}, last {:?}",
        f.queue_max, f.queue_last
    );
    for (name, xs) in [("app core pass", &f.pump_ms), ("UI pass", &f.ui_ms)] {
        let (a, b) = (quarter(xs, false), quarter(xs, true));
        println!(
            "{name}: first quarter p50 {:.2} ms p99 {:.2} ms, last quarter p50 {:.2} ms p99 {:.2} ms",
            quantile(&a, 0.5),
            quantile(&a, 0.99),
            quantile(&b, 0.5),
            quantile(&b, 0.99)
        );
    }
    println!(
        "recorded {} frames ({} dropped); ATTITUDE per vehicle {:.1?} Hz of flight time; trail points {:?}",
        f.records, f.dropped, f.attitude_hz, f.trail_points
    );
    // 50 Hz streams really flowed.
    for hz in &f.attitude_hz {
        assert!((45.0..55.0).contains(hz), "ATTITUDE at {hz:.1} Hz");
    }
    // Nothing lost on the way to the disk.
    assert_eq!(f.dropped, 0, "the recorder dropped frames");
    // Memory flat after warm-up.
    let growth_mb = end.saturating_sub(base) as f64 / 1024.0;
    assert!(
        growth_mb < rss_growth_mb,
        "RSS grew {growth_mb:.1} MB after warm-up (limit {rss_growth_mb} MB)"
    );
    // Queues drain: the engine keeps up.
    let [link, events, held, recorder] = f.queue_max;
    assert!(
        link < 512 && events < 2_048 && held == 0,
        "{:?}",
        f.queue_max
    );
    assert!(recorder < 10_000, "recorder queue reached {recorder}");
    // Frame times stable: the last quarter's median and p99 within reach of the first's.
    for (name, xs) in [("app core pass", &f.pump_ms), ("UI pass", &f.ui_ms)] {
        let (a, b) = (quarter(xs, false), quarter(xs, true));
        let (a50, b50) = (quantile(&a, 0.5), quantile(&b, 0.5));
        let (a99, b99) = (quantile(&a, 0.99), quantile(&b, 0.99));
        assert!(
            b50 <= 2.0 * a50 + 1.0 && b99 <= 3.0 * a99 + 5.0,
            "{name} slowed down: p50 {a50:.2} -> {b50:.2} ms, p99 {a99:.2} -> {b99:.2} ms"
        );
    }
}

#[test]
fn soak_two_vehicles_50_hz_five_flight_minutes() {
    let f = soak(300.0);
    check(&f, 24.0);
}

#[test]
#[ignore = "a 2-hour flight at 20x: 6 minutes; run with --ignored"]
fn soak_two_vehicles_50_hz_two_flight_hours() {
    let f = soak(7_200.0);
    check(&f, 24.0);
}
