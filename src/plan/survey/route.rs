//! Routing between transects without crossing exclusion zones: the shortest path over a
//! visibility graph of the zones' corners, pushed out by a safety margin. With the camera off
//! the aircraft may cross a concave field's notches; it never flies over a no-fly zone.

use crate::plan::geometry::{P2, inflate_ring, near_ring, segment_dist, segment_hits_ring};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Shortest paths around a set of exclusion zones.
#[derive(Debug, Clone)]
pub struct Router {
    holes: Vec<Vec<P2>>,
    margin: f64,
    clearance: f64,
    nodes: Vec<P2>,
    /// For each node, the nodes it sees and the distances.
    edges: Vec<Vec<(usize, f64)>>,
}

#[derive(PartialEq)]
struct Item(f64, usize);

impl Eq for Item {}

impl Ord for Item {
    fn cmp(&self, o: &Self) -> Ordering {
        o.0.total_cmp(&self.0)
    }
}

impl PartialOrd for Item {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl Router {
    /// A router around `holes`, turning `margin` metres out at their corners; legs may pass
    /// the zones as close as they like (see [`Router::with_clearance`]).
    pub fn new(holes: &[Vec<P2>], margin: f64) -> Self {
        Self::with_clearance(holes, margin, 0.0)
    }

    /// A router whose legs also keep `clearance` metres from every zone's edge (corners turn
    /// `margin` out, at least the clearance).
    pub fn with_clearance(holes: &[Vec<P2>], margin: f64, clearance: f64) -> Self {
        let holes: Vec<Vec<P2>> = holes.to_vec();
        let clearance = clearance.max(0.0);
        let margin = margin.max(clearance * 1.05);
        let nodes: Vec<P2> = holes
            .iter()
            .flat_map(|h| inflate_ring(h, margin))
            .filter(|p| {
                !holes.iter().any(|h| {
                    crate::plan::geometry::point_in_ring(*p, h)
                        || (clearance > 0.0 && near_ring(*p, h, clearance))
                })
            })
            .collect();
        let mut r = Router {
            holes,
            margin,
            clearance,
            nodes,
            edges: Vec::new(),
        };
        let n = r.nodes.len();
        let mut edges = vec![Vec::new(); n];
        for i in 0..n {
            for j in i + 1..n {
                let (a, b) = (r.nodes[i], r.nodes[j]);
                if r.clear(a, b) {
                    let d = a.dist(b);
                    edges[i].push((j, d));
                    edges[j].push((i, d));
                }
            }
        }
        r.edges = edges;
        r
    }

    /// True when the straight leg from `a` to `b` stays out of every exclusion zone, and the
    /// clearance away from their edges.
    pub fn clear(&self, a: P2, b: P2) -> bool {
        !self.holes.iter().any(|h| {
            segment_hits_ring(a, b, h)
                || (self.clearance > 0.0 && {
                    let n = h.len();
                    (0..n).any(|i| segment_dist(a, b, h[i], h[(i + 1) % n]) < self.clearance - 1e-6)
                })
        })
    }

    /// Waypoints to insert between `a` and `b` (empty when the straight leg is clear). `None`
    /// when no way around exists (for example `b` enclosed by zones). Where zones stand closer
    /// than twice the margin, the margin is halved (down to half a metre) until a way is found.
    pub fn detour(&self, a: P2, b: P2) -> Option<Vec<P2>> {
        if self.clear(a, b) {
            return Some(Vec::new());
        }
        let floor = (self.clearance * 1.05).max(0.5);
        self.route(a, b).or_else(|| {
            (self.margin > floor)
                .then(|| {
                    Router::with_clearance(
                        &self.holes,
                        (self.margin / 2.0).max(floor),
                        self.clearance,
                    )
                    .detour(a, b)
                })
                .flatten()
        })
    }

    fn route(&self, a: P2, b: P2) -> Option<Vec<P2>> {
        let n = self.nodes.len();
        // Nodes 0..n are corners, n is a, n + 1 is b.
        let (start, goal) = (n, n + 1);
        let sees = |p: P2| -> Vec<(usize, f64)> {
            (0..n)
                .filter(|&i| self.clear(p, self.nodes[i]))
                .map(|i| (i, p.dist(self.nodes[i])))
                .collect()
        };
        let from_a = sees(a);
        let to_b: Vec<(usize, f64)> = sees(b);
        let mut dist = vec![f64::INFINITY; n + 2];
        let mut prev = vec![usize::MAX; n + 2];
        let mut heap = BinaryHeap::new();
        dist[start] = 0.0;
        heap.push(Item(0.0, start));
        while let Some(Item(d, u)) = heap.pop() {
            if d > dist[u] {
                continue;
            }
            if u == goal {
                break;
            }
            let next: Vec<(usize, f64)> = if u == start {
                from_a.clone()
            } else {
                let mut v = self.edges.get(u).cloned().unwrap_or_default();
                if let Some((_, w)) = to_b.iter().find(|(i, _)| *i == u) {
                    v.push((goal, *w));
                }
                v
            };
            for (v, w) in next {
                let nd = d + w;
                if nd < dist[v] {
                    dist[v] = nd;
                    prev[v] = u;
                    heap.push(Item(nd, v));
                }
            }
        }
        if !dist[goal].is_finite() {
            return None;
        }
        let mut path = Vec::new();
        let mut at = prev[goal];
        while at != start && at != usize::MAX {
            path.push(*self.nodes.get(at)?);
            at = prev[at];
        }
        path.reverse();
        Some(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::plan::test_fields::square;

    #[test]
    fn goes_around_a_zone_with_the_margin() {
        let r = Router::new(&[square(0.0, 0.0, 100.0)], 10.0);
        let (a, b) = (P2::new(-50.0, 40.0), P2::new(150.0, 40.0));
        let d = r.detour(a, b).expect("a way around");
        assert_eq!(d.len(), 2, "{d:?}");
        let mut pts = vec![a];
        pts.extend(&d);
        pts.push(b);
        for w in pts.windows(2) {
            assert!(r.clear(w[0], w[1]));
        }
        // Around the near side (y = -10), not the far one.
        assert!(d.iter().all(|p| (p.y + 10.0).abs() < 1e-6), "{d:?}");
        assert!(
            r.detour(a, P2::new(-50.0, 150.0))
                .is_some_and(|v| v.is_empty())
        );
    }

    #[test]
    fn from_a_zone_edge_along_its_side() {
        // A transect ending on the zone's left edge, the next one starting on its right edge.
        let r = Router::new(&[square(0.0, 0.0, 100.0)], 5.0);
        let d = r
            .detour(P2::new(0.0, 50.0), P2::new(100.0, 50.0))
            .expect("route");
        assert!(!d.is_empty());
    }
}
