//! The map's tile layers as walkers uses them: the shipped offline set decodes on its
//! background thread and deeper zooms are drawn from the deepest tile; an online source is
//! fetched from a tile server on 127.0.0.1 and, once cached on disk, still shows with the
//! server gone.

mod common;

use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
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

fn png() -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(256, 256, image::Rgba([200, 180, 60, 255]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

/// A tile server that can be switched off; counts requests.
fn tile_server(up: Arc<AtomicBool>) -> (u16, Arc<AtomicUsize>) {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    let hits = Arc::new(AtomicUsize::new(0));
    let h = Arc::clone(&hits);
    let body = png();
    std::thread::spawn(move || {
        for s in l.incoming().flatten() {
            let (h, body, up) = (Arc::clone(&h), body.clone(), Arc::clone(&up));
            std::thread::spawn(move || {
                let mut s = s;
                let mut buf = [0u8; 4096];
                while let Ok(n) = s.read(&mut buf) {
                    if n == 0 {
                        return;
                    }
                    h.fetch_add(1, Ordering::Relaxed);
                    let reply = if up.load(Ordering::Relaxed) {
                        let head = format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nCache-Control: max-age=86400\r\nContent-Length: {}\r\n\r\n",
                            body.len()
                        );
                        [head.into_bytes(), body.clone()].concat()
                    } else {
                        b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n".to_vec()
                    };
                    if s.write_all(&reply).is_err() {
                        return;
                    }
                }
            });
        }
    });
    (port, hits)
}

#[test]
fn online_source_is_fetched_and_then_served_from_the_disk_cache() {
    let up = Arc::new(AtomicBool::new(true));
    let (port, hits) = tile_server(Arc::clone(&up));
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
