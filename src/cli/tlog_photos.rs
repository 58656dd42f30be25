//! `steppe tlog export --layer triggers|geotags|footprints`: the photo layers (see
//! [`crate::log::export_triggers`]).

use super::tlog::{ExportArgs, FormatArg, LayerArg};
use crate::log::export_triggers::{
    FootprintOptions, PhotoFormat, PhotoLayer, export_photos, source_name,
};
use crate::log::triggers::{TriggerFilter, TriggerLog, photos};
use crate::plan::camera::{Orientation, lookup_camera};
use anyhow::{Context, Result};
use std::process::ExitCode;

/// Writes a photo layer of the log `data` as `a` asks.
pub(super) fn export(a: &ExportArgs, data: &[u8]) -> Result<ExitCode> {
    if a.every.is_some() {
        anyhow::bail!("--every thins the track layer only; photo layers keep every photo");
    }
    let layer = match a.layer {
        LayerArg::Triggers => PhotoLayer::Triggers,
        LayerArg::Geotags => PhotoLayer::Geotags,
        LayerArg::Footprints => PhotoLayer::Footprints,
        LayerArg::Track => anyhow::bail!("the track layer is not a photo layer"),
    };
    if layer != PhotoLayer::Footprints && (a.camera.is_some() || a.portrait || a.gimbal) {
        anyhow::bail!("--camera, --portrait and --gimbal are for --layer footprints");
    }
    let format = match a.format {
        FormatArg::Kml => PhotoFormat::Kml,
        FormatArg::Kmz => PhotoFormat::Kmz,
        FormatArg::Gpx => PhotoFormat::Gpx,
        FormatArg::Geojson => PhotoFormat::GeoJson,
        FormatArg::Csv => PhotoFormat::Csv,
        FormatArg::Txt => PhotoFormat::GeoTxt,
    };
    let fp = match &a.camera {
        Some(name) => {
            let cams = a.cameras.load()?;
            let camera = lookup_camera(&cams, name)?.clone();
            Some(FootprintOptions {
                camera,
                orientation: if a.portrait {
                    Orientation::Portrait
                } else {
                    Orientation::Landscape
                },
                gimbal: a.gimbal,
            })
        }
        None => None,
    };
    let filter = TriggerFilter {
        sysid: a.sysid,
        from_s: a.from,
        to_s: a.to,
    };
    let log = photos(data, &filter);
    let out = export_photos(&log, layer, format, fp.as_ref())
        .with_context(|| format!("{}", a.file.display()))?;
    super::mission::write_atomically_bytes(&a.output, &out.bytes)?;
    print_summary(&log);
    for s in &out.skipped {
        println!("left out {s}");
    }
    println!("wrote {} photos to {}", out.written, a.output.display());
    Ok(ExitCode::SUCCESS)
}

/// Photos per vehicle and by source, and what was merged or dropped.
pub(super) fn print_summary(log: &TriggerLog) {
    for v in &log.vehicles {
        let mut by_source: Vec<(&str, usize)> = Vec::new();
        for p in &v.photos {
            let name = source_name(p.source);
            match by_source.iter_mut().find(|(n, _)| *n == name) {
                Some((_, c)) => *c += 1,
                None => by_source.push((name, 1)),
            }
        }
        by_source.sort();
        let parts: Vec<String> = by_source.iter().map(|(n, c)| format!("{c} {n}")).collect();
        println!(
            "vehicle {}: {} photos ({})",
            v.sysid,
            v.photos.len(),
            parts.join(", ")
        );
    }
    let s = &log.stats;
    if s.triggers_paired_with_feedback > 0 {
        println!(
            "{} CAMERA_TRIGGER merged with the CAMERA_FEEDBACK of the same photo",
            s.triggers_paired_with_feedback
        );
    }
    if s.captured_repeats > 0 || s.captured_failed > 0 {
        println!(
            "CAMERA_IMAGE_CAPTURED dropped: {} repeats, {} failed captures",
            s.captured_repeats, s.captured_failed
        );
    }
}
