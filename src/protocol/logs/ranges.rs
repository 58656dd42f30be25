//! The byte ranges of a log received so far: a set of disjoint, non-touching half-open ranges,
//! so gaps (what to request again) and completeness are cheap to compute however the chunks
//! arrive (lost, duplicated, out of order).

use std::collections::BTreeMap;

/// Disjoint half-open byte ranges `[start, end)`, merged when they touch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RangeSet {
    /// start → end.
    ranges: BTreeMap<u32, u32>,
    covered_bytes: u64,
}

impl RangeSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Total bytes covered.
    pub fn covered_bytes(&self) -> u64 {
        self.covered_bytes
    }

    /// The ranges, in order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.ranges.iter().map(|(s, e)| (*s, *e))
    }

    /// Parts of `[start, end)` already covered, in order.
    pub fn overlaps(&self, start: u32, end: u32) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        // The range starting at or before `start` may reach into it.
        if let Some((s, e)) = self.ranges.range(..=start).next_back()
            && *e > start
        {
            out.push((start.max(*s), end.min(*e)));
        }
        for (s, e) in self.ranges.range(start.saturating_add(1)..end) {
            out.push((*s, end.min(*e)));
        }
        out.retain(|(s, e)| s < e);
        out
    }

    /// Adds `[start, end)`; returns how many bytes were new.
    pub fn insert(&mut self, start: u32, end: u32) -> u64 {
        if start >= end {
            return 0;
        }
        let (mut s, mut e) = (start, end);
        let old: u64 = self
            .overlaps(start, end)
            .iter()
            .map(|(a, b)| u64::from(b - a))
            .sum();
        // Absorb a range that ends at or after `start` and begins before it.
        if let Some((ps, pe)) = self.ranges.range(..=s).next_back().map(|(a, b)| (*a, *b))
            && pe >= s
        {
            s = ps;
            e = e.max(pe);
            self.ranges.remove(&ps);
        }
        // Absorb every range beginning inside or right at the end of the new one.
        let inside: Vec<(u32, u32)> = self.ranges.range(s..=e).map(|(a, b)| (*a, *b)).collect();
        for (a, b) in inside {
            e = e.max(b);
            self.ranges.remove(&a);
        }
        self.ranges.insert(s, e);
        let new = u64::from(end - start) - old;
        self.covered_bytes += new;
        new
    }

    /// True when `[0, size)` is covered by exactly one range and nothing lies beyond it.
    pub fn is_exactly(&self, size: u32) -> bool {
        if size == 0 {
            return self.ranges.is_empty();
        }
        self.ranges.len() == 1 && self.ranges.get(&0) == Some(&size)
    }

    /// The missing ranges within `[0, size)`, in order.
    pub fn gaps(&self, size: u32) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        let mut at = 0u32;
        for (s, e) in self.iter() {
            if s >= size {
                break;
            }
            if s > at {
                out.push((at, s));
            }
            at = at.max(e);
        }
        if at < size {
            out.push((at, size));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn merges_and_counts() {
        let mut r = RangeSet::new();
        assert_eq!(r.insert(10, 20), 10);
        assert_eq!(r.insert(30, 40), 10);
        assert_eq!(r.insert(15, 35), 10);
        assert_eq!(r.iter().collect::<Vec<_>>(), vec![(10, 40)]);
        assert_eq!(r.insert(0, 10), 10, "touching ranges merge");
        assert!(r.is_exactly(40));
        assert_eq!(r.insert(5, 25), 0);
        assert_eq!(r.gaps(50), vec![(40, 50)]);
        assert_eq!(r.overlaps(35, 45), vec![(35, 40)]);
    }

    proptest! {
        #[test]
        fn matches_a_bitmap(ops in proptest::collection::vec((0u32..300, 0u32..60), 0..40)) {
            let mut r = RangeSet::new();
            let mut bits = vec![false; 400];
            for (s, len) in ops {
                let e = s + len;
                let want = (s..e).filter(|i| !bits[*i as usize]).count() as u64;
                prop_assert_eq!(r.insert(s, e), want);
                for i in s..e { bits[i as usize] = true; }
            }
            prop_assert_eq!(r.covered_bytes(), bits.iter().filter(|b| **b).count() as u64);
            let gaps = r.gaps(400);
            for i in 0..400u32 {
                let in_gap = gaps.iter().any(|(s, e)| (*s..*e).contains(&i));
                prop_assert_eq!(in_gap, !bits[i as usize]);
            }
            let ranges: Vec<_> = r.iter().collect();
            for w in ranges.windows(2) {
                prop_assert!(w[0].1 < w[1].0, "disjoint and not touching");
            }
        }
    }
}
