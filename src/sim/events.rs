//! What the flight model tells the MAVLink side: discrete events produced while time advances,
//! and refusals of commands with ArduPilot's COMMAND_ACK result and STATUSTEXT wording.

use crate::geo::LatLon;

/// `MAV_SEVERITY` numbers for [`SimEvent::StatusText`].
pub mod severity {
    /// System is unusable.
    pub const EMERGENCY: u8 = 0;
    /// Action must be taken immediately.
    pub const ALERT: u8 = 1;
    /// Critical condition (ArduPilot's pre-arm failures).
    pub const CRITICAL: u8 = 2;
    /// Error.
    pub const ERROR: u8 = 3;
    /// Warning (failsafes, skipped commands, failed mode changes).
    pub const WARNING: u8 = 4;
    /// Normal but significant.
    pub const NOTICE: u8 = 5;
    /// Informational (mission progress).
    pub const INFO: u8 = 6;
    /// Debug.
    pub const DEBUG: u8 = 7;
}

/// Something that happened during [`crate::sim::FlightModel::step`] (or during a command; those
/// are returned by the next `step`).
#[derive(Debug, Clone, PartialEq)]
pub enum SimEvent {
    /// A navigation mission item completed (MISSION_ITEM_REACHED seq).
    ItemReached(u16),
    /// The current navigation item changed (MISSION_CURRENT seq).
    CurrentItem(u16),
    /// A photo was taken (CAMERA_FEEDBACK); the position is the vehicle's true position at the
    /// trigger instant.
    CameraTrigger {
        /// Image number, counting from 1 since the model was created (ArduPilot `img_idx`).
        image_index: u32,
        /// Where the vehicle was.
        position: LatLon,
        /// Altitude above mean sea level, metres.
        alt_amsl_m: f64,
        /// Altitude above home, metres.
        alt_rel_m: f64,
        /// Roll, radians.
        roll_rad: f64,
        /// Pitch, radians.
        pitch_rad: f64,
        /// Yaw, radians in [-π, π).
        yaw_rad: f64,
        /// Simulation time of the trigger, seconds.
        time_s: f64,
    },
    /// A STATUSTEXT as ArduPilot would send it.
    StatusText {
        /// `MAV_SEVERITY`, see [`severity`].
        severity: u8,
        /// The text (at most 50 characters for a single STATUSTEXT).
        text: String,
    },
    /// The flight mode changed (new `custom_mode`).
    ModeChanged(u32),
    /// Motors armed.
    Armed,
    /// Motors disarmed.
    Disarmed,
    /// The vehicle left the ground.
    TookOff,
    /// The vehicle landed (land detector: on the ground and settled).
    Landed,
    /// Home changed (send HOME_POSITION).
    HomeSet,
}

/// How a command was refused, mapped to `MAV_RESULT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// `MAV_RESULT_DENIED` (2): not allowed with these parameters or in this mode.
    Denied,
    /// `MAV_RESULT_TEMPORARILY_REJECTED` (1): try again later.
    TemporarilyRejected,
    /// `MAV_RESULT_FAILED` (4): checks failed (ArduPilot's usual answer).
    Failed,
    /// `MAV_RESULT_UNSUPPORTED` (3): the simulator does not do this.
    Unsupported,
}

impl Refusal {
    /// The `MAV_RESULT` number for COMMAND_ACK.
    pub fn mav_result(self) -> u8 {
        match self {
            Refusal::TemporarilyRejected => 1,
            Refusal::Denied => 2,
            Refusal::Unsupported => 3,
            Refusal::Failed => 4,
        }
    }
}

/// A refused command: the ACK result and a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimRefusal {
    /// The COMMAND_ACK result.
    pub result: Refusal,
    /// ArduPilot-style text, e.g. "PreArm: GPS 1: Bad fix".
    pub text: String,
    /// `Some(MAV_SEVERITY)` when ArduPilot itself announces this refusal as a STATUSTEXT (arming
    /// checks, failed mode changes); the model has then already queued that STATUSTEXT as a
    /// [`SimEvent::StatusText`] (returned by the next `step`), so the caller only sends the ACK.
    /// `None` when ArduPilot only answers with the ACK result and `text` is just a readable
    /// reason for logs and tests.
    pub severity: Option<u8>,
}

impl SimRefusal {
    /// A refusal ArduPilot also announces as a STATUSTEXT.
    pub fn announced(result: Refusal, severity: u8, text: impl Into<String>) -> Self {
        Self {
            result,
            text: text.into(),
            severity: Some(severity),
        }
    }

    /// A refusal ArduPilot answers with the ACK only.
    pub fn silent(result: Refusal, text: impl Into<String>) -> Self {
        Self {
            result,
            text: text.into(),
            severity: None,
        }
    }
}

impl std::fmt::Display for SimRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: {}", self.result, self.text)
    }
}

impl std::error::Error for SimRefusal {}
