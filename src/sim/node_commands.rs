//! Commands to the simulated vehicle: COMMAND_LONG / COMMAND_INT handled the way ArduPilot
//! does (results and STATUSTEXT explanations), and parameters that change its behaviour.

use super::config::Airframe;
use super::events::SimRefusal;
use super::node::SimNode;
use super::telemetry as tm;
use crate::geo::LatLon;
use crate::plan::mission_item::cmd;
use crate::protocol::command::result as mav_result;
use crate::protocol::mission::Address;
use crate::protocol::wire::Wire;

impl SimNode {
    pub(super) fn param_changed(&mut self, name: &str) {
        let v = self.params.get(name).unwrap_or(0.0);
        let r = match (name, self.airframe) {
            ("WPNAV_SPEED", Airframe::Copter) => self.flight.change_speed(v / 100.0),
            ("AIRSPEED_CRUISE", Airframe::Plane) => self.flight.change_speed(v),
            _ => Ok(()),
        };
        if let Err(r) = r {
            self.announce(&r);
        }
    }

    pub(super) fn ack(
        &mut self,
        to: Address,
        command: u16,
        r: Result<(), SimRefusal>,
        now_us: u64,
    ) {
        // ArduPilot sends its explanation (e.g. "PreArm: GPS 1: Bad fix") before the ACK.
        for e in self.flight.take_events() {
            self.on_event(e, now_us);
        }
        let result = match &r {
            Ok(()) => mav_result::ACCEPTED,
            Err(e) => {
                self.announce(e);
                e.result.mav_result()
            }
        };
        self.send_wire(&Wire::CommandAck {
            command,
            result,
            progress: 0,
            target_system: to.sysid,
            target_component: to.compid,
        });
    }

    pub(super) fn command(
        &mut self,
        command: u16,
        p: [f32; 4],
        lat: f64,
        lon: f64,
        z: f32,
        now_us: u64,
    ) -> Result<(), SimRefusal> {
        use super::events::Refusal;
        let unsupported = || {
            Err(SimRefusal::silent(
                Refusal::Unsupported,
                "unsupported command",
            ))
        };
        match command {
            cmd::COMPONENT_ARM_DISARM => {
                if p[0] == 1.0 {
                    self.flight.arm()
                } else {
                    self.flight.disarm(p[1] == 21_196.0)
                }
            }
            cmd::DO_SET_MODE => self.flight.set_mode(if p[1].is_finite() && p[1] >= 0.0 {
                p[1] as u32
            } else {
                u32::MAX
            }),
            cmd::NAV_TAKEOFF => self.flight.takeoff(f64::from(z)),
            cmd::NAV_RETURN_TO_LAUNCH => self.flight.set_mode(match self.airframe {
                Airframe::Copter => super::modes::copter_mode::RTL,
                Airframe::Plane => super::modes::plane_mode::RTL,
            }),
            cmd::NAV_LAND if self.airframe == Airframe::Copter => {
                self.flight.set_mode(super::modes::copter_mode::LAND)
            }
            cmd::DO_LAND_START => {
                let seq = self
                    .flight
                    .mission_items()
                    .iter()
                    .position(|i| i.command == cmd::DO_LAND_START);
                match seq {
                    Some(s) => self
                        .flight
                        .set_current_item(s as u16)
                        .and_then(|_| self.flight.set_mode(super::modes::plane_mode::AUTO)),
                    None => Err(SimRefusal::announced(
                        Refusal::Failed,
                        super::events::severity::WARNING,
                        "No landing sequence found",
                    )),
                }
            }
            cmd::MISSION_START => self.flight.start_mission(),
            cmd::DO_PAUSE_CONTINUE => {
                if p[0] == 0.0 {
                    self.flight.pause()
                } else {
                    self.flight.resume()
                }
            }
            cmd::DO_SET_MISSION_CURRENT => {
                self.flight
                    .set_current_item(if p[0].is_finite() && p[0] >= 0.0 {
                        p[0] as u16
                    } else {
                        u16::MAX
                    })
            }
            cmd::DO_REPOSITION => {
                // Bit 0 of param2: switch to GUIDED first (ArduCopter only flies there in GUIDED).
                if p[1] as u32 & 1 == 1
                    && self.airframe == Airframe::Copter
                    && self.flight.state().custom_mode != super::modes::copter_mode::GUIDED
                {
                    self.flight.set_mode(super::modes::copter_mode::GUIDED)?;
                }
                self.flight.goto(LatLon::new(lat, lon), f64::from(z))
            }
            cmd::DO_CHANGE_SPEED => self.flight.change_speed_kind(
                if p[0].is_finite() { p[0] as u8 } else { 1 },
                f64::from(p[1]),
            ),
            cmd::DO_SET_HOME => {
                if p[0] == 1.0 {
                    self.flight.set_home_to_current()
                } else {
                    self.flight
                        .try_set_home(LatLon::new(lat, lon), f64::from(z))
                }
            }
            cmd::SET_MESSAGE_INTERVAL => Ok(()),
            cmd::REQUEST_MESSAGE | 520 => {
                let what = if command == 520 { 148.0 } else { p[0] };
                match what as u32 {
                    148 => {
                        let m = tm::autopilot_version(self.me.sysid);
                        self.send(&m);
                        Ok(())
                    }
                    242 => match tm::home_position(self.flight.state(), now_us) {
                        Some(m) => {
                            self.send(&m);
                            Ok(())
                        }
                        None => Err(SimRefusal::silent(Refusal::Failed, "no home yet")),
                    },
                    _ => unsupported(),
                }
            }
            _ => unsupported(),
        }
    }
}
