//! Serial link (telemetry radio): `serial:PATH:BAUD`, where PATH may be a glob. When the port
//! disappears (USB cable pulled) the link retries with capped backoff and reopens the first
//! path matching the glob, which may be a new name (ttyUSB0 became ttyUSB1).

use super::backoff::Backoff;
use super::{Ended, LinkCtx, LinkState, pump, wait_down};
use tokio::sync::mpsc;
use tokio_serial::SerialPortBuilderExt;

/// The first existing path matching `pattern` (sorted), or the pattern itself if it has no
/// glob characters.
pub(crate) fn resolve(pattern: &str) -> Result<String, String> {
    if !pattern.contains(['*', '?', '[']) {
        return Ok(pattern.to_owned());
    }
    let paths = glob::glob(pattern).map_err(|e| format!("bad pattern '{pattern}': {e}"))?;
    let mut found: Vec<String> = paths
        .flatten()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    found.sort();
    found
        .into_iter()
        .next()
        .ok_or_else(|| format!("no device matches {pattern}"))
}

/// Runs until the engine drops the link.
pub(super) async fn run(
    mut ctx: LinkCtx,
    pattern: String,
    baud: u32,
    mut rx: mpsc::Receiver<Vec<u8>>,
) {
    let mut backoff = Backoff::default();
    loop {
        if !ctx.state(LinkState::Connecting).await {
            return;
        }
        let opened = resolve(&pattern).and_then(|path| {
            tokio_serial::new(&path, baud)
                .open_native_async()
                .map(|port| (path.clone(), port))
                .map_err(|e| format!("cannot open {path} at {baud} baud: {e}"))
        });
        let reason = match opened {
            Ok((path, mut port)) => {
                if !ctx
                    .state(LinkState::Up {
                        detail: format!("{path} at {baud} baud"),
                        local: None,
                    })
                    .await
                {
                    return;
                }
                backoff.reset();
                match pump(
                    &mut ctx,
                    &mut port,
                    &mut rx,
                    &format!("{path} (cable pulled?)"),
                )
                .await
                {
                    Ended::Stop => return,
                    Ended::Failed(reason) => reason,
                }
            }
            Err(reason) => reason,
        };
        if !wait_down(&ctx, reason, &mut backoff, &mut rx).await {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_globs_to_the_first_sorted_match() {
        let dir = std::env::temp_dir().join(format!("steppe-glob-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        for n in ["ttyUSB1", "ttyUSB0", "ttyACM0"] {
            std::fs::write(dir.join(n), b"").expect("file");
        }
        let pat = format!("{}/ttyUSB*", dir.display());
        assert_eq!(resolve(&pat), Ok(format!("{}/ttyUSB0", dir.display())));
        let none = format!("{}/ttyXYZ*", dir.display());
        assert!(resolve(&none).unwrap_err().contains("no device matches"));
        assert_eq!(resolve("/dev/ttyS0"), Ok("/dev/ttyS0".into()));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
