//! How a survey takes its photos, as the planner receives it — a camera with a target altitude
//! or GSD and overlaps, or "manual" spacing and trigger distance typed directly — and its
//! resolution into the numbers the transect generator needs: altitude, distance between
//! transects, distance between photos, and the time between photos at the planned speed (with
//! a warning when the camera cannot shoot that fast). Formulas are in [`crate::plan::camera`].

use std::fmt;

use crate::plan::camera::{Camera, CameraError, Orientation, check_overlap_pct, positive};
use crate::plan::document::SurveyRecord;

/// The altitude, or the GSD it follows from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AltOrGsd {
    /// Height above the ground (m).
    AltM(f64),
    /// Target GSD (cm/px) of the coarser image axis; the altitude follows from
    /// [`Camera::alt_for_gsd_m`].
    GsdCm(f64),
}

/// How a survey takes its photos.
#[derive(Debug, Clone, PartialEq)]
pub enum Capture {
    /// Spacing and trigger distance computed from a camera.
    Camera {
        /// The camera.
        camera: Camera,
        /// Which image side lies across the track.
        orientation: Orientation,
        /// Altitude or target GSD.
        target: AltOrGsd,
        /// Overlap of consecutive photos along a transect (%), 0 to 99.
        front_overlap_pct: f64,
        /// Overlap of neighbouring transects (%), 0 to 99.
        side_overlap_pct: f64,
    },
    /// Spacing and trigger distance typed directly (QGroundControl's "Manual" camera).
    Manual {
        /// Height above the ground (m).
        alt_m: f64,
        /// Distance between transects (m).
        line_spacing_m: f64,
        /// Distance between photos (m).
        trigger_distance_m: f64,
    },
}

/// The photos come faster than the camera can take them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IntervalWarning {
    /// Planned time between photos (s).
    pub photo_interval_s: f64,
    /// The camera's minimum time between photos (s).
    pub min_interval_s: f64,
    /// Fastest speed at which the camera keeps up (m/s): trigger distance / minimum interval.
    pub max_speed_mps: f64,
}

impl fmt::Display for IntervalWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a photo every {:.2} s is faster than the camera's minimum interval of {:.2} s; \
             fly at most {:.1} m/s or reduce the front overlap",
            self.photo_interval_s, self.min_interval_s, self.max_speed_mps
        )
    }
}

/// A capture resolved to the numbers the planner uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CaptureGeometry {
    /// Height above the ground (m).
    pub alt_m: f64,
    /// Distance between transects (m).
    pub line_spacing_m: f64,
    /// Distance between photos along a transect (m).
    pub trigger_distance_m: f64,
    /// The app's GSD (cm/px): the coarser axis. `None` in manual mode (no camera).
    pub gsd_cm: Option<f64>,
    /// GSD across the track (cm/px); `None` in manual mode.
    pub gsd_across_cm: Option<f64>,
    /// GSD along the track (cm/px); `None` in manual mode.
    pub gsd_along_cm: Option<f64>,
    /// Photo footprint across the track (m); `None` in manual mode.
    pub footprint_across_m: Option<f64>,
    /// Photo footprint along the track (m); `None` in manual mode.
    pub footprint_along_m: Option<f64>,
    /// Time between photos at the planned speed (s): `trigger_distance_m / speed_mps`.
    pub photo_interval_s: f64,
    /// Set when `photo_interval_s` is below the camera's known minimum interval.
    pub interval_warning: Option<IntervalWarning>,
}

impl Capture {
    /// The camera, if not manual.
    pub fn camera(&self) -> Option<&Camera> {
        match self {
            Capture::Camera { camera, .. } => Some(camera),
            Capture::Manual { .. } => None,
        }
    }

    /// Resolves to altitude, spacing and trigger distance at the planned ground speed.
    ///
    /// Camera mode: the camera must validate; overlaps in [0, 99]; altitude or GSD positive;
    /// portrait refused for a fixed-orientation camera. Footprints are per axis
    /// ([`Camera::ground`]); spacing `= footprint_across_m × (1 − side/100)`, trigger distance
    /// `= footprint_along_m × (1 − front/100)`. Manual mode: all three numbers positive.
    /// Both: `speed_mps` positive; `photo_interval_s = trigger_distance_m / speed_mps`, and an
    /// [`IntervalWarning`] when it is below the camera's minimum interval.
    pub fn resolve(&self, speed_mps: f64) -> Result<CaptureGeometry, CameraError> {
        let speed_mps = positive("speed_mps", speed_mps)?;
        match self {
            Capture::Manual {
                alt_m,
                line_spacing_m,
                trigger_distance_m,
            } => {
                let alt_m = positive("alt_m", *alt_m)?;
                let line_spacing_m = positive("line_spacing_m", *line_spacing_m)?;
                let trigger_distance_m = positive("trigger_distance_m", *trigger_distance_m)?;
                Ok(CaptureGeometry {
                    alt_m,
                    line_spacing_m,
                    trigger_distance_m,
                    gsd_cm: None,
                    gsd_across_cm: None,
                    gsd_along_cm: None,
                    footprint_across_m: None,
                    footprint_along_m: None,
                    photo_interval_s: trigger_distance_m / speed_mps,
                    interval_warning: None,
                })
            }
            Capture::Camera {
                camera,
                orientation,
                target,
                front_overlap_pct,
                side_overlap_pct,
            } => {
                camera.validate()?;
                if camera.fixed_orientation && *orientation == Orientation::Portrait {
                    return Err(CameraError::OrientationFixed {
                        camera: camera.name.clone(),
                    });
                }
                let front = check_overlap_pct("front_overlap_pct", *front_overlap_pct)?;
                let side = check_overlap_pct("side_overlap_pct", *side_overlap_pct)?;
                let alt_m = match *target {
                    AltOrGsd::AltM(alt_m) => positive("alt_m", alt_m)?,
                    AltOrGsd::GsdCm(gsd_cm) => camera.alt_for_gsd_m(positive("gsd_cm", gsd_cm)?),
                };
                let ground = camera.ground(alt_m, *orientation);
                let line_spacing_m = ground.line_spacing_m(side)?;
                let trigger_distance_m = ground.trigger_distance_m(front)?;
                let photo_interval_s = trigger_distance_m / speed_mps;
                let interval_warning = camera
                    .min_trigger_interval_s
                    .filter(|min_s| photo_interval_s < *min_s)
                    .map(|min_interval_s| IntervalWarning {
                        photo_interval_s,
                        min_interval_s,
                        max_speed_mps: trigger_distance_m / min_interval_s,
                    });
                Ok(CaptureGeometry {
                    alt_m,
                    line_spacing_m,
                    trigger_distance_m,
                    gsd_cm: Some(ground.gsd_cm()),
                    gsd_across_cm: Some(ground.gsd_across_cm),
                    gsd_along_cm: Some(ground.gsd_along_cm),
                    footprint_across_m: Some(ground.footprint_across_m),
                    footprint_along_m: Some(ground.footprint_along_m),
                    photo_interval_s,
                    interval_warning,
                })
            }
        }
    }

    /// Writes the capture settings and their resolution into a plan's survey record (camera
    /// name — "Manual" in manual mode —, sensor, image, focal length, orientation, altitude,
    /// overlaps, spacing, trigger distance). Manual mode clears the camera fields and the
    /// overlaps.
    pub fn write_record(&self, geometry: &CaptureGeometry, record: &mut SurveyRecord) {
        match self {
            Capture::Camera {
                camera,
                orientation,
                front_overlap_pct,
                side_overlap_pct,
                ..
            } => {
                record.camera_name = camera.name.clone();
                record.sensor_mm = Some((camera.sensor_width_mm, camera.sensor_height_mm));
                record.image_px = Some((camera.image_width_px, camera.image_height_px));
                record.focal_length_mm = Some(camera.focal_length_mm);
                record.landscape = orientation.is_landscape();
                record.front_overlap_pct = *front_overlap_pct;
                record.side_overlap_pct = *side_overlap_pct;
            }
            Capture::Manual { .. } => {
                record.camera_name = MANUAL_CAMERA_NAME.to_owned();
                record.sensor_mm = None;
                record.image_px = None;
                record.focal_length_mm = None;
                record.landscape = true;
                record.front_overlap_pct = 0.0;
                record.side_overlap_pct = 0.0;
            }
        }
        record.alt_m = geometry.alt_m;
        record.line_spacing_m = geometry.line_spacing_m;
        record.trigger_distance_m = geometry.trigger_distance_m;
    }

    /// The capture a plan's survey record describes: camera mode when it names a camera and
    /// carries sensor, image and focal length (the minimum interval is then unknown, source
    /// "plan file"); manual mode otherwise. The result is not validated; [`Capture::resolve`]
    /// does that.
    pub fn from_record(record: &SurveyRecord) -> Capture {
        let is_manual = record
            .camera_name
            .trim()
            .eq_ignore_ascii_case(MANUAL_CAMERA_NAME);
        match (record.sensor_mm, record.image_px, record.focal_length_mm) {
            (Some((sw, sh)), Some((iw, ih)), Some(focal)) if !is_manual => Capture::Camera {
                camera: Camera {
                    name: record.camera_name.clone(),
                    sensor_width_mm: sw,
                    sensor_height_mm: sh,
                    image_width_px: iw,
                    image_height_px: ih,
                    focal_length_mm: focal,
                    min_trigger_interval_s: None,
                    fixed_orientation: false,
                    source: "plan file".to_owned(),
                },
                orientation: Orientation::from_landscape(record.landscape),
                target: AltOrGsd::AltM(record.alt_m),
                front_overlap_pct: record.front_overlap_pct,
                side_overlap_pct: record.side_overlap_pct,
            },
            _ => Capture::Manual {
                alt_m: record.alt_m,
                line_spacing_m: record.line_spacing_m,
                trigger_distance_m: record.trigger_distance_m,
            },
        }
    }
}

/// The camera name a plan stores for manual mode (QGroundControl's).
pub const MANUAL_CAMERA_NAME: &str = "Manual";
