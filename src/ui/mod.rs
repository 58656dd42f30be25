//! The desktop app's panels, one per file, drawn from a [`model::UiModel`] and emitting
//! [`model::UiCommand`]s. Only this module and [`crate::app`] import egui.

pub mod dialog;
pub mod fly;
pub mod format;
pub mod i18n;
pub mod links;
pub mod logs;
pub mod logs_ui;
pub mod map;
pub mod model;
pub mod params;
pub mod params_ui;
pub mod plan;
pub mod recording_alert;
pub mod replay;
pub mod replay_export;
pub mod settings;
pub mod settings_ui;
pub mod signing;
pub mod signing_ui;
pub mod theme;
pub mod tracks;
pub mod widgets;

use egui::{RichText, Ui};
use i18n::tr;
use model::{UiCommand, UiModel, View};

/// What the panels keep between frames beyond the model: map state and text fields.
#[derive(Debug, Default)]
pub struct Panels {
    /// The map.
    pub map: map::MapView,
    /// Plan view: the file path field.
    pub plan_file: String,
    /// Pre-flight: the new checklist item being typed.
    pub new_check: String,
    /// Links view: the connection string being typed.
    pub new_link: String,
    /// A native file dialog waiting for its answer.
    pub dialog: Option<dialog::Pending>,
    /// Parameters view: the parameter file path.
    pub param_file: String,
    /// Settings view: "prepare offline map".
    pub prefetch: map::prefetch::PrefetchPanel,
}

/// The top bar: views, alerts, language.
fn top_bar(ui: &mut Ui, m: &mut UiModel, g: &mut Panels) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Steppe").strong().size(18.0));
        ui.separator();
        for (v, name) in [
            (View::Fly, tr("Fly")),
            (View::Plan, tr("Plan")),
            (View::Links, tr("Links")),
            (View::Params, tr("Parameters")),
            (View::Logs, tr("Onboard logs")),
            (View::Settings, tr("Settings")),
        ] {
            ui.selectable_value(&mut m.view, v, RichText::new(name).size(16.0));
        }
        ui.separator();
        dialog::dialog_button(
            ui,
            &mut g.dialog,
            tr("Open log…"),
            dialog::Purpose::OpenLog,
            "",
            true,
        );
        if let Some((_, Some(path))) =
            dialog::take_answer(&mut g.dialog, |p| p == dialog::Purpose::OpenLog)
        {
            m.outbox.push(UiCommand::OpenReplay(path));
        }
        if let Some(n) = &m.status_note {
            ui.label(RichText::new(n).italics());
        }
    });
    alert_banner(ui, m);
}

/// An alert's name in the UI language.
pub fn alert_title(kind: crate::alerts::AlertKind) -> &'static str {
    use crate::alerts::AlertKind as K;
    match kind {
        K::LinkLost => tr("Link lost"),
        K::CriticalBattery => tr("Critical battery"),
        K::Failsafe => tr("Failsafe"),
        K::GeofenceBreach => tr("Geofence breach"),
        K::LowBattery => tr("Low battery"),
        K::GpsLost => tr("GPS lost"),
        K::EkfBad => tr("EKF bad"),
    }
}

/// What an alert is about, in the UI language, from the vehicle's state now; the vehicle's
/// own words for failsafe and fence messages.
pub fn alert_detail(
    a: &crate::alerts::Alert,
    v: Option<&crate::vehicle::VehicleState>,
    now_us: u64,
    units: settings::Units,
) -> String {
    use crate::alerts::AlertKind as K;
    let Some(v) = v else {
        return a.text.clone();
    };
    match a.kind {
        K::LinkLost => i18n::trf(
            "nothing heard for {s} s",
            &[(
                "s",
                format!("{:.0}", now_us.saturating_sub(v.last_heard_us) as f64 / 1e6),
            )],
        ),
        K::LowBattery | K::CriticalBattery => {
            let pct = v
                .battery
                .remaining_pct
                .map_or("?".to_owned(), |p| format!("{p:.0} %"));
            let volt = v
                .battery
                .voltage_v
                .map_or("?".to_owned(), |x| format!("{x:.1} V"));
            i18n::trf("battery {pct} ({volt})", &[("pct", pct), ("volt", volt)])
        }
        K::GpsLost => match &v.gps {
            Some(g) if !v.is_stale(crate::vehicle::FieldGroup::Gps, now_us) => i18n::trf(
                "GPS {fix}, {n} satellites",
                &[
                    ("fix", crate::vehicle::gps_fix_name(g.fix_type).to_owned()),
                    ("n", g.satellites.map_or("?".to_owned(), |n| n.to_string())),
                ],
            ),
            _ => tr("no GPS data").to_owned(),
        },
        K::EkfBad => match &v.ekf {
            Some(e) => i18n::trf(
                "EKF variance {v}",
                &[("v", format!("{:.2}", e.max_variance()))],
            ),
            None => a.text.clone(),
        },
        K::Failsafe | K::GeofenceBreach => {
            let alt = v
                .position
                .alt_rel_m
                .map_or(String::new(), |x| format!(" · {}", format::alt(units, x)));
            // The alert's text starts with the vehicle, which the title already names.
            let prefix = format!("{}: ", crate::alerts::vehicle_label(a.vehicle));
            let words = a.text.strip_prefix(&prefix).unwrap_or(&a.text);
            format!("{words}{alt}")
        }
    }
}

/// Active alerts as coloured bars across the window: unacknowledged ones large with an
/// "Acknowledge" button (which silences the tone), acknowledged ones small while their
/// condition lasts.
fn alert_banner(ui: &mut Ui, m: &mut UiModel) {
    let p = theme::palette(m.settings.theme);
    if let Some(r) = &mut m.recording_alert {
        egui::Frame::new()
            .fill(p.warn)
            .inner_margin(4.0)
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal(|ui| {
                    let size = if r.acknowledged { 13.0 } else { 18.0 };
                    let fg = egui::Color32::BLACK;
                    ui.label(RichText::new(r.title()).color(fg).strong().size(size));
                    ui.label(RichText::new(r.detail()).color(fg).size(size - 3.0));
                    if !r.acknowledged && ui.button(tr("Acknowledge")).clicked() {
                        r.acknowledged = true;
                    }
                });
            });
    }
    let mut ack = None;
    for a in m.alerts.active() {
        let critical = a.severity == crate::alerts::Severity::Critical;
        let (bg, fg) = if critical {
            (p.bad, egui::Color32::WHITE)
        } else {
            (p.warn, egui::Color32::BLACK)
        };
        let who = i18n::trf("Vehicle {id}", &[("id", model::vehicle_label(a.vehicle))]);
        let title = format!("{who} — {}", alert_title(a.kind));
        egui::Frame::new()
            .fill(bg)
            .inner_margin(4.0)
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal(|ui| {
                    let size = if a.acknowledged { 13.0 } else { 18.0 };
                    ui.label(RichText::new(&title).color(fg).strong().size(size));
                    let v = m.snapshot.vehicles.iter().find(|v| v.id == a.vehicle);
                    let detail = alert_detail(&a, v, m.now_us, m.settings.units);
                    ui.label(RichText::new(detail).color(fg).size(size - 3.0));
                    if !a.acknowledged && ui.button(tr("Acknowledge")).clicked() {
                        ack = Some((a.vehicle, a.kind));
                    }
                });
            });
    }
    if let Some((v, k)) = ack {
        m.alerts.acknowledge(v, k);
    }
}

/// Draws the whole window.
pub fn root_ui(ui: &mut Ui, m: &mut UiModel, g: &mut Panels) {
    egui::Panel::top("top").show(ui, |ui| top_bar(ui, m, g));
    replay::shortcuts(ui, m);
    match m.view {
        View::Fly => fly_view(ui, m, g),
        View::Plan => {
            egui::Panel::left("plan-panel")
                .default_size(if m.plan_waypoints { 620.0 } else { 340.0 })
                .show(ui, |ui| {
                    ui.horizontal(|ui| {
                        ui.selectable_value(
                            &mut m.plan_waypoints,
                            false,
                            RichText::new(tr("Survey")).strong(),
                        );
                        ui.selectable_value(
                            &mut m.plan_waypoints,
                            true,
                            RichText::new(tr("Waypoints")).strong(),
                        );
                    });
                    ui.separator();
                    if m.plan_waypoints {
                        let mut ed = std::mem::take(&mut m.waypoints);
                        plan::waypoints_panel::waypoints_panel_ui(
                            ui,
                            m,
                            &mut ed,
                            &mut g.plan_file,
                            &mut g.dialog,
                        );
                        m.waypoints = ed;
                    } else {
                        plan::panel::plan_panel_ui(ui, m, &mut g.plan_file, &mut g.dialog);
                    }
                });
            egui::CentralPanel::default().show(ui, |ui| map::map_ui(ui, &mut g.map, m));
        }
        View::Links => {
            egui::CentralPanel::default().show(ui, |ui| links::links_ui(ui, m, &mut g.new_link));
        }
        View::Params => {
            egui::CentralPanel::default().show(ui, |ui| {
                params_ui::params_ui(ui, m, &mut g.param_file, &mut g.dialog)
            });
        }
        View::Logs => {
            egui::CentralPanel::default().show(ui, |ui| logs_ui::logs_ui(ui, m, &mut g.dialog));
        }
        View::Settings => {
            egui::CentralPanel::default().show(ui, |ui| {
                settings_ui::settings_ui(ui, m, &mut g.prefetch, &mut g.dialog)
            });
        }
    }
    fly::actions::confirm_ui(ui.ctx(), m);
    if g.dialog.as_mut().is_some_and(|d| !d.answered()) {
        // Look for the dialog's answer even while the mouse rests.
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_millis(200));
    }
}

fn fly_view(ui: &mut Ui, m: &mut UiModel, g: &mut Panels) {
    if m.replay.is_some() {
        egui::Panel::bottom("replay-bar")
            .resizable(false)
            .show(ui, |ui| replay::replay_bar_ui(ui, m));
    }
    egui::Panel::left("fly-left")
        .default_size(330.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("cards")
                .show(ui, |ui| {
                    let now = m.now_us;
                    let units = m.settings.units;
                    // The snapshot is shared, not copied, while the panels draw from it.
                    let snap = std::sync::Arc::clone(&m.snapshot);
                    let selected = m
                        .selected
                        .and_then(|id| snap.vehicles.iter().find(|v| v.id == id))
                        .or(snap.vehicles.first());
                    fly::hud::hud_ui(ui, selected, now, units, ui.available_width().min(320.0));
                    let vehicles = &snap.vehicles;
                    if vehicles.is_empty() {
                        ui.label(RichText::new(tr("Waiting for vehicles…")).size(16.0));
                    }
                    for (i, v) in vehicles.iter().enumerate() {
                        if fly::status_card::status_card_ui(ui, m, v, i) {
                            m.selected = Some(v.id);
                        }
                    }
                });
        });
    if m.replay.as_ref().is_some_and(|r| r.show_plots) {
        egui::Panel::right("replay-plots")
            .default_size(420.0)
            .show(ui, |ui| replay::plots_ui(ui, m, &mut g.dialog));
    } else if m.replay.is_none() {
        fly_right(ui, m, g);
    }
    egui::Panel::bottom("messages")
        .default_size(150.0)
        .resizable(true)
        .show(ui, |ui| fly::messages::messages_ui(ui, m));
    egui::CentralPanel::default().show(ui, |ui| map::map_ui(ui, &mut g.map, m));
}

fn fly_right(ui: &mut Ui, m: &mut UiModel, g: &mut Panels) {
    egui::Panel::right("fly-right")
        .default_size(330.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("actions")
                .show(ui, |ui| {
                    fly::actions::actions_ui(ui, m);
                    ui.separator();
                    egui::CollapsingHeader::new(tr("Mission transfer"))
                        .default_open(true)
                        .show(ui, |ui| fly::transfers::transfers_ui(ui, m));
                    egui::CollapsingHeader::new(tr("Pre-flight"))
                        .default_open(false)
                        .show(ui, |ui| {
                            fly::preflight::preflight_ui(ui, m, &mut g.new_check)
                        });
                    ui.separator();
                    if ui.button(tr("Clear trails and photo points")).clicked() {
                        m.tracks.clear();
                    }
                });
        });
}
