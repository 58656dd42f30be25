//! LiPo battery: charge counting, a non-linear open-circuit voltage curve and voltage sag under
//! load, so a ground station sees plausible BATTERY_STATUS/SYS_STATUS numbers and the
//! low-battery failsafe fires at a believable moment.

use super::guide::lim;

/// Open-circuit cell voltage by remaining capacity (percent, volts): 4.2 V full, a long flat
/// middle, a knee below 20 %, 3.5 V empty.
const OCV_CURVE: [(f64, f64); 12] = [
    (0.0, 3.50),
    (5.0, 3.60),
    (10.0, 3.68),
    (20.0, 3.73),
    (30.0, 3.77),
    (40.0, 3.80),
    (50.0, 3.84),
    (60.0, 3.87),
    (70.0, 3.92),
    (80.0, 3.98),
    (90.0, 4.08),
    (100.0, 4.20),
];

/// Volts per cell once the pack is used beyond its rated capacity (at 120 % used).
const OVER_DRAWN_CELL_V: f64 = 3.0;

/// One battery pack.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Battery {
    capacity_mah: f64,
    cells: u8,
    resistance_ohm: f64,
    consumed_mah: f64,
    current_a: f64,
}

/// Open-circuit voltage of one cell at `used_frac` of the capacity used (may exceed 1).
fn cell_ocv(used_frac: f64) -> f64 {
    if used_frac > 1.0 {
        let over = lim((used_frac - 1.0) / 0.2, 0.0, 1.0);
        return OCV_CURVE[0].1 + (OVER_DRAWN_CELL_V - OCV_CURVE[0].1) * over;
    }
    let pct = lim(100.0 * (1.0 - used_frac), 0.0, 100.0);
    let mut prev = OCV_CURVE[0];
    for &(p, v) in &OCV_CURVE[1..] {
        if pct <= p {
            let t = (pct - prev.0) / (p - prev.0);
            return prev.1 + (v - prev.1) * t;
        }
        prev = (p, v);
    }
    prev.1
}

impl Battery {
    /// A full pack.
    pub fn new(capacity_mah: f64, cells: u8, resistance_ohm: f64) -> Self {
        Self {
            capacity_mah,
            cells,
            resistance_ohm,
            consumed_mah: 0.0,
            current_a: 0.0,
        }
    }

    /// Draws `current_a` for `dt` seconds.
    pub fn update(&mut self, current_a: f64, dt: f64) {
        let i = if current_a.is_finite() {
            current_a.max(0.0)
        } else {
            0.0
        };
        self.current_a = i;
        self.consumed_mah += i * dt / 3.6;
    }

    /// Present current, A.
    pub fn current_a(&self) -> f64 {
        self.current_a
    }

    /// Charge used, mAh.
    pub fn consumed_mah(&self) -> f64 {
        self.consumed_mah
    }

    /// Remaining capacity, percent 0-100.
    pub fn remaining_pct(&self) -> f64 {
        lim(
            100.0 * (1.0 - self.consumed_mah / self.capacity_mah),
            0.0,
            100.0,
        )
    }

    /// Terminal voltage under the present load, V.
    pub fn voltage_v(&self) -> f64 {
        let ocv = f64::from(self.cells) * cell_ocv(self.consumed_mah / self.capacity_mah);
        (ocv - self.current_a * self.resistance_ohm).max(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voltage_falls_with_charge_and_sags_under_load() {
        let mut b = Battery::new(5000.0, 4, 0.03);
        assert!((b.voltage_v() - 16.8).abs() < 1e-9);
        b.update(18.0, 600.0); // 10 minutes of hover: 3000 mAh
        assert!((b.consumed_mah() - 3000.0).abs() < 1e-6);
        assert!((b.remaining_pct() - 40.0).abs() < 1e-9);
        let loaded = b.voltage_v();
        assert!(
            (loaded - (4.0 * 3.80 - 18.0 * 0.03)).abs() < 1e-9,
            "{loaded}"
        );
        b.update(0.0, 1.0);
        assert!(b.voltage_v() > loaded);
        b.update(20.0, 1e5);
        assert_eq!(b.remaining_pct(), 0.0);
        assert!((b.voltage_v() - (12.0 - 20.0 * 0.03)).abs() < 1e-9);
        b.update(f64::NAN, 1.0);
        assert!(b.voltage_v().is_finite());
    }
}
