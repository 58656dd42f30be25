//! Which item form an upload answers with: coordinates stay exact (`MISSION_ITEM_INT`) with
//! vehicles that ask in the float form, as ArduPilot 4.7 and PX4 1.16 do, and the float form
//! is used only for a vehicle that cannot take INT items.

use super::tests::{GCS, VEH, run_keep};
use super::{MissionError, MissionTransfer, RefusedItem, TransferStats};
use crate::geo::LatLon;
use crate::plan::mission_item::{MissionItem, MissionType, cmd};
use crate::protocol::lossy::Impairment;
use crate::protocol::mission_server::{MissionServer, MissionServerConfig, RequestForm};
use crate::protocol::retry::Timing;
use crate::protocol::wire::Wire;

/// Survey-like waypoints 1e-7° apart: a 32-bit float cannot hold these (its step near 42° and
/// 75° is about 4e-6°, 0.4 m).
fn precise_items(n: usize) -> Vec<MissionItem> {
    (0..n)
        .map(|i| {
            let p = LatLon::new(
                42.812_000_1 + i as f64 * 1.3e-7,
                75.286_000_3 - i as f64 * 1.7e-7,
            );
            MissionItem::nav(cmd::NAV_WAYPOINT, p, 100.0)
        })
        .collect()
}

fn vehicle(cfg: MissionServerConfig) -> MissionServer {
    MissionServer::new(VEH, cfg)
}

fn upload(
    s: &mut MissionServer,
    src: &[MissionItem],
    support: Option<bool>,
    imp: Impairment,
    seed: u64,
) -> (bool, TransferStats) {
    let t = MissionTransfer::upload(
        MissionType::Mission,
        src.to_vec(),
        GCS,
        VEH,
        Timing::default(),
    )
    .with_int_support(support);
    let mut probe = t.clone();
    let r = run_keep(t, s, imp, seed, &mut probe);
    assert_eq!(
        r.outcome.as_ref().map(Vec::len),
        Ok(src.len()),
        "{:?}",
        r.outcome
    );
    (probe.int_confirmed(), *probe.stats())
}

#[test]
fn float_requests_get_int_items_from_a_vehicle_that_takes_them() {
    let src = precise_items(120);
    for form in [RequestForm::ArduPilot, RequestForm::Px4, RequestForm::Int] {
        for support in [Some(true), None] {
            let mut s = vehicle(MissionServerConfig {
                request_form: form,
                ..Default::default()
            });
            let (int, _) = upload(&mut s, &src, support, Impairment::clean(), 1);
            assert!(int, "{form:?} {support:?}: INT form confirmed");
            assert_eq!(
                s.list(MissionType::Mission),
                &src[..],
                "{form:?} {support:?}"
            );
        }
    }
}

#[test]
fn the_float_form_would_have_moved_these_items() {
    // The check above means something only if floats lose these coordinates.
    let src = precise_items(120);
    let mut s = vehicle(MissionServerConfig::default());
    upload(&mut s, &src, Some(false), Impairment::clean(), 1);
    let moved = s
        .list(MissionType::Mission)
        .iter()
        .zip(&src)
        .filter(|(a, b)| a.x != b.x || a.y != b.y)
        .count();
    assert!(
        moved > 100,
        "only {moved} of 120 items moved by the float form"
    );
}

#[test]
fn a_vehicle_without_int_items_gets_the_float_form() {
    let src = precise_items(30);
    for support in [Some(false), None] {
        let mut s = vehicle(MissionServerConfig {
            takes_int_items: false,
            ..Default::default()
        });
        let (int, _) = upload(&mut s, &src, support, Impairment::clean(), 1);
        assert!(!int);
        let got = s.list(MissionType::Mission);
        assert_eq!(got.len(), src.len());
        for (a, b) in got.iter().zip(&src) {
            // Rounded through a 32-bit float: within half a metre, not exact.
            assert!(
                (a.x - b.x).abs() < 50 && (a.y - b.y).abs() < 50,
                "{a:?} {b:?}"
            );
        }
    }
}

#[test]
fn int_items_stay_exact_on_a_lossy_link() {
    let src = precise_items(150);
    for seed in 0..20 {
        let mut s = vehicle(MissionServerConfig::default());
        let imp = Impairment {
            loss: 0.2,
            duplicate: 0.1,
            ..Impairment::clean()
        };
        upload(&mut s, &src, Some(true), imp, seed);
        assert_eq!(s.list(MissionType::Mission), &src[..], "seed {seed}");
    }
}

#[test]
fn downloads_ask_with_request_int_and_read_exact_items() {
    let src = precise_items(50);
    let mut s = vehicle(MissionServerConfig::default());
    s.set_list(MissionType::Mission, src.clone());
    let t = MissionTransfer::download(MissionType::Mission, GCS, VEH, Timing::default())
        .with_window(8)
        .with_int_support(Some(true));
    let mut probe = t.clone();
    let r = run_keep(t, &mut s, Impairment::clean(), 1, &mut probe);
    assert_eq!(r.outcome, Ok(src));
    assert!(
        probe.int_confirmed(),
        "the vehicle answered with MISSION_ITEM_INT"
    );
}

#[test]
fn a_refused_item_is_named_with_its_command_and_frame() {
    let mut src = precise_items(10);
    src[4] = MissionItem::action(cmd::NAV_RETURN_TO_LAUNCH, [0.0; 4]);
    src[4].frame = crate::plan::mission_item::frame::GLOBAL_RELATIVE_ALT;
    let mut s = vehicle(MissionServerConfig {
        refuse_command: Some(cmd::NAV_RETURN_TO_LAUNCH),
        ..Default::default()
    });
    let t = MissionTransfer::upload(MissionType::Mission, src, GCS, VEH, Timing::default());
    let r = super::tests::run(t, &mut s, Impairment::clean(), 1);
    let err = r.outcome.unwrap_err();
    assert_eq!(
        err,
        MissionError::Rejected {
            kind: MissionType::Mission,
            result: 3,
            item: Some(RefusedItem {
                seq: 4,
                command: cmd::NAV_RETURN_TO_LAUNCH,
                frame: 3
            }),
            texts: vec![],
        }
    );
    assert_eq!(
        err.to_string(),
        "vehicle rejected the mission transfer: UNSUPPORTED: a command is not supported, \
         at item 4 (NAV_RETURN_TO_LAUNCH (20), frame GLOBAL_RELATIVE_ALT (3))"
    );
    assert!(s.list(MissionType::Mission).is_empty(), "nothing stored");
}

/// Feeds the transfer what the vehicle says, by hand.
fn ack(result: u8) -> Wire {
    Wire::MissionAck {
        target_system: GCS.sysid,
        target_component: GCS.compid,
        result,
        mission_type: 0,
        opaque_id: 0,
    }
}

fn request(seq: u16) -> Wire {
    Wire::MissionRequest {
        target_system: GCS.sysid,
        target_component: GCS.compid,
        seq,
        mission_type: 0,
        int: false,
    }
}

#[test]
fn a_refusal_waits_briefly_for_the_vehicles_explanation() {
    let src = precise_items(3);
    let mut t = MissionTransfer::upload(
        MissionType::Mission,
        src.clone(),
        GCS,
        VEH,
        Timing::default(),
    );
    t.start(0);
    t.handle(VEH, &request(0), 10_000);
    // An old warning is not the explanation.
    t.note_statustext(VEH.sysid, 2, "PreArm: Gyros inconsistent", 20_000);
    t.handle(VEH, &request(1), 3_000_000);
    t.handle(VEH, &ack(3), 3_010_000);
    assert!(!t.is_done(), "waits for the vehicle's STATUSTEXT");
    assert_eq!(t.deadline_us(), Some(3_310_000));
    t.note_statustext(
        VEH.sysid,
        6,
        "an info message is not an explanation",
        3_020_000,
    );
    assert!(!t.is_done());
    t.note_statustext(
        VEH.sysid,
        3,
        "Mission rejected: item 2 unsupported",
        3_030_000,
    );
    assert!(t.is_done());
    let err = t.take_outcome().unwrap().unwrap_err();
    assert!(
        err.to_string().ends_with(
            "at item 1 (NAV_WAYPOINT (16), frame GLOBAL_RELATIVE_ALT (3)). \
             Vehicle said: Mission rejected: item 2 unsupported"
        ),
        "{err}"
    );

    // No explanation: the refusal is reported as it is after the wait.
    let mut t = MissionTransfer::upload(MissionType::Mission, src, GCS, VEH, Timing::default());
    t.start(0);
    t.handle(VEH, &request(0), 10_000);
    t.handle(VEH, &ack(5), 20_000);
    assert!(!t.is_done());
    assert!(t.poll(200_000).is_empty());
    assert!(!t.is_done());
    t.poll(320_000);
    assert!(t.is_done());
    let err = t.take_outcome().unwrap().unwrap_err();
    assert!(
        err.to_string().ends_with("frame GLOBAL_RELATIVE_ALT (3))"),
        "{err}"
    );
}

#[test]
fn a_fence_can_be_cleared_before_the_upload() {
    let mut s = vehicle(MissionServerConfig::default());
    let old: Vec<MissionItem> = (0..5)
        .map(|i| {
            let mut it = precise_items(1)[0];
            it.command = cmd::NAV_FENCE_POLYGON_VERTEX_INCLUSION;
            it.params[0] = 5.0;
            it.x += i;
            it
        })
        .collect();
    s.set_list(MissionType::Fence, old);
    let mut new = precise_items(2);
    for it in &mut new {
        it.command = cmd::NAV_FENCE_CIRCLE_INCLUSION;
        it.params[0] = 120.5;
    }
    let mut t =
        MissionTransfer::upload(MissionType::Fence, new.clone(), GCS, VEH, Timing::default())
            .with_clear_first(true);
    let first = t.start(0);
    assert!(
        matches!(
            first.as_slice(),
            [Wire::MissionClearAll {
                mission_type: 1,
                ..
            }]
        ),
        "{first:?}"
    );
    // Drive it by hand: the clear's ACK starts the upload proper.
    let mut now = 0;
    let mut to_vehicle = first;
    let mut count_at = None;
    while !t.is_done() {
        now += 10_000;
        let mut back = Vec::new();
        for m in &to_vehicle {
            if matches!(m, Wire::MissionCount { .. }) {
                count_at.get_or_insert(now);
            }
            back.extend(s.handle(GCS, m, now).replies);
        }
        to_vehicle = back.iter().flat_map(|m| t.handle(VEH, m, now)).collect();
        to_vehicle.extend(t.poll(now));
        assert!(now < 5_000_000, "stalled");
    }
    // The count waits a moment after the clear's ACK (ArduPilot lost a fence sent at once).
    assert!(count_at.is_some_and(|t| t >= 300_000), "{count_at:?}");
    assert_eq!(t.take_outcome(), Some(Ok(new.clone())));
    assert_eq!(s.list(MissionType::Fence), &new[..]);
}

#[test]
fn an_upload_right_after_boot_waits_for_the_vehicles_storage() {
    // ArduPilot 4.7 SITL refuses uploads with NO_SPACE and "Only 0 items are supported" for
    // about 1.5 s after a wiped boot.
    let mut s = vehicle(MissionServerConfig {
        storage_ready_ms: 1_500,
        ..Default::default()
    });
    let src = precise_items(20);
    let mut t = MissionTransfer::upload(
        MissionType::Mission,
        src.clone(),
        GCS,
        VEH,
        Timing::default(),
    );
    let mut now = 0;
    let mut to_vehicle = t.start(now);
    let mut refusals = 0;
    while !t.is_done() {
        now += 10_000;
        let mut back = Vec::new();
        for m in &to_vehicle {
            let out = s.handle(GCS, m, now);
            for (sev, text) in &out.texts {
                t.note_statustext(VEH.sysid, *sev, text, now);
            }
            refusals += out
                .replies
                .iter()
                .filter(|r| matches!(r, Wire::MissionAck { result: 4, .. }))
                .count();
            back.extend(out.replies);
        }
        to_vehicle = back.iter().flat_map(|m| t.handle(VEH, m, now)).collect();
        if let Some(d) = t.deadline_us().filter(|d| *d <= now) {
            to_vehicle.extend(t.poll(d.max(now)));
        }
        assert!(now < 20_000_000, "stalled");
    }
    assert_eq!(t.take_outcome(), Some(Ok(src.clone())));
    assert_eq!(s.list(MissionType::Mission), &src[..]);
    assert!(refusals >= 1, "the vehicle refused at first");
    assert!((1_500_000..4_000_000).contains(&now), "done at {now} µs");

    // A vehicle that is simply full is not retried.
    let mut full = vehicle(MissionServerConfig {
        capacity: [5, 2_000, 2_000],
        ..Default::default()
    });
    let r = super::tests::run(
        MissionTransfer::upload(
            MissionType::Mission,
            precise_items(6),
            GCS,
            VEH,
            Timing::default(),
        ),
        &mut full,
        Impairment::clean(),
        1,
    );
    assert!(matches!(
        r.outcome,
        Err(MissionError::Rejected { result: 4, .. })
    ));
}

#[test]
fn a_lost_final_ack_is_settled_against_what_ardupilot_keeps() {
    use crate::plan::document::{Firmware, VehicleKind};
    // Frame 6 reads back as 3 and a DO_CHANGE_SPEED in frame 2 as frame 0 with param 4
    // dropped: a read-back compared item for item would call the upload failed.
    let mut src = precise_items(30);
    for it in &mut src {
        it.frame = crate::plan::mission_item::frame::GLOBAL_RELATIVE_ALT_INT;
    }
    src[3] = MissionItem::action(cmd::DO_CHANGE_SPEED, [1.0, 8.0, -1.0, 7.0]);
    let stores = Some((Firmware::ArduPilot, VehicleKind::Copter));
    let mut readbacks = 0;
    for seed in 0..60 {
        let mut s = vehicle(MissionServerConfig {
            stores_as: stores,
            ..Default::default()
        });
        let t = MissionTransfer::upload(
            MissionType::Mission,
            src.clone(),
            GCS,
            VEH,
            Timing::default(),
        )
        .with_home_item(true)
        .with_stored_as(stores);
        let mut probe = t.clone();
        let imp = Impairment {
            loss: 0.3,
            ..Impairment::clean()
        };
        let r = run_keep(t, &mut s, imp, seed, &mut probe);
        match r.outcome {
            Ok(_) => {}
            Err(MissionError::Timeout { .. }) => continue,
            Err(e) => panic!("seed {seed}: {e}"),
        }
        readbacks += usize::from(probe.stats().verified_by_readback);
    }
    assert!(readbacks > 0, "no final ACK was lost in 60 lossy uploads");
}
