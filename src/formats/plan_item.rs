//! One `SimpleItem` of a .plan file ↔ one [`MissionItem`] in wire form, and the `doJumpId`
//! bookkeeping that turns QGroundControl's jump targets into sequence numbers. See the
//! [`plan`](super::plan) module doc for the conventions.

use crate::formats::plan::PlanError;
use crate::formats::plan_json::{self as pj, JResult};
use crate::geo::deg_to_e7;
use crate::plan::mission_item::{MissionItem, cmd, frame};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// QGroundControl's altitude modes (`QGroundControlQmlGlobal::AltMode`).
pub mod alt_mode {
    /// Relative to home (frame 3).
    pub const RELATIVE: i64 = 1;
    /// Above mean sea level (frame 0).
    pub const ABSOLUTE: i64 = 2;
    /// AMSL computed from terrain data by QGroundControl (frame 0, parameter 7 unknown).
    pub const CALC_ABOVE_TERRAIN: i64 = 3;
    /// Terrain frame (frame 10).
    pub const TERRAIN_FRAME: i64 = 4;
}

/// A simple item as read, with its jump id.
pub(crate) struct SimpleRead {
    /// The item in wire form.
    pub item: MissionItem,
    /// `doJumpId` if the file gave one.
    pub do_jump_id: Option<i64>,
}

/// Reads one `SimpleItem` object at `path`. `notes` collects what the reader could not use.
pub(crate) fn read_simple(
    obj: &Map<String, Value>,
    path: &str,
    altitude_keys: bool,
    notes: &mut Vec<String>,
) -> Result<SimpleRead, PlanError> {
    let (kind, kind_path) = pj::field(obj, path, "type", "\"SimpleItem\"")?;
    if pj::text(kind, &kind_path, "\"SimpleItem\"")? != "SimpleItem" {
        return Err(pj::issue(&kind_path, "\"SimpleItem\"", kind).into());
    }
    let (c, c_path) = pj::field(obj, path, "command", "a MAV_CMD number")?;
    let command = pj::integer(c, &c_path, 0, 65535, "a MAV_CMD number 0-65535")? as u16;
    let (f, f_path) = pj::field(obj, path, "frame", "a MAV_FRAME number")?;
    let item_frame = pj::integer(f, &f_path, 0, 255, "a MAV_FRAME number 0-255")? as u8;
    let (a, a_path) = pj::field(obj, path, "autoContinue", "true or false")?;
    let autocontinue = pj::boolean(a, &a_path)?;
    let do_jump_id = match obj.get("doJumpId") {
        None | Some(Value::Null) => None,
        Some(v) => Some(pj::integer(
            v,
            &pj::key_path(path, "doJumpId"),
            i64::from(i32::MIN),
            i64::from(i32::MAX),
            "a whole number",
        )?),
    };
    let params = read_params(obj, path)?;
    let mut item = MissionItem {
        frame: item_frame,
        command,
        current: false,
        autocontinue,
        params: [0.0; 4],
        x: 0,
        y: 0,
        z: 0.0,
    };
    let params_path = pj::key_path(path, "params");
    for (k, (value, value_path)) in params.iter().take(4).enumerate() {
        if let Some(slot) = item.params.get_mut(k) {
            *slot = to_f32(*value, value_path)?;
        }
    }
    let get = |k: usize| {
        params
            .get(k)
            .cloned()
            .unwrap_or((f64::NAN, pj::index_path(&params_path, k)))
    };
    let (p5, p5_path) = get(4);
    let (p6, p6_path) = get(5);
    let (p7, p7_path) = get(6);
    item.x = wire_xy(p5, item_frame, &p5_path, true, notes)?;
    item.y = wire_xy(p6, item_frame, &p6_path, false, notes)?;
    item.z = to_f32(p7, &p7_path)?;
    if altitude_keys
        && obj.get("AltitudeMode").and_then(Value::as_f64)
            == Some(alt_mode::CALC_ABOVE_TERRAIN as f64)
    {
        let above = obj.get("Altitude").and_then(Value::as_f64);
        notes.push(format!(
            "{path}: altitude mode \"calculated above terrain\" ({} m above terrain): parameter 7 \
             stays {} until AMSL altitudes are computed from terrain data",
            above.map_or_else(|| "?".to_owned(), |a| a.to_string()),
            if item.z.is_nan() {
                "null"
            } else {
                "as in the file"
            },
        ));
    }
    Ok(SimpleRead { item, do_jump_id })
}

/// The seven parameters with their paths (`null` = NaN), from `params` or from the legacy
/// `.mission` form: four `params` and a `coordinate` `[lat, lon, alt]`.
fn read_params(obj: &Map<String, Value>, path: &str) -> Result<Vec<(f64, String)>, PlanError> {
    let (params, pp) = pj::field(obj, path, "params", "an array of 7 numbers or nulls")?;
    let arr = pj::array(params, &pp, "an array of 7 numbers or nulls")?;
    let mut out = Vec::with_capacity(7);
    let legacy = obj.get("coordinate");
    let want = if legacy.is_some() { 4 } else { 7 };
    if arr.len() != want {
        let expected = if want == 4 {
            "an array of 4 numbers or nulls (with a coordinate key)"
        } else {
            "an array of 7 numbers or nulls"
        };
        return Err(pj::issue(&pp, expected, params).into());
    }
    for (k, v) in arr.iter().enumerate() {
        let p = pj::index_path(&pp, k);
        out.push((pj::number_or_null(v, &p, "a number or null")?, p));
    }
    if let Some(coord) = legacy {
        let cp = pj::key_path(path, "coordinate");
        let arr = pj::array(coord, &cp, "a coordinate [latitude, longitude, altitude]")?;
        if arr.len() != 3 {
            return Err(
                pj::issue(&cp, "a coordinate [latitude, longitude, altitude]", coord).into(),
            );
        }
        for (k, v) in arr.iter().enumerate() {
            let p = pj::index_path(&cp, k);
            out.push((pj::number_or_null(v, &p, "a number or null")?, p));
        }
    }
    Ok(out)
}

fn to_f32(v: f64, path: &str) -> JResult<f32> {
    if v.is_finite() && v.abs() > f64::from(f32::MAX) {
        return Err(pj::JsonIssue {
            path: path.to_owned(),
            expected: "a value that fits a 32-bit float".to_owned(),
            found: pj::describe(&pj::f64_value(v)),
        });
    }
    Ok(v as f32)
}

/// Parameter 5 or 6 in wire form for the item's frame; NaN becomes `i32::MAX`.
fn wire_xy(
    v: f64,
    item_frame: u8,
    path: &str,
    is_lat: bool,
    notes: &mut Vec<String>,
) -> JResult<i32> {
    if v.is_nan() {
        return Ok(i32::MAX);
    }
    let bad = |expected: &str| pj::JsonIssue {
        path: path.to_owned(),
        expected: expected.to_owned(),
        found: pj::describe(&pj::f64_value(v)),
    };
    if frame::is_global(item_frame) {
        let max = if is_lat { 90.0 } else { 180.0 };
        if !(-max..=max).contains(&v) {
            return Err(bad(if is_lat {
                "a latitude within -90..90 degrees (global frame)"
            } else {
                "a longitude within -180..180 degrees (global frame)"
            }));
        }
        return Ok(deg_to_e7(v));
    }
    let local = frame::is_local(item_frame);
    let wire = (v * if local { 1e4 } else { 1.0 }).round();
    if !(f64::from(i32::MIN)..=f64::from(i32::MAX)).contains(&wire) {
        return Err(bad(if local {
            "metres within +-214748 (local frame, sent as metres * 1e4)"
        } else {
            "a value that fits a 32-bit integer (MISSION_ITEM_INT x/y)"
        }));
    }
    if !local && v.fract() != 0.0 {
        notes.push(format!(
            "{path}: {v} rounded to {wire}: frame {item_frame} carries whole numbers in \
             parameters 5 and 6"
        ));
    }
    Ok(wire as i32)
}

/// `doJumpId`s seen and `DO_JUMP` items whose parameter 1 must become a sequence number.
#[derive(Default)]
pub(crate) struct JumpFixups {
    ids: BTreeMap<i64, usize>,
    jumps: Vec<(usize, String)>,
}

impl JumpFixups {
    /// Records an item that was pushed at `index` of the mission.
    pub(crate) fn add(&mut self, read: &SimpleRead, index: usize, path: &str) {
        if let Some(id) = read.do_jump_id {
            self.ids.entry(id).or_insert(index);
        }
        if read.item.command == cmd::DO_JUMP {
            self.jumps.push((index, path.to_owned()));
        }
    }

    /// Turns every `DO_JUMP` target from a `doJumpId` into a sequence number (index + 1).
    pub(crate) fn apply(&self, mission: &mut [MissionItem]) -> Result<(), PlanError> {
        for (index, path) in &self.jumps {
            let Some(item) = mission.get_mut(*index) else {
                continue;
            };
            let target = item.params[0];
            let seq = (target.is_finite() && target.fract() == 0.0)
                .then(|| self.ids.get(&(target as i64)))
                .flatten();
            match seq {
                Some(i) => item.params[0] = (*i + 1) as f32,
                None => {
                    return Err(PlanError::Invalid {
                        path: format!("{path}.params[0]"),
                        reason: format!(
                            "DO_JUMP target {target} is not the doJumpId of any item \
                             (QGroundControl refuses such a plan too)"
                        ),
                    });
                }
            }
        }
        Ok(())
    }
}

/// A mission item as a `SimpleItem` object with the given `doJumpId`. With `altitude_keys`,
/// items in frames 0, 3 and 10 also get `Altitude`, `AltitudeMode` and `AMSLAltAboveTerrain`
/// as QGroundControl writes them for top-level items.
pub(crate) fn simple_value(item: &MissionItem, do_jump_id: usize, altitude_keys: bool) -> Value {
    let xy = |wire: i32, value: f64| {
        if wire == i32::MAX {
            Value::Null
        } else {
            pj::f64_value(value)
        }
    };
    let [p1, p2, p3, p4] = item.params;
    let mut v = json!({
        "autoContinue": item.autocontinue,
        "command": item.command,
        "doJumpId": do_jump_id,
        "frame": item.frame,
        "params": [
            pj::f32_value(p1),
            pj::f32_value(p2),
            pj::f32_value(p3),
            pj::f32_value(p4),
            xy(item.x, item.param5()),
            xy(item.y, item.param6()),
            pj::f32_value(item.z),
        ],
        "type": "SimpleItem",
    });
    let mode = match item.frame {
        frame::GLOBAL_RELATIVE_ALT => Some(alt_mode::RELATIVE),
        frame::GLOBAL => Some(alt_mode::ABSOLUTE),
        frame::GLOBAL_TERRAIN_ALT => Some(alt_mode::TERRAIN_FRAME),
        _ => None,
    };
    if let (true, Some(mode), Some(obj)) = (altitude_keys, mode, v.as_object_mut()) {
        obj.insert("AMSLAltAboveTerrain".to_owned(), Value::Null);
        obj.insert("Altitude".to_owned(), pj::f32_value(item.z));
        obj.insert("AltitudeMode".to_owned(), json!(mode));
    }
    v
}
