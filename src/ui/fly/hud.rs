//! The head-up display of the selected vehicle: artificial horizon with pitch ladder and
//! roll scale, heading tape, and speed and altitude readouts, painted with egui shapes.
//! Without attitude it shows a grey "no attitude" face instead of a level horizon, which
//! would be a lie.

use crate::ui::format;
use crate::ui::i18n::tr;
use crate::ui::settings::Units;
use crate::vehicle::{FieldGroup, VehicleState};
use egui::{
    Align2, Color32, FontId, Painter, Pos2, Rect, Sense, Shape, Stroke, Ui, Vec2, pos2, vec2,
};

const SKY: Color32 = Color32::from_rgb(60, 140, 230);
const GROUND: Color32 = Color32::from_rgb(140, 95, 50);
/// Pixels per degree of pitch at the HUD's nominal height of 200 px.
const PX_PER_DEG_AT_200: f32 = 3.0;

/// Draws the HUD for `v` into a square-ish area `size` wide.
pub fn hud_ui(ui: &mut Ui, v: Option<&VehicleState>, now_us: u64, units: Units, size: f32) {
    let (rect, _) = ui.allocate_exact_size(vec2(size, size * 0.8), Sense::hover());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 4.0, Color32::from_gray(40));
    let Some(v) = v else {
        painter.text(
            rect.center(),
            Align2::CENTER_CENTER,
            tr("No vehicle"),
            FontId::proportional(16.0),
            Color32::WHITE,
        );
        return;
    };
    let horizon = Rect::from_min_max(rect.min + vec2(44.0, 24.0), rect.max - vec2(52.0, 4.0));
    let stale = v.is_stale(FieldGroup::Attitude, now_us);
    match v.attitude {
        Some(a) if !stale => horizon_ui(&painter, horizon, a.roll_deg as f32, a.pitch_deg as f32),
        _ => {
            painter.rect_filled(horizon, 0.0, Color32::from_gray(90));
            painter.text(
                horizon.center(),
                Align2::CENTER_CENTER,
                tr("no attitude"),
                FontId::proportional(15.0),
                Color32::WHITE,
            );
        }
    }
    let heading = v.motion.heading_deg.or(v.attitude.map(|a| a.yaw_deg));
    heading_tape(
        &painter,
        Rect::from_min_size(rect.min + vec2(44.0, 0.0), vec2(horizon.width(), 22.0)),
        heading,
    );
    let spd = v
        .motion
        .ground_speed_mps
        .map_or("—".to_owned(), |s| format::speed(units, s));
    let alt = v
        .position
        .alt_rel_m
        .map_or("—".to_owned(), |a| format::alt(units, a));
    // Stale readings turn grey with a "?", as on the status cards.
    let spd_stale = v.is_stale(FieldGroup::Hud, now_us) && v.is_stale(FieldGroup::Position, now_us);
    let alt_stale = v.is_stale(FieldGroup::Position, now_us);
    side_box(
        &painter,
        Rect::from_min_size(
            pos2(rect.min.x + 1.0, horizon.center().y - 22.0),
            vec2(42.0, 44.0),
        ),
        tr("GS"),
        &spd,
        spd_stale,
    );
    side_box(
        &painter,
        Rect::from_min_size(
            pos2(horizon.max.x + 1.0, horizon.center().y - 22.0),
            vec2(50.0, 44.0),
        ),
        tr("ALT"),
        &alt,
        alt_stale,
    );
}

fn side_box(p: &Painter, r: Rect, label: &str, value: &str, stale: bool) {
    let (value, colour) = if stale {
        (format!("{value} ?"), Color32::GRAY)
    } else {
        (value.to_owned(), Color32::WHITE)
    };
    p.rect_filled(r, 3.0, Color32::BLACK);
    p.text(
        r.center_top() + vec2(0.0, 2.0),
        Align2::CENTER_TOP,
        label,
        FontId::proportional(11.0),
        Color32::LIGHT_GRAY,
    );
    p.text(
        r.center_bottom() - vec2(0.0, 3.0),
        Align2::CENTER_BOTTOM,
        value,
        FontId::monospace(11.0),
        colour,
    );
}

/// Rotates `p` around `c` by `angle` radians (screen coordinates, clockwise positive).
fn rot(p: Pos2, c: Pos2, angle: f32) -> Pos2 {
    let (s, co) = angle.sin_cos();
    let d = p - c;
    c + vec2(d.x * co - d.y * s, d.x * s + d.y * co)
}

fn horizon_ui(p: &Painter, r: Rect, roll_deg: f32, pitch_deg: f32) {
    let p = p.with_clip_rect(r);
    let c = r.center();
    let px_per_deg = PX_PER_DEG_AT_200 * r.height() / 200.0;
    // Right wing down (positive roll) tilts the horizon counter-clockwise on screen.
    let roll = -roll_deg.to_radians();
    let shift = pitch_deg * px_per_deg;
    let big = r.width().max(r.height()) * 3.0;
    let centre = c + vec2(0.0, shift);
    let sky = [
        centre + vec2(-big, 0.0),
        centre + vec2(big, 0.0),
        centre + vec2(big, -big),
        centre + vec2(-big, -big),
    ];
    let ground = [
        centre + vec2(-big, 0.0),
        centre + vec2(big, 0.0),
        centre + vec2(big, big),
        centre + vec2(-big, big),
    ];
    for (poly, colour) in [(sky, SKY), (ground, GROUND)] {
        let pts = poly.iter().map(|q| rot(*q, c, roll)).collect();
        p.add(Shape::convex_polygon(pts, colour, Stroke::NONE));
    }
    let white = Stroke::new(1.5, Color32::WHITE);
    p.line_segment(
        [
            rot(centre + vec2(-big, 0.0), c, roll),
            rot(centre + vec2(big, 0.0), c, roll),
        ],
        Stroke::new(2.0, Color32::WHITE),
    );
    // Pitch ladder every 5°, labelled every 10°.
    for step in -8..=8_i32 {
        if step == 0 {
            continue;
        }
        let deg = step as f32 * 5.0;
        let y = centre.y - deg * px_per_deg;
        let half = if step % 2 == 0 { 28.0 } else { 14.0 };
        let a = rot(pos2(c.x - half, y), c, roll);
        let b = rot(pos2(c.x + half, y), c, roll);
        p.line_segment([a, b], white);
        if step % 2 == 0 {
            let t = rot(pos2(c.x + half + 12.0, y), c, roll);
            p.text(
                t,
                Align2::CENTER_CENTER,
                format!("{}", deg.abs() as i32),
                FontId::proportional(10.0),
                Color32::WHITE,
            );
        }
    }
    // Roll scale: ticks at 0, ±10, ±20, ±30, ±45, ±60 on an arc, pointer at the current roll.
    let radius = r.height() * 0.42;
    for t in [
        -60.0_f32, -45.0, -30.0, -20.0, -10.0, 0.0, 10.0, 20.0, 30.0, 45.0, 60.0,
    ] {
        let a = (t - 90.0).to_radians();
        let len = if t == 0.0 || t.abs() == 30.0 || t.abs() == 60.0 {
            10.0
        } else {
            6.0
        };
        let outer = c + vec2(a.cos(), a.sin()) * radius;
        let inner = c + vec2(a.cos(), a.sin()) * (radius - len);
        p.line_segment([inner, outer], white);
    }
    let a = (-roll_deg - 90.0).to_radians();
    let tip = c + vec2(a.cos(), a.sin()) * (radius - 11.0);
    let base = c + vec2(a.cos(), a.sin()) * (radius - 21.0);
    let side = vec2(-a.sin(), a.cos()) * 6.0;
    p.add(Shape::convex_polygon(
        vec![tip, base + side, base - side],
        Color32::YELLOW,
        Stroke::NONE,
    ));
    // The aircraft symbol, fixed.
    let y = Color32::YELLOW;
    let ys = Stroke::new(3.0, y);
    p.line_segment([c + vec2(-40.0, 0.0), c + vec2(-12.0, 0.0)], ys);
    p.line_segment([c + vec2(12.0, 0.0), c + vec2(40.0, 0.0)], ys);
    p.circle_filled(c, 3.0, y);
    p.text(
        r.left_bottom() + vec2(4.0, -3.0),
        Align2::LEFT_BOTTOM,
        format!("R {roll_deg:+.0}°  P {pitch_deg:+.0}°"),
        FontId::monospace(11.0),
        Color32::WHITE,
    );
}

fn heading_tape(p: &Painter, r: Rect, heading_deg: Option<f64>) {
    p.rect_filled(r, 0.0, Color32::BLACK);
    let p = p.with_clip_rect(r);
    let Some(h) = heading_deg else {
        p.text(
            r.center(),
            Align2::CENTER_CENTER,
            "—",
            FontId::proportional(13.0),
            Color32::WHITE,
        );
        return;
    };
    let h = h as f32;
    let px_per_deg = r.width() / 90.0;
    let c = r.center();
    let first = ((h - 50.0) / 5.0).floor() as i32 * 5;
    for d in (first..=first + 100).step_by(5) {
        let x = c.x + (d as f32 - h) * px_per_deg;
        let major = d.rem_euclid(30) == 0;
        let len = if major { 8.0 } else { 4.0 };
        p.line_segment(
            [pos2(x, r.max.y - len), pos2(x, r.max.y)],
            Stroke::new(1.0, Color32::WHITE),
        );
        if major {
            let name = match d.rem_euclid(360) {
                0 => "N".to_owned(),
                90 => "E".to_owned(),
                180 => "S".to_owned(),
                270 => "W".to_owned(),
                n => format!("{}", n / 10),
            };
            p.text(
                pos2(x, r.min.y + 1.0),
                Align2::CENTER_TOP,
                name,
                FontId::proportional(11.0),
                Color32::WHITE,
            );
        }
    }
    let boxr = Rect::from_center_size(c, Vec2::new(34.0, r.height()));
    p.rect_filled(boxr, 2.0, Color32::from_gray(30));
    p.rect_stroke(
        boxr,
        2.0,
        Stroke::new(1.0, Color32::YELLOW),
        egui::StrokeKind::Inside,
    );
    p.text(
        c,
        Align2::CENTER_CENTER,
        format!("{:03.0}", h.rem_euclid(360.0)),
        FontId::monospace(13.0),
        Color32::YELLOW,
    );
}
