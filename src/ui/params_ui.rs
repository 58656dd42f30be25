//! The Params view: download a vehicle's parameters, search them, edit values (checked
//! against each parameter's type before anything is sent), write the changes with read-back,
//! and save or load Mission Planner parameter files with a preview of what a file would
//! change. The rules live in [`crate::ui::params`]; this file only draws.

use crate::protocol::params::{Param, type_name};
use crate::ui::dialog::{FileAction, Pending, Purpose, chosen, dialog_button};
use crate::ui::i18n::{tr, trf};
use crate::ui::model::{UiCommand, UiModel, vehicle_label};
use crate::ui::params::{SetStatus, check_number, check_value, format_value};
use crate::ui::theme::palette;
use crate::vehicle::VehicleId;
use egui::{Align, Color32, Layout, RichText, TextEdit, Ui};
use std::path::Path;

/// Column widths of the table: name, value, type, new value (the status takes the rest).
const COLS: [f32; 4] = [150.0, 110.0, 60.0, 120.0];

/// Height of the file preview.
const PREVIEW_H: f32 = 180.0;

/// Draws one fixed-width cell of a row `h` high.
fn cell<R>(ui: &mut Ui, w: f32, h: f32, add: impl FnOnce(&mut Ui) -> R) -> R {
    ui.allocate_ui_with_layout(
        egui::vec2(w, h),
        Layout::left_to_right(Align::Center),
        |ui| {
            ui.set_min_size(egui::vec2(w, h));
            add(ui)
        },
    )
    .inner
}

fn row_height(ui: &Ui) -> f32 {
    ui.spacing().interact_size.y + 4.0
}

/// The Params view for the selected vehicle.
pub fn params_ui(
    ui: &mut Ui,
    m: &mut UiModel,
    file_path: &mut String,
    dialog: &mut Option<Pending>,
) {
    ui.heading(tr("Parameters"));
    let Some(v) = crate::ui::widgets::vehicle_picker(ui, m) else {
        return;
    };
    download_row(ui, m, v);
    file_row(ui, m, v, file_path, dialog);
    file_preview(ui, m, v);
    ui.separator();
    edit_row(ui, m, v);
    table(ui, m, v);
}

fn download_row(ui: &mut Ui, m: &mut UiModel, v: VehicleId) {
    let p = palette(m.settings.theme);
    let label = trf("Parameters · {id}", &[("id", vehicle_label(v))]);
    let op = m
        .ops
        .iter()
        .rev()
        .find(|o| o.target == v && o.label == label)
        .cloned();
    let running = op.as_ref().is_some_and(|o| o.outcome.is_none());
    ui.horizontal(|ui| {
        if ui
            .add_enabled(!running, egui::Button::new(tr("Download parameters")))
            .clicked()
        {
            m.outbox.push(UiCommand::ParamDownload { target: v });
        }
        match op.map(|o| (o.progress, o.outcome)) {
            Some(((done, total), None)) => {
                let frac = if total > 0 {
                    done as f32 / total as f32
                } else {
                    0.0
                };
                ui.add(
                    egui::ProgressBar::new(frac)
                        .desired_width(200.0)
                        .text(format!("{done} / {total}")),
                );
            }
            Some((_, Some(Ok(text)))) => {
                ui.label(RichText::new(text).color(p.good));
            }
            Some((_, Some(Err(e)))) => {
                ui.label(RichText::new(e).color(p.bad));
            }
            None => {}
        }
    });
}

fn save(m: &mut UiModel, v: VehicleId, path: &str) {
    m.params.note = Some(
        m.params
            .save_file(v, Path::new(path.trim()))
            .map(|n| trf("{n} parameters saved", &[("n", n.to_string())])),
    );
}

fn load(m: &mut UiModel, v: VehicleId, path: &str) {
    m.params.note = Some(
        m.params
            .load_file(v, Path::new(path.trim()))
            .map(|n| trf("{n} values differ", &[("n", n.to_string())])),
    );
}

fn file_row(
    ui: &mut Ui,
    m: &mut UiModel,
    v: VehicleId,
    file_path: &mut String,
    dialog: &mut Option<Pending>,
) {
    let p = palette(m.settings.theme);
    match chosen(dialog, file_path, Purpose::OpenParams, Purpose::SaveParams) {
        Some(FileAction::Open) => load(m, v, file_path),
        Some(FileAction::Save) => save(m, v, file_path),
        None => {}
    }
    ui.horizontal(|ui| {
        let l = ui.label(tr("File"));
        ui.add(TextEdit::singleline(file_path).desired_width(260.0))
            .labelled_by(l.id);
        dialog_button(
            ui,
            dialog,
            tr("Open…"),
            Purpose::OpenParams,
            file_path,
            true,
        );
        dialog_button(
            ui,
            dialog,
            tr("Save as…"),
            Purpose::SaveParams,
            file_path,
            true,
        );
        if ui.button(tr("Save to file")).clicked() {
            save(m, v, file_path);
        }
        if ui.button(tr("Load file")).clicked() {
            load(m, v, file_path);
        }
    });
    match &m.params.note {
        Some(Ok(t)) => {
            ui.label(RichText::new(t).color(p.good));
        }
        Some(Err(e)) => {
            ui.label(RichText::new(e).color(p.bad));
        }
        None => {}
    }
}

fn file_preview(ui: &mut Ui, m: &mut UiModel, v: VehicleId) {
    let Some(vp) = m.params.vehicle(v) else {
        return;
    };
    let Some(f) = &vp.file else { return };
    let p = palette(m.settings.theme);
    let (diff, table) = (&f.diff, &vp.table);
    ui.separator();
    ui.label(RichText::new(&f.path).strong());
    if table.is_empty() {
        ui.label(RichText::new(tr("Download the parameters first to write a file")).color(p.warn));
    }
    let h = row_height(ui);
    ui.horizontal(|ui| {
        for (w, t) in [
            (COLS[0], tr("Name")),
            (COLS[1], tr("Current")),
            (COLS[1], tr("New")),
        ] {
            cell(ui, w, h, |ui| ui.label(RichText::new(t).strong()));
        }
    });
    egui::ScrollArea::vertical()
        .id_salt("param-file-diff")
        .max_height(PREVIEW_H)
        .auto_shrink([false, true])
        .show_rows(ui, h, diff.len(), |ui, range| {
            egui::Grid::new("param-file-diff-grid")
                .num_columns(4)
                .show(ui, |ui| {
                    for d in diff.get(range).unwrap_or_default() {
                        cell(ui, COLS[0], h, |ui| ui.monospace(&d.name));
                        let param = table.get(&d.name);
                        let current =
                            param.map_or_else(|| tr("not on the vehicle").to_owned(), format_value);
                        cell(ui, COLS[1], h, |ui| ui.label(current));
                        let shown = param.map_or_else(
                            || d.new.to_string(),
                            |p| format_value(&Param { value: d.new, ..*p }),
                        );
                        cell(ui, COLS[1], h, |ui| ui.label(shown));
                        if let Some(Err(e)) = param.map(|p| check_number(p, d.new)) {
                            ui.label(RichText::new(e).color(p.bad));
                        } else {
                            ui.label("");
                        }
                        ui.end_row();
                    }
                });
        });
    let n = m.params.writable_file_values(v).len();
    ui.horizontal(|ui| {
        let write = trf("Write the file's values: {n}", &[("n", n.to_string())]);
        if ui.add_enabled(n > 0, egui::Button::new(write)).clicked() {
            for (name, value) in m.params.write_file_values(v) {
                m.outbox.push(UiCommand::ParamSet {
                    target: v,
                    name,
                    value,
                });
            }
        }
        if ui.button(tr("Close")).clicked() {
            m.params.close_file(v);
        }
    });
}

fn edit_row(ui: &mut Ui, m: &mut UiModel, v: VehicleId) {
    let total = m.params.vehicle(v).map_or(0, |vp| vp.table.len());
    let shown = m.params.filtered(v).len();
    let n = m.params.valid_edits(v).len();
    ui.horizontal(|ui| {
        let l = ui.label(tr("Search"));
        ui.add(TextEdit::singleline(&mut m.params.filter).desired_width(160.0))
            .labelled_by(l.id);
        ui.label(trf(
            "{shown} of {total} parameters",
            &[("shown", shown.to_string()), ("total", total.to_string())],
        ));
        let write = trf("Write changes: {n}", &[("n", n.to_string())]);
        if ui.add_enabled(n > 0, egui::Button::new(write)).clicked() {
            for (name, value) in m.params.write_edits(v) {
                m.outbox.push(UiCommand::ParamSet {
                    target: v,
                    name,
                    value,
                });
            }
        }
        let edits = m.params.vehicle(v).is_some_and(|vp| !vp.edits.is_empty());
        if ui
            .add_enabled(edits, egui::Button::new(tr("Discard changes")))
            .clicked()
        {
            m.params.discard_edits(v);
        }
    });
}

fn table(ui: &mut Ui, m: &mut UiModel, v: VehicleId) {
    let p = palette(m.settings.theme);
    if m.params.vehicle(v).is_none_or(|vp| vp.table.is_empty()) {
        ui.label(tr("No parameters yet: download them first"));
        return;
    }
    let h = row_height(ui);
    ui.horizontal(|ui| {
        for (w, t) in COLS
            .into_iter()
            .zip([tr("Name"), tr("Value"), tr("Type"), tr("New value")])
        {
            cell(ui, w, h, |ui| ui.label(RichText::new(t).strong()));
        }
        ui.label(RichText::new(tr("Status")).strong());
    });
    let n = m.params.filtered(v).len();
    egui::ScrollArea::vertical()
        .id_salt("param-table")
        .auto_shrink([false, false])
        .show_rows(ui, h, n, |ui, range| {
            let rows: Vec<(String, Param)> = m
                .params
                .filtered(v)
                .into_iter()
                .skip(range.start)
                .take(range.len())
                .map(|(n, p)| (n.clone(), *p))
                .collect();
            egui::Grid::new("param-table-grid")
                .num_columns(5)
                .show(ui, |ui| {
                    for (name, param) in rows {
                        row(ui, m, v, &name, &param, h, (p.good, p.bad, p.warn));
                        ui.end_row();
                    }
                });
        });
}

/// One table row: name, value, type, the edit field, and the edit's check or the status.
fn row(
    ui: &mut Ui,
    m: &mut UiModel,
    v: VehicleId,
    name: &str,
    param: &Param,
    h: f32,
    (good, bad, warn): (Color32, Color32, Color32),
) {
    let label = cell(ui, COLS[0], h, |ui| ui.monospace(name));
    cell(ui, COLS[1], h, |ui| ui.monospace(format_value(param)));
    cell(ui, COLS[2], h, |ui| ui.label(type_name(param.param_type)));
    let mut text = m.params.edit(v, name).unwrap_or_default().to_owned();
    let edit = cell(ui, COLS[3], h, |ui| {
        ui.add(TextEdit::singleline(&mut text).desired_width(COLS[3] - 8.0))
            .labelled_by(label.id)
    });
    if edit.changed() {
        m.params.set_edit(v, name, text.clone());
    }
    let status = m
        .params
        .vehicle(v)
        .and_then(|vp| vp.status.get(name))
        .cloned();
    let value = |x: f64| format_value(&Param { value: x, ..*param });
    let check = (!text.trim().is_empty()).then(|| check_value(param, &text));
    ui.horizontal(|ui| {
        match (status, &check) {
            // A failed value comes back as an edit: show why beside it.
            (Some(SetStatus::Failed(e)), _) => {
                ui.label(RichText::new(e).color(bad));
            }
            (Some(SetStatus::Sent(x)), None) => {
                ui.label(trf("sent {v}, waiting for read-back", &[("v", value(x))]));
            }
            (Some(SetStatus::Confirmed(x)), None) => {
                ui.label(RichText::new(trf("read back: {v}", &[("v", value(x))])).color(good));
            }
            _ => {}
        }
        match check {
            Some(Ok(new)) => {
                ui.label(RichText::new(trf("will write {v}", &[("v", value(new))])).color(warn));
            }
            Some(Err(e)) => {
                ui.label(RichText::new(e).color(bad));
            }
            None => {}
        }
    });
}
