//! Mission, fence and rally transfers for the selected vehicle: upload the plan, download
//! what the vehicle holds (shown on the map), clear, with progress bars and results in words;
//! and "resume survey" after a battery swap, which uploads what is left of the survey.

use crate::plan::MissionType;
use crate::plan::resume::resume_items;
use crate::runtime::MissionOp;
use crate::ui::i18n::{tr, trf};
use crate::ui::model::{UiCommand, UiModel};
use crate::ui::theme::palette;
use egui::{ProgressBar, RichText, Ui};

fn type_name(t: MissionType) -> &'static str {
    match t {
        MissionType::Mission => tr("mission"),
        MissionType::Fence => tr("fence"),
        MissionType::Rally => tr("rally"),
    }
}

/// Transfer buttons and the progress of transfers.
pub fn transfers_ui(ui: &mut Ui, m: &mut UiModel) {
    let p = palette(m.settings.theme);
    if let Some(v) = m.selected_vehicle() {
        let id = v.id;
        let reached = v.mission.last_reached_seq.or(v.mission.current_seq);
        let busy = m.transfer_running(id);
        ui.horizontal_wrapped(|ui| {
            for t in [MissionType::Mission, MissionType::Fence, MissionType::Rally] {
                if ui
                    .add_enabled(
                        !busy,
                        egui::Button::new(trf(
                            "Download {what}",
                            &[("what", type_name(t).to_owned())],
                        )),
                    )
                    .clicked()
                {
                    m.outbox.push(UiCommand::Transfer {
                        target: id,
                        op: MissionOp::Download(t),
                    });
                }
            }
        });
        let onboard = m.onboard(id, MissionType::Mission).map(<[_]>::to_vec);
        ui.horizontal_wrapped(|ui| {
            let can_resume = !busy && onboard.is_some() && reached.is_some();
            if ui
                .add_enabled(can_resume, egui::Button::new(tr("Resume survey")))
                .on_hover_text(tr("After a battery swap: upload the rest of the mission, from the last item reached, with takeoff and the camera state restored"))
                .clicked()
                && let (Some(items), Some(seq)) = (onboard, reached)
            {
                match resume_items(&items, seq) {
                    Ok(rest) => {
                        m.outbox.push(UiCommand::Transfer { target: id, op: MissionOp::Upload(MissionType::Mission, rest) });
                    }
                    Err(e) => m.status_note = Some(e.to_string()),
                }
            }
            if ui.add_enabled(!busy, egui::Button::new(tr("Clear mission"))).clicked() {
                m.ask(
                    tr("Clear the vehicle's mission?").to_owned(),
                    tr("The vehicle forgets its mission; a flying vehicle in AUTO will stop following it.").to_owned(),
                    tr("Clear mission").to_owned(),
                    vec![UiCommand::Transfer { target: id, op: MissionOp::Clear(MissionType::Mission) }],
                );
            }
        });
    }
    for op in m.ops.iter().rev().take(4) {
        let (done, total) = op.progress;
        match &op.outcome {
            None => {
                let frac = if total > 0 {
                    done as f32 / total as f32
                } else {
                    0.0
                };
                ui.add(
                    ProgressBar::new(frac)
                        .text(format!("{} {done}/{total}", op.label))
                        .animate(total == 0),
                );
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
