//! Matching the JPEG files from a camera's card to the photos in a tlog, for an OpenDroneMap
//! geo.txt with the real file names and GPS tags in copies of the images.
//!
//! # Rules
//! - The files are put in the order they were taken: by EXIF DateTimeOriginal (sub-seconds
//!   included) when every file has one, ties broken by file name; otherwise all by file name
//!   (and the caller says so).
//! - **By order** (default): the n-th file is the n-th photo of the log. The counts must be
//!   equal: any difference is an error naming how many of each and which would be left over —
//!   never guessed away (a test shot on the ground or a photo the camera missed would shift
//!   every later match).
//! - **By time**: the camera clock plus `offset_s` is the log's UTC clock; each file is paired
//!   with the nearest trigger at most `tolerance_s` away, closest pairs first, one to one.
//!   Files and triggers left without a partner are listed, not paired by force. This can
//!   only tell photos apart when the tolerance is below half the time between photos (and
//!   the offset is known that well): the caller warns otherwise.
//!
//! No file access here: the caller lists the folder and reads the EXIF times.

use crate::log::triggers::Photo;
use chrono::NaiveDateTime;

/// Most names listed in an error message.
const LISTED: usize = 10;

/// One JPEG file of the card.
#[derive(Debug, Clone, PartialEq)]
pub struct PhotoFile {
    /// File name (no folder).
    pub name: String,
    /// EXIF DateTimeOriginal (camera clock), if the file has one.
    pub taken: Option<NaiveDateTime>,
}

/// How files were put in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileOrder {
    /// By EXIF DateTimeOriginal.
    ExifTime,
    /// By file name (some file had no DateTimeOriginal).
    Name,
}

/// How files are paired with photos of the log.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MatchMode {
    /// The n-th file is the n-th photo.
    Order,
    /// By time, with the camera clock corrected by an offset.
    Time {
        /// Seconds to add to the camera clock to get UTC (the log's clock).
        offset_s: f64,
        /// Largest time difference of a pair, seconds.
        tolerance_s: f64,
    },
}

/// Why files could not be matched.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GeotagError {
    /// No JPEG file in the folder.
    #[error("no JPEG files (.jpg, .jpeg) in the photo folder")]
    NoFiles,
    /// No photo in the log.
    #[error(
        "the log has no photos (CAMERA_FEEDBACK, CAMERA_TRIGGER or CAMERA_IMAGE_CAPTURED) for the vehicle asked"
    )]
    NoPhotos,
    /// Matching by order with different counts.
    #[error(
        "{files} photos in the folder but {triggers} trigger events in the log; matching by order needs equal counts. By order, {} would be left over: {}. Remove test shots or find the missing photos, or match by time (--match time --offset S)",
        .left_over.len(), list(.left_over)
    )]
    CountMismatch {
        /// Files in the folder.
        files: usize,
        /// Photos in the log.
        triggers: usize,
        /// The file names (more files) or log photo names (more triggers) past the shorter list.
        left_over: Vec<String>,
    },
    /// Matching by time with files that have no EXIF time.
    #[error("matching by time needs the EXIF DateTimeOriginal of every photo; {} have none: {}", .0.len(), list(.0))]
    NoTime(Vec<String>),
    /// Matching by time paired nothing.
    #[error(
        "no photo is within {tolerance_s} s of a trigger; the first photo was taken at {first_file} (camera clock + offset) and the first trigger at {first_trigger} UTC: set --offset to the difference"
    )]
    NothingMatched {
        /// Tolerance used, seconds.
        tolerance_s: f64,
        /// First file time, corrected.
        first_file: String,
        /// First trigger time.
        first_trigger: String,
    },
    /// A name that geo.txt cannot hold.
    #[error(
        "file name \"{0}\" contains white space, which the geo.txt format cannot hold; rename the file"
    )]
    NameWithSpace(String),
    /// A bad offset or tolerance.
    #[error("{0}")]
    BadSetting(String),
}

fn list(names: &[String]) -> String {
    let mut s = names
        .iter()
        .take(LISTED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > LISTED {
        s.push_str(&format!(" and {} more", names.len() - LISTED));
    }
    s
}

/// Pairs of files and log photos.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Matching {
    /// (file index, photo index) pairs, in file order.
    pub pairs: Vec<(usize, usize)>,
    /// Files with no photo (time matching only).
    pub unmatched_files: Vec<usize>,
    /// Photos with no file (time matching only).
    pub unmatched_photos: Vec<usize>,
}

/// Puts `files` in the order they were taken (see the module doc).
pub fn order_files(files: &mut [PhotoFile]) -> FileOrder {
    if files.iter().all(|f| f.taken.is_some()) {
        files.sort_by(|a, b| a.taken.cmp(&b.taken).then_with(|| a.name.cmp(&b.name)));
        FileOrder::ExifTime
    } else {
        files.sort_by(|a, b| a.name.cmp(&b.name));
        FileOrder::Name
    }
}

/// Pairs the (ordered) `files` with the log's `photos` (in log order).
pub fn match_files(
    files: &[PhotoFile],
    photos: &[Photo],
    mode: MatchMode,
) -> Result<Matching, GeotagError> {
    if files.is_empty() {
        return Err(GeotagError::NoFiles);
    }
    if photos.is_empty() {
        return Err(GeotagError::NoPhotos);
    }
    if let Some(f) = files
        .iter()
        .find(|f| f.name.chars().any(char::is_whitespace))
    {
        return Err(GeotagError::NameWithSpace(f.name.clone()));
    }
    match mode {
        MatchMode::Order => {
            if files.len() != photos.len() {
                let n = files.len().min(photos.len());
                let left_over = if files.len() > n {
                    files.iter().skip(n).map(|f| f.name.clone()).collect()
                } else {
                    photos
                        .iter()
                        .skip(n)
                        .map(|p| {
                            format!(
                                "trigger {} ({})",
                                p.number,
                                crate::log::info::iso8601(p.t_us)
                            )
                        })
                        .collect()
                };
                return Err(GeotagError::CountMismatch {
                    files: files.len(),
                    triggers: photos.len(),
                    left_over,
                });
            }
            Ok(Matching {
                pairs: (0..files.len()).map(|i| (i, i)).collect(),
                ..Matching::default()
            })
        }
        MatchMode::Time {
            offset_s,
            tolerance_s,
        } => by_time(files, photos, offset_s, tolerance_s),
    }
}

/// Microseconds since the Unix epoch of a camera time plus `offset_us`.
fn corrected_us(t: NaiveDateTime, offset_us: i64) -> i64 {
    t.and_utc().timestamp_micros().saturating_add(offset_us)
}

fn by_time(
    files: &[PhotoFile],
    photos: &[Photo],
    offset_s: f64,
    tolerance_s: f64,
) -> Result<Matching, GeotagError> {
    if !offset_s.is_finite() || offset_s.abs() > 1e9 {
        return Err(GeotagError::BadSetting(format!(
            "--offset must be a finite number of seconds; found {offset_s}"
        )));
    }
    if !(tolerance_s.is_finite() && tolerance_s > 0.0) {
        return Err(GeotagError::BadSetting(format!(
            "--tolerance must be a positive number of seconds; found {tolerance_s}"
        )));
    }
    let missing: Vec<String> = files
        .iter()
        .filter(|f| f.taken.is_none())
        .map(|f| f.name.clone())
        .collect();
    if !missing.is_empty() {
        return Err(GeotagError::NoTime(missing));
    }
    let offset_us = (offset_s * 1e6).round() as i64;
    let tol_us = (tolerance_s * 1e6).round() as i64;
    let file_us: Vec<i64> = files
        .iter()
        .map(|f| f.taken.map_or(0, |t| corrected_us(t, offset_us)))
        .collect();
    // Photo times sorted, for a window search per file.
    let mut by_t: Vec<(i64, usize)> = photos
        .iter()
        .enumerate()
        .map(|(j, p)| (i64::try_from(p.t_us).unwrap_or(i64::MAX), j))
        .collect();
    by_t.sort_unstable();
    let mut candidates: Vec<(i64, usize, usize)> = Vec::new();
    for (i, &t) in file_us.iter().enumerate() {
        let from = by_t.partition_point(|(pt, _)| *pt < t.saturating_sub(tol_us));
        for &(pt, j) in by_t.iter().skip(from) {
            if pt > t.saturating_add(tol_us) {
                break;
            }
            candidates.push(((pt - t).abs(), i, j));
        }
    }
    candidates.sort_unstable();
    let mut file_used = vec![false; files.len()];
    let mut photo_used = vec![false; photos.len()];
    let mut pairs = Vec::new();
    for (_, i, j) in candidates {
        if let (Some(fu), Some(pu)) = (file_used.get_mut(i), photo_used.get_mut(j))
            && !*fu
            && !*pu
        {
            *fu = true;
            *pu = true;
            pairs.push((i, j));
        }
    }
    if pairs.is_empty() {
        let first_file = file_us.iter().min().map_or(String::new(), |&t| {
            crate::log::info::iso8601(t.max(0) as u64)
        });
        let first_trigger = by_t.first().map_or(String::new(), |&(t, _)| {
            crate::log::info::iso8601(t.max(0) as u64)
        });
        return Err(GeotagError::NothingMatched {
            tolerance_s,
            first_file,
            first_trigger,
        });
    }
    pairs.sort_unstable();
    Ok(Matching {
        pairs,
        unmatched_files: unused(&file_used),
        unmatched_photos: unused(&photo_used),
    })
}

/// A pair matched by order whose time difference stands out.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderDoubt {
    /// Index of the file.
    pub file: usize,
    /// How far its camera-to-log time difference is from the typical one, seconds.
    pub deviation_s: f64,
    /// The typical (median) difference, log time minus camera time, seconds.
    pub typical_offset_s: f64,
}

/// When every file has an EXIF time, checks a matching by order: the log time minus the
/// camera time should be about the same for every pair (the clock offset). Returns the first
/// pair further than `tolerance_s` from the median difference — a sign of a missing or extra
/// photo before it, which an equal count hides.
pub fn order_doubt(
    files: &[PhotoFile],
    photos: &[Photo],
    m: &Matching,
    tolerance_s: f64,
) -> Option<OrderDoubt> {
    let diffs: Vec<(usize, f64)> = m
        .pairs
        .iter()
        .map(|&(i, j)| {
            let taken = files.get(i)?.taken?;
            let t_us = i64::try_from(photos.get(j)?.t_us).ok()?;
            Some((i, (t_us - corrected_us(taken, 0)) as f64 / 1e6))
        })
        .collect::<Option<_>>()?;
    let mut sorted: Vec<f64> = diffs.iter().map(|(_, d)| *d).collect();
    sorted.sort_by(f64::total_cmp);
    let typical = *sorted.get(sorted.len() / 2)?;
    diffs
        .iter()
        .find(|(_, d)| (d - typical).abs() > tolerance_s)
        .map(|&(file, d)| OrderDoubt {
            file,
            deviation_s: d - typical,
            typical_offset_s: typical,
        })
}

/// The median time between consecutive photos of the log, seconds. Matching by time can
/// only tell photos apart with a tolerance below half of it.
pub fn median_interval_s(photos: &[Photo]) -> Option<f64> {
    let mut d: Vec<f64> = photos
        .windows(2)
        .filter_map(|w| match w {
            [a, b] => Some(b.t_us.saturating_sub(a.t_us) as f64 / 1e6),
            _ => None,
        })
        .collect();
    d.sort_by(f64::total_cmp);
    d.get(d.len() / 2).copied()
}

fn unused(used: &[bool]) -> Vec<usize> {
    used.iter()
        .enumerate()
        .filter(|(_, u)| !**u)
        .map(|(i, _)| i)
        .collect()
}

/// The log photos of `m`, renamed to their files' names, in file order: ready for
/// [`crate::log::export_triggers::geo_txt`].
pub fn renamed(files: &[PhotoFile], photos: &[Photo], m: &Matching) -> Vec<Photo> {
    m.pairs
        .iter()
        .filter_map(|&(i, j)| {
            let mut p = photos.get(j)?.clone();
            p.name = files.get(i)?.name.clone();
            Some(p)
        })
        .collect()
}

#[cfg(test)]
#[path = "geotag_tests.rs"]
mod tests;
