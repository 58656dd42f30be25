//! Gap regions of a coverage grid: 4-connected components of flagged cells and their outlines
//! traced along the cell edges (see [`crate::log::coverage`] for the rules).

use super::coverage::{Gap, Grid};
use crate::geo::LatLon;
use crate::plan::geometry::P2;
use std::collections::HashMap;

/// Labels the 4-connected components of `mask` (`nx` × `ny`, row-major): `labels[i]` is 0
/// outside the mask, k + 1 in component k. Returns the labels and each component's cells.
pub(crate) fn components(nx: usize, ny: usize, mask: &[bool]) -> (Vec<u32>, Vec<Vec<usize>>) {
    let mut labels = vec![0u32; nx * ny];
    let mut comps: Vec<Vec<usize>> = Vec::new();
    for start in 0..nx * ny {
        if !mask.get(start).copied().unwrap_or(false) || labels.get(start) != Some(&0) {
            continue;
        }
        let label = comps.len() as u32 + 1;
        let mut cells = Vec::new();
        let mut stack = vec![start];
        if let Some(l) = labels.get_mut(start) {
            *l = label;
        }
        while let Some(i) = stack.pop() {
            cells.push(i);
            let (ix, iy) = (i % nx, i / nx);
            let mut near = Vec::with_capacity(4);
            if ix > 0 {
                near.push(i - 1);
            }
            if ix + 1 < nx {
                near.push(i + 1);
            }
            if iy > 0 {
                near.push(i - nx);
            }
            if iy + 1 < ny {
                near.push(i + nx);
            }
            for j in near {
                if mask.get(j).copied().unwrap_or(false)
                    && let Some(l) = labels.get_mut(j)
                    && *l == 0
                {
                    *l = label;
                    stack.push(j);
                }
            }
        }
        cells.sort_unstable();
        comps.push(cells);
    }
    (labels, comps)
}

/// The outline rings of the component `label` (whose cells are `cells`), as vertex
/// coordinates (grid corners): outer rings counter-clockwise, holes clockwise, collinear
/// vertices removed. At a corner where two cells of the component touch only diagonally the
/// walk turns left, so rings touch there but never cross.
pub(crate) fn rings(
    nx: usize,
    labels: &[u32],
    label: u32,
    cells: &[usize],
) -> Vec<Vec<(i64, i64)>> {
    let member = |x: i64, y: i64| -> bool {
        x >= 0
            && y >= 0
            && (x as usize) < nx
            && labels.get(y as usize * nx + x as usize) == Some(&label)
    };
    // Directed edges with the component on their left: (from, direction 0 +x, 1 +y, 2 −x, 3 −y).
    let mut edges: Vec<((i64, i64), u8)> = Vec::new();
    for &i in cells {
        let (x, y) = ((i % nx) as i64, (i / nx) as i64);
        if !member(x, y - 1) {
            edges.push(((x, y), 0));
        }
        if !member(x + 1, y) {
            edges.push(((x + 1, y), 1));
        }
        if !member(x, y + 1) {
            edges.push(((x + 1, y + 1), 2));
        }
        if !member(x - 1, y) {
            edges.push(((x, y + 1), 3));
        }
    }
    let mut from: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (k, (p, _)) in edges.iter().enumerate() {
        from.entry(*p).or_default().push(k);
    }
    let step = |(x, y): (i64, i64), d: u8| match d {
        0 => (x + 1, y),
        1 => (x, y + 1),
        2 => (x - 1, y),
        _ => (x, y - 1),
    };
    let mut used = vec![false; edges.len()];
    let mut out = Vec::new();
    for k0 in 0..edges.len() {
        if used.get(k0).copied().unwrap_or(true) {
            continue;
        }
        let mut ring: Vec<((i64, i64), u8)> = Vec::new();
        let mut k = k0;
        while let Some(&(p, d)) = edges.get(k) {
            if let Some(u) = used.get_mut(k) {
                *u = true;
            }
            ring.push((p, d));
            let end = step(p, d);
            let next = from.get(&end).and_then(|list| {
                // Prefer a left turn, then straight on, then a right turn.
                [(d + 1) % 4, d, (d + 3) % 4].iter().find_map(|want| {
                    list.iter().copied().find(|j| {
                        !used.get(*j).copied().unwrap_or(true)
                            && edges.get(*j).is_some_and(|e| e.1 == *want)
                    })
                })
            });
            match next {
                Some(j) => k = j,
                None => break,
            }
        }
        // Keep the corners only: vertices where the direction changes.
        let n = ring.len();
        let corners: Vec<(i64, i64)> = (0..n)
            .filter_map(|i| {
                let prev = ring.get((i + n - 1) % n)?.1;
                let (p, d) = *ring.get(i)?;
                (prev != d).then_some(p)
            })
            .collect();
        if corners.len() >= 4 {
            out.push(corners);
        }
    }
    out
}

/// Twice the signed area of a vertex ring (positive when counter-clockwise).
pub(crate) fn signed_area2(ring: &[(i64, i64)]) -> i64 {
    let n = ring.len();
    (0..n)
        .filter_map(|i| {
            let a = ring.get(i)?;
            let b = ring.get((i + 1) % n)?;
            Some(a.0 * b.1 - b.0 * a.1)
        })
        .sum()
}

/// The gaps of `grid`: components of area cells with fewer than `min_views` views, those of
/// at least `min_gap_m2` as [`Gap`]s (largest first), and the count and area of the others.
pub(crate) fn gaps(grid: &Grid, min_views: u32, min_gap_m2: f64) -> (Vec<Gap>, (usize, f64)) {
    let (nx, ny) = grid.dims();
    let cell_m2 = grid.cell_m() * grid.cell_m();
    let mask: Vec<bool> = (0..nx * ny)
        .map(|i| {
            let (ix, iy) = (i % nx, i / nx);
            grid.inside(ix, iy) && u32::from(grid.views(ix, iy)) < min_views
        })
        .collect();
    let (labels, comps) = components(nx, ny, &mask);
    let mut out = Vec::new();
    let mut small = (0usize, 0.0);
    for (k, cells) in comps.into_iter().enumerate() {
        let area_m2 = cells.len() as f64 * cell_m2;
        if area_m2 < min_gap_m2 {
            small.0 += 1;
            small.1 += area_m2;
            continue;
        }
        let to_ll = |(x, y): (i64, i64)| {
            grid.to_latlon(P2::new(x as f64 * grid.cell_m(), y as f64 * grid.cell_m()))
        };
        let mut outer: Vec<(i64, i64)> = Vec::new();
        let mut holes: Vec<Vec<LatLon>> = Vec::new();
        let mut rs = rings(nx, &labels, k as u32 + 1, &cells);
        rs.sort_by_key(|r| -signed_area2(r));
        for r in rs {
            if signed_area2(&r) > 0 && outer.is_empty() {
                outer = r;
            } else {
                holes.push(r.into_iter().map(to_ll).collect());
            }
        }
        let (mut sx, mut sy, mut unseen, mut fewest) = (0.0, 0.0, 0usize, u16::MAX);
        for &i in &cells {
            let c = grid.center(i % nx, i / nx);
            sx += c.x;
            sy += c.y;
            let v = grid.views(i % nx, i / nx);
            unseen += usize::from(v == 0);
            fewest = fewest.min(v);
        }
        let n = cells.len().max(1) as f64;
        out.push(Gap {
            outer: outer.into_iter().map(to_ll).collect(),
            holes,
            area_m2,
            unseen_m2: unseen as f64 * cell_m2,
            fewest_views: fewest,
            center: grid.to_latlon(P2::new(sx / n, sy / n)),
            cells,
        });
    }
    out.sort_by(|a, b| b.area_m2.total_cmp(&a.area_m2));
    (out, small)
}
