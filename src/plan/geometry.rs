//! Plane geometry for the survey planner, in local metres: polygons with holes, scanline
//! clipping (the heart of transect generation: exact for concave fields and holes), distances,
//! segment tests and a rotated "transect frame" in which transects run along +x.

use crate::geo::Enu;

/// A point in the plane (metres).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct P2 {
    /// x (m).
    pub x: f64,
    /// y (m).
    pub y: f64,
}

impl P2 {
    /// A point.
    pub const fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }

    /// Distance to `o`.
    pub fn dist(self, o: P2) -> f64 {
        (self.x - o.x).hypot(self.y - o.y)
    }

    /// Linear interpolation towards `o` by `t` (0..1).
    pub fn lerp(self, o: P2, t: f64) -> P2 {
        P2::new(self.x + (o.x - self.x) * t, self.y + (o.y - self.y) * t)
    }
}

/// Rotation between local east/north metres and the transect frame, where transects at a
/// heading of `angle_deg` (clockwise from north) run along +x and are stacked along +y.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TransectFrame {
    sin: f64,
    cos: f64,
}

impl TransectFrame {
    /// A frame for transects heading `angle_deg` clockwise from north.
    pub fn new(angle_deg: f64) -> Self {
        let a = angle_deg.to_radians();
        Self {
            sin: a.sin(),
            cos: a.cos(),
        }
    }

    /// East/north to transect frame.
    pub fn to_frame(&self, e: Enu) -> P2 {
        P2::new(
            e.east_m * self.sin + e.north_m * self.cos,
            -e.east_m * self.cos + e.north_m * self.sin,
        )
    }

    /// Transect frame to east/north.
    pub fn to_enu(&self, p: P2) -> Enu {
        Enu::new(
            p.x * self.sin - p.y * self.cos,
            p.x * self.cos + p.y * self.sin,
        )
    }
}

/// A polygon with holes in the plane. Rings are not closed (no repeated first point).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Shape {
    /// Boundary.
    pub outer: Vec<P2>,
    /// Holes.
    pub holes: Vec<Vec<P2>>,
    /// Distance kept from the holes: points nearer than this to a hole's edge are outside.
    pub margin: f64,
}

impl Shape {
    /// All rings: the boundary first, then the holes.
    pub fn rings(&self) -> impl Iterator<Item = &Vec<P2>> {
        std::iter::once(&self.outer).chain(self.holes.iter())
    }

    /// Bounding box (min, max).
    pub fn bounds(&self) -> (P2, P2) {
        let mut lo = P2::new(f64::INFINITY, f64::INFINITY);
        let mut hi = P2::new(f64::NEG_INFINITY, f64::NEG_INFINITY);
        for p in &self.outer {
            lo = P2::new(lo.x.min(p.x), lo.y.min(p.y));
            hi = P2::new(hi.x.max(p.x), hi.y.max(p.y));
        }
        (lo, hi)
    }

    /// Intervals [x0, x1] where the horizontal line at `y` is inside the shape (inside the
    /// boundary, outside every hole), sorted. Each ring is read by the even-odd rule on its
    /// own and the holes — with the band within `margin` of their edges — are subtracted as a
    /// union, so holes that overlap each other or stick out of the boundary still give the
    /// right intervals. Vertices
    /// exactly on the line count on one side only (half-open rule), so touching points give
    /// no interval.
    pub fn scanline(&self, y: f64) -> Vec<(f64, f64)> {
        let mut inside = ring_scanline(&self.outer, y);
        let mut cut: Vec<(f64, f64)> = Vec::new();
        for hole in &self.holes {
            cut.extend(ring_scanline(hole, y));
            if self.margin > 0.0 {
                let n = hole.len();
                cut.extend(
                    (0..n).filter_map(|i| capsule_span(y, hole[i], hole[(i + 1) % n], self.margin)),
                );
            }
        }
        for (h0, h1) in cut {
            inside = inside
                .into_iter()
                .flat_map(|(a, b)| {
                    let mut parts = Vec::with_capacity(2);
                    if h0 > a {
                        parts.push((a, b.min(h0)));
                    }
                    if h1 < b {
                        parts.push((a.max(h1), b));
                    }
                    parts
                })
                .filter(|(a, b)| b - a > 1e-9)
                .collect();
        }
        inside
    }

    /// True when `p` is inside the boundary, outside every hole and at least the margin from
    /// each.
    pub fn contains(&self, p: P2) -> bool {
        point_in_ring(p, &self.outer)
            && !self.holes.iter().any(|h| {
                point_in_ring(p, h) || (self.margin > 0.0 && near_ring(p, h, self.margin - 1e-9))
            })
    }

    /// Transforms every point.
    pub fn map(&self, f: impl Fn(P2) -> P2) -> Shape {
        Shape {
            outer: self.outer.iter().map(|p| f(*p)).collect(),
            holes: self
                .holes
                .iter()
                .map(|h| h.iter().map(|p| f(*p)).collect())
                .collect(),
            margin: self.margin,
        }
    }
}

/// Distance from `p` to the segment ab.
pub fn dist_to_segment(p: P2, a: P2, b: P2) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    if len2 <= 0.0 {
        return p.dist(a);
    }
    let t = (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0);
    p.dist(a.lerp(b, t))
}

fn orient(a: P2, b: P2, c: P2) -> f64 {
    (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)
}

/// True when the open segments ab and cd cross properly (touching endpoints do not count).
/// Points within about 10 µm per 100 m of a line count as on it, so coordinates that went
/// through a geographic round trip still touch the edges they started on.
pub fn segments_cross(a: P2, b: P2, c: P2, d: P2) -> bool {
    let (o1, o2, o3, o4) = (
        orient(a, b, c),
        orient(a, b, d),
        orient(c, d, a),
        orient(c, d, b),
    );
    let eps = 1e-7 * (a.dist(b) * c.dist(d)).max(1e-12);
    ((o1 > eps && o2 < -eps) || (o1 < -eps && o2 > eps))
        && ((o3 > eps && o4 < -eps) || (o3 < -eps && o4 > eps))
}

/// True when the segment ab crosses an edge of `ring` or passes through its interior.
pub fn segment_hits_ring(a: P2, b: P2, ring: &[P2]) -> bool {
    let n = ring.len();
    if (0..n).any(|i| segments_cross(a, b, ring[i], ring[(i + 1) % n])) {
        return true;
    }
    // No proper crossing: the segment is either entirely inside or outside (or along edges).
    let mid = a.lerp(b, 0.5);
    point_in_ring(mid, ring) && !on_ring(mid, ring)
}

/// True when `p` lies within `tol` metres of an edge of `ring`.
pub fn near_ring(p: P2, ring: &[P2], tol: f64) -> bool {
    let n = ring.len();
    (0..n).any(|i| dist_to_segment(p, ring[i], ring[(i + 1) % n]) <= tol)
}

/// The x-interval where the horizontal line at `y` is within `r` of the segment ab (the
/// line's intersection with the capsule around ab), if any.
pub fn capsule_span(y: f64, a: P2, b: P2, r: f64) -> Option<(f64, f64)> {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    let mut take = |x0: f64, x1: f64| {
        lo = lo.min(x0);
        hi = hi.max(x1);
    };
    for c in [a, b] {
        let dy = y - c.y;
        if dy.abs() <= r {
            let w = (r * r - dy * dy).sqrt();
            take(c.x - w, c.x + w);
        }
    }
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len = dx.hypot(dy);
    if len > 1e-12 {
        // The rectangle a ± r·n, b ± r·n, cut by the line.
        let n = P2::new(-dy / len * r, dx / len * r);
        let quad = [
            P2::new(a.x + n.x, a.y + n.y),
            P2::new(b.x + n.x, b.y + n.y),
            P2::new(b.x - n.x, b.y - n.y),
            P2::new(a.x - n.x, a.y - n.y),
        ];
        for i in 0..4 {
            let (p, q) = (quad[i], quad[(i + 1) % 4]);
            if (p.y - y) * (q.y - y) <= 0.0 {
                if (q.y - p.y).abs() < 1e-12 {
                    take(p.x.min(q.x), p.x.max(q.x));
                } else {
                    let x = p.x + (y - p.y) / (q.y - p.y) * (q.x - p.x);
                    take(x, x);
                }
            }
        }
    }
    (hi > lo).then_some((lo, hi))
}

/// Shortest distance between the segments ab and cd.
pub fn segment_dist(a: P2, b: P2, c: P2, d: P2) -> f64 {
    if segments_cross(a, b, c, d) {
        return 0.0;
    }
    dist_to_segment(a, c, d)
        .min(dist_to_segment(b, c, d))
        .min(dist_to_segment(c, a, b))
        .min(dist_to_segment(d, a, b))
}

/// Intervals where the horizontal line at `y` is inside one ring (even-odd), sorted.
fn ring_scanline(ring: &[P2], y: f64) -> Vec<(f64, f64)> {
    let n = ring.len();
    let mut xs: Vec<f64> = Vec::new();
    for i in 0..n {
        let (a, b) = (ring[i], ring[(i + 1) % n]);
        if (a.y > y) != (b.y > y) {
            xs.push(a.x + (y - a.y) / (b.y - a.y) * (b.x - a.x));
        }
    }
    xs.sort_by(f64::total_cmp);
    xs.chunks_exact(2)
        .filter(|c| c[1] - c[0] > 1e-9)
        .map(|c| (c[0], c[1]))
        .collect()
}

/// Even-odd point-in-polygon for one ring.
pub fn point_in_ring(p: P2, ring: &[P2]) -> bool {
    let n = ring.len();
    let mut inside = false;
    for i in 0..n {
        let (a, b) = (ring[i], ring[(i + 1) % n]);
        if (a.y > p.y) != (b.y > p.y) && p.x < a.x + (p.y - a.y) / (b.y - a.y) * (b.x - a.x) {
            inside = !inside;
        }
    }
    inside
}

fn on_ring(p: P2, ring: &[P2]) -> bool {
    near_ring(p, ring, 1e-5)
}

/// Signed area of a ring (positive when counter-clockwise).
pub fn ring_area(ring: &[P2]) -> f64 {
    let n = ring.len();
    (0..n)
        .map(|i| ring[i].x * ring[(i + 1) % n].y - ring[(i + 1) % n].x * ring[i].y)
        .sum::<f64>()
        / 2.0
}

/// The ring pushed outwards by `margin` metres (vertex offset along the bisector of the two
/// edge normals, limited at sharp corners). Used to keep detours clear of exclusion zones.
pub fn inflate_ring(ring: &[P2], margin: f64) -> Vec<P2> {
    let n = ring.len();
    if n < 3 {
        return ring.to_vec();
    }
    let ccw = ring_area(ring) > 0.0;
    let normal = |a: P2, b: P2| {
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let l = dx.hypot(dy).max(1e-12);
        // Outward normal: right of the edge for a counter-clockwise ring.
        if ccw {
            P2::new(dy / l, -dx / l)
        } else {
            P2::new(-dy / l, dx / l)
        }
    };
    (0..n)
        .map(|i| {
            let (prev, cur, next) = (ring[(i + n - 1) % n], ring[i], ring[(i + 1) % n]);
            let (n1, n2) = (normal(prev, cur), normal(cur, next));
            let (bx, by) = (n1.x + n2.x, n1.y + n2.y);
            let bl = bx.hypot(by);
            if bl < 1e-9 {
                return P2::new(cur.x + n1.x * margin, cur.y + n1.y * margin);
            }
            // Distance along the bisector so both edges move by `margin`, capped at 3×.
            let cos_half = (bl / 2.0).clamp(1.0 / 3.0, 1.0);
            let k = margin / cos_half;
            P2::new(cur.x + bx / bl * k, cur.y + by / bl * k)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use crate::plan::test_fields::square;

    #[test]
    fn scanline_of_a_u_shape_with_a_hole() {
        // U: 0..300 wide, notch 100..200 from y=100 up; hole 20..60 in the left arm.
        let u = vec![
            P2::new(0.0, 0.0),
            P2::new(300.0, 0.0),
            P2::new(300.0, 300.0),
            P2::new(200.0, 300.0),
            P2::new(200.0, 100.0),
            P2::new(100.0, 100.0),
            P2::new(100.0, 300.0),
            P2::new(0.0, 300.0),
        ];
        let s = Shape {
            outer: u,
            holes: vec![square(20.0, 150.0, 40.0)],
            margin: 0.0,
        };
        assert_eq!(s.scanline(50.0), vec![(0.0, 300.0)]);
        assert_eq!(
            s.scanline(170.0),
            vec![(0.0, 20.0), (60.0, 100.0), (200.0, 300.0)]
        );
        assert!(s.contains(P2::new(10.0, 170.0)));
        assert!(!s.contains(P2::new(40.0, 170.0)), "in the hole");
        assert!(!s.contains(P2::new(150.0, 170.0)), "in the notch");
    }

    #[test]
    fn frame_round_trip_and_direction() {
        let f = TransectFrame::new(90.0);
        // Heading east: east maps to +x.
        let p = f.to_frame(Enu::new(10.0, 0.0));
        assert!((p.x - 10.0).abs() < 1e-9 && p.y.abs() < 1e-9);
        let g = TransectFrame::new(37.0);
        let e = g.to_enu(g.to_frame(Enu::new(3.0, -4.0)));
        assert!((e.east_m - 3.0).abs() < 1e-9 && (e.north_m + 4.0).abs() < 1e-9);
    }

    #[test]
    fn segment_through_a_hole_is_detected() {
        let hole = square(0.0, 0.0, 10.0);
        assert!(segment_hits_ring(
            P2::new(-5.0, 5.0),
            P2::new(15.0, 5.0),
            &hole
        ));
        assert!(!segment_hits_ring(
            P2::new(-5.0, 15.0),
            P2::new(15.0, 15.0),
            &hole
        ));
        assert!(!segment_hits_ring(
            P2::new(0.0, -1.0),
            P2::new(10.0, -1.0),
            &hole
        ));
        assert!(
            segment_hits_ring(P2::new(2.0, 2.0), P2::new(8.0, 8.0), &hole),
            "fully inside"
        );
    }

    #[test]
    fn inflated_square_grows_by_the_margin() {
        let r = inflate_ring(&square(0.0, 0.0, 10.0), 2.0);
        let a = ring_area(&r).abs();
        assert!((a - 14.0 * 14.0).abs() < 1e-6, "{a}");
    }

    proptest! {
        #[test]
        fn scanline_intervals_are_inside(cx in -100.0f64..100.0, r in proptest::collection::vec(20.0f64..100.0, 5..20), y in -100.0f64..100.0) {
            let n = r.len();
            let ring: Vec<P2> = r.iter().enumerate().map(|(i, rad)| {
                let a = i as f64 / n as f64 * std::f64::consts::TAU;
                P2::new(cx + rad * a.cos(), rad * a.sin())
            }).collect();
            let s = Shape { outer: ring, holes: vec![], margin: 0.0 };
            for (x0, x1) in s.scanline(y) {
                prop_assert!(x0 <= x1);
                prop_assert!(s.contains(P2::new((x0 + x1) / 2.0, y)));
            }
        }
    }
}
