//! `steppe proxy`: a lossy-link UDP proxy between a ground station and a vehicle (or the
//! simulator), for testing how a ground station copes with a bad radio: loss, duplication,
//! reordering, jitter and a baud cap, the same in both directions.

use super::record::install_ctrl_c;
use crate::link::LinkSpec;
use crate::link::proxy::{ProxyConfig, ProxyStatus, spawn};
use crate::sim::faults::Faults;
use anyhow::Result;
use clap::Args;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Arguments of `steppe proxy`.
#[derive(Debug, Clone, Args)]
pub struct ProxyArgs {
    /// Where the ground station connects (udpin:ADDR:PORT, or udpout:HOST:PORT to a ground
    /// station that listens).
    #[arg(long, value_name = "udpin:ADDR:PORT")]
    pub listen: LinkSpec,
    /// The vehicle or simulator (udpout:HOST:PORT, or udpin:ADDR:PORT for one that sends to
    /// us, as SITL does).
    #[arg(long, value_name = "udpout:HOST:PORT")]
    pub to: LinkSpec,
    /// Faults on the link, both directions.
    #[command(flatten)]
    pub faults: super::common::FaultArgs,
    /// Seed of the fault randomness (the same seed repeats the same pattern of faults for the
    /// same traffic).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Stop after this many seconds (default: until Ctrl-C).
    #[arg(long, value_name = "S", value_parser = super::common::seconds)]
    pub duration: Option<f64>,
}

/// The proxy configuration for these arguments.
pub fn proxy_config(a: &ProxyArgs) -> ProxyConfig {
    let f = a.faults.faults();
    ProxyConfig {
        gcs_side: a.listen.clone(),
        vehicle_side: a.to.clone(),
        to_vehicle: f,
        to_gcs: f,
        seed: a.seed,
    }
}

fn describe(f: &Faults) -> String {
    if f.is_clean() {
        return "none".into();
    }
    let baud = f
        .baud
        .map_or("no baud cap".to_owned(), |b| format!("{b} baud"));
    format!(
        "loss {}%, duplication {}%, reordering {}%, jitter 0–{} ms, {baud}",
        f.loss_pct, f.duplicate_pct, f.reorder_pct, f.jitter_ms
    )
}

fn status_line(s: &ProxyStatus) -> String {
    format!(
        "to vehicle: {} in, {} delivered, {} lost, {} overflowed, {} duplicated | to ground station: {} in, {} delivered, {} lost, {} overflowed, {} duplicated",
        s.to_vehicle.offered,
        s.delivered_to_vehicle,
        s.to_vehicle.lost,
        s.to_vehicle.overflowed,
        s.to_vehicle.duplicated,
        s.to_gcs.offered,
        s.delivered_to_gcs,
        s.to_gcs.lost,
        s.to_gcs.overflowed,
        s.to_gcs.duplicated
    )
}

/// Runs `steppe proxy`.
pub fn run(a: ProxyArgs) -> Result<ExitCode> {
    let cfg = proxy_config(&a);
    let stop = Arc::new(AtomicBool::new(false));
    install_ctrl_c(Arc::clone(&stop));
    let faults = describe(&cfg.to_vehicle);
    let h = spawn(cfg)?;
    println!(
        "steppe proxy: ground station side {} ({}), vehicle side {} ({}); faults each way: {faults}; Ctrl-C to stop",
        h.gcs_addr(),
        a.listen,
        h.vehicle_addr(),
        a.to
    );
    let end = a
        .duration
        .map(|d| Instant::now() + Duration::from_secs_f64(d.max(0.0)));
    let mut next = Instant::now() + Duration::from_secs(5);
    while !stop.load(Ordering::Relaxed) && end.is_none_or(|e| Instant::now() < e) && h.is_running()
    {
        if Instant::now() >= next {
            next += Duration::from_secs(5);
            println!("{}", status_line(&h.status()));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let last = h.status();
    h.stop();
    println!("{}", status_line(&last));
    Ok(ExitCode::SUCCESS)
}
