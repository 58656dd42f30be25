//! `MAV_MISSION_RESULT`: the values the transfers use, and every value's name and meaning
//! for error messages.

/// Accepted.
pub const ACCEPTED: u8 = 0;
/// Generic error.
pub const ERROR: u8 = 1;
/// A command the vehicle does not support (PX4 refuses the whole transfer with it).
pub const UNSUPPORTED: u8 = 3;
/// No space for that many items.
pub const NO_SPACE: u8 = 4;
/// The vehicle refuses (for example: listing while an upload is under way).
pub const DENIED: u8 = 14;
/// Out-of-sequence item (ArduPilot also sends it for harmless duplicates).
pub const INVALID_SEQUENCE: u8 = 13;
/// Operation cancelled (for example by the vehicle's own timeout).
pub const OPERATION_CANCELLED: u8 = 15;

/// Name and meaning of a `MAV_MISSION_RESULT`.
pub fn mission_result_text(r: u8) -> String {
    let (name, meaning) = match r {
        0 => ("ACCEPTED", "accepted"),
        1 => ("ERROR", "the vehicle reported a generic error"),
        2 => ("UNSUPPORTED_FRAME", "a coordinate frame is not supported"),
        3 => ("UNSUPPORTED", "a command is not supported"),
        4 => ("NO_SPACE", "the vehicle has no space for that many items"),
        5 => ("INVALID", "one of the parameters is invalid"),
        6 => ("INVALID_PARAM1", "param1 is invalid"),
        7 => ("INVALID_PARAM2", "param2 is invalid"),
        8 => ("INVALID_PARAM3", "param3 is invalid"),
        9 => ("INVALID_PARAM4", "param4 is invalid"),
        10 => ("INVALID_PARAM5_X", "param5 / latitude is invalid"),
        11 => ("INVALID_PARAM6_Y", "param6 / longitude is invalid"),
        12 => ("INVALID_PARAM7", "param7 / altitude is invalid"),
        13 => ("INVALID_SEQUENCE", "an item arrived out of sequence"),
        14 => (
            "DENIED",
            "the vehicle refuses missions in its current state",
        ),
        15 => ("OPERATION_CANCELLED", "the vehicle cancelled the transfer"),
        _ => return format!("result {r} (unknown MAV_MISSION_RESULT)"),
    };
    format!("{name}: {meaning}")
}
