//! TCP client link (`tcpout:HOST:PORT`, e.g. SITL's port 5760), reconnecting with backoff.

use super::backoff::Backoff;
use super::{LinkCtx, LinkState};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Runs until the engine drops the link.
pub(super) async fn run(
    mut ctx: LinkCtx,
    host: String,
    port: u16,
    mut rx: mpsc::Receiver<Vec<u8>>,
) {
    let mut backoff = Backoff::default();
    loop {
        if !ctx.state(LinkState::Connecting).await {
            return;
        }
        let reason =
            match tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect((host.as_str(), port)))
                .await
            {
                Ok(Ok(mut stream)) => {
                    let _ = stream.set_nodelay(true);
                    let detail = match stream.peer_addr() {
                        Ok(a) => format!("connected to {a}"),
                        Err(_) => format!("connected to {host}:{port}"),
                    };
                    if !ctx
                        .state(LinkState::Up {
                            detail,
                            local: stream.local_addr().ok(),
                        })
                        .await
                    {
                        return;
                    }
                    backoff.reset();
                    ctx.reset_parser();
                    let mut buf = vec![0u8; 16_384];
                    loop {
                        tokio::select! {
                            r = stream.read(&mut buf) => match r {
                                Ok(0) => break "the other side closed the connection".to_owned(),
                                Ok(n) => {
                                    if !ctx.bytes(buf.get(..n).unwrap_or(&[]), false).await {
                                        return;
                                    }
                                }
                                Err(e) => break format!("read failed: {e}"),
                            },
                            out = rx.recv() => match out {
                                Some(frame) => {
                                    if let Err(e) = stream.write_all(&frame).await {
                                        break format!("write failed: {e}");
                                    }
                                }
                                None => return,
                            },
                        }
                    }
                }
                Ok(Err(e)) => format!("cannot connect to {host}:{port}: {e}"),
                Err(_) => format!(
                    "no answer from {host}:{port} within {} s",
                    CONNECT_TIMEOUT.as_secs()
                ),
            };
        let d = backoff.next_delay();
        if !ctx
            .state(LinkState::Down {
                reason,
                retry_in_ms: d.as_millis() as u64,
            })
            .await
        {
            return;
        }
        // Frames queued while down are stale: drop them, keep waiting.
        let sleep = tokio::time::sleep(d);
        tokio::pin!(sleep);
        loop {
            tokio::select! {
                _ = &mut sleep => break,
                out = rx.recv() => if out.is_none() { return },
            }
        }
    }
}
