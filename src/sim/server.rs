//! The simulator's UDP front: several simulated vehicles on one socket, either sending to a
//! ground station (`udpout`, like ArduPilot SITL and MAVProxy's default 127.0.0.1:14550) or
//! listening for one (`udpin`). Runs on its own thread with its own small tokio runtime, in
//! real time or faster (`speedup`), with optional link faults in each direction.

use super::faults::{FaultInjector, FaultStats, Faults};
use super::node::{NodeConfig, SimNode};
use super::state::SimState;
use crate::link::background::{Background, BackgroundError, OpenUdp, UdpEnd, open_udp};
use crate::protocol::frame::FrameParser;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Peers of a listening simulator that stay silent this long stop getting telemetry.
const PEER_TIMEOUT: Duration = Duration::from_secs(10);
/// Simulation tick (real time).
const TICK: Duration = Duration::from_millis(20);

/// Where the simulator's socket goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// Send to a ground station at `host:port` (and hear its replies).
    Connect(String, u16),
    /// Listen on `addr:port` and answer whoever talks.
    Listen(String, u16),
}

/// A simulator run.
#[derive(Debug, Clone)]
pub struct SimServerConfig {
    /// One entry per vehicle.
    pub vehicles: Vec<NodeConfig>,
    /// Socket.
    pub endpoint: Endpoint,
    /// Flight time runs this many times faster than real time.
    pub speedup: f64,
    /// Faults on frames from the vehicles to the ground station.
    pub to_gcs: Faults,
    /// Faults on frames from the ground station to the vehicles.
    pub from_gcs: Faults,
    /// Seed for the fault injectors.
    pub seed: u64,
    /// Every vehicle starts with this MAVLink signing key (as if set up earlier).
    pub signing: Option<crate::protocol::signing::SigningKey>,
    /// The vehicles' clocks (telemetry rates, heartbeats, protocol timers) follow flight
    /// time: with `speedup` the link carries all the telemetry of the faster flight, e.g. a
    /// 2-hour session's in a few minutes for a soak test. `false`: real time, as a ground
    /// station expects of a vehicle.
    pub flight_clock: bool,
}

/// Errors starting the simulator.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The socket, the runtime or its thread could not be set up (or the ground station's
    /// address did not resolve).
    #[error("simulator cannot open UDP: {0}")]
    Socket(#[from] BackgroundError),
}

/// What the simulator shows about itself while running.
#[derive(Debug, Clone, Default)]
pub struct SimStatus {
    /// (sysid, state) per vehicle.
    pub vehicles: Vec<(u8, SimState)>,
    /// Faults applied towards the ground station.
    pub to_gcs: FaultStats,
    /// Faults applied towards the vehicles.
    pub from_gcs: FaultStats,
    /// Datagrams received.
    pub datagrams_in: u64,
    /// (sysid, counters) of every vehicle that signs: what it accepted and ignored.
    pub signing: Vec<(u8, crate::protocol::signing::SigningCounters)>,
}

/// A running simulator.
#[derive(Debug)]
pub struct SimHandle {
    local: SocketAddr,
    status: Arc<Mutex<SimStatus>>,
    task: Background,
}

impl SimHandle {
    /// The simulator's own socket address (use it for `udpout:` when it listens).
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// The latest status.
    pub fn status(&self) -> SimStatus {
        self.status.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// True while the simulator thread runs.
    pub fn is_running(&self) -> bool {
        self.task.is_running()
    }

    /// Stops the simulator and waits for its thread.
    pub fn stop(mut self) {
        self.task.stop();
    }
}

/// Starts the simulator on its own thread. The socket is open when this returns.
pub fn spawn(cfg: SimServerConfig) -> Result<SimHandle, SimError> {
    let end = match &cfg.endpoint {
        Endpoint::Listen(addr, port) => UdpEnd::Listen(addr, *port),
        Endpoint::Connect(host, port) => UdpEnd::Connect(host, *port),
    };
    let OpenUdp {
        socket,
        local,
        target,
    } = open_udp(end)?;
    let status = Arc::new(Mutex::new(SimStatus::default()));
    let st = Arc::clone(&status);
    let task = Background::spawn("steppe-sim", move |stop| async move {
        match tokio::net::UdpSocket::from_std(socket) {
            Ok(sock) => run(cfg, sock, target, stop, st).await,
            Err(e) => tracing::error!("simulator socket: {e}"),
        }
    })?;
    Ok(SimHandle {
        local,
        status,
        task,
    })
}

fn wall_us(start: Instant) -> u64 {
    start.elapsed().as_micros() as u64
}

async fn run(
    cfg: SimServerConfig,
    sock: tokio::net::UdpSocket,
    target: Option<SocketAddr>,
    stop: Arc<AtomicBool>,
    status: Arc<Mutex<SimStatus>>,
) {
    let mut nodes: Vec<SimNode> = cfg.vehicles.iter().cloned().map(SimNode::new).collect();
    for n in &mut nodes {
        n.set_signing_key(cfg.signing.clone());
    }
    let mut out = FaultInjector::new(cfg.to_gcs, cfg.seed ^ 0x0u64.wrapping_add(1));
    let mut inj_in = FaultInjector::new(cfg.from_gcs, cfg.seed ^ 0xA5A5);
    let mut peers: BTreeMap<SocketAddr, Instant> = BTreeMap::new();
    let speedup = if cfg.speedup.is_finite() && cfg.speedup > 0.0 {
        cfg.speedup
    } else {
        1.0
    };
    let start = Instant::now();
    let mut last_tick = Instant::now();
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut buf = vec![0u8; 65_536];
    let mut datagrams_in = 0u64;
    let mut published = Instant::now();
    // Flight time elapsed (µs), the vehicles' clock when `flight_clock` is set.
    let mut flight_us = 0u64;
    while !stop.load(Ordering::Relaxed) {
        tokio::select! {
            r = sock.recv_from(&mut buf) => {
                if let Ok((n, from)) = r {
                    datagrams_in += 1;
                    if target.is_none() {
                        peers.insert(from, Instant::now());
                    }
                    inj_in.offer(wall_us(start), buf.get(..n).unwrap_or(&[]).to_vec());
                }
            }
            _ = tick.tick() => {
                let now = Instant::now();
                let dt = now.duration_since(last_tick).as_secs_f64() * speedup;
                last_tick = now;
                let t = wall_us(start);
                // On the flight clock, step in ticks of flight time so every stream keeps
                // its rate in flight time.
                let steps = if cfg.flight_clock {
                    (dt / TICK.as_secs_f64()).ceil().max(1.0) as u32
                } else {
                    1
                };
                let step_s = dt / f64::from(steps);
                for _ in 0..steps {
                    flight_us += (step_s * 1e6) as u64;
                    let node_t = if cfg.flight_clock { flight_us } else { t };
                    for n in &mut nodes {
                        n.step(step_s, node_t);
                        for f in n.take_frames() {
                            out.offer(t, f.raw().to_vec());
                        }
                    }
                }
            }
        }
        let t = wall_us(start);
        let unix_us = crate::link::wall_clock_us();
        for n in &mut nodes {
            n.set_unix_time(unix_us);
        }
        let node_t = if cfg.flight_clock { flight_us } else { t };
        for d in inj_in.due(t) {
            let mut p = FrameParser::new();
            p.push_datagram(&d);
            while let Some(f) = p.next_frame() {
                for n in &mut nodes {
                    n.handle_frame(&f, node_t);
                }
            }
        }
        for n in &mut nodes {
            for f in n.take_frames() {
                out.offer(t, f.raw().to_vec());
            }
        }
        let now = Instant::now();
        peers.retain(|_, seen| now.duration_since(*seen) < PEER_TIMEOUT);
        for d in out.due(t) {
            match target {
                Some(to) => {
                    let _ = sock.send_to(&d, to).await;
                }
                None => {
                    for p in peers.keys() {
                        let _ = sock.send_to(&d, p).await;
                    }
                }
            }
        }
        if published.elapsed() >= Duration::from_millis(100) {
            published = Instant::now();
            if let Ok(mut s) = status.lock() {
                s.vehicles = nodes
                    .iter()
                    .map(|n| (n.address().sysid, n.flight().state().clone()))
                    .collect();
                s.to_gcs = out.stats;
                s.from_gcs = inj_in.stats;
                s.datagrams_in = datagrams_in;
                s.signing = nodes
                    .iter()
                    .filter_map(|n| Some((n.address().sysid, n.signing_counters()?)))
                    .collect();
            }
        }
    }
}
