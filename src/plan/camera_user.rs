//! The user's own cameras, from a JSON file, so a team with a camera the built-in list lacks
//! (or with better numbers for one it has) can plan with it. The CLI reads the file; this
//! module parses its text.
//!
//! # Format
//! A JSON array of objects, one per camera, with these snake_case fields:
//!
//! | field | type | |
//! |---|---|---|
//! | `name` | string | required, unique in the file (case, spaces and punctuation ignored) |
//! | `sensor_width_mm`, `sensor_height_mm` | number > 0 | required: the sensor area the image is read from |
//! | `image_width_px`, `image_height_px` | whole number ≥ 1 | required |
//! | `focal_length_mm` | number > 0 | required: the real focal length, not the 35 mm equivalent |
//! | `min_trigger_interval_s` | number ≥ 0 or null | optional; absent or null = unknown |
//! | `fixed_orientation` | true/false | optional, default false: true = landscape only |
//! | `source` | string | optional, default "user": where the numbers come from |
//!
//! ```json
//! [
//!   {
//!     "name": "Sony A6000 16mm",
//!     "sensor_width_mm": 23.5, "sensor_height_mm": 15.6,
//!     "image_width_px": 6000, "image_height_px": 4000,
//!     "focal_length_mm": 16,
//!     "min_trigger_interval_s": 1.2,
//!     "source": "our own trigger test, 2024"
//!   }
//! ]
//! ```
//!
//! Unknown fields are errors (a misspelt optional field would otherwise be silently ignored).
//! An entry with the name of a built-in camera replaces it ([`crate::plan::camera_db::all_cameras`]).
//! [`Camera`] serializes to the same format.

use serde_json::{Map, Value};

use crate::plan::camera::{Camera, CameraError};
use crate::plan::camera_db::normalize_name;

const FIELDS: [&str; 9] = [
    "name",
    "sensor_width_mm",
    "sensor_height_mm",
    "image_width_px",
    "image_height_px",
    "focal_length_mm",
    "min_trigger_interval_s",
    "fixed_orientation",
    "source",
];

/// Parses a user camera file (format in the module doc). Every camera is validated; errors name
/// the 0-based entry index and the field.
pub fn parse_user_cameras(json_text: &str) -> Result<Vec<Camera>, CameraError> {
    let value: Value = serde_json::from_str(json_text).map_err(|e| {
        let full = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        CameraError::Json {
            line: e.line(),
            column: e.column(),
            message: full.strip_suffix(&suffix).unwrap_or(&full).to_owned(),
        }
    })?;
    let Value::Array(entries) = value else {
        return Err(CameraError::FileShape {
            index: None,
            expected: "a JSON array of camera objects",
            found: kind(&value),
        });
    };
    let mut out: Vec<Camera> = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let Value::Object(obj) = entry else {
            return Err(CameraError::FileShape {
                index: Some(index),
                expected: "a JSON object describing a camera",
                found: kind(entry),
            });
        };
        let camera = parse_entry(index, obj)?;
        let key = normalize_name(&camera.name);
        if let Some(first) = out.iter().position(|c| normalize_name(&c.name) == key) {
            return Err(CameraError::DuplicateName {
                first,
                second: index,
                name: camera.name,
            });
        }
        out.push(camera);
    }
    Ok(out)
}

/// One entry: reads the fields, then validates the camera.
fn parse_entry(index: usize, obj: &Map<String, Value>) -> Result<Camera, CameraError> {
    let name_found = obj.get("name").and_then(Value::as_str).map(str::trim);
    let entry = Entry {
        index,
        name: name_found.filter(|n| !n.is_empty()).unwrap_or("?"),
        obj,
    };
    if let Some(unknown) = obj.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(entry.error(
            unknown,
            "a known field (name, sensor_width_mm, sensor_height_mm, image_width_px, \
             image_height_px, focal_length_mm, min_trigger_interval_s, fixed_orientation, source)",
            "an unknown field".to_owned(),
        ));
    }
    let name = match name_found {
        Some(n) if !n.is_empty() => n.to_owned(),
        _ => return Err(entry.error("name", "a non-empty string", entry.found("name"))),
    };
    let source = match obj.get("source") {
        None | Some(Value::Null) => "user".to_owned(),
        Some(Value::String(s)) if s.trim().is_empty() => "user".to_owned(),
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(_) => return Err(entry.error("source", "a string", entry.found("source"))),
    };
    let fixed_orientation = match obj.get("fixed_orientation") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(entry.error(
                "fixed_orientation",
                "true or false",
                entry.found("fixed_orientation"),
            ));
        }
    };
    let min_trigger_interval_s = match obj.get("min_trigger_interval_s") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_f64() {
            Some(s) if s.is_finite() && s >= 0.0 => Some(s),
            _ => {
                return Err(entry.error(
                    "min_trigger_interval_s",
                    "a number of seconds >= 0, or null for unknown",
                    v.to_string(),
                ));
            }
        },
    };
    let camera = Camera {
        name,
        sensor_width_mm: entry.mm("sensor_width_mm")?,
        sensor_height_mm: entry.mm("sensor_height_mm")?,
        image_width_px: entry.px("image_width_px")?,
        image_height_px: entry.px("image_height_px")?,
        focal_length_mm: entry.mm("focal_length_mm")?,
        min_trigger_interval_s,
        fixed_orientation,
        source,
    };
    camera.validate().map_err(|e| match e {
        CameraError::InvalidField {
            field,
            expected,
            found,
            ..
        } => entry.error(field, expected, found),
        other => other,
    })?;
    Ok(camera)
}

/// An entry being read, for error messages.
struct Entry<'a> {
    index: usize,
    name: &'a str,
    obj: &'a Map<String, Value>,
}

impl Entry<'_> {
    fn error(&self, field: &str, expected: &'static str, found: String) -> CameraError {
        CameraError::UserField {
            index: self.index,
            name: self.name.to_owned(),
            field: field.to_owned(),
            expected,
            found,
        }
    }

    /// The JSON text of a field, or "nothing" when it is missing.
    fn found(&self, field: &str) -> String {
        self.obj
            .get(field)
            .map_or_else(|| "nothing".to_owned(), Value::to_string)
    }

    /// A required positive length in mm.
    fn mm(&self, field: &str) -> Result<f64, CameraError> {
        match self.obj.get(field).and_then(Value::as_f64) {
            Some(v) if v.is_finite() && v > 0.0 => Ok(v),
            _ => Err(self.error(field, "a number of mm > 0", self.found(field))),
        }
    }

    /// A required pixel count, a whole number from 1 to 4294967295.
    fn px(&self, field: &str) -> Result<u32, CameraError> {
        match self.obj.get(field).and_then(Value::as_u64) {
            Some(v) if v >= 1 => u32::try_from(v)
                .map_err(|_| self.error(field, "a whole number of pixels >= 1", v.to_string())),
            _ => Err(self.error(field, "a whole number of pixels >= 1", self.found(field))),
        }
    }
}

/// A short description of a JSON value's kind, for "found …".
fn kind(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(_) => "a string".to_owned(),
        Value::Array(a) => format!("an array of {} items", a.len()),
        Value::Object(_) => "an object".to_owned(),
    }
}

#[cfg(test)]
#[path = "camera_user_tests.rs"]
mod tests;
