//! Running `steppe plan survey`: generate, resume, split, follow the terrain, validate — and
//! only when every part is good, write them all.

use super::{SplitForArg, SurveyArgs, VehicleArg};
use crate::cli::plan::{format_findings, minutes, sibling, write_doc};
use crate::plan::resume::{ResumeFrom, resume_survey, resume_transect};
use crate::plan::split::{SplitError, SplitFor, SplitParams, conflicts, separate_transits, split};
use crate::plan::survey::{
    Survey, TerrainParams, TerrainReport, follow_terrain, generate, survey_stats,
};
use crate::plan::survey_doc::{DocOptions, survey_document};
use crate::plan::terrain::Dem;
use crate::plan::validate::{Finding, Severity, validate};
use anyhow::{Result, bail};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

fn terrain(s: Survey, dem: Option<&Dem>, tol: f64) -> Result<(Survey, Option<TerrainReport>)> {
    match dem {
        None => Ok((s, None)),
        Some(d) => {
            let (t, r) = follow_terrain(
                &s,
                d,
                &TerrainParams {
                    tolerance_m: tol,
                    ..TerrainParams::default()
                },
            )?;
            Ok((t, Some(r)))
        }
    }
}

/// Runs `steppe plan survey`.
pub fn run(a: SurveyArgs) -> Result<ExitCode> {
    if !matches!(
        crate::cli::plan::ext_of(&a.output).as_str(),
        "plan" | "waypoints" | "txt"
    ) {
        bail!(
            "{}: the output must be a .plan or .waypoints/.txt file",
            a.output.display()
        );
    }
    if a.amsl && a.home_alt.is_none() && a.checks.terrain.is_none() {
        bail!("--amsl needs the home altitude: give --home-alt M or --terrain DIR");
    }
    if a.hover && a.vehicle == VehicleArg::Plane {
        bail!("--hover is for multirotors: a plane cannot stop at each photo");
    }
    // The report is printed after the files are written, so a closed pipe (`| head`) never
    // loses them.
    let mut out = String::new();
    macro_rules! say {
        ($($t:tt)*) => {{
            let _ = writeln!(out, $($t)*);
        }};
    }
    let area = a.area()?;
    let capture = a.capture()?;
    let speed = a.speed.unwrap_or(if a.vehicle == VehicleArg::Plane {
        16.0
    } else {
        10.0
    });
    let geometry = capture.resolve(speed)?;
    let params = a.params(&geometry, speed);
    let dem = a.checks.dem()?;
    let whole = generate(&area, &params)?;
    let tol = a.terrain_tolerance;
    let whole = match a.resume_from {
        // An item number counts in the mission as written, terrain waypoints included.
        Some(ResumeFrom::Item(n)) if dem.is_some() => {
            let (followed, _) = terrain(whole.clone(), dem.as_ref(), tol)?;
            let k = resume_transect(&followed, ResumeFrom::Item(n))?;
            resume_survey(&area, &whole, ResumeFrom::Transect(k + 1))?
        }
        Some(r) => resume_survey(&area, &whole, r)?,
        None => whole,
    };
    say!(
        "area {:.2} ha ({} vertices, {} exclusion zone(s)), heading {:.1}°",
        area.area_m2() / 10_000.0,
        area.outer.len(),
        area.holes.len(),
        whole.angle_deg
    );
    match (
        geometry.gsd_cm,
        geometry.gsd_across_cm,
        geometry.gsd_along_cm,
    ) {
        (Some(g), Some(x), Some(y)) => say!(
            "camera {}: GSD {g:.2} cm/px (across {x:.2}, along {y:.2}), footprint {:.1} × {:.1} m",
            capture.camera().map_or("", |c| c.name.as_str()),
            geometry.footprint_across_m.unwrap_or(0.0),
            geometry.footprint_along_m.unwrap_or(0.0)
        ),
        _ => say!("manual capture (no camera): GSD unknown"),
    }
    say!(
        "altitude {:.1} m, line spacing {:.1} m, trigger every {:.1} m, a photo every {:.2} s at {speed:.1} m/s",
        geometry.alt_m,
        geometry.line_spacing_m,
        geometry.trigger_distance_m,
        geometry.photo_interval_s
    );
    if let Some(w) = geometry.interval_warning {
        say!("warning: {w}");
    }
    let aircraft = a.split.is_some() && a.split_for == SplitForArg::Aircraft;
    let parts: Vec<(PathBuf, Survey)> = match a.split {
        None => vec![(a.output.clone(), whole)],
        Some(k) => {
            let sp = SplitParams {
                parts: usize::from(k),
                endurance_min: a.checks.endurance.unwrap_or(0.0),
                reserve_pct: a.checks.reserve,
                split_for: if aircraft {
                    SplitFor::Aircraft
                } else {
                    SplitFor::Batteries
                },
            };
            match split(&area, &whole, &sp) {
                Ok(parts) => {
                    if parts.len() < usize::from(k) {
                        say!(
                            "note: {} part(s), not {k}: the survey has only {} transect(s)",
                            parts.len(),
                            whole.transects.len()
                        );
                    }
                    parts
                        .into_iter()
                        .enumerate()
                        .map(|(i, p)| (sibling(&a.output, &format!("-{}", i + 1)), p.survey))
                        .collect()
                }
                Err(e @ SplitError::DoesNotFit { .. }) => {
                    eprintln!("error: {e}");
                    return Ok(ExitCode::from(2));
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    // Terrain following per part, then the aircraft's transits apart again (each part's
    // transit was raised for its own ground).
    let mut paths = Vec::new();
    let mut surveys = Vec::new();
    let mut reports = Vec::new();
    for (path, s) in parts {
        let (s, r) = terrain(s, dem.as_ref(), tol)?;
        paths.push(path);
        surveys.push(s);
        reports.push(r);
    }
    if aircraft {
        separate_transits(&mut surveys);
        let crossings = conflicts(&surveys);
        for c in crossings.iter().take(3) {
            say!(
                "warning: parts {} and {} cross at {:.6}, {:.6} at {:.0} m and {:.0} m: fly them at different times or change --transit-alt",
                c.part_a + 1,
                c.part_b + 1,
                c.at.lat_deg,
                c.at.lon_deg,
                c.alts_m.0,
                c.alts_m.1
            );
        }
        if crossings.len() > 3 {
            say!(
                "warning: {} more crossings at the same altitude",
                crossings.len() - 3
            );
        }
    }
    // Everything is checked before anything is written: a failing part leaves no others.
    let min_interval = capture.camera().and_then(|c| c.min_trigger_interval_s);
    let mut limits = a.checks.limits(min_interval);
    // The endurance is checked against the survey's own time model (turns, stops).
    let endurance = limits.endurance_min.take();
    let opts = DocOptions {
        fence_holes: !a.no_fence,
        survey_item: a.split.is_none() && a.resume_from.is_none(),
    };
    let mut outputs = Vec::new();
    for (s, path) in surveys.iter().zip(&paths) {
        if s.blocked > 0 {
            bail!(
                "{}: {} leg(s) cannot reach the next transect without crossing an exclusion zone (part of the field, or home, is enclosed by zones); move --home or survey that part separately",
                path.display(),
                s.blocked
            );
        }
        let st = survey_stats(s, &area);
        let doc = survey_document(&area, s, &capture, &geometry, opts);
        let mut findings = validate(&doc, &limits, dem.as_ref());
        if let Some(end) = endurance {
            let usable = end * 60.0 * (1.0 - limits.reserve_pct / 100.0);
            if st.flight_time_s > usable {
                findings.push(Finding {
                    severity: Severity::Warning,
                    code: "endurance",
                    message: format!(
                        "estimated flight {} exceeds the usable {} ({end} min less {}% reserve); split it with --split",
                        minutes(st.flight_time_s),
                        minutes(usable),
                        limits.reserve_pct
                    ),
                    item: None,
                });
            }
        }
        outputs.push((st, doc, findings));
    }
    let many = outputs.len() > 1;
    let mut errors = false;
    for (((st, doc, findings), (s, path)), report) in
        outputs.iter().zip(surveys.iter().zip(&paths)).zip(&reports)
    {
        if many {
            say!("-- {}", path.display());
        }
        say!(
            "{} transects ({} added for coverage), {} photos, {:.2} km, flight {} with {} turns, {} mission items",
            st.transects,
            st.patches,
            st.photos,
            st.distance_m / 1000.0,
            minutes(st.flight_time_s),
            st.turns,
            doc.mission.len()
        );
        say!(
            "home {:.7}, {:.7}; transit altitude {:.0} m{}",
            s.home.lat_deg,
            s.home.lon_deg,
            s.params.transit_alt_m.unwrap_or(s.params.alt_m),
            if s.detours > 0 {
                format!("; {} leg(s) fly around exclusion zones", s.detours)
            } else {
                String::new()
            }
        );
        if let Some(r) = report {
            say!(
                "terrain: home ground {:.0} m AMSL, height above ground {:.0}–{:.0} m, {} waypoints added{}",
                r.home_ground_amsl_m,
                r.min_agl_m,
                r.max_agl_m,
                r.added_waypoints,
                if r.transit_raised {
                    "; transit altitude raised to clear the ground"
                } else {
                    ""
                }
            );
        }
        out.push_str(&format_findings(findings));
        errors |= findings.iter().any(|f| f.severity == Severity::Error);
    }
    for (doc, path) in outputs.iter().map(|o| &o.1).zip(&paths) {
        for w in write_doc(path, doc)? {
            say!("wrote {}", w.display());
        }
    }
    print!("{out}");
    if errors {
        eprintln!("error: the mission has errors (see above); `steppe mission upload` refuses it");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
