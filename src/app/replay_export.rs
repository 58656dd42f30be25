//! Writing a mapping layer of the replayed log (the export form of the replay panel), with
//! the same library calls as `steppe tlog export`.

use super::core::AppCore;
use crate::log::export::{TrackFormat, export};
use crate::log::export_triggers::{FootprintOptions, PhotoFormat, PhotoLayer, export_photos};
use crate::log::track::{TrackFilter, tracks};
use crate::log::triggers::{TriggerFilter, photos};
use crate::ui::i18n::trf;
use crate::ui::model::severity;
use crate::ui::replay_export::{ExportFormat, ExportLayer};
use std::path::Path;

/// The bytes of `layer` as `format` from a log, and how many points or photos they hold.
fn layer_bytes(
    data: &[u8],
    layer: ExportLayer,
    format: ExportFormat,
    camera: Option<crate::plan::camera::Camera>,
) -> Result<(Vec<u8>, usize), String> {
    if layer == ExportLayer::Track {
        let t = tracks(data, &TrackFilter::default());
        let f = match format {
            ExportFormat::Kml => TrackFormat::Kml,
            ExportFormat::Kmz => TrackFormat::Kmz,
            ExportFormat::Gpx => TrackFormat::Gpx,
            ExportFormat::GeoJson => TrackFormat::GeoJson,
            ExportFormat::Csv => TrackFormat::Csv,
            ExportFormat::GeoTxt => return Err("a track has no geo.txt form".into()),
        };
        let n = t.iter().map(|v| v.points.len()).sum();
        return export(&t, f).map(|b| (b, n)).map_err(|e| e.to_string());
    }
    let photo_layer = match layer {
        ExportLayer::Geotags => PhotoLayer::Geotags,
        ExportLayer::Footprints => PhotoLayer::Footprints,
        _ => PhotoLayer::Triggers,
    };
    let photo_format = match format {
        ExportFormat::Kml => PhotoFormat::Kml,
        ExportFormat::Kmz => PhotoFormat::Kmz,
        ExportFormat::Gpx => PhotoFormat::Gpx,
        ExportFormat::GeoJson => PhotoFormat::GeoJson,
        ExportFormat::Csv => PhotoFormat::Csv,
        ExportFormat::GeoTxt => PhotoFormat::GeoTxt,
    };
    let fp = camera.map(|camera| FootprintOptions {
        camera,
        orientation: Default::default(),
        gimbal: false,
    });
    let log = photos(data, &TriggerFilter::default());
    export_photos(&log, photo_layer, photo_format, fp.as_ref())
        .map(|out| (out.bytes, out.written))
        .map_err(|e| e.to_string())
}

impl AppCore {
    /// Writes a mapping layer of the replayed log to `path` (atomically) and says how it went
    /// in the messages.
    pub(super) fn export_replay(&mut self, layer: ExportLayer, format: ExportFormat, path: &Path) {
        let Some(s) = self.replay.as_ref() else {
            return;
        };
        let camera = (layer == ExportLayer::Footprints)
            .then(|| {
                let name = &self.model.plan.settings.camera;
                self.model
                    .plan
                    .cameras()
                    .into_iter()
                    .find(|c| &c.name == name)
            })
            .flatten();
        let result = layer_bytes(s.data(), layer, format, camera).and_then(|(bytes, n)| {
            crate::cli::mission::write_atomically_bytes(path, &bytes)
                .map(|()| n)
                .map_err(|e| format!("{e:#}"))
        });
        let m = &mut self.model;
        match result {
            Ok(n) => m.push_log(
                None,
                severity::INFO,
                trf(
                    "Exported {n} to {path}",
                    &[("n", n.to_string()), ("path", path.display().to_string())],
                ),
            ),
            Err(e) => m.push_log(
                None,
                severity::ERROR,
                trf(
                    "Export to {path} failed: {e}",
                    &[("path", path.display().to_string()), ("e", e)],
                ),
            ),
        }
    }
}
