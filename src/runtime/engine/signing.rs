//! MAVLink 2 signing on the links: signing what goes out, judging what comes in (counted per
//! link, flagged once per sender, ignored in strict mode), and SETUP_SIGNING to vehicles.

use super::*;
use crate::protocol::dialect::{self as d, MavMessage};
use crate::protocol::frame::Frame;
use crate::protocol::signing::{self, SigningConfig, SigningKey, SigningState, Verdict};
use crate::runtime::RequestId;

/// How long a vehicle has to start signing with a new key before SETUP_SIGNING is resent.
const SETUP_WAIT_US: u64 = 1_500_000;
/// SETUP_SIGNING sends before giving up.
const SETUP_TRIES: u32 = 4;

/// A SETUP_SIGNING waiting for the vehicle to sign with the new key (or stop signing).
pub(super) struct PendingSetup {
    id: RequestId,
    target: VehicleId,
    key: Option<SigningKey>,
    sent_at_us: u64,
    tries: u32,
}

/// The signing link id of a link: its number, which the other side keeps streams apart by.
fn link_byte(id: LinkId) -> u8 {
    (id % 256) as u8
}

impl Engine {
    /// A fresh signing state for link `id` under the current configuration.
    pub(super) fn new_link_signing(&self, id: LinkId) -> Option<SigningState> {
        self.cfg
            .signing
            .as_ref()
            .map(|c| SigningState::new(c.key.clone(), link_byte(id)))
    }

    /// Applies a new signing configuration to every link, keeping their timestamps.
    pub(super) fn set_signing(&mut self, cfg: Option<SigningConfig>) {
        let strict = cfg.as_ref().is_some_and(|c| c.strict);
        self.cfg.signing = cfg;
        self.signing_warned.clear();
        let ids: Vec<LinkId> = self.links.keys().copied().collect();
        for id in ids {
            let fresh = self.new_link_signing(id);
            if let Some(l) = self.links.get_mut(&id) {
                let old_ts = l.signing.as_ref().map_or(0, SigningState::timestamp);
                l.signing = fresh.map(|mut s| {
                    s.advance_to(old_ts);
                    s
                });
                l.stats.signing = l.signing.as_ref().map(|s| s.counters);
                l.stats.signing_strict = strict && l.signing.is_some();
            }
        }
        self.dirty = true;
    }

    /// Signs an outgoing frame for link `id` when the link signs.
    pub(super) fn sign_for_link(&mut self, id: LinkId, f: Frame, unix_us: u64) -> Frame {
        let Some(l) = self.links.get_mut(&id) else {
            return f;
        };
        let Some(s) = l.signing.as_mut() else {
            return f;
        };
        let out = s.sign(&f, unix_us).unwrap_or(f);
        l.stats.signing = Some(s.counters);
        out
    }

    /// Judges an incoming frame on link `id`. Returns false when the frame must be ignored
    /// (strict mode, not correctly signed). The first suspicious frame of each sender on each
    /// link raises a warning.
    pub(super) fn check_signature(&mut self, id: LinkId, f: &Frame, unix_us: u64) -> bool {
        let strict = self.cfg.signing.as_ref().is_some_and(|c| c.strict);
        let h = *f.header();
        let Some(l) = self.links.get_mut(&id) else {
            return true;
        };
        let Some(s) = l.signing.as_mut() else {
            if h.is_signed() && self.signing_warned.insert((id, h.sysid)) {
                self.emit(Event::Warning(format!(
                    "system {} signs its messages (MAVLink 2 signing) but this ground station has no key: the vehicle will ignore our commands; give the key (--signing-key FILE, or Settings → Signing)",
                    h.sysid
                )));
            }
            return true;
        };
        let verdict = s.verify(f, unix_us);
        let accept = !strict || verdict.accepted_strictly(h.msgid);
        if !accept {
            s.counters.ignored += 1;
        }
        l.stats.signing = Some(s.counters);
        let spec = l.handle.spec.to_string();
        if verdict == Verdict::Valid {
            self.confirm_setups(VehicleId::new(h.sysid, h.compid), Some(f));
        } else if verdict == Verdict::Unsigned && !verdict.accepted_strictly(h.msgid) {
            self.confirm_setups(VehicleId::new(h.sysid, h.compid), None);
        }
        let benign = verdict == Verdict::Valid
            || (verdict == Verdict::Unsigned && verdict.accepted_strictly(h.msgid));
        if !benign && self.signing_warned.insert((id, h.sysid)) {
            let what = if accept {
                "accepted (strict mode is off)"
            } else {
                "ignored"
            };
            self.emit(Event::Warning(format!(
                "link {spec}: {} frames from system {} ({}) — {what}",
                verdict.describe(),
                h.sysid,
                f.name(),
            )));
        }
        accept
    }

    /// Starts a SETUP_SIGNING exchange with a vehicle.
    pub(super) fn setup_signing(
        &mut self,
        id: RequestId,
        target: VehicleId,
        key: Option<SigningKey>,
    ) {
        if self.fleet.get(target).is_none() {
            let result = Err(OpError::UnknownVehicle(target));
            self.emit(Event::SigningSetupDone { id, result });
            return;
        }
        let mut p = PendingSetup {
            id,
            target,
            key,
            sent_at_us: 0,
            tries: 0,
        };
        self.send_setup(&mut p);
        self.signing_setups.push(p);
    }

    fn send_setup(&mut self, p: &mut PendingSetup) {
        let unix_us = link::wall_clock_us();
        // Our clock, or the newest timestamp signed frames carried if that is later.
        let now = self
            .links
            .values()
            .filter_map(|l| l.signing.as_ref().map(SigningState::timestamp))
            .fold(signing::timestamp_from_unix_us(unix_us), u64::max);
        let msg = MavMessage::SETUP_SIGNING(d::SETUP_SIGNING_DATA {
            initial_timestamp: signing::setup_initial_timestamp(p.key.as_ref(), now),
            target_system: p.target.sysid,
            target_component: p.target.compid,
            secret_key: p.key.as_ref().map_or([0; 32], |k| *k.bytes()),
        });
        self.send(Some(p.target.sysid), &Outgoing::Typed(Box::new(msg)));
        p.sent_at_us = self.mono_us();
        p.tries += 1;
    }

    /// A frame from `from` arrived signed with our key (`Some`) or unsigned (`None`):
    /// finishes the exchanges it confirms.
    fn confirm_setups(&mut self, from: VehicleId, signed: Option<&Frame>) {
        if self.signing_setups.is_empty() {
            return;
        }
        let ours = self.cfg.signing.as_ref().map(|c| c.key.clone());
        let mut done = Vec::new();
        self.signing_setups.retain(|p| {
            let confirmed = p.target == from
                && p.tries > 0
                && match (&p.key, signed) {
                    (Some(k), Some(_)) => ours.as_ref() == Some(k),
                    (None, None) => true,
                    _ => false,
                };
            if confirmed {
                done.push(p.id);
            }
            !confirmed
        });
        for id in done {
            self.emit(Event::SigningSetupDone { id, result: Ok(()) });
        }
    }

    /// Resends or gives up on exchanges the vehicle has not confirmed.
    pub(super) fn poll_signing_setups(&mut self) {
        let now = self.mono_us();
        let mut pending = std::mem::take(&mut self.signing_setups);
        let mut keep = Vec::new();
        for mut p in pending.drain(..) {
            if now.saturating_sub(p.sent_at_us) < SETUP_WAIT_US {
                keep.push(p);
            } else if p.tries < SETUP_TRIES {
                self.send_setup(&mut p);
                keep.push(p);
            } else {
                let why = match (&p.key, &self.cfg.signing) {
                    (Some(k), Some(c)) if c.key != *k => format!(
                        "sent key {} but this ground station signs with key {}: set the same key here to see the vehicle's signed frames",
                        k.fingerprint(),
                        c.key.fingerprint()
                    ),
                    (Some(k), None) => format!(
                        "sent key {}, but this ground station does not sign: set the same key here to confirm",
                        k.fingerprint()
                    ),
                    (Some(k), Some(_)) => format!(
                        "vehicle {} did not start signing with key {} after {} tries: it refuses SETUP_SIGNING while armed, or already signs with another key (then our unsigned or differently signed request is ignored)",
                        p.target,
                        k.fingerprint(),
                        p.tries
                    ),
                    (None, _) => format!(
                        "vehicle {} still signs after {} tries to turn signing off",
                        p.target, p.tries
                    ),
                };
                let result = Err(OpError::Signing(why));
                self.emit(Event::SigningSetupDone { id: p.id, result });
            }
        }
        self.signing_setups = keep;
    }
}
