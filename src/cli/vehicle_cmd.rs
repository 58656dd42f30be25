//! `steppe command`: one command to one vehicle, at once (confirmations belong to the GUI),
//! and the vehicle's answer in words.

use super::common::{LinkArgs, find_vehicle, request_and_wait};
use crate::geo::LatLon;
use crate::protocol::actions::VehicleAction;
use crate::runtime::{Event, Request};
use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use std::process::ExitCode;

/// Arguments of `steppe command`.
#[derive(Debug, Args)]
pub struct CommandArgs {
    #[command(flatten)]
    link: LinkArgs,
    #[command(subcommand)]
    action: ActionArg,
}

#[derive(Debug, Subcommand)]
enum ActionArg {
    /// Arm the motors.
    Arm,
    /// Disarm (add --force to disarm in flight: the vehicle falls).
    Disarm {
        /// Disarm even in flight.
        #[arg(long)]
        force: bool,
    },
    /// Change flight mode, e.g. GUIDED, LOITER, AUTO, RTL (PX4: Position, Hold, Mission...).
    Mode {
        /// Mode name.
        name: String,
    },
    /// Take off to ALT metres above home (ArduCopter: in GUIDED, armed).
    Takeoff {
        /// Altitude above home (m).
        alt: f32,
    },
    /// Return to launch.
    Rtl,
    /// Land.
    Land,
    /// Start the uploaded mission.
    Start,
    /// Pause the mission.
    Pause,
    /// Continue the mission.
    Continue,
    /// Set the current mission item.
    Current {
        /// Item number.
        seq: u16,
    },
    /// Fly to a point (guided).
    Goto {
        /// Latitude (degrees).
        lat: f64,
        /// Longitude (degrees).
        lon: f64,
        /// Altitude above home (m).
        alt: f32,
    },
    /// Change speed (m/s).
    Speed {
        /// Speed (m/s).
        mps: f32,
    },
    /// Climb or descend in place to ALT metres above home.
    Alt {
        /// Altitude above home (m).
        alt: f32,
    },
}

impl ActionArg {
    fn action(&self) -> VehicleAction {
        match self {
            ActionArg::Arm => VehicleAction::Arm,
            ActionArg::Disarm { force } => VehicleAction::Disarm { force: *force },
            ActionArg::Mode { name } => VehicleAction::SetMode(name.clone()),
            ActionArg::Takeoff { alt } => VehicleAction::Takeoff { alt_rel_m: *alt },
            ActionArg::Rtl => VehicleAction::Rtl,
            ActionArg::Land => VehicleAction::Land,
            ActionArg::Start => VehicleAction::StartMission,
            ActionArg::Pause => VehicleAction::Pause,
            ActionArg::Continue => VehicleAction::Continue,
            ActionArg::Current { seq } => VehicleAction::SetCurrentItem(*seq),
            ActionArg::Goto { lat, lon, alt } => VehicleAction::Goto {
                position: LatLon::new(*lat, *lon),
                alt_rel_m: *alt,
            },
            ActionArg::Speed { mps } => VehicleAction::ChangeSpeed { speed_mps: *mps },
            ActionArg::Alt { alt } => VehicleAction::ChangeAltitude { alt_rel_m: *alt },
        }
    }
}

/// Runs `steppe command`.
pub fn run(a: CommandArgs) -> Result<ExitCode> {
    let mut h = a.link.connect()?;
    let target = find_vehicle(&mut h, a.link.sysid, a.link.timeout)?;
    let action = a.action.action();
    let id = h.next_id();
    let ev = request_and_wait(
        &mut h,
        Request::Action {
            id,
            target,
            action: action.clone(),
        },
        id,
        None,
    )?;
    match ev {
        Event::CommandDone { result: Ok(()), .. } => {
            println!("{}: {} accepted", target, action.name());
            Ok(ExitCode::SUCCESS)
        }
        Event::CommandDone { result: Err(e), .. } => {
            bail!("{}: {} failed: {e}", target, action.name())
        }
        other => bail!("unexpected answer {other:?}"),
    }
}
