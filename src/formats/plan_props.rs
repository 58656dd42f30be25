//! Property test of the .plan writer and reader: `read_plan(write_plan(doc)) == doc` for
//! generated documents (items compared with `same_on_wire`, since NaN != NaN). Positions are
//! generated on a nanodegree grid and other numbers with few decimals, as real plans have them:
//! such numbers go through JSON text exactly.

use crate::formats::plan::{read_plan, write_plan};
use crate::geo::LatLon;
use crate::plan::document::*;
use crate::plan::mission_item::{MissionItem, cmd, frame};
use proptest::prelude::*;

/// Degrees on a nanodegree grid: written and read back exactly.
fn deg(max: i64) -> impl Strategy<Value = f64> {
    (-max * 1_000_000_000..=max * 1_000_000_000).prop_map(|n| n as f64 / 1e9)
}

fn latlon() -> impl Strategy<Value = LatLon> {
    (deg(89), deg(179)).prop_map(|(a, b)| LatLon::new(a, b))
}

/// A decimal with at most 3 places.
fn dec(max: i64) -> impl Strategy<Value = f64> {
    (-max * 1000..=max * 1000).prop_map(|n| n as f64 / 1000.0)
}

fn param() -> impl Strategy<Value = f32> {
    prop_oneof![
        any::<f32>().prop_filter("finite or NaN", |x| !x.is_infinite()),
        Just(f32::NAN),
        Just(-0.0f32),
        -1e6f32..1e6f32,
    ]
}

fn item() -> impl Strategy<Value = MissionItem> {
    let frames = prop_oneof![
        Just(0u8),
        Just(1),
        Just(2),
        Just(3),
        Just(6),
        Just(10),
        any::<u8>()
    ];
    (
        frames,
        any::<u16>(),
        any::<bool>(),
        proptest::array::uniform4(param()),
        any::<i32>(),
        any::<i32>(),
        param(),
    )
        .prop_map(|(fr, command, autocontinue, params, x, y, z)| {
            let (x, y) = if frame::is_global(fr) {
                let lat = if x == i32::MAX { x } else { x % 900_000_001 };
                let lon = if y == i32::MAX { y } else { y % 1_800_000_001 };
                (lat, lon)
            } else {
                (x, y)
            };
            let command = if command == cmd::DO_JUMP {
                cmd::NAV_WAYPOINT
            } else {
                command
            };
            MissionItem {
                frame: fr,
                command,
                current: false,
                autocontinue,
                params,
                x,
                y,
                z,
            }
        })
}

fn record() -> impl Strategy<Value = SurveyRecord> {
    let positive = |max: u32| (1..=max * 1000).prop_map(|n| f64::from(n) / 1000.0);
    let named = (
        1u32..10000,
        1u32..10000,
        positive(50),
        positive(50),
        positive(100),
    )
        .prop_map(|(w, h, sw, sh, f)| {
            (
                "Custom Camera".to_owned(),
                Some((sw, sh)),
                Some((w, h)),
                Some(f),
            )
        });
    let camera = prop_oneof![Just(("Manual".to_owned(), None, None, None)), named];
    (
        (
            proptest::collection::vec(latlon(), 3..8),
            proptest::collection::vec(latlon(), 0..8),
            camera,
            any::<bool>(),
        ),
        (
            dec(500),
            dec(100),
            dec(100),
            dec(300),
            dec(300),
            dec(360),
            dec(50),
        ),
        (
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            0u8..=3,
            any::<u32>(),
        ),
    )
        .prop_map(
            |(
                (
                    polygon,
                    transect_points,
                    (camera_name, sensor_mm, image_px, focal_length_mm),
                    landscape,
                ),
                (
                    alt_m,
                    front_overlap_pct,
                    side_overlap_pct,
                    line_spacing_m,
                    trigger_distance_m,
                    angle_deg,
                    turnaround_m,
                ),
                (crosshatch, camera_in_turns, hover_and_capture, entry_location, camera_shots),
            )| SurveyRecord {
                polygon,
                camera_name,
                sensor_mm,
                image_px,
                focal_length_mm,
                landscape,
                alt_m,
                front_overlap_pct,
                side_overlap_pct,
                line_spacing_m,
                trigger_distance_m,
                angle_deg,
                turnaround_m,
                crosshatch,
                camera_in_turns,
                hover_and_capture,
                entry_location,
                camera_shots,
                transect_points,
            },
        )
}

fn fence() -> impl Strategy<Value = Fence> {
    let poly = (proptest::collection::vec(latlon(), 3..6), any::<bool>())
        .prop_map(|(points, inclusion)| FencePolygon { points, inclusion });
    let circle =
        (latlon(), 1i64..100_000, any::<bool>()).prop_map(|(center, r, inclusion)| FenceCircle {
            center,
            radius_m: r as f64 / 10.0,
            inclusion,
        });
    (
        proptest::collection::vec(poly, 0..3),
        proptest::collection::vec(circle, 0..3),
        proptest::option::of(latlon()),
    )
        .prop_map(|(polygons, circles, return_point)| Fence {
            polygons,
            circles,
            return_point,
        })
}

fn document() -> impl Strategy<Value = MissionDocument> {
    let vehicle = prop_oneof![
        Just(VehicleKind::Copter),
        Just(VehicleKind::Plane),
        (3u8..=255).prop_map(VehicleKind::Other),
        Just(VehicleKind::Other(0))
    ];
    let firmware = prop_oneof![
        Just(Firmware::ArduPilot),
        Just(Firmware::Px4),
        Just(Firmware::Generic)
    ];
    let home =
        (latlon(), dec(5000)).prop_filter_map("(0, 0) is no home", |(position, alt_amsl_m)| {
            (position != LatLon::new(0.0, 0.0)).then_some(PlannedHome {
                position,
                alt_amsl_m,
            })
        });
    let rally = (latlon(), dec(500)).prop_map(|(position, alt_m)| RallyPoint { position, alt_m });
    (
        proptest::collection::vec(item(), 0..25),
        proptest::collection::vec((0usize..25, 1usize..8, record()), 0..3),
        proptest::collection::vec((0usize..25, 0usize..25), 0..3),
        (
            proptest::option::of(home),
            fence(),
            proptest::collection::vec(rally, 0..3),
        ),
        (
            vehicle,
            firmware,
            proptest::option::of(dec(40)),
            proptest::option::of(dec(40)),
        ),
    )
        .prop_map(
            |(
                mut mission,
                surveys,
                jumps,
                (planned_home, fence, rally),
                (vehicle, firmware, cruise, hover),
            )| {
                let n = mission.len();
                for (at, target) in jumps {
                    if let (Some(it), true) = (mission.get_mut(at), target < n) {
                        *it =
                            MissionItem::action(cmd::DO_JUMP, [(target + 1) as f32, 2.0, 0.0, 0.0]);
                    }
                }
                let mut complex: Vec<ComplexItem> = Vec::new();
                let mut sorted = surveys;
                sorted.sort_by_key(|(first, ..)| *first);
                let mut end = 0;
                for (first_item, item_count, r) in sorted {
                    if first_item >= end && first_item + item_count <= n {
                        end = first_item + item_count;
                        complex.push(ComplexItem {
                            kind: ComplexKind::Survey(r),
                            first_item,
                            item_count,
                        });
                    }
                }
                MissionDocument {
                    mission,
                    planned_home,
                    fence,
                    rally,
                    complex,
                    vehicle,
                    firmware,
                    cruise_speed_mps: cruise,
                    hover_speed_mps: hover,
                    notes: Vec::new(),
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]
    #[test]
    fn write_read_round_trip(doc in document()) {
        let text = write_plan(&doc);
        let back = read_plan(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(back.mission.len(), doc.mission.len());
        for (i, (a, b)) in doc.mission.iter().zip(&back.mission).enumerate() {
            prop_assert!(a.same_on_wire(b), "item {}: {:?} vs {:?}\n{}", i, a, b, text);
        }
        let strip = |d: &MissionDocument| MissionDocument { mission: Vec::new(), ..d.clone() };
        prop_assert_eq!(strip(&back), strip(&doc));
    }
}

/// Sample texts to damage.
fn sample_texts() -> Vec<String> {
    let dir = crate::test_support::sample("missions/plan");
    let mut v: Vec<String> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
    /// Damaged files give an error or a document, never a panic.
    #[test]
    fn damaged_plans_never_panic(
        pick in any::<usize>(),
        edits in proptest::collection::vec((any::<usize>(), "[0-9a-z\\[\\]{}\",:. -]{0,3}"), 1..6),
    ) {
        let texts = sample_texts();
        prop_assume!(!texts.is_empty());
        let mut text = texts[pick % texts.len()].clone();
        for (at, s) in edits {
            let mut i = at % (text.len() + 1);
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            let end = (i + s.len()).min(text.len());
            let end = (end..=text.len()).find(|e| text.is_char_boundary(*e)).unwrap_or(text.len());
            text.replace_range(i..end, &s);
        }
        let _ = read_plan(&text);
    }
}
