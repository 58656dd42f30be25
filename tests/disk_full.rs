//! A disk that fills up while recording: the app core (what the window runs each frame) with
//! a real engine and the simulator over UDP records to a small tmpfs (or, without the right
//! to mount one, to /dev/full). The recording stops with a "Recording stopped: disk full"
//! alert bar and tone, vehicles keep updating and answering commands, nothing panics, and the
//! file so far is a valid tlog for Steppe and pymavlink up to its last whole record. The CLI
//! says the same and exits 1.

mod common;
use common::ui::pump_until;

use common::*;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use steppe::alerts::Severity;
use steppe::app::AppCore;
use steppe::log::tlog::TlogReader;
use steppe::protocol::actions::VehicleAction;
use steppe::runtime::Event;
use steppe::ui::model::{UiCommand, UiModel};
use steppe::ui::{Panels, root_ui};

/// A tmpfs mounted for one test, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// Mounts a `size` tmpfs at `dir`, or says why it cannot.
fn mount_tmpfs(dir: &Path, size: &str) -> Result<Tmpfs, String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let out = Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
        .arg(dir)
        .output()
        .map_err(|e| format!("cannot run mount: {e}"))?;
    if out.status.success() {
        Ok(Tmpfs(dir.to_owned()))
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
    }
}

/// Flies two vehicles recording to `tlog` until the disk is full, and checks everything an
/// operator relies on afterwards. Returns once the engine has shut down.
fn fly_until_the_disk_is_full(tlog: &Path) {
    let s = sim(SimArgs {
        vehicles: 2,
        rate_hz: Some(50.0),
        ..SimArgs::default()
    });
    let mut core = AppCore::new(Some(engine(&s, Some(tlog.to_owned()))), UiModel::default());
    pump_until(&mut core, Duration::from_secs(20), "two vehicles", |m| {
        m.snapshot
            .vehicles
            .iter()
            .filter(|v| v.position.lat_lon.is_some())
            .count()
            == 2
    });
    pump_until(
        &mut core,
        Duration::from_secs(60),
        "the disk-full alert",
        |m| m.recording_alert.is_some(),
    );
    let failed_at = core.model.now_us;
    let m = &core.model;
    let a = m.recording_alert.as_ref().expect("alert");
    assert!(a.disk_full, "{a:?}");
    assert_eq!(a.title(), "Recording stopped");
    assert_eq!(a.detail(), format!("disk full ({})", tlog.display()));
    assert_eq!(
        m.alarm(),
        Some(Severity::Warning),
        "a tone until acknowledged"
    );
    assert!(
        m.log.iter().any(|l| l.text.contains("disk full")),
        "the messages panel says it too"
    );
    let st = m.snapshot.recorder.clone().expect("recorder status");
    assert!(st.error.is_some() && st.disk_full, "{st:?}");
    // Flying goes on: telemetry keeps arriving and a command is answered.
    let heard: Vec<u64> = m
        .snapshot
        .vehicles
        .iter()
        .map(|v| v.last_heard_us)
        .collect();
    let target = m.snapshot.vehicles.first().map(|v| v.id).expect("vehicle");
    core.model.send(UiCommand::Action {
        target,
        action: VehicleAction::SetMode("GUIDED".into()),
    });
    pump_until(
        &mut core,
        Duration::from_secs(20),
        "the command's answer",
        |m| m.ops.iter().any(|o| o.outcome.is_some()),
    );
    assert!(
        matches!(
            core.model.ops.last().and_then(|o| o.outcome.clone()),
            Some(Ok(_))
        ),
        "{:?}",
        core.model.ops
    );
    pump_until(&mut core, Duration::from_secs(10), "fresh telemetry", |m| {
        m.snapshot
            .vehicles
            .iter()
            .zip(&heard)
            .all(|(v, h)| v.last_heard_us > h + 1_000_000 && v.mode_name.len() > 1)
            && m.now_us > failed_at + 1_000_000
    });
    // The bar is on screen, and Acknowledge silences it but keeps it shown.
    struct App {
        core: AppCore,
        panels: Panels,
    }
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_ui_state(
            |ui, a: &mut App| root_ui(ui, &mut a.core.model, &mut a.panels),
            App {
                core,
                panels: Panels::default(),
            },
        );
    h.run();
    h.get_by_label("Recording stopped");
    h.get_by_label(&format!("disk full ({})", tlog.display()));
    h.get_by_label("Acknowledge").click();
    h.run();
    let app = h.into_state();
    let mut core = app.core;
    assert_eq!(core.model.alarm(), None);
    assert!(
        core.model
            .recording_alert
            .as_ref()
            .is_some_and(|a| a.acknowledged)
    );
    // A clean shutdown reports the same error once more, and nothing panicked.
    let mut backend = core.backend.take().expect("engine");
    backend.shutdown();
    let mut last = None;
    while let Some(ev) = backend.try_event() {
        if let Event::Recorder(st) = ev {
            last = Some(st);
        }
    }
    let st = last.expect("final recorder status");
    assert!(st.closed && st.disk_full, "{st:?}");
}

/// `steppe record` onto a full disk ends with the reason and exit status 1.
fn cli_says_disk_full(link_port: u16, out: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_steppe"))
        .args(["record", "--duration", "60", "--link"])
        .arg(format!("udpout:127.0.0.1:{link_port}"))
        .arg("-o")
        .arg(out)
        .output()
        .expect("steppe runs");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "error: recording stopped: disk full ({})",
            out.display()
        )),
        "{err}"
    );
}

#[test]
fn a_full_tmpfs_stops_the_recording_with_an_alert_and_keeps_the_file_valid() {
    let dir = temp_dir("disk-full");
    let mnt = dir.join("tmpfs");
    let _fs = match mount_tmpfs(&mnt, "256k") {
        Ok(fs) => fs,
        Err(why) => {
            println!("skipped: cannot mount a tmpfs ({why}); the /dev/full test covers the rest");
            return;
        }
    };
    // Leave about 40 KiB free: the recording fills it in a few seconds.
    std::fs::write(mnt.join("filler"), vec![0u8; 216 * 1024]).expect("filler");
    let tlog = mnt.join("flight.tlog");
    fly_until_the_disk_is_full(&tlog);
    let data = std::fs::read(&tlog).expect("the file so far");
    assert!(data.len() > 20_000, "{} bytes", data.len());
    let mut r = TlogReader::new(&data);
    let n = r.by_ref().count();
    println!(
        "the full disk kept {} bytes: {n} whole records and {} bytes of a cut one",
        data.len(),
        r.stats().truncated_tail_bytes
    );
    assert!(n > 300, "{n} records");
    assert_eq!(
        r.stats().bad_bytes,
        r.stats().truncated_tail_bytes,
        "only a cut last record may be unreadable"
    );
    let py = python(
        "from pymavlink import mavutil; import sys\n\
             m=mavutil.mavlink_connection(sys.argv[1], robust_parsing=True)\nn=0\n\
             while True:\n    x=m.recv_msg()\n    if x is None: break\n    \
             if x.get_type()!='BAD_DATA': n+=1\nprint(n)",
        &[&tlog],
    );
    assert_eq!(py.trim(), n.to_string());
    let s = sim(SimArgs::default());
    cli_says_disk_full(s.local_addr().port(), &mnt.join("cli.tlog"));
}

#[test]
fn dev_full_stops_the_recording_with_an_alert_without_root() {
    let dev_full = Path::new("/dev/full");
    if !dev_full.exists() {
        println!("skipped: no /dev/full on this system");
        return;
    }
    fly_until_the_disk_is_full(dev_full);
    let s = sim(SimArgs::default());
    cli_says_disk_full(s.local_addr().port(), dev_full);
}
