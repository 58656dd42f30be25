//! The engine against a clean simulator through the lossy-link proxy (`steppe::link::proxy`),
//! all over real UDP on 127.0.0.1:0: transfers at 20 % loss each way with jitter,
//! duplication, reordering and a 57600-baud cap end with exactly the items sent, and a link
//! that dies ends every transfer in a typed timeout within a bounded time.

mod common;

use common::*;
use std::time::{Duration, Instant};
use steppe::link::LinkSpec;
use steppe::link::proxy::{ProxyConfig, ProxyHandle, spawn};
use steppe::plan::MissionType;
use steppe::protocol::mission::{MissionError, Stage};
use steppe::protocol::retry::Timing;
use steppe::runtime::{self, BackendConfig, BackendHandle, Event, MissionOp, OpError, Request};
use steppe::sim::faults::Faults;
use steppe::sim::server::SimHandle;

/// A proxy listening on 127.0.0.1:0 in front of `s`, with `f` in both directions.
fn proxy(s: &SimHandle, f: Faults, seed: u64) -> ProxyHandle {
    spawn(ProxyConfig {
        gcs_side: LinkSpec::UdpIn {
            addr: "127.0.0.1".into(),
            port: 0,
        },
        vehicle_side: link_to(s),
        to_vehicle: f,
        to_gcs: f,
        seed,
    })
    .expect("proxy starts")
}

/// An engine talking to the vehicle through `p`.
fn engine_via(p: &ProxyHandle) -> BackendHandle {
    runtime::start(BackendConfig {
        links: vec![LinkSpec::UdpOut {
            host: "127.0.0.1".into(),
            port: p.gcs_addr().port(),
        }],
        ..BackendConfig::default()
    })
    .expect("engine starts")
}

/// A SiK-like radio link at 20 % loss.
fn radio() -> Faults {
    Faults {
        loss_pct: 20.0,
        duplicate_pct: 5.0,
        reorder_pct: 5.0,
        jitter_ms: 100.0,
        baud: Some(57_600),
    }
}

/// Starts one transfer per list type at once and waits for all of them; returns each
/// result with its duration. Panics if any takes longer than `bound`.
fn all_at_once(
    h: &mut BackendHandle,
    target: steppe::vehicle::VehicleId,
    op: impl Fn(MissionType) -> MissionOp,
    bound: Duration,
) -> Vec<(
    MissionType,
    Result<Vec<steppe::plan::MissionItem>, OpError>,
    Duration,
)> {
    let t = Instant::now();
    let mut pending = Vec::new();
    for kind in MissionType::ALL {
        let rid = h.next_id();
        h.send(Request::Mission {
            id: rid,
            target,
            op: op(kind),
        })
        .expect("queued");
        pending.push((rid, kind));
    }
    let mut done = Vec::new();
    while !pending.is_empty() {
        assert!(
            t.elapsed() < bound,
            "transfers still running after {bound:?}: {pending:?}"
        );
        if let Some(Event::MissionDone { id, result }) = h.wait_event(Duration::from_millis(100))
            && let Some(i) = pending.iter().position(|(r, _)| *r == id)
        {
            let (_, kind) = pending.remove(i);
            done.push((kind, result, t.elapsed()));
        }
    }
    done
}

#[test]
fn transfers_through_a_lossy_57600_baud_proxy_return_exactly_the_items() {
    // 100 fence items and rally points: more than ArduCopter SITL's 70 and 46.
    let s = sim(SimArgs {
        item_limit: Some(2_000),
        ..SimArgs::default()
    });
    let p = proxy(&s, radio(), 11);
    let mut h = engine_via(&p);
    let id = vehicles(&mut h, 1)[0];
    // Every transfer ends on its own; the bound only keeps a broken build from hanging CI.
    let bound = Duration::from_secs(120);
    // The three lists at once, as the app uploads a survey with its fence and rally points.
    let ups = all_at_once(&mut h, id, |k| MissionOp::Upload(k, items(k, 100)), bound);
    for (kind, result, took) in ups {
        let up = result.unwrap_or_else(|e| panic!("{kind} upload through the proxy failed: {e}"));
        assert!(up == items(kind, 100), "{kind}: upload result differs");
        println!("{kind}: upload {took:.1?}");
    }
    let downs = all_at_once(&mut h, id, MissionOp::Download, bound);
    for (kind, result, took) in downs {
        let down =
            result.unwrap_or_else(|e| panic!("{kind} download through the proxy failed: {e}"));
        assert!(
            same_items(kind, &items(kind, 100), &down),
            "{kind}: the download differs from the upload"
        );
        println!("{kind}: download {took:.1?}");
    }
    // The faults really happened, in both directions.
    let st = p.status();
    println!("{st:?}");
    for (dir, f) in [("to vehicle", st.to_vehicle), ("to GCS", st.to_gcs)] {
        let lost = f.lost as f64 / f.offered.max(1) as f64;
        assert!(
            (0.15..0.25).contains(&lost),
            "{dir}: {:.1} % lost",
            lost * 100.0
        );
        assert!(f.duplicated > 0, "{dir}: nothing duplicated");
    }
    // The loss the operator is shown (from sequence numbers) is the loss that happened, even
    // with jitter reordering most frames.
    let f = st.to_gcs;
    let real = 100.0 * (f.lost + f.overflowed) as f64 / f.offered.max(1) as f64;
    let shown = h.snapshot().links[0].stats.loss_pct_of(1);
    println!("loss shown {shown:.1} %, real {real:.1} %");
    assert!(
        (shown - real).abs() < 4.0,
        "shown {shown:.1} %, real {real:.1} %"
    );
}

/// Waits for the result of request `rid`, at most `within`; returns it with the time taken.
fn result_within(h: &mut BackendHandle, rid: u64, within: Duration) -> (Event, Duration) {
    let t = Instant::now();
    let ev = result_of_pending(h, rid, within);
    (ev, t.elapsed())
}

/// Like `result_of` for a request already sent.
fn result_of_pending(h: &mut BackendHandle, rid: u64, within: Duration) -> Event {
    let end = Instant::now() + within;
    while Instant::now() < end {
        if let Some(ev @ Event::MissionDone { id, .. }) = h.wait_event(Duration::from_millis(100))
            && id == rid
        {
            return ev;
        }
    }
    panic!("no result for request {rid} within {within:?}: the transfer hangs");
}

#[test]
fn a_link_that_dies_ends_transfers_in_a_typed_timeout_not_a_hang() {
    let s = sim(SimArgs::default());
    let p = proxy(&s, Faults::default(), 5);
    let mut h = engine_via(&p);
    let id = vehicles(&mut h, 1)[0];
    // An upload under way when the link dies.
    let up = h.next_id();
    h.send(Request::Mission {
        id: up,
        target: id,
        op: MissionOp::Upload(MissionType::Mission, items(MissionType::Mission, 400)),
    })
    .expect("queued");
    let end = Instant::now() + Duration::from_secs(30);
    loop {
        assert!(Instant::now() < end, "the upload made no progress");
        if let Some(Event::Progress { id, done, .. }) = h.wait_event(Duration::from_millis(100))
            && id == up
            && done >= 20
        {
            break;
        }
    }
    let dead = Faults {
        loss_pct: 100.0,
        ..Faults::default()
    };
    p.set_faults(dead, dead);
    // And a download started after it died.
    let down = h.next_id();
    h.send(Request::Mission {
        id: down,
        target: id,
        op: MissionOp::Download(MissionType::Rally),
    })
    .expect("queued");
    let worst = Duration::from_micros(Timing::default().worst_case_stall_us());
    let (ev, took) = result_within(&mut h, up, worst + Duration::from_secs(10));
    match ev {
        Event::MissionDone {
            result:
                Err(OpError::Mission(MissionError::Timeout {
                    kind: MissionType::Mission,
                    stage: Stage::NextRequest { after },
                    ..
                })),
            ..
        } => assert!((20..399).contains(&after), "stalled after item {after}"),
        other => panic!("the dead upload must end in a timeout, not {other:?}"),
    }
    println!("dead upload ended after {took:.1?}");
    let (ev, took_down) = result_within(&mut h, down, worst + Duration::from_secs(10));
    match ev {
        Event::MissionDone {
            result:
                Err(OpError::Mission(
                    e @ MissionError::Timeout {
                        kind: MissionType::Rally,
                        stage: Stage::Count,
                        ..
                    },
                )),
            ..
        } => assert!(
            e.to_string()
                .starts_with("rally timed out waiting for MISSION_COUNT")
        ),
        other => panic!("the dead download must end in a timeout, not {other:?}"),
    }
    println!("dead download ended after {took_down:.1?} more");
}
