//! What PX4 keeps of a mission, fence or rally item, and which items it refuses.
//!
//! Measured on PX4 1.16.0 SITL (SIH quadrotor and airplane, release build) with MISSION_ITEM_INT
//! uploads and MISSION_REQUEST_INT downloads; `stored_px4_tests` holds the observed values. Quad
//! and plane store every item identically; they differ only in what PX4 will fly.
//!
//! PX4 parses an item into its own `mission_item_s` (floats, a few integers and bit flags) and
//! formats it back on download:
//! - **Global frames** 0, 3, 5 and 6 take only position commands. The frame reads back as 5
//!   (absolute) or 6 (relative to home), x/y and z come back exactly, and each command keeps
//!   only some parameters ([`global_params`]); the others read back 0.
//! - **Frame 2** (`MAV_FRAME_MISSION`) takes only commands without a position. All four
//!   parameters and z are kept, but x and y pass through a 32-bit float (428120013 reads back
//!   428120000) and DO_JUMP's target and repeat count become integers.
//! - Any other frame (local, terrain) is refused with `MAV_MISSION_UNSUPPORTED_FRAME`, a command
//!   in the wrong kind of frame with `MAV_MISSION_UNSUPPORTED`. One refused item cancels the
//!   whole upload (the previous list stays active).
//! - **Fence** items always read back in frame 5 with autocontinue cleared; **rally** items are
//!   stored like mission items. A fence or rally command inside a mission is `MAV_MISSION_ERROR`.
//! - `autocontinue` is a one-bit field (an odd value reads back 1). The `current` flag reads back
//!   on the item at the mission's current index (after an upload, the flagged one): not modelled.
//!
//! Integer fields follow C's conversions as SITL (x86-64) runs them: truncation toward zero into
//! 32 bits (NaN and values beyond 32 bits give `INT32_MIN`), then the field's low bits.
//!
//! Some accepted items make PX4's navigator reject the whole mission afterwards
//! ([`Refusal::NotFlyable`]): the upload is ACKed, but arming in mission mode is refused
//! ("Arming denied: Resolve system health failures first") and MISSION_START is DENIED
//! ("Mission start denied! No valid mission"). The reason only travels in EVENT messages (410);
//! without side effects a ground station can switch to AUTO.MISSION while disarmed (accepted) and
//! watch SYS_STATUS: the prearm-check health bit (0x10000000) stays clear.

use super::Refusal;
use crate::plan::document::VehicleKind;
use crate::plan::mission_item::{MissionItem, MissionType, cmd, frame};
use std::f32::consts::{PI, TAU};

/// The item PX4 1.16 returns on download after `item` was uploaded to list `kind` on a
/// `vehicle`. Items PX4 refuses at upload are returned unchanged; items it accepts but will not
/// fly ([`Refusal::NotFlyable`]) are stored like any other.
pub(super) fn px4_stored(
    vehicle: VehicleKind,
    kind: MissionType,
    item: &MissionItem,
) -> MissionItem {
    let _ = vehicle; // storage is the same on every vehicle (measured on quad and plane)
    if upload_refusal(kind, item).is_some() {
        return *item;
    }
    let mut out = *item;
    if item.command == 80 {
        // NAV_ROI is parsed into PX4's DO_SET_ROI and reads back as command 201.
        out.command = 201;
    }
    if item.frame == frame::MISSION {
        if kind == MissionType::Fence {
            // A fence point keeps one float (the circle radius slot, which param 1 fills) and z.
            let p1 = if item.command == cmd::DO_JUMP {
                0.0
            } else {
                item.params[0]
            };
            out.params = [p1, 0.0, 0.0, 0.0];
            (out.x, out.y, out.autocontinue) = (0, 0, false);
            return out;
        }
        if let Some(fields) = action_params(item.command) {
            for (p, field) in out.params.iter_mut().zip(fields) {
                *p = convert(field, *p);
            }
        }
        (out.x, out.y) = (through_f32(item.x), through_f32(item.y));
        return out;
    }
    let relative = matches!(
        item.frame,
        frame::GLOBAL_RELATIVE_ALT | frame::GLOBAL_RELATIVE_ALT_INT
    );
    if kind == MissionType::Fence {
        // A fence point keeps lat/lon, z and one parameter; its frame always reads back absolute.
        use P::*;
        let first = match item.command {
            5001 | 5002 => Vertices,
            // Circle radius; NAV_WAYPOINT's hold time and LOITER_TIME's time share its slot.
            5003 | 5004 | cmd::NAV_WAYPOINT | cmd::NAV_LOITER_TIME => Keep,
            _ => Zero,
        };
        out.params = [convert(first, item.params[0]), 0.0, 0.0, 0.0];
        (out.frame, out.autocontinue) = (frame::GLOBAL_INT, false);
        return out;
    }
    out.frame = if relative {
        frame::GLOBAL_RELATIVE_ALT_INT
    } else {
        frame::GLOBAL_INT
    };
    if let Some(fields) = global_params(item.command) {
        for (p, field) in out.params.iter_mut().zip(fields) {
            *p = convert(field, *p);
        }
    }
    out
}

/// `item` with the frame PX4 takes for its command, when it came in an equivalent one PX4
/// refuses: commands without a position (RTL, DO_CHANGE_SPEED, DO_SET_CAM_TRIGG_DIST, ...)
/// written in a global frame, as ArduPilot files do, go in `MAV_FRAME_MISSION` (PX4 1.16
/// refuses them otherwise with UNSUPPORTED at the first such item). Anything else unchanged.
pub(super) fn px4_frame(item: &MissionItem) -> MissionItem {
    let global = matches!(
        item.frame,
        frame::GLOBAL
            | frame::GLOBAL_RELATIVE_ALT
            | frame::GLOBAL_INT
            | frame::GLOBAL_RELATIVE_ALT_INT
    );
    let mut out = *item;
    if global && global_params(item.command).is_none() && action_params(item.command).is_some() {
        out.frame = frame::MISSION;
    }
    out
}

/// Why PX4 1.16 would refuse `item` in list `kind` (the `MAV_MISSION_RESULT` of the upload), or
/// why it accepts the item but will not fly a mission containing it ([`Refusal::NotFlyable`]).
/// Checks run in PX4's order: frame and command, DO_SET_ROI's mode, then the list.
pub(super) fn px4_refusal(
    vehicle: VehicleKind,
    kind: MissionType,
    item: &MissionItem,
) -> Option<Refusal> {
    upload_refusal(kind, item).or_else(|| {
        if kind == MissionType::Mission {
            not_flyable(vehicle, item)
        } else {
            None
        }
    })
}

/// The `MAV_MISSION_RESULT` PX4 ends the upload with because of `item` alone.
fn upload_refusal(kind: MissionType, item: &MissionItem) -> Option<Refusal> {
    let (command, f) = (item.command, item.frame);
    let roi = command == 201 || command == 80;
    let mode = to_i32(item.params[0]);
    match f {
        frame::GLOBAL
        | frame::GLOBAL_RELATIVE_ALT
        | frame::GLOBAL_INT
        | frame::GLOBAL_RELATIVE_ALT_INT => {
            if global_params(command).is_none() {
                return Some(Refusal::Unsupported(command));
            }
            // DO_SET_ROI with a position: mode 0 (none) or 3 (location) only.
            if roi && mode != 0 && mode != 3 {
                return Some(Refusal::InvalidParam(1));
            }
        }
        frame::MISSION => {
            if action_params(command).is_none() {
                return Some(Refusal::Unsupported(command));
            }
            // DO_SET_ROI without a position: mode 0 (none), 1 (next waypoint) or 2 (index).
            if roi && !(0..=2).contains(&mode) {
                return Some(Refusal::InvalidParam(1));
            }
        }
        other => return Some(Refusal::UnsupportedFrame(other)),
    }
    let fence_cmd = (5001..=5004).contains(&command) || command == cmd::NAV_RALLY_POINT;
    match kind {
        // Fence vertices, circles and rally points are refused in a mission (no status text).
        MissionType::Mission if fence_cmd => Some(Refusal::Error),
        // A polygon vertex needs a vertex count of at least 3 (after rounding into a u16).
        MissionType::Fence
            if (command == 5001 || command == 5002) && vertices(item.params[0]) < 3.0 =>
        {
            Some(Refusal::Error)
        }
        _ => None,
    }
}

/// Items PX4's navigator refuses to fly after accepting the upload (its feasibility check).
/// Only checks of the single item are modelled, not those of the whole mission (takeoff not
/// first, a mission starting with a landing, a plane's required landing and glide slope, ...).
fn not_flyable(vehicle: VehicleKind, item: &MissionItem) -> Option<Refusal> {
    let vtol = matches!(vehicle, VehicleKind::Other(19..=25));
    let relative = matches!(
        item.frame,
        frame::GLOBAL_RELATIVE_ALT | frame::GLOBAL_RELATIVE_ALT_INT
    );
    match item.command {
        // Accepted by the upload but missing from the navigator's list: "Mission rejected: item
        // N: unsupported command: C" (EVENT navigator_mis_unsup_cmd, N counted from 1).
        cmd::CONDITION_DELAY | 114 | cmd::NAV_FENCE_RETURN_POINT => Some(Refusal::NotFlyable(
            "the navigator does not support this command",
        )),
        // NAV_VTOL_TAKEOFF, NAV_VTOL_LAND, DO_VTOL_TRANSITION on a quad or plane: "Mission
        // contains VTOL items but vehicle is not a VTOL" (EVENT navigator_mis_vtol_items).
        84 | 85 | 3000 if !vtol => Some(Refusal::NotFlyable(
            "VTOL item on a vehicle that is not a VTOL",
        )),
        // A takeoff at or below home ("takeoff altitude too low"); absolute altitudes are
        // compared with the home altitude, which the item alone does not tell.
        cmd::NAV_TAKEOFF | 84 if relative && item.z < f32::EPSILON => {
            Some(Refusal::NotFlyable("takeoff altitude is not above home"))
        }
        _ => None,
    }
}

/// How PX4 keeps one of parameters 1-4.
#[derive(Debug, Clone, Copy, PartialEq)]
enum P {
    /// Not stored: reads back 0.
    Zero,
    /// Stored as a float: reads back bit for bit (NaN and infinities too).
    Keep,
    /// Truncated into a `u16` (-1.7 reads 65535, 70000.7 reads 4464, NaN reads 0).
    U16,
    /// Truncated into an `i16` (32768.5 reads -32768).
    I16,
    /// A flag: 1 if the value is positive, else 0 (NaN reads 0).
    Flag,
    /// A heading: degrees to radians, wrapped into [0, 2π), back to degrees, all in `f32`
    /// (-90 reads 270, 4.3 reads 4.3, 2.6 reads 2.5999997, infinity reads NaN).
    Yaw,
    /// A polygon's vertex count: value + 0.5 truncated into a `u16` (4.3 reads 4).
    Vertices,
}

/// Parameters 1-4 of a command in a global frame (0, 3, 5, 6), or `None` if PX4 refuses the
/// command there with `MAV_MISSION_UNSUPPORTED`. Measured on PX4 1.16.0 SITL, quad and plane.
fn global_params(command: u16) -> Option<[P; 4]> {
    use P::*;
    match command {
        // NAV_WAYPOINT: hold time and acceptance radius kept; pass radius dropped; yaw wrapped.
        cmd::NAV_WAYPOINT => Some([Keep, Keep, Zero, Yaw]),
        // NAV_LOITER_UNLIM: radius kept, yaw wrapped.
        cmd::NAV_LOITER_UNLIM => Some([Zero, Zero, Keep, Yaw]),
        // NAV_LOITER_TIME: time and radius kept; heading-required and exit-xtrack become flags.
        cmd::NAV_LOITER_TIME => Some([Keep, Flag, Keep, Flag]),
        // NAV_LAND: abort altitude dropped; precision-land mode a u16; yaw wrapped.
        cmd::NAV_LAND => Some([Zero, U16, Zero, Yaw]),
        // NAV_TAKEOFF (the pitch reads back 0, quad and plane alike), NAV_VTOL_TAKEOFF (84),
        // NAV_VTOL_LAND (85): only the yaw.
        cmd::NAV_TAKEOFF | 84 | 85 => Some([Zero, Zero, Zero, Yaw]),
        // NAV_LOITER_TO_ALT: heading flag, radius kept, exit-xtrack flag.
        31 => Some([Flag, Keep, Zero, Flag]),
        // DO_SET_ROI_LOCATION (195), DO_SET_ROI and NAV_ROI (201, 80; mode 3 or 0, read back 0),
        // CONDITION_GATE (4501), NAV_FENCE_RETURN_POINT, NAV_RALLY_POINT: the position only.
        195 | 201 | 80 | 4501 | cmd::NAV_FENCE_RETURN_POINT | cmd::NAV_RALLY_POINT => {
            Some([Zero; 4])
        }
        // Fence polygon vertices (5001, 5002): the vertex count.
        cmd::NAV_FENCE_POLYGON_VERTEX_INCLUSION | cmd::NAV_FENCE_POLYGON_VERTEX_EXCLUSION => {
            Some([Vertices, Zero, Zero, Zero])
        }
        // Fence circles (5003, 5004): the radius.
        cmd::NAV_FENCE_CIRCLE_INCLUSION | cmd::NAV_FENCE_CIRCLE_EXCLUSION => {
            Some([Keep, Zero, Zero, Zero])
        }
        // Refused: NAV_LOITER_TURNS (18), NAV_SPLINE_WAYPOINT (82), NAV_RETURN_TO_LAUNCH (20),
        // every DO_/CONDITION_ command, command 0 and unknown numbers.
        _ => None,
    }
}

/// Parameters 1-4 of a command in frame 2 (`MAV_FRAME_MISSION`), or `None` if PX4 refuses it
/// there with `MAV_MISSION_UNSUPPORTED`. Measured on PX4 1.16.0 SITL, quad and plane.
fn action_params(command: u16) -> Option<[P; 4]> {
    use P::*;
    match command {
        // DO_JUMP: target index an i16, repeat count a u16; params 3 and 4 kept.
        cmd::DO_JUMP => Some([I16, U16, Keep, Keep]),
        // NAV_RETURN_TO_LAUNCH (20), NAV_DELAY (93), CONDITION_DELAY (112), CONDITION_DISTANCE
        // (114; both not flown), DO_CHANGE_SPEED (178), DO_SET_HOME (179), DO_LAND_START (189).
        cmd::NAV_RETURN_TO_LAUNCH | 93 | cmd::CONDITION_DELAY | 114 => Some([Keep; 4]),
        cmd::DO_CHANGE_SPEED | cmd::DO_SET_HOME | cmd::DO_LAND_START => Some([Keep; 4]),
        // DO_SET_ROI_WPNEXT_OFFSET (196), DO_SET_ROI_NONE (197), DO_SET_ROI and NAV_ROI (201, 80;
        // mode 0-2, kept as sent).
        196 | 197 | 201 | 80 => Some([Keep; 4]),
        // DO_SET_ACTUATOR (187), DO_GRIPPER (211), DO_WINCH (42600), DO_VTOL_TRANSITION (3000).
        187 | 211 | 42600 | 3000 => Some([Keep; 4]),
        // Camera: DO_CONTROL_VIDEO (200), DO_DIGICAM_CONTROL (203), DO_SET_CAM_TRIGG_DIST (206),
        // DO_SET_CAM_TRIGG_INTERVAL (214), OBLIQUE_SURVEY (260), SET_CAMERA_MODE (530),
        // SET_CAMERA_FOCUS (532), IMAGE_START/STOP_CAPTURE (2000, 2001), DO_TRIGGER_CONTROL
        // (2003), VIDEO_START/STOP_CAPTURE (2500, 2501). SET_CAMERA_ZOOM (531) is refused.
        200 | cmd::DO_DIGICAM_CONTROL | cmd::DO_SET_CAM_TRIGG_DIST | 214 | 260 | 530 | 532 => {
            Some([Keep; 4])
        }
        cmd::IMAGE_START_CAPTURE | 2001 | 2003 | 2500 | 2501 => Some([Keep; 4]),
        // Gimbal: DO_MOUNT_CONFIGURE (204), DO_MOUNT_CONTROL (205), DO_GIMBAL_MANAGER_PITCHYAW
        // (1000), DO_GIMBAL_MANAGER_CONFIGURE (1001).
        204 | 205 | 1000 | 1001 => Some([Keep; 4]),
        // Refused: position commands, CONDITION_CHANGE_ALT (113), CONDITION_YAW (115),
        // DO_SET_SERVO (183), DO_SET_RELAY (181), DO_SET_MODE (176), DO_FENCE_ENABLE (207),
        // DO_PARACHUTE (208), COMPONENT_ARM_DISARM (400), SET_CAMERA_ZOOM (531), unknown...
        _ => None,
    }
}

/// C's float-to-integer conversion as PX4 SITL (x86-64 `cvttss2si`) runs it: truncation toward
/// zero, `INT32_MIN` for NaN and values beyond 32 bits.
fn to_i32(v: f32) -> i32 {
    if (-2_147_483_648.0..2_147_483_648.0).contains(&v) {
        v as i32
    } else {
        i32::MIN
    }
}

/// The NaN x86 produces for an invalid operation (infinity minus infinity): sign bit set.
const X86_DEFAULT_NAN: u32 = 0xffc0_0000;

/// PX4's yaw round trip: `degrees(wrap_2pi(radians(v)))` in `f32`.
fn yaw(v: f32) -> f32 {
    if v.is_nan() {
        return f32::from_bits(v.to_bits() | 0x0040_0000);
    }
    let rad = v * (PI / 180.0);
    let wrapped = if (0.0..TAU).contains(&rad) {
        rad
    } else {
        rad - TAU * (rad * (1.0 / TAU)).floor()
    };
    if wrapped.is_nan() {
        return f32::from_bits(X86_DEFAULT_NAN);
    }
    wrapped * (180.0 / PI)
}

/// A polygon's vertex count as PX4 stores it: `(uint16_t)(param1 + 0.5f)`.
fn vertices(v: f32) -> f32 {
    f32::from(to_i32(v + 0.5) as u16)
}

fn convert(field: P, v: f32) -> f32 {
    match field {
        P::Zero => 0.0,
        P::Keep => v,
        P::U16 => f32::from(to_i32(v) as u16),
        P::I16 => f32::from(to_i32(v) as i16),
        P::Flag => f32::from(u8::from(v > 0.0)),
        P::Yaw => yaw(v),
        P::Vertices => vertices(v),
    }
}

/// x or y of a frame-2 item: kept in a 32-bit float, read back with `round()` into an
/// `int32_t` (2^31 and beyond give `INT32_MIN`).
fn through_f32(v: i32) -> i32 {
    let f = v as f32;
    if f >= 2_147_483_648.0 {
        i32::MIN
    } else {
        f as i32
    }
}

#[cfg(test)]
#[path = "stored_px4_tests.rs"]
mod tests;
