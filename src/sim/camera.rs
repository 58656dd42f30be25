//! Camera triggering by distance (`DO_SET_CAM_TRIGG_DIST`), ArduPilot style: a photo whenever
//! the vehicle is the trigger distance (horizontally) from where the last photo was taken. The
//! crossing is solved exactly inside each physics step so photo spacing does not depend on the
//! step size.

use super::guide::V2;

/// Most photos one physics step may produce (guards against absurdly small distances).
const MAX_PHOTOS_PER_STEP: usize = 1000;

/// The camera.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Camera {
    trigger_distance_m: f64,
    last: Option<V2>,
    images: u32,
}

impl Camera {
    /// Distance in force, metres (0 = off).
    pub fn trigger_distance_m(&self) -> f64 {
        self.trigger_distance_m
    }

    /// Photos taken so far.
    pub fn images(&self) -> u32 {
        self.images
    }

    /// Sets the trigger distance; 0, negative or non-finite turns distance triggering off.
    pub fn set_trigger_distance(&mut self, distance_m: f64) {
        if distance_m.is_finite() && distance_m > 0.0 {
            self.trigger_distance_m = distance_m;
        } else {
            self.trigger_distance_m = 0.0;
            self.last = None;
        }
    }

    /// Takes a photo at `pos` now; returns its image index (from 1).
    pub fn take(&mut self, pos: V2) -> u32 {
        self.images = self.images.saturating_add(1);
        self.last = Some(pos);
        self.images
    }

    /// Moves the vehicle from `p0` to `p1` in one step and returns, for each photo due on the
    /// way, the fraction of the step (0, 1] at which it is taken, and its image index.
    pub fn advance(&mut self, p0: V2, p1: V2) -> Vec<(f64, u32)> {
        let d = self.trigger_distance_m;
        let mut out = Vec::new();
        if d <= 0.0 {
            return out;
        }
        let Some(mut last) = self.last else {
            // ArduPilot starts measuring from where the vehicle is when triggering begins.
            self.last = Some(p0);
            return out;
        };
        let mut s0 = 0.0;
        while out.len() < MAX_PHOTOS_PER_STEP {
            let a = p0 + (p1 - p0) * s0;
            let w = (p1 - p0) * (1.0 - s0);
            let q = a - last;
            let t = if q.dot(q) >= d * d {
                0.0
            } else {
                let ww = w.dot(w);
                if ww < 1e-18 {
                    break;
                }
                let qw = q.dot(w);
                let disc = qw * qw - ww * (q.dot(q) - d * d);
                (-qw + disc.max(0.0).sqrt()) / ww
            };
            if !(0.0..=1.0).contains(&t) {
                break;
            }
            let s = s0 + t * (1.0 - s0);
            last = p0 + (p1 - p0) * s;
            self.images = self.images.saturating_add(1);
            out.push((s, self.images));
            if s >= 1.0 {
                break;
            }
            s0 = s;
        }
        self.last = Some(last);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos_are_exactly_spaced_whatever_the_step() {
        for step_m in [0.3, 7.0, 45.0] {
            let mut c = Camera::default();
            c.set_trigger_distance(20.0);
            let mut x = 0.0;
            let mut shots = Vec::new();
            c.advance(V2::ZERO, V2::ZERO);
            while x < 300.0 {
                let p0 = V2::new(x, 0.0);
                let p1 = V2::new(x + step_m, 0.0);
                for (s, _) in c.advance(p0, p1) {
                    shots.push(x + s * step_m);
                }
                x += step_m;
            }
            assert_eq!(shots.len(), 15, "step {step_m}: {shots:?}");
            for (i, s) in shots.iter().enumerate() {
                assert!((s - 20.0 * (i as f64 + 1.0)).abs() < 1e-6, "{s}");
            }
            assert_eq!(c.images(), 15);
        }
    }

    #[test]
    fn off_resets_the_reference() {
        let mut c = Camera::default();
        c.set_trigger_distance(10.0);
        c.advance(V2::ZERO, V2::new(5.0, 0.0));
        c.set_trigger_distance(0.0);
        assert!(c.advance(V2::new(5.0, 0.0), V2::new(50.0, 0.0)).is_empty());
        c.set_trigger_distance(f64::NAN);
        assert_eq!(c.trigger_distance_m(), 0.0);
        assert_eq!(c.take(V2::ZERO), 1);
    }
}
