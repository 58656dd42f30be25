//! Tests of the ground-station mission machine against the vehicle-side server over a lossy,
//! duplicating, reordering channel in virtual time.

use super::{Address, MissionError, MissionTransfer, Stage};
use crate::geo::LatLon;
use crate::plan::mission_item::{MissionItem, MissionType, cmd};
use crate::protocol::lossy::{Impairment, LossyChannel, Msg};
use crate::protocol::mission_server::{MissionServer, MissionServerConfig};
use crate::protocol::retry::Timing;
use crate::protocol::wire::Wire;

pub(super) const GCS: Address = Address::new(255, 190);
pub(super) const VEH: Address = Address::new(1, 1);

pub(super) fn items(n: usize, kind: MissionType) -> Vec<MissionItem> {
    let command = match kind {
        MissionType::Mission => cmd::NAV_WAYPOINT,
        MissionType::Fence => cmd::NAV_FENCE_POLYGON_VERTEX_INCLUSION,
        MissionType::Rally => cmd::NAV_RALLY_POINT,
    };
    (0..n)
        .map(|i| {
            let p = LatLon::new(42.0 + i as f64 * 1e-4, 74.0 - i as f64 * 1e-4);
            let mut it = MissionItem::nav(command, p, 50.0 + i as f32);
            it.params[0] = i as f32;
            it
        })
        .collect()
}

pub(super) struct Run {
    pub(super) outcome: Result<Vec<MissionItem>, MissionError>,
    pub(super) end_us: u64,
    pub(super) max_stall_us: u64,
}

/// Runs one transfer to completion; panics if it neither finishes nor stops making events.
pub(super) fn run(
    t: MissionTransfer,
    server: &mut MissionServer,
    imp: Impairment,
    seed: u64,
) -> Run {
    let mut ch: LossyChannel<Msg<Wire>> = LossyChannel::new(imp, seed);
    run_on(t, server, &mut ch, 0, true)
}

/// Runs a transfer on an existing channel from time `start_us`. With `drain`, messages still
/// in flight at the end are delivered (and their answers dropped); without, they stay in the
/// channel to meet the next transfer as stale traffic.
pub(super) fn run_on(
    mut t: MissionTransfer,
    server: &mut MissionServer,
    ch: &mut LossyChannel<Msg<Wire>>,
    start_us: u64,
    drain: bool,
) -> Run {
    run_mut(&mut t, server, ch, start_us, drain)
}

/// Like [`run`], leaving the finished transfer (its counters and findings) in `keep`.
pub(super) fn run_keep(
    t: MissionTransfer,
    server: &mut MissionServer,
    imp: Impairment,
    seed: u64,
    keep: &mut MissionTransfer,
) -> Run {
    let mut ch: LossyChannel<Msg<Wire>> = LossyChannel::new(imp, seed);
    *keep = t;
    run_mut(keep, server, &mut ch, 0, true)
}

fn run_mut(
    t: &mut MissionTransfer,
    server: &mut MissionServer,
    ch: &mut LossyChannel<Msg<Wire>>,
    start_us: u64,
    drain: bool,
) -> Run {
    let mut now = start_us;
    for m in t.start(now) {
        ch.send(now, true, m);
    }
    let mut last_progress = (0usize, start_us);
    let mut max_stall = 0u64;
    for _ in 0..5_000_000 {
        if t.is_done() {
            // Let the final messages land (e.g. the ACK after a download).
            while let Some(at) = ch.next_delivery_us().filter(|_| drain) {
                now = at;
                while let Some((to_vehicle, m)) = ch.deliver(now) {
                    if to_vehicle {
                        server.handle(GCS, &m, now);
                    }
                }
            }
            if std::env::var_os("MISSION_STATS").is_some() {
                eprintln!("timing {:?} stats {:?}", t.timing_us(), t.stats());
            }
            let outcome = t.take_outcome().expect("done has outcome");
            return Run {
                outcome,
                end_us: now,
                max_stall_us: max_stall,
            };
        }
        let next = [ch.next_delivery_us(), t.deadline_us(), server.deadline_us()]
            .into_iter()
            .flatten()
            .min()
            .expect("a running transfer always has a deadline");
        now = now.max(next);
        while let Some((to_vehicle, m)) = ch.deliver(now) {
            // What the wire carries: a float MISSION_ITEM rounds coordinates to 32-bit floats.
            let (msgid, payload) = m.encode();
            let m = Wire::decode(msgid, &payload).expect("our own encoding decodes");
            if std::env::var_os("MISSION_TRACE").is_some() {
                eprintln!("{now:>10} {} {m:?}", if to_vehicle { "->V" } else { "<-G" });
            }
            if to_vehicle {
                for r in server.handle(GCS, &m, now).replies {
                    ch.send(now, false, r);
                }
            } else {
                for r in t.handle(VEH, &m, now) {
                    ch.send(now, true, r);
                }
            }
        }
        for r in server.poll(now) {
            ch.send(now, false, r);
        }
        for r in t.poll(now) {
            ch.send(now, true, r);
        }
        let p = t.progress().0;
        if p != last_progress.0 {
            max_stall = max_stall.max(now - last_progress.1);
            last_progress = (p, now);
        }
    }
    panic!("transfer did not finish: progress {:?}", t.progress());
}

pub(super) fn server() -> MissionServer {
    MissionServer::new(VEH, MissionServerConfig::default())
}

#[test]
fn clean_upload_download_clear_each_type() {
    for kind in MissionType::ALL {
        let mut s = server();
        let src = items(800, kind);
        let up = run(
            MissionTransfer::upload(kind, src.clone(), GCS, VEH, Timing::default()),
            &mut s,
            Impairment::clean(),
            1,
        );
        assert_eq!(up.outcome.as_ref().map(Vec::len), Ok(800));
        assert_eq!(s.list(kind), &src[..]);
        let down = run(
            MissionTransfer::download(kind, GCS, VEH, Timing::default()),
            &mut s,
            Impairment::clean(),
            2,
        );
        assert_eq!(down.outcome, Ok(src));
        let clear = run(
            MissionTransfer::clear(kind, GCS, VEH, Timing::default()),
            &mut s,
            Impairment::clean(),
            3,
        );
        assert_eq!(clear.outcome, Ok(vec![]));
        assert!(s.list(kind).is_empty());
        // Other lists untouched by this type's transfers.
        for other in MissionType::ALL.into_iter().filter(|&o| o != kind) {
            assert!(s.list(other).is_empty());
        }
    }
}

#[test]
fn no_space_is_a_typed_rejection() {
    let mut s = MissionServer::new(
        VEH,
        MissionServerConfig {
            capacity: [10, 2_000, 2_000],
            ..Default::default()
        },
    );
    let r = run(
        MissionTransfer::upload(
            MissionType::Mission,
            items(11, MissionType::Mission),
            GCS,
            VEH,
            Timing::default(),
        ),
        &mut s,
        Impairment::clean(),
        1,
    );
    assert_eq!(
        r.outcome,
        Err(MissionError::Rejected {
            kind: MissionType::Mission,
            result: 4,
            item: None,
            texts: vec![],
        })
    );
    assert!(r.outcome.unwrap_err().to_string().contains("NO_SPACE"));
}

#[test]
fn silent_vehicle_times_out_with_the_stage() {
    let mut s = server();
    let imp = Impairment {
        loss: 1.0,
        ..Impairment::clean()
    };
    let timing = Timing::default();
    let r = run(
        MissionTransfer::download(MissionType::Fence, GCS, VEH, timing),
        &mut s,
        imp,
        1,
    );
    match r.outcome {
        Err(MissionError::Timeout {
            stage: Stage::Count,
            tries,
            ..
        }) => assert_eq!(tries, timing.max_retries + 1),
        other => panic!("{other:?}"),
    }
    assert!(r.end_us <= timing.worst_case_stall_us());
}

#[test]
fn spurious_nack_mid_upload_is_tolerated() {
    let mut s = MissionServer::new(
        VEH,
        MissionServerConfig {
            nack_mid_upload: true,
            ..Default::default()
        },
    );
    let src = items(100, MissionType::Mission);
    let r = run(
        MissionTransfer::upload(
            MissionType::Mission,
            src.clone(),
            GCS,
            VEH,
            Timing::default(),
        ),
        &mut s,
        Impairment::clean(),
        1,
    );
    assert_eq!(r.outcome, Ok(src.clone()));
    assert_eq!(s.list(MissionType::Mission), &src[..]);
}

#[test]
fn dropped_requests_are_recovered() {
    let mut s = MissionServer::new(
        VEH,
        MissionServerConfig {
            drop_requests_pct: 30.0,
            ..Default::default()
        },
    );
    let src = items(200, MissionType::Rally);
    let r = run(
        MissionTransfer::upload(MissionType::Rally, src.clone(), GCS, VEH, Timing::default()),
        &mut s,
        Impairment::clean(),
        9,
    );
    assert_eq!(r.outcome, Ok(src));
}

#[test]
fn empty_list_round_trip() {
    let mut s = server();
    let up = run(
        MissionTransfer::upload(MissionType::Mission, vec![], GCS, VEH, Timing::default()),
        &mut s,
        Impairment::clean(),
        1,
    );
    assert_eq!(up.outcome, Ok(vec![]));
    let down = run(
        MissionTransfer::download(MissionType::Mission, GCS, VEH, Timing::default()),
        &mut s,
        Impairment::clean(),
        1,
    );
    assert_eq!(down.outcome, Ok(vec![]));
}

#[test]
fn messages_for_another_gcs_are_ignored() {
    let mut t = MissionTransfer::download(MissionType::Mission, GCS, VEH, Timing::default());
    t.start(0);
    let other = Wire::MissionCount {
        target_system: 254,
        target_component: 1,
        count: 5,
        mission_type: 0,
        opaque_id: 0,
    };
    assert!(t.handle(VEH, &other, 10).is_empty());
    assert_eq!(t.progress(), (0, 0));
    let from_other_vehicle = Wire::MissionCount {
        target_system: 255,
        target_component: 190,
        count: 5,
        mission_type: 0,
        opaque_id: 0,
    };
    assert!(
        t.handle(Address::new(2, 1), &from_other_vehicle, 10)
            .is_empty()
    );
    assert_eq!(t.progress(), (0, 0));
}
