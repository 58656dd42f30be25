//! The simulated vehicle's MAVLink 2 signing, as ArduPilot does it: a key kept from its
//! start-up or taken from SETUP_SIGNING while disarmed, every frame out signed, and frames in
//! that are not signed with the key ignored (RADIO_STATUS excepted; see `SimNode::handle_frame`).

use super::node::SimNode;
use crate::protocol::dialect as d;
use crate::protocol::frame::Frame;
use crate::protocol::signing::{SigningCounters, SigningKey, SigningState};

impl SimNode {
    /// Frames produced since the last call (signed when the vehicle has a key).
    pub fn take_frames(&mut self) -> Vec<Frame> {
        let out = std::mem::take(&mut self.out);
        match self.signing.as_mut() {
            Some(s) => out
                .into_iter()
                .map(|f| s.sign(&f, self.unix_us).unwrap_or(f))
                .collect(),
            None => out,
        }
    }

    /// Gives the vehicle a signing key (as if set up earlier and kept in its storage), or
    /// takes it away. From then on it signs everything and ignores frames that are not
    /// signed with that key (RADIO_STATUS excepted), as ArduPilot does.
    pub fn set_signing_key(&mut self, key: Option<SigningKey>) {
        self.signing = key.map(|k| SigningState::new(k, 0));
    }

    /// Signing counters of the vehicle's side (what it accepted and ignored).
    pub fn signing_counters(&self) -> Option<SigningCounters> {
        self.signing.as_ref().map(|s| s.counters)
    }

    /// Sets the wall clock used for signing timestamps.
    pub fn set_unix_time(&mut self, unix_us: u64) {
        self.unix_us = unix_us;
    }

    /// SETUP_SIGNING: a new key, refused while armed. All zeros turns signing off only with an
    /// initial timestamp of 0 too, as ArduPilot 4.7 does (it keeps signing otherwise).
    pub(super) fn setup_signing(&mut self, s: &d::SETUP_SIGNING_DATA) {
        if self.flight.state().armed {
            self.text(4, "Signing: cannot change the key while armed");
            return;
        }
        match SigningKey::from_bytes(s.secret_key) {
            Ok(k) => {
                let mut st = SigningState::new(k, 0);
                st.advance_to(s.initial_timestamp);
                self.signing = Some(st);
            }
            Err(_) if s.initial_timestamp == 0 => self.signing = None,
            Err(_) => {}
        }
    }
}
