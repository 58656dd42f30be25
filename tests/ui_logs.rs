//! The Onboard logs view: interaction tests (egui_kittest, no window, no engine: the panel
//! draws from a model built here and the test checks the commands it emits), and an end to
//! end run of the app core (what the window runs each frame) against the simulator over real
//! UDP: list, download two logs through panel commands, compare the files with the
//! simulator's logs byte for byte, cancel a download, erase.

mod common;
use common::ui::{harness, pump_until};

use egui_kittest::kittest::Queryable as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use steppe::app::AppCore;
use steppe::protocol::logs::LogEntry;
use steppe::runtime::Snapshot;
use steppe::ui::i18n::set_language;
use steppe::ui::logs::{LogJob, LogJobKind, SavedLog};
use steppe::ui::model::{UiCommand, UiModel, View};
use steppe::vehicle::{Heartbeat, VehicleId, VehicleState};

const T0_US: u64 = 1_700_000_000_000_000;
const V1: VehicleId = VehicleId {
    sysid: 1,
    compid: 1,
};
const V2: VehicleId = VehicleId {
    sysid: 2,
    compid: 1,
};
const FOLDER: &str = "/tmp/steppe-ui-logs";

fn vehicle(id: VehicleId) -> VehicleState {
    let hb = Heartbeat {
        custom_mode: 0,
        mav_type: 2,
        autopilot: 3,
        base_mode: 0x01,
        system_status: 3,
        mavlink_version: 3,
    };
    VehicleState::new(id, &hb, T0_US)
}

fn entry(id: u16, size_bytes: u32) -> LogEntry {
    LogEntry {
        id,
        time_utc_s: 1_767_225_600 + 3_600 * u32::from(id - 1),
        size_bytes,
    }
}

fn entries() -> Vec<LogEntry> {
    vec![entry(1, 40_000), entry(2, 120_000), entry(3, 320_000)]
}

/// The Logs view with vehicles `ids` and vehicle 1's three logs listed.
fn model(ids: &[VehicleId]) -> UiModel {
    let mut m = UiModel::default();
    m.set_snapshot(Arc::new(Snapshot {
        t_us: T0_US,
        vehicles: ids.iter().copied().map(vehicle).collect(),
        ..Snapshot::default()
    }));
    m.view = View::Logs;
    m.settings.log_folder = FOLDER.into();
    m.logs.vehicle_mut(V1).entries = Some(entries());
    m
}

#[test]
fn the_listing_is_shown_and_download_selected_sends_the_ticked_logs() {
    let mut m = model(&[V1]);
    m.view = View::Fly;
    let mut h = harness(m);
    h.run();
    h.get_by_label("Onboard logs").click();
    h.run();
    assert_eq!(h.state().m.view, View::Logs);
    for text in ["Log 1", "Log 2", "Log 3", "2026-01-01 01:00", "312.5 KiB"] {
        assert!(h.query_by_label(text).is_some(), "{text} shown");
    }
    h.get_by_label("Log 2").click();
    h.run();
    h.get_by_label("Log 3").click();
    h.run();
    h.get_by_label("Log 3").click();
    h.run();
    h.get_by_label("Download selected (1)").click();
    h.run();
    assert_eq!(
        h.state().m.outbox,
        vec![UiCommand::LogDownload {
            target: V1,
            entries: vec![entry(2, 120_000)],
            folder: PathBuf::from(FOLDER),
        }]
    );
    h.state_mut().m.outbox.clear();
    h.get_by_label("Download all").click();
    h.get_by_label("Refresh").click();
    h.run();
    let out = &h.state().m.outbox;
    assert!(matches!(&out[0], UiCommand::LogDownload { entries, .. } if entries.len() == 3));
    assert_eq!(out[1], UiCommand::LogList { target: V1 });
}

#[test]
fn erase_asks_for_confirmation_first() {
    let mut h = harness(model(&[V1]));
    h.run();
    h.get_by_label("Erase all logs…").click();
    h.run();
    assert!(h.state().m.outbox.is_empty(), "nothing before confirming");
    let question = h.state().m.confirm.clone().expect("asks").question;
    assert!(question.contains("vehicle 1"), "{question}");
    h.get_by_label("Confirm: Erase logs").click();
    h.run();
    assert_eq!(h.state().m.outbox, vec![UiCommand::LogErase { target: V1 }]);
}

#[test]
fn progress_rate_waiting_and_saved_files_are_shown_and_cancel_is_sent() {
    let mut m = model(&[V1]);
    let logs = m.logs.vehicle_mut(V1);
    logs.job = Some(LogJob {
        progress: (60_000, 120_000),
        progress_at_us: 2_000_000,
        ..LogJob::new(
            7,
            LogJobKind::Download {
                entry: entry(2, 120_000),
                path: PathBuf::from(FOLDER).join("log2.bin"),
            },
            0,
        )
    });
    logs.queue
        .push_back((entry(3, 320_000), PathBuf::from(FOLDER).join("log3.bin")));
    let saved = SavedLog {
        path: PathBuf::from(FOLDER).join("log1.bin"),
        size_bytes: 40_000,
        duration_us: 4_000_000,
    };
    logs.results.insert(1, Ok(saved));
    let mut h = harness(m);
    h.run();
    // The row's bar: percent and rate (60 000 bytes in 2 s).
    assert!(h.query_by_label("50 % · 29.3 KiB/s").is_some());
    assert!(
        h.query_by_label("58.6 KiB of 117.2 KiB 29.3 KiB/s")
            .is_some()
    );
    assert!(h.query_by_label("Waiting").is_some());
    assert!(
        h.query_by_label("Saved: /tmp/steppe-ui-logs/log1.bin (9.8 KiB/s)")
            .is_some()
    );
    h.get_by_label("Cancel").click();
    h.run();
    assert_eq!(
        h.state().m.outbox,
        vec![UiCommand::LogCancel { target: V1 }]
    );
}

#[test]
fn the_vehicle_picker_chooses_whose_logs_are_listed() {
    let mut h = harness(model(&[V1, V2]));
    h.run();
    assert!(h.query_by_label("Log 1").is_some());
    h.get_by_label("Vehicle 2").click();
    h.run();
    assert_eq!(h.state().m.selected, Some(V2));
    assert!(h.query_by_label("Log 1").is_none(), "vehicle 2 not listed");
    assert!(
        h.query_by_label("Press Refresh to list the logs on the vehicle.")
            .is_some()
    );
    h.get_by_label("Refresh").click();
    h.run();
    assert_eq!(h.state().m.outbox, vec![UiCommand::LogList { target: V2 }]);
}

#[test]
fn without_an_engine_the_request_fails_in_words() {
    let mut core = AppCore::new(None, model(&[V1]));
    core.dispatch(UiCommand::LogList { target: V1 });
    let logs = core.model.logs.vehicle(V1).expect("vehicle");
    assert!(logs.job.is_none());
    assert!(matches!(&logs.note, Some(Err(e)) if e.contains("not sent")));
}

#[test]
fn a_replay_refuses_log_requests_and_a_bad_folder_is_said_in_words() {
    let mut core = AppCore::new(None, model(&[V1]));
    core.dispatch(UiCommand::LogDownload {
        target: V1,
        entries: entries(),
        folder: PathBuf::from("/dev/null/logs"),
    });
    let note = core.model.status_note.clone().unwrap_or_default();
    assert!(
        note.contains("Cannot create the folder /dev/null/logs"),
        "{note}"
    );
    assert!(!core.model.logs.vehicle(V1).is_some_and(|l| l.busy()));
    let path = common::sample("sitl/arducopter_sitl_survey_talas_camera.tlog");
    core.open_replay(&path).expect("opens");
    core.dispatch(UiCommand::LogList { target: V1 });
    assert!(core.model.logs.vehicle(V1).is_some_and(|l| l.job.is_none()));
    let last = core
        .model
        .log
        .back()
        .map(|l| l.text.clone())
        .unwrap_or_default();
    assert!(last.starts_with("Replay: commands are not sent"), "{last}");
}

#[test]
fn the_view_speaks_russian() {
    use steppe::ui::i18n::Language;
    let mut m = model(&[V1]);
    m.settings.language = Language::Russian;
    let mut h = harness(m);
    h.run();
    for text in [
        "Бортовые журналы",
        "Журнал 2",
        "Скачать выбранные (0)",
        "Обновить",
    ] {
        assert!(h.query_all_by_label(text).next().is_some(), "{text} shown");
    }
    set_language(Language::English);
}

#[test]
fn list_download_cancel_and_erase_through_the_app_core() {
    use steppe::sim::onboard_logs::vehicle_logs;
    let s = common::sim(common::SimArgs {
        vehicles: 1,
        ..common::SimArgs::default()
    });
    let mut core = AppCore::new(Some(common::engine(&s, None)), UiModel::default());
    pump_until(&mut core, Duration::from_secs(20), "a vehicle", |m| {
        !m.snapshot.vehicles.is_empty()
    });
    let v = core.model.snapshot.vehicles[0].id;
    let served = vehicle_logs(v.sysid);
    core.model.send(UiCommand::LogList { target: v });
    pump_until(&mut core, Duration::from_secs(30), "the listing", |m| {
        m.logs.vehicle(v).is_some_and(|l| l.entries.is_some())
    });
    let listed = core.model.logs.vehicle(v).and_then(|l| l.entries.clone());
    let listed = listed.expect("entries");
    let sizes: Vec<usize> = listed.iter().map(|e| e.size_bytes as usize).collect();
    let want: Vec<usize> = served.iter().map(|l| l.bytes.len()).collect();
    assert_eq!(sizes, want);

    // Two logs, one after the other, through the queue.
    let dir = common::temp_dir("ui-logs");
    let folder = dir.join("new-folder");
    core.model.send(UiCommand::LogDownload {
        target: v,
        entries: listed[..2].to_vec(),
        folder: folder.clone(),
    });
    let mut fractions = Vec::new();
    pump_until(&mut core, Duration::from_secs(120), "two downloads", |m| {
        let l = m.logs.vehicle(v);
        if let Some(j) = l.and_then(|l| l.job.as_ref()) {
            fractions.push(j.fraction());
        }
        l.is_some_and(|l| l.results.len() == 2 && !l.busy())
    });
    let l = core.model.logs.vehicle(v).expect("vehicle").clone();
    for (k, e) in listed[..2].iter().enumerate() {
        let saved = match l.results.get(&e.id) {
            Some(Ok(s)) => s.clone(),
            other => panic!("log {}: {other:?}", e.id),
        };
        assert_eq!(saved.path.parent(), Some(folder.as_path()));
        let got = std::fs::read(&saved.path).expect("file written");
        assert!(got == served[k].bytes, "log {} differs", e.id);
    }
    assert!(
        fractions.iter().any(|f| *f > 0.0 && *f < 1.0),
        "progress seen on the way"
    );
    assert!(
        core.model.log.iter().any(|l| l.text.contains("saved to")),
        "a message names the file"
    );

    // Cancel the largest one once it is under way: no file, and the row says so.
    core.model.send(UiCommand::LogDownload {
        target: v,
        entries: vec![listed[2]],
        folder: folder.clone(),
    });
    pump_until(&mut core, Duration::from_secs(30), "bytes of log 3", |m| {
        m.logs
            .vehicle(v)
            .and_then(|l| l.job.as_ref())
            .is_some_and(|j| j.progress.0 > 0)
    });
    core.model.send(UiCommand::LogCancel { target: v });
    pump_until(&mut core, Duration::from_secs(10), "the cancel", |m| {
        m.logs.vehicle(v).is_some_and(|l| !l.busy())
    });
    let r = core.model.logs.vehicle(v).and_then(|l| l.results.get(&3));
    assert_eq!(r, Some(&Err("Cancelled".to_owned())));
    assert_eq!(std::fs::read_dir(&folder).expect("folder").count(), 2);

    core.model.send(UiCommand::LogErase { target: v });
    pump_until(&mut core, Duration::from_secs(30), "the erase", |m| {
        m.logs.vehicle(v).is_some_and(|l| !l.busy())
    });
    let l = core.model.logs.vehicle(v).expect("vehicle");
    assert_eq!(l.entries, Some(vec![]), "note: {:?}", l.note);
    s.stop();
}
