//! The two colour schemes and the colours that carry meaning (vehicle colours, severity,
//! stale values). Daylight is the default: black on white, heavier strokes and larger text,
//! because the laptop sits in the sun.

use super::settings::Theme;
use egui::{Color32, Context, Stroke, Visuals};

/// Colours of vehicles 1, 2, 3 … on the map and their cards (distinct for colour-blind eyes
/// too: blue, orange, magenta, teal, brown).
pub const VEHICLE_COLOURS: [Color32; 5] = [
    Color32::from_rgb(0, 90, 220),
    Color32::from_rgb(230, 110, 0),
    Color32::from_rgb(200, 0, 160),
    Color32::from_rgb(0, 150, 140),
    Color32::from_rgb(140, 80, 20),
];

/// Colour of the n-th vehicle (by position in the vehicle list).
pub fn vehicle_colour(index: usize) -> Color32 {
    VEHICLE_COLOURS[index % VEHICLE_COLOURS.len()]
}

/// Meaningful colours for the current scheme.
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    /// Good (armed OK, 3D fix, battery fine).
    pub good: Color32,
    /// Needs attention.
    pub warn: Color32,
    /// Danger.
    pub bad: Color32,
    /// Stale or unknown values.
    pub stale: Color32,
    /// Normal text.
    pub text: Color32,
}

/// The palette of a scheme.
pub fn palette(theme: Theme) -> Palette {
    match theme {
        Theme::Daylight => Palette {
            good: Color32::from_rgb(0, 110, 30),
            warn: Color32::from_rgb(170, 95, 0),
            bad: Color32::from_rgb(200, 0, 0),
            stale: Color32::from_rgb(130, 130, 130),
            text: Color32::BLACK,
        },
        Theme::Dark => Palette {
            good: Color32::from_rgb(90, 220, 110),
            warn: Color32::from_rgb(255, 190, 60),
            bad: Color32::from_rgb(255, 90, 90),
            stale: Color32::from_rgb(120, 120, 120),
            text: Color32::from_rgb(235, 235, 235),
        },
    }
}

/// Colour for a MAV_SEVERITY (0 emergency … 7 debug).
pub fn severity_colour(p: &Palette, severity: u8) -> Color32 {
    match severity {
        0..=3 => p.bad,
        4 => p.warn,
        5 => p.good,
        _ => p.text,
    }
}

/// Applies a scheme and UI scale to the context.
pub fn apply(ctx: &Context, theme: Theme, ui_scale: f32) {
    let mut visuals = match theme {
        Theme::Daylight => {
            let mut v = Visuals::light();
            v.override_text_color = Some(Color32::BLACK);
            v.panel_fill = Color32::from_rgb(250, 250, 250);
            v.window_fill = Color32::WHITE;
            v.extreme_bg_color = Color32::WHITE;
            v.widgets.noninteractive.bg_stroke = Stroke::new(1.0, Color32::from_gray(90));
            v.widgets.inactive.bg_fill = Color32::from_gray(225);
            v.widgets.inactive.weak_bg_fill = Color32::from_gray(225);
            v.widgets.inactive.bg_stroke = Stroke::new(1.0, Color32::from_gray(60));
            v.widgets.inactive.fg_stroke = Stroke::new(1.5, Color32::BLACK);
            v.widgets.hovered.fg_stroke = Stroke::new(2.0, Color32::BLACK);
            v.widgets.active.fg_stroke = Stroke::new(2.0, Color32::BLACK);
            v.selection.bg_fill = Color32::from_rgb(120, 170, 255);
            v.selection.stroke = Stroke::new(1.5, Color32::BLACK);
            v
        }
        Theme::Dark => Visuals::dark(),
    };
    visuals.window_corner_radius = 4.0.into();
    ctx.set_visuals(visuals);
    ctx.set_zoom_factor(ui_scale.clamp(0.5, 3.0));
}
