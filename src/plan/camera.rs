//! The camera model of the survey planner: what one photo covers on the ground and how sharp it
//! is, so that the planner can turn "this camera, this GSD, 70/70 overlap" into an altitude, a
//! distance between transects and a distance between photos.
//!
//! # Model
//! A pinhole camera looking straight down (nadir) over flat ground. A [`Camera`] is its sensor
//! size (mm), image size (px) and focal length (mm). At a height `alt_m` above the ground, each
//! axis of the image (width or height) has:
//!
//! - footprint (m) `= sensor_mm × alt_m / focal_mm` — the similar triangles of the pinhole;
//! - GSD, ground sample distance (cm/px) `= 100 × sensor_mm × alt_m / (focal_mm × pixels)` —
//!   the footprint divided by the pixels on that axis.
//!
//! # Axes and orientation
//! The planner speaks of the *across-track* axis (perpendicular to the flight line: it sets the
//! distance between transects) and the *along-track* axis (the direction of flight: it sets the
//! distance between photos). [`Orientation::Landscape`] puts the image's width (its long side)
//! across the track, [`Orientation::Portrait`] puts its height across; this is QGroundControl's
//! convention. Portrait gives fewer, wider-spaced photos per line but more lines.
//!
//! # Which numbers the app shows
//! The app shows the *per-axis (physical)* values: the along-track footprint comes from the
//! sensor height, the across-track one from the sensor width. QGroundControl instead computes one
//! GSD from the image *width* and uses it for both axes (footprint = GSD × pixels on that axis);
//! see [`Camera::ground_qgc`]. Both agree when pixels are square. When a camera's published
//! sensor size and pixel counts do not describe exactly square pixels (rounded datasheet
//! figures), the per-axis value is the physical one: the lens projects the sensor's height onto
//! the ground whatever the pixel count. The app's single "GSD" is that of the *coarser* axis, so
//! a requested GSD is met on both axes. Example (the hand-checked camera, 23.2 × 15.4 mm,
//! 5456 × 3632 px, 16 mm lens, 100 m, 70/70 overlap): QGroundControl says 2.66 cm/px,
//! 145.0 × 96.5 m, spacing 43.5 m, trigger 29.0 m; per axis the along-track footprint is
//! 96.25 m and the trigger distance 28.9 m.
//!
//! Related modules: [`crate::plan::camera_capture`] (a survey's capture settings resolved to
//! altitude, spacing and trigger distance), [`crate::plan::camera_db`] (built-in cameras, name
//! lookup), [`crate::plan::camera_user`] (the user's own cameras from a JSON file).

use serde::Serialize;

pub use crate::plan::camera_capture::{
    AltOrGsd, Capture, CaptureGeometry, IntervalWarning, MANUAL_CAMERA_NAME,
};
pub use crate::plan::camera_db::{
    all_cameras, builtin_cameras, closest_names, find_camera, lookup_camera,
};
pub use crate::plan::camera_user::parse_user_cameras;

/// How the image is turned relative to the flight direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Orientation {
    /// The image width (long side) lies across the flight direction (QGroundControl's
    /// "landscape", the default).
    #[default]
    Landscape,
    /// The image height (short side) lies across the flight direction.
    Portrait,
}

impl Orientation {
    /// From QGroundControl's `landscape` flag (also [`crate::plan::document::SurveyRecord`]).
    pub fn from_landscape(landscape: bool) -> Self {
        if landscape {
            Orientation::Landscape
        } else {
            Orientation::Portrait
        }
    }

    /// QGroundControl's `landscape` flag.
    pub fn is_landscape(self) -> bool {
        self == Orientation::Landscape
    }
}

/// A survey camera: sensor, image and lens, plus where the numbers come from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Camera {
    /// Name shown to the user and looked up (case, spaces and punctuation ignored).
    pub name: String,
    /// Width of the sensor area the image is read from (mm).
    pub sensor_width_mm: f64,
    /// Height of the sensor area the image is read from (mm).
    pub sensor_height_mm: f64,
    /// Image width (px), the long side.
    pub image_width_px: u32,
    /// Image height (px).
    pub image_height_px: u32,
    /// Lens focal length (mm), the real one (not the 35 mm equivalent).
    pub focal_length_mm: f64,
    /// Shortest time between two photos (s); `None` when no figure is known.
    pub min_trigger_interval_s: Option<f64>,
    /// True when the camera cannot be turned to portrait (gimbal or mount fixed).
    pub fixed_orientation: bool,
    /// Where the numbers come from (a datasheet, another tool's camera list, "user").
    pub source: String,
}

/// What one photo covers and resolves at one altitude and orientation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImageGround {
    /// Height above the ground (m).
    pub alt_m: f64,
    /// Ground sample distance across the flight direction (cm/px).
    pub gsd_across_cm: f64,
    /// Ground sample distance along the flight direction (cm/px).
    pub gsd_along_cm: f64,
    /// Ground covered across the flight direction (m).
    pub footprint_across_m: f64,
    /// Ground covered along the flight direction (m).
    pub footprint_along_m: f64,
}

/// Why a camera or capture setting cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CameraError {
    /// A camera without a name.
    #[error("a camera needs a name; found an empty one")]
    EmptyName,
    /// A camera field out of range.
    #[error("camera \"{camera}\", field {field}: expected {expected}, found {found}")]
    InvalidField {
        /// Camera name.
        camera: String,
        /// Field name, as in the user camera file (`sensor_width_mm`, …).
        field: &'static str,
        /// What the field must be.
        expected: &'static str,
        /// The value found.
        found: String,
    },
    /// A survey setting out of range (altitude, GSD, speed, overlap, manual spacing).
    #[error("{field}: expected {expected}, found {found}")]
    InvalidSetting {
        /// Setting name (`alt_m`, `front_overlap_pct`, …).
        field: &'static str,
        /// What the setting must be.
        expected: &'static str,
        /// The value found.
        found: f64,
    },
    /// Portrait asked of a camera that only takes landscape photos.
    #[error("camera \"{camera}\" has a fixed orientation: expected landscape, found portrait")]
    OrientationFixed {
        /// Camera name.
        camera: String,
    },
    /// No camera of that name.
    #[error("no camera named \"{name}\"{}", did_you_mean(suggestions))]
    UnknownCamera {
        /// The name asked for.
        name: String,
        /// The closest known names, best first (may be empty).
        suggestions: Vec<String>,
    },
    /// The user camera file is not JSON.
    #[error(
        "cameras file, line {line}, column {column}: expected JSON, found a syntax error: {message}"
    )]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// The user camera file's top level or an entry has the wrong shape.
    #[error("cameras file{}: expected {expected}, found {found}", entry_at(*index))]
    FileShape {
        /// 0-based entry index (None: the top level).
        index: Option<usize>,
        /// What was expected.
        expected: &'static str,
        /// What was found.
        found: String,
    },
    /// A field of an entry in the user camera file.
    #[error(
        "cameras file, entry {index} (\"{name}\"), field {field}: expected {expected}, found {found}"
    )]
    UserField {
        /// 0-based entry index.
        index: usize,
        /// The entry's name, or "?" when it has none.
        name: String,
        /// Field name.
        field: String,
        /// What the field must be.
        expected: &'static str,
        /// What was found (JSON text, or "nothing" when missing).
        found: String,
    },
    /// Two entries of the user camera file with the same name.
    #[error(
        "cameras file, entries {first} and {second}: expected unique names, found \"{name}\" twice"
    )]
    DuplicateName {
        /// 0-based index of the first entry.
        first: usize,
        /// 0-based index of the second entry.
        second: usize,
        /// The name.
        name: String,
    },
}

fn did_you_mean(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        "; `steppe camera list` shows the known cameras".to_owned()
    } else {
        format!("; did you mean {}?", suggestions.join(", "))
    }
}

fn entry_at(index: Option<usize>) -> String {
    index.map(|i| format!(", entry {i}")).unwrap_or_default()
}

/// Checks a survey setting is a finite number > 0.
pub(crate) fn positive(field: &'static str, value: f64) -> Result<f64, CameraError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(CameraError::InvalidSetting {
            field,
            expected: "a positive finite number",
            found: value,
        })
    }
}

/// Checks an overlap percentage is in [0, 99].
pub fn check_overlap_pct(field: &'static str, value_pct: f64) -> Result<f64, CameraError> {
    if value_pct.is_finite() && (0.0..=99.0).contains(&value_pct) {
        Ok(value_pct)
    } else {
        Err(CameraError::InvalidSetting {
            field,
            expected: "a percentage from 0 to 99",
            found: value_pct,
        })
    }
}

impl Camera {
    /// A camera typed by the user on the command line (`--sensor WxH --image WxH --focal MM`),
    /// named "Custom", minimum interval unknown, validated.
    pub fn custom(
        sensor_mm: (f64, f64),
        image_px: (u32, u32),
        focal_length_mm: f64,
    ) -> Result<Camera, CameraError> {
        let camera = Camera {
            name: "Custom".to_owned(),
            sensor_width_mm: sensor_mm.0,
            sensor_height_mm: sensor_mm.1,
            image_width_px: image_px.0,
            image_height_px: image_px.1,
            focal_length_mm,
            min_trigger_interval_s: None,
            fixed_orientation: false,
            source: "user".to_owned(),
        };
        camera.validate()?;
        Ok(camera)
    }

    /// Checks every number is usable: sizes and focal length positive and finite, pixel counts
    /// at least 1, minimum interval (when known) finite and ≥ 0, name not blank.
    pub fn validate(&self) -> Result<(), CameraError> {
        if self.name.trim().is_empty() {
            return Err(CameraError::EmptyName);
        }
        let bad = |field: &'static str, expected: &'static str, found: String| {
            Err(CameraError::InvalidField {
                camera: self.name.clone(),
                field,
                expected,
                found,
            })
        };
        for (field, v) in [
            ("sensor_width_mm", self.sensor_width_mm),
            ("sensor_height_mm", self.sensor_height_mm),
            ("focal_length_mm", self.focal_length_mm),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return bad(field, "a positive finite number of mm", v.to_string());
            }
        }
        for (field, v) in [
            ("image_width_px", self.image_width_px),
            ("image_height_px", self.image_height_px),
        ] {
            if v == 0 {
                return bad(field, "at least 1 pixel", v.to_string());
            }
        }
        if let Some(v) = self.min_trigger_interval_s
            && !(v.is_finite() && v >= 0.0)
        {
            return bad(
                "min_trigger_interval_s",
                "a finite number of seconds >= 0, or null",
                v.to_string(),
            );
        }
        Ok(())
    }

    /// Ground covered by the image width (m) at `alt_m`: `sensor_width_mm × alt_m / focal_mm`.
    pub fn footprint_width_m(&self, alt_m: f64) -> f64 {
        self.sensor_width_mm * alt_m / self.focal_length_mm
    }

    /// Ground covered by the image height (m) at `alt_m`: `sensor_height_mm × alt_m / focal_mm`.
    pub fn footprint_height_m(&self, alt_m: f64) -> f64 {
        self.sensor_height_mm * alt_m / self.focal_length_mm
    }

    /// GSD along the image width (cm/px): `100 × sensor_width_mm × alt_m / (focal_mm × width_px)`.
    pub fn gsd_width_cm(&self, alt_m: f64) -> f64 {
        100.0 * self.footprint_width_m(alt_m) / f64::from(self.image_width_px)
    }

    /// GSD along the image height (cm/px):
    /// `100 × sensor_height_mm × alt_m / (focal_mm × height_px)`.
    pub fn gsd_height_cm(&self, alt_m: f64) -> f64 {
        100.0 * self.footprint_height_m(alt_m) / f64::from(self.image_height_px)
    }

    /// The app's GSD (cm/px) at `alt_m`: the coarser of the two axes,
    /// `max(gsd_width_cm, gsd_height_cm)`. Independent of the orientation.
    pub fn gsd_cm(&self, alt_m: f64) -> f64 {
        self.gsd_width_cm(alt_m).max(self.gsd_height_cm(alt_m))
    }

    /// The altitude (m) at which the coarser axis has exactly `gsd_cm`, so that both axes are
    /// at least that sharp: `alt_m = gsd_cm / 100 × focal_mm / pitch_mm`, where `pitch_mm` is
    /// the larger of `sensor_width_mm / width_px` and `sensor_height_mm / height_px`. The
    /// inverse of [`Camera::gsd_cm`].
    pub fn alt_for_gsd_m(&self, gsd_cm: f64) -> f64 {
        let pitch_w_mm = self.sensor_width_mm / f64::from(self.image_width_px);
        let pitch_h_mm = self.sensor_height_mm / f64::from(self.image_height_px);
        gsd_cm / 100.0 * self.focal_length_mm / pitch_w_mm.max(pitch_h_mm)
    }

    /// Per-axis (physical) ground geometry at `alt_m` — what the app shows. Landscape: the
    /// width axis is across the track; portrait: the height axis is.
    pub fn ground(&self, alt_m: f64, orientation: Orientation) -> ImageGround {
        let (w_gsd, h_gsd) = (self.gsd_width_cm(alt_m), self.gsd_height_cm(alt_m));
        let (w_m, h_m) = (
            self.footprint_width_m(alt_m),
            self.footprint_height_m(alt_m),
        );
        match orientation {
            Orientation::Landscape => ImageGround {
                alt_m,
                gsd_across_cm: w_gsd,
                gsd_along_cm: h_gsd,
                footprint_across_m: w_m,
                footprint_along_m: h_m,
            },
            Orientation::Portrait => ImageGround {
                alt_m,
                gsd_across_cm: h_gsd,
                gsd_along_cm: w_gsd,
                footprint_across_m: h_m,
                footprint_along_m: w_m,
            },
        }
    }

    /// Ground geometry by QGroundControl's convention, for comparison: one GSD from the image
    /// width, `gsd = 100 × sensor_width_mm × alt_m / (width_px × focal_mm)`, used for both axes,
    /// and footprint = `gsd × pixels / 100` on each axis (landscape: width px across, height px
    /// along; portrait: the reverse).
    pub fn ground_qgc(&self, alt_m: f64, orientation: Orientation) -> ImageGround {
        let gsd = self.gsd_width_cm(alt_m);
        let w_m = gsd * f64::from(self.image_width_px) / 100.0;
        let h_m = gsd * f64::from(self.image_height_px) / 100.0;
        let (across, along) = match orientation {
            Orientation::Landscape => (w_m, h_m),
            Orientation::Portrait => (h_m, w_m),
        };
        ImageGround {
            alt_m,
            gsd_across_cm: gsd,
            gsd_along_cm: gsd,
            footprint_across_m: across,
            footprint_along_m: along,
        }
    }

    /// The fastest ground speed (m/s) at which the camera keeps up with photos every
    /// `trigger_distance_m`: `trigger_distance_m / min_trigger_interval_s`; `None` when the
    /// interval is unknown or zero.
    pub fn max_speed_mps(&self, trigger_distance_m: f64) -> Option<f64> {
        self.min_trigger_interval_s
            .filter(|s| *s > 0.0)
            .map(|s| trigger_distance_m / s)
    }
}

impl ImageGround {
    /// The app's single GSD (cm/px): the coarser axis, `max(gsd_across_cm, gsd_along_cm)`.
    pub fn gsd_cm(&self) -> f64 {
        self.gsd_across_cm.max(self.gsd_along_cm)
    }

    /// Distance between transects (m) for a side overlap:
    /// `footprint_across_m × (1 − side_overlap_pct / 100)`. The overlap must be in [0, 99].
    pub fn line_spacing_m(&self, side_overlap_pct: f64) -> Result<f64, CameraError> {
        let pct = check_overlap_pct("side_overlap_pct", side_overlap_pct)?;
        Ok(self.footprint_across_m * (1.0 - pct / 100.0))
    }

    /// Distance between photos (m) for a front overlap:
    /// `footprint_along_m × (1 − front_overlap_pct / 100)`. The overlap must be in [0, 99].
    pub fn trigger_distance_m(&self, front_overlap_pct: f64) -> Result<f64, CameraError> {
        let pct = check_overlap_pct("front_overlap_pct", front_overlap_pct)?;
        Ok(self.footprint_along_m * (1.0 - pct / 100.0))
    }
}

#[cfg(test)]
#[path = "camera_tests.rs"]
mod tests;
