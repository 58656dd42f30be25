//! Interaction tests of the parameter editor panel (egui_kittest): search, type checks before
//! writing, the commands the panel emits, download progress, statuses, and file loading.
//! No engine: the panel draws from a model built here.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use std::sync::Arc;
use steppe::protocol::params::{Param, ParamTable, ptype};
use steppe::runtime::Snapshot;
use steppe::ui::i18n::{Language, set_language};
use steppe::ui::model::{Operation, UiCommand, UiModel};
use steppe::ui::params_ui::params_ui;
use steppe::vehicle::{Heartbeat, VehicleId, VehicleState};

const T0_US: u64 = 1_700_000_000_000_000;
const V1: VehicleId = VehicleId {
    sysid: 1,
    compid: 1,
};

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

fn param(param_type: u8, value: f64, index: u16) -> Param {
    Param {
        value,
        param_type,
        index,
    }
}

fn table() -> ParamTable {
    [
        ("BATT_CAPACITY", param(ptype::INT32, 5200.0, 0)),
        ("FRAME_TYPE", param(ptype::UINT8, 1.0, 1)),
        ("RTL_ALT", param(ptype::INT16, 1500.0, 2)),
        ("WPNAV_SPEED", param(ptype::REAL32, 500.0, 3)),
    ]
    .into_iter()
    .map(|(n, p)| (n.to_owned(), p))
    .collect()
}

fn model(table: Option<ParamTable>) -> UiModel {
    let mut m = UiModel::default();
    m.set_snapshot(Arc::new(Snapshot {
        t_us: T0_US,
        vehicles: vec![vehicle(V1)],
        ..Snapshot::default()
    }));
    if let Some(t) = table {
        m.params.set_table(V1, t);
    }
    m
}

struct App {
    m: UiModel,
    path: String,
}

fn harness(m: UiModel) -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::vec2(1200.0, 800.0))
        .build_ui_state(
            |ui, app: &mut App| {
                set_language(Language::English);
                params_ui(ui, &mut app.m, &mut app.path, &mut None);
            },
            App {
                m,
                path: String::new(),
            },
        )
}

fn type_into(h: &mut Harness<'static, App>, label: &str, text: &str) {
    let input = h.get_by_label(label);
    input.focus();
    input.type_text(text);
    h.run();
}

#[test]
fn search_filters_rows_by_name_in_any_case() {
    let mut h = harness(model(Some(table())));
    h.run();
    assert!(h.query_by_label("RTL_ALT").is_some());
    type_into(&mut h, "Search", "batt");
    assert!(h.query_by_label("BATT_CAPACITY").is_some());
    assert!(h.query_by_label("RTL_ALT").is_none());
    assert!(h.query_by_label("WPNAV_SPEED").is_none());
    assert!(h.query_by_label("1 of 4 parameters").is_some());
}

#[test]
fn a_bad_value_says_why_and_nothing_is_written() {
    let mut h = harness(model(Some(table())));
    h.run();
    type_into(&mut h, "FRAME_TYPE", "300");
    assert!(
        h.query_by_label("expected a whole number from 0 to 255 (uint8), found 300")
            .is_some()
    );
    h.get_by_label("Write changes: 0").click();
    h.run();
    assert!(h.state().m.outbox.is_empty());
    type_into(&mut h, "WPNAV_SPEED", "fast");
    assert!(
        h.query_by_label("expected a number, found 'fast'")
            .is_some()
    );
    assert!(h.state().m.outbox.is_empty());
}

#[test]
fn a_good_value_is_written_with_param_set_and_its_read_back_shown() {
    let mut h = harness(model(Some(table())));
    h.run();
    type_into(&mut h, "FRAME_TYPE", "300");
    type_into(&mut h, "RTL_ALT", "2000");
    assert!(h.query_by_label("will write 2000").is_some());
    h.get_by_label("Write changes: 1").click();
    h.run();
    assert_eq!(
        h.state().m.outbox,
        vec![UiCommand::ParamSet {
            target: V1,
            name: "RTL_ALT".into(),
            value: 2000.0,
        }]
    );
    assert!(
        h.query_by_label("sent 2000, waiting for read-back")
            .is_some()
    );
    // What the app calls on ParamSetDone.
    h.state_mut()
        .m
        .params
        .on_set_result(V1, "RTL_ALT", Ok(param(ptype::INT16, 2000.0, 2)));
    h.run();
    assert!(h.query_by_label("read back: 2000").is_some());
    // A value the vehicle refuses comes back as an edit with the reason beside it.
    h.state_mut().m.outbox.clear();
    type_into(&mut h, "BATT_CAPACITY", "6000");
    h.get_by_label("Write changes: 1").click();
    h.run();
    assert_eq!(h.state().m.outbox.len(), 1);
    h.state_mut().m.params.on_set_result(
        V1,
        "BATT_CAPACITY",
        Err("BATT_CAPACITY: the vehicle kept 5200".into()),
    );
    h.run();
    assert!(
        h.query_by_label("BATT_CAPACITY: the vehicle kept 5200")
            .is_some()
    );
    assert!(h.query_by_label("will write 6000").is_some());
    assert!(
        h.query_by_label("Write changes: 1").is_some(),
        "ready to retry"
    );
}

#[test]
fn download_emits_param_download_and_shows_progress() {
    let mut h = harness(model(None));
    h.run();
    assert!(
        h.query_by_label("No parameters yet: download them first")
            .is_some()
    );
    h.get_by_label("Download parameters").click();
    h.run();
    assert_eq!(
        h.state().m.outbox,
        vec![UiCommand::ParamDownload { target: V1 }]
    );
    // The app tracks the download as an operation labelled "Parameters · 1".
    h.state_mut().m.outbox.clear();
    h.state_mut().m.ops.push(Operation {
        id: 7,
        target: V1,
        label: "Parameters · 1".into(),
        progress: (120, 900),
        outcome: None,
        list: None,
    });
    h.run();
    assert!(h.query_by_label("120 / 900").is_some());
    h.get_by_label("Download parameters").click();
    h.run();
    assert!(
        h.state().m.outbox.is_empty(),
        "no second download while one runs"
    );
}

#[test]
fn a_loaded_file_shows_its_differences_and_writes_them() {
    let dir = steppe::test_support::temp_dir("ui-params-file");
    let file = dir.join("field.param");
    std::fs::write(&file, "# test\nRTL_ALT,1800\nFRAME_TYPE,1\nNOT_HERE,3\n").expect("write");
    let mut h = harness(model(Some(table())));
    h.state_mut().path = file.display().to_string();
    h.run();
    h.get_by_label("Load file").click();
    h.run();
    assert!(h.query_by_label("2 values differ").is_some());
    assert!(h.query_by_label("not on the vehicle").is_some());
    // Every field is tied to its label (the builder's check only runs on snapshots).
    h.check_accessibility();
    h.get_by_label("Write the file's values: 1").click();
    h.run();
    assert_eq!(
        h.state().m.outbox,
        vec![UiCommand::ParamSet {
            target: V1,
            name: "RTL_ALT".into(),
            value: 1800.0,
        }]
    );
    // Save writes the table; loading it back differs in nothing.
    let saved = dir.join("saved.param");
    h.state_mut().path = saved.display().to_string();
    h.get_by_label("Save to file").click();
    h.run();
    assert!(h.query_by_label("4 parameters saved").is_some());
    let text = std::fs::read_to_string(&saved).expect("saved");
    assert!(text.contains("RTL_ALT,1500\n"), "{text}");
    h.get_by_label("Load file").click();
    h.run();
    assert!(h.query_by_label("0 values differ").is_some());
}

#[test]
fn only_the_rows_in_view_of_a_long_table_are_drawn() {
    let big: ParamTable = (0..2000)
        .map(|i| (format!("P{i:04}"), param(ptype::REAL32, f64::from(i), i)))
        .collect();
    let mut h = harness(model(Some(big)));
    h.run();
    assert!(h.query_by_label("P0000").is_some());
    assert!(h.query_by_label("P1999").is_none());
    type_into(&mut h, "Search", "P1999");
    assert!(h.query_by_label("P1999").is_some());
}
