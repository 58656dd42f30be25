//! The Plan view's side panel: drawing tools, import, camera and survey settings, live
//! statistics with validation findings beside the values they concern, the split across
//! aircraft with per-part upload, and saving.

use super::model::{PlanModel, Tool};
use crate::formats::document::Input;
use crate::plan::MissionType;
use crate::plan::validate::{Finding, Severity};
use crate::ui::dialog::{FileAction, Pending, Purpose, chosen, dialog_button};
use crate::ui::format;
use crate::ui::i18n::{tr, trf};
use crate::ui::map::overlay::PART_COLOURS;
use crate::ui::model::{UiModel, vehicle_label};
use crate::ui::theme::palette;
use egui::{DragValue, RichText, Ui};
use std::path::Path;

/// Findings whose code concerns a setting, shown beside it.
fn findings_for<'a>(m: &'a PlanModel, codes: &'a [&str]) -> impl Iterator<Item = &'a Finding> + 'a {
    let all: &[Finding] = match &m.result {
        Some(Ok(r)) => &r.findings,
        _ => &[],
    };
    all.iter().filter(move |f| codes.contains(&f.code))
}

fn finding_lines(ui: &mut Ui, um: &UiModel, codes: &[&str]) {
    let p = palette(um.settings.theme);
    for f in findings_for(&um.plan, codes) {
        let c = if f.severity == Severity::Error {
            p.bad
        } else {
            p.warn
        };
        ui.label(RichText::new(f.message.clone()).color(c));
    }
}

/// Imports a boundary (KML, KMZ, GeoJSON, .plan, fence file) into the plan.
pub fn import_boundary(m: &mut PlanModel, path: &Path) -> Result<usize, String> {
    let input = crate::cli::plan::read_input(path).map_err(|e| format!("{e:#}"))?;
    let areas = match input {
        Input::Boundary(a) => a,
        Input::Doc(d) => crate::formats::boundary::plan_boundary(&d).map_err(|e| e.to_string())?,
    };
    let first = areas
        .first()
        .ok_or_else(|| format!("{}: no polygon found", path.display()))?;
    m.set_area(first);
    Ok(areas.len())
}

/// Saves part `i` (or the only part) as .plan or .waypoints by the file's extension.
pub fn save_part(m: &PlanModel, i: usize, path: &Path) -> Result<String, String> {
    let Some(Ok(r)) = &m.result else {
        return Err(tr("Nothing to save: draw a field first").to_owned());
    };
    let part = r.parts.get(i).ok_or_else(|| format!("no part {}", i + 1))?;
    let written = crate::cli::plan::write_doc(path, &part.doc).map_err(|e| format!("{e:#}"))?;
    Ok(written
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", "))
}

/// The Plan side panel.
pub fn plan_panel_ui(
    ui: &mut Ui,
    um: &mut UiModel,
    file_path: &mut String,
    dialog: &mut Option<Pending>,
) {
    egui::ScrollArea::vertical().show(ui, |ui| {
        tools(ui, um, file_path, dialog);
        ui.separator();
        settings(ui, um);
        ui.separator();
        results(ui, um);
    });
}

fn tools(ui: &mut Ui, um: &mut UiModel, file_path: &mut String, dialog: &mut Option<Pending>) {
    let m = &mut um.plan;
    ui.label(RichText::new(tr("Survey area")).strong());
    ui.horizontal_wrapped(|ui| {
        ui.selectable_value(&mut m.tool, Tool::Boundary, tr("Draw field"));
        if ui
            .selectable_label(m.tool == Tool::Zone, tr("Add exclusion zone"))
            .clicked()
        {
            m.new_zone();
        }
        ui.selectable_value(&mut m.tool, Tool::Select, tr("Edit"));
        if ui.button(tr("Clear")).clicked() {
            m.clear();
        }
    });
    ui.label(
        RichText::new(trf(
            "Field: {n} vertices, {z} zones",
            &[
                ("n", m.boundary.len().to_string()),
                (
                    "z",
                    m.zones.iter().filter(|z| z.len() >= 3).count().to_string(),
                ),
            ],
        ))
        .weak(),
    );
    ui.label(RichText::new(tr("Click the map to add vertices; drag a vertex to move it, right-click it to delete, drag a + to insert.")).weak().small());
    match chosen(
        dialog,
        file_path,
        Purpose::ImportBoundary,
        Purpose::SavePart(0),
    ) {
        Some(FileAction::Open) => import_into(m, Path::new(file_path.trim())),
        Some(FileAction::Save) => save_all(m, file_path),
        None => {}
    }
    ui.horizontal(|ui| {
        crate::ui::widgets::labelled_text(ui, tr("File"), file_path);
    });
    ui.horizontal_wrapped(|ui| {
        let generated = matches!(m.result, Some(Ok(_)));
        dialog_button(
            ui,
            dialog,
            tr("Open boundary…"),
            Purpose::ImportBoundary,
            file_path,
            true,
        );
        dialog_button(
            ui,
            dialog,
            tr("Save as…"),
            Purpose::SavePart(0),
            file_path,
            generated,
        );
        if ui.button(tr("Import boundary")).clicked() {
            import_into(m, Path::new(file_path.trim()));
        }
        let parts = match &m.result {
            Some(Ok(r)) => r.parts.len(),
            _ => 0,
        };
        for i in 0..parts {
            let label = if parts > 1 {
                trf("Save part {n}", &[("n", (i + 1).to_string())])
            } else {
                tr("Save").to_owned()
            };
            if ui.button(label).clicked() {
                let path = std::path::PathBuf::from(file_path.trim());
                let path = if parts > 1 {
                    crate::cli::plan::sibling(&path, &format!("-part{}", i + 1))
                } else {
                    path
                };
                m.note = Some(match save_part(m, i, &path) {
                    Ok(w) => trf("Saved {files}", &[("files", w)]),
                    Err(e) => e,
                });
            }
        }
    });
    if let Some(n) = &m.note {
        ui.label(RichText::new(n).italics());
    }
}

fn import_into(m: &mut PlanModel, path: &Path) {
    m.note = Some(match import_boundary(m, path) {
        Ok(n) => trf("Imported {n} polygon(s)", &[("n", n.to_string())]),
        Err(e) => e,
    });
}

/// Saves every part: the only one to `path`, or part N beside it as `NAME-partN.EXT`.
fn save_all(m: &mut PlanModel, path: &str) {
    let parts = match &m.result {
        Some(Ok(r)) => r.parts.len(),
        _ => 0,
    };
    let mut notes = Vec::new();
    for i in 0..parts {
        let base = std::path::PathBuf::from(path.trim());
        let p = if parts > 1 {
            crate::cli::plan::sibling(&base, &format!("-part{}", i + 1))
        } else {
            base
        };
        notes.push(match save_part(m, i, &p) {
            Ok(w) => trf("Saved {files}", &[("files", w)]),
            Err(e) => e,
        });
    }
    m.note = Some(notes.join("; "));
}

fn settings(ui: &mut Ui, um: &mut UiModel) {
    let cameras = um.plan.cameras();
    let before = um.plan.settings.clone();
    let s = &mut um.plan.settings;
    ui.label(RichText::new(tr("Camera and coverage")).strong());
    egui::ComboBox::new("camera", tr("Camera"))
        .selected_text(s.camera.clone())
        .width(260.0)
        .show_ui(ui, |ui| {
            for c in &cameras {
                ui.selectable_value(&mut s.camera, c.name.clone(), &c.name);
            }
        });
    egui::Grid::new("survey-settings")
        .num_columns(2)
        .show(ui, |ui| {
            ui.radio_value(&mut s.by_gsd, true, tr("GSD"));
            ui.add_enabled(
                s.by_gsd,
                DragValue::new(&mut s.gsd_cm)
                    .range(0.2..=50.0)
                    .speed(0.05)
                    .suffix(" cm/px"),
            );
            ui.end_row();
            ui.radio_value(&mut s.by_gsd, false, tr("Altitude"));
            ui.add_enabled(
                !s.by_gsd,
                DragValue::new(&mut s.alt_m)
                    .range(5.0..=1000.0)
                    .suffix(" m"),
            );
            ui.end_row();
            let l = ui.label(tr("Front overlap"));
            crate::ui::widgets::slider(ui, l.id, &mut s.front_pct, 0.0..=95.0, " %");
            ui.end_row();
            let l = ui.label(tr("Side overlap"));
            crate::ui::widgets::slider(ui, l.id, &mut s.side_pct, 0.0..=95.0, " %");
            ui.end_row();
            let l = ui.checkbox(&mut s.angle_auto, tr("Angle: auto"));
            ui.horizontal(|ui| {
                ui.add_enabled_ui(!s.angle_auto, |ui| {
                    crate::ui::widgets::angle_dial(ui, l.id, &mut s.angle_deg);
                    ui.add(
                        egui::DragValue::new(&mut s.angle_deg)
                            .range(0.0..=179.0)
                            .suffix("°"),
                    )
                    .labelled_by(l.id);
                });
            });
            ui.end_row();
            let l = ui.label(tr("Entry"));
            let entry_names = [tr("nearest home"), "1", "2", "3", "4"];
            let _ = egui::ComboBox::from_id_salt("entry")
                .selected_text(
                    entry_names
                        .get(usize::from(s.entry))
                        .copied()
                        .unwrap_or("?"),
                )
                .show_ui(ui, |ui| {
                    for (k, n) in entry_names.iter().enumerate() {
                        ui.selectable_value(&mut s.entry, k as u8, *n);
                    }
                })
                .response
                .labelled_by(l.id);
            ui.end_row();
            ui.label(tr("Turnaround"));
            ui.add(
                DragValue::new(&mut s.turnaround_m)
                    .range(0.0..=500.0)
                    .suffix(" m"),
            );
            ui.end_row();
            ui.label(tr("Speed"));
            ui.add(
                DragValue::new(&mut s.speed_mps)
                    .range(1.0..=40.0)
                    .speed(0.1)
                    .suffix(" m/s"),
            );
            ui.end_row();
            ui.checkbox(&mut s.crosshatch, tr("Crosshatch"));
            if ui.checkbox(&mut s.plane, tr("Fixed wing")).changed() {
                // A plane needs a long straight into and out of each line to be level while
                // its camera is on.
                let kind = if s.plane {
                    crate::plan::document::VehicleKind::Plane
                } else {
                    crate::plan::document::VehicleKind::Copter
                };
                s.turnaround_m = crate::plan::survey::default_turnaround_m(kind, s.speed_mps);
            }
            ui.end_row();
            ui.label(tr("Aircraft / parts"));
            ui.horizontal(|ui| {
                ui.selectable_value(&mut s.parts, 1, "1");
                ui.selectable_value(&mut s.parts, 2, "2");
                ui.selectable_value(&mut s.parts, 3, "3");
            });
            ui.end_row();
            ui.label(tr("Endurance"));
            ui.add(
                DragValue::new(&mut s.endurance_min)
                    .range(1.0..=600.0)
                    .suffix(" min"),
            );
            ui.end_row();
        });
    if um.plan.settings != before {
        um.plan.dirty = true;
    }
    finding_lines(ui, um, &["photo-interval", "altitude-high", "altitude-low"]);
}

fn results(ui: &mut Ui, um: &mut UiModel) {
    // Regenerating takes tens of milliseconds on a large field: while a vertex or slider is
    // being dragged, at most four times a second; at once when it is let go.
    let id = egui::Id::unique("plan-regenerated-at");
    let now = ui.input(|i| i.time);
    let held = ui.input(|i| i.pointer.any_down());
    let last: f64 = ui.data(|d| d.get_temp(id)).unwrap_or(f64::NEG_INFINITY);
    if um.plan.dirty && (!held || now - last >= 0.25) {
        um.plan.regenerate();
        ui.data_mut(|d| d.insert_temp(id, now));
    } else if um.plan.dirty {
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_millis(250));
    }
    let p = palette(um.settings.theme);
    let units = um.settings.units;
    ui.label(RichText::new(tr("Statistics")).strong());
    let r = match &um.plan.result {
        None => {
            ui.label(RichText::new(tr("Draw at least three vertices")).weak());
            return;
        }
        Some(Err(e)) => {
            ui.label(RichText::new(e).color(p.bad));
            return;
        }
        Some(Ok(r)) => std::sync::Arc::clone(r),
    };
    let st = &r.stats;
    egui::Grid::new("plan-stats").num_columns(2).show(ui, |ui| {
        let mut row = |k: &str, v: String| {
            ui.label(k);
            ui.label(RichText::new(v).strong());
            ui.end_row();
        };
        row(tr("Area"), format!("{:.2} ha", st.area_ha));
        row(
            tr("GSD"),
            r.geometry
                .gsd_cm
                .map_or("—".into(), |g| format!("{g:.2} cm/px")),
        );
        row(tr("Altitude"), format::alt(units, r.geometry.alt_m));
        row(
            tr("Line spacing"),
            format::dist(units, r.geometry.line_spacing_m),
        );
        row(tr("Transects"), st.transects.to_string());
        row(tr("Photos"), st.photos.to_string());
        row(tr("Distance"), format::dist(units, st.distance_m));
        row(
            tr("Flight time"),
            format::duration((st.flight_time_s * 1e6) as u64),
        );
        row(
            tr("Photo interval"),
            format!("{:.1} s", st.photo_interval_s),
        );
    });
    finding_lines(ui, um, &["endurance", "distance"]);
    let others: Vec<Finding> = r
        .findings
        .iter()
        .filter(|f| {
            ![
                "photo-interval",
                "altitude-high",
                "altitude-low",
                "endurance",
                "distance",
            ]
            .contains(&f.code)
        })
        .cloned()
        .collect();
    for f in &others {
        let c = if f.severity == Severity::Error {
            p.bad
        } else {
            p.warn
        };
        ui.label(RichText::new(f.message.clone()).color(c));
    }
    ui.separator();
    let vehicles: Vec<_> = um.snapshot.vehicles.iter().map(|v| v.id).collect();
    for (i, part) in r.parts.iter().enumerate() {
        let colour = PART_COLOURS[i % PART_COLOURS.len()];
        ui.horizontal_wrapped(|ui| {
            let name = if r.parts.len() > 1 {
                trf("Part {n}", &[("n", (i + 1).to_string())])
            } else {
                tr("Mission").to_owned()
            };
            ui.label(RichText::new(name).color(colour).strong());
            ui.label(format!(
                "{} · {} {}",
                format::duration((part.stats.flight_time_s * 1e6) as u64),
                part.stats.photos,
                tr("photos")
            ));
            // Part N goes to vehicle N by default, a single part to the selected vehicle;
            // the operator may pick another.
            let default = if r.parts.len() == 1 {
                um.selected.or(vehicles.first().copied())
            } else {
                vehicles.get(i).or(vehicles.first()).copied()
            };
            let chosen = um
                .plan
                .targets
                .get(&i)
                .copied()
                .filter(|t| vehicles.contains(t))
                .or(default);
            let has_errors = r.findings.iter().any(|f| f.severity == Severity::Error);
            if let Some(mut t) = chosen {
                let l = ui.label(tr("to"));
                let _ = egui::ComboBox::from_id_salt(("part-target", i))
                    .selected_text(vehicle_label(t))
                    .show_ui(ui, |ui| {
                        for v in &vehicles {
                            ui.selectable_value(&mut t, *v, vehicle_label(*v));
                        }
                    })
                    .response
                    .labelled_by(l.id);
                um.plan.targets.insert(i, t);
                let label = trf("Upload to vehicle {id}", &[("id", vehicle_label(t))]);
                let busy = um.transfer_running(t);
                if ui
                    .add_enabled(!has_errors && !busy, egui::Button::new(label))
                    .clicked()
                {
                    let mut lists = vec![(MissionType::Mission, part.doc.mission_upload_list())];
                    let fence = part.doc.fence.to_items();
                    if !fence.is_empty() {
                        lists.push((MissionType::Fence, fence));
                    }
                    um.upload(t, lists);
                }
            } else {
                ui.label(RichText::new(tr("no vehicle to upload to")).weak());
            }
        });
    }
}
