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

use super::mission::Address;
use super::retry::{RetryTimer, Timing};
use super::wire::Wire;
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
        "{name}: the vehicle kept {actual} instead of {wanted} (read-only or out of its range?)"
    )]
    NotApplied {
        /// Parameter name.
        name: String,
        /// Value asked for.
        wanted: f64,
        /// Value read back.
        actual: f64,
    },
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

/// How many missing indices to request at once.
const GAP_BATCH: usize = 20;

/// A full download of the vehicle's parameters.
#[derive(Debug, Clone)]
pub struct ParamDownload {
    vehicle: Address,
    enc: ParamEncoding,
    timer: RetryTimer,
    by_index: Vec<Option<(String, Param)>>,
    count: Option<u16>,
    retries: u32,
    deadline_us: u64,
    received_since_poll: bool,
    outcome: Option<Result<ParamTable, ParamError>>,
    /// PARAM_REQUEST_READ messages sent to fill gaps.
    pub gap_requests: u32,
}

impl ParamDownload {
    /// A download from `vehicle`.
    pub fn new(vehicle: Address, enc: ParamEncoding, timing: Timing) -> Self {
        Self {
            vehicle,
            enc,
            timer: RetryTimer::new(timing),
            by_index: Vec::new(),
            count: None,
            retries: 0,
            deadline_us: 0,
            received_since_poll: false,
            outcome: None,
            gap_requests: 0,
        }
    }

    /// The vehicle addressed.
    pub fn vehicle(&self) -> Address {
        self.vehicle
    }

    fn list(&self) -> Wire {
        Wire::ParamRequestList {
            target_system: self.vehicle.sysid,
            target_component: self.vehicle.compid,
        }
    }

    /// Starts the download.
    pub fn start(&mut self, now_us: u64) -> Vec<Wire> {
        self.deadline_us = now_us + self.timer.rto_us();
        vec![self.list()]
    }

    /// (received, total); total is 0 until the first PARAM_VALUE.
    pub fn progress(&self) -> (usize, usize) {
        (
            self.by_index.iter().filter(|p| p.is_some()).count(),
            self.count.map_or(0, usize::from),
        )
    }

    /// Feeds a message; returns messages to send.
    pub fn handle(&mut self, from: Address, msg: &Wire, now_us: u64) -> Vec<Wire> {
        let Wire::ParamValue {
            name,
            value,
            param_type,
            count,
            index,
        } = msg
        else {
            return Vec::new();
        };
        if self.outcome.is_some() || from != self.vehicle {
            return Vec::new();
        }
        if self.count != Some(*count) {
            self.count = Some(*count);
            self.by_index.resize(usize::from(*count), None);
        }
        let Some(slot) = self.by_index.get_mut(usize::from(*index)) else {
            return Vec::new();
        };
        if slot.is_none() {
            self.retries = 0;
        }
        let p = Param {
            value: decode_value(*value, *param_type, self.enc),
            param_type: *param_type,
            index: *index,
        };
        *slot = Some((name.clone(), p));
        self.received_since_poll = true;
        self.timer.reset_backoff();
        self.deadline_us = now_us + self.timer.rto_us();
        if self.by_index.iter().all(Option::is_some) {
            let table = self.by_index.iter().flatten().cloned().collect();
            self.outcome = Some(Ok(table));
        }
        Vec::new()
    }

    /// Handles silence: re-request the list or the missing indices.
    pub fn poll(&mut self, now_us: u64) -> Vec<Wire> {
        if self.outcome.is_some() || now_us < self.deadline_us {
            return Vec::new();
        }
        if !std::mem::take(&mut self.received_since_poll) {
            self.retries += 1;
            self.timer.backoff();
        }
        if self.retries > self.timer.timing().max_retries {
            let (got, total) = self.progress();
            let what = if total == 0 {
                "list request".to_owned()
            } else {
                format!("download ({got} of {total} received)")
            };
            self.outcome = Some(Err(ParamError::Timeout {
                what,
                tries: self.retries,
            }));
            return Vec::new();
        }
        self.deadline_us = now_us + self.timer.rto_us();
        if self.count.is_none() {
            return vec![self.list()];
        }
        let missing: Vec<Wire> = self
            .by_index
            .iter()
            .enumerate()
            .filter(|(_, p)| p.is_none())
            .take(GAP_BATCH)
            .map(|(i, _)| Wire::ParamRequestRead {
                target_system: self.vehicle.sysid,
                target_component: self.vehicle.compid,
                index: i as i16,
                name: String::new(),
            })
            .collect();
        self.gap_requests += missing.len() as u32;
        missing
    }

    /// When to call [`ParamDownload::poll`] (µs), while running.
    pub fn deadline_us(&self) -> Option<u64> {
        self.outcome.is_none().then_some(self.deadline_us)
    }

    /// The result once finished.
    pub fn outcome(&self) -> Option<&Result<ParamTable, ParamError>> {
        self.outcome.as_ref()
    }

    /// Takes the result out.
    pub fn take_outcome(&mut self) -> Option<Result<ParamTable, ParamError>> {
        self.outcome.take()
    }
}

/// Setting one parameter, with read-back.
#[derive(Debug, Clone)]
pub struct ParamSetter {
    vehicle: Address,
    enc: ParamEncoding,
    name: String,
    value: f64,
    param_type: Option<u8>,
    timer: RetryTimer,
    retries: u32,
    mismatches: u32,
    deadline_us: u64,
    outcome: Option<Result<Param, ParamError>>,
}

impl ParamSetter {
    /// Sets `name` to `value`. With `param_type` unknown, the type is read first.
    pub fn new(
        vehicle: Address,
        enc: ParamEncoding,
        name: &str,
        value: f64,
        param_type: Option<u8>,
        timing: Timing,
    ) -> Result<Self, ParamError> {
        if name.len() > 16 {
            return Err(ParamError::NameTooLong(name.to_owned()));
        }
        if let Some(t) = param_type {
            encode_value(name, value, t, enc)?;
        }
        Ok(Self {
            vehicle,
            enc,
            name: name.to_owned(),
            value,
            param_type,
            timer: RetryTimer::new(timing),
            retries: 0,
            mismatches: 0,
            deadline_us: 0,
            outcome: None,
        })
    }

    /// The vehicle addressed.
    pub fn vehicle(&self) -> Address {
        self.vehicle
    }

    fn next_msg(&mut self) -> Option<Wire> {
        match self.param_type {
            None => Some(Wire::ParamRequestRead {
                target_system: self.vehicle.sysid,
                target_component: self.vehicle.compid,
                index: -1,
                name: self.name.clone(),
            }),
            Some(t) => match encode_value(&self.name, self.value, t, self.enc) {
                Ok(raw) => Some(Wire::ParamSet {
                    target_system: self.vehicle.sysid,
                    target_component: self.vehicle.compid,
                    name: self.name.clone(),
                    value: raw,
                    param_type: t,
                }),
                Err(e) => {
                    self.outcome = Some(Err(e));
                    None
                }
            },
        }
    }

    fn send(&mut self, now_us: u64) -> Vec<Wire> {
        self.deadline_us = now_us + self.timer.rto_us();
        self.next_msg().into_iter().collect()
    }

    /// Starts: PARAM_SET, or PARAM_REQUEST_READ when the type is unknown.
    pub fn start(&mut self, now_us: u64) -> Vec<Wire> {
        self.send(now_us)
    }

    /// Feeds a message; returns messages to send.
    pub fn handle(&mut self, from: Address, msg: &Wire, now_us: u64) -> Vec<Wire> {
        let Wire::ParamValue {
            name,
            value,
            param_type,
            index,
            ..
        } = msg
        else {
            return Vec::new();
        };
        if self.outcome.is_some() || from != self.vehicle || name.as_str() != self.name {
            return Vec::new();
        }
        match self.param_type {
            None => {
                self.param_type = Some(*param_type);
                self.retries = 0;
                self.send(now_us)
            }
            Some(t) => {
                let wanted = encode_value(&self.name, self.value, t, self.enc);
                let actual = decode_value(*value, *param_type, self.enc);
                let p = Param {
                    value: actual,
                    param_type: *param_type,
                    index: *index,
                };
                if wanted.is_ok_and(|w| w.to_bits() == value.to_bits() || w == *value) {
                    self.outcome = Some(Ok(p));
                    Vec::new()
                } else if self.mismatches == 0 {
                    // Possibly an old value still in flight: ask once more.
                    self.mismatches += 1;
                    self.send(now_us)
                } else {
                    self.outcome = Some(Err(ParamError::NotApplied {
                        name: self.name.clone(),
                        wanted: self.value,
                        actual,
                    }));
                    Vec::new()
                }
            }
        }
    }

    /// Handles the timeout.
    pub fn poll(&mut self, now_us: u64) -> Vec<Wire> {
        if self.outcome.is_some() || now_us < self.deadline_us {
            return Vec::new();
        }
        self.retries += 1;
        if self.retries > self.timer.timing().max_retries {
            let what = if self.param_type.is_none() {
                format!("read of {}", self.name)
            } else {
                format!("set of {}", self.name)
            };
            self.outcome = Some(Err(ParamError::Timeout {
                what,
                tries: self.retries,
            }));
            return Vec::new();
        }
        self.timer.backoff();
        self.send(now_us)
    }

    /// When to call [`ParamSetter::poll`] (µs), while running.
    pub fn deadline_us(&self) -> Option<u64> {
        self.outcome.is_none().then_some(self.deadline_us)
    }

    /// The result once finished: the parameter as read back.
    pub fn outcome(&self) -> Option<&Result<Param, ParamError>> {
        self.outcome.as_ref()
    }
}

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
