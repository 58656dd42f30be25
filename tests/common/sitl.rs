//! Real autopilots for the SITL suites: ArduCopter and ArduPlane 4.7 (`start-sitl`) and PX4 1.16
//! with its SIH simulator. Each vehicle gets its own instance number (so its own ports, locked
//! across test processes) and is stopped when dropped. A missing peer folder fails the test with
//! what to set; it never passes silently.

use std::fs::File;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Where the ArduPilot SITL peer lives: `$STEPPE_SITL_DIR`, else `../shared/peers/ardupilot`.
pub fn ardupilot_dir() -> PathBuf {
    peer_dir(
        "STEPPE_SITL_DIR",
        "ardupilot",
        "start-sitl",
        "ArduPilot SITL (ArduCopter/ArduPlane with start-sitl)",
    )
}

/// Where the PX4 SITL peer lives: `$STEPPE_PX4_DIR`, else `../shared/peers/px4`.
pub fn px4_dir() -> PathBuf {
    peer_dir(
        "STEPPE_PX4_DIR",
        "px4",
        "bin/px4",
        "PX4 SITL (bin/px4 and etc/ with the SIH airframes)",
    )
}

fn peer_dir(var: &str, name: &str, probe: &str, what: &str) -> PathBuf {
    let dir = match std::env::var_os(var).filter(|v| !v.is_empty()) {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/peers")
            .join(name),
    };
    assert!(
        dir.join(probe).exists(),
        "{what} not found: {} has no {probe}. Set {var} to the folder that holds it \
         (the shared peers folder, ../shared/peers/{name} beside the checkout).",
        dir.display()
    );
    dir
}

/// An instance number held by this process (and no other) until dropped.
struct InstanceLock {
    n: u16,
    _file: File,
}

/// Takes the first free instance in `range` whose `ports(n)` are all free.
fn lock_instance(
    kind: &str,
    range: std::ops::Range<u16>,
    ports: impl Fn(u16) -> Vec<u16>,
) -> InstanceLock {
    for n in range {
        let path = std::env::temp_dir().join(format!("steppe-{kind}-instance-{n}.lock"));
        let Ok(file) = File::create(&path) else {
            continue;
        };
        // SAFETY: flock on a descriptor this function owns; no memory is shared.
        let locked = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0;
        let free = || {
            ports(n)
                .into_iter()
                .all(|p| std::net::TcpListener::bind(("0.0.0.0", p)).is_ok())
        };
        if locked && free() {
            return InstanceLock { n, _file: file };
        }
    }
    panic!("no free {kind} instance: every one is taken by another test or process");
}

/// Options of [`Sitl::start`].
#[derive(Debug, Clone)]
pub struct SitlOpts {
    /// MAV_SYSID.
    pub sysid: u8,
    /// Simulation speed (1 = real time).
    pub speedup: f64,
    /// A servo camera (CAM1_TYPE 1, SERVO9_FUNCTION 10): DO_SET_CAM_TRIGG_DIST takes photos.
    pub camera: bool,
    /// Home: lat, lon, alt AMSL, heading.
    pub home: Option<(f64, f64, f64, f64)>,
    /// Extra parameters at boot.
    pub params: Vec<(String, String)>,
    /// SERIAL0 as SITL spells it (e.g. `udpclient:127.0.0.1:14590`) instead of TCP.
    pub serial0: Option<String>,
}

impl Default for SitlOpts {
    fn default() -> Self {
        Self {
            sysid: 1,
            speedup: 5.0,
            camera: false,
            home: None,
            params: Vec::new(),
            serial0: None,
        }
    }
}

/// The home `start-sitl` uses unless told otherwise.
pub const SITL_HOME: (f64, f64, f64) = (42.8120, 75.2860, 780.0);

/// One real ArduPilot vehicle, stopped (its whole process group) when dropped.
pub struct Sitl {
    /// Process group leader.
    pub pid: i32,
    /// SERIAL0 TCP port (SERIAL1 is +2, SERIAL2 +3).
    pub port: u16,
    /// Working folder: eeprom.bin, logs/, sitl.log.
    pub dir: PathBuf,
    /// MAV_SYSID.
    pub sysid: u8,
    lock: InstanceLock,
}

impl Sitl {
    /// Starts `kind` ("copter" or "plane") and waits until it serves MAVLink.
    pub fn start(kind: &str, opts: SitlOpts) -> Sitl {
        let script = ardupilot_dir().join("start-sitl");
        let lock = lock_instance("sitl", 40..120, |n| {
            let base = 5760 + 10 * n;
            vec![base, base + 2, base + 3]
        });
        let mut cmd = Command::new(&script);
        cmd.arg(kind)
            .args(["--instance", &lock.n.to_string()])
            .args(["--sysid", &opts.sysid.to_string()])
            .args(["--speedup", &opts.speedup.to_string()]);
        if opts.camera {
            cmd.arg("--camera");
        }
        if let Some((lat, lon, alt, hdg)) = opts.home {
            cmd.args(["--home", &format!("{lat},{lon},{alt},{hdg}")]);
        }
        for (k, v) in &opts.params {
            cmd.args(["--param", &format!("{k}={v}")]);
        }
        if let Some(s) = &opts.serial0 {
            cmd.args(["--serial0", s]);
        }
        let out = cmd.output().expect("run start-sitl");
        assert!(
            out.status.success(),
            "start-sitl {kind} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        let f: Vec<&str> = text.split_whitespace().collect();
        let [pid, port, dir] = f.as_slice() else {
            panic!("start-sitl printed '{text}', expected 'PID PORT DIR'");
        };
        Sitl {
            pid: pid.parse().expect("pid"),
            port: port.parse().expect("port"),
            dir: PathBuf::from(dir),
            sysid: opts.sysid,
            lock,
        }
    }

    /// An ArduCopter.
    pub fn copter(opts: SitlOpts) -> Sitl {
        Self::start("copter", opts)
    }

    /// An ArduPlane.
    pub fn plane(opts: SitlOpts) -> Sitl {
        Self::start("plane", opts)
    }

    /// Steppe's connection string to SERIAL0.
    pub fn link(&self) -> String {
        format!("tcp:127.0.0.1:{}", self.port)
    }

    /// Steppe's connection string to SERIAL1 (a second telemetry port; ArduPilot checks
    /// signatures there, while it trusts SERIAL0 as its USB port).
    pub fn link_serial1(&self) -> String {
        format!("tcp:127.0.0.1:{}", self.port + 2)
    }

    /// Steppe's connection string to SERIAL2 (a third port, e.g. for an observer).
    pub fn link_serial2(&self) -> String {
        format!("tcp:127.0.0.1:{}", self.port + 3)
    }

    /// The instance number.
    pub fn instance(&self) -> u16 {
        self.lock.n
    }

    /// The tail of the vehicle's own console log, for failure messages.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.dir.join("sitl.log")).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }
}

impl Drop for Sitl {
    fn drop(&mut self) {
        // SAFETY: signals the process group this harness started; no memory is shared.
        unsafe {
            libc::kill(-self.pid, libc::SIGTERM);
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs the steppe binary with `args`; returns (success, stdout, stderr).
pub fn steppe(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(super::steppe_bin())
        .args(args)
        .env("STEPPE_TLOG_DIR", std::env::temp_dir())
        .output()
        .expect("run steppe");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs steppe and returns its standard output; panics with both streams if it fails.
pub fn steppe_ok(args: &[&str]) -> String {
    let (ok, out, err) = steppe(args);
    assert!(ok, "steppe {} failed:\n{out}\n{err}", args.join(" "));
    out
}

/// Runs steppe, expecting failure; returns its standard error.
pub fn steppe_fails(args: &[&str]) -> String {
    let (ok, out, err) = steppe(args);
    assert!(
        !ok,
        "steppe {} succeeded but should fail:\n{out}",
        args.join(" ")
    );
    err
}

/// Retries `f` until it returns `Some`, at most `within`, sleeping `every` between tries.
pub fn retry<T>(within: Duration, every: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if start.elapsed() >= within {
            return None;
        }
        std::thread::sleep(every);
    }
}

/// An engine (no recording) connected to `link` (e.g. [`Sitl::link`]), and the vehicle once
/// it has a position.
pub fn engine_on(link: &str) -> (steppe::runtime::BackendHandle, steppe::vehicle::VehicleId) {
    engine_recording(link, None)
}

/// [`engine_on`], recording to `tlog`.
pub fn engine_recording(
    link: &str,
    tlog: Option<PathBuf>,
) -> (steppe::runtime::BackendHandle, steppe::vehicle::VehicleId) {
    let (h, ids) = engine_links(&[link], tlog);
    (h, ids[0])
}

/// An engine on several links (one vehicle each), optionally recording, and their vehicles
/// once each has a position.
pub fn engine_links(
    links: &[&str],
    tlog: Option<PathBuf>,
) -> (
    steppe::runtime::BackendHandle,
    Vec<steppe::vehicle::VehicleId>,
) {
    let mut h = steppe::runtime::start(steppe::runtime::BackendConfig {
        links: links
            .iter()
            .map(|l| l.parse().expect("link spec"))
            .collect(),
        tlog,
        ..Default::default()
    })
    .expect("engine starts");
    let ids = vehicles_within(&mut h, links.len(), Duration::from_secs(90));
    (h, ids)
}

/// An engine connected to `link`, returned as soon as the vehicle's first heartbeat is heard
/// (before its GPS and estimator are ready).
pub fn engine_at_boot(link: &str) -> (steppe::runtime::BackendHandle, steppe::vehicle::VehicleId) {
    let spec: steppe::link::LinkSpec = link.parse().expect("link spec");
    let mut h = steppe::runtime::start(steppe::runtime::BackendConfig {
        links: vec![spec],
        ..Default::default()
    })
    .expect("engine starts");
    super::wait_until(&mut h, Duration::from_secs(60), "a heartbeat", |v| {
        !v.is_empty()
    });
    let id = h.snapshot().vehicles[0].id;
    (h, id)
}

/// Waits up to `within` for `n` vehicles with a position (SITL needs a GPS fix first).
pub fn vehicles_within(
    h: &mut steppe::runtime::BackendHandle,
    n: usize,
    within: Duration,
) -> Vec<steppe::vehicle::VehicleId> {
    super::wait_until(h, within, "vehicles with positions", |v| {
        v.iter().filter(|s| s.position.lat_lon.is_some()).count() >= n
    });
    h.snapshot().vehicles.iter().map(|v| v.id).collect()
}

/// The vehicle's current state.
pub fn state(
    h: &steppe::runtime::BackendHandle,
    id: steppe::vehicle::VehicleId,
) -> steppe::vehicle::VehicleState {
    h.snapshot()
        .vehicles
        .iter()
        .find(|v| v.id == id)
        .cloned()
        .expect("vehicle in the snapshot")
}

/// Arms, retrying while the vehicle refuses (its prearm checks pass some tens of simulated
/// seconds after boot). Returns the first refusal's text.
pub fn arm_when_ready(
    h: &mut steppe::runtime::BackendHandle,
    id: steppe::vehicle::VehicleId,
    within: Duration,
) -> String {
    let mut first = None;
    let start = Instant::now();
    loop {
        match super::act(h, id, steppe::protocol::actions::VehicleAction::Arm) {
            Ok(()) => return first.unwrap_or_default(),
            Err(e) => {
                first.get_or_insert_with(|| e.to_string());
                assert!(
                    start.elapsed() < within,
                    "not armable within {within:?}: last refusal {e}"
                );
                std::thread::sleep(Duration::from_secs(1));
            }
        }
    }
}

/// A rectangular field `w_m` east-west by `h_m` north-south, its south-west corner `offset_m`
/// north-east of `home`, as a GeoJSON file in `dir`.
pub fn field_geojson(dir: &Path, home: (f64, f64), offset_m: f64, w_m: f64, h_m: f64) -> PathBuf {
    let origin = steppe::geo::LatLon::new(home.0, home.1);
    let sw = origin.destination(45.0, offset_m);
    let se = sw.destination(90.0, w_m);
    let ne = se.destination(0.0, h_m);
    let nw = sw.destination(0.0, h_m);
    let ring: Vec<String> = [sw, se, ne, nw, sw]
        .iter()
        .map(|p| format!("[{:.7},{:.7}]", p.lon_deg, p.lat_deg))
        .collect();
    let path = dir.join("field.geojson");
    std::fs::write(
        &path,
        format!(
            "{{\"type\":\"FeatureCollection\",\"features\":[{{\"type\":\"Feature\",\"properties\":{{\"name\":\"test field\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[{}]]}}}}]}}",
            ring.join(",")
        ),
    )
    .expect("write field");
    path
}

/// `steppe record` on `link` into `tlog` as a child process, stopped (Ctrl-C, as a user
/// would) by [`Recorder::stop`].
pub struct Recorder(std::process::Child);

impl Recorder {
    /// Starts recording.
    pub fn start(link: &str, tlog: &Path) -> Recorder {
        let child = Command::new(super::steppe_bin())
            .args(["record", "--link", link, "-o"])
            .arg(tlog)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("steppe record");
        Recorder(child)
    }

    /// Stops with SIGINT and returns what it printed.
    pub fn stop(mut self) -> String {
        // SAFETY: signals our own child process.
        unsafe {
            libc::kill(self.0.id() as i32, libc::SIGINT);
        }
        let out = std::mem::replace(&mut self.0, Command::new("true").spawn().expect("true"))
            .wait_with_output()
            .expect("record ends");
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs `steppe command ACTION…` on `link` until the vehicle accepts it (prearm checks pass
/// tens of simulated seconds after boot), at most `within`.
pub fn command_until_accepted(link: &str, action: &[&str], within: Duration) {
    let mut last = String::new();
    let ok = retry(within, Duration::from_secs(1), || {
        let mut args = vec!["command", "--link", link];
        args.extend_from_slice(action);
        let (ok, _, err) = steppe(&args);
        last = err;
        ok.then_some(())
    });
    assert!(ok.is_some(), "{action:?} never accepted: {last}");
}

/// Options of [`Px4::start`].
#[derive(Debug, Clone)]
pub struct Px4Opts {
    /// Simulation speed (PX4_SIM_SPEED_FACTOR).
    pub speedup: f64,
    /// Home: lat, lon, alt AMSL.
    pub home: (f64, f64, f64),
    /// Parameters set at boot (PX4's `PX4_PARAM_<name>` environment variables).
    pub params: Vec<(String, String)>,
}

impl Default for Px4Opts {
    fn default() -> Self {
        Self {
            speedup: 2.0,
            home: SITL_HOME,
            params: Vec::new(),
        }
    }
}

/// One real PX4 1.16 with its SIH simulator, stopped when dropped.
///
/// Started like the peer's `start-px4`, with two differences kept in this harness: its command
/// links (`bin/px4-*`, plain files holding "px4" in the shared folder) are made symbolic links
/// in a temporary bin folder, and its ground-station link sends to its own UDP port
/// ([`Px4::gcs_port`]) instead of 14550 for every instance, so tests run side by side and each
/// CLI run may listen there (PX4 keeps talking to the first address that answered it).
pub struct Px4 {
    child: std::process::Child,
    /// Working folder: parameters, dataman, log/ (ULog).
    pub dir: PathBuf,
    /// MAVLink system id (instance + 1).
    pub sysid: u8,
    gcs_port: u16,
    lock: InstanceLock,
}

impl Px4 {
    /// Starts a `quad` or `plane` and waits until its startup script has run.
    pub fn start(kind: &str, opts: Px4Opts) -> Px4 {
        let peer = px4_dir();
        let model = match kind {
            "quad" => "sihsim_quadx",
            "plane" => "sihsim_airplane",
            other => panic!("unknown PX4 vehicle {other}"),
        };
        let lock = lock_udp_instance("px4", 0..10, |n| {
            vec![
                18570 + n,
                14580 + n,
                14280 + n,
                13030 + n,
                19450 + n,
                14600 + n,
            ]
        });
        let n = lock.n;
        let root = std::env::temp_dir().join(format!("steppe-px4-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let (bin, etc, dir) = (root.join("bin"), root.join("etc"), root.join("work"));
        for d in [&bin, &dir] {
            std::fs::create_dir_all(d).expect("px4 folders");
        }
        for entry in std::fs::read_dir(peer.join("bin")).expect("px4 bin") {
            let name = entry.expect("entry").file_name();
            let s = name.to_string_lossy();
            let target = if s == "px4" || s.ends_with(".sh") {
                peer.join("bin").join(&name)
            } else {
                PathBuf::from("px4")
            };
            std::os::unix::fs::symlink(target, bin.join(&name)).expect("symlink");
        }
        let status = Command::new("cp")
            .arg("-r")
            .arg(peer.join("etc"))
            .arg(&etc)
            .status()
            .expect("cp");
        assert!(status.success(), "copy PX4's etc");
        let rc = etc.join("init.d-posix/px4-rc.mavlink");
        let text = std::fs::read_to_string(&rc).expect("px4-rc.mavlink");
        let gcs = "mavlink start -x -u $udp_gcs_port_local -r 4000000 -f";
        assert!(
            text.contains(gcs),
            "PX4's GCS link line changed: {}",
            rc.display()
        );
        let text = text.replace(gcs, &format!("{gcs} -o $((14600+px4_instance))"));
        std::fs::write(&rc, text).expect("patch px4-rc.mavlink");
        let mut cmd = Command::new(bin.join("px4"));
        cmd.args(["-d", "-i", &n.to_string(), "-w"])
            .arg(&dir)
            .arg(&etc)
            .current_dir(&dir)
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    bin.display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .env("PX4_SIM_MODEL", model)
            .env("PX4_SIMULATOR", "sihsim")
            .env("PX4_SIM_SPEED_FACTOR", opts.speedup.to_string())
            .env("PX4_HOME_LAT", opts.home.0.to_string())
            .env("PX4_HOME_LON", opts.home.1.to_string())
            .env("PX4_HOME_ALT", opts.home.2.to_string())
            .stdin(std::process::Stdio::null())
            .stdout(File::create(dir.join("px4.log")).expect("log"))
            .stderr(std::process::Stdio::null());
        for (k, v) in &opts.params {
            cmd.env(format!("PX4_PARAM_{k}"), v);
        }
        let mut child = cmd.spawn().expect("start px4");
        let log = dir.join("px4.log");
        let ok = retry(Duration::from_secs(60), Duration::from_millis(200), || {
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "PX4 exited ({status}): {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            }
            std::fs::read_to_string(&log)
                .is_ok_and(|t| t.contains("Startup script returned successfully"))
                .then_some(())
        });
        assert!(ok.is_some(), "PX4 did not finish its startup within 60 s");
        Px4 {
            child,
            dir,
            sysid: n as u8 + 1,
            gcs_port: 14600 + n,
            lock,
        }
    }

    /// The UDP port PX4 sends its ground-station stream to.
    pub fn gcs_port(&self) -> u16 {
        self.gcs_port
    }

    /// Steppe's connection string: listen where PX4 sends.
    pub fn link(&self) -> String {
        format!("udpin:127.0.0.1:{}", self.gcs_port)
    }

    /// The instance number.
    pub fn instance(&self) -> u16 {
        self.lock.n
    }
}

impl Drop for Px4 {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(root) = self.dir.parent() {
            let _ = std::fs::remove_dir_all(root);
        }
    }
}

/// [`lock_instance`] for UDP ports.
fn lock_udp_instance(
    kind: &str,
    range: std::ops::Range<u16>,
    ports: impl Fn(u16) -> Vec<u16>,
) -> InstanceLock {
    for n in range {
        let path = std::env::temp_dir().join(format!("steppe-{kind}-instance-{n}.lock"));
        let Ok(file) = File::create(&path) else {
            continue;
        };
        // SAFETY: flock on a descriptor this function owns; no memory is shared.
        let locked = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0;
        let free = || {
            ports(n)
                .into_iter()
                .all(|p| std::net::UdpSocket::bind(("0.0.0.0", p)).is_ok())
        };
        if locked && free() {
            return InstanceLock { n, _file: file };
        }
    }
    panic!("no free {kind} instance: every one is taken by another test or process");
}
