//! `steppe tlog coverage FILE --plan PLAN`: do the photos of a flight cover the planned area?
//! Percent covered, percent at the required and at the planned views, gap polygons
//! (GeoJSON) and a mission that re-flies the gaps (see [`crate::log::coverage`]).

use super::tlog_coverage_input::{Planned, planned};
use crate::geo::LatLon;
use crate::log::coverage::{Coverage, CoverageParams, default_min_views, measure, planned_views};
use crate::log::coverage_refly::{refly_areas, refly_survey};
use crate::log::footprint::footprint;
use crate::log::triggers::{TriggerFilter, photos};
use crate::plan::camera::{AltOrGsd, Capture};
use crate::plan::survey::{SurveyParams, survey_stats};
use crate::plan::survey_doc::{DocOptions, survey_document};
use anyhow::{Context, Result, bail};
use clap::Args;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

fn pct(s: &str) -> Result<f64, String> {
    super::common::ranged(s, 0.0, 99.0, "an overlap percentage (0 to 99)")
}

/// Arguments of `steppe tlog coverage`.
#[derive(Debug, Args)]
pub struct CoverageArgs {
    /// The .tlog file(s): the photos of every file count (a flight and its re-fly).
    #[arg(required = true, num_args = 1..)]
    pub(super) files: Vec<PathBuf>,
    /// The planned area: a .plan with a Survey item (its polygon, camera, overlaps, heading
    /// and altitude; the fence's exclusion polygons as holes) or a boundary file (KML, KMZ,
    /// GeoJSON, a .plan fence).
    #[arg(long, value_name = "PLAN")]
    pub(super) plan: PathBuf,
    /// Which polygon of a boundary file (1-based) when it holds several.
    #[arg(long, value_name = "N")]
    pub(super) polygon: Option<usize>,
    /// Camera that took the photos (default: the .plan's survey camera).
    #[arg(long, value_name = "NAME")]
    pub(super) camera: Option<String>,
    #[command(flatten)]
    pub(super) cameras: super::camera::CameraFileArg,
    /// The image's long side lies along the fuselage (default: the .plan's, else landscape).
    #[arg(long)]
    pub(super) portrait: bool,
    /// A gimbal keeps the camera level (the vehicle's roll and pitch are ignored).
    #[arg(long)]
    pub(super) gimbal: bool,
    /// Only the photos of this vehicle (default: every vehicle's photos count).
    #[arg(long)]
    pub(super) sysid: Option<u8>,
    /// Planned front overlap (%), default the .plan's.
    #[arg(long, value_name = "PCT", value_parser = pct)]
    pub(super) overlap_front: Option<f64>,
    /// Planned side overlap (%), default the .plan's.
    #[arg(long, value_name = "PCT", value_parser = pct)]
    pub(super) overlap_side: Option<f64>,
    /// Views a point needs not to count as a gap (default 3, or the planned views if fewer).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub(super) min_views: Option<u32>,
    /// Grid cell size (m); default a tenth of the footprint's short side.
    #[arg(long, value_name = "M", value_parser = |s: &str| super::common::ranged(s, 0.01, 1000.0, "a cell size in metres"))]
    pub(super) cell: Option<f64>,
    /// Smallest gap reported (m²); default 5 % of a footprint.
    #[arg(long, value_name = "M2", value_parser = |s: &str| super::common::ranged(s, 0.0, 1e9, "an area in square metres"))]
    pub(super) min_gap: Option<f64>,
    /// Write the gap polygons as GeoJSON.
    #[arg(long, value_name = "OUT.geojson")]
    pub(super) gaps: Option<PathBuf>,
    /// Write a mission that re-flies the gaps (.plan or .waypoints).
    #[arg(long, value_name = "OUT.plan")]
    pub(super) refly: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub(super) json: bool,
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    v.retain(|x| x.is_finite());
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied()
}

/// Runs `steppe tlog coverage`.
pub fn run(a: &CoverageArgs) -> Result<ExitCode> {
    if let Some(r) = &a.refly
        && !matches!(
            super::plan::ext_of(r).as_str(),
            "plan" | "waypoints" | "txt"
        )
    {
        bail!(
            "{}: the re-fly mission must be a .plan or .waypoints/.txt file",
            r.display()
        );
    }
    let p = planned(a)?;
    if a.refly.is_some() && p.overlaps_pct.is_none() {
        bail!(
            "--refly needs the planned overlaps to space the new transects: give --overlap-front PCT --overlap-side PCT"
        );
    }
    let mut footprints = Vec::new();
    let mut skipped = Vec::new();
    let (mut heights, mut yaws) = (Vec::new(), Vec::new());
    let mut counts = Vec::new();
    for file in &a.files {
        let data =
            std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        let log = photos(
            &data,
            &TriggerFilter {
                sysid: a.sysid,
                ..TriggerFilter::default()
            },
        );
        if log.is_empty() {
            bail!(
                "{}: no photo{} (no CAMERA_FEEDBACK, CAMERA_TRIGGER or CAMERA_IMAGE_CAPTURED)",
                file.display(),
                a.sysid
                    .map_or(String::new(), |s| format!(" of vehicle {s}"))
            );
        }
        counts.push((file.display().to_string(), log.len()));
        for ph in log.photos() {
            let (Some(ll), Some(h), Some([roll, pitch, yaw])) =
                (ph.lat_lon, ph.alt_rel_m, ph.attitude_deg)
            else {
                skipped.push(format!(
                    "{} {}: no position, height or attitude",
                    file.display(),
                    ph.name
                ));
                continue;
            };
            let att = if a.gimbal {
                [0.0, 0.0, yaw]
            } else {
                [roll, pitch, yaw]
            };
            match footprint(&p.camera, p.orientation, ll, h, att) {
                Ok(f) => {
                    footprints.push(f.corners.to_vec());
                    heights.push(h);
                    yaws.push(yaw);
                }
                Err(e) => skipped.push(format!("{} {}: {e}", file.display(), ph.name)),
            }
        }
    }
    let total_photos: usize = counts.iter().map(|c| c.1).sum();
    if footprints.is_empty() {
        bail!(
            "none of the {total_photos} photos has a footprint; the first: {}",
            skipped.first().cloned().unwrap_or_default()
        );
    }
    // Without a planned heading, the grid follows the photos' median heading (mod 180°).
    let angle_deg = p
        .angle_deg
        .or_else(|| median(yaws.iter().map(|y| y.rem_euclid(180.0)).collect()))
        .unwrap_or(0.0);
    let planned_n = p.overlaps_pct.map(|(f, s)| planned_views(f, s));
    let min_views = match (a.min_views, planned_n) {
        (Some(n), _) => n,
        (None, Some(n)) => default_min_views(n),
        (None, None) => bail!(
            "the planned overlaps are unknown ({} has none): give --overlap-front PCT --overlap-side PCT, or the views a point needs with --min-views N",
            a.plan.display()
        ),
    };
    let params = CoverageParams {
        min_views,
        planned_views: planned_n.unwrap_or(min_views),
        grid_angle_deg: angle_deg,
        cell_m: a.cell,
        min_gap_m2: a.min_gap,
    };
    let cov =
        measure(&p.area, &footprints, &params).with_context(|| a.plan.display().to_string())?;
    let alt_m = p.alt_m.or_else(|| median(heights)).unwrap_or(0.0);
    let mut out = String::new();
    for (name, n) in &counts {
        let _ = writeln!(out, "{name}: {n} photos");
    }
    let _ = writeln!(
        out,
        "{} footprints ({} photos left out)",
        footprints.len(),
        skipped.len()
    );
    for s in skipped.iter().take(3) {
        let _ = writeln!(out, "  left out {s}");
    }
    let fp_along = p.camera.ground(alt_m, p.orientation);
    let _ = writeln!(
        out,
        "camera {} (from {}), footprint {:.1} × {:.1} m at {alt_m:.0} m",
        p.camera.name, p.camera_from, fp_along.footprint_across_m, fp_along.footprint_along_m
    );
    print_report(&mut out, &cov, &p, angle_deg);
    if let Some(path) = &a.gaps {
        super::mission::write_atomically(path, &gaps_geojson(&cov))?;
        let _ = writeln!(out, "wrote {}", path.display());
    }
    let mut refly_json = serde_json::Value::Null;
    if let Some(path) = &a.refly {
        refly_json = write_refly(&mut out, &cov, &p, alt_m, angle_deg, path)?;
    }
    if a.json {
        println!("{}", report_json(&cov, &p, angle_deg, refly_json));
    } else {
        print!("{out}");
    }
    Ok(ExitCode::SUCCESS)
}

fn print_report(out: &mut String, cov: &Coverage, p: &Planned, angle_deg: f64) {
    let _ = writeln!(
        out,
        "area {:.2} ha in {:.2} m cells along {angle_deg:.1}°",
        cov.area_m2 / 10_000.0,
        cov.grid.cell_m()
    );
    let _ = writeln!(out, "covered (1+ views): {:.2} %", cov.covered_pct);
    if cov.covered_pct == 0.0 {
        let _ = writeln!(
            out,
            "warning: no photo lies over the planned area: is it the plan of this flight?"
        );
    }
    let _ = writeln!(
        out,
        "at the required {} views: {:.2} %",
        cov.min_views, cov.required_pct
    );
    if let Some((f, s)) = p.overlaps_pct {
        let _ = writeln!(
            out,
            "at the planned overlap {f:.0}/{s:.0} % ({}+ views; the field's edges get fewer by design): {:.2} %",
            cov.planned_views, cov.planned_pct
        );
    }
    if cov.gaps.is_empty() {
        let _ = writeln!(out, "gaps: none");
    } else {
        let total: f64 = cov.gaps.iter().map(|g| g.area_m2).sum();
        let _ = writeln!(
            out,
            "gaps: {} ({total:.0} m², fewer than {} views)",
            cov.gaps.len(),
            cov.min_views
        );
        for (i, g) in cov.gaps.iter().enumerate().take(10) {
            let _ = writeln!(
                out,
                "  gap {}: {:.0} m² ({:.0} m² seen by no photo, fewest views {}) around {:.6}, {:.6}",
                i + 1,
                g.area_m2,
                g.unseen_m2,
                g.fewest_views,
                g.center.lat_deg,
                g.center.lon_deg
            );
        }
    }
    if cov.small_gaps.0 > 0 {
        let _ = writeln!(
            out,
            "left out: {} under-covered spots smaller than {:.1} m² ({:.1} m² in all)",
            cov.small_gaps.0, cov.min_gap_m2, cov.small_gaps.1
        );
    }
}

fn ring_json(r: &[LatLon], reverse: bool) -> Vec<[f64; 2]> {
    let mut v: Vec<[f64; 2]> = r.iter().map(|p| [p.lon_deg, p.lat_deg]).collect();
    if reverse {
        v.reverse();
    }
    if let Some(&first) = v.first() {
        v.push(first);
    }
    v
}

/// The gaps as a GeoJSON FeatureCollection (RFC 7946: outer rings counter-clockwise, holes
/// clockwise).
fn gaps_geojson(cov: &Coverage) -> String {
    let features: Vec<serde_json::Value> = cov
        .gaps
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let mut rings = vec![ring_json(&g.outer, false)];
            rings.extend(g.holes.iter().map(|h| ring_json(h, false)));
            serde_json::json!({
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": rings},
                "properties": {
                    "gap": i + 1,
                    "area_m2": (g.area_m2 * 10.0).round() / 10.0,
                    "unseen_m2": (g.unseen_m2 * 10.0).round() / 10.0,
                    "fewest_views": g.fewest_views,
                    "required_views": cov.min_views,
                },
            })
        })
        .collect();
    serde_json::json!({"type": "FeatureCollection", "features": features}).to_string()
}

fn write_refly(
    out: &mut String,
    cov: &Coverage,
    p: &Planned,
    alt_m: f64,
    angle_deg: f64,
    path: &std::path::Path,
) -> Result<serde_json::Value> {
    if cov.gaps.is_empty() {
        let _ = writeln!(out, "nothing to re-fly: {} not written", path.display());
        return Ok(serde_json::json!({"written": false}));
    }
    let Some((front, side)) = p.overlaps_pct else {
        bail!(
            "--refly needs the planned overlaps to space the new transects: give --overlap-front PCT --overlap-side PCT"
        );
    };
    let capture = Capture::Camera {
        camera: p.camera.clone(),
        orientation: p.orientation,
        target: AltOrGsd::AltM(alt_m),
        front_overlap_pct: front,
        side_overlap_pct: side,
    };
    let speed = p.speed_mps.unwrap_or(10.0);
    let geometry = capture.resolve(speed)?;
    let ground = p.camera.ground(alt_m, p.orientation);
    let zones = p.area.holes.clone();
    let areas = refly_areas(
        cov,
        &zones,
        ground.footprint_along_m / 2.0,
        ground.footprint_across_m / 2.0,
    )?;
    let home = p
        .home
        .or_else(|| areas.first().and_then(|a| a.outer.first().copied()))
        .unwrap_or_default();
    let params = SurveyParams {
        alt_m: geometry.alt_m,
        line_spacing_m: geometry.line_spacing_m,
        trigger_distance_m: geometry.trigger_distance_m,
        speed_mps: speed,
        turnaround_m: p.turnaround_m.unwrap_or(10.0),
        vehicle: p.vehicle,
        firmware: p.firmware,
        ..SurveyParams::default()
    };
    let Some(survey) = refly_survey(&p.area, &areas, &params, angle_deg, home)? else {
        bail!("the gaps gave no transect to re-fly");
    };
    let doc = survey_document(
        &p.area,
        &survey,
        &capture,
        &geometry,
        DocOptions {
            fence_holes: true,
            survey_item: false,
        },
    );
    let st = survey_stats(&survey, &p.area);
    for w in super::plan::write_doc(path, &doc)? {
        let _ = writeln!(out, "wrote {}", w.display());
    }
    let _ = writeln!(
        out,
        "re-fly: {} gap area(s) grown by half a footprint, {} transects, {} photos, {:.2} km, flight {}",
        areas.len(),
        st.transects,
        st.photos,
        st.distance_m / 1000.0,
        super::plan::minutes(st.flight_time_s)
    );
    Ok(serde_json::json!({
        "written": true,
        "areas": areas.len(),
        "transects": st.transects,
        "photos": st.photos,
        "distance_m": st.distance_m.round(),
        "flight_time_s": st.flight_time_s.round(),
    }))
}

fn report_json(
    cov: &Coverage,
    p: &Planned,
    angle_deg: f64,
    refly: serde_json::Value,
) -> serde_json::Value {
    let r2 = |v: f64| (v * 100.0).round() / 100.0;
    serde_json::json!({
        "photos": cov.photos,
        "camera": p.camera.name,
        "area_m2": cov.area_m2.round(),
        "cell_m": (cov.grid.cell_m() * 1000.0).round() / 1000.0,
        "grid_angle_deg": r2(angle_deg),
        "covered_pct": r2(cov.covered_pct),
        "required_views": cov.min_views,
        "required_pct": r2(cov.required_pct),
        "planned_views": cov.planned_views,
        "planned_pct": r2(cov.planned_pct),
        "overlaps_pct": p.overlaps_pct.map(|(f, s)| [f, s]),
        "min_gap_m2": r2(cov.min_gap_m2),
        "gaps": cov.gaps.iter().map(|g| serde_json::json!({
            "area_m2": r2(g.area_m2),
            "unseen_m2": r2(g.unseen_m2),
            "fewest_views": g.fewest_views,
            "center": [g.center.lon_deg, g.center.lat_deg],
        })).collect::<Vec<_>>(),
        "small_gaps": cov.small_gaps.0,
        "complete": cov.gaps.is_empty(),
        "refly": refly,
    })
}
