//! Transports to vehicles: UDP (listen or send), TCP client and serial ports, each a tokio task
//! that turns bytes into MAVLink frames and writes frames out, reconnecting on its own.
//!
//! A link task owns its socket or port and its [`FrameParser`]. It sends batches of frames
//! (with the parser's counters) and state changes up to the engine on one shared channel, and
//! takes raw frames to write from its own channel. Dropping that sender stops the task.

pub mod background;
pub mod backoff;
pub mod proxy;
mod serial;
pub mod spec;
pub mod stats;
mod tcp;
mod udp;

pub use spec::{LinkSpec, LinkSpecError};
pub use stats::{LinkStats, SeqTracker};

use crate::protocol::frame::{Frame, FrameParser, ParserStats};
use std::net::SocketAddr;
use tokio::sync::mpsc;

/// Identifies a link within one engine.
pub type LinkId = u32;

/// Connection state of a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkState {
    /// Opening or connecting.
    Connecting,
    /// Working. `local` is the bound address of UDP links.
    Up {
        /// What it is connected to, in words.
        detail: String,
        /// Local socket address (UDP).
        local: Option<SocketAddr>,
    },
    /// Failed or disconnected; retrying after a delay.
    Down {
        /// What went wrong.
        reason: String,
        /// Next attempt in this many milliseconds.
        retry_in_ms: u64,
    },
    /// Stopped for good (removed).
    Closed,
}

/// Frames read in one go from a link.
#[derive(Debug, Clone)]
pub struct Inbound {
    /// The link.
    pub link: LinkId,
    /// Arrival time, µs since the Unix epoch.
    pub t_us: u64,
    /// Whole frames.
    pub frames: Vec<Frame>,
    /// The link parser's counters after these frames.
    pub parser: ParserStats,
}

/// What links tell the engine.
#[derive(Debug, Clone)]
pub enum LinkEvent {
    /// Frames arrived.
    Inbound(Inbound),
    /// The link changed state.
    State {
        /// The link.
        link: LinkId,
        /// New state.
        state: LinkState,
    },
}

/// Microseconds since the Unix epoch, from a clock that never steps: the wall clock read
/// once at the first call, advanced by the monotonic clock. A field laptop's clock jumping
/// (NTP or GPS time sync mid-flight) then cannot fake or hide a lost vehicle, and tlog times
/// stay in order.
pub fn wall_clock_us() -> u64 {
    static BASE: std::sync::OnceLock<(u64, std::time::Instant)> = std::sync::OnceLock::new();
    let (wall0, mono0) = BASE.get_or_init(|| {
        let wall = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_micros() as u64)
            .unwrap_or(0);
        (wall, std::time::Instant::now())
    });
    wall0.saturating_add(mono0.elapsed().as_micros() as u64)
}

/// Handle of a running link task.
#[derive(Debug)]
pub struct LinkHandle {
    /// The link's id.
    pub id: LinkId,
    /// What it connects to.
    pub spec: LinkSpec,
    /// Raw frames to write.
    pub tx: mpsc::Sender<Vec<u8>>,
    task: tokio::task::JoinHandle<()>,
}

impl LinkHandle {
    /// Stops the task (closing its socket or port).
    pub fn close(self) {
        self.task.abort();
    }
}

/// Frames waiting to be written per link before new ones are dropped (about 1.5 s of a busy
/// 57600-baud radio).
const TX_QUEUE: usize = 256;

/// Starts a link task on the current tokio runtime.
pub fn spawn(id: LinkId, spec: LinkSpec, events: mpsc::Sender<LinkEvent>) -> LinkHandle {
    let (tx, rx) = mpsc::channel(TX_QUEUE);
    let ctx = LinkCtx {
        id,
        events,
        parser: FrameParser::new(),
    };
    let task = match spec.clone() {
        LinkSpec::UdpIn { addr, port } => tokio::spawn(udp::run_in(ctx, addr, port, rx)),
        LinkSpec::UdpOut { host, port } => tokio::spawn(udp::run_out(ctx, host, port, rx)),
        LinkSpec::TcpOut { host, port } => tokio::spawn(tcp::run(ctx, host, port, rx)),
        LinkSpec::Serial { path, baud } => tokio::spawn(serial::run(ctx, path, baud, rx)),
    };
    LinkHandle { id, spec, tx, task }
}

/// What every transport task carries: its id, the way up, and its parser.
struct LinkCtx {
    id: LinkId,
    events: mpsc::Sender<LinkEvent>,
    parser: FrameParser,
}

impl LinkCtx {
    /// Reports a state change. Returns false when the engine has gone away.
    async fn state(&self, state: LinkState) -> bool {
        self.events
            .send(LinkEvent::State {
                link: self.id,
                state,
            })
            .await
            .is_ok()
    }

    /// Parses bytes (a datagram if `datagram`) and sends the frames up. Returns false when the
    /// engine has gone away.
    async fn bytes(&mut self, data: &[u8], datagram: bool) -> bool {
        if datagram {
            self.parser.push_datagram(data);
        } else {
            self.parser.push(data);
        }
        let mut frames = Vec::new();
        while let Some(f) = self.parser.next_frame() {
            frames.push(f);
        }
        let batch = Inbound {
            link: self.id,
            t_us: wall_clock_us(),
            frames,
            parser: *self.parser.stats(),
        };
        self.events.send(LinkEvent::Inbound(batch)).await.is_ok()
    }

    /// Forgets a partial frame (after a reconnect the stream starts anew).
    fn reset_parser(&mut self) {
        let stats = *self.parser.stats();
        self.parser = FrameParser::new();
        self.parser.restore_stats(stats);
    }
}

/// How a stream session ended.
enum Ended {
    /// The engine dropped the link: stop.
    Stop,
    /// The connection failed: reconnect after a delay.
    Failed(String),
}

/// Moves bytes both ways over a connected byte stream (TCP, serial) until it fails or the
/// engine drops the link. `name` prefixes the failure reasons.
async fn pump<S>(
    ctx: &mut LinkCtx,
    io: &mut S,
    rx: &mut mpsc::Receiver<Vec<u8>>,
    name: &str,
) -> Ended
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    ctx.reset_parser();
    let mut buf = vec![0u8; 16_384];
    loop {
        tokio::select! {
            r = io.read(&mut buf) => match r {
                Ok(0) => return Ended::Failed(format!("{name}: the other side closed the connection")),
                Ok(n) => {
                    if !ctx.bytes(buf.get(..n).unwrap_or(&[]), false).await {
                        return Ended::Stop;
                    }
                }
                Err(e) => return Ended::Failed(format!("{name}: read failed: {e}")),
            },
            out = rx.recv() => match out {
                Some(frame) => {
                    if let Err(e) = io.write_all(&frame).await {
                        return Ended::Failed(format!("{name}: write failed: {e}"));
                    }
                }
                None => return Ended::Stop,
            },
        }
    }
}

/// Reports `reason` as Down and waits the backoff delay, dropping frames queued meanwhile
/// (they would be stale). Returns false when the engine dropped the link.
async fn wait_down(
    ctx: &LinkCtx,
    reason: String,
    backoff: &mut backoff::Backoff,
    rx: &mut mpsc::Receiver<Vec<u8>>,
) -> bool {
    let d = backoff.next_delay();
    if !ctx
        .state(LinkState::Down {
            reason,
            retry_in_ms: d.as_millis() as u64,
        })
        .await
    {
        return false;
    }
    let sleep = tokio::time::sleep(d);
    tokio::pin!(sleep);
    loop {
        tokio::select! {
            _ = &mut sleep => return true,
            out = rx.recv() => if out.is_none() { return false },
        }
    }
}
