//! Tests of the camera model and of capture resolution: the hand-checked numbers,
//! errors, and properties over random cameras.

use super::*;
use crate::plan::document::SurveyRecord;
use proptest::prelude::*;

/// The hand-checked camera: 23.2 × 15.4 mm, 5456 × 3632 px, 16 mm (a Sony QX1).
fn qx1() -> Camera {
    Camera {
        name: "QX1".to_owned(),
        sensor_width_mm: 23.2,
        sensor_height_mm: 15.4,
        image_width_px: 5456,
        image_height_px: 3632,
        focal_length_mm: 16.0,
        min_trigger_interval_s: Some(1.0),
        fixed_orientation: false,
        source: "test".to_owned(),
    }
}

/// `x` rounded half away from zero to `decimals` places, compared with the stated value.
fn assert_rounds_to(x: f64, decimals: i32, stated: f64, what: &str) {
    let scale = 10f64.powi(decimals);
    let rounded = (x * scale).round() / scale;
    assert!(
        (rounded - stated).abs() < 1e-9,
        "{what}: {x} rounds to {rounded}, stated {stated}"
    );
}

#[test]
fn hand_checked_numbers_qgc_convention() {
    let g = qx1().ground_qgc(100.0, Orientation::Landscape);
    assert_rounds_to(g.gsd_across_cm, 2, 2.66, "GSD");
    assert_rounds_to(g.gsd_along_cm, 2, 2.66, "GSD");
    assert_rounds_to(g.footprint_across_m, 1, 145.0, "footprint across");
    assert_rounds_to(g.footprint_along_m, 1, 96.5, "footprint along");
    assert_rounds_to(g.line_spacing_m(70.0).unwrap(), 1, 43.5, "spacing");
    assert_rounds_to(g.trigger_distance_m(70.0).unwrap(), 1, 29.0, "trigger");
}

#[test]
fn hand_checked_numbers_per_axis() {
    let g = qx1().ground(100.0, Orientation::Landscape);
    assert_rounds_to(g.gsd_across_cm, 2, 2.66, "GSD across");
    assert_rounds_to(g.gsd_along_cm, 2, 2.65, "GSD along");
    assert_rounds_to(g.gsd_cm(), 2, 2.66, "GSD (coarser)");
    assert_rounds_to(g.footprint_across_m, 1, 145.0, "footprint across");
    assert_rounds_to(g.footprint_along_m, 2, 96.25, "footprint along");
    assert_rounds_to(g.line_spacing_m(70.0).unwrap(), 1, 43.5, "spacing");
    assert_rounds_to(g.trigger_distance_m(70.0).unwrap(), 1, 28.9, "trigger");
    assert_rounds_to(qx1().gsd_cm(100.0), 2, 2.66, "Camera::gsd_cm");
}

#[test]
fn hand_checked_numbers_through_capture() {
    let capture = Capture::Camera {
        camera: qx1(),
        orientation: Orientation::Landscape,
        target: AltOrGsd::AltM(100.0),
        front_overlap_pct: 70.0,
        side_overlap_pct: 70.0,
    };
    let g = capture.resolve(10.0).unwrap();
    assert_eq!(g.alt_m, 100.0);
    assert_rounds_to(g.gsd_cm.unwrap(), 2, 2.66, "GSD");
    assert_rounds_to(g.footprint_along_m.unwrap(), 2, 96.25, "footprint along");
    assert_rounds_to(g.line_spacing_m, 1, 43.5, "spacing");
    assert_rounds_to(g.trigger_distance_m, 1, 28.9, "trigger");
    assert_rounds_to(g.photo_interval_s, 2, 2.89, "interval at 10 m/s");
    assert_eq!(g.interval_warning, None);

    // The same GSD asked for gives the same altitude back.
    let by_gsd = Capture::Camera {
        camera: qx1(),
        orientation: Orientation::Landscape,
        target: AltOrGsd::GsdCm(g.gsd_cm.unwrap()),
        front_overlap_pct: 70.0,
        side_overlap_pct: 70.0,
    };
    assert!((by_gsd.resolve(10.0).unwrap().alt_m - 100.0).abs() < 1e-9);
}

#[test]
fn portrait_puts_the_short_side_across() {
    let g = qx1().ground(100.0, Orientation::Portrait);
    assert_rounds_to(g.footprint_across_m, 2, 96.25, "across");
    assert_rounds_to(g.footprint_along_m, 1, 145.0, "along");
    let q = qx1().ground_qgc(100.0, Orientation::Portrait);
    assert_rounds_to(q.footprint_across_m, 1, 96.5, "QGC across");
    assert_rounds_to(q.footprint_along_m, 1, 145.0, "QGC along");
}

#[test]
fn interval_warning_is_typed() {
    let capture = Capture::Camera {
        camera: qx1(),
        orientation: Orientation::Landscape,
        target: AltOrGsd::AltM(100.0),
        front_overlap_pct: 70.0,
        side_overlap_pct: 70.0,
    };
    // 28.875 m at 40 m/s: a photo every 0.72 s, the camera needs 1 s.
    let g = capture.resolve(40.0).unwrap();
    let w = g.interval_warning.expect("a warning");
    assert!((w.photo_interval_s - 28.875 / 40.0).abs() < 1e-9);
    assert_eq!(w.min_interval_s, 1.0);
    assert!((w.max_speed_mps - 28.875).abs() < 1e-9);
    let text = w.to_string();
    assert!(text.contains("0.72 s") && text.contains("1.00 s") && text.contains("28.9 m/s"));

    // Unknown interval: no warning.
    let mut cam = qx1();
    cam.min_trigger_interval_s = None;
    let unknown = Capture::Camera {
        camera: cam,
        orientation: Orientation::Landscape,
        target: AltOrGsd::AltM(100.0),
        front_overlap_pct: 70.0,
        side_overlap_pct: 70.0,
    };
    assert_eq!(unknown.resolve(40.0).unwrap().interval_warning, None);
}

#[test]
fn manual_mode() {
    let capture = Capture::Manual {
        alt_m: 80.0,
        line_spacing_m: 30.0,
        trigger_distance_m: 20.0,
    };
    let g = capture.resolve(8.0).unwrap();
    assert_eq!(
        (g.alt_m, g.line_spacing_m, g.trigger_distance_m),
        (80.0, 30.0, 20.0)
    );
    assert_eq!(g.photo_interval_s, 2.5);
    assert_eq!(g.gsd_cm, None);
    assert_eq!(g.footprint_across_m, None);
    assert_eq!(g.interval_warning, None);
    assert_eq!(capture.camera(), None);
    let bad = Capture::Manual {
        alt_m: 80.0,
        line_spacing_m: 0.0,
        trigger_distance_m: 20.0,
    };
    let err = bad.resolve(8.0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "line_spacing_m: expected a positive finite number, found 0"
    );
}

#[test]
fn settings_out_of_range_are_errors() {
    let with = |front: f64, side: f64, target: AltOrGsd| Capture::Camera {
        camera: qx1(),
        orientation: Orientation::Landscape,
        target,
        front_overlap_pct: front,
        side_overlap_pct: side,
    };
    let alt = AltOrGsd::AltM(100.0);
    for (capture, field) in [
        (with(100.0, 70.0, alt), "front_overlap_pct"),
        (with(-1.0, 70.0, alt), "front_overlap_pct"),
        (with(70.0, 99.5, alt), "side_overlap_pct"),
        (with(70.0, f64::NAN, alt), "side_overlap_pct"),
        (with(70.0, 70.0, AltOrGsd::AltM(0.0)), "alt_m"),
        (with(70.0, 70.0, AltOrGsd::GsdCm(-2.0)), "gsd_cm"),
        (with(70.0, 70.0, AltOrGsd::GsdCm(f64::INFINITY)), "gsd_cm"),
    ] {
        match capture.resolve(10.0) {
            Err(CameraError::InvalidSetting { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: expected InvalidSetting, got {other:?}"),
        }
    }
    assert!(with(0.0, 99.0, alt).resolve(10.0).is_ok());
    let err = with(70.0, 70.0, alt).resolve(0.0).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("speed_mps: expected a positive")
    );
    let err = with(100.0, 70.0, alt).resolve(10.0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "front_overlap_pct: expected a percentage from 0 to 99, found 100"
    );
}

#[test]
fn camera_validation_names_camera_and_field() {
    let mut cam = qx1();
    cam.focal_length_mm = 0.0;
    assert_eq!(
        cam.validate().unwrap_err().to_string(),
        "camera \"QX1\", field focal_length_mm: expected a positive finite number of mm, found 0"
    );
    let mut cam = qx1();
    cam.image_height_px = 0;
    assert!(matches!(
        cam.validate(),
        Err(CameraError::InvalidField {
            field: "image_height_px",
            ..
        })
    ));
    let mut cam = qx1();
    cam.sensor_width_mm = f64::NAN;
    assert!(cam.validate().is_err());
    let mut cam = qx1();
    cam.min_trigger_interval_s = Some(-1.0);
    assert!(cam.validate().is_err());
    let mut cam = qx1();
    cam.name = "  ".to_owned();
    assert_eq!(cam.validate(), Err(CameraError::EmptyName));
    // An invalid camera does not resolve.
    let mut cam = qx1();
    cam.sensor_height_mm = -15.4;
    let capture = Capture::Camera {
        camera: cam,
        orientation: Orientation::Landscape,
        target: AltOrGsd::AltM(100.0),
        front_overlap_pct: 70.0,
        side_overlap_pct: 70.0,
    };
    assert!(matches!(
        capture.resolve(10.0),
        Err(CameraError::InvalidField {
            field: "sensor_height_mm",
            ..
        })
    ));
    assert!(Camera::custom((23.2, 15.4), (5456, 3632), 16.0).is_ok());
    assert!(Camera::custom((23.2, 15.4), (5456, 0), 16.0).is_err());
}

#[test]
fn fixed_orientation_refuses_portrait() {
    let mut cam = qx1();
    cam.fixed_orientation = true;
    let capture = |orientation| Capture::Camera {
        camera: cam.clone(),
        orientation,
        target: AltOrGsd::AltM(100.0),
        front_overlap_pct: 70.0,
        side_overlap_pct: 70.0,
    };
    assert!(capture(Orientation::Landscape).resolve(10.0).is_ok());
    assert_eq!(
        capture(Orientation::Portrait)
            .resolve(10.0)
            .unwrap_err()
            .to_string(),
        "camera \"QX1\" has a fixed orientation: expected landscape, found portrait"
    );
}

#[test]
fn survey_record_round_trip() {
    let capture = Capture::Camera {
        camera: qx1(),
        orientation: Orientation::Portrait,
        target: AltOrGsd::AltM(100.0),
        front_overlap_pct: 75.0,
        side_overlap_pct: 65.0,
    };
    let g = capture.resolve(10.0).unwrap();
    let mut record = SurveyRecord::default();
    capture.write_record(&g, &mut record);
    assert_eq!(record.camera_name, "QX1");
    assert!(!record.landscape);
    assert_eq!(record.trigger_distance_m, g.trigger_distance_m);
    let back = Capture::from_record(&record);
    let g2 = back.resolve(10.0).unwrap();
    assert_eq!(g2.line_spacing_m, g.line_spacing_m);
    assert_eq!(g2.trigger_distance_m, g.trigger_distance_m);

    let manual = Capture::Manual {
        alt_m: 50.0,
        line_spacing_m: 20.0,
        trigger_distance_m: 15.0,
    };
    let mut record = SurveyRecord::default();
    manual.write_record(&manual.resolve(5.0).unwrap(), &mut record);
    assert_eq!(record.camera_name, "Manual");
    assert_eq!(Capture::from_record(&record), manual);
}

#[test]
fn max_speed_follows_the_interval() {
    assert_eq!(qx1().max_speed_mps(30.0), Some(30.0));
    let mut cam = qx1();
    cam.min_trigger_interval_s = Some(0.0);
    assert_eq!(cam.max_speed_mps(30.0), None);
}

/// Random plausible cameras: sensors 1–60 mm, 64–12000 px, lenses 1–200 mm.
fn any_camera() -> impl Strategy<Value = Camera> {
    (
        1.0f64..60.0,
        1.0f64..60.0,
        64u32..12000,
        64u32..12000,
        1.0f64..200.0,
    )
        .prop_map(|(sw, sh, iw, ih, f)| Camera {
            name: "random".to_owned(),
            sensor_width_mm: sw,
            sensor_height_mm: sh,
            image_width_px: iw,
            image_height_px: ih,
            focal_length_mm: f,
            min_trigger_interval_s: None,
            fixed_orientation: false,
            source: "proptest".to_owned(),
        })
}

fn any_orientation() -> impl Strategy<Value = Orientation> {
    prop_oneof![Just(Orientation::Landscape), Just(Orientation::Portrait)]
}

proptest! {
    #[test]
    fn spacing_and_trigger_shrink_as_overlap_grows(
        cam in any_camera(),
        orientation in any_orientation(),
        alt_m in 5.0f64..500.0,
        a in 0.0f64..=99.0,
        b in 0.0f64..=99.0,
    ) {
        prop_assume!((a - b).abs() > 1e-6);
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        let g = cam.ground(alt_m, orientation);
        prop_assert!(g.line_spacing_m(lo).unwrap() > g.line_spacing_m(hi).unwrap());
        prop_assert!(g.trigger_distance_m(lo).unwrap() > g.trigger_distance_m(hi).unwrap());
        prop_assert!(g.line_spacing_m(hi).unwrap() > 0.0);
    }

    #[test]
    fn alt_for_gsd_inverts_gsd(cam in any_camera(), alt_m in 1.0f64..2000.0) {
        let back = cam.alt_for_gsd_m(cam.gsd_cm(alt_m));
        prop_assert!((back - alt_m).abs() <= 1e-9 * alt_m, "{} -> {}", alt_m, back);
    }

    #[test]
    fn portrait_swaps_the_axes(cam in any_camera(), alt_m in 1.0f64..2000.0) {
        let l = cam.ground(alt_m, Orientation::Landscape);
        let p = cam.ground(alt_m, Orientation::Portrait);
        prop_assert_eq!(l.gsd_across_cm, p.gsd_along_cm);
        prop_assert_eq!(l.gsd_along_cm, p.gsd_across_cm);
        prop_assert_eq!(l.footprint_across_m, p.footprint_along_m);
        prop_assert_eq!(l.footprint_along_m, p.footprint_across_m);
        prop_assert_eq!(l.gsd_cm(), p.gsd_cm());
        let lq = cam.ground_qgc(alt_m, Orientation::Landscape);
        let pq = cam.ground_qgc(alt_m, Orientation::Portrait);
        prop_assert_eq!(lq.footprint_across_m, pq.footprint_along_m);
        prop_assert_eq!(lq.footprint_along_m, pq.footprint_across_m);
    }

    #[test]
    fn target_gsd_is_met_on_both_axes(
        cam in any_camera(),
        orientation in any_orientation(),
        gsd_cm in 0.2f64..20.0,
        front in 0.0f64..=99.0,
        side in 0.0f64..=99.0,
        speed_mps in 0.5f64..30.0,
    ) {
        let capture = Capture::Camera {
            camera: cam,
            orientation,
            target: AltOrGsd::GsdCm(gsd_cm),
            front_overlap_pct: front,
            side_overlap_pct: side,
        };
        let g = capture.resolve(speed_mps).unwrap();
        let got = g.gsd_cm.unwrap();
        prop_assert!((got - gsd_cm).abs() <= 1e-9 * gsd_cm);
        prop_assert!(g.gsd_across_cm.unwrap() <= gsd_cm * (1.0 + 1e-9));
        prop_assert!(g.gsd_along_cm.unwrap() <= gsd_cm * (1.0 + 1e-9));
        prop_assert!((g.photo_interval_s * speed_mps - g.trigger_distance_m).abs() < 1e-9 * g.trigger_distance_m.max(1.0));
    }
}
