//! UI frame CPU time: the whole Fly view (map with trails, cards, HUD, messages) drawn
//! headless by egui_kittest for two vehicles, with no trail and with 2-hour trails at 10 Hz
//! (72 000 points each), in the same run: the time of one egui pass (layout and the shapes
//! handed to the tessellator; no GPU), measured by criterion.
//!
//! `cargo bench --bench ui_frame`. Prints `ui_frame case=… trail_points=…` per case.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use egui_kittest::Harness;
use std::sync::Arc;
use steppe::geo::LatLon;
use steppe::runtime::Snapshot;
use steppe::ui::model::UiModel;
use steppe::ui::{Panels, root_ui};
use steppe::vehicle::{Heartbeat, VehicleId, VehicleState};

const T0_US: u64 = 1_700_000_000_000_000;

fn vehicle(sysid: u8) -> VehicleState {
    let hb = Heartbeat {
        custom_mode: 3,
        mav_type: 2,
        autopilot: 3,
        base_mode: 0x81,
        system_status: 4,
        mavlink_version: 3,
    };
    VehicleState::new(VehicleId { sysid, compid: 1 }, &hb, T0_US)
}

fn model(trail_points: usize) -> UiModel {
    let mut m = UiModel::default();
    let home = steppe::sim::config::DEFAULT_HOME;
    let mut vs = vec![vehicle(1), vehicle(2)];
    // A lawnmower at 8 m/s sampled at 10 Hz: 0.8 m per point, lanes 30 m apart.
    for i in 0..trail_points {
        for (k, v) in vs.iter_mut().enumerate() {
            let along = (i as f64 * 0.8) % 400.0;
            let lane = (i as f64 * 0.8 / 400.0).floor();
            let north = if lane as i64 % 2 == 0 {
                along
            } else {
                400.0 - along
            };
            let p: LatLon = home
                .destination(90.0, 30.0 * lane + 500.0 * k as f64)
                .destination(0.0, north);
            v.position.lat_lon = Some(p);
            v.last_heard_us = T0_US + i as u64 * 100_000;
            m.tracks.observe(v);
        }
    }
    m.set_snapshot(Arc::new(Snapshot {
        t_us: T0_US + trail_points as u64 * 100_000,
        vehicles: vs,
        ..Snapshot::default()
    }));
    m
}

/// State of the harness: the model and the panels.
struct S {
    m: UiModel,
    p: Panels,
}

fn harness(m: UiModel) -> Harness<'static, S> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .with_accessibility_check(false)
        .build_ui_state(
            |ui, s: &mut S| root_ui(ui, &mut s.m, &mut s.p),
            S {
                m,
                p: Panels::default(),
            },
        );
    h.run();
    h
}

fn ui_frame(c: &mut Criterion) {
    let mut g = c.benchmark_group("ui_frame");
    for (name, points) in [("no_trail", 1), ("two_hour_trails", 72_000)] {
        let m = model(points);
        let kept: usize = m
            .snapshot
            .vehicles
            .iter()
            .map(|v| m.tracks.trail(v.id).len())
            .sum();
        println!("ui_frame case={name} vehicles=2 trail_points={kept}");
        let mut h = harness(m);
        g.bench_function(name, |b| b.iter(|| h.step()));
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::short_runs(3, 30);
    targets = ui_frame
}
criterion_main!(benches);
