//! `steppe watch`: a live terminal view of every vehicle heard, refreshed every second — mode,
//! armed, position, altitude, speed, battery, GPS, link loss and the last message. Values that
//! stopped updating are marked stale ("?") rather than shown as if current.

use super::common::connect;
use super::record::install_ctrl_c;
use crate::link::{LinkState, wall_clock_us};
use crate::runtime::Snapshot;
use crate::vehicle::{FieldGroup, VehicleState, gps_fix_name};
use anyhow::Result;
use clap::Args;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Arguments of `steppe watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Connection(s) to watch.
    #[arg(long = "link", value_name = "URL", required = true)]
    links: Vec<crate::link::LinkSpec>,
    /// Stop after this many seconds (default: until Ctrl-C).
    #[arg(long, value_name = "S", value_parser = super::common::seconds)]
    duration: Option<f64>,
    #[command(flatten)]
    record: super::common::RecordArgs,
    /// MAVLink 2 signing.
    #[command(flatten)]
    signing: super::signing::SigningArgs,
}

fn stale(v: &VehicleState, g: FieldGroup, now: u64) -> &'static str {
    if v.is_stale(g, now) { "?" } else { "" }
}

fn opt(v: Option<f64>, decimals: usize, unit: &str) -> String {
    v.map_or("-".into(), |x| format!("{x:.decimals$}{unit}"))
}

/// The whole screen for one snapshot, as text.
pub fn render(snap: &Snapshot, now_us: u64) -> String {
    let mut s = String::new();
    for l in &snap.links {
        let state = match &l.state {
            LinkState::Up { detail, .. } => format!("up, {detail}"),
            LinkState::Down {
                reason,
                retry_in_ms,
            } => format!(
                "DOWN: {reason} (retry in {:.1} s)",
                *retry_in_ms as f64 / 1000.0
            ),
            LinkState::Connecting => "connecting".into(),
            LinkState::Closed => "closed".into(),
        };
        let heard = l
            .stats
            .last_heard_s(now_us)
            .map_or("never".into(), |t| format!("{t:.1} s ago"));
        let _ = writeln!(
            s,
            "link {}: {state} | rx {} B, {} frames, {} CRC errors, {} bad bytes | tx {} frames | last heard {heard}",
            l.spec,
            l.stats.rx.bytes,
            l.stats.rx.frames,
            l.stats.rx.crc_errors,
            l.stats.rx.bad_bytes,
            l.stats.tx_frames
        );
        if let Some(c) = &l.stats.signing {
            let _ = writeln!(
                s,
                "  signing{}: {} signed ok, {} unsigned, {} other key, {} replayed, {} too old, {} ignored | {} signed out",
                if l.stats.signing_strict {
                    " (strict)"
                } else {
                    ""
                },
                c.valid,
                c.unsigned,
                c.bad_signature,
                c.replayed,
                c.too_old,
                c.ignored,
                c.signed_out
            );
        }
    }
    if let Some(r) = &snap.recorder {
        let _ = writeln!(
            s,
            "recording {} ({} frames){}",
            r.path.display(),
            r.records,
            r.error
                .as_ref()
                .map(|e| format!(" — {e}"))
                .unwrap_or_default()
        );
    }
    if snap.vehicles.is_empty() {
        s.push_str("no vehicle heard yet (waiting for a HEARTBEAT)\n");
        return s;
    }
    let _ = writeln!(
        s,
        "{:<6} {:<7} {:<10} {:<8} {:<24} {:>9} {:>7} {:>15} {:>11} {:>6}  LAST MESSAGE",
        "ID", "TYPE", "MODE", "ARMED", "POSITION", "ALT REL", "GS m/s", "BATTERY", "GPS", "LOSS",
    );
    for v in &snap.vehicles {
        let pos = v
            .position
            .lat_lon
            .map_or("-".into(), |p| format!("{:.6},{:.6}", p.lat_deg, p.lon_deg));
        let batt = format!(
            "{} {}{}",
            opt(v.battery.voltage_v, 1, "V"),
            opt(v.battery.remaining_pct, 0, "%"),
            stale(v, FieldGroup::Battery, now_us)
        );
        let gps = v.gps.as_ref().map_or("-".into(), |g| {
            format!(
                "{} {}sat{}",
                gps_fix_name(g.fix_type),
                g.satellites.map_or("?".into(), |n| n.to_string()),
                stale(v, FieldGroup::Gps, now_us)
            )
        });
        let loss = snap
            .links
            .iter()
            .filter(|l| l.stats.senders.keys().any(|(sys, _)| *sys == v.id.sysid))
            .map(|l| l.stats.loss_pct_of(v.id.sysid))
            .fold(None, |acc: Option<f64>, x| {
                Some(acc.map_or(x, |a| a.min(x)))
            });
        let last = v
            .status_log
            .latest()
            .map_or(String::new(), |m| m.text.clone());
        let lost = if v.is_lost() { " LOST" } else { "" };
        let _ = writeln!(
            s,
            "{:<6} {:<7} {:<10} {:<8} {:<24} {:>9} {:>7} {:>15} {:>11} {:>6}  {}",
            v.id.to_string(),
            v.class.name(),
            format!("{}{lost}", v.mode_name),
            if v.armed { "ARMED" } else { "disarmed" },
            format!("{pos}{}", stale(v, FieldGroup::Position, now_us)),
            format!(
                "{}{}",
                opt(v.position.alt_rel_m, 1, " m"),
                stale(v, FieldGroup::Position, now_us)
            ),
            format!(
                "{}{}",
                opt(v.motion.ground_speed_mps, 1, ""),
                stale(v, FieldGroup::Hud, now_us)
            ),
            batt,
            gps,
            loss.map_or("-".into(), |x| format!("{x:.1}%")),
            last
        );
    }
    s
}

/// Runs `steppe watch`.
pub fn run(a: WatchArgs) -> Result<ExitCode> {
    let stop = Arc::new(AtomicBool::new(false));
    install_ctrl_c(Arc::clone(&stop));
    let mut h = connect(&a.links, a.record.session_file()?, a.signing.config()?)?;
    watch_loop(&mut h, a.duration, &stop);
    h.shutdown();
    Ok(ExitCode::SUCCESS)
}

/// Redraws every second until `stop`, or for `duration` seconds.
pub(super) fn watch_loop(
    h: &mut crate::runtime::BackendHandle,
    duration: Option<f64>,
    stop: &AtomicBool,
) {
    let tty = std::io::stdout().is_terminal();
    let end = duration.map(|d| Instant::now() + Duration::from_secs_f64(d.max(0.0)));
    let mut next = Instant::now();
    while !stop.load(Ordering::Relaxed) && end.is_none_or(|e| Instant::now() < e) {
        while h.try_event().is_some() {}
        if Instant::now() >= next {
            next += Duration::from_secs(1);
            let text = render(&h.snapshot(), wall_clock_us());
            let mut out = std::io::stdout().lock();
            if tty {
                let _ = write!(out, "\x1b[2J\x1b[H{text}");
            } else {
                let _ = writeln!(out, "{text}");
            }
            let _ = out.flush();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
