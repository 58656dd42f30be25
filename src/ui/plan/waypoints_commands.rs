//! The commands the waypoint table offers and how each one's item is laid out (frame,
//! position, altitude, default parameters), so changing an item's command gives a valid item.

use crate::plan::MissionItem;
use crate::plan::mission_item::{cmd, frame};
use crate::ui::i18n::{tr, trf};

/// A command the item table offers, and how its item is laid out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CommandSpec {
    /// `MAV_CMD` number.
    pub command: u16,
    /// The item carries latitude/longitude (a global frame).
    pub global: bool,
    /// The item needs a position (a waypoint): one is given when switching to it.
    pub needs_position: bool,
    /// The item's altitude matters.
    pub uses_alt: bool,
    /// Parameters 1-4 given when switching to it.
    pub defaults: [f32; 4],
}

const fn spec(command: u16, global: bool, pos: bool, alt: bool, defaults: [f32; 4]) -> CommandSpec {
    CommandSpec {
        command,
        global,
        needs_position: pos,
        uses_alt: alt,
        defaults,
    }
}

/// The commands the item table offers, in menu order.
pub const COMMON_COMMANDS: [CommandSpec; 10] = [
    spec(cmd::NAV_WAYPOINT, true, true, true, [0.0; 4]),
    spec(cmd::NAV_TAKEOFF, true, false, true, [0.0; 4]),
    spec(cmd::NAV_LAND, true, false, false, [0.0; 4]),
    spec(cmd::NAV_RETURN_TO_LAUNCH, false, false, false, [0.0; 4]),
    spec(
        cmd::NAV_LOITER_TIME,
        true,
        true,
        true,
        [10.0, 0.0, 0.0, 0.0],
    ),
    spec(cmd::NAV_LOITER_UNLIM, true, true, true, [0.0; 4]),
    spec(
        cmd::DO_CHANGE_SPEED,
        false,
        false,
        false,
        [1.0, 5.0, -1.0, 0.0],
    ),
    spec(
        cmd::DO_SET_CAM_TRIGG_DIST,
        false,
        false,
        false,
        [20.0, 0.0, 1.0, 0.0],
    ),
    spec(cmd::DO_JUMP, false, false, false, [1.0, 1.0, 0.0, 0.0]),
    spec(
        cmd::CONDITION_DELAY,
        false,
        false,
        false,
        [5.0, 0.0, 0.0, 0.0],
    ),
];

/// The table entry of a command, if it is one of [`COMMON_COMMANDS`].
pub fn command_spec(command: u16) -> Option<&'static CommandSpec> {
    COMMON_COMMANDS.iter().find(|s| s.command == command)
}

/// Whether an item's altitude means something (shown and editable in the table).
pub fn item_uses_alt(it: &MissionItem) -> bool {
    command_spec(it.command).map_or(frame::is_global(it.frame), |s| s.uses_alt)
}

/// A command's name in the UI language ("Command 203" for one outside the list).
pub fn command_name(command: u16) -> String {
    let name = match command {
        cmd::NAV_WAYPOINT => tr("Waypoint"),
        cmd::NAV_TAKEOFF => tr("Takeoff"),
        cmd::NAV_LAND => tr("Land"),
        cmd::NAV_RETURN_TO_LAUNCH => tr("Return to launch"),
        cmd::NAV_LOITER_TIME => tr("Loiter (time)"),
        cmd::NAV_LOITER_UNLIM => tr("Loiter (unlimited)"),
        cmd::DO_CHANGE_SPEED => tr("Change speed"),
        cmd::DO_SET_CAM_TRIGG_DIST => tr("Camera trigger distance"),
        cmd::DO_JUMP => tr("Jump"),
        cmd::CONDITION_DELAY => tr("Delay"),
        other => return trf("Command {n}", &[("n", other.to_string())]),
    };
    name.to_owned()
}

/// What parameters 1-4 of a command mean (empty: unused), for tooltips.
pub fn param_names(command: u16) -> [&'static str; 4] {
    match command {
        cmd::NAV_WAYPOINT => [
            tr("Hold time, s"),
            tr("Acceptance radius, m"),
            tr("Pass radius, m"),
            tr("Yaw, °"),
        ],
        cmd::NAV_TAKEOFF => [tr("Pitch, °"), "", "", tr("Yaw, °")],
        cmd::NAV_LAND => [
            tr("Abort altitude, m"),
            tr("Precision landing"),
            "",
            tr("Yaw, °"),
        ],
        cmd::NAV_LOITER_TIME => [tr("Time, s"), "", tr("Radius, m"), tr("Exit on tangent")],
        cmd::NAV_LOITER_UNLIM => ["", "", tr("Radius, m"), tr("Yaw, °")],
        cmd::DO_CHANGE_SPEED => [
            tr("Speed type (0 air, 1 ground)"),
            tr("Speed, m/s"),
            tr("Throttle, %"),
            "",
        ],
        cmd::DO_SET_CAM_TRIGG_DIST => [tr("Distance, m"), tr("Shutter"), tr("Trigger now"), ""],
        cmd::DO_JUMP => [tr("Item number"), tr("Repeat count"), "", ""],
        cmd::CONDITION_DELAY => [tr("Delay, s"), "", "", ""],
        _ => ["", "", "", ""],
    }
}
