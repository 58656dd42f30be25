//! A generated survey as a mission document: the items, the planned home, the survey record
//! QGroundControl shows as a Survey complex item, and the exclusion zones as fence exclusion
//! polygons so the autopilot enforces them too.

use crate::plan::Area;
use crate::plan::camera::{Capture, CaptureGeometry};
use crate::plan::document::{
    ComplexItem, ComplexKind, FencePolygon, MissionDocument, PlannedHome, SurveyRecord,
};
use crate::plan::survey::{CameraMode, Entry, Survey, mission_items_with_transects, survey_stats};

/// Options of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocOptions {
    /// Put the exclusion zones in the geofence as exclusion polygons.
    pub fence_holes: bool,
    /// Describe the survey as a QGroundControl Survey complex item. Only right for a whole
    /// survey of a field without exclusion zones: QGroundControl's survey knows no zones, and
    /// editing a part or a resumed mission there would regenerate the whole field.
    pub survey_item: bool,
}

impl Default for DocOptions {
    fn default() -> Self {
        Self {
            fence_holes: true,
            survey_item: true,
        }
    }
}

/// The mission document flying `s` over `area`, with `capture` resolved to `geometry`.
pub fn survey_document(
    area: &Area,
    s: &Survey,
    capture: &Capture,
    geometry: &CaptureGeometry,
    opts: DocOptions,
) -> MissionDocument {
    let tagged = mission_items_with_transects(s);
    let first = tagged.iter().position(|(_, t)| t.is_some());
    let last = tagged.iter().rposition(|(_, t)| t.is_some());
    let p = &s.params;
    let mut record = SurveyRecord {
        polygon: area.outer.clone(),
        angle_deg: s.angle_deg,
        turnaround_m: p.turnaround_m,
        crosshatch: p.crosshatch,
        camera_in_turns: p.camera == CameraMode::ThroughTurns,
        hover_and_capture: p.camera == CameraMode::HoverAndCapture,
        entry_location: match p.entry {
            Entry::Corner(c) => c.min(3),
            Entry::NearestHome => 0,
        },
        camera_shots: survey_stats(s, area).photos,
        transect_points: s.transects.iter().flat_map(|t| [t.start, t.end]).collect(),
        ..SurveyRecord::default()
    };
    capture.write_record(geometry, &mut record);
    // The survey's own altitude (terrain following keeps it above the ground below).
    record.alt_m = p.alt_m;
    let complex = match (first, last) {
        (Some(a), Some(b)) if b >= a && opts.survey_item && area.holes.is_empty() => {
            vec![ComplexItem {
                kind: ComplexKind::Survey(record),
                first_item: a,
                item_count: b - a + 1,
            }]
        }
        _ => Vec::new(),
    };
    let mut doc = MissionDocument {
        mission: tagged.into_iter().map(|(it, _)| it).collect(),
        planned_home: Some(PlannedHome {
            position: s.home,
            alt_amsl_m: p.home_alt_amsl_m,
        }),
        complex,
        vehicle: p.vehicle,
        firmware: p.firmware,
        cruise_speed_mps: Some(p.speed_mps),
        hover_speed_mps: Some(p.speed_mps),
        ..MissionDocument::default()
    };
    if opts.fence_holes {
        doc.fence.polygons = area
            .holes
            .iter()
            .map(|h| FencePolygon {
                points: h.clone(),
                inclusion: false,
            })
            .collect();
    }
    doc
}
