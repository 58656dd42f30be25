//! Bad input as users meet it, through the binary: empty, truncated and non-text files, JSON
//! values of the wrong type, unsupported versions, NaN and off-the-globe coordinates,
//! self-intersecting boundaries, KMZ zip bombs, garbage tlogs, bad connection strings, an
//! unflyable mission refused before anything is sent, and garbage on a live link. Each case
//! checks the exit status and the words the README's "Bad input" table quotes.

mod common;

use common::*;
use std::net::{SocketAddr, UdpSocket};
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn steppe(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_steppe"))
        .env("STEPPE_TLOG_DIR", temp_dir("bad-input-sessions"))
        .env_remove("STEPPE_CAMERAS")
        .args(args)
        .output()
        .expect("steppe runs")
}

/// Runs steppe, checks the exit code and returns stdout + stderr.
fn run(args: &[&str], code: i32) -> String {
    let o = steppe(args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(o.status.code(), Some(code), "steppe {args:?}:\n{text}");
    text
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

const PLAN: &str = r#"{"fileType":"Plan","version":1,"groundStation":"x","mission":{"version":2,"firmwareType":3,"vehicleType":2,"plannedHomePosition":[42.5,72.3,800],"items":[{"type":"SimpleItem","autoContinue":true,"command":22,"doJumpId":1,"frame":3,"params":[0,0,0,null,42.5,72.3,30]}]},"geoFence":{"version":2,"polygons":[],"circles":[]},"rallyPoints":{"version":2,"points":[]}}"#;

/// A zip archive (stored or deflated) of `entries`, written with Python's zipfile.
fn zip(path: &Path, deflate: bool, entries: &str) {
    let script = format!(
        "import zipfile,sys\nz=zipfile.ZipFile(sys.argv[1],'w',zipfile.{})\n{entries}\nz.close()",
        if deflate {
            "ZIP_DEFLATED"
        } else {
            "ZIP_STORED"
        }
    );
    python(&script, &[path]);
}

#[test]
fn plan_info_words_every_bad_file() {
    let dir = temp_dir("bad-input-files");
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).expect("write");
        p
    };
    let row = "0\t1\t0\t16\t0\t0\t0\t0\t42.5\t72.3\t800\t1\n";
    let cases: Vec<(std::path::PathBuf, &str)> = vec![
        (
            write("empty.plan", b""),
            "empty file: expected a QGroundControl .plan (JSON) or a QGC WPL 110 mission",
        ),
        (write("empty.kml", b""), "expected KML (XML starting with '<'), found an empty file"),
        (
            write("cut.plan", &PLAN.as_bytes()[..PLAN.len() / 2]),
            "not valid JSON (EOF while parsing",
        ),
        (
            write("type.plan", PLAN.replace("42.5,72.3,30", "\"42.5\",72.3,30").as_bytes()),
            "mission.items[0].params[4]: expected a number or null, found the text \"42.5\"",
        ),
        (
            write("v2.plan", PLAN.replace("\"version\":1", "\"version\":2").as_bytes()),
            "version: version 2 is not supported (supported: .plan version 1)",
        ),
        (
            write("huge.plan", PLAN.replace("42.5,72.3,30", "1e300,72.3,30").as_bytes()),
            "expected a latitude within -90..90 degrees (global frame), found 1e+300",
        ),
        (
            write("v120.waypoints", format!("QGC WPL 120\n{row}").as_bytes()),
            "line 1: 'QGC WPL 120' is not supported, expected 'QGC WPL 110'",
        ),
        (
            write(
                "lat.waypoints",
                format!("QGC WPL 110\n{row}1\t0\t3\t16\t0\t0\t0\t0\t142.5\t72.3\t40\t1\n")
                    .as_bytes(),
            ),
            "line 3, column P5/X/LAT: 142.5 is out of range, expected a latitude within -90..90",
        ),
        (
            write(
                "cut.waypoints",
                format!("QGC WPL 110\n{row}1\t0\t3\t16\t0\t0\t0\t0\t42.51\n").as_bytes(),
            ),
            "line 3: expected 12 columns",
        ),
        (
            write(
                "comma.waypoints",
                format!("QGC WPL 110\n{row}1\t0\t3\t16\t0\t0\t0\t0\t42,51\t72.3\t40\t1\n")
                    .as_bytes(),
            ),
            "expected a number with a dot as decimal separator, found '42,51'",
        ),
        (
            write(
                "huge.geojson",
                br#"{"type":"Polygon","coordinates":[[[72.29,42.545],[1e308,42.546],[72.292,42.545]]]}"#,
            ),
            "coordinates[0][1][0]: expected a longitude within -180..180 degrees, found 1e+308",
        ),
        (
            write(
                "nan.kml",
                b"<kml><Placemark><Polygon><outerBoundaryIs><LinearRing><coordinates>\
                  72.29,42.545 nan,nan 72.3,42.6 72.29,42.545</coordinates></LinearRing>\
                  </outerBoundaryIs></Polygon></Placemark></kml>",
            ),
            "<coordinates> tuple 2 'nan,nan': expected lon,lat[,alt]",
        ),
        (
            write("image.plan", b"\x89PNG\r\n\x1a\n\x00\x00"),
            "not a text file: invalid UTF-8 at byte 0",
        ),
    ];
    for (path, want) in &cases {
        let text = run(&["plan", "info", s(path)], 1);
        assert!(text.contains(want), "{}: {text}", path.display());
        let name = path.file_name().and_then(|n| n.to_str()).expect("name");
        assert!(text.contains(name), "the message names the file: {text}");
    }
}

#[test]
fn nan_coordinates_are_not_taken_for_a_position() {
    let dir = temp_dir("bad-input-nan");
    // NaN latitude/longitude in the home row and in a waypoint.
    let wp = dir.join("nan.waypoints");
    std::fs::write(
        &wp,
        "QGC WPL 110\n0\t1\t0\t16\t0\t0\t0\t0\tnan\tnan\t800\t1\n\
         1\t0\t3\t16\t0\t0\t0\t0\tnan\t72.3\t40\t1\n",
    )
    .expect("write");
    let text = run(&["plan", "info", s(&wp)], 0);
    assert!(
        text.contains("home (item 0) at NaN, NaN is not a position on the globe: home unknown"),
        "{text}"
    );
    assert!(
        text.contains(
            "error [bad-position] item 1: MAV_CMD_NAV_WAYPOINT at NaN, 72.3000000 is off the globe"
        ),
        "{text}"
    );
    assert!(
        !text.contains("home 214.7"),
        "i32::MAX read as degrees: {text}"
    );
    // Refused before any link is opened (port 9 is discard: nothing would answer).
    let text = run(
        &["mission", "upload", "--link", "udpout:127.0.0.1:9", s(&wp)],
        1,
    );
    assert!(
        text.contains("1 validation error(s) make the mission unflyable; fix them, or upload anyway with --force"),
        "{text}"
    );
}

#[test]
fn self_intersecting_boundary_is_reported_and_not_surveyed() {
    let dir = temp_dir("bad-input-bowtie");
    // Two equal loops: zero signed area, but the fix is to redraw the crossing.
    let bow = dir.join("bowtie.geojson");
    std::fs::write(
        &bow,
        r#"{"type":"Polygon","coordinates":[[[72.29,42.545],[72.292,42.546],[72.292,42.545],[72.29,42.546],[72.29,42.545]]]}"#,
    )
    .expect("write");
    let text = run(&["plan", "info", s(&bow)], 0);
    assert!(
        text.contains("cannot be surveyed: the boundary crosses itself (edges 0 and 2 intersect)"),
        "{text}"
    );
    let out = dir.join("x.plan");
    let args = [
        "plan",
        "survey",
        "--area",
        s(&bow),
        "--spacing",
        "20",
        "--trigger",
        "20",
        "--alt",
        "50",
        "-o",
        s(&out),
    ];
    let text = run(&args, 1);
    assert!(text.contains("the boundary crosses itself"), "{text}");
    assert!(!out.exists());
}

#[test]
fn a_fence_of_one_repeated_point_is_no_boundary() {
    // A MAVProxy legacy fence repeating one point: converting it to KML used to write a file
    // that no reader accepts (found by the kml fuzz target).
    let dir = temp_dir("bad-input-fence");
    let fence = dir.join("fence.txt");
    std::fs::write(&fence, "2 1\n2 1\n2 1\n2 1\n2 1\n").expect("write");
    let kml = dir.join("field.kml");
    let text = run(&["plan", "convert", s(&fence), s(&kml)], 1);
    assert!(
        text.contains("the mission file holds no boundary: it has no survey polygon and its fence polygon 1 (inclusion) has 1 distinct point(s); a polygon needs at least 3"),
        "{text}"
    );
    assert!(!kml.exists());
}

#[test]
fn kmz_zip_bombs_are_refused_with_the_limit() {
    let dir = temp_dir("bad-input-kmz");
    // 60 MiB of spaces deflate to about 60 KB.
    let bomb = dir.join("bomb.kmz");
    zip(
        &bomb,
        true,
        "z.writestr('doc.kml', b'<kml>' + b' ' * (60 * 1024 * 1024) + b'</kml>')",
    );
    assert!(std::fs::metadata(&bomb).expect("bomb").len() < 200_000);
    let text = run(&["plan", "info", s(&bomb)], 1);
    assert!(
        text.contains(
            "KMZ entry 'doc.kml': 62914571 bytes uncompressed (declared); more than 52428800 are refused (zip bomb?)"
        ),
        "{text}"
    );
    let many = dir.join("many.kmz");
    zip(
        &many,
        false,
        "for i in range(1001): z.writestr(f'f{i}.png', b'')",
    );
    let text = run(&["plan", "info", s(&many)], 1);
    assert!(
        text.contains("the KMZ archive has 1001 entries; more than 1000 are refused (zip bomb?)"),
        "{text}"
    );
    // The same bomb whose headers claim 1000 bytes: the inflater stops at the claim.
    let mut bytes = std::fs::read(&bomb).expect("bomb");
    let real = (60u32 * 1024 * 1024 + 11).to_le_bytes();
    let mut i = 0;
    while let Some(at) = bytes
        .get(i..)
        .and_then(|b| b.windows(4).position(|w| w == real))
    {
        bytes[i + at..i + at + 4].copy_from_slice(&1000u32.to_le_bytes());
        i += at + 4;
    }
    let lying = dir.join("lying.kmz");
    std::fs::write(&lying, &bytes).expect("write");
    let text = run(&["plan", "info", s(&lying)], 1);
    assert!(text.contains("not a readable KMZ (zip) archive"), "{text}");
    let not_zip = dir.join("notzip.kmz");
    std::fs::write(&not_zip, b"PK\x03\x04 this is not a zip").expect("write");
    let text = run(&["plan", "info", s(&not_zip)], 1);
    assert!(text.contains("not a readable KMZ (zip) archive"), "{text}");
}

#[test]
fn tlog_info_reads_empty_and_garbage_files() {
    let dir = temp_dir("bad-input-tlog");
    let empty = dir.join("empty.tlog");
    std::fs::write(&empty, b"").expect("write");
    let text = run(&["tlog", "info", s(&empty)], 0);
    assert!(text.contains("Records        0 (0 bytes)"), "{text}");
    // Deterministic noise: every byte is skipped, nothing is invented.
    let mut state = 0x2545_f491_u32;
    let noise: Vec<u8> = (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[0]
        })
        .collect();
    let garbage = dir.join("garbage.tlog");
    std::fs::write(&garbage, &noise).expect("write");
    let text = run(&["tlog", "info", s(&garbage)], 0);
    assert!(text.contains("Records        0 (4096 bytes)"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.contains("bad bytes skipped") && l.trim_end().ends_with(" 4096")),
        "{text}"
    );
}

#[test]
fn bad_connection_strings_are_refused_with_the_forms_expected() {
    for (args, want) in [
        (
            vec!["sim", "--connect", "bad"],
            "bad link 'bad': missing the link type before ':'",
        ),
        (
            vec!["sim", "--connect", "udpout:127.0.0.1:0"],
            "udpout needs the remote port, 0 is not one",
        ),
        (
            vec!["watch", "--link", "udpin:0.0.0.0:99999"],
            "port '99999' is not a number from 0 to 65535",
        ),
        (
            vec![
                "record",
                "--link",
                "serial:/dev/ttyUSB0:fast",
                "-o",
                "x.tlog",
            ],
            "baud rate 'fast' is not a number from 300 to 12000000",
        ),
    ] {
        let text = run(&args, 2);
        assert!(text.contains(want), "{args:?}: {text}");
        assert!(text.contains("Expected udpin:ADDR:PORT"), "{text}");
    }
}

/// Forwards UDP between `steppe watch` and the simulator, sending a datagram of noise and
/// prefixing noise to every datagram towards the watcher, until `deadline`.
fn noisy_relay(relay: &UdpSocket, sim: SocketAddr, deadline: Instant) -> u64 {
    relay
        .set_read_timeout(Some(Duration::from_millis(50)))
        .expect("timeout");
    let mut watcher: Option<SocketAddr> = None;
    let mut buf = [0u8; 2048];
    let mut noise_bytes = 0u64;
    let mut state = 0x9e37_79b9_u32;
    let mut noise = |n: usize| -> Vec<u8> {
        (0..n)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                state.to_le_bytes()[1]
            })
            .collect()
    };
    while Instant::now() < deadline {
        let Ok((n, from)) = relay.recv_from(&mut buf) else {
            continue;
        };
        let data = &buf[..n];
        if from == sim {
            if let Some(w) = watcher {
                let junk = noise(64);
                let mut dirty = noise(16);
                dirty.extend_from_slice(data);
                noise_bytes += (junk.len() + 16) as u64;
                relay.send_to(&junk, w).expect("send");
                relay.send_to(&dirty, w).expect("send");
            }
        } else {
            watcher = Some(from);
            relay.send_to(data, sim).expect("send");
        }
    }
    noise_bytes
}

#[test]
fn garbage_on_the_link_is_counted_and_the_vehicle_still_shows() {
    let sim = sim(SimArgs::default());
    let relay = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let link = format!(
        "udpout:127.0.0.1:{}",
        relay.local_addr().expect("addr").port()
    );
    let sim_addr: SocketAddr = format!("127.0.0.1:{}", sim.local_addr().port())
        .parse()
        .expect("addr");
    let watch = Command::new(env!("CARGO_BIN_EXE_steppe"))
        .args(["watch", "--no-record", "--duration", "6", "--link", &link])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("watch starts");
    let noise = noisy_relay(&relay, sim_addr, Instant::now() + Duration::from_secs(7));
    let o = watch.wait_with_output().expect("watch ends");
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(noise > 1000, "the relay sent noise: {noise}");
    let last = text
        .lines()
        .rev()
        .find(|l| l.starts_with("link "))
        .expect("a link status line");
    let bad: u64 = last
        .split([',', '|'])
        .find_map(|p| p.trim().strip_suffix(" bad bytes")?.parse().ok())
        .unwrap_or_else(|| panic!("bad bytes counted: {last}"));
    println!("{last}");
    assert!(bad >= noise / 2, "{last}");
    assert!(text.contains("1/1"), "the vehicle is shown: {text}");
}
