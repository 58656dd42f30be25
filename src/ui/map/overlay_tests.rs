//! The Fly view's overlay drawn into a real egui context: trails land where the map's
//! projector puts their points.

use super::*;
use crate::runtime::Snapshot;
use crate::ui::tracks::TrailPoint;
use crate::vehicle::{Heartbeat, VehicleId, VehicleState};
use egui::epaint::{ClippedShape, PathShape};
use std::sync::Arc;
use walkers::{MapMemory, MercatorProjection};

/// Runs `fleet` once on a 1600 × 1000 map at `zoom` centred on `centre`; returns the open
/// polylines drawn (trails) and the projector's screen positions of `points`.
fn draw(m: &UiModel, zoom: f64, centre: LatLon, points: &[LatLon]) -> (Vec<PathShape>, Vec<Pos2>) {
    let ctx = egui::Context::default();
    let mut expected = Vec::new();
    let mut out = ctx.run_pass(egui::RawInput::default(), |ctx| {
        let mut memory = MapMemory::default();
        memory.set_zoom(zoom).expect("zoom in range");
        let view = Rect::from_min_size(pos2(0.0, 0.0), vec2(1600.0, 1000.0));
        let proj = Projector::new(
            view,
            &MercatorProjection,
            &memory,
            lat_lon(centre.lat_deg, centre.lon_deg),
        );
        let painter = ctx.layer_painter(egui::LayerId::background());
        fleet(&painter, &proj, m);
        expected = points.iter().map(|p| to_screen(&proj, *p)).collect();
    });
    out.textures_delta.clear(); // no renderer here
    let paths = out
        .shapes
        .into_iter()
        .filter_map(|ClippedShape { shape, .. }| match shape {
            Shape::Path(p) if !p.closed => Some(p),
            _ => None,
        })
        .collect();
    (paths, expected)
}

#[test]
fn trails_are_drawn_where_the_projector_puts_their_points() {
    let home = LatLon::new(42.87, 74.6);
    let id = VehicleId {
        sysid: 1,
        compid: 1,
    };
    let hb = Heartbeat {
        mav_type: 2,
        autopilot: 3,
        ..Heartbeat::default()
    };
    let mut m = UiModel::default();
    // A zigzag 600 m east and 300 m north, a point every 20 m.
    let points: Vec<LatLon> = (0..30)
        .map(|i| {
            let north = if i % 2 == 0 { 0.0 } else { 300.0 };
            home.destination(90.0, 20.0 * f64::from(i))
                .destination(0.0, north)
        })
        .collect();
    for (i, p) in points.iter().enumerate() {
        m.tracks
            .push_point(id, TrailPoint::new(*p, 50.0, 1_000_000 * i as u64));
    }
    m.set_snapshot(Arc::new(Snapshot {
        vehicles: vec![VehicleState::new(id, &hb, 0)],
        ..Snapshot::default()
    }));
    for zoom in [14.0, 17.0] {
        let (paths, expected) = draw(&m, zoom, home, &points);
        assert_eq!(paths.len(), 1, "one trail at zoom {zoom}");
        let drawn = &paths[0].points;
        assert_eq!(
            drawn.len(),
            expected.len(),
            "every point kept at zoom {zoom}"
        );
        for (d, e) in drawn.iter().zip(&expected) {
            assert!(
                (*d - *e).length() < 0.01,
                "zoom {zoom}: {d:?} drawn, {e:?} expected"
            );
        }
    }
}
