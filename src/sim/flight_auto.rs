//! AUTO mode for [`FlightModel`]: the vehicle side of mission execution. The sequencer
//! ([`MissionExec`]) decides which item runs; this file turns each item into a navigation task
//! or an action (speed, camera, home) and reports when it is done.

use super::config::Airframe;
use super::events::{SimEvent, severity};
use super::flight::{FlightModel, MAX_ALT_REL_M};
use super::guide::{V2, lim};
use super::mission_cmd::{AltRef, DoCmd, NavCmd, NavKind};
use super::mission_exec::{MissionExec, MissionHost};
use super::modes::plane_mode as pm;
use super::task::{LandStage, LandTask, OrbitLimit, OrbitTask, RtlTask, TakeoffTask, Task, WpTask};
use crate::geo::wrap_180;

const G_MPS2: f64 = 9.80665;

impl FlightModel {
    /// Runs `f` with the mission sequencer and `self` as its host; sequencer operations asked
    /// for meanwhile (mode changes, disarm) are applied afterwards.
    pub(super) fn with_mission<R>(
        &mut self,
        f: impl FnOnce(&mut MissionExec, &mut Self) -> R,
    ) -> R {
        let mut exec = std::mem::take(&mut self.mission);
        self.in_mission_update = true;
        let r = f(&mut exec, self);
        self.in_mission_update = false;
        self.mission = exec;
        for op in std::mem::take(&mut self.deferred) {
            self.mission_op(op);
        }
        r
    }

    /// Height for a mission altitude.
    fn up_for(&self, alt: AltRef) -> f64 {
        match alt {
            AltRef::RelHome(z) => self.up_for_rel(z),
            AltRef::Amsl(z) => self.up_for_rel(z - self.home_alt_amsl_m),
        }
    }

    /// Where the leg to a new item starts: the previous item's target when the vehicle is still
    /// near it (so survey lines are tracked end to end), else the present position.
    fn leg_start(&self) -> V2 {
        let near = if self.is_plane() {
            2.0 * self.cfg.plane.wp_radius_m
        } else {
            10.0
        };
        match self.last_nav_end {
            Some((p, _)) if (p - self.kin.pos).len() <= near => p,
            _ => self.kin.pos,
        }
    }

    /// Turn at `to` between the legs `from`->`to` and `to`->`next`, degrees 0-180.
    fn turn_deg(from: V2, to: V2, next: Option<V2>) -> Option<f64> {
        let a = (to - from).unit()?;
        let b = (next? - to).unit()?;
        Some(wrap_180(b.bearing_deg() - a.bearing_deg()).abs())
    }

    fn start_waypoint(
        &mut self,
        cmd: &NavCmd,
        hold_s: f64,
        radius: Option<f64>,
        next: Option<&NavCmd>,
    ) {
        let k = self.kin;
        let (prev_xy, prev_up) = self.last_nav_end.unwrap_or((k.pos, k.up_m));
        let to: V2 = cmd.pos.map_or(prev_xy, |p| self.frame.to_enu(p).into());
        let to_up = cmd.alt.map_or(prev_up, |a| self.up_for(a));
        let from = self.leg_start();
        let next_xy = next
            .and_then(|n| n.pos)
            .map(|p| V2::from(self.frame.to_enu(p)));
        let turn = Self::turn_deg(from, to, next_xy);
        let (radius_m, end_speed_mps) = if self.is_plane() {
            let p = &self.cfg.plane;
            let v = self.speed_mps.max(p.min_airspeed_mps);
            let turn_radius = v * v / (G_MPS2 * p.max_bank_deg.to_radians().tan());
            let lead = turn.map_or(turn_radius, |t| {
                turn_radius * (t.min(170.0) / 2.0).to_radians().tan()
            });
            (radius.unwrap_or(lim(lead, 5.0, p.wp_radius_m)), 0.0)
        } else {
            let next_is_wp = next.is_some_and(|n| matches!(n.kind, NavKind::Waypoint { .. }));
            let end = match turn {
                Some(t) if next_is_wp && hold_s <= 0.0 => {
                    self.speed_mps * lim(1.0 - t / 45.0, 0.0, 1.0)
                }
                _ => 0.0,
            };
            (radius.unwrap_or(self.cfg.copter.wp_radius_m), end)
        };
        self.task = Task::Waypoint(WpTask {
            from,
            to,
            from_up_m: k.up_m,
            to_up_m: to_up,
            radius_m,
            hold_s: Some(hold_s),
            end_speed_mps,
            reached_at_s: None,
            done: false,
        });
        self.last_nav_end = Some((to, to_up));
    }

    fn start_land(&mut self, cmd: &NavCmd) {
        let k = self.kin;
        let given: Option<V2> = cmd.pos.map(|p| self.frame.to_enu(p).into());
        if self.is_plane() {
            let course = if k.vel.len() > 1.0 {
                k.vel.bearing_deg()
            } else {
                k.heading_deg
            };
            let at = given.unwrap_or(k.pos + V2::from_bearing(course) * (k.up_m / 0.08).max(100.0));
            let mut from = self.leg_start();
            if (at - from).len() < 50.0 {
                from = at - V2::from_bearing(course) * 200.0;
            }
            self.task = Task::Land(LandTask {
                at,
                stage: LandStage::Approach {
                    from,
                    from_up_m: k.up_m,
                },
                done: false,
            });
        } else {
            let at = given.unwrap_or_else(|| self.stopping_point());
            let stage = if (at - k.pos).len() > self.cfg.copter.wp_radius_m {
                LandStage::FlyTo {
                    from: k.pos,
                    up_m: k.up_m,
                }
            } else {
                LandStage::Descend
            };
            self.task = Task::Land(LandTask {
                at,
                stage,
                done: false,
            });
        }
    }

    fn start_orbit(&mut self, cmd: &NavCmd, limit: OrbitLimit, radius: Option<f64>, ccw: bool) {
        let k = self.kin;
        let (prev_xy, prev_up) = self.last_nav_end.unwrap_or((k.pos, k.up_m));
        let center: V2 = cmd.pos.map_or(prev_xy, |p| self.frame.to_enu(p).into());
        let up_m = cmd.alt.map_or(prev_up, |a| self.up_for(a));
        let radius_m = match (self.cfg.airframe, limit) {
            (Airframe::Plane, _) => radius.unwrap_or(self.cfg.plane.loiter_radius_m).max(10.0),
            (Airframe::Copter, OrbitLimit::Turns(_)) => {
                radius.unwrap_or(self.cfg.copter.circle_radius_m)
            }
            (Airframe::Copter, _) => 0.0,
        };
        self.task = Task::Orbit(OrbitTask {
            center,
            up_m,
            radius_m,
            ccw,
            limit,
            started_at_s: None,
            angle_rad: 0.0,
            last_bearing_deg: None,
            done: false,
        });
        self.last_nav_end = Some((center, up_m));
    }

    fn start_takeoff(&mut self, cmd: &NavCmd, pitch_deg: Option<f64>) {
        let k = self.kin;
        let default_rel = if self.is_plane() {
            self.cfg.plane.takeoff_alt_m
        } else {
            0.0
        };
        let mut up_m = cmd
            .alt
            .map_or(self.up_for_rel(default_rel), |a| self.up_for(a));
        if !self.is_plane() {
            up_m = up_m.max(k.up_m + if self.landed { 1.0 } else { 0.0 });
        }
        up_m = up_m.min(self.home_up().max(0.0) + MAX_ALT_REL_M);
        self.task = Task::Takeoff(TakeoffTask {
            up_m,
            xy: k.pos,
            heading_deg: k.heading_deg,
            pitch_deg: pitch_deg.unwrap_or(self.cfg.plane.takeoff_pitch_deg),
            loiter_at: None,
            done: !self.landed && k.up_m >= up_m - 0.5,
        });
        self.idle_armed_s = 0.0;
        self.last_nav_end = Some((k.pos, up_m));
    }
}

impl MissionHost for FlightModel {
    fn start_nav(&mut self, _seq: u16, cmd: &NavCmd, next: Option<&NavCmd>) -> bool {
        match cmd.kind {
            NavKind::Takeoff { pitch_deg } => self.start_takeoff(cmd, pitch_deg),
            NavKind::Waypoint { hold_s, radius_m } => {
                self.start_waypoint(cmd, hold_s, radius_m, next)
            }
            NavKind::Land => self.start_land(cmd),
            NavKind::Rtl => {
                self.task = Task::Rtl(RtlTask::new(&self.ctx()));
                self.last_nav_end = None;
            }
            NavKind::LoiterUnlim { radius_m, ccw } => {
                self.start_orbit(cmd, OrbitLimit::Forever, radius_m, ccw)
            }
            NavKind::LoiterTime {
                secs,
                radius_m,
                ccw,
            } => self.start_orbit(cmd, OrbitLimit::Time(secs), radius_m, ccw),
            NavKind::LoiterTurns {
                turns,
                radius_m,
                ccw,
            } => self.start_orbit(cmd, OrbitLimit::Turns(turns), radius_m, ccw),
            NavKind::Delay { secs } => {
                self.task = Task::Delay {
                    at: self.stopping_point(),
                    up_m: self.kin.up_m,
                    until_s: self.time_s + secs,
                    done: false,
                };
            }
        }
        true
    }

    fn verify_nav(&mut self, seq: u16, cmd: &NavCmd) -> bool {
        if !self.task.done() {
            return false;
        }
        if cmd.kind == NavKind::Land {
            // ArduPilot stays on the landing item and disarms (the mission resets on disarm).
            if self.land_reported != Some(seq) {
                self.land_reported = Some(seq);
                self.item_reached(seq);
            }
            if !self.is_plane() {
                self.disarm_now();
            }
            return false;
        }
        true
    }

    fn start_do(&mut self, _seq: u16, cmd: &DoCmd) {
        match *cmd {
            DoCmd::ChangeSpeed {
                speed_type,
                speed_mps,
            } => {
                if self.is_plane() {
                    if speed_type <= 1 {
                        let p = &self.cfg.plane;
                        self.speed_mps = lim(speed_mps, p.min_airspeed_mps, p.max_airspeed_mps);
                    }
                } else {
                    self.apply_copter_speed(speed_type, speed_mps);
                }
            }
            DoCmd::CamTriggDist {
                distance_m,
                trigger_now,
            } => {
                self.camera.set_trigger_distance(distance_m);
                if trigger_now {
                    self.take_photo();
                }
            }
            DoCmd::Photo => self.take_photo(),
            DoCmd::ConditionDelay { secs } => self.condition_until_s = self.time_s + secs,
            DoCmd::SetHome {
                use_current,
                pos,
                alt,
            } => {
                let here = self.frame.to_latlon(self.kin.pos.into());
                let here_alt = self.origin_alt_amsl_m + self.kin.up_m;
                let (p, a) = if use_current || (pos.is_none() && alt.is_none()) {
                    (here, here_alt)
                } else {
                    let a = match alt {
                        Some(AltRef::Amsl(z)) => z,
                        Some(AltRef::RelHome(z)) => self.home_alt_amsl_m + z,
                        None => here_alt,
                    };
                    (pos.unwrap_or(here), a)
                };
                if self.try_set_home(p, a).is_err() {
                    self.text(severity::WARNING, "Set home: invalid location");
                }
            }
            DoCmd::NoOp => {}
        }
    }

    fn verify_do(&mut self, _seq: u16, cmd: &DoCmd) -> bool {
        match cmd {
            DoCmd::ConditionDelay { .. } => self.time_s >= self.condition_until_s,
            _ => true,
        }
    }

    fn mission_complete(&mut self) {
        if self.is_plane() {
            if self.mode == pm::AUTO && !self.landed {
                self.enter_mode(pm::RTL);
                self.text(severity::INFO, "Mission complete, changing mode to RTL");
            }
        } else if self.landed {
            self.disarm_now();
        } else {
            self.task = Task::Hold {
                at: self.stopping_point(),
                up_m: self.kin.up_m,
            };
        }
    }

    fn mission_text(&mut self, sev: u8, text: String) {
        self.text(sev, text);
    }

    fn item_reached(&mut self, seq: u16) {
        self.events.push(SimEvent::ItemReached(seq));
        if self.is_plane() {
            let d = self
                .last_nav_end
                .map_or(0.0, |(p, _)| (p - self.kin.pos).len());
            self.text(
                severity::INFO,
                format!("Reached waypoint #{seq} dist {d:.0}m"),
            );
        } else {
            self.text(severity::INFO, format!("Reached command #{seq}"));
        }
    }

    fn current_changed(&mut self, seq: u16) {
        self.events.push(SimEvent::CurrentItem(seq));
    }
}
