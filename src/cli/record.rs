//! `steppe record`: record every frame heard and sent on the links to a .tlog (the engine also
//! sends its heartbeat and asks new vehicles for telemetry, like any ground station).

use super::common::connect;
use crate::runtime::Event;
use anyhow::{Result, bail};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Arguments of `steppe record`.
#[derive(Debug, Args)]
pub struct RecordArgs {
    /// Connection(s) to record.
    #[arg(long = "link", value_name = "URL", required = true)]
    links: Vec<crate::link::LinkSpec>,
    /// Output .tlog file (appended to if it exists).
    #[arg(short = 'o', long = "output")]
    output: PathBuf,
    /// Stop after this many seconds (default: until Ctrl-C).
    #[arg(long, value_name = "S", value_parser = super::common::seconds)]
    duration: Option<f64>,
    /// MAVLink 2 signing.
    #[command(flatten)]
    signing: super::signing::SigningArgs,
}

/// Runs `steppe record`.
pub fn run(a: RecordArgs) -> Result<ExitCode> {
    let stop = Arc::new(AtomicBool::new(false));
    install_ctrl_c(Arc::clone(&stop));
    let mut h = connect(&a.links, Some(a.output.clone()), a.signing.config()?)?;
    let end = a
        .duration
        .map(|d| Instant::now() + Duration::from_secs_f64(d.max(0.0)));
    while !stop.load(Ordering::Relaxed) && end.is_none_or(|e| Instant::now() < e) {
        if let Some(Event::Recorder(st)) = h.wait_event(Duration::from_millis(200))
            && let Some(err) = st.error
        {
            bail!("{err}");
        }
    }
    h.shutdown();
    let mut status = None;
    while let Some(ev) = h.try_event() {
        if let Event::Recorder(st) = ev {
            status = Some(st);
        }
    }
    match status {
        Some(st) if st.error.is_some() => bail!("{}", st.error.unwrap_or_default()),
        Some(st) => {
            println!(
                "recorded {} frames ({} bytes) to {}",
                st.records,
                st.bytes,
                st.path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        None => bail!("nothing was recorded to {}", a.output.display()),
    }
}

/// Sets `stop` on Ctrl-C (SIGINT) so recordings end cleanly.
pub(super) fn install_ctrl_c(stop: Arc<AtomicBool>) {
    let _ = std::thread::Builder::new()
        .name("ctrl-c".into())
        .spawn(move || {
            if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                rt.block_on(async {
                    let _ = tokio::signal::ctrl_c().await;
                });
                stop.store(true, Ordering::Relaxed);
            }
        });
}
