//! The plan being edited in the Plan view, without egui: the field boundary and exclusion
//! zones drawn on the map, the survey settings, and what the planning engine made of them
//! (survey, statistics, findings, parts for two aircraft), regenerated after every edit.

use crate::geo::LatLon;
use crate::plan::camera::{
    AltOrGsd, Capture, CaptureGeometry, Orientation, all_cameras, find_camera,
};
use crate::plan::document::{Firmware, MissionDocument, VehicleKind};
use crate::plan::split::{SplitFor, SplitParams, split};
use crate::plan::survey::{
    Angle, CameraMode, Entry, Survey, SurveyParams, SurveyStats, generate, survey_stats,
};
use crate::plan::survey_doc::{DocOptions, survey_document};
use crate::plan::validate::{Finding, Limits, validate};
use crate::plan::{Area, Camera, MissionItem};

/// What a click on the map does in the Plan view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tool {
    /// Nothing (pan the map; drag vertices).
    #[default]
    Select,
    /// Add a boundary vertex.
    Boundary,
    /// Add a vertex to the exclusion zone being drawn (the last one).
    Zone,
}

/// The survey settings shown in the Plan view.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveySettings {
    /// Camera name (built-in or user).
    pub camera: String,
    /// True: the target is a GSD; false: an altitude.
    pub by_gsd: bool,
    /// Target GSD, cm/px.
    pub gsd_cm: f64,
    /// Target altitude, metres above home.
    pub alt_m: f64,
    /// Front overlap, percent.
    pub front_pct: f64,
    /// Side overlap, percent.
    pub side_pct: f64,
    /// Automatic transect angle.
    pub angle_auto: bool,
    /// Manual transect angle, degrees.
    pub angle_deg: f64,
    /// 0 = nearest home, 1..=4 = a corner.
    pub entry: u8,
    /// Turnaround distance, metres.
    pub turnaround_m: f64,
    /// Fly a second pass at +90°.
    pub crosshatch: bool,
    /// Speed on transects, m/s.
    pub speed_mps: f64,
    /// Plane instead of multirotor.
    pub plane: bool,
    /// Number of parts (1 = one aircraft and battery; 2 = two aircraft).
    pub parts: usize,
    /// Endurance of one battery, minutes (for the split and the endurance check).
    pub endurance_min: f64,
}

impl Default for SurveySettings {
    fn default() -> Self {
        Self {
            camera: "DJI Phantom 4 Pro".to_owned(),
            by_gsd: true,
            gsd_cm: 2.5,
            alt_m: 80.0,
            front_pct: 75.0,
            side_pct: 65.0,
            angle_auto: true,
            angle_deg: 0.0,
            entry: 0,
            turnaround_m: 10.0,
            crosshatch: false,
            speed_mps: 10.0,
            plane: false,
            parts: 1,
            endurance_min: 20.0,
        }
    }
}

/// One flyable part of the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanPart {
    /// Its survey.
    pub survey: Survey,
    /// Statistics.
    pub stats: SurveyStats,
    /// The document (mission, fence with the zones, planned home).
    pub doc: MissionDocument,
}

/// What the planning engine made of the current settings.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanResult {
    /// Altitude, spacing, trigger distance and GSD.
    pub geometry: CaptureGeometry,
    /// The whole survey's statistics.
    pub stats: SurveyStats,
    /// Parts (one, or one per aircraft/battery).
    pub parts: Vec<PlanPart>,
    /// Validation findings of every part (prefixed "part N:" when split).
    pub findings: Vec<Finding>,
}

/// The plan being edited.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanModel {
    /// Click tool.
    pub tool: Tool,
    /// Field boundary vertices.
    pub boundary: Vec<LatLon>,
    /// Exclusion zones.
    pub zones: Vec<Vec<LatLon>>,
    /// Launch point (`None`: nearest corner).
    pub home: Option<LatLon>,
    /// Settings.
    pub settings: SurveySettings,
    /// User cameras (from the cameras file).
    pub user_cameras: Vec<Camera>,
    /// The latest generation: `None` before there is a field, `Err` with the reason.
    pub result: Option<Result<std::sync::Arc<PlanResult>, String>>,
    /// Settings or shape changed since the last generation.
    pub dirty: bool,
    /// A note about the last import or save.
    pub note: Option<String>,
    /// The vehicle each part goes to, when the operator picked one.
    pub targets: std::collections::BTreeMap<usize, crate::vehicle::VehicleId>,
}

impl PlanModel {
    /// Adds a vertex with the current tool; returns false when the tool does not draw.
    pub fn click(&mut self, p: LatLon) -> bool {
        match self.tool {
            Tool::Select => return false,
            Tool::Boundary => self.boundary.push(p),
            Tool::Zone => match self.zones.last_mut() {
                Some(z) => z.push(p),
                None => self.zones.push(vec![p]),
            },
        }
        self.dirty = true;
        true
    }

    /// Starts a new exclusion zone and switches to the zone tool.
    pub fn new_zone(&mut self) {
        if self.zones.last().is_none_or(|z| !z.is_empty()) {
            self.zones.push(Vec::new());
        }
        self.tool = Tool::Zone;
    }

    /// Removes everything drawn.
    pub fn clear(&mut self) {
        self.boundary.clear();
        self.zones.clear();
        self.result = None;
        self.dirty = true;
    }

    /// Replaces the shapes (after an import).
    pub fn set_area(&mut self, area: &Area) {
        self.boundary = area.outer.clone();
        self.zones = area.holes.clone();
        self.dirty = true;
    }

    /// Every camera the picker offers, built-in and user.
    pub fn cameras(&self) -> Vec<Camera> {
        all_cameras(&self.user_cameras)
    }

    fn area(&self) -> Area {
        let mut a = Area::new(self.boundary.clone());
        for z in self.zones.iter().filter(|z| z.len() >= 3) {
            a = a.with_hole(z.clone());
        }
        a
    }

    fn params(&self, g: &CaptureGeometry) -> SurveyParams {
        let s = &self.settings;
        SurveyParams {
            alt_m: g.alt_m,
            line_spacing_m: g.line_spacing_m,
            trigger_distance_m: g.trigger_distance_m,
            speed_mps: s.speed_mps,
            angle: if s.angle_auto {
                Angle::Auto
            } else {
                Angle::Deg(s.angle_deg)
            },
            turnaround_m: s.turnaround_m,
            crosshatch: s.crosshatch,
            camera: CameraMode::Transects,
            entry: match s.entry {
                1..=4 => Entry::Corner(s.entry - 1),
                _ => Entry::NearestHome,
            },
            vehicle: if s.plane {
                VehicleKind::Plane
            } else {
                VehicleKind::Copter
            },
            firmware: Firmware::ArduPilot,
            home: self.home,
            ..SurveyParams::default()
        }
    }

    /// Regenerates the survey from the shapes and settings (when anything changed).
    pub fn regenerate(&mut self) {
        if !self.dirty {
            return;
        }
        self.dirty = false;
        self.result = if self.boundary.len() < 3 {
            None
        } else {
            Some(self.generate().map(std::sync::Arc::new))
        };
    }

    fn generate(&self) -> Result<PlanResult, String> {
        let s = &self.settings;
        let cameras = self.cameras();
        let camera = find_camera(&cameras, &s.camera)
            .ok_or_else(|| format!("unknown camera '{}'", s.camera))?
            .clone();
        let capture = Capture::Camera {
            camera,
            orientation: Orientation::from_landscape(true),
            target: if s.by_gsd {
                AltOrGsd::GsdCm(s.gsd_cm)
            } else {
                AltOrGsd::AltM(s.alt_m)
            },
            front_overlap_pct: s.front_pct,
            side_overlap_pct: s.side_pct,
        };
        let geometry = capture.resolve(s.speed_mps).map_err(|e| e.to_string())?;
        let area = self.area();
        area.validate().map_err(|e| e.to_string())?;
        let params = self.params(&geometry);
        let whole = generate(&area, &params).map_err(|e| e.to_string())?;
        let stats = survey_stats(&whole, &area);
        let surveys: Vec<(Survey, SurveyStats)> = if s.parts > 1 {
            let sp = SplitParams {
                parts: s.parts,
                endurance_min: s.endurance_min,
                reserve_pct: 20.0,
                split_for: SplitFor::Aircraft,
            };
            split(&area, &whole, &sp)
                .map_err(|e| e.to_string())?
                .into_iter()
                .map(|p| (p.survey, p.stats))
                .collect()
        } else {
            vec![(whole, stats)]
        };
        let limits = Limits {
            endurance_min: Some(s.endurance_min),
            ..Limits::default()
        };
        let many = surveys.len() > 1;
        let mut findings = Vec::new();
        let mut parts = Vec::new();
        for (i, (survey, st)) in surveys.into_iter().enumerate() {
            let opts = DocOptions {
                fence_holes: true,
                survey_item: !many && self.zones.is_empty(),
            };
            let doc = survey_document(&area, &survey, &capture, &geometry, opts);
            for mut f in validate(&doc, &limits, None) {
                if many {
                    f.message = crate::ui::i18n::trf(
                        "part {n}: {finding}",
                        &[("n", (i + 1).to_string()), ("finding", f.message.clone())],
                    );
                }
                findings.push(f);
            }
            parts.push(PlanPart {
                survey,
                stats: st,
                doc,
            });
        }
        Ok(PlanResult {
            geometry,
            stats,
            parts,
            findings,
        })
    }

    /// The upload list (home first) of part `i`.
    pub fn upload_list(&self, i: usize) -> Option<Vec<MissionItem>> {
        match &self.result {
            Some(Ok(r)) => r.parts.get(i).map(|p| p.doc.mission_upload_list()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(m: &mut PlanModel, c: LatLon, side_m: f64) {
        m.tool = Tool::Boundary;
        let ne = c.destination(0.0, side_m);
        for p in [
            c,
            ne,
            ne.destination(90.0, side_m),
            c.destination(90.0, side_m),
        ] {
            assert!(m.click(p));
        }
    }

    #[test]
    fn four_clicks_make_a_field_and_a_survey() {
        let mut m = PlanModel::default();
        square(&mut m, LatLon::new(-35.36, 149.16), 300.0);
        assert_eq!(m.boundary.len(), 4);
        m.regenerate();
        let r = m.result.clone().expect("generated").expect("ok");
        assert_eq!(r.parts.len(), 1);
        assert!(r.stats.transects >= 5, "{}", r.stats.transects);
        assert!((r.stats.area_ha - 9.0).abs() < 0.2, "{}", r.stats.area_ha);
        let items = m.upload_list(0).expect("items");
        assert!(items.len() > 10);
    }

    #[test]
    fn split_in_two_gives_two_parts_and_a_zone_is_avoided() {
        let mut m = PlanModel::default();
        let c = LatLon::new(-35.36, 149.16);
        square(&mut m, c, 500.0);
        m.new_zone();
        let z0 = c.destination(0.0, 200.0).destination(90.0, 200.0);
        for (n, e) in [(0.0, 0.0), (80.0, 0.0), (80.0, 80.0), (0.0, 80.0)] {
            m.click(z0.destination(0.0, n).destination(90.0, e));
        }
        m.settings.parts = 2;
        m.regenerate();
        let r = m.result.clone().expect("generated").expect("ok");
        assert_eq!(r.parts.len(), 2);
        assert!(r.parts.iter().all(|p| !p.doc.mission.is_empty()));
        assert!(
            !r.parts[0].doc.fence.polygons.is_empty(),
            "zone goes into the fence"
        );
    }

    #[test]
    fn bad_shapes_say_why() {
        let mut m = PlanModel {
            tool: Tool::Boundary,
            ..PlanModel::default()
        };
        let c = LatLon::new(-35.36, 149.16);
        // A bow tie.
        for (n, e) in [(0.0, 0.0), (100.0, 100.0), (100.0, 0.0), (0.0, 100.0)] {
            m.click(c.destination(0.0, n).destination(90.0, e));
        }
        m.regenerate();
        let err = m.result.clone().expect("tried").expect_err("bow tie");
        assert!(err.contains("intersect"), "{err}");
        m.settings.camera = "No Such Camera".into();
        m.dirty = true;
        m.regenerate();
        let err = m.result.clone().expect("tried").expect_err("camera");
        assert!(err.contains("No Such Camera"), "{err}");
    }
}
