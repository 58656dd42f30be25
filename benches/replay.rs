//! Replay at scale: a 2-hour log of two simulated copters flying surveys (generated in
//! process with a simulated clock: the simulator's own telemetry, at its own rates), then
//! - opening it: raw read of the file, time index, and the background pass (events, plots,
//!   keyframes, trails), with the peak memory of a fresh process against the file size;
//! - playing it at 100x in the app core as the window does (one pump per 33 ms frame) and
//!   drawing the Fly view with the replay bar and plots headless (egui_kittest), timing both.
//!
//! `cargo bench --bench replay` (generates `target/bench-data/two_copters_2h.tlog` once), or
//! `cargo bench --bench replay -- open FILE` / `-- play FILE` for one part on another log.
//! `scripts/bench-replay` adds pymavlink reading the same file, for the ratio.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::time::{Duration, Instant};
use steppe::app::core::AppCore;
use steppe::geo::{Enu, LatLon, LocalFrame};
use steppe::log::index::TlogIndex;
use steppe::log::tlog::write_record;
use steppe::plan::mission_item::{MissionItem, cmd};
use steppe::sim::config::{DEFAULT_HOME, SimConfig};
use steppe::sim::modes::copter_mode;
use steppe::sim::node::{NodeConfig, SimNode};
use steppe::ui::model::UiModel;
use steppe::ui::replay::ReplayCmd;

const T0_US: u64 = 1_790_000_000_000_000;
const STEP_US: u64 = 20_000;

/// A lawnmower over `lanes` lanes 500 m long, 30 m apart, `east_m` east of home, camera every
/// 20 m on the lanes, then RTL.
fn survey(home: LatLon, east_m: f64, lanes: usize) -> Vec<MissionItem> {
    let f = LocalFrame::new(home);
    let mut items = vec![
        MissionItem::nav(cmd::NAV_WAYPOINT, home, 0.0),
        MissionItem::nav(cmd::NAV_TAKEOFF, LatLon::new(0.0, 0.0), 40.0),
    ];
    items[1].x = 0;
    items[1].y = 0;
    for i in 0..lanes {
        let e = east_m + 30.0 * i as f64;
        let (a, b) = if i % 2 == 0 {
            (40.0, 540.0)
        } else {
            (540.0, 40.0)
        };
        items.push(MissionItem::nav(
            cmd::NAV_WAYPOINT,
            f.to_latlon(Enu::new(e, a)),
            40.0,
        ));
        items.push(MissionItem::action(
            cmd::DO_SET_CAM_TRIGG_DIST,
            [20.0, 0.0, 0.0, 0.0],
        ));
        items.push(MissionItem::nav(
            cmd::NAV_WAYPOINT,
            f.to_latlon(Enu::new(e, b)),
            40.0,
        ));
        items.push(MissionItem::action(cmd::DO_SET_CAM_TRIGG_DIST, [0.0; 4]));
    }
    items.push(MissionItem::action(cmd::NAV_RETURN_TO_LAUNCH, [0.0; 4]));
    items
}

/// Writes `hours` of two copters flying surveys, swapping batteries a minute after each
/// landing. Returns frames written.
fn generate(out: &Path, hours: f64) -> std::io::Result<u64> {
    let mut nodes: Vec<(SimNode, u64)> = (1..=2u8)
        .map(|sysid| {
            let f = LocalFrame::new(DEFAULT_HOME);
            let home = f.to_latlon(Enu::new(f64::from(sysid - 1) * 20.0, 0.0));
            let mut node = SimNode::new(NodeConfig {
                sysid,
                flight: SimConfig {
                    home,
                    seed: u64::from(sysid),
                    ..SimConfig::copter()
                },
                mission: Default::default(),
            });
            node.load_mission(survey(home, 40.0 + f64::from(sysid - 1) * 330.0, 10));
            (node, 0)
        })
        .collect();
    let file = std::fs::File::create(out)?;
    let mut w = std::io::BufWriter::new(file);
    let end_us = T0_US + (hours * 3600e6) as u64;
    let mut now = T0_US;
    let mut frames = 0u64;
    while now < end_us {
        for (node, idle_since) in &mut nodes {
            node.step(STEP_US as f64 / 1e6, now);
            for f in node.take_frames() {
                write_record(&mut w, now, f.raw())?;
                frames += 1;
            }
            let armed = node.flight().state().armed;
            if armed {
                *idle_since = 0;
            } else if *idle_since == 0 {
                *idle_since = now;
            } else if now - *idle_since > 60_000_000 {
                // A minute on the ground: new battery, arm, fly the survey again.
                let fm = node.flight_mut();
                let _ = fm.swap_battery();
                let _ = fm.set_mode(copter_mode::GUIDED);
                if fm.arm().is_ok() && fm.start_mission().is_ok() {
                    *idle_since = 0;
                } else {
                    *idle_since = now;
                }
            }
        }
        now += STEP_US;
    }
    use std::io::Write;
    w.flush()?;
    Ok(frames)
}

/// Peak resident memory of this process, KiB (VmHWM).
fn peak_rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn open(path: &Path) -> ExitCode {
    let t = Instant::now();
    let Ok(data) = std::fs::read(path) else {
        eprintln!("cannot read {}", path.display());
        return ExitCode::FAILURE;
    };
    let read_s = t.elapsed().as_secs_f64();
    let mb = data.len() as f64 / 1e6;
    let t = Instant::now();
    let idx = TlogIndex::build(&data);
    let index_s = t.elapsed().as_secs_f64();
    let data: Arc<Vec<u8>> = data.into();
    let t = Instant::now();
    let scan = steppe::log::timeline::scan(Arc::clone(&data));
    let scan_s = t.elapsed().as_secs_f64();
    let peak = peak_rss_kib().unwrap_or(0);
    println!(
        "replay open bytes={} records={} log_h={:.2} read_s={read_s:.3} index_s={index_s:.3} index_mb_per_s={:.0} scan_s={scan_s:.2} events={} keyframes={} index_kib={} peak_rss_mb={:.0} peak_over_file={:.2}",
        data.len(),
        idx.stats.records,
        idx.duration_us() as f64 / 3.6e9,
        mb / index_s,
        scan.events.len(),
        scan.replay.keyframes(),
        idx.heap_bytes() / 1024,
        peak as f64 / 1024.0,
        peak as f64 * 1024.0 / data.len() as f64,
    );
    ExitCode::SUCCESS
}

fn percentile(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    let i = ((v.len() as f64 * p).ceil() as usize).clamp(1, v.len().max(1)) - 1;
    v.get(i).copied().unwrap_or(0.0)
}

fn play(path: &Path) -> ExitCode {
    let mut core = AppCore::new(None, UiModel::default());
    if let Err(e) = core.open_replay(path) {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    let mut wall = 1_000_000u64;
    let t = Instant::now();
    while core.model.replay.as_ref().is_some_and(|r| r.scanning) {
        std::thread::sleep(Duration::from_millis(20));
        wall += 20_000;
        core.pump_replay(wall);
        if t.elapsed() > Duration::from_secs(300) {
            eprintln!("the background pass took over 5 minutes");
            return ExitCode::FAILURE;
        }
    }
    core.replay_command(ReplayCmd::Speed(100.0));
    core.replay_command(ReplayCmd::Toggle);
    let (start, end) = {
        let r = core.model.replay.as_ref().map(|r| (r.start_us, r.end_us));
        r.unwrap_or((0, 0))
    };
    let mut pump_ms = Vec::new();
    let t_all = Instant::now();
    while core.model.replay.as_ref().is_some_and(|r| r.playing) {
        wall += 33_333;
        let t = Instant::now();
        core.pump_replay(wall);
        pump_ms.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let total_s = t_all.elapsed().as_secs_f64();
    let log_s = (end - start) as f64 / 1e6;
    let frames = pump_ms.len();
    let p50 = percentile(&mut pump_ms, 0.5);
    let p99 = percentile(&mut pump_ms, 0.99);
    let max = pump_ms.last().copied().unwrap_or(0.0);
    println!(
        "replay play speed=100 log_s={log_s:.0} frames={frames} wall_needed_s={:.1} cpu_s={total_s:.2} cpu_share={:.3} pump_ms_p50={p50:.3} pump_ms_p99={p99:.3} pump_ms_max={max:.2} keeps_up={}",
        log_s / 100.0,
        total_s / (log_s / 100.0),
        p99 < 33.3
    );
    ui_pass(core, start, end);
    ExitCode::SUCCESS
}

/// Median time of one headless egui pass of the Fly view with the replay bar and plots, at
/// five points of the flight.
fn ui_pass(mut core: AppCore, start: u64, end: u64) {
    use egui_kittest::Harness;
    use steppe::ui::{Panels, root_ui};
    let mut times = Vec::new();
    for k in 1..=5u64 {
        core.replay_command(ReplayCmd::Seek(start + (end - start) * k / 6));
        let mut h = Harness::builder()
            .with_size(egui::vec2(1440.0, 900.0))
            .build_ui_state(
                |ui, s: &mut (UiModel, Panels)| root_ui(ui, &mut s.0, &mut s.1),
                (core.model.clone(), Panels::default()),
            );
        h.run();
        for _ in 0..20 {
            let t = Instant::now();
            h.step();
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    let p50 = percentile(&mut times, 0.5);
    let p99 = percentile(&mut times, 0.99);
    println!("replay ui_pass ms_p50={p50:.2} ms_p99={p99:.2}");
}

fn default_log() -> PathBuf {
    let dir = PathBuf::from(
        std::env::var("CARGO_TARGET_DIR")
            .unwrap_or_else(|_| format!("{}/target", env!("CARGO_MANIFEST_DIR"))),
    )
    .join("bench-data");
    dir.join("two_copters_2h.tlog")
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    match args.as_slice() {
        [mode, file] if mode == "open" => open(Path::new(file)),
        [mode, file] if mode == "play" => play(Path::new(file)),
        [mode, file, hours] if mode == "gen" => {
            let h: f64 = hours.parse().unwrap_or(2.0);
            let t = Instant::now();
            match generate(Path::new(file), h) {
                Ok(n) => {
                    println!("replay gen frames={n} s={:.1}", t.elapsed().as_secs_f64());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::FAILURE
                }
            }
        }
        _ => {
            // Under `cargo test --benches`: a 2-minute log, to check the bench still runs.
            let quick = std::env::var("STEPPE_BENCH_RUNS").is_ok_and(|r| r == "1")
                || args.iter().any(|a| a == "--quick");
            let path = if quick {
                std::env::temp_dir().join("steppe_bench_replay_quick.tlog")
            } else {
                default_log()
            };
            if quick || !path.is_file() {
                if let Some(d) = path.parent() {
                    let _ = std::fs::create_dir_all(d);
                }
                let hours = if quick { 2.0 / 60.0 } else { 2.0 };
                let t = Instant::now();
                match generate(&path, hours) {
                    Ok(n) => println!(
                        "replay gen frames={n} hours={hours:.2} s={:.1}",
                        t.elapsed().as_secs_f64()
                    ),
                    Err(e) => {
                        eprintln!("{e}");
                        return ExitCode::FAILURE;
                    }
                }
            }
            // Peak memory of opening, in a fresh process.
            let me = std::env::current_exe().ok();
            if let Some(me) = me {
                let _ = Command::new(me).arg("open").arg(&path).status();
            }
            play(&path)
        }
    }
}
