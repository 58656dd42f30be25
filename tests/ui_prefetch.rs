//! "Prepare offline map" against a tile server on 127.0.0.1: the job downloads the plan
//! area's tiles into an XYZ folder with progress, the folder then opens as the offline map;
//! OpenStreetMap's public servers are refused in the panel before any request.

mod common;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use steppe::geo::LatLon;
use steppe::tiles::TileSource;
use steppe::tiles::download::PrefetchTarget;
use steppe::ui::map::prefetch::{PrefetchJob, area_bbox};
use steppe::ui::model::{UiModel, View};
use steppe::ui::{Panels, root_ui};

fn field() -> Vec<LatLon> {
    let c = steppe::sim::config::DEFAULT_HOME;
    vec![
        c,
        c.destination(0.0, 200.0),
        c.destination(0.0, 200.0).destination(90.0, 200.0),
    ]
}

#[test]
fn prefetch_downloads_the_plan_area_and_the_folder_opens_as_a_map() {
    let (port, hits) = common::tile_server(Arc::new(AtomicBool::new(true)));
    let src = TileSource::user(
        "Local",
        &format!("http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png"),
        19,
        "test",
    )
    .expect("source");
    let dir = common::temp_dir("prefetch-ui").join("tiles");
    let bbox = area_bbox(&field(), 300.0).expect("bbox");
    let want = steppe::tiles::count_tiles(&bbox, 14..=16);
    let job = PrefetchJob::start(src, bbox, 14..=16, PrefetchTarget::Xyz(dir.clone()), || {})
        .expect("started");
    let end = Instant::now() + Duration::from_secs(60);
    let report = loop {
        if let Some(r) = job.result() {
            break r.expect("prefetch ok");
        }
        assert!(
            Instant::now() < end,
            "prefetch did not finish: {:?}",
            job.progress()
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(report.counts.total, want);
    assert_eq!(report.counts.downloaded, want);
    assert_eq!(hits.load(Ordering::Relaxed) as u64, want);
    let store = steppe::tiles::open_store(&dir).expect("opens as a tile set");
    assert_eq!(store.zoom_range(), Some((14, 16)));
}

#[test]
fn openstreetmap_is_refused_in_the_panel() {
    let mut m = UiModel {
        view: View::Settings,
        ..UiModel::default()
    };
    m.plan.boundary = field();
    struct S {
        m: UiModel,
        p: Panels,
    }
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 1200.0))
        .with_accessibility_check(true)
        .build_ui_state(
            |ui, s: &mut S| root_ui(ui, &mut s.m, &mut s.p),
            S {
                m,
                p: Panels::default(),
            },
        );
    h.run();
    h.get_by_label("Prepare offline map").click();
    h.run();
    h.run();
    let job = h.state().p.prefetch.job.as_ref().expect("a job ran");
    let end = Instant::now() + Duration::from_secs(10);
    let r = loop {
        if let Some(r) = job.result() {
            break r;
        }
        assert!(Instant::now() < end);
        std::thread::sleep(Duration::from_millis(10));
    };
    let err = r.expect_err("refused");
    assert!(err.contains("OpenStreetMap"), "{err}");
}
