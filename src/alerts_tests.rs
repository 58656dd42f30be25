//! Unit tests of [`AlertMonitor`]: vehicle states are built by feeding MAVLink frames through
//! [`Fleet`], as the app's backend does.

use super::*;
use crate::protocol::dialect::{
    BATTERY_STATUS_DATA, EKF_STATUS_REPORT_DATA, EkfStatusFlags, GPS_RAW_INT_DATA, GpsFixType,
    HEARTBEAT_DATA, MavAutopilot, MavBatteryChargeState, MavBatteryFunction, MavBatteryType,
    MavMessage, MavModeFlag, MavSeverity, MavState, MavSysStatusSensor, MavType, STATUSTEXT_DATA,
    SYS_STATUS_DATA,
};
use crate::protocol::frame::{Sender, Version};
use crate::vehicle::Fleet;
use proptest::prelude::*;

const T0: u64 = 1_700_000_000_000_000;
const S: u64 = 1_000_000;
const V1: VehicleId = VehicleId::new(1, 1);
const V2: VehicleId = VehicleId::new(2, 1);

/// A fleet, a monitor and a clock.
struct Bench {
    fleet: Fleet,
    monitor: AlertMonitor,
    t_us: u64,
}

impl Bench {
    fn new() -> Self {
        Self::with(AlertConfig::default())
    }

    fn with(config: AlertConfig) -> Self {
        let mut b = Self {
            fleet: Fleet::new(),
            monitor: AlertMonitor::new(config).expect("valid config"),
            t_us: T0,
        };
        b.send(
            1,
            heartbeat(MavAutopilot::MAV_AUTOPILOT_ARDUPILOTMEGA, true),
        );
        b
    }

    fn send(&mut self, sysid: u8, msg: MavMessage) {
        let f = Sender::new(sysid, 1).encode(&msg, Version::V2);
        self.fleet.apply_raw(f.header(), f.payload(), self.t_us);
    }

    fn tick(&mut self) -> Vec<AlertChange> {
        self.fleet.check_timeouts(self.t_us);
        self.monitor.update(self.fleet.iter(), self.t_us)
    }

    /// Advances the clock by `dt_us` and updates.
    fn after(&mut self, dt_us: u64) -> Vec<AlertChange> {
        self.t_us += dt_us;
        self.tick()
    }

    /// Advances `secs` seconds in 1 s steps with a heartbeat each, collecting the changes.
    fn beat_for(&mut self, secs: u64) -> Vec<AlertChange> {
        let mut out = Vec::new();
        for _ in 0..secs {
            self.t_us += S;
            self.send(
                1,
                heartbeat(MavAutopilot::MAV_AUTOPILOT_ARDUPILOTMEGA, true),
            );
            out.extend(self.tick());
        }
        out
    }

    /// Sends a text of any length from vehicle 1, in 50-byte chunks with id 7 (MAVLink 2).
    fn send_text(&mut self, s: &str) {
        for (seq, piece) in s.as_bytes().chunks(50).enumerate() {
            let piece = std::str::from_utf8(piece).expect("ASCII");
            let seq = u8::try_from(seq).expect("short text");
            self.send(1, chunk(MavSeverity::MAV_SEVERITY_CRITICAL, piece, 7, seq));
        }
    }

    /// Sends a battery report from vehicle 1 and updates.
    fn battery(&mut self, pct: i8, mv: u16) -> Vec<AlertChange> {
        self.send(1, sys_status(pct, mv, 0));
        self.tick()
    }

    fn active_kinds(&self) -> Vec<(u8, AlertKind)> {
        self.monitor
            .active()
            .iter()
            .map(|a| (a.vehicle.sysid, a.kind))
            .collect()
    }
}

fn heartbeat(autopilot: MavAutopilot, armed: bool) -> MavMessage {
    let mut base_mode = MavModeFlag::MAV_MODE_FLAG_CUSTOM_MODE_ENABLED;
    if armed {
        base_mode |= MavModeFlag::MAV_MODE_FLAG_SAFETY_ARMED;
    }
    MavMessage::HEARTBEAT(HEARTBEAT_DATA {
        custom_mode: 3,
        mavtype: MavType::MAV_TYPE_QUADROTOR,
        autopilot,
        base_mode,
        system_status: MavState::MAV_STATE_ACTIVE,
        mavlink_version: 3,
    })
}

/// SYS_STATUS with a battery and the geofence sensor present and enabled; `unhealthy` bits
/// are reported unhealthy.
fn sys_status(pct: i8, mv: u16, unhealthy: u32) -> MavMessage {
    let all = MavSysStatusSensor::from_bits_retain(
        MavSysStatusSensor::MAV_SYS_STATUS_GEOFENCE.bits()
            | MavSysStatusSensor::MAV_SYS_STATUS_SENSOR_GPS.bits(),
    );
    MavMessage::SYS_STATUS(SYS_STATUS_DATA {
        onboard_control_sensors_present: all,
        onboard_control_sensors_enabled: all,
        onboard_control_sensors_health: MavSysStatusSensor::from_bits_retain(
            all.bits() & !unhealthy,
        ),
        voltage_battery: mv,
        current_battery: 1_200,
        battery_remaining: pct,
        ..Default::default()
    })
}

fn gps(fix: GpsFixType, satellites: u8) -> MavMessage {
    MavMessage::GPS_RAW_INT(GPS_RAW_INT_DATA {
        fix_type: fix,
        lat: 425_000_000,
        lon: 722_000_000,
        eph: 90,
        epv: 150,
        satellites_visible: satellites,
        ..Default::default()
    })
}

fn ekf(flags: u16, velocity: f32, pos_horiz: f32, compass: f32) -> MavMessage {
    MavMessage::EKF_STATUS_REPORT(EKF_STATUS_REPORT_DATA {
        flags: EkfStatusFlags::from_bits_retain(flags),
        velocity_variance: velocity,
        pos_horiz_variance: pos_horiz,
        compass_variance: compass,
        ..Default::default()
    })
}

/// A STATUSTEXT that fits one chunk (`id` 0 as ArduPilot sends, non-zero as PX4 does).
fn text(severity: MavSeverity, s: &str, id: u16) -> MavMessage {
    assert!(s.len() <= 50, "use send_text for long texts");
    chunk(severity, s, id, 0)
}

fn chunk(severity: MavSeverity, s: &str, id: u16, chunk_seq: u8) -> MavMessage {
    MavMessage::STATUSTEXT(STATUSTEXT_DATA {
        severity,
        text: s.into(),
        id,
        chunk_seq,
    })
}

/// (raised?, sysid, kind, text) of each change.
fn edges(changes: &[AlertChange]) -> Vec<(bool, u8, AlertKind, String)> {
    changes
        .iter()
        .map(|c| {
            let a = c.alert();
            (
                matches!(c, AlertChange::Raised(_)),
                a.vehicle.sysid,
                a.kind,
                a.text.clone(),
            )
        })
        .collect()
}

fn raised(kind: AlertKind, text: &str) -> (bool, u8, AlertKind, String) {
    (true, 1, kind, text.to_owned())
}

fn kinds(changes: &[AlertChange]) -> Vec<(bool, AlertKind)> {
    changes
        .iter()
        .map(|c| (matches!(c, AlertChange::Raised(_)), c.alert().kind))
        .collect()
}

#[test]
fn low_battery_raises_once_and_clears_above_the_band() {
    let mut b = Bench::new();
    assert!(b.battery(40, 15_800).is_empty());
    assert_eq!(
        edges(&b.battery(25, 14_210)),
        [raised(
            AlertKind::LowBattery,
            "Vehicle 1: battery 25 % (14.2 V)"
        )]
    );
    // Hovering in the hysteresis band (threshold 25 %, band 3 %): no flapping.
    for pct in [26, 24, 27, 25, 26, 27, 24] {
        assert!(b.battery(pct, 14_200).is_empty(), "{pct} %");
    }
    let a = b.monitor.get(V1, AlertKind::LowBattery).expect("active");
    assert_eq!(
        a.text, "Vehicle 1: battery 24 % (14.2 V)",
        "text follows the data"
    );
    assert_eq!((a.severity, a.raised_us), (Severity::Warning, T0));
    assert_eq!(
        kinds(&b.battery(28, 14_300)),
        [(false, AlertKind::LowBattery)]
    );
    assert!(b.monitor.active().is_empty());
    assert_eq!(
        kinds(&b.battery(25, 14_300)),
        [(true, AlertKind::LowBattery)]
    );
}

#[test]
fn critical_battery_supersedes_low_and_falls_back_to_low() {
    let mut b = Bench::new();
    assert_eq!(
        kinds(&b.battery(18, 14_000)),
        [(true, AlertKind::LowBattery)]
    );
    let going_critical = b.battery(15, 13_600);
    assert_eq!(
        kinds(&going_critical),
        [
            (false, AlertKind::LowBattery),
            (true, AlertKind::CriticalBattery)
        ],
        "clears first"
    );
    assert_eq!(going_critical[1].alert().severity, Severity::Critical);
    assert!(b.battery(17, 13_700).is_empty(), "within the band");
    assert_eq!(
        kinds(&b.battery(18, 13_800)),
        [
            (false, AlertKind::CriticalBattery),
            (true, AlertKind::LowBattery)
        ]
    );
    assert_eq!(
        kinds(&b.battery(90, 16_800)),
        [(false, AlertKind::LowBattery)]
    );
    // A battery without a remaining estimate (-1) and no voltage threshold: never an alert.
    assert!(b.battery(-1, 10_000).is_empty());
}

#[test]
fn voltage_threshold_waits_out_sag_and_has_a_band() {
    let mut b = Bench::with(AlertConfig {
        low_battery_v: Some(14.0),
        critical_battery_v: Some(13.2),
        ..AlertConfig::default()
    });
    assert!(b.battery(-1, 15_000).is_empty());
    assert!(b.battery(-1, 13_900).is_empty(), "sag starts");
    b.t_us += 3 * S;
    assert!(b.battery(-1, 13_900).is_empty(), "3 s below");
    assert!(b.battery(-1, 14_500).is_empty(), "sag over");
    assert!(b.battery(-1, 13_900).is_empty());
    b.t_us += 5 * S;
    assert_eq!(
        edges(&b.battery(-1, 13_900)),
        [raised(AlertKind::LowBattery, "Vehicle 1: battery 13.9 V")]
    );
    assert!(b.battery(-1, 14_250).is_empty(), "below 14.0 + 0.3 V");
    assert_eq!(
        kinds(&b.battery(-1, 14_300)),
        [(false, AlertKind::LowBattery)]
    );
    // Critical by voltage, also after the delay (straight to critical, no low first).
    assert!(b.battery(-1, 13_100).is_empty());
    b.t_us += 4 * S;
    assert!(b.battery(-1, 13_100).is_empty());
    b.t_us += S;
    assert_eq!(
        kinds(&b.battery(-1, 13_100)),
        [(true, AlertKind::CriticalBattery)]
    );
    assert!(b.battery(-1, 13_400).is_empty(), "below 13.2 + 0.3 V");
    assert_eq!(
        kinds(&b.battery(-1, 13_500)),
        [
            (false, AlertKind::CriticalBattery),
            (true, AlertKind::LowBattery)
        ]
    );
}

#[test]
fn link_lost_and_recovered() {
    let mut b = Bench::new();
    assert!(b.battery(20, 14_000).len() == 1, "low battery");
    b.send(1, gps(GpsFixType::GPS_FIX_TYPE_3D_FIX, 12));
    assert!(b.tick().is_empty());
    assert!(b.after(5 * S).is_empty(), "exactly 5 s: not yet");
    let lost = b.after(1);
    assert_eq!(
        edges(&lost),
        [raised(
            AlertKind::LinkLost,
            "Vehicle 1: no telemetry for 5 s"
        )]
    );
    assert_eq!(lost[0].alert().severity, Severity::Critical);
    assert_eq!(b.monitor.alarm(), Some(Severity::Critical));
    // A long silence: no GPS alert from stale data, the battery alert stays, the text counts.
    assert!(b.after(30 * S).is_empty());
    assert_eq!(
        b.active_kinds(),
        [(1, AlertKind::LinkLost), (1, AlertKind::LowBattery)]
    );
    assert_eq!(
        b.monitor
            .get(V1, AlertKind::LinkLost)
            .map(|a| a.text.as_str()),
        Some("Vehicle 1: no telemetry for 35 s")
    );
    b.send(
        1,
        heartbeat(MavAutopilot::MAV_AUTOPILOT_ARDUPILOTMEGA, true),
    );
    assert_eq!(kinds(&b.tick()), [(false, AlertKind::LinkLost)]);
    assert_eq!(b.monitor.alarm(), Some(Severity::Warning));
    // GPS_RAW_INT gets its own timeout once the link is back (5 s of heartbeats only).
    assert!(b.beat_for(5).is_empty());
    assert_eq!(
        edges(&b.beat_for(1)),
        [raised(
            AlertKind::GpsLost,
            "Vehicle 1: no GPS data for 41 s"
        )]
    );
}

#[test]
fn acknowledge_silences_but_keeps_condition_alerts() {
    let mut b = Bench::new();
    b.battery(20, 14_000);
    assert_eq!(b.monitor.alarm(), Some(Severity::Warning));
    assert!(!b.monitor.acknowledge(V1, AlertKind::GpsLost), "not active");
    assert!(
        !b.monitor.acknowledge(V2, AlertKind::LowBattery),
        "no such vehicle"
    );
    assert!(b.monitor.acknowledge(V1, AlertKind::LowBattery));
    assert_eq!(b.monitor.alarm(), None);
    assert!(b.battery(19, 13_900).is_empty());
    let a = b
        .monitor
        .get(V1, AlertKind::LowBattery)
        .expect("still visible");
    assert!(a.acknowledged);
    assert_eq!(a.text, "Vehicle 1: battery 19 % (13.9 V)");
    // A new condition is a new, unacknowledged alert.
    b.battery(60, 16_000);
    assert_eq!(
        kinds(&b.battery(20, 14_000)),
        [(true, AlertKind::LowBattery)]
    );
    assert_eq!(b.monitor.alarm(), Some(Severity::Warning));
}

#[test]
fn acknowledge_all_counts_new_acknowledgements() {
    let mut b = Bench::new();
    b.battery(10, 13_000);
    b.send(
        1,
        text(MavSeverity::MAV_SEVERITY_WARNING, "Radio Failsafe", 0),
    );
    b.tick();
    assert_eq!(b.monitor.acknowledge_all(), 2);
    assert_eq!(b.monitor.acknowledge_all(), 0);
    assert_eq!(b.monitor.alarm(), None);
}

#[test]
fn two_vehicles_sorted_and_removed() {
    let mut b = Bench::new();
    b.send(2, heartbeat(MavAutopilot::MAV_AUTOPILOT_PX4, true));
    b.battery(20, 14_000);
    b.send(2, sys_status(5, 13_000, 0));
    let changes = b.tick();
    assert_eq!(edges(&changes)[0].1, 2);
    assert_eq!(changes[0].alert().text, "Vehicle 2: battery 5 % (13.0 V)");
    assert_eq!(
        b.active_kinds(),
        [(2, AlertKind::CriticalBattery), (1, AlertKind::LowBattery)],
        "critical first"
    );
    b.monitor.acknowledge(V2, AlertKind::CriticalBattery);
    assert_eq!(
        b.active_kinds(),
        [(1, AlertKind::LowBattery), (2, AlertKind::CriticalBattery)],
        "acknowledged last"
    );
    // The fleet forgets its vehicles (replay from another point): their alerts end.
    b.fleet.clear();
    let cleared = b.after(S);
    assert_eq!(cleared.len(), 2);
    assert!(
        cleared
            .iter()
            .all(|c| matches!(c, AlertChange::Cleared { .. }))
    );
    assert!(b.monitor.active().is_empty());
}

#[test]
fn time_going_back_starts_over() {
    let mut b = Bench::new();
    b.battery(20, 14_000);
    b.t_us -= 10 * S;
    let changes = b.tick();
    assert_eq!(
        kinds(&changes),
        [
            (false, AlertKind::LowBattery),
            (true, AlertKind::LowBattery)
        ]
    );
}

#[test]
fn kinds_titles_and_labels() {
    assert_eq!(AlertKind::ALL.len(), 7);
    for k in AlertKind::ALL {
        assert!(!k.title().is_empty());
    }
    assert!(Severity::Critical > Severity::Warning);
    assert_eq!(vehicle_label(V1), "Vehicle 1");
    assert_eq!(vehicle_label(VehicleId::new(3, 2)), "Vehicle 3/2");
}

proptest! {
    /// A battery that went low and then hovers anywhere below the top of the band never
    /// clears or raises again.
    #[test]
    fn hovering_battery_does_not_flap(pcts in proptest::collection::vec(10i8..28, 1..60)) {
        let mut b = Bench::new();
        prop_assert_eq!(kinds(&b.battery(25, 14_000)), [(true, AlertKind::LowBattery)]);
        let mut changes = 0;
        for p in pcts.iter().filter(|&&p| p > 15) {
            changes += b.battery(*p, 14_000).len();
        }
        prop_assert_eq!(changes, 0);
    }
}

#[path = "alerts/sensor_tests.rs"]
mod sensor;
#[path = "alerts/text_tests.rs"]
mod text;
