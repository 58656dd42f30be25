//! The link manager: every link with its state and counters, remove, and add by connection
//! string (UDP, TCP, serial with the ports found on this machine and a baud choice).

use crate::link::{LinkSpec, LinkState, LinkStats};
use crate::ui::i18n::{tr, trf};
use crate::ui::model::{UiCommand, UiModel};
use crate::ui::theme::{Palette, palette};
use egui::{RichText, Ui};

/// Common telemetry radio speeds.
const BAUDS: [u32; 6] = [57_600, 115_200, 230_400, 460_800, 921_600, 9_600];

/// The Links view.
pub fn links_ui(ui: &mut Ui, m: &mut UiModel, new_link: &mut String) {
    let p = palette(m.settings.theme);
    ui.heading(tr("Links"));
    let now = m.now_us;
    let links = m.snapshot.links.clone();
    if links.is_empty() {
        ui.label(tr("No links open"));
    }
    egui::Grid::new("links")
        .striped(true)
        .num_columns(6)
        .show(ui, |ui| {
            for h in [
                tr("Link"),
                tr("State"),
                tr("Received"),
                tr("Sent"),
                tr("Signing"),
                "",
            ] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for l in &links {
                ui.label(RichText::new(l.spec.to_string()).monospace());
                let (text, c) = match &l.state {
                    LinkState::Connecting => (tr("connecting").to_owned(), p.warn),
                    LinkState::Up { detail, .. } => (format!("{} — {detail}", tr("up")), p.good),
                    LinkState::Down {
                        reason,
                        retry_in_ms,
                    } => (
                        trf(
                            "down: {reason}; retry in {s} s",
                            &[
                                ("reason", reason.clone()),
                                ("s", format!("{:.0}", *retry_in_ms as f64 / 1000.0)),
                            ],
                        ),
                        p.bad,
                    ),
                    LinkState::Closed => (tr("closed").to_owned(), p.stale),
                };
                ui.label(RichText::new(text).color(c));
                let rx = &l.stats.rx;
                let heard = l
                    .stats
                    .last_heard_s(now)
                    .map_or("—".into(), |s| format!("{s:.1} s"));
                ui.label(format!(
                    "{} B · {} {} · {} CRC · {} {heard}",
                    rx.bytes,
                    rx.frames,
                    tr("frames"),
                    rx.crc_errors,
                    tr("heard")
                ));
                ui.label(format!("{} {}", l.stats.tx_frames, tr("frames")));
                signing_cell(ui, &l.stats, &p);
                if ui.button(tr("Remove")).clicked() {
                    m.ask(
                        trf("Remove link {link}?", &[("link", l.spec.to_string())]),
                        tr("Vehicles heard only on this link lose their ground station; their GCS failsafe may trigger.").to_owned(),
                        tr("Remove").to_owned(),
                        vec![UiCommand::RemoveLink(l.id)],
                    );
                }
                ui.end_row();
            }
        });
    ui.separator();
    ui.label(RichText::new(tr("Add a link")).strong());
    ui.label(RichText::new("udpin:0.0.0.0:14550 · udpout:192.168.4.1:14550 · tcp:127.0.0.1:5760 · serial:/dev/ttyUSB0:57600").monospace().weak());
    ui.horizontal(|ui| {
        let l = ui.label(tr("Connection"));
        crate::ui::widgets::text_field(ui, l.id, new_link);
        if ui.button(tr("Add")).clicked() {
            match new_link.trim().parse::<LinkSpec>() {
                Ok(spec) => {
                    m.outbox.push(UiCommand::AddLink(spec));
                    new_link.clear();
                    m.status_note = None;
                }
                Err(e) => m.status_note = Some(format!("{}: {e}", new_link.trim())),
            }
        }
    });
    // Listing ports touches the file system: every 3 s, not every frame.
    let ports_id = ui.scope_id().with("serial-ports");
    let now = ui.input(|i| i.time);
    let cached: Option<(f64, Vec<String>)> = ui.data(|d| d.get_temp(ports_id));
    let ports: Vec<String> = match cached {
        Some((at, list)) if now - at < 3.0 => list,
        _ => {
            let list: Vec<String> = tokio_serial::available_ports()
                .unwrap_or_default()
                .into_iter()
                .map(|p| p.port_name)
                .collect();
            ui.data_mut(|d| d.insert_temp(ports_id, (now, list.clone())));
            list
        }
    };
    if !ports.is_empty() {
        ui.label(RichText::new(tr("Serial ports")).strong());
        for port in ports {
            ui.horizontal(|ui| {
                ui.label(RichText::new(&port).monospace());
                for b in BAUDS {
                    if ui.small_button(b.to_string()).clicked() {
                        *new_link = format!("serial:{port}:{b}");
                    }
                }
            });
        }
    }
}

/// A link's signing status: "signed" with the count of correctly signed frames, and the
/// frames that were not (unsigned, bad signature, replayed, too old, ignored) in the warning
/// colour when there are any; "strict" when such frames are ignored.
fn signing_cell(ui: &mut Ui, stats: &LinkStats, p: &Palette) {
    let Some(c) = stats.signing else {
        ui.label(RichText::new(tr("off")).color(p.stale));
        return;
    };
    let count = |n: u64| [("n", n.to_string())];
    // One line: a wrapped cell would break after every word in the grid's narrow column.
    ui.horizontal(|ui| {
        let valid = RichText::new(trf("signed · {n} valid", &count(c.valid))).strong();
        ui.label(if c.valid > 0 {
            valid.color(p.good)
        } else {
            valid
        });
        for (n, text) in [
            (c.unsigned, trf("{n} unsigned", &count(c.unsigned))),
            (
                c.bad_signature,
                trf("{n} bad signature", &count(c.bad_signature)),
            ),
            (c.replayed, trf("{n} replayed", &count(c.replayed))),
            (c.too_old, trf("{n} too old", &count(c.too_old))),
        ] {
            if n > 0 {
                ui.label(RichText::new(text).color(p.warn).strong());
            }
        }
        if stats.signing_strict {
            ui.label(RichText::new(tr("strict")).strong());
            if c.ignored > 0 {
                let text = trf("{n} ignored", &count(c.ignored));
                ui.label(RichText::new(text).color(p.warn).strong());
            }
        }
    });
}
