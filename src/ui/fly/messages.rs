//! The messages panel: vehicle STATUSTEXT and the app's own events, newest last, with time,
//! vehicle and severity colour.

use crate::ui::format;
use crate::ui::i18n::tr;
use crate::ui::model::{UiModel, vehicle_label};
use crate::ui::theme::{palette, severity_colour};
use egui::{RichText, Ui};

/// Draws the messages, scrolled to the newest.
pub fn messages_ui(ui: &mut Ui, m: &UiModel) {
    let p = palette(m.settings.theme);
    ui.label(RichText::new(tr("Messages")).strong());
    if m.log.is_empty() {
        ui.label(RichText::new(tr("No messages yet")).weak());
    }
    // Only the lines in view are laid out.
    let row_h = ui.text_style_height(&egui::TextStyle::Monospace) + ui.spacing().item_spacing.y;
    egui::ScrollArea::vertical()
        .stick_to_bottom(true)
        .auto_shrink([false, false])
        .show_rows(ui, row_h, m.log.len(), |ui, rows| {
            for line in m.log.range(rows) {
                let who = line
                    .vehicle
                    .map_or("GCS".to_owned(), |v| format!("#{}", vehicle_label(v)));
                let text = format!("{}  {:<4} {}", format::clock(line.t_us), who, line.text);
                // One line per message (the row height is fixed); the whole text on hover.
                let rich = RichText::new(&text)
                    .monospace()
                    .color(severity_colour(&p, line.severity));
                ui.add(egui::Label::new(rich).truncate())
                    .on_hover_text(text);
            }
        });
}
