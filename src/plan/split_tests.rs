//! Tests of survey splitting.

use super::*;
use crate::geo::Enu;
use crate::plan::document::VehicleKind;
use crate::plan::survey::{Angle, SurveyParams, generate};

use crate::plan::test_fields::{O, rect as field};

fn survey(area: &Area) -> Survey {
    generate(
        area,
        &SurveyParams {
            line_spacing_m: 40.0,
            trigger_distance_m: 25.0,
            angle: Angle::Deg(0.0),
            ..SurveyParams::default()
        },
    )
    .expect("survey")
}

#[test]
fn two_aircraft_parts_cover_every_transect_once_and_are_balanced() {
    let area = field(1400.0, 1400.0);
    let whole = survey(&area);
    let parts = split(
        &area,
        &whole,
        &SplitParams {
            parts: 2,
            endurance_min: 60.0,
            reserve_pct: 20.0,
            split_for: SplitFor::Aircraft,
        },
    )
    .expect("fits");
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0].transects.start, 0);
    assert_eq!(parts[0].transects.end, parts[1].transects.start);
    assert_eq!(parts[1].transects.end, whole.transects.len());
    let got: Vec<Transect> = parts
        .iter()
        .flat_map(|p| p.survey.transects.clone())
        .collect();
    assert_eq!(
        got, whole.transects,
        "together exactly the whole survey's transects"
    );
    let (a, b) = (parts[0].stats.flight_time_s, parts[1].stats.flight_time_s);
    assert!(
        (a - b).abs() / a.max(b) < 0.1,
        "balanced: {a:.0} s vs {b:.0} s"
    );
    // Own launch points and transit altitudes 10 m apart.
    assert!(parts[0].survey.home.distance_m(parts[1].survey.home) >= MIN_LAUNCH_SEPARATION_M);
    let ta = parts[0].survey.params.transit_alt_m.unwrap_or(0.0);
    let tb = parts[1].survey.params.transit_alt_m.unwrap_or(0.0);
    assert!((ta - tb).abs() >= TRANSIT_SEPARATION_M);
    // Both clear of the survey altitude the other aircraft flies at.
    let survey_alt = whole.params.alt_m;
    assert!(ta.min(tb) >= survey_alt + TRANSIT_SEPARATION_M, "{ta} {tb}");
    assert_eq!(
        conflicts(&parts.iter().map(|p| p.survey.clone()).collect::<Vec<_>>()),
        vec![]
    );
}

#[test]
fn batteries_share_the_home() {
    let area = field(1400.0, 1400.0);
    let whole = survey(&area);
    let parts = split(
        &area,
        &whole,
        &SplitParams {
            parts: 3,
            endurance_min: 60.0,
            reserve_pct: 20.0,
            split_for: SplitFor::Batteries,
        },
    )
    .expect("fits");
    assert_eq!(parts.len(), 3);
    assert!(parts.iter().all(|p| p.survey.home == whole.home));
}

#[test]
fn too_short_endurance_names_the_smallest_k() {
    let area = field(1400.0, 1400.0);
    let whole = survey(&area);
    let e = split(
        &area,
        &whole,
        &SplitParams {
            parts: 2,
            endurance_min: 15.0,
            reserve_pct: 20.0,
            split_for: SplitFor::Batteries,
        },
    )
    .unwrap_err();
    match &e {
        SplitError::DoesNotFit {
            smallest: Some(k), ..
        } => {
            assert!(*k > 2);
            let ok = split(
                &area,
                &whole,
                &SplitParams {
                    parts: *k,
                    endurance_min: 15.0,
                    reserve_pct: 20.0,
                    split_for: SplitFor::Batteries,
                },
            );
            assert!(ok.is_ok(), "{k} parts must fit");
            let fewer = split(
                &area,
                &whole,
                &SplitParams {
                    parts: *k - 1,
                    endurance_min: 15.0,
                    reserve_pct: 20.0,
                    split_for: SplitFor::Batteries,
                },
            );
            assert!(fewer.is_err(), "{} parts must not fit", k - 1);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        e.to_string()
            .contains("the smallest number of parts that fits is"),
        "{e}"
    );
}

#[test]
fn plane_parts_are_side_by_side_not_interleaved() {
    let area = field(1800.0, 1400.0);
    let whole = generate(
        &area,
        &SurveyParams {
            line_spacing_m: 50.0,
            trigger_distance_m: 30.0,
            speed_mps: 16.0,
            angle: Angle::Deg(90.0),
            vehicle: VehicleKind::Plane,
            ..SurveyParams::default()
        },
    )
    .expect("survey");
    assert!(whole.params.lane_skip() >= 2);
    let parts = split(
        &area,
        &whole,
        &SplitParams {
            parts: 2,
            endurance_min: 120.0,
            reserve_pct: 20.0,
            split_for: SplitFor::Aircraft,
        },
    )
    .expect("fits");
    assert_eq!(parts.len(), 2);
    // Lines run east-west: part 1's lines all lie south (or north) of part 2's.
    let lats = |p: &Part| {
        let v: Vec<f64> = p.survey.transects.iter().map(|t| t.start.lat_deg).collect();
        (
            v.iter().copied().fold(f64::INFINITY, f64::min),
            v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        )
    };
    let (a, b) = (lats(&parts[0]), lats(&parts[1]));
    assert!(a.1 < b.0 || b.1 < a.0, "{a:?} {b:?}");
    // Within a part, consecutive lines are not neighbours (turns wider than the spacing),
    // except once where the second pass over the skipped lanes begins.
    let f = area.local_frame();
    for p in &parts {
        let tight = p
            .survey
            .transects
            .windows(2)
            .filter(|w| (f.to_enu(w[0].start).north_m - f.to_enu(w[1].start).north_m).abs() < 75.0)
            .count();
        assert!(tight <= 1, "{tight} tight turns");
    }
    assert_eq!(
        conflicts(&parts.iter().map(|p| p.survey.clone()).collect::<Vec<_>>()),
        vec![]
    );
}

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// Whatever the field and the number of parts, the parts together fly exactly the whole
    /// survey's transects, in order, none cut.
    #[test]
    fn parts_cover_exactly_the_whole(radii in proptest::collection::vec(300.0f64..900.0, 5..16), k in 1usize..5, batteries in any::<bool>(), plane in any::<bool>()) {
        let f = LocalFrame::new(O);
        let n = radii.len();
        let outer: Vec<LatLon> = radii.iter().enumerate().map(|(i, r)| {
            let a = i as f64 / n as f64 * std::f64::consts::TAU;
            f.to_latlon(Enu::new(r * a.cos(), r * a.sin()))
        }).collect();
        let area = Area::new(outer);
        let mut whole = survey(&area);
        if plane {
            whole = generate(&area, &SurveyParams { vehicle: VehicleKind::Plane, speed_mps: 16.0, ..whole.params.clone() }).expect("plane survey");
            prop_assert!(whole.params.lane_skip() > 1);
        }
        let split_for = if batteries { SplitFor::Batteries } else { SplitFor::Aircraft };
        let parts = split(&area, &whole, &SplitParams { parts: k, endurance_min: 1_000.0, reserve_pct: 20.0, split_for }).expect("fits");
        prop_assert!(parts.len() <= k);
        let got: Vec<Transect> = parts.iter().flat_map(|p| p.survey.transects.clone()).collect();
        if plane {
            // Lanes are skipped within each part: the same lines, in another order.
            let key = |t: &Transect| {
                let (a, b) = (t.start.to_e7(), t.end.to_e7());
                if a <= b { (a, b) } else { (b, a) }
            };
            let mut g: Vec<_> = got.iter().map(key).collect();
            let mut w: Vec<_> = whole.transects.iter().map(key).collect();
            g.sort_unstable();
            w.sort_unstable();
            prop_assert_eq!(g, w);
        } else {
            prop_assert_eq!(got, whole.transects.clone());
        }
        for w in parts.windows(2) {
            prop_assert_eq!(w[0].transects.end, w[1].transects.start);
        }
    }
}
