//! The Plan view's side panel for plain waypoint, geofence and rally editing: click tools,
//! the item table (command, altitude, parameters, reorder, delete), the fence shapes and
//! rally points, open and save, validation findings, and upload to each connected vehicle.
//! Every change goes through [`WaypointEditor`]'s operations.

use super::waypoints::{
    COMMON_COMMANDS, Loaded, WaypointEditor, WpTool, command_name, item_uses_alt, param_names,
};
use super::waypoints_lists::{fence_list, rally_list};
use crate::plan::MissionItem;
use crate::plan::validate::Severity;
use crate::ui::dialog::{FileAction, Pending, Purpose, chosen, dialog_button};
use crate::ui::i18n::{tr, trf};
use crate::ui::model::{UiModel, vehicle_label};
use crate::ui::theme::palette;
use egui::{Button, DragValue, RichText, Ui};
use std::path::Path;

/// One change asked for in the item table, applied after drawing it.
enum RowAction {
    Select(usize),
    Command(usize, u16),
    Alt(usize, f32),
    Param(usize, usize, f32),
    Up(usize),
    Down(usize),
    Delete(usize),
}

/// The waypoint, fence and rally editing panel. Upload buttons push
/// [`UiCommand::Transfer`]s into `m.outbox`, one per non-empty list.
pub fn waypoints_panel_ui(
    ui: &mut Ui,
    m: &mut UiModel,
    ed: &mut WaypointEditor,
    file_path: &mut String,
    dialog: &mut Option<Pending>,
) {
    egui::ScrollArea::vertical()
        .id_salt("wp-panel")
        .show(ui, |ui| {
            tools(ui, ed);
            ui.separator();
            items_table(ui, m, ed);
            ui.separator();
            fence_list(ui, ed);
            rally_list(ui, ed);
            ui.separator();
            files(ui, ed, file_path, dialog);
            ui.separator();
            findings_and_upload(ui, m, ed);
        });
}

fn tools(ui: &mut Ui, ed: &mut WaypointEditor) {
    ui.label(RichText::new(tr("Waypoints, fence and rally")).strong());
    let inclusion = match ed.tool {
        WpTool::FencePolygon { inclusion } | WpTool::FenceCircle { inclusion, .. } => inclusion,
        _ => true,
    };
    let radius_m = match ed.tool {
        WpTool::FenceCircle { radius_m, .. } => radius_m,
        _ => 100.0,
    };
    let mut tool = ed.tool;
    ui.horizontal_wrapped(|ui| {
        let choices = [
            (WpTool::Select, tr("Select")),
            (WpTool::AddWaypoint, tr("Add waypoint")),
            (WpTool::FencePolygon { inclusion }, tr("Fence polygon")),
            (
                WpTool::FenceCircle {
                    inclusion,
                    radius_m,
                },
                tr("Fence circle"),
            ),
            (WpTool::Rally, tr("Rally point")),
        ];
        for (t, name) in choices {
            let on = std::mem::discriminant(&ed.tool) == std::mem::discriminant(&t);
            if ui.selectable_label(on, name).clicked() {
                tool = t;
            }
        }
    });
    ui.horizontal_wrapped(|ui| {
        match &mut tool {
            WpTool::FencePolygon { inclusion } => {
                ui.checkbox(inclusion, tr("Inclusion (stay inside)"));
            }
            WpTool::FenceCircle {
                inclusion,
                radius_m,
            } => {
                ui.checkbox(inclusion, tr("Inclusion (stay inside)"));
                let l = ui.label(tr("Radius"));
                ui.add(DragValue::new(radius_m).range(1.0..=100_000.0).suffix(" m"))
                    .labelled_by(l.id);
            }
            _ => {}
        }
        let l = ui.label(tr("New waypoint altitude"));
        ui.add(
            DragValue::new(&mut ed.default_alt_m)
                .range(-500.0..=10_000.0)
                .suffix(" m"),
        )
        .labelled_by(l.id);
        let l = ui.label(tr("New rally altitude"));
        ui.add(
            DragValue::new(&mut ed.rally_alt_m)
                .range(-500.0..=10_000.0)
                .suffix(" m"),
        )
        .labelled_by(l.id);
    });
    if tool != ed.tool {
        ed.set_tool(tool);
    }
    if let Some(d) = &ed.drawing {
        let n = d.points.len();
        let mut close = false;
        let mut cancel = false;
        ui.horizontal_wrapped(|ui| {
            ui.label(trf(
                "Drawing a polygon: {n} vertices",
                &[("n", n.to_string())],
            ));
            close = ui
                .add_enabled(n >= 3, Button::new(tr("Close polygon")))
                .clicked();
            cancel = ui.button(tr("Cancel")).clicked();
        });
        if close {
            let _ = ed.close_polygon();
        } else if cancel {
            ed.drawing = None;
        }
    }
    ui.label(
        RichText::new(tr(
            "Click the map to use the tool; click a marker to select it, drag to move it, right-click to delete it.",
        ))
        .weak()
        .small(),
    );
}

fn items_table(ui: &mut Ui, m: &UiModel, ed: &mut WaypointEditor) {
    ui.label(
        RichText::new(trf(
            "Mission: {n} items",
            &[("n", ed.doc.mission.len().to_string())],
        ))
        .strong(),
    );
    if ed.doc.mission.is_empty() {
        ui.label(RichText::new(tr("No items: pick \"Add waypoint\" and click the map")).weak());
        return;
    }
    let highlight = palette(m.settings.theme).warn.gamma_multiply(0.35);
    let mut action = None;
    // Rows are laid out only where visible, so a long mission costs little per frame.
    egui::ScrollArea::horizontal()
        .id_salt("wp-items-h")
        .show(ui, |ui| {
            ui.vertical(|ui| {
                let header = header_row(ui);
                let rows = ed.doc.mission.len();
                egui::ScrollArea::vertical()
                    .id_salt("wp-items")
                    .max_height(320.0)
                    .show_rows(ui, ROW_PX, rows, |ui, range| {
                        for i in range {
                            let Some(it) = ed.doc.mission.get(i).copied() else {
                                continue;
                            };
                            let selected = ed.selected == Some(i);
                            let fill = if selected {
                                highlight
                            } else {
                                egui::Color32::TRANSPARENT
                            };
                            egui::Frame::new().fill(fill).show(ui, |ui| {
                                ui.horizontal(|ui| {
                                    if let Some(a) = item_row(ui, i, &it, selected, &header) {
                                        action = Some(a);
                                    }
                                });
                            });
                        }
                    });
            });
        });
    match action {
        Some(RowAction::Select(i)) => ed.selected = Some(i),
        Some(RowAction::Command(i, c)) => {
            ed.set_command(i, c);
        }
        Some(RowAction::Alt(i, v)) => {
            ed.set_altitude(i, v);
        }
        Some(RowAction::Param(i, k, v)) => {
            ed.set_param(i, k, v);
        }
        Some(RowAction::Up(i)) => {
            ed.move_up(i);
        }
        Some(RowAction::Down(i)) => {
            ed.move_down(i);
        }
        Some(RowAction::Delete(i)) => {
            ed.delete_item(i);
        }
        None => {}
    }
}

/// Height of a table row, without spacing.
const ROW_PX: f32 = 20.0;

/// The table's column headings, which name each row's fields for screen readers.
struct Header {
    command: egui::Id,
    alt: egui::Id,
    params: [egui::Id; 4],
}

fn header_row(ui: &mut Ui) -> Header {
    ui.horizontal(|ui| {
        ui.add_sized([34.0, 18.0], egui::Label::new("#"));
        let command = ui
            .add_sized([150.0, 18.0], egui::Label::new(tr("Command")))
            .id;
        let alt = ui
            .add_sized([62.0, 18.0], egui::Label::new(tr("Altitude")))
            .id;
        let params =
            ["P1", "P2", "P3", "P4"].map(|p| ui.add_sized([56.0, 18.0], egui::Label::new(p)).id);
        Header {
            command,
            alt,
            params,
        }
    })
    .inner
}

fn item_row(
    ui: &mut Ui,
    i: usize,
    it: &MissionItem,
    selected: bool,
    header: &Header,
) -> Option<RowAction> {
    let mut action = None;
    let n = (i + 1).to_string();
    let sel = ui.add_sized([34.0, 20.0], Button::selectable(selected, n.clone()));
    if sel
        .accessible_name(trf("Select item {n}", &[("n", n.clone())]))
        .clicked()
    {
        action = Some(RowAction::Select(i));
    }
    let mut command = it.command;
    egui::ComboBox::from_id_salt(("wp-command", i))
        .selected_text(command_name(it.command))
        .width(150.0)
        .show_ui(ui, |ui| {
            for s in &COMMON_COMMANDS {
                ui.selectable_value(&mut command, s.command, command_name(s.command));
            }
        })
        .response
        .labelled_by(header.command);
    if command != it.command {
        action = Some(RowAction::Command(i, command));
    }
    if item_uses_alt(it) {
        let mut alt = it.z;
        let r = ui.add_sized(
            [62.0, 20.0],
            DragValue::new(&mut alt)
                .range(-500.0..=10_000.0)
                .suffix(" m"),
        );
        if r.labelled_by(header.alt).changed() {
            action = Some(RowAction::Alt(i, alt));
        }
    } else {
        ui.add_sized([62.0, 20.0], egui::Label::new("—"));
    }
    let names = param_names(it.command);
    for (k, (name, id)) in names.iter().zip(header.params).enumerate() {
        let mut v = it.params.get(k).copied().unwrap_or(0.0);
        let mut r = ui.add_sized(
            [56.0, 20.0],
            DragValue::new(&mut v).speed(0.1).max_decimals(3),
        );
        if !name.is_empty() {
            r = r.on_hover_text(*name);
        }
        if r.labelled_by(id).changed() {
            action = Some(RowAction::Param(i, k, v));
        }
    }
    let args = [("n", n)];
    if arrow_button(ui, true, trf("Move item {n} up", &args)).clicked() {
        action = Some(RowAction::Up(i));
    }
    if arrow_button(ui, false, trf("Move item {n} down", &args)).clicked() {
        action = Some(RowAction::Down(i));
    }
    let delete = ui.small_button("×");
    if delete
        .accessible_name(trf("Delete item {n}", &args))
        .clicked()
    {
        action = Some(RowAction::Delete(i));
    }
    action
}

/// A small button with a painted up or down triangle (the default fonts have no arrows).
fn arrow_button(ui: &mut Ui, up: bool, name: String) -> egui::Response {
    let r = ui
        .add(Button::new("").small().min_size(egui::vec2(18.0, 18.0)))
        .accessible_name(name);
    let c = r.rect.center();
    let (tip, base) = if up { (-4.0, 3.0) } else { (4.0, -3.0) };
    let pts = vec![
        c + egui::vec2(0.0, tip),
        c + egui::vec2(4.5, base),
        c + egui::vec2(-4.5, base),
    ];
    let colour = ui.style().interact(&r).fg_stroke.color;
    ui.painter()
        .add(egui::Shape::convex_polygon(pts, colour, egui::Stroke::NONE));
    r
}

fn open_file(ed: &mut WaypointEditor, path: &str) {
    ed.note = Some(match ed.load(Path::new(path.trim())) {
        Ok(Loaded::Document) => trf("Opened {file}", &[("file", path.trim().to_owned())]),
        Ok(Loaded::Boundary { polygons }) => trf(
            "Added {n} fence polygon(s) from the boundary",
            &[("n", polygons.to_string())],
        ),
        Err(e) => e.to_string(),
    });
}

fn save_file(ed: &mut WaypointEditor, path: &str) {
    ed.note = Some(match ed.save(Path::new(path.trim())) {
        Ok(written) => {
            let files: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
            trf("Saved {files}", &[("files", files.join(", "))])
        }
        Err(e) => e.to_string(),
    });
}

fn files(
    ui: &mut Ui,
    ed: &mut WaypointEditor,
    file_path: &mut String,
    dialog: &mut Option<Pending>,
) {
    match chosen(
        dialog,
        file_path,
        Purpose::OpenMission,
        Purpose::SaveMission,
    ) {
        Some(FileAction::Open) => open_file(ed, file_path),
        Some(FileAction::Save) => save_file(ed, file_path),
        None => {}
    }
    ui.horizontal(|ui| {
        let l = ui.label(tr("File"));
        ui.text_edit_singleline(file_path).labelled_by(l.id);
    });
    ui.horizontal_wrapped(|ui| {
        dialog_button(
            ui,
            dialog,
            tr("Open…"),
            Purpose::OpenMission,
            file_path,
            true,
        );
        dialog_button(
            ui,
            dialog,
            tr("Save as…"),
            Purpose::SaveMission,
            file_path,
            true,
        );
        if ui.button(tr("Open")).clicked() {
            open_file(ed, file_path);
        }
        if ui.button(tr("Save")).clicked() {
            save_file(ed, file_path);
        }
        if ed.dirty {
            ui.label(RichText::new(tr("unsaved changes")).weak());
        }
    });
    if let Some(n) = &ed.note {
        ui.label(RichText::new(n).italics());
    }
}

fn findings_and_upload(ui: &mut Ui, m: &mut UiModel, ed: &WaypointEditor) {
    let p = palette(m.settings.theme);
    let findings = ed.findings();
    for f in &findings {
        let c = if f.severity == Severity::Error {
            p.bad
        } else {
            p.warn
        };
        ui.label(RichText::new(f.to_string()).color(c));
    }
    let has_errors = findings.iter().any(|f| f.severity == Severity::Error);
    let lists = ed.upload_lists();
    let vehicles: Vec<_> = m.snapshot.vehicles.iter().map(|v| v.id).collect();
    if vehicles.is_empty() {
        ui.label(RichText::new(tr("no vehicle to upload to")).weak());
        return;
    }
    let enabled = !has_errors && !lists.is_empty() && ed.drawing.is_none();
    ui.horizontal_wrapped(|ui| {
        for target in vehicles {
            let label = trf("Upload to vehicle {id}", &[("id", vehicle_label(target))]);
            let busy = m.transfer_running(target);
            if ui
                .add_enabled(enabled && !busy, Button::new(label))
                .clicked()
            {
                m.upload(target, lists.clone());
            }
        }
    });
    if ed.drawing.is_some() {
        ui.label(
            RichText::new(tr(
                "Close or cancel the polygon being drawn before uploading",
            ))
            .weak(),
        );
    }
}
