//! QGroundControl `.plan` files (JSON): the format in which field crews exchange complete
//! plans — mission, geofence, rally points and the survey settings — with QGroundControl.
//! Reading what QGroundControl writes and writing what it loads is the point; key names,
//! versions and conventions follow QGroundControl's own loader (`PlanMasterController`,
//! `MissionController`, `SimpleMissionItem`, `SurveyComplexItem`, `TransectStyleComplexItem`,
//! `CameraCalc`, `GeoFenceController`, `RallyPointController`).
//!
//! # What is read
//! - Envelope: `fileType` "Plan", `version` 1 (the only .plan version; anything else is an
//!   error naming the version found). The pre-.plan `.mission` JSON (mission file version 2,
//!   items with a `coordinate` key) loads too; version 1 `.mission` files are refused by name.
//! - `mission` (version 2): `SimpleItem`s become [`MissionItem`](crate::plan::MissionItem)s in wire form (frame and
//!   command numbers kept raw, `null` parameters are NaN, parameters 5/6 NaN become
//!   `i32::MAX` as in the WPL reader). `DO_JUMP` targets are stored as `doJumpId`s in the file
//!   and become sequence numbers (index + 1, home being 0), as QGroundControl does.
//!   `AltitudeMode` 3 ("calculated above terrain") leaves parameter 7 `null` in the file
//!   until terrain heights are known: the item is kept as it is and a note says so.
//! - `firmwareType` (MAV_AUTOPILOT 3 ArduPilot, 12 PX4, anything else generic),
//!   `vehicleType` (MAV_TYPE 2 copter, 1 plane, others kept by number), `cruiseSpeed`,
//!   `hoverSpeed`, `plannedHomePosition` (`[0, 0, alt]` means unknown).
//! - Complex items: a `survey` (version 4/5) is expanded from its stored
//!   `TransectStyleComplexItem.Items` and recorded as a [`SurveyRecord`](crate::plan::document::SurveyRecord). Any other complex
//!   item that stores generated items (a `CorridorScan`) is expanded the same way — those
//!   items are what the vehicle must fly — and recorded as [`ComplexKind::Other`](crate::plan::document::ComplexKind::Other) with a note
//!   that its settings are not kept. Complex items without stored items (`StructureScan`,
//!   landing patterns, surveys of version 2/3) are recorded with `item_count` 0 and a note
//!   "… not expanded".
//! - `geoFence` version 2 (polygons, circles, `breachReturn`); version 1 is ignored with a
//!   note, as QGroundControl ignores it. `rallyPoints` version 2 (`[lat, lon, alt]`, altitude
//!   above home); version 1 is ignored with a note likewise.
//!
//! # What is written ([`write_plan`])
//! `fileType` Plan, `version` 1, `groundStation` "Steppe", mission version 2 with
//! sequential `doJumpId`s (1 for the first item), `Altitude`/`AltitudeMode`/
//! `AMSLAltAboveTerrain` on items in frames 0 (absolute, mode 2), 3 (relative, mode 1) and 10
//! (terrain frame, mode 4) as QGroundControl writes them, surveys as `survey` version 5
//! complex items whose `TransectStyleComplexItem` (version 1) and `CameraCalc` (version 1)
//! carry the generated `Items` — the same combination as the QGroundControl-written sample,
//! which both older and current QGroundControl releases load. `geoFence` and `rallyPoints`
//! version 2. Known losses, all documented on the writer: NaN and infinite parameters are
//! both `null`; a complex item that is not a survey, overlaps another or lies outside the
//! mission is written as simple items.

use crate::formats::plan_item::{self, JumpFixups};
use crate::formats::plan_json::{self as pj, JsonIssue};
use crate::formats::plan_survey;
use crate::geo::LatLon;
use crate::plan::document::{
    ComplexItem, Fence, FenceCircle, FencePolygon, Firmware, MissionDocument, PlannedHome,
    RallyPoint, VehicleKind,
};
use serde_json::{Map, Value};

pub use crate::formats::plan_survey::{MANUAL_CAMERA, QGC_MANUAL_CAMERA};
pub use crate::formats::plan_write::write_plan;

/// Why a .plan (or legacy .mission) file could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    /// The text is not JSON.
    #[error("line {line}, column {column}: not valid JSON ({message})")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// Valid JSON that is not a QGroundControl plan or mission file.
    #[error("not a QGroundControl .plan file: {reason}")]
    NotAPlan {
        /// What was found instead.
        reason: String,
    },
    /// A version this reader does not know.
    #[error("{path}: version {found} is not supported (supported: {supported})")]
    Version {
        /// JSON path of the version key.
        path: String,
        /// The version found.
        found: String,
        /// The versions supported.
        supported: String,
    },
    /// A value of the wrong type or out of range.
    #[error("{path}: expected {expected}, found {found}")]
    Value {
        /// JSON path (`mission.items[3].params[4]`).
        path: String,
        /// What the value should be.
        expected: String,
        /// What it is.
        found: String,
    },
    /// Values that are each fine but do not fit together.
    #[error("{path}: {reason}")]
    Invalid {
        /// JSON path.
        path: String,
        /// What is wrong.
        reason: String,
    },
}

impl From<JsonIssue> for PlanError {
    fn from(i: JsonIssue) -> Self {
        PlanError::Value {
            path: i.path,
            expected: i.expected,
            found: i.found,
        }
    }
}

/// The only `.plan` envelope version QGroundControl has written.
pub const PLAN_VERSION: i64 = 1;
/// The mission object version QGroundControl writes and this reader supports.
pub const MISSION_VERSION: i64 = 2;
/// The geofence and rally object version written and read.
pub const FENCE_RALLY_VERSION: i64 = 2;

/// Reads a QGroundControl `.plan` file, or a legacy `.mission` file (mission version 2).
pub fn read_plan(text: &str) -> Result<MissionDocument, PlanError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let root: Value = serde_json::from_str(text).map_err(|e| PlanError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    read_plan_value(&root)
}

/// True when a JSON value looks like a QGroundControl plan (or legacy mission) rather than
/// GeoJSON: it has the plan's top-level keys.
pub fn is_plan_object(v: &Value) -> bool {
    v.as_object().is_some_and(|o| {
        o.contains_key("fileType") || o.contains_key("mission") || o.contains_key("items")
    })
}

/// Reads an already parsed `.plan` or `.mission` JSON document.
pub(crate) fn read_plan_value(root: &Value) -> Result<MissionDocument, PlanError> {
    let Some(obj) = root.as_object() else {
        return Err(PlanError::NotAPlan {
            reason: format!("expected a JSON object, found {}", pj::describe(root)),
        });
    };
    let mut doc = MissionDocument::default();
    match obj.get("fileType") {
        Some(Value::String(t)) if t == "Plan" => {
            check_version(obj, "", "version", &[PLAN_VERSION], ".plan version 1")?;
            let (mission, path) = pj::field(obj, "", "mission", "the mission object")?;
            read_mission(pj::object(mission, &path)?, &path, &mut doc)?;
            if let Some(fence) = obj.get("geoFence") {
                read_fence(pj::object(fence, "geoFence")?, &mut doc)?;
            }
            if let Some(rally) = obj.get("rallyPoints") {
                read_rally(pj::object(rally, "rallyPoints")?, &mut doc)?;
            }
        }
        Some(Value::String(t)) if t == "Mission" => read_legacy(obj, &mut doc)?,
        None if obj.contains_key("items") => read_legacy(obj, &mut doc)?,
        Some(other) => {
            return Err(PlanError::NotAPlan {
                reason: format!("fileType is {}, expected \"Plan\"", pj::describe(other)),
            });
        }
        None => {
            return Err(PlanError::NotAPlan {
                reason: "the object has neither \"fileType\": \"Plan\" nor mission \"items\""
                    .to_owned(),
            });
        }
    }
    Ok(doc)
}

/// QGroundControl's pre-.plan `.mission` JSON: a mission object at the top level.
fn read_legacy(obj: &Map<String, Value>, doc: &mut MissionDocument) -> Result<(), PlanError> {
    check_version(
        obj,
        "",
        "version",
        &[MISSION_VERSION],
        "legacy QGroundControl .mission version 2 (version 1 files: open and save them in \
         QGroundControl 3.x to convert)",
    )?;
    doc.notes
        .push("read from a legacy QGroundControl .mission file".to_owned());
    read_mission(obj, "", doc)
}

fn check_version(
    obj: &Map<String, Value>,
    path: &str,
    key: &str,
    supported: &[i64],
    supported_text: &str,
) -> Result<i64, PlanError> {
    let (v, p) = pj::field(obj, path, key, "a version number")?;
    let found = pj::number(v, &p, "a version number")?;
    match supported.iter().find(|s| **s as f64 == found) {
        Some(s) => Ok(*s),
        None => Err(PlanError::Version {
            path: p,
            found: pj::describe(v),
            supported: supported_text.to_owned(),
        }),
    }
}

fn read_mission(
    obj: &Map<String, Value>,
    path: &str,
    doc: &mut MissionDocument,
) -> Result<(), PlanError> {
    if !path.is_empty() && obj.contains_key("version") {
        check_version(
            obj,
            path,
            "version",
            &[MISSION_VERSION],
            "mission version 2",
        )?;
    }
    if let Some(v) = obj.get("firmwareType") {
        let p = pj::key_path(path, "firmwareType");
        doc.firmware = match pj::integer(v, &p, 0, 255, "a MAV_AUTOPILOT number 0-255")? {
            3 => Firmware::ArduPilot,
            12 => Firmware::Px4,
            0 => Firmware::Generic,
            n => {
                doc.notes.push(format!(
                    "{p}: MAV_AUTOPILOT {n} read as a generic MAVLink autopilot"
                ));
                Firmware::Generic
            }
        };
    }
    if let Some(v) = obj.get("vehicleType") {
        let p = pj::key_path(path, "vehicleType");
        doc.vehicle = match pj::integer(v, &p, 0, 255, "a MAV_TYPE number 0-255")? {
            1 => VehicleKind::Plane,
            2 => VehicleKind::Copter,
            n => VehicleKind::Other(n as u8),
        };
    }
    doc.cruise_speed_mps = pj::opt_number(obj, path, "cruiseSpeed", "a speed (m/s)")?;
    doc.hover_speed_mps = pj::opt_number(obj, path, "hoverSpeed", "a speed (m/s)")?;
    if let Some(v) = obj.get("plannedHomePosition") {
        let p = pj::key_path(path, "plannedHomePosition");
        let (position, alt_amsl_m) = pj::qgc_coordinate(v, &p, true)?;
        if position != LatLon::new(0.0, 0.0) {
            doc.planned_home = Some(PlannedHome {
                position,
                alt_amsl_m,
            });
        }
    }
    let (items, items_path) = pj::field(obj, path, "items", "an array of mission items")?;
    let items = pj::array(items, &items_path, "an array of mission items")?;
    let mut jumps = JumpFixups::default();
    for (i, v) in items.iter().enumerate() {
        let p = pj::index_path(&items_path, i);
        let item = pj::object(v, &p)?;
        let (kind, kind_path) = pj::field(item, &p, "type", "\"SimpleItem\" or \"ComplexItem\"")?;
        match pj::text(kind, &kind_path, "\"SimpleItem\" or \"ComplexItem\"")? {
            "SimpleItem" => {
                let read = plan_item::read_simple(item, &p, true, &mut doc.notes)?;
                jumps.add(&read, doc.mission.len(), &p);
                doc.mission.push(read.item);
            }
            "ComplexItem" => read_complex(item, &p, doc, &mut jumps)?,
            _ => {
                return Err(
                    pj::issue(&kind_path, "\"SimpleItem\" or \"ComplexItem\"", kind).into(),
                );
            }
        }
    }
    jumps.apply(&mut doc.mission)
}

fn read_complex(
    obj: &Map<String, Value>,
    path: &str,
    doc: &mut MissionDocument,
    jumps: &mut JumpFixups,
) -> Result<(), PlanError> {
    let (kind, kind_path) = pj::field(obj, path, "complexItemType", "a complex item type name")?;
    let name = pj::text(kind, &kind_path, "a complex item type name")?.to_owned();
    let first_item = doc.mission.len();
    let stored = obj
        .get("TransectStyleComplexItem")
        .and_then(Value::as_object)
        .and_then(|t| t.get("Items"));
    let Some(stored) = stored else {
        let why = if name == "survey" {
            "it stores no generated items (survey version 2/3); open and save it in \
             QGroundControl 4 to store them"
        } else {
            "QGroundControl stores no mission items for it and regenerates them when it loads \
             the plan"
        };
        doc.notes
            .push(format!("{path}: {name} not expanded: {why}"));
        doc.complex.push(ComplexItem {
            kind: crate::plan::document::ComplexKind::Other(name),
            first_item,
            item_count: 0,
        });
        return Ok(());
    };
    let items_path = format!("{path}.TransectStyleComplexItem.Items");
    let arr = pj::array(stored, &items_path, "an array of mission items")?;
    for (i, v) in arr.iter().enumerate() {
        let p = pj::index_path(&items_path, i);
        let read = plan_item::read_simple(pj::object(v, &p)?, &p, false, &mut doc.notes)?;
        jumps.add(&read, doc.mission.len(), &p);
        doc.mission.push(read.item);
    }
    let kind = if name == "survey" {
        let record = plan_survey::read_survey(obj, path, &mut doc.notes)?;
        crate::plan::document::ComplexKind::Survey(record)
    } else {
        doc.notes.push(format!(
            "{path}: {name} flown from its {} stored items; its settings are not kept and it is \
             written back as simple items",
            arr.len()
        ));
        crate::plan::document::ComplexKind::Other(name)
    };
    doc.complex.push(ComplexItem {
        kind,
        first_item,
        item_count: arr.len(),
    });
    Ok(())
}

fn read_fence(obj: &Map<String, Value>, doc: &mut MissionDocument) -> Result<(), PlanError> {
    const PATH: &str = "geoFence";
    let version = obj.get("version").and_then(Value::as_f64);
    if version.is_none() || version == Some(1.0) {
        let has_data = obj
            .values()
            .any(|v| v.as_array().is_some_and(|a| !a.is_empty()));
        if has_data {
            doc.notes.push(
                "geoFence: version 1 fence data ignored, as QGroundControl ignores it".to_owned(),
            );
        }
        return Ok(());
    }
    check_version(
        obj,
        PATH,
        "version",
        &[FENCE_RALLY_VERSION],
        "geoFence version 2",
    )?;
    let mut fence = Fence::default();
    if let Some(polys) = obj.get("polygons") {
        let pp = pj::key_path(PATH, "polygons");
        for (i, v) in pj::array(polys, &pp, "an array of fence polygons")?
            .iter()
            .enumerate()
        {
            let p = pj::index_path(&pp, i);
            let o = pj::object(v, &p)?;
            let (inc, inc_path) = pj::field(o, &p, "inclusion", "true or false")?;
            let (poly, poly_path) = pj::field(o, &p, "polygon", "an array of coordinates")?;
            let points = pj::qgc_coordinates(poly, &poly_path)?;
            if points.len() < 3 {
                return Err(PlanError::Invalid {
                    path: poly_path,
                    reason: format!(
                        "a fence polygon needs at least 3 vertices, found {}",
                        points.len()
                    ),
                });
            }
            fence.polygons.push(FencePolygon {
                points,
                inclusion: pj::boolean(inc, &inc_path)?,
            });
        }
    }
    if let Some(circles) = obj.get("circles") {
        let cp = pj::key_path(PATH, "circles");
        for (i, v) in pj::array(circles, &cp, "an array of fence circles")?
            .iter()
            .enumerate()
        {
            let p = pj::index_path(&cp, i);
            let o = pj::object(v, &p)?;
            let (inc, inc_path) = pj::field(o, &p, "inclusion", "true or false")?;
            let (c, c_path) = pj::field(o, &p, "circle", "an object with center and radius")?;
            let c = pj::object(c, &c_path)?;
            let (center, center_path) = pj::field(c, &c_path, "center", "[latitude, longitude]")?;
            let (radius, radius_path) = pj::field(c, &c_path, "radius", "a radius (m)")?;
            let radius_m = pj::number(radius, &radius_path, "a radius (m) above 0")?;
            if radius_m <= 0.0 {
                return Err(pj::issue(&radius_path, "a radius (m) above 0", radius).into());
            }
            fence.circles.push(FenceCircle {
                center: pj::qgc_coordinate(center, &center_path, false)?.0,
                radius_m,
                inclusion: pj::boolean(inc, &inc_path)?,
            });
        }
    }
    if let Some(ret) = obj.get("breachReturn") {
        let p = pj::key_path(PATH, "breachReturn");
        let (point, alt_m) = pj::qgc_coordinate(ret, &p, true)?;
        if alt_m != 0.0 && !alt_m.is_nan() {
            doc.notes.push(format!(
                "{p}: return altitude {alt_m} m not kept (ArduPilot takes it from FENCE_RET_ALT)"
            ));
        }
        fence.return_point = Some(point);
    }
    doc.fence = fence;
    Ok(())
}

fn read_rally(obj: &Map<String, Value>, doc: &mut MissionDocument) -> Result<(), PlanError> {
    const PATH: &str = "rallyPoints";
    if obj.get("version").and_then(Value::as_f64) == Some(1.0) {
        if obj
            .get("points")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
        {
            doc.notes.push(
                "rallyPoints: version 1 points ignored, as QGroundControl ignores them".to_owned(),
            );
        }
        return Ok(());
    }
    check_version(
        obj,
        PATH,
        "version",
        &[FENCE_RALLY_VERSION],
        "rallyPoints version 2",
    )?;
    let (points, pp) = pj::field(obj, PATH, "points", "an array of [lat, lon, alt] points")?;
    for (i, v) in pj::array(points, &pp, "an array of [lat, lon, alt] points")?
        .iter()
        .enumerate()
    {
        let p = pj::index_path(&pp, i);
        let (position, alt_m) = pj::qgc_coordinate(v, &p, true)?;
        doc.rally.push(RallyPoint { position, alt_m });
    }
    Ok(())
}
