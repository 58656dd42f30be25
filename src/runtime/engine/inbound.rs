//! Frames and state changes coming up from the links, and what the vehicle model makes of
//! them.

use super::*;
use crate::protocol::frame::decode_payload;
use crate::protocol::logs::{self, LogMsg};

impl Engine {
    pub(super) fn on_link_event(&mut self, ev: LinkEvent) {
        match ev {
            LinkEvent::State { link, state } => {
                let Some(l) = self.links.get_mut(&link) else {
                    return;
                };
                l.state = state.clone();
                let spec = l.handle.spec.clone();
                self.emit(Event::Link { link, spec, state });
            }
            LinkEvent::Inbound(batch) => self.on_inbound(batch),
        }
    }

    pub(super) fn on_inbound(&mut self, batch: Inbound) {
        let Inbound {
            link,
            t_us,
            frames,
            parser,
        } = batch;
        let gcs = self.cfg.gcs;
        if let Some(l) = self.links.get_mut(&link) {
            l.stats.rx = parser;
        }
        self.dirty = true;
        self.quiet = false;
        for f in frames {
            // Everything that arrived is recorded (an injected frame is evidence), except a
            // SETUP_SIGNING, which carries a secret key.
            if let Some(r) = &self.recorder
                && f.header().msgid != crate::protocol::signing::SETUP_SIGNING_ID
            {
                r.record(t_us, f.raw());
            }
            let h = *f.header();
            if let Some(l) = self.links.get_mut(&link) {
                l.stats.on_frame(h.sysid, h.compid, h.seq, t_us);
                match h.version {
                    Version::V1 => l.heard_v1 = true,
                    Version::V2 => l.heard_v2 = true,
                }
            }
            if h.sysid == gcs.sysid && h.compid == gcs.compid {
                continue; // our own frames echoed back (e.g. a loop through a UDP relay)
            }
            if !self.check_signature(link, &f, t_us) {
                continue; // strict signing: not correctly signed, so not acted on
            }
            self.routes.insert(h.sysid, link);
            self.note_system_link(h.sysid, link);
            let v2 = self.v2_systems.entry((link, h.sysid)).or_insert(false);
            *v2 |= h.version == Version::V2;
            for e in self.fleet.apply_raw(&h, f.payload(), t_us) {
                self.on_fleet_event(e);
            }
            let from = Address::new(h.sysid, h.compid);
            if let Some(r) = self.streams.get_mut(&VehicleId::new(h.sysid, h.compid)) {
                r.on_message(h.msgid);
            }
            if let Some(w) = Wire::decode(h.msgid, f.payload()) {
                if matches!(
                    w,
                    Wire::MissionRequest { int: true, .. } | Wire::MissionItem { int: true, .. }
                ) {
                    self.fleet
                        .note_mission_int(VehicleId::new(h.sysid, h.compid));
                }
                let now = self.mono_us();
                let out = self.ops.on_wire(from, &w, now);
                self.send_wires(out);
            } else if h.msgid == wire::id::MISSION_CURRENT {
                let p = f.payload();
                let seq = u16::from_le_bytes([
                    p.first().copied().unwrap_or(0),
                    p.get(1).copied().unwrap_or(0),
                ]);
                self.ops.on_mission_current(from, seq);
            } else if h.msgid == logs::id::LOG_ENTRY || h.msgid == logs::id::LOG_DATA {
                let msg = decode_payload(&h, f.payload())
                    .ok()
                    .and_then(|m| LogMsg::from_mav(&m));
                if let Some(m) = msg {
                    let now = self.mono_us();
                    let out = self.log_ops.on_msg(from, &m, now);
                    self.send_logs(out);
                }
            }
        }
    }

    pub(super) fn on_fleet_event(&mut self, e: FleetEvent) {
        match &e {
            FleetEvent::VehicleAppeared { id, autopilot, .. } => {
                let ardupilot = *autopilot == Autopilot::ArduPilot;
                self.streams.insert(
                    *id,
                    StreamRequester::new(Address::new(id.sysid, id.compid), ardupilot),
                );
            }
            FleetEvent::VehicleRegained { id, .. } => {
                if let Some(r) = self.streams.get_mut(id) {
                    r.reset();
                }
            }
            FleetEvent::StatusText {
                id, text, severity, ..
            } => {
                let now = self.mono_us();
                self.ops.on_statustext(id.sysid, *severity, text, now);
            }
            _ => {}
        }
        self.emit(Event::Fleet(e));
    }

    /// Warns once when a system id is heard on two links within a few seconds: either one
    /// aircraft on two radios (fine; commands go to the link heard last) or two aircraft
    /// sharing a SYSID_THISMAV (dangerous: their telemetry mixes and commands reach whichever
    /// spoke last).
    pub(super) fn note_system_link(&mut self, sysid: u8, link: LinkId) {
        const WINDOW_US: u64 = 3_000_000;
        let now = self.mono_us();
        self.link_seen.insert((sysid, link), now);
        if self.warned.contains(&sysid) {
            return;
        }
        let others: Vec<LinkId> = self
            .link_seen
            .iter()
            .filter(|((s, l), t)| *s == sysid && *l != link && now.saturating_sub(**t) < WINDOW_US)
            .map(|((_, l), _)| *l)
            .collect();
        if let Some(other) = others.first() {
            self.warned.insert(sysid);
            let name = |id: &LinkId| {
                self.links
                    .get(id)
                    .map_or_else(|| format!("link {id}"), |l| l.handle.spec.to_string())
            };
            let text = format!(
                "system {sysid} is heard on two links ({} and {}): if these are two aircraft, give them different MAV_SYSID (SYSID_THISMAV before ArduPilot 4.7); commands go to the link heard last",
                name(other),
                name(&link)
            );
            self.emit(Event::Warning(text));
        }
    }
}
