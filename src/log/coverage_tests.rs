use super::*;
use crate::log::coverage_refly::refly_areas;
use crate::plan::test_fields::{rect, ring};
use proptest::prelude::*;

/// A `w` × `h` footprint with its south-west corner `(e, n)` metres from the test origin.
fn fp(e: f64, n: f64, w: f64, h: f64) -> Vec<LatLon> {
    ring(&[(e, n), (e + w, n), (e + w, n + h), (e, n + h)])
}

/// Footprints `w` × `h` every `dx` × `dy` over a `fw` × `fh` field, except those in `skip`.
fn tiles(
    fw: f64,
    fh: f64,
    w: f64,
    h: f64,
    dx: f64,
    dy: f64,
    skip: &[(usize, usize)],
) -> Vec<Vec<LatLon>> {
    let mut out = Vec::new();
    let mut j = 0;
    while (j as f64) * dy < fh {
        let mut i = 0;
        while (i as f64) * dx < fw {
            if !skip.contains(&(i, j)) {
                out.push(fp(i as f64 * dx, j as f64 * dy, w, h));
            }
            i += 1;
        }
        j += 1;
    }
    out
}

fn params(min_views: u32) -> CoverageParams {
    CoverageParams {
        min_views,
        planned_views: min_views,
        grid_angle_deg: 90.0,
        cell_m: Some(1.0),
        min_gap_m2: Some(1.0),
    }
}

fn ring_area(r: &[LatLon]) -> f64 {
    let f = LocalFrame::new(crate::plan::test_fields::O);
    let pts: Vec<Enu> = r.iter().map(|p| f.to_enu(*p)).collect();
    crate::plan::area::ring_area_m2(&pts)
}

#[test]
fn views_follow_the_overlaps() {
    assert_eq!(planned_views(70.0, 70.0), 9);
    assert_eq!(planned_views(80.0, 70.0), 15);
    assert_eq!(planned_views(75.0, 60.0), 8);
    assert_eq!(planned_views(0.0, 0.0), 1);
    assert_eq!(planned_views(50.0, 30.0), 2);
    assert_eq!(default_min_views(9), 3);
    assert_eq!(default_min_views(2), 2);
}

#[test]
fn a_rectangle_tiled_by_footprints_is_fully_covered() {
    let area = rect(100.0, 60.0);
    let cov = measure(
        &area,
        &tiles(100.0, 60.0, 20.0, 12.0, 20.0, 12.0, &[]),
        &params(1),
    )
    .expect("measure");
    assert!((cov.area_m2 - 6000.0).abs() < 1e-6, "{}", cov.area_m2);
    assert_eq!(cov.covered_pct, 100.0);
    assert_eq!(cov.required_pct, 100.0);
    assert!(cov.gaps.is_empty());
    // 50 % overlap both ways: 2 × 2 views inside, fewer only along the first row and column.
    let cov = measure(
        &area,
        &tiles(100.0, 60.0, 20.0, 12.0, 10.0, 6.0, &[]),
        &params(4),
    )
    .expect("measure");
    assert_eq!(cov.covered_pct, 100.0);
    let inner = (100.0 - 10.0) * (60.0 - 6.0) / 6000.0 * 100.0;
    assert!(
        (cov.required_pct - inner).abs() < 1e-9,
        "{}",
        cov.required_pct
    );
}

#[test]
fn one_missing_footprint_is_one_gap_of_its_size() {
    let area = rect(100.0, 60.0);
    let cov = measure(
        &area,
        &tiles(100.0, 60.0, 20.0, 12.0, 20.0, 12.0, &[(2, 2)]),
        &params(1),
    )
    .expect("measure");
    assert_eq!(cov.gaps.len(), 1);
    let g = &cov.gaps[0];
    assert!((g.area_m2 - 240.0).abs() < 1e-6, "{}", g.area_m2);
    assert_eq!(g.unseen_m2, g.area_m2);
    assert_eq!(g.fewest_views, 0);
    assert!((cov.covered_pct - 96.0).abs() < 1e-9, "{}", cov.covered_pct);
    // The outline is the missing footprint, counter-clockwise, 4 corners, no holes.
    assert_eq!(g.outer.len(), 4);
    assert!(g.holes.is_empty());
    assert!(
        (ring_area(&g.outer) - 240.0).abs() < 0.5,
        "{}",
        ring_area(&g.outer)
    );
    let f = LocalFrame::new(crate::plan::test_fields::O);
    let c = f.to_enu(g.center);
    assert!(
        (c.east_m - 50.0).abs() < 0.1 && (c.north_m - 30.0).abs() < 0.1,
        "{c:?}"
    );
    // A gap smaller than the minimum is counted apart.
    let p = CoverageParams {
        min_gap_m2: Some(300.0),
        ..params(1)
    };
    let cov = measure(
        &area,
        &tiles(100.0, 60.0, 20.0, 12.0, 20.0, 12.0, &[(2, 2)]),
        &p,
    )
    .expect("measure");
    assert!(cov.gaps.is_empty());
    assert_eq!(cov.small_gaps.0, 1);
}

#[test]
fn a_ring_of_missing_photos_is_a_gap_with_a_hole_and_the_refly_area_fills_it() {
    let area = rect(100.0, 60.0);
    let mut skip = Vec::new();
    for i in 1..=3 {
        for j in 1..=3 {
            if (i, j) != (2, 2) {
                skip.push((i, j));
            }
        }
    }
    let cov = measure(
        &area,
        &tiles(100.0, 60.0, 20.0, 12.0, 20.0, 12.0, &skip),
        &params(1),
    )
    .expect("measure");
    assert_eq!(cov.gaps.len(), 1);
    let g = &cov.gaps[0];
    assert!((g.area_m2 - 8.0 * 240.0).abs() < 1e-6);
    assert_eq!(g.holes.len(), 1);
    assert!((ring_area(&g.outer) - 9.0 * 240.0).abs() < 1.0);
    assert!(
        (ring_area(&g.holes[0]) + 240.0).abs() < 1.0,
        "holes run clockwise"
    );
    // Grown by 5 m along (north, the grid's x at 0°... here 90°: east) and 3 m across.
    let areas = refly_areas(&cov, &[], 5.0, 3.0).expect("areas");
    assert_eq!(areas.len(), 1);
    let a = &areas[0];
    assert!(a.validate().is_ok());
    assert!((a.area_m2() - 70.0 * 42.0).abs() < 2.0, "{}", a.area_m2());
}

#[test]
fn bad_parameters_are_refused() {
    let area = rect(100.0, 60.0);
    let t = tiles(100.0, 60.0, 20.0, 12.0, 20.0, 12.0, &[]);
    assert!(matches!(
        measure(&area, &t, &params(0)),
        Err(CoverageError::Param { .. })
    ));
    assert!(matches!(
        measure(&area, &[], &params(1)),
        Err(CoverageError::NoFootprints)
    ));
    let p = CoverageParams {
        cell_m: Some(-1.0),
        ..params(1)
    };
    let e = measure(&area, &t, &p).expect_err("negative cell");
    assert!(e.to_string().contains("cell size"), "{e}");
}

#[test]
fn huge_fields_get_coarser_cells() {
    let area = rect(20_000.0, 20_000.0);
    let g = Grid::new(&area, 0.0, 1.0).expect("grid");
    let (nx, ny) = g.dims();
    assert!(nx * ny <= MAX_CELLS, "{nx} × {ny}");
    assert!(g.cell_m() > 9.9);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn coverage_invariants(skip in proptest::collection::vec((0usize..5, 0usize..5), 0..8),
                           angle in 0.0f64..180.0, min_views in 1u32..4) {
        let area = rect(100.0, 60.0);
        let all = tiles(100.0, 60.0, 20.0, 12.0, 10.0, 6.0, &[]);
        let some = tiles(100.0, 60.0, 20.0, 12.0, 10.0, 6.0, &skip);
        let p = CoverageParams { grid_angle_deg: angle, min_gap_m2: Some(0.0), cell_m: Some(1.5), ..params(min_views) };
        let a = measure(&area, &all, &p).expect("all");
        let b = measure(&area, &some, &p).expect("some");
        // Fewer photos never cover more; a stricter threshold never passes more.
        prop_assert!(b.covered_pct <= a.covered_pct + 1e-9);
        prop_assert!(b.required_pct <= a.required_pct + 1e-9);
        prop_assert!(b.required_pct <= b.covered_pct + 1e-9);
        // Every under-covered cell is in exactly one gap (no minimum area here).
        let gap_m2: f64 = b.gaps.iter().map(|g| g.area_m2).sum();
        let under_m2 = b.area_m2 * (100.0 - b.required_pct) / 100.0;
        prop_assert!((gap_m2 - under_m2).abs() < 1e-6, "{} vs {}", gap_m2, under_m2);
        // Each outline's area minus its holes is the gap's area.
        for g in &b.gaps {
            let traced = ring_area(&g.outer) + g.holes.iter().map(|h| ring_area(h)).sum::<f64>();
            prop_assert!((traced - g.area_m2).abs() < 0.01 * g.area_m2 + 0.5, "{} vs {}", traced, g.area_m2);
        }
    }
}

#[test]
fn the_refly_survey_covers_a_gap_around_a_zone_without_entering_it() {
    use crate::log::coverage_refly::refly_survey;
    use crate::plan::geometry::segment_hits_ring;
    use crate::plan::survey::SurveyParams;
    let zone = ring(&[(150.0, 95.0), (170.0, 95.0), (170.0, 115.0), (150.0, 115.0)]);
    let field = rect(300.0, 200.0).with_hole(zone.clone());
    let mut skip = Vec::new();
    for i in 12..=16 {
        for j in 14..=20 {
            skip.push((i, j));
        }
    }
    let fps = tiles(300.0, 200.0, 20.0, 12.0, 10.0, 6.0, &skip);
    let p = CoverageParams {
        min_gap_m2: Some(10.0),
        ..params(2)
    };
    let cov = measure(&field, &fps, &p).expect("measure");
    assert!(!cov.gaps.is_empty());
    let areas = refly_areas(&cov, &field.holes, 10.0, 6.0).expect("areas");
    let sp = SurveyParams {
        alt_m: 50.0,
        line_spacing_m: 6.0,
        trigger_distance_m: 10.0,
        ..SurveyParams::default()
    };
    let home = crate::plan::test_fields::O;
    let s = refly_survey(&field, &areas, &sp, 90.0, home)
        .expect("survey")
        .expect("something to fly");
    assert!(!s.transects.is_empty());
    let f = LocalFrame::new(crate::plan::test_fields::O);
    let to_p2 = |l: LatLon| {
        let e = f.to_enu(l);
        P2::new(e.east_m, e.north_m)
    };
    let zone_p2: Vec<P2> = zone.iter().map(|l| to_p2(*l)).collect();
    let legs: Vec<(P2, P2)> = s
        .transects
        .iter()
        .map(|t| (to_p2(t.start), to_p2(t.end)))
        .collect();
    // Transects shrunk by a centimetre: they may end on the zone's edge, never cross it.
    for (a, b) in &legs {
        let (a2, b2) = (a.lerp(*b, 1e-4), b.lerp(*a, 1e-4));
        assert!(
            !segment_hits_ring(a2, b2, &zone_p2),
            "{a:?} → {b:?} enters the zone"
        );
    }
    // Every gap cell centre lies in a transect's swath: 6 m across, 10 m beyond the ends.
    let (nx, _) = cov.grid.dims();
    let mut n = 0;
    for g in &cov.gaps {
        for &i in &g.cells {
            let c = to_p2(cov.grid.to_latlon(cov.grid.center(i % nx, i / nx)));
            let seen = legs.iter().any(|(a, b)| {
                let (lo, hi) = (a.x.min(b.x), a.x.max(b.x));
                (c.y - a.y).abs() <= 6.0 + 1e-6 && c.x >= lo - 10.0 && c.x <= hi + 10.0
            });
            assert!(seen, "gap cell at {c:?} not re-flown");
            n += 1;
        }
    }
    assert!(n > 100, "{n}");
}
