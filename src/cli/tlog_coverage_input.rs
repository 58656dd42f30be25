//! What `steppe tlog coverage` measures against: the planned area, camera, overlaps, heading
//! and altitude, from a .plan's Survey item or a boundary file and the command line.

use super::tlog_coverage::CoverageArgs;
use crate::formats::document::Input;
use crate::geo::LatLon;
use crate::plan::Area;
use crate::plan::camera::{Camera, Capture, Orientation, lookup_camera};
use crate::plan::document::{Firmware, MissionDocument, SurveyRecord, VehicleKind};
use anyhow::{Result, anyhow, bail};

/// The plan side of the comparison.
#[derive(Debug, Clone)]
pub(super) struct Planned {
    /// The area (survey polygon or boundary, exclusion zones as holes).
    pub area: Area,
    /// Camera and where it came from.
    pub camera: Camera,
    /// "the .plan" or "--camera".
    pub camera_from: &'static str,
    /// Image orientation.
    pub orientation: Orientation,
    /// Front and side overlaps (%), if known.
    pub overlaps_pct: Option<(f64, f64)>,
    /// Transect heading (degrees), if the plan has one.
    pub angle_deg: Option<f64>,
    /// Survey altitude above home (m), if the plan has one.
    pub alt_m: Option<f64>,
    /// Turnaround distance (m) of the plan.
    pub turnaround_m: Option<f64>,
    /// Planned home.
    pub home: Option<LatLon>,
    /// Vehicle, firmware and speed of the plan.
    pub vehicle: VehicleKind,
    /// Firmware.
    pub firmware: Firmware,
    /// Planned speed (m/s).
    pub speed_mps: Option<f64>,
}

fn survey_record(doc: &MissionDocument) -> Option<&SurveyRecord> {
    doc.complex.iter().find_map(|c| match &c.kind {
        crate::plan::document::ComplexKind::Survey(r) if r.polygon.len() >= 3 => Some(r),
        _ => None,
    })
}

/// Reads `--plan` and applies the command line's camera and overlaps.
pub(super) fn planned(a: &CoverageArgs) -> Result<Planned> {
    let input = super::plan::read_input(&a.plan)?;
    let where_ = a.plan.display().to_string();
    let (area, record, doc) = match input {
        Input::Boundary(areas) => (pick(areas, a.polygon, &where_)?, None, None),
        Input::Doc(doc) => match survey_record(&doc).cloned() {
            Some(r) => {
                let mut area = Area::new(r.polygon.clone());
                // QGroundControl's survey has no holes: the plan's exclusion fence is them.
                area.holes = doc
                    .fence
                    .polygons
                    .iter()
                    .filter(|p| !p.inclusion)
                    .map(|p| p.points.clone())
                    .collect();
                (area, Some(r), Some(doc))
            }
            None => {
                let areas = crate::formats::boundary::plan_boundary(&doc)
                    .map_err(|e| anyhow!("{where_}: {e}"))?;
                (pick(areas, a.polygon, &where_)?, None, Some(doc))
            }
        },
    };
    area.validate()
        .map_err(|e| anyhow!("{where_}: the planned area: {e}"))?;
    let from_plan = record.as_ref().map(Capture::from_record);
    let (camera, camera_from, orientation) = match (&a.camera, &from_plan) {
        (Some(name), _) => {
            let cams = a.cameras.load()?;
            let cam = lookup_camera(&cams, name)?.clone();
            let o = match &from_plan {
                Some(Capture::Camera { orientation, .. }) if !a.portrait => *orientation,
                _ => Orientation::from_landscape(!a.portrait),
            };
            (cam, "--camera", o)
        }
        (
            None,
            Some(Capture::Camera {
                camera,
                orientation,
                ..
            }),
        ) => (camera.clone(), "the .plan", *orientation),
        (None, Some(Capture::Manual { .. })) => bail!(
            "{where_}: the survey uses a manual camera (spacing and trigger distance, no sensor): give the camera that took the photos with --camera NAME (see `steppe camera list`)"
        ),
        (None, None) => bail!(
            "{where_} has no survey camera (it is a boundary, not a .plan with a Survey item): give the camera that took the photos with --camera NAME (see `steppe camera list`)"
        ),
    };
    let plan_overlaps = match &from_plan {
        Some(Capture::Camera {
            front_overlap_pct,
            side_overlap_pct,
            ..
        }) => Some((*front_overlap_pct, *side_overlap_pct)),
        // A manual survey's spacing and trigger distance imply the overlaps of the camera given.
        Some(Capture::Manual {
            alt_m,
            line_spacing_m,
            trigger_distance_m,
        }) if *alt_m > 0.0 => {
            let g = camera.ground(*alt_m, orientation);
            let pct = |d: f64, size: f64| (100.0 * (1.0 - d / size)).clamp(0.0, 99.0);
            Some((
                pct(*trigger_distance_m, g.footprint_along_m),
                pct(*line_spacing_m, g.footprint_across_m),
            ))
        }
        _ => None,
    };
    let overlaps_pct = match (a.overlap_front, a.overlap_side, plan_overlaps) {
        (Some(f), Some(s), _) => Some((f, s)),
        (Some(f), None, Some((_, s))) => Some((f, s)),
        (None, Some(s), Some((f, _))) => Some((f, s)),
        (None, None, p) => p,
        (Some(_), None, None) | (None, Some(_), None) => {
            bail!("give both --overlap-front and --overlap-side ({where_} has no planned overlaps)")
        }
    };
    Ok(Planned {
        area,
        camera,
        camera_from,
        orientation,
        overlaps_pct,
        angle_deg: record.as_ref().map(|r| r.angle_deg),
        alt_m: record.as_ref().map(|r| r.alt_m).filter(|v| *v > 0.0),
        turnaround_m: record.as_ref().map(|r| r.turnaround_m),
        home: doc
            .as_ref()
            .and_then(|d| d.planned_home.as_ref())
            .map(|h| h.position),
        vehicle: doc.as_ref().map_or(VehicleKind::Copter, |d| d.vehicle),
        firmware: doc.as_ref().map_or(Firmware::ArduPilot, |d| d.firmware),
        speed_mps: doc
            .as_ref()
            .and_then(|d| d.cruise_speed_mps.or(d.hover_speed_mps))
            .filter(|v| *v > 0.0),
    })
}

fn pick(areas: Vec<Area>, polygon: Option<usize>, where_: &str) -> Result<Area> {
    let n = areas.len();
    match (n, polygon) {
        (0, _) => bail!("{where_} holds no polygon"),
        (1, None) => areas
            .into_iter()
            .next()
            .ok_or_else(|| anyhow!("no polygon")),
        (n, None) => bail!("{where_} holds {n} polygons; choose one with --polygon 1 to {n}"),
        (n, Some(k)) => areas
            .into_iter()
            .nth(k.wrapping_sub(1))
            .ok_or_else(|| anyhow!("--polygon {k}: {where_} holds polygons 1 to {n}")),
    }
}
