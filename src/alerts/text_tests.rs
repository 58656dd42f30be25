//! STATUSTEXT alerts: failsafe and geofence wordings of ArduPilot and PX4, latching,
//! acknowledgement, and the sample tlogs replayed through the monitor.

use super::*;
use crate::log::tlog::TlogReader;

/// Real failsafe wordings: ArduCopter (events.cpp announce_failsafe, the 2021 sample tlog),
/// ArduPlane (events.cpp, radio.cpp) and PX4 (commander 1.10-1.13 "Failsafe mode activated",
/// "Failsafe enabled: no datalink"; the 1.14 failsafe framework's STATUSTEXT).
const FAILSAFE_TEXTS: [&str; 14] = [
    "Radio Failsafe",
    "Radio Failsafe - Disarming",
    "Radio + Battery Failsafe - Continuing Landing",
    "Battery Failsafe",
    "GCS Failsafe",
    "EKF Failsafe",
    "Failsafe: Terrain data missing",
    "Failsafe. Short event on: type=1/reason=3",
    "Failsafe. Long event on: type=2/reason=3",
    "Throttle failsafe on",
    "Failsafe mode activated",
    "Failsafe enabled: no datalink",
    "Failsafe activated",
    "Failsafe activated, entering Hold for 5 seconds",
];

#[test]
fn failsafe_wordings_raise_and_latch_for_30_s() {
    for (i, wording) in FAILSAFE_TEXTS.iter().enumerate() {
        let mut b = Bench::new();
        assert!(b.tick().is_empty());
        // PX4 sends one-chunk texts with a non-zero id.
        let id = if wording.starts_with("Failsafe activated") {
            3
        } else {
            0
        };
        b.send(1, text(MavSeverity::MAV_SEVERITY_WARNING, wording, id));
        let changes = b.after(S / 10);
        assert_eq!(
            edges(&changes),
            [raised(
                AlertKind::Failsafe,
                &format!("Vehicle 1: {wording}")
            )],
            "text {i}"
        );
        assert_eq!(changes[0].alert().severity, Severity::Critical);
        // Latched 30 s from the text even though nothing else arrives (the link is lost
        // meanwhile, which does not end the latch early).
        b.send(
            1,
            heartbeat(MavAutopilot::MAV_AUTOPILOT_ARDUPILOTMEGA, true),
        );
        assert!(
            b.after(29 * S)
                .iter()
                .all(|c| c.alert().kind != AlertKind::Failsafe)
        );
        assert!(
            b.monitor.get(V1, AlertKind::Failsafe).is_some(),
            "{wording}"
        );
        let end = b.after(S - S / 10);
        assert!(
            end.iter()
                .any(|c| !matches!(c, AlertChange::Raised(_))
                    && c.alert().kind == AlertKind::Failsafe),
            "{wording}: cleared after 30 s"
        );
    }
}

#[test]
fn long_texts_arrive_in_chunks() {
    // Synthetic: longer than one 50-byte chunk, so it comes as chunks 0 and 1 of id 7.
    let long = "Radio + Battery Failsafe - Continuing Landing (two chunks)";
    let mut b = Bench::new();
    b.send_text(long);
    assert_eq!(
        edges(&b.tick()),
        [raised(AlertKind::Failsafe, &format!("Vehicle 1: {long}"))]
    );
}

#[test]
fn classify_texts() {
    use TextSignal::{Clear, Raise};
    for t in FAILSAFE_TEXTS {
        assert_eq!(
            classify_status_text(t),
            Some(Raise(AlertKind::Failsafe)),
            "{t}"
        );
    }
    let fence = Some(Raise(AlertKind::GeofenceBreach));
    let cases = [
        ("Max Alt fence breached", fence),
        ("Polygon fence breached", fence),
        ("Geofence triggered", fence),
        ("Geofence violation! Holding", fence),
        ("Geofence exceeded max vertical distance by 5.0 m", fence),
        (
            "Fence breach cleared",
            Some(Clear(AlertKind::GeofenceBreach)),
        ),
        ("Radio Failsafe Cleared", Some(Clear(AlertKind::Failsafe))),
        ("GCS Failsafe Cleared", Some(Clear(AlertKind::Failsafe))),
        ("Short Failsafe Cleared", Some(Clear(AlertKind::Failsafe))),
        ("Throttle failsafe off", Some(Clear(AlertKind::Failsafe))),
        (
            "Failsafe. Short event off: reason=3",
            Some(Clear(AlertKind::Failsafe)),
        ),
        (
            "Failsafe mode deactivated",
            Some(Clear(AlertKind::Failsafe)),
        ),
        ("Failsafe activated\t", Some(Raise(AlertKind::Failsafe))),
        ("RC FAIL-SAFE", Some(Raise(AlertKind::Failsafe))),
        ("fail safe: rc lost", Some(Raise(AlertKind::Failsafe))),
        // Sample tlogs: pre-arm checks, fence uploads and ordinary texts are not alerts.
        ("PreArm: Throttle below Failsafe", None),
        ("Pre-arm: GCS failsafe on", None),
        ("Arm: Radio failsafe on", None),
        ("Preflight Fail: Failsafe enabled", None),
        (
            "Failsafe enabled: no RC and no offboard",
            Some(Raise(AlertKind::Failsafe)),
        ),
        ("Geofence loaded", None),
        ("Low Battery!", None),
        ("Reached Command #3", None),
        ("", None),
    ];
    for (t, want) in cases {
        assert_eq!(classify_status_text(t), want, "{t}");
    }
}

#[test]
fn failsafe_cleared_text_is_shown_but_the_latch_holds() {
    let mut b = Bench::new();
    b.send(
        1,
        text(MavSeverity::MAV_SEVERITY_WARNING, "Radio Failsafe", 0),
    );
    assert_eq!(kinds(&b.tick()), [(true, AlertKind::Failsafe)]);
    b.t_us += 2 * S;
    b.send(
        1,
        text(
            MavSeverity::MAV_SEVERITY_WARNING,
            "Radio Failsafe Cleared",
            0,
        ),
    );
    assert!(b.tick().is_empty());
    assert_eq!(
        b.monitor
            .get(V1, AlertKind::Failsafe)
            .map(|a| a.text.as_str()),
        Some("Vehicle 1: Radio Failsafe (Radio Failsafe Cleared)")
    );
    // A cleared text with nothing latched raises nothing.
    b.t_us += 40 * S;
    b.send(
        1,
        text(
            MavSeverity::MAV_SEVERITY_WARNING,
            "Throttle failsafe off",
            0,
        ),
    );
    assert_eq!(kinds(&b.tick()), [(false, AlertKind::Failsafe)]);
    assert!(b.after(S).is_empty());
}

#[test]
fn acknowledge_ends_a_text_latch_and_a_new_text_raises_again() {
    let mut b = Bench::new();
    b.send(
        1,
        text(MavSeverity::MAV_SEVERITY_CRITICAL, "GCS Failsafe", 0),
    );
    b.tick();
    assert!(b.monitor.acknowledge(V1, AlertKind::Failsafe));
    assert_eq!(kinds(&b.after(S)), [(false, AlertKind::Failsafe)]);
    // Acknowledged, then a new failsafe text in the same update: raised anew.
    b.send(
        1,
        text(MavSeverity::MAV_SEVERITY_CRITICAL, "Battery Failsafe", 0),
    );
    b.tick();
    assert!(b.monitor.acknowledge(V1, AlertKind::Failsafe));
    b.send(
        1,
        text(MavSeverity::MAV_SEVERITY_CRITICAL, "EKF Failsafe", 0),
    );
    let again = b.after(S);
    assert_eq!(
        kinds(&again),
        [(false, AlertKind::Failsafe), (true, AlertKind::Failsafe)]
    );
    assert_eq!(again[1].alert().text, "Vehicle 1: EKF Failsafe");
    assert!(!again[1].alert().acknowledged);
}

#[test]
fn texts_older_than_the_latch_are_history() {
    let mut b = Bench::new();
    b.send(
        1,
        text(MavSeverity::MAV_SEVERITY_WARNING, "Radio Failsafe", 0),
    );
    b.t_us += 31 * S;
    b.send(
        1,
        heartbeat(MavAutopilot::MAV_AUTOPILOT_ARDUPILOTMEGA, true),
    );
    assert!(
        b.tick().is_empty(),
        "the monitor started after the latch ended"
    );
    // Texts already read are not read twice.
    b.send(
        1,
        text(MavSeverity::MAV_SEVERITY_WARNING, "GCS Failsafe", 0),
    );
    assert_eq!(kinds(&b.tick()), [(true, AlertKind::Failsafe)]);
    b.monitor.acknowledge(V1, AlertKind::Failsafe);
    assert_eq!(kinds(&b.after(1)), [(false, AlertKind::Failsafe)]);
    assert!(b.after(1).is_empty());
}

/// Replays a sample tlog (../shared/samples) through `Fleet` and the monitor, updating every
/// 100 ms of tlog time like the app's snapshots; returns (seconds since the first record,
/// raised?, kind, text) of every change.
fn replay(relative: &str) -> Vec<(f64, bool, AlertKind, String)> {
    let path = crate::test_support::sample(relative);
    let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut fleet = Fleet::new();
    let mut monitor = AlertMonitor::default();
    let mut out = Vec::new();
    let (mut first_us, mut last_us) = (None, 0);
    for rec in TlogReader::new(&data) {
        fleet.check_timeouts(rec.t_us);
        fleet.apply_raw(&rec.header, rec.payload(), rec.t_us);
        let first = *first_us.get_or_insert(rec.t_us);
        if rec.t_us < last_us + 100_000 {
            continue;
        }
        last_us = rec.t_us;
        for c in monitor.update(fleet.iter(), rec.t_us) {
            let a = c.alert();
            let t_s = (rec.t_us - first) as f64 / 1e6;
            out.push((
                t_s,
                matches!(c, AlertChange::Raised(_)),
                a.kind,
                a.text.clone(),
            ));
        }
    }
    out
}

#[test]
fn sample_terrain_failsafe_latches_30_s() {
    // ArduCopter 4.1.1, real flight: "Failsafe: Terrain data missing" 12 s into the log.
    let changes = replay("tlog/arducopter411_real_2021_onboard_mav2_auto36wp.tlog");
    let text = "Vehicle 10: Failsafe: Terrain data missing";
    assert_eq!(changes.len(), 2, "{changes:?}");
    let (raised_s, cleared_s) = (changes[0].0, changes[1].0);
    assert_eq!(
        (changes[0].1, changes[0].2, changes[0].3.as_str()),
        (true, AlertKind::Failsafe, text)
    );
    assert_eq!((changes[1].1, changes[1].2), (false, AlertKind::Failsafe));
    assert!((12.0..12.5).contains(&raised_s), "{raised_s}");
    assert!((cleared_s - raised_s - 30.0).abs() < 0.2, "{cleared_s}");
}

#[test]
fn sample_pre_arm_and_cleared_texts_are_not_alerts() {
    // Ten "PreArm: Throttle below Failsafe" (ArduCopter 4.1.1 on the bench).
    let changes = replay("tlog/arducopter411_real_2021_missionplanner_mixed_v1v2_wpdownload.tlog");
    assert!(changes.is_empty(), "{changes:?}");
    // ArduPlane SITL: "Throttle failsafe off" at boot; the battery runs down to 25 % later.
    let changes = replay("sitl/arduplane_sitl_survey_jalalabad_camera.tlog");
    let kinds: Vec<_> = changes.iter().map(|c| (c.1, c.2)).collect();
    assert_eq!(kinds, [(true, AlertKind::LowBattery)], "{changes:?}");
    // ArduSub at the surface, GPS reporting "No GPS" for seconds at a time: no GPS alerts.
    let changes = replay("tlog/ardusub411_real_2023_qgc_mav2.tlog");
    assert!(changes.is_empty(), "{changes:?}");
}

#[test]
fn sample_battery_runs_low_then_critical() {
    let changes = replay("sitl/arducopter_sitl_survey_talas_camera.tlog");
    let got: Vec<_> = changes.iter().map(|c| (c.1, c.2, c.3.as_str())).collect();
    assert_eq!(
        got,
        [
            (
                true,
                AlertKind::LowBattery,
                "Vehicle 1: battery 25 % (12.6 V)"
            ),
            (
                false,
                AlertKind::LowBattery,
                "Vehicle 1: battery 16 % (12.6 V)"
            ),
            (
                true,
                AlertKind::CriticalBattery,
                "Vehicle 1: battery 15 % (12.6 V)"
            ),
        ]
    );
}
