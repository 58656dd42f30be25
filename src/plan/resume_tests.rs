//! Tests of resuming.

use super::*;
use crate::geo::LatLon;
use crate::plan::survey::{Angle, PointKind, SurveyParams, generate, mission_items};

fn area() -> Area {
    crate::plan::test_fields::rect(400.0, 300.0)
}

fn survey() -> Survey {
    generate(
        &area(),
        &SurveyParams {
            line_spacing_m: 35.0,
            trigger_distance_m: 20.0,
            angle: Angle::Deg(90.0),
            turnaround_m: 15.0,
            ..SurveyParams::default()
        },
    )
    .expect("survey")
}

#[test]
fn parses_transects_and_items() {
    assert_eq!("3".parse(), Ok(ResumeFrom::Transect(3)));
    assert_eq!("transect:4".parse(), Ok(ResumeFrom::Transect(4)));
    assert_eq!("item:12".parse(), Ok(ResumeFrom::Item(12)));
    let e = "row:2".parse::<ResumeFrom>().expect_err("bad kind");
    assert!(e.to_string().contains("item:12"), "{e}");
    assert!("x".parse::<ResumeFrom>().is_err());
}

#[test]
fn resume_from_a_transect_skips_the_flown_ones_and_rearms_the_camera() {
    let s = survey();
    assert_eq!(s.transects.len(), 9);
    let r = resume_survey(&area(), &s, ResumeFrom::Transect(4)).expect("resume");
    assert_eq!(r.transects.len(), 6);
    assert_eq!(r.transects[0], s.transects[3]);
    assert_eq!(r.home, s.home);
    let items = mission_items(&r);
    assert_eq!(items[0].command, cmd::NAV_TAKEOFF);
    // The first camera command switches it on at the start of the first remaining line.
    let first_cam = items
        .iter()
        .position(|i| i.command == cmd::DO_SET_CAM_TRIGG_DIST)
        .expect("camera");
    assert_eq!(items[first_cam].params[0], 20.0);
    assert_eq!(
        items[first_cam - 1].position(),
        Some(s.transects[3].start).map(|p| LatLon::from_e7(p.to_e7().0, p.to_e7().1))
    );
    assert_eq!(
        items.last().map(|i| i.command),
        Some(cmd::NAV_RETURN_TO_LAUNCH)
    );
    let e = resume_survey(&area(), &s, ResumeFrom::Transect(10)).expect_err("too far");
    assert!(e.to_string().contains("9 transect"), "{e}");
    assert!(resume_survey(&area(), &s, ResumeFrom::Transect(0)).is_err());
}

#[test]
fn resume_from_an_item_inside_a_transect_reflies_that_transect() {
    let s = survey();
    let tagged = mission_items_with_transects(&s);
    // The end waypoint of transect index 5 (ArduPilot numbering: list index + 1).
    let end_of_6 = tagged
        .iter()
        .enumerate()
        .filter(|(_, (it, t))| *t == Some(5) && it.command == cmd::NAV_WAYPOINT)
        .map(|(i, _)| i)
        .nth(2)
        .expect("end waypoint of transect 6");
    let seq = u16::try_from(end_of_6 + 1).expect("small");
    assert_eq!(resume_transect(&s, ResumeFrom::Item(seq)), Ok(5));
    // The takeoff (item 1) resumes from the first transect.
    assert_eq!(resume_transect(&s, ResumeFrom::Item(1)), Ok(0));
    // The final RTL has nothing left.
    let last = u16::try_from(tagged.len()).expect("small");
    assert_eq!(
        resume_transect(&s, ResumeFrom::Item(last)),
        Err(ResumeError::NothingLeft(last))
    );
    assert!(matches!(
        resume_transect(&s, ResumeFrom::Item(last + 1)),
        Err(ResumeError::NoSuchItem { .. })
    ));
    let r = resume_survey(&area(), &s, ResumeFrom::Item(seq)).expect("resume");
    assert_eq!(r.transects.len(), 4);
    assert!(r.path.iter().any(|p| p.kind == PointKind::Turnaround));
}

#[test]
fn generic_resume_mid_transect_reflies_the_leg_with_the_camera_on() {
    let s = survey();
    let items = mission_items(&s);
    // Find the end waypoint of the third transect: the waypoint just before a camera-off.
    let offs: Vec<usize> = items
        .iter()
        .enumerate()
        .filter(|(_, i)| i.command == cmd::DO_SET_CAM_TRIGG_DIST && i.params[0] == 0.0)
        .map(|(k, _)| k)
        .collect();
    let end_wp = offs[2] - 1;
    let seq = u16::try_from(end_wp + 1).expect("small");
    let r = resume_items(&items, seq).expect("resume");
    assert_eq!(r[0].command, cmd::NAV_TAKEOFF);
    assert_eq!(r[1].command, cmd::DO_CHANGE_SPEED);
    // The start of the interrupted line, then the camera on with a photo at once.
    assert_eq!(r[2].command, cmd::NAV_WAYPOINT);
    assert_eq!(r[2].position(), items[end_wp - 2].position());
    assert_eq!(r[3].command, cmd::DO_SET_CAM_TRIGG_DIST);
    assert_eq!(r[3].params[0], 20.0);
    assert_eq!(r[3].params[2], 1.0);
    assert_eq!(&r[4..], &items[end_wp..]);
    // Resuming between lines: camera is off there, nothing re-armed.
    let between = offs[2] + 2; // a waypoint after the camera-off
    let r2 = resume_items(&items, u16::try_from(between).expect("small")).expect("resume");
    assert_eq!(r2.len(), 2 + items.len() - (between - 1));
}

#[test]
fn generic_resume_renumbers_jumps_and_refuses_loops_behind_it() {
    let wp = |lat: f64| MissionItem::nav(cmd::NAV_WAYPOINT, LatLon::new(lat, 72.0), 50.0);
    let mut jump = MissionItem::action(cmd::DO_JUMP, [3.0, 2.0, 0.0, 0.0]);
    let items = vec![
        MissionItem::nav(cmd::NAV_TAKEOFF, LatLon::default(), 30.0),
        wp(42.0),
        wp(42.1),
        wp(42.2),
        jump,
    ];
    // From item 3 (wp 42.1): the jump to item 3 becomes a jump to the first kept item.
    let r = resume_items(&items, 3).expect("resume");
    assert_eq!(r.len(), 4);
    assert_eq!(r[3].command, cmd::DO_JUMP);
    assert_eq!(r[3].params[0], 2.0, "takeoff is 1, the resumed waypoint 2");
    // From item 4, the jump back to 3 is behind the resume point.
    let e = resume_items(&items, 4).expect_err("loop");
    assert!(e.to_string().contains("jumps back"), "{e}");
    // Without a takeoff in the kept part one is added, and jumps shift.
    jump.params[0] = 2.0;
    let no_takeoff = vec![wp(42.0), wp(42.1), jump];
    let r = resume_items(&no_takeoff, 2).expect("resume");
    assert_eq!(r[0].command, cmd::NAV_TAKEOFF);
    assert_eq!(r[0].z, 50.0);
    assert_eq!(r[2].params[0], 2.0);
    assert!(resume_items(&no_takeoff, 0).is_err());
    assert!(resume_items(&no_takeoff, 4).is_err());
}
