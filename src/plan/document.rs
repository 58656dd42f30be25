//! A mission document independent of file format: what a .plan, a .waypoints file or the
//! planner holds — mission items, planned home, geofence, rally points, and the survey
//! (complex) items the mission was built from. Formats read into it and write from it; the
//! engine uploads from it.

use crate::geo::LatLon;
use crate::plan::mission_item::{MissionItem, MissionType, cmd, frame};

/// The planned home (launch) position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlannedHome {
    /// Position.
    pub position: LatLon,
    /// Altitude above mean sea level (m).
    pub alt_amsl_m: f64,
}

/// A geofence polygon.
#[derive(Debug, Clone, PartialEq)]
pub struct FencePolygon {
    /// Vertices (not closed).
    pub points: Vec<LatLon>,
    /// True: the vehicle must stay inside; false: it must stay outside.
    pub inclusion: bool,
}

/// A geofence circle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FenceCircle {
    /// Centre.
    pub center: LatLon,
    /// Radius (m).
    pub radius_m: f64,
    /// True: the vehicle must stay inside; false: it must stay outside.
    pub inclusion: bool,
}

/// The geofence of a plan.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fence {
    /// Polygons.
    pub polygons: Vec<FencePolygon>,
    /// Circles.
    pub circles: Vec<FenceCircle>,
    /// Where the vehicle goes on a breach (ArduPilot).
    pub return_point: Option<LatLon>,
}

/// A rally (safe landing) point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RallyPoint {
    /// Position.
    pub position: LatLon,
    /// Altitude above home (m).
    pub alt_m: f64,
}

/// The settings of a survey, as stored in a plan so it can be regenerated or shown again.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SurveyRecord {
    /// Survey area boundary (QGroundControl's survey items have no holes).
    pub polygon: Vec<LatLon>,
    /// Camera name ("Manual" when spacing and trigger distance were typed).
    pub camera_name: String,
    /// Sensor width × height (mm), image width × height (px), focal length (mm), when known.
    pub sensor_mm: Option<(f64, f64)>,
    /// Image size in pixels.
    pub image_px: Option<(u32, u32)>,
    /// Focal length (mm).
    pub focal_length_mm: Option<f64>,
    /// Landscape (true) or portrait orientation.
    pub landscape: bool,
    /// Altitude above home (m).
    pub alt_m: f64,
    /// Front overlap (%).
    pub front_overlap_pct: f64,
    /// Side overlap (%).
    pub side_overlap_pct: f64,
    /// Distance between transects (m).
    pub line_spacing_m: f64,
    /// Distance between photos (m).
    pub trigger_distance_m: f64,
    /// Transect angle, degrees clockwise from north.
    pub angle_deg: f64,
    /// Overshoot beyond each transect end (m).
    pub turnaround_m: f64,
    /// Second pass at +90°.
    pub crosshatch: bool,
    /// Camera keeps triggering through the turns.
    pub camera_in_turns: bool,
    /// Stop at each photo (multirotors).
    pub hover_and_capture: bool,
    /// Entry corner, 0..=3 as QGroundControl numbers it.
    pub entry_location: u8,
    /// Number of photos.
    pub camera_shots: u32,
    /// Transect end points as drawn (start, end, start, end, …).
    pub transect_points: Vec<LatLon>,
}

/// What kind of complex item a plan contained.
#[derive(Debug, Clone, PartialEq)]
pub enum ComplexKind {
    /// A survey (QGroundControl "survey").
    Survey(SurveyRecord),
    /// Another kind (structure scan, corridor scan, …) identified by its name.
    Other(String),
}

/// A complex item of a plan and where its items sit in [`MissionDocument::mission`].
#[derive(Debug, Clone, PartialEq)]
pub struct ComplexItem {
    /// What it is.
    pub kind: ComplexKind,
    /// Index of its first item in the mission list.
    pub first_item: usize,
    /// Number of mission items it expanded to (0 = not expanded: the file had no items).
    pub item_count: usize,
}

/// Vehicle family a plan is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VehicleKind {
    /// Multirotor (the default).
    #[default]
    Copter,
    /// Fixed wing.
    Plane,
    /// Anything else, by MAV_TYPE.
    Other(u8),
}

/// Firmware a plan is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Firmware {
    /// ArduPilot (the default).
    #[default]
    ArduPilot,
    /// PX4.
    Px4,
    /// Generic MAVLink.
    Generic,
}

/// A mission document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MissionDocument {
    /// Mission items, without the home item (seq 1.. on ArduPilot).
    pub mission: Vec<MissionItem>,
    /// Planned home, if known.
    pub planned_home: Option<PlannedHome>,
    /// Geofence.
    pub fence: Fence,
    /// Rally points.
    pub rally: Vec<RallyPoint>,
    /// Complex items found or generated.
    pub complex: Vec<ComplexItem>,
    /// Vehicle family.
    pub vehicle: VehicleKind,
    /// Firmware.
    pub firmware: Firmware,
    /// Planned cruise speed (m/s).
    pub cruise_speed_mps: Option<f64>,
    /// Planned hover speed (m/s).
    pub hover_speed_mps: Option<f64>,
    /// Things the reader could not fully use (e.g. "StructureScan not expanded").
    pub notes: Vec<String>,
}

/// Fence or rally items that do not form valid shapes.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DocumentError {
    /// A polygon announced N vertices but fewer followed.
    #[error("fence item {index}: polygon of {expected} vertices ends after {found}")]
    ShortPolygon {
        /// Index of the first vertex item.
        index: usize,
        /// Vertex count announced in param1.
        expected: usize,
        /// Vertices found.
        found: usize,
    },
    /// An item that is not a fence or rally command in that list.
    #[error("{kind} item {index}: command {command} does not belong in a {kind} list")]
    WrongCommand {
        /// Which list.
        kind: MissionType,
        /// Item index.
        index: usize,
        /// Command found.
        command: u16,
    },
}

impl Fence {
    /// True when there is nothing in the fence.
    pub fn is_empty(&self) -> bool {
        self.polygons.is_empty() && self.circles.is_empty() && self.return_point.is_none()
    }

    /// The fence as MAVLink fence items (ArduPilot and PX4 mission protocol).
    pub fn to_items(&self) -> Vec<MissionItem> {
        let mut out = Vec::new();
        if let Some(p) = self.return_point {
            out.push(MissionItem::nav(cmd::NAV_FENCE_RETURN_POINT, p, 0.0));
        }
        for poly in &self.polygons {
            let command = if poly.inclusion {
                cmd::NAV_FENCE_POLYGON_VERTEX_INCLUSION
            } else {
                cmd::NAV_FENCE_POLYGON_VERTEX_EXCLUSION
            };
            for p in &poly.points {
                let mut it = MissionItem::nav(command, *p, 0.0);
                it.frame = frame::GLOBAL;
                it.params[0] = poly.points.len() as f32;
                out.push(it);
            }
        }
        for c in &self.circles {
            let command = if c.inclusion {
                cmd::NAV_FENCE_CIRCLE_INCLUSION
            } else {
                cmd::NAV_FENCE_CIRCLE_EXCLUSION
            };
            let mut it = MissionItem::nav(command, c.center, 0.0);
            it.frame = frame::GLOBAL;
            it.params[0] = c.radius_m as f32;
            out.push(it);
        }
        out
    }

    /// A fence from MAVLink fence items.
    pub fn from_items(items: &[MissionItem]) -> Result<Fence, DocumentError> {
        let mut fence = Fence::default();
        let mut i = 0;
        while let Some(it) = items.get(i) {
            let at = |it: &MissionItem| LatLon::from_e7(it.x, it.y);
            match it.command {
                cmd::NAV_FENCE_RETURN_POINT => {
                    fence.return_point = Some(at(it));
                    i += 1;
                }
                cmd::NAV_FENCE_POLYGON_VERTEX_INCLUSION
                | cmd::NAV_FENCE_POLYGON_VERTEX_EXCLUSION => {
                    let expected = if it.params[0].is_finite() && it.params[0] >= 1.0 {
                        it.params[0] as usize
                    } else {
                        0
                    };
                    let run: Vec<LatLon> = items[i..]
                        .iter()
                        .take(expected.max(1))
                        .take_while(|x| x.command == it.command)
                        .map(at)
                        .collect();
                    if run.len() < expected.max(3) {
                        return Err(DocumentError::ShortPolygon {
                            index: i,
                            expected,
                            found: run.len(),
                        });
                    }
                    i += run.len();
                    fence.polygons.push(FencePolygon {
                        points: run,
                        inclusion: it.command == cmd::NAV_FENCE_POLYGON_VERTEX_INCLUSION,
                    });
                }
                cmd::NAV_FENCE_CIRCLE_INCLUSION | cmd::NAV_FENCE_CIRCLE_EXCLUSION => {
                    fence.circles.push(FenceCircle {
                        center: at(it),
                        radius_m: f64::from(it.params[0]),
                        inclusion: it.command == cmd::NAV_FENCE_CIRCLE_INCLUSION,
                    });
                    i += 1;
                }
                command => {
                    return Err(DocumentError::WrongCommand {
                        kind: MissionType::Fence,
                        index: i,
                        command,
                    });
                }
            }
        }
        Ok(fence)
    }
}

impl RallyPoint {
    /// Rally points as MAVLink rally items.
    pub fn to_items(points: &[RallyPoint]) -> Vec<MissionItem> {
        points
            .iter()
            .map(|r| MissionItem::nav(cmd::NAV_RALLY_POINT, r.position, r.alt_m as f32))
            .collect()
    }

    /// Rally points from MAVLink rally items.
    pub fn from_items(items: &[MissionItem]) -> Result<Vec<RallyPoint>, DocumentError> {
        items
            .iter()
            .enumerate()
            .map(|(index, it)| {
                if it.command == cmd::NAV_RALLY_POINT {
                    Ok(RallyPoint {
                        position: LatLon::from_e7(it.x, it.y),
                        alt_m: f64::from(it.z),
                    })
                } else {
                    Err(DocumentError::WrongCommand {
                        kind: MissionType::Rally,
                        index,
                        command: it.command,
                    })
                }
            })
            .collect()
    }
}

impl MissionDocument {
    /// The mission list to upload: ArduPilot wants the home as item 0 (from the planned home,
    /// or zeros when unknown — ArduPilot replaces it with its own home anyway).
    pub fn mission_upload_list(&self) -> Vec<MissionItem> {
        let mut home = MissionItem {
            frame: frame::GLOBAL,
            current: true,
            ..MissionItem::default()
        };
        if let Some(h) = self.planned_home {
            home.set_position(h.position);
            home.z = h.alt_amsl_m as f32;
        }
        std::iter::once(home)
            .chain(self.mission.iter().copied())
            .collect()
    }

    /// A document from a mission list whose item 0 is home (the .waypoints convention). A home
    /// row with coordinates that are unset (`NaN`) or off the globe leaves the home unknown,
    /// with a note saying so.
    pub fn from_mission_list(items: &[MissionItem]) -> MissionDocument {
        let planned_home = items.first().and_then(|h| {
            h.position().map(|p| PlannedHome {
                position: p,
                alt_amsl_m: f64::from(h.z),
            })
        });
        let mut notes = Vec::new();
        if let Some(h) = items.first()
            && planned_home.is_none()
            && frame::is_global(h.frame)
            && (h.x != 0 || h.y != 0)
        {
            notes.push(format!(
                "home (item 0) at {} is not a position on the globe: home unknown",
                h.coordinates_text()
            ));
        }
        MissionDocument {
            mission: items.iter().skip(1).copied().collect(),
            planned_home,
            notes,
            ..MissionDocument::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn home_row_without_a_position_leaves_home_unknown_with_a_note() {
        let row = |x: i32, y: i32| MissionItem {
            frame: frame::GLOBAL,
            command: cmd::NAV_WAYPOINT,
            x,
            y,
            z: 800.0,
            ..MissionItem::default()
        };
        // `nan nan` in a .waypoints home row: x = y = i32::MAX, once read as 214.7°, 214.7°.
        let doc = MissionDocument::from_mission_list(&[row(i32::MAX, i32::MAX), row(1, 1)]);
        assert_eq!(doc.planned_home, None);
        assert_eq!(doc.mission.len(), 1);
        assert_eq!(
            doc.notes,
            ["home (item 0) at NaN, NaN is not a position on the globe: home unknown"]
        );
        let doc = MissionDocument::from_mission_list(&[row(425_000_000, 723_000_000)]);
        assert_eq!(
            doc.planned_home.map(|h| h.position),
            Some(LatLon::new(42.5, 72.3))
        );
        assert!(doc.notes.is_empty());
        // 0, 0 is the usual "no home yet" row: no note.
        let doc = MissionDocument::from_mission_list(&[row(0, 0)]);
        assert!(doc.planned_home.is_none() && doc.notes.is_empty());
    }

    #[test]
    fn fence_items_round_trip() {
        let o = LatLon::new(42.0, 74.0);
        let fence = Fence {
            polygons: vec![
                FencePolygon {
                    points: vec![o, o.destination(90.0, 100.0), o.destination(0.0, 100.0)],
                    inclusion: true,
                },
                FencePolygon {
                    points: vec![
                        o,
                        o.destination(90.0, 10.0),
                        o.destination(0.0, 10.0),
                        o.destination(45.0, 5.0),
                    ],
                    inclusion: false,
                },
            ],
            circles: vec![FenceCircle {
                center: o,
                radius_m: 300.0,
                inclusion: true,
            }],
            return_point: Some(o.destination(180.0, 20.0)),
        };
        let items = fence.to_items();
        assert_eq!(items.len(), 1 + 3 + 4 + 1);
        let back = Fence::from_items(&items).expect("valid");
        assert_eq!(back.polygons.len(), 2);
        assert_eq!(back.polygons[1].points.len(), 4);
        assert!(!back.polygons[1].inclusion);
        assert_eq!(back.circles[0].radius_m, 300.0);
        assert!(back.return_point.is_some());
    }

    #[test]
    fn short_polygon_is_an_error() {
        let o = LatLon::new(42.0, 74.0);
        let mut it = MissionItem::nav(cmd::NAV_FENCE_POLYGON_VERTEX_INCLUSION, o, 0.0);
        it.params[0] = 5.0;
        let e = Fence::from_items(&[it, it, it]).unwrap_err();
        assert!(
            e.to_string().contains("polygon of 5 vertices ends after 3"),
            "{e}"
        );
    }
}
