//! Wind: a steady wind plus small seeded gusts (a first-order Gauss-Markov process per axis), so
//! copters lean and drift and planes crab, the same way for the same seed.

use super::guide::{V2, lim};
use super::rng::SimRng;

/// Gust correlation time, s.
const GUST_TAU_S: f64 = 4.0;

/// The wind field (uniform in space).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Wind {
    mean: V2,
    sigma: f64,
    gust: V2,
    rng: SimRng,
}

impl Wind {
    /// Wind of `speed_mps` blowing from `from_deg`, gusting by `gust_fraction` of the speed.
    pub fn new(speed_mps: f64, from_deg: f64, gust_fraction: f64, rng: SimRng) -> Self {
        Self {
            mean: V2::from_bearing(from_deg + 180.0) * speed_mps,
            sigma: speed_mps * gust_fraction,
            gust: V2::ZERO,
            rng,
        }
    }

    /// Advances the gusts by `dt` seconds.
    pub fn update(&mut self, dt: f64) {
        if self.sigma <= 0.0 {
            return;
        }
        let a = 1.0 - dt / GUST_TAU_S;
        let k = self.sigma * (2.0 * dt / GUST_TAU_S).sqrt();
        let m = 3.0 * self.sigma;
        let e = lim(self.gust.e * a + k * self.rng.gaussian(), -m, m);
        let n = lim(self.gust.n * a + k * self.rng.gaussian(), -m, m);
        self.gust = V2::new(e, n);
    }

    /// Air velocity over the ground (where the air moves to), m/s east/north.
    pub fn velocity(&self) -> V2 {
        self.mean + self.gust
    }

    /// The largest wind speed the gusts can produce, m/s.
    #[cfg(test)]
    pub fn max_speed_mps(&self) -> f64 {
        self.mean.len() + 3.0 * self.sigma * std::f64::consts::SQRT_2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wind_from_the_west_blows_east_and_gusts_stay_bounded() {
        let mut w = Wind::new(10.0, 270.0, 0.1, SimRng::new(5));
        assert!((w.velocity().e - 10.0).abs() < 1e-9 && w.velocity().n.abs() < 1e-9);
        let mut moved = false;
        for _ in 0..10_000 {
            w.update(0.02);
            let v = w.velocity();
            assert!(v.len() <= w.max_speed_mps() + 1e-9);
            moved |= (v.e - 10.0).abs() > 0.2;
        }
        assert!(moved);
    }
}
