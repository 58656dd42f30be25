//! Flight-mode names and numbers, both ways, for ArduPilot (Copter, Plane, Rover, Sub) and PX4.
//!
//! A HEARTBEAT carries the mode as a firmware-specific `custom_mode` number; users think in
//! names ("LOITER", "Position"). Every status card, timeline entry and the mode selector go
//! through this module, and so does every SET_MODE / MAV_CMD_DO_SET_MODE we send.
//!
//! Sources checked (November 2026): ArduPilot `ArduCopter/mode.h`, `ArduPlane/mode.h`,
//! `Rover/mode.h`, `ArduSub/mode.h` (enum `Mode::Number`), the COPTER_MODE / PLANE_MODE /
//! ROVER_MODE / SUB_MODE enums of the ardupilotmega dialect in the mavlink crate 0.21, and
//! pymavlink 2.4.50 `mode_mapping_*` (which adds Copter RATE_ACRO = 29 and the retired Copter
//! POSITION = 8, OF_LOITER = 10 and Rover LEARNING = 2 that old logs still contain). PX4 tables
//! are in [`super::px4_modes`].
//!
//! VTOL (quadplane) uses the Plane table, helicopters the Copter table, boats the Rover table.

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

/// Whether a mode belongs in a mode selector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Offer {
    /// Offered to the user.
    Yes,
    /// Offered only for VTOL-capable vehicles (ArduPlane Q modes).
    Vtol,
    /// Reported by the vehicle but not selectable (initialising, retired, failsafe-only).
    No,
}

/// One row of a mode table.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ModeEntry {
    pub(crate) number: u32,
    pub(crate) name: &'static str,
    pub(crate) offer: Offer,
}

const fn m(number: u32, name: &'static str, offer: Offer) -> ModeEntry {
    ModeEntry {
        number,
        name,
        offer,
    }
}

use Offer::{No, Vtol, Yes};

/// ArduCopter (and traditional helicopter), in selector order.
const COPTER: &[ModeEntry] = &[
    m(0, "STABILIZE", Yes),
    m(2, "ALT_HOLD", Yes),
    m(5, "LOITER", Yes),
    m(16, "POSHOLD", Yes),
    m(3, "AUTO", Yes),
    m(4, "GUIDED", Yes),
    m(6, "RTL", Yes),
    m(21, "SMART_RTL", Yes),
    m(9, "LAND", Yes),
    m(17, "BRAKE", Yes),
    m(7, "CIRCLE", Yes),
    m(1, "ACRO", Yes),
    m(13, "SPORT", Yes),
    m(11, "DRIFT", Yes),
    m(14, "FLIP", Yes),
    m(15, "AUTOTUNE", Yes),
    m(18, "THROW", Yes),
    m(20, "GUIDED_NOGPS", Yes),
    m(22, "FLOWHOLD", Yes),
    m(23, "FOLLOW", Yes),
    m(24, "ZIGZAG", Yes),
    m(25, "SYSTEMID", Yes),
    m(26, "AUTOROTATE", Yes),
    m(27, "AUTO_RTL", Yes),
    m(28, "TURTLE", Yes),
    m(29, "RATE_ACRO", Yes),
    m(19, "AVOID_ADSB", No),
    m(8, "POSITION", No),
    m(10, "OF_LOITER", No),
];

/// ArduPlane (and QuadPlane VTOL), in selector order.
const PLANE: &[ModeEntry] = &[
    m(0, "MANUAL", Yes),
    m(5, "FBWA", Yes),
    m(6, "FBWB", Yes),
    m(7, "CRUISE", Yes),
    m(10, "AUTO", Yes),
    m(11, "RTL", Yes),
    m(12, "LOITER", Yes),
    m(1, "CIRCLE", Yes),
    m(15, "GUIDED", Yes),
    m(13, "TAKEOFF", Yes),
    m(26, "AUTOLAND", Yes),
    m(2, "STABILIZE", Yes),
    m(3, "TRAINING", Yes),
    m(4, "ACRO", Yes),
    m(8, "AUTOTUNE", Yes),
    m(24, "THERMAL", Yes),
    m(17, "QSTABILIZE", Vtol),
    m(18, "QHOVER", Vtol),
    m(19, "QLOITER", Vtol),
    m(20, "QLAND", Vtol),
    m(21, "QRTL", Vtol),
    m(22, "QAUTOTUNE", Vtol),
    m(23, "QACRO", Vtol),
    m(25, "LOITER_ALT_QLAND", Vtol),
    m(14, "AVOID_ADSB", No),
    m(16, "INITIALISING", No),
];

/// ArduRover (and boats), in selector order.
const ROVER: &[ModeEntry] = &[
    m(0, "MANUAL", Yes),
    m(4, "HOLD", Yes),
    m(10, "AUTO", Yes),
    m(15, "GUIDED", Yes),
    m(11, "RTL", Yes),
    m(12, "SMART_RTL", Yes),
    m(5, "LOITER", Yes),
    m(3, "STEERING", Yes),
    m(1, "ACRO", Yes),
    m(6, "FOLLOW", Yes),
    m(7, "SIMPLE", Yes),
    m(9, "CIRCLE", Yes),
    m(8, "DOCK", Yes),
    m(2, "LEARNING", No),
    m(16, "INITIALISING", No),
];

/// ArduSub, in selector order.
const SUB: &[ModeEntry] = &[
    m(19, "MANUAL", Yes),
    m(0, "STABILIZE", Yes),
    m(2, "ALT_HOLD", Yes),
    m(16, "POSHOLD", Yes),
    m(3, "AUTO", Yes),
    m(4, "GUIDED", Yes),
    m(7, "CIRCLE", Yes),
    m(9, "SURFACE", Yes),
    m(1, "ACRO", Yes),
    m(21, "SURFTRAK", Yes),
    m(20, "MOTORDETECT", Yes),
];

/// Other spellings users and other tools use (normalized, see [`normalize`]).
const PLANE_ALIASES: &[(&str, u32)] = &[("FLYBYWIREA", 5), ("FLYBYWIREB", 6), ("INITIALIZING", 16)];
const ROVER_ALIASES: &[(&str, u32)] = &[("INITIALIZING", 16)];
const NO_ALIASES: &[(&str, u32)] = &[];

/// A mode table with its extra spellings.
type Table = (&'static [ModeEntry], &'static [(&'static str, u32)]);

/// The ArduPilot table and aliases for a vehicle class (`None`: no table, e.g. a tracker).
fn ardupilot_table(class: VehicleClass) -> Option<Table> {
    match class {
        VehicleClass::Copter | VehicleClass::Heli => Some((COPTER, NO_ALIASES)),
        VehicleClass::Plane | VehicleClass::Vtol => Some((PLANE, PLANE_ALIASES)),
        VehicleClass::Rover | VehicleClass::Boat => Some((ROVER, ROVER_ALIASES)),
        VehicleClass::Sub => Some((SUB, NO_ALIASES)),
        VehicleClass::Other => None,
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
        Autopilot::ArduPilot => ardupilot_table(class).and_then(|(table, _)| {
            table
                .iter()
                .find(|e| e.number == custom_mode)
                .map(|e| e.name)
        }),
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
        Autopilot::ArduPilot => {
            let (table, aliases) = ardupilot_table(class)?;
            table
                .iter()
                .find(|e| normalize(e.name) == key)
                .map(|e| e.number)
                .or_else(|| aliases.iter().find(|(a, _)| *a == key).map(|(_, n)| *n))
                .map(ModeNumber::ardupilot)
        }
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
        Autopilot::ArduPilot => ardupilot_table(class)
            .map(|(table, _)| {
                table
                    .iter()
                    .filter(|e| match e.offer {
                        Offer::Yes => true,
                        Offer::Vtol => class == VehicleClass::Vtol,
                        Offer::No => false,
                    })
                    .map(|e| e.name)
                    .collect()
            })
            .unwrap_or_default(),
        Autopilot::Px4 => px4_modes::selectable_names(),
        Autopilot::Other(_) => Vec::new(),
    }
}

/// Every (class, custom_mode, name) the tables know, for tests and documentation.
#[cfg(test)]
pub(crate) fn all_ardupilot_entries() -> Vec<(VehicleClass, u32, &'static str)> {
    let mut out = Vec::new();
    for class in [
        VehicleClass::Copter,
        VehicleClass::Plane,
        VehicleClass::Rover,
        VehicleClass::Sub,
    ] {
        if let Some((table, _)) = ardupilot_table(class) {
            out.extend(table.iter().map(|e| (class, e.number, e.name)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    const AP: Autopilot = Autopilot::ArduPilot;

    #[test]
    fn ardupilot_round_trip_every_entry() {
        for (class, number, name) in all_ardupilot_entries() {
            assert_eq!(mode_name(AP, class, number, 1), name);
            let n = mode_number(AP, class, name).expect(name);
            assert_eq!(n.custom_mode, number, "{class} {name}");
            assert_eq!(n, ModeNumber::ardupilot(number));
            assert_eq!(mode_number(AP, class, &name.to_lowercase()), Some(n));
        }
    }

    #[test]
    fn tables_have_unique_numbers_and_names() {
        for table in [COPTER, PLANE, ROVER, SUB] {
            let numbers: BTreeSet<u32> = table.iter().map(|e| e.number).collect();
            let names: BTreeSet<String> = table.iter().map(|e| normalize(e.name)).collect();
            assert_eq!(numbers.len(), table.len());
            assert_eq!(names.len(), table.len());
        }
    }

    #[test]
    fn copter_matches_ardupilot_mode_h() {
        let expect = [
            (0, "STABILIZE"),
            (1, "ACRO"),
            (2, "ALT_HOLD"),
            (3, "AUTO"),
            (4, "GUIDED"),
            (5, "LOITER"),
            (6, "RTL"),
            (7, "CIRCLE"),
            (9, "LAND"),
            (11, "DRIFT"),
            (13, "SPORT"),
            (14, "FLIP"),
            (15, "AUTOTUNE"),
            (16, "POSHOLD"),
            (17, "BRAKE"),
            (18, "THROW"),
            (19, "AVOID_ADSB"),
            (20, "GUIDED_NOGPS"),
            (21, "SMART_RTL"),
            (22, "FLOWHOLD"),
            (23, "FOLLOW"),
            (24, "ZIGZAG"),
            (25, "SYSTEMID"),
            (26, "AUTOROTATE"),
            (27, "AUTO_RTL"),
            (28, "TURTLE"),
        ];
        for (n, name) in expect {
            assert_eq!(mode_name(AP, VehicleClass::Copter, n, 1), name);
            assert_eq!(mode_name(AP, VehicleClass::Heli, n, 1), name);
        }
    }

    #[test]
    fn plane_matches_ardupilot_mode_h() {
        let expect = [
            (0, "MANUAL"),
            (1, "CIRCLE"),
            (2, "STABILIZE"),
            (3, "TRAINING"),
            (4, "ACRO"),
            (5, "FBWA"),
            (6, "FBWB"),
            (7, "CRUISE"),
            (8, "AUTOTUNE"),
            (10, "AUTO"),
            (11, "RTL"),
            (12, "LOITER"),
            (13, "TAKEOFF"),
            (14, "AVOID_ADSB"),
            (15, "GUIDED"),
            (16, "INITIALISING"),
            (17, "QSTABILIZE"),
            (18, "QHOVER"),
            (19, "QLOITER"),
            (20, "QLAND"),
            (21, "QRTL"),
            (22, "QAUTOTUNE"),
            (23, "QACRO"),
            (24, "THERMAL"),
            (25, "LOITER_ALT_QLAND"),
            (26, "AUTOLAND"),
        ];
        for (n, name) in expect {
            assert_eq!(mode_name(AP, VehicleClass::Plane, n, 1), name);
            assert_eq!(mode_name(AP, VehicleClass::Vtol, n, 1), name);
        }
    }

    #[test]
    fn rover_and_sub() {
        assert_eq!(mode_name(AP, VehicleClass::Rover, 4, 1), "HOLD");
        assert_eq!(mode_name(AP, VehicleClass::Boat, 12, 1), "SMART_RTL");
        assert_eq!(mode_name(AP, VehicleClass::Rover, 9, 1), "CIRCLE");
        assert_eq!(mode_name(AP, VehicleClass::Sub, 19, 1), "MANUAL");
        assert_eq!(mode_name(AP, VehicleClass::Sub, 21, 1), "SURFTRAK");
        assert_eq!(
            mode_number(AP, VehicleClass::Sub, "motor_detect").map(|n| n.custom_mode),
            Some(20)
        );
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
