//! The main battery, from SYS_STATUS and BATTERY_STATUS (id 0), with every "unknown" sentinel
//! turned into `None` so a card never shows -0.01 A or 65.535 V.
//!
//! Both messages describe battery 0 on ArduPilot and PX4. BATTERY_STATUS is richer (consumed
//! mAh, temperature, cells), so once it has been heard SYS_STATUS no longer overwrites the
//! battery fields unless BATTERY_STATUS has been silent for [`BATTERY_STATUS_PRIORITY_US`].
//! Thresholds (low / critical) are left to the UI: they depend on the pack.

use crate::protocol::dialect::{BATTERY_STATUS_DATA, SYS_STATUS_DATA};

/// How long a BATTERY_STATUS keeps priority over SYS_STATUS battery fields, microseconds.
pub const BATTERY_STATUS_PRIORITY_US: u64 = 5_000_000;

/// Which message last set the battery fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BatterySource {
    /// Nothing received yet.
    #[default]
    None,
    /// SYS_STATUS.
    SysStatus,
    /// BATTERY_STATUS with id 0.
    BatteryStatus,
}

/// Main battery state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Battery {
    /// Pack voltage, volts.
    pub voltage_v: Option<f64>,
    /// Current draw, amperes (negative while charging).
    pub current_a: Option<f64>,
    /// Remaining capacity, percent (0-100).
    pub remaining_pct: Option<f64>,
    /// Charge consumed since boot, mAh (BATTERY_STATUS only).
    pub consumed_mah: Option<f64>,
    /// Battery temperature, degrees Celsius (BATTERY_STATUS only).
    pub temperature_c: Option<f64>,
    /// Individual cell voltages, volts, when the battery reports cells (BATTERY_STATUS only).
    pub cell_voltages_v: Vec<f64>,
    /// Estimated time remaining, seconds (BATTERY_STATUS only, when sent).
    pub time_remaining_s: Option<u32>,
    /// The vehicle's own verdict (BATTERY_STATUS `charge_state`, MAV_BATTERY_CHARGE_STATE:
    /// 1 OK, 2 LOW, 3 CRITICAL, 4 EMERGENCY, 5 FAILED, 6 UNHEALTHY, 7 CHARGING), judged by its
    /// own thresholds (ArduPilot's BATT_LOW_VOLT, BATT_LOW_MAH, ...); `None` when not sent.
    pub charge_state: Option<u8>,
    /// Which message set the fields.
    pub source: BatterySource,
    battery_status_us: Option<u64>,
}

impl Battery {
    /// Updates from SYS_STATUS unless a recent BATTERY_STATUS takes priority. Returns true if
    /// the battery fields were updated.
    pub fn apply_sys_status(&mut self, d: &SYS_STATUS_DATA, t_us: u64) -> bool {
        if let Some(t) = self.battery_status_us
            && t_us.saturating_sub(t) <= BATTERY_STATUS_PRIORITY_US
        {
            return false;
        }
        self.voltage_v =
            (d.voltage_battery != u16::MAX).then(|| f64::from(d.voltage_battery) / 1000.0);
        self.current_a = current_a(d.current_battery);
        self.remaining_pct = remaining_pct(d.battery_remaining);
        self.source = BatterySource::SysStatus;
        true
    }

    /// Updates from BATTERY_STATUS. Only battery id 0 (the main battery) is used; returns true
    /// if applied.
    pub fn apply_battery_status(&mut self, d: &BATTERY_STATUS_DATA, t_us: u64) -> bool {
        if d.id != 0 {
            return false;
        }
        self.battery_status_us = Some(t_us);
        let (voltage_v, cells) = pack_voltage_v(&d.voltages, &d.voltages_ext);
        self.voltage_v = voltage_v;
        self.cell_voltages_v = cells;
        self.current_a = current_a(d.current_battery);
        self.remaining_pct = remaining_pct(d.battery_remaining);
        self.consumed_mah = (d.current_consumed >= 0).then(|| f64::from(d.current_consumed));
        self.temperature_c = (d.temperature != i16::MAX).then(|| f64::from(d.temperature) / 100.0);
        self.time_remaining_s = u32::try_from(d.time_remaining).ok().filter(|&s| s > 0);
        self.charge_state = Some(d.charge_state as u8).filter(|&c| c != 0);
        self.source = BatterySource::BatteryStatus;
        true
    }
}

/// cA to A; -1 means "not measured".
fn current_a(current_ca: i16) -> Option<f64> {
    (current_ca != -1).then(|| f64::from(current_ca) / 100.0)
}

/// Percent; -1 (or anything outside 0..=100) means "not estimated".
fn remaining_pct(pct: i8) -> Option<f64> {
    (0..=100).contains(&pct).then(|| f64::from(pct))
}

/// Total voltage and per-cell voltages from BATTERY_STATUS cells.
///
/// `voltages`: UINT16_MAX marks an absent cell. A battery without cell monitoring puts the
/// whole pack voltage in cell 0 (split over cells 0 and 1 above 65.534 V), so the sum is the
/// pack voltage either way. `voltages_ext` (cells 11-14): 0 marks an absent cell. Individual
/// cells are reported only when more than one real cell is present and none is above 5 V.
fn pack_voltage_v(voltages: &[u16; 10], ext: &[u16; 4]) -> (Option<f64>, Vec<f64>) {
    let cells_mv: Vec<u16> = voltages
        .iter()
        .copied()
        .filter(|&mv| mv != u16::MAX)
        .chain(ext.iter().copied().filter(|&mv| mv != 0 && mv != u16::MAX))
        .collect();
    if cells_mv.is_empty() {
        return (None, Vec::new());
    }
    let total_v = cells_mv.iter().map(|&mv| f64::from(mv)).sum::<f64>() / 1000.0;
    let per_cell = cells_mv.len() > 1 && cells_mv.iter().all(|&mv| mv <= 5000);
    let cells = if per_cell {
        cells_mv.iter().map(|&mv| f64::from(mv) / 1000.0).collect()
    } else {
        Vec::new()
    };
    (Some(total_v), cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sys(voltage_mv: u16, current_ca: i16, remaining: i8) -> SYS_STATUS_DATA {
        SYS_STATUS_DATA {
            voltage_battery: voltage_mv,
            current_battery: current_ca,
            battery_remaining: remaining,
            ..Default::default()
        }
    }

    fn status(
        voltages: [u16; 10],
        current_ca: i16,
        consumed: i32,
        remaining: i8,
    ) -> BATTERY_STATUS_DATA {
        BATTERY_STATUS_DATA {
            voltages,
            current_battery: current_ca,
            current_consumed: consumed,
            battery_remaining: remaining,
            temperature: i16::MAX,
            ..Default::default()
        }
    }

    const NO_CELLS: [u16; 10] = [u16::MAX; 10];

    #[test]
    fn sys_status_sentinels() {
        let mut b = Battery::default();
        assert!(b.apply_sys_status(&sys(12_600, 1_250, 87), 0));
        assert_eq!(
            (b.voltage_v, b.current_a, b.remaining_pct),
            (Some(12.6), Some(12.5), Some(87.0))
        );
        // 2013 Mission Planner tlog: current -1 and remaining -1 (no current sensor).
        b.apply_sys_status(&sys(12_100, -1, -1), 1);
        assert_eq!(
            (b.voltage_v, b.current_a, b.remaining_pct),
            (Some(12.1), None, None)
        );
        b.apply_sys_status(&sys(u16::MAX, 0, 50), 2);
        assert_eq!((b.voltage_v, b.current_a), (None, Some(0.0)));
        assert_eq!(b.source, BatterySource::SysStatus);
    }

    #[test]
    fn battery_status_cells_and_priority() {
        let mut b = Battery::default();
        // PX4 1.11 hexa: six cells of 4.250 V = 25.5 V (SYS_STATUS said 25.502 V).
        let mut v = NO_CELLS;
        v[..6].copy_from_slice(&[4250; 6]);
        assert!(b.apply_battery_status(&status(v, 0, 0, 100), 10_000_000));
        assert!((b.voltage_v.unwrap_or(0.0) - 25.5).abs() < 1e-9);
        assert_eq!(b.cell_voltages_v.len(), 6);
        assert_eq!(b.temperature_c, None);
        assert_eq!(b.consumed_mah, Some(0.0));
        // SYS_STATUS is ignored while BATTERY_STATUS is fresh...
        assert!(!b.apply_sys_status(&sys(1, 1, 1), 14_000_000));
        assert_eq!(b.source, BatterySource::BatteryStatus);
        // ...and used again once it went silent.
        assert!(b.apply_sys_status(&sys(25_000, 100, 90), 15_000_001));
        assert_eq!(b.voltage_v, Some(25.0));
    }

    #[test]
    fn battery_status_sentinels() {
        let mut b = Battery::default();
        // ArduPlane SITL at boot: no cells, remaining -1.
        b.apply_battery_status(&status(NO_CELLS, -1, -1, -1), 0);
        assert_eq!(
            (b.voltage_v, b.current_a, b.consumed_mah, b.remaining_pct),
            (None, None, None, None)
        );
        // Pack voltage above 65.534 V split over cells 0 and 1.
        let mut v = NO_CELLS;
        v[0] = 65_534;
        v[1] = 4_466;
        b.apply_battery_status(&status(v, 0, 0, 0), 1);
        assert_eq!(b.voltage_v, Some(70.0));
        assert!(b.cell_voltages_v.is_empty());
        let other = BATTERY_STATUS_DATA {
            id: 1,
            ..status(v, 0, 0, 0)
        };
        assert!(!b.apply_battery_status(&other, 2), "only battery 0");
    }

    #[test]
    fn extended_cells() {
        let mut v = [3_900u16; 10];
        v[9] = 3_900;
        let (total, cells) = pack_voltage_v(&v, &[3_900, 3_900, 0, 0]);
        assert_eq!(cells.len(), 12);
        assert!((total.unwrap_or(0.0) - 46.8).abs() < 1e-9);
    }
}
