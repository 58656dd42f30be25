//! Tests of survey generation: hand-checked rectangles, concave fields and exclusion zones,
//! and properties on random concave fields with holes.

use super::*;
use crate::plan::document::VehicleKind;
use crate::plan::geometry::{P2, Shape, TransectFrame, dist_to_segment};
use proptest::prelude::*;

use crate::plan::test_fields::{O, ring};

/// The first leg of the flight (home, the path, home), mapped into the router's plane by
/// `to`, that the router does not call clear.
fn blocked_leg(s: &Survey, router: &Router, to: impl Fn(LatLon) -> P2) -> Option<(P2, P2)> {
    let mut pts = vec![s.home];
    pts.extend(s.path.iter().map(|x| x.pos));
    pts.push(s.home);
    pts.windows(2)
        .map(|w| (to(w[0]), to(w[1])))
        .find(|(a, b)| !router.clear(*a, *b))
}

/// A position in the plane of `f`.
fn enu(f: &LocalFrame, l: LatLon) -> P2 {
    let e = f.to_enu(l);
    P2::new(e.east_m, e.north_m)
}

fn params(spacing: f64) -> SurveyParams {
    SurveyParams {
        line_spacing_m: spacing,
        trigger_distance_m: 20.0,
        angle: Angle::Deg(90.0),
        ..SurveyParams::default()
    }
}

#[test]
fn rectangle_gives_the_expected_lawnmower() {
    let area = Area::new(ring(&[
        (0.0, 0.0),
        (400.0, 0.0),
        (400.0, 300.0),
        (0.0, 300.0),
    ]));
    let s = generate(&area, &params(35.0)).expect("survey");
    // Heading east: lines stacked north-south, 300 / 35 -> 9 lines of 400 m.
    assert_eq!(s.transects.len(), 9);
    for t in &s.transects {
        assert!((t.len_m() - 400.0).abs() < 0.5, "{}", t.len_m());
    }
    // Alternating directions.
    let b0 = s.transects[0].start.bearing_deg(s.transects[0].end);
    let b1 = s.transects[1].start.bearing_deg(s.transects[1].end);
    assert!((crate::geo::wrap_180(b0 - b1).abs() - 180.0).abs() < 1.0);
    // 21 photos per 400 m line at 20 m.
    assert_eq!(s.transects[0].photos(20.0), 21);
    let items = mission_items(&s);
    let cams = items
        .iter()
        .filter(|i| i.command == crate::plan::mission_item::cmd::DO_SET_CAM_TRIGG_DIST)
        .count();
    assert_eq!(cams, 18, "on and off per transect");
    assert_eq!(
        items.first().map(|i| i.command),
        Some(crate::plan::mission_item::cmd::NAV_TAKEOFF)
    );
    assert_eq!(
        items.last().map(|i| i.command),
        Some(crate::plan::mission_item::cmd::NAV_RETURN_TO_LAUNCH)
    );
    let st = survey_stats(&s, &area);
    assert!((st.area_ha - 12.0).abs() < 0.05, "{}", st.area_ha);
    assert_eq!(st.photos, 9 * 21);
}

#[test]
fn auto_angle_runs_along_the_long_edge() {
    // A 1000 x 200 m strip rotated to 30 degrees.
    let f = LocalFrame::new(O);
    let tf = TransectFrame::new(30.0);
    let corners = [(0.0, 0.0), (1000.0, 0.0), (1000.0, 200.0), (0.0, 200.0)];
    let pts: Vec<LatLon> = corners
        .iter()
        .map(|(x, y)| f.to_latlon(tf.to_enu(P2::new(*x, *y))))
        .collect();
    let a = best_angle(
        &Area::new(pts),
        &SurveyParams {
            line_spacing_m: 40.0,
            ..SurveyParams::default()
        },
    );
    assert!(
        (crate::geo::wrap_180(a - 30.0)).abs() < 1.5
            || (crate::geo::wrap_180(a - 210.0)).abs() < 1.5,
        "{a}"
    );
}

#[test]
fn u_field_camera_never_over_the_notch_and_detours_avoid_holes() {
    let outer = ring(&[
        (0.0, 0.0),
        (300.0, 0.0),
        (300.0, 300.0),
        (200.0, 300.0),
        (200.0, 100.0),
        (100.0, 100.0),
        (100.0, 300.0),
        (0.0, 300.0),
    ]);
    let hole = ring(&[(20.0, 30.0), (80.0, 30.0), (80.0, 60.0), (20.0, 60.0)]);
    let area = Area::new(outer).with_hole(hole);
    let mut p = params(25.0);
    p.angle = Angle::Deg(0.0);
    p.turnaround_m = 15.0;
    let s = generate(&area, &p).expect("survey");
    let f = area.local_frame();
    let (o, h) = area.to_local(&f);
    let shape = Shape {
        outer: o.iter().map(|e| P2::new(e.east_m, e.north_m)).collect(),
        holes: h
            .iter()
            .map(|r| r.iter().map(|e| P2::new(e.east_m, e.north_m)).collect())
            .collect(),
        margin: 0.0,
    };
    for t in &s.transects {
        let (a, b) = (f.to_enu(t.start), f.to_enu(t.end));
        for k in 1..20 {
            let q = P2::new(
                a.east_m + (b.east_m - a.east_m) * k as f64 / 20.0,
                a.north_m + (b.north_m - a.north_m) * k as f64 / 20.0,
            );
            assert!(shape.contains(q), "camera on outside the field at {q:?}");
        }
    }
    // No leg of the whole path crosses the exclusion zone.
    let router = Router::new(&shape.holes, 0.0);
    let leg = blocked_leg(&s, &router, |l| enu(&f, l));
    assert_eq!(leg, None, "a leg crosses the zone");
    assert_eq!(s.blocked, 0);
}

#[test]
fn hole_margin_keeps_transects_off_the_zone_edge() {
    let area = Area::new(ring(&[
        (0.0, 0.0),
        (300.0, 0.0),
        (300.0, 200.0),
        (0.0, 200.0),
    ]))
    .with_hole(ring(&[
        (100.0, 50.0),
        (200.0, 50.0),
        (200.0, 150.0),
        (100.0, 150.0),
    ]));
    let f = area.local_frame();
    let hole: Vec<P2> = area.to_local(&f).1[0]
        .iter()
        .map(|e| P2::new(e.east_m, e.north_m))
        .collect();
    let closest = |s: &Survey| {
        s.transects
            .iter()
            .flat_map(|t| [t.start, t.end])
            .map(|l| {
                let e = f.to_enu(l);
                let p = P2::new(e.east_m, e.north_m);
                (0..4)
                    .map(|i| dist_to_segment(p, hole[i], hole[(i + 1) % 4]))
                    .fold(f64::INFINITY, f64::min)
            })
            .fold(f64::INFINITY, f64::min)
    };
    let mut p = params(20.0);
    p.angle = Angle::Deg(90.0);
    let touching = generate(&area, &p).expect("survey");
    assert!(closest(&touching) < 0.01, "{}", closest(&touching));
    p.hole_margin_m = 5.0;
    let kept = generate(&area, &p).expect("survey");
    assert!(closest(&kept) > 4.99, "{}", closest(&kept));
    p.hole_margin_m = -1.0;
    assert!(generate(&area, &p).is_err());
}

#[test]
fn zone_margin_holds_in_narrow_notches_and_at_sharp_tips() {
    // A C-shaped zone whose notch is 6 m wide, and a zone with a 10° spike.
    let c_zone = ring(&[
        (100.0, 100.0),
        (200.0, 100.0),
        (200.0, 130.0),
        (130.0, 130.0),
        (130.0, 136.0),
        (200.0, 136.0),
        (200.0, 170.0),
        (100.0, 170.0),
    ]);
    let spike = ring(&[
        (250.0, 50.0),
        (300.0, 50.0),
        (400.0, 58.8),
        (300.0, 70.0),
        (250.0, 70.0),
    ]);
    let area = Area::new(ring(&[
        (0.0, 0.0),
        (500.0, 0.0),
        (500.0, 250.0),
        (0.0, 250.0),
    ]))
    .with_hole(c_zone)
    .with_hole(spike);
    let f = area.local_frame();
    let holes: Vec<Vec<P2>> = area
        .to_local(&f)
        .1
        .iter()
        .map(|h| h.iter().map(|e| P2::new(e.east_m, e.north_m)).collect())
        .collect();
    let nearest = |q: P2| {
        holes
            .iter()
            .flat_map(|h| (0..h.len()).map(move |i| dist_to_segment(q, h[i], h[(i + 1) % h.len()])))
            .fold(f64::INFINITY, f64::min)
    };
    for angle in [0.0, 37.0, 90.0] {
        let mut p = params(12.0);
        p.angle = Angle::Deg(angle);
        p.hole_margin_m = 5.0;
        p.turnaround_m = 10.0;
        let s = generate(&area, &p).expect("survey");
        for t in &s.transects {
            let (a, b) = (f.to_enu(t.start), f.to_enu(t.end));
            for k in 0..=40 {
                let q = P2::new(
                    a.east_m + (b.east_m - a.east_m) * f64::from(k) / 40.0,
                    a.north_m + (b.north_m - a.north_m) * f64::from(k) / 40.0,
                );
                assert!(
                    nearest(q) > 4.99,
                    "camera on {:.2} m from a zone at {q:?} (angle {angle})",
                    nearest(q)
                );
            }
        }
        let router = Router::with_clearance(&holes, 0.0, 4.49);
        let leg = blocked_leg(&s, &router, |l| enu(&f, l));
        assert_eq!(
            leg, None,
            "a leg passes within 4.5 m of a zone (angle {angle})"
        );
        assert_eq!(s.blocked, 0);
    }
}

#[test]
fn crosshatch_doubles_and_lane_skip_for_planes() {
    let area = Area::new(ring(&[
        (0.0, 0.0),
        (600.0, 0.0),
        (600.0, 600.0),
        (0.0, 600.0),
    ]));
    let mut p = params(60.0);
    p.crosshatch = true;
    let s = generate(&area, &p).expect("survey");
    assert_eq!(s.transects.len(), 20);
    assert_eq!(s.transects.iter().filter(|t| t.crosshatch).count(), 10);
    let plane = SurveyParams {
        vehicle: VehicleKind::Plane,
        speed_mps: 18.0,
        ..params(60.0)
    };
    assert_eq!(plane.lane_skip(), 2, "R = 57 m > 60/2");
}

#[test]
fn bad_parameters_are_refused_in_words() {
    let area = Area::new(ring(&[(0.0, 0.0), (100.0, 0.0), (100.0, 100.0)]));
    let e = generate(
        &area,
        &SurveyParams {
            line_spacing_m: f64::NAN,
            ..SurveyParams::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "line spacing must be 0.5 to 10000 m, got NaN"
    );
}

/// Random star-shaped field around the origin with up to 3 convex holes inside its core.
fn field() -> impl Strategy<Value = Area> {
    (
        proptest::collection::vec(150.0f64..400.0, 6..24),
        proptest::collection::vec((-80.0f64..80.0, -80.0f64..80.0, 10.0f64..40.0), 0..3),
    )
        .prop_map(|(radii, holes)| {
            let n = radii.len();
            let outer: Vec<(f64, f64)> = radii
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let a = i as f64 / n as f64 * std::f64::consts::TAU;
                    (r * a.cos(), r * a.sin())
                })
                .collect();
            let mut area = Area::new(ring(&outer));
            // Holes: squares in the inner disc (radius < 150 m), kept apart.
            let mut placed: Vec<(f64, f64, f64)> = Vec::new();
            for (x, y, s) in holes {
                if placed.iter().all(|(px, py, ps)| {
                    (px - x).abs() > ps + s + 5.0 || (py - y).abs() > ps + s + 5.0
                }) {
                    area = area.with_hole(ring(&[
                        (x - s, y - s),
                        (x + s, y - s),
                        (x + s, y + s),
                        (x - s, y + s),
                    ]));
                    placed.push((x, y, s));
                }
            }
            area
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Every point of the field is covered (across-track within half a spacing of a transect
    /// line, along-track within it or half a spacing past its ends); no camera-on segment
    /// leaves the field or enters a hole.
    #[test]
    fn random_concave_fields_with_holes(area in field(), angle in 0.0f64..180.0, spacing in 20.0f64..60.0, margin in prop_oneof![Just(0.0), 1.0f64..8.0]) {
        let p = SurveyParams { line_spacing_m: spacing, angle: Angle::Deg(angle), turnaround_m: 10.0, hole_margin_m: margin, ..SurveyParams::default() };
        let s = generate(&area, &p).expect("survey");
        let f = area.local_frame();
        let tf = TransectFrame::new(s.angle_deg);
        let (o, h) = area.to_local(&f);
        let to_frame = |e: &Enu| tf.to_frame(*e);
        let shape = Shape { outer: o.iter().map(to_frame).collect(), holes: h.iter().map(|r| r.iter().map(to_frame).collect()).collect(), margin };
        let segs: Vec<(P2, P2)> = s.transects.iter().map(|t| (tf.to_frame(f.to_enu(t.start)), tf.to_frame(f.to_enu(t.end)))).collect();
        for (a, b) in &segs {
            for k in 1..10 {
                let q = a.lerp(*b, k as f64 / 10.0);
                prop_assert!(shape.contains(q), "camera on outside the area, or within {} m of a zone, at {:?}", margin, q);
            }
        }
        let (lo, hi) = shape.bounds();
        let half = spacing / 2.0;
        // Sampling resolution of the generator's coverage check.
        let tol = spacing / 8.0;
        let step = spacing / 3.0;
        let mut y = lo.y + 0.37;
        while y < hi.y {
            let mut x = lo.x + 0.61;
            while x < hi.x {
                let q = P2::new(x, y);
                if shape.contains(q) {
                    let ok = segs.iter().any(|(a, b)| {
                        let (x0, x1) = (a.x.min(b.x), a.x.max(b.x));
                        (q.y - a.y).abs() <= half + tol && q.x >= x0 - half - tol && q.x <= x1 + half + tol
                    });
                    prop_assert!(ok, "uncovered point {:?} (nearest transect {:.1} m)", q, segs.iter().map(|(a, b)| dist_to_segment(q, *a, *b)).fold(f64::INFINITY, f64::min));
                }
                x += step;
            }
            y += step;
        }
        prop_assert_eq!(s.blocked, 0);
        // No leg of the flight, from home and back, goes through an exclusion zone.
        // ... nor nearer than (nearly) the zone margin to one.
        let router = Router::with_clearance(&shape.holes, 0.0, margin * 0.9 - 1e-3);
        let leg = blocked_leg(&s, &router, |l| tf.to_frame(f.to_enu(l)));
        prop_assert_eq!(leg, None, "a leg crosses a zone or comes too near");
    }
}
