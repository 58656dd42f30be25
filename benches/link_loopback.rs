//! Frames per second through the link stack on loopback, without loss: real UDP sockets on
//! 127.0.0.1, a sender thread blasting the simulator's telemetry (re-sequenced so a lost
//! frame shows as a sequence gap) into
//! - `bare_socket`: a plain blocking `recv` loop that only counts datagrams (the floor: what
//!   the kernel's loopback costs);
//! - `socket_parser`: the same loop feeding our `FrameParser` (framing and CRC check);
//! - `engine`: a real engine (`runtime::start`) with a `udpin` link: the link task, its
//!   parser, the channel to the engine, link statistics, the vehicle model, operations — the
//!   whole inbound path;
//! - `engine_recording`: the same with the recorder writing every frame to a tlog.
//!
//! Every 64th frame is a STATUSTEXT marker. The receiver confirms a burst when its marker has
//! arrived (for the engine: when the vehicle model turned it into a status-text event that
//! reached the caller), and the sender keeps at most three bursts in flight, so the socket's
//! receive buffer (256 datagrams by default on Linux) can never overflow: what is measured is
//! the rate at which the receiver keeps up with no frame dropped. At the end each case checks
//! that every frame sent was counted (for the engine: by the link's sequence tracker, which
//! also reports gaps and duplicates; with recording, by the recorder too) and prints
//! `link_loopback case=… sent=… received=… lost=… cpu_ns_per_frame=… wakeups_per_frame=…`.
//!
//! On loopback the kernel charges most of a datagram's delivery to the sending thread, which
//! then costs more per frame than any of these receivers: the delivered rate is the sender's
//! limit, the same for all four. The receiving threads' CPU time per frame (from
//! `/proc/self/task/*/schedstat`, Linux; printed with the sender's, and with how often the
//! receivers were woken per frame) is the figure that shows the stack's cost, and its inverse
//! what one core could take.
//!
//! `cargo bench --bench link_loopback`. With `STEPPE_BENCH_LINK_POOL=FILE` the frames are also
//! written to FILE (concatenated), for `scripts/bench` to send to pymavlink.

mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::{JoinHandle, Thread};
use std::time::{Duration, Instant};
use steppe::link::{LinkSpec, LinkState};
use steppe::protocol::frame::{Frame, FrameParser, Sender, Version};
use steppe::runtime::{BackendConfig, BackendHandle, Event};
use steppe::sim::config::SimConfig;
use steppe::sim::node::{NodeConfig, SimNode};
use steppe::vehicle::FleetEvent;

/// Frames per burst; the last one is the marker.
const BURST: usize = 64;
/// Bursts in flight: 192 datagrams, below the 256 a default Linux socket buffer holds.
const WINDOW_BURSTS: u64 = 3;
/// Bursts in the pool (4096 frames: a multiple of 256, so the sequence numbers run on
/// without a gap when the pool repeats).
const POOL_BURSTS: usize = 64;
/// The marker's text.
const MARK: &str = "steppe bench mark";
/// MAVLink id of STATUSTEXT.
const STATUSTEXT: u32 = 253;
/// Name of the plain receivers' thread.
const RECV_THREAD: &str = "bench-recv";
/// How long a burst may stay unconfirmed before the run is declared lossy.
const STALL: Duration = Duration::from_secs(5);

/// The simulator's telemetry for a copter on the ground (its own message mix and sizes),
/// re-encoded by one sender (system 1, component 1) with a marker closing every burst.
fn pool() -> Vec<Vec<u8>> {
    let mut node = SimNode::new(NodeConfig {
        sysid: 1,
        flight: SimConfig::copter(),
        mission: Default::default(),
    });
    let n = BURST * POOL_BURSTS;
    let mut telemetry: Vec<(u32, Vec<u8>)> = Vec::with_capacity(n);
    let mut now_us = 1_790_000_000_000_000u64;
    while telemetry.len() < n {
        node.step(0.02, now_us);
        now_us += 20_000;
        for f in node.take_frames() {
            if f.header().msgid != STATUSTEXT {
                telemetry.push((f.header().msgid, f.payload().to_vec()));
            }
        }
    }
    let marker = steppe::sim::telemetry::statustext(6, MARK, 0);
    let mut tx = Sender::new(1, 1);
    let mut out = Vec::with_capacity(n);
    for (i, (msgid, payload)) in telemetry.iter().take(n).enumerate() {
        let frame = match marker.first() {
            Some(m) if i % BURST == BURST - 1 => tx.encode(m, Version::V2),
            _ => tx
                .encode_raw(*msgid, payload, Version::V2)
                .expect("the simulator's payloads fit"),
        };
        out.push(frame.raw().to_vec());
    }
    out
}

/// A MAVLink 2 STATUSTEXT frame (what the bare receiver looks for, without parsing).
fn is_marker(d: &[u8]) -> bool {
    d.first() == Some(&0xFD) && d.get(7..10) == Some(&[253, 0, 0][..])
}

/// Where frames go, and how the sender learns that they arrived.
trait Sink {
    /// The UDP address to send to.
    fn addr(&self) -> SocketAddr;
    /// Bursts confirmed so far (cumulative).
    fn confirmed(&mut self) -> u64;
    /// Waits until the receiver may have confirmed another burst (at most a millisecond).
    fn wait(&mut self) {
        std::thread::park_timeout(Duration::from_millis(1));
    }
    /// Frames the receiver counted (cumulative) once `sent` went out, how many of them were
    /// lost, repeated, damaged or not recorded (0 for a clean run), and a note on that.
    fn received(&mut self, sent: u64) -> (u64, u64, String);
}

/// A receiver thread on a plain socket; `parse` feeds our parser too.
struct SocketSink {
    addr: SocketAddr,
    bursts: Arc<AtomicU64>,
    frames: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl SocketSink {
    fn start(parse: bool, waker: Thread) -> Self {
        let sock = UdpSocket::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        sock.set_read_timeout(Some(Duration::from_millis(50)))
            .expect("read timeout");
        let addr = sock.local_addr().expect("local address");
        let bursts = Arc::new(AtomicU64::new(0));
        let frames = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (b, f, s) = (bursts.clone(), frames.clone(), stop.clone());
        let thread = std::thread::Builder::new()
            .name(RECV_THREAD.into())
            .spawn(move || {
                let mut buf = vec![0u8; 65_536];
                let mut parser = FrameParser::new();
                while !s.load(Ordering::Relaxed) {
                    let Ok(n) = sock.recv(&mut buf) else { continue };
                    let d = buf.get(..n).unwrap_or(&[]);
                    let mut mark = false;
                    if parse {
                        parser.push_datagram(d);
                        while let Some(fr) = parser.next_frame() {
                            f.fetch_add(1, Ordering::Relaxed);
                            mark |= fr.header().msgid == STATUSTEXT;
                        }
                    } else {
                        f.fetch_add(1, Ordering::Relaxed);
                        mark = is_marker(d);
                    }
                    if mark {
                        b.fetch_add(1, Ordering::Release);
                        waker.unpark();
                    }
                }
            });
        let thread = thread.expect("receiver thread");
        Self {
            addr,
            bursts,
            frames,
            stop,
            thread: Some(thread),
        }
    }
}

impl Sink for SocketSink {
    fn addr(&self) -> SocketAddr {
        self.addr
    }

    fn confirmed(&mut self) -> u64 {
        self.bursts.load(Ordering::Acquire)
    }

    fn received(&mut self, sent: u64) -> (u64, u64, String) {
        let end = Instant::now() + Duration::from_secs(2);
        while self.frames.load(Ordering::Relaxed) < sent && Instant::now() < end {
            std::thread::sleep(Duration::from_millis(10));
        }
        (self.frames.load(Ordering::Relaxed), 0, String::new())
    }
}

impl Drop for SocketSink {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A real engine with one `udpin` link on 127.0.0.1.
struct EngineSink {
    handle: BackendHandle,
    addr: SocketAddr,
    bursts: u64,
    tlog: Option<std::path::PathBuf>,
}

impl EngineSink {
    fn start(tlog: Option<std::path::PathBuf>) -> Self {
        let me = std::thread::current();
        let mut handle = steppe::runtime::start(BackendConfig {
            links: vec![LinkSpec::UdpIn {
                addr: "127.0.0.1".into(),
                port: 0,
            }],
            tlog: tlog.clone(),
            repaint: Some(Arc::new(move || me.unpark())),
            ..BackendConfig::default()
        })
        .expect("engine");
        let end = Instant::now() + Duration::from_secs(10);
        let addr = loop {
            assert!(Instant::now() < end, "the udpin link did not come up");
            if let Some(Event::Link {
                state: LinkState::Up {
                    local: Some(addr), ..
                },
                ..
            }) = handle.wait_event(Duration::from_millis(100))
            {
                break addr;
            }
        };
        Self {
            handle,
            addr,
            bursts: 0,
            tlog,
        }
    }

    fn drain(&mut self) {
        while let Some(ev) = self.handle.try_event() {
            if let Event::Fleet(FleetEvent::StatusText { text, .. }) = ev
                && text == MARK
            {
                self.bursts += 1;
            }
        }
    }
}

impl Sink for EngineSink {
    fn addr(&self) -> SocketAddr {
        self.addr
    }

    fn confirmed(&mut self) -> u64 {
        self.drain();
        self.bursts
    }

    fn received(&mut self, sent: u64) -> (u64, u64, String) {
        // The snapshot is published every 50 ms: wait for the one that has every frame.
        let end = Instant::now() + Duration::from_secs(3);
        loop {
            let snap = self.handle.snapshot();
            let link = snap.links.first();
            let tracker = link.and_then(|l| l.stats.senders.get(&(1, 1)).copied());
            let received = tracker.map_or(0, |t| t.received);
            let rec = snap.recorder.as_ref().filter(|_| self.tlog.is_some());
            let rec_ok = rec.is_none_or(|r| r.records + r.dropped >= sent);
            if (received >= sent && rec_ok) || Instant::now() > end {
                let t = tracker.unwrap_or_default();
                let crc = link.map_or(0, |l| l.stats.rx.crc_errors);
                let mut note = format!(
                    "seq_lost={} duplicates={} crc_errors={crc}",
                    t.lost, t.duplicates
                );
                let mut bad = t.lost + t.duplicates + crc;
                if let Some(r) = rec {
                    // The recorder also holds the engine's own outgoing frames.
                    note += &format!(" recorded={} record_dropped={}", r.records, r.dropped);
                    bad += r.dropped;
                }
                return (received, bad, note);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for EngineSink {
    fn drop(&mut self) {
        self.handle.shutdown();
        if let Some(p) = &self.tlog {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// CPU time (ns) and times scheduled in so far, summed over this process's threads named
/// `names` (Linux `schedstat`; zeros elsewhere).
fn cpu_ns(names: &[&str]) -> (u64, u64) {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return (0, 0);
    };
    let (mut ns, mut runs) = (0, 0);
    for t in tasks.flatten() {
        let comm = std::fs::read_to_string(t.path().join("comm")).unwrap_or_default();
        if !names.contains(&comm.trim_end()) {
            continue;
        }
        let stat = std::fs::read_to_string(t.path().join("schedstat")).unwrap_or_default();
        let mut f = stat
            .split_whitespace()
            .map(|v| v.parse::<u64>().unwrap_or(0));
        ns += f.next().unwrap_or(0);
        runs += f.nth(1).unwrap_or(0);
    }
    (ns, runs)
}

/// Sends each frame as one datagram.
fn send_burst(sock: &UdpSocket, frames: &[Vec<u8>]) -> std::io::Result<()> {
    for f in frames {
        sock.send(f)?;
    }
    Ok(())
}

/// CPU time used so far by the calling thread, nanoseconds (Linux; 0 elsewhere).
fn own_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// The sending side of one case: its socket, where it is in the pool, what it has sent.
struct Blaster<'a> {
    pool: &'a [Vec<u8>],
    sock: UdpSocket,
    next: usize,
    sent_frames: u64,
    sent_bursts: u64,
}

impl<'a> Blaster<'a> {
    fn new(pool: &'a [Vec<u8>], to: SocketAddr) -> Self {
        let sock = UdpSocket::bind("127.0.0.1:0").expect("bind sender");
        sock.connect(to).expect("connect sender");
        Self {
            pool,
            sock,
            next: 0,
            sent_frames: 0,
            sent_bursts: 0,
        }
    }

    /// Sends `bursts` bursts, at most [`WINDOW_BURSTS`] unconfirmed, and waits for the last
    /// confirmation. Returns the time taken.
    fn run(&mut self, sink: &mut dyn Sink, bursts: u64) -> Duration {
        let start = Instant::now();
        let goal = self.sent_bursts + bursts;
        let mut confirmed = sink.confirmed();
        let mut waiting_since = Instant::now();
        while confirmed < goal {
            if self.sent_bursts < goal && self.sent_bursts < confirmed + WINDOW_BURSTS {
                let burst = self.pool.get(self.next..self.next + BURST).unwrap_or(&[]);
                send_burst(&self.sock, burst).expect("send");
                self.next = (self.next + BURST) % self.pool.len();
                self.sent_frames += BURST as u64;
                self.sent_bursts += 1;
                confirmed = sink.confirmed();
                continue;
            }
            sink.wait();
            let now = sink.confirmed();
            if now > confirmed {
                confirmed = now;
                waiting_since = Instant::now();
            } else if waiting_since.elapsed() > STALL {
                panic!(
                    "no confirmation for {STALL:?}: {} bursts sent, {confirmed} confirmed (frames lost)",
                    self.sent_bursts
                );
            }
        }
        start.elapsed()
    }
}

/// Runs one case; `threads` are the receiving threads whose CPU time is counted.
fn case(c: &mut Criterion, pool: &[Vec<u8>], name: &str, sink: &mut dyn Sink, threads: &[&str]) {
    let mut blaster = Blaster::new(pool, sink.addr());
    // Let the engine see the vehicle's heartbeat before timing.
    blaster.run(sink, WINDOW_BURSTS);
    let (cpu0, frames0) = (cpu_ns(threads), blaster.sent_frames);
    let sender0 = own_cpu_ns();
    let mut g = c.benchmark_group("link_loopback");
    g.throughput(Throughput::Elements(BURST as u64));
    g.bench_function(name, |b| {
        b.iter_custom(|iters| blaster.run(sink, iters));
    });
    g.finish();
    let sent = blaster.sent_frames;
    let (received, bad, note) = sink.received(sent);
    let per_frame = |n: u64| n as f64 / (sent - frames0).max(1) as f64;
    let (cpu1, runs1) = cpu_ns(threads);
    let cpu = per_frame(cpu1.saturating_sub(cpu0.0));
    let wakeups = per_frame(runs1.saturating_sub(cpu0.1));
    let sender = per_frame(own_cpu_ns().saturating_sub(sender0));
    println!(
        "link_loopback case={name} sent={sent} received={received} lost={} cpu_ns_per_frame={cpu:.0} wakeups_per_frame={wakeups:.2} sender_cpu_ns_per_frame={sender:.0} {note}",
        sent.saturating_sub(received)
    );
    assert!(
        received == sent && bad == 0,
        "{name}: {sent} frames sent, {received} received ({note})"
    );
}

fn link_loopback(c: &mut Criterion) {
    let pool = pool();
    assert!(pool.iter().all(|f| Frame::from_bytes(f).is_ok()));
    if let Ok(path) = std::env::var("STEPPE_BENCH_LINK_POOL") {
        std::fs::write(&path, pool.concat()).expect("write the frame pool");
    }
    let me = std::thread::current();
    // One sink at a time (each dropped, its thread stopped, before the next starts).
    let plain = [RECV_THREAD];
    case(
        c,
        &pool,
        "bare_socket",
        &mut SocketSink::start(false, me.clone()),
        &plain,
    );
    case(
        c,
        &pool,
        "socket_parser",
        &mut SocketSink::start(true, me),
        &plain,
    );
    let engine = ["steppe-backend"];
    case(c, &pool, "engine", &mut EngineSink::start(None), &engine);
    let tlog = std::env::temp_dir().join(format!("steppe_bench_link_{}.tlog", std::process::id()));
    let threads = ["steppe-backend", "steppe-recorder"];
    case(
        c,
        &pool,
        "engine_recording",
        &mut EngineSink::start(Some(tlog)),
        &threads,
    );
}

criterion_group! {
    name = benches;
    config = common::short_runs(4, 30);
    targets = link_loopback
}
criterion_main!(benches);
