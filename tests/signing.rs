//! MAVLink 2 signing end to end over real UDP: the engine and the simulator sign with a key
//! made by `steppe signing keygen`; a second process (Python with pymavlink, an independent
//! MAVLink implementation) injects unsigned, wrongly signed and replayed commands, which must
//! neither arm nor redirect the vehicle; pymavlink checks our signatures and we check its.

mod common;

use common::*;
use std::process::Command;
use std::time::Duration;
use steppe::cli::SigningArgs;
use steppe::log::tlog::TlogReader;
use steppe::protocol::actions::VehicleAction;
use steppe::protocol::frame::Frame;
use steppe::protocol::signing::{SigningConfig, SigningKey, SigningState, Verdict};
use steppe::runtime::{self, BackendConfig, BackendHandle, Event, Request};
use steppe::sim::server::SimHandle;

/// A key file made by the CLI, owner-only.
fn keygen(dir: &std::path::Path) -> (std::path::PathBuf, SigningKey) {
    let path = dir.join("team.key");
    let out = Command::new(steppe_bin())
        .args(["signing", "keygen"])
        .arg(&path)
        .output()
        .expect("run steppe");
    assert!(out.status.success(), "{out:?}");
    let said = String::from_utf8_lossy(&out.stdout);
    let key = SigningKey::parse(&std::fs::read(&path).expect("key file")).expect("key");
    assert!(said.contains(&key.fingerprint()), "{said}");
    assert!(
        !said.contains(&key.to_hex()),
        "the key itself is never printed"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "key file readable by its owner only");
    }
    (path, key)
}

fn signed_sim(key_file: &std::path::Path) -> SimHandle {
    sim(SimArgs {
        speedup: 5.0,
        signing: SigningArgs {
            signing_key: Some(key_file.to_owned()),
            ..SigningArgs::default()
        },
        ..SimArgs::default()
    })
}

fn signed_engine(s: &SimHandle, key: &SigningKey, tlog: std::path::PathBuf) -> BackendHandle {
    runtime::start(BackendConfig {
        links: vec![link_to(s)],
        tlog: Some(tlog),
        signing: Some(SigningConfig {
            key: key.clone(),
            strict: true,
        }),
        ..BackendConfig::default()
    })
    .expect("engine starts")
}

/// The intruder: a separate Python process with pymavlink sending `script`'s frames to the
/// simulator's port for a few seconds. Prints how many frames it sent and how many COMMAND_ACKs
/// came back to it.
fn intrude(port: u16, mode: &str, replay_hex: &str) -> String {
    let script = r#"
import sys, time, hashlib, socket
from pymavlink.dialects.v20 import ardupilotmega as mav
port, mode, replay = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.05)
m = mav.MAVLink(None, srcSystem=255, srcComponent=190)
if mode == "wrongkey":
    m.signing.secret_key = hashlib.sha256(b"a guessed passphrase").digest()
    m.signing.link_id = 1
    m.signing.sign_outgoing = True
    m.signing.timestamp = int((time.time() - 1420070400) * 100000)
rx = mav.MAVLink(None)
acks = 0
sent = 0
end = time.time() + 3.0
while time.time() < end:
    if mode == "replay":
        frames = [bytes.fromhex(h) for h in replay.split(",") if h]
    else:
        frames = [
            m.command_long_encode(1, 1, 400, 0, 1, 21196, 0, 0, 0, 0, 0).pack(m),
            m.set_mode_encode(1, 1, 9).pack(m),
            m.command_long_encode(1, 1, 176, 0, 1, 9, 0, 0, 0, 0, 0).pack(m),
            m.command_long_encode(1, 1, 20, 0, 0, 0, 0, 0, 0, 0, 0).pack(m),
            m.set_position_target_global_int_encode(0, 1, 1, 6, 0b110111111000,
                int(-35.3 * 1e7), int(149.2 * 1e7), 80, 0, 0, 0, 0, 0, 0, 0, 0).pack(m),
            m.mission_clear_all_encode(1, 1, 0).pack(m),
        ]
    for f in frames:
        s.sendto(f, ("127.0.0.1", port))
        sent += 1
    try:
        while True:
            data, _ = s.recvfrom(65536)
            try:
                for msg in rx.parse_buffer(data) or []:
                    if msg.get_type() == "COMMAND_ACK" and msg.target_system == 255:
                        acks += 1
            except Exception:
                pass
    except socket.timeout:
        pass
    time.sleep(0.1)
print("sent=%d acks=%d" % (sent, acks))
"#;
    python(script, &[&port.to_string(), mode, replay_hex])
        .trim()
        .to_owned()
}

/// Waits for the simulator's published status (every 100 ms) to show `what`.
fn sim_shows(s: &SimHandle, what: &str, cond: impl Fn(&steppe::sim::server::SimStatus) -> bool) {
    let end = std::time::Instant::now() + Duration::from_secs(3);
    while !cond(&s.status()) {
        assert!(
            std::time::Instant::now() < end,
            "the simulator never showed: {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Our own signed COMMAND_LONGs as recorded (what an eavesdropper on the radio could capture).
fn recorded_commands(tlog: &std::path::Path) -> Vec<Vec<u8>> {
    let data = std::fs::read(tlog).expect("tlog");
    TlogReader::new(&data)
        .filter_map(|r| Frame::from_bytes(r.frame).ok())
        .filter(|f| f.header().msgid == 76 && f.header().sysid == 255)
        .map(|f| f.raw().to_vec())
        .collect()
}

#[test]
fn injected_unsigned_wrongly_signed_and_replayed_commands_cannot_arm_or_redirect() {
    let dir = temp_dir("signing");
    let (key_file, key) = keygen(&dir);
    let s = signed_sim(&key_file);
    let tlog = dir.join("session.tlog");
    let mut h = signed_engine(&s, &key, tlog.clone());
    let id = vehicles(&mut h, 1)[0];
    wait_until(&mut h, Duration::from_secs(10), "GPS fix", |v| {
        v[0].gps.as_ref().is_some_and(|g| g.fix_type >= 3)
    });
    let port = s.local_addr().port();

    // Unsigned, then signed with a guessed key: the vehicle acts on none of it.
    for mode in ["unsigned", "wrongkey"] {
        let said = intrude(port, mode, "");
        assert!(
            said.ends_with("acks=0"),
            "{mode}: the vehicle answered: {said}"
        );
        let st = s.status();
        let (_, v) = &st.vehicles[0];
        assert!(!v.armed, "{mode}: the intruder armed the vehicle");
        assert_eq!(v.custom_mode, 0, "{mode}: the intruder changed the mode");
    }
    let c = s.status().signing[0].1;
    assert!(c.unsigned >= 20 && c.bad_signature >= 20, "{c:?}");
    assert_eq!(
        c.ignored,
        c.unsigned + c.bad_signature + c.replayed + c.too_old
    );
    assert!(c.valid > 0, "our own frames are accepted: {c:?}");

    // The signed ground station is obeyed: arm, climb in GUIDED.
    act(&mut h, id, VehicleAction::SetMode("GUIDED".into())).expect("guided");
    act(&mut h, id, VehicleAction::Arm).expect("arm");
    act(&mut h, id, VehicleAction::Takeoff { alt_rel_m: 10.0 }).expect("takeoff");
    wait_until(&mut h, Duration::from_secs(30), "10 m", |v| {
        v[0].position.alt_rel_m.is_some_and(|a| a > 9.0)
    });
    let at = s.status().vehicles[0].1.position;

    // In flight, the intruder's LAND/RTL/reposition/clear, unsigned: still GUIDED, same place.
    let said = intrude(port, "unsigned", "");
    assert!(said.ends_with("acks=0"), "{said}");
    let st = s.status();
    let (_, v) = &st.vehicles[0];
    assert!(v.armed);
    assert_eq!(v.custom_mode, 4, "still GUIDED");
    let moved_m = v.position.distance_m(at);
    assert!(moved_m < 5.0, "not redirected: moved {moved_m:.1} m");

    // Replayed: our own signed commands captured from the session log (SET_MODE, arm,
    // takeoff) sent again by the intruder after we land and disarm.
    act(&mut h, id, VehicleAction::Land).expect("land");
    let landed = |s: &SimHandle| s.status().vehicles[0].1.landed;
    let end = std::time::Instant::now() + Duration::from_secs(60);
    while !landed(&s) {
        assert!(std::time::Instant::now() < end, "did not land");
        std::thread::sleep(Duration::from_millis(100));
    }
    if s.status().vehicles[0].1.armed {
        act(&mut h, id, VehicleAction::Disarm { force: false }).expect("disarm");
    }
    assert!(!s.status().vehicles[0].1.armed);
    let captured = recorded_commands(&tlog);
    assert!(captured.len() >= 3, "{} commands recorded", captured.len());
    let list: Vec<String> = captured.iter().map(|f| hex(f)).collect();
    let said = intrude(port, "replay", &list.join(","));
    assert!(said.ends_with("acks=0"), "{said}");
    assert!(
        !s.status().vehicles[0].1.armed,
        "a replayed arm command armed it"
    );
    sim_shows(&s, "replays counted", |st| st.signing[0].1.replayed > 0);

    // The engine flagged the intruder? (Not on its link: the intruder talks to the vehicle,
    // not to us.) Our link saw only valid frames.
    let snap = h.snapshot();
    let lc = snap.links[0].stats.signing.expect("link signs");
    assert!(lc.valid > 100 && lc.suspicious() == 0, "{lc:?}");
    assert!(lc.signed_out > 10);
    h.shutdown();
    s.stop();
}

#[test]
fn pymavlink_checks_our_signatures_and_we_check_its() {
    let pass = "steppe interop words";
    let key = SigningKey::from_passphrase(pass).expect("key");
    let now_us = steppe::link::wall_clock_us();
    let mut ours = SigningState::new(key.clone(), 3);
    let mut sender = steppe::protocol::frame::Sender::new(255, 190);
    use steppe::protocol::dialect::{self as d, MavMessage};
    let frames: Vec<String> = (0..5)
        .map(|i| {
            let m = MavMessage::COMMAND_LONG(d::COMMAND_LONG_DATA {
                target_system: 1,
                target_component: 1,
                command: d::MavCmd::MAV_CMD_DO_SET_MODE,
                param1: 1.0,
                param2: i as f32,
                ..Default::default()
            });
            let f = sender.encode(&m, steppe::protocol::frame::Version::V2);
            hex(ours.sign(&f, now_us).expect("sign").raw())
        })
        .collect();
    let script = r#"
import sys, time, hashlib
from pymavlink.dialects.v20 import ardupilotmega as mav
pw, frames = sys.argv[1], sys.argv[2].split(",")
def check(key):
    r = mav.MAVLink(None)
    r.signing.secret_key = key
    good = 0
    for h in frames:
        try:
            good += len(r.parse_buffer(bytes.fromhex(h)) or [])
        except Exception:
            pass
    return good, r.signing.badsig_count
print("right", *check(hashlib.sha256(pw.encode()).digest()))
print("wrong", *check(hashlib.sha256(b"other").digest()))
m = mav.MAVLink(None, srcSystem=1, srcComponent=1)
m.signing.secret_key = hashlib.sha256(pw.encode()).digest()
m.signing.link_id = 7
m.signing.sign_outgoing = True
m.signing.timestamp = int((time.time() - 1420070400) * 100000)
for i in range(3):
    print("frame", m.heartbeat_encode(2, 3, 0, 0, 4).pack(m).hex())
"#;
    let text = python(script, &[pass, &frames.join(",")]);
    assert!(
        text.contains("right 5 0"),
        "pymavlink accepts our 5 frames: {text}"
    );
    assert!(
        text.contains("wrong 0 5"),
        "and refuses them under another key: {text}"
    );
    let mut theirs = SigningState::new(key, 0);
    let got: Vec<Verdict> = text
        .lines()
        .filter_map(|l| l.strip_prefix("frame "))
        .map(|h| {
            let bytes: Vec<u8> = (0..h.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&h[i..i + 2], 16).expect("hex"))
                .collect();
            theirs.verify(&Frame::from_bytes(&bytes).expect("frame"), now_us)
        })
        .collect();
    assert_eq!(
        got,
        vec![Verdict::Valid; 3],
        "pymavlink's signatures check here"
    );
}

fn engine_with(
    s: &SimHandle,
    signing: Option<SigningConfig>,
    tlog: Option<std::path::PathBuf>,
) -> BackendHandle {
    runtime::start(BackendConfig {
        links: vec![link_to(s)],
        tlog,
        signing,
        ..BackendConfig::default()
    })
    .expect("engine starts")
}

/// Drains events for `d`, returning the warnings.
fn warnings_for(h: &mut BackendHandle, d: Duration) -> Vec<String> {
    let end = std::time::Instant::now() + d;
    let mut out = Vec::new();
    while std::time::Instant::now() < end {
        if let Some(Event::Warning(w)) = h.wait_event(Duration::from_millis(50)) {
            out.push(w);
        }
    }
    out
}

#[test]
fn a_strict_ground_station_ignores_an_unsigned_vehicle_and_a_lenient_one_flags_it() {
    let key = SigningKey::from_passphrase("ground station only").expect("key");
    // A vehicle without the key: to a strict ground station it is a stranger (spoofed
    // telemetry is not drawn, its heartbeat does not make a vehicle).
    let s = sim(SimArgs::default());
    let cfg = SigningConfig {
        key: key.clone(),
        strict: true,
    };
    let mut strict = engine_with(&s, Some(cfg), None);
    let warned = warnings_for(&mut strict, Duration::from_secs(3));
    let snap = strict.snapshot();
    assert!(snap.vehicles.is_empty(), "{:?}", snap.vehicles);
    let c = snap.links[0].stats.signing.expect("signing link");
    assert!(
        c.unsigned > 5 && c.ignored == c.unsigned && c.valid == 0,
        "{c:?}"
    );
    assert_eq!(warned.len(), 1, "one warning per sender: {warned:?}");
    assert!(
        warned[0].contains("unsigned frames from system 1") && warned[0].contains("ignored"),
        "{warned:?}"
    );
    strict.shutdown();
    // Lenient: the vehicle is shown, and the operator is told it does not sign.
    let cfg = SigningConfig { key, strict: false };
    let mut lenient = engine_with(&s, Some(cfg), None);
    let warned = warnings_for(&mut lenient, Duration::from_millis(500));
    vehicles(&mut lenient, 1);
    assert!(
        warned
            .iter()
            .any(|w| w.contains("unsigned") && w.contains("accepted")),
        "{warned:?}"
    );
    let c = lenient.snapshot().links[0].stats.signing.expect("signing");
    assert_eq!(c.ignored, 0);
    lenient.shutdown();
    s.stop();
}

#[test]
fn setup_signing_gives_the_vehicle_the_key_which_never_reaches_the_log() {
    let dir = temp_dir("setup-signing");
    let (key_file, key) = keygen(&dir);
    let s = sim(SimArgs::default());
    let tlog = dir.join("setup.tlog");
    let cfg = SigningConfig {
        key: key.clone(),
        strict: false,
    };
    let mut h = engine_with(&s, Some(cfg), Some(tlog.clone()));
    let target = vehicles(&mut h, 1)[0];
    assert!(s.status().signing.is_empty(), "the vehicle starts unsigned");
    let id = h.next_id();
    h.send(Request::SetupSigning {
        id,
        target,
        key: Some(key.clone()),
    })
    .expect("queued");
    let end = std::time::Instant::now() + Duration::from_secs(15);
    let result = loop {
        assert!(std::time::Instant::now() < end, "no SigningSetupDone");
        if let Some(Event::SigningSetupDone { id: got, result }) =
            h.wait_event(Duration::from_millis(100))
            && got == id
        {
            break result;
        }
    };
    result.expect("the vehicle took the key");
    sim_shows(&s, "the vehicle signs", |st| st.signing.len() == 1);
    h.shutdown();
    // The key never reaches the log: no SETUP_SIGNING record, not its bytes anywhere.
    let data = std::fs::read(&tlog).expect("tlog");
    let frames: Vec<Frame> = TlogReader::new(&data)
        .filter_map(|r| Frame::from_bytes(r.frame).ok())
        .collect();
    assert!(frames.len() > 20);
    assert!(frames.iter().all(|f| f.header().msgid != 256));
    assert!(
        !data.windows(32).any(|w| w == key.bytes()),
        "the key is in the log"
    );

    // From the command line, over the same vehicle: turning signing off needs the key
    // (the request is signed), and setup gives it back.
    let link = format!("udpout:127.0.0.1:{}", s.local_addr().port());
    let run = |args: &[&str]| {
        Command::new(steppe_bin())
            .args(args)
            .args(["--link", &link, "--signing-key"])
            .arg(&key_file)
            .output()
            .expect("steppe")
    };
    let out = run(&["signing", "off"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("no longer signs"));
    sim_shows(&s, "the vehicle stopped signing", |st| {
        st.signing.is_empty()
    });
    let out = run(&["signing", "setup"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains(&format!("now signs with key {}", key.fingerprint())),
        "{said}"
    );
    // Another key cannot take it over: its SETUP_SIGNING is signed with the wrong key.
    let other = dir.join("other.key");
    assert!(
        Command::new(steppe_bin())
            .args(["signing", "keygen"])
            .arg(&other)
            .output()
            .expect("keygen")
            .status
            .success()
    );
    let out = Command::new(steppe_bin())
        .args([
            "signing",
            "setup",
            "--link",
            &link,
            "--timeout",
            "3",
            "--signing-key",
        ])
        .arg(&other)
        .output()
        .expect("steppe");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("did not start signing") || err.contains("not connected"),
        "{err}"
    );
    assert_eq!(
        s.status().signing.len(),
        1,
        "still signing with the first key"
    );
    // Without a key, a command to the signing vehicle is ignored, and the operator is told
    // why instead of only "no answer".
    let out = Command::new(steppe_bin())
        .args(["command", "--link", &link, "--timeout", "3", "arm"])
        .output()
        .expect("steppe");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("system 1 signs its messages") && err.contains("--signing-key"),
        "{err}"
    );
    assert!(!s.status().vehicles[0].1.armed);
    s.stop();
}

#[test]
fn key_files_readable_by_others_and_bad_keys_are_refused_with_reasons() {
    let dir = temp_dir("bad-keys");
    let (key_file, _) = keygen(&dir);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let out = Command::new(steppe_bin())
            .args(["signing", "id", "--signing-key"])
            .arg(&key_file)
            .output()
            .expect("steppe");
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("can be read by other users") && err.contains("chmod 600"),
            "{err}"
        );
    }
    let short = dir.join("short.key");
    std::fs::write(&short, "abcd\n").expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&short, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    let out = Command::new(steppe_bin())
        .args(["signing", "id", "--signing-key"])
        .arg(&short)
        .output()
        .expect("steppe");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("short.key") && err.contains("64 hexadecimal digits"),
        "{err}"
    );
    // keygen never overwrites a key by accident.
    let out = Command::new(steppe_bin())
        .args(["signing", "keygen"])
        .arg(&key_file)
        .output()
        .expect("steppe");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    // A passphrase from the environment gives MAVProxy's key.
    let out = Command::new(steppe_bin())
        .args([
            "signing",
            "id",
            "--signing-passphrase-env",
            "STEPPE_TEST_PASS",
        ])
        .env("STEPPE_TEST_PASS", "hello")
        .output()
        .expect("steppe");
    let want = SigningKey::from_passphrase("hello")
        .expect("key")
        .fingerprint();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), want);
    let out = Command::new(steppe_bin())
        .args([
            "signing",
            "id",
            "--signing-passphrase-env",
            "STEPPE_TEST_UNSET_VAR",
        ])
        .env_remove("STEPPE_TEST_UNSET_VAR")
        .output()
        .expect("steppe");
    assert!(String::from_utf8_lossy(&out.stderr).contains("STEPPE_TEST_UNSET_VAR"));
}
