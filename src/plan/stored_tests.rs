//! Tests of the storage model. Every expected value was read back from ArduPilot 4.7.0-dev SITL
//! (ArduCopter / ArduPlane, git 90700977) after uploading the same item with MISSION_ITEM_INT.

use super::*;
use crate::plan::mission_item::frame;
use Refusal::{Error, Invalid, Undefined, Unsupported, UnsupportedFrame};

const LAT: i32 = 428_120_013;
const LON: i32 = 752_860_027;
/// Distinctive parameters: "A" in the measurement notes.
const A: [f32; 4] = [1.7, 2.6, 3.4, 4.3];
/// Negative parameters: "N".
const N: [f32; 4] = [-1.7, -2.6, -3.4, -4.3];
/// Large parameters: "L".
const L: [f32; 4] = [1234.5, 300.7, 70000.5, 123456.8];

fn item(command: u16, frame: u8, params: [f32; 4]) -> MissionItem {
    MissionItem {
        frame,
        command,
        current: false,
        autocontinue: true,
        params,
        x: LAT,
        y: LON,
        z: 123.45,
    }
}

/// `it` with other x, y and z.
fn xyz(it: MissionItem, x: i32, y: i32, z: f32) -> MissionItem {
    MissionItem { x, y, z, ..it }
}

/// `it` with another z.
fn with_z(it: MissionItem, z: f32) -> MissionItem {
    MissionItem { z, ..it }
}

fn stored(vehicle: VehicleKind, kind: MissionType, it: &MissionItem) -> MissionItem {
    as_stored(Firmware::ArduPilot, vehicle, kind, it)
}

fn copter(it: &MissionItem) -> MissionItem {
    stored(VehicleKind::Copter, MissionType::Mission, it)
}

fn plane(it: &MissionItem) -> MissionItem {
    stored(VehicleKind::Plane, MissionType::Mission, it)
}

/// Copter parameters read back for `command` (frame 3) sent with `params`.
fn back(command: u16, params: [f32; 4]) -> [f32; 4] {
    copter(&item(command, frame::GLOBAL_RELATIVE_ALT, params)).params
}

/// Bitwise equality, so -0.0 and 0.0 differ.
fn assert_bits(got: [f32; 4], want: [f32; 4]) {
    let bits = |p: [f32; 4]| p.map(f32::to_bits);
    assert_eq!(bits(got), bits(want), "got {got:?}, want {want:?}");
}

fn refused(kind: MissionType, it: &MissionItem) -> Option<Refusal> {
    refusal(Firmware::ArduPilot, VehicleKind::Copter, kind, it)
}

fn unchanged(it: &MissionItem) -> bool {
    stored_unchanged(
        Firmware::ArduPilot,
        VehicleKind::Copter,
        MissionType::Mission,
        it,
    )
}

fn plane_refused(it: &MissionItem) -> Option<Refusal> {
    refusal(
        Firmware::ArduPilot,
        VehicleKind::Plane,
        MissionType::Mission,
        it,
    )
}

fn bad(n: u8) -> Option<Refusal> {
    Some(Refusal::InvalidParam(n))
}

/// Parameter 1 only.
fn p1(v: f32) -> [f32; 4] {
    [v, 0.0, 0.0, 0.0]
}

#[test]
fn waypoint_copter_keeps_whole_seconds_of_hold_only() {
    assert_bits(back(16, A), p1(1.0));
    assert_bits(back(16, N), p1(65535.0));
    assert_bits(back(16, L), p1(1234.0));
    assert_bits(back(16, p1(70000.5)), p1(4464.0));
    assert_bits(back(16, p1(1e9)), p1(51712.0));
    assert_bits(back(16, [1.7, 2.6, 3.4, f32::NAN]), p1(1.0));
    let s = copter(&item(16, 3, A));
    assert_eq!((s.frame, s.x, s.y, s.z), (3, LAT, LON, 123.45));
}

#[test]
fn waypoint_plane_keeps_radius_and_pass_by_up_to_255() {
    let p = |params| plane(&item(16, 3, params)).params;
    assert_bits(p(A), [0.0, 2.0, 3.0, 0.0]);
    assert_bits(p([0.0, -1.0, -1.0, 0.0]), [0.0, 255.0, 255.0, 0.0]);
    assert_bits(p([0.0, 300.7, 1000.0, 0.0]), [0.0, 255.0, 255.0, 0.0]);
    assert_bits(p([0.0, 12.9, 0.9, 0.0]), [0.0, 12.0, 0.0, 0.0]);
    assert_bits(p([0.0, 65541.0, 65541.0, 0.0]), [0.0, 5.0, 5.0, 0.0]);
}

#[test]
fn position_frames_collapse_to_absolute_relative_or_terrain() {
    for (sent, got) in [(0, 0), (2, 0), (5, 0), (3, 3), (6, 3), (10, 10), (11, 10)] {
        assert_eq!(copter(&item(16, sent, A)).frame, got, "frame {sent}");
        assert_eq!(plane(&item(22, sent, A)).frame, got, "frame {sent}");
    }
    for f in [1, 4, 7, 8, 9, 12, 99] {
        assert_eq!(
            refused(MissionType::Mission, &item(16, f, A)),
            Some(UnsupportedFrame(f))
        );
    }
}

#[test]
fn altitude_is_truncated_to_whole_centimetres() {
    let z = |z: f32| copter(&with_z(item(16, 3, A), z)).z;
    assert_eq!(z(0.015), 0.01);
    assert_eq!(z(-0.015), -0.01);
    assert_eq!(z(1.005), 1.0);
    assert_eq!(z(0.29), 0.29);
    assert_eq!(z(33.333), 33.329_998);
    assert_eq!(z(1234.5678), 1234.5599);
    assert_eq!(z(82999.99), 82999.984);
    assert_eq!(z(0.001), 0.0);
}

#[test]
fn flags_always_read_back_current_0_autocontinue_1() {
    let mut sent = item(16, 3, [0.0; 4]);
    (sent.current, sent.autocontinue) = (true, false);
    let s = copter(&sent);
    assert!(!s.current && s.autocontinue);
    assert!(!unchanged(&sent));
}

#[test]
fn commands_without_position_read_back_frame_0_and_no_coordinates() {
    for command in [
        20, 93, 112, 114, 115, 177, 178, 181, 183, 184, 197, 206, 207, 211, 222,
    ] {
        let p = if command == 177 {
            [1.0, 2.0, 0.0, 0.0]
        } else {
            A
        };
        let s = copter(&xyz(item(command, 2, p), 5, -7, 9.5));
        assert_eq!(
            (s.frame, s.x, s.y, s.z),
            (0, 0, 0, 0.0),
            "command {command}"
        );
    }
    assert_bits(back(20, A), [0.0; 4]);
}

#[test]
fn unchanged_when_typical_values_are_sent() {
    let typical = [
        item(16, 3, [0.0; 4]),
        item(22, 3, [0.0; 4]),
        xyz(item(178, 0, [1.0, 5.0, -1.0, 0.0]), 0, 0, 0.0),
        xyz(item(183, 0, [9.0, 1500.0, 0.0, 0.0]), 0, 0, 0.0),
    ];
    for it in typical {
        assert!(unchanged(&it), "{it:?}");
    }
}

#[test]
fn loiter_unlimited_keeps_only_the_signed_radius() {
    assert_bits(back(17, A), [0.0, 0.0, 3.0, 0.0]);
    assert_bits(back(17, N), [0.0, 0.0, -3.0, 0.0]);
    assert_bits(back(17, [0.0, 0.0, 70000.5, 0.0]), [0.0, 0.0, 4464.0, 0.0]);
    assert_bits(back(17, [0.0, 0.0, -0.4, 0.0]), [0.0, 0.0, -0.0, 0.0]);
    assert_bits(back(17, [0.0, 0.0, -1e6, 0.0]), [0.0, 0.0, -16960.0, 0.0]);
}

#[test]
fn loiter_turns_packs_turns_and_radius_into_16_bits() {
    assert_bits(back(18, A), [1.0, 0.0, 3.0, 1.0]);
    assert_bits(
        back(18, [0.4, 0.6, 0.01, 999.99]),
        [0.398_437_5, 0.0, 0.0, 1.0],
    );
    assert_bits(
        back(18, [0.999, 0.0, 10.0, 0.0]),
        [0.996_093_75, 0.0, 10.0, 0.0],
    );
    assert_bits(back(18, [256.0, 0.0, 10.0, 0.0]), [255.0, 0.0, 10.0, 0.0]);
    assert_bits(back(18, [-1.0, 0.0, 10.0, 0.0]), [255.0, 0.0, 255.0, 0.0]);
    assert_bits(back(18, [-300.0, 0.0, 10.0, 0.0]), [212.0, 0.0, 254.0, 0.0]);
    assert_bits(back(18, N), [255.0, 0.0, -255.0, 0.0]);
    let radius = |r: f32| back(18, [2.0, 0.0, r, 0.0])[2];
    assert_eq!(radius(255.9), 250.0);
    assert_eq!(radius(2549.9), 2540.0);
    assert_eq!(radius(655_370.0), 2550.0);
    assert_eq!(radius(-300.7), -300.0);
    assert_eq!(back(18, [2.0, 0.0, 10.0, 0.0001])[3], 1.0);
    assert_eq!(back(18, [2.0, 0.0, 10.0, -0.1])[3], 0.0);
    assert_bits(back(18, [0.5, 0.0, -1234.5, 1.0]), [0.5, 0.0, -1230.0, 1.0]);
}

#[test]
fn loiter_time_keeps_seconds_direction_and_exit_flag() {
    assert_bits(back(19, A), [1.0, 0.0, 1.0, 1.0]);
    assert_bits(back(19, [0.0; 4]), [0.0, 0.0, 1.0, 0.0]);
    assert_bits(back(19, N), [65535.0, 0.0, -1.0, 0.0]);
    assert_bits(back(19, [0.0, 0.0, -1e-9, 0.5]), [0.0, 0.0, -1.0, 1.0]);
}

#[test]
fn land_keeps_abort_altitude_and_direction() {
    assert_bits(back(21, A), [1.0, 0.0, 0.0, 1.0]);
    assert_bits(back(21, N), [65535.0, 0.0, 0.0, -1.0]);
    assert_bits(back(21, [0.0; 4]), [0.0, 0.0, 0.0, 1.0]);
    assert_bits(back(21, [0.0, 0.0, 0.0, -1e-9]), [0.0, 0.0, 0.0, 1.0]);
    assert_bits(back(21, [1.7, 2.6, 3.4, f32::NAN]), [1.0, 0.0, 0.0, 1.0]);
}

#[test]
fn takeoff_spline_vtol_land_and_roi_keep_param1_as_u16() {
    for command in [22, 82, 85, 179, 195, 201] {
        assert_bits(back(command, A), p1(1.0));
        assert_bits(back(command, N), p1(65535.0));
    }
    assert_bits(plane(&item(22, 3, A)).params, p1(1.0));
    assert_bits(back(84, A), [0.0; 4]);
    assert_bits(back(189, A), [0.0; 4]);
}

#[test]
fn loiter_to_alt_keeps_signed_radius_and_exit_flag() {
    assert_bits(back(31, A), [0.0, 2.0, 0.0, 1.0]);
    assert_bits(back(31, L), [0.0, 300.0, 0.0, 1.0]);
    assert_bits(back(31, [0.0, -0.6, 0.0, 0.0]), [0.0, -0.0, 0.0, 0.0]);
}

#[test]
fn nav_delay_keeps_seconds_as_float_and_time_as_signed_bytes() {
    assert_bits(back(93, A), [1.7, 2.0, 3.0, 4.0]);
    assert_bits(back(93, L), [1234.5, 44.0, 112.0, 64.0]);
    assert_bits(back(93, [0.4, 0.6, 0.01, 999.99]), [0.4, 0.0, 0.0, -25.0]);
}

#[test]
fn payload_place_keeps_whole_centimetres() {
    assert_bits(back(94, A), p1(1.699_999_9));
    assert_bits(back(94, N), p1(653.66));
    assert_bits(back(94, L), p1(579.14));
    assert_eq!(back(94, p1(0.4))[0], 0.399_999_98);
    assert_eq!(back(94, p1(655.35))[0], 655.339_97);
}

#[test]
fn conditions_keep_floats_and_yaw_direction_bytes() {
    for command in [112, 114] {
        assert_bits(back(command, N), p1(-1.7));
        assert_bits(back(command, p1(1e-30)), p1(1e-30));
    }
    assert_bits(back(115, N), [-1.7, -2.6, -3.0, 252.0]);
    assert_bits(back(115, L), [1234.5, 300.7, 112.0, 64.0]);
    assert_bits(
        back(115, [1.0, 40000.0, 1.0, -255.5]),
        [1.0, 40000.0, 1.0, 1.0],
    );
}

#[test]
fn do_jump_keeps_target_u16_and_repeat_i16() {
    assert_bits(back(177, A), [1.0, 2.0, 0.0, 0.0]);
    assert_bits(
        back(177, [1.0, 40000.0, 0.0, 0.0]),
        [1.0, -25536.0, 0.0, 0.0],
    );
    assert_bits(back(177, [65537.0, -1.0, 0.0, 0.0]), [1.0, -1.0, 0.0, 0.0]);
}

#[test]
fn change_speed_keeps_type_byte_speed_and_throttle() {
    assert_bits(back(178, N), [255.0, -2.6, -3.4, 0.0]);
    assert_bits(back(178, L), [210.0, 300.7, 70000.5, 0.0]);
    let max = f32::MAX;
    assert_bits(back(178, [1.0, max, max, 0.0]), [1.0, max, max, 0.0]);
}

#[test]
fn relay_servo_and_gripper_keep_bytes_and_pwm() {
    for command in [181, 211] {
        assert_bits(back(command, N), [255.0, 254.0, 0.0, 0.0]);
        assert_bits(back(command, L), [210.0, 44.0, 0.0, 0.0]);
    }
    assert_bits(back(183, N), [255.0, 65534.0, 0.0, 0.0]);
    assert_bits(back(184, N), [255.0, 65534.0, -3.0, -4.3]);
    assert_bits(back(184, L), [210.0, 300.0, 4464.0, 123_456.8]);
}

#[test]
fn single_u16_and_byte_commands() {
    for command in [197, 207, 2001, 194, 208, 210, 212, 215, 216] {
        assert_bits(back(command, N), p1(65535.0));
    }
    for command in [2500, 2501, 3000] {
        assert_bits(back(command, L), p1(210.0));
    }
    assert_bits(back(222, N), [65535.0, -2.6, -3.4, -4.3]);
    assert_bits(back(206, N), [-1.7, 0.0, 253.0, 0.0]);
    assert_bits(back(2000, N), [255.0, -2.6, 65533.0, 65532.0]);
    assert_bits(back(2000, L), [210.0, 300.7, 4464.0, 57920.0]);
    assert_bits(back(42600, N), [255.0, 254.0, -3.4, -4.3]);
    assert_bits(back(223, A), [1.0, 1.0, 3.399_999_9, 0.0]);
    assert_bits(back(218, N), [65535.0, 254.0, 0.0, 0.0]);
}

#[test]
fn digicam_and_gimbal_store_x_y_z_as_bytes() {
    let configure = copter(&item(202, 3, N));
    assert_bits(configure.params, [255.0, 65534.0, 253.0, 65532.0]);
    assert_eq!(
        (configure.frame, configure.x, configure.y, configure.z),
        (0, 205, 123, 123.45)
    );
    let control = copter(&item(203, 3, N));
    assert_bits(control.params, [255.0, 254.0, -3.0, 252.0]);
    assert_eq!((control.x, control.y, control.z), (205, 123, 0.0));
    let minus = copter(&xyz(item(203, 2, A), -1, 65543, 123.45));
    assert_eq!((minus.x, minus.y), (255, 7));
    let gimbal = copter(&item(1000, 3, L));
    assert_bits(gimbal.params, [-46.0, 300.0, 112.0, 64.0]);
    assert_eq!((gimbal.x, gimbal.y, gimbal.z), (205, 0, 123.0));
    assert_eq!(copter(&with_z(item(1000, 3, A), -12.34)).z, 244.0);
    let mount = copter(&item(205, 3, A));
    assert_bits(mount.params, [1.7, 2.6, 3.4, 0.0]);
    assert_eq!((mount.x, mount.y, mount.z), (0, 0, 2.0));
}

#[test]
fn mission_refusals() {
    let m = |it: &MissionItem| refused(MissionType::Mission, it);
    let nan = |i: usize| {
        let mut p = A;
        p[i] = f32::NAN;
        p
    };
    assert_eq!(m(&item(16, 3, nan(0))), bad(1));
    assert_eq!(m(&item(16, 3, nan(3))), None);
    assert_eq!(m(&item(17, 3, nan(3))), None);
    assert_eq!(m(&item(85, 3, nan(2))), None);
    assert_eq!(m(&item(178, 2, nan(1))), bad(2));
    assert_eq!(m(&item(16, 3, [0.0, 0.0, 0.0, f32::INFINITY])), bad(4));
    assert_eq!(m(&xyz(item(16, 3, A), 910_000_000, LON, 123.45)), bad(5));
    assert_eq!(m(&xyz(item(16, 3, A), LAT, 1_810_000_000, 123.45)), bad(6));
    assert_eq!(m(&with_z(item(16, 3, A), 83000.0)), bad(7));
    assert_eq!(m(&xyz(item(112, 3, A), 910_000_000, LON, 123.45)), None);
    for command in [113, 214, 176, 192, 300, 31000] {
        assert_eq!(m(&item(command, 3, A)), Some(Unsupported(command)));
    }
    assert_eq!(m(&item(113, 3, nan(0))), bad(1));
    assert_eq!(m(&item(0, 3, A)), Some(Invalid));
    let spline = item(82, 3, A);
    assert_eq!(plane_refused(&spline), Some(Unsupported(82)));
    assert_eq!(Refusal::InvalidParam(7).mission_result(), Some(12));
}

#[test]
fn conversions_that_abort_sitl_are_flagged() {
    let m = |it: &MissionItem| refused(MissionType::Mission, it);
    assert_eq!(m(&item(16, 3, p1(1e10))), Some(Undefined(1)));
    assert_eq!(m(&item(94, 3, p1(2_147_483_520.0))), Some(Undefined(1)));
    assert_eq!(
        m(&item(17, 3, [0.0, 0.0, -2_147_483_648.0, 0.0])),
        Some(Undefined(3))
    );
    assert_eq!(
        m(&item(18, 3, [2_147_483_520.0, 0.0, 2_147_483_520.0, 0.0])),
        None
    );
    assert_eq!(m(&with_z(item(1000, 2, A), f32::NAN)), Some(Undefined(7)));
    assert_eq!(m(&with_z(item(202, 2, A), f32::NAN)), None);
    let wp_plane = item(16, 3, p1(1e10));
    assert_eq!(plane_refused(&wp_plane), None);
}

fn fence(command: u16, frame: u8, params: [f32; 4]) -> MissionItem {
    let sent = item(command, frame, params);
    stored(VehicleKind::Copter, MissionType::Fence, &sent)
}

#[test]
fn fence_items_keep_position_and_param1_only() {
    for f in [0, 3, 5, 6, 10, 11] {
        let vertex = fence(5001, f, [3.0, 2.6, 3.4, 4.3]);
        assert_eq!((vertex.frame, vertex.autocontinue), (0, false));
        assert_eq!((vertex.x, vertex.y, vertex.z), (LAT, LON, 0.0));
        assert_bits(vertex.params, p1(3.0));
    }
    assert_bits(fence(5002, 0, p1(3.7)).params, p1(3.0));
    assert_bits(fence(5003, 6, [123.7, 2.6, 3.4, 4.3]).params, p1(123.7));
    assert_bits(fence(5004, 0, p1(f32::INFINITY)).params, p1(f32::INFINITY));
    let ret = fence(5000, 6, A);
    assert_bits(ret.params, [0.0; 4]);
    assert_eq!((ret.frame, ret.z), (0, 0.0));
    let f = |it: &MissionItem| refused(MissionType::Fence, it);
    assert_eq!(f(&item(5001, 2, p1(3.0))), Some(UnsupportedFrame(2)));
    assert_eq!(f(&item(5003, 1, p1(5.0))), Some(UnsupportedFrame(1)));
    assert_eq!(f(&item(16, 0, A)), Some(Unsupported(16)));
    for r in [0.0, -50.5, 1e-30] {
        assert_eq!(f(&item(5003, 0, p1(r))), Some(Error));
    }
    assert_eq!(f(&item(5003, 0, [0.001, f32::NAN, 0.0, 0.0])), None);
    assert_eq!(f(&item(5004, 0, p1(f32::NAN))), Some(Undefined(1)));
    assert_eq!(
        f(&xyz(item(5000, 0, A), 910_000_000, LON, 123.45)),
        Some(Error)
    );
}

fn rally(frame: u8, z: f32) -> MissionItem {
    let sent = with_z(item(5100, frame, A), z);
    stored(VehicleKind::Copter, MissionType::Rally, &sent)
}

#[test]
fn rally_points_keep_position_and_whole_metres() {
    for (sent, got) in [(0, 0), (3, 3), (5, 0), (6, 3), (10, 10), (11, 10)] {
        assert_eq!(rally(sent, 123.45).frame, got);
    }
    let r = rally(3, 123.45);
    assert_eq!((r.z, r.x, r.y), (123.0, LAT, LON));
    assert!(!r.autocontinue && !r.current);
    assert_bits(r.params, [0.0; 4]);
    assert_eq!(rally(3, -12.7).z, -12.0);
    assert_eq!(rally(3, 0.99).z, 0.0);
    assert_eq!(rally(3, 32766.9).z, 32766.0);
    let r = |it: &MissionItem| refused(MissionType::Rally, it);
    assert_eq!(r(&item(5100, 2, A)), Some(UnsupportedFrame(2)));
    assert_eq!(r(&with_z(item(5100, 3, A), 32767.9)), bad(7));
    assert_eq!(r(&with_z(item(5100, 3, A), -32768.0)), None);
    assert_eq!(r(&with_z(item(5100, 3, A), f32::NAN)), Some(Undefined(7)));
    assert_eq!(
        r(&xyz(item(5100, 3, A), LAT, 1_810_000_000, 123.45)),
        bad(6)
    );
    assert_eq!(r(&item(16, 3, A)), Some(Unsupported(16)));
}

#[test]
fn other_vehicles_behave_like_copter_and_generic_autopilots_are_unchanged() {
    let it = item(16, 6, A);
    let other = stored(VehicleKind::Other(2), MissionType::Mission, &it);
    assert!(other.same_on_wire(&copter(&it)));
    let (fw, copter, plane) = (Firmware::Generic, VehicleKind::Copter, VehicleKind::Plane);
    assert_eq!(as_stored(fw, copter, MissionType::Mission, &it), it);
    assert!(stored_unchanged(fw, plane, MissionType::Rally, &it));
    let zero = item(0, 3, A);
    assert_eq!(refusal(fw, copter, MissionType::Mission, &zero), None);
}
