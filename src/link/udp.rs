//! UDP links: `udpin` listens and answers every peer heard recently; `udpout` sends to one
//! address and listens for its replies.

use super::backoff::Backoff;
use super::{LinkCtx, LinkState, wait_down};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

/// Peers silent for longer than this stop getting our frames.
const PEER_TIMEOUT: Duration = Duration::from_secs(10);

/// Binds `addr:port`, retrying with backoff. `None` when the engine dropped the link.
async fn bind(
    ctx: &LinkCtx,
    addr: &str,
    port: u16,
    backoff: &mut Backoff,
    rx: &mut mpsc::Receiver<Vec<u8>>,
) -> Option<UdpSocket> {
    loop {
        match UdpSocket::bind((addr, port)).await {
            Ok(s) => return Some(s),
            Err(e) => {
                if !wait_down(
                    ctx,
                    format!("cannot open UDP {addr}:{port}: {e}"),
                    backoff,
                    rx,
                )
                .await
                {
                    return None;
                }
            }
        }
    }
}

/// `udpin:ADDR:PORT`.
pub(super) async fn run_in(
    mut ctx: LinkCtx,
    addr: String,
    port: u16,
    mut rx: mpsc::Receiver<Vec<u8>>,
) {
    let mut backoff = Backoff::default();
    ctx.state(LinkState::Connecting).await;
    let Some(sock) = bind(&ctx, &addr, port, &mut backoff, &mut rx).await else {
        return;
    };
    let local = sock.local_addr().ok();
    let detail = local.map_or_else(
        || format!("listening on {addr}:{port}"),
        |a| format!("listening on {a}"),
    );
    if !ctx.state(LinkState::Up { detail, local }).await {
        return;
    }
    let mut peers: BTreeMap<SocketAddr, Instant> = BTreeMap::new();
    let mut buf = vec![0u8; 65_536];
    loop {
        tokio::select! {
            r = sock.recv_from(&mut buf) => match r {
                Ok((n, from)) => {
                    peers.insert(from, Instant::now());
                    if !ctx.bytes(buf.get(..n).unwrap_or(&[]), true).await {
                        return;
                    }
                }
                // ICMP "port unreachable" from a peer that went away shows up here on Linux.
                Err(_) => continue,
            },
            out = rx.recv() => match out {
                Some(frame) => {
                    let now = Instant::now();
                    peers.retain(|_, t| now.duration_since(*t) < PEER_TIMEOUT);
                    for p in peers.keys() {
                        let _ = sock.send_to(&frame, p).await;
                    }
                }
                None => return,
            },
        }
    }
}

/// `udpout:HOST:PORT`.
pub(super) async fn run_out(
    mut ctx: LinkCtx,
    host: String,
    port: u16,
    mut rx: mpsc::Receiver<Vec<u8>>,
) {
    let mut backoff = Backoff::default();
    let target = loop {
        ctx.state(LinkState::Connecting).await;
        let why = match tokio::net::lookup_host((host.as_str(), port))
            .await
            .map(|mut a| a.next())
        {
            Ok(Some(t)) => break t,
            Ok(None) => "no address found".to_owned(),
            Err(e) => e.to_string(),
        };
        if !wait_down(
            &ctx,
            format!("cannot resolve {host}: {why}"),
            &mut backoff,
            &mut rx,
        )
        .await
        {
            return;
        }
    };
    let any = if target.is_ipv6() { "::" } else { "0.0.0.0" };
    let Some(sock) = bind(&ctx, any, 0, &mut backoff, &mut rx).await else {
        return;
    };
    if !ctx
        .state(LinkState::Up {
            detail: format!("sending to {target}"),
            local: sock.local_addr().ok(),
        })
        .await
    {
        return;
    }
    let mut buf = vec![0u8; 65_536];
    loop {
        tokio::select! {
            r = sock.recv_from(&mut buf) => {
                if let Ok((n, _from)) = r
                    && !ctx.bytes(buf.get(..n).unwrap_or(&[]), true).await
                {
                    return;
                }
            },
            out = rx.recv() => match out {
                Some(frame) => { let _ = sock.send_to(&frame, target).await; }
                None => return,
            },
        }
    }
}
