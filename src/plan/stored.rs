//! What an autopilot keeps of a mission item: the item it returns when the list is read back.
//!
//! ArduPilot packs every item into 15 bytes: most parameters become small integers, unused ones
//! read back 0, frames collapse to three altitude references and flags are rewritten. Every rule
//! was measured on ArduPilot 4.7.0-dev SITL (ArduCopter and ArduPlane, git 90700977) with
//! MISSION_ITEM_INT uploads and MISSION_REQUEST_INT downloads; `stored_tests` holds the values.
//!
//! Not modelled: **item 0 of an ArduPilot mission** (home), which the vehicle replaces by its
//! own home (frame 0, command 16, params 0, x/y home or 0 before home is set, z home AMSL;
//! callers skip it), and **items ArduPilot refuses** ([`refusal`]), returned unchanged.
//!
//! Integer fields follow C's float-to-integer conversion as SITL (x86-64) runs it: truncation
//! toward zero into 32 bits, then the field's low bits (-1 in a `u16` reads 65535, 70000 reads
//! 4464). Negative values in unsigned fields are undefined in C (ARM boards may give 0); values
//! beyond 32 bits abort SITL ([`Refusal::Undefined`]).

use super::document::{Firmware, VehicleKind};
use super::mission_item::{MissionItem, MissionType, cmd};

#[path = "stored_px4.rs"]
mod px4;

/// The item `firmware` on a `vehicle` returns on download after `item` was uploaded to list
/// `kind`. ArduPilot is modelled (other vehicle kinds behave like the copter), PX4 1.16 too
/// (`stored_px4`); generic autopilots return the item unchanged.
pub fn as_stored(
    firmware: Firmware,
    vehicle: VehicleKind,
    kind: MissionType,
    item: &MissionItem,
) -> MissionItem {
    match firmware {
        Firmware::ArduPilot if refusal(firmware, vehicle, kind, item).is_some() => *item,
        Firmware::ArduPilot => match kind {
            MissionType::Mission => ardupilot_mission(vehicle == VehicleKind::Plane, item),
            MissionType::Fence => ardupilot_fence(item),
            MissionType::Rally => ardupilot_rally(item),
        },
        // PX4 1.16 (measured; refused items unchanged, items it will not fly stored normally).
        Firmware::Px4 => px4::px4_stored(vehicle, kind, item),
        // Generic autopilots: assumed to store items verbatim.
        Firmware::Generic => *item,
    }
}

/// True when `item` reads back exactly as sent (compared with [`MissionItem::same_on_wire`],
/// so the `current` flag, which ArduPilot always clears, does not count). Items the autopilot
/// refuses count as unchanged: check [`refusal`] for those.
pub fn stored_unchanged(
    firmware: Firmware,
    vehicle: VehicleKind,
    kind: MissionType,
    item: &MissionItem,
) -> bool {
    as_stored(firmware, vehicle, kind, item).same_on_wire(item)
}

/// `item` in the frame PX4 1.16 takes for its command: a command without a position written
/// in a global frame (ArduPilot files do this for RTL, DO_CHANGE_SPEED, ...) goes in
/// `MAV_FRAME_MISSION`, which means the same thing and which PX4 insists on.
pub fn for_px4(item: &MissionItem) -> MissionItem {
    px4::px4_frame(item)
}

/// Why an autopilot would not store an item: the `MAV_MISSION_RESULT` its upload ends with.
/// Only checks of the single item are modelled, not those of the whole list (DO_JUMP targets,
/// fence polygon vertex counts, one return point, storage size).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// `MAV_MISSION_INVALID` (5): command 0 is reserved.
    #[error("MAV_MISSION_INVALID: command 0 is reserved")]
    Invalid,
    /// `MAV_MISSION_UNSUPPORTED` (3): the command is unknown to this vehicle or list.
    #[error("MAV_MISSION_UNSUPPORTED: command {0} is not supported here")]
    Unsupported(u16),
    /// `MAV_MISSION_UNSUPPORTED_FRAME` (2).
    #[error("MAV_MISSION_UNSUPPORTED_FRAME: frame {0} is not supported here")]
    UnsupportedFrame(u8),
    /// `MAV_MISSION_INVALID_PARAM1`..`7` (6..12): NaN/infinite param, bad lat/lon/altitude.
    #[error("MAV_MISSION_INVALID_PARAM{0}: parameter {0} is out of range")]
    InvalidParam(u8),
    /// `MAV_MISSION_ERROR` (1): fence item with a bad position or a non-positive radius.
    #[error("MAV_MISSION_ERROR: the fence item is invalid")]
    Error,
    /// Not refused: parameter `0` (7 = z) is NaN or beyond 32 bits where an integer is stored;
    /// C leaves this undefined and ArduPilot 4.7 SITL aborts (floating-point exception).
    #[error("parameter {0} cannot be converted: ArduPilot SITL aborts on it")]
    Undefined(u8),
    /// Not refused: PX4 stores the item and ACKs the upload, but its navigator then rejects the
    /// whole mission (arming in mission mode and MISSION_START are refused; the reason only
    /// travels in EVENT messages). The text says why.
    #[error("accepted, but PX4 will not fly a mission with this item: {0}")]
    NotFlyable(&'static str),
}

impl Refusal {
    /// The `MAV_MISSION_RESULT` number, or `None` for [`Refusal::Undefined`] and
    /// [`Refusal::NotFlyable`] (uploads that are not refused).
    pub fn mission_result(self) -> Option<u8> {
        match self {
            Refusal::Invalid => Some(5),
            Refusal::Unsupported(_) => Some(3),
            Refusal::UnsupportedFrame(_) => Some(2),
            Refusal::InvalidParam(n) => Some(5 + n),
            Refusal::Error => Some(1),
            Refusal::Undefined(_) | Refusal::NotFlyable(_) => None,
        }
    }
}

/// Why `firmware` would refuse `item` in list `kind` (measured on ArduPilot 4.7 and PX4 1.16
/// SITL), or `None` if it stores it. Checks run in ArduPilot's order: parameters 1-4, command,
/// x, y, z, frame; PX4's are in `stored_px4`, which also reports [`Refusal::NotFlyable`].
pub fn refusal(
    firmware: Firmware,
    vehicle: VehicleKind,
    kind: MissionType,
    item: &MissionItem,
) -> Option<Refusal> {
    match firmware {
        Firmware::ArduPilot => {}
        Firmware::Px4 => return px4::px4_refusal(vehicle, kind, item),
        Firmware::Generic => return None,
    }
    match kind {
        MissionType::Mission => mission_refusal(vehicle == VehicleKind::Plane, item),
        MissionType::Fence => fence_refusal(item),
        MissionType::Rally => rally_refusal(item),
    }
}

/// How ArduPilot stores one number of an item.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Field {
    /// Not stored: reads back 0.
    Zero,
    /// Stored as a float: reads back bit for bit.
    Float,
    /// Truncated into a `u8` (wrapping).
    U8,
    /// Truncated into an `i8` (wrapping).
    I8,
    /// Truncated into a `u16` (wrapping).
    U16,
    /// Truncated into an `i16` (wrapping).
    I16,
    /// Truncated into a `u16`, then at most 255 (plane acceptance radius, pass-by distance).
    U16Max255,
    /// A flag: 1 if the value is positive, else 0.
    Positive,
    /// A direction: -1 if the value is negative, else 1.
    Sign,
    /// A direction, ArduPilot's `is_negative`: -1 if the value is at most -FLT_EPSILON, else 1.
    SignEpsilon,
    /// A radius: |value| truncated into a `u16`, the sign kept as direction (-0.4 reads -0.0).
    SignedU16,
    /// Whole centimetres in a `u16`, read back as `cm * 0.01` in f32 (1.7 reads 1.6999999).
    CentiU16,
    /// Always reads back this value.
    Const(f32),
}

/// Where an item's x, y and z go.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Place {
    /// A position: frame mapped to 0/3/10, x and y kept, z truncated to whole centimetres.
    Position,
    /// No position: frame, x, y and z read back 0.
    Nothing,
    /// No position, but x, y, z are parameters 5-7 stored like this (frame reads back 0).
    Numbers([Field; 3]),
}

/// How ArduPilot stores one mission command: parameters 1-4, x/y/z, and the parameters that
/// may be NaN (bit 0 = param 1; all others must be finite).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Spec([Field; 4], Place, u8);

const P3: u8 = 1 << 2;
const P4: u8 = 1 << 3;

/// The storage rule of each mission command ArduPilot 4.7 accepts (`None`: refused with
/// `MAV_MISSION_UNSUPPORTED`). Copter and plane differ only in NAV_WAYPOINT and
/// NAV_SPLINE_WAYPOINT. Every arm was measured on SITL.
fn mission_spec(plane: bool, command: u16) -> Option<Spec> {
    use Field::*;
    let at = |params, nan_ok| Some(Spec(params, Place::Position, nan_ok));
    let act = |params| Some(Spec(params, Place::Nothing, 0));
    let num = |params, xyz| Some(Spec(params, Place::Numbers(xyz), 0));
    match command {
        // NAV_WAYPOINT, plane: acceptance radius and pass-by in whole metres, at most 255.
        cmd::NAV_WAYPOINT if plane => at([Zero, U16Max255, U16Max255, Zero], P4),
        // NAV_WAYPOINT, copter: hold time in whole seconds only (yaw may be NaN).
        cmd::NAV_WAYPOINT => at([U16, Zero, Zero, Zero], P4),
        // NAV_LOITER_UNLIM: only the radius (whole metres, sign = direction).
        cmd::NAV_LOITER_UNLIM => at([Zero, Zero, SignedU16, Zero], P4),
        // NAV_LOITER_TURNS: turns and radius share 16 bits (`loiter_turns`), param 4 a flag.
        cmd::NAV_LOITER_TURNS => at([Zero, Zero, Zero, Positive], 0),
        // NAV_LOITER_TIME: whole seconds; param 3 becomes the direction ±1, param 4 a flag.
        cmd::NAV_LOITER_TIME => at([U16, Zero, Sign, Positive], 0),
        // NAV_RETURN_TO_LAUNCH: nothing is stored.
        cmd::NAV_RETURN_TO_LAUNCH => act([Zero; 4]),
        // NAV_LAND: abort altitude in whole metres; param 4 becomes the direction ±1.
        cmd::NAV_LAND => at([U16, Zero, Zero, SignEpsilon], P4),
        // NAV_TAKEOFF: pitch in whole degrees (also on copter).
        cmd::NAV_TAKEOFF => at([U16, Zero, Zero, Zero], P4),
        // CONTINUE_AND_CHANGE_ALT, GUIDED_ENABLE, SET_HOME, SET_ROI_LOCATION, SET_ROI: one u16.
        30 | 92 | cmd::DO_SET_HOME | 195 | 201 => at([U16, Zero, Zero, Zero], 0),
        // NAV_LOITER_TO_ALT: radius (sign = direction) and the cross-track flag.
        31 => at([Zero, SignedU16, Zero, Positive], 0),
        // NAV_SPLINE_WAYPOINT: copter keeps the hold time; ArduPlane refuses the command.
        cmd::NAV_SPLINE_WAYPOINT if !plane => at([U16, Zero, Zero, Zero], 0),
        // NAV_ALTITUDE_WAIT (83) and NAV_SET_YAW_SPEED (213): two floats and a byte.
        83 | 213 => act([Float, Float, U8, Zero]),
        // NAV_VTOL_TAKEOFF: position only (param 4 may be NaN).
        84 => at([Zero; 4], P4),
        // NAV_VTOL_LAND: options in a u16 (params 3 and 4 may be NaN).
        85 => at([U16, Zero, Zero, Zero], P3 | P4),
        // NAV_DELAY: seconds as a float, UTC hour/minute/second as signed bytes; no position.
        93 => act([Float, I8, I8, I8]),
        // NAV_PAYLOAD_PLACE: maximum descent in whole centimetres.
        94 => at([CentiU16, Zero, Zero, Zero], 0),
        // CONDITION_DELAY and CONDITION_DISTANCE: one float.
        cmd::CONDITION_DELAY | 114 => act([Float, Zero, Zero, Zero]),
        // CONDITION_YAW: angle and rate as floats, direction i8, relative flag u8.
        115 => act([Float, Float, I8, U8]),
        // DO_JUMP: target u16, repeat count i16.
        cmd::DO_JUMP => act([U16, I16, Zero, Zero]),
        // DO_CHANGE_SPEED: speed type u8, speed and throttle floats; param 4 dropped.
        cmd::DO_CHANGE_SPEED => act([U8, Float, Float, Zero]),
        // DO_SET_RELAY (181) and DO_GRIPPER (211): two bytes.
        181 | 211 => act([U8, U8, Zero, Zero]),
        // DO_REPEAT_RELAY: relay u8, count i16, cycle time float.
        182 => act([U8, I16, Float, Zero]),
        // DO_SET_SERVO: channel u8, PWM u16.
        183 => act([U8, U16, Zero, Zero]),
        // DO_REPEAT_SERVO: channel u8, PWM u16, count i16, cycle time float.
        184 => act([U8, U16, I16, Float]),
        // DO_LAND_START (189) and DO_GO_AROUND (191): position only.
        cmd::DO_LAND_START | 191 => at([Zero; 4], 0),
        // DO_SET_REVERSE, DO_SET_ROI_NONE, DO_FENCE_ENABLE, DO_PARACHUTE, DO_INVERTED_FLIGHT,
        // DO_AUTOTUNE_ENABLE, DO_SET_RESUME_REPEAT_DIST, DO_SPRAYER, IMAGE_STOP_CAPTURE: one u16.
        194 | 197 | 207 | 208 | 210 | 212 | 215 | 216 | 2001 => act([U16, Zero, Zero, Zero]),
        // DO_DIGICAM_CONFIGURE: u8, u16, u8, u16; x and y bytes, z (engine cut-off) float.
        202 => num([U8, U16, U8, U16], [U8, U8, Float]),
        // DO_DIGICAM_CONTROL: session, zoom u8, step i8, focus u8; x and y bytes, z dropped.
        cmd::DO_DIGICAM_CONTROL => num([U8, U8, I8, U8], [U8, U8, Zero]),
        // DO_MOUNT_CONTROL: pitch, roll, yaw floats; z (mount mode) always reads back 2.
        205 => num([Float, Float, Float, Zero], [Zero, Zero, Const(2.0)]),
        // DO_SET_CAM_TRIGG_DIST: distance float, trigger-once flag u8; param 2 dropped.
        cmd::DO_SET_CAM_TRIGG_DIST => act([Float, Zero, U8, Zero]),
        // DO_SEND_SCRIPT_MESSAGE (217) and DO_GUIDED_LIMITS (222): u16 then three floats.
        217 | 222 => act([U16, Float, Float, Float]),
        // DO_AUX_FUNCTION: function u16, switch position u8.
        218 => act([U16, U8, Zero, Zero]),
        // DO_ENGINE_CONTROL: two flags and the height delay in whole centimetres.
        223 => act([Positive, Positive, CentiU16, Zero]),
        // SET_CAMERA_ZOOM: zoom type u8, value float.
        531 => act([U8, Float, Zero, Zero]),
        // DO_GIMBAL_MANAGER_PITCHYAW: i8, i16, i8, i8; flags (x) and gimbal (z) bytes.
        1000 => num([I8, I16, I8, I8], [U8, Zero, U8]),
        // IMAGE_START_CAPTURE: camera id u8, interval float, count and sequence u16.
        cmd::IMAGE_START_CAPTURE => act([U8, Float, U16, U16]),
        // JUMP_TAG: the tag, a u16 (seen in a Mission Planner file read back from SITL).
        600 => act([U16, Zero, Zero, Zero]),
        // DO_JUMP_TAG: tag u16 and repeat count i16, as DO_JUMP.
        601 => act([U16, I16, Zero, Zero]),
        // VIDEO_START_CAPTURE, VIDEO_STOP_CAPTURE, DO_VTOL_TRANSITION: one byte.
        2500 | 2501 | 3000 => act([U8, Zero, Zero, Zero]),
        // DO_WINCH: number and action bytes, length and rate floats.
        42600 => act([U8, U8, Float, Float]),
        // Refused: CONDITION_CHANGE_ALT, DO_SET_CAM_TRIGG_INTERVAL, DO_SET_MODE, unknown...
        _ => None,
    }
}

/// C's float-to-integer conversion as SITL runs it: truncation toward zero into 32 bits.
fn trunc(v: f32) -> i32 {
    v as i32
}

/// True when truncating `v` is defined (finite and within 32 bits).
fn fits_i32(v: f32) -> bool {
    (-2_147_483_648.0..2_147_483_648.0).contains(&v)
}

fn convert(field: Field, v: f32) -> f32 {
    match field {
        Field::Zero => 0.0,
        Field::Float => v,
        Field::U8 => f32::from(trunc(v) as u8),
        Field::I8 => f32::from(trunc(v) as i8),
        Field::U16 => f32::from(trunc(v) as u16),
        Field::I16 => f32::from(trunc(v) as i16),
        Field::U16Max255 => f32::from((trunc(v) as u16).min(255)),
        Field::Positive => f32::from(u8::from(v > 0.0)),
        Field::Sign if v < 0.0 => -1.0,
        Field::SignEpsilon if v <= -f32::EPSILON => -1.0,
        Field::Sign | Field::SignEpsilon => 1.0,
        Field::SignedU16 => {
            let r = f32::from(trunc(v.abs()) as u16);
            if v < 0.0 { -r } else { r }
        }
        Field::CentiU16 => f32::from(trunc(v * 100.0) as u16) * 0.01,
        Field::Const(c) => c,
    }
}

/// [`convert`] for x and y, which arrive as integers (only bytes and dropped fields occur).
fn convert_int(field: Field, v: i32) -> i32 {
    match field {
        Field::Zero => 0,
        Field::U8 => i32::from(v as u8),
        _ => v,
    }
}

/// The value that is converted to an integer for `field`, if any (for the undefined check).
fn integer_input(field: Field, v: f32) -> Option<f32> {
    match field {
        Field::U8 | Field::I8 | Field::U16 | Field::I16 | Field::U16Max255 => Some(v),
        Field::SignedU16 => Some(v.abs()),
        Field::CentiU16 => Some(v * 100.0),
        _ => None,
    }
}

/// NAV_LOITER_TURNS: turns in the low byte, radius in the high byte of one u16 (returns params 1
/// and 3). Turns in (0, 1) are stored in 1/256ths (0.4 reads 0.3984375), others truncated and
/// capped at 255; negative turns also fill the radius byte (-1 turns reads 255 turns, radius
/// 255). A radius above 255 m is stored in tens of metres (at most 2550).
fn loiter_turns(turns: f32, radius: f32) -> (f32, f32) {
    let fractional = turns > 0.0 && turns < 1.0;
    let word = trunc(if fractional {
        turns * 256.0
    } else {
        turns.min(255.0)
    }) as u16;
    let r = radius.abs();
    let (byte, scale) = if r <= 255.0 {
        (trunc(r) as u16, 1.0)
    } else {
        (trunc((r / 10.0).min(255.0)) as u16, 10.0)
    };
    let low = f32::from(word & 0xff);
    let high = f32::from(((word >> 8) | byte) & 0xff) * scale;
    let p1 = if fractional { low / 256.0 } else { low };
    (p1, if radius < 0.0 { -high } else { high })
}

/// The frame a position is stored in: absolute (0), relative to home (3) or above terrain (10).
fn position_frame(frame: u8) -> Option<u8> {
    match frame {
        0 | 2 | 5 => Some(0),
        3 | 6 => Some(3),
        10 | 11 => Some(10),
        _ => None,
    }
}

/// Altitude in whole centimetres (truncated, f32 arithmetic), read back as `cm * 0.01`.
fn centimetres(z: f32) -> f32 {
    trunc(z * 100.0) as f32 * 0.01
}

/// The frame of a fence vertex or rally point: like a position, but frame 2 is refused.
fn list_frame(frame: u8) -> Option<u8> {
    position_frame(frame).filter(|_| frame != 2)
}

/// `MAV_MISSION_INVALID_PARAM5_X` / `6_Y` for a latitude beyond ±90° or longitude beyond ±180°.
fn latlon_refusal(x: i32, y: i32) -> Option<Refusal> {
    if x.unsigned_abs() > 900_000_000 {
        Some(Refusal::InvalidParam(5))
    } else if y.unsigned_abs() > 1_800_000_000 {
        Some(Refusal::InvalidParam(6))
    } else {
        None
    }
}

/// A mission item as ArduPilot stores it: current cleared, autocontinue set, parameters by
/// [`mission_spec`].
fn ardupilot_mission(plane: bool, item: &MissionItem) -> MissionItem {
    let Some(Spec(fields, place, _)) = mission_spec(plane, item.command) else {
        return *item;
    };
    let mut out = *item;
    (out.current, out.autocontinue) = (false, true);
    for (p, field) in out.params.iter_mut().zip(fields) {
        *p = convert(field, *p);
    }
    if item.command == cmd::NAV_LOITER_TURNS {
        (out.params[0], out.params[2]) = loiter_turns(item.params[0], item.params[2]);
    }
    match place {
        Place::Position => {
            out.frame = position_frame(item.frame).unwrap_or(item.frame);
            out.z = centimetres(item.z);
        }
        Place::Nothing => (out.frame, out.x, out.y, out.z) = (0, 0, 0, 0.0),
        Place::Numbers([fx, fy, fz]) => {
            out.frame = 0;
            out.x = convert_int(fx, item.x);
            out.y = convert_int(fy, item.y);
            out.z = convert(fz, item.z);
        }
    }
    out
}

fn mission_refusal(plane: bool, item: &MissionItem) -> Option<Refusal> {
    let spec = mission_spec(plane, item.command);
    let nan_ok = spec.map_or(0, |Spec(_, _, nan_ok)| nan_ok);
    for (i, p) in item.params.iter().enumerate() {
        if p.is_infinite() || (p.is_nan() && nan_ok & (1 << i) == 0) {
            return Some(Refusal::InvalidParam(i as u8 + 1));
        }
    }
    let Some(Spec(fields, place, _)) = spec else {
        return Some(match item.command {
            0 => Refusal::Invalid,
            c => Refusal::Unsupported(c),
        });
    };
    if place == Place::Position {
        if let Some(r) = latlon_refusal(item.x, item.y) {
            return Some(r);
        }
        if item.z.is_nan() || item.z.abs() >= 83_000.0 {
            return Some(Refusal::InvalidParam(7));
        }
        if position_frame(item.frame).is_none() {
            return Some(Refusal::UnsupportedFrame(item.frame));
        }
    }
    let undefined = |field, v| integer_input(field, v).is_some_and(|v| !fits_i32(v));
    for (i, (field, p)) in fields.iter().zip(item.params).enumerate() {
        if undefined(*field, p) {
            return Some(Refusal::Undefined(i as u8 + 1));
        }
    }
    match place {
        Place::Numbers([_, _, fz]) if undefined(fz, item.z) => Some(Refusal::Undefined(7)),
        _ => None,
    }
}

/// A fence item as ArduPilot stores it: frame 0, autocontinue and current cleared, x/y kept,
/// z and params 2-4 dropped. Param 1 is the vertex count (truncated) for polygons, the radius
/// (float, kept) for circles, and 0 for the return point.
fn ardupilot_fence(item: &MissionItem) -> MissionItem {
    let p1 = match item.command {
        cmd::NAV_FENCE_POLYGON_VERTEX_INCLUSION | cmd::NAV_FENCE_POLYGON_VERTEX_EXCLUSION => {
            item.params[0].trunc()
        }
        cmd::NAV_FENCE_CIRCLE_INCLUSION | cmd::NAV_FENCE_CIRCLE_EXCLUSION => item.params[0],
        _ => 0.0,
    };
    MissionItem {
        frame: 0,
        current: false,
        autocontinue: false,
        params: [p1, 0.0, 0.0, 0.0],
        z: 0.0,
        ..*item
    }
}

fn fence_refusal(item: &MissionItem) -> Option<Refusal> {
    let (command, radius) = (item.command, item.params[0]);
    let circle = command == cmd::NAV_FENCE_CIRCLE_INCLUSION || command == 5004;
    if !(cmd::NAV_FENCE_RETURN_POINT..=cmd::NAV_FENCE_CIRCLE_EXCLUSION).contains(&command) {
        Some(Refusal::Unsupported(command))
    } else if list_frame(item.frame).is_none() {
        Some(Refusal::UnsupportedFrame(item.frame))
    } else if circle && radius.is_nan() {
        Some(Refusal::Undefined(1))
    } else if (circle && radius < f32::EPSILON) || latlon_refusal(item.x, item.y).is_some() {
        Some(Refusal::Error)
    } else {
        None
    }
}

/// A rally point as ArduPilot stores it: frame mapped like a position, altitude truncated to
/// whole metres (an `i16`), params dropped, autocontinue and current cleared. (A point at
/// exactly 0, 0 is accepted but cannot be read back: the download fails with
/// `MAV_MISSION_INVALID_SEQUENCE`.)
fn ardupilot_rally(item: &MissionItem) -> MissionItem {
    MissionItem {
        frame: position_frame(item.frame).unwrap_or(item.frame),
        current: false,
        autocontinue: false,
        params: [0.0; 4],
        z: f32::from(trunc(item.z) as i16),
        ..*item
    }
}

fn rally_refusal(item: &MissionItem) -> Option<Refusal> {
    let z = item.z;
    if item.command != cmd::NAV_RALLY_POINT {
        Some(Refusal::Unsupported(item.command))
    } else if let Some(r) = latlon_refusal(item.x, item.y) {
        Some(r)
    } else if z.is_nan() {
        Some(Refusal::Undefined(7))
    } else if z < f32::from(i16::MIN) || z > f32::from(i16::MAX) {
        Some(Refusal::InvalidParam(7))
    } else if list_frame(item.frame).is_none() {
        Some(Refusal::UnsupportedFrame(item.frame))
    } else {
        None
    }
}

#[cfg(test)]
#[path = "stored_tests.rs"]
mod tests;
