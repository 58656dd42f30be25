//! MAVLink parameter protocol, ground-station side, sans-IO: download the whole table (with
//! re-requests of missing indices) and set one value with read-back.
//!
//! ```text
//! DOWNLOAD  start ──PARAM_REQUEST_LIST──▶ Streaming ◀── PARAM_VALUE(i of n): store
//!             silence ≥ timeout: no count yet ─▶ REQUEST_LIST again
//!                                 some missing ─▶ PARAM_REQUEST_READ(i) for a batch of them
//!             all n stored ─▶ Done(Ok(table)); retries without progress exhausted ─▶ Done(Err)
//! SET       start ──(type unknown: PARAM_REQUEST_READ(name) ─▶ PARAM_VALUE)──PARAM_SET──▶
//!           AwaitEcho ── PARAM_VALUE(name) equal ─▶ Done(Ok)
//!                     ── different value ─▶ PARAM_SET once more, then Done(Err(NotApplied))
//!                     ── timeout ─▶ PARAM_SET again ... retries exhausted ─▶ Done(Err(Timeout))
//! ```
//! Values travel as a float. ArduPilot converts integers with a C cast, PX4 copies their bytes
//! into the float ("bytewise"); [`ParamEncoding`] says which.

mod download;
mod setter;

pub use download::ParamDownload;
pub use setter::ParamSetter;

use std::collections::BTreeMap;

/// How integer parameters are carried in PARAM_VALUE's float.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamEncoding {
    /// ArduPilot: `value as f32`.
    CCast,
    /// PX4: the integer's bytes in the float's bytes.
    Bytewise,
}

/// `MAV_PARAM_TYPE` numbers.
pub mod ptype {
    /// uint8
    pub const UINT8: u8 = 1;
    /// int8
    pub const INT8: u8 = 2;
    /// uint16
    pub const UINT16: u8 = 3;
    /// int16
    pub const INT16: u8 = 4;
    /// uint32
    pub const UINT32: u8 = 5;
    /// int32
    pub const INT32: u8 = 6;
    /// float
    pub const REAL32: u8 = 9;
}

/// Errors of the parameter protocol and of value conversion.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParamError {
    /// The value does not fit the parameter's type.
    #[error("{name}: {value} is not a valid {kind} value ({range})")]
    OutOfRange {
        /// Parameter name.
        name: String,
        /// Value asked for.
        value: f64,
        /// Type name.
        kind: &'static str,
        /// The allowed range.
        range: &'static str,
    },
    /// Names are at most 16 characters.
    #[error("parameter name '{0}' is longer than 16 characters")]
    NameTooLong(String),
    /// The vehicle stopped answering.
    #[error("parameter {what} timed out after {tries} tries")]
    Timeout {
        /// What was awaited.
        what: String,
        /// Attempts made.
        tries: u32,
    },
    /// The vehicle kept a different value.
    #[error(
        "{name}: the vehicle kept {actual} instead of {wanted}{}",
        if texts.is_empty() { " (read-only or out of its range?)".to_owned() } else { format!(". Vehicle said: {}", texts.join(" | ")) }
    )]
    NotApplied {
        /// Parameter name.
        name: String,
        /// Value asked for.
        wanted: f64,
        /// Value read back.
        actual: f64,
        /// STATUSTEXT (warning or worse) the vehicle sent meanwhile, e.g. ArduPilot's
        /// "Param write denied".
        texts: Vec<String>,
    },
    /// The vehicle never answered a read of the name (autopilots stay silent about names
    /// they do not have).
    #[error(
        "the vehicle has no parameter named {name}: it answered none of {tries} requests to read it{}",
        similar.as_ref().map(|s| format!(" (did you mean {s}?)")).unwrap_or_default()
    )]
    NoSuchParam {
        /// Parameter name.
        name: String,
        /// Read requests sent.
        tries: u32,
        /// A name in the vehicle's parameter table that looks alike, if the table is known.
        similar: Option<String>,
    },
}

/// The name in `names` most like `name` (sharing a word such as `SYSID` in `SYSID_THISMAV`
/// and `MAV_SYSID`, or a few letters away), for "did you mean" hints.
pub fn similar_name<'a>(name: &str, names: impl Iterator<Item = &'a str>) -> Option<String> {
    let words: Vec<&str> = name.split('_').filter(|w| w.len() >= 3).collect();
    names
        .filter(|n| *n != name)
        .filter_map(|n| {
            let shared = n.split('_').filter(|w| words.contains(w)).count();
            let d = edit_distance(name, n);
            (shared > 0 || d <= 2).then_some((std::cmp::Reverse(shared), d, n))
        })
        .min()
        .map(|(_, _, n)| n.to_owned())
}

/// Levenshtein distance between two ASCII names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<u8> = b.bytes().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// Name of a `MAV_PARAM_TYPE`.
pub fn type_name(t: u8) -> &'static str {
    match t {
        1 => "uint8",
        2 => "int8",
        3 => "uint16",
        4 => "int16",
        5 => "uint32",
        6 => "int32",
        7 => "uint64",
        8 => "int64",
        9 => "float",
        10 => "double",
        _ => "unknown",
    }
}

fn int_range(t: u8) -> Option<(f64, f64, &'static str)> {
    Some(match t {
        ptype::UINT8 => (0.0, 255.0, "0 to 255, whole numbers"),
        ptype::INT8 => (-128.0, 127.0, "-128 to 127, whole numbers"),
        ptype::UINT16 => (0.0, 65_535.0, "0 to 65535, whole numbers"),
        ptype::INT16 => (-32_768.0, 32_767.0, "-32768 to 32767, whole numbers"),
        ptype::UINT32 => (0.0, 4_294_967_295.0, "0 to 4294967295, whole numbers"),
        ptype::INT32 => (
            -2_147_483_648.0,
            2_147_483_647.0,
            "-2147483648 to 2147483647, whole numbers",
        ),
        _ => return None,
    })
}

/// Decodes the float of a PARAM_VALUE into the parameter's value.
pub fn decode_value(raw: f32, t: u8, enc: ParamEncoding) -> f64 {
    if enc == ParamEncoding::CCast || int_range(t).is_none() {
        return f64::from(raw);
    }
    let b = raw.to_bits();
    match t {
        ptype::UINT8 => f64::from(b as u8),
        ptype::INT8 => f64::from(b as u8 as i8),
        ptype::UINT16 => f64::from(b as u16),
        ptype::INT16 => f64::from(b as u16 as i16),
        ptype::UINT32 => f64::from(b),
        _ => f64::from(b as i32),
    }
}

/// Encodes a value for PARAM_SET, checking it fits the type.
pub fn encode_value(name: &str, value: f64, t: u8, enc: ParamEncoding) -> Result<f32, ParamError> {
    match int_range(t) {
        Some((lo, hi, range)) => {
            if !value.is_finite() || value.fract() != 0.0 || value < lo || value > hi {
                return Err(ParamError::OutOfRange {
                    name: name.to_owned(),
                    value,
                    kind: type_name(t),
                    range,
                });
            }
            Ok(match enc {
                ParamEncoding::CCast => value as f32,
                ParamEncoding::Bytewise => f32::from_bits(if value < 0.0 {
                    value as i32 as u32
                } else {
                    value as u32
                }),
            })
        }
        None => {
            let v = value as f32;
            if value.is_finite() && !v.is_finite() {
                return Err(ParamError::OutOfRange {
                    name: name.to_owned(),
                    value,
                    kind: "float",
                    range: "a 32-bit float",
                });
            }
            Ok(v)
        }
    }
}

/// One parameter as the vehicle reported it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Param {
    /// Decoded value.
    pub value: f64,
    /// `MAV_PARAM_TYPE`.
    pub param_type: u8,
    /// Index in the vehicle's table.
    pub index: u16,
}

/// A downloaded parameter table, sorted by name.
pub type ParamTable = BTreeMap<String, Param>;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn bytewise_and_ccast() {
        let raw = encode_value("X", -5.0, ptype::INT16, ParamEncoding::Bytewise).expect("fits");
        assert_eq!(
            decode_value(raw, ptype::INT16, ParamEncoding::Bytewise),
            -5.0
        );
        let raw = encode_value("X", 300.0, ptype::INT32, ParamEncoding::CCast).expect("fits");
        assert_eq!(raw, 300.0);
        assert!(encode_value("X", 300.0, ptype::UINT8, ParamEncoding::CCast).is_err());
        assert!(encode_value("X", 1.5, ptype::INT8, ParamEncoding::CCast).is_err());
        assert!(encode_value("X", f64::NAN, ptype::INT8, ParamEncoding::CCast).is_err());
        let e = encode_value("RTL_ALT", 1e40, ptype::REAL32, ParamEncoding::CCast).unwrap_err();
        assert!(e.to_string().contains("RTL_ALT"));
    }

    #[test]
    fn repeats_of_known_indices_do_not_keep_a_stalled_download_alive() {
        use crate::protocol::mission::Address;
        use crate::protocol::retry::Timing;
        use crate::protocol::wire::Wire;
        let veh = Address::new(1, 1);
        let mut d = ParamDownload::new(veh, ParamEncoding::CCast, Timing::default());
        d.start(0);
        let value = |index| Wire::ParamValue {
            name: format!("P{index}"),
            value: 1.0,
            param_type: ptype::REAL32,
            count: 3,
            index,
        };
        d.handle(veh, &value(0), 1);
        d.handle(veh, &value(1), 2);
        let mut now = 0;
        for _ in 0..1_000 {
            let Some(dl) = d.deadline_us() else { break };
            now = dl;
            d.poll(now);
            // Someone keeps asking for index 0; index 2 never comes.
            d.handle(veh, &value(0), now + 1);
        }
        assert!(
            matches!(d.outcome(), Some(Err(ParamError::Timeout { .. }))),
            "{:?}",
            d.outcome()
        );
        assert!(now <= Timing::default().worst_case_stall_us() + 1_000_000);
    }

    proptest! {
        #[test]
        fn integer_round_trip(v in -2_147_483_648i64..=2_147_483_647, t in 1u8..=6) {
            let (lo, hi, _) = int_range(t).expect("int type");
            let v = v as f64;
            for enc in [ParamEncoding::CCast, ParamEncoding::Bytewise] {
                match encode_value("P", v, t, enc) {
                    Ok(raw) => {
                        prop_assert!(v >= lo && v <= hi);
                        // CCast loses precision above 2^24, which is ArduPilot's own limit.
                        if enc == ParamEncoding::Bytewise || v.abs() < 16_777_216.0 {
                            prop_assert_eq!(decode_value(raw, t, enc), v);
                        }
                    }
                    Err(_) => prop_assert!(v < lo || v > hi),
                }
            }
        }
    }
}
