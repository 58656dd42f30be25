//! UI frame CPU time: the whole Fly view (map with trails, cards, HUD, messages) drawn
//! headless by egui_kittest for two vehicles, with no trail and with 2-hour trails at 10 Hz
//! (72 000 points each), in the same run. Reports the median time of one egui pass
//! (layout and tessellation input; no GPU), and the ratio between the two.
//!
//! `cargo bench --bench ui_frame`

use egui_kittest::Harness;
use std::sync::Arc;
use std::time::Instant;
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

fn median_frame_ms(m: UiModel) -> f64 {
    struct S {
        m: UiModel,
        p: Panels,
    }
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
    let mut times: Vec<f64> = (0..60)
        .map(|_| {
            let t = Instant::now();
            h.step();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    let empty = median_frame_ms(model(1));
    let long = median_frame_ms(model(72_000));
    println!(
        "ui frame (Fly view, 2 vehicles): no trail {empty:.2} ms; 2-hour trails (2 × 72 000 points) {long:.2} ms; ratio {:.2}×",
        long / empty
    );
}
