//! One card per vehicle: everything an operator glances at, with warning colours, and values
//! that stopped updating greyed out and marked "?" so a frozen number never looks live.

use crate::ui::format;
use crate::ui::i18n::{tr, trf};
use crate::ui::model::{UiModel, vehicle_label};
use crate::ui::theme::{Palette, palette, vehicle_colour};
use crate::vehicle::{FieldGroup, VehicleState, gps_fix_name};
use egui::{Color32, RichText, Ui};

/// A value as shown: text and colour (grey with "?" when stale).
pub struct Shown {
    /// Text.
    pub text: String,
    /// Colour.
    pub colour: Color32,
}

fn shown(p: &Palette, text: String, stale: bool) -> Shown {
    if stale {
        Shown {
            text: format!("{text} ?"),
            colour: p.stale,
        }
    } else {
        Shown {
            text,
            colour: p.text,
        }
    }
}

fn row(ui: &mut Ui, label: &str, v: Shown) {
    ui.label(RichText::new(label).weak());
    ui.label(RichText::new(v.text).color(v.colour).strong());
    ui.end_row();
}

/// Link loss towards this vehicle, percent (worst link that hears it), and seconds since
/// anything was heard from it.
pub fn link_quality(m: &UiModel, v: &VehicleState) -> (Option<f64>, f64) {
    let loss = m
        .snapshot
        .links
        .iter()
        .filter(|l| l.stats.senders.keys().any(|(s, _)| *s == v.id.sysid))
        .map(|l| l.stats.loss_pct_of(v.id.sysid))
        .fold(None, |acc: Option<f64>, x| {
            Some(acc.map_or(x, |a| a.max(x)))
        });
    let heard_s = m.now_us.saturating_sub(v.last_heard_us) as f64 / 1e6;
    (loss, heard_s)
}

/// Battery text and colour.
pub fn battery(m: &UiModel, v: &VehicleState, p: &Palette) -> Shown {
    let stale = v.is_stale(FieldGroup::Battery, m.now_us);
    let b = &v.battery;
    let text = match (b.voltage_v, b.remaining_pct) {
        (Some(volt), Some(pct)) => format!("{volt:.1} V  {pct:.0} %"),
        (Some(volt), None) => format!("{volt:.1} V"),
        (None, Some(pct)) => format!("{pct:.0} %"),
        (None, None) => "—".to_owned(),
    };
    let mut s = shown(p, text, stale);
    if !stale && let Some(pct) = b.remaining_pct {
        if pct <= m.settings.battery_critical_pct {
            s.colour = p.bad;
        } else if pct <= m.settings.battery_warn_pct {
            s.colour = p.warn;
        } else {
            s.colour = p.good;
        }
    }
    s
}

/// Draws the card of vehicle `index` (its colour) and returns true when it was clicked.
pub fn status_card_ui(ui: &mut Ui, m: &UiModel, v: &VehicleState, index: usize) -> bool {
    let p = palette(m.settings.theme);
    let now = m.now_us;
    let units = m.settings.units;
    let selected = m.selected == Some(v.id);
    let colour = vehicle_colour(index);
    let frame = egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(if selected { 3.0 } else { 1.0 }, colour))
        .inner_margin(6.0);
    let resp = frame.show(ui, |ui| {
        ui.horizontal(|ui| {
            let title = trf("Vehicle {id}", &[("id", vehicle_label(v.id))]);
            ui.label(RichText::new(title).color(colour).strong().size(17.0));
            let hb_stale = v.is_stale(FieldGroup::Heartbeat, now);
            let mode = shown(&p, v.mode_name.clone(), hb_stale);
            ui.label(
                RichText::new(mode.text)
                    .color(mode.colour)
                    .strong()
                    .size(17.0),
            );
            let (txt, col) = if v.armed {
                (tr("ARMED"), p.bad)
            } else {
                (tr("Disarmed"), p.good)
            };
            ui.label(RichText::new(txt).color(col).strong());
        });
        egui::Grid::new(("card", v.id.sysid, v.id.compid))
            .num_columns(2)
            .spacing([10.0, 2.0])
            .show(ui, |ui| card_rows(ui, m, v, &p, now, units));
    });
    selected_click(ui, resp.response)
}

fn selected_click(ui: &mut Ui, r: egui::Response) -> bool {
    ui.interact(r.rect, r.id.with("click"), egui::Sense::click())
        .clicked()
}

fn card_rows(
    ui: &mut Ui,
    m: &UiModel,
    v: &VehicleState,
    p: &Palette,
    now: u64,
    units: crate::ui::settings::Units,
) {
    row(ui, tr("Battery"), battery(m, v, p));
    let gps_stale = v.is_stale(FieldGroup::Gps, now);
    let gps = match &v.gps {
        Some(g) => {
            let sats = g.satellites.map_or("?".to_owned(), |s| s.to_string());
            let hdop = g.hdop.map_or("?".to_owned(), |h| format!("{h:.1}"));
            let mut s = shown(
                p,
                format!(
                    "{}  {} {}  HDOP {}",
                    gps_fix_name(g.fix_type),
                    sats,
                    tr("sats"),
                    hdop
                ),
                gps_stale,
            );
            if !gps_stale {
                s.colour = if g.fix_type >= 3 { p.good } else { p.bad };
            }
            s
        }
        None => shown(p, tr("no GPS").to_owned(), true),
    };
    row(ui, tr("GPS"), gps);
    let (loss, heard_s) = link_quality(m, v);
    let link_text = format!(
        "{} {}  {} {:.1} s",
        loss.map_or("—".to_owned(), |l| format!("{l:.0} %")),
        tr("loss"),
        tr("heard"),
        heard_s
    );
    let mut link = shown(p, link_text, false);
    link.colour = if heard_s > 5.0 {
        p.bad
    } else if heard_s > 2.0 || loss.is_some_and(|l| l > 10.0) {
        p.warn
    } else {
        p.text
    };
    row(ui, tr("Link"), link);
    let pos_stale = v.is_stale(FieldGroup::Position, now);
    let alt = match (v.position.alt_rel_m, v.position.alt_amsl_m) {
        (Some(r), Some(a)) => format!(
            "{}  ({} {})",
            format::alt(units, r),
            format::alt(units, a),
            tr("AMSL")
        ),
        (Some(r), None) => format::alt(units, r),
        (None, Some(a)) => format!("{} {}", format::alt(units, a), tr("AMSL")),
        (None, None) => "—".to_owned(),
    };
    row(ui, tr("Altitude"), shown(p, alt, pos_stale));
    let hud_stale = v.is_stale(FieldGroup::Hud, now) && pos_stale;
    let mo = &v.motion;
    let spd = format!(
        "{} {}  {} {}",
        tr("GS"),
        mo.ground_speed_mps
            .map_or("—".to_owned(), |s| format::speed(units, s)),
        tr("AS"),
        mo.air_speed_mps
            .map_or("—".to_owned(), |s| format::speed(units, s)),
    );
    row(ui, tr("Speed"), shown(p, spd, hud_stale));
    let climb = mo
        .climb_mps
        .map_or("—".to_owned(), |c| format::speed(units, c));
    row(ui, tr("Climb"), shown(p, climb, hud_stale));
    let home = v
        .distance_to_home_m()
        .map_or("—".to_owned(), |d| format::dist(units, d));
    row(ui, tr("To home"), shown(p, home, pos_stale));
    row(
        ui,
        tr("Flight time"),
        shown(p, format::duration(v.armed_time_us(now)), false),
    );
    let mi = &v.mission;
    let prog = match (mi.current_seq, mi.total_items) {
        (Some(c), Some(t)) if t > 0 => format!("{c} / {t}"),
        (Some(c), _) => c.to_string(),
        _ => "—".to_owned(),
    };
    row(
        ui,
        tr("Mission item"),
        shown(p, prog, v.is_stale(FieldGroup::Mission, now)),
    );
    row(
        ui,
        tr("Photos"),
        shown(p, v.camera.total().to_string(), false),
    );
}
