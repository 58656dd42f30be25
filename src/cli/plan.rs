//! `steppe plan survey|info|convert`: survey generation, statistics and validation of any
//! mission file, and conversion between formats. Files are recognised by content; outputs by
//! extension (`.plan`, `.waypoints`/`.txt`, `.geojson`/`.json`, `.kml`).

use super::camera::CameraFileArg;
use super::mission::write_atomically;
use super::plan_survey::{self, SurveyArgs};
use crate::formats::boundary::plan_boundary;
use crate::formats::convert::{fence_to_wpl, mission_to_wpl, rally_to_wpl};
use crate::formats::document::{Input, InputError, read_input as read_input_bytes};
use crate::formats::geojson::write_geojson;
use crate::formats::kml::write_kml;
use crate::formats::plan::write_plan;
use crate::plan::camera::find_camera;
use crate::plan::document::{ComplexKind, FencePolygon, MissionDocument};
use crate::plan::mission_stats::mission_stats;
use crate::plan::terrain::Dem;
use crate::plan::validate::{Finding, Limits, Severity, validate};
use crate::plan::{Area, camera::Capture};
use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `steppe plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(subcommand)]
    op: PlanCmd,
}

#[derive(Debug, Subcommand)]
enum PlanCmd {
    /// Generate a survey mission over a field boundary.
    Survey(Box<SurveyArgs>),
    /// Statistics and validation findings of a mission file (or a boundary's area).
    Info {
        /// .plan, .waypoints/.txt (mission, fence or rally), MAVProxy fence/rally, or a
        /// boundary (KML, KMZ, GeoJSON).
        file: PathBuf,
        #[command(flatten)]
        checks: CheckArgs,
    },
    /// Convert between .plan and .waypoints, or a KML/GeoJSON boundary into a .plan fence (and
    /// a plan's survey polygon or fence into GeoJSON/KML).
    Convert {
        /// Input file (recognised by content).
        input: PathBuf,
        /// Output file (format from its extension).
        output: PathBuf,
    },
}

/// Limits of the validation, shared by `plan survey`, `plan info` and `mission upload`.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Battery endurance (minutes) to check the flight time against.
    #[arg(long, value_name = "MIN", value_parser = |s: &str| super::common::ranged(s, 0.1, 1440.0, "minutes"))]
    pub endurance: Option<f64>,
    /// Endurance reserve (percent).
    #[arg(long, value_name = "PCT", default_value = "20", value_parser = |s: &str| super::common::ranged(s, 0.0, 90.0, "a reserve percentage"))]
    pub reserve: f64,
    /// Highest altitude above home before a warning (m).
    #[arg(long, value_name = "M", default_value = "120", value_parser = |s: &str| super::common::ranged(s, 1.0, 10_000.0, "metres"))]
    pub max_alt: f64,
    /// Farthest waypoint from home before a warning (m).
    #[arg(long, value_name = "M", default_value = "5000", value_parser = |s: &str| super::common::ranged(s, 1.0, 1e6, "metres"))]
    pub max_distance: f64,
    /// Folder of elevation files (SRTM .hgt, GeoTIFF) for the terrain clearance check.
    #[arg(long, value_name = "DIR")]
    pub terrain: Option<PathBuf>,
}

impl CheckArgs {
    /// The validation limits, with the camera's minimum interval when known.
    pub fn limits(&self, camera_min_interval_s: Option<f64>) -> Limits {
        Limits {
            max_alt_m: self.max_alt,
            max_distance_m: self.max_distance,
            endurance_min: self.endurance,
            reserve_pct: self.reserve,
            camera_min_interval_s,
            ..Limits::default()
        }
    }

    /// The elevation model, when a folder was given.
    pub fn dem(&self) -> Result<Option<Dem>> {
        self.terrain
            .as_deref()
            .map(|d| {
                Dem::load_dir(d).with_context(|| format!("elevation model in {}", d.display()))
            })
            .transpose()
    }
}

/// Runs `steppe plan`.
pub fn run(a: PlanArgs) -> Result<ExitCode> {
    match a.op {
        PlanCmd::Survey(s) => plan_survey::run(*s),
        PlanCmd::Info { file, checks } => info(&file, &checks),
        PlanCmd::Convert { input, output } => convert(&input, &output),
    }
}

/// Reads a mission file or a boundary, recognised by content ([`read_input_bytes`]).
pub fn read_input(path: &Path) -> Result<Input> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    input_of(path, &bytes)
}

/// [`read_input`] of a file's bytes already read.
pub fn input_of(path: &Path, bytes: &[u8]) -> Result<Input> {
    let name = path.display().to_string();
    let short = path
        .file_name()
        .map_or_else(|| name.clone(), |n| n.to_string_lossy().into_owned());
    read_input_bytes(bytes, &short).map_err(|e| match e {
        InputError::Boundary(e) => {
            anyhow!(e).context(format!("{name} is not a boundary Steppe can read"))
        }
        InputError::Document(e) => {
            anyhow!(e).context(format!("{name} is not a mission file Steppe can read"))
        }
    })
}

/// Reads a mission document (not a boundary) from a file's bytes.
pub fn doc_of(path: &Path, bytes: &[u8]) -> Result<MissionDocument> {
    match input_of(path, bytes)? {
        Input::Doc(d) => Ok(*d),
        Input::Boundary(_) => bail!(
            "{} is a field boundary, not a mission; make a mission with `steppe plan survey --area {}`",
            path.display(),
            path.display()
        ),
    }
}

/// The lower-case extension of `path` (empty without one).
pub fn ext_of(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// `path` with `suffix` added to its file stem (`field.plan`, `-2` → `field-2.plan`).
pub fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let e = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    path.with_file_name(format!("{stem}{suffix}{e}"))
}

/// Writes `doc` to `path` in the format its extension names. A `.plan` holds everything; QGC
/// WPL holds one list per file, so the fence and rally points go beside it
/// (`NAME-fence.waypoints`, `NAME-rally.waypoints`). Returns the files written.
pub fn write_doc(path: &Path, doc: &MissionDocument) -> Result<Vec<PathBuf>> {
    match ext_of(path).as_str() {
        "plan" => {
            write_atomically(path, &write_plan(doc))?;
            Ok(vec![path.to_owned()])
        }
        "waypoints" | "txt" => {
            let mut lists: Vec<(&str, String)> = Vec::new();
            if !doc.mission.is_empty() || doc.planned_home.is_some() {
                lists.push(("", mission_to_wpl(doc)));
            }
            if !doc.fence.is_empty() {
                lists.push(("-fence", fence_to_wpl(doc)));
            }
            if !doc.rally.is_empty() {
                lists.push(("-rally", rally_to_wpl(doc)));
            }
            let mut written = Vec::new();
            for (k, (suffix, text)) in lists.into_iter().enumerate() {
                let p = if k == 0 {
                    path.to_owned()
                } else {
                    sibling(path, suffix)
                };
                write_atomically(&p, &text)?;
                written.push(p);
            }
            if written.is_empty() {
                bail!("nothing to write: the document has no mission, fence or rally points");
            }
            Ok(written)
        }
        "geojson" | "json" | "kml" => {
            let areas = plan_boundary(doc).map_err(|e| anyhow!("{e}"))?;
            write_areas(path, &areas)?;
            Ok(vec![path.to_owned()])
        }
        other => bail!(
            "{}: unknown output format '.{other}'; use .plan, .waypoints, .txt, .geojson or .kml",
            path.display()
        ),
    }
}

fn write_areas(path: &Path, areas: &[Area]) -> Result<()> {
    let text = match ext_of(path).as_str() {
        "kml" => write_kml(
            areas,
            &path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
        ),
        _ => write_geojson(areas),
    };
    write_atomically(path, &text)
}

fn convert(input: &Path, output: &Path) -> Result<ExitCode> {
    let written = match read_input(input)? {
        Input::Doc(doc) => write_doc(output, &doc)?,
        Input::Boundary(areas) => match ext_of(output).as_str() {
            "geojson" | "json" | "kml" => {
                write_areas(output, &areas)?;
                vec![output.to_owned()]
            }
            _ => {
                // A boundary becomes a fence: the field as an inclusion polygon, its holes as
                // exclusion polygons.
                let mut doc = MissionDocument::default();
                for a in &areas {
                    doc.fence.polygons.push(FencePolygon {
                        points: a.outer.clone(),
                        inclusion: true,
                    });
                    doc.fence
                        .polygons
                        .extend(a.holes.iter().map(|h| FencePolygon {
                            points: h.clone(),
                            inclusion: false,
                        }));
                }
                write_doc(output, &doc)?
            }
        },
    };
    for w in written {
        println!("wrote {}", w.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Item numbers as ranges: "3, 5–9, 12".
fn ranges(items: &[usize]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while let Some(&a) = items.get(i) {
        let mut j = i;
        while let (Some(&x), Some(&y)) = (items.get(j), items.get(j + 1)) {
            if y != x + 1 {
                break;
            }
            j += 1;
        }
        let b = items.get(j).copied().unwrap_or(a);
        out.push(if b > a {
            format!("{a}–{b}")
        } else {
            a.to_string()
        });
        i = j + 1;
    }
    if out.len() > 6 {
        out.truncate(6);
        out.push("…".into());
    }
    out.join(", ")
}

/// Findings as text, errors first, those of one kind about many items on one line.
pub fn format_findings(findings: &[Finding]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    if findings.is_empty() {
        out.push_str("validation: no findings\n");
    }
    let mut groups: Vec<(Severity, &str, Vec<&Finding>)> = Vec::new();
    for f in findings {
        match groups
            .iter_mut()
            .find(|(s, c, _)| *s == f.severity && *c == f.code)
        {
            Some(g) => g.2.push(f),
            None => groups.push((f.severity, f.code, vec![f])),
        }
    }
    for (_, _, g) in groups {
        let items: Vec<usize> = g.iter().filter_map(|f| f.item).collect();
        match g.as_slice() {
            [first, _, _, _, ..] if items.len() == g.len() => {
                let sev = if first.severity == Severity::Error {
                    "error"
                } else {
                    "warning"
                };
                let _ = writeln!(
                    out,
                    "{sev} [{}] items {}: {} (the first of {})",
                    first.code,
                    ranges(&items),
                    first.message,
                    g.len()
                );
            }
            _ => g.iter().for_each(|f| {
                let _ = writeln!(out, "{f}");
            }),
        }
    }
    out
}

/// Prints findings ([`format_findings`]); returns true when there was an error.
pub fn print_findings(findings: &[Finding]) -> bool {
    print!("{}", format_findings(findings));
    findings.iter().any(|f| f.severity == Severity::Error)
}

/// A duration as "12 min 05 s".
pub fn minutes(s: f64) -> String {
    format!(
        "{} min {:02} s",
        (s / 60.0).floor() as u64,
        (s % 60.0).floor() as u64
    )
}

fn info(path: &Path, checks: &CheckArgs) -> Result<ExitCode> {
    let doc = match read_input(path)? {
        Input::Doc(d) => *d,
        Input::Boundary(areas) => {
            println!(
                "{}: field boundary, {} polygon(s)",
                path.display(),
                areas.len()
            );
            for (i, a) in areas.iter().enumerate() {
                println!(
                    "  polygon {}: {} vertices, {} hole(s), {:.2} ha{}",
                    i + 1,
                    a.outer.len(),
                    a.holes.len(),
                    a.area_m2() / 10_000.0,
                    match a.validate() {
                        Ok(()) => String::new(),
                        Err(e) => format!(" — cannot be surveyed: {e}"),
                    }
                );
            }
            return Ok(ExitCode::SUCCESS);
        }
    };
    let st = mission_stats(&doc);
    println!(
        "{}: {:?} mission for {:?}, {} items ({} waypoints), fence: {} polygon(s) {} circle(s), {} rally point(s)",
        path.display(),
        doc.firmware,
        doc.vehicle,
        st.items,
        st.waypoints,
        doc.fence.polygons.len(),
        doc.fence.circles.len(),
        doc.rally.len()
    );
    if let Some(h) = doc.planned_home {
        println!(
            "  home {:.7}, {:.7} at {:.1} m AMSL",
            h.position.lat_deg, h.position.lon_deg, h.alt_amsl_m
        );
    }
    println!(
        "  distance {:.2} km, estimated flight {}, photos ≈ {}, farthest {:.0} m from home{}",
        st.distance_m / 1000.0,
        minutes(st.flight_time_s),
        st.photos,
        st.max_distance_from_home_m,
        st.alt_range_m
            .map(|(lo, hi)| format!(", altitudes {lo:.0}–{hi:.0} m"))
            .unwrap_or_default()
    );
    let mut interval = None;
    // The camera list (built-in and the user's file) is read once, when a survey names one.
    let mut known = None;
    for c in &doc.complex {
        match &c.kind {
            ComplexKind::Survey(r) => {
                let cap = Capture::from_record(r);
                let gsd = cap
                    .camera()
                    .map(|cam| format!(", GSD {:.2} cm/px", cam.gsd_cm(r.alt_m)))
                    .unwrap_or_default();
                if let Some(cam) = cap.camera() {
                    let list = known.get_or_insert_with(|| {
                        CameraFileArg { cameras: None }.load().unwrap_or_default()
                    });
                    interval = find_camera(list, &cam.name).and_then(|c| c.min_trigger_interval_s);
                }
                println!(
                    "  survey (items {}–{}): {:.2} ha, camera {}, altitude {:.0} m, spacing {:.1} m, trigger {:.1} m{gsd}, {} photos",
                    c.first_item + 1,
                    c.first_item + c.item_count,
                    crate::plan::Area::new(r.polygon.clone()).area_m2() / 10_000.0,
                    r.camera_name,
                    r.alt_m,
                    r.line_spacing_m,
                    r.trigger_distance_m,
                    r.camera_shots
                );
            }
            ComplexKind::Other(name) => println!(
                "  {name} (items {}–{}){}",
                c.first_item + 1,
                c.first_item + c.item_count,
                if c.item_count == 0 {
                    ": not expanded"
                } else {
                    ""
                }
            ),
        }
    }
    let dem = checks.dem()?;
    let findings = validate(&doc, &checks.limits(interval), dem.as_ref());
    print_findings(&findings);
    Ok(ExitCode::SUCCESS)
}
