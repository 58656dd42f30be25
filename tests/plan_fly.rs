//! A generated survey flown by the simulator over real UDP: the photos land where the plan
//! says — inside the field, never over the exclusion zone, as many as the statistics promise —
//! and the flight takes about the estimated time.

mod common;

use common::*;
use std::time::{Duration, Instant};
use steppe::geo::{Enu, LatLon, LocalFrame};
use steppe::plan::camera::{Capture, CaptureGeometry};
use steppe::plan::survey::{Angle, SurveyParams, generate, survey_stats};
use steppe::plan::survey_doc::{DocOptions, survey_document};
use steppe::plan::{Area, MissionType};
use steppe::protocol::actions::VehicleAction;
use steppe::runtime::{Event, MissionOp, Request};

#[test]
fn the_simulator_flies_a_generated_survey_around_the_zone_with_the_promised_photos() {
    let speedup = 20.0;
    let s = sim(SimArgs {
        speedup,
        ..SimArgs::default()
    });
    let mut h = engine(&s, None);
    let id = vehicles(&mut h, 1)[0];
    let home = h.snapshot().vehicles[0].position.lat_lon.expect("position");
    // A 240 × 160 m field 40 m east of home with a 60 × 50 m zone in the middle.
    let f = LocalFrame::new(home);
    let ring = |pts: &[(f64, f64)]| -> Vec<LatLon> {
        pts.iter()
            .map(|(e, n)| f.to_latlon(Enu::new(*e, *n)))
            .collect()
    };
    let area = Area::new(ring(&[
        (40.0, 0.0),
        (280.0, 0.0),
        (280.0, 160.0),
        (40.0, 160.0),
    ]))
    .with_hole(ring(&[
        (130.0, 55.0),
        (190.0, 55.0),
        (190.0, 105.0),
        (130.0, 105.0),
    ]));
    let capture = Capture::Manual {
        alt_m: 40.0,
        line_spacing_m: 40.0,
        trigger_distance_m: 20.0,
    };
    let geometry: CaptureGeometry = capture.resolve(8.0).expect("capture");
    let params = SurveyParams {
        alt_m: 40.0,
        line_spacing_m: 40.0,
        trigger_distance_m: 20.0,
        speed_mps: 8.0,
        angle: Angle::Deg(90.0),
        home: Some(home),
        hole_margin_m: 5.0,
        ..SurveyParams::default()
    };
    let survey = generate(&area, &params).expect("survey");
    assert!(survey.detours > 0, "the plan flies around the zone");
    let stats = survey_stats(&survey, &area);
    let doc = survey_document(&area, &survey, &capture, &geometry, DocOptions::default());
    let req = h.next_id();
    let done = result_of(
        &mut h,
        Request::Mission {
            id: req,
            target: id,
            op: MissionOp::Upload(MissionType::Mission, doc.mission_upload_list()),
        },
        req,
        Duration::from_secs(60),
    );
    assert!(
        matches!(done, Event::MissionDone { result: Ok(_), .. }),
        "{done:?}"
    );
    for action in [
        VehicleAction::SetMode("GUIDED".into()),
        VehicleAction::Arm,
        VehicleAction::StartMission,
    ] {
        if matches!(action, VehicleAction::Arm) {
            wait_until(&mut h, Duration::from_secs(10), "GPS fix", |v| {
                v[0].gps.as_ref().is_some_and(|g| g.fix_type >= 3)
            });
        }
        let r = h.next_id();
        let ev = result_of(
            &mut h,
            Request::Action {
                id: r,
                target: id,
                action,
            },
            r,
            Duration::from_secs(20),
        );
        assert!(
            matches!(ev, Event::CommandDone { result: Ok(()), .. }),
            "{ev:?}"
        );
    }
    let started = Instant::now();
    wait_until(&mut h, Duration::from_secs(20), "armed", |v| v[0].armed);
    // RTL ends with a landing and the motors disarmed.
    wait_until(&mut h, Duration::from_secs(180), "landed after RTL", |v| {
        !v[0].armed
    });
    let flown_s = started.elapsed().as_secs_f64() * speedup;
    let snap = h.snapshot();
    let cam = &snap.vehicles[0].camera;
    let photos: Vec<LatLon> = cam.recent().filter_map(|e| e.lat_lon).collect();
    assert_eq!(
        cam.total() as usize,
        photos.len(),
        "every photo kept for the check"
    );
    // As many photos as planned (the simulator may add one where a line's end lands exactly
    // on a trigger distance).
    let planned = i64::from(stats.photos);
    assert!(
        (photos.len() as i64 - planned).abs() <= stats.transects as i64,
        "{} photos, {planned} planned",
        photos.len()
    );
    // Every photo over the field and none over the zone (GPS and turn tolerance 3 m).
    let inside = |p: LatLon, pts: &[(f64, f64)], pad: f64| {
        let e = f.to_enu(p);
        let (lo, hi) = (pts[0], pts[2]);
        e.east_m >= lo.0 - pad
            && e.east_m <= hi.0 + pad
            && e.north_m >= lo.1 - pad
            && e.north_m <= hi.1 + pad
    };
    for p in &photos {
        assert!(
            inside(*p, &[(40.0, 0.0), (0.0, 0.0), (280.0, 160.0)], 3.0),
            "photo outside the field at {:?}",
            f.to_enu(*p)
        );
        assert!(
            !inside(*p, &[(130.0, 55.0), (0.0, 0.0), (190.0, 105.0)], -3.0),
            "photo over the zone at {:?}",
            f.to_enu(*p)
        );
    }
    eprintln!(
        "flown: {} photos ({planned} planned), {flown_s:.0} s simulated (estimate {:.0} s)",
        photos.len(),
        stats.flight_time_s
    );
    // The estimate is within a third of the simulated flight (arming to disarming).
    assert!(
        (flown_s - stats.flight_time_s).abs() < stats.flight_time_s / 3.0,
        "flew {flown_s:.0} s, estimated {:.0} s",
        stats.flight_time_s
    );
}
