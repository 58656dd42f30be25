//! Sending: routing a message to the link its target was last heard on, choosing MAVLink 1
//! or 2, encoding, and recording what was handed to an open link.

use super::*;

impl Engine {
    pub(super) fn send_wires(&mut self, out: Vec<Wire>) {
        for w in out {
            let target = wire_target(&w);
            self.send(target, &Outgoing::Wire(w));
        }
    }

    pub(super) fn send_logs(&mut self, out: Vec<crate::protocol::logs::LogMsg>) {
        for m in out {
            let target = m.target().map(|a| a.sysid).filter(|s| *s != 0);
            self.send(target, &Outgoing::Typed(Box::new(m.to_mav())));
        }
    }

    /// Encodes and writes a message to the link its target was last heard on (all links for
    /// broadcasts or unknown targets), and records it.
    pub(super) fn send(&mut self, target: Option<u8>, out: &Outgoing) {
        let route = target
            .and_then(|s| self.routes.get(&s).copied())
            .filter(|l| self.links.contains_key(l));
        let ids: Vec<LinkId> = match route {
            Some(l) => vec![l],
            None => self.links.keys().copied().collect(),
        };
        let t_us = link::wall_clock_us();
        for id in ids {
            let v1_target = target.is_some_and(|s| self.v2_systems.get(&(id, s)) == Some(&false));
            let Some(l) = self.links.get_mut(&id) else {
                continue;
            };
            // A link that is not up would drop the frame: do not pretend it was sent.
            if !matches!(l.state, LinkState::Up { .. }) {
                l.stats.tx_dropped += 1;
                continue;
            }
            let v1_link = l.heard_v1 && !l.heard_v2;
            // A signing link speaks MAVLink 2 only: MAVLink 1 frames cannot carry a signature.
            let version = if l.signing.is_none() && (v1_target || (target.is_none() && v1_link)) {
                Version::V1
            } else {
                Version::V2
            };
            let f = out.encode(&mut l.sender, version);
            let f = self.sign_for_link(id, f, t_us);
            let Some(l) = self.links.get_mut(&id) else {
                continue;
            };
            match l.handle.tx.try_send(f.raw().to_vec()) {
                Ok(()) => {
                    l.stats.tx_frames += 1;
                    l.stats.tx_bytes += f.raw().len() as u64;
                    // SETUP_SIGNING carries the secret key: never written to a log.
                    if let Some(r) = &self.recorder
                        && f.header().msgid != crate::protocol::signing::SETUP_SIGNING_ID
                    {
                        r.record(t_us, f.raw());
                    }
                }
                Err(_) => l.stats.tx_dropped += 1,
            }
        }
    }
}

pub(super) fn wire_target(w: &Wire) -> Option<u8> {
    match w {
        Wire::MissionRequestList { target_system, .. }
        | Wire::MissionCount { target_system, .. }
        | Wire::MissionRequest { target_system, .. }
        | Wire::MissionItem { target_system, .. }
        | Wire::MissionAck { target_system, .. }
        | Wire::MissionClearAll { target_system, .. }
        | Wire::MissionSetCurrent { target_system, .. }
        | Wire::CommandLong { target_system, .. }
        | Wire::CommandInt { target_system, .. }
        | Wire::CommandAck { target_system, .. }
        | Wire::ParamRequestList { target_system, .. }
        | Wire::ParamRequestRead { target_system, .. }
        | Wire::ParamSet { target_system, .. } => Some(*target_system).filter(|s| *s != 0),
        Wire::ParamValue { .. } => None,
    }
}

pub(super) fn outgoing_target(o: &Outgoing) -> Option<u8> {
    match o {
        Outgoing::Wire(w) => wire_target(w),
        Outgoing::Typed(m) => {
            use mavlink::Message;
            m.target_system_id().filter(|s| *s != 0)
        }
    }
}
