//! `steppe geotag FILE --photos DIR`: match the camera's JPEG files to the photos of a tlog
//! and write an OpenDroneMap geo.txt with the real file names, and on request copies of the
//! images with EXIF GPS tags (the originals are only read). Rules in [`crate::log::geotag`].

use crate::log::exif::{GpsTag, date_time_original, with_gps};
use crate::log::export_triggers::geo_txt;
use crate::log::geotag::{
    FileOrder, MatchMode, PhotoFile, match_files, median_interval_s, order_doubt, order_files,
    renamed,
};
use crate::log::triggers::{Photo, TriggerFilter, photos};
use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// EXIF is read from at most this much of the start of each file.
const EXIF_READ_BYTES: u64 = 256 * 1024;

/// Arguments of `steppe geotag`.
#[derive(Debug, Args)]
pub struct GeotagArgs {
    /// The .tlog file of the flight.
    file: PathBuf,
    /// Folder with the camera's JPEG files (not searched recursively; only read).
    #[arg(long, value_name = "DIR")]
    photos: PathBuf,
    /// The geo.txt to write.
    #[arg(short = 'o', long = "output", default_value = "geo.txt")]
    output: PathBuf,
    /// The vehicle that carried the camera (needed when the log has photos of several).
    #[arg(long)]
    sysid: Option<u8>,
    /// How files are paired with trigger events: the n-th file with the n-th trigger, or by
    /// time (camera clock + --offset against the log's UTC clock).
    #[arg(long = "match", value_enum, default_value = "order")]
    match_mode: MatchArg,
    /// Seconds to add to the camera clock to get UTC (e.g. -21600 for a camera set to UTC+6).
    #[arg(long, value_name = "S", default_value = "0", allow_hyphen_values = true,
          value_parser = |s: &str| super::common::ranged(s, -31_536_000.0, 31_536_000.0, "seconds"))]
    offset: f64,
    /// Largest time difference between a photo and its trigger when matching by time (s).
    #[arg(long, value_name = "S", default_value = "1",
          value_parser = |s: &str| super::common::ranged(s, 0.001, 3600.0, "seconds"))]
    tolerance: f64,
    /// Also write copies of the matched photos with EXIF GPS tags into this folder (it must
    /// not be the photo folder).
    #[arg(long, value_name = "OUTDIR")]
    exif: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum MatchArg {
    Order,
    Time,
}

/// The JPEG files of `dir` with their EXIF times.
fn list_photos(dir: &Path) -> Result<Vec<PhotoFile>> {
    let mut files = Vec::new();
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list the photo folder {}", dir.display()))?;
    for e in entries {
        let e = e.with_context(|| format!("cannot list the photo folder {}", dir.display()))?;
        let path = e.path();
        let is_jpeg = path
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| x.eq_ignore_ascii_case("jpg") || x.eq_ignore_ascii_case("jpeg"));
        if !is_jpeg || !path.is_file() {
            continue;
        }
        let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
            bail!("{}: the file name is not valid UTF-8", path.display());
        };
        let mut head = Vec::new();
        std::fs::File::open(&path)
            .and_then(|f| f.take(EXIF_READ_BYTES).read_to_end(&mut head))
            .with_context(|| format!("cannot read {}", path.display()))?;
        let taken = date_time_original(&head).with_context(|| format!("{}", path.display()))?;
        files.push(PhotoFile { name, taken });
    }
    Ok(files)
}

/// The log photos of the one vehicle asked for (or the only one).
fn vehicle_photos(file: &Path, sysid: Option<u8>) -> Result<Vec<Photo>> {
    let data = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let log = photos(
        &data,
        &TriggerFilter {
            sysid,
            ..TriggerFilter::default()
        },
    );
    match log.vehicles.as_slice() {
        [] => bail!(
            "{}: no photos (CAMERA_FEEDBACK, CAMERA_TRIGGER or CAMERA_IMAGE_CAPTURED){}",
            file.display(),
            sysid.map_or(String::new(), |s| format!(" from system {s}"))
        ),
        [one] => Ok(one.photos.clone()),
        several => {
            let list: Vec<String> = several
                .iter()
                .map(|v| format!("system {} ({} photos)", v.sysid, v.photos.len()))
                .collect();
            bail!(
                "{}: photos of several vehicles: {}; choose the camera's with --sysid N",
                file.display(),
                list.join(", ")
            )
        }
    }
}

/// Writes the copies with GPS tags; returns how many.
fn write_copies(dir: &Path, out: &Path, tagged: &[Photo]) -> Result<usize> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let same = std::fs::canonicalize(dir).ok() == std::fs::canonicalize(out).ok();
    if same {
        bail!(
            "--exif {} is the photo folder: the originals are never modified; choose another folder",
            out.display()
        );
    }
    let mut n = 0;
    for p in tagged {
        let (Some(ll), Some(alt)) = (p.lat_lon, p.alt_amsl_m) else {
            continue;
        };
        let src = dir.join(&p.name);
        let bytes =
            std::fs::read(&src).with_context(|| format!("cannot read {}", src.display()))?;
        let gps = GpsTag {
            lat_deg: ll.lat_deg,
            lon_deg: ll.lon_deg,
            alt_amsl_m: alt,
            image_direction_deg: p.attitude_deg.map(|a| a[2]),
        };
        let copy = with_gps(&bytes, &gps).with_context(|| format!("{}", src.display()))?;
        super::mission::write_atomically_bytes(&out.join(&p.name), &copy)?;
        n += 1;
    }
    Ok(n)
}

/// Runs `steppe geotag`.
pub fn run(a: GeotagArgs) -> Result<ExitCode> {
    let log_photos = vehicle_photos(&a.file, a.sysid)?;
    let mut files = list_photos(&a.photos)?;
    let order = order_files(&mut files);
    let mode = match a.match_mode {
        MatchArg::Order => MatchMode::Order,
        MatchArg::Time => MatchMode::Time {
            offset_s: a.offset,
            tolerance_s: a.tolerance,
        },
    };
    let m = match_files(&files, &log_photos, mode)
        .with_context(|| format!("{} against {}", a.photos.display(), a.file.display()))?;
    println!(
        "{} photos in {} (ordered by {}), {} trigger events in the log, {} matched by {}",
        files.len(),
        a.photos.display(),
        match order {
            FileOrder::ExifTime => "EXIF DateTimeOriginal",
            FileOrder::Name => "file name: not every photo has an EXIF DateTimeOriginal",
        },
        log_photos.len(),
        m.pairs.len(),
        match mode {
            MatchMode::Order => "order",
            MatchMode::Time { .. } => "time",
        }
    );
    if let MatchMode::Order = mode
        && let Some(d) = order_doubt(&files, &log_photos, &m, a.tolerance)
        && let Some(f) = files.get(d.file)
    {
        println!(
            "warning: by order, {} is {:+.1} s off the typical log-minus-camera time difference ({:.1} s): a photo may be missing or extra before it; compare with --match time --offset {:.0}",
            f.name, d.deviation_s, d.typical_offset_s, d.typical_offset_s
        );
    }
    if let MatchMode::Time { tolerance_s, .. } = mode
        && let Some(gap) = median_interval_s(&log_photos)
        && 2.0 * tolerance_s >= gap
    {
        println!(
            "warning: photos are {gap:.2} s apart (median) but --tolerance is {tolerance_s} s: a photo may be paired with its neighbour's trigger; give --offset to a tenth of a second and a --tolerance below {:.2} s",
            gap / 2.0
        );
    }
    for &i in &m.unmatched_files {
        if let Some(f) = files.get(i) {
            println!(
                "unmatched photo: {} (no trigger within {} s)",
                f.name, a.tolerance
            );
        }
    }
    for &j in &m.unmatched_photos {
        if let Some(p) = log_photos.get(j) {
            println!(
                "unmatched trigger: {} at {} (no photo within {} s)",
                p.number,
                crate::log::info::iso8601(p.t_us),
                a.tolerance
            );
        }
    }
    let tagged = renamed(&files, &log_photos, &m);
    for p in tagged.iter().filter(|p| p.lat_lon.is_none()) {
        println!(
            "no position for {} (trigger {}): left out",
            p.name, p.number
        );
    }
    let text = geo_txt(tagged.iter());
    super::mission::write_atomically(&a.output, &text)?;
    println!(
        "wrote {} ({} photos)",
        a.output.display(),
        text.lines().count().saturating_sub(1)
    );
    if let Some(out) = &a.exif {
        let n = write_copies(&a.photos, out, &tagged)?;
        println!("wrote {n} photos with GPS tags to {}", out.display());
    }
    Ok(ExitCode::SUCCESS)
}
