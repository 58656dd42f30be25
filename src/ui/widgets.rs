//! Small widget helpers that keep every input named for screen readers and UI tests: a
//! field is linked to the label beside it.

use egui::emath::Numeric;
use egui::{DragValue, Id, Response, Slider, TextEdit, Ui};
use std::ops::RangeInclusive;

/// A slider with its value box, both named by the label `label`.
pub fn slider<N: Numeric>(
    ui: &mut Ui,
    label: Id,
    value: &mut N,
    range: RangeInclusive<N>,
    suffix: &str,
) -> Response {
    ui.horizontal(|ui| {
        let a = ui
            .add(Slider::new(value, range.clone()).show_value(false))
            .labelled_by(label);
        let b = ui
            .add(DragValue::new(value).range(range).suffix(suffix))
            .labelled_by(label);
        a | b
    })
    .inner
}

/// A one-line text field named by the label `label`.
pub fn text_field(ui: &mut Ui, label: Id, text: &mut String) -> Response {
    ui.add(TextEdit::singleline(text)).labelled_by(label)
}

/// A label followed by a one-line text field it names.
pub fn labelled_text(ui: &mut Ui, label: &str, text: &mut String) -> Response {
    let l = ui.label(label);
    text_field(ui, l.id, text)
}

/// A dial for a transect heading (degrees clockwise from north, 0–179: a line has no
/// direction): drag or click around the centre to set it. Named by `label`.
pub fn angle_dial(ui: &mut Ui, label: Id, heading_deg: &mut f64) -> Response {
    let size = egui::vec2(56.0, 56.0);
    let (rect, mut resp) = ui.allocate_exact_size(size, egui::Sense::click_and_drag());
    let c = rect.center();
    let r = rect.width() / 2.0 - 3.0;
    if let Some(p) = resp.interact_pointer_pos()
        && (resp.dragged() || resp.clicked())
    {
        let d = p - c;
        if d.length() > 3.0 {
            let deg = f64::from(d.x.atan2(-d.y).to_degrees()).rem_euclid(180.0);
            *heading_deg = deg.round();
            resp.mark_changed();
        }
    }
    let painter = ui.painter_at(rect.expand(2.0));
    let visuals = ui.style().interact(&resp);
    painter.circle(c, r, ui.visuals().extreme_bg_color, visuals.fg_stroke);
    for k in 0..8 {
        let a = (k as f32 * 45.0).to_radians();
        let dir = egui::vec2(a.sin(), -a.cos());
        painter.line_segment([c + dir * (r - 5.0), c + dir * r], visuals.fg_stroke);
    }
    let a = (*heading_deg as f32).to_radians();
    let dir = egui::vec2(a.sin(), -a.cos());
    painter.line_segment(
        [c - dir * (r - 6.0), c + dir * (r - 6.0)],
        egui::Stroke::new(3.0, egui::Color32::from_rgb(0, 90, 220)),
    );
    painter.text(
        rect.center_top() + egui::vec2(0.0, 6.0),
        egui::Align2::CENTER_TOP,
        "N",
        egui::FontId::proportional(9.0),
        visuals.text_color(),
    );
    resp.widget_info(|| {
        egui::WidgetInfo::labeled(egui::Role::Slider, true, format!("{heading_deg:.0}°"))
    });
    resp.labelled_by(label)
}

/// An input of a length or altitude kept in metres, shown and typed in the chosen units.
pub fn length_input(
    value_m: &mut f32,
    range_m: RangeInclusive<f32>,
    units: crate::ui::settings::Units,
) -> DragValue<'_> {
    unit_input(value_m, range_m, units, 0.3048, " m", " ft")
}

/// An input of a speed kept in m/s, shown and typed in the chosen units.
pub fn speed_input(
    value_mps: &mut f32,
    range_mps: RangeInclusive<f32>,
    units: crate::ui::settings::Units,
) -> DragValue<'_> {
    unit_input(value_mps, range_mps, units, 0.514_444, " m/s", " kn")
}

fn unit_input<'a>(
    value: &'a mut f32,
    range: RangeInclusive<f32>,
    units: crate::ui::settings::Units,
    si_per_unit: f64,
    si_suffix: &'static str,
    other_suffix: &'static str,
) -> DragValue<'a> {
    let d = DragValue::new(value).range(range);
    match units {
        crate::ui::settings::Units::Metric => d.suffix(si_suffix),
        crate::ui::settings::Units::Imperial => d
            .speed(si_per_unit)
            .custom_formatter(move |v, _| format!("{:.0}{other_suffix}", v / si_per_unit))
            .custom_parser(move |s| {
                let n: f64 = s
                    .trim()
                    .trim_end_matches(other_suffix.trim())
                    .trim()
                    .replace(',', ".")
                    .parse()
                    .ok()?;
                Some(n * si_per_unit)
            }),
    }
}

/// The selected vehicle of a per-vehicle view, with a row of buttons to pick another when
/// there are several; `None` (and "Waiting for vehicles…") while no vehicle is known.
pub fn vehicle_picker(
    ui: &mut Ui,
    m: &mut crate::ui::model::UiModel,
) -> Option<crate::vehicle::VehicleId> {
    use crate::ui::i18n::{tr, trf};
    let Some(v) = m.selected_vehicle().map(|s| s.id) else {
        ui.label(tr("Waiting for vehicles…"));
        return None;
    };
    if m.snapshot.vehicles.len() > 1 {
        let ids: Vec<_> = m.snapshot.vehicles.iter().map(|s| s.id).collect();
        ui.horizontal_wrapped(|ui| {
            for id in ids {
                let name = trf(
                    "Vehicle {id}",
                    &[("id", crate::ui::model::vehicle_label(id))],
                );
                if ui.selectable_label(id == v, name).clicked() {
                    m.selected = Some(id);
                }
            }
        });
    }
    Some(v)
}
