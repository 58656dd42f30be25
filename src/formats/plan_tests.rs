//! Unit and property tests of the .plan reader and writer.

use crate::formats::plan::{PlanError, read_plan, write_plan};
use crate::geo::LatLon;
use crate::plan::document::*;
use crate::plan::mission_item::{MissionItem, cmd, frame};
use serde_json::{Value, json};

/// A .plan around the given mission items (and optional other top-level parts).
fn plan_with(items: Value) -> String {
    json!({
        "fileType": "Plan", "version": 1, "groundStation": "test",
        "mission": { "version": 2, "firmwareType": 3, "vehicleType": 2,
                     "plannedHomePosition": [42.0, 74.0, 800.0], "items": items },
        "geoFence": { "version": 2, "polygons": [], "circles": [] },
        "rallyPoints": { "version": 2, "points": [] },
    })
    .to_string()
}

fn wp(lat: Value, extra: &[(&str, Value)]) -> Value {
    let mut v = json!({
        "type": "SimpleItem", "command": 16, "frame": 3, "autoContinue": true, "doJumpId": 1,
        "params": [0, 0, 0, null, lat, 74.0, 50],
    });
    for (k, x) in extra {
        v[*k] = x.clone();
    }
    v
}

fn err(text: &str) -> String {
    read_plan(text).unwrap_err().to_string()
}

#[test]
fn errors_say_where_what_and_found() {
    assert_eq!(
        err(&plan_with(json!([wp(json!(91.5), &[])]))),
        "mission.items[0].params[4]: expected a latitude within -90..90 degrees (global \
         frame), found 91.5"
    );
    assert_eq!(
        err(&plan_with(json!([wp(
            json!(1),
            &[("command", json!("16"))]
        )]))),
        "mission.items[0].command: expected a MAV_CMD number 0-65535, found the text \"16\""
    );
    assert_eq!(
        err(&plan_with(json!([wp(
            json!(1),
            &[("params", json!([1, 2, 3]))]
        )]))),
        "mission.items[0].params: expected an array of 7 numbers or nulls, found an array of 3 \
         values"
    );
    assert_eq!(
        err(&plan_with(json!([wp(json!(1), &[("frame", json!(256))])]))),
        "mission.items[0].frame: expected a MAV_FRAME number 0-255, found 256"
    );
    assert_eq!(
        err(&plan_with(json!([wp(
            json!(1),
            &[("params", json!([1e39, 0, 0, 0, 1, 2, 3]))]
        )]))),
        "mission.items[0].params[0]: expected a value that fits a 32-bit float, found 1e+39"
    );
    let mut no_params = wp(json!(1), &[]);
    no_params.as_object_mut().map(|o| o.remove("params"));
    assert_eq!(
        err(&plan_with(json!([no_params]))),
        "mission.items[0].params: expected an array of 7 numbers or nulls, found nothing (the \
         key is missing)"
    );
    assert_eq!(
        err(&plan_with(json!([{"type": "Waypoint"}]))),
        "mission.items[0].type: expected \"SimpleItem\" or \"ComplexItem\", found the text \
         \"Waypoint\""
    );
    assert!(err("{\"fileType\": \"Plan\",\n \"version\": 1,").starts_with("line 2, column"));
    assert_eq!(
        err("[1, 2]"),
        "not a QGroundControl .plan file: expected a JSON object, found an array of 2 values"
    );
    assert!(err("{\"fileType\": \"Gpx\"}").contains("fileType is the text \"Gpx\""));
}

#[test]
fn versions_are_checked() {
    let mut v: Value = serde_json::from_str(&plan_with(json!([]))).expect("json");
    v["mission"]["version"] = json!(3);
    assert_eq!(
        err(&v.to_string()),
        "mission.version: version 3 is not supported (supported: mission version 2)"
    );
    v["mission"]["version"] = json!(2);
    v["geoFence"]["version"] = json!(3);
    assert!(err(&v.to_string()).starts_with("geoFence.version: version 3 is not supported"));
    let e = read_plan(r#"{"version": 1, "items": [], "MAV_AUTOPILOT": 3}"#).unwrap_err();
    assert!(matches!(e, PlanError::Version { .. }), "{e}");
    assert!(
        e.to_string()
            .contains("legacy QGroundControl .mission version 2"),
        "{e}"
    );
}

#[test]
fn jump_targets_become_sequence_numbers() {
    let jump = json!({"type": "SimpleItem", "command": 177, "frame": 2, "autoContinue": true,
                      "doJumpId": 9, "params": [8, 3, 0, 0, 0, 0, 0]});
    let items = json!([
        wp(json!(1), &[("doJumpId", json!(7))]),
        wp(json!(2), &[("doJumpId", json!(8))]),
        jump
    ]);
    let d = read_plan(&plan_with(items)).expect("reads");
    assert_eq!(
        d.mission[2].params[..2],
        [2.0, 3.0],
        "doJumpId 8 is the second item"
    );
    let back: Value = serde_json::from_str(&write_plan(&d)).expect("json");
    assert_eq!(back["mission"]["items"][2]["params"][0], 2.0);
    assert_eq!(back["mission"]["items"][1]["doJumpId"], 2);

    let bad = json!([{"type": "SimpleItem", "command": 177, "frame": 2, "autoContinue": true,
                      "params": [5, 1, 0, 0, 0, 0, 0]}]);
    assert_eq!(
        err(&plan_with(bad)),
        "mission.items[0].params[0]: DO_JUMP target 5 is not the doJumpId of any item \
         (QGroundControl refuses such a plan too)"
    );
}

#[test]
fn writer_output_follows_qgc_conventions() {
    let o = LatLon::new(42.5, 74.25);
    let mut rel = MissionItem::nav(cmd::NAV_WAYPOINT, o, 50.0);
    rel.params = [0.1, f32::NAN, 0.0, -0.0];
    let amsl = MissionItem {
        frame: frame::GLOBAL,
        ..MissionItem::nav(cmd::NAV_WAYPOINT, o, 900.0)
    };
    let terrain = MissionItem {
        frame: frame::GLOBAL_TERRAIN_ALT,
        ..MissionItem::nav(cmd::NAV_WAYPOINT, o, 30.0)
    };
    let speed = MissionItem::action(cmd::DO_CHANGE_SPEED, [1.0, 12.5, -1.0, 0.0]);
    let doc = MissionDocument {
        mission: vec![rel, amsl, terrain, speed],
        ..MissionDocument::default()
    };
    let v: Value = serde_json::from_str(&write_plan(&doc)).expect("json");
    let items = &v["mission"]["items"];
    assert_eq!(
        items[0]["params"],
        json!([0.1, null, 0.0, -0.0, 42.5, 74.25, 50.0])
    );
    assert_eq!(
        (
            items[0]["AltitudeMode"].clone(),
            items[0]["Altitude"].clone()
        ),
        (json!(1), json!(50.0))
    );
    assert_eq!(items[1]["AltitudeMode"], 2);
    assert_eq!(items[2]["AltitudeMode"], 4);
    assert!(items[0]["AMSLAltAboveTerrain"].is_null());
    assert!(
        items[3].get("AltitudeMode").is_none(),
        "no altitude keys on frame 2"
    );
    let ids: Vec<i64> = (0..4)
        .filter_map(|i| items[i]["doJumpId"].as_i64())
        .collect();
    assert_eq!(ids, [1, 2, 3, 4]);
    assert_eq!(v["mission"]["plannedHomePosition"], json!([0, 0, 0]));
    assert_eq!(v["geoFence"]["version"], 2);
    assert_eq!(v["rallyPoints"]["version"], 2);
    let text = write_plan(&doc);
    assert!(
        text.contains("\n    \"fileType\": \"Plan\""),
        "four-space indent:\n{text}"
    );
    let back = read_plan(&text).expect("reads back");
    assert!(
        back.mission[0].params[1].is_nan()
            && back.mission[0].params[3].to_bits() == (-0.0f32).to_bits()
    );
}

#[test]
fn fence_rally_and_breach_return() {
    let text = json!({
        "fileType": "Plan", "version": 1,
        "mission": {"version": 2, "firmwareType": 12, "items": [],
                    "plannedHomePosition": [1, 2, 3]},
        "geoFence": {"version": 2, "polygons": [],
                     "circles": [{"circle": {"center": [47.1, 8.5], "radius": 120.5},
                                  "inclusion": false, "version": 1}],
                     "breachReturn": [47.2, 8.6, 40]},
        "rallyPoints": {"version": 2, "points": [[47.0, 8.0, 30], [47.5, 8.5, 35.5]]},
    })
    .to_string();
    let d = read_plan(&text).expect("reads");
    assert_eq!(
        d.fence.circles,
        [FenceCircle {
            center: LatLon::new(47.1, 8.5),
            radius_m: 120.5,
            inclusion: false
        }]
    );
    assert_eq!(d.fence.return_point, Some(LatLon::new(47.2, 8.6)));
    assert_eq!(
        d.rally[1],
        RallyPoint {
            position: LatLon::new(47.5, 8.5),
            alt_m: 35.5
        }
    );
    assert_eq!(d.notes.len(), 1, "return altitude noted: {:?}", d.notes);
    let bad = text.replace("120.5", "-1");
    assert!(
        err(&bad).starts_with("geoFence.circles[0].circle.radius: expected a radius (m) above 0")
    );
    let short = json!({"fileType": "Plan", "version": 1,
        "mission": {"version": 2, "firmwareType": 3, "items": [], "plannedHomePosition": [1, 2, 3]},
        "geoFence": {"version": 2, "circles": [],
                     "polygons": [{"inclusion": true, "polygon": [[1, 2], [1, 3]], "version": 1}]}});
    assert_eq!(
        err(&short.to_string()),
        "geoFence.polygons[0].polygon: a fence polygon needs at least 3 vertices, found 2"
    );
}

#[test]
fn named_camera_is_written_with_its_specs() {
    let o = LatLon::new(42.0, 74.0);
    let record = SurveyRecord {
        polygon: vec![o, o.destination(90.0, 200.0), o.destination(0.0, 200.0)],
        camera_name: "Sony A6000".into(),
        sensor_mm: Some((23.2, 15.4)),
        image_px: Some((5456, 3632)),
        focal_length_mm: Some(16.0),
        landscape: true,
        alt_m: 100.0,
        front_overlap_pct: 70.0,
        side_overlap_pct: 70.0,
        line_spacing_m: 43.5,
        trigger_distance_m: 29.0,
        ..SurveyRecord::default()
    };
    let doc = MissionDocument {
        mission: vec![MissionItem::nav(cmd::NAV_WAYPOINT, o, 100.0)],
        complex: vec![ComplexItem {
            kind: ComplexKind::Survey(record.clone()),
            first_item: 0,
            item_count: 1,
        }],
        ..MissionDocument::default()
    };
    let text = write_plan(&doc);
    let v: Value = serde_json::from_str(&text).expect("json");
    let cam = &v["mission"]["items"][0]["TransectStyleComplexItem"]["CameraCalc"];
    assert_eq!(cam["CameraName"], "Sony A6000");
    let gsd = cam["ImageDensity"].as_f64().unwrap_or_default();
    assert!((gsd - 2.657).abs() < 0.001, "{gsd}");
    assert_eq!(
        (cam["ImageWidth"].clone(), cam["ValueSetIsDistance"].clone()),
        (json!(5456), json!(true))
    );
    let back = read_plan(&text).expect("reads back");
    assert_eq!(back.complex[0].kind, ComplexKind::Survey(record));
}

#[test]
fn unwritable_complex_items_become_simple_items() {
    let o = LatLon::new(42.0, 74.0);
    let items: Vec<MissionItem> = (0..4).map(|i| MissionItem::nav(16, o, i as f32)).collect();
    let survey = |first_item, item_count| ComplexItem {
        kind: ComplexKind::Survey(SurveyRecord {
            camera_name: "Manual".into(),
            ..SurveyRecord::default()
        }),
        first_item,
        item_count,
    };
    let doc = MissionDocument {
        mission: items,
        complex: vec![
            survey(1, 2),
            survey(2, 2),
            survey(3, 5),
            survey(0, 0),
            ComplexItem {
                kind: ComplexKind::Other("CorridorScan".into()),
                first_item: 0,
                item_count: 1,
            },
        ],
        ..MissionDocument::default()
    };
    let back = read_plan(&write_plan(&doc)).expect("reads");
    assert_eq!(back.mission.len(), 4);
    assert_eq!(back.complex, [survey(1, 2)]);
}

#[test]
fn corridor_scan_items_are_flown_and_noted() {
    let corridor = json!({"type": "ComplexItem", "complexItemType": "CorridorScan", "version": 3,
        "TransectStyleComplexItem": {"Items": [wp(json!(1), &[]), wp(json!(2), &[])]}});
    let d = read_plan(&plan_with(json!([wp(json!(3), &[]), corridor]))).expect("reads");
    assert_eq!(d.mission.len(), 3);
    assert_eq!(
        d.complex[0],
        ComplexItem {
            kind: ComplexKind::Other("CorridorScan".into()),
            first_item: 1,
            item_count: 2
        }
    );
    assert!(
        d.notes[0].contains("CorridorScan flown from its 2 stored items"),
        "{:?}",
        d.notes
    );
}
