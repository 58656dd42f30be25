//! The engine against the built-in simulator over real UDP on 127.0.0.1:0: identify vehicles,
//! fly, transfer missions (clean and lossy), parameters, and record the session.

mod common;

use common::*;
use std::time::Duration;
use steppe::geo::LatLon;
use steppe::log::tlog::TlogReader;
use steppe::plan::MissionType;
use steppe::protocol::actions::VehicleAction;
use steppe::runtime::{Event, MissionOp, Request};
use steppe::vehicle::{Autopilot, VehicleClass, VehicleId};

#[test]
fn two_vehicles_are_identified() {
    let s = sim(SimArgs {
        vehicles: 2,
        ..SimArgs::default()
    });
    let mut h = engine(&s, None);
    let ids = vehicles(&mut h, 2);
    assert_eq!(ids, vec![VehicleId::new(1, 1), VehicleId::new(2, 1)]);
    let snap = h.snapshot();
    for v in &snap.vehicles {
        assert_eq!(
            (v.autopilot, v.class),
            (Autopilot::ArduPilot, VehicleClass::Copter)
        );
        assert!(v.mavlink2);
        assert!(v.home.is_some() || v.position.lat_lon.is_some());
    }
    // Distinct launch points: 20 m apart.
    let p: Vec<LatLon> = snap
        .vehicles
        .iter()
        .filter_map(|v| v.position.lat_lon)
        .collect();
    assert!((p[0].distance_m(p[1]) - 20.0).abs() < 2.0);
}

#[test]
fn arm_takeoff_mode_rtl() {
    let s = sim(SimArgs {
        speedup: 5.0,
        ..SimArgs::default()
    });
    let mut h = engine(&s, None);
    let id = vehicles(&mut h, 1)[0];
    // Refused actions come back in words.
    let e = act(&mut h, id, VehicleAction::Takeoff { alt_rel_m: 10.0 }).unwrap_err();
    assert!(e.to_string().contains("NAV_TAKEOFF (22) refused"), "{e}");
    let e = act(&mut h, id, VehicleAction::SetMode("WARP9".into())).unwrap_err();
    assert!(e.to_string().contains("not a mode of this vehicle"), "{e}");
    act(&mut h, id, VehicleAction::SetMode("GUIDED".into())).expect("guided");
    wait_until(&mut h, Duration::from_secs(10), "GPS fix", |v| {
        v[0].gps.as_ref().is_some_and(|g| g.fix_type >= 3)
    });
    act(&mut h, id, VehicleAction::Arm).expect("arms after GPS fix");
    act(&mut h, id, VehicleAction::Takeoff { alt_rel_m: 10.0 }).expect("takeoff");
    wait_until(&mut h, Duration::from_secs(30), "10 m altitude", |v| {
        v[0].position.alt_rel_m.is_some_and(|a| a > 9.5)
    });
    act(&mut h, id, VehicleAction::SetMode("LOITER".into())).expect("loiter");
    wait_until(&mut h, Duration::from_secs(5), "LOITER shown", |v| {
        v[0].mode_name == "LOITER"
    });
    act(&mut h, id, VehicleAction::Rtl).expect("rtl");
    wait_until(
        &mut h,
        Duration::from_secs(60),
        "landed and disarmed",
        |v| !v[0].armed && v[0].position.alt_rel_m.is_some_and(|a| a < 0.5),
    );
}

#[test]
fn missions_clean_800_items_each_type() {
    // More items than ArduCopter SITL holds (650 mission, 70 fence, 46 rally): a flight
    // controller with more storage.
    let s = sim(SimArgs {
        item_limit: Some(2_000),
        ..SimArgs::default()
    });
    let mut h = engine(&s, None);
    let id = vehicles(&mut h, 1)[0];
    for kind in MissionType::ALL {
        let src = items(kind, 800);
        let up = transfer(&mut h, id, MissionOp::Upload(kind, src.clone())).expect("upload");
        assert_eq!(up.len(), 800);
        let down = transfer(&mut h, id, MissionOp::Download(kind)).expect("download");
        assert!(
            same_items(kind, &src, &down),
            "{kind}: download differs from upload"
        );
    }
    let cleared = transfer(&mut h, id, MissionOp::Clear(MissionType::Fence)).expect("clear");
    assert!(cleared.is_empty());
    assert!(
        transfer(&mut h, id, MissionOp::Download(MissionType::Fence))
            .expect("download")
            .is_empty()
    );
    // Other lists survive a clear of the fence.
    assert_eq!(
        transfer(&mut h, id, MissionOp::Download(MissionType::Rally))
            .expect("rally")
            .len(),
        800
    );
}

#[test]
fn missions_lossy_100_items_each_type_concurrently() {
    let s = sim(SimArgs {
        // 100 fence items and rally points: more than ArduCopter SITL's 70 and 46.
        item_limit: Some(2_000),
        faults: steppe::cli::FaultArgs {
            loss: 20.0,
            dup: 10.0,
            reorder: 10.0,
            ..Default::default()
        },
        seed: 7,
        ..SimArgs::default()
    });
    let mut h = engine(&s, None);
    let id = vehicles(&mut h, 1)[0];
    // All three uploads run at once (one transfer per list type).
    let mut pending = Vec::new();
    for kind in MissionType::ALL {
        let rid = h.next_id();
        h.send(Request::Mission {
            id: rid,
            target: id,
            op: MissionOp::Upload(kind, items(kind, 100)),
        })
        .expect("queued");
        pending.push((rid, kind));
    }
    let end = std::time::Instant::now() + Duration::from_secs(240);
    while !pending.is_empty() {
        assert!(
            std::time::Instant::now() < end,
            "uploads still pending: {pending:?}"
        );
        if let Some(Event::MissionDone { id: rid, result }) =
            h.wait_event(Duration::from_millis(100))
        {
            let kind = pending
                .iter()
                .find(|(r, _)| *r == rid)
                .map(|(_, k)| *k)
                .expect("ours");
            let got = result.unwrap_or_else(|e| panic!("{kind} upload failed: {e}"));
            assert_eq!(
                got,
                items(kind, 100),
                "{kind}: the upload reports what it sent"
            );
            pending.retain(|(r, _)| *r != rid);
        }
    }
    for kind in MissionType::ALL {
        let down = transfer(&mut h, id, MissionOp::Download(kind)).expect("lossy download");
        assert!(
            same_items(kind, &items(kind, 100), &down),
            "{kind}: lossy download differs"
        );
    }
    // The loss really happened: the link counted missing sequence numbers.
    let loss = h.snapshot().links[0].stats.loss_pct_of(1);
    assert!(loss > 10.0, "loss seen {loss}%");
}

#[test]
fn item_limit_is_a_clear_error() {
    let s = sim(SimArgs {
        item_limit: Some(50),
        ..SimArgs::default()
    });
    let mut h = engine(&s, None);
    let id = vehicles(&mut h, 1)[0];
    let e = transfer(
        &mut h,
        id,
        MissionOp::Upload(MissionType::Mission, items(MissionType::Mission, 51)),
    )
    .unwrap_err();
    assert!(e.to_string().contains("NO_SPACE"), "{e}");
}

#[test]
fn parameters_download_and_set() {
    let s = sim(SimArgs::default());
    let mut h = engine(&s, None);
    let id = vehicles(&mut h, 1)[0];
    let rid = h.next_id();
    let table = match result_of(
        &mut h,
        Request::ParamDownload {
            id: rid,
            target: id,
        },
        rid,
        Duration::from_secs(60),
    ) {
        Event::ParamsDone { result: Ok(t), .. } => t,
        other => panic!("{other:?}"),
    };
    assert!(table.len() > 250, "{} parameters", table.len());
    assert_eq!(table.get("MAV_SYSID").map(|p| p.value), Some(1.0));
    assert_eq!(table.get("WPNAV_SPEED").map(|p| p.value), Some(1000.0));
    let rid = h.next_id();
    match result_of(
        &mut h,
        Request::ParamSet {
            id: rid,
            target: id,
            name: "RTL_ALT".into(),
            value: 3000.0,
        },
        rid,
        Duration::from_secs(20),
    ) {
        Event::ParamSetDone { result: Ok(p), .. } => assert_eq!(p.value, 3000.0),
        other => panic!("{other:?}"),
    }
    // An int16 parameter rejects a value out of its range before anything is sent.
    let rid = h.next_id();
    match result_of(
        &mut h,
        Request::ParamSet {
            id: rid,
            target: id,
            name: "ANGLE_MAX".into(),
            value: 1e6,
        },
        rid,
        Duration::from_secs(20),
    ) {
        Event::ParamSetDone { result: Err(e), .. } => {
            assert!(e.to_string().contains("not a valid int16"), "{e}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn session_is_recorded_and_reads_back() {
    let dir = temp_dir("record");
    let path = dir.join("session.tlog");
    let s = sim(SimArgs {
        vehicles: 2,
        ..SimArgs::default()
    });
    let mut h = engine(&s, Some(path.clone()));
    vehicles(&mut h, 2);
    let id = VehicleId::new(1, 1);
    transfer(
        &mut h,
        id,
        MissionOp::Upload(MissionType::Rally, items(MissionType::Rally, 5)),
    )
    .expect("upload");
    h.shutdown();
    let mut recorded = None;
    while let Some(ev) = h.try_event() {
        if let Event::Recorder(st) = ev {
            recorded = Some(st);
        }
    }
    let st = recorded.expect("recorder reported at shutdown");
    assert!(st.closed && st.error.is_none() && st.dropped == 0, "{st:?}");
    let data = std::fs::read(&path).expect("tlog");
    let mut r = TlogReader::new(&data);
    let recs: Vec<_> = r.by_ref().collect();
    assert_eq!(recs.len() as u64, st.records);
    assert_eq!(r.stats().bad_bytes, 0);
    // Both directions are in the log: vehicles' heartbeats and our MISSION_ITEM_INTs.
    assert!(
        recs.iter()
            .any(|x| x.header.sysid == 2 && x.header.msgid == 0)
    );
    let items_sent = recs
        .iter()
        .filter(|x| x.header.sysid == 255 && x.header.msgid == 73)
        .count();
    assert!(items_sent >= 5, "{items_sent} MISSION_ITEM_INT recorded");
}

#[test]
fn one_system_id_on_two_links_is_reported() {
    let a = sim(SimArgs::default());
    let b = sim(SimArgs {
        seed: 2,
        ..SimArgs::default()
    });
    let mut h = steppe::runtime::start(steppe::runtime::BackendConfig {
        links: vec![link_to(&a), link_to(&b)],
        ..Default::default()
    })
    .expect("engine");
    let end = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        assert!(
            std::time::Instant::now() < end,
            "no warning about system 1 on two links"
        );
        if let Some(Event::Warning(text)) = h.wait_event(Duration::from_millis(100)) {
            assert!(
                text.contains("system 1 is heard on two links") && text.contains("SYSID_THISMAV"),
                "{text}"
            );
            break;
        }
    }
}

#[test]
fn survey_mission_triggers_the_camera_every_20_m() {
    // The whole chain: mission upload, arm, AUTO, DO_SET_CAM_TRIGG_DIST in the simulator,
    // CAMERA_FEEDBACK over UDP, camera events in the vehicle model.
    let s = sim(SimArgs {
        speedup: 20.0,
        ..SimArgs::default()
    });
    let mut h = engine(&s, None);
    let id = vehicles(&mut h, 1)[0];
    let home = h.snapshot().vehicles[0].position.lat_lon.expect("position");
    let mission = steppe::cli::demo_mission(home, 0.0);
    transfer(&mut h, id, MissionOp::Upload(MissionType::Mission, mission)).expect("upload");
    act(&mut h, id, VehicleAction::SetMode("GUIDED".into())).expect("guided");
    wait_until(&mut h, Duration::from_secs(10), "GPS fix", |v| {
        v[0].gps.as_ref().is_some_and(|g| g.fix_type >= 3)
    });
    act(&mut h, id, VehicleAction::Arm).expect("arm");
    act(&mut h, id, VehicleAction::StartMission).expect("start");
    // 4 lines of 150 m with a photo every 20 m (and one at each line start): 8 per line.
    wait_until(&mut h, Duration::from_secs(120), "32 photos", |v| {
        v[0].camera.total() >= 32
    });
    let events: Vec<_> = h.snapshot().vehicles[0].camera.recent().cloned().collect();
    let per_line: Vec<Vec<LatLon>> = events
        .chunk_by(|a, b| match (a.lat_lon, b.lat_lon) {
            (Some(p), Some(q)) => p.distance_m(q) < 25.0,
            _ => false,
        })
        .map(|run| run.iter().filter_map(|e| e.lat_lon).collect())
        .collect();
    assert_eq!(per_line.len(), 4, "photos come in 4 lines");
    for line in &per_line {
        assert_eq!(line.len(), 8, "8 photos per 150 m line");
        for w in line.windows(2) {
            let d = w[0].distance_m(w[1]);
            assert!((d - 20.0).abs() < 1.5, "photo spacing {d:.2} m");
        }
    }
}
