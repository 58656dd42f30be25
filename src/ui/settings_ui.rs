//! The Settings view: language, theme, UI scale, units, map background and user tile
//! sources, alert thresholds and sound on the left; MAVLink 2 signing and the offline map of
//! the plan area on the right. Changes apply at once and are saved on exit.

use crate::ui::dialog::Pending;
use crate::ui::i18n::{Language, tr};
use crate::ui::map::prefetch::{PrefetchPanel, prefetch_ui};
use crate::ui::model::UiModel;
use crate::ui::settings::{CustomSource, MapBackground, Theme, Units};
use crate::ui::widgets::{slider, text_field};
use egui::{RichText, Ui};

/// The Settings view. `prefetch` is the "prepare offline map" form's state; `dialog` the
/// file dialog (for a signing key file).
pub fn settings_ui(
    ui: &mut Ui,
    m: &mut UiModel,
    prefetch: &mut PrefetchPanel,
    dialog: &mut Option<Pending>,
) {
    egui::ScrollArea::vertical()
        .id_salt("settings")
        .show(ui, |ui| {
            ui.columns(2, |cols| {
                let [left, right] = cols else { return };
                // Left-aligned, not justified: buttons keep their size, text its spacing.
                let top_down = egui::Layout::top_down(egui::Align::Min);
                left.with_layout(top_down, |ui| general(ui, m));
                right.with_layout(top_down, |ui| {
                    crate::ui::signing_ui::signing_ui(ui, m, dialog);
                    ui.separator();
                    ui.label(RichText::new(tr("Offline map of the plan area")).strong());
                    let source = m.settings.online_source().and_then(Result::ok);
                    let ctx = ui.ctx().clone();
                    if let Some(path) = prefetch_ui(ui, prefetch, source, &m.plan.boundary, ctx) {
                        m.settings.map.background = MapBackground::Offline(path);
                    }
                });
            });
        });
}

fn general(ui: &mut Ui, m: &mut UiModel) {
    let s = &mut m.settings;
    ui.heading(tr("Settings"));
    egui::Grid::new("settings")
        .num_columns(2)
        .spacing([16.0, 8.0])
        .show(ui, |ui| {
            ui.label(tr("Language"));
            ui.horizontal(|ui| {
                for l in Language::ALL {
                    ui.selectable_value(&mut s.language, l, l.native_name());
                }
            });
            ui.end_row();
            ui.label(tr("Theme"));
            ui.horizontal(|ui| {
                ui.selectable_value(
                    &mut s.theme,
                    Theme::Daylight,
                    tr("Daylight (high contrast)"),
                );
                ui.selectable_value(&mut s.theme, Theme::Dark, tr("Dark"));
            });
            ui.end_row();
            let l = ui.label(tr("UI scale"));
            slider(ui, l.id, &mut s.ui_scale, 0.75..=2.5, "×");
            ui.end_row();
            ui.label(tr("Units"));
            ui.horizontal(|ui| {
                ui.selectable_value(&mut s.units, Units::Metric, tr("Metric"));
                ui.selectable_value(&mut s.units, Units::Imperial, tr("Imperial"));
            });
            ui.end_row();
            let l = ui.label(tr("Battery warning"));
            slider(ui, l.id, &mut s.battery_warn_pct, 5.0..=60.0, " %");
            ui.end_row();
            let l = ui.label(tr("Battery critical"));
            let warn = s.battery_warn_pct;
            slider(ui, l.id, &mut s.battery_critical_pct, 0.0..=warn, " %");
            ui.end_row();
            ui.label(tr("Alert sound"));
            ui.checkbox(&mut s.sound, tr("Play alert tones"));
            ui.end_row();
        });
    ui.separator();
    ui.label(RichText::new(tr("Map background")).strong());
    let map = &mut s.map;
    ui.radio_value(
        &mut map.background,
        MapBackground::None,
        tr("No tiles (graticule only)"),
    );
    ui.radio_value(
        &mut map.background,
        MapBackground::OpenStreetMap,
        tr("OpenStreetMap (online, cached)"),
    );
    for (i, c) in map.custom.iter().enumerate() {
        ui.radio_value(
            &mut map.background,
            MapBackground::Custom(i),
            format!("{} — {}", c.name, c.url),
        );
    }
    // The typed path lives between frames; it takes effect when the field is left.
    let offline_id = ui.scope_id().with("offline-path");
    let mut offline: String = ui
        .data_mut(|d| d.get_temp(offline_id))
        .unwrap_or_else(|| match &map.background {
            MapBackground::Offline(p) => p.display().to_string(),
            _ => String::new(),
        });
    ui.horizontal(|ui| {
        let l = ui.label(tr("Offline tiles (XYZ folder, .mbtiles, .pmtiles)"));
        if text_field(ui, l.id, &mut offline).lost_focus() && !offline.trim().is_empty() {
            map.background = MapBackground::Offline(offline.trim().into());
        }
    });
    ui.data_mut(|d| d.insert_temp(offline_id, offline));
    ui.collapsing(tr("Add an online source (e.g. satellite)"), |ui| {
        let id = ui.scope_id().with("new-source");
        let (mut name, mut url): (String, String) =
            ui.data_mut(|d| d.get_temp(id).unwrap_or_default());
        ui.horizontal(|ui| {
            let l = ui.label(tr("Name"));
            text_field(ui, l.id, &mut name);
        });
        ui.horizontal(|ui| {
            let l = ui.label(tr("URL template"));
            text_field(ui, l.id, &mut url);
        });
        let ok = url.contains("{z}")
            && url.contains("{x}")
            && url.contains("{y}")
            && (url.starts_with("http://") || url.starts_with("https://"));
        if ui
            .add_enabled(
                ok && !name.trim().is_empty(),
                egui::Button::new(tr("Add source")),
            )
            .clicked()
        {
            map.custom.push(CustomSource {
                name: name.trim().to_owned(),
                url: url.trim().to_owned(),
            });
            map.background = MapBackground::Custom(map.custom.len() - 1);
            name.clear();
            url.clear();
        }
        if !ok && !url.is_empty() {
            ui.label(tr("The template needs http(s):// and {z}, {x}, {y}."));
        }
        ui.data_mut(|d| d.insert_temp(id, (name, url)));
    });
}
