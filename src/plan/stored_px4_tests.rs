//! Tests of the PX4 storage model. Every expected value was read back from PX4 1.16.0 SITL (SIH
//! quad and plane) after uploading the same item with MISSION_ITEM_INT; raw results are in the
//! measurement notes (px4_storage.md, scripts and JSON in /tmp/px4store).

use crate::plan::document::{Firmware, VehicleKind};
use crate::plan::mission_item::{MissionItem, MissionType};
use crate::plan::stored::{Refusal, as_stored, refusal, stored_unchanged};
use MissionType::{Fence, Mission, Rally};
use Refusal::{Error, InvalidParam, NotFlyable, Unsupported, UnsupportedFrame};
use VehicleKind::{Copter, Other, Plane};

const LAT: i32 = 428_120_013;
const LON: i32 = 752_860_027;
/// x and y of a frame-2 item read back through a 32-bit float.
const LAT_F32: i32 = 428_120_000;
const LON_F32: i32 = 752_860_032;
/// Distinctive parameters: "A" in the measurement notes.
const A: [f32; 4] = [1.7, 2.6, 3.4, 4.3];
/// Negative parameters: "B".
const B: [f32; 4] = [-1.7, -2.6, -3.4, -4.3];
/// Large parameters: "L".
const L: [f32; 4] = [70000.7, -70000.7, 1e10, 400.5];
const NAN: f32 = f32::NAN;
const NAN4: [f32; 4] = [NAN; 4];
const INF: f32 = f32::INFINITY;
/// The NaN PX4 (x86) reads back for an infinite yaw: sign bit set.
const XNAN: f32 = f32::from_bits(0xffc0_0000);
/// Parameter 4 after PX4's yaw round trip of -4.3 and 400.5.
const YAW_B: f32 = 355.7;
const YAW_L: f32 = 40.499_99;
/// A yaw of 1e-30 after the round trip.
const TINY: f32 = 9.999_999e-31;

fn item(command: u16, frame: u8, params: [f32; 4]) -> MissionItem {
    at(bare(command, frame, params), LAT, LON, 123.45)
}

fn bare(command: u16, frame: u8, params: [f32; 4]) -> MissionItem {
    let mut it = MissionItem::default();
    (it.frame, it.command, it.params) = (frame, command, params);
    it
}

/// `it` moved to x, y, z.
fn at(mut it: MissionItem, x: i32, y: i32, z: f32) -> MissionItem {
    (it.x, it.y, it.z) = (x, y, z);
    it
}

/// `it` with the current and autocontinue flags set.
fn flags(mut it: MissionItem, current: bool, autocontinue: bool) -> MissionItem {
    (it.current, it.autocontinue) = (current, autocontinue);
    it
}

fn stored_on(vehicle: VehicleKind, kind: MissionType, it: &MissionItem) -> MissionItem {
    as_stored(Firmware::Px4, vehicle, kind, it)
}

/// The stored item, checking that quad and plane store it alike.
fn stored(kind: MissionType, it: &MissionItem) -> MissionItem {
    let s = stored_on(Copter, kind, it);
    assert_eq!(bits(s.params), bits(stored_on(Plane, kind, it).params));
    s
}

fn refused_on(vehicle: VehicleKind, kind: MissionType, it: &MissionItem) -> Option<Refusal> {
    refusal(Firmware::Px4, vehicle, kind, it)
}

fn refused(kind: MissionType, it: &MissionItem) -> Option<Refusal> {
    refused_on(Copter, kind, it)
}

/// The refusal of a mission item `command` in `frame` with parameters A.
fn why(command: u16, frame: u8) -> Option<Refusal> {
    refused(Mission, &item(command, frame, A))
}

fn not_flyable(r: Option<Refusal>) -> bool {
    matches!(r, Some(NotFlyable(_)))
}

/// Mission parameters read back for `command` in `frame` sent with `params` (upload accepted).
fn back(command: u16, frame: u8, params: [f32; 4]) -> [f32; 4] {
    let it = item(command, frame, params);
    let r = refused(Mission, &it);
    assert!(r.is_none_or(|r| r.mission_result().is_none()), "{r:?}");
    stored(Mission, &it).params
}

/// Parameters read back from list `kind` for `command` in `frame` sent with `params`.
fn kept(kind: MissionType, command: u16, frame: u8, params: [f32; 4]) -> [f32; 4] {
    stored(kind, &item(command, frame, params)).params
}

/// Parameter 1 only.
fn p1(v: f32) -> [f32; 4] {
    [v, 0.0, 0.0, 0.0]
}

fn bits(p: [f32; 4]) -> [u32; 4] {
    p.map(f32::to_bits)
}

/// Bitwise equality, so -0.0 and 0.0 differ and NaN payloads count.
fn assert_bits(got: [f32; 4], want: [f32; 4]) {
    assert_eq!(bits(got), bits(want), "got {got:?}, want {want:?}");
}

/// Sends each of `sent` as parameter `n` (0-based) of `base` and checks the read-back value.
fn each(command: u16, frame: u8, base: [f32; 4], n: usize, sent: &[f32], got: &[f32]) {
    for (s, g) in sent.iter().zip(got) {
        let mut p = base;
        p[n] = *s;
        let r = back(command, frame, p)[n];
        assert_eq!(r.to_bits(), g.to_bits(), "{command} p[{n}]: {s} read {r}");
    }
}

#[test]
fn global_frames_read_back_as_int_frames_and_others_are_refused() {
    for (sent, got) in [(0, 5), (3, 6), (5, 5), (6, 6)] {
        for c in [16, 17, 19, 21, 22, 31, 84, 85, 195] {
            let s = stored(Mission, &item(c, sent, A));
            let want = (got, LAT, LON, 123.45);
            assert_eq!((s.frame, s.x, s.y, s.z), want, "{c} frame {sent}");
        }
    }
    for f in [1, 4, 7, 10, 11] {
        for c in [16, 178, 18, 5100] {
            assert_eq!(why(c, f), Some(UnsupportedFrame(f)));
        }
    }
    for c in [16, 17, 19, 21, 22, 31, 84, 85, 195, 4501, 5001, 5100] {
        assert_eq!(why(c, 2), Some(Unsupported(c)));
    }
    assert_eq!(refused(Rally, &item(5100, 2, A)), Some(Unsupported(5100)));
    let circle = item(5003, 10, A);
    assert_eq!(refused(Fence, &circle), Some(UnsupportedFrame(10)));
}

#[test]
fn commands_without_position_only_in_frame_2() {
    let actions = [
        20, 93, 112, 114, 177, 178, 179, 187, 189, 196, 197, 200, 203, 204, 205, 206, 211, 214,
        260, 530, 532, 1000, 1001, 2000, 2001, 2003, 2500, 2501, 3000, 42600,
    ];
    for c in actions {
        for f in [0, 3, 5, 6] {
            assert_eq!(why(c, f), Some(Unsupported(c)), "{c} {f}");
        }
        assert!(why(c, 2).is_none_or(|r| r.mission_result().is_none()));
    }
}

#[test]
fn refused_commands_in_every_frame() {
    let never = [
        0, 18, 30, 82, 83, 92, 94, 113, 115, 176, 181, 183, 186, 192, 194, 207, 208, 213, 224, 252,
        300, 400, 531, 65535,
    ];
    for c in never {
        for f in [0, 2, 3, 5, 6] {
            assert_eq!(why(c, f), Some(Unsupported(c)), "{c} {f}");
        }
        assert_eq!(why(c, 10), Some(UnsupportedFrame(10)));
    }
    // A refused item is returned unchanged.
    let it = item(18, 6, A);
    assert!(stored_unchanged(Firmware::Px4, Copter, Mission, &it));
    assert_eq!(Unsupported(18).mission_result(), Some(3));
    assert_eq!(UnsupportedFrame(10).mission_result(), Some(2));
    assert_eq!(InvalidParam(1).mission_result(), Some(6));
    assert_eq!(Error.mission_result(), Some(1));
    assert_eq!(NotFlyable("x").mission_result(), None);
    let text = NotFlyable("takeoff altitude is not above home").to_string();
    let want = "accepted, but PX4 will not fly a mission with this item: takeoff altitude";
    assert!(text.starts_with(want), "{text}");
}

#[test]
fn waypoint_and_loiter_keep_some_params_and_wrap_yaw() {
    assert_bits(back(16, 6, A), [1.7, 2.6, 0.0, 4.3]);
    assert_bits(back(16, 6, B), [-1.7, -2.6, 0.0, YAW_B]);
    assert_bits(back(16, 6, L), [70000.7, -70000.7, 0.0, YAW_L]);
    let n = back(16, 6, NAN4);
    assert!(n[0].is_nan() && n[1].is_nan() && n[2] == 0.0 && n[3].is_nan());
    assert_bits(back(16, 6, [INF; 4]), [INF, INF, 0.0, XNAN]);
    assert_bits(back(16, 6, [-INF; 4]), [-INF, -INF, 0.0, XNAN]);
    // NAV_LOITER_UNLIM keeps its radius and yaw.
    assert_bits(back(17, 3, A), [0.0, 0.0, 3.4, 4.3]);
    assert_bits(back(17, 0, B), [0.0, 0.0, -3.4, YAW_B]);
    assert_bits(back(17, 5, L), [0.0, 0.0, 1e10, YAW_L]);
    assert_bits(back(17, 6, [INF; 4]), [0.0, 0.0, INF, XNAN]);
}

#[test]
fn yaw_goes_through_radians_wrapped_into_one_turn() {
    let sent = [
        -90.0, 360.0, 725.3, -725.3, 180.0, 359.99, 1e10, -0.0, 123.456, 90.0, -180.0, 45.0, 720.0,
        3.0, 2.6, 1.7, INF, -INF, NAN,
    ];
    let got = [
        270.0, 0.0, 5.2999535, 354.7, 180.0, 359.98996, 0.0, -0.0, 123.45599, 90.0, 180.0, 45.0,
        0.0, 3.0, 2.5999997, 1.6999999, XNAN, XNAN, NAN,
    ];
    for c in [16, 17, 21, 22, 84, 85] {
        each(c, 6, [0.0; 4], 3, &sent, &got);
        each(c, 6, [0.0; 4], 3, &[1e-30, 0.1], &[TINY, 0.099_999_994]);
    }
}

#[test]
fn loiter_time_and_to_alt_turn_some_params_into_flags() {
    assert_bits(back(19, 6, A), [1.7, 1.0, 3.4, 1.0]);
    assert_bits(back(19, 6, B), [-1.7, 0.0, -3.4, 0.0]);
    assert_bits(back(19, 6, L), [70000.7, 0.0, 1e10, 1.0]);
    let sent = [0.0, 0.5, -0.5, 1.0, NAN, 1e-30, -0.0, INF];
    let got = [0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0];
    for n in [1, 3] {
        each(19, 6, [1.0, 2.0, 3.0, 4.0], n, &sent, &got);
    }
    assert_bits(back(31, 6, A), [1.0, 2.6, 0.0, 1.0]);
    assert_bits(back(31, 0, B), [0.0, -2.6, 0.0, 0.0]);
    let n = back(31, 6, NAN4);
    assert!(n[0] == 0.0 && n[1].is_nan() && n[3] == 0.0);
    for n in [0, 3] {
        each(31, 6, [1.0, 2.0, 3.0, 4.0], n, &sent, &got);
    }
}

#[test]
fn land_keeps_precision_mode_as_u16_and_yaw() {
    assert_bits(back(21, 6, A), [0.0, 2.0, 0.0, 4.3]);
    assert_bits(back(21, 3, B), [0.0, 65534.0, 0.0, YAW_B]);
    let sent = [
        2.6, 3.99, -1.7, 65535.9, 65536.5, 70000.7, -70000.7, 1e10, -1e10, NAN, 0.5, INF, -INF,
    ];
    let got = [
        2.0, 3.0, 65535.0, 65535.0, 0.0, 4464.0, 61072.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
    ];
    each(21, 6, [1.0, 2.0, 3.0, 4.0], 1, &sent, &got);
}

#[test]
fn takeoff_keeps_only_yaw_on_quad_and_plane() {
    for vehicle in [Copter, Plane] {
        for c in [22, 84, 85] {
            let s = stored_on(vehicle, Mission, &item(c, 3, [15.0, 2.6, 3.4, 4.3]));
            assert_bits(s.params, [0.0, 0.0, 0.0, 4.3]);
            assert_eq!(s.frame, 6);
        }
    }
    assert_bits(back(22, 0, L), [0.0, 0.0, 0.0, YAW_L]);
}

#[test]
fn roi_commands_keep_the_position_or_the_mode() {
    assert_bits(back(195, 6, A), [0.0; 4]);
    assert_bits(back(4501, 6, A), [0.0; 4]);
    for mode in [0.0, 3.0, 0.5, 3.7, -0.5] {
        assert_bits(back(201, 6, [mode, 2.0, 3.0, 4.0]), [0.0; 4]);
    }
    for mode in [1.0, 2.0, 4.0, 5.0, 1.9, 2.9, 1.7, -1.0, NAN, INF] {
        let it = item(201, 6, [mode, 2.0, 3.0, 4.0]);
        assert_eq!(refused(Mission, &it), Some(InvalidParam(1)), "mode {mode}");
        assert!(stored(Mission, &it).same_on_wire(&it));
    }
    // Without a position: modes 0-2, kept as sent.
    for mode in [0.0, 1.0, 2.0, 0.5, 1.9, 2.9, -0.5, 1.7] {
        assert_bits(back(201, 2, [mode, 2.0, 3.0, 4.0]), [mode, 2.0, 3.0, 4.0]);
    }
    for mode in [3.0, 4.0, 5.0, 3.7, -1.0, NAN, INF] {
        let it = item(201, 2, [mode, 2.0, 3.0, 4.0]);
        assert_eq!(refused(Mission, &it), Some(InvalidParam(1)), "mode {mode}");
    }
    // NAV_ROI reads back as DO_SET_ROI.
    let s = stored(Mission, &item(80, 2, A));
    assert_eq!((s.command, s.frame), (201, 2));
    assert_bits(s.params, A);
    let s = stored(Mission, &item(80, 3, [3.0, 2.6, 3.4, 4.3]));
    assert_eq!((s.command, s.frame), (201, 6));
    assert_bits(s.params, [0.0; 4]);
}

#[test]
fn frame_2_keeps_params_and_z_but_x_y_pass_through_f32() {
    let actions = [
        20, 93, 112, 114, 178, 179, 187, 189, 196, 197, 200, 203, 204, 205, 206, 211, 214, 260,
        530, 532, 1000, 1001, 2000, 2001, 2003, 2500, 2501, 3000, 42600,
    ];
    for c in actions {
        for params in [A, B, L, [INF, -INF, 0.0, -0.0]] {
            let s = stored(Mission, &item(c, 2, params));
            assert_bits(s.params, params);
            let want = (2, LAT_F32, LON_F32, 123.45);
            assert_eq!((s.frame, s.x, s.y, s.z), want, "{c}");
        }
        let n = stored(Mission, &item(c, 2, NAN4)).params;
        assert!(n.iter().all(|p| p.is_nan()));
    }
    let xy = |x: i32| {
        let s = stored(Mission, &at(item(178, 2, A), x, -x, 1.0));
        assert_eq!(s.x.wrapping_neg(), s.y);
        s.x
    };
    assert_eq!(xy(1), 1);
    assert_eq!(xy(16_777_217), 16_777_216);
    assert_eq!(xy(16_777_219), 16_777_220);
    assert_eq!(xy(-16_777_219), -16_777_220);
    assert_eq!(xy(123_456_789), 123_456_792);
    assert_eq!(xy(2_147_483_520), 2_147_483_520);
    assert_eq!(xy(2_147_483_584), i32::MIN);
    assert_eq!(xy(i32::MAX), i32::MIN);
}

#[test]
fn do_jump_stores_target_as_i16_and_repeat_as_u16() {
    assert_bits(back(177, 2, A), [1.0, 2.0, 3.4, 4.3]);
    let sent = [
        1.7, -1.7, 32767.9, 32768.5, 65535.5, 70000.7, -70000.7, 1e10, -1e10, NAN, INF,
    ];
    let target = [
        1.0, -1.0, 32767.0, -32768.0, -1.0, 4464.0, -4464.0, 0.0, 0.0, 0.0, 0.0,
    ];
    let repeat = [
        1.0, 65535.0, 32767.0, 32768.0, 65535.0, 4464.0, 61072.0, 0.0, 0.0, 0.0, 0.0,
    ];
    each(177, 2, [1.0, 2.0, 3.0, 4.0], 0, &sent, &target);
    each(177, 2, [1.0, 2.0, 3.0, 4.0], 1, &sent, &repeat);
}

#[test]
fn position_x_y_z_are_kept_exactly_without_range_checks() {
    let check = |x, y, z: f32| {
        let it = at(item(16, 6, A), x, y, z);
        assert_eq!(refused(Mission, &it), None);
        let s = stored(Mission, &it);
        assert_eq!((s.x, s.y, s.z.to_bits()), (x, y, z.to_bits()));
    };
    check(900_000_001, -1_800_000_001, 1.0);
    check(-900_000_001, 1_800_000_001, 1.0);
    check(i32::MAX, i32::MIN, 1.0);
    check(-LAT, -LON, -123.45);
    for z in [INF, -INF, 1e38, -0.0, 1e30, NAN] {
        check(LAT, LON, z);
    }
}

#[test]
fn autocontinue_is_kept_in_missions_and_rally_but_cleared_in_fences() {
    let off = |c, f| flags(item(c, f, A), false, false);
    assert!(!stored(Mission, &off(16, 6)).autocontinue);
    assert!(!stored(Mission, &off(178, 2)).autocontinue);
    assert!(stored(Mission, &item(16, 6, A)).autocontinue);
    assert!(!stored(Rally, &off(5100, 6)).autocontinue);
    assert!(stored(Rally, &item(5100, 6, A)).autocontinue);
    for c in [5000, 5001, 5002, 5003, 5004] {
        assert!(!stored(Fence, &item(c, 6, [4.3, 2.6, 3.4, 1.7])).autocontinue);
    }
    // The current flag is left as sent.
    assert!(stored(Mission, &flags(item(16, 6, A), true, true)).current);
    assert!(!stored(Mission, &item(16, 6, A)).current);
}

#[test]
fn fence_items_read_back_absolute_with_one_parameter() {
    let fp = [4.3, 2.6, 3.4, 1.7];
    for f in [0, 3, 5, 6] {
        for (c, p1) in [5000, 5001, 5002, 5003, 5004]
            .into_iter()
            .zip([0.0, 4.0, 4.0, 4.3, 4.3])
        {
            let s = stored(Fence, &item(c, f, fp));
            assert_bits(s.params, [p1, 0.0, 0.0, 0.0]);
            assert_eq!((s.frame, s.x, s.y, s.z), (5, LAT, LON, 123.45), "{c} {f}");
        }
    }
    for c in [5000, 5001, 5002, 5003, 5004] {
        assert_eq!(refused(Fence, &item(c, 2, fp)), Some(Unsupported(c)));
        let s = stored(Fence, &at(bare(c, 6, fp), -LAT, -LON, -123.45));
        assert_eq!((s.x, s.y, s.z), (-LAT, -LON, -123.45));
    }
    let s = stored(Fence, &at(bare(5000, 6, fp), LAT, LON, NAN));
    assert!(s.z.is_nan());
}

#[test]
fn fence_vertex_count_rounds_into_u16_and_needs_three_radius_is_kept() {
    let sent = [4.3, 2.5, 2.6, 3.0, -3.0, -4.3, 70000.7, 65538.6];
    let got = [4.0, 3.0, 3.0, 3.0, 65534.0, 65533.0, 4465.0, 3.0];
    for c in [5001, 5002] {
        for (s, g) in sent.into_iter().zip(got) {
            let it = item(c, 6, [s, 0.0, 0.0, 0.0]);
            assert_eq!(refused(Fence, &it), None, "{s}");
            assert_eq!(stored(Fence, &it).params[0], g, "{s}");
        }
        for s in [2.4, -0.4, NAN, INF, 1e10, 65535.6] {
            assert_eq!(refused(Fence, &item(c, 6, [s, 0.0, 0.0, 0.0])), Some(Error));
        }
    }
    // Circle radii are kept unchecked.
    for r in [0.0, -5.5, INF, 1e-30, -0.0, 4.3, -4.3] {
        for c in [5003, 5004] {
            let it = item(c, 6, [r, 2.6, 3.4, 1.7]);
            assert_eq!(refused(Fence, &it), None);
            assert_bits(stored(Fence, &it).params, [r, 0.0, 0.0, 0.0]);
        }
    }
    assert!(stored(Fence, &item(5003, 6, NAN4)).params[0].is_nan());
}

#[test]
fn fence_takes_other_commands_keeping_at_most_param_1() {
    let s = stored(Fence, &item(16, 6, A));
    assert_eq!((s.frame, s.command), (5, 16));
    assert_bits(s.params, [1.7, 0.0, 0.0, 0.0]);
    for c in [22, 5100, 17, 21, 195] {
        assert_bits(stored(Fence, &item(c, 6, A)).params, [0.0; 4]);
    }
    assert_bits(kept(Fence, 201, 6, [3.0, 2.6, 3.4, 4.3]), [0.0; 4]);
    for c in [20, 178] {
        let s = stored(Fence, &item(c, 2, A));
        assert_bits(s.params, [1.7, 0.0, 0.0, 0.0]);
        let want = (2, 0, 0, 123.45, false);
        assert_eq!((s.frame, s.x, s.y, s.z, s.autocontinue), want);
    }
    assert_bits(stored(Fence, &item(177, 2, A)).params, [0.0; 4]);
}

#[test]
fn rally_points_are_stored_like_mission_items() {
    for (sent, got) in [(0, 5), (3, 6), (5, 5), (6, 6)] {
        let s = stored(Rally, &item(5100, sent, A));
        assert_bits(s.params, [0.0; 4]);
        assert_eq!((s.frame, s.x, s.y, s.z), (got, LAT, LON, 123.45));
    }
    let far = item(5100, 10, A);
    assert_eq!(refused(Rally, &far), Some(UnsupportedFrame(10)));
    let s = stored(Rally, &at(bare(5100, 6, NAN4), LAT, LON, NAN));
    assert!(s.z.is_nan());
    // Other commands are accepted too and stored as in a mission; fence commands unchecked.
    assert_bits(stored(Rally, &item(16, 6, A)).params, [1.7, 2.6, 0.0, 4.3]);
    assert_bits(stored(Rally, &item(19, 3, A)).params, [1.7, 1.0, 3.4, 1.0]);
    assert_bits(stored(Rally, &item(177, 2, A)).params, [1.0, 2.0, 3.4, 4.3]);
    assert_eq!(stored(Rally, &item(20, 2, A)).x, LAT_F32);
    assert_eq!(refused(Rally, &item(5001, 6, A)), None);
    assert_bits(kept(Rally, 5001, 6, A), p1(2.0));
    assert_bits(kept(Rally, 5003, 6, A), p1(1.7));
    assert_bits(stored(Rally, &item(5000, 6, A)).params, [0.0; 4]);
}

#[test]
fn fence_and_rally_commands_in_a_mission_are_an_error() {
    for c in [5001, 5002, 5003, 5004, 5100] {
        assert_eq!(why(c, 6), Some(Error));
    }
    // The fence return point passes the upload (params dropped) but is never flown.
    assert_bits(stored(Mission, &item(5000, 6, A)).params, [0.0; 4]);
    assert!(not_flyable(why(5000, 6)));
}

#[test]
fn unsupported_conditions_are_accepted_but_never_flown() {
    for vehicle in [Copter, Plane, Other(21)] {
        for c in [112, 114] {
            let it = item(c, 2, A);
            assert!(not_flyable(refused_on(vehicle, Mission, &it)), "{c}");
            assert_bits(stored_on(vehicle, Mission, &it).params, A);
        }
    }
    // Only missions are flown: the same command in a rally list is not flagged.
    assert_eq!(refused(Rally, &item(112, 2, A)), None);
}

#[test]
fn vtol_items_and_takeoffs_at_home_are_not_flown() {
    for it in [item(84, 6, A), item(85, 6, A), item(3000, 2, p1(4.0))] {
        for vehicle in [Copter, Plane, Other(2)] {
            assert!(not_flyable(refused_on(vehicle, Mission, &it)));
        }
        assert_eq!(refused_on(Other(21), Mission, &it), None);
    }
    // Nor a takeoff at or below home.
    let to = |frame, z| at(bare(22, frame, A), LAT, LON, z);
    for vehicle in [Copter, Plane] {
        for (z, f) in [(0.0, 3), (0.0, 6), (-5.0, 3), (-5.0, 6)] {
            assert!(not_flyable(refused_on(vehicle, Mission, &to(f, z))), "{z}");
        }
        assert_eq!(refused_on(vehicle, Mission, &to(3, 0.5)), None);
        // Absolute altitudes depend on the home altitude: not judged here.
        assert_eq!(refused_on(vehicle, Mission, &to(0, 700.0)), None);
    }
    let vtol_takeoff = at(bare(84, 6, A), LAT, LON, 0.0);
    assert!(not_flyable(refused_on(Other(21), Mission, &vtol_takeoff)));
}
