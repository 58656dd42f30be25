//! MAVLink parameter protocol, vehicle side, sans-IO: the simulator's parameter table.
//!
//! ```text
//! PARAM_REQUEST_LIST ─▶ stream every PARAM_VALUE, `burst` per poll (paced like a real link)
//! PARAM_REQUEST_READ(index | name) ─▶ PARAM_VALUE
//! PARAM_SET(name, value) ─▶ value converted to the parameter's type, stored, PARAM_VALUE echo
//! ```
//! Values are carried ArduPilot-style (integers as a C cast to float).

use super::mission::Address;
use super::wire::Wire;
use std::collections::{BTreeMap, VecDeque};

/// Errors of a parameter table file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParamTableError {
    /// A line that is not `NAME VALUE TYPE`.
    #[error("line {line}: expected 'NAME VALUE TYPE', found '{text}'")]
    BadLine {
        /// 1-based line number.
        line: usize,
        /// The line.
        text: String,
    },
}

/// The vehicle's parameters and the protocol around them.
#[derive(Debug, Clone)]
pub struct ParamServer {
    me: Address,
    params: Vec<(String, f32, u8)>,
    by_name: BTreeMap<String, usize>,
    /// Pending PARAM_VALUEs of a list request: (to, next index).
    streams: VecDeque<(Address, usize)>,
    burst: usize,
}

impl ParamServer {
    /// A server holding `params` (name, value, MAV_PARAM_TYPE), streaming `burst` per poll.
    pub fn new(me: Address, params: Vec<(String, f32, u8)>, burst: usize) -> Self {
        let by_name = params
            .iter()
            .enumerate()
            .map(|(i, p)| (p.0.clone(), i))
            .collect();
        Self {
            me,
            params,
            by_name,
            streams: VecDeque::new(),
            burst: burst.max(1),
        }
    }

    /// Parses a table of `NAME VALUE TYPE` lines (`#` comments), e.g. a shipped default set.
    pub fn parse_table(text: &str) -> Result<Vec<(String, f32, u8)>, ParamTableError> {
        let mut out = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let l = line.trim();
            if l.is_empty() || l.starts_with('#') {
                continue;
            }
            let f: Vec<&str> = l.split_whitespace().collect();
            let parsed = match f.as_slice() {
                [n, v, t] if n.len() <= 16 => v
                    .parse::<f32>()
                    .ok()
                    .zip(t.parse::<u8>().ok())
                    .map(|(v, t)| ((*n).to_owned(), v, t)),
                _ => None,
            };
            match parsed {
                Some(p) => out.push(p),
                None => {
                    return Err(ParamTableError::BadLine {
                        line: i + 1,
                        text: line.to_owned(),
                    });
                }
            }
        }
        Ok(out)
    }

    /// Number of parameters.
    pub fn len(&self) -> usize {
        self.params.len()
    }

    /// True when the table is empty.
    pub fn is_empty(&self) -> bool {
        self.params.is_empty()
    }

    /// Current value of a parameter.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.by_name
            .get(name)
            .and_then(|&i| self.params.get(i))
            .map(|p| f64::from(p.1))
    }

    fn value_msg(&self, i: usize) -> Option<Wire> {
        self.params.get(i).map(|(name, value, t)| Wire::ParamValue {
            name: name.clone(),
            value: *value,
            param_type: *t,
            count: self.params.len().min(usize::from(u16::MAX)) as u16,
            index: i as u16,
        })
    }

    /// Feeds a message from `from`; returns immediate replies and the name of a changed
    /// parameter, if any.
    pub fn handle(&mut self, from: Address, msg: &Wire) -> (Vec<Wire>, Option<String>) {
        if !msg.is_for(self.me.sysid, self.me.compid) {
            return (Vec::new(), None);
        }
        match msg {
            Wire::ParamRequestList { .. } => {
                self.streams.retain(|(a, _)| *a != from);
                self.streams.push_back((from, 0));
                (Vec::new(), None)
            }
            Wire::ParamRequestRead { index, name, .. } => {
                let i = if *index >= 0 {
                    Some(*index as usize)
                } else {
                    self.by_name.get(name).copied()
                };
                (
                    i.and_then(|i| self.value_msg(i)).into_iter().collect(),
                    None,
                )
            }
            Wire::ParamSet { name, value, .. } => {
                // ArduPilot answers neither an unknown name nor a NaN or infinite value.
                let Some(&i) = self.by_name.get(name).filter(|_| value.is_finite()) else {
                    return (Vec::new(), None);
                };
                if let Some(p) = self.params.get_mut(i) {
                    p.1 = convert(*value, p.2);
                }
                // The echo of a set carries index 65535, as ArduPilot's does.
                let echo = self.value_msg(i).map(|m| match m {
                    Wire::ParamValue {
                        name,
                        value,
                        param_type,
                        count,
                        ..
                    } => Wire::ParamValue {
                        name,
                        value,
                        param_type,
                        count,
                        index: u16::MAX,
                    },
                    other => other,
                });
                (echo.into_iter().collect(), Some(name.clone()))
            }
            _ => (Vec::new(), None),
        }
    }

    /// Streams the next burst of a list request: (destination, message) pairs.
    pub fn poll(&mut self) -> Vec<(Address, Wire)> {
        let mut out = Vec::new();
        while out.len() < self.burst {
            let Some((to, next)) = self.streams.front_mut() else {
                break;
            };
            let (to, i) = (*to, *next);
            *next += 1;
            match self.value_msg(i) {
                Some(m) => out.push((to, m)),
                None => {
                    self.streams.pop_front();
                }
            }
        }
        out
    }
}

/// Converts a set value to what a parameter of type `t` can hold (ArduPilot rounds and clamps).
fn convert(v: f32, t: u8) -> f32 {
    let (lo, hi) = match t {
        1 => (0.0, 255.0),
        2 => (-128.0, 127.0),
        3 => (0.0, 65_535.0),
        4 => (-32_768.0, 32_767.0),
        5 => (0.0, 4_294_967_295.0),
        6 => (-2_147_483_648.0, 2_147_483_647.0),
        _ => return if v.is_finite() { v } else { 0.0 },
    };
    if v.is_finite() {
        v.round().clamp(lo, hi)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::lossy::{Impairment, LossyChannel, Msg};
    use crate::protocol::params::{ParamDownload, ParamEncoding, ParamError, ParamSetter, ptype};
    use crate::protocol::retry::Timing;

    const GCS: Address = Address::new(255, 190);
    const VEH: Address = Address::new(1, 1);

    fn table(n: usize) -> Vec<(String, f32, u8)> {
        (0..n)
            .map(|i| {
                (
                    format!("P_{i:04}"),
                    i as f32,
                    if i % 2 == 0 {
                        ptype::REAL32
                    } else {
                        ptype::INT16
                    },
                )
            })
            .collect()
    }

    fn download(
        server: &mut ParamServer,
        imp: Impairment,
        seed: u64,
    ) -> Result<crate::protocol::params::ParamTable, ParamError> {
        let mut d = ParamDownload::new(VEH, ParamEncoding::CCast, Timing::default());
        let mut ch: LossyChannel<Msg<Wire>> = LossyChannel::new(imp, seed);
        let mut now = 0;
        for m in d.start(now) {
            ch.send(now, true, m);
        }
        for _ in 0..1_000_000 {
            if let Some(r) = d.take_outcome() {
                return r;
            }
            // The vehicle streams a burst every 10 ms.
            let next_tick = now + 10_000;
            let next = [ch.next_delivery_us(), d.deadline_us(), Some(next_tick)]
                .into_iter()
                .flatten()
                .min()
                .unwrap_or(next_tick);
            now = next;
            while let Some((to_vehicle, m)) = ch.deliver(now) {
                if to_vehicle {
                    for r in server.handle(GCS, &m).0 {
                        ch.send(now, false, r);
                    }
                } else {
                    d.handle(VEH, &m, now);
                }
            }
            if now == next_tick {
                for (_, m) in server.poll() {
                    ch.send(now, false, m);
                }
            }
            for m in d.poll(now) {
                ch.send(now, true, m);
            }
        }
        panic!("download did not finish: {:?}", d.progress());
    }

    #[test]
    fn lossy_download_fills_gaps() {
        let mut s = ParamServer::new(VEH, table(900), 10);
        let imp = Impairment {
            loss: 0.2,
            duplicate: 0.05,
            base_delay_us: 5_000,
            jitter_us: 50_000,
        };
        let t = download(&mut s, imp, 7).expect("download completes");
        assert_eq!(t.len(), 900);
        assert_eq!(t.get("P_0899").map(|p| p.value), Some(899.0));
        assert_eq!(t.get("P_0001").map(|p| p.param_type), Some(ptype::INT16));
    }

    #[test]
    fn set_with_read_back_and_type_discovery() {
        let mut s = ParamServer::new(VEH, table(10), 10);
        let mut set = ParamSetter::new(
            VEH,
            ParamEncoding::CCast,
            "P_0003",
            42.0,
            None,
            Timing::default(),
        )
        .expect("valid");
        let mut out = set.start(0);
        for _ in 0..4 {
            let mut next = Vec::new();
            for m in out {
                for r in s.handle(GCS, &m).0 {
                    next.extend(set.handle(VEH, &r, 1));
                }
            }
            out = next;
        }
        assert_eq!(
            set.outcome().map(|r| r.as_ref().map(|p| p.value)),
            Some(Ok(42.0))
        );
        assert_eq!(s.get("P_0003"), Some(42.0));
    }

    #[test]
    fn clamped_value_is_reported_not_applied() {
        let mut s = ParamServer::new(VEH, vec![("SMALL".into(), 1.0, ptype::INT8)], 10);
        // The GCS thinks it is a float, the vehicle clamps it to int8.
        let mut set = ParamSetter::new(
            VEH,
            ParamEncoding::CCast,
            "SMALL",
            1000.0,
            Some(ptype::REAL32),
            Timing::default(),
        )
        .expect("valid");
        let mut out = set.start(0);
        for _ in 0..4 {
            let mut next = Vec::new();
            for m in out {
                for r in s.handle(GCS, &m).0 {
                    next.extend(set.handle(VEH, &r, 1));
                }
            }
            out = next;
        }
        match set.outcome() {
            Some(Err(ParamError::NotApplied { actual, .. })) => assert_eq!(*actual, 127.0),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unknown_name_is_reported_within_seconds_with_a_hint() {
        // ArduPilot and PX4 answer nothing about a name they do not have.
        let mut s = ParamServer::new(VEH, table(10), 10);
        let mut set = ParamSetter::new(
            VEH,
            ParamEncoding::CCast,
            "SYSID_THISMAV",
            1.0,
            None,
            Timing::default(),
        )
        .expect("valid")
        .with_similar(Some("MAV_SYSID".into()));
        let mut out = set.start(0);
        let mut now = 0;
        while set.outcome().is_none() {
            for m in &out {
                assert!(
                    s.handle(GCS, m).0.is_empty(),
                    "no answer to an unknown name"
                );
            }
            now = set.deadline_us().expect("running");
            out = set.poll(now);
        }
        assert!(now <= 10_000_000, "decided after {now} µs");
        let e = set.outcome().unwrap().as_ref().unwrap_err();
        assert_eq!(
            e.to_string(),
            "the vehicle has no parameter named SYSID_THISMAV: it answered none of 5 requests \
             to read it (did you mean MAV_SYSID?)"
        );
    }

    #[test]
    fn a_refused_set_quotes_the_vehicle() {
        let mut s = ParamServer::new(VEH, vec![("SMALL".into(), 1.0, ptype::INT8)], 10);
        let mut set = ParamSetter::new(
            VEH,
            ParamEncoding::CCast,
            "SMALL",
            1000.0,
            Some(ptype::REAL32),
            Timing::default(),
        )
        .expect("valid");
        let mut out = set.start(0);
        set.note_statustext(VEH.sysid, 4, "Param write denied (SMALL)");
        set.note_statustext(VEH.sysid, 6, "info is not an explanation");
        for _ in 0..4 {
            let mut next = Vec::new();
            for m in out {
                for r in s.handle(GCS, &m).0 {
                    next.extend(set.handle(VEH, &r, 1));
                }
            }
            out = next;
        }
        let e = set.outcome().unwrap().as_ref().unwrap_err();
        assert_eq!(
            e.to_string(),
            "SMALL: the vehicle kept 127 instead of 1000. Vehicle said: Param write denied (SMALL)"
        );
    }

    #[test]
    fn similar_names_share_a_word_or_a_few_letters() {
        use crate::protocol::params::similar_name;
        let names = ["MAV_SYSID", "MAV_GCS_SYSID", "RTL_ALT", "WPNAV_SPEED"];
        let pick = |n: &str| similar_name(n, names.iter().copied());
        assert_eq!(pick("SYSID_THISMAV").as_deref(), Some("MAV_SYSID"));
        assert_eq!(pick("RTL_ALTT").as_deref(), Some("RTL_ALT"));
        assert_eq!(pick("WPNAV_SPEEED").as_deref(), Some("WPNAV_SPEED"));
        assert_eq!(pick("COMPLETELY_ELSE"), None);
    }

    #[test]
    fn sets_are_echoed_with_index_65535_and_nan_is_ignored() {
        let mut s = ParamServer::new(VEH, table(3), 10);
        let set = |value: f32| Wire::ParamSet {
            target_system: 1,
            target_component: 1,
            name: "P_0001".into(),
            value,
            param_type: ptype::REAL32,
        };
        match s.handle(GCS, &set(3.0)).0.as_slice() {
            [Wire::ParamValue { index, value, .. }] => {
                assert_eq!((*index, *value), (u16::MAX, 3.0));
            }
            other => panic!("{other:?}"),
        }
        assert!(s.handle(GCS, &set(f32::NAN)).0.is_empty());
        assert!(s.handle(GCS, &set(f32::INFINITY)).0.is_empty());
        assert_eq!(s.get("P_0001"), Some(3.0));
    }

    #[test]
    fn table_file_errors_name_the_line() {
        let e = ParamServer::parse_table("A 1 9\n# c\nB x 9\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 3: expected 'NAME VALUE TYPE', found 'B x 9'"
        );
    }
}
