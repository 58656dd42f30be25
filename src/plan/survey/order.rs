//! The order in which transects are flown. Transects are grouped into cells — runs of
//! transects on consecutive lines that overlap each other one to one — and each cell is flown
//! as a lawnmower before moving on, so a U-shaped field is flown arm by arm instead of
//! crossing its notch on every line. Cells are chained greedily from the entry point, each
//! entered at whichever of its four corners is nearest. Planes that cannot turn within one
//! spacing skip lanes (0, k, 2k, … then back on the ones in between).

use super::transects::Segment;
use crate::plan::geometry::P2;

/// A transect with the direction it is flown in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pass {
    /// The transect.
    pub seg: Segment,
    /// True when flown from x0 to x1.
    pub forward: bool,
}

impl Pass {
    /// Where the pass starts.
    pub fn start(&self) -> P2 {
        P2::new(
            if self.forward {
                self.seg.x0
            } else {
                self.seg.x1
            },
            self.seg.y,
        )
    }

    /// Where the pass ends.
    pub fn end(&self) -> P2 {
        P2::new(
            if self.forward {
                self.seg.x1
            } else {
                self.seg.x0
            },
            self.seg.y,
        )
    }
}

fn overlaps(a: &Segment, b: &Segment) -> bool {
    a.x0 < b.x1 && b.x0 < a.x1
}

/// Groups transects into cells (each a list of transects on consecutive lines).
pub fn cells(segments: &[Segment]) -> Vec<Vec<Segment>> {
    let mut segs = segments.to_vec();
    segs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x0.total_cmp(&b.x0)));
    // Rows of equal y.
    let mut rows: Vec<Vec<Segment>> = Vec::new();
    for s in segs {
        match rows.last_mut() {
            Some(r) if r.first().is_some_and(|f| (f.y - s.y).abs() < 1e-9) => r.push(s),
            _ => rows.push(vec![s]),
        }
    }
    let mut done: Vec<Vec<Segment>> = Vec::new();
    let mut open: Vec<Vec<Segment>> = Vec::new();
    for row in rows {
        let mut next_open: Vec<Vec<Segment>> = Vec::new();
        let mut used = vec![false; open.len()];
        for s in &row {
            // Continue a cell when exactly one open cell overlaps this segment and this
            // segment is the only one of its row overlapping that cell.
            let cands: Vec<usize> = (0..open.len())
                .filter(|&i| open[i].last().is_some_and(|l| overlaps(l, s)))
                .collect();
            let unique = match cands.as_slice() {
                [i] => {
                    let last = open[*i].last().copied();
                    row.iter()
                        .filter(|o| last.is_some_and(|l| overlaps(&l, o)))
                        .count()
                        == 1
                        && !used[*i]
                }
                _ => false,
            };
            if unique {
                let i = cands[0];
                used[i] = true;
                let mut cell = std::mem::take(&mut open[i]);
                cell.push(*s);
                next_open.push(cell);
            } else {
                next_open.push(vec![*s]);
            }
        }
        for (i, c) in open.into_iter().enumerate() {
            if !used[i] && !c.is_empty() {
                done.push(c);
            }
        }
        open = next_open;
    }
    done.extend(open.into_iter().filter(|c| !c.is_empty()));
    done
}

/// Visiting order of `m` lanes so that consecutive lanes are at least `k` apart (k ≤ 1:
/// 0, 1, 2, …), for a plane that cannot turn into the next line. The lanes are cut into
/// blocks of 2k + 2 (the last takes the remainder), each flown as a racetrack — its lower
/// half interleaved with its upper half, so every step is about half a block — entered from
/// its first lane or from its middle, whichever is at least `k` from where the previous block
/// ended. With fewer than 2k + 1 lanes some step must be shorter (the path then gets longer
/// leads); the order with the fewest such steps is taken. (A single skip pattern such as
/// 0, 2, 4, 6, 7, 5, … meets itself with a one-lane step: ArduPlane SITL took every banked
/// photo of such a survey on that line.)
pub fn lane_order(m: usize, k: usize) -> Vec<usize> {
    if k <= 1 || m <= 1 {
        return (0..m).collect();
    }
    if m < 2 * k + 1 {
        return (0..m)
            .map(|first| greedy_lanes(m, k, first))
            .min_by_key(|o| (short_steps(o, k), o.first().copied().unwrap_or(0)))
            .unwrap_or_default();
    }
    let size = 2 * k + 2;
    let mut out = Vec::with_capacity(m);
    let mut base = 0;
    // Where the previous block ended: at its top lane (true) or its middle (false).
    let mut ended_top = false;
    while base < m {
        let n = if m - base < 2 * size { m - base } else { size };
        let from_middle = ended_top;
        // Lower half first: it is the larger one; middle first: the upper is the larger one.
        let lower = if from_middle { n / 2 } else { n.div_ceil(2) };
        let (a, b): (Vec<usize>, Vec<usize>) = (
            (base..base + lower).collect(),
            (base + lower..base + n).collect(),
        );
        let (first, second) = if from_middle { (&b, &a) } else { (&a, &b) };
        for (i, &l) in first.iter().enumerate() {
            out.push(l);
            out.extend(second.get(i));
        }
        ended_top = out.last() == Some(&(base + n - 1));
        base += n;
    }
    out
}

/// Greedy order from `first`: the nearest unvisited lane at least `k` away (the lower on a
/// tie), else the nearest unvisited one.
fn greedy_lanes(m: usize, k: usize, first: usize) -> Vec<usize> {
    let mut seen = vec![false; m];
    let mut out = Vec::with_capacity(m);
    let mut at = first;
    seen[at] = true;
    out.push(at);
    while out.len() < m {
        let pick = |min_gap: usize| {
            (0..m)
                .filter(|&l| !seen[l] && l.abs_diff(at) >= min_gap)
                .min_by_key(|&l| (l.abs_diff(at), l))
        };
        let Some(next) = pick(k).or_else(|| pick(1)) else {
            break;
        };
        seen[next] = true;
        out.push(next);
        at = next;
    }
    out
}

/// Number of consecutive steps in `order` shorter than `k` lanes.
pub fn short_steps(order: &[usize], k: usize) -> usize {
    order.windows(2).filter(|w| w[0].abs_diff(w[1]) < k).count()
}

/// Flies `cell` from its first line (or its last, `reverse`), the first pass forward or not.
fn fly_cell(cell: &[Segment], reverse: bool, first_forward: bool, skip: usize) -> Vec<Pass> {
    let lanes = lane_order(cell.len(), skip);
    let n = cell.len();
    lanes
        .iter()
        .enumerate()
        .filter_map(|(i, &lane)| {
            let idx = if reverse { n - 1 - lane } else { lane };
            cell.get(idx).map(|seg| Pass {
                seg: *seg,
                forward: first_forward == (i % 2 == 0),
            })
        })
        .collect()
}

/// The whole flight order: cells chained greedily from `start`, lanes skipped by `skip`.
pub fn order(segments: &[Segment], start: P2, skip: usize) -> Vec<Pass> {
    let mut remaining = cells(segments);
    let mut at = start;
    let mut out = Vec::with_capacity(segments.len());
    while !remaining.is_empty() {
        let mut best: Option<(f64, usize, bool, bool)> = None;
        for (ci, cell) in remaining.iter().enumerate() {
            for reverse in [false, true] {
                for first_forward in [true, false] {
                    let passes = fly_cell(cell, reverse, first_forward, skip);
                    if let Some(p) = passes.first() {
                        let d = at.dist(p.start());
                        if best.is_none_or(|b| d < b.0) {
                            best = Some((d, ci, reverse, first_forward));
                        }
                    }
                }
            }
        }
        let Some((_, ci, reverse, first_forward)) = best else {
            break;
        };
        let cell = remaining.swap_remove(ci);
        let passes = fly_cell(&cell, reverse, first_forward, skip);
        if let Some(last) = passes.last() {
            at = last.end();
        }
        out.extend(passes);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(x0: f64, x1: f64, y: f64) -> Segment {
        Segment {
            x0,
            x1,
            y,
            patch: false,
        }
    }

    #[test]
    fn u_shape_is_flown_arm_by_arm() {
        // Base rows 0..2 span the full width; rows 3..5 split into two arms.
        let mut s = vec![
            seg(0.0, 300.0, 0.0),
            seg(0.0, 300.0, 10.0),
            seg(0.0, 300.0, 20.0),
        ];
        for k in 3..6 {
            let y = k as f64 * 10.0;
            s.push(seg(0.0, 100.0, y));
            s.push(seg(200.0, 300.0, y));
        }
        let c = cells(&s);
        assert_eq!(c.len(), 3, "{c:?}");
        let o = order(&s, P2::new(0.0, 0.0), 1);
        assert_eq!(o.len(), 9);
        // Each arm's three lines are consecutive in the order.
        let arm_of = |p: &Pass| {
            if p.seg.y < 25.0 {
                0
            } else if p.seg.x0 < 150.0 {
                1
            } else {
                2
            }
        };
        let seq: Vec<u8> = o.iter().map(arm_of).collect();
        let switches = seq.windows(2).filter(|w| w[0] != w[1]).count();
        assert_eq!(switches, 2, "{seq:?}");
        // Boustrophedon: consecutive passes alternate direction within a cell.
        assert!(o[0].forward != o[1].forward);
    }

    #[test]
    fn lane_skipping_pattern() {
        assert_eq!(lane_order(3, 1), vec![0, 1, 2]);
        // Blocks of six lanes flown as racetracks, the second entered from its middle.
        assert_eq!(
            lane_order(12, 2),
            vec![0, 3, 1, 4, 2, 5, 9, 6, 10, 7, 11, 8]
        );
        // Four lanes two apart: only from an inner lane.
        assert_eq!(lane_order(4, 2), vec![1, 3, 0, 2]);
        for m in 1..40 {
            for k in 1..6 {
                let o = lane_order(m, k);
                let mut sorted = o.clone();
                sorted.sort_unstable();
                assert_eq!(
                    sorted,
                    (0..m).collect::<Vec<_>>(),
                    "m {m} k {k}: every lane once"
                );
                // Enough lanes: never a step shorter than k.
                if m > 2 * k {
                    assert_eq!(short_steps(&o, k), 0, "m {m} k {k}: {o:?}");
                }
            }
        }
    }

    #[test]
    fn starts_at_the_corner_nearest_the_start() {
        let s: Vec<Segment> = (0..5).map(|k| seg(0.0, 100.0, k as f64 * 10.0)).collect();
        let o = order(&s, P2::new(110.0, 45.0), 1);
        assert_eq!(o[0].start(), P2::new(100.0, 40.0));
    }
}
