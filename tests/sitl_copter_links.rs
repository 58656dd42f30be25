//! Steppe against real ArduCopter 4.7 SITL on its other paths: onboard DataFlash logs (list,
//! download read back by pymavlink's DFReader, erase), MAVLink 2 signing with the real
//! autopilot (SETUP_SIGNING, unsigned and wrong-key commands ignored, signed ones answered,
//! signing off), and a lossy `steppe proxy` between Steppe and a UDP SITL (a 300-item mission
//! and the whole parameter table). Needs `../shared/peers/ardupilot` (or `STEPPE_SITL_DIR`).

mod common;

use common::sitl::{Sitl, SitlOpts, retry, steppe, steppe_ok};
use common::temp_dir;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use steppe::runtime::{Event, Request};

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// (id, size) of each row of `steppe logs list`.
fn log_rows(out: &str) -> Vec<(u16, u64)> {
    out.lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let id = f.next()?.parse().ok()?;
            let _date = (f.next()?, f.next()?);
            let size = f.next()?.parse().ok()?;
            Some((id, size))
        })
        .collect()
}

/// The one `.bin` file in `dir`.
fn only_bin(dir: &Path) -> PathBuf {
    let bins: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("download folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "bin"))
        .collect();
    assert_eq!(bins.len(), 1, "one log file in {}: {bins:?}", dir.display());
    bins[0].clone()
}

/// Reads `file` with pymavlink's DFReader: (messages, types, PARM messages, bytes left
/// unread at the end, file size).
fn dfreader(file: &Path) -> (u64, u64, u64, u64, u64) {
    let out = common::python(
        "import sys\nfrom pymavlink import DFReader\n\
         r = DFReader.DFReader_binary(sys.argv[1])\n\
         n = {}\n\
         while True:\n\
         \x20   m = r.recv_msg()\n\
         \x20   if m is None: break\n\
         \x20   n[m.get_type()] = n.get(m.get_type(), 0) + 1\n\
         print(sum(n.values()), len(n), n.get('PARM', 0), r.data_len - r.offset, r.data_len)\n",
        &[file.as_os_str()],
    );
    let f: Vec<u64> = out
        .split_whitespace()
        .map(|x| x.parse().expect("a number"))
        .collect();
    assert_eq!(f.len(), 5, "DFReader printed {out}");
    (f[0], f[1], f[2], f[3], f[4])
}

/// The vehicle's own copy of log `id` (its working folder's `logs/0000000N.BIN`).
fn vehicle_file(v: &Sitl, id: u16) -> Vec<u8> {
    let p = v.dir.join(format!("logs/{id:08}.BIN"));
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn onboard_logs_list_download_read_by_dfreader_and_erase() {
    let started = Instant::now();
    // Real time: the log grows by about 70 kB per simulated second while disarmed.
    let v = Sitl::copter(SitlOpts {
        speedup: 1.0,
        params: vec![("LOG_DISARMED".into(), "1".into())],
        ..SitlOpts::default()
    });
    let link = v.link();
    let dir = temp_dir("sitl-logs");
    let mut last = String::new();
    let rows = retry(Duration::from_secs(30), Duration::from_millis(500), || {
        let (ok, out, err) = steppe(&["logs", "list", "--link", &link]);
        last = format!("{out}{err}");
        let rows = log_rows(&out);
        (ok && rows.iter().any(|r| r.1 > 0)).then_some(rows)
    })
    .unwrap_or_else(|| panic!("no log listed within 30 s:\n{last}\n{}", v.log_tail()));
    eprintln!(
        "listed after {:.1} s:\n{last}",
        started.elapsed().as_secs_f64()
    );
    let (id, listed) = *rows.iter().min_by_key(|r| r.1).expect("a row");

    // The CLI: the smallest log (the one being written: ArduPilot closes it for the download).
    let t = Instant::now();
    let out = steppe_ok(&[
        "logs",
        "download",
        "--link",
        &link,
        &id.to_string(),
        "-o",
        path_str(&dir),
    ]);
    let secs = t.elapsed().as_secs_f64();
    let file = only_bin(&dir);
    let got = std::fs::read(&file).expect("downloaded log");
    eprintln!(
        "{out}log {id}: listed {listed} bytes, {} bytes downloaded by `steppe logs download` in {secs:.2} s with connecting and listing ({:.0} kB/s)",
        got.len(),
        got.len() as f64 / secs / 1e3
    );
    assert!(
        got.len() as u64 >= listed,
        "{} < listed {listed}",
        got.len()
    );
    assert!(
        got == vehicle_file(&v, id),
        "log {id} differs from the vehicle's own file"
    );
    let (msgs, types, parms, left, len) = dfreader(&file);
    eprintln!(
        "DFReader: {msgs} messages of {types} types, {parms} PARM, {left} of {len} bytes left unread"
    );
    assert!(
        msgs > 5_000 && types > 30 && parms > 1_000,
        "{msgs} {types} {parms}"
    );
    // Read to the end: what is left is less than one record (the vehicle's own file ends
    // with the part of a record it had written when the download closed it).
    assert!(
        left < 256,
        "DFReader stopped {left} bytes before the end of {len}"
    );

    // The app's way, on SERIAL1: list, and download a few seconds later. The log being
    // written (the vehicle started a new one after the download) has grown meanwhile.
    let (mut h, target) = common::sitl::engine_at_boot(&v.link_serial1());
    let rid = h.next_id();
    let entries = match log_event(&mut h, Request::LogList { id: rid, target }, rid) {
        Event::LogsListed { result, .. } => result.expect("listed"),
        other => panic!("{other:?}"),
    };
    let entry = *entries.iter().max_by_key(|e| e.id).expect("an entry");
    assert!(entry.id > id, "a new log after the download: {entries:?}");
    std::thread::sleep(Duration::from_secs(3));
    // No new log once this one is closed, so that the erase below leaves none.
    steppe_ok(&["param", "set", "--link", &link, "LOG_DISARMED", "0"]);
    let path = dir.join("later.bin");
    let rid = h.next_id();
    let req = Request::LogDownload {
        id: rid,
        target,
        entry,
        path: path.clone(),
    };
    let saved = match log_event(&mut h, req, rid) {
        Event::LogDownloaded { result, .. } => result.expect("downloaded"),
        other => panic!("{other:?}"),
    };
    let disk = vehicle_file(&v, entry.id);
    eprintln!(
        "log {} listed at {} bytes, downloaded 4-5 s later: {} bytes in {:.2} s ({:.0} kB/s), {:?}; the vehicle's file has {} bytes",
        entry.id,
        entry.size_bytes,
        saved.size_bytes,
        saved.duration_us as f64 / 1e6,
        saved.size_bytes as f64 / (saved.duration_us as f64 / 1e6) / 1e3,
        saved.stats,
        disk.len()
    );
    assert!(
        disk.len() as u64 > u64::from(entry.size_bytes),
        "the log grew after the listing"
    );
    assert!(
        std::fs::read(&path).expect("saved") == disk,
        "log {} downloaded after its listing is not the vehicle's whole file ({} of {} bytes)",
        entry.id,
        saved.size_bytes,
        disk.len()
    );
    let (msgs, _, _, left, _) = dfreader(&path);
    assert!(
        msgs > 1_000 && left < 256,
        "{msgs} messages, {left} bytes unread"
    );
    h.shutdown();

    let out = steppe_ok(&["logs", "erase", "--link", &link, "--yes"]);
    eprintln!("{out}");
    // ArduPilot answers an empty list with one entry of id 0 (num_logs 0): no logs.
    let out = steppe_ok(&["logs", "list", "--link", &link]);
    assert!(out.contains("no logs on 1/1"), "{out}");
    assert!(log_rows(&out).is_empty(), "{out}");
    let err = common::sitl::steppe_fails(&["logs", "download", "--link", &link, "--last"]);
    assert!(err.contains("has no logs"), "{err}");
    eprintln!("test took {:.1} s", started.elapsed().as_secs_f64());
}

/// Sends a log request through the engine and waits for its result.
fn log_event(
    h: &mut steppe::runtime::BackendHandle,
    req: Request,
    id: steppe::runtime::RequestId,
) -> Event {
    h.send(req).expect("request queued");
    let end = Instant::now() + Duration::from_secs(120);
    while Instant::now() < end {
        if let Some(ev) = h.wait_event(Duration::from_millis(100)) {
            match &ev {
                Event::LogsListed { id: r, .. }
                | Event::LogDownloaded { id: r, .. }
                | Event::LogsErased { id: r, .. }
                    if *r == id =>
                {
                    return ev;
                }
                _ => {}
            }
        }
    }
    panic!("no log result for request {id} within 120 s");
}

/// pymavlink, an independent MAVLink implementation, as a second ground station:
/// `ahead LINK MIN_S TIMEOUT_S` waits until the vehicle's signing clock (the timestamps of its
/// signed frames) is MIN_S ahead of this computer's clock and prints by how much;
/// `mode LINK MODE KEY|none HEAR_FIRST_S WAIT_S` sends DO_SET_MODE (none for MODE -1;
/// unsigned with `none`,
/// else signed with KEY, hex, starting at this computer's clock), after listening for
/// HEAR_FIRST_S (pymavlink then signs after the newest timestamp it heard), and prints the
/// COMMAND_ACK results for it and the last mode heard within WAIT_S.
const SECOND_GCS_PY: &str = r#"
import os, sys, time, struct
os.environ['MAVLINK20'] = '1'
from pymavlink import mavutil
EPOCH_2015 = 1420070400
def stamp(m):
    buf = bytes(m.get_msgbuf())
    if buf[0] != 0xFD or not buf[2] & 1:
        return None
    b = buf[-12:-6]
    return struct.unpack('<Q', b + b'\0\0')[0]
what, link = sys.argv[1], sys.argv[2]
m = mavutil.mavlink_connection(link, source_system=255, source_component=190)
if what == 'ahead':
    want, end = float(sys.argv[3]), time.time() + float(sys.argv[4])
    ahead = None
    while time.time() < end:
        hb = m.recv_match(type='HEARTBEAT', blocking=True, timeout=1)
        if hb is None or stamp(hb) is None:
            continue
        ahead = stamp(hb) / 1e5 + EPOCH_2015 - time.time()
        if ahead >= want:
            break
    print(ahead)
    sys.exit(0)
mode, key, hear, wait = int(sys.argv[3]), sys.argv[4], float(sys.argv[5]), float(sys.argv[6])
if key != 'none':
    wall = int((time.time() - EPOCH_2015) * 1e5)
    m.setup_signing(bytes.fromhex(key), sign_outgoing=True,
                    allow_unsigned_callback=lambda *a: True, initial_timestamp=wall)
end = time.time() + hear
while time.time() < end:
    m.recv_match(blocking=True, timeout=0.2)
if mode >= 0:
    m.mav.command_long_send(1, 1, 176, 0, 1, mode, 0, 0, 0, 0, 0)
acks, last_mode = [], None
end = time.time() + wait
while time.time() < end:
    r = m.recv_match(type=['COMMAND_ACK', 'HEARTBEAT'], blocking=True, timeout=0.2)
    if r is None:
        continue
    if r.get_type() == 'COMMAND_ACK' and r.command == 176:
        acks.append(r.result)
    elif r.get_type() == 'HEARTBEAT' and r.get_srcSystem() == 1 and r.get_srcComponent() == 1:
        last_mode = r.custom_mode
print(acks, last_mode)
"#;

/// Runs [`SECOND_GCS_PY`] `mode`: (COMMAND_ACK results, last mode heard).
fn second_gcs_mode(link: &str, mode: i32, key: Option<&str>, hear_s: f64) -> (String, String) {
    let out = common::python(
        SECOND_GCS_PY,
        &[
            "mode",
            link,
            &mode.to_string(),
            key.unwrap_or("none"),
            &hear_s.to_string(),
            "2",
        ],
    );
    let (acks, mode) = out.trim().rsplit_once(' ').expect("two fields");
    (acks.to_owned(), mode.to_owned())
}

/// The key in a key file written by `steppe signing keygen`, as hex.
fn key_hex(file: &Path) -> String {
    std::fs::read_to_string(file)
        .expect("key file")
        .trim()
        .to_owned()
}

#[test]
fn signing_with_the_real_autopilot_unsigned_and_wrong_key_ignored_signed_answered_then_off() {
    let started = Instant::now();
    // Speedup 10: the vehicle's signing clock follows its simulated GPS time and runs ahead
    // of ours by 9 s every second (at speedup 5, 89 s after 22 s).
    let v = Sitl::copter(SitlOpts {
        speedup: 10.0,
        ..SitlOpts::default()
    });
    let (usb, radio, observer) = (v.link(), v.link_serial1(), v.link_serial2());
    let dir = temp_dir("sitl-signing");
    let key = dir.join("team.key");
    let wrong = dir.join("guess.key");
    steppe_ok(&["signing", "keygen", path_str(&key)]);
    steppe_ok(&["signing", "keygen", path_str(&wrong)]);
    let (key, wrong) = (path_str(&key), path_str(&wrong));

    // The key goes to the vehicle over SERIAL0, its USB port.
    let out = steppe_ok(&["signing", "setup", "--link", &usb, "--signing-key", key]);
    assert!(out.contains("now signs with key"), "{out}");
    eprintln!("{out}at {:.1} s", started.elapsed().as_secs_f64());

    // Wait until the vehicle's clock is well over a minute ahead: a new stream signed with
    // this computer's clock is then more than a minute old to the vehicle.
    let ahead: f64 = common::python(SECOND_GCS_PY, &["ahead", &observer, "75", "60"])
        .trim()
        .parse()
        .expect("the vehicle signs its heartbeats");
    eprintln!(
        "the vehicle's signing clock runs {ahead:.0} s ahead at {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(ahead >= 75.0, "vehicle clock only {ahead:.0} s ahead");

    let lap = Instant::now();
    // SERIAL1 and SERIAL2 check signatures (one client each at a time, so two tries run at
    // once). Unsigned, and signed with a guessed key: ignored.
    let (key_hex, wrong_hex) = (key_hex(Path::new(key)), key_hex(Path::new(wrong)));
    let (unsigned, guessed) = std::thread::scope(|s| {
        let a = s.spawn(|| second_gcs_mode(&radio, 2, None, 0.0));
        let b = s.spawn(|| second_gcs_mode(&observer, 2, Some(&wrong_hex), 0.0));
        (a.join().expect("unsigned"), b.join().expect("guessed"))
    });
    assert_eq!(unsigned.0, "[]", "unsigned DO_SET_MODE answered");
    assert_eq!(guessed.0, "[]", "wrong-key DO_SET_MODE answered");
    assert_eq!(
        (unsigned.1.as_str(), guessed.1.as_str()),
        ("0", "0"),
        "still STABILIZE"
    );
    // The right key, but stamped with this computer's clock only: too old for the vehicle.
    let (acks, _) = second_gcs_mode(&radio, 2, Some(&key_hex), 0.0);
    assert_eq!(
        acks, "[]",
        "a wall-clock stamp a minute behind the vehicle is refused"
    );
    // After hearing the vehicle, pymavlink signs after its newest timestamp: answered.
    let (acks, _) = second_gcs_mode(&radio, 2, Some(&key_hex), 1.5);
    assert_eq!(acks, "[0]", "signed after the vehicle's clock: accepted");
    eprintln!(
        "pymavlink's four tries took {:.1} s",
        lap.elapsed().as_secs_f64()
    );

    // Steppe without the key, and with the wrong one: ignored, and said why.
    let lap = Instant::now();
    let (no_key, wrong_key) = std::thread::scope(|s| {
        let a = s.spawn(|| steppe(&["command", "--link", &radio, "mode", "LOITER"]));
        let b = s.spawn(|| {
            steppe(&[
                "command",
                "--link",
                &observer,
                "--signing-key",
                wrong,
                "mode",
                "LOITER",
            ])
        });
        (a.join().expect("no key"), b.join().expect("wrong key"))
    });
    assert!(!no_key.0, "accepted without a key: {}", no_key.1);
    assert!(no_key.2.contains("signs its messages"), "{}", no_key.2);
    assert!(!wrong_key.0, "accepted with the wrong key: {}", wrong_key.1);
    assert!(wrong_key.2.contains("no COMMAND_ACK"), "{}", wrong_key.2);
    eprintln!(
        "without the key: {}with the wrong key: {}both ignored, in {:.1} s",
        no_key.2,
        wrong_key.2,
        lap.elapsed().as_secs_f64()
    );
    // With the key: answered (Steppe signs after the newest timestamp it heard on the link).
    let t = Instant::now();
    let out = steppe_ok(&[
        "command",
        "--link",
        &radio,
        "--signing-key",
        key,
        "mode",
        "LOITER",
    ]);
    assert!(out.contains("accepted"), "{out}");
    eprintln!("{out}in {:.1} s", t.elapsed().as_secs_f64());
    let (_, mode) = second_gcs_mode(&observer, -1, None, 0.0);
    assert_eq!(mode, "5", "the heartbeat shows LOITER");

    // Signing off, over the checked port: the empty key is taken only when signed (and with
    // a zero timestamp: ArduCopter went on signing with the all-zero key when Steppe sent its
    // clock there).
    let lap = Instant::now();
    let out = steppe_ok(&["signing", "off", "--link", &radio, "--signing-key", key]);
    eprintln!("{out}in {:.1} s", lap.elapsed().as_secs_f64());
    assert!(out.contains("no longer signs"), "{out}");
    let (acks, mode) = second_gcs_mode(&radio, 0, None, 0.0);
    assert_eq!(
        (acks.as_str(), mode.as_str()),
        ("[0]", "0"),
        "unsigned accepted again"
    );
    let out = steppe_ok(&["command", "--link", &radio, "mode", "LOITER"]);
    assert!(out.contains("accepted"), "{out}");
    eprintln!("test took {:.1} s", started.elapsed().as_secs_f64());
}

/// A UDP port on 127.0.0.1 that nothing uses right now.
fn free_udp_port() -> u16 {
    std::net::UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("a free UDP port")
        .port()
}

/// `steppe proxy` as a child process, its output in a file; stopped with Ctrl-C (its final
/// counters are then printed) when dropped or by [`Proxy::stop`].
struct Proxy {
    child: std::process::Child,
    out: PathBuf,
}

impl Proxy {
    fn start(args: &[&str], out: PathBuf) -> Proxy {
        let file = std::fs::File::create(&out).expect("proxy output file");
        let child = std::process::Command::new(common::steppe_bin())
            .arg("proxy")
            .args(args)
            .stdout(file.try_clone().expect("file"))
            .stderr(file)
            .spawn()
            .expect("steppe proxy");
        Proxy { child, out }
    }

    /// Stops the proxy and returns what it printed.
    fn stop(mut self) -> String {
        self.interrupt();
        std::fs::read_to_string(&self.out).unwrap_or_default()
    }

    fn interrupt(&mut self) {
        // SAFETY: signals our own child process.
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGINT);
        }
        let _ = self.child.wait();
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.interrupt();
    }
}

/// A WPL mission of `n` items: home plus n - 1 waypoints a few metres apart.
fn mission_of(n: usize) -> String {
    let (lat, lon, alt) = common::sitl::SITL_HOME;
    let mut s = format!("QGC WPL 110\n0\t1\t0\t16\t0\t0\t0\t0\t{lat:.7}\t{lon:.7}\t{alt}\t1\n");
    for i in 1..n {
        let f = i as f64;
        s.push_str(&format!(
            "{i}\t0\t3\t16\t0\t0\t0\t0\t{:.7}\t{:.7}\t{}\t1\n",
            lat + f * 1.3e-6,
            lon + f * 0.7e-6,
            30 + i % 20
        ));
    }
    s
}

#[test]
fn through_a_lossy_proxy_300_items_round_trip_exactly_and_every_parameter_arrives() {
    use steppe::plan::MissionType;
    use steppe::plan::document::{Firmware, VehicleKind};
    use steppe::plan::stored::as_stored;

    let started = Instant::now();
    let dir = temp_dir("sitl-proxy");
    // SITL sends SERIAL0 over UDP to the proxy's vehicle side, which listens (the vehicle is
    // the UDP client); Steppe talks to the proxy's ground-station side.
    let (vehicle_port, gcs_port) = (free_udp_port(), free_udp_port());
    let proxy = Proxy::start(
        &[
            "--listen",
            &format!("udpin:127.0.0.1:{gcs_port}"),
            "--to",
            &format!("udpin:127.0.0.1:{vehicle_port}"),
            "--loss",
            "20",
            "--dup",
            "5",
            "--reorder",
            "5",
            "--jitter",
            "20",
            "--seed",
            "13",
        ],
        dir.join("proxy.txt"),
    );
    let v = Sitl::copter(SitlOpts {
        speedup: 5.0,
        serial0: Some(format!("udpclient:127.0.0.1:{vehicle_port}")),
        ..SitlOpts::default()
    });
    let link = format!("udpout:127.0.0.1:{gcs_port}");

    // A 300-item mission up and down. Right after boot ArduPilot refuses with NO_SPACE for a
    // moment: clear until it takes it.
    let file = dir.join("300.waypoints");
    std::fs::write(&file, mission_of(300)).expect("write");
    let mut last = String::new();
    let ready = retry(Duration::from_secs(60), Duration::from_millis(500), || {
        let (ok, _, err) = steppe(&["mission", "clear", "--link", &link]);
        last = err;
        ok.then_some(())
    });
    assert!(
        ready.is_some(),
        "the vehicle never took a clear through the proxy: {last}\n{}",
        v.log_tail()
    );
    let t = Instant::now();
    let out = steppe_ok(&[
        "mission",
        "upload",
        "--link",
        &link,
        "--force",
        path_str(&file),
    ]);
    let up_s = t.elapsed().as_secs_f64();
    let back = dir.join("back.waypoints");
    let t = Instant::now();
    steppe_ok(&["mission", "download", "--link", &link, path_str(&back)]);
    let down_s = t.elapsed().as_secs_f64();
    eprintln!("{out}300 items through the proxy: upload {up_s:.1} s, download {down_s:.1} s");
    let sent = steppe::formats::wpl::parse(&mission_of(300))
        .expect("our WPL")
        .items;
    let got = steppe::formats::wpl::parse(&std::fs::read_to_string(&back).expect("download"))
        .expect("Steppe's own WPL")
        .items;
    assert_eq!(got.len(), 300, "items read back");
    // Item 0 is the vehicle's own home.
    for (i, (s, g)) in sent.iter().zip(&got).enumerate().skip(1) {
        let want = as_stored(
            Firmware::ArduPilot,
            VehicleKind::Copter,
            MissionType::Mission,
            s,
        );
        assert!(
            want.same_on_wire(g),
            "item {i} differs:\n sent   {s:?}\n stored {want:?}\n got    {g:?}"
        );
        assert_eq!((s.x, s.y), (g.x, g.y), "item {i} moved");
    }

    // The whole parameter table, against the count the vehicle reports (read by pymavlink on
    // SERIAL1, over TCP and without the proxy).
    let params = dir.join("all.param");
    let t = Instant::now();
    let out = steppe_ok(&[
        "param",
        "download",
        "--link",
        &link,
        "-o",
        path_str(&params),
    ]);
    let params_s = t.elapsed().as_secs_f64();
    let text = std::fs::read_to_string(&params).expect("param file");
    let mut names: Vec<&str> = text.lines().filter_map(|l| l.split(',').next()).collect();
    let n = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), n, "duplicate names");
    let reported: usize = common::python(
        "import os, sys\nos.environ['MAVLINK20'] = '1'\nfrom pymavlink import mavutil\n\
         m = mavutil.mavlink_connection(sys.argv[1], source_system=255, source_component=190)\n\
         m.wait_heartbeat(timeout=20)\n\
         m.mav.param_request_read_send(m.target_system, m.target_component, b'', 0)\n\
         p = m.recv_match(type='PARAM_VALUE', blocking=True, timeout=10)\n\
         print(p.param_count)\n",
        &[v.link_serial1().as_str()],
    )
    .trim()
    .parse()
    .expect("a count");
    assert!(reported > 1_300, "ArduCopter reports {reported}");
    assert_eq!(n, reported, "parameters through the proxy: {out}");
    eprintln!("{out}{n} parameters (the vehicle reports {reported}) in {params_s:.1} s");
    let counters = proxy.stop();
    eprintln!(
        "proxy: {}\ntest took {:.1} s",
        counters.lines().last().unwrap_or_default(),
        started.elapsed().as_secs_f64()
    );
}
