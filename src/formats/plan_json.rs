//! Typed reads of `serde_json` values that remember where each value sits (`mission.items[3]
//! .params[4]`), so that the .plan and GeoJSON readers can say exactly which value is wrong.
//! Each reader maps [`JsonIssue`] into its own error enum.

use crate::geo::LatLon;
use serde_json::{Map, Value};

/// A JSON value that is not what a format expects, and where it is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct JsonIssue {
    /// JSON path of the value (`mission.items[3].params[4]`).
    pub path: String,
    /// What the format expects there.
    pub expected: String,
    /// What was found.
    pub found: String,
}

/// Result of a typed read.
pub(crate) type JResult<T> = Result<T, JsonIssue>;

/// Path of `key` inside the object at `path`.
pub(crate) fn key_path(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Path of element `i` of the array at `path`.
pub(crate) fn index_path(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

/// A short description of a value for error messages.
pub(crate) fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            let short: String = s.chars().take(40).collect();
            if short.len() < s.len() {
                format!("the text \"{short}...\"")
            } else {
                format!("the text \"{short}\"")
            }
        }
        Value::Array(a) => format!("an array of {} values", a.len()),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// An issue at `path`.
pub(crate) fn issue(path: &str, expected: impl Into<String>, found: &Value) -> JsonIssue {
    JsonIssue {
        path: path.to_owned(),
        expected: expected.into(),
        found: describe(found),
    }
}

/// A required key that is absent.
pub(crate) fn missing(path: &str, expected: impl Into<String>) -> JsonIssue {
    JsonIssue {
        path: path.to_owned(),
        expected: expected.into(),
        found: "nothing (the key is missing)".to_owned(),
    }
}

/// The value of a required key, with its path.
pub(crate) fn field<'v>(
    obj: &'v Map<String, Value>,
    path: &str,
    key: &str,
    expected: &str,
) -> JResult<(&'v Value, String)> {
    let p = key_path(path, key);
    match obj.get(key) {
        Some(v) => Ok((v, p)),
        None => Err(missing(&p, expected)),
    }
}

/// The value as an object.
pub(crate) fn object<'v>(v: &'v Value, path: &str) -> JResult<&'v Map<String, Value>> {
    v.as_object().ok_or_else(|| issue(path, "an object", v))
}

/// The value as an array.
pub(crate) fn array<'v>(v: &'v Value, path: &str, expected: &str) -> JResult<&'v Vec<Value>> {
    v.as_array().ok_or_else(|| issue(path, expected, v))
}

/// The value as a boolean.
pub(crate) fn boolean(v: &Value, path: &str) -> JResult<bool> {
    v.as_bool().ok_or_else(|| issue(path, "true or false", v))
}

/// The value as text.
pub(crate) fn text<'v>(v: &'v Value, path: &str, expected: &str) -> JResult<&'v str> {
    v.as_str().ok_or_else(|| issue(path, expected, v))
}

/// The value as a finite number.
pub(crate) fn number(v: &Value, path: &str, expected: &str) -> JResult<f64> {
    match v.as_f64() {
        Some(x) if x.is_finite() => Ok(x),
        _ => Err(issue(path, expected, v)),
    }
}

/// The value as a number, `null` giving NaN (QGroundControl writes NaN as `null`).
pub(crate) fn number_or_null(v: &Value, path: &str, expected: &str) -> JResult<f64> {
    if v.is_null() {
        Ok(f64::NAN)
    } else {
        number(v, path, expected)
    }
}

/// The value as a whole number within `min..=max` (`16` and `16.0` both count).
pub(crate) fn integer(v: &Value, path: &str, min: i64, max: i64, expected: &str) -> JResult<i64> {
    let x = number(v, path, expected)?;
    if x.fract() != 0.0 || x < min as f64 || x > max as f64 {
        return Err(issue(path, expected, v));
    }
    Ok(x as i64)
}

/// An optional number: absent or `null` gives `None`.
pub(crate) fn opt_number(
    obj: &Map<String, Value>,
    path: &str,
    key: &str,
    expected: &str,
) -> JResult<Option<f64>> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => number(v, &key_path(path, key), expected).map(Some),
    }
}

/// An optional boolean with a default.
pub(crate) fn opt_bool(
    obj: &Map<String, Value>,
    path: &str,
    key: &str,
    default: bool,
) -> JResult<bool> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(v) => boolean(v, &key_path(path, key)),
    }
}

/// A latitude in degrees, range-checked.
pub(crate) fn latitude(v: &Value, path: &str) -> JResult<f64> {
    const E: &str = "a latitude within -90..90 degrees";
    let x = number(v, path, E)?;
    if (-90.0..=90.0).contains(&x) {
        Ok(x)
    } else {
        Err(issue(path, E, v))
    }
}

/// A longitude in degrees, range-checked.
pub(crate) fn longitude(v: &Value, path: &str) -> JResult<f64> {
    const E: &str = "a longitude within -180..180 degrees";
    let x = number(v, path, E)?;
    if (-180.0..=180.0).contains(&x) {
        Ok(x)
    } else {
        Err(issue(path, E, v))
    }
}

/// QGroundControl's coordinate `[lat, lon]` or `[lat, lon, alt]`; the altitude (NaN for
/// `null`) when `with_alt`, else 0.
pub(crate) fn qgc_coordinate(v: &Value, path: &str, with_alt: bool) -> JResult<(LatLon, f64)> {
    let expected = if with_alt {
        "a coordinate [latitude, longitude, altitude]"
    } else {
        "a coordinate [latitude, longitude]"
    };
    let a = array(v, path, expected)?;
    let need = if with_alt { 3 } else { 2 };
    let (Some(lat), Some(lon)) = (a.first(), a.get(1)) else {
        return Err(issue(path, expected, v));
    };
    if a.len() < need {
        return Err(issue(path, expected, v));
    }
    let lat = latitude(lat, &index_path(path, 0))?;
    let lon = longitude(lon, &index_path(path, 1))?;
    let alt = match a.get(2) {
        Some(alt) if with_alt => number_or_null(alt, &index_path(path, 2), "an altitude (m)")?,
        _ => 0.0,
    };
    Ok((LatLon::new(lat, lon), alt))
}

/// A list of `[lat, lon]` coordinates.
pub(crate) fn qgc_coordinates(v: &Value, path: &str) -> JResult<Vec<LatLon>> {
    array(v, path, "an array of [latitude, longitude] coordinates")?
        .iter()
        .enumerate()
        .map(|(i, p)| qgc_coordinate(p, &index_path(path, i), false).map(|(ll, _)| ll))
        .collect()
}

/// A JSON number for an `f32` in its shortest decimal form (0.1f32 is written `0.1`, not
/// `0.10000000149011612`); NaN and infinities become `null`.
pub(crate) fn f32_value(x: f32) -> Value {
    if !x.is_finite() {
        return Value::Null;
    }
    let shortest: f64 = x.to_string().parse().unwrap_or(f64::from(x));
    f64_value(shortest)
}

/// A JSON number; NaN and infinities become `null`.
pub(crate) fn f64_value(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

/// `[lat, lon]` as QGroundControl writes coordinates.
pub(crate) fn coordinate_value(p: LatLon) -> Value {
    Value::Array(vec![f64_value(p.lat_deg), f64_value(p.lon_deg)])
}

/// Pretty JSON with four-space indentation, as QGroundControl writes it.
pub(crate) fn to_pretty(v: &Value) -> String {
    use serde::Serialize;
    let mut out = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
    // Serializing a Value into a Vec cannot fail (no I/O, string keys only).
    if v.serialize(&mut ser).is_err() {
        return v.to_string();
    }
    let mut s = String::from_utf8(out).unwrap_or_else(|_| v.to_string());
    s.push('\n');
    s
}
