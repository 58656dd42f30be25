//! Replay in the window: the bar (play/pause, speed, step, time), the timeline with the
//! log's events (click or drag to seek by time, hover for the event), and plots synchronised
//! with the replay cursor. The replayed vehicles themselves appear in the usual Fly view.

use super::i18n::tr;
use super::model::{UiCommand, UiModel};
use crate::log::series::Series;
use crate::log::timeline::{EventKind, TimelineEvent};
use egui::{Color32, RichText, Sense, Stroke, Ui, vec2};

/// What the panels show of the replay; the app owns the log itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReplayView {
    /// The log's file name.
    pub name: String,
    /// First record, µs since the Unix epoch.
    pub start_us: u64,
    /// Last record.
    pub end_us: u64,
    /// Playing (else paused).
    pub playing: bool,
    /// Log seconds per wall second.
    pub speed: f64,
    /// Timeline events (empty while the log is still being read).
    pub events: Vec<TimelineEvent>,
    /// Plot series of every vehicle.
    pub series: Vec<Series>,
    /// The log is still being read for events and plots.
    pub scanning: bool,
    /// Plots shown (field keys, `MESSAGE.field`).
    pub plots: Vec<String>,
    /// The plots panel is open.
    pub show_plots: bool,
    /// Numeric fields of the log that can be plotted (`MESSAGE.field`).
    pub fields: Vec<String>,
    /// The field picker's choice.
    pub pick: String,
    /// Planned against flown, one line per vehicle.
    pub compare: Vec<String>,
    /// The mapping export form.
    pub export: super::replay_export::ExportForm,
}

/// What the replay controls ask of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum ReplayCmd {
    /// Play or pause.
    Toggle,
    /// Go to this log time, µs since the Unix epoch.
    Seek(u64),
    /// Move by this many microseconds (negative: back).
    Step(i64),
    /// Next speed step.
    Faster,
    /// Previous speed step.
    Slower,
    /// This speed.
    Speed(f64),
    /// Add a plot of a field (`MESSAGE.field`).
    Plot(String),
    /// Compare the flight with a mission file.
    ComparePlan(std::path::PathBuf),
    /// Write a mapping layer of the log to a file.
    Export {
        /// Layer.
        layer: super::replay_export::ExportLayer,
        /// Format.
        format: super::replay_export::ExportFormat,
        /// Output file.
        path: std::path::PathBuf,
    },
    /// Leave the replay (back to the live links).
    Close,
}

/// Log time as `h:mm:ss` from the log start.
pub fn clock(us: u64) -> String {
    let s = us / 1_000_000;
    format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// Colour of an event kind on the timeline.
pub fn kind_colour(k: EventKind) -> Color32 {
    match k {
        EventKind::Armed => Color32::from_rgb(200, 30, 30),
        EventKind::Disarmed => Color32::from_rgb(40, 140, 40),
        EventKind::Takeoff => Color32::from_rgb(230, 100, 0),
        EventKind::Landing => Color32::from_rgb(0, 110, 60),
        EventKind::Mode => Color32::from_rgb(40, 90, 200),
        EventKind::Mission => Color32::from_rgb(120, 60, 170),
        EventKind::Warning => Color32::from_rgb(220, 150, 0),
        EventKind::Error => Color32::from_rgb(230, 0, 0),
        EventKind::Photo => Color32::from_rgb(0, 150, 160),
        EventKind::Gap => Color32::from_gray(120),
    }
}

fn send(m: &mut UiModel, c: ReplayCmd) {
    m.outbox.push(UiCommand::Replay(c));
}

/// Keyboard: space play/pause, ←/→ 5 s (with Shift 60 s), +/- speed. Ignored while a text
/// field has the keyboard.
pub fn shortcuts(ui: &Ui, m: &mut UiModel) {
    if m.replay.is_none() || ui.ctx().egui_wants_keyboard_input() {
        return;
    }
    let mut cmds = Vec::new();
    ui.input(|i| {
        let big = if i.modifiers.shift { 60 } else { 5 };
        if i.key_pressed(egui::Key::Space) {
            cmds.push(ReplayCmd::Toggle);
        }
        if i.key_pressed(egui::Key::ArrowRight) {
            cmds.push(ReplayCmd::Step(big * 1_000_000));
        }
        if i.key_pressed(egui::Key::ArrowLeft) {
            cmds.push(ReplayCmd::Step(-big * 1_000_000));
        }
        if i.key_pressed(egui::Key::Plus) || i.key_pressed(egui::Key::Equals) {
            cmds.push(ReplayCmd::Faster);
        }
        if i.key_pressed(egui::Key::Minus) {
            cmds.push(ReplayCmd::Slower);
        }
    });
    for c in cmds {
        send(m, c);
    }
}

/// The replay bar and timeline (a bottom panel's contents).
pub fn replay_bar_ui(ui: &mut Ui, m: &mut UiModel) {
    let Some(r) = m.replay.clone() else { return };
    let now = m.now_us.clamp(r.start_us, r.end_us.max(r.start_us));
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(tr("Replay")).strong().size(16.0));
        let play = if r.playing { tr("Pause") } else { tr("Play") };
        if ui
            .add(
                egui::Button::new(RichText::new(play).size(16.0).strong())
                    .min_size(vec2(80.0, 28.0)),
            )
            .on_hover_text(tr("Space"))
            .clicked()
        {
            send(m, ReplayCmd::Toggle);
        }
        if ui
            .button(tr("-5 s"))
            .on_hover_text(tr("Left arrow; Shift: 60 s"))
            .clicked()
        {
            send(m, ReplayCmd::Step(-5_000_000));
        }
        if ui
            .button(tr("+5 s"))
            .on_hover_text(tr("Right arrow; Shift: 60 s"))
            .clicked()
        {
            send(m, ReplayCmd::Step(5_000_000));
        }
        let mut speed = r.speed;
        egui::ComboBox::from_id_salt("replay-speed")
            .selected_text(format!("{}x", r.speed))
            .width(70.0)
            .show_ui(ui, |ui| {
                for s in crate::log::replay::SPEEDS {
                    ui.selectable_value(&mut speed, s, format!("{s}x"));
                }
            })
            .response
            .on_hover_text(tr("Speed (+ and - keys)"));
        if speed != r.speed {
            send(m, ReplayCmd::Speed(speed));
        }
        ui.label(
            RichText::new(format!(
                "{} / {}",
                clock(now.saturating_sub(r.start_us)),
                clock(r.end_us.saturating_sub(r.start_us))
            ))
            .monospace()
            .size(16.0),
        );
        let before = r.events.iter().rev().find(|e| e.t_us + 500_000 < now);
        let after = r.events.iter().find(|e| e.t_us > now + 500_000);
        if ui
            .add_enabled(before.is_some(), egui::Button::new(tr("Previous event")))
            .clicked()
            && let Some(e) = before
        {
            send(m, ReplayCmd::Seek(e.t_us));
        }
        if ui
            .add_enabled(after.is_some(), egui::Button::new(tr("Next event")))
            .clicked()
            && let Some(e) = after
        {
            send(m, ReplayCmd::Seek(e.t_us));
        }
        let mut plots = r.show_plots;
        ui.toggle_value(&mut plots, tr("Plots"));
        if plots != r.show_plots
            && let Some(v) = m.replay.as_mut()
        {
            v.show_plots = plots;
        }
        if ui.button(tr("Close replay")).clicked() {
            send(m, ReplayCmd::Close);
        }
        ui.label(RichText::new(&r.name).italics());
        if r.scanning {
            ui.spinner();
            ui.label(tr("reading events…"));
        }
    });
    timeline_ui(ui, m, &r, now);
}

/// The timeline: one row of ticks per event kind, the cursor, click or drag to seek.
fn timeline_ui(ui: &mut Ui, m: &mut UiModel, r: &ReplayView, now: u64) {
    let width = ui.available_width().max(100.0);
    let (rect, resp) = ui.allocate_exact_size(vec2(width, 44.0), Sense::click_and_drag());
    let label = tr("Timeline");
    resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Slider, true, label));
    let span = r.end_us.saturating_sub(r.start_us).max(1) as f32;
    let x_of = |t: u64| rect.left() + rect.width() * (t.saturating_sub(r.start_us) as f32 / span);
    let t_of = |x: f32| {
        let f = ((x - rect.left()) / rect.width()).clamp(0.0, 1.0);
        r.start_us + (f as f64 * span as f64) as u64
    };
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    painter.rect_filled(rect, 3.0, visuals.extreme_bg_color);
    painter.rect_filled(
        egui::Rect::from_min_max(rect.min, egui::pos2(x_of(now), rect.bottom())),
        3.0,
        visuals.selection.bg_fill.gamma_multiply(0.35),
    );
    let row_h = rect.height() / 4.0;
    let row = |k: EventKind| match k {
        EventKind::Armed
        | EventKind::Disarmed
        | EventKind::Takeoff
        | EventKind::Landing
        | EventKind::Mode => 0.0,
        EventKind::Mission | EventKind::Photo => 1.0,
        EventKind::Warning | EventKind::Error => 2.0,
        EventKind::Gap => 3.0,
    };
    let mut last_x = [f32::MIN; 10];
    for e in &r.events {
        let x = x_of(e.t_us);
        let slot = e.kind as usize;
        // One tick per pixel and kind is enough.
        if let Some(l) = last_x.get_mut(slot) {
            if x - *l < 1.0 {
                continue;
            }
            *l = x;
        }
        let y0 = rect.top() + row(e.kind) * row_h;
        let w = if matches!(e.kind, EventKind::Photo) {
            1.0
        } else {
            2.0
        };
        painter.line_segment(
            [egui::pos2(x, y0 + 1.0), egui::pos2(x, y0 + row_h - 1.0)],
            Stroke::new(w, kind_colour(e.kind)),
        );
    }
    let cx = x_of(now);
    painter.line_segment(
        [egui::pos2(cx, rect.top()), egui::pos2(cx, rect.bottom())],
        Stroke::new(3.0, visuals.strong_text_color()),
    );
    if (resp.clicked() || resp.dragged())
        && let Some(p) = resp.interact_pointer_pos()
    {
        send(m, ReplayCmd::Seek(t_of(p.x)));
    }
    if let Some(p) = resp.hover_pos() {
        let t = t_of(p.x);
        let near = r
            .events
            .iter()
            .filter(|e| (x_of(e.t_us) - p.x).abs() < 4.0)
            .take(4)
            .map(|e| format!("{} {}", clock(e.t_us.saturating_sub(r.start_us)), e.text))
            .collect::<Vec<_>>();
        let text = if near.is_empty() {
            clock(t.saturating_sub(r.start_us))
        } else {
            near.join("\n")
        };
        resp.on_hover_text_at_pointer(text);
    }
}

/// Plots of the selected vehicle's series with the replay cursor; click to seek.
pub fn plots_ui(ui: &mut Ui, m: &mut UiModel, dialog: &mut Option<super::dialog::Pending>) {
    let Some(r) = m.replay.clone() else { return };
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(tr("Planned against flown")).strong());
        super::dialog::dialog_button(
            ui,
            dialog,
            tr("Compare with a plan…"),
            super::dialog::Purpose::OpenMission,
            "",
            true,
        );
    });
    if let Some((_, Some(path))) =
        super::dialog::take_answer(dialog, |p| p == super::dialog::Purpose::OpenMission)
    {
        send(m, ReplayCmd::ComparePlan(path));
    }
    if r.compare.is_empty() {
        ui.label(tr("No mission in the log; compare with a plan file."));
    }
    for line in &r.compare {
        ui.label(line);
    }
    ui.separator();
    super::replay_export::export_ui(ui, m, dialog);
    ui.separator();
    let sysid = m.selected.map(|v| v.sysid);
    let now = m.now_us;
    let t0 = r.start_us;
    let to_x = |t: u64| t.saturating_sub(t0) as f64 / 1e6;
    ui.horizontal(|ui| {
        let mut pick = r.pick.clone();
        egui::ComboBox::new("plot-field", tr("Add a plot"))
            .selected_text(if pick.is_empty() {
                tr("field…").to_owned()
            } else {
                pick.clone()
            })
            .width(220.0)
            .show_ui(ui, |ui| {
                for f in &r.fields {
                    ui.selectable_value(&mut pick, f.clone(), f);
                }
            });
        if pick != r.pick
            && let Some(v) = m.replay.as_mut()
        {
            v.pick = pick.clone();
        }
        if ui
            .add_enabled(!pick.is_empty(), egui::Button::new(tr("Add")))
            .clicked()
        {
            send(m, ReplayCmd::Plot(pick));
        }
    });
    if r.scanning && r.series.is_empty() {
        ui.label(tr("reading the log…"));
        return;
    }
    let link = ui.scope_id().with("replay-plots");
    let shown: Vec<&Series> = r
        .plots
        .iter()
        .filter_map(|key| {
            r.series
                .iter()
                .find(|s| s.field.key == *key && Some(s.sysid) == sysid)
                .or_else(|| r.series.iter().find(|s| s.field.key == *key))
        })
        .collect();
    if shown.is_empty() {
        ui.label(tr("No data for these plots in this log."));
    }
    let height = ((ui.available_height() - 8.0) / shown.len().max(1) as f32).clamp(70.0, 160.0);
    egui::ScrollArea::vertical()
        .id_salt("plots")
        .show(ui, |ui| {
            for s in shown {
                let label = plot_label(&s.field);
                let title = if s.field.unit.is_empty() {
                    label.to_owned()
                } else {
                    format!("{label} ({})", s.field.unit)
                };
                let value_now = s
                    .points
                    .get(s.points.partition_point(|p| p.0 <= now).saturating_sub(1))
                    .map_or(String::new(), |p| format!("  {:.2}", p.1));
                ui.label(RichText::new(format!("{title}{value_now}")).strong());
                let pts: Vec<[f64; 2]> = s.points.iter().map(|p| [to_x(p.0), p.1]).collect();
                let cursor_colour = ui.visuals().strong_text_color();
                let resp = egui_plot::Plot::new(("plot", &s.field.key, s.sysid))
                    .height(height)
                    .link_axis(link, [true, false])
                    .link_cursor(link, [true, false])
                    .allow_scroll(false)
                    .x_axis_formatter(|mark, _| clock((mark.value.max(0.0) * 1e6) as u64))
                    .show(ui, |p| {
                        p.line(egui_plot::Line::new(title.clone(), pts));
                        p.vline(egui_plot::VLine::new(tr("now"), to_x(now)).color(cursor_colour));
                        if p.response().clicked() {
                            p.pointer_coordinate()
                        } else {
                            None
                        }
                    });
                if let Some(at) = resp.inner {
                    send(m, ReplayCmd::Seek(t0 + (at.x.max(0.0) * 1e6) as u64));
                }
            }
        });
}

/// A plot's title in the UI language (standard plots; other fields keep their MAVLink name).
fn plot_label(f: &crate::log::series::FieldKey) -> &str {
    match f.key.as_str() {
        "GLOBAL_POSITION_INT.relative_alt" => tr("Altitude above home"),
        "VFR_HUD.groundspeed" => tr("Ground speed"),
        "VFR_HUD.airspeed" => tr("Air speed"),
        "VFR_HUD.climb" => tr("Climb rate"),
        "SYS_STATUS.voltage_battery" => tr("Battery voltage"),
        "SYS_STATUS.current_battery" => tr("Battery current"),
        "GPS_RAW_INT.satellites_visible" => tr("GPS satellites"),
        "GPS_RAW_INT.eph" => tr("GPS HDOP"),
        "ATTITUDE.roll" => tr("Roll"),
        "ATTITUDE.pitch" => tr("Pitch"),
        _ => &f.label,
    }
}
