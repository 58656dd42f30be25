use super::*;
use crate::vehicle::VehicleState;

fn sample() -> Arc<Vec<u8>> {
    let path =
        crate::test_support::samples_dir().join("sitl/arducopter_sitl_survey_talas_camera.tlog");
    std::fs::read(&path).expect("sample tlog").into()
}

fn states(r: &Replay) -> Vec<VehicleState> {
    r.fleet().iter().cloned().collect()
}

fn noop() -> impl FnMut(&Fleet, &TlogRecord<'_>, &[FleetEvent]) {
    |_, _, _| {}
}

#[test]
fn seeking_gives_the_same_state_as_playing_there() {
    let data = sample();
    let mut played = Replay::new(Arc::clone(&data));
    let start = played.index().start_us;
    let end = played.index().end_us;
    assert!(end - start > 120_000_000, "a flight of minutes");
    let target = start + (end - start) * 2 / 3;
    let mut t = start;
    while t < target {
        t = (t + 250_000).min(target);
        played.seek(t, &mut noop());
    }
    let mut jumped = Replay::new(Arc::clone(&data));
    jumped.seek(target, &mut noop());
    assert_eq!(states(&jumped), states(&played));
    assert!(!states(&played).is_empty());
    // Back to a third: restored from a keyframe, same as a fresh replay played there.
    let back = start + (end - start) / 3;
    let s = played.seek(back, &mut noop());
    assert!(s.restored_from_us.is_some_and(|k| k <= back));
    assert!(
        s.records < 40_000,
        "applied {} records after the keyframe",
        s.records
    );
    let mut fresh = Replay::new(Arc::clone(&data));
    fresh.seek(back, &mut noop());
    assert_eq!(states(&played), states(&fresh));
    assert_eq!(played.now_us(), back);
}

#[test]
fn observe_sees_each_record_once_in_order_on_the_way_forward() {
    let data = sample();
    let mut r = Replay::new(Arc::clone(&data));
    let mut n = 0u64;
    let mut last = 0u64;
    let end = r.index().end_us;
    let mut t = r.index().start_us;
    while !r.at_end() {
        t += 5_000_000;
        r.seek(t.min(end), &mut |_, rec, _| {
            assert!(rec.offset >= last);
            last = rec.offset;
            n += 1;
        });
        if t >= end {
            break;
        }
    }
    assert_eq!(n, crate::log::tlog::TlogReader::new(&data).count() as u64);
}

#[test]
fn adopted_keyframes_make_a_seek_back_short_and_forward_seeks_apply_everything() {
    let data = sample();
    let mut r = Replay::new(Arc::clone(&data));
    let end = r.index().end_us;
    let mut scanned = Replay::new(Arc::clone(&data));
    scanned.seek(end, &mut noop());
    assert!(scanned.keyframes() > 3);
    r.adopt_keyframes(scanned);
    // Forward: every record in between is applied (observers miss nothing).
    let mut seen = 0u64;
    let s = r.seek(end, &mut |_, _, _| seen += 1);
    assert!(s.restored_from_us.is_none());
    assert_eq!(
        seen,
        crate::log::tlog::TlogReader::new(&data).count() as u64
    );
    // Back near the end: from the last keyframe before it, a short way.
    let s = r.seek(end - 1_000_000, &mut noop());
    assert!(s.restored_from_us.is_some());
    assert!(s.records < 40_000);
}

#[test]
fn clock_plays_at_speed_skips_silences_and_stops_at_the_end() {
    let mut c = ReplayClock::default();
    assert_eq!(
        c.advance(100, 1_000_000, Some(200), 10_000_000),
        100,
        "paused"
    );
    c.playing = true;
    c.speed = 10.0;
    assert_eq!(c.advance(0, 100_000, Some(10), 10_000_000), 1_000_000);
    // Fractions carry over: ten steps of 0.1 µs wall at 1x make one µs.
    c.speed = 0.1;
    let mut t = 0;
    for _ in 0..10 {
        t = c.advance(t, 1, Some(0), 10_000_000);
    }
    assert_eq!(t, 1);
    // A 60 s silence ahead is skipped to a second before its end.
    c.speed = 1.0;
    assert_eq!(
        c.advance(0, 10_000, Some(60_000_000), 100_000_000),
        59_010_000
    );
    // The end stops playback.
    assert_eq!(
        c.advance(99_999_000, 10_000, None, 100_000_000),
        100_000_000
    );
    assert!(!c.playing);
}

#[test]
fn speed_steps_up_and_down_within_the_range() {
    let mut c = ReplayClock::default();
    c.faster();
    assert_eq!(c.speed, 2.0);
    for _ in 0..20 {
        c.faster();
    }
    assert_eq!(c.speed, 100.0);
    for _ in 0..20 {
        c.slower();
    }
    assert_eq!(c.speed, 0.1);
}
