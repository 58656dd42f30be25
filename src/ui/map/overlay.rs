//! Everything Steppe draws over the map tiles: a neutral background and graticule when there
//! are no tiles, the scale bar, geofences, rally points, missions with the current item,
//! trails, photo points, home, the vehicles, and in the Plan view the field, its zones, the
//! transects of each part and the vertex handles.

use super::geom::{WorldToScreen, nice_step, screen_decimated};
use crate::geo::LatLon;
use crate::plan::mission_item::MissionItem;
use crate::ui::model::{MissionTypeKey, UiModel, vehicle_label};
use crate::ui::settings::Theme;
use crate::ui::theme::vehicle_colour;
use egui::{Align2, Color32, FontId, Painter, Pos2, Rect, Shape, Stroke, pos2, vec2};
use walkers::{Projector, lat_lon};

/// Colours of split parts (part 1, part 2, …) in the Plan view.
pub const PART_COLOURS: [Color32; 4] = [
    Color32::from_rgb(0, 90, 220),
    Color32::from_rgb(230, 110, 0),
    Color32::from_rgb(200, 0, 160),
    Color32::from_rgb(0, 150, 140),
];

/// Screen position of a point.
pub fn to_screen(p: &Projector, ll: LatLon) -> Pos2 {
    p.project(lat_lon(ll.lat_deg, ll.lon_deg)).to_pos2()
}

/// Geographic position of a screen point.
pub fn to_geo(p: &Projector, s: Pos2) -> LatLon {
    let g = p.unproject(s.to_vec2());
    LatLon::new(g.y(), g.x())
}

fn text_with_halo(
    painter: &Painter,
    pos: Pos2,
    align: Align2,
    text: &str,
    size: f32,
    colour: Color32,
) {
    let font = FontId::proportional(size);
    for d in [
        vec2(-1.0, 0.0),
        vec2(1.0, 0.0),
        vec2(0.0, -1.0),
        vec2(0.0, 1.0),
    ] {
        painter.text(pos + d, align, text, font.clone(), Color32::WHITE);
    }
    painter.text(pos, align, text, font, colour);
}

/// Fills the map with a neutral colour and draws a labelled graticule (used when no tiles
/// are shown, and faintly over tiles).
pub fn background(painter: &Painter, proj: &Projector, rect: Rect, theme: Theme, tiles: bool) {
    let (bg, line) = match theme {
        Theme::Daylight => (Color32::from_rgb(236, 232, 220), Color32::from_gray(150)),
        Theme::Dark => (Color32::from_rgb(45, 48, 52), Color32::from_gray(95)),
    };
    if !tiles {
        painter.rect_filled(rect, 0.0, bg);
    }
    let nw = to_geo(proj, rect.min);
    let se = to_geo(proj, rect.max);
    let span = (nw.lon_deg - se.lon_deg).abs().max(1e-9);
    let step = nice_step(span * 150.0 / f64::from(rect.width().max(1.0)));
    let stroke = Stroke::new(
        if tiles { 0.5 } else { 1.0 },
        line.gamma_multiply(if tiles { 0.5 } else { 1.0 }),
    );
    let decimals = (-step.log10()).ceil().max(0.0) as usize;
    let mut lon = (nw.lon_deg / step).floor() * step;
    let mut guard = 0;
    while lon <= se.lon_deg && guard < 200 {
        let x = to_screen(proj, LatLon::new(nw.lat_deg, lon)).x;
        painter.line_segment([pos2(x, rect.min.y), pos2(x, rect.max.y)], stroke);
        if !tiles {
            painter.text(
                pos2(x + 2.0, rect.min.y + 2.0),
                Align2::LEFT_TOP,
                format!("{lon:.decimals$}°"),
                FontId::monospace(10.0),
                line,
            );
        }
        lon += step;
        guard += 1;
    }
    let mut lat = (se.lat_deg / step).floor() * step;
    guard = 0;
    while lat <= nw.lat_deg && guard < 200 {
        let y = to_screen(proj, LatLon::new(lat, nw.lon_deg)).y;
        painter.line_segment([pos2(rect.min.x, y), pos2(rect.max.x, y)], stroke);
        if !tiles {
            painter.text(
                pos2(rect.min.x + 2.0, y - 2.0),
                Align2::LEFT_BOTTOM,
                format!("{lat:.decimals$}°"),
                FontId::monospace(10.0),
                line,
            );
        }
        lat += step;
        guard += 1;
    }
}

/// A scale bar in the bottom-left corner.
pub fn scale_bar(
    painter: &Painter,
    proj: &Projector,
    rect: Rect,
    units: crate::ui::settings::Units,
) {
    let a = to_geo(proj, rect.left_bottom() + vec2(10.0, -20.0));
    let b = to_geo(proj, rect.left_bottom() + vec2(110.0, -20.0));
    let m_per_100px = a.distance_m(b);
    if !(m_per_100px.is_finite() && m_per_100px > 0.0) {
        return;
    }
    // A round length in the chosen units: metres/kilometres or feet/miles.
    let (len_m, label) = match units {
        crate::ui::settings::Units::Metric => {
            let l = nice_step(m_per_100px);
            let label = if l >= 1000.0 {
                format!("{} km", l / 1000.0)
            } else {
                format!("{l} m")
            };
            (l, label)
        }
        crate::ui::settings::Units::Imperial => {
            let ft = m_per_100px / 0.3048;
            if ft >= 5280.0 {
                let mi = nice_step(ft / 5280.0);
                (mi * 1609.344, format!("{mi} mi"))
            } else {
                let f = nice_step(ft);
                (f * 0.3048, format!("{f} ft"))
            }
        }
    };
    let px = (100.0 * len_m / m_per_100px) as f32;
    let y = rect.max.y - 14.0;
    let x0 = rect.min.x + 12.0;
    let bg = Rect::from_min_max(pos2(x0 - 6.0, y - 20.0), pos2(x0 + px + 8.0, y + 8.0));
    painter.rect_filled(bg, 3.0, Color32::from_white_alpha(210));
    let s = Stroke::new(3.0, Color32::BLACK);
    painter.line_segment([pos2(x0, y), pos2(x0 + px, y)], s);
    painter.line_segment([pos2(x0, y - 6.0), pos2(x0, y + 3.0)], s);
    painter.line_segment([pos2(x0 + px, y - 6.0), pos2(x0 + px, y + 3.0)], s);
    painter.text(
        pos2(x0 + px / 2.0, y - 4.0),
        Align2::CENTER_BOTTOM,
        label,
        FontId::proportional(12.0),
        Color32::BLACK,
    );
}

fn positioned(items: &[MissionItem]) -> impl Iterator<Item = (usize, LatLon)> + '_ {
    items
        .iter()
        .enumerate()
        .filter_map(|(i, it)| it.position().map(|p| (i, p)))
}

/// A mission path with numbered waypoints; `current` is highlighted.
pub fn mission(
    painter: &Painter,
    proj: &Projector,
    items: &[MissionItem],
    colour: Color32,
    current: Option<u16>,
) {
    // Item 0 is home, drawn as the vehicle's home.
    let pts: Vec<(usize, Pos2)> = positioned(items)
        .filter(|(i, _)| *i > 0)
        .map(|(i, p)| (i, to_screen(proj, p)))
        .collect();
    let line: Vec<Pos2> = pts.iter().map(|(_, p)| *p).collect();
    painter.add(Shape::line(
        line,
        Stroke::new(2.5, colour.gamma_multiply(0.8)),
    ));
    for (i, p) in &pts {
        let is_current = current == Some(*i as u16);
        let r = if is_current { 9.0 } else { 6.0 };
        let fill = if is_current {
            Color32::YELLOW
        } else {
            Color32::WHITE
        };
        painter.circle(*p, r, fill, Stroke::new(1.5, colour));
        if is_current || pts.len() < 60 {
            painter.text(
                *p,
                Align2::CENTER_CENTER,
                i.to_string(),
                FontId::proportional(if is_current { 10.0 } else { 8.0 }),
                Color32::BLACK,
            );
        }
    }
}

/// Fence polygons and circles from a fence list, and rally points from a rally list.
pub fn fence_and_rally(
    painter: &Painter,
    proj: &Projector,
    fence: &[MissionItem],
    rally: &[MissionItem],
) {
    if let Ok(f) = crate::plan::document::Fence::from_items(fence) {
        for poly in &f.polygons {
            let colour = if poly.inclusion {
                Color32::from_rgb(220, 0, 0)
            } else {
                Color32::from_rgb(150, 0, 0)
            };
            let mut pts: Vec<Pos2> = poly.points.iter().map(|p| to_screen(proj, *p)).collect();
            if let Some(first) = pts.first().copied() {
                pts.push(first);
            }
            let fill = if poly.inclusion {
                Color32::TRANSPARENT
            } else {
                Color32::from_rgba_unmultiplied(200, 0, 0, 50)
            };
            if !poly.inclusion {
                super::geom::fill_polygon(
                    painter,
                    pts.get(..pts.len().saturating_sub(1)).unwrap_or(&[]),
                    fill,
                );
            }
            painter.extend(Shape::dashed_line(
                &pts,
                Stroke::new(2.5, colour),
                10.0,
                6.0,
            ));
        }
        for c in &f.circles {
            let centre = to_screen(proj, c.center);
            let edge = to_screen(proj, c.center.destination(90.0, c.radius_m));
            painter.circle_stroke(
                centre,
                (edge - centre).length(),
                Stroke::new(2.5, Color32::from_rgb(220, 0, 0)),
            );
        }
    }
    for p in rally.iter().filter_map(MissionItem::position) {
        let p = to_screen(proj, p);
        painter.circle(
            p,
            8.0,
            Color32::from_rgb(0, 140, 60),
            Stroke::new(1.5, Color32::WHITE),
        );
        painter.text(
            p,
            Align2::CENTER_CENTER,
            "R",
            FontId::proportional(10.0),
            Color32::WHITE,
        );
    }
}

/// Trails, photo points, homes, missions and vehicles of the Fly view.
pub fn fleet(painter: &Painter, proj: &Projector, m: &UiModel) {
    let rect = proj.clip_rect();
    let world = WorldToScreen::new(proj);
    for (i, v) in m.snapshot.vehicles.iter().enumerate() {
        let colour = vehicle_colour(i);
        let fence = m.onboard.get(&(v.id, MissionTypeKey::Fence));
        let rally = m.onboard.get(&(v.id, MissionTypeKey::Rally));
        if fence.is_some() || rally.is_some() {
            let none: &[MissionItem] = &[];
            fence_and_rally(
                painter,
                proj,
                fence.map_or(none, Vec::as_slice),
                rally.map_or(none, Vec::as_slice),
            );
        }
        if let Some(items) = m.onboard.get(&(v.id, MissionTypeKey::Mission)) {
            // Our lists hold home first; PX4 counts its items without it.
            let px4 = v.autopilot == crate::vehicle::Autopilot::Px4;
            let current = v
                .mission
                .current_seq
                .map(|s| if px4 { s.saturating_add(1) } else { s });
            mission(painter, proj, items, colour, current);
        }
        let trail = m.tracks.trail(v.id);
        let pts = screen_decimated(
            trail.iter().map(|t| world.apply(t.world)),
            1.5,
            rect.expand(50.0),
        );
        for run in pts {
            painter.add(Shape::line(
                run,
                Stroke::new(2.0, colour.gamma_multiply(0.9)),
            ));
        }
        for ph in m.tracks.photos(v.id) {
            let p = to_screen(proj, ph.lat_lon);
            if rect.contains(p) {
                painter.circle(
                    p,
                    3.0,
                    Color32::from_rgb(255, 230, 0),
                    Stroke::new(1.0, Color32::BLACK),
                );
            }
        }
        if let Some(h) = v.home {
            let p = to_screen(proj, h.lat_lon);
            painter.circle(p, 9.0, colour, Stroke::new(2.0, Color32::WHITE));
            painter.text(
                p,
                Align2::CENTER_CENTER,
                "H",
                FontId::proportional(11.0),
                Color32::WHITE,
            );
        }
    }
    for (i, v) in m.snapshot.vehicles.iter().enumerate() {
        let Some(pos) = v.position.lat_lon else {
            continue;
        };
        // A vehicle not heard from is drawn grey, its label marked, so an old position
        // never looks live.
        let lost = v.is_lost() || v.is_stale(crate::vehicle::FieldGroup::Position, m.now_us);
        let colour = if lost {
            Color32::GRAY
        } else {
            vehicle_colour(i)
        };
        let p = to_screen(proj, pos);
        let heading = v
            .attitude
            .map(|a| a.yaw_deg)
            .or(v.motion.heading_deg)
            .unwrap_or(0.0) as f32;
        let (s, c) = heading.to_radians().sin_cos();
        let fwd = vec2(s, -c);
        let right = vec2(c, s);
        let size = if m.selected == Some(v.id) { 16.0 } else { 13.0 };
        let tip = p + fwd * size;
        let pts = vec![
            tip,
            p - fwd * size * 0.6 + right * size * 0.7,
            p - fwd * size * 0.25,
            p - fwd * size * 0.6 - right * size * 0.7,
        ];
        painter.add(Shape::convex_polygon(
            vec![pts[0], pts[1], pts[2]],
            colour,
            Stroke::NONE,
        ));
        painter.add(Shape::convex_polygon(
            vec![pts[0], pts[2], pts[3]],
            colour,
            Stroke::NONE,
        ));
        painter.add(Shape::closed_line(pts, Stroke::new(2.0, Color32::WHITE)));
        let alt = v.position.alt_rel_m.map_or(String::new(), |a| {
            format!(" {}", crate::ui::format::alt(m.settings.units, a))
        });
        let mut label = format!("{} {}{}", vehicle_label(v.id), v.mode_name, alt);
        if lost {
            label.push_str(" ?");
        }
        text_with_halo(
            painter,
            p + vec2(size + 4.0, -size),
            Align2::LEFT_TOP,
            &label,
            13.0,
            colour,
        );
    }
    if let Some(g) = m.fly.goto {
        let p = to_screen(proj, g);
        let s = Stroke::new(2.5, Color32::from_rgb(200, 0, 200));
        painter.circle_stroke(p, 10.0, s);
        painter.line_segment([p + vec2(-14.0, 0.0), p + vec2(14.0, 0.0)], s);
        painter.line_segment([p + vec2(0.0, -14.0), p + vec2(0.0, 14.0)], s);
    }
}

#[cfg(test)]
#[path = "overlay_tests.rs"]
mod tests;
