//! Demo (being wired to the simulator).
use anyhow::Result;
use std::process::ExitCode;
/// Runs the demo.
pub fn run(_demo: bool) -> Result<ExitCode> {
    anyhow::bail!("not wired yet")
}
