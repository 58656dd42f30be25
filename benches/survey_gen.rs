//! Survey generation speed on a hard field: 200 vertices, concave (a star with deep notches),
//! five exclusion zones, DJI Phantom 4 Pro at 2 cm/px (70/70 overlap), automatic heading. The
//! baseline, timed in the same process, is the same generator on the field's bounding
//! rectangle without holes: the ratio is what concavity and holes cost.
//!
//! `cargo bench --bench survey_gen` (criterion). Prints
//! `survey_gen case=... vertices=V holes=H transects=T waypoints=W` per case, then criterion's
//! time per survey.

mod common;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use std::hint::black_box;
use steppe::geo::{Enu, LatLon, LocalFrame};
use steppe::plan::Area;
use steppe::plan::camera::{AltOrGsd, Capture, Orientation, builtin_cameras, find_camera};
use steppe::plan::survey::{Survey, SurveyParams, generate};

const O: LatLon = LatLon::new(42.52, 72.24);

/// A 200-vertex star of radius 700–1000 m (every other vertex pulled in by up to 300 m, so
/// the field is deeply concave), with five 60–90 m square holes in its core.
fn hard_field() -> Area {
    let f = LocalFrame::new(O);
    let n = 200;
    let outer: Vec<LatLon> = (0..n)
        .map(|i| {
            let a = i as f64 / n as f64 * std::f64::consts::TAU;
            let wobble = ((i * 7919) % 13) as f64 / 13.0;
            let r = if i % 2 == 0 {
                1000.0 - 60.0 * wobble
            } else {
                700.0 + 80.0 * wobble
            };
            f.to_latlon(Enu::new(r * a.cos(), r * a.sin()))
        })
        .collect();
    let mut area = Area::new(outer);
    for k in 0..5 {
        let a = k as f64 / 5.0 * std::f64::consts::TAU;
        let (cx, cy) = (350.0 * a.cos(), 350.0 * a.sin());
        let h = 60.0 + 7.5 * k as f64;
        area = area.with_hole(
            [(-h, -h), (h, -h), (h, h), (-h, h)]
                .iter()
                .map(|(dx, dy)| f.to_latlon(Enu::new(cx + dx, cy + dy)))
                .collect(),
        );
    }
    area
}

fn rectangle(of: &Area) -> Area {
    let (mut lo, mut hi) = ((f64::MAX, f64::MAX), (f64::MIN, f64::MIN));
    for p in &of.outer {
        lo = (lo.0.min(p.lat_deg), lo.1.min(p.lon_deg));
        hi = (hi.0.max(p.lat_deg), hi.1.max(p.lon_deg));
    }
    Area::new(vec![
        LatLon::new(lo.0, lo.1),
        LatLon::new(lo.0, hi.1),
        LatLon::new(hi.0, hi.1),
        LatLon::new(hi.0, lo.1),
    ])
}

fn params() -> SurveyParams {
    let cams = builtin_cameras();
    let camera = find_camera(&cams, "DJI Phantom 4 Pro")
        .expect("built-in camera")
        .clone();
    let g = Capture::Camera {
        camera,
        orientation: Orientation::Landscape,
        target: AltOrGsd::GsdCm(2.0),
        front_overlap_pct: 70.0,
        side_overlap_pct: 70.0,
    }
    .resolve(10.0)
    .expect("capture");
    SurveyParams {
        alt_m: g.alt_m,
        line_spacing_m: g.line_spacing_m,
        trigger_distance_m: g.trigger_distance_m,
        turnaround_m: 10.0,
        hole_margin_m: 5.0,
        ..SurveyParams::default()
    }
}

fn survey_gen(c: &mut Criterion) {
    let p = params();
    let field = hard_field();
    let rect = rectangle(&field);
    let mut g = c.benchmark_group("survey_gen");
    g.sampling_mode(SamplingMode::Flat);
    for (name, area) in [("hard", &field), ("baseline_rectangle", &rect)] {
        let s: Survey = generate(area, &p).expect("survey");
        println!(
            "survey_gen case={name} vertices={} holes={} area_ha={:.0} spacing_m={:.1} transects={} waypoints={} detours={}",
            area.outer.len(),
            area.holes.len(),
            area.area_m2() / 10_000.0,
            p.line_spacing_m,
            s.transects.len(),
            s.path.len(),
            s.detours,
        );
        g.bench_function(name, |b| {
            b.iter(|| generate(black_box(area), &p).map(|s| s.path.len()))
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::short_runs(4, 10);
    targets = survey_gen
}
criterion_main!(benches);
