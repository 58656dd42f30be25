//! The app's side of MAVLink 2 signing: how a run starts (the settings' key file, a key
//! given on the command line, or unsigned for the demo), and the signing section's commands
//! becoming engine requests.

use super::AppCore;
use crate::protocol::signing::SigningConfig;
use crate::runtime::keys::read_key_file;
use crate::runtime::{Request, RequestId};
use crate::ui::i18n::{tr, trf};
use crate::ui::model::{Operation, UiCommand, severity, vehicle_label};
use crate::ui::settings::SigningSettings;
use crate::ui::signing::{KeyNote, SigningModel};
use std::path::PathBuf;

/// Where a run's signing comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SigningStart {
    /// The settings: their key file, when signing is on there.
    #[default]
    Settings,
    /// A key given on the command line for this run. It overrides the settings, which are
    /// left as they are for the next run; the section's key controls are locked.
    CommandLine(SigningConfig),
    /// Unsigned whatever the settings say (the demo without a key, whose simulated vehicles
    /// have none); the settings' key is loaded, to be turned on in the section.
    Unsigned,
}

/// What a run starts with: the engine's signing, the section's state, and a warning for the
/// messages when the settings ask for signing but their key file cannot be used (the run
/// then starts unsigned).
pub fn start_signing(
    settings: &SigningSettings,
    start: &SigningStart,
    key_dir: Option<PathBuf>,
) -> (Option<SigningConfig>, SigningModel, Option<String>) {
    let mut model = SigningModel {
        key_dir,
        ..SigningModel::default()
    };
    if let SigningStart::CommandLine(cfg) = start {
        model.key = Some(cfg.key.clone());
        model.active = Some(cfg.clone());
        model.locked = Some(trf(
            "Signing was set on the command line for this run (key id {id}{strict}); the settings here apply from the next start.",
            &[
                ("id", cfg.key.fingerprint()),
                (
                    "strict",
                    if cfg.strict {
                        format!(", {}", tr("strict"))
                    } else {
                        String::new()
                    },
                ),
            ],
        ));
        return (Some(cfg.clone()), model, None);
    }
    let wanted = settings.enabled && *start == SigningStart::Settings;
    let mut warning = None;
    match &settings.key_file {
        Some(path) => {
            model.key_path = path.display().to_string();
            match read_key_file(path) {
                Ok(key) => model.key = Some(key),
                Err(e) => {
                    let e = e.to_string();
                    if wanted {
                        warning = Some(trf("Signing is off: {e}", &[("e", e.clone())]));
                    }
                    model.note = Some(KeyNote::Failed(e));
                }
            }
        }
        None if wanted => {
            warning = Some(tr("Signing is off: no key file is set in the settings").to_owned());
        }
        None => {}
    }
    if settings.enabled && *start == SigningStart::Unsigned && model.note.is_none() {
        model.note = Some(KeyNote::StartedUnsigned);
    }
    let cfg = model
        .key
        .as_ref()
        .filter(|_| wanted)
        .map(|k| SigningConfig {
            key: k.clone(),
            strict: settings.strict,
        });
    model.active.clone_from(&cfg);
    (cfg, model, warning)
}

/// Words for a signing change, for the messages.
fn change_words(cfg: Option<&SigningConfig>) -> String {
    match cfg {
        Some(c) if c.strict => trf(
            "Signing on with key {id}, strict: frames not signed with it are ignored",
            &[("id", c.key.fingerprint())],
        ),
        Some(c) => trf(
            "Signing on with key {id}: frames not signed with it are counted and flagged",
            &[("id", c.key.fingerprint())],
        ),
        None => tr("Signing off").to_owned(),
    }
}

impl AppCore {
    /// Handles a command of the signing section.
    pub(super) fn dispatch_signing(&mut self, id: RequestId, cmd: UiCommand) {
        match cmd {
            UiCommand::SetSigning(cfg) => {
                let words = change_words(cfg.as_ref());
                if self.send(Request::SetSigning(cfg.clone())) {
                    self.model.push_log(None, severity::NOTICE, words);
                } else {
                    // Sent again on the next frames, so the engine ends up as the panel says.
                    self.signing_unsent = Some(cfg);
                }
            }
            UiCommand::SetupSigning { target, key } => {
                let who = vehicle_label(target);
                let label = match &key {
                    Some(k) => trf(
                        "Send signing key {key} · {id}",
                        &[("key", k.fingerprint()), ("id", who)],
                    ),
                    None => trf("Turn signing off · {id}", &[("id", who)]),
                };
                if self.send(Request::SetupSigning { id, target, key }) {
                    self.track(Operation::started(id, target, label, None));
                    let ops = &self.model.ops;
                    self.model
                        .signing
                        .setups
                        .retain(|s| ops.iter().any(|o| o.id == *s));
                    self.model.signing.setups.push(id);
                }
            }
            _ => {}
        }
    }

    /// Sends a signing change the engine could not take earlier.
    pub(super) fn resend_signing(&mut self) {
        let (Some(cfg), Some(b)) = (self.signing_unsent.take(), &self.backend) else {
            return;
        };
        if b.send(Request::SetSigning(cfg.clone())).is_ok() {
            let words = change_words(cfg.as_ref());
            self.model.push_log(None, severity::NOTICE, words);
        } else {
            self.signing_unsent = Some(cfg);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::signing::SigningKey;
    use crate::runtime::keys::write_key_file;

    fn key_file(dir: &std::path::Path, pass: &str) -> (PathBuf, SigningKey) {
        let path = dir.join("signing.key");
        let key = SigningKey::from_passphrase(pass).expect("key");
        write_key_file(&path, &key, true).expect("write");
        (path, key)
    }

    #[test]
    fn the_settings_key_file_signs_from_the_start() {
        let dir = crate::test_support::temp_dir("app-signing-start");
        let (path, key) = key_file(&dir, "correct horse");
        let s = SigningSettings {
            enabled: true,
            strict: true,
            key_file: Some(path),
        };
        let (cfg, model, warning) = start_signing(&s, &SigningStart::Settings, None);
        let cfg = cfg.expect("signing");
        assert_eq!(cfg.key, key);
        assert!(cfg.strict);
        assert_eq!(model.active, Some(cfg));
        assert!(warning.is_none());
        // Off in the settings: the key is loaded for the section, nothing is signed.
        let off = SigningSettings {
            enabled: false,
            ..s.clone()
        };
        let (cfg, model, warning) = start_signing(&off, &SigningStart::Settings, None);
        assert!(cfg.is_none() && warning.is_none());
        assert_eq!(model.key, Some(key.clone()));
        // The demo stays unsigned whatever the settings say.
        let (cfg, model, _) = start_signing(&s, &SigningStart::Unsigned, None);
        assert!(cfg.is_none() && model.active.is_none());
        assert_eq!(model.key, Some(key));
        assert_eq!(model.note, Some(KeyNote::StartedUnsigned), "and says so");
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_others_can_read_starts_unsigned_with_a_warning() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = crate::test_support::temp_dir("app-signing-open");
        let (path, _) = key_file(&dir, "correct horse");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let s = SigningSettings {
            enabled: true,
            strict: false,
            key_file: Some(path.clone()),
        };
        let (cfg, model, warning) = start_signing(&s, &SigningStart::Settings, None);
        assert!(cfg.is_none() && model.key.is_none() && model.active.is_none());
        let w = warning.expect("a warning");
        assert!(
            w.starts_with("Signing is off")
                && w.contains("other users")
                && w.contains(&format!("chmod 600 {}", path.display())),
            "{w}"
        );
    }

    #[test]
    fn a_command_line_key_overrides_the_settings_and_locks_the_section() {
        let key = SigningKey::from_passphrase("from the shell").expect("key");
        let cfg = SigningConfig {
            key: key.clone(),
            strict: true,
        };
        let s = SigningSettings::default();
        let (got, model, warning) =
            start_signing(&s, &SigningStart::CommandLine(cfg.clone()), None);
        assert_eq!(got, Some(cfg));
        assert!(warning.is_none());
        let why = model.locked.expect("locked");
        assert!(why.contains(&key.fingerprint()), "{why}");
        assert!(!why.contains(&key.to_hex()), "the key is never shown");
    }
}
