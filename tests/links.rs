//! Transports that must recover on their own: a TCP connection that drops, a serial radio whose
//! cable is pulled and plugged back (a pseudo-terminal pair from socat, reappearing under a new
//! name matched by the link's glob), and a MAVLink 1 vehicle that must be answered in MAVLink 1.

mod common;

use common::*;
use std::io::{Read, Write};
use std::net::{TcpListener, UdpSocket};
use std::process::{Child, Command};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use steppe::link::{LinkSpec, LinkState};
use steppe::protocol::frame::{FrameParser, Sender, Version};
use steppe::protocol::mission_server::MissionServerConfig;
use steppe::runtime::{self, BackendConfig, Event};
use steppe::sim::SimConfig;
use steppe::sim::node::{NodeConfig, SimNode};

/// Runs a simulated vehicle on a byte stream until it fails or `stop` is set: a reader thread
/// collects frames, this loop steps the vehicle every 20 ms and writes its frames.
fn serve_vehicle<R: Read + Send + 'static>(
    mut reader: R,
    mut writer: impl Write,
    node: &mut SimNode,
    stop: &AtomicBool,
) {
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        loop {
            match reader.read(&mut buf) {
                Ok(0) => return,
                Ok(n) => {
                    if tx.send(buf[..n].to_vec()).is_err() {
                        return;
                    }
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock
                            | std::io::ErrorKind::TimedOut
                            | std::io::ErrorKind::Interrupted
                    ) => {}
                Err(_) => return,
            }
        }
    });
    let start = Instant::now();
    let mut parser = FrameParser::new();
    let mut last = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(20));
        let now = start.elapsed().as_micros() as u64;
        loop {
            match rx.try_recv() {
                Ok(bytes) => parser.push(&bytes),
                Err(std::sync::mpsc::TryRecvError::Empty) => break,
                Err(std::sync::mpsc::TryRecvError::Disconnected) => return,
            }
        }
        while let Some(f) = parser.next_frame() {
            node.handle_frame(&f, now);
        }
        node.step(last.elapsed().as_secs_f64(), now);
        last = Instant::now();
        for f in node.take_frames() {
            if writer.write_all(f.raw()).is_err() {
                return;
            }
        }
    }
}

fn node() -> SimNode {
    SimNode::new(NodeConfig {
        sysid: 1,
        flight: SimConfig::copter(),
        mission: MissionServerConfig::default(),
    })
}

fn link_states(h: &mut runtime::BackendHandle, seen: &mut Vec<String>) {
    while let Some(ev) = h.try_event() {
        if let Event::Link { state, .. } = ev {
            seen.push(match state {
                LinkState::Up { .. } => "up".into(),
                LinkState::Down { .. } => "down".into(),
                LinkState::Connecting => "connecting".into(),
                LinkState::Closed => "closed".into(),
            });
        }
    }
}

fn wait_heard(h: &mut runtime::BackendHandle, seen: &mut Vec<String>, since: Instant, what: &str) {
    let end = Instant::now() + Duration::from_secs(15);
    loop {
        link_states(h, seen);
        let snap = h.snapshot();
        let fresh = snap
            .links
            .first()
            .and_then(|l| l.stats.last_rx_us)
            .is_some_and(|t| t > since_us(since));
        if fresh && !snap.vehicles.is_empty() {
            return;
        }
        assert!(
            Instant::now() < end,
            "{what}: nothing heard; link states {seen:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn since_us(t: Instant) -> u64 {
    steppe::link::wall_clock_us().saturating_sub(t.elapsed().as_micros() as u64)
}

#[test]
fn tcp_link_reconnects_after_the_connection_drops() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
    let port = listener.local_addr().expect("addr").port();
    let stop = Arc::new(AtomicBool::new(false));
    let (st, mut n) = (Arc::clone(&stop), node());
    let server = std::thread::spawn(move || {
        for round in 0..2 {
            let Ok((sock, _)) = listener.accept() else {
                return;
            };
            let reader = sock.try_clone().expect("clone");
            if round == 0 {
                // First connection: serve for a while, then drop it.
                let until = Arc::new(AtomicBool::new(false));
                let u = Arc::clone(&until);
                std::thread::spawn(move || {
                    std::thread::sleep(Duration::from_millis(2_500));
                    u.store(true, Ordering::Relaxed);
                });
                serve_vehicle(reader, &sock, &mut n, &until);
                let _ = sock.shutdown(std::net::Shutdown::Both);
            } else {
                serve_vehicle(reader, &sock, &mut n, &st);
            }
        }
    });
    let mut h = runtime::start(BackendConfig {
        links: vec![LinkSpec::TcpOut {
            host: "127.0.0.1".into(),
            port,
        }],
        ..Default::default()
    })
    .expect("engine");
    let mut seen = Vec::new();
    wait_heard(&mut h, &mut seen, Instant::now(), "first connection");
    // The server drops the connection after 2.5 s and accepts the reconnection.
    let end = Instant::now() + Duration::from_secs(15);
    while !seen.contains(&"down".to_owned()) {
        assert!(Instant::now() < end, "never saw the drop: {seen:?}");
        link_states(&mut h, &mut seen);
        std::thread::sleep(Duration::from_millis(20));
    }
    let after = Instant::now();
    wait_heard(&mut h, &mut seen, after, "after reconnecting");
    let ups = seen.iter().filter(|s| *s == "up").count();
    assert!(ups >= 2, "{seen:?}");
    stop.store(true, Ordering::Relaxed);
    h.shutdown();
    let _ = server.join();
}

struct Socat {
    child: Child,
}

impl Drop for Socat {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A pseudo-terminal pair: the engine opens `a`, the simulated vehicle `b`.
fn pty_pair(a: &std::path::Path, b: &std::path::Path) -> Socat {
    let child = Command::new("socat")
        .arg(format!("pty,raw,echo=0,link={}", a.display()))
        .arg(format!("pty,raw,echo=0,link={}", b.display()))
        .spawn()
        .expect(
            "socat must be installed for the serial tests (apt-get install socat; .ci/run does)",
        );
    let end = Instant::now() + Duration::from_secs(5);
    while !(a.exists() && b.exists()) {
        assert!(Instant::now() < end, "socat did not create the pty pair");
        std::thread::sleep(Duration::from_millis(10));
    }
    Socat { child }
}

fn serve_pty(path: std::path::PathBuf, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut n = node();
        let Ok(f) = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
        else {
            return;
        };
        let Ok(reader) = f.try_clone() else { return };
        serve_vehicle(reader, f, &mut n, &stop);
    })
}

#[test]
fn serial_link_survives_a_pulled_cable_and_a_new_device_name() {
    let dir = temp_dir("serial");
    let glob = format!("{}/ttyUSB*", dir.display());
    let (a0, b0) = (dir.join("ttyUSB0"), dir.join("vehicle0"));
    let pty = pty_pair(&a0, &b0);
    let stop0 = Arc::new(AtomicBool::new(false));
    let v0 = serve_pty(b0, Arc::clone(&stop0));
    let mut h = runtime::start(BackendConfig {
        links: vec![LinkSpec::Serial {
            path: glob,
            baud: 57_600,
        }],
        ..Default::default()
    })
    .expect("engine");
    let mut seen = Vec::new();
    wait_heard(&mut h, &mut seen, Instant::now(), "serial ttyUSB0");
    // Pull the cable: the device disappears.
    stop0.store(true, Ordering::Relaxed);
    drop(pty);
    let _ = v0.join();
    // As with a real USB radio, the device node goes away with it.
    let _ = std::fs::remove_file(&a0);
    let end = Instant::now() + Duration::from_secs(10);
    while !seen.contains(&"down".to_owned()) {
        assert!(
            Instant::now() < end,
            "the link did not notice the pulled cable: {seen:?}"
        );
        link_states(&mut h, &mut seen);
        std::thread::sleep(Duration::from_millis(20));
    }
    // Plug it back: the radio comes back as ttyUSB1.
    let (a1, b1) = (dir.join("ttyUSB1"), dir.join("vehicle1"));
    let _pty = pty_pair(&a1, &b1);
    let stop1 = Arc::new(AtomicBool::new(false));
    let v1 = serve_pty(b1, Arc::clone(&stop1));
    let after = Instant::now();
    wait_heard(&mut h, &mut seen, after, "serial ttyUSB1");
    let detail = match &h.snapshot().links[0].state {
        LinkState::Up { detail, .. } => detail.clone(),
        other => panic!("{other:?}"),
    };
    assert!(detail.contains("ttyUSB1 at 57600 baud"), "{detail}");
    stop1.store(true, Ordering::Relaxed);
    h.shutdown();
    let _ = v1.join();
}

#[test]
fn a_mavlink1_vehicle_is_answered_in_mavlink1() {
    let mut h = runtime::start(BackendConfig {
        links: vec![LinkSpec::UdpIn {
            addr: "127.0.0.1".into(),
            port: 0,
        }],
        ..Default::default()
    })
    .expect("engine");
    let mut port = None;
    let end = Instant::now() + Duration::from_secs(5);
    while port.is_none() {
        assert!(Instant::now() < end);
        if let Some(LinkState::Up { local: Some(a), .. }) =
            h.snapshot().links.first().map(|l| l.state.clone())
        {
            port = Some(a.port());
        }
        while h.try_event().is_some() {}
        std::thread::sleep(Duration::from_millis(10));
    }
    let sock = UdpSocket::bind("127.0.0.1:0").expect("bind");
    sock.set_read_timeout(Some(Duration::from_millis(100)))
        .expect("timeout");
    let target = format!("127.0.0.1:{}", port.unwrap_or(0));
    let mut tx = Sender::new(7, 1);
    let hb = steppe::sim::telemetry::heartbeat(
        &steppe::sim::SimState::default(),
        steppe::sim::Airframe::Copter,
    );
    let mut buf = [0u8; 2048];
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        assert!(
            Instant::now() < end,
            "no MAVLink 1 heartbeat from the ground station"
        );
        sock.send_to(tx.encode(&hb, Version::V1).raw(), &target)
            .expect("send");
        if let Ok(n) = sock.recv(&mut buf) {
            let mut p = FrameParser::new();
            p.push_datagram(&buf[..n]);
            if let Some(f) = p.next_frame()
                && f.header().msgid == 0
                && f.header().sysid == 255
            {
                assert_eq!(f.header().version, Version::V1, "a v1-only vehicle gets v1");
                break;
            }
        }
    }
    while h.try_event().is_some() {}
    assert_eq!(
        h.snapshot()
            .vehicles
            .first()
            .map(|v| (v.id.sysid, v.mavlink2)),
        Some((7, false))
    );
}
