//! Interaction tests of the desktop app's panels (egui_kittest): widgets are found by their
//! label, clicked or typed into, and the test checks the command the panel emitted or the
//! state it changed. No window and no engine: the panels draw from a model built here.

mod common;
use common::ui::{App, T0_US, harness, vehicle};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use std::sync::Arc;
use steppe::protocol::actions::VehicleAction;
use steppe::runtime::Snapshot;
use steppe::ui::i18n::{Language, set_language, tr};
use steppe::ui::model::{UiCommand, UiModel, View};
use steppe::vehicle::{VehicleId, VehicleState};

fn model(vehicles: Vec<VehicleState>) -> UiModel {
    let mut m = UiModel::default();
    m.set_snapshot(Arc::new(Snapshot {
        t_us: T0_US,
        vehicles,
        ..Snapshot::default()
    }));
    m
}

#[test]
fn arm_asks_for_confirmation_then_sends_the_arm_command() {
    let mut h = harness(model(vec![vehicle(1, false)]));
    h.run();
    h.get_by_label("Arm").click();
    h.run();
    assert!(
        h.state().m.outbox.is_empty(),
        "nothing is sent before confirming"
    );
    assert!(h.state().m.confirm.is_some());
    h.get_by_label("Confirm: Arm").click();
    h.run();
    let target = VehicleId {
        sysid: 1,
        compid: 1,
    };
    assert_eq!(
        h.state().m.outbox,
        vec![UiCommand::Action {
            target,
            action: VehicleAction::Arm
        }]
    );
    assert!(h.state().m.confirm.is_none());
}

#[test]
fn cancel_sends_nothing_and_pause_needs_no_confirmation() {
    let mut h = harness(model(vec![vehicle(1, true)]));
    h.run();
    h.get_by_label("Land").click();
    h.run();
    h.get_by_label("Cancel").click();
    h.run();
    assert!(h.state().m.outbox.is_empty());
    assert!(h.state().m.confirm.is_none());
    h.get_by_label("Pause").click();
    h.run();
    let target = VehicleId {
        sysid: 1,
        compid: 1,
    };
    assert_eq!(
        h.state().m.outbox,
        vec![UiCommand::Action {
            target,
            action: VehicleAction::Pause
        }]
    );
}

#[test]
fn rtl_all_returns_every_vehicle_after_one_confirmation() {
    let mut h = harness(model(vec![vehicle(1, true), vehicle(2, true)]));
    h.run();
    h.get_by_label("RTL ALL").click();
    h.run();
    h.get_by_label("Confirm: RTL ALL").click();
    h.run();
    let rtl: Vec<u8> = h
        .state()
        .m
        .outbox
        .iter()
        .filter_map(|c| match c {
            UiCommand::Action {
                target,
                action: VehicleAction::Rtl,
            } => Some(target.sysid),
            _ => None,
        })
        .collect();
    assert_eq!(rtl, vec![1, 2]);
}

fn click_at(h: &mut Harness<'static, App>, pos: egui::Pos2) {
    h.hover_at(pos);
    h.run();
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: Default::default(),
        });
        h.run();
    }
}

#[test]
fn four_clicks_on_the_map_make_a_field_with_four_vertices_and_a_survey() {
    let mut m = model(vec![vehicle(1, false)]);
    m.view = View::Plan;
    let mut h = harness(m);
    h.run();
    h.get_by_label("Draw field").click();
    h.run();
    // The map fills the central panel, right of the 340 px plan panel.
    for (x, y) in [
        (700.0, 300.0),
        (1100.0, 300.0),
        (1100.0, 650.0),
        (700.0, 650.0),
    ] {
        click_at(&mut h, egui::pos2(x, y));
    }
    assert_eq!(
        h.state().m.plan.boundary.len(),
        4,
        "{:?}",
        h.state().m.plan.boundary
    );
    h.run();
    let result = h.state().m.plan.result.clone().expect("generated");
    let r = result.expect("a valid survey");
    assert!(r.stats.transects > 0 && r.stats.photos > 0);
    // Statistics appear in the panel.
    h.get_by_label("Transects");
    h.get_by_label(&r.stats.photos.to_string());
    // Upload goes to the vehicle.
    h.get_by_label("Upload to vehicle 1").click();
    h.run();
    assert!(matches!(
        h.state().m.outbox.first(),
        Some(UiCommand::Transfer { op: steppe::runtime::MissionOp::Upload(steppe::plan::MissionType::Mission, items), .. }) if items.len() > 5
    ));
}

#[test]
fn language_switch_changes_labels() {
    let mut m = model(vec![vehicle(1, false)]);
    m.view = View::Settings;
    let mut h = harness(m);
    h.run();
    assert!(h.query_by_label("Fly").is_some());
    h.get_by_label("Русский").click();
    h.run();
    h.run();
    assert_eq!(h.state().m.settings.language, Language::Russian);
    set_language(Language::Russian);
    let fly_ru = tr("Fly");
    assert_ne!(fly_ru, "Fly");
    assert!(
        h.query_by_label(fly_ru).is_some(),
        "the Fly tab reads {fly_ru}"
    );
    assert!(h.query_by_label("Fly").is_none());
    set_language(Language::English);
}

#[test]
fn adding_a_link_emits_it_and_a_bad_string_says_why() {
    let mut m = model(vec![]);
    m.view = View::Links;
    let mut h = harness(m);
    h.run();
    let input = h.get_by_role(Role::TextInput);
    input.focus();
    input.type_text("udpin:0.0.0.0:14551");
    h.run();
    h.get_by_label("Add").click();
    h.run();
    assert!(
        matches!(h.state().m.outbox.as_slice(), [UiCommand::AddLink(_)]),
        "{:?}",
        h.state().m.outbox
    );
    h.state_mut().m.outbox.clear();
    let input = h.get_by_role(Role::TextInput);
    input.focus();
    input.type_text("carrier-pigeon:7");
    h.run();
    h.get_by_label("Add").click();
    h.run();
    assert!(h.state().m.outbox.is_empty());
    let note = h.state().m.status_note.clone().expect("a reason");
    assert!(note.contains("carrier-pigeon"), "{note}");
}

#[test]
fn stale_values_are_marked() {
    let mut m = model(vec![vehicle(1, false)]);
    // Ten seconds later with nothing new: the mode (heartbeat) is stale.
    m.now_us = T0_US + 10_000_000;
    let mut h = harness(m);
    h.run();
    assert!(h.query_by_label("STABILIZE ?").is_some());
}

/// An armed vehicle 1 that has said nothing for ten seconds.
fn silent_for_10_s() -> UiModel {
    let mut m = model(vec![vehicle(1, true)]);
    m.set_snapshot(Arc::new(Snapshot {
        t_us: T0_US + 10_000_000,
        vehicles: vec![vehicle(1, true)],
        ..Snapshot::default()
    }));
    m
}

#[test]
fn link_loss_raises_a_banner_that_can_be_acknowledged() {
    let m = silent_for_10_s();
    assert_eq!(m.new_alarm, Some(steppe::alerts::Severity::Critical));
    let mut h = harness(m);
    h.run();
    assert!(h.query_by_label("Vehicle 1 — Link lost").is_some());
    h.get_by_label("Acknowledge").click();
    h.run();
    let active = h.state().m.alerts.active();
    assert_eq!(active.len(), 1);
    assert!(
        active[0].acknowledged,
        "silenced but still shown while the link is down"
    );
    assert!(h.query_by_label("Acknowledge").is_none());
    assert!(h.state().m.alerts.alarm().is_none());
}

fn survey_items(n: usize) -> Vec<steppe::plan::MissionItem> {
    use steppe::plan::mission_item::{MissionItem, cmd};
    let home = steppe::sim::config::DEFAULT_HOME;
    let mut items = vec![MissionItem::nav(cmd::NAV_WAYPOINT, home, 0.0)];
    items.push(MissionItem::nav(cmd::NAV_TAKEOFF, home, 40.0));
    for k in 0..n {
        items.push(MissionItem::nav(
            cmd::NAV_WAYPOINT,
            home.destination(90.0, 30.0 * k as f64),
            40.0,
        ));
    }
    items
}

#[test]
fn transfers_download_and_resume_after_a_battery_swap() {
    use steppe::plan::MissionType;
    use steppe::runtime::MissionOp;
    let mut v = vehicle(1, false);
    v.mission.last_reached_seq = Some(5);
    let mut m = model(vec![v]);
    let id = VehicleId {
        sysid: 1,
        compid: 1,
    };
    m.onboard
        .insert((id, MissionType::Mission.into()), survey_items(8));
    let mut h = harness(m);
    h.run();
    h.get_by_label("Download mission").click();
    h.run();
    assert_eq!(
        h.state().m.outbox,
        vec![UiCommand::Transfer {
            target: id,
            op: MissionOp::Download(MissionType::Mission)
        }]
    );
    h.state_mut().m.outbox.clear();
    h.get_by_label("Resume survey").click();
    h.run();
    assert!(
        h.state().m.outbox.is_empty(),
        "replacing the mission asks first"
    );
    h.get_by_label("Confirm: Resume survey").click();
    h.run();
    let Some(UiCommand::Transfer {
        op: MissionOp::Upload(MissionType::Mission, rest),
        ..
    }) = h.state().m.outbox.first().cloned()
    else {
        panic!("no resume upload: {:?}", h.state().m.outbox);
    };
    // Home, takeoff, then the mission from seq 5 on.
    use steppe::plan::mission_item::cmd;
    let items = survey_items(8);
    assert_eq!(rest[0], items[0], "home first");
    assert_eq!(rest[1].command, cmd::NAV_TAKEOFF);
    let after_takeoff: Vec<_> = rest[2..].iter().filter_map(|it| it.position()).collect();
    assert!(
        after_takeoff.contains(&items[5].position().expect("pos")),
        "{rest:#?}"
    );
    assert!(
        !after_takeoff.contains(&items[4].position().expect("pos")),
        "items before 5 skipped"
    );
    h.state_mut().m.outbox.clear();
    h.get_by_label("Clear mission").click();
    h.run();
    assert!(h.state().m.outbox.is_empty(), "clearing asks first");
    h.get_by_label("Confirm: Clear mission").click();
    h.run();
    assert_eq!(
        h.state().m.outbox,
        vec![UiCommand::Transfer {
            target: id,
            op: MissionOp::Clear(MissionType::Mission)
        }]
    );
}

#[test]
fn checklist_items_can_be_added_ticked_and_removed() {
    let mut h = harness(model(vec![vehicle(1, false)]));
    h.run();
    h.get_by_label("Pre-flight").click();
    h.run();
    let n = h.state().m.settings.checklist.len();
    let field = h.get_by_label("New item");
    field.focus();
    field.type_text("Spare props in the bag");
    h.run();
    h.get_by_label("Add").click();
    h.run();
    assert_eq!(h.state().m.settings.checklist.len(), n + 1);
    h.get_by_label("Spare props in the bag").click();
    h.run();
    assert!(
        h.state()
            .m
            .settings
            .checklist
            .last()
            .is_some_and(|c| c.done)
    );
    assert!(
        h.query_by_label(&format!("1 of {} checked", n + 1))
            .is_some()
    );
}

#[test]
fn a_vehicle_gone_quiet_raises_link_lost_without_new_snapshots() {
    let mut m = model(vec![vehicle(1, true)]);
    assert!(m.alerts.active().is_empty());
    // No snapshot arrives (a silent link publishes none); only the clock moves.
    m.tick(T0_US + 2_000_000);
    assert!(m.alerts.active().is_empty(), "2 s is not lost yet");
    m.tick(T0_US + 7_000_000);
    let active = m.alerts.active();
    assert_eq!(active.len(), 1, "{active:?}");
    assert_eq!(active[0].kind, steppe::alerts::AlertKind::LinkLost);
    assert_eq!(m.new_alarm, Some(steppe::alerts::Severity::Critical));
    let mut h = harness(m);
    h.run();
    assert!(
        h.query_by_label("STABILIZE ?").is_some(),
        "the mode is shown stale"
    );
}

#[test]
fn continue_and_change_speed_ask_first_and_uploads_to_an_armed_vehicle_ask_too() {
    let id = VehicleId {
        sysid: 1,
        compid: 1,
    };
    let mut h = harness(model(vec![vehicle(1, true)]));
    h.run();
    for (button, confirm) in [
        ("Continue", "Confirm: Continue"),
        ("Change speed", "Confirm: Change speed"),
    ] {
        h.get_by_label(button).click();
        h.run();
        assert!(h.state().m.outbox.is_empty(), "{button} asks first");
        h.get_by_label(confirm).click();
        h.run();
        assert_eq!(h.state().m.outbox.len(), 1, "{button}");
        h.state_mut().m.outbox.clear();
    }
    // An armed vehicle: an upload asks; a disarmed one: it goes at once.
    let items = survey_items(3);
    h.state_mut().m.upload(
        id,
        vec![(steppe::plan::MissionType::Mission, items.clone())],
    );
    assert!(h.state().m.outbox.is_empty());
    assert!(h.state().m.confirm.is_some());
    let mut m = model(vec![vehicle(1, false)]);
    m.upload(id, vec![(steppe::plan::MissionType::Mission, items)]);
    assert_eq!(m.outbox.len(), 1);
}

#[test]
fn alert_details_and_units_follow_the_settings() {
    let mut m = silent_for_10_s();
    m.settings.units = steppe::ui::settings::Units::Imperial;
    let mut h = harness(m);
    h.run();
    assert!(h.query_by_label("nothing heard for 10 s").is_some());
    // The takeoff altitude (30 m) is shown in feet.
    assert!(h.query_by_value("98 ft").is_some() || h.query_by_label("98 ft").is_some());
    h.state_mut().m.settings.language = Language::Russian;
    h.run();
    h.run();
    assert!(h.query_by_label("нет связи 10 с").is_some());
    set_language(Language::English);
}
