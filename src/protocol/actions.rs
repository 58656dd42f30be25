//! What an operator asks for ("arm", "mode LOITER", "take off to 30 m", "RTL") turned into the
//! MAVLink command the vehicle's firmware expects. Pure: the vehicle's state picks the
//! firmware dialect (ArduPilot or PX4), the airframe and the mode table.

use super::command::{Command, CommandForm};
use crate::geo::LatLon;
use crate::plan::mission_item::{cmd, frame};
use crate::vehicle::{Autopilot, VehicleClass, VehicleState};
use crate::vehicle::{mode_names, mode_number};

/// An operator action on one vehicle.
#[derive(Debug, Clone, PartialEq)]
pub enum VehicleAction {
    /// Arm the motors.
    Arm,
    /// Disarm; `force` also disarms in flight (emergency only).
    Disarm {
        /// Force (MAVLink magic 21196).
        force: bool,
    },
    /// Change flight mode by name, e.g. "LOITER" or "Position".
    SetMode(String),
    /// Take off to an altitude above home.
    Takeoff {
        /// Altitude above home (m).
        alt_rel_m: f32,
    },
    /// Return to launch.
    Rtl,
    /// Land (copter: here; plane: the mission's landing sequence).
    Land,
    /// Start the uploaded mission.
    StartMission,
    /// Pause the mission (hold position).
    Pause,
    /// Continue the paused mission.
    Continue,
    /// Make item `seq` the current mission item.
    SetCurrentItem(u16),
    /// Fly to a point (guided).
    Goto {
        /// Where.
        position: LatLon,
        /// Altitude above home (m).
        alt_rel_m: f32,
    },
    /// Change the cruise speed.
    ChangeSpeed {
        /// Speed (m/s): ground speed for copters, airspeed for planes.
        speed_mps: f32,
    },
    /// Climb or descend to an altitude above home, staying over the current position.
    ChangeAltitude {
        /// Altitude above home (m).
        alt_rel_m: f32,
    },
}

impl VehicleAction {
    /// Short name for messages.
    pub fn name(&self) -> String {
        match self {
            VehicleAction::Arm => "arm".into(),
            VehicleAction::Disarm { force: false } => "disarm".into(),
            VehicleAction::Disarm { force: true } => "force disarm".into(),
            VehicleAction::SetMode(m) => format!("mode {m}"),
            VehicleAction::Takeoff { alt_rel_m } => format!("takeoff to {alt_rel_m} m"),
            VehicleAction::Rtl => "RTL".into(),
            VehicleAction::Land => "land".into(),
            VehicleAction::StartMission => "start mission".into(),
            VehicleAction::Pause => "pause".into(),
            VehicleAction::Continue => "continue".into(),
            VehicleAction::SetCurrentItem(s) => format!("set current item {s}"),
            VehicleAction::Goto { .. } => "go to point".into(),
            VehicleAction::ChangeSpeed { speed_mps } => format!("speed {speed_mps} m/s"),
            VehicleAction::ChangeAltitude { alt_rel_m } => format!("altitude {alt_rel_m} m"),
        }
    }
}

/// An action that cannot be turned into a command for this vehicle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    /// The mode name is not in the vehicle's table.
    #[error("'{name}' is not a mode of this vehicle; modes: {available}")]
    UnknownMode {
        /// Name given.
        name: String,
        /// Valid names.
        available: String,
    },
    /// A number outside what makes sense.
    #[error("{what} must be {range}, got {value}")]
    BadValue {
        /// Which value.
        what: &'static str,
        /// Allowed range.
        range: &'static str,
        /// Value given.
        value: String,
    },
    /// Needs information the vehicle has not sent yet.
    #[error("{0}")]
    NotReady(String),
}

const FORCE_DISARM_MAGIC: f32 = 21_196.0;

fn long(command: u16, p: [f32; 7]) -> Command {
    Command::long(command, p)
}

fn check(
    what: &'static str,
    v: f32,
    lo: f32,
    hi: f32,
    range: &'static str,
) -> Result<(), ActionError> {
    if v.is_finite() && (lo..=hi).contains(&v) {
        Ok(())
    } else {
        Err(ActionError::BadValue {
            what,
            range,
            value: v.to_string(),
        })
    }
}

fn set_mode(state: &VehicleState, name: &str) -> Result<Command, ActionError> {
    let m = mode_number(state.autopilot, state.class, name).ok_or_else(|| {
        ActionError::UnknownMode {
            name: name.to_owned(),
            available: mode_names(state.autopilot, state.class).join(", "),
        }
    })?;
    let [a, b, c] = m.do_set_mode_params();
    Ok(long(cmd::DO_SET_MODE, [a, b, c, 0.0, 0.0, 0.0, 0.0]))
}

/// DO_REPOSITION to `position` at `alt_rel_m` above home. PX4 1.16 reads the altitude as
/// above mean sea level whatever the frame (seen in SITL: a reposition to 30 m in frame
/// GLOBAL_RELATIVE_ALT made a quad descend and land), so PX4 gets frame GLOBAL and the
/// altitude above sea level from its home; ArduPilot gets the relative frame.
fn reposition(
    state: &VehicleState,
    position: LatLon,
    alt_rel_m: f32,
) -> Result<Command, ActionError> {
    let (x, y) = position.to_e7();
    let (frame, z) = if state.autopilot == Autopilot::Px4 {
        let home = state.home.as_ref().ok_or_else(|| {
            ActionError::NotReady(
                "no home position yet: PX4 needs it to turn the altitude into one above sea level"
                    .into(),
            )
        })?;
        (
            frame::GLOBAL,
            (home.alt_amsl_m + f64::from(alt_rel_m)) as f32,
        )
    } else {
        (frame::GLOBAL_RELATIVE_ALT, alt_rel_m)
    };
    Ok(Command {
        command: cmd::DO_REPOSITION,
        // p1 ground speed (-1 = default), p2 bit 0 = switch to guided, p4 yaw (NaN = keep).
        form: CommandForm::Int {
            frame,
            params: [-1.0, 1.0, 0.0, f32::NAN],
            x,
            y,
            z,
        },
    })
}

fn is_plane(class: VehicleClass) -> bool {
    matches!(class, VehicleClass::Plane)
}

/// The command that performs `action` on `state`'s vehicle.
pub fn plan_action(action: &VehicleAction, state: &VehicleState) -> Result<Command, ActionError> {
    let px4 = state.autopilot == Autopilot::Px4;
    let nan = f32::NAN;
    Ok(match action {
        VehicleAction::Arm => long(
            cmd::COMPONENT_ARM_DISARM,
            [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        ),
        VehicleAction::Disarm { force } => {
            let magic = if *force { FORCE_DISARM_MAGIC } else { 0.0 };
            long(
                cmd::COMPONENT_ARM_DISARM,
                [0.0, magic, 0.0, 0.0, 0.0, 0.0, 0.0],
            )
        }
        VehicleAction::SetMode(name) => set_mode(state, name)?,
        VehicleAction::Takeoff { alt_rel_m } => {
            check(
                "takeoff altitude",
                *alt_rel_m,
                1.0,
                10_000.0,
                "1 to 10000 m above home",
            )?;
            if px4 {
                // PX4 wants the altitude above mean sea level.
                let home = state.home.as_ref().ok_or_else(|| {
                    ActionError::NotReady(
                        "no home position yet: PX4 takeoff needs it to compute the altitude".into(),
                    )
                })?;
                let amsl = (home.alt_amsl_m + f64::from(*alt_rel_m)) as f32;
                long(cmd::NAV_TAKEOFF, [nan, 0.0, 0.0, nan, nan, nan, amsl])
            } else {
                let pitch = if is_plane(state.class) { 15.0 } else { 0.0 };
                long(
                    cmd::NAV_TAKEOFF,
                    [pitch, 0.0, 0.0, 0.0, 0.0, 0.0, *alt_rel_m],
                )
            }
        }
        VehicleAction::Rtl => long(cmd::NAV_RETURN_TO_LAUNCH, [0.0; 7]),
        VehicleAction::Land => {
            if is_plane(state.class) && !px4 {
                // ArduPlane lands through the mission's landing sequence.
                long(cmd::DO_LAND_START, [0.0; 7])
            } else {
                long(cmd::NAV_LAND, [0.0, 0.0, 0.0, nan, nan, nan, nan])
            }
        }
        VehicleAction::StartMission => long(cmd::MISSION_START, [0.0; 7]),
        VehicleAction::Pause if px4 => set_mode(state, "Hold")?,
        VehicleAction::Continue if px4 => set_mode(state, "Mission")?,
        VehicleAction::Pause => long(cmd::DO_PAUSE_CONTINUE, [0.0; 7]),
        VehicleAction::Continue => {
            long(cmd::DO_PAUSE_CONTINUE, [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])
        }
        VehicleAction::SetCurrentItem(seq) => long(
            cmd::DO_SET_MISSION_CURRENT,
            [f32::from(*seq), 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        ),
        VehicleAction::Goto {
            position,
            alt_rel_m,
        } => {
            if !position.is_valid() {
                return Err(ActionError::BadValue {
                    what: "target position",
                    range: "a valid latitude and longitude",
                    value: format!("{position:?}"),
                });
            }
            check(
                "altitude",
                *alt_rel_m,
                -1_000.0,
                10_000.0,
                "-1000 to 10000 m relative to home",
            )?;
            reposition(state, *position, *alt_rel_m)?
        }
        VehicleAction::ChangeSpeed { speed_mps } => {
            check("speed", *speed_mps, 0.1, 100.0, "0.1 to 100 m/s")?;
            let kind = if is_plane(state.class) { 0.0 } else { 1.0 };
            long(
                cmd::DO_CHANGE_SPEED,
                [kind, *speed_mps, -1.0, 0.0, 0.0, 0.0, 0.0],
            )
        }
        VehicleAction::ChangeAltitude { alt_rel_m } => {
            check(
                "altitude",
                *alt_rel_m,
                -1_000.0,
                10_000.0,
                "-1000 to 10000 m relative to home",
            )?;
            let here = state.position.lat_lon.ok_or_else(|| {
                ActionError::NotReady("no position yet: cannot change altitude in place".into())
            })?;
            reposition(state, here, *alt_rel_m)?
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vehicle::Heartbeat;
    use crate::vehicle::VehicleId;

    fn vehicle(mav_type: u8, autopilot: u8) -> VehicleState {
        let hb = Heartbeat {
            custom_mode: 0,
            mav_type,
            autopilot,
            base_mode: 0,
            system_status: 3,
            mavlink_version: 3,
        };
        VehicleState::new(VehicleId::new(1, 1), &hb, 0)
    }

    #[test]
    fn ardupilot_copter_commands() {
        let v = vehicle(2, 3);
        let c = plan_action(&VehicleAction::SetMode("loiter".into()), &v).expect("known mode");
        assert_eq!(c, long(176, [1.0, 5.0, 0.0, 0.0, 0.0, 0.0, 0.0]));
        let c = plan_action(&VehicleAction::Takeoff { alt_rel_m: 20.0 }, &v).expect("ok");
        assert_eq!(c, long(22, [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 20.0]));
        let c = plan_action(&VehicleAction::Disarm { force: true }, &v).expect("ok");
        assert_eq!(c, long(400, [0.0, 21196.0, 0.0, 0.0, 0.0, 0.0, 0.0]));
        let e = plan_action(&VehicleAction::SetMode("WARP".into()), &v).unwrap_err();
        assert!(
            e.to_string()
                .contains("'WARP' is not a mode of this vehicle; modes: STABILIZE"),
            "{e}"
        );
    }

    #[test]
    fn plane_lands_through_land_start() {
        let v = vehicle(1, 3);
        assert_eq!(
            plan_action(&VehicleAction::Land, &v).map(|c| c.command),
            Ok(189)
        );
    }

    #[test]
    fn px4_takeoff_needs_home() {
        let v = vehicle(2, 12);
        assert!(matches!(
            plan_action(&VehicleAction::Takeoff { alt_rel_m: 10.0 }, &v),
            Err(ActionError::NotReady(_))
        ));
        let c = plan_action(&VehicleAction::Pause, &v).expect("hold mode exists");
        assert_eq!(c.command, 176);
    }

    #[test]
    fn px4_repositions_get_the_altitude_above_sea_level() {
        let mut v = vehicle(2, 12);
        let at = LatLon::new(42.81, 75.29);
        let goto = VehicleAction::Goto {
            position: at,
            alt_rel_m: 30.0,
        };
        assert!(matches!(
            plan_action(&goto, &v),
            Err(ActionError::NotReady(_))
        ));
        v.home = Some(crate::vehicle::Home {
            lat_lon: at,
            alt_amsl_m: 780.0,
        });
        match plan_action(&goto, &v).expect("home known").form {
            CommandForm::Int { frame: f, z, .. } => assert_eq!((f, z), (frame::GLOBAL, 810.0)),
            other => panic!("{other:?}"),
        }
        // ArduPilot keeps the relative frame.
        match plan_action(&goto, &vehicle(2, 3)).expect("ok").form {
            CommandForm::Int { frame: f, z, .. } => {
                assert_eq!((f, z), (frame::GLOBAL_RELATIVE_ALT, 30.0))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bad_values_are_refused() {
        let v = vehicle(2, 3);
        assert!(
            plan_action(
                &VehicleAction::Takeoff {
                    alt_rel_m: f32::NAN
                },
                &v
            )
            .is_err()
        );
        assert!(plan_action(&VehicleAction::ChangeSpeed { speed_mps: -3.0 }, &v).is_err());
        assert!(
            plan_action(
                &VehicleAction::Goto {
                    position: LatLon::new(95.0, 0.0),
                    alt_rel_m: 10.0
                },
                &v
            )
            .is_err()
        );
        assert!(matches!(
            plan_action(&VehicleAction::ChangeAltitude { alt_rel_m: 30.0 }, &v),
            Err(ActionError::NotReady(_))
        ));
    }
}
