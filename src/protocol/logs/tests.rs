//! The log list and download machines against the vehicle-side server over a lossy,
//! duplicating, reordering channel in virtual time.

use super::*;
use crate::protocol::log_server::{LogServer, ServedLog};
use crate::protocol::lossy::{Impairment, LossyChannel, Msg};
use crate::protocol::retry::Timing;
use proptest::prelude::*;

const GCS: Address = Address::new(255, 190);
const VEH: Address = Address::new(1, 1);
/// The server sends a burst every 2 ms of virtual time.
const TICK_US: u64 = 2_000;

fn bytes(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn server(sizes: &[usize], burst: usize) -> LogServer {
    let logs = sizes
        .iter()
        .enumerate()
        .map(|(i, n)| ServedLog {
            time_utc_s: 1_700_000_000 + i as u32,
            bytes: bytes(*n, i as u64 + 7),
        })
        .collect();
    LogServer::new(logs, burst)
}

fn entry(s: &LogServer, id: u16) -> LogEntry {
    LogEntry {
        id,
        time_utc_s: 0,
        size_bytes: s.logs()[usize::from(id) - 1].bytes.len() as u32,
    }
}

/// A machine driven by the harness.
trait Machine {
    fn start(&mut self, now_us: u64) -> Vec<LogMsg>;
    fn handle(&mut self, msg: &LogMsg, now_us: u64) -> Vec<LogMsg>;
    fn poll(&mut self, now_us: u64) -> Vec<LogMsg>;
    fn deadline_us(&self) -> Option<u64>;
}

impl Machine for LogDownload {
    fn start(&mut self, now_us: u64) -> Vec<LogMsg> {
        LogDownload::start(self, now_us)
    }
    fn handle(&mut self, msg: &LogMsg, now_us: u64) -> Vec<LogMsg> {
        LogDownload::handle(self, VEH, msg, now_us)
    }
    fn poll(&mut self, now_us: u64) -> Vec<LogMsg> {
        LogDownload::poll(self, now_us)
    }
    fn deadline_us(&self) -> Option<u64> {
        LogDownload::deadline_us(self)
    }
}

impl Machine for LogList {
    fn start(&mut self, now_us: u64) -> Vec<LogMsg> {
        LogList::start(self, now_us)
    }
    fn handle(&mut self, msg: &LogMsg, now_us: u64) -> Vec<LogMsg> {
        LogList::handle(self, VEH, msg, now_us)
    }
    fn poll(&mut self, now_us: u64) -> Vec<LogMsg> {
        LogList::poll(self, now_us)
    }
    fn deadline_us(&self) -> Option<u64> {
        LogList::deadline_us(self)
    }
}

/// Runs `m` against `s` until it ends; returns (end time, longest stretch without any
/// message reaching the machine).
fn run(m: &mut impl Machine, s: &mut LogServer, imp: Impairment, seed: u64) -> (u64, u64) {
    let mut ch: LossyChannel<Msg<LogMsg>> = LossyChannel::new(imp, seed);
    let mut now = 0u64;
    for o in m.start(now) {
        ch.send(now, true, o);
    }
    let mut next_tick = TICK_US;
    let (mut last_heard, mut max_stall) = (0u64, 0u64);
    for _ in 0..5_000_000 {
        let Some(deadline) = m.deadline_us() else {
            // Let the last messages (LOG_REQUEST_END) reach the vehicle.
            while let Some((to_vehicle, msg)) = ch.deliver(u64::MAX) {
                if to_vehicle && msg.target() == Some(VEH) {
                    s.handle(GCS, &msg);
                }
            }
            return (now, max_stall);
        };
        let mut next = deadline.min(next_tick);
        if let Some(t) = ch.next_delivery_us() {
            next = next.min(t);
        }
        now = now.max(next);
        while let Some((to_vehicle, msg)) = ch.deliver(now) {
            if to_vehicle {
                if msg.target() == Some(VEH) {
                    s.handle(GCS, &msg);
                }
            } else {
                max_stall = max_stall.max(now - last_heard);
                last_heard = now;
                for o in m.handle(&msg, now) {
                    ch.send(now, true, o);
                }
            }
        }
        if now >= next_tick {
            next_tick = now + TICK_US;
            for (_, o) in s.poll() {
                ch.send(now, false, o);
            }
        }
        if m.deadline_us().is_some_and(|d| d <= now) {
            for o in m.poll(now) {
                ch.send(now, true, o);
            }
        }
    }
    panic!("the machine neither finished nor stopped at {now} µs");
}

fn lossy(loss: f64) -> Impairment {
    Impairment {
        loss,
        duplicate: 0.05,
        base_delay_us: 5_000,
        jitter_us: 8_000,
    }
}

#[test]
fn clean_download_uses_one_request_per_window() {
    let mut s = server(&[250_000], 8);
    let e = entry(&s, 1);
    let cfg = DownloadConfig::default();
    let mut d = LogDownload::new(VEH, e, cfg).expect("fits");
    run(&mut d, &mut s, Impairment::clean(), 1);
    let got = d.take_outcome().expect("done").expect("ok");
    assert!(got == s.logs()[0].bytes, "bytes differ");
    let windows = 250_000u32.div_ceil(cfg.window_bytes);
    assert_eq!(d.stats().requests, windows);
    assert_eq!(d.stats().re_requests, 0);
    assert_eq!(d.stats().duplicate_chunks, 0);
    assert_eq!(s.stats().end_requests, 1, "LOG_REQUEST_END at the end");
}

#[test]
fn lossy_download_resumes_gaps() {
    let mut s = server(&[300_000], 8);
    let mut d = LogDownload::new(VEH, entry(&s, 1), DownloadConfig::default()).expect("fits");
    run(&mut d, &mut s, lossy(0.2), 3);
    assert!(d.stats().re_requests > 10, "{:?}", d.stats());
    let got = d.take_outcome().expect("done").expect("ok");
    assert!(got == s.logs()[0].bytes, "bytes differ");
}

#[test]
fn empty_and_tiny_logs() {
    for n in [0usize, 1, 89, 90, 91, 180] {
        let mut s = server(&[n], 4);
        let mut d = LogDownload::new(VEH, entry(&s, 1), DownloadConfig::default()).expect("fits");
        run(&mut d, &mut s, Impairment::clean(), 1);
        assert_eq!(
            d.take_outcome(),
            Some(Ok(s.logs()[0].bytes.clone())),
            "{n} bytes"
        );
    }
}

#[test]
fn silent_vehicle_times_out_within_the_budget() {
    let mut s = server(&[1_000], 4);
    let cfg = DownloadConfig::default();
    let mut d = LogDownload::new(VEH, entry(&s, 1), cfg).expect("fits");
    let imp = Impairment {
        loss: 1.0,
        ..Impairment::clean()
    };
    let (end_us, _) = run(&mut d, &mut s, imp, 1);
    assert!(
        matches!(d.outcome(), Some(Err(LogError::Timeout { tries, .. })) if *tries > cfg.timing.max_retries),
        "{:?}",
        d.outcome()
    );
    assert!(end_us <= cfg.timing.worst_case_stall_us() + 2_000_000);
}

#[test]
fn different_bytes_for_one_offset_are_an_error_not_a_mix() {
    let mut s = server(&[900], 4);
    let mut d = LogDownload::new(VEH, entry(&s, 1), DownloadConfig::default()).expect("fits");
    d.start(0);
    let chunk = |fill: u8| LogMsg::Data {
        id: 1,
        ofs_bytes: 90,
        data: vec![fill; 90],
    };
    d.handle(VEH, &chunk(1), 10);
    d.handle(VEH, &chunk(1), 11);
    assert!(d.outcome().is_none(), "an identical duplicate is fine");
    let out = d.handle(VEH, &chunk(2), 12);
    assert_eq!(
        d.outcome(),
        Some(&Err(LogError::Inconsistent {
            id: 1,
            ofs_bytes: 90
        }))
    );
    assert_eq!(out, vec![LogMsg::RequestEnd { target: VEH }]);
    // Chunks of other logs or vehicles are ignored.
    s.replace(1, vec![0; 10]);
    let mut d = LogDownload::new(VEH, entry(&s, 1), DownloadConfig::default()).expect("fits");
    d.start(0);
    let other = LogMsg::Data {
        id: 2,
        ofs_bytes: 0,
        data: vec![1; 10],
    };
    d.handle(VEH, &other, 1);
    d.handle(Address::new(2, 1), &chunk(3), 1);
    assert_eq!(d.progress(), (0, 10));
}

#[test]
fn a_log_shorter_than_listed_ends_in_an_error() {
    let mut s = server(&[1_000], 4);
    let listed = LogEntry {
        size_bytes: 2_000,
        ..entry(&s, 1)
    };
    let mut d = LogDownload::new(VEH, listed, DownloadConfig::default()).expect("fits");
    run(&mut d, &mut s, Impairment::clean(), 1);
    assert_eq!(
        d.outcome(),
        Some(&Err(LogError::EndedEarly {
            id: 1,
            at_bytes: 1_000,
            size_bytes: 2_000
        }))
    );
}

#[test]
fn a_log_that_grew_after_it_was_listed_is_downloaded_to_its_end() {
    // ArduPilot lists the log it is writing at its size of the moment and closes it only when
    // its download starts; the app's listing may be minutes old. Against ArduCopter 4.7 SITL
    // the log listed at 106 496 bytes was 245 760 bytes on disk when downloaded, and Steppe
    // saved the first 106 496 as if they were the whole log.
    let window = DownloadConfig::default().window_bytes as usize;
    for (listed, real) in [
        (3_000, 10_000),
        (0, 500),
        (0, 0),
        (9_000, 9_000 + 3 * window + 1_234),
        // A real end on a chunk boundary: one more request finds the end.
        (900, 90 * 2_000),
        (90 * 10, 90 * 10),
    ] {
        let mut s = server(&[real], 8);
        let e = LogEntry {
            size_bytes: listed,
            ..entry(&s, 1)
        };
        let mut d = LogDownload::new(VEH, e, DownloadConfig::default()).expect("fits");
        run(&mut d, &mut s, Impairment::clean(), 1);
        let got = d.take_outcome().expect("done").expect("ok");
        assert!(
            got == s.logs()[0].bytes,
            "listed {listed}, real {real}: got {} bytes",
            got.len()
        );
        assert_eq!(d.progress(), (real as u64, real as u64));
        assert_eq!(s.stats().end_requests, 1, "LOG_REQUEST_END at the end");
    }
}

#[test]
fn a_vehicle_silent_past_the_end_keeps_the_listed_size() {
    // A log ending on a chunk boundary gives no short chunk; a vehicle that does not answer
    // a request past its end (PX4?) still gets its log, after a few short waits.
    let cfg = DownloadConfig::default();
    let listed = LogEntry {
        id: 1,
        time_utc_s: 0,
        size_bytes: 180,
    };
    let mut d = LogDownload::new(VEH, listed, cfg).expect("fits");
    let first = d.start(0);
    assert_eq!(
        first,
        vec![LogMsg::RequestData {
            target: VEH,
            id: 1,
            ofs_bytes: 0,
            count_bytes: cfg.window_bytes,
        }],
        "the window reaching the listed size asks for more"
    );
    for (i, ofs) in [0u32, 90].into_iter().enumerate() {
        let chunk = LogMsg::Data {
            id: 1,
            ofs_bytes: ofs,
            data: vec![ofs as u8; 90],
        };
        assert!(d.handle(VEH, &chunk, 1_000 + i as u64).is_empty());
    }
    let mut now = 1_000;
    let mut probes = 0;
    while d.outcome().is_none() {
        now = d.deadline_us().expect("running");
        for m in d.poll(now) {
            if let LogMsg::RequestData { ofs_bytes, .. } = m {
                assert_eq!(ofs_bytes, 180, "asks past the end");
                probes += 1;
            }
        }
    }
    assert_eq!(probes, download::MAX_TAIL_PROBES);
    let got = d.take_outcome().expect("done").expect("the listed bytes");
    assert_eq!(got.len(), 180);
    assert!(now < 10_000_000, "{now} µs");
}

#[test]
fn too_large_is_refused() {
    let cfg = DownloadConfig {
        max_size_bytes: 100,
        ..DownloadConfig::default()
    };
    let e = LogEntry {
        id: 3,
        time_utc_s: 0,
        size_bytes: 101,
    };
    assert!(matches!(
        LogDownload::new(VEH, e, cfg),
        Err(LogError::TooLarge { id: 3, .. })
    ));
}

#[test]
fn list_re_requests_only_the_missing_ids() {
    // PX4 numbers from 0: seeing id 0 rules out id n.
    let mut l = LogList::new(VEH, Timing::default());
    l.start(0);
    let e = |id| LogMsg::Entry {
        entry: LogEntry {
            id,
            time_utc_s: 0,
            size_bytes: 10,
        },
        num_logs: 5,
        last_log_num: 5,
    };
    for id in [0, 1, 3] {
        l.handle(VEH, &e(id), 1);
    }
    let out = l.poll(10_000_000);
    assert_eq!(
        out,
        vec![LogMsg::RequestList {
            target: VEH,
            start: 2,
            end: 4
        }]
    );
    l.handle(VEH, &e(2), 10_000_001);
    l.handle(VEH, &e(4), 10_000_002);
    assert_eq!(l.outcome().map(|r| r.as_ref().map(Vec::len)), Some(Ok(5)));
}

#[test]
fn empty_list() {
    let mut s = server(&[], 4);
    let mut l = LogList::new(VEH, Timing::default());
    run(&mut l, &mut s, Impairment::clean(), 1);
    assert_eq!(l.outcome(), Some(&Ok(Vec::new())));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Whatever the channel does, a download ends with exactly the vehicle's bytes or with a
    /// timeout after the retry budget; never wrong bytes, never a hang.
    #[test]
    fn lossy_download_is_exact_or_a_typed_error(
        size in prop_oneof![0usize..400, 400usize..60_000],
        loss in 0.0f64..0.4,
        duplicate in 0.0f64..0.3,
        jitter_us in 0u64..30_000,
        window_chunks in 1u32..200,
        merge_chunks in 0u32..40,
        burst in 1usize..12,
        seed in any::<u64>(),
    ) {
        let mut s = server(&[size], burst);
        let cfg = DownloadConfig {
            window_bytes: window_chunks * CHUNK_BYTES as u32,
            merge_gap_bytes: merge_chunks * CHUNK_BYTES as u32,
            ..DownloadConfig::default()
        };
        let imp = Impairment { loss, duplicate, base_delay_us: 3_000, jitter_us };
        let mut d = LogDownload::new(VEH, entry(&s, 1), cfg).expect("fits");
        let (_, max_stall) = run(&mut d, &mut s, imp, seed);
        prop_assert!(max_stall <= cfg.timing.worst_case_stall_us() + 1_000_000);
        match d.take_outcome() {
            Some(Ok(got)) => prop_assert!(got == s.logs()[0].bytes, "downloaded bytes differ"),
            Some(Err(LogError::Timeout { tries, .. })) => prop_assert!(tries > cfg.timing.max_retries),
            other => prop_assert!(false, "unexpected end {:?}", other.map(|r| r.map(|b| b.len()))),
        }
    }

    /// A log that grew after it was listed ends with every byte the vehicle has, or with a
    /// timeout; never with the listed part alone.
    #[test]
    fn lossy_download_of_a_grown_log_is_whole_or_a_typed_error(
        listed in 0usize..30_000,
        grown in prop_oneof![0usize..200, 200usize..40_000, Just(90 * 300)],
        loss in 0.0f64..0.35,
        seed in any::<u64>(),
    ) {
        let mut s = server(&[listed + grown], 8);
        let e = LogEntry { size_bytes: listed as u32, ..entry(&s, 1) };
        let cfg = DownloadConfig::default();
        let mut d = LogDownload::new(VEH, e, cfg).expect("fits");
        run(&mut d, &mut s, lossy(loss), seed);
        match d.take_outcome() {
            Some(Ok(got)) => prop_assert!(
                got == s.logs()[0].bytes,
                "got {} of {} bytes", got.len(), listed + grown
            ),
            Some(Err(LogError::Timeout { tries, .. })) => prop_assert!(tries > cfg.timing.max_retries),
            other => prop_assert!(false, "unexpected end {:?}", other.map(|r| r.map(|b| b.len()))),
        }
    }

    /// A lossy listing ends with every entry, in id order, or a timeout.
    #[test]
    fn lossy_list_is_complete_or_a_typed_error(
        n in 0usize..60,
        loss in 0.0f64..0.5,
        burst in 1usize..8,
        seed in any::<u64>(),
    ) {
        let sizes: Vec<usize> = (0..n).map(|i| i * 10).collect();
        let mut s = server(&sizes, burst);
        let mut l = LogList::new(VEH, Timing::default());
        run(&mut l, &mut s, lossy(loss), seed);
        match l.take_outcome() {
            Some(Ok(entries)) => {
                prop_assert_eq!(entries.len(), n);
                for (i, e) in entries.iter().enumerate() {
                    prop_assert_eq!(usize::from(e.id), i + 1);
                    prop_assert_eq!(e.size_bytes as usize, i * 10);
                }
            }
            Some(Err(LogError::Timeout { .. })) => {}
            other => prop_assert!(false, "unexpected end {:?}", other),
        }
    }
}

/// Download time and re-requests by loss rate in virtual time with the simulator's pacing
/// (run by hand: `cargo test --lib logs::tests::figures -- --ignored --nocapture`).
#[test]
#[ignore]
fn figures() {
    for size in [40_000usize, 320_000] {
        for loss in [0.0, 0.1, 0.2, 0.3] {
            let mut times = Vec::new();
            let mut reqs = Vec::new();
            for seed in 0..20 {
                let mut s = server(&[size], 25);
                let mut d =
                    LogDownload::new(VEH, entry(&s, 1), DownloadConfig::default()).expect("fits");
                let imp = Impairment {
                    loss,
                    duplicate: 0.0,
                    base_delay_us: 1_000,
                    jitter_us: 0,
                };
                let (end_us, _) = run_paced(&mut d, &mut s, imp, seed);
                assert!(matches!(d.outcome(), Some(Ok(_))));
                times.push(end_us as f64 / 1e6);
                reqs.push((d.stats().requests, d.stats().timeouts, d.stats().chunks));
            }
            times.sort_by(f64::total_cmp);
            reqs.sort_unstable();
            println!(
                "{size} B, loss {loss}: median {:.2} s (max {:.2}), median (requests, timeouts, chunks) {:?}",
                times[10], times[19], reqs[10]
            );
        }
    }
}

/// [`run`] with the simulator's pacing: 25 chunks every 20 ms.
fn run_paced(d: &mut LogDownload, s: &mut LogServer, imp: Impairment, seed: u64) -> (u64, u64) {
    let mut ch: LossyChannel<Msg<LogMsg>> = LossyChannel::new(imp, seed);
    let mut now = 0u64;
    for o in d.start(now) {
        ch.send(now, true, o);
    }
    let mut next_tick = 20_000;
    while let Some(deadline) = d.deadline_us() {
        let mut next = deadline.min(next_tick);
        if let Some(t) = ch.next_delivery_us() {
            next = next.min(t);
        }
        now = now.max(next);
        while let Some((to_vehicle, msg)) = ch.deliver(now) {
            if to_vehicle {
                s.handle(GCS, &msg);
            } else {
                for o in d.handle(VEH, &msg, now) {
                    ch.send(now, true, o);
                }
            }
        }
        if now >= next_tick {
            next_tick += 20_000;
            for (_, o) in s.poll() {
                ch.send(now, false, o);
            }
        }
        if d.deadline_us().is_some_and(|t| t <= now) {
            for o in d.poll(now) {
                ch.send(now, true, o);
            }
        }
    }
    (now, 0)
}
