//! Screen-space helpers for the map: "nice" round steps for graticules and scale bars, and
//! trail decimation that drops points closer than a pixel or so to the last one drawn and
//! cuts the line where it leaves the visible area, so a 2-hour trail costs little per frame.
//! Trail points carry their Web Mercator position, which [`WorldToScreen`] maps to the screen
//! with a multiply-add per point instead of the projector's logarithm and tangent.

use crate::tiles::world_fraction;
use egui::{Color32, Mesh, Painter, Pos2, Rect, Shape, pos2};
use walkers::{Projector, lat_lon};

/// The map projector's transform for one frame, applied to positions already in Web Mercator
/// world fractions ([`world_fraction`]): the projector is linear in them, so it is anchored at
/// the screen centre and scaled by the world's width in pixels at the current zoom.
#[derive(Debug, Clone, Copy)]
pub struct WorldToScreen {
    centre_world: [f64; 2],
    centre_screen: [f64; 2],
    px_per_world: f64,
}

impl WorldToScreen {
    /// The transform of `proj` (a Web Mercator map, as every tile source here).
    pub fn new(proj: &Projector) -> Self {
        let at = proj.clip_rect().center();
        let c = proj.unproject(at.to_vec2());
        let (x, y) = world_fraction(c.y(), c.x());
        let p = proj.projection();
        let east = p.project(lat_lon(0.0, 180.0), proj.zoom()).x();
        let west = p.project(lat_lon(0.0, -180.0), proj.zoom()).x();
        Self {
            centre_world: [x, y],
            centre_screen: [f64::from(at.x), f64::from(at.y)],
            px_per_world: east - west,
        }
    }

    /// Screen position of a point at world fraction `w`.
    pub fn apply(&self, w: [f64; 2]) -> Pos2 {
        let [cx, cy] = self.centre_world;
        let [sx, sy] = self.centre_screen;
        pos2(
            (sx + (w[0] - cx) * self.px_per_world) as f32,
            (sy + (w[1] - cy) * self.px_per_world) as f32,
        )
    }
}

/// The largest 1-2-5 × 10ⁿ value not above `x` (for x > 0).
pub fn nice_step(x: f64) -> f64 {
    if !(x.is_finite() && x > 0.0) {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    let f = x / p;
    let m = if f >= 5.0 {
        5.0
    } else if f >= 2.0 {
        2.0
    } else {
        1.0
    };
    m * p
}

/// Splits a screen polyline into runs inside `view`, skipping points within `min_px` of the
/// previous kept point. A run ends where the line leaves `view` (its first point outside
/// is kept so the line reaches the edge).
pub fn screen_decimated(
    points: impl Iterator<Item = Pos2>,
    min_px: f32,
    view: Rect,
) -> Vec<Vec<Pos2>> {
    let mut runs: Vec<Vec<Pos2>> = Vec::new();
    let mut run: Vec<Pos2> = Vec::new();
    let mut prev_inside = false;
    let mut prev: Option<Pos2> = None;
    let min2 = min_px * min_px;
    for p in points {
        let inside = view.contains(p);
        if inside || prev_inside {
            if !prev_inside && let Some(q) = prev {
                // Entering: start from the point outside.
                run.push(q);
            }
            match run.last() {
                Some(last) if inside && (p - *last).length_sq() < min2 => {}
                _ => run.push(p),
            }
        }
        if !inside && prev_inside {
            runs.push(std::mem::take(&mut run));
        }
        prev_inside = inside;
        prev = Some(p);
    }
    if run.len() > 1 {
        runs.push(run);
    }
    runs.retain(|r| r.len() > 1);
    runs
}

/// Fills a simple polygon (convex or not) by ear clipping.
pub fn fill_polygon(painter: &Painter, pts: &[Pos2], colour: Color32) {
    let mut mesh = Mesh::default();
    for p in pts {
        mesh.colored_vertex(*p, colour);
    }
    for [a, b, c] in triangulate(pts) {
        mesh.add_triangle(a, b, c);
    }
    if !mesh.indices.is_empty() {
        painter.add(Shape::mesh(mesh));
    }
}

/// Ear-clipping triangulation of a simple polygon (either winding); indices into `pts`.
pub fn triangulate(pts: &[Pos2]) -> Vec<[u32; 3]> {
    let at = |i: u32| pts.get(i as usize).copied().unwrap_or(Pos2::ZERO);
    let cross = |a: Pos2, b: Pos2, c: Pos2| (b - a).x * (c - a).y - (b - a).y * (c - a).x;
    let n = pts.len();
    if !(3..=2000).contains(&n) {
        return Vec::new();
    }
    let area2: f32 = (0..n)
        .map(|i| {
            let (a, b) = (at(i as u32), at(((i + 1) % n) as u32));
            a.x * b.y - b.x * a.y
        })
        .sum();
    let sign = if area2 >= 0.0 { 1.0 } else { -1.0 };
    let mut ring: Vec<u32> = (0..n as u32).collect();
    let mut out = Vec::with_capacity(n - 2);
    while ring.len() > 3 {
        let m = ring.len();
        let ear = (0..m).find(|&k| {
            let [a, b, c] =
                [(k + m - 1) % m, k, (k + 1) % m].map(|j| ring.get(j).copied().unwrap_or(0));
            let (pa, pb, pc) = (at(a), at(b), at(c));
            sign * cross(pa, pb, pc) > 0.0
                && ring
                    .iter()
                    .filter(|&&q| q != a && q != b && q != c)
                    .all(|&q| {
                        let p = at(q);
                        !(sign * cross(pa, pb, p) >= 0.0
                            && sign * cross(pb, pc, p) >= 0.0
                            && sign * cross(pc, pa, p) >= 0.0)
                    })
        });
        // A self-intersecting ring has no ear left: stop with what was filled.
        let Some(k) = ear else {
            return out;
        };
        let [a, b, c] =
            [(k + m - 1) % m, k, (k + 1) % m].map(|j| ring.get(j).copied().unwrap_or(0));
        out.push([a, b, c]);
        ring.remove(k);
    }
    if let [a, b, c] = ring[..] {
        out.push([a, b, c]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::vec2;
    use walkers::{MapMemory, MercatorProjection};

    #[test]
    fn world_fractions_land_where_the_projector_puts_them() {
        let centre = lat_lon(42.87, 74.6);
        for zoom in [3.0, 12.0, 17.0, 20.0] {
            let mut memory = MapMemory::default();
            memory.set_zoom(zoom).expect("zoom in range");
            let view = Rect::from_min_size(pos2(100.0, 40.0), vec2(1600.0, 1000.0));
            let proj = Projector::new(view, &MercatorProjection, &memory, centre);
            let t = WorldToScreen::new(&proj);
            // Points up to about 2000 px from the centre in every direction.
            let step_deg = 0.002 * 2f64.powf(14.0 - zoom);
            for i in -6..=6 {
                for j in -6..=6 {
                    let (lat, lon) = (
                        42.87 + f64::from(i) * step_deg,
                        74.6 + f64::from(j) * step_deg,
                    );
                    let (x, y) = world_fraction(lat, lon);
                    let expected = proj.project(lat_lon(lat, lon)).to_pos2();
                    let got = t.apply([x, y]);
                    assert!(
                        (got - expected).length() < 0.01,
                        "zoom {zoom}, ({lat}, {lon}): {got:?} against {expected:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(7.0), 5.0);
        assert_eq!(nice_step(130.0), 100.0);
        assert_eq!(nice_step(0.0031), 0.002);
        assert_eq!(nice_step(-1.0), 1.0);
    }

    #[test]
    fn decimation_keeps_shape_and_clips() {
        let view = Rect::from_min_max(pos2(0.0, 0.0), pos2(100.0, 100.0));
        // 10 000 points along a 90 px line: about 60 survive at 1.5 px.
        let pts = (0..10_000).map(|i| pos2(5.0 + i as f32 * 0.009, 50.0));
        let runs = screen_decimated(pts, 1.5, view);
        assert_eq!(runs.len(), 1);
        assert!((55..=65).contains(&runs[0].len()), "{}", runs[0].len());
        // Out, in, out, in: two runs, each starting from the point outside.
        let pts = [
            pos2(-10.0, 5.0),
            pos2(10.0, 5.0),
            pos2(150.0, 5.0),
            pos2(150.0, 50.0),
            pos2(50.0, 50.0),
        ];
        let runs = screen_decimated(pts.into_iter(), 1.0, view);
        assert_eq!(runs.len(), 2, "{runs:?}");
        assert_eq!(
            runs[0],
            vec![pos2(-10.0, 5.0), pos2(10.0, 5.0), pos2(150.0, 5.0)]
        );
        assert_eq!(runs[1], vec![pos2(150.0, 50.0), pos2(50.0, 50.0)]);
    }
}
