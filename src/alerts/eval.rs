//! The alert conditions of one vehicle at one time, and the STATUSTEXT wording rules.
//!
//! Kept apart from the monitor's edge/hysteresis bookkeeping so each rule reads on its own:
//! one function per alert source, each turning a [`VehicleState`] into a [`Condition`].

use crate::vehicle::{
    EKF_ATTITUDE, EKF_GPS_GLITCHING, FieldGroup, VehicleClass, VehicleState, gps_fix_name,
};

use super::{
    AlertChange, AlertConfig, AlertKind, BatteryLevel, Condition, Latch, Track, secs_to_us,
    vehicle_label,
};

/// MAV_SYS_STATUS_GEOFENCE: ArduPilot clears its health bit while a fence is breached.
const SENSOR_GEOFENCE: u32 = 1 << 20;
/// A GPS fix of this GPS_FIX_TYPE or better is good (3D, DGPS, RTK, static, PPP).
const FIX_3D: u8 = 3;

/// What a STATUSTEXT means for alerts (see [`classify_status_text`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextSignal {
    /// The vehicle announces the condition ("Radio Failsafe", "Max Alt fence breached").
    Raise(AlertKind),
    /// The vehicle announces its end ("Radio Failsafe Cleared", "Throttle failsafe off").
    Clear(AlertKind),
}

/// Texts starting like this are pre-arm or arming check results, never alerts.
const CHECK_PREFIXES: [&str; 6] = [
    "prearm",
    "pre-arm",
    "pre arm",
    "arm:",
    "preflight",
    "pre-flight",
];
/// Words that say a failsafe or breach has ended.
const CLEAR_WORDS: [&str; 9] = [
    "cleared",
    "clear",
    "off",
    "resolved",
    "restored",
    "deactivated",
    "disabled",
    "recovered",
    "ended",
];

/// Classifies a STATUSTEXT by its wording (case-insensitive), as ArduPilot and PX4 send them:
/// - failsafe: any text with "failsafe" / "fail-safe" — ArduCopter "Radio Failsafe",
///   "Battery Failsafe - Disarming", "GCS Failsafe", "EKF Failsafe", "Failsafe: Terrain data
///   missing"; ArduPlane "Failsafe. Short event on: type=1/reason=3", "Throttle failsafe on";
///   PX4 "Failsafe mode activated", "Failsafe enabled: no datalink", "Failsafe activated",
///   "Failsafe activated, entering Hold for 5 seconds".
/// - geofence: "fence" together with "breach…", "violat…", "exceed…", "triggered" or
///   "outside" — ArduPilot "Max Alt fence breached", "Geofence triggered"; PX4 "Geofence
///   violation", "Geofence exceeded max vertical distance by 5.0 m". "Geofence loaded" is not.
/// - a clear word ("cleared", "off", "resolved", "restored", "deactivated", "disabled",
///   "recovered", "ended") turns either into [`TextSignal::Clear`]: "Radio Failsafe Cleared",
///   "Throttle failsafe off", "Failsafe. Short event off: reason=3", "Failsafe mode
///   deactivated".
/// - pre-arm and arming checks ("PreArm: Throttle below Failsafe", "Arm: ...", PX4
///   "Preflight Fail: ...") are never alerts.
pub fn classify_status_text(text: &str) -> Option<TextSignal> {
    let lower = text.trim().to_lowercase();
    if CHECK_PREFIXES.iter().any(|p| lower.starts_with(p)) {
        return None;
    }
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let breach_word = |w: &&str| {
        ["breach", "violat", "exceed"]
            .iter()
            .any(|p| w.starts_with(p))
            || *w == "triggered"
            || *w == "outside"
    };
    let fail_safe = words.windows(2).any(|w| w == ["fail", "safe"]);
    let kind = if lower.contains("fence") && words.iter().any(breach_word) {
        AlertKind::GeofenceBreach
    } else if lower.contains("failsafe") || fail_safe {
        AlertKind::Failsafe
    } else {
        return None;
    };
    if words.iter().any(|w| CLEAR_WORDS.contains(w)) {
        Some(TextSignal::Clear(kind))
    } else {
        Some(TextSignal::Raise(kind))
    }
}

/// Every condition of `v` at `t_us`, in [`AlertKind::ALL`] order. Updates the track's
/// latches, battery level and fix memory; a text that re-raises an acknowledged alert ends
/// that alert first (pushed to `changes`) so that it is raised anew.
pub(super) fn evaluate(
    config: &AlertConfig,
    track: &mut Track,
    v: &VehicleState,
    t_us: u64,
    changes: &mut Vec<AlertChange>,
) -> Vec<(AlertKind, Condition)> {
    let label = vehicle_label(v.id);
    scan_texts(config, track, v, t_us, changes);
    for latch in [&mut track.failsafe, &mut track.fence] {
        if latch.as_ref().is_some_and(|l| l.until_us <= t_us) {
            *latch = None;
        }
    }
    let silent_us = t_us.saturating_sub(v.last_heard_us);
    let link_lost = silent_us > secs_to_us(config.link_timeout_s);
    let link = if link_lost {
        Condition::Active(format!(
            "{label}: no telemetry for {} s",
            silent_us / 1_000_000
        ))
    } else {
        Condition::Inactive
    };
    let (low, critical) = battery(config, track, v, t_us, &label);
    let gps = if link_lost {
        // Everything is stale while the link is down: that is the link alert, not a GPS one.
        track.link_up_since_us = None;
        Condition::Unknown
    } else {
        let up_since_us = *track.link_up_since_us.get_or_insert(t_us);
        gps(config, track, v, t_us, up_since_us, &label)
    };
    vec![
        (AlertKind::LinkLost, link),
        (AlertKind::CriticalBattery, critical),
        (
            AlertKind::Failsafe,
            latched(track.failsafe.as_ref(), &label),
        ),
        (
            AlertKind::GeofenceBreach,
            fence(track.fence.as_ref(), v, &label),
        ),
        (AlertKind::LowBattery, low),
        (AlertKind::GpsLost, gps),
        (AlertKind::EkfBad, ekf(config, v, &label)),
    ]
}

/// Reads the STATUSTEXTs received since the last update into the failsafe and fence latches.
fn scan_texts(
    config: &AlertConfig,
    track: &mut Track,
    v: &VehicleState,
    t_us: u64,
    changes: &mut Vec<AlertChange>,
) {
    let total = v.status_log.total();
    // A smaller total means a new state for this id (fleet cleared, replay restarted).
    let new = total.checked_sub(track.status_seen).unwrap_or(total);
    track.status_seen = total;
    let n = usize::try_from(new)
        .unwrap_or(usize::MAX)
        .min(v.status_log.len());
    let latch_us = secs_to_us(config.text_latch_s);
    let entries: Vec<_> = v.status_log.entries().rev().take(n).collect();
    for e in entries.into_iter().rev() {
        let (kind, raise) = match classify_status_text(&e.text) {
            Some(TextSignal::Raise(kind)) => (kind, true),
            Some(TextSignal::Clear(kind)) => (kind, false),
            None => continue,
        };
        let latch = match kind {
            AlertKind::Failsafe => &mut track.failsafe,
            _ => &mut track.fence,
        };
        if !raise {
            if let Some(l) = latch.as_mut() {
                l.cleared_text = Some(e.text.trim().to_owned());
            }
            continue;
        }
        let until_us = e.t_us.saturating_add(latch_us);
        if until_us <= t_us {
            continue; // older than the latch: seen before this monitor started
        }
        *latch = Some(Latch {
            until_us,
            text: e.text.trim().to_owned(),
            cleared_text: None,
        });
        if track.active.get(&kind).is_some_and(|a| a.acknowledged)
            && let Some(alert) = track.active.remove(&kind)
        {
            changes.push(AlertChange::Cleared { alert, t_us });
        }
    }
}

/// A latched text alert.
fn latched(latch: Option<&Latch>, label: &str) -> Condition {
    match latch {
        Some(Latch {
            text,
            cleared_text: Some(cleared),
            ..
        }) => Condition::Active(format!("{label}: {text} ({cleared})")),
        Some(l) => Condition::Active(format!("{label}: {}", l.text)),
        None => Condition::Inactive,
    }
}

/// Geofence: a latched text, or the last SYS_STATUS geofence bit (kept while stale).
fn fence(latch: Option<&Latch>, v: &VehicleState, label: &str) -> Condition {
    if latch.is_some() {
        return latched(latch, label);
    }
    let breached = v
        .sensors
        .is_some_and(|s| s.unhealthy_bits() & SENSOR_GEOFENCE != 0);
    if breached {
        Condition::Active(format!("{label}: geofence breached"))
    } else {
        Condition::Inactive
    }
}

/// MAV_BATTERY_CHARGE_STATE values the alerts use.
const CHARGE_STATE_LOW: u8 = 2;
const CHARGE_STATE_CRITICAL: u8 = 3;
const CHARGE_STATE_EMERGENCY: u8 = 4;

/// Low and critical battery conditions from the last known battery values and the vehicle's
/// own charge state.
fn battery(
    config: &AlertConfig,
    track: &mut Track,
    v: &VehicleState,
    t_us: u64,
    label: &str,
) -> (Condition, Condition) {
    let b = &v.battery;
    let prev = track.battery;
    let by_pct = b.remaining_pct.map_or(BatteryLevel::Normal, |pct| {
        let h = config.battery_hysteresis_pct;
        if pct <= config.critical_battery_pct
            || (prev == BatteryLevel::Critical && pct < config.critical_battery_pct + h)
        {
            BatteryLevel::Critical
        } else if pct <= config.low_battery_pct
            || (prev >= BatteryLevel::Low && pct < config.low_battery_pct + h)
        {
            BatteryLevel::Low
        } else {
            BatteryLevel::Normal
        }
    });
    let delay_us = secs_to_us(config.battery_voltage_delay_s);
    let h = config.battery_hysteresis_v;
    let voltage_at = |threshold: Option<f64>, since: &mut Option<u64>, level| {
        let (Some(th), Some(volts)) = (threshold, b.voltage_v) else {
            *since = None;
            return false;
        };
        if volts <= th {
            let start = *since.get_or_insert(t_us);
            t_us.saturating_sub(start) >= delay_us || prev >= level
        } else {
            *since = None;
            prev >= level && volts < th + h
        }
    };
    let by_voltage = if voltage_at(
        config.critical_battery_v,
        &mut track.critical_v_since_us,
        BatteryLevel::Critical,
    ) {
        BatteryLevel::Critical
    } else if voltage_at(
        config.low_battery_v,
        &mut track.low_v_since_us,
        BatteryLevel::Low,
    ) {
        BatteryLevel::Low
    } else {
        BatteryLevel::Normal
    };
    // The vehicle's own verdict by its own thresholds (ArduPilot: BATT_LOW_VOLT, BATT_LOW_MAH,
    // and their critical twins), which a percentage counted from consumed mAh can miss.
    let by_vehicle = match b.charge_state {
        Some(CHARGE_STATE_LOW) => BatteryLevel::Low,
        Some(CHARGE_STATE_CRITICAL | CHARGE_STATE_EMERGENCY) => BatteryLevel::Critical,
        _ => BatteryLevel::Normal,
    };
    let level = by_pct.max(by_voltage).max(by_vehicle);
    track.battery = level;
    let mut text = match (b.remaining_pct, b.voltage_v) {
        (Some(p), Some(volts)) => format!("{label}: battery {p:.0} % ({volts:.1} V)"),
        (Some(p), None) => format!("{label}: battery {p:.0} %"),
        (None, Some(volts)) => format!("{label}: battery {volts:.1} V"),
        (None, None) => format!("{label}: battery"),
    };
    if by_vehicle > BatteryLevel::Normal && by_vehicle >= by_pct.max(by_voltage) {
        text.push_str(if by_vehicle == BatteryLevel::Critical {
            ", critical by the vehicle's thresholds"
        } else {
            ", low by the vehicle's thresholds"
        });
    }
    match level {
        BatteryLevel::Normal => (Condition::Inactive, Condition::Inactive),
        BatteryLevel::Low => (Condition::Active(text), Condition::Inactive),
        BatteryLevel::Critical => (Condition::Inactive, Condition::Active(text)),
    }
}

/// GPS lost, while armed: no GPS_RAW_INT for [`AlertConfig::gps_timeout_s`] after it was
/// received, or a fix below 3D after a 3D fix was seen (no alert while a vehicle waits for its
/// first fix). Right after the link comes back the next report is on its way: a stale GPS
/// keeps its state until then. Not for submarines, which lose GPS whenever they dive.
fn gps(
    config: &AlertConfig,
    track: &mut Track,
    v: &VehicleState,
    t_us: u64,
    link_up_since_us: u64,
    label: &str,
) -> Condition {
    let Some(g) = v.gps else {
        return Condition::Inactive;
    };
    let timeout_us = secs_to_us(config.gps_timeout_s);
    let age_us = v.age_us(FieldGroup::Gps, t_us).unwrap_or(0);
    let fresh = age_us <= timeout_us;
    if fresh && g.fix_type >= FIX_3D {
        track.had_3d_fix = true;
    }
    if !v.armed || v.class == VehicleClass::Sub {
        return Condition::Inactive;
    }
    if !fresh {
        if t_us.saturating_sub(link_up_since_us) <= timeout_us {
            return Condition::Unknown;
        }
        return Condition::Active(format!("{label}: no GPS data for {} s", age_us / 1_000_000));
    }
    if g.fix_type >= FIX_3D || !track.had_3d_fix {
        return Condition::Inactive;
    }
    let sats = g
        .satellites
        .map(|n| format!(", {n} satellites"))
        .unwrap_or_default();
    Condition::Active(format!(
        "{label}: GPS lost ({}{sats})",
        gps_fix_name(g.fix_type)
    ))
}

/// EKF bad by ArduCopter's EKF failsafe rule (`ekf_over_threshold`): compass variance over the
/// threshold counts one, velocity one (two at twice the threshold); bad with two counts, or
/// with the position variance over the threshold and one count. While armed, also bad by its
/// flags: no attitude estimate, or GPS glitching. A report without any flag set says nothing
/// about them (2018 ArduPilot SITL sends 0 while flying normally). Judged on the last report.
fn ekf(config: &AlertConfig, v: &VehicleState, label: &str) -> Condition {
    let Some(e) = v.ekf else {
        return Condition::Inactive;
    };
    let th = config.ekf_variance_threshold;
    let mut over = u8::from(e.compass_variance >= th);
    if e.velocity_variance >= 2.0 * th {
        over += 2;
    } else if e.velocity_variance >= th {
        over += 1;
    }
    let flags_known = v.armed && e.flags != 0;
    if over >= 2 || (over >= 1 && e.pos_horiz_variance >= th) {
        Condition::Active(format!(
            "{label}: EKF variance high (velocity {:.2}, position {:.2}, compass {:.2})",
            e.velocity_variance, e.pos_horiz_variance, e.compass_variance
        ))
    } else if flags_known && !e.has(EKF_ATTITUDE) {
        Condition::Active(format!("{label}: EKF has no attitude estimate"))
    } else if flags_known && e.has(EKF_GPS_GLITCHING) {
        Condition::Active(format!("{label}: EKF reports a GPS glitch"))
    } else {
        Condition::Inactive
    }
}
