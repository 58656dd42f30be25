//! The map's tile layers as walkers uses them: the shipped offline set decodes on its
//! background thread and deeper zooms are drawn from the deepest tile; an online source is
//! fetched from a tile server on 127.0.0.1 and, once cached on disk, still shows with the
//! server gone.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use steppe::tiles::{TileSource, open_store};
use steppe::ui::map::tiles::{OfflineTiles, online};
use walkers::{TileId, Tiles};

fn home_tile(zoom: u8) -> TileId {
    let h = steppe::sim::config::DEFAULT_HOME;
    let t = steppe::tiles::TileId::from_lat_lon(h.lat_deg, h.lon_deg, zoom);
    TileId {
        x: t.x,
        y: t.y,
        zoom,
    }
}

/// Asks for `id` until a piece comes back (the layers load in the background).
fn wait_piece(layer: &mut dyn Tiles, id: TileId) -> walkers::TilePiece {
    let end = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(p) = layer.at(id) {
            return p;
        }
        assert!(Instant::now() < end, "tile {id:?} never arrived");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn offline_set_loads_and_deeper_zooms_use_the_deepest_tile() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/tiles/demo");
    let store = open_store(&dir).expect("demo set opens");
    let mut layer = OfflineTiles::new(store, egui::Context::default());
    let p = wait_piece(&mut layer, home_tile(16));
    assert_eq!(
        p.uv,
        egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0))
    );
    // Zoom 20 is beyond the set (18): at first the zoom-16 tile stands in (1/16 of it), then
    // a quarter of the zoom-18 tile once that has loaded.
    let deep = home_tile(20);
    let p = wait_piece(&mut layer, deep);
    assert!((p.uv.width() - 0.0625).abs() < 1e-6, "{:?}", p.uv);
    let end = Instant::now() + Duration::from_secs(20);
    while wait_piece(&mut layer, deep).uv.width() != 0.25 {
        assert!(
            Instant::now() < end,
            "the zoom-18 tile never replaced the zoom-16 one"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(layer.loaded() >= 2);
}

#[test]
fn online_source_is_fetched_and_then_served_from_the_disk_cache() {
    let up = Arc::new(AtomicBool::new(true));
    let (port, hits) = common::tile_server(Arc::clone(&up));
    let src = TileSource::user(
        "Local",
        &format!("http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png"),
        19,
        "test",
    )
    .expect("source");
    let cache = common::temp_dir("tile-cache");
    let id = home_tile(15);
    let mut layer = online(src.clone(), Some(cache.clone()), egui::Context::default());
    let p = wait_piece(&mut layer, id);
    assert_eq!(p.uv.width(), 1.0);
    assert!(hits.load(Ordering::Relaxed) >= 1);
    drop(layer);
    // The server stops answering; a new layer (a restarted app) still has the tile.
    up.store(false, Ordering::Relaxed);
    let before = hits.load(Ordering::Relaxed);
    let mut again = online(src, Some(cache), egui::Context::default());
    let p = wait_piece(&mut again, id);
    assert_eq!(p.uv.width(), 1.0);
    assert_eq!(
        hits.load(Ordering::Relaxed),
        before,
        "served from the disk cache without a request"
    );
}
