//! ArduPilot flight-mode tables: Copter (also traditional helicopters), Plane (also QuadPlane
//! VTOL), Rover (also boats) and Sub, as `custom_mode` number, name and selector offer.
//!
//! Sources checked (November 2026): ArduPilot `ArduCopter/mode.h`, `ArduPlane/mode.h`,
//! `Rover/mode.h`, `ArduSub/mode.h` (enum `Mode::Number`), the COPTER_MODE / PLANE_MODE /
//! ROVER_MODE / SUB_MODE enums of the ardupilotmega dialect in the mavlink crate 0.21, and
//! pymavlink 2.4.50 `mode_mapping_*` (which adds Copter RATE_ACRO = 29 and the retired Copter
//! POSITION = 8, OF_LOITER = 10 and Rover LEARNING = 2 that old logs still contain). Names are
//! the ones MAVProxy/pymavlink and Mission Planner show (e.g. "FBWA", where ArduPlane's
//! `Mode::name()` says "FLY_BY_WIRE_A"; that spelling is accepted as an alias).

use super::ids::VehicleClass;
use super::modes::normalize;

/// Whether a mode belongs in a mode selector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Offer {
    /// Offered to the user.
    Yes,
    /// Offered only for VTOL-capable vehicles (ArduPlane Q modes).
    Vtol,
    /// Reported by the vehicle but not selectable (initialising, retired, failsafe-only).
    No,
}

/// One row of a mode table.
#[derive(Debug, Clone, Copy)]
struct ModeEntry {
    number: u32,
    name: &'static str,
    offer: Offer,
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

/// Other spellings users and other tools use (normalized, see `modes::normalize`).
const PLANE_ALIASES: &[(&str, u32)] = &[("FLYBYWIREA", 5), ("FLYBYWIREB", 6), ("INITIALIZING", 16)];
const ROVER_ALIASES: &[(&str, u32)] = &[("INITIALIZING", 16)];
const NO_ALIASES: &[(&str, u32)] = &[];

/// A mode table with its extra spellings.
type Table = (&'static [ModeEntry], &'static [(&'static str, u32)]);

/// The ArduPilot table and aliases for a vehicle class (`None`: no table, e.g. a tracker).
fn table(class: VehicleClass) -> Option<Table> {
    match class {
        VehicleClass::Copter | VehicleClass::Heli => Some((COPTER, NO_ALIASES)),
        VehicleClass::Plane | VehicleClass::Vtol => Some((PLANE, PLANE_ALIASES)),
        VehicleClass::Rover | VehicleClass::Boat => Some((ROVER, ROVER_ALIASES)),
        VehicleClass::Sub => Some((SUB, NO_ALIASES)),
        VehicleClass::Other => None,
    }
}

/// The name of `custom_mode` for a vehicle class.
pub(crate) fn name(class: VehicleClass, custom_mode: u32) -> Option<&'static str> {
    let (entries, _) = table(class)?;
    entries
        .iter()
        .find(|e| e.number == custom_mode)
        .map(|e| e.name)
}

/// The mode number for a normalized name or alias.
pub(crate) fn number(class: VehicleClass, normalized: &str) -> Option<u32> {
    let (entries, aliases) = table(class)?;
    entries
        .iter()
        .find(|e| normalize(e.name) == normalized)
        .map(|e| e.number)
        .or_else(|| {
            aliases
                .iter()
                .find(|(a, _)| *a == normalized)
                .map(|(_, n)| *n)
        })
}

/// Names to offer in a mode selector for this class, most used first.
pub(crate) fn selectable_names(class: VehicleClass) -> Vec<&'static str> {
    let Some((entries, _)) = table(class) else {
        return Vec::new();
    };
    entries
        .iter()
        .filter(|e| match e.offer {
            Offer::Yes => true,
            Offer::Vtol => class == VehicleClass::Vtol,
            Offer::No => false,
        })
        .map(|e| e.name)
        .collect()
}

/// Every (class, custom_mode, name) the tables know.
#[cfg(test)]
pub(crate) fn all_entries() -> Vec<(VehicleClass, u32, &'static str)> {
    let mut out = Vec::new();
    for class in [
        VehicleClass::Copter,
        VehicleClass::Plane,
        VehicleClass::Rover,
        VehicleClass::Sub,
    ] {
        if let Some((entries, _)) = table(class) {
            out.extend(entries.iter().map(|e| (class, e.number, e.name)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vehicle::ids::Autopilot;
    use crate::vehicle::modes::{mode_name, mode_number};
    use std::collections::BTreeSet;

    const AP: Autopilot = Autopilot::ArduPilot;

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
}
