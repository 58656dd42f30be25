use super::*;
use crate::plan::document::{ComplexItem, ComplexKind, Fence};
use crate::test_support::{sample, temp_dir};

fn origin() -> LatLon {
    LatLon::new(-35.36, 149.16)
}

fn at(n_m: f64, e_m: f64) -> LatLon {
    origin().destination(0.0, n_m).destination(90.0, e_m)
}

/// Takeoff + `n` waypoints 100 m apart going north.
fn editor_with(n: usize) -> WaypointEditor {
    let mut ed = WaypointEditor::default();
    for k in 0..n {
        ed.add_waypoint(at(100.0 * k as f64, 0.0));
    }
    ed
}

fn commands(ed: &WaypointEditor) -> Vec<u16> {
    ed.doc.mission.iter().map(|it| it.command).collect()
}

fn jump(target: f32) -> MissionItem {
    MissionItem::action(cmd::DO_JUMP, [target, 2.0, 0.0, 0.0])
}

fn jump_targets(ed: &WaypointEditor) -> Vec<f32> {
    ed.doc
        .mission
        .iter()
        .filter(|it| it.command == cmd::DO_JUMP)
        .map(|it| it.params[0])
        .collect()
}

#[test]
fn the_first_waypoint_comes_after_a_takeoff_to_the_same_altitude() {
    let mut ed = WaypointEditor {
        default_alt_m: 42.0,
        ..WaypointEditor::default()
    };
    let i = ed.add_waypoint(at(0.0, 0.0));
    assert_eq!(i, 1);
    assert_eq!(commands(&ed), vec![cmd::NAV_TAKEOFF, cmd::NAV_WAYPOINT]);
    let (takeoff, wp) = (ed.doc.mission[0], ed.doc.mission[1]);
    assert_eq!(takeoff.z, 42.0);
    assert_eq!(takeoff.frame, frame::GLOBAL_RELATIVE_ALT);
    assert_eq!(takeoff.position(), None, "climbs where it stands");
    assert_eq!(wp.z, 42.0);
    assert_eq!(wp.frame, frame::GLOBAL_RELATIVE_ALT);
    assert!(
        wp.position()
            .is_some_and(|p| p.distance_m(at(0.0, 0.0)) < 0.1)
    );
    assert_eq!(ed.selected, Some(1));
    assert!(ed.dirty);
    let home = ed.doc.planned_home.expect("home from the first click");
    assert!(home.position.distance_m(at(0.0, 0.0)) < 0.1);
    // The next ones come without another takeoff, and the home stays.
    ed.add_waypoint(at(100.0, 0.0));
    assert_eq!(commands(&ed).len(), 3);
    assert!(
        ed.doc
            .planned_home
            .expect("home")
            .position
            .distance_m(at(0.0, 0.0))
            < 0.1
    );
}

#[test]
fn the_add_tool_inserts_after_the_selection_and_renumbers_jumps() {
    let mut ed = editor_with(3); // 1 takeoff, 2..4 waypoints
    ed.doc.mission.push(jump(2.0)); // 5: to the first waypoint
    ed.doc.mission.push(jump(4.0)); // 6: to the last waypoint
    ed.selected = Some(1);
    ed.set_tool(WpTool::AddWaypoint);
    assert!(ed.click(at(50.0, 50.0)));
    assert_eq!(ed.selected, Some(2));
    assert!(
        ed.doc.mission[2]
            .position()
            .is_some_and(|p| p.distance_m(at(50.0, 50.0)) < 0.1)
    );
    assert_eq!(ed.doc.mission.len(), 7);
    assert_eq!(jump_targets(&ed), vec![2.0, 5.0]);
    // Nothing selected: appended.
    ed.selected = None;
    assert_eq!(ed.insert_after_selection(at(0.0, 500.0)), 7);
    // Select does not add.
    ed.set_tool(WpTool::Select);
    assert!(!ed.click(at(1.0, 1.0)));
    assert_eq!(ed.doc.mission.len(), 8);
}

#[test]
fn deleting_an_item_renumbers_the_jumps_behind_it() {
    let mut ed = editor_with(4); // 1 takeoff, 2..5 waypoints
    ed.doc.mission.push(jump(1.0)); // 6
    ed.doc.mission.push(jump(3.0)); // 7: to the deleted item
    ed.doc.mission.push(jump(4.0)); // 8
    ed.doc.mission.push(jump(5.0)); // 9
    ed.selected = Some(4);
    assert!(ed.delete_item(2)); // item 3
    assert_eq!(ed.doc.mission.len(), 8);
    assert_eq!(
        jump_targets(&ed),
        vec![1.0, 3.0, 3.0, 4.0],
        "targets before stay, the deleted target now means the item that followed it"
    );
    assert_eq!(ed.selected, Some(3), "selection follows its item");
    assert!(ed.delete_item(3));
    assert_eq!(
        ed.selected,
        Some(2),
        "deleting the selection selects the item before"
    );
    assert!(!ed.delete_item(99));
    // The jump to the old last waypoint now points past the mission: validation says so.
    let mut ed = editor_with(2);
    ed.doc.mission.insert(1, jump(4.0));
    assert!(ed.findings().iter().all(|f| f.code != "bad-jump"));
    assert!(ed.delete_item(3));
    assert!(ed.findings().iter().any(|f| f.code == "bad-jump"));
    let mut ed = editor_with(1);
    assert!(ed.delete_item(1) && ed.delete_item(0));
    assert_eq!(ed.selected, None);
}

#[test]
fn moving_items_up_and_down_swaps_jump_targets_and_selection() {
    let mut ed = editor_with(3); // 1 takeoff, 2..4 waypoints
    ed.doc.mission.push(jump(2.0));
    ed.doc.mission.push(jump(3.0));
    let (a, b) = (ed.doc.mission[1], ed.doc.mission[2]);
    ed.selected = Some(1);
    assert!(ed.move_down(1));
    assert_eq!((ed.doc.mission[1], ed.doc.mission[2]), (b, a));
    assert_eq!(jump_targets(&ed), vec![3.0, 2.0]);
    assert_eq!(ed.selected, Some(2));
    assert!(ed.move_up(2));
    assert_eq!((ed.doc.mission[1], ed.doc.mission[2]), (a, b));
    assert_eq!(jump_targets(&ed), vec![2.0, 3.0]);
    assert_eq!(ed.selected, Some(1));
    assert!(!ed.move_up(0));
    assert!(!ed.move_down(5), "the last item cannot go further down");
}

#[test]
fn items_move_on_the_map_and_take_altitude_and_parameters() {
    let mut ed = editor_with(2);
    assert!(ed.move_item(2, at(0.0, 300.0)));
    assert!(
        ed.doc.mission[2]
            .position()
            .is_some_and(|p| p.distance_m(at(0.0, 300.0)) < 0.1)
    );
    ed.doc.mission.push(jump(2.0));
    assert!(
        !ed.move_item(3, at(0.0, 0.0)),
        "a jump has no place on the map"
    );
    assert!(!ed.move_item(9, at(0.0, 0.0)));
    assert!(ed.set_altitude(1, 75.5));
    assert_eq!(ed.doc.mission[1].z, 75.5);
    assert!(ed.set_param(1, 0, 3.0));
    assert!(ed.set_param(1, 3, 90.0));
    assert_eq!(ed.doc.mission[1].params, [3.0, 0.0, 0.0, 90.0]);
    assert!(!ed.set_param(1, 4, 1.0), "there are four parameters");
    assert!(!ed.set_altitude(9, 1.0));
    ed.move_home(at(-10.0, 0.0));
    assert!(
        ed.doc
            .planned_home
            .expect("home")
            .position
            .distance_m(at(-10.0, 0.0))
            < 0.1
    );
}

#[test]
fn changing_the_command_lays_the_item_out_for_it() {
    let mut ed = editor_with(2);
    let pos = ed.doc.mission[1].position().expect("waypoint position");
    assert!(ed.set_command(1, cmd::DO_CHANGE_SPEED));
    let it = ed.doc.mission[1];
    assert_eq!((it.frame, it.x, it.y, it.z), (frame::MISSION, 0, 0, 0.0));
    assert_eq!(it.params, [1.0, 5.0, -1.0, 0.0]);
    assert!(!item_uses_alt(&it));
    // Back to a waypoint: it needs a place, and takes its neighbour's at the default altitude.
    assert!(ed.set_command(1, cmd::NAV_WAYPOINT));
    let it = ed.doc.mission[1];
    assert_eq!(it.frame, frame::GLOBAL_RELATIVE_ALT);
    assert_eq!(it.z, ed.default_alt_m);
    let neighbour = ed.doc.mission[2].position().expect("next waypoint");
    assert!(
        it.position().is_some_and(|p| p.distance_m(neighbour) < 0.1),
        "{pos:?}"
    );
    // A loiter keeps the waypoint's place and altitude, with a time.
    assert!(ed.set_altitude(2, 60.0));
    assert!(ed.set_command(2, cmd::NAV_LOITER_TIME));
    let it = ed.doc.mission[2];
    assert_eq!((it.z, it.params[0]), (60.0, 10.0));
    assert_eq!(it.position(), Some(neighbour));
    // Land keeps its place but not its altitude; RTL has neither.
    assert!(ed.set_command(2, cmd::NAV_LAND));
    assert_eq!(
        (ed.doc.mission[2].z, ed.doc.mission[2].position()),
        (0.0, Some(neighbour))
    );
    assert!(ed.set_command(2, cmd::NAV_RETURN_TO_LAUNCH));
    assert_eq!(ed.doc.mission[2].position(), None);
    assert!(!ed.set_command(2, 31_000), "only the listed commands");
    assert!(!ed.set_command(9, cmd::NAV_WAYPOINT));
    for s in COMMON_COMMANDS {
        assert_eq!(command_spec(s.command), Some(&s));
    }
}

#[test]
fn editing_inside_a_survey_turns_it_into_plain_items_and_shifts_the_others() {
    let mut ed = editor_with(6);
    let survey = |first_item| ComplexItem {
        kind: ComplexKind::Other("survey".into()),
        first_item,
        item_count: 2,
    };
    ed.doc.complex = vec![survey(2), survey(4)];
    ed.delete_item(0);
    assert_eq!(ed.doc.complex, vec![survey(1), survey(3)]);
    ed.selected = Some(0);
    ed.insert_after_selection(at(1.0, 1.0));
    assert_eq!(ed.doc.complex, vec![survey(2), survey(4)]);
    assert!(ed.set_altitude(3, 10.0));
    assert_eq!(ed.doc.complex, vec![survey(4)]);
    assert!(ed.move_item(5, at(2.0, 2.0)));
    assert!(ed.doc.complex.is_empty());
}

#[test]
fn clicks_build_a_fence_polygon_that_closes_at_three_vertices() {
    let mut ed = WaypointEditor::default();
    ed.set_tool(WpTool::FencePolygon { inclusion: false });
    assert!(ed.click(at(0.0, 0.0)));
    assert!(ed.click(at(0.0, 100.0)));
    assert_eq!(
        ed.close_polygon(),
        Err(WaypointError::TooFewVertices { found: 2 })
    );
    assert!(ed.doc.fence.polygons.is_empty());
    assert!(ed.click(at(100.0, 100.0)));
    assert_eq!(ed.close_polygon(), Ok(0));
    assert!(ed.drawing.is_none());
    let p = &ed.doc.fence.polygons[0];
    assert_eq!((p.points.len(), p.inclusion), (3, false));
    // Leaving the tool closes the next one; two vertices are dropped instead. Switching to
    // inclusion while drawing keeps the vertices.
    ed.set_tool(WpTool::FencePolygon { inclusion: false });
    ed.click(at(500.0, 0.0));
    ed.set_tool(WpTool::FencePolygon { inclusion: true });
    assert_eq!(
        ed.drawing.as_ref().map(|d| (d.points.len(), d.inclusion)),
        Some((1, true))
    );
    for k in 1..4 {
        ed.click(at(500.0, 100.0 * f64::from(k)));
    }
    ed.click(at(600.0, 0.0));
    ed.set_tool(WpTool::Select);
    assert_eq!(ed.doc.fence.polygons.len(), 2);
    assert!(ed.doc.fence.polygons[1].inclusion);
    ed.set_tool(WpTool::FencePolygon { inclusion: true });
    ed.click(at(900.0, 0.0));
    ed.click(at(900.0, 10.0));
    ed.set_tool(WpTool::Rally);
    assert!(ed.drawing.is_none());
    assert_eq!(ed.doc.fence.polygons.len(), 2);
}

#[test]
fn fence_shapes_and_vertices_are_edited_toggled_and_deleted() {
    let mut ed = WaypointEditor::default();
    ed.set_tool(WpTool::FenceCircle {
        inclusion: true,
        radius_m: 250.0,
    });
    assert!(ed.click(at(0.0, 0.0)));
    assert_eq!(ed.doc.fence.circles[0].radius_m, 250.0);
    assert!(ed.set_circle_radius(0, 300.0));
    assert!(!ed.set_circle_radius(0, -1.0));
    assert!(ed.move_circle(0, at(10.0, 0.0)));
    assert_eq!(ed.doc.fence.circles[0].radius_m, 300.0);
    assert!(ed.toggle_inclusion(FenceShape::Circle(0)));
    assert!(!ed.doc.fence.circles[0].inclusion);
    for k in 0..4 {
        ed.add_fence_vertex(at(0.0, 100.0 * f64::from(k)), true);
    }
    assert_eq!(ed.close_polygon(), Ok(0));
    assert!(ed.move_fence_vertex(0, 3, at(50.0, 50.0)));
    assert_eq!(ed.doc.fence.polygons[0].points[3], at(50.0, 50.0));
    assert!(ed.delete_fence_vertex(0, 3));
    assert!(!ed.delete_fence_vertex(0, 0), "three vertices stay");
    assert!(!ed.move_fence_vertex(0, 3, at(0.0, 0.0)));
    assert!(ed.toggle_inclusion(FenceShape::Polygon(0)));
    assert!(!ed.doc.fence.polygons[0].inclusion);
    assert!(!ed.toggle_inclusion(FenceShape::Polygon(5)));
    assert!(ed.delete_fence_shape(FenceShape::Polygon(0)));
    assert!(ed.delete_fence_shape(FenceShape::Circle(0)));
    assert!(!ed.delete_fence_shape(FenceShape::Circle(0)));
    assert!(ed.doc.fence.is_empty());
}

#[test]
fn rally_points_are_added_moved_and_deleted_with_their_altitude() {
    let mut ed = WaypointEditor {
        rally_alt_m: 25.0,
        tool: WpTool::Rally,
        ..WaypointEditor::default()
    };
    assert!(ed.click(at(0.0, 0.0)));
    assert_eq!(ed.add_rally(at(100.0, 0.0)), 1);
    assert_eq!(ed.doc.rally[1].alt_m, 25.0);
    assert!(ed.move_rally(1, at(200.0, 0.0)));
    assert!(ed.set_rally_alt(1, 40.0));
    assert_eq!(ed.doc.rally[1].position, at(200.0, 0.0));
    assert_eq!(ed.doc.rally[1].alt_m, 40.0);
    assert!(ed.delete_rally(0));
    assert_eq!(ed.doc.rally.len(), 1);
    assert!(!ed.delete_rally(1));
    assert!(!ed.move_rally(3, at(0.0, 0.0)));
}

/// A mission, an inclusion polygon, an exclusion circle and two rally points.
fn full_editor() -> WaypointEditor {
    let mut ed = editor_with(3);
    ed.doc.mission.push(jump(2.0));
    for k in 0..4 {
        ed.add_fence_vertex(
            at(
                -100.0 + 400.0 * f64::from(k / 2),
                -100.0 + 200.0 * f64::from((k + 1) % 4 / 2),
            ),
            true,
        );
    }
    assert_eq!(ed.close_polygon(), Ok(0));
    ed.add_circle(at(150.0, 0.0), 20.0, false);
    ed.add_rally(at(0.0, 50.0));
    ed.add_rally(at(200.0, 50.0));
    ed
}

#[test]
fn upload_lists_hold_home_then_the_mission_the_fence_and_the_rally_points() {
    assert!(WaypointEditor::default().upload_lists().is_empty());
    let mut only_rally = WaypointEditor::default();
    only_rally.add_rally(at(0.0, 0.0));
    let lists = only_rally.upload_lists();
    assert_eq!(lists.len(), 1);
    assert_eq!(lists[0].0, MissionType::Rally);

    let ed = full_editor();
    let lists = ed.upload_lists();
    let kinds: Vec<MissionType> = lists.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        kinds,
        vec![MissionType::Mission, MissionType::Fence, MissionType::Rally]
    );
    let mission = &lists[0].1;
    assert_eq!(mission.len(), 1 + ed.doc.mission.len(), "home first");
    assert_eq!(mission[1].command, cmd::NAV_TAKEOFF);
    let fence = Fence::from_items(&lists[1].1).expect("valid fence items");
    assert_eq!((fence.polygons.len(), fence.circles.len()), (1, 1));
    assert_eq!(fence.polygons[0].points.len(), 4);
    assert!(!fence.circles[0].inclusion);
    assert_eq!(fence.to_items(), lists[1].1);
    let rally = RallyPoint::from_items(&lists[2].1).expect("valid rally items");
    assert_eq!(rally.len(), 2);
}

#[test]
fn a_plan_saved_and_loaded_again_keeps_mission_fence_and_rally() {
    let dir = temp_dir("wp-editor-roundtrip");
    let path = dir.join("edited.plan");
    let mut ed = full_editor();
    assert!(
        ed.findings()
            .iter()
            .all(|f| f.severity != crate::plan::validate::Severity::Error),
        "{:?}",
        ed.findings()
    );
    let written = ed.save(&path).expect("saved");
    assert_eq!(written, vec![path.clone()]);
    assert!(!ed.dirty);
    let mut back = WaypointEditor::default();
    assert_eq!(back.load(&path), Ok(Loaded::Document));
    assert_eq!(back.upload_lists(), ed.upload_lists());
    assert_eq!(commands(&back), commands(&ed));
    assert_eq!(jump_targets(&back), vec![2.0]);
    // QGC WPL: one list per file, the fence and rally points beside it.
    let wpl = dir.join("edited.waypoints");
    let written = ed.save(&wpl).expect("saved");
    assert_eq!(written.len(), 3, "{written:?}");
    assert_eq!(back.load(&wpl), Ok(Loaded::Document));
    assert_eq!(back.doc.mission.len(), ed.doc.mission.len());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn files_from_other_tools_and_boundaries_load() {
    let mut ed = WaypointEditor::default();
    let geofence = sample("missions/plan/qgc_custom_ce_geofence_rd_2.plan");
    assert_eq!(ed.load(&geofence), Ok(Loaded::Document));
    assert_eq!(ed.doc.fence.polygons.len(), 2);
    let kinds: Vec<MissionType> = ed.upload_lists().iter().map(|(k, _)| *k).collect();
    assert_eq!(kinds, vec![MissionType::Fence]);
    // A boundary is added to the fence: outer ring inclusion, holes exclusion.
    let field =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("missions/concave-field.geojson");
    let Ok(Loaded::Boundary { polygons }) = ed.load(&field) else {
        panic!("a boundary");
    };
    assert!(polygons >= 1);
    assert_eq!(ed.doc.fence.polygons.len(), 2 + polygons);
    assert!(ed.doc.fence.polygons[2].inclusion);
    assert!(ed.doc.fence.polygons[3..].iter().all(|p| !p.inclusion));
    assert!(ed.dirty);
    assert!(ed.first_position().is_some());
    let missing = ed.load(std::path::Path::new("/nonexistent/none.plan"));
    assert!(
        matches!(&missing, Err(WaypointError::File(m)) if m.contains("none.plan")),
        "{missing:?}"
    );
}
