//! The area to survey: a field boundary in WGS84 (any simple polygon, concave too) with
//! exclusion zones inside it (no-fly holes). Imported from KML/KMZ, GeoJSON or .plan files and
//! drawn in the app; the survey generator works on it in a local metric frame.

use crate::geo::{Enu, LatLon, LocalFrame};
use crate::plan::geometry::{P2, Shape};

/// A closed ring of positions. The first point is not repeated at the end.
pub type Ring = Vec<LatLon>;

/// A field to survey.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Area {
    /// The field boundary.
    pub outer: Ring,
    /// Exclusion zones inside the boundary: never flown over, camera or not.
    pub holes: Vec<Ring>,
}

/// Why an area cannot be surveyed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AreaError {
    /// Fewer than three distinct points.
    #[error("{which} has {count} distinct points; a polygon needs at least 3")]
    TooFewPoints {
        /// "the boundary" or "exclusion zone N".
        which: String,
        /// Distinct points found.
        count: usize,
    },
    /// A coordinate that is not a number or out of range.
    #[error("{which}, point {index}: {lat}, {lon} is not a valid latitude/longitude")]
    BadCoordinate {
        /// "the boundary" or "exclusion zone N".
        which: String,
        /// 0-based point index.
        index: usize,
        /// Latitude found.
        lat: f64,
        /// Longitude found.
        lon: f64,
    },
    /// Edges that cross each other.
    #[error("{which} crosses itself (edges {first} and {second} intersect); redraw it")]
    SelfIntersecting {
        /// "the boundary" or "exclusion zone N".
        which: String,
        /// 0-based index of the first edge (from point i to i+1).
        first: usize,
        /// 0-based index of the second edge.
        second: usize,
    },
    /// Zero area.
    #[error("{which} has no area")]
    Degenerate {
        /// "the boundary" or "exclusion zone N".
        which: String,
    },
    /// Larger than any field (sanity bound on the local frame's accuracy).
    #[error("the area spans {span_km:.1} km; fields larger than 50 km are not supported")]
    TooLarge {
        /// Largest extent found.
        span_km: f64,
    },
}

impl Area {
    /// An area without holes.
    pub fn new(outer: Ring) -> Self {
        Self {
            outer,
            holes: Vec::new(),
        }
    }

    /// The area with a hole added.
    pub fn with_hole(mut self, hole: Ring) -> Self {
        self.holes.push(hole);
        self
    }

    /// A local frame centred on the boundary's first point.
    pub fn local_frame(&self) -> LocalFrame {
        LocalFrame::new(self.outer.first().copied().unwrap_or_default())
    }

    /// The rings in local metres: (outer, holes), each without a repeated closing point.
    pub fn to_local(&self, f: &LocalFrame) -> (Vec<Enu>, Vec<Vec<Enu>>) {
        let conv = |r: &Ring| {
            dedup_ring(r)
                .iter()
                .map(|p| f.to_enu(*p))
                .collect::<Vec<_>>()
        };
        (conv(&self.outer), self.holes.iter().map(conv).collect())
    }

    /// Checks the area can be surveyed: valid coordinates, at least 3 points per ring, no
    /// self-intersections, non-zero area, a sane size.
    pub fn validate(&self) -> Result<(), AreaError> {
        let f = self.local_frame();
        let rings = std::iter::once(("the boundary".to_owned(), &self.outer)).chain(
            self.holes
                .iter()
                .enumerate()
                .map(|(i, h)| (format!("exclusion zone {}", i + 1), h)),
        );
        for (which, ring) in rings {
            for (index, p) in ring.iter().enumerate() {
                if !p.is_valid() {
                    return Err(AreaError::BadCoordinate {
                        which,
                        index,
                        lat: p.lat_deg,
                        lon: p.lon_deg,
                    });
                }
            }
            let pts: Vec<Enu> = dedup_ring(ring).iter().map(|p| f.to_enu(*p)).collect();
            if pts.len() < 3 {
                return Err(AreaError::TooFewPoints {
                    which,
                    count: pts.len(),
                });
            }
            let span = pts
                .iter()
                .flat_map(|a| pts.iter().map(move |b| a.distance_m(*b)))
                .fold(0.0, f64::max);
            if span > 50_000.0 {
                return Err(AreaError::TooLarge {
                    span_km: span / 1000.0,
                });
            }
            if let Some((first, second)) = first_self_intersection(&pts) {
                return Err(AreaError::SelfIntersecting {
                    which,
                    first,
                    second,
                });
            }
            // After the crossing check: a bow tie whose two loops are equal has zero signed
            // area, and "crosses itself" is what the operator must fix.
            if ring_area_m2(&pts).abs() < 1e-6 {
                return Err(AreaError::Degenerate { which });
            }
        }
        Ok(())
    }

    /// Area in square metres: the boundary minus the union of the exclusion zones (zones
    /// that overlap each other or reach outside the field are counted once, and only inside).
    pub fn area_m2(&self) -> f64 {
        let f = self.local_frame();
        let (outer, holes) = self.to_local(&f);
        if holes.is_empty() {
            return ring_area_m2(&outer).abs();
        }
        // Between two consecutive vertex heights the inside width changes linearly, so the
        // width at the middle times the height of the slab is exact.
        let p2 =
            |v: &Vec<Enu>| -> Vec<P2> { v.iter().map(|e| P2::new(e.east_m, e.north_m)).collect() };
        let shape = Shape {
            outer: p2(&outer),
            holes: holes.iter().map(p2).collect(),
            margin: 0.0,
        };
        let mut ys: Vec<f64> = shape.rings().flatten().map(|p| p.y).collect();
        ys.sort_by(f64::total_cmp);
        ys.dedup();
        ys.windows(2)
            .map(|w| {
                let mid = (w[0] + w[1]) / 2.0;
                let width: f64 = shape.scanline(mid).iter().map(|(a, b)| b - a).sum();
                width * (w[1] - w[0])
            })
            .sum()
    }
}

/// The ring without consecutive duplicates or a repeated closing point.
pub fn dedup_ring(r: &[LatLon]) -> Vec<LatLon> {
    let mut out: Vec<LatLon> = Vec::with_capacity(r.len());
    for p in r {
        if out.last() != Some(p) {
            out.push(*p);
        }
    }
    while out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    out
}

/// Signed area of a ring in local metres (positive when counter-clockwise).
pub fn ring_area_m2(pts: &[Enu]) -> f64 {
    let n = pts.len();
    (0..n)
        .map(|i| {
            let (a, b) = (pts[i], pts[(i + 1) % n]);
            a.east_m * b.north_m - b.east_m * a.north_m
        })
        .sum::<f64>()
        / 2.0
}

/// First pair of non-adjacent edges that intersect, if any (O(n²), fine for field outlines).
pub fn first_self_intersection(pts: &[Enu]) -> Option<(usize, usize)> {
    let n = pts.len();
    for i in 0..n {
        let (a, b) = (pts[i], pts[(i + 1) % n]);
        for j in i + 1..n {
            if j == i + 1 || (i == 0 && j == n - 1) {
                continue; // adjacent edges share a vertex
            }
            let (c, d) = (pts[j], pts[(j + 1) % n]);
            if segments_intersect(a, b, c, d) {
                return Some((i, j));
            }
        }
    }
    None
}

fn cross(o: Enu, a: Enu, b: Enu) -> f64 {
    (a.east_m - o.east_m) * (b.north_m - o.north_m)
        - (a.north_m - o.north_m) * (b.east_m - o.east_m)
}

/// True when closed segments ab and cd share a point.
pub fn segments_intersect(a: Enu, b: Enu, c: Enu, d: Enu) -> bool {
    let (d1, d2, d3, d4) = (
        cross(c, d, a),
        cross(c, d, b),
        cross(a, b, c),
        cross(a, b, d),
    );
    if ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0))
        && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0))
    {
        return true;
    }
    let on = |p: Enu, q: Enu, r: Enu| {
        cross(p, q, r).abs() < 1e-9
            && r.east_m >= p.east_m.min(q.east_m) - 1e-9
            && r.east_m <= p.east_m.max(q.east_m) + 1e-9
            && r.north_m >= p.north_m.min(q.north_m) - 1e-9
            && r.north_m <= p.north_m.max(q.north_m) + 1e-9
    };
    on(c, d, a) || on(c, d, b) || on(a, b, c) || on(a, b, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(lat: f64, lon: f64, m: f64) -> Ring {
        let o = LatLon::new(lat, lon);
        vec![
            o,
            o.destination(90.0, m),
            o.destination(90.0, m).destination(0.0, m),
            o.destination(0.0, m),
        ]
    }

    #[test]
    fn area_of_a_square_with_a_hole() {
        let a = Area::new(square(42.0, 74.0, 100.0)).with_hole(square(42.0002, 74.0002, 20.0));
        assert!(a.validate().is_ok());
        // The test square is built on a sphere, the area measured on the ellipsoid: 0.5 %.
        assert!((a.area_m2() - 9_600.0).abs() < 48.0, "{}", a.area_m2());
    }

    #[test]
    fn overlapping_zones_and_zones_reaching_outside_count_once() {
        let field = Area::new(square(42.0, 74.0, 100.0));
        let whole = field.area_m2();
        let one = field
            .clone()
            .with_hole(square(42.0002, 74.0002, 20.0))
            .area_m2();
        // The same zone twice removes it once.
        let twice = field
            .clone()
            .with_hole(square(42.0002, 74.0002, 20.0))
            .with_hole(square(42.0002, 74.0002, 20.0))
            .area_m2();
        assert!((twice - one).abs() < 1.0, "{twice} {one}");
        // A zone half outside the field removes only its inside half.
        let o = LatLon::new(42.0, 74.0)
            .destination(90.0, 90.0)
            .destination(0.0, 40.0);
        let edge = field.with_hole(vec![
            o,
            o.destination(90.0, 20.0),
            o.destination(90.0, 20.0).destination(0.0, 20.0),
            o.destination(0.0, 20.0),
        ]);
        assert!(
            (whole - edge.area_m2() - 200.0).abs() < 3.0,
            "{}",
            whole - edge.area_m2()
        );
    }

    #[test]
    fn bow_tie_is_rejected_with_the_edges() {
        let o = LatLon::new(42.0, 74.0);
        let bow = vec![
            o,
            o.destination(45.0, 100.0),
            o.destination(90.0, 70.0),
            o.destination(0.0, 70.0),
        ];
        let e = Area::new(bow).validate().unwrap_err();
        assert!(matches!(e, AreaError::SelfIntersecting { .. }), "{e}");
        assert!(e.to_string().contains("crosses itself"));
    }

    #[test]
    fn symmetric_bow_tie_crosses_itself_rather_than_having_no_area() {
        // Two equal loops: the signed area is zero, but the fix is to redraw the crossing.
        let bow = vec![
            LatLon::new(42.545, 72.29),
            LatLon::new(42.546, 72.292),
            LatLon::new(42.545, 72.292),
            LatLon::new(42.546, 72.29),
        ];
        let e = Area::new(bow).validate().unwrap_err();
        assert!(matches!(e, AreaError::SelfIntersecting { .. }), "{e}");
        let flat = vec![
            LatLon::new(42.0, 74.0),
            LatLon::new(42.0, 74.001),
            LatLon::new(42.0, 74.002),
        ];
        let e = Area::new(flat).validate().unwrap_err();
        assert!(matches!(e, AreaError::Degenerate { .. }), "{e}");
    }

    #[test]
    fn bad_inputs_are_named() {
        let e = Area::new(vec![
            LatLon::new(f64::NAN, 1.0),
            LatLon::new(1.0, 1.0),
            LatLon::new(1.0, 2.0),
        ])
        .validate()
        .unwrap_err();
        assert!(e.to_string().starts_with("the boundary, point 0"), "{e}");
        let e = Area::new(vec![LatLon::new(1.0, 1.0), LatLon::new(1.0, 1.0)])
            .validate()
            .unwrap_err();
        assert!(e.to_string().contains("1 distinct points"), "{e}");
    }
}
