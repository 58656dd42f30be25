//! QGroundControl `survey` complex items ↔ [`SurveyRecord`]: the settings of a survey as
//! QGroundControl stores them (`SurveyComplexItem` version 4/5 around a
//! `TransectStyleComplexItem` and its `CameraCalc`). The generated mission items are handled by
//! the [`plan`](super::plan) reader and writer; this module maps the settings.
//!
//! Mapping: `polygon` → `polygon`, `angle` → `angle_deg`, `entryLocation` →
//! `entry_location`, `TurnAroundDistance` → `turnaround_m`, `Refly90Degrees` → `crosshatch`,
//! `CameraTriggerInTurnAround` → `camera_in_turns`, `HoverAndCapture` → `hover_and_capture`,
//! `CameraShots` → `camera_shots`, `VisualTransectPoints` → `transect_points`; in `CameraCalc`:
//! `CameraName` ("Manual (no camera specs)" ↔ "Manual"), `DistanceToSurface` → `alt_m`,
//! `AdjustedFootprintSide` → `line_spacing_m`, `AdjustedFootprintFrontal` →
//! `trigger_distance_m`, `SensorWidth/Height`, `ImageWidth/Height`, `FocalLength`,
//! `Landscape`, `FrontalOverlap`, `SideOverlap`.
//!
//! Written as survey version 5 / TransectStyleComplexItem version 1 / CameraCalc version 1
//! (the combination QGroundControl itself wrote in the sample, loaded by old and current
//! releases). Overlaps and orientation are written for manual cameras too (QGroundControl
//! ignores them there), so the record reads back unchanged. A named camera without complete
//! specs is written as a manual camera, since QGroundControl refuses a named camera without
//! them.

use crate::formats::plan::PlanError;
use crate::formats::plan_json::{self as pj};
use crate::plan::document::SurveyRecord;
use serde_json::{Map, Value, json};

/// QGroundControl's name for a camera given by line spacing and trigger distance only.
pub const QGC_MANUAL_CAMERA: &str = "Manual (no camera specs)";
/// Steppe's name for the same.
pub const MANUAL_CAMERA: &str = "Manual";

/// Reads the settings of a `survey` complex item at `path`.
pub(crate) fn read_survey(
    obj: &Map<String, Value>,
    path: &str,
    notes: &mut Vec<String>,
) -> Result<SurveyRecord, PlanError> {
    let (v, vp) = pj::field(obj, path, "version", "a version number")?;
    let version = pj::number(v, &vp, "a version number")?;
    if version != 4.0 && version != 5.0 {
        return Err(PlanError::Version {
            path: vp,
            found: pj::describe(v),
            supported: "survey versions 4 and 5 with stored items".to_owned(),
        });
    }
    let mut r = SurveyRecord::default();
    let (poly, poly_path) = pj::field(obj, path, "polygon", "an array of coordinates")?;
    r.polygon = pj::qgc_coordinates(poly, &poly_path)?;
    let (angle, angle_path) = pj::field(obj, path, "angle", "an angle (deg)")?;
    r.angle_deg = pj::number(angle, &angle_path, "an angle (deg)")?;
    let (entry, entry_path) = pj::field(obj, path, "entryLocation", "an entry corner 0-3")?;
    r.entry_location = pj::integer(entry, &entry_path, 0, 3, "an entry corner 0-3")? as u8;
    if pj::opt_bool(obj, path, "flyAlternateTransects", false)? {
        notes.push(format!(
            "{path}: flyAlternateTransects is not kept (the stored items already fly it)"
        ));
    }

    let tpath = pj::key_path(path, "TransectStyleComplexItem");
    let (t, _) = pj::field(obj, path, "TransectStyleComplexItem", "an object")?;
    let t = pj::object(t, &tpath)?;
    if let Some(v) = t.get("version") {
        let vp = pj::key_path(&tpath, "version");
        if !matches!(v.as_f64(), Some(x) if x == 1.0 || x == 2.0) {
            return Err(PlanError::Version {
                path: vp,
                found: pj::describe(v),
                supported: "TransectStyleComplexItem versions 1 and 2".to_owned(),
            });
        }
    }
    let num = |o: &Map<String, Value>, p: &str, k: &str, what: &str| -> Result<f64, PlanError> {
        let (v, vp) = pj::field(o, p, k, what)?;
        Ok(pj::number(v, &vp, what)?)
    };
    let flag = |o: &Map<String, Value>, p: &str, k: &str| -> Result<bool, PlanError> {
        let (v, vp) = pj::field(o, p, k, "true or false")?;
        Ok(pj::boolean(v, &vp)?)
    };
    r.turnaround_m = num(t, &tpath, "TurnAroundDistance", "a distance (m)")?;
    r.camera_in_turns = flag(t, &tpath, "CameraTriggerInTurnAround")?;
    r.hover_and_capture = flag(t, &tpath, "HoverAndCapture")?;
    r.crosshatch = flag(t, &tpath, "Refly90Degrees")?;
    if let Some(v) = t.get("CameraShots") {
        let p = pj::key_path(&tpath, "CameraShots");
        r.camera_shots = pj::integer(v, &p, 0, i64::from(u32::MAX), "a photo count")? as u32;
    }
    if pj::opt_bool(t, &tpath, "FollowTerrain", false)? {
        notes.push(format!(
            "{tpath}: terrain following is not kept (the stored items carry its altitudes)"
        ));
    }
    let (pts, pts_path) = pj::field(t, &tpath, "VisualTransectPoints", "an array of coordinates")?;
    r.transect_points = pj::qgc_coordinates(pts, &pts_path)?;

    let cpath = pj::key_path(&tpath, "CameraCalc");
    let (c, _) = pj::field(t, &tpath, "CameraCalc", "an object")?;
    read_camera(pj::object(c, &cpath)?, &cpath, &mut r, notes)?;
    Ok(r)
}

fn read_camera(
    c: &Map<String, Value>,
    cpath: &str,
    r: &mut SurveyRecord,
    notes: &mut Vec<String>,
) -> Result<(), PlanError> {
    let version = match c.get("version") {
        None => 0.0,
        Some(v) => pj::number(v, &pj::key_path(cpath, "version"), "a version number")?,
    };
    if !(version == 0.0 || version == 1.0 || version == 2.0) {
        return Err(PlanError::Version {
            path: pj::key_path(cpath, "version"),
            found: version.to_string(),
            supported: "CameraCalc versions 0, 1 and 2".to_owned(),
        });
    }
    let num = |k: &str, what: &str| -> Result<f64, PlanError> {
        let (v, vp) = pj::field(c, cpath, k, what)?;
        Ok(pj::number(v, &vp, what)?)
    };
    let name = match c.get("CameraName") {
        Some(v) => pj::text(v, &pj::key_path(cpath, "CameraName"), "a camera name")?,
        None => QGC_MANUAL_CAMERA,
    };
    r.camera_name = if name == QGC_MANUAL_CAMERA {
        MANUAL_CAMERA.to_owned()
    } else {
        name.to_owned()
    };
    r.alt_m = num("DistanceToSurface", "an altitude (m)")?;
    r.line_spacing_m = num("AdjustedFootprintSide", "a line spacing (m)")?;
    r.trigger_distance_m = num("AdjustedFootprintFrontal", "a trigger distance (m)")?;
    let relative = if version == 2.0 {
        let (m, mp) = pj::field(c, cpath, "DistanceMode", "an altitude mode 1-4")?;
        pj::integer(m, &mp, 0, 5, "an altitude mode 1-4")? == 1
    } else {
        pj::opt_bool(c, cpath, "DistanceToSurfaceRelative", true)?
    };
    if !relative {
        notes.push(format!(
            "{cpath}: survey altitude {} m is not relative to home; Steppe records it as the \
             survey altitude (the stored items carry the real frame)",
            r.alt_m
        ));
    }
    let opt = |k: &str, what: &str| pj::opt_number(c, cpath, k, what);
    let sensor_w = opt("SensorWidth", "a sensor width (mm)")?;
    let sensor_h = opt("SensorHeight", "a sensor height (mm)")?;
    let image_w = opt("ImageWidth", "an image width (px)")?;
    let image_h = opt("ImageHeight", "an image height (px)")?;
    if let (Some(w), Some(h)) = (sensor_w, sensor_h) {
        r.sensor_mm = Some((w, h));
    }
    if let (Some(w), Some(h)) = (image_w, image_h) {
        let px = |v: f64, k: &str| {
            if v >= 0.0 && v <= f64::from(u32::MAX) && v.fract() == 0.0 {
                Ok(v as u32)
            } else {
                Err(PlanError::Value {
                    path: pj::key_path(cpath, k),
                    expected: "a whole number of pixels".to_owned(),
                    found: v.to_string(),
                })
            }
        };
        r.image_px = Some((px(w, "ImageWidth")?, px(h, "ImageHeight")?));
    }
    r.focal_length_mm = opt("FocalLength", "a focal length (mm)")?;
    r.landscape = pj::opt_bool(c, cpath, "Landscape", true)?;
    r.front_overlap_pct = opt("FrontalOverlap", "an overlap (%)")?.unwrap_or(0.0);
    r.side_overlap_pct = opt("SideOverlap", "an overlap (%)")?.unwrap_or(0.0);
    Ok(())
}

/// True when the record has everything QGroundControl needs for a named camera.
fn has_specs(r: &SurveyRecord) -> bool {
    r.camera_name != MANUAL_CAMERA
        && r.camera_name != QGC_MANUAL_CAMERA
        && !r.camera_name.is_empty()
        && r.sensor_mm.is_some()
        && r.image_px.is_some()
        && r.focal_length_mm.is_some()
}

/// The `survey` complex item for a record and its generated items (already JSON).
pub(crate) fn survey_value(r: &SurveyRecord, items: Vec<Value>) -> Value {
    let coords = |v: &[crate::geo::LatLon]| -> Vec<Value> {
        v.iter().map(|p| pj::coordinate_value(*p)).collect()
    };
    let mut camera = json!({
        "AdjustedFootprintFrontal": pj::f64_value(r.trigger_distance_m),
        "AdjustedFootprintSide": pj::f64_value(r.line_spacing_m),
        "CameraName": QGC_MANUAL_CAMERA,
        "DistanceToSurface": pj::f64_value(r.alt_m),
        "DistanceToSurfaceRelative": true,
        "FrontalOverlap": pj::f64_value(r.front_overlap_pct),
        "Landscape": r.landscape,
        "SideOverlap": pj::f64_value(r.side_overlap_pct),
        "version": 1,
    });
    if let (true, Some(obj), Some((sw, sh)), Some((iw, ih)), Some(focal)) = (
        has_specs(r),
        camera.as_object_mut(),
        r.sensor_mm,
        r.image_px,
        r.focal_length_mm,
    ) {
        let (sensor, image) = if r.landscape {
            (sw, f64::from(iw))
        } else {
            (sh, f64::from(ih))
        };
        let gsd_cm = r.alt_m * sensor * 100.0 / (image * focal);
        let extra = [
            ("CameraName", json!(r.camera_name)),
            ("FixedOrientation", json!(false)),
            ("FocalLength", pj::f64_value(focal)),
            ("ImageDensity", pj::f64_value(gsd_cm)),
            ("ImageHeight", json!(ih)),
            ("ImageWidth", json!(iw)),
            ("MinTriggerInterval", json!(0)),
            ("SensorHeight", pj::f64_value(sh)),
            ("SensorWidth", pj::f64_value(sw)),
            ("ValueSetIsDistance", json!(true)),
        ];
        for (k, v) in extra {
            obj.insert(k.to_owned(), v);
        }
    }
    json!({
        "TransectStyleComplexItem": {
            "CameraCalc": camera,
            "CameraShots": r.camera_shots,
            "CameraTriggerInTurnAround": r.camera_in_turns,
            "FollowTerrain": false,
            "HoverAndCapture": r.hover_and_capture,
            "Items": items,
            "Refly90Degrees": r.crosshatch,
            "TurnAroundDistance": pj::f64_value(r.turnaround_m),
            "VisualTransectPoints": coords(&r.transect_points),
            "version": 1,
        },
        "angle": pj::f64_value(r.angle_deg),
        "complexItemType": "survey",
        "entryLocation": r.entry_location,
        "flyAlternateTransects": false,
        "polygon": coords(&r.polygon),
        "splitConcavePolygons": false,
        "type": "ComplexItem",
        "version": 5,
    })
}
