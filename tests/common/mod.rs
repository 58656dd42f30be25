//! Shared helpers of the integration tests: a simulator on 127.0.0.1:0 and an engine talking
//! to it over real UDP, and waiting on events with timeouts (never fixed sleeps).
#![allow(dead_code)]

pub mod sitl;
pub mod ui;

use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use steppe::cli::sim_config;
use steppe::geo::LatLon;
use steppe::link::LinkSpec;
use steppe::plan::mission_item::{cmd, frame};
use steppe::plan::{MissionItem, MissionType};
use steppe::runtime::{self, BackendConfig, BackendHandle, Event, Request, RequestId};
use steppe::runtime::{MissionOp, OpError};
use steppe::sim::server::{SimHandle, spawn};
use steppe::vehicle::{VehicleId, VehicleState};

pub use steppe::cli::SimArgs;

/// A simulator listening on 127.0.0.1:0 with `args` (its `listen` is overridden).
pub fn sim(mut args: SimArgs) -> SimHandle {
    args.listen = Some(LinkSpec::UdpIn {
        addr: "127.0.0.1".into(),
        port: 0,
    });
    args.connect = None;
    spawn(sim_config(&args).expect("valid sim args")).expect("sim starts")
}

/// The link that reaches `sim`.
pub fn link_to(sim: &SimHandle) -> LinkSpec {
    LinkSpec::UdpOut {
        host: "127.0.0.1".into(),
        port: sim.local_addr().port(),
    }
}

/// An engine connected to `sim`, optionally recording.
pub fn engine(sim: &SimHandle, tlog: Option<std::path::PathBuf>) -> BackendHandle {
    runtime::start(BackendConfig {
        links: vec![link_to(sim)],
        tlog,
        ..BackendConfig::default()
    })
    .expect("engine starts")
}

/// Waits until `cond` holds for the snapshot, draining events.
pub fn wait_until(
    h: &mut BackendHandle,
    timeout: Duration,
    what: &str,
    mut cond: impl FnMut(&[VehicleState]) -> bool,
) {
    let end = Instant::now() + timeout;
    loop {
        while h.try_event().is_some() {}
        if cond(&h.snapshot().vehicles) {
            return;
        }
        assert!(
            Instant::now() < end,
            "timed out after {timeout:?} waiting for {what}; vehicles: {:#?}",
            h.snapshot()
                .vehicles
                .iter()
                .map(|v| (v.id, v.mode_name.clone(), v.armed, v.position.alt_rel_m))
                .collect::<Vec<_>>()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits for `n` vehicles with a position.
pub fn vehicles(h: &mut BackendHandle, n: usize) -> Vec<VehicleId> {
    wait_until(h, Duration::from_secs(20), "vehicles with positions", |v| {
        v.iter().filter(|s| s.position.lat_lon.is_some()).count() >= n
    });
    h.snapshot().vehicles.iter().map(|v| v.id).collect()
}

/// Sends a request and waits for its result event.
pub fn result_of(h: &mut BackendHandle, req: Request, id: RequestId, timeout: Duration) -> Event {
    h.send(req).expect("request queued");
    let end = Instant::now() + timeout;
    while Instant::now() < end {
        if let Some(ev) = h.wait_event(Duration::from_millis(100)) {
            match &ev {
                Event::CommandDone { id: r, .. }
                | Event::MissionDone { id: r, .. }
                | Event::ParamsDone { id: r, .. }
                | Event::ParamSetDone { id: r, .. }
                    if *r == id =>
                {
                    return ev;
                }
                _ => {}
            }
        }
    }
    panic!("no result for request {id} within {timeout:?}");
}

/// Path of a shared sample file.
pub fn sample(rel: &str) -> std::path::PathBuf {
    let p = steppe::test_support::sample(rel);
    assert!(p.exists(), "sample {} missing", p.display());
    p
}

/// A private link to the binary under test: engineers share one target folder, and another
/// worktree's build may replace `target/debug/steppe` while the tests run. A hard link keeps
/// this build's file alive without copying it (a copy where links are not possible).
pub fn steppe_bin() -> &'static std::path::Path {
    static BIN: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        let link = temp_dir("bin").join("steppe");
        let built = env!("CARGO_BIN_EXE_steppe");
        if std::fs::hard_link(built, &link).is_err() {
            std::fs::copy(built, &link).expect("copy the binary");
        }
        link
    })
}

/// A fresh temporary directory for one test.
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("steppe-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// A 256-pixel PNG tile of one colour.
pub fn png() -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(256, 256, image::Rgba([200, 180, 60, 255]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

/// A keep-alive HTTP tile server on 127.0.0.1:0 that answers every GET with the same PNG
/// (cacheable for a day) while `up`, and 503 otherwise; counts requests.
pub fn tile_server(up: Arc<AtomicBool>) -> (u16, Arc<AtomicUsize>) {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    let hits = Arc::new(AtomicUsize::new(0));
    let h = Arc::clone(&hits);
    let body = png();
    std::thread::spawn(move || {
        for s in l.incoming().flatten() {
            let (h, body, up) = (Arc::clone(&h), body.clone(), Arc::clone(&up));
            std::thread::spawn(move || {
                let mut s = s;
                let mut buf = [0u8; 4096];
                while let Ok(n) = s.read(&mut buf) {
                    if n == 0 {
                        return;
                    }
                    h.fetch_add(1, Ordering::Relaxed);
                    let reply = if up.load(Ordering::Relaxed) {
                        let head = format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nCache-Control: max-age=86400\r\nContent-Length: {}\r\n\r\n",
                            body.len()
                        );
                        [head.into_bytes(), body.clone()].concat()
                    } else {
                        b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n".to_vec()
                    };
                    if s.write_all(&reply).is_err() {
                        return;
                    }
                }
            });
        }
    });
    (port, hits)
}

/// `n` items of list `kind` along a line north-east of the simulator's home: a mission
/// (item 0 is home), one fence polygon of `n` vertices, or `n` rally points.
pub fn items(kind: MissionType, n: usize) -> Vec<MissionItem> {
    let base = LatLon::new(-35.36, 149.16);
    (0..n)
        .map(|i| {
            let p = base.destination(45.0, 10.0 * i as f64);
            match kind {
                MissionType::Mission if i == 0 => MissionItem {
                    frame: frame::GLOBAL,
                    current: true,
                    ..MissionItem::nav(cmd::NAV_WAYPOINT, p, 584.0)
                },
                MissionType::Mission => {
                    MissionItem::nav(cmd::NAV_WAYPOINT, p, 30.0 + (i % 50) as f32)
                }
                MissionType::Fence => MissionItem {
                    params: [n as f32, 0.0, 0.0, 0.0],
                    ..MissionItem::nav(cmd::NAV_FENCE_POLYGON_VERTEX_INCLUSION, p, 0.0)
                },
                MissionType::Rally => MissionItem::nav(cmd::NAV_RALLY_POINT, p, 50.0),
            }
        })
        .collect()
}

/// Runs one mission transfer and returns its result (panics after 300 s without one).
pub fn transfer(
    h: &mut BackendHandle,
    target: VehicleId,
    op: MissionOp,
) -> Result<Vec<MissionItem>, OpError> {
    let id = h.next_id();
    match result_of(
        h,
        Request::Mission { id, target, op },
        id,
        Duration::from_secs(300),
    ) {
        Event::MissionDone { result, .. } => result,
        other => panic!("{other:?}"),
    }
}

/// Items read back from the simulated ArduCopter equal those sent, as ArduPilot stores them
/// (`steppe::plan::stored`); mission downloads replace item 0 with the current home, so the
/// rest is compared.
pub fn same_items(kind: MissionType, sent: &[MissionItem], got: &[MissionItem]) -> bool {
    use steppe::plan::document::{Firmware, VehicleKind};
    let skip = usize::from(kind == MissionType::Mission);
    sent.len() == got.len()
        && sent.iter().zip(got).skip(skip).all(|(a, b)| {
            steppe::plan::stored::as_stored(Firmware::ArduPilot, VehicleKind::Copter, kind, a)
                .same_on_wire(b)
        })
}

/// Runs `python3 -c script args…` (pymavlink and exifread come from .ci/run) and returns its
/// standard output; panics with its standard error when it fails.
pub fn python<S: AsRef<std::ffi::OsStr>>(script: &str, args: &[S]) -> String {
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 must be installed (see .ci/run)");
    assert!(
        out.status.success(),
        "python3 failed (are pymavlink and exifread installed? see .ci/run):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Asks `target` to do `action` and waits up to 20 s for the engine's answer.
pub fn act(
    h: &mut BackendHandle,
    target: VehicleId,
    action: steppe::protocol::actions::VehicleAction,
) -> Result<(), OpError> {
    let id = h.next_id();
    match result_of(
        h,
        Request::Action { id, target, action },
        id,
        Duration::from_secs(20),
    ) {
        Event::CommandDone { result, .. } => result,
        other => panic!("{other:?}"),
    }
}
