//! Prefetch tests against a small HTTP/1.1 tile server on 127.0.0.1:0
//! ([`super::download_test_server`]): generated PNGs, holes (404), a tile that fails once,
//! error pages, a server that hangs.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::download_test_server::{Reply, TileServer, body_for};

use super::download::{
    PrefetchError, PrefetchOptions, PrefetchProgress, PrefetchTarget, prefetch_blocking,
};
use super::{BBox, BulkPolicy, MbTiles, TileId, TileSource, TileStore, XyzDir, tiles_covering};
use crate::geo::LatLon;
use crate::tiles::test_dir as temp_dir;

fn home_box(half_m: f64) -> BBox {
    BBox::around(LatLon::new(-35.363_261, 149.165_230), half_m, half_m).unwrap()
}

fn path_of(id: TileId) -> String {
    format!("/{}/{}/{}.png", id.z, id.x, id.y)
}

fn fast_options() -> PrefetchOptions {
    PrefetchOptions {
        first_backoff: Duration::from_millis(10),
        request_timeout: Duration::from_secs(5),
        ..PrefetchOptions::default()
    }
}

#[test]
fn downloads_into_a_folder_then_skips_what_is_there() {
    let bbox = home_box(250.0);
    let tiles: Vec<TileId> = tiles_covering(&bbox, 14..=16).collect();
    assert!(tiles.len() >= 4, "{tiles:?}");
    let (missing, flaky) = (path_of(tiles[1]), path_of(tiles[2]));
    let (m, f) = (missing.clone(), flaky.clone());
    let server = TileServer::start(move |path, before| match path {
        p if p == m => Reply::Status(404),
        p if p == f && before == 0 => Reply::Status(500),
        _ => Reply::Png,
    });
    let dir = temp_dir("prefetch-xyz");
    let target = PrefetchTarget::Xyz(dir.clone());
    let mut seen: Vec<PrefetchProgress> = Vec::new();
    let cancel = AtomicBool::new(false);
    let report = prefetch_blocking(
        &server.source(),
        &bbox,
        14..=16,
        &target,
        &fast_options(),
        |p| seen.push(*p),
        &cancel,
    )
    .unwrap();

    let n = tiles.len() as u64;
    let c = report.counts;
    assert_eq!(
        (
            c.total,
            c.done,
            c.downloaded,
            c.missing,
            c.failed,
            c.skipped
        ),
        (n, n, n - 1, 1, 0, 0)
    );
    assert!(!report.cancelled && report.failures.is_empty());
    assert_eq!(seen.last(), Some(&c));
    assert_eq!(seen.first().map(|p| p.done), Some(0));
    assert!(seen.windows(2).all(|w| w[0].done <= w[1].done));
    // The flaky tile was asked twice, every other tile once.
    let requests = server.requests();
    assert_eq!(requests.len(), tiles.len() + 1);
    assert_eq!(requests.iter().filter(|p| **p == flaky).count(), 2);

    let store = XyzDir::open(&dir).unwrap();
    let mut bytes = 0;
    for id in &tiles {
        let got = store.get(*id).unwrap();
        if path_of(*id) == missing {
            assert_eq!(got, None);
        } else {
            assert_eq!(got.as_ref(), Some(&body_for(&path_of(*id))), "{id}");
            bytes += body_for(&path_of(*id)).len() as u64;
        }
    }
    assert_eq!(c.bytes, bytes);

    // Second run: only the hole is asked again.
    let again = prefetch_blocking(
        &server.source(),
        &bbox,
        14..=16,
        &target,
        &fast_options(),
        |_| {},
        &cancel,
    )
    .unwrap();
    assert_eq!(
        (
            again.counts.skipped,
            again.counts.downloaded,
            again.counts.missing
        ),
        (n - 1, 0, 1)
    );
    assert_eq!(server.requests().len(), requests.len() + 1);
}

#[test]
fn downloads_into_mbtiles() {
    let server = TileServer::start(|_, _| Reply::Png);
    let bbox = home_box(300.0);
    let file = temp_dir("prefetch-mb").join("area.mbtiles");
    let target = PrefetchTarget::MbTiles(file.clone());
    let cancel = AtomicBool::new(false);
    let report = prefetch_blocking(
        &server.source(),
        &bbox,
        15..=16,
        &target,
        &fast_options(),
        |_| {},
        &cancel,
    )
    .unwrap();
    assert_eq!(report.counts.downloaded, report.counts.total);
    let store = MbTiles::open(&file).unwrap();
    assert_eq!(store.zoom_range(), Some((15, 16)));
    assert_eq!(store.format(), Some("png"));
    assert_eq!(
        store.metadata().get("name").map(String::as_str),
        Some("Test server")
    );
    assert!(
        store
            .bounds()
            .unwrap()
            .contains(LatLon::new(-35.363_261, 149.165_230))
    );
    for id in tiles_covering(&bbox, 15..=16) {
        assert_eq!(store.get(id).unwrap(), Some(body_for(&path_of(id))));
    }
    drop(store);
    let again = prefetch_blocking(
        &server.source(),
        &bbox,
        15..=16,
        &target,
        &fast_options(),
        |_| {},
        &cancel,
    )
    .unwrap();
    assert_eq!(again.counts.skipped, again.counts.total);
    assert_eq!(server.requests().len() as u64, report.counts.total);
}

#[test]
fn forbidden_sources_and_huge_areas_are_refused_before_any_connection() {
    let server = TileServer::start(|_, _| Reply::Png);
    let cancel = AtomicBool::new(false);
    let target = PrefetchTarget::Xyz(temp_dir("prefetch-refused"));
    let bbox = home_box(300.0);

    let err = prefetch_blocking(
        &TileSource::openstreetmap(),
        &bbox,
        15..=16,
        &target,
        &fast_options(),
        |_| {},
        &cancel,
    )
    .unwrap_err();
    assert!(matches!(err, PrefetchError::BulkForbidden { .. }));
    let text = err.to_string();
    assert!(
        text.contains("OpenStreetMap")
            && text.contains("operations.osmfoundation.org/policies/tiles"),
        "{text}"
    );

    let mut forbidden = server.source();
    forbidden.bulk_download = BulkPolicy::Forbidden {
        reason: "the provider's terms forbid it".into(),
    };
    let err = prefetch_blocking(
        &forbidden,
        &bbox,
        15..=16,
        &target,
        &fast_options(),
        |_| {},
        &cancel,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("the provider's terms forbid it"),
        "{err}"
    );

    let options = PrefetchOptions {
        max_tiles: 3,
        ..fast_options()
    };
    let err = prefetch_blocking(
        &server.source(),
        &home_box(2000.0),
        15..=17,
        &target,
        &options,
        |_| {},
        &cancel,
    )
    .unwrap_err();
    let count = super::count_tiles(&home_box(2000.0), 15..=17);
    assert!(
        err.to_string().contains(&format!("needs {count} tiles")),
        "{err}"
    );
    assert!(err.to_string().contains("limit of 3"), "{err}");

    let err = prefetch_blocking(
        &server.source(),
        &bbox,
        20..=22,
        &target,
        &fast_options(),
        |_| {},
        &cancel,
    )
    .unwrap_err();
    assert!(err.to_string().contains("deepest zoom 19"), "{err}");

    assert_eq!(server.connections.load(Ordering::SeqCst), 0);
    assert!(server.requests().is_empty());
}

#[test]
fn cancel_stops_soon_and_keeps_what_was_written() {
    let server = TileServer::start(|_, _| {
        std::thread::sleep(Duration::from_millis(20));
        Reply::Png
    });
    let bbox = home_box(1000.0);
    let dir = temp_dir("prefetch-cancel");
    let target = PrefetchTarget::Xyz(dir.clone());
    let cancel = AtomicBool::new(false);
    let options = PrefetchOptions {
        parallel: 2,
        ..fast_options()
    };
    let report = prefetch_blocking(
        &server.source(),
        &bbox,
        17..=17,
        &target,
        &options,
        |p| {
            if p.done >= 3 {
                cancel.store(true, Ordering::SeqCst);
            }
        },
        &cancel,
    )
    .unwrap();
    assert!(report.cancelled);
    assert!(report.counts.total > 40, "{:?}", report.counts);
    assert!(
        report.counts.done < report.counts.total / 2,
        "{:?}",
        report.counts
    );
    let store = XyzDir::create(&dir).unwrap();
    let written = tiles_covering(&bbox, 17..=17)
        .filter(|id| store.contains(*id))
        .count();
    assert_eq!(written as u64, report.counts.downloaded);

    // Cancelled before the start: no request at all.
    let before = server.requests().len();
    let report = prefetch_blocking(
        &server.source(),
        &bbox,
        17..=17,
        &target,
        &options,
        |_| {},
        &cancel,
    )
    .unwrap();
    assert!(report.cancelled);
    assert_eq!(server.requests().len(), before);
}

#[test]
fn failures_are_counted_with_reasons_not_fatal() {
    let bbox = home_box(250.0);
    let tiles: Vec<TileId> = tiles_covering(&bbox, 14..=16).collect();
    let paths: Vec<String> = tiles.iter().map(|t| path_of(*t)).collect();
    let (down, denied, html, hang) = (
        paths[0].clone(),
        paths[1].clone(),
        paths[2].clone(),
        paths[3].clone(),
    );
    let server = TileServer::start(move |path, _| match path {
        p if p == down => Reply::Status(503),
        p if p == denied => Reply::Status(403),
        p if p == html => Reply::Html,
        p if p == hang => Reply::Hang(Duration::from_secs(3)),
        _ => Reply::Png,
    });
    let options = PrefetchOptions {
        retries: 2,
        request_timeout: Duration::from_millis(300),
        ..fast_options()
    };
    let cancel = AtomicBool::new(false);
    let target = PrefetchTarget::Xyz(temp_dir("prefetch-fail"));
    let report = prefetch_blocking(
        &server.source(),
        &bbox,
        14..=16,
        &target,
        &options,
        |_| {},
        &cancel,
    )
    .unwrap();
    let c = report.counts;
    assert_eq!(
        (c.failed, c.downloaded, c.done),
        (4, tiles.len() as u64 - 4, tiles.len() as u64)
    );
    let why = |id: TileId| {
        report
            .failures
            .iter()
            .find(|f| f.0 == id)
            .map(|f| f.1.clone())
            .unwrap()
    };
    assert!(
        why(tiles[0]).contains("HTTP 503") && why(tiles[0]).contains("after 3 attempts"),
        "{}",
        why(tiles[0])
    );
    assert!(why(tiles[1]).contains("HTTP 403"), "{}", why(tiles[1]));
    assert!(
        why(tiles[2]).contains("not a PNG, JPEG or WebP"),
        "{}",
        why(tiles[2])
    );
    assert!(
        why(tiles[3]).contains("after 3 attempts"),
        "{}",
        why(tiles[3])
    );
    let requests = server.requests();
    let asked = |p: &str| requests.iter().filter(|r| *r == p).count();
    assert_eq!(
        (
            asked(&paths[0]),
            asked(&paths[1]),
            asked(&paths[2]),
            asked(&paths[3])
        ),
        (3, 1, 1, 3)
    );
}
