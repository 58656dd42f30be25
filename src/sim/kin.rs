//! The physical state both airframe models integrate: position, velocity, attitude and the
//! power draw that the battery model consumes.

use super::guide::V2;

/// Kinematic state in the local frame.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Kin {
    /// Horizontal position, metres east/north of the start position.
    pub pos: V2,
    /// Height above the (flat) ground, metres.
    pub up_m: f64,
    /// Ground velocity east/north, m/s.
    pub vel: V2,
    /// Vertical velocity, m/s up.
    pub vel_up_mps: f64,
    /// Nose heading, degrees [0, 360).
    pub heading_deg: f64,
    /// Roll, radians.
    pub roll_rad: f64,
    /// Pitch, radians.
    pub pitch_rad: f64,
    /// Roll rate, rad/s.
    pub rollspeed_rps: f64,
    /// Pitch rate, rad/s.
    pub pitchspeed_rps: f64,
    /// Yaw rate, rad/s.
    pub yawspeed_rps: f64,
    /// Speed through the air, m/s.
    pub airspeed_mps: f64,
    /// Touching the ground.
    pub on_ground: bool,
    /// Throttle 0-1.
    pub throttle: f64,
    /// Propulsion current, A (avionics current is added by the battery owner).
    pub current_a: f64,
}

impl Kin {
    /// True when every number is finite.
    pub fn is_finite(&self) -> bool {
        self.pos.is_finite()
            && self.vel.is_finite()
            && [
                self.up_m,
                self.vel_up_mps,
                self.heading_deg,
                self.roll_rad,
                self.pitch_rad,
                self.rollspeed_rps,
                self.pitchspeed_rps,
                self.yawspeed_rps,
                self.airspeed_mps,
                self.throttle,
                self.current_a,
            ]
            .iter()
            .all(|v| v.is_finite())
    }

    /// Sets roll and pitch towards targets with a first-order lag and records the rates.
    pub fn set_attitude(&mut self, roll_rad: f64, pitch_rad: f64, tau_s: f64, dt: f64) {
        let a = dt / (tau_s + dt);
        let r = self.roll_rad + (roll_rad - self.roll_rad) * a;
        let p = self.pitch_rad + (pitch_rad - self.pitch_rad) * a;
        self.rollspeed_rps = (r - self.roll_rad) / dt;
        self.pitchspeed_rps = (p - self.pitch_rad) / dt;
        self.roll_rad = r;
        self.pitch_rad = p;
    }

    /// Turns the heading by `delta_deg` during `dt` and records the yaw rate.
    pub fn turn(&mut self, delta_deg: f64, dt: f64) {
        self.heading_deg = crate::geo::wrap_360(self.heading_deg + delta_deg);
        self.yawspeed_rps = delta_deg.to_radians() / dt;
    }
}
