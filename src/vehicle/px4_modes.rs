//! PX4 flight modes: `custom_mode = main_mode << 16 | sub_mode << 24`, named as QGroundControl
//! names them, so users moving from QGC see the words they know.
//!
//! Sources checked: PX4-Autopilot `src/modules/commander/px4_custom_mode.h` (main modes
//! MANUAL 1, ALTCTL 2, POSCTL 3, AUTO 4, ACRO 5, OFFBOARD 6, STABILIZED 7, RATTITUDE 8,
//! SIMPLE 9, TERMINATION 10; AUTO sub modes READY 1, TAKEOFF 2, LOITER 3, MISSION 4, RTL 5,
//! LAND 6, RTGS 7 (retired 2020), FOLLOW_TARGET 8, PRECLAND 9, VTOL_TAKEOFF 10; POSCTL sub
//! modes POSCTL 0, ORBIT 1, SLOW 2), and QGroundControl `PX4FirmwarePlugin.cc` for the names.

/// `custom_mode` from PX4 main and sub mode.
pub const fn custom_mode(main: u8, sub: u8) -> u32 {
    (main as u32) << 16 | (sub as u32) << 24
}

/// One PX4 mode: main mode, sub mode, QGC name, other accepted spellings (normalized), and
/// whether a mode selector offers it.
struct Px4Mode {
    main: u8,
    sub: u8,
    name: &'static str,
    aliases: &'static [&'static str],
    selectable: bool,
}

const MAIN_MANUAL: u8 = 1;
const MAIN_ALTCTL: u8 = 2;
const MAIN_POSCTL: u8 = 3;
const MAIN_AUTO: u8 = 4;
const MAIN_ACRO: u8 = 5;
const MAIN_OFFBOARD: u8 = 6;
const MAIN_STABILIZED: u8 = 7;
const MAIN_RATTITUDE: u8 = 8;
const MAIN_SIMPLE: u8 = 9;
const MAIN_TERMINATION: u8 = 10;

const fn p(
    main: u8,
    sub: u8,
    name: &'static str,
    aliases: &'static [&'static str],
    selectable: bool,
) -> Px4Mode {
    Px4Mode {
        main,
        sub,
        name,
        aliases,
        selectable,
    }
}

/// In selector order (QGC's order).
const MODES: &[Px4Mode] = &[
    p(MAIN_MANUAL, 0, "Manual", &[], true),
    p(MAIN_STABILIZED, 0, "Stabilized", &[], true),
    p(MAIN_ACRO, 0, "Acro", &[], true),
    p(MAIN_RATTITUDE, 0, "Rattitude", &[], true),
    p(MAIN_ALTCTL, 0, "Altitude", &["ALTCTL"], true),
    p(MAIN_POSCTL, 0, "Position", &["POSCTL"], true),
    p(MAIN_POSCTL, 1, "Orbit", &["POSCTLORBIT"], false),
    p(MAIN_POSCTL, 2, "Position Slow", &["POSCTLSLOW"], false),
    p(MAIN_OFFBOARD, 0, "Offboard", &[], true),
    p(MAIN_AUTO, 3, "Hold", &["LOITER", "AUTOLOITER"], true),
    p(MAIN_AUTO, 4, "Mission", &["AUTOMISSION"], true),
    p(MAIN_AUTO, 5, "Return", &["RTL", "AUTORTL"], true),
    p(MAIN_AUTO, 6, "Land", &["AUTOLAND"], true),
    p(
        MAIN_AUTO,
        9,
        "Precision Land",
        &["PRECLAND", "AUTOPRECLAND"],
        true,
    ),
    p(MAIN_AUTO, 2, "Takeoff", &["AUTOTAKEOFF"], true),
    p(
        MAIN_AUTO,
        8,
        "Follow Me",
        &["FOLLOWME", "FOLLOWTARGET", "AUTOFOLLOWTARGET"],
        true,
    ),
    p(MAIN_AUTO, 10, "VTOL Takeoff", &["AUTOVTOLTAKEOFF"], false),
    p(MAIN_AUTO, 1, "Ready", &["AUTOREADY"], false),
    p(
        MAIN_AUTO,
        7,
        "Return to Groundstation",
        &["RTGS", "AUTORTGS"],
        false,
    ),
    p(MAIN_SIMPLE, 0, "Simple", &[], false),
    p(MAIN_TERMINATION, 0, "Termination", &[], false),
];

/// The QGC name of a PX4 `custom_mode`, if known. For main modes without sub modes the sub
/// byte is ignored, as PX4 leaves it zero.
pub(crate) fn name(custom_mode: u32) -> Option<&'static str> {
    let [_, _, main, sub] = custom_mode.to_le_bytes();
    let has_sub_modes = main == MAIN_AUTO || main == MAIN_POSCTL;
    MODES
        .iter()
        .find(|m| m.main == main && (!has_sub_modes || m.sub == sub))
        .map(|m| m.name)
}

/// Main and sub mode for a normalized name (see `modes::normalize`).
pub(crate) fn number(normalized: &str) -> Option<(u8, u8)> {
    MODES
        .iter()
        .find(|m| super::modes::normalize(m.name) == normalized || m.aliases.contains(&normalized))
        .map(|m| (m.main, m.sub))
}

/// Names offered in a mode selector.
pub(crate) fn selectable_names() -> Vec<&'static str> {
    MODES
        .iter()
        .filter(|m| m.selectable)
        .map(|m| m.name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vehicle::ids::{Autopilot, VehicleClass};
    use crate::vehicle::modes::{ModeNumber, mode_name, mode_number, normalize};

    const PX4: Autopilot = Autopilot::Px4;

    #[test]
    fn round_trip_every_entry() {
        for m in MODES {
            let cm = custom_mode(m.main, m.sub);
            for class in [
                VehicleClass::Copter,
                VehicleClass::Plane,
                VehicleClass::Vtol,
            ] {
                assert_eq!(mode_name(PX4, class, cm, 1), m.name);
                let n = mode_number(PX4, class, m.name).expect(m.name);
                assert_eq!(n.custom_mode, cm);
                assert_eq!(n, ModeNumber::px4(m.main, m.sub));
            }
            for alias in m.aliases {
                assert_eq!(number(alias), Some((m.main, m.sub)), "{alias}");
                assert_eq!(normalize(alias), *alias, "aliases are stored normalized");
            }
        }
    }

    #[test]
    fn values_seen_in_px4_tlogs() {
        // px4_1.11.3_real_2022 hexa: 65536, 131072, 196608, 50593792.
        let c = VehicleClass::Copter;
        assert_eq!(mode_name(PX4, c, 65_536, 81), "Manual");
        assert_eq!(mode_name(PX4, c, 131_072, 81), "Altitude");
        assert_eq!(mode_name(PX4, c, 196_608, 89), "Position");
        assert_eq!(mode_name(PX4, c, 50_593_792, 29), "Hold");
    }

    #[test]
    fn lenient_names() {
        let c = VehicleClass::Copter;
        for s in [
            "Precision Land",
            "precision_land",
            "PRECISION-LAND",
            "precland",
        ] {
            assert_eq!(mode_number(PX4, c, s), Some(ModeNumber::px4(4, 9)), "{s}");
        }
        assert_eq!(
            mode_number(PX4, c, "AUTO.MISSION"),
            Some(ModeNumber::px4(4, 4))
        );
        assert_eq!(mode_number(PX4, c, "posctl"), Some(ModeNumber::px4(3, 0)));
        assert_eq!(
            mode_number(PX4, c, "follow me"),
            Some(ModeNumber::px4(4, 8))
        );
        assert_eq!(mode_number(PX4, c, "hold"), Some(ModeNumber::px4(4, 3)));
    }

    #[test]
    fn unknown_px4_values() {
        let c = VehicleClass::Copter;
        assert_eq!(mode_name(PX4, c, 0, 1), "Mode(0)");
        let odd = custom_mode(MAIN_AUTO, 42);
        assert_eq!(mode_name(PX4, c, odd, 1), format!("Mode({odd})"));
        assert_eq!(
            mode_number(PX4, c, &format!("Mode({odd})")),
            Some(ModeNumber::px4(MAIN_AUTO, 42))
        );
        // Main modes without sub modes ignore the sub byte.
        assert_eq!(mode_name(PX4, c, custom_mode(MAIN_MANUAL, 5), 1), "Manual");
    }
}
