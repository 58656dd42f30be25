//! Draws the Settings view's signing section: on/off and strict, the key (a key file, a
//! passphrase or a new random key; only its id is shown), and giving a vehicle the key or
//! turning its signing off. The state and what each control does live in
//! [`crate::ui::signing`].

use crate::ui::dialog::{Pending, Purpose, dialog_button, take_answer};
use crate::ui::i18n::{tr, trf};
use crate::ui::model::{UiModel, vehicle_label};
use crate::ui::signing::{
    ask_send_key, ask_vehicle_off, generate, load_key_file, set_enabled, set_strict, use_passphrase,
};
use crate::ui::theme::{Palette, palette};
use egui::{RichText, TextEdit, Ui};

/// The signing section.
pub fn signing_ui(ui: &mut Ui, m: &mut UiModel, dialog: &mut Option<Pending>) {
    let p = palette(m.settings.theme);
    ui.label(RichText::new(tr("Signing (MAVLink 2)")).strong());
    ui.label(tr(
        "Signed frames carry a signature made with a secret key shared with the vehicles; a vehicle with the key ignores commands not signed with it.",
    ));
    let locked = m.signing.locked.clone();
    if let Some(why) = &locked {
        ui.label(RichText::new(why).color(p.warn));
    }
    ui.add_enabled_ui(locked.is_none(), |ui| {
        switches(ui, m);
        key_rows(ui, m, dialog);
    });
    if let Some(note) = &m.signing.note {
        let (text, ok) = note.words();
        let colour = match ok {
            Some(true) => p.good,
            Some(false) => p.bad,
            None => p.text,
        };
        ui.label(RichText::new(text).color(colour));
    }
    ui.add_space(6.0);
    vehicle_rows(ui, m, &p);
}

fn switches(ui: &mut Ui, m: &mut UiModel) {
    let mut on = m.signing.active.is_some();
    let has_key = m.signing.key.is_some();
    let r = ui.add_enabled(
        has_key,
        egui::Checkbox::new(&mut on, tr("Sign MAVLink 2 frames")),
    );
    if r.changed() {
        set_enabled(m, on);
    }
    // What the engine does (a command-line key may differ from the settings).
    let mut strict = m
        .signing
        .active
        .as_ref()
        .map_or(m.settings.signing.strict, |c| c.strict);
    if ui
        .checkbox(&mut strict, tr("Ignore unsigned frames (strict)"))
        .changed()
    {
        set_strict(m, strict);
    }
    ui.label(tr(
        "Strict: frames not correctly signed are dropped (radio status excepted). Otherwise they are accepted and counted in Links.",
    ));
}

fn key_rows(ui: &mut Ui, m: &mut UiModel, dialog: &mut Option<Pending>) {
    let key_text = match m.signing.key_id() {
        Some(id) => trf("Key id {id}", &[("id", id)]),
        None => tr("No key yet").to_owned(),
    };
    ui.label(RichText::new(key_text).strong().monospace());
    egui::Grid::new("signing-key")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            // Buttons on the right, the field taking what is left: long words (Russian) fit.
            let row = egui::Layout::right_to_left(egui::Align::Center);
            let l = ui.label(tr("Key file"));
            ui.with_layout(row, |ui| {
                let typed = m.signing.key_path.trim().to_owned();
                if ui
                    .add_enabled(!typed.is_empty(), egui::Button::new(tr("Load key file")))
                    .clicked()
                {
                    load_key_file(m, std::path::Path::new(&typed));
                }
                let near = m.signing.key_path.clone();
                dialog_button(ui, dialog, tr("Choose…"), Purpose::SigningKey, &near, true);
                let field = TextEdit::singleline(&mut m.signing.key_path)
                    .desired_width(ui.available_width());
                ui.add(field).labelled_by(l.id);
            });
            ui.end_row();
            let l = ui.label(tr("Passphrase"));
            ui.with_layout(row, |ui| {
                let typed = !m.signing.passphrase.is_empty();
                let clicked = ui
                    .add_enabled(typed, egui::Button::new(tr("Use passphrase")))
                    .clicked();
                let id = egui::Id::unique("signing-passphrase");
                let field = TextEdit::singleline(m.signing.passphrase.text_mut())
                    .password(true)
                    .id(id)
                    .desired_width(ui.available_width());
                let r = ui.add(field).labelled_by(l.id);
                let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if typed && (enter || clicked) {
                    use_passphrase(m);
                    // The field's undo history holds copies of what was typed.
                    ui.data_mut(|d| d.remove::<egui::text_edit::TextEditState>(id));
                }
            });
            ui.end_row();
        });
    if let Some((_, Some(path))) = take_answer(dialog, |p| p == Purpose::SigningKey) {
        load_key_file(m, &path);
    }
    if m.signing.confirm_generate {
        let id = m.signing.key_id().unwrap_or_default();
        ui.label(trf(
            "Replace key {id}? Vehicles holding it will not accept the new key's commands until they are sent the new key.",
            &[("id", id)],
        ));
        ui.horizontal(|ui| {
            if ui.button(tr("Replace key")).clicked() {
                generate(m, true);
            }
            if ui.button(tr("Cancel")).clicked() {
                m.signing.confirm_generate = false;
            }
        });
    } else if ui.button(tr("Generate new key")).clicked() {
        generate(m, false);
    }
}

fn vehicle_rows(ui: &mut Ui, m: &mut UiModel, p: &Palette) {
    ui.label(RichText::new(tr("Vehicles")).strong());
    let Some(v) = crate::ui::widgets::vehicle_picker(ui, m) else {
        return;
    };
    let armed = m.selected_vehicle().is_some_and(|s| s.armed);
    let signing = m.signing.active.is_some();
    let busy = m.transfer_running(v);
    let why_not = if m.replay.is_some() {
        Some(tr("Replay: commands are not sent to vehicles. Close the replay to fly.").to_owned())
    } else if armed {
        Some(trf(
            "Vehicle {id} is armed: a vehicle takes a new key only when disarmed.",
            &[("id", vehicle_label(v))],
        ))
    } else {
        None
    };
    ui.horizontal_wrapped(|ui| {
        let ok = why_not.is_none() && !busy;
        if ui
            .add_enabled(
                ok && signing,
                egui::Button::new(tr("Send signing key to vehicle…")),
            )
            .clicked()
        {
            ask_send_key(m, v);
        }
        if ui
            .add_enabled(ok, egui::Button::new(tr("Turn vehicle signing off…")))
            .clicked()
        {
            ask_vehicle_off(m, v);
        }
    });
    if let Some(w) = why_not {
        ui.label(RichText::new(w).color(p.warn));
    } else if !signing {
        ui.label(tr(
            "Turn signing on here first: the vehicle's answer is checked with the same key.",
        ));
    }
    let ops: Vec<_> = m
        .ops
        .iter()
        .rev()
        .filter(|o| m.signing.setups.contains(&o.id))
        .take(3)
        .cloned()
        .collect();
    for op in ops {
        match &op.outcome {
            None => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(&op.label);
                });
            }
            Some(Ok(s)) => {
                ui.label(RichText::new(format!("{}: {s}", op.label)).color(p.good));
            }
            Some(Err(e)) => {
                ui.label(
                    RichText::new(format!("{}: {} — {e}", op.label, tr("FAILED"))).color(p.bad),
                );
            }
        }
    }
}
