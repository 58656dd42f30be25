//! QGC WPL 110 (`.waypoints`, `.txt`): the plain-text mission format that QGroundControl,
//! Mission Planner and MAVProxy exchange. Field crews carry missions between these tools and
//! Steppe as these files, so reading what they write and writing what they read is the point.
//!
//! # Format
//! The first line is `QGC WPL 110`; then one row per item:
//! `INDEX CURRENT FRAME COMMAND P1 P2 P3 P4 P5/X/LAT P6/Y/LON P7/Z/ALT AUTOCONTINUE`.
//! Writers separate columns with tabs (QGroundControl's reader needs tabs); this reader accepts
//! any whitespace, commas (`0,1,0,16,...`, as spreadsheets export the rows; spaces around the
//! commas and one trailing comma allowed), LF or CRLF, blank lines, a UTF-8 byte-order mark and
//! MAVProxy's `#` comment lines (comments are not kept). A row is comma separated when it
//! splits into 12 columns at its commas; otherwise it is split at whitespace, so a decimal
//! comma (`1,5`) in a whitespace-separated row is still reported as such. Numbers always use a dot as decimal separator, whatever the
//! locale.
//!
//! # Conventions
//! - ArduPilot, QGroundControl and Mission Planner write the home position as row 0 of a mission
//!   file; fence and rally files written by MAVProxy have no home row. Rows are kept exactly as
//!   in the file (Mission Planner's `0 1 0 0 ...` home row keeps command 0): dropping or adding
//!   the home item for PX4 belongs to the upload code, not to the file format.
//! - Indices must run 0, 1, 2, ... in file order; a gap or a duplicate is an error.
//! - Items are [`MissionItem`]s in `MISSION_ITEM_INT` form: in global frames P5/P6 are degrees
//!   and become degrees * 1e7, in local frames metres * 1e4, otherwise plain integers (so a
//!   fractional P5 in a non-global, non-local frame is rounded, as the wire form would).
//!   `nan` is accepted in every parameter; in P5/P6 it becomes `i32::MAX`, MAVLink's "unset"
//!   value for integer parameters, and is written back as `NaN`.
//! - The mission type is inferred: all items fence commands (5000-5004) gives
//!   [`MissionType::Fence`], all rally points (5100) gives [`MissionType::Rally`], anything else
//!   (including missions with embedded fence vertices) is a [`MissionType::Mission`].
//! - [`write()`] puts `current` 1 on row 0 of a mission (the home row) and 0 elsewhere, latitude
//!   and longitude with 8 decimals, and every other number in the shortest form that reads back
//!   to the same `f32`, never in exponent notation (pymavlink, QGC and Mission Planner all read
//!   that).
//!
//! # MAVProxy legacy files
//! [`parse`] also reads, by content, the two pre-mission-protocol formats MAVProxy saves:
//! - fence files with `lat lon` per line: point 1 is the return point, the last point closes the
//!   polygon and must repeat point 2. They become one `NAV_FENCE_RETURN_POINT` and
//!   `NAV_FENCE_POLYGON_VERTEX_INCLUSION` vertices (param 1 = vertex count), frame GLOBAL, as
//!   pymavlink converts them. A file that does not close its polygon is rejected, not guessed.
//! - rally files with `RALLY lat lon alt break_alt land_dir flags` lines: they become
//!   `NAV_RALLY_POINT` items, frame GLOBAL_RELATIVE_ALT, altitude in metres. `break_alt`,
//!   `land_dir` and `flags` have no place in the mission protocol (ArduPilot drops them too when
//!   rally points travel as mission items), so they are not kept.

use crate::formats::wpl_legacy;
use crate::plan::mission_item::{MissionItem, MissionType, cmd, frame};
use std::fmt::Write as _;

/// The header line this module writes.
pub const HEADER: &str = "QGC WPL 110";

/// Column names, in file order, as used in error messages.
pub const COLUMNS: [&str; 12] = [
    "INDEX",
    "CURRENT",
    "FRAME",
    "COMMAND",
    "P1",
    "P2",
    "P3",
    "P4",
    "P5/X/LAT",
    "P6/Y/LON",
    "P7/Z/ALT",
    "AUTOCONTINUE",
];

/// Which text format a file was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WplFormat {
    /// `QGC WPL 110`.
    Qgc110,
    /// MAVProxy legacy fence file (`lat lon` per line).
    MavproxyFence,
    /// MAVProxy legacy rally file (`RALLY ...` lines).
    MavproxyRally,
}

/// A parsed mission text file.
#[derive(Debug, Clone, PartialEq)]
pub struct WplFile {
    /// Rows in file order (row 0 is home for ArduPilot/QGC/MP mission files).
    pub items: Vec<MissionItem>,
    /// Inferred from the commands: all fence commands, all rally points, or a mission.
    pub mission_type: MissionType,
    /// Version number from the header (110); 0 for MAVProxy legacy files, which have none.
    pub version: u16,
    /// The format the text was in.
    pub format: WplFormat,
}

/// Why a mission text file could not be read. Line numbers count from 1.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WplError {
    /// No content at all.
    #[error("empty file: expected a first line '{HEADER}'")]
    Empty,
    /// The first line is not a QGC WPL header (nor a MAVProxy legacy format).
    #[error("line {line}: expected the header '{HEADER}', found '{found}'")]
    MissingHeader {
        /// Line of the first non-empty line.
        line: usize,
        /// What the line said (shortened).
        found: String,
    },
    /// A QGC WPL header with a version other than 110.
    #[error("line {line}: '{found}' is not supported, expected '{HEADER}'")]
    UnsupportedVersion {
        /// Line of the header.
        line: usize,
        /// The header as found.
        found: String,
    },
    /// A row without exactly 12 columns.
    #[error(
        "line {line}: expected 12 columns (INDEX CURRENT FRAME COMMAND P1-P7 AUTOCONTINUE), found {found}"
    )]
    ColumnCount {
        /// Line of the row.
        line: usize,
        /// Columns found.
        found: usize,
    },
    /// A value that is not a number of the expected kind.
    #[error("line {line}, column {column}: expected {expected}, found '{text}'")]
    Number {
        /// Line of the row.
        line: usize,
        /// Column name (see [`COLUMNS`]).
        column: &'static str,
        /// What the column should hold.
        expected: &'static str,
        /// The text found.
        text: String,
    },
    /// A number outside the range its field can hold.
    #[error("line {line}, column {column}: {text} is out of range, expected {expected}")]
    OutOfRange {
        /// Line of the row.
        line: usize,
        /// Column name (see [`COLUMNS`]).
        column: &'static str,
        /// The allowed range.
        expected: &'static str,
        /// The text found.
        text: String,
    },
    /// An index out of sequence.
    #[error(
        "line {line}: index {found}, expected {expected} (indices run 0, 1, 2, ... without gaps or duplicates)"
    )]
    Index {
        /// Line of the row.
        line: usize,
        /// Index found.
        found: String,
        /// Index expected.
        expected: usize,
    },
    /// A MAVProxy legacy file that cannot be converted unambiguously.
    #[error("line {line}: {reason} (this is a MAVProxy legacy {kind} file, not {HEADER})")]
    Legacy {
        /// Line concerned.
        line: usize,
        /// `fence (lat lon per line)` or `rally (RALLY lines)`.
        kind: &'static str,
        /// What is wrong.
        reason: String,
    },
}

/// True when the first non-empty line starts with `QGC WPL` (content sniffing).
pub fn is_wpl(text: &str) -> bool {
    lines(text)
        .next()
        .is_some_and(|(_, l)| l.starts_with("QGC WPL"))
}

/// Non-blank lines with their 1-based line numbers, trimmed, BOM removed.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
}

/// Reads a QGC WPL 110 file, or a MAVProxy legacy fence or rally file.
pub fn parse(text: &str) -> Result<WplFile, WplError> {
    let mut rows = lines(text);
    let Some((hline, header)) = rows.next() else {
        return Err(WplError::Empty);
    };
    if !header.starts_with("QGC WPL") {
        let first = lines(text).find(|(_, l)| !l.starts_with('#'));
        if let Some((_, l)) = first {
            if wpl_legacy::is_legacy_rally(l) {
                return wpl_legacy::parse_rally(text);
            }
            if wpl_legacy::is_legacy_fence(l) {
                return wpl_legacy::parse_fence(text);
            }
        }
        return Err(WplError::MissingHeader {
            line: hline,
            found: shorten(header),
        });
    }
    if header.split_whitespace().collect::<Vec<_>>() != ["QGC", "WPL", "110"] {
        return Err(WplError::UnsupportedVersion {
            line: hline,
            found: shorten(header),
        });
    }
    let mut items = Vec::new();
    for (line, row) in rows.filter(|(_, l)| !l.starts_with('#')) {
        items.push(parse_row(line, row, items.len())?);
    }
    Ok(WplFile {
        mission_type: infer_mission_type(&items),
        items,
        version: 110,
        format: WplFormat::Qgc110,
    })
}

fn shorten(s: &str) -> String {
    const MAX: usize = 60;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_owned(),
    }
}

/// The columns of a row: comma separated when splitting at commas gives 12 columns (a trailing
/// comma allowed), else whitespace separated (so `1,5` in a whitespace row stays one column
/// and is reported as a decimal comma).
fn columns(row: &str) -> Vec<&str> {
    if row.contains(',') {
        let mut cols: Vec<&str> = row.split(',').map(str::trim).collect();
        if cols.len() == 13 && cols.last() == Some(&"") {
            cols.pop();
        }
        let spaced = row.split_whitespace().count();
        if cols.len() == 12 || spaced == 1 {
            return cols;
        }
    }
    row.split_whitespace().collect()
}

fn parse_row(line: usize, row: &str, expected_index: usize) -> Result<MissionItem, WplError> {
    let cols = columns(row);
    let Ok(
        [
            index,
            current,
            frame,
            command,
            p1,
            p2,
            p3,
            p4,
            p5,
            p6,
            p7,
            autocontinue,
        ],
    ) = <[&str; 12]>::try_from(cols.as_slice())
    else {
        return Err(WplError::ColumnCount {
            line,
            found: cols.len(),
        });
    };
    if int(line, 0, index)? != i64::try_from(expected_index).unwrap_or(i64::MAX) {
        return Err(WplError::Index {
            line,
            found: index.to_owned(),
            expected: expected_index,
        });
    }
    let current = flag(line, 1, current)?;
    let frame_num = u8::try_from(int(line, 2, frame)?).ok();
    let frame = in_range(line, 2, frame, frame_num, "0-255")?;
    let command_num = u16::try_from(int(line, 3, command)?).ok();
    let command = in_range(line, 3, command, command_num, "0-65535")?;
    let params = [
        float(line, 4, p1)?,
        float(line, 5, p2)?,
        float(line, 6, p3)?,
        float(line, 7, p4)?,
    ];
    let z = float(line, 10, p7)?;
    let autocontinue = flag(line, 11, autocontinue)?;
    let mut item = MissionItem {
        frame,
        command,
        current,
        autocontinue,
        params,
        x: 0,
        y: 0,
        z,
    };
    let p5 = xy_value(line, 8, p5, frame, 90.0)?;
    let p6 = xy_value(line, 9, p6, frame, 180.0)?;
    item.set_param5_6(p5.unwrap_or(0.0), p6.unwrap_or(0.0));
    if p5.is_none() {
        item.x = i32::MAX;
    }
    if p6.is_none() {
        item.y = i32::MAX;
    }
    Ok(item)
}

fn column_name(col: usize) -> &'static str {
    COLUMNS.get(col).copied().unwrap_or("?")
}

fn int(line: usize, col: usize, text: &str) -> Result<i64, WplError> {
    text.parse::<i64>().map_err(|_| WplError::Number {
        line,
        column: column_name(col),
        expected: "an integer",
        text: text.to_owned(),
    })
}

fn in_range<T>(
    line: usize,
    col: usize,
    text: &str,
    v: Option<T>,
    expected: &'static str,
) -> Result<T, WplError> {
    v.ok_or_else(|| WplError::OutOfRange {
        line,
        column: column_name(col),
        expected,
        text: text.to_owned(),
    })
}

fn flag(line: usize, col: usize, text: &str) -> Result<bool, WplError> {
    match int(line, col, text)? {
        0 => Ok(false),
        1 => Ok(true),
        _ => in_range(line, col, text, None, "0 or 1"),
    }
}

/// Parses a float column; `nan` is accepted, overflow to infinity is an error.
fn float(line: usize, col: usize, text: &str) -> Result<f32, WplError> {
    let v = text.parse::<f32>().map_err(|_| WplError::Number {
        line,
        column: column_name(col),
        expected: "a number with a dot as decimal separator",
        text: text.to_owned(),
    })?;
    if v.is_infinite() && !text.to_ascii_lowercase().contains("inf") {
        return in_range(line, col, text, None, "a value that fits a 32-bit float");
    }
    Ok(v)
}

/// Parses P5 or P6: `None` for NaN, else the value, range-checked for the frame's wire form.
fn xy_value(
    line: usize,
    col: usize,
    text: &str,
    item_frame: u8,
    max_deg: f64,
) -> Result<Option<f64>, WplError> {
    let v = text.parse::<f64>().map_err(|_| WplError::Number {
        line,
        column: column_name(col),
        expected: "a number with a dot as decimal separator",
        text: text.to_owned(),
    })?;
    if v.is_nan() {
        return Ok(None);
    }
    if frame::is_global(item_frame) {
        if !(-max_deg..=max_deg).contains(&v) {
            let expected = if max_deg < 100.0 {
                "a latitude within -90..90 degrees (global frame)"
            } else {
                "a longitude within -180..180 degrees (global frame)"
            };
            return in_range(line, col, text, None, expected);
        }
        return Ok(Some(v));
    }
    // Value of one wire step in this frame (1e-4 m for local frames, 1 otherwise).
    let unit = MissionItem {
        frame: item_frame,
        x: 1,
        ..MissionItem::default()
    }
    .param5();
    let wire = (v / unit).round();
    if !(f64::from(i32::MIN)..=f64::from(i32::MAX)).contains(&wire) {
        let expected = if frame::is_local(item_frame) {
            "metres within +-214748 (local frame, sent as metres * 1e4 in a 32-bit integer)"
        } else {
            "a value that fits a 32-bit integer (MISSION_ITEM_INT x/y)"
        };
        return in_range(line, col, text, None, expected);
    }
    Ok(Some(v))
}

/// Mission type from the commands: all fence commands, all rally points, else a mission.
pub fn infer_mission_type(items: &[MissionItem]) -> MissionType {
    let is_fence = |i: &MissionItem| {
        (cmd::NAV_FENCE_RETURN_POINT..=cmd::NAV_FENCE_CIRCLE_EXCLUSION).contains(&i.command)
    };
    if items.is_empty() {
        MissionType::Mission
    } else if items.iter().all(is_fence) {
        MissionType::Fence
    } else if items.iter().all(|i| i.command == cmd::NAV_RALLY_POINT) {
        MissionType::Rally
    } else {
        MissionType::Mission
    }
}

/// Writes items as QGC WPL 110 (tab separated, LF, index from 0). Never fails; an item whose
/// latitude is outside +-90 degrees is written as it is and will not read back.
pub fn write(items: &[MissionItem]) -> String {
    let mission = infer_mission_type(items) == MissionType::Mission;
    let mut out = String::with_capacity(HEADER.len() + 1 + items.len() * 96);
    out.push_str(HEADER);
    out.push('\n');
    for (i, it) in items.iter().enumerate() {
        let current = u8::from(mission && i == 0);
        let [p1, p2, p3, p4] = it.params;
        // Writing into a String cannot fail.
        let _ = writeln!(
            out,
            "{i}\t{current}\t{}\t{}\t{p1}\t{p2}\t{p3}\t{p4}\t{}\t{}\t{}\t{}",
            it.frame,
            it.command,
            xy_text(it, it.x, it.param5()),
            xy_text(it, it.y, it.param6()),
            it.z,
            u8::from(it.autocontinue),
        );
    }
    out
}

fn xy_text(item: &MissionItem, wire: i32, value: f64) -> String {
    if wire == i32::MAX {
        "NaN".to_owned()
    } else if frame::is_global(item.frame) {
        format!("{value:.8}")
    } else {
        format!("{value}")
    }
}
