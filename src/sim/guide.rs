//! The interface between the autopilot's modes (what to do) and the airframe models (how the
//! vehicle moves): a per-physics-step guidance demand, plus the small vector and controller
//! helpers both sides share. Positions are local east/north metres, heights metres above the
//! ground at the start position (`up_m`).

use std::ops::{Add, Mul, Sub};

/// A horizontal vector in the local frame (east, north), metres or m/s.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct V2 {
    pub e: f64,
    pub n: f64,
}

impl V2 {
    pub const ZERO: V2 = V2 { e: 0.0, n: 0.0 };

    pub const fn new(e: f64, n: f64) -> Self {
        Self { e, n }
    }

    /// Unit vector along a bearing (degrees clockwise from north).
    pub fn from_bearing(deg: f64) -> Self {
        let r = deg.to_radians();
        Self::new(r.sin(), r.cos())
    }

    pub fn len(self) -> f64 {
        self.e.hypot(self.n)
    }

    pub fn dot(self, o: V2) -> f64 {
        self.e * o.e + self.n * o.n
    }

    /// Bearing of the vector, degrees in [0, 360) (0 for the zero vector).
    pub fn bearing_deg(self) -> f64 {
        crate::geo::wrap_360(self.e.atan2(self.n).to_degrees())
    }

    /// Rotated 90° clockwise (seen from above): the "right" of a direction.
    pub fn right(self) -> Self {
        Self::new(self.n, -self.e)
    }

    /// Unit vector, or `None` for (nearly) zero vectors.
    pub fn unit(self) -> Option<Self> {
        let l = self.len();
        (l > 1e-9).then(|| self * (1.0 / l))
    }

    /// The vector shortened to at most `max` long.
    pub fn limit(self, max: f64) -> Self {
        let l = self.len();
        if l > max && l > 0.0 {
            self * (max / l)
        } else {
            self
        }
    }

    pub fn is_finite(self) -> bool {
        self.e.is_finite() && self.n.is_finite()
    }
}

impl Add for V2 {
    type Output = V2;
    fn add(self, o: V2) -> V2 {
        V2::new(self.e + o.e, self.n + o.n)
    }
}

impl Sub for V2 {
    type Output = V2;
    fn sub(self, o: V2) -> V2 {
        V2::new(self.e - o.e, self.n - o.n)
    }
}

impl Mul<f64> for V2 {
    type Output = V2;
    fn mul(self, k: f64) -> V2 {
        V2::new(self.e * k, self.n * k)
    }
}

impl From<crate::geo::Enu> for V2 {
    fn from(p: crate::geo::Enu) -> Self {
        V2::new(p.east_m, p.north_m)
    }
}

impl From<V2> for crate::geo::Enu {
    fn from(v: V2) -> Self {
        crate::geo::Enu::new(v.e, v.n)
    }
}

/// `x` limited to [lo, hi] (never panics; callers pass lo <= hi and finite x).
pub(crate) fn lim(x: f64, lo: f64, hi: f64) -> f64 {
    if x < lo {
        lo
    } else if x > hi {
        hi
    } else {
        x
    }
}

/// ArduPilot's `sqrt_controller`: a proportional response near the target and the speed from
/// which `accel` stops in the remaining distance further out.
pub(crate) fn sqrt_controller(err: f64, p: f64, accel: f64) -> f64 {
    if p <= 0.0 || accel <= 0.0 {
        return 0.0;
    }
    let linear = accel / (p * p);
    if err.abs() <= linear {
        err * p
    } else {
        err.signum() * (2.0 * accel * (err.abs() - linear / 2.0)).sqrt()
    }
}

/// `value` moved towards `target` by at most `step`.
pub(crate) fn approach(value: f64, target: f64, step: f64) -> f64 {
    value + lim(target - value, -step, step)
}

/// One physics step's demand from the active mode or mission item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Guide {
    /// On the ground with motors idle (armed) or stopped.
    Ground,
    /// Disarmed in the air: no thrust, the vehicle falls.
    Unpowered,
    /// Hold a point: a copter hovers over it, a plane circles it at its loiter radius.
    Hold { at: V2, up_m: f64 },
    /// Fly the straight 3D leg `from` -> `to`, arriving at `end_speed_mps` (copter).
    Leg {
        from: V2,
        to: V2,
        from_up_m: f64,
        to_up_m: f64,
        speed_mps: f64,
        end_speed_mps: f64,
    },
    /// Circle `center` (clockwise unless `ccw`).
    Orbit {
        center: V2,
        radius_m: f64,
        ccw: bool,
        up_m: f64,
        speed_mps: f64,
    },
    /// Take off: a copter climbs vertically over `xy`; a plane rolls along `heading_deg` and
    /// climbs at `pitch_deg`.
    Climb {
        xy: V2,
        up_m: f64,
        heading_deg: f64,
        pitch_deg: f64,
    },
    /// Copter landing: descend over `xy` at the landing speeds.
    Descend { xy: V2 },
    /// Plane landing: approach along `from` -> `to` on a straight glide path from `from_up_m`,
    /// flare, touch down at `to`.
    Approach { from: V2, to: V2, from_up_m: f64 },
    /// No horizontal position control: hold altitude, level attitude (a copter drifts with the
    /// wind, a plane holds its heading).
    Drift { up_m: f64 },
    /// Plane CIRCLE mode: constant gentle bank at `up_m`.
    Bank { up_m: f64 },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqrt_controller_is_continuous_and_odd() {
        let p = 1.0;
        let a = 2.5;
        let lin = a / (p * p);
        let below = sqrt_controller(lin - 1e-9, p, a);
        let above = sqrt_controller(lin + 1e-9, p, a);
        assert!((below - above).abs() < 1e-6);
        assert_eq!(sqrt_controller(-10.0, p, a), -sqrt_controller(10.0, p, a));
        assert!(
            (sqrt_controller(100.0, p, a) - (2.0 * a * (100.0 - lin / 2.0)).sqrt()).abs() < 1e-12
        );
    }

    #[test]
    fn bearings_and_right_vectors() {
        assert!((V2::new(1.0, 0.0).bearing_deg() - 90.0).abs() < 1e-9);
        assert!((V2::from_bearing(180.0).n + 1.0).abs() < 1e-12);
        assert_eq!(V2::new(0.0, 1.0).right(), V2::new(1.0, -0.0));
        assert_eq!(V2::new(3.0, 4.0).limit(1.0).len(), 1.0);
    }
}
