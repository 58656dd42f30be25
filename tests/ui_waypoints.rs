//! Interaction tests of waypoint, geofence and rally editing (egui_kittest): the side panel
//! and a walkers map with the waypoint layer side by side, driven by clicks on tool buttons,
//! on the map and on table rows, checking the edited document and the upload commands.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use std::sync::Arc;
use steppe::plan::MissionType;
use steppe::plan::mission_item::cmd;
use steppe::runtime::{MissionOp, Snapshot};
use steppe::ui::i18n::{Language, set_language};
use steppe::ui::map::waypoint_layer::waypoint_map_ui;
use steppe::ui::model::{UiCommand, UiModel};
use steppe::ui::plan::waypoints::WaypointEditor;
use steppe::ui::plan::waypoints_panel::waypoints_panel_ui;
use steppe::vehicle::{Heartbeat, VehicleId, VehicleState};
use walkers::{MapMemory, lat_lon};

const T0_US: u64 = 1_700_000_000_000_000;
/// The side panel's width: the map starts right of it.
const PANEL_PX: f32 = 720.0;

fn vehicle(sysid: u8) -> VehicleState {
    let hb = Heartbeat {
        custom_mode: 0,
        mav_type: 2,
        autopilot: 3,
        base_mode: 0x01,
        system_status: 3,
        mavlink_version: 3,
    };
    VehicleState::new(VehicleId { sysid, compid: 1 }, &hb, T0_US)
}

struct State {
    m: UiModel,
    ed: WaypointEditor,
    file: String,
    map: MapMemory,
}

fn harness(vehicles: Vec<VehicleState>) -> Harness<'static, State> {
    let mut m = UiModel::default();
    m.set_snapshot(Arc::new(Snapshot {
        t_us: T0_US,
        vehicles,
        ..Snapshot::default()
    }));
    let mut map = MapMemory::default();
    let _ = map.set_zoom(16.0);
    let state = State {
        m,
        ed: WaypointEditor::default(),
        file: String::new(),
        map,
    };
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_accessibility_check(true)
        .build_ui_state(
            |ui, s: &mut State| {
                set_language(Language::English);
                egui::Panel::left("waypoints")
                    .exact_size(PANEL_PX)
                    .show(ui, |ui| {
                        waypoints_panel_ui(ui, &mut s.m, &mut s.ed, &mut s.file, &mut None);
                    });
                egui::CentralPanel::default().show(ui, |ui| {
                    let centre = lat_lon(-35.36, 149.16);
                    walkers::Map::new(None, &mut s.map, centre).show(
                        ui,
                        |ui, response, proj, _| {
                            let painter = ui.painter_at(response.rect);
                            waypoint_map_ui(ui, &painter, proj, response, &mut s.ed);
                        },
                    );
                });
            },
            state,
        )
}

fn press(h: &mut Harness<'static, State>, pos: egui::Pos2, button: egui::PointerButton) {
    h.hover_at(pos);
    h.run();
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos,
            button,
            pressed,
            modifiers: Default::default(),
        });
        h.run();
    }
}

fn click_at(h: &mut Harness<'static, State>, pos: egui::Pos2) {
    press(h, pos, egui::PointerButton::Primary);
}

fn commands(h: &Harness<'static, State>) -> Vec<u16> {
    h.state()
        .ed
        .doc
        .mission
        .iter()
        .map(|it| it.command)
        .collect()
}

/// Picks the Add waypoint tool and clicks three points on the map.
fn three_waypoints(h: &mut Harness<'static, State>) {
    h.run();
    h.get_by_label("Add waypoint").click();
    h.run();
    for (x, y) in [(900.0, 300.0), (1100.0, 400.0), (1000.0, 650.0)] {
        click_at(h, egui::pos2(x, y));
    }
    h.run();
}

#[test]
fn three_map_clicks_make_a_takeoff_and_three_waypoints_and_a_row_button_deletes_one() {
    let mut h = harness(vec![vehicle(1)]);
    three_waypoints(&mut h);
    assert_eq!(
        commands(&h),
        vec![
            cmd::NAV_TAKEOFF,
            cmd::NAV_WAYPOINT,
            cmd::NAV_WAYPOINT,
            cmd::NAV_WAYPOINT
        ]
    );
    // The table shows the four rows; the map shows the three markers.
    for n in 1..=4 {
        h.get_by_label(&format!("Select item {n}"));
        h.get_by_label(&format!("Delete item {n}"));
    }
    assert!(
        h.query_by_label("Mission item 1").is_none(),
        "the takeoff has no place"
    );
    for n in 2..=4 {
        h.get_by_label(&format!("Mission item {n}"));
    }
    h.get_by_label("Mission: 4 items");
    assert_eq!(
        h.state().ed.selected,
        Some(3),
        "the last one added is selected"
    );
    let third = h.state().ed.doc.mission[3];
    h.get_by_label("Delete item 3").click();
    h.run();
    assert_eq!(h.state().ed.doc.mission.len(), 3);
    assert_eq!(h.state().ed.doc.mission[2], third, "item 4 became item 3");
    h.get_by_label("Mission: 3 items");
    assert!(h.query_by_label("Delete item 4").is_none());
    // Row buttons reorder.
    let (a, b) = (h.state().ed.doc.mission[1], h.state().ed.doc.mission[2]);
    h.get_by_label("Move item 3 up").click();
    h.run();
    assert_eq!(&h.state().ed.doc.mission[1..3], &[b, a]);
}

#[test]
fn upload_sends_mission_fence_and_rally_to_each_vehicle() {
    let mut h = harness(vec![vehicle(1), vehicle(2)]);
    three_waypoints(&mut h);
    h.get_by_label("Fence circle").click();
    h.run();
    click_at(&mut h, egui::pos2(1000.0, 450.0));
    h.get_by_label("Rally point").click();
    h.run();
    click_at(&mut h, egui::pos2(850.0, 700.0));
    assert_eq!(h.state().ed.doc.fence.circles.len(), 1);
    assert_eq!(h.state().ed.doc.rally.len(), 1);
    assert_eq!(
        h.state().ed.doc.mission.len(),
        4,
        "other tools add no waypoint"
    );
    h.get_by_label("Upload to vehicle 2").click();
    h.run();
    let sent: Vec<(u8, MissionType, usize)> = h
        .state()
        .m
        .outbox
        .iter()
        .filter_map(|c| match c {
            UiCommand::Transfer {
                target,
                op: MissionOp::Upload(kind, items),
            } => Some((target.sysid, *kind, items.len())),
            _ => None,
        })
        .collect();
    assert_eq!(
        sent,
        vec![
            (2, MissionType::Mission, 5),
            (2, MissionType::Fence, 1),
            (2, MissionType::Rally, 1)
        ]
    );
    assert_eq!(h.state().m.outbox.len(), 3);
    let expected = h.state().ed.upload_lists();
    let UiCommand::Transfer {
        op: MissionOp::Upload(_, items),
        ..
    } = &h.state().m.outbox[0]
    else {
        panic!("a transfer");
    };
    assert_eq!(
        items, &expected[0].1,
        "home first, then the mission as edited"
    );
}

#[test]
fn markers_drag_select_and_delete_on_the_map() {
    let mut h = harness(vec![vehicle(1)]);
    three_waypoints(&mut h);
    let before = h.state().ed.doc.mission[2].position().expect("placed");
    // Select mode: clicking a marker selects it; clicking empty map adds nothing.
    h.get_by_label("Select").click();
    h.run();
    click_at(&mut h, egui::pos2(1100.0, 400.0));
    assert_eq!(h.state().ed.selected, Some(2));
    click_at(&mut h, egui::pos2(800.0, 800.0));
    assert_eq!(h.state().ed.doc.mission.len(), 4);
    // Drag item 3 by 100 px to the left.
    h.hover_at(egui::pos2(1100.0, 400.0));
    h.run();
    h.event(egui::Event::PointerButton {
        pos: egui::pos2(1100.0, 400.0),
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: Default::default(),
    });
    h.run();
    for x in [1080.0, 1040.0, 1000.0] {
        h.hover_at(egui::pos2(x, 400.0));
        h.run();
    }
    h.event(egui::Event::PointerButton {
        pos: egui::pos2(1000.0, 400.0),
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: Default::default(),
    });
    h.run();
    let after = h.state().ed.doc.mission[2].position().expect("placed");
    assert!(after.lon_deg < before.lon_deg, "{before:?} → {after:?}");
    assert!((after.lat_deg - before.lat_deg).abs() < 1e-6);
    assert_eq!(h.state().ed.doc.mission.len(), 4, "a drag adds nothing");
    // Right-click deletes it.
    press(
        &mut h,
        egui::pos2(1000.0, 400.0),
        egui::PointerButton::Secondary,
    );
    assert_eq!(h.state().ed.doc.mission.len(), 3);
}

#[test]
fn a_fence_polygon_is_drawn_closed_on_its_first_vertex_and_deleted_from_the_list() {
    let mut h = harness(vec![]);
    h.run();
    h.get_by_label("Fence polygon").click();
    h.run();
    for (x, y) in [(850.0, 250.0), (1150.0, 250.0), (1150.0, 600.0)] {
        click_at(&mut h, egui::pos2(x, y));
    }
    assert_eq!(
        h.state().ed.drawing.as_ref().map(|d| d.points.len()),
        Some(3)
    );
    h.get_by_label("Drawing a polygon: 3 vertices");
    // Clicking the first vertex closes it.
    click_at(&mut h, egui::pos2(850.0, 250.0));
    assert!(h.state().ed.drawing.is_none());
    assert_eq!(h.state().ed.doc.fence.polygons.len(), 1);
    assert!(h.state().ed.doc.fence.polygons[0].inclusion);
    h.run();
    h.get_by_label("Polygon 1: 3 vertices");
    h.get_by_label("Fence polygon 1 vertex 3");
    // The list toggles it to exclusion, then deletes it.
    h.get_by_label("Inclusion").click();
    h.run();
    assert!(!h.state().ed.doc.fence.polygons[0].inclusion);
    h.get_by_label("Delete fence polygon 1").click();
    h.run();
    assert!(h.state().ed.doc.fence.polygons.is_empty());
    h.get_by_label("no vehicle to upload to");
    assert!(h.query_all_by_role(Role::Button).count() > 5);
}
