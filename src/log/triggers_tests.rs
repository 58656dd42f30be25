use super::*;
use crate::log::tlog::write_record;
use crate::protocol::dialect::{
    ATTITUDE_DATA, CAMERA_FEEDBACK_DATA, CAMERA_IMAGE_CAPTURED_DATA, CAMERA_TRIGGER_DATA,
    CameraFeedbackFlags, GLOBAL_POSITION_INT_DATA, MavBool,
};
use crate::protocol::frame::{Sender, Version};

const T0: u64 = 1_700_000_000_000_000;
const S: u64 = 1_000_000;

#[derive(Default)]
struct Log(Vec<u8>);

impl Log {
    fn add(&mut self, t_us: u64, sysid: u8, compid: u8, m: &MavMessage) {
        let f = Sender::new(sysid, compid).encode(m, Version::V2);
        write_record(&mut self.0, t_us, f.raw()).expect("vec write");
    }
}

fn gpi(lat_e7: i32, lon_e7: i32, alt_mm: i32, rel_mm: i32) -> MavMessage {
    MavMessage::GLOBAL_POSITION_INT(GLOBAL_POSITION_INT_DATA {
        lat: lat_e7,
        lon: lon_e7,
        alt: alt_mm,
        relative_alt: rel_mm,
        ..Default::default()
    })
}

fn att(roll_deg: f32, pitch_deg: f32, yaw_deg: f32) -> MavMessage {
    MavMessage::ATTITUDE(ATTITUDE_DATA {
        roll: roll_deg.to_radians(),
        pitch: pitch_deg.to_radians(),
        yaw: yaw_deg.to_radians(),
        ..Default::default()
    })
}

fn feedback(idx: u16, lat_e7: i32) -> MavMessage {
    MavMessage::CAMERA_FEEDBACK(CAMERA_FEEDBACK_DATA {
        img_idx: idx,
        lat: lat_e7,
        lng: 740_000_000,
        alt_msl: 900.0,
        alt_rel: 100.0,
        roll: 1.0,
        pitch: 2.0,
        yaw: 3.0,
        flags: CameraFeedbackFlags::CAMERA_FEEDBACK_PHOTO,
        ..Default::default()
    })
}

fn trigger(seq: u32) -> MavMessage {
    MavMessage::CAMERA_TRIGGER(CAMERA_TRIGGER_DATA { time_usec: 0, seq })
}

fn captured(idx: i32, ok: bool, q: [f32; 4]) -> MavMessage {
    MavMessage::CAMERA_IMAGE_CAPTURED(CAMERA_IMAGE_CAPTURED_DATA {
        lat: 410_000_000,
        lon: 740_000_000,
        alt: 950_000,
        relative_alt: 150_000,
        q,
        image_index: idx,
        capture_result: if ok {
            MavBool::MAV_BOOL_TRUE
        } else {
            MavBool::MAV_BOOL_FALSE
        },
        ..Default::default()
    })
}

#[test]
fn feedback_photos_are_numbered_in_order() {
    let mut log = Log::default();
    for i in 0..3u16 {
        log.add(T0 + u64::from(i) * S, 1, 1, &feedback(i + 7, 410_000_000));
    }
    let r = photos(&log.0, &TriggerFilter::default());
    assert_eq!(r.vehicles.len(), 1);
    let p = &r.vehicles[0].photos;
    assert_eq!(p.len(), 3);
    assert_eq!(
        p.iter().map(|x| x.name.as_str()).collect::<Vec<_>>(),
        ["IMG_0001.JPG", "IMG_0002.JPG", "IMG_0003.JPG"]
    );
    assert_eq!(p[0].image_index, Some(7));
    assert_eq!(p[0].attitude_deg, Some([1.0, 2.0, 3.0]));
    assert!(!p[0].position_interpolated && !p[0].attitude_interpolated);
    assert_eq!(r.stats.feedback, 3);
}

#[test]
fn a_trigger_and_its_feedback_are_one_photo_and_lone_triggers_are_interpolated() {
    let mut log = Log::default();
    // Track: north-going, 100 m → 120 m relative, yaw 350° → 10° across north.
    log.add(T0, 1, 1, &gpi(410_000_000, 740_000_000, 900_000, 100_000));
    log.add(T0, 1, 1, &att(0.0, 0.0, 350.0));
    log.add(
        T0 + 2 * S,
        1,
        1,
        &gpi(410_001_000, 740_000_000, 920_000, 120_000),
    );
    log.add(T0 + 2 * S, 1, 1, &att(10.0, -4.0, 10.0));
    // Photo 1: trigger then its feedback 200 ms later.
    log.add(T0 + S / 2, 1, 1, &trigger(1));
    log.add(T0 + S / 2 + 200_000, 1, 1, &feedback(1, 410_000_500));
    // Photo 2: trigger whose feedback was lost, half-way along the track.
    log.add(T0 + S, 1, 1, &trigger(2));
    let r = photos(&log.0, &TriggerFilter::default());
    let p = &r.vehicles[0].photos;
    assert_eq!(p.len(), 2, "{p:#?}");
    assert_eq!(r.stats.triggers_paired_with_feedback, 1);
    assert_eq!(p[0].source, CameraSource::Feedback);
    assert_eq!(p[1].source, CameraSource::Trigger);
    let ll = p[1].lat_lon.expect("interpolated");
    assert!((ll.lat_deg - 41.000_05).abs() < 1e-9, "{ll:?}");
    assert_eq!(
        p[1].alt_rel_m.map(|a| (a * 1000.0).round()),
        Some(110_000.0)
    );
    assert_eq!(
        p[1].alt_amsl_m.map(|a| (a * 1000.0).round()),
        Some(910_000.0)
    );
    let [roll, pitch, yaw] = p[1].attitude_deg.expect("attitude");
    assert!((roll - 5.0).abs() < 1e-4 && (pitch + 2.0).abs() < 1e-4);
    assert!(yaw.abs() < 1e-4 || (yaw - 360.0).abs() < 1e-4, "yaw {yaw}");
    assert!(p[1].position_interpolated && p[1].attitude_interpolated);
}

#[test]
fn pairing_takes_the_nearest_trigger_and_ignores_far_ones() {
    let mut log = Log::default();
    // Triggers every 0.5 s; feedbacks 50 ms after the 1st and 3rd only; one feedback 3 s away
    // from any trigger.
    for k in 0..4u32 {
        log.add(T0 + u64::from(k) * S / 2, 1, 1, &trigger(k));
    }
    log.add(T0 + 50_000, 1, 1, &feedback(1, 410_000_000));
    log.add(T0 + S + 50_000, 1, 1, &feedback(3, 410_000_000));
    log.add(T0 + 5 * S, 1, 1, &feedback(5, 410_000_000));
    let r = photos(&log.0, &TriggerFilter::default());
    let p = &r.vehicles[0].photos;
    let kinds: Vec<_> = p.iter().map(|x| (x.source, x.image_index)).collect();
    assert_eq!(
        kinds,
        [
            (CameraSource::Feedback, Some(1)),
            (CameraSource::Trigger, Some(1)),
            (CameraSource::Feedback, Some(3)),
            (CameraSource::Trigger, Some(3)),
            (CameraSource::Feedback, Some(5)),
        ]
    );
    assert_eq!(r.stats.triggers_paired_with_feedback, 2);
    // No track in this log: the lone triggers have no position, and say so.
    assert_eq!(r.stats.without_position, 2);
    assert_eq!(p[1].lat_lon, None);
}

#[test]
fn captured_repeats_and_failures_are_dropped_and_cameras_belong_to_their_vehicle() {
    let mut log = Log::default();
    let level = [1.0, 0.0, 0.0, 0.0];
    log.add(T0, 2, 1, &gpi(410_000_000, 740_000_000, 900_000, 100_000));
    log.add(T0, 2, 1, &att(3.0, 4.0, 90.0));
    log.add(
        T0 + S,
        2,
        1,
        &gpi(410_000_000, 740_000_000, 900_000, 100_000),
    );
    log.add(T0 + S, 2, 1, &att(3.0, 4.0, 90.0));
    log.add(T0 + S / 4, 2, 100, &captured(0, true, level));
    log.add(T0 + S / 2, 2, 100, &captured(1, true, [0.0; 4]));
    log.add(T0 + S / 2 + 10, 2, 100, &captured(1, true, [0.0; 4]));
    log.add(T0 + S * 3 / 4, 2, 100, &captured(2, false, level));
    // Another vehicle with one feedback.
    log.add(T0 + S, 1, 1, &feedback(1, 420_000_000));
    let r = photos(&log.0, &TriggerFilter::default());
    assert_eq!(
        r.vehicles.iter().map(|v| v.sysid).collect::<Vec<_>>(),
        [1, 2]
    );
    let two = &r.vehicles[1].photos;
    assert_eq!(two.len(), 2);
    assert_eq!((r.stats.captured_repeats, r.stats.captured_failed), (1, 1));
    assert_eq!(two[0].name, "S2_IMG_0001.JPG");
    assert_eq!(r.vehicles[0].photos[0].name, "S1_IMG_0001.JPG");
    assert_eq!(two[0].compid, 100);
    assert_eq!(two[0].attitude_deg, Some([0.0, 0.0, 0.0]));
    assert!(!two[0].attitude_interpolated);
    // Unknown quaternion: attitude from ATTITUDE; the position is the camera's own.
    let a = two[1].attitude_deg.expect("interpolated");
    assert!(
        (a[0] - 3.0).abs() < 1e-4 && (a[2] - 90.0).abs() < 1e-4,
        "{a:?}"
    );
    assert!(two[1].attitude_interpolated && !two[1].position_interpolated);
    assert_eq!(two[1].alt_rel_m, Some(150.0));
}

#[test]
fn filters_keep_the_whole_log_numbering() {
    let mut log = Log::default();
    for i in 0..10u16 {
        log.add(T0 + u64::from(i) * S, 1, 1, &feedback(i, 410_000_000));
    }
    log.add(T0, 3, 1, &feedback(1, 410_000_000));
    let f = TriggerFilter {
        sysid: Some(1),
        from_s: Some(4.5),
        to_s: Some(7.0),
    };
    let r = photos(&log.0, &f);
    assert_eq!(r.vehicles.len(), 1);
    let names: Vec<_> = r.photos().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["IMG_0006.JPG", "IMG_0007.JPG", "IMG_0008.JPG"]);
    assert_eq!(r.len(), 3);
    assert!(photos(&[], &TriggerFilter::default()).is_empty());
}

#[test]
fn interpolation_refuses_long_gaps_but_takes_a_near_sample() {
    let s: Vec<(u64, [f64; 3])> = vec![(0, [0.0; 3]), (10 * S, [10.0, 0.0, 0.0])];
    assert_eq!(interpolate(&s, 5 * S, lerp_attitude), None);
    assert_eq!(
        interpolate(&s, S / 2, lerp_attitude).map(|a| a[0]),
        Some(0.0)
    );
    assert_eq!(
        interpolate(&s, 11 * S, lerp_attitude).map(|a| a[0]),
        Some(10.0)
    );
    assert_eq!(interpolate(&s, 12 * S, lerp_attitude), None);
    assert_eq!(interpolate::<[f64; 3]>(&[], 0, lerp_attitude), None);
}
