//! Numeric time series from a tlog, for plots: any numeric field of any message, named
//! `MESSAGE.field` (array elements as `MESSAGE.field[i]`), per system id.
//!
//! Fields are read generically from the typed message (through its serde form), so every
//! message of the dialect can be plotted without a table of fields to keep up to date. A
//! handful of [`STANDARD`] series come scaled to everyday units.

use super::index::monotonic_us;
use super::tlog::TlogReader;
use crate::protocol::frame::decode_payload;
use serde_json::Value;
use std::collections::BTreeSet;

/// At most this many points are kept per series: longer ones are thinned to the minimum and
/// maximum of each bucket, so spikes survive and a plot of a 2-hour flight stays fast.
pub const MAX_POINTS: usize = 4_000;

/// A field to plot.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldKey {
    /// `MESSAGE.field` or `MESSAGE.field[i]`.
    pub key: String,
    /// What the user reads.
    pub label: String,
    /// Unit after scaling ("" when none).
    pub unit: String,
    /// Factor applied to the raw value.
    pub scale: f64,
    /// A raw value that means "not known" (e.g. 65535 mV for a battery voltage), skipped.
    pub unknown: Option<f64>,
}

impl FieldKey {
    /// A field as it is in the message, unscaled.
    pub fn raw(key: &str) -> Self {
        Self {
            key: key.to_owned(),
            label: key.to_owned(),
            unit: String::new(),
            scale: 1.0,
            unknown: None,
        }
    }

    fn message(&self) -> &str {
        self.key.split('.').next().unwrap_or("")
    }

    fn field(&self) -> (&str, Option<usize>) {
        let f = self.key.split_once('.').map_or("", |(_, f)| f);
        match f.split_once('[') {
            Some((name, rest)) => (name, rest.trim_end_matches(']').parse().ok()),
            None => (f, None),
        }
    }
}

type Standard = (&'static str, &'static str, &'static str, f64, Option<f64>);

/// The standard plots: altitude, speeds, climb, battery, GPS, attitude (key, label, unit,
/// scale, raw value meaning unknown).
pub const STANDARD: [Standard; 10] = [
    (
        "GLOBAL_POSITION_INT.relative_alt",
        "Altitude above home",
        "m",
        0.001,
        None,
    ),
    ("VFR_HUD.groundspeed", "Ground speed", "m/s", 1.0, None),
    ("VFR_HUD.airspeed", "Air speed", "m/s", 1.0, None),
    ("VFR_HUD.climb", "Climb rate", "m/s", 1.0, None),
    (
        "SYS_STATUS.voltage_battery",
        "Battery voltage",
        "V",
        0.001,
        Some(65535.0),
    ),
    (
        "SYS_STATUS.current_battery",
        "Battery current",
        "A",
        0.01,
        Some(-1.0),
    ),
    (
        "GPS_RAW_INT.satellites_visible",
        "GPS satellites",
        "",
        1.0,
        Some(255.0),
    ),
    ("GPS_RAW_INT.eph", "GPS HDOP", "", 0.01, Some(65535.0)),
    (
        "ATTITUDE.roll",
        "Roll",
        "°",
        180.0 / std::f64::consts::PI,
        None,
    ),
    (
        "ATTITUDE.pitch",
        "Pitch",
        "°",
        180.0 / std::f64::consts::PI,
        None,
    ),
];

/// The standard fields as keys.
pub fn standard_fields() -> Vec<FieldKey> {
    STANDARD
        .iter()
        .map(|(key, label, unit, scale, unknown)| FieldKey {
            key: (*key).to_owned(),
            label: (*label).to_owned(),
            unit: (*unit).to_owned(),
            scale: *scale,
            unknown: *unknown,
        })
        .collect()
}

/// One plotted series.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// What it is.
    pub field: FieldKey,
    /// System id of the sender.
    pub sysid: u8,
    /// Points: log time (µs since the Unix epoch) and scaled value, in time order.
    pub points: Vec<(u64, f64)>,
}

/// The numeric fields of a message, by name (array elements up to index 3).
pub fn numeric_fields(msg: &Value) -> Vec<String> {
    let Value::Object(map) = msg else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, v) in map {
        match v {
            Value::Number(_) => out.push(k.clone()),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate().take(4) {
                    if item.is_number() {
                        out.push(format!("{k}[{i}]"));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn value_of(msg: &Value, field: &str, element: Option<usize>) -> Option<f64> {
    let v = msg.get(field)?;
    match element {
        Some(i) => v.get(i)?.as_f64(),
        None => v.as_f64(),
    }
}

/// The messages present per system id and their numeric fields (from the first instance of
/// each), as `MESSAGE.field` keys, for a field picker.
pub fn catalogue(data: &[u8]) -> BTreeSet<(u8, String)> {
    let mut seen_ids = BTreeSet::new();
    let mut out = BTreeSet::new();
    for rec in TlogReader::new(data) {
        if !seen_ids.insert((rec.header.sysid, rec.header.msgid)) {
            continue;
        }
        let Ok(msg) = decode_payload(&rec.header, rec.payload()) else {
            continue;
        };
        let Ok(v) = serde_json::to_value(&msg) else {
            continue;
        };
        let name = v
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned();
        for f in numeric_fields(&v) {
            out.insert((rec.header.sysid, format!("{name}.{f}")));
        }
    }
    out
}

/// Extracts the series of `fields` for every system id that sends them.
pub fn extract(data: &[u8], fields: &[FieldKey]) -> Vec<Series> {
    let wanted: BTreeSet<&str> = fields.iter().map(FieldKey::message).collect();
    let mut out: Vec<Series> = Vec::new();
    let mut prev_us = 0;
    // Message ids whose name is not wanted, learned as they come (decoding is the cost).
    let mut skip_ids = BTreeSet::new();
    for rec in TlogReader::new(data) {
        let t_us = monotonic_us(prev_us, rec.t_us);
        prev_us = t_us;
        if t_us == 0 || skip_ids.contains(&rec.header.msgid) {
            continue;
        }
        let Ok(msg) = decode_payload(&rec.header, rec.payload()) else {
            continue;
        };
        let name = msg_name(&msg);
        if !wanted.contains(name.as_str()) {
            skip_ids.insert(rec.header.msgid);
            continue;
        }
        let Ok(v) = serde_json::to_value(&msg) else {
            continue;
        };
        for f in fields.iter().filter(|f| f.message() == name) {
            let (field, element) = f.field();
            let Some(value) = value_of(&v, field, element) else {
                continue;
            };
            if f.unknown == Some(value) {
                continue;
            }
            let value = value * f.scale;
            if !value.is_finite() {
                continue;
            }
            let sysid = rec.header.sysid;
            let at = match out.iter().position(|s| s.sysid == sysid && s.field == *f) {
                Some(i) => i,
                None => {
                    out.push(Series {
                        field: f.clone(),
                        sysid,
                        points: Vec::new(),
                    });
                    out.len() - 1
                }
            };
            if let Some(s) = out.get_mut(at) {
                s.points.push((t_us, value));
            }
        }
    }
    for s in &mut out {
        s.points = thin(&s.points, MAX_POINTS);
    }
    out
}

/// The message's name (`VFR_HUD`), from its serde tag.
fn msg_name(msg: &crate::protocol::dialect::MavMessage) -> String {
    use mavlink::Message;
    msg.message_name().to_owned()
}

/// At most `max` points: the minimum and maximum of each of `max / 2` buckets, in order.
pub fn thin(points: &[(u64, f64)], max: usize) -> Vec<(u64, f64)> {
    if points.len() <= max || max < 4 {
        return points.to_vec();
    }
    let buckets = max / 2;
    let per = points.len().div_ceil(buckets);
    let mut out = Vec::with_capacity(max);
    for chunk in points.chunks(per) {
        let lo = chunk.iter().min_by(|a, b| a.1.total_cmp(&b.1));
        let hi = chunk.iter().max_by(|a, b| a.1.total_cmp(&b.1));
        if let (Some(lo), Some(hi)) = (lo, hi) {
            if lo.0 <= hi.0 {
                out.push(*lo);
                if hi != lo {
                    out.push(*hi);
                }
            } else {
                out.push(*hi);
                out.push(*lo);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        let p = crate::test_support::samples_dir()
            .join("sitl/arducopter_sitl_survey_talas_camera.tlog");
        std::fs::read(p).expect("sample")
    }

    #[test]
    fn standard_series_have_sane_values() {
        let data = sample();
        let s = extract(&data, &standard_fields());
        let get = |key: &str| {
            s.iter()
                .find(|x| x.field.key == key && x.sysid == 1)
                .unwrap_or_else(|| panic!("{key} missing"))
        };
        let alt = get("GLOBAL_POSITION_INT.relative_alt");
        let max_alt = alt.points.iter().map(|p| p.1).fold(f64::MIN, f64::max);
        assert!((20.0..500.0).contains(&max_alt), "max altitude {max_alt} m");
        let volts = get("SYS_STATUS.voltage_battery");
        assert!(!volts.points.is_empty());
        assert!(
            volts.points.iter().all(|p| (5.0..60.0).contains(&p.1)),
            "no 65.535 V"
        );
        let roll = get("ATTITUDE.roll");
        assert!(roll.points.iter().all(|p| p.1.abs() <= 180.0));
        assert!(roll.points.len() <= MAX_POINTS);
        assert!(roll.points.windows(2).all(|w| w[0].0 <= w[1].0));
    }

    #[test]
    fn any_numeric_field_can_be_picked() {
        let data = sample();
        let cat = catalogue(&data);
        assert!(cat.contains(&(1, "VFR_HUD.throttle".to_owned())));
        assert!(cat.contains(&(1, "RC_CHANNELS.chan3_raw".to_owned())));
        let s = extract(&data, &[FieldKey::raw("RC_CHANNELS.chan3_raw")]);
        assert_eq!(s.len(), 1);
        assert!(
            s[0].points
                .iter()
                .all(|p| (800.0..2200.0).contains(&p.1) || p.1 == 0.0)
        );
    }

    #[test]
    fn thinning_keeps_extremes_and_order() {
        let pts: Vec<(u64, f64)> = (0..10_000u64)
            .map(|i| (i, if i == 5_555 { 1e6 } else { (i % 7) as f64 }))
            .collect();
        let t = thin(&pts, 100);
        assert!(t.len() <= 100);
        assert!(t.iter().any(|p| p.1 == 1e6));
        assert!(t.windows(2).all(|w| w[0].0 <= w[1].0));
        assert_eq!(thin(&pts[..50], 100).len(), 50);
    }
}
