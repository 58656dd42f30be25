//! The map layer of waypoint, geofence and rally editing: the mission path from home through
//! numbered markers (the selected one highlighted), fence polygons and circles (inclusion as a
//! dashed red outline, exclusion as a red tint) with vertex handles, the polygon being drawn,
//! and rally points. A marker or handle is selected by a click, moved by a drag and deleted by
//! a right-click; a click on empty map applies the editor's tool, and a right-click on empty
//! map closes the polygon being drawn. All edits go through [`WaypointEditor`].

use super::geom::fill_polygon as fill;
use super::overlay::{to_geo, to_screen};
use crate::geo::LatLon;
use crate::plan::mission_item::cmd;
use crate::ui::i18n::{tr, trf};
use crate::ui::plan::waypoints::{FenceShape, WaypointEditor};
use egui::accesskit::Role;
use egui::{
    Align2, Color32, FontId, Painter, Pos2, Rect, Response, Sense, Shape, Stroke, Ui, WidgetInfo,
    vec2,
};
use walkers::Projector;

const MARKER_PX: f32 = 9.0;
const VERTEX_PX: f32 = 6.0;
const FENCE_RED: Color32 = Color32::from_rgb(220, 0, 0);
const PATH_BLUE: Color32 = Color32::from_rgb(0, 90, 220);
const RALLY_GREEN: Color32 = Color32::from_rgb(0, 140, 60);

/// What the operator did to one handle this frame.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Edit {
    /// Mission item i: select.
    Select(usize),
    /// Mission item i: move.
    MoveItem(usize, LatLon),
    /// Mission item i: delete.
    DeleteItem(usize),
    /// Planned home: move.
    MoveHome(LatLon),
    /// Fence polygon vertex (polygon, vertex): move.
    MoveVertex(usize, usize, LatLon),
    /// Fence polygon vertex: delete (refused under 3 vertices).
    DeleteVertex(usize, usize),
    /// Fence circle: move its centre.
    MoveCircle(usize, LatLon),
    /// Fence circle: new radius (metres).
    CircleRadius(usize, f64),
    /// A fence shape: delete.
    DeleteShape(FenceShape),
    /// Rally point: move.
    MoveRally(usize, LatLon),
    /// Rally point: delete.
    DeleteRally(usize),
    /// Vertex of the polygon being drawn: move.
    MoveDrawn(usize, LatLon),
    /// Vertex of the polygon being drawn: delete.
    DeleteDrawn(usize),
    /// Close the polygon being drawn (its first vertex was clicked).
    Close,
    /// A handle took the pointer but changes nothing (a click or the end of a drag).
    Nothing,
}

/// A draggable, clickable handle at `at`, named for screen readers and tests.
fn handle(
    ui: &mut Ui,
    salt: (&str, usize, usize),
    at: Pos2,
    size_px: f32,
    name: String,
) -> Response {
    let rect = Rect::from_center_size(at, vec2(size_px * 2.2, size_px * 2.2));
    let r = ui.interact(rect, ui.scope_id().with(salt), Sense::click_and_drag());
    r.widget_info(|| WidgetInfo::labeled(Role::Button, true, &name));
    r
}

/// The edit a handle's gesture asks for: `drag` with the new place, `delete` on a right-click,
/// `click` on a click; `Nothing` while the handle holds the pointer otherwise.
fn gesture(
    r: &Response,
    proj: &Projector,
    drag: impl FnOnce(LatLon) -> Edit,
    delete: Edit,
    click: Edit,
) -> Option<Edit> {
    if r.dragged()
        && let Some(pos) = r.interact_pointer_pos()
    {
        Some(drag(to_geo(proj, pos)))
    } else if r.secondary_clicked() {
        Some(delete)
    } else if r.clicked() {
        Some(click)
    } else if r.drag_stopped() || r.is_pointer_button_down_on() {
        Some(Edit::Nothing)
    } else {
        None
    }
}

fn label(painter: &Painter, at: Pos2, text: &str, size: f32, colour: Color32) {
    painter.text(
        at,
        Align2::CENTER_CENTER,
        text,
        FontId::proportional(size),
        colour,
    );
}

/// Draws the editor's mission, fence and rally points and applies the operator's gestures.
pub fn waypoint_map_ui(
    ui: &mut Ui,
    painter: &Painter,
    proj: &Projector,
    map: &Response,
    ed: &mut WaypointEditor,
) {
    let mut edits: Vec<Edit> = Vec::new();
    fence(ui, painter, proj, ed, &mut edits);
    drawing(ui, painter, proj, ed, &mut edits);
    rally(ui, painter, proj, ed, &mut edits);
    mission(ui, painter, proj, ed, &mut edits);
    // A handle holding the pointer keeps the click from the map. One edit a frame, the
    // topmost handle's, so indices stay valid.
    let touched = !edits.is_empty();
    match edits.into_iter().rev().find(|e| *e != Edit::Nothing) {
        Some(e) => apply(ed, e),
        None if touched => {}
        None if map.clicked() => {
            if let Some(pos) = map.interact_pointer_pos() {
                ed.click(to_geo(proj, pos));
            }
        }
        None if map.secondary_clicked() && ed.drawing.is_some() => {
            let _ = ed.close_polygon();
        }
        None => {}
    }
}

fn apply(ed: &mut WaypointEditor, e: Edit) {
    match e {
        Edit::Select(i) => ed.selected = Some(i),
        Edit::MoveItem(i, p) => {
            ed.selected = Some(i);
            ed.move_item(i, p);
        }
        Edit::DeleteItem(i) => {
            ed.delete_item(i);
        }
        Edit::MoveHome(p) => ed.move_home(p),
        Edit::MoveVertex(k, v, p) => {
            ed.move_fence_vertex(k, v, p);
        }
        Edit::DeleteVertex(k, v) => {
            ed.delete_fence_vertex(k, v);
        }
        Edit::MoveCircle(k, p) => {
            ed.move_circle(k, p);
        }
        Edit::CircleRadius(k, r) => {
            ed.set_circle_radius(k, r.max(1.0));
        }
        Edit::DeleteShape(s) => {
            ed.delete_fence_shape(s);
        }
        Edit::MoveRally(k, p) => {
            ed.move_rally(k, p);
        }
        Edit::DeleteRally(k) => {
            ed.delete_rally(k);
        }
        Edit::MoveDrawn(v, p) => {
            if let Some(slot) = ed.drawing.as_mut().and_then(|d| d.points.get_mut(v)) {
                *slot = p;
            }
        }
        Edit::DeleteDrawn(v) => {
            if let Some(d) = ed.drawing.as_mut()
                && v < d.points.len()
            {
                d.points.remove(v);
            }
        }
        Edit::Close => {
            let _ = ed.close_polygon();
        }
        Edit::Nothing => {}
    }
}

fn fence(
    ui: &mut Ui,
    painter: &Painter,
    proj: &Projector,
    ed: &WaypointEditor,
    out: &mut Vec<Edit>,
) {
    for (k, poly) in ed.doc.fence.polygons.iter().enumerate() {
        let pts: Vec<Pos2> = poly.points.iter().map(|p| to_screen(proj, *p)).collect();
        outline(painter, &pts, poly.inclusion, true);
        for (v, s) in pts.iter().enumerate() {
            let name = trf(
                "Fence polygon {n} vertex {v}",
                &[("n", (k + 1).to_string()), ("v", (v + 1).to_string())],
            );
            let r = handle(ui, ("fence-vertex", k, v), *s, VERTEX_PX, name);
            square(painter, *s, r.hovered() || r.dragged(), FENCE_RED);
            out.extend(gesture(
                &r,
                proj,
                |p| Edit::MoveVertex(k, v, p),
                Edit::DeleteVertex(k, v),
                Edit::Nothing,
            ));
        }
    }
    for (k, c) in ed.doc.fence.circles.iter().enumerate() {
        let centre = to_screen(proj, c.center);
        let edge = to_screen(proj, c.center.destination(90.0, c.radius_m));
        let radius_px = (edge - centre).length();
        let ring: Vec<Pos2> = (0..=72)
            .map(|a| {
                let t = (a as f32 * 5.0).to_radians();
                centre + vec2(t.cos(), t.sin()) * radius_px
            })
            .collect();
        outline(painter, &ring, c.inclusion, false);
        let n = (k + 1).to_string();
        let name = trf("Fence circle {n}", &[("n", n.clone())]);
        let r = handle(ui, ("fence-circle", k, 0), centre, VERTEX_PX, name);
        square(painter, centre, r.hovered() || r.dragged(), FENCE_RED);
        out.extend(gesture(
            &r,
            proj,
            |p| Edit::MoveCircle(k, p),
            Edit::DeleteShape(FenceShape::Circle(k)),
            Edit::Nothing,
        ));
        let name = trf("Fence circle {n} radius", &[("n", n)]);
        let r = handle(ui, ("fence-radius", k, 0), edge, VERTEX_PX, name);
        painter.circle(
            edge,
            VERTEX_PX - 1.0,
            Color32::WHITE,
            Stroke::new(2.0, FENCE_RED),
        );
        let centre_geo = c.center;
        out.extend(gesture(
            &r,
            proj,
            |p| Edit::CircleRadius(k, centre_geo.distance_m(p)),
            Edit::Nothing,
            Edit::Nothing,
        ));
    }
}

/// A fence outline: inclusion dashed red; exclusion tinted red inside a solid outline.
fn outline(painter: &Painter, pts: &[Pos2], inclusion: bool, closed: bool) {
    if pts.len() < 2 {
        return;
    }
    let mut line = pts.to_vec();
    if closed && let Some(first) = pts.first() {
        line.push(*first);
    }
    if inclusion {
        painter.extend(Shape::dashed_line(
            &line,
            Stroke::new(2.5, FENCE_RED),
            10.0,
            6.0,
        ));
    } else {
        fill(painter, pts, Color32::from_rgba_unmultiplied(220, 0, 0, 60));
        painter.add(Shape::line(line, Stroke::new(2.0, FENCE_RED)));
    }
}

fn square(painter: &Painter, at: Pos2, hot: bool, colour: Color32) {
    let size = if hot {
        VERTEX_PX * 2.4
    } else {
        VERTEX_PX * 1.8
    };
    let rect = Rect::from_center_size(at, vec2(size, size));
    painter.rect_filled(rect, 1.0, Color32::WHITE);
    painter.rect_stroke(
        rect,
        1.0,
        Stroke::new(2.0, colour),
        egui::StrokeKind::Middle,
    );
}

fn drawing(
    ui: &mut Ui,
    painter: &Painter,
    proj: &Projector,
    ed: &WaypointEditor,
    out: &mut Vec<Edit>,
) {
    let Some(d) = &ed.drawing else {
        return;
    };
    let pts: Vec<Pos2> = d.points.iter().map(|p| to_screen(proj, *p)).collect();
    painter.add(Shape::line(pts.clone(), Stroke::new(2.0, FENCE_RED)));
    if let (Some(first), Some(last)) = (pts.first(), pts.last())
        && pts.len() >= 3
    {
        painter.extend(Shape::dashed_line(
            &[*last, *first],
            Stroke::new(1.5, FENCE_RED.gamma_multiply(0.6)),
            6.0,
            6.0,
        ));
    }
    let closable = pts.len() >= 3;
    for (v, s) in pts.iter().enumerate() {
        let name = trf("New fence vertex {v}", &[("v", (v + 1).to_string())]);
        let r = handle(ui, ("drawn-vertex", v, 0), *s, VERTEX_PX, name);
        let first = v == 0 && closable;
        square(painter, *s, first || r.hovered() || r.dragged(), FENCE_RED);
        let click = if first { Edit::Close } else { Edit::Nothing };
        out.extend(gesture(
            &r,
            proj,
            |p| Edit::MoveDrawn(v, p),
            Edit::DeleteDrawn(v),
            click,
        ));
    }
}

fn rally(
    ui: &mut Ui,
    painter: &Painter,
    proj: &Projector,
    ed: &WaypointEditor,
    out: &mut Vec<Edit>,
) {
    for (k, r) in ed.doc.rally.iter().enumerate() {
        let s = to_screen(proj, r.position);
        let name = trf("Rally point {n}", &[("n", (k + 1).to_string())]);
        let resp = handle(ui, ("rally", k, 0), s, MARKER_PX, name);
        let size = if resp.hovered() || resp.dragged() {
            MARKER_PX + 2.0
        } else {
            MARKER_PX
        };
        painter.circle(s, size, RALLY_GREEN, Stroke::new(1.5, Color32::WHITE));
        label(painter, s, "R", 11.0, Color32::WHITE);
        out.extend(gesture(
            &resp,
            proj,
            |p| Edit::MoveRally(k, p),
            Edit::DeleteRally(k),
            Edit::Nothing,
        ));
    }
}

fn mission(
    ui: &mut Ui,
    painter: &Painter,
    proj: &Projector,
    ed: &WaypointEditor,
    out: &mut Vec<Edit>,
) {
    let home = ed.doc.planned_home.map(|h| h.position);
    let items: Vec<(usize, Pos2)> = ed
        .doc
        .mission
        .iter()
        .enumerate()
        .filter_map(|(i, it)| it.position().map(|p| (i, to_screen(proj, p))))
        .collect();
    let path: Vec<Pos2> = home
        .map(|h| to_screen(proj, h))
        .into_iter()
        .chain(items.iter().map(|(_, p)| *p))
        .collect();
    painter.add(Shape::line(
        path,
        Stroke::new(2.5, PATH_BLUE.gamma_multiply(0.8)),
    ));
    if let Some(h) = home {
        let s = to_screen(proj, h);
        let r = handle(
            ui,
            ("home", 0, 0),
            s,
            MARKER_PX,
            tr("Planned home").to_owned(),
        );
        painter.circle(
            s,
            MARKER_PX + 1.0,
            PATH_BLUE,
            Stroke::new(2.0, Color32::WHITE),
        );
        label(painter, s, "H", 11.0, Color32::WHITE);
        out.extend(gesture(
            &r,
            proj,
            Edit::MoveHome,
            Edit::Nothing,
            Edit::Nothing,
        ));
    }
    for (i, s) in items {
        let selected = ed.selected == Some(i);
        let n = (i + 1).to_string();
        let name = trf("Mission item {n}", &[("n", n.clone())]);
        let r = handle(ui, ("item", i, 0), s, MARKER_PX, name);
        let hot = r.hovered() || r.dragged();
        let radius = if selected || hot {
            MARKER_PX + 3.0
        } else {
            MARKER_PX
        };
        let fill = if selected {
            Color32::YELLOW
        } else {
            Color32::WHITE
        };
        let command = ed.doc.mission.get(i).map_or(0, |it| it.command);
        let border = if command == cmd::NAV_WAYPOINT {
            PATH_BLUE
        } else {
            Color32::from_rgb(120, 0, 160)
        };
        painter.circle(s, radius, fill, Stroke::new(2.0, border));
        label(painter, s, &n, 10.0, Color32::BLACK);
        out.extend(gesture(
            &r,
            proj,
            |p| Edit::MoveItem(i, p),
            Edit::DeleteItem(i),
            Edit::Select(i),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::map::geom::triangulate;
    use egui::pos2;

    fn area(pts: &[Pos2], tris: &[[u32; 3]]) -> f32 {
        let p = |i: u32| pts[i as usize];
        tris.iter()
            .map(|[a, b, c]| {
                let (a, b, c) = (p(*a), p(*b), p(*c));
                ((b - a).x * (c - a).y - (b - a).y * (c - a).x).abs() / 2.0
            })
            .sum()
    }

    #[test]
    fn concave_polygons_are_filled_exactly_in_either_winding() {
        // An L: 3 × 3 square without its top-right 2 × 2 corner, area 5.
        let mut l = vec![
            pos2(0.0, 0.0),
            pos2(1.0, 0.0),
            pos2(1.0, 2.0),
            pos2(3.0, 2.0),
            pos2(3.0, 3.0),
            pos2(0.0, 3.0),
        ];
        let tris = triangulate(&l);
        assert_eq!(tris.len(), 4);
        assert!((area(&l, &tris) - 5.0).abs() < 1e-4);
        l.reverse();
        let tris = triangulate(&l);
        assert!((area(&l, &tris) - 5.0).abs() < 1e-4);
        assert!(triangulate(&l[..2]).is_empty());
    }
}
