//! Tests of survey splitting.

use super::*;
use crate::geo::Enu;
use crate::plan::survey::{Angle, SurveyParams, generate};

const O: LatLon = LatLon::new(42.52, 72.24);

fn field(w: f64, h: f64) -> Area {
    let f = LocalFrame::new(O);
    Area::new(
        [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)]
            .iter()
            .map(|(e, n)| f.to_latlon(Enu::new(*e, *n)))
            .collect(),
    )
}

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

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// Whatever the field and the number of parts, the parts together fly exactly the whole
    /// survey's transects, in order, none cut.
    #[test]
    fn parts_cover_exactly_the_whole(radii in proptest::collection::vec(300.0f64..900.0, 5..16), k in 1usize..5, batteries in any::<bool>()) {
        let f = LocalFrame::new(O);
        let n = radii.len();
        let outer: Vec<LatLon> = radii.iter().enumerate().map(|(i, r)| {
            let a = i as f64 / n as f64 * std::f64::consts::TAU;
            f.to_latlon(Enu::new(r * a.cos(), r * a.sin()))
        }).collect();
        let area = Area::new(outer);
        let whole = survey(&area);
        let split_for = if batteries { SplitFor::Batteries } else { SplitFor::Aircraft };
        let parts = split(&area, &whole, &SplitParams { parts: k, endurance_min: 1_000.0, reserve_pct: 20.0, split_for }).expect("fits");
        prop_assert!(parts.len() <= k);
        let got: Vec<Transect> = parts.iter().flat_map(|p| p.survey.transects.clone()).collect();
        prop_assert_eq!(got, whole.transects.clone());
        for w in parts.windows(2) {
            prop_assert_eq!(w[0].transects.end, w[1].transects.start);
        }
    }
}
