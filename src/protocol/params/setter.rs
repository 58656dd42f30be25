//! Setting one parameter and reading it back.

use super::{Param, ParamEncoding, ParamError, decode_value, encode_value};
use crate::protocol::mission::Address;
use crate::protocol::retry::{RetryTimer, Timing};
use crate::protocol::wire::Wire;

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
    /// STATUSTEXT (warning or worse) from the vehicle while setting.
    texts: Vec<String>,
    /// A known name like this one, for the error if the vehicle has no such parameter.
    similar: Option<String>,
    outcome: Option<Result<Param, ParamError>>,
}

/// Reads of an unknown parameter's type before concluding the vehicle has no such name.
const READ_TRIES: u32 = 5;
/// Longest wait between those reads (µs): the answer to a read is immediate.
const READ_MAX_WAIT_US: u64 = 2_000_000;
/// Least severe STATUSTEXT kept as the vehicle's explanation (MAV_SEVERITY_WARNING).
const MAX_EXPLANATION_SEVERITY: u8 = 4;

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
            texts: Vec::new(),
            similar: None,
            outcome: None,
        })
    }

    /// A name from the vehicle's table like this one, quoted if the vehicle turns out not to
    /// have the parameter.
    pub fn with_similar(mut self, similar: Option<String>) -> Self {
        self.similar = similar;
        self
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
        let wait = if self.param_type.is_none() {
            self.timer.rto_us().min(READ_MAX_WAIT_US)
        } else {
            self.timer.rto_us()
        };
        self.deadline_us = now_us + wait;
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
                        texts: self.texts.clone(),
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
        if self.param_type.is_none() && self.retries >= READ_TRIES {
            self.outcome = Some(Err(ParamError::NoSuchParam {
                name: self.name.clone(),
                tries: self.retries,
                similar: self.similar.clone(),
            }));
            return Vec::new();
        }
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

    /// Feeds a STATUSTEXT from system `sysid` (a refusal quotes it).
    pub fn note_statustext(&mut self, sysid: u8, severity: u8, text: &str) {
        if self.outcome.is_none()
            && sysid == self.vehicle.sysid
            && severity <= MAX_EXPLANATION_SEVERITY
        {
            if self.texts.len() == 4 {
                self.texts.remove(0);
            }
            self.texts.push(text.to_owned());
        }
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
