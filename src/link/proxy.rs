//! A lossy-link UDP proxy: sits between a ground station and a vehicle (or simulator) and
//! forwards datagrams both ways through the simulator's sans-IO [`FaultInjector`], one per
//! direction — loss, duplication, reordering, jitter and a radio's baud cap with its 4 KiB
//! buffer. It exists to test a ground station (ours or another) against a bad radio link with
//! a clean vehicle behind it, over real sockets.
//!
//! ```text
//!   ground station ──UDP──▶ [gcs side] ─▶ injector "to vehicle" ─▶ [vehicle side] ──UDP──▶ vehicle
//!                  ◀──────              ◀─ injector "to gcs"    ◀─                 ◀──────
//! ```
//! Each side is a `udpin:ADDR:PORT` (listen; answer every peer heard in the last 10 s) or a
//! `udpout:HOST:PORT` (send to one address from a free local port), like the links. A vehicle
//! that is the UDP client (SITL's `--serial0 udpclient:HOST:PORT`) fits with both sides
//! `udpin:`: `steppe proxy --listen udpin:127.0.0.1:14550 --to udpin:127.0.0.1:PORT`. Runs on
//! its own thread with a small tokio runtime; [`spawn`] returns once both sockets are open.

use super::LinkSpec;
use super::background::{Background, BackgroundError, OpenUdp, UdpEnd, open_udp};
use crate::sim::faults::{FaultInjector, FaultStats, Faults};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::UdpSocket;

/// Peers of a listening side that stay silent this long are forgotten.
const PEER_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest sleep between looks at the stop flag and new settings.
const POLL: Duration = Duration::from_millis(20);
/// How often the status is refreshed.
const STATUS_PERIOD: Duration = Duration::from_millis(100);

/// What the proxy connects and how bad it makes the link.
#[derive(Debug, Clone, PartialEq)]
pub struct ProxyConfig {
    /// The side the ground station talks to (usually `udpin:`).
    pub gcs_side: LinkSpec,
    /// The side the vehicle is on (usually `udpout:` to the vehicle or simulator).
    pub vehicle_side: LinkSpec,
    /// Faults on datagrams from the ground station to the vehicle.
    pub to_vehicle: Faults,
    /// Faults on datagrams from the vehicle to the ground station.
    pub to_gcs: Faults,
    /// Seed of both injectors (each direction draws its own sequence from it).
    pub seed: u64,
}

/// Why the proxy could not start.
#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    /// A side is not a UDP connection string.
    #[error("proxy {side} side must be udpin:ADDR:PORT or udpout:HOST:PORT, not {spec}")]
    NotUdp {
        /// Which side ("ground-station" or "vehicle").
        side: &'static str,
        /// What was given.
        spec: LinkSpec,
    },
    /// A socket could not be opened, or the `udpout` host did not resolve.
    #[error("proxy {side} side: {source}")]
    Open {
        /// Which side ("ground-station" or "vehicle").
        side: &'static str,
        /// Why it failed.
        source: BackgroundError,
    },
    /// The runtime or its thread could not be created.
    #[error("proxy cannot start: {0}")]
    Start(BackgroundError),
}

/// What the proxy has done so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProxyStatus {
    /// Faults applied on the way to the vehicle.
    pub to_vehicle: FaultStats,
    /// Faults applied on the way to the ground station.
    pub to_gcs: FaultStats,
    /// Datagrams delivered to the vehicle side.
    pub delivered_to_vehicle: u64,
    /// Datagrams delivered to the ground-station side.
    pub delivered_to_gcs: u64,
    /// Datagrams due for a listening side that had heard no peer yet (nowhere to send).
    pub unroutable: u64,
}

/// Where one side sends.
#[derive(Debug)]
enum Dest {
    /// `udpout`: one fixed address.
    Fixed(SocketAddr),
    /// `udpin`: every peer heard recently.
    Peers(BTreeMap<SocketAddr, Instant>),
}

impl Dest {
    fn heard(&mut self, from: SocketAddr) {
        if let Dest::Peers(p) = self {
            p.insert(from, Instant::now());
        }
    }

    fn targets(&mut self) -> Vec<SocketAddr> {
        match self {
            Dest::Fixed(a) => vec![*a],
            Dest::Peers(p) => {
                let now = Instant::now();
                p.retain(|_, seen| now.duration_since(*seen) < PEER_TIMEOUT);
                p.keys().copied().collect()
            }
        }
    }
}

/// One side's socket, opened synchronously so errors come back from [`spawn`].
fn open(side: &'static str, spec: &LinkSpec) -> Result<(OpenUdp, Dest), ProxyError> {
    let (end, dest) = match spec {
        LinkSpec::UdpIn { addr, port } => (UdpEnd::Listen(addr, *port), None),
        LinkSpec::UdpOut { host, port } => (UdpEnd::Connect(host, *port), Some(())),
        other => {
            return Err(ProxyError::NotUdp {
                side,
                spec: other.clone(),
            });
        }
    };
    let open = open_udp(end).map_err(|source| ProxyError::Open { side, source })?;
    let dest = match (dest, open.target) {
        (Some(()), Some(to)) => Dest::Fixed(to),
        _ => Dest::Peers(BTreeMap::new()),
    };
    Ok((open, dest))
}

/// A running proxy. Dropping it stops the proxy.
#[derive(Debug)]
pub struct ProxyHandle {
    gcs_addr: SocketAddr,
    vehicle_addr: SocketAddr,
    status: Arc<Mutex<ProxyStatus>>,
    new_faults: Arc<Mutex<Option<(Faults, Faults)>>>,
    task: Background,
}

impl ProxyHandle {
    /// The local address of the ground-station side (a ground station sends here with
    /// `udpout:` when that side listens).
    pub fn gcs_addr(&self) -> SocketAddr {
        self.gcs_addr
    }

    /// The local address of the vehicle side.
    pub fn vehicle_addr(&self) -> SocketAddr {
        self.vehicle_addr
    }

    /// What the proxy has done so far (refreshed every 100 ms).
    pub fn status(&self) -> ProxyStatus {
        self.status.lock().map(|s| *s).unwrap_or_default()
    }

    /// Changes the faults of both directions from now on (datagrams in flight keep theirs):
    /// e.g. a link that dies mid-transfer.
    pub fn set_faults(&self, to_vehicle: Faults, to_gcs: Faults) {
        if let Ok(mut f) = self.new_faults.lock() {
            *f = Some((to_vehicle, to_gcs));
        }
    }

    /// True while the proxy thread runs.
    pub fn is_running(&self) -> bool {
        self.task.is_running()
    }

    /// Stops the proxy and waits for its thread.
    pub fn stop(mut self) {
        self.task.stop();
    }
}

/// Opens both sides and starts forwarding on a thread of its own.
pub fn spawn(cfg: ProxyConfig) -> Result<ProxyHandle, ProxyError> {
    let (gcs, gcs_dest) = open("ground-station", &cfg.gcs_side)?;
    let (veh, veh_dest) = open("vehicle", &cfg.vehicle_side)?;
    let (gcs_addr, vehicle_addr) = (gcs.local, veh.local);
    let status = Arc::new(Mutex::new(ProxyStatus::default()));
    let new_faults = Arc::new(Mutex::new(None));
    let (st, nf) = (Arc::clone(&status), Arc::clone(&new_faults));
    let task = Background::spawn("steppe-proxy", move |stop| async move {
        match (
            UdpSocket::from_std(gcs.socket),
            UdpSocket::from_std(veh.socket),
        ) {
            (Ok(g), Ok(v)) => {
                let sides = [
                    Side {
                        sock: g,
                        dest: gcs_dest,
                    },
                    Side {
                        sock: v,
                        dest: veh_dest,
                    },
                ];
                let shared = Shared {
                    stop,
                    status: st,
                    new_faults: nf,
                };
                run(cfg, sides, shared).await;
            }
            (Err(e), _) | (_, Err(e)) => tracing::error!("proxy socket: {e}"),
        }
    })
    .map_err(ProxyError::Start)?;
    Ok(ProxyHandle {
        gcs_addr,
        vehicle_addr,
        status,
        new_faults,
        task,
    })
}

struct Side {
    sock: UdpSocket,
    dest: Dest,
}

struct Shared {
    stop: Arc<AtomicBool>,
    status: Arc<Mutex<ProxyStatus>>,
    new_faults: Arc<Mutex<Option<(Faults, Faults)>>>,
}

/// Sends what is due from `inj` out of `side`; returns (delivered, unroutable).
async fn deliver(inj: &mut FaultInjector, side: &mut Side, now_us: u64) -> (u64, u64) {
    let due = inj.due(now_us);
    if due.is_empty() {
        return (0, 0);
    }
    let targets = side.dest.targets();
    if targets.is_empty() {
        return (0, due.len() as u64);
    }
    for d in &due {
        for t in &targets {
            // A peer that went away answers with ICMP errors; the link is lossy anyway.
            let _ = side.sock.send_to(d, t).await;
        }
    }
    (due.len() as u64, 0)
}

async fn run(cfg: ProxyConfig, sides: [Side; 2], shared: Shared) {
    let [mut gcs, mut veh] = sides;
    let mut up = FaultInjector::new(cfg.to_vehicle, cfg.seed ^ 0x5EED_0001);
    let mut down = FaultInjector::new(cfg.to_gcs, cfg.seed ^ 0x5EED_0002);
    let start = Instant::now();
    let now_us = || start.elapsed().as_micros() as u64;
    let mut st = ProxyStatus::default();
    let mut published = Instant::now();
    let mut gbuf = vec![0u8; 65_536];
    let mut vbuf = vec![0u8; 65_536];
    while !shared.stop.load(Ordering::Relaxed) {
        if let Some((tv, tg)) = shared.new_faults.lock().ok().and_then(|mut f| f.take()) {
            up.set_faults(tv);
            down.set_faults(tg);
        }
        let next_us = [up.next_due_us(), down.next_due_us()]
            .into_iter()
            .flatten()
            .min();
        let wait = next_us.map_or(POLL, |d| {
            Duration::from_micros(d.saturating_sub(now_us())).min(POLL)
        });
        tokio::select! {
            r = gcs.sock.recv_from(&mut gbuf) => {
                if let Ok((n, from)) = r {
                    gcs.dest.heard(from);
                    up.offer(now_us(), gbuf.get(..n).unwrap_or(&[]).to_vec());
                }
            }
            r = veh.sock.recv_from(&mut vbuf) => {
                if let Ok((n, from)) = r {
                    veh.dest.heard(from);
                    down.offer(now_us(), vbuf.get(..n).unwrap_or(&[]).to_vec());
                }
            }
            _ = tokio::time::sleep(wait) => {}
        }
        let t = now_us();
        let (n, lost) = deliver(&mut up, &mut veh, t).await;
        st.delivered_to_vehicle += n;
        st.unroutable += lost;
        let (n, lost) = deliver(&mut down, &mut gcs, t).await;
        st.delivered_to_gcs += n;
        st.unroutable += lost;
        if published.elapsed() >= STATUS_PERIOD {
            published = Instant::now();
            st.to_vehicle = up.stats;
            st.to_gcs = down.stats;
            if let Ok(mut s) = shared.status.lock() {
                *s = st;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn udpin() -> LinkSpec {
        LinkSpec::UdpIn {
            addr: "127.0.0.1".into(),
            port: 0,
        }
    }

    /// A proxy between a "ground station" socket and a "vehicle" socket on loopback.
    fn setup(faults: Faults) -> (ProxyHandle, std::net::UdpSocket, std::net::UdpSocket) {
        let vehicle = std::net::UdpSocket::bind("127.0.0.1:0").expect("vehicle socket");
        let p = spawn(ProxyConfig {
            gcs_side: udpin(),
            vehicle_side: LinkSpec::UdpOut {
                host: "127.0.0.1".into(),
                port: vehicle.local_addr().expect("addr").port(),
            },
            to_vehicle: faults,
            to_gcs: faults,
            seed: 3,
        })
        .expect("proxy starts");
        let gcs = std::net::UdpSocket::bind("127.0.0.1:0").expect("gcs socket");
        gcs.connect(p.gcs_addr()).expect("connect");
        for s in [&gcs, &vehicle] {
            s.set_read_timeout(Some(Duration::from_secs(2)))
                .expect("timeout");
        }
        (p, gcs, vehicle)
    }

    #[test]
    fn clean_proxy_forwards_both_ways() {
        let (p, gcs, vehicle) = setup(Faults::default());
        gcs.send(b"hello vehicle").expect("send");
        let mut buf = [0u8; 64];
        let (n, from) = vehicle.recv_from(&mut buf).expect("vehicle hears it");
        assert_eq!(buf.get(..n), Some(&b"hello vehicle"[..]));
        assert_eq!(from.port(), p.vehicle_addr().port());
        // The vehicle answers the address it heard; the proxy passes it back to the GCS.
        vehicle.send_to(b"hello gcs", from).expect("reply");
        let n = gcs.recv(&mut buf).expect("gcs hears the reply");
        assert_eq!(buf.get(..n), Some(&b"hello gcs"[..]));
        std::thread::sleep(STATUS_PERIOD * 2);
        let st = p.status();
        assert_eq!((st.delivered_to_vehicle, st.delivered_to_gcs), (1, 1));
    }

    #[test]
    fn total_loss_delivers_nothing_and_can_be_switched_off() {
        let (p, gcs, vehicle) = setup(Faults {
            loss_pct: 100.0,
            ..Faults::default()
        });
        vehicle
            .set_read_timeout(Some(Duration::from_millis(300)))
            .expect("timeout");
        let mut buf = [0u8; 64];
        for _ in 0..20 {
            gcs.send(b"x").expect("send");
        }
        assert!(vehicle.recv_from(&mut buf).is_err(), "nothing gets through");
        p.set_faults(Faults::default(), Faults::default());
        std::thread::sleep(POLL * 3);
        gcs.send(b"y").expect("send");
        vehicle
            .set_read_timeout(Some(Duration::from_secs(2)))
            .expect("timeout");
        let (n, _) = vehicle
            .recv_from(&mut buf)
            .expect("the healed link delivers");
        assert_eq!(buf.get(..n), Some(&b"y"[..]));
        std::thread::sleep(STATUS_PERIOD * 2);
        assert_eq!(p.status().to_vehicle.lost, 20);
    }

    #[test]
    fn a_vehicle_that_sends_first_is_reached_through_a_listening_vehicle_side() {
        // SITL with `--serial0 udpclient:HOST:PORT` sends to PORT and listens nowhere: the
        // proxy's vehicle side listens too (`--to udpin:`) and answers whoever it heard.
        let p = spawn(ProxyConfig {
            gcs_side: udpin(),
            vehicle_side: udpin(),
            to_vehicle: Faults::default(),
            to_gcs: Faults::default(),
            seed: 5,
        })
        .expect("proxy starts");
        let vehicle = std::net::UdpSocket::bind("127.0.0.1:0").expect("vehicle socket");
        vehicle.connect(p.vehicle_addr()).expect("connect");
        let gcs = std::net::UdpSocket::bind("127.0.0.1:0").expect("gcs socket");
        gcs.connect(p.gcs_addr()).expect("connect");
        for s in [&gcs, &vehicle] {
            s.set_read_timeout(Some(Duration::from_secs(2)))
                .expect("timeout");
        }
        let mut buf = [0u8; 64];
        // Before any ground station spoke, the vehicle's datagrams have nowhere to go.
        vehicle.send(b"heartbeat 1").expect("send");
        std::thread::sleep(STATUS_PERIOD * 2);
        assert_eq!(p.status().unroutable, 1);
        // The ground station speaks: the vehicle it never addressed hears it ...
        gcs.send(b"request list").expect("send");
        let n = vehicle
            .recv(&mut buf)
            .expect("the vehicle hears the ground station");
        assert_eq!(buf.get(..n), Some(&b"request list"[..]));
        // ... and the vehicle's next datagrams reach the ground station.
        vehicle.send(b"heartbeat 2").expect("send");
        let n = gcs
            .recv(&mut buf)
            .expect("the ground station hears the vehicle");
        assert_eq!(buf.get(..n), Some(&b"heartbeat 2"[..]));
    }

    #[test]
    fn non_udp_sides_are_refused_with_the_side_named() {
        let e = spawn(ProxyConfig {
            gcs_side: udpin(),
            vehicle_side: LinkSpec::Serial {
                path: "/dev/ttyUSB0".into(),
                baud: 57_600,
            },
            to_vehicle: Faults::default(),
            to_gcs: Faults::default(),
            seed: 1,
        })
        .expect_err("serial is not UDP");
        assert!(
            e.to_string()
                .starts_with("proxy vehicle side must be udpin"),
            "{e}"
        );
    }
}
