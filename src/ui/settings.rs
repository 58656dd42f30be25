//! Settings kept between runs: links, map source, units, language, theme, UI scale, alert
//! thresholds, the pre-flight checklist and signing (its key file's path, never the key). Stored as JSON in the user's config folder
//! (`$STEPPE_CONFIG_DIR`, else `$XDG_CONFIG_HOME/steppe`, else `~/.config/steppe`), written
//! atomically with owner-only permissions. A missing file gives the defaults; a broken one
//! gives the defaults and a message saying what was wrong (the file is kept aside, not lost).

use super::i18n::Language;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Colour scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Theme {
    /// Light, high-contrast, large text: readable in sunlight.
    #[default]
    Daylight,
    /// Dark, for a tent or the evening.
    Dark,
}

/// Units for distances, altitudes and speeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Units {
    /// Metres, m/s.
    #[default]
    Metric,
    /// Feet, knots.
    Imperial,
}

/// A tile server the user configured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomSource {
    /// Name shown in the menu.
    pub name: String,
    /// URL template with `{z}`, `{x}`, `{y}`.
    pub url: String,
}

/// Which background the map draws.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum MapBackground {
    /// No tiles: neutral background with graticule (always works).
    None,
    /// OpenStreetMap's public tile server (online, cached on disk).
    #[default]
    OpenStreetMap,
    /// A user-configured online source, by index into [`MapSettings::custom`].
    Custom(usize),
    /// An offline tile set: XYZ folder, .mbtiles or .pmtiles file.
    Offline(PathBuf),
}

/// Map settings.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct MapSettings {
    /// The background.
    pub background: MapBackground,
    /// User-configured online sources (e.g. a satellite source).
    pub custom: Vec<CustomSource>,
}

/// MAVLink 2 signing as kept between runs: whether to sign, how strictly, and where the key
/// file is. The key itself is never stored here (nor the passphrase it came from).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SigningSettings {
    /// Sign outgoing frames and check incoming ones.
    pub enabled: bool,
    /// Ignore frames that are not correctly signed instead of flagging them.
    pub strict: bool,
    /// The key file (owner-only permissions).
    pub key_file: Option<PathBuf>,
}

/// One pre-flight checklist entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistItem {
    /// What to check.
    pub text: String,
    /// Ticked (reset for each flight).
    #[serde(skip)]
    pub done: bool,
}

/// All settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// UI language.
    pub language: Language,
    /// Colour scheme.
    pub theme: Theme,
    /// UI scale factor (1.0 = normal).
    pub ui_scale: f32,
    /// Units.
    pub units: Units,
    /// Links opened at start (connection strings).
    pub links: Vec<String>,
    /// Map.
    pub map: MapSettings,
    /// Battery percentage that raises a warning.
    pub battery_warn_pct: f64,
    /// Battery percentage that raises a critical alert.
    pub battery_critical_pct: f64,
    /// Play alert tones.
    pub sound: bool,
    /// The team's pre-flight checklist.
    pub checklist: Vec<ChecklistItem>,
    /// Where onboard logs are downloaded to.
    pub log_folder: String,
    /// MAVLink 2 signing (no secrets: the key stays in its own file).
    pub signing: SigningSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            language: Language::English,
            theme: Theme::Daylight,
            ui_scale: 1.25,
            units: Units::Metric,
            links: vec!["udpin:0.0.0.0:14550".to_owned()],
            map: MapSettings::default(),
            battery_warn_pct: 30.0,
            battery_critical_pct: 15.0,
            sound: true,
            checklist: default_checklist(),
            log_folder: super::logs::default_folder(),
            signing: SigningSettings::default(),
        }
    }
}

/// The checklist a new installation starts with.
pub fn default_checklist() -> Vec<ChecklistItem> {
    [
        "Propellers and airframe checked",
        "Battery charged and secured",
        "Camera card empty, lens clean",
        "Mission uploaded and read back",
        "Geofence and RTL altitude checked",
        "Takeoff area clear, wind checked",
    ]
    .into_iter()
    .map(|t| ChecklistItem {
        text: t.to_owned(),
        done: false,
    })
    .collect()
}

/// Errors reading or writing settings.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// File.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// The file is not valid settings JSON.
    #[error("{path}: not valid settings ({source}); using defaults, the file was kept as {kept}")]
    Parse {
        /// File.
        path: PathBuf,
        /// Cause.
        source: serde_json::Error,
        /// Where the broken file was moved.
        kept: PathBuf,
    },
}

/// The settings folder.
pub fn config_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("STEPPE_CONFIG_DIR") {
        return Some(PathBuf::from(d));
    }
    if let Some(d) = std::env::var_os("XDG_CONFIG_HOME") {
        return Some(PathBuf::from(d).join("steppe"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config").join("steppe"))
}

impl Settings {
    /// The online tile source chosen as background, if the background is online; an error
    /// names a user source whose template is wrong.
    pub fn online_source(&self) -> Option<Result<crate::tiles::TileSource, String>> {
        match &self.map.background {
            MapBackground::OpenStreetMap => Some(Ok(crate::tiles::TileSource::openstreetmap())),
            MapBackground::Custom(i) => {
                let c = self.map.custom.get(*i)?;
                Some(
                    crate::tiles::TileSource::user(&c.name, &c.url, 19, &c.name)
                        .map_err(|e| format!("{}: {e}", c.name)),
                )
            }
            MapBackground::None | MapBackground::Offline(_) => None,
        }
    }

    /// Reads settings; a missing file gives the defaults. A broken file is renamed to
    /// `settings.json.broken` and the defaults are returned with the error.
    pub fn load(path: &Path) -> (Settings, Option<SettingsError>) {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Self::default(), None),
            Err(source) => {
                let path = path.to_owned();
                return (Self::default(), Some(SettingsError::Io { path, source }));
            }
        };
        match serde_json::from_str(&text) {
            Ok(s) => (Self::sanitized(s), None),
            Err(source) => {
                let kept = path.with_extension("json.broken");
                let _ = std::fs::rename(path, &kept);
                let path = path.to_owned();
                let err = SettingsError::Parse { path, source, kept };
                (Self::default(), Some(err))
            }
        }
    }

    /// Values clamped into their valid ranges (a hand-edited file may hold anything).
    fn sanitized(mut s: Settings) -> Settings {
        if !(0.5..=3.0).contains(&s.ui_scale) {
            s.ui_scale = Settings::default().ui_scale;
        }
        s.battery_warn_pct = s.battery_warn_pct.clamp(0.0, 100.0);
        s.battery_critical_pct = s.battery_critical_pct.clamp(0.0, s.battery_warn_pct);
        s
    }

    /// Writes settings atomically (temporary file, then rename), readable by the owner only.
    pub fn save(&self, path: &Path) -> Result<(), SettingsError> {
        let io = |source| SettingsError::Io {
            path: path.to_owned(),
            source,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let json = serde_json::to_string_pretty(self).map_err(|e| io(std::io::Error::other(e)))?;
        let tmp = path.with_extension("json.tmp");
        write_private(&tmp, json.as_bytes()).map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)
    }
}

/// Writes a file that only its owner can read.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_owner_only() {
        let dir = crate::test_support::temp_dir("settings");
        let path = dir.join("settings.json");
        let mut s = Settings {
            language: Language::Russian,
            theme: Theme::Dark,
            ..Settings::default()
        };
        s.map.custom.push(CustomSource {
            name: "Sat".into(),
            url: "https://example.org/{z}/{x}/{y}.jpg".into(),
        });
        s.map.background = MapBackground::Custom(0);
        s.signing = SigningSettings {
            enabled: true,
            strict: true,
            key_file: Some(dir.join("signing.key")),
        };
        s.save(&path).expect("save");
        let (back, err) = Settings::load(&path);
        assert!(err.is_none());
        assert_eq!(back, s);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o077, 0, "mode {mode:o}");
        }
    }

    #[test]
    fn missing_gives_defaults_broken_is_kept_aside() {
        let dir = crate::test_support::temp_dir("settings-broken");
        let path = dir.join("settings.json");
        let (s, err) = Settings::load(&path);
        assert_eq!(s, Settings::default());
        assert!(err.is_none());
        std::fs::write(&path, "{\"ui_scale\": \"big\"").expect("write");
        let (s, err) = Settings::load(&path);
        assert_eq!(s, Settings::default());
        let msg = err.expect("error").to_string();
        assert!(
            msg.contains("settings.json") && msg.contains("broken"),
            "{msg}"
        );
        assert!(dir.join("settings.json.broken").exists());
    }

    #[test]
    fn out_of_range_values_are_clamped() {
        let dir = crate::test_support::temp_dir("settings-range");
        let path = dir.join("settings.json");
        std::fs::write(
            &path,
            r#"{"ui_scale": 40, "battery_warn_pct": 20, "battery_critical_pct": 50}"#,
        )
        .expect("write");
        let (s, err) = Settings::load(&path);
        assert!(err.is_none());
        assert_eq!(s.ui_scale, Settings::default().ui_scale);
        assert_eq!(s.battery_critical_pct, 20.0);
    }
}
