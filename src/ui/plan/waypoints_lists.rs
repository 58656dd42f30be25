//! The fence shapes and rally points lists of the waypoint panel: each shape or point with
//! its inclusion toggle, radius or altitude, and delete.

use super::waypoints::{FenceShape, WaypointEditor};
use crate::ui::i18n::{tr, trf};
use egui::{DragValue, RichText, Ui};

fn inclusion_name(inclusion: bool) -> &'static str {
    if inclusion {
        tr("Inclusion")
    } else {
        tr("Exclusion")
    }
}

pub(super) fn fence_list(ui: &mut Ui, ed: &mut WaypointEditor) {
    let f = &ed.doc.fence;
    ui.label(
        RichText::new(trf(
            "Fence: {p} polygons, {c} circles",
            &[
                ("p", f.polygons.len().to_string()),
                ("c", f.circles.len().to_string()),
            ],
        ))
        .strong(),
    );
    let mut toggle = None;
    let mut delete = None;
    let mut radius = None;
    for (k, p) in f.polygons.iter().enumerate() {
        let n = (k + 1).to_string();
        ui.horizontal(|ui| {
            ui.label(trf(
                "Polygon {n}: {v} vertices",
                &[("n", n.clone()), ("v", p.points.len().to_string())],
            ));
            if ui.button(inclusion_name(p.inclusion)).clicked() {
                toggle = Some(FenceShape::Polygon(k));
            }
            let name = trf("Delete fence polygon {n}", &[("n", n)]);
            if ui.small_button("×").accessible_name(name).clicked() {
                delete = Some(FenceShape::Polygon(k));
            }
        });
    }
    for (k, c) in f.circles.iter().enumerate() {
        let n = (k + 1).to_string();
        ui.horizontal(|ui| {
            let l = ui.label(trf("Circle {n}, radius", &[("n", n.clone())]));
            let mut r = c.radius_m;
            let dv = DragValue::new(&mut r).range(1.0..=100_000.0).suffix(" m");
            if ui.add(dv).labelled_by(l.id).changed() {
                radius = Some((k, r));
            }
            if ui.button(inclusion_name(c.inclusion)).clicked() {
                toggle = Some(FenceShape::Circle(k));
            }
            let name = trf("Delete fence circle {n}", &[("n", n)]);
            if ui.small_button("×").accessible_name(name).clicked() {
                delete = Some(FenceShape::Circle(k));
            }
        });
    }
    if let Some(s) = toggle {
        ed.toggle_inclusion(s);
    }
    if let Some(s) = delete {
        ed.delete_fence_shape(s);
    }
    if let Some((k, r)) = radius {
        ed.set_circle_radius(k, r);
    }
}

pub(super) fn rally_list(ui: &mut Ui, ed: &mut WaypointEditor) {
    let n_rally = ed.doc.rally.len().to_string();
    ui.label(RichText::new(trf("Rally points: {n}", &[("n", n_rally)])).strong());
    let mut alt = None;
    let mut delete = None;
    for (k, r) in ed.doc.rally.iter().enumerate() {
        let n = (k + 1).to_string();
        ui.horizontal(|ui| {
            let l = ui.label(trf("Rally {n}, altitude", &[("n", n.clone())]));
            let mut a = r.alt_m;
            let dv = DragValue::new(&mut a).range(-500.0..=10_000.0).suffix(" m");
            if ui.add(dv).labelled_by(l.id).changed() {
                alt = Some((k, a));
            }
            let name = trf("Delete rally point {n}", &[("n", n)]);
            if ui.small_button("×").accessible_name(name).clicked() {
                delete = Some(k);
            }
        });
    }
    if let Some((k, a)) = alt {
        ed.set_rally_alt(k, a);
    }
    if let Some(k) = delete {
        ed.delete_rally(k);
    }
}
