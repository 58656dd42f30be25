//! "Prepare offline map": downloads the tiles of the plan area for a range of zooms from the
//! chosen online source into an XYZ folder or MBTiles file, on a thread of its own, with a
//! progress bar and cancel. Sources whose usage policy forbids bulk download (OpenStreetMap's
//! public servers) are refused before any request is made.

use crate::geo::LatLon;
use crate::tiles::download::{
    PrefetchOptions, PrefetchProgress, PrefetchReport, PrefetchTarget, prefetch_blocking,
};
use crate::tiles::source::TileSource;
use crate::tiles::{BBox, count_tiles};
use crate::ui::i18n::{tr, trf};
use egui::{DragValue, ProgressBar, RichText, Ui};
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// A download running on its own thread.
#[derive(Debug)]
pub struct PrefetchJob {
    progress: Arc<Mutex<PrefetchProgress>>,
    result: Arc<Mutex<Option<Result<PrefetchReport, String>>>>,
    cancel: Arc<AtomicBool>,
    /// Where the tiles go.
    pub target: PrefetchTarget,
}

impl PrefetchJob {
    /// Starts downloading `zooms` of `bbox` from `source` into `target`; `on_progress` is
    /// called from the download thread (e.g. to request a repaint).
    pub fn start(
        source: TileSource,
        bbox: BBox,
        zooms: RangeInclusive<u8>,
        target: PrefetchTarget,
        on_progress: impl Fn() + Send + 'static,
    ) -> Result<PrefetchJob, String> {
        let progress = Arc::new(Mutex::new(PrefetchProgress::default()));
        let result = Arc::new(Mutex::new(None));
        let cancel = Arc::new(AtomicBool::new(false));
        let (p, r, c, t) = (
            Arc::clone(&progress),
            Arc::clone(&result),
            Arc::clone(&cancel),
            target.clone(),
        );
        std::thread::Builder::new()
            .name("steppe-prefetch".into())
            .spawn(move || {
                let out = prefetch_blocking(
                    &source,
                    &bbox,
                    zooms,
                    &t,
                    &PrefetchOptions::default(),
                    |now| {
                        if let Ok(mut g) = p.lock() {
                            *g = *now;
                        }
                        on_progress();
                    },
                    &c,
                );
                if let Ok(mut g) = r.lock() {
                    *g = Some(out.map_err(|e| e.to_string()));
                }
                on_progress();
            })
            .map_err(|e| e.to_string())?;
        Ok(PrefetchJob {
            progress,
            result,
            cancel,
            target,
        })
    }

    /// Counts so far.
    pub fn progress(&self) -> PrefetchProgress {
        self.progress.lock().map(|g| *g).unwrap_or_default()
    }

    /// The outcome, once finished.
    pub fn result(&self) -> Option<Result<PrefetchReport, String>> {
        self.result.lock().ok().and_then(|g| g.clone())
    }

    /// Asks the download to stop (tiles written so far stay).
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// The "prepare offline map" form and its job.
#[derive(Debug)]
pub struct PrefetchPanel {
    /// Lowest zoom.
    pub zoom_min: u8,
    /// Highest zoom.
    pub zoom_max: u8,
    /// Target folder (XYZ) or `.mbtiles` file.
    pub target: String,
    /// The running or finished job.
    pub job: Option<PrefetchJob>,
    /// Why the last start was refused.
    pub refused: Option<String>,
}

impl Default for PrefetchPanel {
    fn default() -> Self {
        let target = crate::ui::settings::config_dir()
            .map(|d| d.join("offline-tiles").display().to_string())
            .unwrap_or_default();
        Self {
            zoom_min: 12,
            zoom_max: 18,
            target,
            job: None,
            refused: None,
        }
    }
}

/// The bounding box of `points`, grown by `margin_m` on every side.
pub fn area_bbox(points: &[LatLon], margin_m: f64) -> Option<BBox> {
    let first = points.first()?;
    let (mut s, mut w, mut n, mut e) = (first.lat_deg, first.lon_deg, first.lat_deg, first.lon_deg);
    for p in points {
        s = s.min(p.lat_deg);
        n = n.max(p.lat_deg);
        w = w.min(p.lon_deg);
        e = e.max(p.lon_deg);
    }
    let sw = LatLon::new(s, w)
        .destination(180.0, margin_m)
        .destination(270.0, margin_m);
    let ne = LatLon::new(n, e)
        .destination(0.0, margin_m)
        .destination(90.0, margin_m);
    BBox::new(sw.lat_deg, sw.lon_deg, ne.lat_deg, ne.lon_deg).ok()
}

/// Draws the form. `source` is the online source shown now (if any), `area` the plan's field.
/// Returns a path to switch the map to when the user asks to use the finished tile set.
pub fn prefetch_ui(
    ui: &mut Ui,
    st: &mut PrefetchPanel,
    source: Option<TileSource>,
    area: &[LatLon],
    repaint: egui::Context,
) -> Option<PathBuf> {
    let mut use_it = None;
    let bbox = area_bbox(area, 300.0);
    ui.horizontal(|ui| {
        let l = ui.label(tr("Zoom"));
        ui.add(DragValue::new(&mut st.zoom_min).range(0..=st.zoom_max))
            .labelled_by(l.id);
        ui.label("–");
        ui.add(DragValue::new(&mut st.zoom_max).range(st.zoom_min..=20))
            .labelled_by(l.id);
    });
    ui.horizontal(|ui| {
        crate::ui::widgets::labelled_text(ui, tr("Save to (folder or .mbtiles)"), &mut st.target);
    });
    let count = bbox
        .as_ref()
        .map(|b| count_tiles(b, st.zoom_min..=st.zoom_max));
    match (&bbox, count) {
        (Some(_), Some(n)) => ui.label(trf(
            "{n} tiles for the plan area and 300 m around it",
            &[("n", n.to_string())],
        )),
        _ => ui.label(RichText::new(tr("Draw or import a field in the Plan view first")).weak()),
    };
    let running = st.job.as_ref().is_some_and(|j| j.result().is_none());
    ui.horizontal(|ui| {
        let can = !running && bbox.is_some() && !st.target.trim().is_empty();
        if ui
            .add_enabled(can, egui::Button::new(tr("Prepare offline map")))
            .clicked()
            && let Some(b) = bbox
        {
            st.refused = None;
            match source.clone() {
                None => st.refused = Some(tr("Choose an online map source first").to_owned()),
                Some(src) => {
                    let path = PathBuf::from(st.target.trim());
                    let target = if path
                        .extension()
                        .is_some_and(|e| e.eq_ignore_ascii_case("mbtiles"))
                    {
                        PrefetchTarget::MbTiles(path)
                    } else {
                        PrefetchTarget::Xyz(path)
                    };
                    let ctx = repaint.clone();
                    match PrefetchJob::start(src, b, st.zoom_min..=st.zoom_max, target, move || {
                        ctx.request_repaint()
                    }) {
                        Ok(j) => st.job = Some(j),
                        Err(e) => st.refused = Some(e),
                    }
                }
            }
        }
        if running
            && ui.button(tr("Cancel")).clicked()
            && let Some(j) = &st.job
        {
            j.cancel();
        }
    });
    if let Some(r) = &st.refused {
        ui.label(RichText::new(r).color(egui::Color32::from_rgb(200, 0, 0)));
    }
    if let Some(j) = &st.job {
        let p = j.progress();
        match j.result() {
            None => {
                let frac = if p.total > 0 {
                    p.done as f32 / p.total as f32
                } else {
                    0.0
                };
                ui.add(ProgressBar::new(frac).text(format!(
                    "{}/{} · {:.1} MB",
                    p.done,
                    p.total,
                    p.bytes as f64 / 1e6
                )));
            }
            Some(Ok(rep)) => {
                let c = rep.counts;
                let what = if rep.cancelled {
                    tr("Cancelled")
                } else {
                    tr("Done")
                };
                ui.label(trf("{what}: {new} downloaded, {had} already there, {missing} missing, {failed} failed", &[
                    ("what", what.to_owned()),
                    ("new", c.downloaded.to_string()),
                    ("had", c.skipped.to_string()),
                    ("missing", c.missing.to_string()),
                    ("failed", c.failed.to_string()),
                ]));
                if ui.button(tr("Use this offline map")).clicked() {
                    use_it = Some(j.target.path().clone());
                }
            }
            Some(Err(e)) => {
                ui.label(RichText::new(e).color(egui::Color32::from_rgb(200, 0, 0)));
            }
        }
    }
    use_it
}
