//! GPS receiver model: no fix until a configurable delay (the "slow fix" failure mode), then a
//! 3D fix with a plausible satellite count and HDOP, and a slowly wandering sub-metre position
//! error on top of the true position.

use super::guide::lim;
use super::rng::SimRng;

/// Position error correlation time, s.
const NOISE_TAU_S: f64 = 20.0;
/// Horizontal position error standard deviation, m.
const NOISE_SIGMA_H_M: f64 = 0.3;
/// Vertical position error standard deviation, m.
const NOISE_SIGMA_V_M: f64 = 0.5;
/// Hard bound on the position error, m.
const NOISE_MAX_M: f64 = 0.9;

/// What the receiver reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct GpsFix {
    /// `GPS_FIX_TYPE`: 1 no fix, 3 3D fix.
    pub fix_type: u8,
    /// Satellites used.
    pub satellites: u8,
    /// Horizontal dilution of precision.
    pub hdop: f64,
    /// Position error east, north, up (m).
    pub error_enu_m: [f64; 3],
}

/// The receiver.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Gps {
    fix_delay_s: f64,
    rng: SimRng,
    out: GpsFix,
    next_change_s: f64,
}

impl Gps {
    /// A receiver that gets its fix `fix_delay_s` after start.
    pub fn new(fix_delay_s: f64, rng: SimRng) -> Self {
        Self {
            fix_delay_s,
            rng,
            out: GpsFix {
                fix_type: 1,
                satellites: 0,
                hdop: 99.99,
                error_enu_m: [0.0; 3],
            },
            next_change_s: 0.0,
        }
    }

    /// The latest report.
    pub fn fix(&self) -> GpsFix {
        self.out
    }

    /// Advances the receiver to `time_s` (a step of `dt` seconds).
    pub fn update(&mut self, time_s: f64, dt: f64) {
        if time_s < self.fix_delay_s {
            self.out.fix_type = 1;
            self.out.satellites = lim(time_s / self.fix_delay_s.max(1e-3) * 5.0, 0.0, 4.0) as u8;
            self.out.hdop = 99.99;
            return;
        }
        if self.out.fix_type != 3 {
            self.out.fix_type = 3;
            self.out.satellites = 10 + (self.rng.next_u64() % 5) as u8;
            self.out.hdop = self.rng.range(0.7, 1.2);
            self.next_change_s = time_s + self.rng.range(5.0, 15.0);
        }
        if time_s >= self.next_change_s {
            let step: i16 = match self.rng.next_u64() % 3 {
                0 => -1,
                1 => 0,
                _ => 1,
            };
            self.out.satellites = (i16::from(self.out.satellites) + step).clamp(10, 14) as u8;
            self.out.hdop = lim(self.out.hdop + self.rng.range(-0.08, 0.08), 0.7, 1.2);
            self.next_change_s = time_s + self.rng.range(5.0, 15.0);
        }
        let k = (2.0 * dt / NOISE_TAU_S).sqrt();
        for (i, sigma) in [NOISE_SIGMA_H_M, NOISE_SIGMA_H_M, NOISE_SIGMA_V_M]
            .into_iter()
            .enumerate()
        {
            if let Some(e) = self.out.error_enu_m.get_mut(i) {
                let next = *e * (1.0 - dt / NOISE_TAU_S) + sigma * k * self.rng.gaussian();
                *e = lim(next, -NOISE_MAX_M, NOISE_MAX_M);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fix_arrives_after_the_delay_with_plausible_numbers() {
        let mut g = Gps::new(1.5, SimRng::new(3));
        let dt = 0.02;
        let mut t = 0.0;
        for _ in 0..70 {
            t += dt;
            g.update(t, dt);
            assert_eq!(g.fix().fix_type, 1);
        }
        t = 1.5;
        for _ in 0..100_000 {
            t += dt;
            g.update(t, dt);
            let f = g.fix();
            assert_eq!(f.fix_type, 3);
            assert!((10..=14).contains(&f.satellites));
            assert!((0.7..=1.2).contains(&f.hdop));
            let h = f.error_enu_m[0].hypot(f.error_enu_m[1]);
            assert!(h < 1.3 && f.error_enu_m[2].abs() <= 0.9);
        }
    }
}
