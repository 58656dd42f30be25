//! Operator actions for the selected vehicle. Every action that moves or powers the aircraft
//! asks for a deliberate confirmation (a dialog naming the vehicle and what will happen);
//! pausing does not, because it is the way out of trouble.

use crate::protocol::actions::VehicleAction;
use crate::ui::format;
use crate::ui::i18n::{tr, trf};
use crate::ui::model::{UiCommand, UiModel, vehicle_label};
use crate::ui::widgets::{length_input, speed_input};
use crate::vehicle::{VehicleId, mode_names};
use egui::{RichText, Ui};

fn action(target: VehicleId, action: VehicleAction) -> UiCommand {
    UiCommand::Action { target, action }
}

/// Asks to confirm one action on one vehicle.
fn ask_one(
    m: &mut UiModel,
    target: VehicleId,
    a: VehicleAction,
    question: String,
    detail: String,
    button: &str,
) {
    m.ask(question, detail, button.to_owned(), vec![action(target, a)]);
}

/// The action buttons.
pub fn actions_ui(ui: &mut Ui, m: &mut UiModel) {
    let Some(v) = m.selected_vehicle() else {
        ui.label(tr("No vehicle connected"));
        return;
    };
    let id = v.id;
    let armed = v.armed;
    let flying = v.is_flying();
    let modes: Vec<&'static str> = mode_names(v.autopilot, v.class);
    let current_mode = v.mode_name.clone();
    let who = vehicle_label(id);
    let units = m.settings.units;
    ui.label(RichText::new(trf("Actions for vehicle {id}", &[("id", who.clone())])).strong());
    ui.horizontal_wrapped(|ui| {
        if armed {
            if ui.button(tr("Disarm")).clicked() {
                let detail = if flying {
                    tr("The vehicle looks airborne: disarming stops the motors and it will fall.")
                } else {
                    tr("The motors stop.")
                };
                ask_one(
                    m,
                    id,
                    VehicleAction::Disarm { force: false },
                    trf("Disarm vehicle {id}?", &[("id", who.clone())]),
                    detail.to_owned(),
                    tr("Disarm"),
                );
            }
        } else if ui.button(tr("Arm")).clicked() {
            ask_one(
                m,
                id,
                VehicleAction::Arm,
                trf("Arm vehicle {id}?", &[("id", who.clone())]),
                tr("The motors start spinning. Keep clear of the propellers.").to_owned(),
                tr("Arm"),
            );
        }
        ui.separator();
        let l = ui.label(RichText::new(tr("Takeoff altitude")).weak());
        ui.add(length_input(&mut m.fly.takeoff_alt_m, 2.0..=500.0, units))
            .labelled_by(l.id);
        if ui.button(tr("Takeoff")).clicked() {
            let alt = m.fly.takeoff_alt_m;
            ask_one(
                m,
                id,
                VehicleAction::Takeoff { alt_rel_m: alt },
                trf("Take off vehicle {id}?", &[("id", who.clone())]),
                trf(
                    "Takeoff to {alt}",
                    &[("alt", format::alt(units, f64::from(alt)))],
                ),
                tr("Takeoff"),
            );
        }
    });
    ui.horizontal_wrapped(|ui| {
        let l = ui.label(tr("Mode"));
        let mut picked = current_mode.clone();
        let _ = egui::ComboBox::from_id_salt("mode-select")
            .selected_text(current_mode.clone())
            .show_ui(ui, |ui| {
                for name in &modes {
                    ui.selectable_value(&mut picked, (*name).to_owned(), *name);
                }
            })
            .response
            .labelled_by(l.id);
        if picked != current_mode {
            ask_one(
                m,
                id,
                VehicleAction::SetMode(picked.clone()),
                trf("Change mode of vehicle {id}?", &[("id", who.clone())]),
                trf(
                    "From {from} to {to}",
                    &[("from", current_mode.clone()), ("to", picked)],
                ),
                tr("Set mode"),
            );
        }
    });
    ui.horizontal_wrapped(|ui| {
        if ui.button(tr("Start mission")).clicked() {
            ask_one(
                m,
                id,
                VehicleAction::StartMission,
                trf("Start the mission on vehicle {id}?", &[("id", who.clone())]),
                tr("The vehicle switches to AUTO and flies the uploaded mission.").to_owned(),
                tr("Start mission"),
            );
        }
        if ui.button(tr("Pause")).clicked() {
            m.send(action(id, VehicleAction::Pause));
        }
        if ui.button(tr("Continue")).clicked() {
            ask_one(
                m,
                id,
                VehicleAction::Continue,
                trf(
                    "Continue the mission of vehicle {id}?",
                    &[("id", who.clone())],
                ),
                tr("The vehicle resumes flying its mission.").to_owned(),
                tr("Continue"),
            );
        }
    });
    ui.horizontal_wrapped(|ui| {
        let l = ui.label(RichText::new(tr("Target altitude")).weak());
        ui.add(length_input(&mut m.fly.alt_m, 2.0..=1000.0, units))
            .labelled_by(l.id);
        if ui.button(tr("Change altitude")).clicked() {
            let alt = m.fly.alt_m;
            ask_one(
                m,
                id,
                VehicleAction::ChangeAltitude { alt_rel_m: alt },
                trf("Change altitude of vehicle {id}?", &[("id", who.clone())]),
                trf(
                    "New altitude {alt} above home",
                    &[("alt", format::alt(units, f64::from(alt)))],
                ),
                tr("Change altitude"),
            );
        }
    });
    ui.horizontal_wrapped(|ui| {
        let l = ui.label(RichText::new(tr("Target speed")).weak());
        ui.add(speed_input(&mut m.fly.speed_mps, 1.0..=40.0, units))
            .labelled_by(l.id);
        if ui.button(tr("Change speed")).clicked() {
            let speed = m.fly.speed_mps;
            ask_one(
                m,
                id,
                VehicleAction::ChangeSpeed { speed_mps: speed },
                trf("Change the speed of vehicle {id}?", &[("id", who.clone())]),
                trf(
                    "New speed {speed}",
                    &[("speed", format::speed(units, f64::from(speed)))],
                ),
                tr("Change speed"),
            );
        }
    });
    ui.horizontal_wrapped(|ui| {
        let goto = m.fly.goto;
        let label = match goto {
            Some(p) => trf(
                "Fly to {lat}, {lon}",
                &[
                    ("lat", format!("{:.6}", p.lat_deg)),
                    ("lon", format!("{:.6}", p.lon_deg)),
                ],
            ),
            None => tr("Fly to: click the map first").to_owned(),
        };
        if ui
            .add_enabled(goto.is_some(), egui::Button::new(label))
            .clicked()
            && let Some(p) = goto
        {
            let alt = m.fly.alt_m;
            ask_one(
                m,
                id,
                VehicleAction::Goto {
                    position: p,
                    alt_rel_m: alt,
                },
                trf(
                    "Send vehicle {id} to the clicked point?",
                    &[("id", who.clone())],
                ),
                trf(
                    "Guided flight to {lat}, {lon} at {alt}",
                    &[
                        ("lat", format!("{:.6}", p.lat_deg)),
                        ("lon", format!("{:.6}", p.lon_deg)),
                        ("alt", format::alt(units, f64::from(alt))),
                    ],
                ),
                tr("Fly there"),
            );
        }
    });
    ui.horizontal_wrapped(|ui| {
        let rtl = RichText::new(tr("RTL")).strong();
        if ui.button(rtl).clicked() {
            ask_one(
                m,
                id,
                VehicleAction::Rtl,
                trf("Return vehicle {id} to launch?", &[("id", who.clone())]),
                tr("The vehicle flies home and lands.").to_owned(),
                tr("RTL"),
            );
        }
        if ui.button(tr("Land")).clicked() {
            ask_one(
                m,
                id,
                VehicleAction::Land,
                trf("Land vehicle {id} here?", &[("id", who.clone())]),
                tr("The vehicle descends and lands where it is.").to_owned(),
                tr("Land"),
            );
        }
        let all: Vec<VehicleId> = m.snapshot.vehicles.iter().map(|v| v.id).collect();
        if ui.button(RichText::new(tr("RTL ALL")).strong()).clicked() && !all.is_empty() {
            let commands = all.iter().map(|t| action(*t, VehicleAction::Rtl)).collect();
            m.ask(
                trf(
                    "Return all {n} vehicles to launch?",
                    &[("n", all.len().to_string())],
                ),
                tr("Every connected vehicle flies home and lands.").to_owned(),
                tr("RTL ALL").to_owned(),
                commands,
            );
        }
    });
}

/// The confirmation dialog for a pending dangerous action (modal: nothing else can be
/// clicked until it is answered; Escape cancels).
pub fn confirm_ui(ctx: &egui::Context, m: &mut UiModel) {
    let Some(c) = m.confirm.clone() else { return };
    let mut answer = None;
    let resp = egui::Modal::new(egui::Id::unique("confirm-action")).show(ctx, |ui| {
        ui.set_max_width(420.0);
        ui.label(RichText::new(&c.question).strong().size(20.0));
        ui.label(&c.detail);
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            let label = trf("Confirm: {action}", &[("action", c.button.clone())]);
            let yes = egui::Button::new(RichText::new(label).strong().size(17.0));
            if ui.add(yes).clicked() {
                answer = Some(true);
            }
            if ui.button(RichText::new(tr("Cancel")).size(17.0)).clicked() {
                answer = Some(false);
            }
        });
    });
    if resp.should_close() && answer.is_none() {
        answer = Some(false);
    }
    match answer {
        Some(true) => m.confirm_pending(),
        Some(false) => m.cancel_pending(),
        None => {}
    }
}
