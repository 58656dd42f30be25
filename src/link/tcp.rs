//! TCP client link (`tcpout:HOST:PORT`, e.g. SITL's port 5760), reconnecting with backoff.

use super::backoff::Backoff;
use super::{Ended, LinkCtx, LinkState, pump, wait_down};
use std::time::Duration;
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
                    let peer = stream
                        .peer_addr()
                        .map_or_else(|_| format!("{host}:{port}"), |a| a.to_string());
                    if !ctx
                        .state(LinkState::Up {
                            detail: format!("connected to {peer}"),
                            local: stream.local_addr().ok(),
                        })
                        .await
                    {
                        return;
                    }
                    backoff.reset();
                    match pump(&mut ctx, &mut stream, &mut rx, &peer).await {
                        Ended::Stop => return,
                        Ended::Failed(reason) => reason,
                    }
                }
                Ok(Err(e)) => format!("cannot connect to {host}:{port}: {e}"),
                Err(_) => format!(
                    "no answer from {host}:{port} within {} s",
                    CONNECT_TIMEOUT.as_secs()
                ),
            };
        if !wait_down(&ctx, reason, &mut backoff, &mut rx).await {
            return;
        }
    }
}
