//! Alerts an operator cannot miss: link lost, low and critical battery, GPS lost, geofence
//! breach, failsafe, bad EKF, per vehicle, edge-triggered, with hysteresis and acknowledgement.
//!
//! Why it exists: the numbers on a status card change quietly; the few conditions that end a
//! flight must be raised once (with a sound), stay visible while they last, and not flap when
//! a value hovers at its threshold. The app's Fly view feeds every telemetry snapshot to an
//! [`AlertMonitor`] and shows [`AlertMonitor::active`]; the [`AlertChange`]s returned by
//! [`AlertMonitor::update`] say when to play a tone. Pure: time is passed in (`t_us`,
//! microseconds since the Unix epoch, tlog time in replay), so live and replay behave alike.
//!
//! Where each alert comes from (all from [`VehicleState`]):
//! - `LinkLost`: no message of any kind for [`AlertConfig::link_timeout_s`]; cleared on the
//!   next message. While a link is lost the other conditions keep their last state (stale data
//!   neither raises nor clears them); only text latches expire.
//! - `LowBattery` / `CriticalBattery`: remaining percent (and optionally pack voltage, which
//!   must stay low for [`AlertConfig::battery_voltage_delay_s`] to ride out sag under load),
//!   with a hysteresis band above each threshold. At most one of the two is active: going
//!   critical clears the low alert.
//! - `GpsLost` (armed vehicles, not submarines): the fix dropped below 3D after a 3D fix was
//!   seen, or GPS_RAW_INT stopped for [`AlertConfig::gps_timeout_s`] after it had been
//!   received.
//! - `GeofenceBreach`: the vehicle model keeps no FENCE_STATUS, so this comes from the
//!   SYS_STATUS geofence sensor bit (present, enabled and unhealthy: ArduPilot clears the
//!   health bit while a fence is breached) or from STATUSTEXT wording ("Max Alt fence
//!   breached", PX4 "Geofence violation", ...), see [`classify_status_text`].
//! - `Failsafe`: STATUSTEXT failsafe wording of ArduPilot and PX4 ("Radio Failsafe",
//!   "Failsafe: Terrain data missing", "Failsafe. Short event on", "Failsafe mode activated",
//!   ...). Pre-arm texts ("PreArm: Throttle below Failsafe") are not alerts.
//! - `EkfBad`: EKF_STATUS_REPORT (ArduPilot) variances over
//!   [`AlertConfig::ekf_variance_threshold`] by ArduCopter's own EKF failsafe rule; while
//!   armed also its flags (no attitude estimate, GPS glitching).
//!
//! Text alerts (failsafe, geofence wording) latch for [`AlertConfig::text_latch_s`] after the
//! latest matching text, so a failsafe that cleared after a second is still seen; a "cleared"
//! text does not end the latch early but is shown beside the original text. Condition alerts
//! (GPS, EKF, geofence bit) clear only after the condition has been gone for
//! [`AlertConfig::clear_delay_s`]. Acknowledging silences an alert (the app stops its tone) but
//! keeps it visible while the condition lasts; acknowledging ends a text latch, so a failsafe
//! text alert clears at the next update (a geofence alert once the SYS_STATUS bit is healthy
//! too). A new matching text raises the alert anew.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::vehicle::{VehicleId, VehicleState};

mod config;
mod eval;

pub use config::AlertConfig;
pub use eval::{TextSignal, classify_status_text};

/// Why alert settings were refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AlertError {
    /// A setting is out of range.
    #[error("alert setting `{field}`: expected {expected}, found {found}")]
    InvalidConfig {
        /// The [`AlertConfig`] field.
        field: &'static str,
        /// What is accepted.
        expected: &'static str,
        /// The value given.
        found: String,
    },
}

/// How urgent an alert is; `Critical` sorts above `Warning`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    /// Needs attention soon.
    Warning,
    /// Needs attention now.
    Critical,
}

/// What an alert is about. Declaration order is the display order within a severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AlertKind {
    /// No message from the vehicle for a while.
    LinkLost,
    /// Battery at or below the critical threshold.
    CriticalBattery,
    /// The vehicle announced a failsafe.
    Failsafe,
    /// The vehicle is outside its geofence.
    GeofenceBreach,
    /// Battery at or below the low threshold.
    LowBattery,
    /// GPS fix lost (below 3D) or GPS data stopped.
    GpsLost,
    /// EKF variances too high or no attitude estimate.
    EkfBad,
}

impl AlertKind {
    /// Every kind, in display order.
    pub const ALL: [AlertKind; 7] = [
        AlertKind::LinkLost,
        AlertKind::CriticalBattery,
        AlertKind::Failsafe,
        AlertKind::GeofenceBreach,
        AlertKind::LowBattery,
        AlertKind::GpsLost,
        AlertKind::EkfBad,
    ];

    /// The severity of this kind. GPS and EKF problems are warnings: when they matter the
    /// autopilot's own failsafe follows, and that is critical.
    pub const fn severity(self) -> Severity {
        match self {
            AlertKind::LinkLost
            | AlertKind::CriticalBattery
            | AlertKind::Failsafe
            | AlertKind::GeofenceBreach => Severity::Critical,
            AlertKind::LowBattery | AlertKind::GpsLost | AlertKind::EkfBad => Severity::Warning,
        }
    }

    /// A short English title ("Link lost", "Low battery", ...).
    pub const fn title(self) -> &'static str {
        match self {
            AlertKind::LinkLost => "Link lost",
            AlertKind::CriticalBattery => "Critical battery",
            AlertKind::Failsafe => "Failsafe",
            AlertKind::GeofenceBreach => "Geofence breach",
            AlertKind::LowBattery => "Low battery",
            AlertKind::GpsLost => "GPS lost",
            AlertKind::EkfBad => "EKF bad",
        }
    }
}

/// One active alert.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    /// The vehicle.
    pub vehicle: VehicleId,
    /// What it is about.
    pub kind: AlertKind,
    /// How urgent ([`AlertKind::severity`]).
    pub severity: Severity,
    /// Short English text built from the data, e.g. "Vehicle 1: battery 18 % (14.2 V)";
    /// refreshed on every update while the alert is active.
    pub text: String,
    /// When it was raised, microseconds since the Unix epoch.
    pub raised_us: u64,
    /// True once the operator acknowledged it (its tone stops).
    pub acknowledged: bool,
}

/// An edge: an alert was raised or cleared.
#[derive(Debug, Clone, PartialEq)]
pub enum AlertChange {
    /// A new alert (play its tone).
    Raised(Alert),
    /// An alert ended; `alert` is its last state.
    Cleared {
        /// The alert as it was when it ended.
        alert: Alert,
        /// When it ended, microseconds since the Unix epoch.
        t_us: u64,
    },
}

impl AlertChange {
    /// The alert raised or cleared.
    pub fn alert(&self) -> &Alert {
        match self {
            AlertChange::Raised(a) | AlertChange::Cleared { alert: a, .. } => a,
        }
    }
}

/// "Vehicle 1", or "Vehicle 1/2" for an autopilot that is not component 1.
pub fn vehicle_label(id: VehicleId) -> String {
    if id.compid == 1 {
        format!("Vehicle {}", id.sysid)
    } else {
        format!("Vehicle {}/{}", id.sysid, id.compid)
    }
}

/// What one update found for one kind.
#[derive(Debug, Clone, PartialEq)]
enum Condition {
    /// The condition holds; the alert text.
    Active(String),
    /// The condition does not hold.
    Inactive,
    /// No fresh data: keep the current state.
    Unknown,
}

/// Battery alert level with hysteresis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
enum BatteryLevel {
    #[default]
    Normal,
    Low,
    Critical,
}

/// A text alert held for a while.
#[derive(Debug, Clone, PartialEq)]
struct Latch {
    until_us: u64,
    text: String,
    cleared_text: Option<String>,
}

/// Everything remembered about one vehicle.
#[derive(Debug, Clone, Default)]
struct Track {
    active: BTreeMap<AlertKind, Alert>,
    false_since_us: BTreeMap<AlertKind, u64>,
    battery: BatteryLevel,
    low_v_since_us: Option<u64>,
    critical_v_since_us: Option<u64>,
    had_3d_fix: bool,
    link_up_since_us: Option<u64>,
    status_seen: u64,
    failsafe: Option<Latch>,
    fence: Option<Latch>,
}

/// Watches vehicle states and raises and clears alerts. Call [`AlertMonitor::update`] with
/// every snapshot (at least a few times a second: latches and timeouts advance only then).
#[derive(Debug, Clone, Default)]
pub struct AlertMonitor {
    config: AlertConfig,
    tracks: BTreeMap<VehicleId, Track>,
    last_t_us: Option<u64>,
}

impl AlertMonitor {
    /// A monitor with these thresholds.
    pub fn new(config: AlertConfig) -> Result<Self, AlertError> {
        config.validate()?;
        Ok(Self {
            config,
            ..Self::default()
        })
    }

    /// The thresholds in use.
    pub fn config(&self) -> &AlertConfig {
        &self.config
    }

    /// Replaces the thresholds (active alerts re-evaluate at the next update).
    pub fn set_config(&mut self, config: AlertConfig) -> Result<(), AlertError> {
        config.validate()?;
        self.config = config;
        Ok(())
    }

    /// Re-evaluates every vehicle at `t_us` and returns what was raised and cleared (clears
    /// first). Alerts of vehicles no longer listed are cleared; time going backwards (a replay
    /// seek) clears everything and starts over.
    pub fn update<'a>(
        &mut self,
        vehicles: impl IntoIterator<Item = &'a VehicleState>,
        t_us: u64,
    ) -> Vec<AlertChange> {
        let mut changes = Vec::new();
        if self.last_t_us.is_some_and(|last| t_us < last) {
            for (_, track) in std::mem::take(&mut self.tracks) {
                clear_all(track, t_us, &mut changes);
            }
        }
        self.last_t_us = Some(t_us);
        let mut seen = BTreeSet::new();
        for v in vehicles {
            seen.insert(v.id);
            let track = self.tracks.entry(v.id).or_default();
            let conditions = eval::evaluate(&self.config, track, v, t_us, &mut changes);
            for (kind, condition) in conditions {
                step(
                    &self.config,
                    track,
                    v.id,
                    kind,
                    condition,
                    t_us,
                    &mut changes,
                );
            }
        }
        let gone: Vec<VehicleId> = self
            .tracks
            .keys()
            .filter(|id| !seen.contains(id))
            .copied()
            .collect();
        for id in gone {
            if let Some(track) = self.tracks.remove(&id) {
                clear_all(track, t_us, &mut changes);
            }
        }
        changes.sort_by_key(|c| matches!(c, AlertChange::Raised(_)));
        changes
    }

    /// Active alerts: unacknowledged first, then critical before warning, then by vehicle and
    /// kind.
    pub fn active(&self) -> Vec<Alert> {
        let mut out: Vec<Alert> = self
            .tracks
            .values()
            .flat_map(|t| t.active.values().cloned())
            .collect();
        out.sort_by(|a, b| {
            (a.acknowledged, b.severity, a.vehicle, a.kind).cmp(&(
                b.acknowledged,
                a.severity,
                b.vehicle,
                b.kind,
            ))
        });
        out
    }

    /// The active alert of this vehicle and kind.
    pub fn get(&self, vehicle: VehicleId, kind: AlertKind) -> Option<&Alert> {
        self.tracks.get(&vehicle)?.active.get(&kind)
    }

    /// The highest severity among unacknowledged alerts: what the alarm should sound like,
    /// `None` when it should be silent.
    pub fn alarm(&self) -> Option<Severity> {
        self.tracks
            .values()
            .flat_map(|t| t.active.values())
            .filter(|a| !a.acknowledged)
            .map(|a| a.severity)
            .max()
    }

    /// Acknowledges an active alert: silences it, keeps it visible while its condition lasts
    /// (a text latch ends: a failsafe text alert clears at the next update). Returns false if
    /// no such alert is active.
    pub fn acknowledge(&mut self, vehicle: VehicleId, kind: AlertKind) -> bool {
        let Some(track) = self.tracks.get_mut(&vehicle) else {
            return false;
        };
        let Some(alert) = track.active.get_mut(&kind) else {
            return false;
        };
        alert.acknowledged = true;
        match kind {
            AlertKind::Failsafe => track.failsafe = None,
            AlertKind::GeofenceBreach => track.fence = None,
            _ => {}
        }
        true
    }

    /// Acknowledges every active alert; returns how many were not acknowledged before.
    pub fn acknowledge_all(&mut self) -> usize {
        let keys: Vec<(VehicleId, AlertKind, bool)> = self
            .tracks
            .iter()
            .flat_map(|(id, t)| {
                t.active
                    .values()
                    .map(move |a| (*id, a.kind, a.acknowledged))
            })
            .collect();
        let mut n = 0;
        for (id, kind, was_acknowledged) in keys {
            if self.acknowledge(id, kind) && !was_acknowledged {
                n += 1;
            }
        }
        n
    }
}

/// Applies one evaluated condition to the alert state of `kind`.
fn step(
    config: &AlertConfig,
    track: &mut Track,
    vehicle: VehicleId,
    kind: AlertKind,
    condition: Condition,
    t_us: u64,
    changes: &mut Vec<AlertChange>,
) {
    match condition {
        Condition::Active(text) => {
            track.false_since_us.remove(&kind);
            if let Some(alert) = track.active.get_mut(&kind) {
                alert.text = text;
            } else {
                let alert = Alert {
                    vehicle,
                    kind,
                    severity: kind.severity(),
                    text,
                    raised_us: t_us,
                    acknowledged: false,
                };
                changes.push(AlertChange::Raised(alert.clone()));
                track.active.insert(kind, alert);
            }
        }
        Condition::Inactive => {
            if !track.active.contains_key(&kind) {
                track.false_since_us.remove(&kind);
                return;
            }
            let since = *track.false_since_us.entry(kind).or_insert(t_us);
            if t_us.saturating_sub(since) >= clear_delay_us(config, kind)
                && let Some(alert) = track.active.remove(&kind)
            {
                track.false_since_us.remove(&kind);
                changes.push(AlertChange::Cleared { alert, t_us });
            }
        }
        Condition::Unknown => {}
    }
}

/// How long a condition must be gone before its alert clears.
fn clear_delay_us(config: &AlertConfig, kind: AlertKind) -> u64 {
    match kind {
        AlertKind::GpsLost | AlertKind::EkfBad | AlertKind::GeofenceBreach => {
            secs_to_us(config.clear_delay_s)
        }
        AlertKind::LinkLost
        | AlertKind::LowBattery
        | AlertKind::CriticalBattery
        | AlertKind::Failsafe => 0,
    }
}

fn clear_all(track: Track, t_us: u64, changes: &mut Vec<AlertChange>) {
    for (_, alert) in track.active {
        changes.push(AlertChange::Cleared { alert, t_us });
    }
}

/// Seconds (validated finite and non-negative) to microseconds.
fn secs_to_us(s: f64) -> u64 {
    // `as` saturates: negative or NaN give 0, huge values u64::MAX.
    (s * 1e6).round() as u64
}

#[cfg(test)]
#[path = "alerts_tests.rs"]
mod tests;
