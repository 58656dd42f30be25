//! The ground footprint of one photo: the four image corners projected onto flat ground, for
//! footprint maps and coverage checks.
//!
//! # Model
//! - A pinhole camera ([`Camera`]) fixed under the vehicle, looking straight down when the
//!   vehicle is level. The top of the image points forward (towards the nose). In
//!   [`Orientation::Landscape`] (the default, as in the survey planner) the image width lies
//!   along the wings (across the track); in [`Orientation::Portrait`] along the fuselage.
//! - The vehicle attitude (roll, pitch, yaw: aerospace Z-Y-X order, NED) turns the camera.
//!   Positive roll (right wing down) makes the belly — and the camera — look to the LEFT, so
//!   the footprint moves left by `height × tan(roll)`; positive pitch (nose up) moves it
//!   forward by `height × tan(pitch)`. With a gimbal that keeps the camera level, pass zero
//!   roll and pitch.
//! - The ground is flat, `height_m` below the camera (the altitude above home).
//!
//! A corner ray that meets the ground further than [`MAX_RANGE_FACTOR`] times the height away
//! (or never, above the horizon) makes the footprint meaningless: that is an error.

use crate::geo::{Enu, LatLon, LocalFrame};
use crate::plan::camera::{Camera, Orientation};

/// A corner ray longer than this many times the height counts as "at the horizon".
pub const MAX_RANGE_FACTOR: f64 = 10.0;

/// Why a photo has no footprint.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FootprintError {
    /// Height not above the ground.
    #[error("height above ground must be positive and finite; found {height_m} m")]
    Height {
        /// The height given, metres.
        height_m: f64,
    },
    /// An attitude value that is not finite.
    #[error("attitude must be finite; found roll {0}°, pitch {1}°, yaw {2}°", .attitude_deg[0], .attitude_deg[1], .attitude_deg[2])]
    Attitude {
        /// Roll, pitch, yaw in degrees.
        attitude_deg: [f64; 3],
    },
    /// A corner of the image looks at (or above) the horizon.
    #[error(
        "the camera is tilted too far (roll {roll_deg:.1}°, pitch {pitch_deg:.1}°): a corner of the image meets the ground more than {MAX_RANGE_FACTOR} times the height away"
    )]
    Oblique {
        /// Roll, degrees.
        roll_deg: f64,
        /// Pitch, degrees.
        pitch_deg: f64,
    },
}

/// What one photo covers.
#[derive(Debug, Clone, PartialEq)]
pub struct Footprint {
    /// Corners: front-left, front-right, back-right, back-left (image top-left, top-right,
    /// bottom-right, bottom-left), clockwise seen from above.
    pub corners: [LatLon; 4],
    /// Where the optical axis meets the ground.
    pub center: LatLon,
}

/// The footprint of a photo taken at `at`, `height_m` above flat ground, with the vehicle
/// attitude `attitude_deg` (roll, pitch, yaw in degrees).
pub fn footprint(
    camera: &Camera,
    orientation: Orientation,
    at: LatLon,
    height_m: f64,
    attitude_deg: [f64; 3],
) -> Result<Footprint, FootprintError> {
    if !height_m.is_finite() || height_m <= 0.0 {
        return Err(FootprintError::Height { height_m });
    }
    if attitude_deg.iter().any(|v| !v.is_finite()) {
        return Err(FootprintError::Attitude { attitude_deg });
    }
    // Half extents of the image on the sensor, as tangents: along the body x (forward) and
    // body y (right) axes.
    let (fwd_mm, right_mm) = match orientation {
        Orientation::Landscape => (camera.sensor_height_mm, camera.sensor_width_mm),
        Orientation::Portrait => (camera.sensor_width_mm, camera.sensor_height_mm),
    };
    let tx = fwd_mm / 2.0 / camera.focal_length_mm;
    let ty = right_mm / 2.0 / camera.focal_length_mm;
    let r = rotation(attitude_deg);
    let frame = LocalFrame::new(at);
    let [roll_deg, pitch_deg, _] = attitude_deg;
    let ground = |body: [f64; 3]| -> Result<LatLon, FootprintError> {
        let [n, e, d] = mul(&r, body);
        let len = (n * n + e * e + d * d).sqrt();
        // Range to the ground = height × len / d; refuse rays flatter than the limit.
        if d <= 0.0 || len / d > MAX_RANGE_FACTOR {
            return Err(FootprintError::Oblique {
                roll_deg,
                pitch_deg,
            });
        }
        let s = height_m / d;
        Ok(frame.to_latlon(Enu::new(e * s, n * s)))
    };
    Ok(Footprint {
        corners: [
            ground([tx, -ty, 1.0])?,
            ground([tx, ty, 1.0])?,
            ground([-tx, ty, 1.0])?,
            ground([-tx, -ty, 1.0])?,
        ],
        center: ground([0.0, 0.0, 1.0])?,
    })
}

/// Body-to-NED rotation matrix for roll, pitch, yaw in degrees (Z-Y-X).
fn rotation(attitude_deg: [f64; 3]) -> [[f64; 3]; 3] {
    let [r, p, y] = attitude_deg.map(f64::to_radians);
    let (sr, cr) = r.sin_cos();
    let (sp, cp) = p.sin_cos();
    let (sy, cy) = y.sin_cos();
    [
        [cp * cy, sr * sp * cy - cr * sy, cr * sp * cy + sr * sy],
        [cp * sy, sr * sp * sy + cr * cy, cr * sp * sy - sr * cy],
        [-sp, sr * cp, cr * cp],
    ]
}

fn mul(m: &[[f64; 3]; 3], v: [f64; 3]) -> [f64; 3] {
    m.map(|row| row[0] * v[0] + row[1] * v[1] + row[2] * v[2])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::camera::builtin_cameras;

    fn cam() -> Camera {
        builtin_cameras()
            .into_iter()
            .next()
            .expect("a built-in camera")
    }

    fn enu(f: &Footprint, at: LatLon) -> Vec<Enu> {
        let fr = LocalFrame::new(at);
        f.corners.iter().map(|c| fr.to_enu(*c)).collect()
    }

    const AT: LatLon = LatLon {
        lat_deg: 42.5,
        lon_deg: 72.4,
    };

    #[test]
    fn nadir_footprint_is_the_planner_footprint() {
        let c = cam();
        for (yaw, o) in [(0.0, Orientation::Landscape), (0.0, Orientation::Portrait)] {
            let f = footprint(&c, o, AT, 100.0, [0.0, 0.0, yaw]).expect("nadir");
            let e = enu(&f, AT);
            let across = e[0].distance_m(e[1]);
            let along = e[1].distance_m(e[2]);
            let (w, h) = (c.footprint_width_m(100.0), c.footprint_height_m(100.0));
            let (want_across, want_along) = match o {
                Orientation::Landscape => (w, h),
                Orientation::Portrait => (h, w),
            };
            assert!(
                (across - want_across).abs() < 0.01,
                "{across} vs {want_across}"
            );
            assert!((along - want_along).abs() < 0.01, "{along} vs {want_along}");
            let g = c.ground(100.0, o);
            assert!((across - g.footprint_across_m).abs() < 0.01);
            // Heading north: the front edge is north, the right edge east.
            assert!(e[0].north_m > 0.0 && e[1].east_m > 0.0);
            let ctr = LocalFrame::new(AT).to_enu(f.center);
            assert!(ctr.east_m.abs() < 1e-6 && ctr.north_m.abs() < 1e-6);
        }
    }

    #[test]
    fn roll_moves_left_pitch_moves_forward_yaw_turns() {
        let c = cam();
        let fr = LocalFrame::new(AT);
        let rolled =
            footprint(&c, Orientation::Landscape, AT, 100.0, [10.0, 0.0, 0.0]).expect("rolled");
        let ctr = fr.to_enu(rolled.center);
        let want = 100.0 * 10f64.to_radians().tan();
        assert!((ctr.east_m + want).abs() < 0.01, "{ctr:?} vs -{want}");
        assert!(ctr.north_m.abs() < 0.01);
        let pitched =
            footprint(&c, Orientation::Landscape, AT, 100.0, [0.0, 5.0, 90.0]).expect("pitched");
        let ctr = fr.to_enu(pitched.center);
        // Heading east, nose up: the footprint moves east.
        let want = 100.0 * 5f64.to_radians().tan();
        assert!((ctr.east_m - want).abs() < 0.01 && ctr.north_m.abs() < 0.01);
        let e = enu(&pitched, AT);
        assert!(
            e[0].east_m > 0.0 && e[1].north_m < 0.0,
            "front right is south-east"
        );
    }

    #[test]
    fn bad_input_is_refused() {
        let c = cam();
        assert!(matches!(
            footprint(&c, Orientation::Landscape, AT, 0.0, [0.0; 3]),
            Err(FootprintError::Height { .. })
        ));
        assert!(matches!(
            footprint(&c, Orientation::Landscape, AT, 50.0, [f64::NAN, 0.0, 0.0]),
            Err(FootprintError::Attitude { .. })
        ));
        let e = footprint(&c, Orientation::Landscape, AT, 50.0, [80.0, 0.0, 0.0])
            .expect_err("at the horizon");
        assert!(e.to_string().contains("tilted too far"), "{e}");
    }
}
