//! The Settings view's signing section, without egui: the key in use, how it was chosen
//! (a key file, a passphrase turned at once into a key file, a new random key), turning
//! signing on and off and strict, and giving a vehicle the key. Every change that alters what
//! the engine does queues a [`UiCommand::SetSigning`]; the settings keep only whether signing
//! is on, strict, and the key file's path. The passphrase is wiped as soon as it made a key.

use crate::protocol::signing::{SigningConfig, SigningKey};
use crate::runtime::RequestId;
use crate::runtime::keys::{random_key, read_key_file, write_key_file};
use crate::ui::i18n::{tr, trf};
use crate::ui::model::{UiCommand, UiModel, severity, vehicle_label};
use crate::vehicle::VehicleId;
use std::path::{Path, PathBuf};

/// The name of the key file the app writes in the settings folder.
pub const KEY_FILE_NAME: &str = "signing.key";

/// Text the operator types that must not be kept or shown: `Debug` prints no contents, and
/// clearing or dropping it overwrites its bytes (copies made while the text grew are freed
/// by the allocator, not wiped).
#[derive(Clone, Default)]
pub struct Secret(String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret({} chars)", self.0.chars().count())
    }
}

impl Secret {
    /// The text, for the password field to edit.
    pub fn text_mut(&mut self) -> &mut String {
        &mut self.0
    }

    /// The text, to turn it into a key.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether nothing is typed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Overwrites the text's whole buffer with zeros and empties it.
    pub fn clear(&mut self) {
        let mut bytes = std::mem::take(&mut self.0).into_bytes();
        let capacity = bytes.capacity();
        bytes.clear();
        bytes.resize(capacity, 0);
        std::hint::black_box(&bytes);
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.clear();
    }
}

/// What the last key change did, worded when drawn (so in the language shown then).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyNote {
    /// A key was made (from the passphrase, or at random) and saved.
    Made {
        /// From the passphrase (else random).
        from_passphrase: bool,
        /// The key's id.
        id: String,
        /// Where it was saved.
        path: PathBuf,
    },
    /// A key file was loaded.
    Loaded {
        /// The key's id.
        id: String,
        /// The file.
        path: PathBuf,
    },
    /// A key could not be made, saved or loaded: why.
    Failed(String),
    /// The run started unsigned although the settings sign (the demo: its simulated
    /// vehicles have no key).
    StartedUnsigned,
}

impl KeyNote {
    /// The note in the UI language, and whether it reports success (`None`: neither).
    pub fn words(&self) -> (String, Option<bool>) {
        match self {
            KeyNote::Made {
                from_passphrase,
                id,
                path,
            } => {
                let what = if *from_passphrase {
                    tr("Key made from the passphrase")
                } else {
                    tr("New random key")
                };
                let text = trf(
                    "{what}: id {id}, saved to {path} (readable by you only)",
                    &[
                        ("what", what.to_owned()),
                        ("id", id.clone()),
                        ("path", path.display().to_string()),
                    ],
                );
                (text, Some(true))
            }
            KeyNote::Loaded { id, path } => (
                trf(
                    "Key {id} loaded from {path}",
                    &[("id", id.clone()), ("path", path.display().to_string())],
                ),
                Some(true),
            ),
            KeyNote::Failed(e) => (e.clone(), Some(false)),
            KeyNote::StartedUnsigned => (
                tr("The demo starts unsigned: its simulated vehicles have no key. Tick “Sign MAVLink 2 frames” to sign, then send the key to a landed vehicle.").to_owned(),
                None,
            ),
        }
    }
}

/// The signing section's state.
#[derive(Debug, Clone, Default)]
pub struct SigningModel {
    /// The key loaded (from the settings' key file, made here, or given on the command line).
    /// Only its id is ever shown.
    pub key: Option<SigningKey>,
    /// What the engine was last told to sign with (`None`: unsigned).
    pub active: Option<SigningConfig>,
    /// Why the key and on/off controls are locked for this run (signing given on the command
    /// line), if they are.
    pub locked: Option<String>,
    /// The folder new key files are written to (the settings folder).
    pub key_dir: Option<PathBuf>,
    /// The passphrase being typed; wiped as soon as it has made a key.
    pub passphrase: Secret,
    /// The key file path being typed.
    pub key_path: String,
    /// The outcome of the last key change, shown in the section.
    pub note: Option<KeyNote>,
    /// "Generate new key" was pressed while a key is loaded: the replacement waits for a
    /// second confirmation.
    pub confirm_generate: bool,
    /// Key set-ups sent to vehicles (their progress is in the model's operations).
    pub setups: Vec<RequestId>,
}

impl SigningModel {
    /// The key's id (safe to show), if a key is loaded.
    pub fn key_id(&self) -> Option<String> {
        self.key.as_ref().map(SigningKey::fingerprint)
    }
}

/// Tells the engine what the settings and the loaded key now say, if that differs from what
/// it was last told.
pub fn apply(m: &mut UiModel) {
    if m.signing.locked.is_some() {
        return;
    }
    let s = &m.settings.signing;
    let wanted = match (&m.signing.key, s.enabled) {
        (Some(key), true) => Some(SigningConfig {
            key: key.clone(),
            strict: s.strict,
        }),
        _ => None,
    };
    if wanted != m.signing.active {
        if m.signing.note == Some(KeyNote::StartedUnsigned) {
            m.signing.note = None;
        }
        m.signing.active.clone_from(&wanted);
        m.send(UiCommand::SetSigning(wanted));
    }
}

/// Turns signing on or off (on needs a key).
pub fn set_enabled(m: &mut UiModel, on: bool) {
    m.settings.signing.enabled = on && m.signing.key.is_some();
    apply(m);
}

/// Sets strict mode (ignore frames that are not correctly signed).
pub fn set_strict(m: &mut UiModel, strict: bool) {
    m.settings.signing.strict = strict;
    apply(m);
}

/// Turns the typed passphrase into a key (SHA-256, as MAVProxy does), wipes the passphrase,
/// saves the key as the settings folder's key file and signs with it.
pub fn use_passphrase(m: &mut UiModel) {
    let key = SigningKey::from_passphrase(m.signing.passphrase.expose());
    m.signing.passphrase.clear();
    match key {
        Ok(k) => save_and_use(m, k, true),
        Err(e) => m.signing.note = Some(KeyNote::Failed(e.to_string())),
    }
}

/// Makes a random key, saves it as the settings folder's key file and signs with it. While a
/// key is loaded the first call only asks for confirmation (the vehicles hold the old key).
pub fn generate(m: &mut UiModel, confirmed: bool) {
    if m.signing.key.is_some() && !confirmed {
        m.signing.confirm_generate = true;
        return;
    }
    m.signing.confirm_generate = false;
    match random_key() {
        Ok(k) => save_and_use(m, k, false),
        Err(e) => m.signing.note = Some(KeyNote::Failed(e.to_string())),
    }
}

fn save_and_use(m: &mut UiModel, key: SigningKey, from_passphrase: bool) {
    let Some(dir) = m.signing.key_dir.clone() else {
        let why = tr("No settings folder (set STEPPE_CONFIG_DIR or HOME): the key cannot be saved");
        m.signing.note = Some(KeyNote::Failed(why.to_owned()));
        return;
    };
    let path = dir.join(KEY_FILE_NAME);
    let saved = std::fs::create_dir_all(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))
        .and_then(|()| write_key_file(&path, &key, true).map_err(|e| e.to_string()));
    match saved {
        Ok(()) => {
            let note = KeyNote::Made {
                from_passphrase,
                id: key.fingerprint(),
                path: path.clone(),
            };
            adopt(m, key, path, note);
        }
        Err(e) => m.signing.note = Some(KeyNote::Failed(e)),
    }
}

/// Loads a key file (refused, with the reason, when other users can read it) and signs with
/// it.
pub fn load_key_file(m: &mut UiModel, path: &Path) {
    match read_key_file(path) {
        Ok(key) => {
            let note = KeyNote::Loaded {
                id: key.fingerprint(),
                path: path.to_owned(),
            };
            adopt(m, key, path.to_owned(), note);
        }
        Err(e) => {
            let e = e.to_string();
            m.push_log(None, severity::WARNING, e.clone());
            m.signing.note = Some(KeyNote::Failed(e));
        }
    }
}

/// Uses `key` from `path` from now on: kept in the settings (the path), signing on.
fn adopt(m: &mut UiModel, key: SigningKey, path: PathBuf, note: KeyNote) {
    m.signing.key = Some(key);
    m.signing.key_path = path.display().to_string();
    m.settings.signing.key_file = Some(path);
    m.settings.signing.enabled = true;
    m.signing.note = Some(note);
    apply(m);
}

/// Asks to give `target` the key in use (SETUP_SIGNING), warning that the key travels in
/// clear and that the vehicle must be disarmed.
pub fn ask_send_key(m: &mut UiModel, target: VehicleId) {
    let Some(key) = m.signing.active.as_ref().map(|c| c.key.clone()) else {
        return;
    };
    let detail = trf(
        "The key (id {id}) travels in clear: send it only over a link you trust, such as USB or a radio on the bench, never in the field. The vehicle must be disarmed. From then on it signs everything and ignores commands that are not signed with this key.",
        &[("id", key.fingerprint())],
    );
    m.ask(
        trf(
            "Send the signing key to vehicle {id}?",
            &[("id", vehicle_label(target))],
        ),
        detail,
        tr("Send key").to_owned(),
        vec![UiCommand::SetupSigning {
            target,
            key: Some(key),
        }],
    );
}

/// Asks to turn `target`'s signing off (SETUP_SIGNING with an empty key, signed with ours).
pub fn ask_vehicle_off(m: &mut UiModel, target: VehicleId) {
    m.ask(
        trf(
            "Turn signing off on vehicle {id}?",
            &[("id", vehicle_label(target))],
        ),
        tr("The vehicle will accept unsigned commands again, from any ground station that reaches it. The vehicle must be disarmed, and this ground station must sign with the vehicle's key for it to listen.").to_owned(),
        tr("Turn signing off").to_owned(),
        vec![UiCommand::SetupSigning { target, key: None }],
    );
}

#[cfg(test)]
#[path = "signing_tests.rs"]
mod tests;
