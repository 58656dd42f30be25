//! Sensor alerts: GPS lost, geofence breach (SYS_STATUS bit and text), EKF variances and
//! flags.

use super::*;

#[test]
fn gps_lost_after_a_fix_with_clear_delay() {
    let mut b = Bench::new();
    // Waiting for the first fix is not an alert.
    for _ in 0..5 {
        b.send(1, gps(GpsFixType::GPS_FIX_TYPE_NO_FIX, 3));
        assert!(b.after(S).is_empty());
    }
    b.send(1, gps(GpsFixType::GPS_FIX_TYPE_3D_FIX, 11));
    assert!(b.after(S).is_empty());
    b.send(1, gps(GpsFixType::GPS_FIX_TYPE_2D_FIX, 5));
    assert_eq!(
        edges(&b.tick()),
        [raised(
            AlertKind::GpsLost,
            "Vehicle 1: GPS lost (2D fix, 5 satellites)"
        )]
    );
    // A fix flapping between 3D and 2D keeps one alert.
    for fix in [
        GpsFixType::GPS_FIX_TYPE_3D_FIX,
        GpsFixType::GPS_FIX_TYPE_2D_FIX,
    ] {
        b.send(1, gps(fix, 6));
        assert!(b.after(S).is_empty());
    }
    // Cleared once the 3D fix has held for clear_delay_s (3 s).
    for _ in 0..3 {
        b.send(1, gps(GpsFixType::GPS_FIX_TYPE_RTK_FIXED, 14));
        assert!(b.after(S).is_empty());
    }
    b.send(1, gps(GpsFixType::GPS_FIX_TYPE_RTK_FIXED, 14));
    assert_eq!(kinds(&b.after(S)), [(false, AlertKind::GpsLost)]);
}

#[test]
fn gps_lost_only_while_armed_and_not_for_submarines() {
    let mut b = Bench::new();
    b.send(1, gps(GpsFixType::GPS_FIX_TYPE_3D_FIX, 11));
    b.tick();
    b.send(
        1,
        heartbeat(MavAutopilot::MAV_AUTOPILOT_ARDUPILOTMEGA, false),
    );
    b.send(1, gps(GpsFixType::GPS_FIX_TYPE_NO_FIX, 2));
    assert!(b.after(S).is_empty(), "disarmed on the ground");
    b.send(
        1,
        heartbeat(MavAutopilot::MAV_AUTOPILOT_ARDUPILOTMEGA, true),
    );
    assert_eq!(kinds(&b.after(S)), [(true, AlertKind::GpsLost)], "armed");
    // ArduSub: the 2023 sample's GPS reports "No GPS" for seconds at a time at the surface.
    let mut sub = Bench::new();
    let mut hb = heartbeat(MavAutopilot::MAV_AUTOPILOT_ARDUPILOTMEGA, true);
    if let MavMessage::HEARTBEAT(d) = &mut hb {
        d.mavtype = MavType::MAV_TYPE_SUBMARINE;
    }
    sub.send(1, hb);
    sub.send(1, gps(GpsFixType::GPS_FIX_TYPE_3D_FIX, 21));
    sub.tick();
    sub.send(1, gps(GpsFixType::GPS_FIX_TYPE_NO_GPS, 21));
    assert!(sub.after(S).is_empty());
}

#[test]
fn gps_data_stopping_is_gps_lost() {
    let mut b = Bench::new();
    b.send(1, gps(GpsFixType::GPS_FIX_TYPE_NO_FIX, 0));
    assert!(b.tick().is_empty());
    for _ in 0..5 {
        b.send(
            1,
            heartbeat(MavAutopilot::MAV_AUTOPILOT_ARDUPILOTMEGA, true),
        );
        assert!(b.after(S).is_empty());
    }
    b.send(
        1,
        heartbeat(MavAutopilot::MAV_AUTOPILOT_ARDUPILOTMEGA, true),
    );
    assert_eq!(
        edges(&b.after(1)),
        [raised(AlertKind::GpsLost, "Vehicle 1: no GPS data for 5 s")]
    );
}

#[test]
fn geofence_from_sys_status_bit_and_from_text() {
    let fence_bit = MavSysStatusSensor::MAV_SYS_STATUS_GEOFENCE.bits();
    assert_eq!(fence_bit, 1 << 20, "matches eval::SENSOR_GEOFENCE");
    let mut b = Bench::new();
    b.send(1, sys_status(80, 16_000, fence_bit));
    let changes = b.tick();
    assert_eq!(
        edges(&changes),
        [raised(
            AlertKind::GeofenceBreach,
            "Vehicle 1: geofence breached"
        )]
    );
    assert_eq!(changes[0].alert().severity, Severity::Critical);
    for _ in 0..3 {
        b.send(1, sys_status(80, 16_000, 0));
        assert!(b.after(S).is_empty(), "healthy for less than 3 s");
    }
    b.send(1, sys_status(80, 16_000, 0));
    assert_eq!(kinds(&b.after(S)), [(false, AlertKind::GeofenceBreach)]);
    // Text: latched although SYS_STATUS says healthy.
    b.send(
        1,
        text(
            MavSeverity::MAV_SEVERITY_CRITICAL,
            "Max Alt fence breached",
            0,
        ),
    );
    assert_eq!(
        edges(&b.after(S)),
        [raised(
            AlertKind::GeofenceBreach,
            "Vehicle 1: Max Alt fence breached"
        )]
    );
    assert!(b.beat_for(28).is_empty(), "29 s after the text");
    // The latch ends 30 s after the text; then the clear delay (3 s) runs.
    assert!(b.beat_for(3).is_empty());
    assert_eq!(kinds(&b.beat_for(1)), [(false, AlertKind::GeofenceBreach)]);
}

#[test]
fn ekf_variance_rule_and_attitude() {
    let good = 0x1FF & !0x80; // all estimates good, not in constant position mode
    let mut b = Bench::new();
    b.send(1, ekf(good, 0.3, 0.9, 0.2));
    assert!(b.tick().is_empty(), "position alone is not enough");
    b.send(1, ekf(good, 0.85, 0.2, 0.81));
    assert_eq!(
        edges(&b.after(S)),
        [raised(
            AlertKind::EkfBad,
            "Vehicle 1: EKF variance high (velocity 0.85, position 0.20, compass 0.81)"
        )]
    );
    b.send(1, ekf(good, 0.2, 0.2, 0.2));
    assert!(b.after(S).is_empty());
    b.send(1, ekf(good, 0.2, 0.2, 0.2));
    assert_eq!(kinds(&b.after(3 * S)), [(false, AlertKind::EkfBad)]);
    b.send(1, ekf(good, 1.7, 0.0, 0.0));
    assert_eq!(
        kinds(&b.after(S)),
        [(true, AlertKind::EkfBad)],
        "velocity at twice"
    );
    b.send(1, ekf(good, 0.9, 0.95, 0.0));
    assert!(b.after(S).is_empty(), "velocity and position");
    b.send(1, ekf(good, 0.0, 0.0, 0.0));
    b.after(S);
    assert_eq!(kinds(&b.after(3 * S)), [(false, AlertKind::EkfBad)]);
    b.send(1, ekf(good & !1, 0.0, 0.0, 0.0));
    assert_eq!(
        edges(&b.after(S)),
        [raised(
            AlertKind::EkfBad,
            "Vehicle 1: EKF has no attitude estimate"
        )]
    );
    b.send(1, ekf(good | 0x8000, 0.0, 0.0, 0.0));
    assert!(b.after(S).is_empty());
    assert_eq!(
        b.monitor
            .get(V1, AlertKind::EkfBad)
            .map(|a| a.text.as_str()),
        Some("Vehicle 1: EKF reports a GPS glitch")
    );
    // No flag at all (2018 ArduPilot SITL, flying normally) says nothing about the flags.
    b.send(1, ekf(0, 0.0, 0.0, 0.0));
    b.after(S);
    assert_eq!(kinds(&b.after(3 * S)), [(false, AlertKind::EkfBad)]);
    // Disarmed, flags are not judged.
    b.send(
        1,
        heartbeat(MavAutopilot::MAV_AUTOPILOT_ARDUPILOTMEGA, false),
    );
    b.send(1, ekf(good & !1, 0.0, 0.0, 0.0));
    assert!(b.after(S).is_empty());
}

fn battery_status(pct: i8, charge_state: MavBatteryChargeState) -> MavMessage {
    let mut voltages = [u16::MAX; 10];
    voltages[0] = 10_000;
    MavMessage::BATTERY_STATUS(BATTERY_STATUS_DATA {
        current_consumed: 886,
        energy_consumed: -1,
        temperature: i16::MAX,
        voltages,
        current_battery: 1_500,
        id: 0,
        battery_function: MavBatteryFunction::MAV_BATTERY_FUNCTION_ALL,
        mavtype: MavBatteryType::MAV_BATTERY_TYPE_LIPO,
        battery_remaining: pct,
        charge_state,
        ..Default::default()
    })
}

#[test]
fn the_vehicles_own_low_and_critical_verdicts_raise_battery_alerts() {
    // ArduCopter SITL with SIM_BATT_VOLTAGE 10 reported 73 % (counted from consumed mAh) and
    // charge_state LOW by BATT_LOW_VOLT: the percentage alone would not raise the alert.
    let mut b = Bench::new();
    b.send(
        1,
        battery_status(73, MavBatteryChargeState::MAV_BATTERY_CHARGE_STATE_OK),
    );
    assert!(b.tick().is_empty());
    b.send(
        1,
        battery_status(73, MavBatteryChargeState::MAV_BATTERY_CHARGE_STATE_LOW),
    );
    assert_eq!(
        edges(&b.tick()),
        [raised(
            AlertKind::LowBattery,
            "Vehicle 1: battery 73 % (10.0 V), low by the vehicle's thresholds"
        )]
    );
    b.send(
        1,
        battery_status(72, MavBatteryChargeState::MAV_BATTERY_CHARGE_STATE_CRITICAL),
    );
    let k = kinds(&b.tick());
    assert!(k.contains(&(true, AlertKind::CriticalBattery)), "{k:?}");
    assert!(k.contains(&(false, AlertKind::LowBattery)), "{k:?}");
}
