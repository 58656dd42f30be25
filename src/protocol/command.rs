//! MAVLink command protocol, ground-station side, sans-IO: one COMMAND_LONG / COMMAND_INT and
//! its COMMAND_ACK.
//!
//! ```text
//! start ──COMMAND(confirmation 0)──▶ AwaitAck
//!    AwaitAck ── ACK ACCEPTED ──────────────▶ Done(Ok)
//!             ── ACK IN_PROGRESS ───────────▶ AwaitAck (longer wait, no resend; progress %)
//!             ── ACK COMMAND_INT_ONLY / COMMAND_LONG_ONLY ─▶ resend in the other form
//!             ── ACK other result ──────────▶ Done(Err(Rejected)) with the vehicle's messages
//!             ── timeout ─▶ resend (confirmation + 1) ... retries exhausted ─▶ Done(Err(Timeout))
//! ```
//! Results are reported in words ("DENIED: ..."), together with the STATUSTEXT the vehicle
//! sent while the command was pending (ArduPilot explains a refused arm that way).

use super::mission::Address;
use super::retry::{RetryTimer, Timing};
use super::wire::Wire;
use crate::protocol::dialect::MavCmd;
use num_traits::FromPrimitive;

/// `MAV_RESULT` values.
pub mod result {
    /// Accepted and executed.
    pub const ACCEPTED: u8 = 0;
    /// Temporarily rejected.
    pub const TEMPORARILY_REJECTED: u8 = 1;
    /// Denied.
    pub const DENIED: u8 = 2;
    /// Unsupported.
    pub const UNSUPPORTED: u8 = 3;
    /// Failed.
    pub const FAILED: u8 = 4;
    /// In progress.
    pub const IN_PROGRESS: u8 = 5;
    /// Cancelled.
    pub const CANCELLED: u8 = 6;
    /// Must be sent as COMMAND_LONG.
    pub const COMMAND_LONG_ONLY: u8 = 7;
    /// Must be sent as COMMAND_INT.
    pub const COMMAND_INT_ONLY: u8 = 8;
    /// Frame not supported.
    pub const UNSUPPORTED_MAV_FRAME: u8 = 9;
}

/// Name and meaning of a `MAV_RESULT`, e.g. "DENIED: the vehicle is not ready for it".
pub fn result_text(r: u8) -> String {
    let (name, meaning) = match r {
        0 => ("ACCEPTED", "done"),
        1 => (
            "TEMPORARILY_REJECTED",
            "the vehicle is busy, try again shortly",
        ),
        2 => (
            "DENIED",
            "the vehicle is not ready for it in its current state",
        ),
        3 => ("UNSUPPORTED", "the vehicle does not know this command"),
        4 => ("FAILED", "the vehicle tried and failed"),
        5 => ("IN_PROGRESS", "still running"),
        6 => ("CANCELLED", "cancelled by the vehicle"),
        7 => ("COMMAND_LONG_ONLY", "must be sent as COMMAND_LONG"),
        8 => ("COMMAND_INT_ONLY", "must be sent as COMMAND_INT"),
        9 => (
            "UNSUPPORTED_MAV_FRAME",
            "the coordinate frame is not supported",
        ),
        _ => return format!("result {r} (unknown MAV_RESULT)"),
    };
    format!("{name}: {meaning}")
}

/// Human name of a `MAV_CMD` number, e.g. "COMPONENT_ARM_DISARM (400)".
pub fn command_name(cmd: u16) -> String {
    match MavCmd::from_u16(cmd) {
        Some(c) => {
            let n = format!("{c:?}");
            format!("{} ({cmd})", n.strip_prefix("MAV_CMD_").unwrap_or(&n))
        }
        None => format!("command {cmd}"),
    }
}

/// The parameters of a command and the message that carries them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CommandForm {
    /// COMMAND_LONG: seven float parameters.
    Long([f32; 7]),
    /// COMMAND_INT: four floats plus a position in a frame.
    Int {
        /// MAV_FRAME of the position.
        frame: u8,
        /// Parameters 1-4.
        params: [f32; 4],
        /// Latitude * 1e7.
        x: i32,
        /// Longitude * 1e7.
        y: i32,
        /// Altitude.
        z: f32,
    },
}

/// A command to send.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Command {
    /// MAV_CMD number.
    pub command: u16,
    /// Parameters and carrier message.
    pub form: CommandForm,
}

impl Command {
    /// A COMMAND_LONG.
    pub fn long(command: u16, params: [f32; 7]) -> Self {
        Self {
            command,
            form: CommandForm::Long(params),
        }
    }

    fn other_form(&self) -> CommandForm {
        match self.form {
            CommandForm::Long(p) => CommandForm::Int {
                frame: crate::plan::mission_item::frame::GLOBAL_RELATIVE_ALT,
                params: [p[0], p[1], p[2], p[3]],
                x: crate::geo::deg_to_e7(f64::from(p[4])),
                y: crate::geo::deg_to_e7(f64::from(p[5])),
                z: p[6],
            },
            CommandForm::Int {
                params, x, y, z, ..
            } => CommandForm::Long([
                params[0],
                params[1],
                params[2],
                params[3],
                (f64::from(x) * 1e-7) as f32,
                (f64::from(y) * 1e-7) as f32,
                z,
            ]),
        }
    }
}

/// Why a command did not succeed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CommandError {
    /// The vehicle answered with a result other than ACCEPTED.
    #[error("{} refused — {}{}", command_name(*command), result_text(*result), said(texts))]
    Rejected {
        /// MAV_CMD.
        command: u16,
        /// MAV_RESULT.
        result: u8,
        /// STATUSTEXT messages the vehicle sent meanwhile.
        texts: Vec<String>,
    },
    /// No answer.
    #[error("{} got no COMMAND_ACK after {tries} tries{}", command_name(*command), said(texts))]
    Timeout {
        /// MAV_CMD.
        command: u16,
        /// Attempts made.
        tries: u32,
        /// STATUSTEXT messages the vehicle sent meanwhile.
        texts: Vec<String>,
    },
}

fn said(texts: &[String]) -> String {
    if texts.is_empty() {
        String::new()
    } else {
        format!(". Vehicle said: {}", texts.join(" | "))
    }
}

/// Default timing for commands: a few quick retries, as commands are not all idempotent.
pub fn command_timing() -> Timing {
    Timing {
        initial_rto_ms: 1_500,
        min_rto_ms: 500,
        max_rto_ms: 3_000,
        max_retries: 3,
    }
}

/// How long an IN_PROGRESS command may stay silent before it counts as timed out (ms).
const IN_PROGRESS_WAIT_MS: u64 = 30_000;
/// Least severe STATUSTEXT taken as the vehicle's explanation (MAV_SEVERITY_WARNING).
const MAX_EXPLANATION_SEVERITY: u8 = 4;
/// How long a refusal waits for the vehicle's STATUSTEXT explaining it (µs).
const EXPLANATION_WAIT_US: u64 = 300_000;
/// How many vehicle messages to keep for the error report.
const MAX_TEXTS: usize = 4;

/// One command in flight.
#[derive(Debug, Clone)]
pub struct CommandTransaction {
    cmd: Command,
    gcs: Address,
    vehicle: Address,
    timer: RetryTimer,
    confirmation: u8,
    tries: u32,
    deadline_us: u64,
    sent_at_us: u64,
    progress: Option<u8>,
    texts: Vec<String>,
    /// A refusal waiting briefly for the vehicle's explanation.
    refused: Option<u8>,
    outcome: Option<Result<(), CommandError>>,
}

impl CommandTransaction {
    /// A transaction for `cmd` to `vehicle`.
    pub fn new(cmd: Command, gcs: Address, vehicle: Address, timing: Timing) -> Self {
        Self {
            cmd,
            gcs,
            vehicle,
            timer: RetryTimer::new(timing),
            confirmation: 0,
            tries: 0,
            deadline_us: 0,
            sent_at_us: 0,
            progress: None,
            texts: Vec::new(),
            refused: None,
            outcome: None,
        }
    }

    /// The command.
    pub fn command(&self) -> &Command {
        &self.cmd
    }

    /// The vehicle addressed.
    pub fn vehicle(&self) -> Address {
        self.vehicle
    }

    fn wire(&self) -> Wire {
        match self.cmd.form {
            CommandForm::Long(params) => Wire::CommandLong {
                target_system: self.vehicle.sysid,
                target_component: self.vehicle.compid,
                command: self.cmd.command,
                confirmation: self.confirmation,
                params,
            },
            CommandForm::Int {
                frame,
                params,
                x,
                y,
                z,
            } => Wire::CommandInt {
                target_system: self.vehicle.sysid,
                target_component: self.vehicle.compid,
                command: self.cmd.command,
                frame,
                params,
                x,
                y,
                z,
            },
        }
    }

    fn send(&mut self, now_us: u64) -> Vec<Wire> {
        self.tries += 1;
        self.sent_at_us = now_us;
        self.deadline_us = now_us + self.timer.rto_us();
        vec![self.wire()]
    }

    /// Sends the command.
    pub fn start(&mut self, now_us: u64) -> Vec<Wire> {
        if self.outcome.is_some() || self.tries > 0 {
            return Vec::new();
        }
        self.send(now_us)
    }

    /// Records a STATUSTEXT from the vehicle's system while the command is pending. Only
    /// warnings and worse count (ArduPilot's "PreArm: ..." explanations are critical); routine
    /// chatter is not an explanation.
    pub fn note_statustext(&mut self, from_sysid: u8, severity: u8, text: &str) {
        if self.outcome.is_none()
            && from_sysid == self.vehicle.sysid
            && !text.is_empty()
            && severity <= MAX_EXPLANATION_SEVERITY
        {
            if self.texts.len() == MAX_TEXTS {
                self.texts.remove(0);
            }
            self.texts.push(text.to_owned());
            if let Some(r) = self.refused {
                self.refuse(r);
            }
        }
    }

    fn refuse(&mut self, result: u8) {
        self.outcome = Some(Err(CommandError::Rejected {
            command: self.cmd.command,
            result,
            texts: self.texts.clone(),
        }));
    }

    /// Feeds a message from `from`; returns messages to send.
    pub fn handle(&mut self, from: Address, msg: &Wire, now_us: u64) -> Vec<Wire> {
        let Wire::CommandAck {
            command,
            result: r,
            progress,
            target_system,
            target_component,
        } = msg
        else {
            return Vec::new();
        };
        let for_us = (*target_system == 0 || *target_system == self.gcs.sysid)
            && (*target_component == 0 || *target_component == self.gcs.compid);
        if self.outcome.is_some()
            || self.refused.is_some()
            || from != self.vehicle
            || *command != self.cmd.command
            || !for_us
        {
            return Vec::new();
        }
        if self.tries == 1 {
            self.timer.sample(now_us.saturating_sub(self.sent_at_us));
        }
        match *r {
            result::ACCEPTED => self.outcome = Some(Ok(())),
            result::IN_PROGRESS => {
                self.progress = Some(*progress);
                self.deadline_us = now_us + IN_PROGRESS_WAIT_MS * 1_000;
            }
            result::COMMAND_INT_ONLY | result::COMMAND_LONG_ONLY
                if matches!(
                    (self.cmd.form, *r),
                    (CommandForm::Long(_), result::COMMAND_INT_ONLY)
                        | (CommandForm::Int { .. }, result::COMMAND_LONG_ONLY)
                ) =>
            {
                if self.tries > self.timer.timing().max_retries {
                    self.outcome = Some(Err(CommandError::Timeout {
                        command: self.cmd.command,
                        tries: self.tries,
                        texts: self.texts.clone(),
                    }));
                    return Vec::new();
                }
                self.cmd.form = self.cmd.other_form();
                return self.send(now_us);
            }
            other => {
                // The vehicle's explanation may trail the ACK on a reordering link: wait
                // briefly for it (unless it already came).
                if self.texts.is_empty() {
                    self.refused = Some(other);
                    self.deadline_us = now_us + EXPLANATION_WAIT_US;
                } else {
                    self.refuse(other);
                }
            }
        }
        Vec::new()
    }

    /// Handles the timeout; call when `now_us >= deadline_us()`.
    pub fn poll(&mut self, now_us: u64) -> Vec<Wire> {
        if self.outcome.is_some() || now_us < self.deadline_us {
            return Vec::new();
        }
        if let Some(r) = self.refused {
            self.refuse(r);
            return Vec::new();
        }
        if self.progress.is_some() || self.tries > self.timer.timing().max_retries {
            self.outcome = Some(Err(CommandError::Timeout {
                command: self.cmd.command,
                tries: self.tries,
                texts: self.texts.clone(),
            }));
            return Vec::new();
        }
        self.timer.backoff();
        self.confirmation = self.confirmation.saturating_add(1);
        self.send(now_us)
    }

    /// When to call [`CommandTransaction::poll`] (µs), while pending.
    pub fn deadline_us(&self) -> Option<u64> {
        self.outcome.is_none().then_some(self.deadline_us)
    }

    /// Progress of an IN_PROGRESS command (percent, 255 = unknown).
    pub fn progress(&self) -> Option<u8> {
        self.progress
    }

    /// The result once finished.
    pub fn outcome(&self) -> Option<&Result<(), CommandError>> {
        self.outcome.as_ref()
    }
}

#[cfg(test)]
#[path = "command_tests.rs"]
mod tests;
