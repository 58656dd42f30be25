//! Unit tests of the tones (parsed back from the WAV bytes) and of [`Player`] with a fake
//! player program.

use super::*;
use std::time::{Duration, Instant};

/// The format fields and samples of a WAV file written by [`tone_wav`].
struct Wav {
    channels: u16,
    rate_hz: u32,
    bits: u16,
    samples: Vec<i16>,
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn parse(b: &[u8]) -> Wav {
    assert_eq!(&b[0..4], b"RIFF");
    assert_eq!(u32_at(b, 4) as usize, b.len() - 8, "RIFF size");
    assert_eq!(&b[8..16], b"WAVEfmt ");
    assert_eq!(u32_at(b, 16), 16, "fmt size");
    assert_eq!(u16_at(b, 20), 1, "PCM");
    let (channels, rate_hz, bits) = (u16_at(b, 22), u32_at(b, 24), u16_at(b, 34));
    assert_eq!(
        u32_at(b, 28),
        rate_hz * u32::from(channels) * u32::from(bits) / 8
    );
    assert_eq!(u16_at(b, 32), channels * bits / 8, "block align");
    assert_eq!(&b[36..40], b"data");
    let data = &b[WAV_HEADER_LEN..];
    assert_eq!(u32_at(b, 40) as usize, data.len());
    let samples = data
        .chunks_exact(2)
        .map(|c| i16::from_le_bytes([c[0], c[1]]))
        .collect();
    Wav {
        channels,
        rate_hz,
        bits,
        samples,
    }
}

/// Frequency of a stretch of a sine from its sign changes.
fn frequency_hz(s: &[i16], rate_hz: u32) -> f64 {
    let crossings = s.windows(2).filter(|w| (w[0] < 0) != (w[1] < 0)).count();
    crossings as f64 / 2.0 / (s.len() as f64 / f64::from(rate_hz))
}

/// The middle 80 % of `[start_ms, start_ms + dur_ms)` (away from the fades).
fn middle(w: &Wav, start_ms: u32, dur_ms: u32) -> &[i16] {
    let at = |ms: u32| (w.rate_hz * ms / 1000) as usize;
    &w.samples[at(start_ms + dur_ms / 10)..at(start_ms + dur_ms - dur_ms / 10)]
}

fn peak(s: &[i16]) -> i16 {
    s.iter().map(|v| v.saturating_abs()).max().unwrap_or(0)
}

#[test]
fn header_and_lengths() {
    // Segment lengths in ms: 0.6 s, 0.32 s and 0.15 s in all.
    for (p, segments_ms) in [
        (TonePattern::Critical, &[150, 150, 150, 150][..]),
        (TonePattern::Warning, &[120, 80, 120][..]),
        (TonePattern::Info, &[150][..]),
    ] {
        let w = parse(&tone_wav(p));
        assert_eq!((w.channels, w.rate_hz, w.bits), (1, SAMPLE_RATE_HZ, 16));
        let n: u32 = segments_ms
            .iter()
            .map(|ms| SAMPLE_RATE_HZ * ms / 1000)
            .sum();
        assert_eq!(w.samples.len(), n as usize, "{p:?}");
    }
}

#[test]
fn critical_is_a_fast_two_tone() {
    let w = parse(&tone_wav(TonePattern::Critical));
    for (i, want) in [1000.0, 750.0, 1000.0, 750.0].into_iter().enumerate() {
        let f = frequency_hz(middle(&w, 150 * i as u32, 150), w.rate_hz);
        assert!((f - want).abs() < want * 0.02, "segment {i}: {f} Hz");
    }
    assert!(peak(&w.samples) > 25_000, "loud");
}

#[test]
fn warning_is_two_beeps_and_info_one_soft_beep() {
    let w = parse(&tone_wav(TonePattern::Warning));
    for start in [0, 200] {
        let f = frequency_hz(middle(&w, start, 120), w.rate_hz);
        assert!(
            (f - 880.0).abs() < 880.0 * 0.02,
            "beep at {start} ms: {f} Hz"
        );
    }
    assert_eq!(peak(middle(&w, 120, 80)), 0, "gap is silent");
    let i = parse(&tone_wav(TonePattern::Info));
    let f = frequency_hz(middle(&i, 0, 150), i.rate_hz);
    assert!((f - 660.0).abs() < 660.0 * 0.02, "{f} Hz");
    assert!(
        peak(&i.samples) < peak(&w.samples) && peak(&i.samples) < 12_000,
        "soft"
    );
}

#[test]
fn fades_avoid_clicks() {
    for p in TonePattern::ALL {
        let w = parse(&tone_wav(p));
        let s = &w.samples;
        assert_eq!(
            (s[0], s[s.len() - 1]),
            (0, 0),
            "{p:?} starts and ends silent"
        );
        // A sine of amplitude A at f changes by at most 2πfA/rate per sample; a click (a
        // jump at a segment edge) would exceed that.
        let max_step = s
            .windows(2)
            .map(|d| (i32::from(d[1]) - i32::from(d[0])).abs())
            .max()
            .unwrap_or(0);
        let bound = std::f64::consts::TAU * 1000.0 * 0.8 * 32767.0 / f64::from(SAMPLE_RATE_HZ);
        assert!(
            f64::from(max_step) <= bound * 1.05,
            "{p:?}: step {max_step}"
        );
        // The first samples rise gradually.
        assert!(s[..10].iter().all(|v| v.saturating_abs() < 2_000), "{p:?}");
    }
    assert_eq!(TonePattern::from(Severity::Critical), TonePattern::Critical);
    assert_eq!(TonePattern::from(Severity::Warning), TonePattern::Warning);
}

/// A fresh temporary folder for one test.
fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("steppe-sound-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// Writes an executable shell script.
#[cfg(unix)]
fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let p = dir.join(name);
    std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).expect("script");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    p
}

/// Waits (with a deadline, no fixed sleep) until the player's child has ended.
fn wait_done(player: &mut Player) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while player.is_playing() {
        assert!(Instant::now() < deadline, "player still running after 10 s");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn lines(p: &Path) -> Vec<String> {
    std::fs::read_to_string(p)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[cfg(unix)]
#[test]
fn fake_player_records_its_arguments_one_tone_at_a_time() {
    let dir = temp_dir("fake");
    let log = dir.join("played.txt");
    let gate = dir.join("gate");
    // Records its arguments, then waits until the test opens the gate (at most ~10 s).
    let fake = script(
        &dir,
        "fake-player",
        &format!(
            "echo \"$*\" >> '{}'\ni=0\nwhile [ ! -e '{}' ] && [ $i -lt 1000 ]; do sleep 0.01; i=$((i+1)); done",
            log.display(),
            gate.display()
        ),
    );
    let cache = dir.join("cache");
    let mut player = Player::with_commands(vec![
        PlayerCommand::new("steppe-no-such-player", &[]),
        PlayerCommand::new(&fake.display().to_string(), &["-q"]),
    ])
    .with_cache_dir(&cache);
    assert!(player.available());
    assert_eq!(player.program(), Some(fake.display().to_string().as_str()));
    assert_eq!(
        player.play(TonePattern::Critical).ok(),
        Some(PlayOutcome::Started)
    );
    // play() returned while the player still runs: the next tone is skipped, not queued.
    assert_eq!(
        player.play(TonePattern::Warning).ok(),
        Some(PlayOutcome::StillPlaying)
    );
    assert!(player.is_playing());
    std::fs::write(&gate, b"").expect("gate");
    wait_done(&mut player);
    assert_eq!(
        player.play(TonePattern::Warning).ok(),
        Some(PlayOutcome::Started)
    );
    wait_done(&mut player);
    assert_eq!(
        player.play(TonePattern::Critical).ok(),
        Some(PlayOutcome::Started)
    );
    wait_done(&mut player);
    let critical = cache.join("steppe-critical.wav");
    let warning = cache.join("steppe-warning.wav");
    assert_eq!(
        lines(&log),
        [
            format!("-q {}", critical.display()),
            format!("-q {}", warning.display()),
            format!("-q {}", critical.display()),
        ]
    );
    assert_eq!(
        std::fs::read(&critical).ok(),
        Some(tone_wav(TonePattern::Critical))
    );
    assert_eq!(
        std::fs::read(&warning).ok(),
        Some(tone_wav(TonePattern::Warning))
    );
    let leftovers: Vec<_> = std::fs::read_dir(&cache)
        .expect("cache")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn a_failing_player_gives_way_to_the_next() {
    let dir = temp_dir("failing");
    let log = dir.join("played.txt");
    let broken = script(&dir, "broken", "exit 1");
    let good = script(&dir, "good", &format!("echo \"$1\" >> '{}'", log.display()));
    let mut player = Player::with_commands(vec![
        PlayerCommand::new(&broken.display().to_string(), &[]),
        PlayerCommand::new(&good.display().to_string(), &[]),
    ])
    .with_cache_dir(&dir);
    assert_eq!(
        player.play(TonePattern::Info).ok(),
        Some(PlayOutcome::Started)
    );
    wait_done(&mut player);
    assert_eq!(player.program(), Some(good.display().to_string().as_str()));
    assert_eq!(
        player.play(TonePattern::Info).ok(),
        Some(PlayOutcome::Started)
    );
    wait_done(&mut player);
    assert_eq!(
        lines(&log),
        [dir.join("steppe-info.wav").display().to_string()]
    );
    // The last player left is kept even if it fails.
    let mut only =
        Player::with_commands(vec![PlayerCommand::new(&broken.display().to_string(), &[])])
            .with_cache_dir(&dir);
    only.play(TonePattern::Info).expect("started");
    wait_done(&mut only);
    assert!(only.available());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn no_player_says_what_was_looked_for() {
    let mut player = Player::with_commands(vec![
        PlayerCommand::new("steppe-no-such-player", &[]),
        PlayerCommand::new("/nonexistent/steppe-player", &["-q"]),
        PlayerCommand::new("", &[]),
    ]);
    assert!(!player.available());
    assert_eq!(player.program(), None);
    assert!(!player.is_playing());
    let err = player.play(TonePattern::Critical).expect_err("no player");
    assert_eq!(
        err.to_string(),
        "no sound player found (looked for steppe-no-such-player, \
         /nonexistent/steppe-player,  on PATH): alerts are visual only"
    );
    // The defaults are the PipeWire, PulseAudio and ALSA players, in that order.
    let names: Vec<_> = PlayerCommand::defaults()
        .into_iter()
        .map(|c| format!("{} {}", c.program, c.args.join(" ")))
        .collect();
    assert_eq!(names, ["pw-play ", "paplay ", "aplay -q"]);
}

#[cfg(unix)]
#[test]
fn unwritable_cache_is_an_error_naming_the_file() {
    let dir = temp_dir("unwritable");
    let good = script(&dir, "good", "exit 0");
    // A regular file where the cache folder should be.
    let blocker = dir.join("not-a-dir");
    std::fs::write(&blocker, b"x").expect("file");
    let mut player =
        Player::with_commands(vec![PlayerCommand::new(&good.display().to_string(), &[])])
            .with_cache_dir(&blocker);
    let err = player.play(TonePattern::Warning).expect_err("cannot write");
    assert!(matches!(err, SoundError::Write { .. }), "{err}");
    assert!(err.to_string().contains("steppe-warning.wav"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
