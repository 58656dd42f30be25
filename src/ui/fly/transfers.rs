//! Mission, fence and rally transfers for the selected vehicle: upload the plan, download
//! what the vehicle holds (shown on the map), clear, with progress bars and results in words;
//! and "resume survey" after a battery swap, which uploads what is left of the survey.

use crate::plan::resume::resume_items;
use crate::plan::{MissionItem, MissionType};
use crate::runtime::MissionOp;
use crate::ui::i18n::{tr, trf};
use crate::ui::model::{UiCommand, UiModel, list_name, vehicle_label};
use crate::ui::theme::palette;
use egui::{ProgressBar, RichText, Ui};

/// The rest of `items` (a list as the vehicle holds it, home first) from sequence number
/// `seq` as the vehicle counts (PX4 leaves home out), home first again. Refused when the
/// vehicle says it holds a different number of items than `items`: download it first.
pub fn resumed(
    items: &[MissionItem],
    seq: u16,
    px4: bool,
    held: Option<u16>,
) -> Result<Vec<MissionItem>, String> {
    let Some((home, rest)) = items.split_first() else {
        return Err(tr("No mission known for this vehicle: download it first").to_owned());
    };
    if let Some(n) = held.filter(|n| *n > 0)
        && usize::from(n) != rest.len()
    {
        return Err(trf(
            "The vehicle holds {n} items, not the {k} known here: download its mission first",
            &[("n", n.to_string()), ("k", rest.len().to_string())],
        ));
    }
    let from = if px4 { seq.saturating_add(1) } else { seq };
    let mut out = resume_items(rest, from).map_err(|e| e.to_string())?;
    out.insert(0, *home);
    Ok(out)
}

/// Transfer buttons and the progress of transfers.
pub fn transfers_ui(ui: &mut Ui, m: &mut UiModel) {
    let p = palette(m.settings.theme);
    if let Some(v) = m.selected_vehicle() {
        let id = v.id;
        let reached = v.mission.last_reached_seq.or(v.mission.current_seq);
        let px4 = v.autopilot == crate::vehicle::Autopilot::Px4;
        let held = v.mission.total_items;
        let busy = m.transfer_running(id);
        ui.horizontal_wrapped(|ui| {
            for t in [MissionType::Mission, MissionType::Fence, MissionType::Rally] {
                if ui
                    .add_enabled(
                        !busy,
                        egui::Button::new(trf(
                            "Download {what}",
                            &[("what", list_name(t).to_owned())],
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
                match resumed(&items, seq, px4, held) {
                    Ok(rest) => {
                        let n = rest.len().saturating_sub(1);
                        m.ask(
                            trf("Replace the mission of vehicle {id} with the rest of the survey?", &[("id", vehicle_label(id))]),
                            trf("{n} items from item {seq} on, takeoff first; the vehicle's current mission is replaced.", &[("n", n.to_string()), ("seq", seq.to_string())]),
                            tr("Resume survey").to_owned(),
                            vec![UiCommand::Transfer { target: id, op: MissionOp::Upload(MissionType::Mission, rest) }],
                        );
                    }
                    Err(e) => m.status_note = Some(e),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::mission_item::cmd;

    fn mission(n: usize) -> Vec<MissionItem> {
        let home = crate::sim::config::DEFAULT_HOME;
        let mut items = vec![
            MissionItem::nav(cmd::NAV_WAYPOINT, home, 0.0),
            MissionItem::nav(cmd::NAV_TAKEOFF, home, 40.0),
        ];
        items.extend((0..n).map(|k| {
            let p = home.destination(0.0, 20.0 * (k + 1) as f64);
            MissionItem::nav(cmd::NAV_WAYPOINT, p, 40.0)
        }));
        items
    }

    #[test]
    fn resume_keeps_home_and_takeoff_and_counts_like_the_autopilot() {
        let items = mission(6);
        let ap = resumed(&items, 4, false, Some(7)).expect("ardupilot");
        assert_eq!(ap[0], items[0]);
        assert_eq!(ap[1].command, cmd::NAV_TAKEOFF);
        assert_eq!(
            ap[2].position(),
            items[4].position(),
            "ArduPilot seq 4 is list index 4"
        );
        // PX4 counts without home: its seq 3 is the same item.
        let px4 = resumed(&items, 3, true, None).expect("px4");
        assert_eq!(px4, ap);
    }

    #[test]
    fn resume_refuses_a_list_the_vehicle_does_not_hold() {
        let err = resumed(&mission(6), 4, false, Some(12)).expect_err("mismatch");
        assert!(err.contains("12") && err.contains('7'), "{err}");
        assert!(resumed(&[], 1, false, None).is_err());
    }
}
