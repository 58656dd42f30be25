//! What the simulator's server and the lossy-link proxy share: a plain non-blocking UDP socket
//! that listens or sends to one address, and a small tokio runtime on a named thread of its
//! own that stops when a flag is set (and when its handle is dropped).

use std::future::Future;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

/// Where a UDP socket goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UdpEnd<'a> {
    /// Listen on `addr:port` and answer whoever talks.
    Listen(&'a str, u16),
    /// Send to `host:port` from a free local port.
    Connect(&'a str, u16),
}

/// Why a socket or a background thread could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum BackgroundError {
    /// The address to send to did not resolve.
    #[error("cannot resolve {host}:{port}")]
    Resolve {
        /// Host as given.
        host: String,
        /// Port.
        port: u16,
    },
    /// The socket, the runtime or the thread could not be created.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// Why it failed.
        source: std::io::Error,
    },
}

/// A non-blocking UDP socket, its local address and, for [`UdpEnd::Connect`], where to send.
#[derive(Debug)]
pub struct OpenUdp {
    /// The socket (std; turn it into tokio's on the runtime's thread).
    pub socket: std::net::UdpSocket,
    /// Its local address (the port chosen when 0 was asked for).
    pub local: SocketAddr,
    /// The resolved destination when sending to one address.
    pub target: Option<SocketAddr>,
}

/// Binds a non-blocking UDP socket for `end`.
pub fn open_udp(end: UdpEnd<'_>) -> Result<OpenUdp, BackgroundError> {
    let io = |what: String| move |source| BackgroundError::Io { what, source };
    let (bind, target) = match end {
        UdpEnd::Listen(addr, port) => (format!("{addr}:{port}"), None),
        UdpEnd::Connect(host, port) => {
            let to = (host, port)
                .to_socket_addrs()
                .ok()
                .and_then(|mut a| a.next())
                .ok_or_else(|| BackgroundError::Resolve {
                    host: host.to_owned(),
                    port,
                })?;
            let any = if to.is_ipv6() { "[::]:0" } else { "0.0.0.0:0" };
            (any.to_owned(), Some(to))
        }
    };
    let socket = std::net::UdpSocket::bind(&bind).map_err(io(format!("bind {bind}")))?;
    socket
        .set_nonblocking(true)
        .map_err(io("non-blocking mode".into()))?;
    let local = socket.local_addr().map_err(io("local address".into()))?;
    Ok(OpenUdp {
        socket,
        local,
        target,
    })
}

/// A task on a current-thread tokio runtime on a thread of its own. The task is handed the
/// stop flag and should return soon after it is set; [`Background::stop`] and dropping the
/// handle set it and wait for the thread.
#[derive(Debug)]
pub struct Background {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Background {
    /// Starts `task(stop_flag)` on a new thread called `name`.
    pub fn spawn<F, Fut>(name: &str, task: F) -> Result<Background, BackgroundError>
    where
        F: FnOnce(Arc<AtomicBool>) -> Fut + Send + 'static,
        Fut: Future<Output = ()>,
    {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|source| BackgroundError::Io {
                what: "runtime".into(),
                source,
            })?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || rt.block_on(task(flag)))
            .map_err(|source| BackgroundError::Io {
                what: "thread".into(),
                source,
            })?;
        Ok(Background {
            stop,
            thread: Some(thread),
        })
    }

    /// True while the thread runs.
    pub fn is_running(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// Sets the stop flag and waits for the thread.
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_listening_and_sending_sockets() {
        let l = open_udp(UdpEnd::Listen("127.0.0.1", 0)).expect("listen");
        assert!(l.target.is_none() && l.local.port() != 0);
        let c = open_udp(UdpEnd::Connect("127.0.0.1", l.local.port())).expect("connect");
        assert_eq!(c.target, Some(l.local));
        let e = open_udp(UdpEnd::Connect("no-such-host.invalid", 1)).expect_err("resolve");
        assert_eq!(e.to_string(), "cannot resolve no-such-host.invalid:1");
        let e = open_udp(UdpEnd::Listen("127.0.0.1", l.local.port())).expect_err("in use");
        assert!(e.to_string().starts_with("bind 127.0.0.1:"), "{e}");
    }

    #[test]
    fn the_task_sees_the_flag_and_stop_waits_for_it() {
        let mut bg = Background::spawn("steppe-test-bg", |stop| async move {
            while !stop.load(Ordering::Relaxed) {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
        })
        .expect("spawn");
        assert!(bg.is_running());
        bg.stop();
        assert!(!bg.is_running());
        let done = Background::spawn("steppe-test-bg", |_| async {}).expect("spawn");
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(!done.is_running());
    }
}
