//! Tests of the user camera file parser.

use super::*;
use crate::plan::camera_db::{all_cameras, builtin_cameras, find_camera};

const GOOD: &str = r#"[
  {
    "name": "Sony A6000 16mm",
    "sensor_width_mm": 23.5, "sensor_height_mm": 15.6,
    "image_width_px": 6000, "image_height_px": 4000,
    "focal_length_mm": 16,
    "min_trigger_interval_s": 1.2,
    "source": "our own trigger test, 2024"
  },
  {
    "name": "Field cam",
    "sensor_width_mm": 6.3, "sensor_height_mm": 4.7,
    "image_width_px": 4000, "image_height_px": 3000,
    "focal_length_mm": 4.0,
    "min_trigger_interval_s": null,
    "fixed_orientation": true
  }
]"#;

#[test]
fn parses_the_documented_format() {
    let cams = parse_user_cameras(GOOD).unwrap();
    assert_eq!(cams.len(), 2);
    let a = &cams[0];
    assert_eq!(a.name, "Sony A6000 16mm");
    assert_eq!((a.sensor_width_mm, a.sensor_height_mm), (23.5, 15.6));
    assert_eq!((a.image_width_px, a.image_height_px), (6000, 4000));
    assert_eq!(a.focal_length_mm, 16.0);
    assert_eq!(a.min_trigger_interval_s, Some(1.2));
    assert!(!a.fixed_orientation);
    assert_eq!(a.source, "our own trigger test, 2024");
    let b = &cams[1];
    assert_eq!(b.min_trigger_interval_s, None);
    assert!(b.fixed_orientation);
    assert_eq!(b.source, "user");

    // The first replaces the built-in of the same name.
    let all = all_cameras(&cams);
    assert_eq!(all.len(), builtin_cameras().len() + 1);
    assert_eq!(
        find_camera(&all, "sony a6000 16mm").map(|c| c.min_trigger_interval_s),
        Some(Some(1.2))
    );
}

#[test]
fn empty_array_is_no_cameras() {
    assert_eq!(parse_user_cameras("[]").unwrap(), Vec::new());
    assert_eq!(parse_user_cameras(" [ ]\n").unwrap(), Vec::new());
}

#[test]
fn serialized_cameras_read_back_equal() {
    let builtins = builtin_cameras();
    let json = serde_json::to_string_pretty(&builtins).unwrap();
    assert_eq!(parse_user_cameras(&json).unwrap(), builtins);
}

fn err(text: &str) -> String {
    parse_user_cameras(text).unwrap_err().to_string()
}

const BASE: &str = r#""sensor_width_mm": 23.5, "sensor_height_mm": 15.6,
    "image_width_px": 6000, "image_height_px": 4000, "focal_length_mm": 16"#;

#[test]
fn errors_name_the_entry_and_field() {
    let one = |extra: &str| format!("[{{\"name\": \"A\", {BASE}}}, {{{extra}}}]");
    assert_eq!(
        err(&one(&format!(
            "\"name\": \"B\", {}",
            BASE.replace("16", "-16")
        ))),
        "cameras file, entry 1 (\"B\"), field focal_length_mm: expected a number of mm > 0, \
         found -16"
    );
    assert_eq!(
        err(&one(BASE)),
        "cameras file, entry 1 (\"?\"), field name: expected a non-empty string, found nothing"
    );
    assert_eq!(
        err(&one(&format!(
            "\"name\": \"B\", {}",
            BASE.replace("4000,", "4000.5,")
        ))),
        "cameras file, entry 1 (\"B\"), field image_height_px: expected a whole number of pixels \
         >= 1, found 4000.5"
    );
    assert_eq!(
        err(&one(&format!(
            "\"name\": \"B\", {}",
            BASE.replace("6000", "\"6000\"")
        ))),
        "cameras file, entry 1 (\"B\"), field image_width_px: expected a whole number of pixels \
         >= 1, found \"6000\""
    );
    assert_eq!(
        err(&one(&format!(
            "\"name\": \"B\", {}",
            BASE.replace("\"sensor_height_mm\": 15.6,", "")
        ))),
        "cameras file, entry 1 (\"B\"), field sensor_height_mm: expected a number of mm > 0, \
         found nothing"
    );
    assert!(
        err(&one(&format!(
            "\"name\": \"B\", \"sensor_widht_mm\": 1, {BASE}"
        )))
        .starts_with(
            "cameras file, entry 1 (\"B\"), field sensor_widht_mm: expected a known field"
        )
    );
    assert_eq!(
        err(&one(&format!(
            "\"name\": \"B\", \"min_trigger_interval_s\": -1, {BASE}"
        ))),
        "cameras file, entry 1 (\"B\"), field min_trigger_interval_s: expected a number of \
         seconds >= 0, or null for unknown, found -1"
    );
    assert_eq!(
        err(&one(&format!(
            "\"name\": \"B\", \"fixed_orientation\": \"yes\", {BASE}"
        ))),
        "cameras file, entry 1 (\"B\"), field fixed_orientation: expected true or false, found \
         \"yes\""
    );
    assert_eq!(
        err(&one(&format!("\"name\": \"B\", \"source\": 3, {BASE}"))),
        "cameras file, entry 1 (\"B\"), field source: expected a string, found 3"
    );
    assert_eq!(
        err(&one(&format!("\"name\": \" \", {BASE}"))),
        "cameras file, entry 1 (\"?\"), field name: expected a non-empty string, found \" \""
    );
}

#[test]
fn shape_errors() {
    assert_eq!(
        err("{\"name\": \"A\"}"),
        "cameras file: expected a JSON array of camera objects, found an object"
    );
    assert_eq!(
        err("[1]"),
        "cameras file, entry 0: expected a JSON object describing a camera, found the number 1"
    );
    let dup = format!("[{{\"name\": \"My Cam\", {BASE}}}, {{\"name\": \"my-cam\", {BASE}}}]");
    assert_eq!(
        err(&dup),
        "cameras file, entries 0 and 1: expected unique names, found \"my-cam\" twice"
    );
}

#[test]
fn syntax_errors_give_line_and_column() {
    let e = parse_user_cameras("[\n  {\"name\": \"A\",,}\n]").unwrap_err();
    let CameraError::Json { line, column, .. } = &e else {
        panic!("{e:?}");
    };
    assert_eq!((*line, *column), (2, 16));
    let text = e.to_string();
    assert!(
        text.starts_with("cameras file, line 2, column 16: expected JSON"),
        "{text}"
    );
    assert!(!text.contains("at line"), "{text}");
}
