//! `steppe plan survey`: a field boundary, a camera and a GSD (or altitude) in; a survey
//! mission out, with its statistics and validation findings. With `--split K` the survey is cut
//! into K missions written as OUT-1.EXT … OUT-K.EXT.

use super::camera::CameraFileArg;
use super::common::ranged;
use super::plan::{CheckArgs, read_input};
use crate::formats::document::Input;
use crate::geo::LatLon;
use crate::plan::Area;
use crate::plan::camera::{AltOrGsd, Camera, Capture, CaptureGeometry, Orientation, lookup_camera};
use crate::plan::document::{Firmware, VehicleKind};
use crate::plan::resume::ResumeFrom;
use crate::plan::survey::{AltitudeMode, Angle, CameraMode, EndAction, Entry, SurveyParams};
use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};

/// Vehicle family on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VehicleArg {
    /// Multirotor.
    Copter,
    /// Fixed wing.
    Plane,
}

/// Firmware on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FirmwareArg {
    /// ArduPilot (ArduCopter, ArduPlane).
    Ardupilot,
    /// PX4.
    Px4,
}

/// Who flies the parts of a split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SplitForArg {
    /// Different aircraft at the same time (own launch points and transit altitudes).
    Aircraft,
    /// One aircraft, one battery per part.
    Batteries,
}

fn pair(s: &str, what: &str) -> Result<(f64, f64), String> {
    let (a, b) = s
        .split_once(['x', 'X', '×'])
        .ok_or_else(|| format!("'{s}' is not {what} as WxH (e.g. 23.5x15.6)"))?;
    let num = |t: &str| ranged(t, 1e-3, 1e6, what);
    Ok((num(a)?, num(b)?))
}

fn sensor(s: &str) -> Result<(f64, f64), String> {
    pair(s, "a sensor size in mm")
}

fn image(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = pair(s, "an image size in pixels")?;
    if w.fract() != 0.0 || h.fract() != 0.0 || w > 1e5 || h > 1e5 {
        return Err(format!("'{s}' is not an image size in whole pixels"));
    }
    Ok((w as u32, h as u32))
}

fn latlon(s: &str) -> Result<LatLon, String> {
    let (a, b) = s
        .split_once(',')
        .ok_or_else(|| format!("'{s}' is not LAT,LON in decimal degrees"))?;
    let p = LatLon::new(
        ranged(a, -90.0, 90.0, "a latitude")?,
        ranged(b, -180.0, 180.0, "a longitude")?,
    );
    Ok(p)
}

fn angle(s: &str) -> Result<Angle, String> {
    if s.trim().eq_ignore_ascii_case("auto") {
        Ok(Angle::Auto)
    } else {
        ranged(s, -360.0, 360.0, "an angle in degrees (or auto)").map(Angle::Deg)
    }
}

fn entry(s: &str) -> Result<Entry, String> {
    match s.trim() {
        "home" => Ok(Entry::NearestHome),
        "1" | "2" | "3" | "4" => Ok(Entry::Corner(s.trim().parse::<u8>().unwrap_or(1) - 1)),
        _ => Err(format!("'{s}' is not an entry: home, or corner 1 to 4")),
    }
}

fn metres(s: &str) -> Result<f64, String> {
    ranged(s, 0.0, 100_000.0, "a distance in metres")
}

/// Arguments of `steppe plan survey`.
#[derive(Debug, Args)]
pub struct SurveyArgs {
    /// Field boundary: KML, KMZ, GeoJSON, a .plan (survey polygon or fence) or a fence file.
    #[arg(long, value_name = "FILE")]
    area: PathBuf,
    /// Which polygon of the boundary file (1-based) when it holds several.
    #[arg(long, value_name = "N")]
    polygon: Option<usize>,
    /// Exclusion zones (no-fly areas), one or more files; each polygon becomes a hole.
    #[arg(long, value_name = "FILE")]
    exclude: Vec<PathBuf>,
    /// Camera from the list (`steppe camera list`).
    #[arg(long, value_name = "NAME", conflicts_with_all = ["sensor", "spacing"])]
    camera: Option<String>,
    /// Custom camera: sensor size (mm).
    #[arg(long, value_name = "WxH", value_parser = sensor, requires_all = ["image", "focal"])]
    sensor: Option<(f64, f64)>,
    /// Custom camera: image size (px).
    #[arg(long, value_name = "WxH", value_parser = image, requires = "sensor")]
    image: Option<(u32, u32)>,
    /// Custom camera: focal length (mm).
    #[arg(long, value_name = "MM", value_parser = |s: &str| ranged(s, 0.1, 2000.0, "a focal length in mm"), requires = "sensor")]
    focal: Option<f64>,
    /// Portrait orientation (the image's short side across the track).
    #[arg(long)]
    portrait: bool,
    /// Manual mode: distance between transects (m), with --trigger and --alt, no camera.
    #[arg(long, value_name = "M", value_parser = metres, requires_all = ["trigger", "alt"], conflicts_with = "gsd")]
    spacing: Option<f64>,
    /// Manual mode: distance between photos (m).
    #[arg(long, value_name = "M", value_parser = metres, requires = "spacing")]
    trigger: Option<f64>,
    /// Target ground sample distance (cm/px, the coarser image axis).
    #[arg(long, value_name = "CM", value_parser = |s: &str| ranged(s, 0.01, 1000.0, "a GSD in cm/px"), conflicts_with = "alt", required_unless_present = "alt")]
    gsd: Option<f64>,
    /// Survey altitude above home (m).
    #[arg(long, value_name = "M", value_parser = |s: &str| ranged(s, 1.0, 10_000.0, "an altitude in metres"))]
    alt: Option<f64>,
    /// Front overlap (%).
    #[arg(long, value_name = "PCT", default_value = "70", value_parser = |s: &str| ranged(s, 0.0, 99.0, "an overlap percentage"))]
    front: f64,
    /// Side overlap (%).
    #[arg(long, value_name = "PCT", default_value = "70", value_parser = |s: &str| ranged(s, 0.0, 99.0, "an overlap percentage"))]
    side: f64,
    /// Transect heading in degrees from north, or auto (shortest flight).
    #[arg(long, value_name = "DEG|auto", default_value = "auto", value_parser = angle, allow_hyphen_values = true)]
    angle: Angle,
    /// Ground speed on the survey (m/s); default 10 for copters, 16 for planes.
    #[arg(long, value_name = "MPS", value_parser = |s: &str| ranged(s, 0.5, 100.0, "a speed in m/s"))]
    speed: Option<f64>,
    /// Overshoot beyond each transect end (m); default 10 for copters; for planes a lead of
    /// 8 s at the planned speed, at least 110 m, so the plane is level when its camera is on.
    #[arg(long, value_name = "M", value_parser = metres)]
    turnaround: Option<f64>,
    /// Fly a second grid at +90°.
    #[arg(long)]
    crosshatch: bool,
    /// Keep the camera triggering through the turns.
    #[arg(long, conflicts_with = "hover")]
    camera_in_turns: bool,
    /// Hover at each photo position and take the picture (multirotors).
    #[arg(long)]
    hover: bool,
    /// Launch point; default: the boundary vertex nearest the entry corner.
    #[arg(long, value_name = "LAT,LON", value_parser = latlon, allow_hyphen_values = true)]
    home: Option<LatLon>,
    /// Entry: `home` (the corner nearest home) or a corner 1 to 4.
    #[arg(long, value_name = "home|1-4", default_value = "home", value_parser = entry)]
    entry: Entry,
    /// Altitude to climb to before flying to the area and to come back at (m above home).
    #[arg(long, value_name = "M", value_parser = |s: &str| ranged(s, 1.0, 10_000.0, "an altitude in metres"))]
    transit_alt: Option<f64>,
    /// Land where the survey ends instead of RTL.
    #[arg(long)]
    land: bool,
    /// Write altitudes above mean sea level (needs --home-alt or --terrain).
    #[arg(long)]
    amsl: bool,
    /// Home altitude above mean sea level (m).
    #[arg(long, value_name = "M", value_parser = |s: &str| ranged(s, -500.0, 9000.0, "an altitude in metres"))]
    home_alt: Option<f64>,
    /// Vehicle.
    #[arg(long, value_enum, default_value = "copter")]
    vehicle: VehicleArg,
    /// Firmware.
    #[arg(long, value_enum, default_value = "ardupilot")]
    firmware: FirmwareArg,
    /// Follow the terrain: tolerance of the height above ground (m), with --terrain.
    #[arg(long, value_name = "M", default_value = "5", value_parser = |s: &str| ranged(s, 0.5, 500.0, "a tolerance in metres"))]
    terrain_tolerance: f64,
    /// Continue after a battery swap from transect N (1-based), or item:N (mission item).
    #[arg(long, value_name = "N|item:N", value_parser = |s: &str| s.parse::<ResumeFrom>().map_err(|e| e.to_string()))]
    resume_from: Option<ResumeFrom>,
    /// Split into K missions of balanced flight time (with --endurance).
    #[arg(long, value_name = "K", requires = "endurance", value_parser = clap::value_parser!(u16).range(1..=50))]
    split: Option<u16>,
    /// Who flies the parts.
    #[arg(long, value_enum, default_value = "aircraft")]
    split_for: SplitForArg,
    /// Do not put the exclusion zones in the geofence.
    #[arg(long)]
    no_fence: bool,
    /// Gap between camera-on transects and exclusion zones (m), so a fenced zone is not
    /// touched through GPS noise.
    #[arg(long, value_name = "M", default_value = "5", value_parser = metres)]
    zone_margin: f64,
    #[command(flatten)]
    checks: CheckArgs,
    #[command(flatten)]
    cameras: CameraFileArg,
    /// Output: .plan (QGroundControl) or .waypoints/.txt (Mission Planner, MAVProxy).
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
}

fn read_areas(path: &Path) -> Result<Vec<Area>> {
    match read_input(path)? {
        Input::Boundary(a) => Ok(a),
        Input::Doc(doc) => crate::formats::boundary::plan_boundary(&doc)
            .map_err(|e| anyhow!("{}: {e}", path.display())),
    }
}

impl SurveyArgs {
    fn area(&self) -> Result<Area> {
        let areas = read_areas(&self.area)?;
        let mut area = match (areas.len(), self.polygon) {
            (0, _) => bail!("{} holds no polygon", self.area.display()),
            (1, None) => areas
                .into_iter()
                .next()
                .ok_or_else(|| anyhow!("no polygon"))?,
            (n, None) => bail!(
                "{} holds {n} polygons; choose one with --polygon 1 to {n}",
                self.area.display()
            ),
            (n, Some(k)) => areas.into_iter().nth(k.wrapping_sub(1)).ok_or_else(|| {
                anyhow!(
                    "--polygon {k}: {} holds polygons 1 to {n}",
                    self.area.display()
                )
            })?,
        };
        for f in &self.exclude {
            for z in read_areas(f)? {
                area.holes.push(z.outer);
                area.holes.extend(z.holes);
            }
        }
        area.validate()
            .with_context(|| format!("field boundary {}", self.area.display()))?;
        Ok(area)
    }

    fn capture(&self) -> Result<Capture> {
        let target = match (self.gsd, self.alt) {
            (Some(g), _) => AltOrGsd::GsdCm(g),
            (None, Some(a)) => AltOrGsd::AltM(a),
            (None, None) => bail!("give --gsd CM or --alt M"),
        };
        let camera: Option<Camera> = match (&self.camera, self.sensor, self.image, self.focal) {
            (Some(name), ..) => Some(lookup_camera(&self.cameras.load()?, name)?.clone()),
            (None, Some(s), Some(i), Some(f)) => Some(Camera::custom(s, i, f)?),
            _ => None,
        };
        match (camera, self.spacing, self.trigger) {
            (Some(camera), _, _) => Ok(Capture::Camera {
                camera,
                orientation: Orientation::from_landscape(!self.portrait),
                target,
                front_overlap_pct: self.front,
                side_overlap_pct: self.side,
            }),
            (None, Some(spacing), Some(trigger)) => match target {
                AltOrGsd::AltM(alt_m) => Ok(Capture::Manual {
                    alt_m,
                    line_spacing_m: spacing,
                    trigger_distance_m: trigger,
                }),
                AltOrGsd::GsdCm(_) => bail!("manual mode (--spacing) takes --alt, not --gsd"),
            },
            _ => bail!(
                "choose a camera: --camera NAME (see `steppe camera list`), or --sensor WxH --image WxH --focal MM, or manual --spacing M --trigger M --alt M"
            ),
        }
    }

    fn params(&self, g: &CaptureGeometry, speed: f64) -> SurveyParams {
        let plane = self.vehicle == VehicleArg::Plane;
        SurveyParams {
            alt_m: g.alt_m,
            line_spacing_m: g.line_spacing_m,
            trigger_distance_m: g.trigger_distance_m,
            speed_mps: speed,
            angle: self.angle,
            turnaround_m: self.turnaround.unwrap_or_else(|| {
                crate::plan::survey::default_turnaround_m(
                    if plane {
                        crate::plan::document::VehicleKind::Plane
                    } else {
                        crate::plan::document::VehicleKind::Copter
                    },
                    speed,
                )
            }),
            crosshatch: self.crosshatch,
            camera: if self.hover {
                CameraMode::HoverAndCapture
            } else if self.camera_in_turns {
                CameraMode::ThroughTurns
            } else {
                CameraMode::Transects
            },
            entry: self.entry,
            vehicle: if plane {
                VehicleKind::Plane
            } else {
                VehicleKind::Copter
            },
            firmware: match self.firmware {
                FirmwareArg::Ardupilot => Firmware::ArduPilot,
                FirmwareArg::Px4 => Firmware::Px4,
            },
            home: self.home,
            home_alt_amsl_m: self.home_alt.unwrap_or(0.0),
            altitude: if self.amsl {
                AltitudeMode::Amsl
            } else {
                AltitudeMode::Relative
            },
            end: if self.land {
                EndAction::Land
            } else {
                EndAction::Rtl
            },
            transit_alt_m: self.transit_alt,
            hole_margin_m: self.zone_margin,
            ..SurveyParams::default()
        }
    }
}

#[path = "plan_survey_run.rs"]
mod run_impl;
pub use run_impl::run;
