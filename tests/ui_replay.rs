//! Replay in the app: the app core driven by a real tlog (no window), and the replay bar and
//! timeline as egui_kittest sees them.

mod common;
use common::ui::{App, harness};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use steppe::app::core::AppCore;
use steppe::log::replay::Replay;
use steppe::log::timeline::{EventKind, TimelineEvent};
use steppe::protocol::actions::VehicleAction;
use steppe::ui::model::{MissionTypeKey, UiCommand, UiModel};
use steppe::ui::replay::{ReplayCmd, ReplayView};
use steppe::vehicle::VehicleId;

const LOG: &str = "sitl/arducopter_sitl_survey_talas_camera.tlog";

/// Pumps until the background pass is done.
fn scanned(core: &mut AppCore, wall: &mut u64) {
    for _ in 0..600 {
        *wall += 10_000;
        core.pump_replay(*wall);
        if core.model.replay.as_ref().is_some_and(|r| !r.scanning) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("the log was not read within 6 s");
}

#[test]
fn the_app_replays_a_log_like_a_live_flight() {
    let path = common::sample(LOG);
    let mut core = AppCore::new(None, UiModel::default());
    let mut wall = 1_000_000u64;
    core.open_replay(&path).expect("opens");
    scanned(&mut core, &mut wall);
    let view = core.model.replay.clone().expect("replaying");
    let (start, end) = (view.start_us, view.end_us);
    assert!(view.events.iter().any(|e| e.kind == EventKind::Armed));
    assert!(
        view.events
            .iter()
            .filter(|e| e.kind == EventKind::Photo)
            .count()
            > 20
    );
    assert!(!view.series.is_empty());
    assert!(view.fields.iter().any(|f| f == "VFR_HUD.throttle"));
    // The mission uploaded during the flight is drawn, and the flight compared with it.
    let key = (VehicleId::new(1, 1), MissionTypeKey::Mission);
    assert_eq!(core.model.onboard.get(&key).map(Vec::len), Some(40));
    assert_eq!(view.compare.len(), 1);
    assert!(
        view.compare[0].contains("cross-track mean 0."),
        "{:?}",
        view.compare
    );
    // A plan file the user opens is compared instead.
    let wp = common::sample("sitl/arducopter_sitl_survey_talas_camera.waypoints");
    core.replay_command(ReplayCmd::ComparePlan(wp));
    let compare = &core.model.replay.as_ref().expect("replay").compare;
    assert!(
        compare[0].contains("arducopter_sitl_survey_talas_camera.waypoints"),
        "{compare:?}"
    );

    // Play at 100x for 1.5 s of wall time in 50 ms frames: 150 s of log.
    core.replay_command(ReplayCmd::Speed(100.0));
    core.replay_command(ReplayCmd::Toggle);
    for _ in 0..30 {
        wall += 50_000;
        core.pump_replay(wall);
    }
    let now = core.model.now_us;
    assert!(
        (now - start).abs_diff(150_000_000) < 2_000_000,
        "played {} s",
        (now - start) as f64 / 1e6
    );
    let v = core.model.selected_vehicle().expect("a vehicle").clone();
    assert!(v.armed, "armed mid-survey");
    let id = VehicleId::new(1, 1);
    let trail_len = core.model.tracks.trail(id).len();
    assert!(trail_len > 50, "trail of {trail_len} points");
    assert!(core.model.tracks.photos(id).len() > 20);
    assert!(core.model.log.iter().any(|l| l.text.contains("ARMED")));

    // Back to a third: the vehicle, trail and messages are as they were then.
    let back = start + (end - start) / 3;
    core.replay_command(ReplayCmd::Seek(back));
    assert_eq!(core.model.now_us, back);
    assert!(core.model.tracks.trail(id).iter().all(|p| p.t_us <= back));
    assert!(core.model.tracks.photos(id).iter().all(|p| p.t_us <= back));
    assert!(core.model.log.iter().all(|l| l.t_us <= back));
    let mut fresh = Replay::new(std::fs::read(&path).expect("log").into());
    fresh.seek(back, &mut |_, _, _| {});
    let shown = core.model.selected_vehicle().expect("vehicle").clone();
    let truth = fresh.fleet().get(id).expect("vehicle in a fresh replay");
    assert_eq!(shown.position, truth.position);
    assert_eq!(shown.mode_name, truth.mode_name);
    // Exactly the photos taken until then.
    let photos_then = view
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Photo && e.t_us <= back)
        .count();
    assert!(photos_then > 0);
    assert_eq!(core.model.tracks.photos(id).len(), photos_then);

    // Commands are not sent to a replayed vehicle.
    core.dispatch(UiCommand::Action {
        target: id,
        action: VehicleAction::Arm,
    });
    assert!(
        core.model
            .log
            .back()
            .is_some_and(|l| l.text.contains("not sent")),
        "{:?}",
        core.model.log.back()
    );
    // Playing to the end stops there; play again starts over.
    core.replay_command(ReplayCmd::Seek(end));
    wall += 50_000;
    core.pump_replay(wall);
    assert!(!core.model.replay.as_ref().expect("replay").playing);
    core.replay_command(ReplayCmd::Toggle);
    assert_eq!(core.model.now_us, start);
    // Closing the replay leaves no replayed vehicle behind.
    core.replay_command(ReplayCmd::Close);
    assert!(core.model.replay.is_none());
    assert!(core.model.snapshot.vehicles.is_empty());
}

#[test]
fn a_file_that_is_not_a_log_is_refused_with_its_name() {
    let dir = common::temp_dir("ui_replay_bad");
    let junk = dir.join("notes.tlog");
    std::fs::write(&junk, b"shopping list: bread, milk").expect("write");
    let mut core = AppCore::new(None, UiModel::default());
    let e = core.open_replay(&junk).expect_err("refused");
    assert!(e.contains("notes.tlog"), "{e}");
    assert!(core.model.replay.is_none());
    core.dispatch(UiCommand::OpenReplay(dir.join("missing.tlog")));
    assert!(
        core.model
            .log
            .back()
            .is_some_and(|l| l.text.contains("missing.tlog"))
    );
}

const T0: u64 = 1_700_000_000_000_000;

fn replay_model() -> UiModel {
    let ev = |s: u64, kind, text: &str| TimelineEvent {
        t_us: T0 + s * 1_000_000,
        sysid: 1,
        kind,
        text: text.to_owned(),
    };
    UiModel {
        now_us: T0 + 100_000_000,
        replay: Some(ReplayView {
            name: "flight.tlog".into(),
            start_us: T0,
            end_us: T0 + 1_000_000_000,
            speed: 1.0,
            events: vec![
                ev(20, EventKind::Armed, "Armed"),
                ev(300, EventKind::Mode, "AUTO"),
                ev(900, EventKind::Disarmed, "Disarmed"),
            ],
            show_plots: true,
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn sent(h: &mut Harness<'static, App>) -> Vec<ReplayCmd> {
    std::mem::take(&mut h.state_mut().m.outbox)
        .into_iter()
        .filter_map(|c| match c {
            UiCommand::Replay(r) => Some(r),
            _ => None,
        })
        .collect()
}

#[test]
fn the_replay_bar_sends_play_step_and_event_jumps() {
    let mut h = harness(replay_model());
    h.run();
    assert!(h.query_by_label("0:01:40 / 0:16:40").is_some());
    h.get_by_label("Play").click();
    h.run();
    assert_eq!(sent(&mut h), vec![ReplayCmd::Toggle]);
    h.get_by_label("+5 s").click();
    h.run();
    assert_eq!(sent(&mut h), vec![ReplayCmd::Step(5_000_000)]);
    h.get_by_label("Next event").click();
    h.run();
    assert_eq!(sent(&mut h), vec![ReplayCmd::Seek(T0 + 300_000_000)]);
    h.get_by_label("Previous event").click();
    h.run();
    assert_eq!(sent(&mut h), vec![ReplayCmd::Seek(T0 + 20_000_000)]);
    h.get_by_label("Close replay").click();
    h.run();
    assert_eq!(sent(&mut h), vec![ReplayCmd::Close]);
    // The vehicle actions are not offered while replaying.
    assert!(h.query_by_label("Arm").is_none());
}

#[test]
fn clicking_the_timeline_seeks_by_time_and_keys_control_playback() {
    let mut h = harness(replay_model());
    h.run();
    let rect = h.get_by_label("Timeline").rect();
    // A click three quarters along the timeline seeks to three quarters of the log.
    let at = egui::pos2(rect.left() + rect.width() * 0.75, rect.center().y);
    h.event(egui::Event::PointerMoved(at));
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos: at,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::default(),
        });
    }
    h.run();
    let cmds = sent(&mut h);
    let Some(ReplayCmd::Seek(t)) = cmds.last() else {
        panic!("no seek: {cmds:?}");
    };
    assert!(
        t.abs_diff(T0 + 750_000_000) < 2_000_000,
        "{}",
        (t - T0) / 1_000_000
    );
    h.key_press(egui::Key::Space);
    h.key_press(egui::Key::ArrowLeft);
    h.key_press(egui::Key::Minus);
    h.run();
    assert_eq!(
        sent(&mut h),
        vec![
            ReplayCmd::Toggle,
            ReplayCmd::Step(-5_000_000),
            ReplayCmd::Slower
        ]
    );
}

#[test]
fn the_replayed_log_exports_mapping_layers() {
    use steppe::ui::replay_export::{ExportFormat, ExportLayer};
    let dir = common::temp_dir("ui_replay_export");
    let mut core = AppCore::new(None, UiModel::default());
    core.open_replay(&common::sample(LOG)).expect("opens");
    // A camera for the footprints, as chosen in the Plan view.
    core.model.plan.settings.camera = "Sony A6000 16mm".into();
    let cases = [
        (ExportLayer::Track, ExportFormat::Gpx, "track.gpx"),
        (ExportLayer::Photos, ExportFormat::Csv, "photos.csv"),
        (ExportLayer::Geotags, ExportFormat::GeoTxt, "geo.txt"),
        (
            ExportLayer::Footprints,
            ExportFormat::GeoJson,
            "footprints.geojson",
        ),
    ];
    for (layer, format, name) in cases {
        let path = dir.join(name);
        core.replay_command(ReplayCmd::Export {
            layer,
            format,
            path: path.clone(),
        });
        let last = core
            .model
            .log
            .back()
            .map(|l| l.text.clone())
            .unwrap_or_default();
        assert!(last.starts_with("Exported"), "{name}: {last}");
        assert!(path.is_file(), "{name} written");
    }
    let geo = std::fs::read_to_string(dir.join("geo.txt")).expect("geo.txt");
    assert_eq!(geo.lines().next(), Some("EPSG:4326"));
    assert_eq!(
        geo.lines().count(),
        1 + 180,
        "180 photos in the copter survey"
    );
    let fp: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("footprints.geojson")).expect("read"))
            .expect("GeoJSON");
    assert_eq!(fp["features"].as_array().map(Vec::len), Some(180));
    steppe::test_support::assert_schema_valid(&[&dir.join("track.gpx")], &[]);
    // Footprints without a known camera: the reason, and no file.
    core.model.plan.settings.camera = "No such camera".into();
    let bad = dir.join("bad.geojson");
    core.replay_command(ReplayCmd::Export {
        layer: ExportLayer::Footprints,
        format: ExportFormat::GeoJson,
        path: bad.clone(),
    });
    assert!(
        core.model
            .log
            .back()
            .is_some_and(|l| l.text.contains("failed")),
        "{:?}",
        core.model.log.back()
    );
    assert!(!bad.exists());
}

#[test]
fn the_export_form_sends_the_layer_format_and_file() {
    use steppe::ui::replay_export::{ExportFormat, ExportLayer};
    let mut h = harness(replay_model());
    h.run();
    let field = h.get_by_label("File");
    field.focus();
    field.type_text("/tmp/steppe-test-export");
    h.run();
    h.get_by_label("Export").click();
    h.run();
    assert_eq!(
        sent(&mut h),
        vec![ReplayCmd::Export {
            layer: ExportLayer::Track,
            format: ExportFormat::Kml,
            path: "/tmp/steppe-test-export.kml".into(),
        }]
    );
}
