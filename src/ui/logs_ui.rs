//! The Onboard logs view, as in Mission Planner's "DataFlash logs" and QGroundControl's "Log
//! Download" screens: the selected vehicle's logs (id, start date, size) with tick boxes,
//! Refresh, Download selected, Download all, Erase all (after a confirmation), Cancel, the
//! download folder, and per log a progress bar with the rate, the saved file, or the error.
//! The state lives in [`crate::ui::logs`]; this file only draws.

use crate::protocol::logs::LogEntry;
use crate::ui::dialog::{Pending, Purpose, dialog_button, take_answer};
use crate::ui::i18n::{tr, trf};
use crate::ui::logs::{LogJobKind, VehicleLogs, human_bytes, log_date, rate_words};
use crate::ui::model::{UiCommand, UiModel, vehicle_label};
use crate::ui::theme::palette;
use crate::ui::widgets::labelled_text;
use crate::vehicle::VehicleId;
use egui::{ProgressBar, RichText, Ui};
use std::path::PathBuf;

/// Width of the progress bars.
const BAR_W: f32 = 280.0;

/// The Onboard logs view for the selected vehicle.
pub fn logs_ui(ui: &mut Ui, m: &mut UiModel, dialog: &mut Option<Pending>) {
    ui.heading(tr("Onboard logs"));
    ui.label(
        RichText::new(tr(
            "The autopilot's own logs (DataFlash .bin), downloaded over the telemetry link.",
        ))
        .weak(),
    );
    if m.replay.is_some() {
        ui.label(tr(
            "Replay: onboard logs come from connected vehicles. Close the replay first.",
        ));
        return;
    }
    let Some(v) = crate::ui::widgets::vehicle_picker(ui, m) else {
        return;
    };
    let armed = m.selected_vehicle().is_some_and(|s| s.armed);
    if armed {
        let p = palette(m.settings.theme);
        ui.label(
            RichText::new(trf(
                "Vehicle {id} is armed: ArduPilot answers log requests only when disarmed, and the log being written cannot be copied consistently.",
                &[("id", vehicle_label(v))],
            ))
            .color(p.warn),
        );
    }
    folder_row(ui, m, dialog);
    let vl = m.logs.vehicle(v).cloned().unwrap_or_default();
    buttons(ui, m, v, &vl, armed);
    status_line(ui, m, &vl);
    ui.separator();
    table(ui, m, v, &vl);
}

fn folder_row(ui: &mut Ui, m: &mut UiModel, dialog: &mut Option<Pending>) {
    ui.horizontal(|ui| {
        labelled_text(ui, tr("Save to folder"), &mut m.settings.log_folder);
        let folder = m.settings.log_folder.clone();
        dialog_button(
            ui,
            dialog,
            tr("Choose folder…"),
            Purpose::LogFolder,
            &folder,
            true,
        );
    });
    if let Some((_, Some(path))) = take_answer(dialog, |p| p == Purpose::LogFolder) {
        m.settings.log_folder = path.display().to_string();
    }
}

/// Queues a download of `entries`, or says why not.
fn download(m: &mut UiModel, target: VehicleId, entries: Vec<LogEntry>) {
    let folder = m.settings.log_folder.trim();
    if folder.is_empty() {
        m.status_note = Some(tr("Choose a folder for the logs first").to_owned());
        return;
    }
    let folder = PathBuf::from(folder);
    m.send(UiCommand::LogDownload {
        target,
        entries,
        folder,
    });
}

fn buttons(ui: &mut Ui, m: &mut UiModel, v: VehicleId, vl: &VehicleLogs, armed: bool) {
    let busy = vl.busy();
    // More downloads may be queued behind running ones, not behind a listing or erase.
    let can_queue = vl
        .job
        .as_ref()
        .is_none_or(|j| matches!(j.kind, LogJobKind::Download { .. }));
    let listed = vl.entries.as_deref().unwrap_or_default();
    let selected = vl.selected_entries();
    ui.horizontal_wrapped(|ui| {
        if ui
            .add_enabled(!busy, egui::Button::new(tr("Refresh")))
            .on_hover_text(tr("List the logs on the vehicle"))
            .clicked()
        {
            m.send(UiCommand::LogList { target: v });
        }
        let label = trf(
            "Download selected ({n})",
            &[("n", selected.len().to_string())],
        );
        if ui
            .add_enabled(can_queue && !selected.is_empty(), egui::Button::new(label))
            .clicked()
        {
            download(m, v, selected);
        }
        if ui
            .add_enabled(
                can_queue && !listed.is_empty(),
                egui::Button::new(tr("Download all")),
            )
            .clicked()
        {
            download(m, v, listed.to_vec());
        }
        if ui
            .add_enabled(
                !busy && !armed && !listed.is_empty(),
                egui::Button::new(tr("Erase all logs…")),
            )
            .clicked()
        {
            m.ask(
                trf(
                    "Erase every log on vehicle {id}?",
                    &[("id", vehicle_label(v))],
                ),
                trf(
                    "{n} logs ({size}) are deleted from the autopilot and cannot be recovered. Download the ones you need first.",
                    &[
                        ("n", listed.len().to_string()),
                        ("size", human_bytes(listed.iter().map(|e| u64::from(e.size_bytes)).sum())),
                    ],
                ),
                tr("Erase logs").to_owned(),
                vec![UiCommand::LogErase { target: v }],
            );
        }
        if ui
            .add_enabled(busy, egui::Button::new(tr("Cancel")))
            .on_hover_text(tr("Stop the running operation and forget the waiting downloads"))
            .clicked()
        {
            m.send(UiCommand::LogCancel { target: v });
        }
    });
}

fn status_line(ui: &mut Ui, m: &UiModel, vl: &VehicleLogs) {
    let p = palette(m.settings.theme);
    match vl.job.as_ref().map(|j| (j, &j.kind)) {
        Some((_, LogJobKind::List)) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(tr("Listing the logs…"));
            });
        }
        Some((_, LogJobKind::Erase)) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(tr("Erasing the logs…"));
            });
        }
        Some((j, LogJobKind::Download { entry, path })) => {
            let waiting = vl.queue.len();
            let mut text = trf(
                "Downloading log {id} to {path}",
                &[
                    ("id", entry.id.to_string()),
                    ("path", path.display().to_string()),
                ],
            );
            if waiting > 0 {
                text.push_str(&trf(" ({n} more waiting)", &[("n", waiting.to_string())]));
            }
            ui.label(text);
            let (done, total) = j.progress;
            let rate = j.rate_bps().map(rate_words).unwrap_or_default();
            ui.add(
                ProgressBar::new(j.fraction())
                    .desired_width(BAR_W * 1.5)
                    .text(trf(
                        "{done} of {total} {rate}",
                        &[
                            ("done", human_bytes(done)),
                            ("total", human_bytes(total)),
                            ("rate", rate),
                        ],
                    )),
            );
        }
        None => match &vl.note {
            Some(Ok(t)) => {
                ui.label(t);
            }
            Some(Err(e)) => {
                ui.label(RichText::new(e).color(p.bad));
            }
            None => {}
        },
    }
}

fn table(ui: &mut Ui, m: &mut UiModel, v: VehicleId, vl: &VehicleLogs) {
    let Some(entries) = vl.entries.as_deref() else {
        ui.label(tr("Press Refresh to list the logs on the vehicle."));
        return;
    };
    if entries.is_empty() {
        ui.label(tr("The vehicle has no logs."));
        return;
    }
    let p = palette(m.settings.theme);
    let mut toggled = Vec::new();
    egui::ScrollArea::vertical()
        .id_salt("onboard-logs")
        .show(ui, |ui| {
            egui::Grid::new("onboard-logs-grid")
                .striped(true)
                .spacing([16.0, 6.0])
                .show(ui, |ui| {
                    ui.label(RichText::new(tr("Log")).strong());
                    ui.label(RichText::new(tr("Date (UTC)")).strong());
                    ui.label(RichText::new(tr("Size")).strong());
                    ui.scope(|ui| {
                        ui.set_min_width(BAR_W);
                        ui.label(RichText::new(tr("Status")).strong());
                    });
                    ui.end_row();
                    for e in entries {
                        let mut ticked = vl.selected.contains(&e.id);
                        let name = trf("Log {id}", &[("id", e.id.to_string())]);
                        if ui.checkbox(&mut ticked, name).changed() {
                            toggled.push((e.id, ticked));
                        }
                        ui.label(log_date(e.time_utc_s));
                        ui.label(human_bytes(u64::from(e.size_bytes)));
                        status_cell(ui, vl, e, p);
                        ui.end_row();
                    }
                });
        });
    if !toggled.is_empty() {
        let sel = &mut m.logs.vehicle_mut(v).selected;
        for (id, on) in toggled {
            if on {
                sel.insert(id);
            } else {
                sel.remove(&id);
            }
        }
    }
}

fn status_cell(ui: &mut Ui, vl: &VehicleLogs, e: &LogEntry, p: crate::ui::theme::Palette) {
    if let Some(j) = vl.job.as_ref().filter(|_| vl.downloading() == Some(e.id)) {
        let pct = format!("{:.0} %", j.fraction() * 100.0);
        let text = match j.rate_bps() {
            Some(r) => format!("{pct} · {}", rate_words(r)),
            None => pct,
        };
        ui.add(
            ProgressBar::new(j.fraction())
                .desired_width(BAR_W)
                .text(text),
        );
    } else if vl.queued(e.id) {
        ui.label(RichText::new(tr("Waiting")).weak());
    } else {
        match vl.results.get(&e.id) {
            Some(Ok(s)) => {
                let text = trf(
                    "Saved: {path} ({rate})",
                    &[
                        ("path", s.path.display().to_string()),
                        ("rate", rate_words(s.rate_bps())),
                    ],
                );
                ui.label(RichText::new(text).color(p.good))
                    .on_hover_text(trf(
                        "{size} in {time}",
                        &[
                            ("size", human_bytes(s.size_bytes)),
                            ("time", crate::ui::format::duration(s.duration_us)),
                        ],
                    ));
            }
            Some(Err(err)) => {
                ui.label(RichText::new(err).color(p.bad));
            }
            None => {}
        }
    }
}
