//! UDP links: `udpin` listens and answers every peer heard recently; `udpout` sends to one
//! address and listens for its replies.

use super::backoff::Backoff;
use super::{LinkCtx, LinkState};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

/// Peers silent for longer than this stop getting our frames.
const PEER_TIMEOUT: Duration = Duration::from_secs(10);

async fn bind_retrying(ctx: &LinkCtx, addr: &str, backoff: &mut Backoff) -> Option<UdpSocket> {
    loop {
        match UdpSocket::bind((addr, 0)).await {
            Ok(s) => return Some(s),
            Err(e) => {
                let d = backoff.next_delay();
                if !ctx
                    .state(LinkState::Down {
                        reason: format!("cannot open a UDP socket on {addr}: {e}"),
                        retry_in_ms: d.as_millis() as u64,
                    })
                    .await
                {
                    return None;
                }
                tokio::time::sleep(d).await;
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
    let sock = loop {
        ctx.state(LinkState::Connecting).await;
        match UdpSocket::bind((addr.as_str(), port)).await {
            Ok(s) => break s,
            Err(e) => {
                let d = backoff.next_delay();
                let reason = format!("cannot listen on {addr}:{port}: {e}");
                if !ctx
                    .state(LinkState::Down {
                        reason,
                        retry_in_ms: d.as_millis() as u64,
                    })
                    .await
                {
                    return;
                }
                tokio::time::sleep(d).await;
            }
        }
    };
    let local = sock.local_addr().ok();
    let detail = match local {
        Some(a) => format!("listening on {a}"),
        None => format!("listening on {addr}:{port}"),
    };
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
    loop {
        ctx.state(LinkState::Connecting).await;
        let target = match tokio::net::lookup_host((host.as_str(), port))
            .await
            .map(|mut a| a.next())
        {
            Ok(Some(t)) => t,
            other => {
                let why = match other {
                    Err(e) => e.to_string(),
                    _ => "no address found".into(),
                };
                let d = backoff.next_delay();
                if !ctx
                    .state(LinkState::Down {
                        reason: format!("cannot resolve {host}: {why}"),
                        retry_in_ms: d.as_millis() as u64,
                    })
                    .await
                {
                    return;
                }
                tokio::time::sleep(d).await;
                continue;
            }
        };
        let any = if target.is_ipv6() { "::" } else { "0.0.0.0" };
        let Some(sock) = bind_retrying(&ctx, any, &mut backoff).await else {
            return;
        };
        let local = sock.local_addr().ok();
        if !ctx
            .state(LinkState::Up {
                detail: format!("sending to {target}"),
                local,
            })
            .await
        {
            return;
        }
        backoff.reset();
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
}
