//! The Plan view's map layer: the field and its exclusion zones with draggable vertex
//! handles (drag to move, right-click to delete, drag a midpoint "+" to insert), the
//! generated transects and path of each part in the part's colour, and clicks that add
//! vertices with the drawing tool.

use super::overlay::{PART_COLOURS, to_geo, to_screen};
use crate::geo::LatLon;
use crate::ui::plan::model::PlanModel;
use egui::{Color32, Painter, Pos2, Rect, Response, Sense, Shape, Stroke, Ui, vec2};
use walkers::Projector;

const HANDLE_PX: f32 = 7.0;

/// Which ring a vertex belongs to: `None` the boundary, `Some(i)` zone i.
type RingId = Option<usize>;

fn ring_mut(plan: &mut PlanModel, r: RingId) -> Option<&mut Vec<LatLon>> {
    match r {
        None => Some(&mut plan.boundary),
        Some(i) => plan.zones.get_mut(i),
    }
}

fn polygon(painter: &Painter, pts: &[Pos2], fill: Color32, stroke: Stroke) {
    if pts.len() >= 3 {
        // Ear clipping fills concave fields and zones too.
        super::geom::fill_polygon(painter, pts, fill);
        painter.add(Shape::closed_line(pts.to_vec(), stroke));
    } else if pts.len() == 2 {
        painter.line_segment([pts[0], pts[1]], stroke);
    }
}

/// Draws the plan and handles its editing gestures.
pub fn plan_ui(
    ui: &mut Ui,
    painter: &Painter,
    proj: &Projector,
    map: &Response,
    plan: &mut PlanModel,
) {
    // Generated survey first, so the shapes and handles stay on top.
    if let Some(Ok(r)) = &plan.result {
        for (k, part) in r.parts.iter().enumerate() {
            let colour = PART_COLOURS[k % PART_COLOURS.len()];
            let path: Vec<Pos2> = part
                .survey
                .path
                .iter()
                .map(|p| to_screen(proj, p.pos))
                .collect();
            painter.add(Shape::line(
                path,
                Stroke::new(1.0, colour.gamma_multiply(0.6)),
            ));
            for t in &part.survey.transects {
                let a = to_screen(proj, t.start);
                let b = to_screen(proj, t.end);
                painter.line_segment([a, b], Stroke::new(2.5, colour));
            }
            let home = to_screen(proj, part.survey.home);
            painter.circle(home, 8.0, colour, Stroke::new(2.0, Color32::WHITE));
            painter.text(
                home,
                egui::Align2::CENTER_CENTER,
                "H",
                egui::FontId::proportional(10.0),
                Color32::WHITE,
            );
        }
    }
    let field: Vec<Pos2> = plan.boundary.iter().map(|p| to_screen(proj, *p)).collect();
    polygon(
        painter,
        &field,
        Color32::from_rgba_unmultiplied(0, 160, 60, 40),
        Stroke::new(3.0, Color32::from_rgb(0, 140, 50)),
    );
    for z in &plan.zones {
        let pts: Vec<Pos2> = z.iter().map(|p| to_screen(proj, *p)).collect();
        polygon(
            painter,
            &pts,
            Color32::from_rgba_unmultiplied(220, 0, 0, 60),
            Stroke::new(2.5, Color32::from_rgb(200, 0, 0)),
        );
    }
    let mut handled = false;
    let rings: Vec<RingId> = std::iter::once(None)
        .chain((0..plan.zones.len()).map(Some))
        .collect();
    for ring in rings {
        handled |= ring_handles(ui, painter, proj, plan, ring);
    }
    if !handled
        && map.clicked()
        && let Some(pos) = map.interact_pointer_pos()
    {
        plan.click(to_geo(proj, pos));
    }
}

/// Vertex and midpoint handles of one ring; returns true when one was used this frame.
fn ring_handles(
    ui: &mut Ui,
    painter: &Painter,
    proj: &Projector,
    plan: &mut PlanModel,
    ring: RingId,
) -> bool {
    let Some(points) = ring_mut(plan, ring).map(|r| r.clone()) else {
        return false;
    };
    let colour = if ring.is_none() {
        Color32::from_rgb(0, 120, 40)
    } else {
        Color32::from_rgb(190, 0, 0)
    };
    let salt = ring.map_or(usize::MAX, |i| i);
    let mut changed: Option<Vec<LatLon>> = None;
    let mut used = false;
    for (i, p) in points.iter().enumerate() {
        let s = to_screen(proj, *p);
        let rect = Rect::from_center_size(s, vec2(HANDLE_PX * 2.5, HANDLE_PX * 2.5));
        let id = ui.scope_id().with(("vertex", salt, i));
        let r = ui.interact(rect, id, Sense::click_and_drag());
        let hot = r.hovered() || r.dragged();
        painter.circle(
            s,
            if hot { HANDLE_PX + 2.0 } else { HANDLE_PX },
            Color32::WHITE,
            Stroke::new(2.5, colour),
        );
        if r.dragged()
            && let Some(pos) = r.interact_pointer_pos()
        {
            let mut next = points.clone();
            if let Some(slot) = next.get_mut(i) {
                *slot = to_geo(proj, pos);
            }
            changed = Some(next);
            used = true;
        } else if r.secondary_clicked() {
            let mut next = points.clone();
            next.remove(i);
            changed = Some(next);
            used = true;
        } else if r.clicked() || r.drag_stopped() {
            used = true;
        }
    }
    if points.len() >= 3 || (ring.is_none() && points.len() >= 2) {
        for i in 0..points.len() {
            let a = points[i];
            let b = points[(i + 1) % points.len()];
            let mid = LatLon::new((a.lat_deg + b.lat_deg) / 2.0, (a.lon_deg + b.lon_deg) / 2.0);
            let s = to_screen(proj, mid);
            let rect = Rect::from_center_size(s, vec2(HANDLE_PX * 2.0, HANDLE_PX * 2.0));
            let r = ui.interact(
                rect,
                ui.scope_id().with(("mid", salt, i)),
                Sense::click_and_drag(),
            );
            painter.circle(
                s,
                HANDLE_PX - 2.0,
                colour.gamma_multiply(0.5),
                Stroke::new(1.5, Color32::WHITE),
            );
            painter.text(
                s,
                egui::Align2::CENTER_CENTER,
                "+",
                egui::FontId::proportional(10.0),
                Color32::WHITE,
            );
            if r.clicked() || r.drag_started() {
                let mut next = points.clone();
                next.insert(i + 1, mid);
                changed = Some(next);
                used = true;
            }
        }
    }
    if let Some(next) = changed
        && let Some(slot) = ring_mut(plan, ring)
    {
        *slot = next;
        plan.dirty = true;
    }
    used
}
