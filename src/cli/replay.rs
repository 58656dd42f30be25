//! `steppe replay FILE --link URL`: streams a recorded flight to another ground station with
//! its original pacing (or faster), as if the aircraft were flying now.

use crate::link::{self, LinkEvent, LinkSpec, LinkState};
use crate::log::index::{TlogIndex, monotonic_us};
use crate::log::replay::GAP_SKIP_US;
use crate::log::tlog::TlogReader;
use crate::ui::replay::clock;
use anyhow::{Context, Result, bail};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Arguments of `steppe replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The .tlog file.
    file: PathBuf,
    /// Where to send the frames, e.g. `udpout:127.0.0.1:14550` (QGroundControl, Mission
    /// Planner and MAVProxy listen there by default), `tcp:HOST:PORT`, `udpin:0.0.0.0:14560`
    /// or `serial:/dev/ttyUSB0:57600`. Without it, the log plays in the Steppe window.
    #[arg(long)]
    link: Option<String>,
    /// Log seconds per wall second, 0.1 to 100.
    #[arg(long, default_value = "1", value_parser = speed)]
    speed: f64,
    /// Start this many seconds after the log begins.
    #[arg(long, value_name = "S", value_parser = super::common::seconds)]
    from: Option<f64>,
    /// Stop this many seconds after the log begins.
    #[arg(long, value_name = "S", value_parser = super::common::seconds)]
    to: Option<f64>,
    /// Keep silences longer than 10 s (by default they are skipped).
    #[arg(long)]
    keep_gaps: bool,
    /// No progress line.
    #[arg(long, short)]
    quiet: bool,
}

fn speed(s: &str) -> Result<f64, String> {
    super::common::ranged(s, 0.1, 100.0, "speed")
}

/// Runs `steppe replay`.
pub fn run(a: ReplayArgs) -> Result<ExitCode> {
    let data = std::fs::read(&a.file).with_context(|| format!("reading {}", a.file.display()))?;
    let index = TlogIndex::build(&data);
    if index.is_empty() {
        bail!(
            "{}: no MAVLink record with a valid time in {} bytes (is it a .tlog?)",
            a.file.display(),
            data.len()
        );
    }
    let Some(link) = a.link.clone() else {
        drop(data);
        crate::app::run(crate::app::AppOptions {
            replay: Some(a.file.clone()),
            ..Default::default()
        })?;
        return Ok(ExitCode::SUCCESS);
    };
    let spec: LinkSpec = link.parse().with_context(|| format!("--link {link}"))?;
    let secs = |s: f64| (s * 1e6) as u64;
    let from_us = index.start_us + a.from.map_or(0, secs);
    let to_us = a.to.map_or(index.end_us, |s| index.start_us + secs(s));
    if from_us > index.end_us || to_us < from_us {
        bail!(
            "--from/--to select nothing: the log lasts {:.1} s",
            index.duration_us() as f64 / 1e6
        );
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the I/O runtime")?;
    let plan = Pacing {
        from_us,
        to_us,
        speed: a.speed,
        skip_gaps: !a.keep_gaps,
        quiet: a.quiet,
    };
    let sent = rt.block_on(stream(&data, &index, spec, plan))?;
    if !a.quiet {
        eprintln!();
    }
    println!(
        "sent {} frames, {:.1} s of log in {:.1} s",
        sent.frames,
        sent.log_us as f64 / 1e6,
        sent.wall.as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

struct Pacing {
    from_us: u64,
    to_us: u64,
    speed: f64,
    skip_gaps: bool,
    quiet: bool,
}

struct Sent {
    frames: u64,
    log_us: u64,
    wall: Duration,
}

async fn stream(data: &[u8], index: &TlogIndex, spec: LinkSpec, p: Pacing) -> Result<Sent> {
    let (ev_tx, mut ev_rx) = tokio::sync::mpsc::channel(64);
    let handle = link::spawn(0, spec.clone(), ev_tx);
    // Wait for the link to come up (a serial port or TCP peer may take a moment).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        match tokio::time::timeout_at(deadline, ev_rx.recv()).await {
            Ok(Some(LinkEvent::State {
                state: LinkState::Up { .. },
                ..
            })) => break,
            Ok(Some(LinkEvent::State {
                state: LinkState::Down { reason, .. },
                ..
            })) => bail!("{spec}: {reason}"),
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => bail!("{spec}: the link did not come up within 10 s"),
        }
    }
    // Frames from the other side (its heartbeats) are read and dropped.
    let drain = tokio::spawn(async move { while ev_rx.recv().await.is_some() {} });
    let start = index
        .mark_before(p.from_us)
        .map_or(0, |m| m.offset as usize);
    let wall0 = Instant::now();
    let mut prev_us = index.mark_before(p.from_us).map_or(0, |m| m.t_us);
    // Log time that playback has skipped (silences), so pacing continues after them.
    let mut skipped_us = 0u64;
    let mut last_us = p.from_us;
    let mut frames = 0u64;
    let mut shown = Instant::now();
    for rec in TlogReader::at(data, start) {
        let t_us = monotonic_us(prev_us, rec.t_us);
        prev_us = t_us;
        if t_us < p.from_us {
            continue;
        }
        if t_us > p.to_us {
            break;
        }
        if p.skip_gaps && t_us > last_us + GAP_SKIP_US {
            skipped_us += t_us - last_us - GAP_SKIP_US / 10;
        }
        last_us = t_us;
        let log_elapsed_us = (t_us - p.from_us).saturating_sub(skipped_us);
        let due = wall0 + Duration::from_secs_f64(log_elapsed_us as f64 / 1e6 / p.speed);
        tokio::time::sleep_until(due.into()).await;
        if handle.tx.send(rec.frame.to_vec()).await.is_err() {
            bail!("{spec}: the link closed");
        }
        frames += 1;
        if !p.quiet && shown.elapsed() >= Duration::from_millis(500) {
            shown = Instant::now();
            eprint!(
                "\r{} / {}  x{}  {frames} frames ",
                clock(t_us - index.start_us),
                clock(index.duration_us()),
                p.speed
            );
        }
    }
    // Let the link write what is queued before closing it.
    for _ in 0..50 {
        if handle.tx.capacity() == handle.tx.max_capacity() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    handle.close();
    drain.abort();
    Ok(Sent {
        frames,
        log_us: last_us.saturating_sub(p.from_us),
        wall: wall0.elapsed(),
    })
}
