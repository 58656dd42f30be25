//! `steppe sim` (being wired to the simulator).
use anyhow::Result;
use clap::Args;
use std::process::ExitCode;
/// Arguments of `steppe sim`.
#[derive(Debug, Args)]
pub struct SimArgs {}
/// Runs `steppe sim`.
pub fn run(_a: SimArgs) -> Result<ExitCode> {
    anyhow::bail!("not wired yet")
}
