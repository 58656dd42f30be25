//! Offline alert tones: synthesised 16-bit mono PCM WAV files, played by the system's own
//! command-line player without blocking the caller.
//!
//! Why it exists: an alert the operator does not look at must still be heard, in the field,
//! without internet, assets or an audio library. The tones are built here ([`tone_wav`]: a
//! pure function, one distinct pattern per severity, with short fades so they do not click);
//! [`Player`] is the I/O edge: it writes each tone once into a cache folder and starts the
//! first available player (`pw-play`, `paplay`, `aplay -q`) as a child process with its
//! standard streams closed. One tone plays at a time: while the previous child runs a new
//! request is skipped, and finished children are reaped. Without any player
//! [`Player::available`] is false and [`Player::play`] says which players were looked for, so
//! the app can show alerts visually only and say so once.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::alerts::Severity;

/// Sample rate of the tones, Hz.
pub const SAMPLE_RATE_HZ: u32 = 22_050;
/// Fade-in and fade-out at each tone segment, milliseconds.
const FADE_MS: u32 = 6;
/// Length of the RIFF/WAVE header written by [`tone_wav`], bytes.
pub const WAV_HEADER_LEN: usize = 44;

/// Why a tone could not be played.
#[derive(Debug, thiserror::Error)]
pub enum SoundError {
    /// No player program was found.
    #[error("no sound player found (looked for {looked_for} on PATH): alerts are visual only")]
    NoPlayer {
        /// The programs looked for, comma separated.
        looked_for: String,
    },
    /// The tone file could not be written.
    #[error("cannot write the alert tone {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The player could not be started.
    #[error("cannot start the sound player {program}: {source}")]
    Spawn {
        /// The program.
        program: String,
        /// The cause.
        source: std::io::Error,
    },
}

/// The tone patterns, one per alert severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TonePattern {
    /// Fast two-tone (1000 / 750 Hz, 150 ms each), twice: 0.6 s, loud.
    Critical,
    /// Two short 880 Hz beeps (120 ms, 80 ms apart).
    Warning,
    /// One soft 660 Hz beep (150 ms).
    Info,
}

impl From<Severity> for TonePattern {
    fn from(s: Severity) -> Self {
        match s {
            Severity::Critical => TonePattern::Critical,
            Severity::Warning => TonePattern::Warning,
        }
    }
}

/// One piece of a pattern: a sine (or silence when `freq_hz` is 0) of fixed length.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Segment {
    freq_hz: f64,
    dur_ms: u32,
    amplitude: f64,
}

const fn seg(freq_hz: f64, dur_ms: u32, amplitude: f64) -> Segment {
    Segment {
        freq_hz,
        dur_ms,
        amplitude,
    }
}

const CRITICAL: [Segment; 4] = [
    seg(1000.0, 150, 0.8),
    seg(750.0, 150, 0.8),
    seg(1000.0, 150, 0.8),
    seg(750.0, 150, 0.8),
];
const WARNING: [Segment; 3] = [
    seg(880.0, 120, 0.6),
    seg(0.0, 80, 0.0),
    seg(880.0, 120, 0.6),
];
const INFO: [Segment; 1] = [seg(660.0, 150, 0.35)];

impl TonePattern {
    /// Every pattern.
    pub const ALL: [TonePattern; 3] = [
        TonePattern::Critical,
        TonePattern::Warning,
        TonePattern::Info,
    ];

    /// Lower-case name, used in the cached file name.
    pub const fn name(self) -> &'static str {
        match self {
            TonePattern::Critical => "critical",
            TonePattern::Warning => "warning",
            TonePattern::Info => "info",
        }
    }

    fn segments(self) -> &'static [Segment] {
        match self {
            TonePattern::Critical => &CRITICAL,
            TonePattern::Warning => &WARNING,
            TonePattern::Info => &INFO,
        }
    }
}

/// The samples of a pattern at [`SAMPLE_RATE_HZ`]; each segment fades in and out over
/// [`FADE_MS`] with a raised cosine, so every segment starts and ends at zero.
fn samples(pattern: TonePattern) -> Vec<i16> {
    let rate = f64::from(SAMPLE_RATE_HZ);
    let fade_n = f64::from(SAMPLE_RATE_HZ * FADE_MS / 1000);
    let mut out = Vec::new();
    for s in pattern.segments() {
        let n = SAMPLE_RATE_HZ * s.dur_ms / 1000;
        for i in 0..n {
            let edge = f64::from(i.min(n - 1 - i));
            let x = (edge / fade_n).min(1.0);
            let envelope = 0.5 - 0.5 * (std::f64::consts::PI * x).cos();
            let phase = std::f64::consts::TAU * s.freq_hz * f64::from(i) / rate;
            let v = s.amplitude * envelope * phase.sin() * f64::from(i16::MAX);
            // |v| <= 0.8 * 32767: the cast cannot saturate.
            out.push(v.round() as i16);
        }
    }
    out
}

/// A tone as a complete 16-bit mono PCM WAV file ([`SAMPLE_RATE_HZ`]).
pub fn tone_wav(pattern: TonePattern) -> Vec<u8> {
    let pcm = samples(pattern);
    let data_len = u32::try_from(pcm.len() * 2).unwrap_or(u32::MAX);
    let mut w = Vec::with_capacity(WAV_HEADER_LEN + pcm.len() * 2);
    w.extend_from_slice(b"RIFF");
    w.extend_from_slice(&(36 + data_len).to_le_bytes());
    w.extend_from_slice(b"WAVEfmt ");
    w.extend_from_slice(&16u32.to_le_bytes()); // fmt chunk size
    w.extend_from_slice(&1u16.to_le_bytes()); // PCM
    w.extend_from_slice(&1u16.to_le_bytes()); // mono
    w.extend_from_slice(&SAMPLE_RATE_HZ.to_le_bytes());
    w.extend_from_slice(&(SAMPLE_RATE_HZ * 2).to_le_bytes()); // byte rate
    w.extend_from_slice(&2u16.to_le_bytes()); // block align
    w.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    w.extend_from_slice(b"data");
    w.extend_from_slice(&data_len.to_le_bytes());
    for s in pcm {
        w.extend_from_slice(&s.to_le_bytes());
    }
    w
}

/// A player program and its arguments; the WAV file's path is appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlayerCommand {
    /// Program name (looked up on PATH) or path.
    pub program: String,
    /// Arguments before the file name.
    pub args: Vec<String>,
}

impl PlayerCommand {
    /// A command from a program and its arguments.
    pub fn new(program: &str, args: &[&str]) -> Self {
        Self {
            program: program.to_owned(),
            args: args.iter().map(|a| (*a).to_owned()).collect(),
        }
    }

    /// The players tried by [`Player::new`], in order: PipeWire, PulseAudio, ALSA.
    pub fn defaults() -> Vec<PlayerCommand> {
        vec![
            PlayerCommand::new("pw-play", &[]),
            PlayerCommand::new("paplay", &[]),
            PlayerCommand::new("aplay", &["-q"]),
        ]
    }
}

/// What [`Player::play`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlayOutcome {
    /// The tone started.
    Started,
    /// The previous tone is still playing; this one was skipped.
    StillPlaying,
}

/// Plays tones through a system player, one at a time, without blocking.
#[derive(Debug)]
pub struct Player {
    looked_for: Vec<String>,
    /// Players found, with their resolved paths; the first is used.
    found: Vec<(PlayerCommand, PathBuf)>,
    cache_dir: PathBuf,
    written: HashSet<TonePattern>,
    child: Option<Child>,
}

impl Default for Player {
    fn default() -> Self {
        Self::new()
    }
}

impl Player {
    /// A player using the first of [`PlayerCommand::defaults`] found on PATH, caching tones
    /// in `$XDG_CACHE_HOME/steppe/tones` (else `~/.cache/steppe/tones`, else the temp folder).
    pub fn new() -> Self {
        Self::with_commands(PlayerCommand::defaults())
    }

    /// A player using the first of `commands` that exists (a program name is looked up on
    /// PATH, a path is used as is).
    pub fn with_commands(commands: Vec<PlayerCommand>) -> Self {
        let looked_for = commands.iter().map(|c| c.program.clone()).collect();
        let found = commands
            .into_iter()
            .filter_map(|c| find_program(&c.program).map(|p| (c, p)))
            .collect();
        Self {
            looked_for,
            found,
            cache_dir: default_cache_dir(),
            written: HashSet::new(),
            child: None,
        }
    }

    /// Uses `dir` for the tone files instead of the default cache folder.
    pub fn with_cache_dir(mut self, dir: &Path) -> Self {
        self.cache_dir = dir.to_owned();
        self.written.clear();
        self
    }

    /// True when a player program was found.
    pub fn available(&self) -> bool {
        !self.found.is_empty()
    }

    /// The player in use (as configured, e.g. "paplay").
    pub fn program(&self) -> Option<&str> {
        self.found.first().map(|(c, _)| c.program.as_str())
    }

    /// True while the last tone's player is still running; reaps it once it has ended (a
    /// finished player waits as a zombie only until the next `play` or `is_playing`). A
    /// player that ended with an error is replaced by the next one found, if any (e.g.
    /// `pw-play` installed but PipeWire not running).
    pub fn is_playing(&mut self) -> bool {
        let Some(child) = self.child.as_mut() else {
            return false;
        };
        match child.try_wait() {
            Ok(None) => true,
            Ok(Some(status)) => {
                self.child = None;
                if !status.success() && self.found.len() > 1 {
                    self.found.remove(0);
                }
                false
            }
            Err(_) => {
                self.child = None;
                false
            }
        }
    }

    /// Starts playing `pattern` and returns at once; skipped while the previous tone plays.
    pub fn play(&mut self, pattern: TonePattern) -> Result<PlayOutcome, SoundError> {
        if self.is_playing() {
            return Ok(PlayOutcome::StillPlaying);
        }
        let Some((command, program_path)) = self.found.first() else {
            return Err(SoundError::NoPlayer {
                looked_for: self.looked_for.join(", "),
            });
        };
        let (command, program_path) = (command.clone(), program_path.clone());
        let file = self.tone_file(pattern)?;
        let child = Command::new(&program_path)
            .args(&command.args)
            .arg(&file)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|source| SoundError::Spawn {
                program: command.program.clone(),
                source,
            })?;
        self.child = Some(child);
        Ok(PlayOutcome::Started)
    }

    /// The cached WAV file of `pattern`, written on first use (to a temporary name, then
    /// renamed, so a player never reads half a file).
    fn tone_file(&mut self, pattern: TonePattern) -> Result<PathBuf, SoundError> {
        let path = self
            .cache_dir
            .join(format!("steppe-{}.wav", pattern.name()));
        if self.written.contains(&pattern) && path.is_file() {
            return Ok(path);
        }
        let tmp = self.cache_dir.join(format!(
            ".steppe-{}.{}.tmp",
            pattern.name(),
            std::process::id()
        ));
        let write = || -> std::io::Result<()> {
            std::fs::create_dir_all(&self.cache_dir)?;
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(&tone_wav(pattern))?;
            f.sync_all()?;
            std::fs::rename(&tmp, &path)
        };
        write().map_err(|source| SoundError::Write {
            path: path.clone(),
            source,
        })?;
        self.written.insert(pattern);
        Ok(path)
    }
}

/// `$XDG_CACHE_HOME/steppe/tones`, else `~/.cache/steppe/tones`, else `<temp>/steppe-tones`.
fn default_cache_dir() -> PathBuf {
    let non_empty = |k| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(d) = non_empty("XDG_CACHE_HOME") {
        d.join("steppe").join("tones")
    } else if let Some(h) = non_empty("HOME") {
        h.join(".cache").join("steppe").join("tones")
    } else {
        std::env::temp_dir().join("steppe-tones")
    }
}

/// The path of an executable: `program` itself if it contains a path separator, else the
/// first match on PATH.
fn find_program(program: &str) -> Option<PathBuf> {
    if program.is_empty() {
        return None;
    }
    let as_path = Path::new(program);
    if as_path.components().count() > 1 {
        return is_executable(as_path).then(|| as_path.to_owned());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| is_executable(p))
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file()
}

#[cfg(test)]
#[path = "sound_tests.rs"]
mod tests;
