//! Pre-flight: sensor health (SYS_STATUS bits, EKF), pre-arm failure messages, GPS and
//! battery before arming, and the team's own checklist (editable, kept in the settings).

use super::status_card::battery;
use crate::ui::i18n::{tr, trf};
use crate::ui::model::UiModel;
use crate::ui::settings::ChecklistItem;
use crate::ui::theme::palette;
use crate::vehicle::gps_fix_name;
use egui::{RichText, Ui};

/// Pre-arm messages are kept this long after they arrive, microseconds.
const PREARM_WINDOW_US: u64 = 60_000_000;

/// The pre-flight panel for the selected vehicle.
pub fn preflight_ui(ui: &mut Ui, m: &mut UiModel, new_item: &mut String) {
    let p = palette(m.settings.theme);
    if let Some(v) = m.selected_vehicle() {
        let bad = v.unhealthy_sensors();
        if bad.is_empty() && v.sensors.is_some() {
            ui.label(RichText::new(tr("Sensors healthy")).color(p.good));
        } else if v.sensors.is_none() {
            ui.label(RichText::new(tr("Sensor health not reported yet")).color(p.stale));
        } else {
            ui.label(
                RichText::new(trf("Unhealthy: {list}", &[("list", bad.join(", "))]))
                    .color(p.bad)
                    .strong(),
            );
        }
        match &v.ekf {
            Some(e) => {
                let var = e.max_variance();
                let c = if var >= 0.8 {
                    p.bad
                } else if var >= 0.5 {
                    p.warn
                } else {
                    p.good
                };
                ui.label(
                    RichText::new(trf("EKF variance {v}", &[("v", format!("{var:.2}"))])).color(c),
                );
            }
            None => {
                ui.label(RichText::new(tr("EKF status not reported")).color(p.stale));
            }
        }
        match &v.gps {
            Some(g) => {
                let c = if g.fix_type >= 3 { p.good } else { p.bad };
                let sats = g.satellites.map_or("?".into(), |s| s.to_string());
                ui.label(
                    RichText::new(format!(
                        "GPS: {} · {} {}",
                        gps_fix_name(g.fix_type),
                        sats,
                        tr("sats")
                    ))
                    .color(c),
                );
            }
            None => {
                ui.label(RichText::new(tr("no GPS")).color(p.bad));
            }
        }
        let b = battery(m, v, &p);
        ui.label(RichText::new(format!("{}: {}", tr("Battery"), b.text)).color(b.colour));
        let now = m.now_us;
        let prearm: Vec<String> = v
            .status_log
            .entries()
            .filter(|e| now.saturating_sub(e.t_us) < PREARM_WINDOW_US)
            .filter(|e| {
                let t = e.text.to_ascii_lowercase();
                t.starts_with("prearm") || t.starts_with("pre-arm") || t.contains("preflight fail")
            })
            .map(|e| e.text.clone())
            .collect();
        for t in prearm.iter().rev().take(6) {
            ui.label(RichText::new(t).color(p.bad));
        }
    }
    ui.separator();
    ui.label(RichText::new(tr("Checklist")).strong());
    let mut remove = None;
    for (i, item) in m.settings.checklist.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            ui.checkbox(&mut item.done, item.text.as_str());
            if ui.small_button("x").on_hover_text(tr("Remove")).clicked() {
                remove = Some(i);
            }
        });
    }
    if let Some(i) = remove {
        m.settings.checklist.remove(i);
    }
    ui.horizontal(|ui| {
        let l = ui.label(tr("New item"));
        crate::ui::widgets::text_field(ui, l.id, new_item);
        if ui.button(tr("Add")).clicked() && !new_item.trim().is_empty() {
            m.settings.checklist.push(ChecklistItem {
                text: new_item.trim().to_owned(),
                done: false,
            });
            new_item.clear();
        }
    });
    let done = m.settings.checklist.iter().filter(|c| c.done).count();
    let total = m.settings.checklist.len();
    let c = if done == total { p.good } else { p.warn };
    ui.label(
        RichText::new(trf(
            "{done} of {total} checked",
            &[("done", done.to_string()), ("total", total.to_string())],
        ))
        .color(c),
    );
}
