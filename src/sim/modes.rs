//! ArduCopter and ArduPlane flight-mode numbers (HEARTBEAT `custom_mode`) and the rules the
//! simulator applies to them: which are simulated, which allow arming, which need a position.
//! Numbers and names follow ArduPilot's `mode.h` so a ground station's mode tables just work.

use super::config::Airframe;

/// ArduCopter `custom_mode` numbers.
pub mod copter_mode {
    /// Manual attitude and throttle (no pilot here: hovers level, drifts with the wind).
    pub const STABILIZE: u32 = 0;
    /// Manual attitude, automatic altitude.
    pub const ALT_HOLD: u32 = 2;
    /// Mission.
    pub const AUTO: u32 = 3;
    /// Commands from the ground station.
    pub const GUIDED: u32 = 4;
    /// Position hold.
    pub const LOITER: u32 = 5;
    /// Return to launch, land, disarm.
    pub const RTL: u32 = 6;
    /// Land in place, disarm.
    pub const LAND: u32 = 9;
    /// Position hold with pilot override (simulated as LOITER).
    pub const POSHOLD: u32 = 16;
    /// Stop and hold position.
    pub const BRAKE: u32 = 17;
    /// Return retracing the path (simulated as RTL).
    pub const SMART_RTL: u32 = 21;
}

/// ArduPlane `custom_mode` numbers.
pub mod plane_mode {
    /// Manual surfaces (no pilot here: wings level, holds altitude).
    pub const MANUAL: u32 = 0;
    /// Gentle constant-bank circle.
    pub const CIRCLE: u32 = 1;
    /// Stabilised manual.
    pub const STABILIZE: u32 = 2;
    /// Fly-by-wire A.
    pub const FBWA: u32 = 5;
    /// Fly-by-wire B.
    pub const FBWB: u32 = 6;
    /// Cruise.
    pub const CRUISE: u32 = 7;
    /// Mission.
    pub const AUTO: u32 = 10;
    /// Return to launch and loiter over home.
    pub const RTL: u32 = 11;
    /// Loiter around the current position.
    pub const LOITER: u32 = 12;
    /// Take off and climb to `TKOFF_ALT`, then loiter.
    pub const TAKEOFF: u32 = 13;
    /// Commands from the ground station.
    pub const GUIDED: u32 = 15;
}

/// What the simulator knows about one mode number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModeInfo {
    /// ArduPilot's name for the mode (as in its STATUSTEXTs).
    pub name: &'static str,
    /// The simulator flies this mode (others exist in ArduPilot but are refused here).
    pub simulated: bool,
    /// ArduPilot allows arming in this mode.
    pub armable: bool,
    /// The mode needs a position estimate (GPS fix) to be entered while armed.
    pub requires_position: bool,
}

const fn info(name: &'static str, simulated: bool, armable: bool, pos: bool) -> ModeInfo {
    ModeInfo {
        name,
        simulated,
        armable,
        requires_position: pos,
    }
}

/// Facts about `mode` for `airframe`, or `None` when ArduPilot has no such mode.
pub fn mode_info(airframe: Airframe, mode: u32) -> Option<ModeInfo> {
    match airframe {
        Airframe::Copter => copter_info(mode),
        Airframe::Plane => plane_info(mode),
    }
}

/// ArduPilot's name for `mode`, if it exists.
pub fn mode_name(airframe: Airframe, mode: u32) -> Option<&'static str> {
    mode_info(airframe, mode).map(|i| i.name)
}

fn copter_info(mode: u32) -> Option<ModeInfo> {
    Some(match mode {
        0 => info("STABILIZE", true, true, false),
        1 => info("ACRO", false, true, false),
        2 => info("ALT_HOLD", true, true, false),
        3 => info("AUTO", true, false, true),
        4 => info("GUIDED", true, true, true),
        5 => info("LOITER", true, true, true),
        6 => info("RTL", true, false, true),
        7 => info("CIRCLE", false, false, true),
        9 => info("LAND", true, false, false),
        11 => info("DRIFT", false, true, true),
        13 => info("SPORT", false, true, false),
        14 => info("FLIP", false, false, false),
        15 => info("AUTOTUNE", false, false, false),
        16 => info("POSHOLD", true, true, true),
        17 => info("BRAKE", true, false, true),
        18 => info("THROW", false, true, true),
        19 => info("AVOID_ADSB", false, false, true),
        20 => info("GUIDED_NOGPS", false, true, false),
        21 => info("SMARTRTL", true, false, true),
        22 => info("FLOWHOLD", false, true, false),
        23 => info("FOLLOW", false, false, true),
        24 => info("ZIGZAG", false, true, true),
        25 => info("SYSTEMID", false, false, false),
        26 => info("AUTOROTATE", false, false, false),
        27 => info("AUTO RTL", false, false, true),
        28 => info("TURTLE", false, true, false),
        _ => return None,
    })
}

fn plane_info(mode: u32) -> Option<ModeInfo> {
    Some(match mode {
        0 => info("MANUAL", true, true, false),
        1 => info("CIRCLE", true, true, false),
        2 => info("STABILIZE", true, true, false),
        3 => info("TRAINING", false, true, false),
        4 => info("ACRO", false, true, false),
        5 => info("FBWA", true, true, false),
        6 => info("FBWB", true, true, false),
        7 => info("CRUISE", true, true, false),
        8 => info("AUTOTUNE", false, true, false),
        10 => info("AUTO", true, true, true),
        11 => info("RTL", true, false, true),
        12 => info("LOITER", true, true, true),
        13 => info("TAKEOFF", true, true, true),
        14 => info("AVOID_ADSB", false, true, true),
        15 => info("GUIDED", true, true, true),
        17 => info("QSTABILIZE", false, true, false),
        18 => info("QHOVER", false, true, false),
        19 => info("QLOITER", false, true, true),
        20 => info("QLAND", false, false, false),
        21 => info("QRTL", false, false, true),
        22 => info("QAUTOTUNE", false, true, false),
        23 => info("QACRO", false, true, false),
        24 => info("THERMAL", false, true, true),
        25 => info("LOITERALTQLAND", false, false, true),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copter_arming_rules_match_arducopter() {
        for m in [
            copter_mode::AUTO,
            copter_mode::RTL,
            copter_mode::LAND,
            copter_mode::BRAKE,
        ] {
            assert!(
                !mode_info(Airframe::Copter, m).is_some_and(|i| i.armable),
                "{m}"
            );
        }
        for m in [
            copter_mode::STABILIZE,
            copter_mode::GUIDED,
            copter_mode::LOITER,
        ] {
            assert!(mode_info(Airframe::Copter, m).is_some_and(|i| i.armable && i.simulated));
        }
        assert_eq!(mode_name(Airframe::Copter, 8), None);
        assert_eq!(
            mode_name(Airframe::Plane, plane_mode::TAKEOFF),
            Some("TAKEOFF")
        );
        assert!(!mode_info(Airframe::Plane, plane_mode::RTL).is_some_and(|i| i.armable));
    }
}
