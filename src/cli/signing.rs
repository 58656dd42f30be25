//! MAVLink 2 signing from the command line: the options every live command takes
//! (`--signing-key`, `--signing-passphrase-env`, `--signing-strict`) and `steppe signing`
//! (make a key file, show a key's id, give a vehicle a key or take it away).

use super::common::{LinkArgs, find_vehicle};
use crate::protocol::signing::{SigningConfig, SigningKey};
use crate::runtime::keys::{KeyFileError, random_key, read_key_file, write_key_file};
use crate::runtime::{Event, Request};
use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// MAVLink 2 signing of a live session.
#[derive(Debug, Clone, Default, Args)]
pub struct SigningArgs {
    /// Sign with the key in FILE (64 hexadecimal digits, as `steppe signing keygen` writes;
    /// the file must be readable by its owner only).
    #[arg(long, value_name = "FILE", conflicts_with = "signing_passphrase_env")]
    pub signing_key: Option<PathBuf>,
    /// Sign with the key made from the passphrase held in environment variable VAR
    /// (SHA-256 of it, as MAVProxy's `signing setup` does). A passphrase is never taken on the
    /// command line, where other users and the shell history would see it.
    #[arg(long, value_name = "VAR")]
    pub signing_passphrase_env: Option<String>,
    /// Ignore frames that are not correctly signed (RADIO_STATUS excepted) instead of
    /// accepting and flagging them.
    #[arg(long)]
    pub signing_strict: bool,
}

impl SigningArgs {
    /// The key the options name, if any.
    pub fn key(&self) -> Result<Option<SigningKey>> {
        if let Some(path) = &self.signing_key {
            return Ok(Some(read_key_file(path)?));
        }
        if let Some(var) = &self.signing_passphrase_env {
            let pass = std::env::var(var).with_context(|| {
                format!("--signing-passphrase-env {var}: the environment variable is not set (or not UTF-8)")
            })?;
            let key = SigningKey::from_passphrase(&pass)
                .with_context(|| format!("--signing-passphrase-env {var}"))?;
            return Ok(Some(key));
        }
        Ok(None)
    }

    /// The engine's signing configuration.
    pub fn config(&self) -> Result<Option<SigningConfig>> {
        let key = self.key()?;
        if self.signing_strict && key.is_none() {
            bail!(
                "--signing-strict needs a key: --signing-key FILE or --signing-passphrase-env VAR"
            );
        }
        Ok(key.map(|key| SigningConfig {
            key,
            strict: self.signing_strict,
        }))
    }
}

/// `steppe signing` subcommands.
#[derive(Debug, Subcommand)]
pub enum SigningCmd {
    /// Make a new random key file (owner-only permissions) and print its id.
    Keygen {
        /// The key file to write.
        file: PathBuf,
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Print the id of a key (to compare keys between machines without showing them).
    Id {
        #[command(flatten)]
        signing: SigningArgs,
    },
    /// Give a vehicle the key (SETUP_SIGNING; use a link you trust, e.g. USB, since the key
    /// travels in clear), then wait until its frames arrive signed with it.
    Setup {
        #[command(flatten)]
        link: LinkArgs,
    },
    /// Turn a vehicle's signing off (SETUP_SIGNING with an empty key, signed with the current
    /// key), then wait until its frames arrive unsigned.
    Off {
        #[command(flatten)]
        link: LinkArgs,
    },
}

/// Runs `steppe signing`.
pub fn run(cmd: SigningCmd) -> Result<ExitCode> {
    match cmd {
        SigningCmd::Keygen { file, force } => {
            let key = random_key()?;
            write_key_file(&file, &key, force).map_err(|e| match e {
                KeyFileError::Exists { .. } => anyhow::anyhow!("{e} (use --force to replace it)"),
                other => other.into(),
            })?;
            println!(
                "wrote a new signing key to {} (id {}, readable by you only)",
                file.display(),
                key.fingerprint()
            );
            Ok(ExitCode::SUCCESS)
        }
        SigningCmd::Id { signing } => match signing.key()? {
            Some(k) => {
                println!("{}", k.fingerprint());
                Ok(ExitCode::SUCCESS)
            }
            None => bail!("give a key: --signing-key FILE or --signing-passphrase-env VAR"),
        },
        SigningCmd::Setup { link } => setup(&link, true),
        SigningCmd::Off { link } => setup(&link, false),
    }
}

fn setup(link: &LinkArgs, on: bool) -> Result<ExitCode> {
    let Some(cfg) = link.signing.config()? else {
        bail!("give the key: --signing-key FILE or --signing-passphrase-env VAR");
    };
    let fingerprint = cfg.key.fingerprint();
    let key = on.then(|| cfg.key.clone());
    let mut h = super::common::connect(&link.links, None, Some(cfg))?;
    let target = find_vehicle(&mut h, link.sysid, link.timeout)?;
    let id = h.next_id();
    h.send(Request::SetupSigning { id, target, key })?;
    let end = Instant::now() + Duration::from_secs(30);
    while Instant::now() < end {
        match h.wait_event(Duration::from_millis(200)) {
            Some(Event::SigningSetupDone { id: got, result }) if got == id => {
                h.shutdown();
                result?;
                if on {
                    println!("vehicle {target} now signs with key {fingerprint}");
                } else {
                    println!("vehicle {target} no longer signs");
                }
                return Ok(ExitCode::SUCCESS);
            }
            Some(Event::Warning(w)) => eprintln!("warning: {w}"),
            _ => {}
        }
    }
    h.shutdown();
    bail!("no answer from the engine within 30 s")
}
