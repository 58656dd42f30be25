//! Tile layers for walkers: an offline tile set (XYZ folder, MBTiles or PMTiles, read by
//! [`crate::tiles`]) decoded on a background thread, and online sources through walkers'
//! HTTP tiles with a disk cache. Missing tiles are drawn from the nearest lower zoom that
//! has them, so zooming past a tile set's deepest level still shows the ground.

use crate::tiles::{TileId as StoreTileId, TileStore};
use egui::{ColorImage, Context, Rect, TextureHandle, TextureOptions, pos2};
use std::collections::HashMap;
use std::sync::mpsc;
use walkers::sources::Attribution;
use walkers::{Tile, TileId, TilePiece, Tiles};

/// Tile requests waiting for the loader thread, at most.
const REQUESTS_QUEUED: usize = 64;
/// Decoded tiles kept in memory.
const CACHE_TILES: usize = 512;

enum Loaded {
    Image(ColorImage),
    Missing,
}

/// An offline tile set as a walkers layer.
pub struct OfflineTiles {
    requests: mpsc::SyncSender<TileId>,
    results: mpsc::Receiver<(TileId, Loaded)>,
    cache: HashMap<TileId, Option<TextureHandle>>,
    order: std::collections::VecDeque<TileId>,
    ctx: Context,
    max_zoom: u8,
    label: &'static str,
}

fn decode(bytes: &[u8]) -> Option<ColorImage> {
    let img = image::load_from_memory(bytes).ok()?.to_rgba8();
    let size = [img.width() as usize, img.height() as usize];
    Some(ColorImage::from_rgba_unmultiplied(
        size,
        img.as_flat_samples().as_slice(),
    ))
}

impl OfflineTiles {
    /// Serves `store` (its description becomes the attribution). Tiles are read and decoded
    /// on a thread of their own; `ctx` is asked to repaint when one arrives.
    pub fn new(store: Box<dyn TileStore + Send + Sync>, ctx: Context) -> Self {
        // Bounded: a tile that does not fit is asked for again on a later frame.
        let (req_tx, req_rx) = mpsc::sync_channel::<TileId>(REQUESTS_QUEUED);
        let (res_tx, res_rx) = mpsc::channel();
        let max_zoom = store.zoom_range().map_or(19, |(_, hi)| hi);
        let label: &'static str = Box::leak(store.describe().into_boxed_str());
        let repaint = ctx.clone();
        let _ = std::thread::Builder::new()
            .name("steppe-tiles".into())
            .spawn(move || {
                while let Ok(id) = req_rx.recv() {
                    let sid = StoreTileId {
                        z: id.zoom,
                        x: id.x,
                        y: id.y,
                    };
                    let loaded = match store.get(sid) {
                        Ok(Some(bytes)) => decode(&bytes).map_or(Loaded::Missing, Loaded::Image),
                        _ => Loaded::Missing,
                    };
                    if res_tx.send((id, loaded)).is_err() {
                        break;
                    }
                    repaint.request_repaint();
                }
            });
        Self {
            requests: req_tx,
            results: res_rx,
            cache: HashMap::new(),
            order: Default::default(),
            ctx,
            max_zoom,
            label,
        }
    }

    fn receive(&mut self) {
        while let Ok((id, loaded)) = self.results.try_recv() {
            let tex = match loaded {
                Loaded::Image(img) => Some(self.ctx.load_texture(
                    format!("tile-{}-{}-{}", id.zoom, id.x, id.y),
                    img,
                    TextureOptions::LINEAR,
                )),
                Loaded::Missing => None,
            };
            self.cache.insert(id, tex);
            self.order.push_back(id);
            while self.order.len() > CACHE_TILES {
                if let Some(old) = self.order.pop_front() {
                    self.cache.remove(&old);
                }
            }
        }
    }

    /// Tiles decoded and uploaded so far (still in the cache).
    pub fn loaded(&self) -> usize {
        self.cache.values().filter(|t| t.is_some()).count()
    }

    fn request(&mut self, id: TileId) {
        if !self.cache.contains_key(&id) && self.requests.try_send(id).is_ok() {
            // Mark as pending (None) so it is asked for once; the answer replaces it.
            self.cache.insert(id, None);
        }
    }
}

/// The tile `levels` zooms up that covers `id`, and the part of it that does.
fn parent(id: TileId, levels: u8) -> (TileId, Rect) {
    let d = 1u32 << levels;
    let p = TileId {
        x: id.x / d,
        y: id.y / d,
        zoom: id.zoom - levels,
    };
    let s = 1.0 / d as f32;
    let (fx, fy) = ((id.x % d) as f32 * s, (id.y % d) as f32 * s);
    (p, Rect::from_min_max(pos2(fx, fy), pos2(fx + s, fy + s)))
}

impl Tiles for OfflineTiles {
    fn at(&mut self, tile_id: TileId) -> Option<TilePiece> {
        self.receive();
        let wanted = if tile_id.zoom > self.max_zoom {
            parent(tile_id, tile_id.zoom - self.max_zoom).0
        } else {
            tile_id
        };
        self.request(wanted);
        for up in 0..=tile_id.zoom {
            let (pid, uv) = parent(tile_id, up);
            if let Some(Some(tex)) = self.cache.get(&pid) {
                return Some(TilePiece::new(Tile::Raster(tex.clone()), uv));
            }
        }
        None
    }

    fn attribution(&self) -> Attribution {
        Attribution {
            text: self.label,
            url: "",
            logo_light: None,
            logo_dark: None,
        }
    }

    fn tile_size(&self) -> u32 {
        256
    }
}

/// An online source for walkers' HTTP tiles (URLs from [`crate::tiles::TileSource`], so
/// `{s}` subdomains and TMS `{-y}` work too).
pub struct UrlSource {
    source: crate::tiles::TileSource,
    attribution: &'static str,
}

impl walkers::sources::TileSource for UrlSource {
    fn tile_url(&self, t: TileId) -> String {
        self.source.url_for(StoreTileId {
            z: t.zoom,
            x: t.x,
            y: t.y,
        })
    }

    fn attribution(&self) -> Attribution {
        Attribution {
            text: self.attribution,
            url: "",
            logo_light: None,
            logo_dark: None,
        }
    }

    fn max_zoom(&self) -> u8 {
        self.source.max_zoom
    }
}

/// An online layer with a disk cache in `cache_dir`.
pub fn online(
    source: crate::tiles::TileSource,
    cache_dir: Option<std::path::PathBuf>,
    ctx: Context,
) -> walkers::HttpTiles {
    let attribution: &'static str = Box::leak(source.attribution.clone().into_boxed_str());
    let mut opts = walkers::HttpOptions {
        cache: cache_dir,
        ..Default::default()
    };
    if let Ok(ua) = walkers::HeaderValue::from_str(concat!("Steppe/", env!("CARGO_PKG_VERSION"))) {
        opts.user_agent = Some(ua);
    }
    walkers::HttpTiles::with_options(
        UrlSource {
            source,
            attribution,
        },
        opts,
        ctx,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_uv() {
        let (p, uv) = parent(
            TileId {
                x: 5,
                y: 6,
                zoom: 3,
            },
            1,
        );
        assert_eq!(
            p,
            TileId {
                x: 2,
                y: 3,
                zoom: 2
            }
        );
        assert_eq!(uv, Rect::from_min_max(pos2(0.5, 0.0), pos2(1.0, 0.5)));
        let (p, uv) = parent(
            TileId {
                x: 5,
                y: 6,
                zoom: 3,
            },
            0,
        );
        assert_eq!(
            p,
            TileId {
                x: 5,
                y: 6,
                zoom: 3
            }
        );
        assert_eq!(uv, Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0)));
    }
}
