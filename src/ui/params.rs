//! The parameter editor's model, without egui: per vehicle the downloaded table, the
//! operator's pending edits checked against each parameter's type before anything is sent,
//! what became of each value written (sent, confirmed by read-back, failed), and a parameter
//! file's differences from the table. It exists so the panel stays a thin drawing layer and
//! the rules (type ranges, file format, what counts as a change) are tested without a window.
//!
//! Files are Mission Planner's `NAME,VALUE` lines with `#` comments; MAVProxy's and
//! ArduPilot's `NAME VALUE` (spaces or tabs) and QGroundControl's tab-separated
//! `sysid compid NAME VALUE TYPE` lines load too. Values go over MAVLink as 32-bit floats, so
//! float parameters are compared and written at that precision: "0.1" in a file is the same
//! value as the vehicle's 0.1.

use crate::protocol::params::{Param, ParamTable, ptype, type_name};
use crate::ui::i18n::{tr, trf};
use crate::vehicle::VehicleId;
use std::collections::BTreeMap;
use std::path::Path;

/// Longest parameter name MAVLink carries.
const NAME_MAX: usize = 16;

/// What became of a value written to the vehicle.
#[derive(Debug, Clone, PartialEq)]
pub enum SetStatus {
    /// Sent; waiting for the vehicle to read it back.
    Sent(f64),
    /// The vehicle holds this value (as read back).
    Confirmed(f64),
    /// The vehicle did not take the value; why.
    Failed(String),
}

/// A file value that differs from the vehicle's, or names a parameter the vehicle lacks.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamDiff {
    /// Parameter name.
    pub name: String,
    /// The vehicle's value; `None` when the table has no such parameter.
    pub current: Option<f64>,
    /// The file's value.
    pub new: f64,
}

/// A loaded parameter file compared with the table.
#[derive(Debug, Clone, PartialEq)]
pub struct FilePreview {
    /// Where it was read from.
    pub path: String,
    /// Its values, sorted by name.
    pub values: Vec<(String, f64)>,
    /// How they differ from the table (recomputed when a new table arrives).
    pub diff: Vec<ParamDiff>,
}

/// One vehicle's parameters and the operator's work on them.
#[derive(Debug, Clone, Default)]
pub struct VehicleParams {
    /// The downloaded table (empty until a download finished).
    pub table: ParamTable,
    /// Values typed but not written yet: name → text as typed.
    pub edits: BTreeMap<String, String>,
    /// What became of values written: name → status.
    pub status: BTreeMap<String, SetStatus>,
    /// A loaded file waiting to be written or closed.
    pub file: Option<FilePreview>,
}

/// The parameter editor: every vehicle's parameters, the search filter and the last file note.
#[derive(Debug, Clone, Default)]
pub struct ParamEditor {
    /// Per vehicle.
    pub vehicles: BTreeMap<VehicleId, VehicleParams>,
    /// Search text (case-insensitive substring of the name).
    pub filter: String,
    /// The outcome of the last save or load, in words.
    pub note: Option<Result<String, String>>,
}

/// Smallest and largest value of an integer `MAV_PARAM_TYPE` (None for float types).
fn int_bounds(t: u8) -> Option<(f64, f64)> {
    Some(match t {
        ptype::UINT8 => (0.0, 255.0),
        ptype::INT8 => (-128.0, 127.0),
        ptype::UINT16 => (0.0, 65_535.0),
        ptype::INT16 => (-32_768.0, 32_767.0),
        ptype::UINT32 => (0.0, 4_294_967_295.0),
        ptype::INT32 => (-2_147_483_648.0, 2_147_483_647.0),
        _ => return None,
    })
}

/// Checks typed text against the parameter's type: integer types take whole numbers within
/// the type's range, float types finite numbers a 32-bit float can hold. A decimal comma is
/// accepted. The error says what was expected and what was found.
pub fn check_value(param: &Param, text: &str) -> Result<f64, String> {
    let t = text.trim();
    let normalised = if t.contains(',') && !t.contains('.') && t.matches(',').count() == 1 {
        t.replace(',', ".")
    } else {
        t.to_owned()
    };
    let v: f64 = normalised.parse().map_err(|_| {
        trf(
            "expected a number, found '{text}'",
            &[("text", t.to_owned())],
        )
    })?;
    check_parsed(param, v, t)
}

/// [`check_value`] for a number that is already parsed (e.g. from a file).
pub fn check_number(param: &Param, v: f64) -> Result<f64, String> {
    check_parsed(param, v, &v.to_string())
}

fn check_parsed(param: &Param, v: f64, found: &str) -> Result<f64, String> {
    let kind = type_name(param.param_type);
    match int_bounds(param.param_type) {
        Some((lo, hi)) => {
            if v.is_finite() && v.fract() == 0.0 && (lo..=hi).contains(&v) {
                Ok(v)
            } else {
                Err(trf(
                    "expected a whole number from {lo} to {hi} ({type}), found {text}",
                    &[
                        ("lo", lo.to_string()),
                        ("hi", hi.to_string()),
                        ("type", kind.to_owned()),
                        ("text", found.to_owned()),
                    ],
                ))
            }
        }
        None => {
            let f = v as f32;
            if !v.is_finite() {
                Err(trf(
                    "expected a finite number ({type}), found {text}",
                    &[("type", kind.to_owned()), ("text", found.to_owned())],
                ))
            } else if !f.is_finite() || (v != 0.0 && f == 0.0) {
                Err(trf(
                    "expected a number a 32-bit float can hold (0 or ±1.4e-45 to ±3.4e38), found {text}",
                    &[("text", found.to_owned())],
                ))
            } else {
                Ok(v)
            }
        }
    }
}

/// Whether `new` is the value the parameter already holds, at the precision it travels in
/// (exact for integer types, 32-bit float otherwise; NaN equals NaN).
fn same_value(p: &Param, new: f64) -> bool {
    if int_bounds(p.param_type).is_some() {
        return p.value == new;
    }
    let (a, b) = (p.value as f32, new as f32);
    a == b || (a.is_nan() && b.is_nan())
}

/// A value as written to a file and shown in the table: integer types without decimals,
/// floats in the fewest digits that read back to the same 32-bit float (to the same f64 when
/// the value is not a 32-bit float at all).
pub fn format_value(p: &Param) -> String {
    let v = p.value;
    if int_bounds(p.param_type).is_some() && v.fract() == 0.0 {
        format!("{v:.0}")
    } else if f64::from(v as f32) == v {
        format!("{}", v as f32)
    } else {
        format!("{v}")
    }
}

/// The table as Mission Planner's parameter file: `NAME,VALUE` lines sorted by name, values
/// that read back exactly (see [`format_value`]).
pub fn write_param_file(table: &ParamTable) -> String {
    table
        .iter()
        .map(|(n, p)| format!("{n},{}\n", format_value(p)))
        .collect()
}

fn valid_name(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= NAME_MAX
        && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Reads a parameter file: Mission Planner `NAME,VALUE`, MAVProxy/ArduPilot `NAME VALUE`, or
/// QGroundControl `sysid compid NAME VALUE TYPE` lines; `#` starts a comment. Returns the
/// values sorted by name. A name given twice with different values is an error; errors name
/// the line.
pub fn parse_param_file(text: &str) -> Result<Vec<(String, f64)>, String> {
    let mut out: BTreeMap<String, (f64, usize)> = BTreeMap::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim_start_matches('\u{feff}');
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|f| !f.is_empty())
            .collect();
        let (name, value) = match fields.as_slice() {
            [name, value] => (*name, *value),
            [sys, comp, name, value, t]
                if sys.parse::<u8>().is_ok()
                    && comp.parse::<u8>().is_ok()
                    && t.parse::<u8>().is_ok() =>
            {
                (*name, *value)
            }
            _ => {
                return Err(trf(
                    "line {n}: expected NAME,VALUE (or QGroundControl's sysid compid NAME VALUE TYPE), found '{line}'",
                    &[("n", n.to_string()), ("line", line.to_owned())],
                ));
            }
        };
        if !valid_name(name) {
            return Err(trf(
                "line {n}: expected a parameter name of 1 to 16 letters, digits or _, found '{name}'",
                &[("n", n.to_string()), ("name", name.to_owned())],
            ));
        }
        let v: f64 = value.parse().map_err(|_| {
            trf(
                "line {n}: {name}: expected a number, found '{value}'",
                &[
                    ("n", n.to_string()),
                    ("name", name.to_owned()),
                    ("value", value.to_owned()),
                ],
            )
        })?;
        if let Some(&(old, first)) = out.get(name) {
            if old != v && !(old.is_nan() && v.is_nan()) {
                return Err(trf(
                    "line {n}: {name} is given again, as {new}; line {first} said {old}",
                    &[
                        ("n", n.to_string()),
                        ("name", name.to_owned()),
                        ("new", value.to_owned()),
                        ("first", first.to_string()),
                        ("old", old.to_string()),
                    ],
                ));
            }
            continue;
        }
        out.insert(name.to_owned(), (v, n));
    }
    Ok(out.into_iter().map(|(k, (v, _))| (k, v)).collect())
}

/// The file values that differ from the table (at the parameter's precision) or that name a
/// parameter the table lacks, sorted by name.
pub fn diff(table: &ParamTable, file_values: &[(String, f64)]) -> Vec<ParamDiff> {
    let mut out: Vec<ParamDiff> = file_values
        .iter()
        .filter_map(|(name, new)| match table.get(name) {
            Some(p) if same_value(p, *new) => None,
            p => Some(ParamDiff {
                name: name.clone(),
                current: p.map(|p| p.value),
                new: *new,
            }),
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Whether `name` contains `needle`, ignoring ASCII case (parameter names are ASCII).
fn contains_ignore_case(name: &str, needle: &str) -> bool {
    let (h, n) = (name.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

impl ParamEditor {
    /// One vehicle's parameters, if any were downloaded or edited.
    pub fn vehicle(&self, vehicle: VehicleId) -> Option<&VehicleParams> {
        self.vehicles.get(&vehicle)
    }

    /// Takes a freshly downloaded table. Pending edits and statuses stay; a loaded file is
    /// compared with the new table.
    pub fn set_table(&mut self, vehicle: VehicleId, table: ParamTable) {
        let vp = self.vehicles.entry(vehicle).or_default();
        vp.table = table;
        if let Some(f) = &mut vp.file {
            f.diff = diff(&vp.table, &f.values);
        }
    }

    /// The parameters whose name contains the search text (any case), sorted by name.
    pub fn filtered(&self, vehicle: VehicleId) -> Vec<(&String, &Param)> {
        let needle = self.filter.trim();
        self.vehicles
            .get(&vehicle)
            .map(|vp| {
                vp.table
                    .iter()
                    .filter(|(n, _)| contains_ignore_case(n, needle))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The text typed for `name`, if any.
    pub fn edit(&self, vehicle: VehicleId, name: &str) -> Option<&str> {
        self.vehicles
            .get(&vehicle)
            .and_then(|vp| vp.edits.get(name))
            .map(String::as_str)
    }

    /// Records the text typed for `name`; blank text drops the edit.
    pub fn set_edit(&mut self, vehicle: VehicleId, name: &str, text: String) {
        let vp = self.vehicles.entry(vehicle).or_default();
        if text.trim().is_empty() {
            vp.edits.remove(name);
        } else {
            vp.edits.insert(name.to_owned(), text);
        }
    }

    /// Drops every pending edit of the vehicle.
    pub fn discard_edits(&mut self, vehicle: VehicleId) {
        if let Some(vp) = self.vehicles.get_mut(&vehicle) {
            vp.edits.clear();
        }
    }

    /// The pending edits that pass [`check_value`], as (name, value), sorted by name.
    pub fn valid_edits(&self, vehicle: VehicleId) -> Vec<(String, f64)> {
        let Some(vp) = self.vehicles.get(&vehicle) else {
            return Vec::new();
        };
        vp.edits
            .iter()
            .filter_map(|(n, text)| {
                let p = vp.table.get(n)?;
                check_value(p, text).ok().map(|v| (n.clone(), v))
            })
            .collect()
    }

    /// Takes the valid edits out to be written: they leave the edit list and are marked
    /// sent. Invalid edits stay. Returns (name, value) for each `ParamSet` to send.
    pub fn write_edits(&mut self, vehicle: VehicleId) -> Vec<(String, f64)> {
        let out = self.valid_edits(vehicle);
        self.mark_sent(vehicle, &out);
        out
    }

    /// The loaded file's values that can be written: the vehicle has the parameter and the
    /// value fits its type.
    pub fn writable_file_values(&self, vehicle: VehicleId) -> Vec<(String, f64)> {
        let Some(vp) = self.vehicles.get(&vehicle) else {
            return Vec::new();
        };
        let Some(f) = &vp.file else {
            return Vec::new();
        };
        f.diff
            .iter()
            .filter_map(|d| {
                let p = vp.table.get(&d.name)?;
                check_number(p, d.new).ok().map(|v| (d.name.clone(), v))
            })
            .collect()
    }

    /// Takes the loaded file's writable values out to be written (marked sent; the preview
    /// closes). Returns (name, value) for each `ParamSet` to send.
    pub fn write_file_values(&mut self, vehicle: VehicleId) -> Vec<(String, f64)> {
        let out = self.writable_file_values(vehicle);
        self.mark_sent(vehicle, &out);
        if let Some(vp) = self.vehicles.get_mut(&vehicle) {
            vp.file = None;
        }
        out
    }

    fn mark_sent(&mut self, vehicle: VehicleId, values: &[(String, f64)]) {
        let vp = self.vehicles.entry(vehicle).or_default();
        for (n, v) in values {
            vp.edits.remove(n);
            vp.status.insert(n.clone(), SetStatus::Sent(*v));
        }
    }

    /// The outcome of a `ParamSet`: the read-back value goes into the table and the status
    /// says confirmed; a failure keeps the reason and puts the value back as an edit (unless a
    /// newer one was typed) so it can be corrected or retried.
    pub fn on_set_result(&mut self, vehicle: VehicleId, name: &str, result: Result<Param, String>) {
        let vp = self.vehicles.entry(vehicle).or_default();
        match result {
            Ok(mut p) => {
                if let Some(old) = vp.table.get(name)
                    && p.index == u16::MAX
                {
                    p.index = old.index;
                }
                vp.table.insert(name.to_owned(), p);
                vp.status
                    .insert(name.to_owned(), SetStatus::Confirmed(p.value));
            }
            Err(reason) => {
                if let (Some(SetStatus::Sent(v)), Some(p)) =
                    (vp.status.get(name), vp.table.get(name))
                {
                    let text = format_value(&Param { value: *v, ..*p });
                    vp.edits.entry(name.to_owned()).or_insert(text);
                }
                vp.status.insert(name.to_owned(), SetStatus::Failed(reason));
            }
        }
    }

    /// Writes the vehicle's table to `path` (through a temporary file, so a failure leaves
    /// any old file intact). Returns how many parameters were written.
    pub fn save_file(&self, vehicle: VehicleId, path: &Path) -> Result<usize, String> {
        let table = self
            .vehicles
            .get(&vehicle)
            .map(|vp| &vp.table)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| tr("Nothing to save: download the parameters first"))?;
        let tmp = path.with_extension("steppe-tmp");
        let shown = path.display().to_string();
        std::fs::write(&tmp, write_param_file(table))
            .and_then(|()| std::fs::rename(&tmp, path))
            .map_err(|e| {
                trf(
                    "cannot write {path}: {e}",
                    &[("path", shown), ("e", e.to_string())],
                )
            })?;
        Ok(table.len())
    }

    /// Reads a parameter file and shows how it differs from the table. Returns the number of
    /// differences.
    pub fn load_file(&mut self, vehicle: VehicleId, path: &Path) -> Result<usize, String> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            trf(
                "cannot read {path}: {e}",
                &[("path", shown.clone()), ("e", e.to_string())],
            )
        })?;
        let values = parse_param_file(&text).map_err(|e| format!("{shown}: {e}"))?;
        let vp = self.vehicles.entry(vehicle).or_default();
        let d = diff(&vp.table, &values);
        let n = d.len();
        vp.file = Some(FilePreview {
            path: shown,
            values,
            diff: d,
        });
        Ok(n)
    }

    /// Closes the file preview.
    pub fn close_file(&mut self, vehicle: VehicleId) {
        if let Some(vp) = self.vehicles.get_mut(&vehicle) {
            vp.file = None;
        }
    }
}

#[cfg(test)]
#[path = "params_tests.rs"]
mod tests;
