//! Flight-mode names and numbers, both ways, for ArduPilot (Copter, Plane, Rover, Sub) and PX4.
//!
//! A HEARTBEAT carries the mode as a firmware-specific `custom_mode` number; users think in
//! names ("LOITER", "Position"). Every status card, timeline entry and the mode selector go
//! through this module, and so does every SET_MODE / MAV_CMD_DO_SET_MODE we send.
//!
//! The tables are in [`super::ardupilot_modes`] and [`super::px4_modes`], with their sources.

use super::ardupilot_modes;
use super::ids::{Autopilot, VehicleClass};
use super::px4_modes;

/// MAV_MODE_FLAG_CUSTOM_MODE_ENABLED: `custom_mode` holds the firmware-specific mode.
pub const MODE_FLAG_CUSTOM_MODE_ENABLED: u8 = 1;
/// MAV_MODE_FLAG_SAFETY_ARMED: the vehicle is armed.
pub const MODE_FLAG_SAFETY_ARMED: u8 = 128;

/// Everything a SET_MODE message or a MAV_CMD_DO_SET_MODE command needs to select a mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ModeNumber {
    /// HEARTBEAT / SET_MODE `custom_mode` value.
    pub custom_mode: u32,
    /// SET_MODE `base_mode` (always has MAV_MODE_FLAG_CUSTOM_MODE_ENABLED).
    pub base_mode: u8,
    /// PX4 main mode (MAV_CMD_DO_SET_MODE param2), `None` for ArduPilot.
    pub px4_main: Option<u8>,
    /// PX4 sub mode (MAV_CMD_DO_SET_MODE param3), `None` for ArduPilot.
    pub px4_sub: Option<u8>,
}

impl ModeNumber {
    /// An ArduPilot mode: `custom_mode` is the mode number.
    pub const fn ardupilot(number: u32) -> Self {
        Self {
            custom_mode: number,
            base_mode: MODE_FLAG_CUSTOM_MODE_ENABLED,
            px4_main: None,
            px4_sub: None,
        }
    }

    /// A PX4 mode: `custom_mode = main << 16 | sub << 24`.
    pub const fn px4(main: u8, sub: u8) -> Self {
        Self {
            custom_mode: px4_modes::custom_mode(main, sub),
            base_mode: MODE_FLAG_CUSTOM_MODE_ENABLED,
            px4_main: Some(main),
            px4_sub: Some(sub),
        }
    }

    /// Params 1-3 of MAV_CMD_DO_SET_MODE: base mode, then the custom mode (ArduPilot) or the
    /// PX4 main and sub mode.
    pub fn do_set_mode_params(&self) -> [f32; 3] {
        match (self.px4_main, self.px4_sub) {
            (Some(main), sub) => [
                f32::from(self.base_mode),
                f32::from(main),
                f32::from(sub.unwrap_or(0)),
            ],
            // ArduPilot mode numbers are small; f32 holds every u32 below 2^24 exactly.
            _ => [f32::from(self.base_mode), self.custom_mode as f32, 0.0],
        }
    }
}

/// Uppercase letters and digits only: "Precision Land", "PRECISION_LAND" and "precision-land"
/// all become "PRECISIONLAND"; "AUTO.LOITER" becomes "AUTOLOITER".
pub(crate) fn normalize(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The name of a mode for display. Unknown numbers give `"Mode(<custom_mode>)"`.
///
/// ArduPilot and PX4 use `custom_mode`; other autopilots without the custom-mode flag get a
/// generic name from the standard `base_mode` flags ("Auto", "Guided", "Stabilize", "Manual").
pub fn mode_name(
    autopilot: Autopilot,
    class: VehicleClass,
    custom_mode: u32,
    base_mode: u8,
) -> String {
    let known = match autopilot {
        Autopilot::ArduPilot => ardupilot_modes::name(class, custom_mode),
        Autopilot::Px4 => px4_modes::name(custom_mode),
        Autopilot::Other(_) => generic_name(base_mode),
    };
    match known {
        Some(name) => name.to_owned(),
        None => format!("Mode({custom_mode})"),
    }
}

/// Name from the standard MAV_MODE_FLAG bits, for autopilots without a custom-mode table.
fn generic_name(base_mode: u8) -> Option<&'static str> {
    const AUTO: u8 = 4;
    const GUIDED: u8 = 8;
    const STABILIZE: u8 = 16;
    const MANUAL: u8 = 64;
    if base_mode & MODE_FLAG_CUSTOM_MODE_ENABLED != 0 {
        None
    } else if base_mode & AUTO != 0 {
        Some("Auto")
    } else if base_mode & GUIDED != 0 {
        Some("Guided")
    } else if base_mode & STABILIZE != 0 {
        Some("Stabilize")
    } else if base_mode & MANUAL != 0 {
        Some("Manual")
    } else {
        None
    }
}

/// The number of a mode by name: case-insensitive, spaces, underscores, dots and dashes
/// ignored ("loiter", "Loiter", "smart rtl", "Precision_Land", "AUTO.MISSION" all work).
/// Also accepts `"Mode(<n>)"` as printed by [`mode_name`] for modes missing from the tables.
pub fn mode_number(autopilot: Autopilot, class: VehicleClass, name: &str) -> Option<ModeNumber> {
    let key = normalize(name);
    let found = match autopilot {
        Autopilot::ArduPilot => ardupilot_modes::number(class, &key).map(ModeNumber::ardupilot),
        Autopilot::Px4 => px4_modes::number(&key).map(|(main, sub)| ModeNumber::px4(main, sub)),
        Autopilot::Other(_) => None,
    };
    found.or_else(|| raw_mode_number(autopilot, name))
}

/// Parses `"Mode(<n>)"`.
fn raw_mode_number(autopilot: Autopilot, name: &str) -> Option<ModeNumber> {
    let inner = name.trim().strip_prefix("Mode(")?.strip_suffix(')')?;
    let custom_mode: u32 = inner.trim().parse().ok()?;
    Some(match autopilot {
        Autopilot::Px4 => {
            let [_, _, main, sub] = custom_mode.to_le_bytes();
            ModeNumber::px4(main, sub)
        }
        _ => ModeNumber::ardupilot(custom_mode),
    })
}

/// Mode names to offer in a mode selector, most used first. Empty when the firmware has no
/// table for this class.
pub fn mode_names(autopilot: Autopilot, class: VehicleClass) -> Vec<&'static str> {
    match autopilot {
        Autopilot::ArduPilot => ardupilot_modes::selectable_names(class),
        Autopilot::Px4 => px4_modes::selectable_names(),
        Autopilot::Other(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AP: Autopilot = Autopilot::ArduPilot;

    #[test]
    fn ardupilot_round_trip_every_entry() {
        for (class, number, name) in ardupilot_modes::all_entries() {
            assert_eq!(mode_name(AP, class, number, 1), name);
            let n = mode_number(AP, class, name).expect(name);
            assert_eq!(n.custom_mode, number, "{class} {name}");
            assert_eq!(n, ModeNumber::ardupilot(number));
            assert_eq!(mode_number(AP, class, &name.to_lowercase()), Some(n));
        }
    }

    #[test]
    fn lenient_names_and_aliases() {
        let c = VehicleClass::Copter;
        for s in ["loiter", "Loiter", "LOITER", " loiter "] {
            assert_eq!(mode_number(AP, c, s).map(|n| n.custom_mode), Some(5));
        }
        assert_eq!(
            mode_number(AP, c, "smart rtl").map(|n| n.custom_mode),
            Some(21)
        );
        let p = VehicleClass::Plane;
        assert_eq!(
            mode_number(AP, p, "fly_by_wire_a").map(|n| n.custom_mode),
            Some(5)
        );
        assert_eq!(
            mode_number(AP, p, "LOITERALTQLAND").map(|n| n.custom_mode),
            Some(25)
        );
        assert_eq!(
            mode_number(AP, p, "Initializing").map(|n| n.custom_mode),
            Some(16)
        );
        assert_eq!(mode_number(AP, c, "FBWA"), None);
        assert_eq!(mode_number(AP, c, "nonsense"), None);
    }

    #[test]
    fn unknown_numbers_print_and_parse_back() {
        let name = mode_name(AP, VehicleClass::Copter, 42, 1);
        assert_eq!(name, "Mode(42)");
        assert_eq!(
            mode_number(AP, VehicleClass::Copter, &name),
            Some(ModeNumber::ardupilot(42))
        );
        assert_eq!(mode_name(AP, VehicleClass::Other, 3, 1), "Mode(3)");
        assert_eq!(
            mode_name(Autopilot::Other(0), VehicleClass::Copter, 7, 1),
            "Mode(7)"
        );
        assert_eq!(
            mode_name(Autopilot::Other(0), VehicleClass::Copter, 0, 4 | 16),
            "Auto"
        );
    }

    #[test]
    fn selector_lists() {
        let copter = mode_names(AP, VehicleClass::Copter);
        assert_eq!(copter.first(), Some(&"STABILIZE"));
        assert!(copter.contains(&"LOITER") && !copter.contains(&"AVOID_ADSB"));
        let plane = mode_names(AP, VehicleClass::Plane);
        assert!(plane.contains(&"FBWA") && !plane.contains(&"QLOITER"));
        assert!(!plane.contains(&"INITIALISING"));
        let vtol = mode_names(AP, VehicleClass::Vtol);
        assert!(vtol.contains(&"QLOITER") && vtol.contains(&"FBWA"));
        assert!(mode_names(AP, VehicleClass::Other).is_empty());
        assert!(mode_names(Autopilot::Px4, VehicleClass::Copter).contains(&"Position"));
        for class in [
            VehicleClass::Copter,
            VehicleClass::Vtol,
            VehicleClass::Rover,
            VehicleClass::Sub,
        ] {
            for name in mode_names(AP, class) {
                assert!(mode_number(AP, class, name).is_some(), "{name}");
            }
        }
    }

    #[test]
    fn do_set_mode_params() {
        assert_eq!(
            ModeNumber::ardupilot(5).do_set_mode_params(),
            [1.0, 5.0, 0.0]
        );
        assert_eq!(ModeNumber::px4(4, 3).do_set_mode_params(), [1.0, 4.0, 3.0]);
    }
}
