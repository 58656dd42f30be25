//! Any mission file, recognised by content: a QGroundControl `.plan` (or legacy `.mission`)
//! JSON, a QGC WPL 110 mission, fence or rally list, or MAVProxy's legacy fence and rally
//! files. Extensions are not trusted: people rename files.

use crate::formats::boundary::{BoundaryError, read_boundary};
use crate::formats::convert::document_from_wpl;
use crate::formats::geojson::read_geojson_value;
use crate::formats::plan::{PlanError, is_plan_object, read_plan, read_plan_value};
use crate::formats::wpl::{self, WplError};
use crate::plan::Area;
use crate::plan::MissionDocument;
use crate::plan::document::DocumentError;

/// Why a mission file could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReadError {
    /// Bytes that are not UTF-8 text.
    #[error("not a text file: invalid UTF-8 at byte {0}")]
    NotText(usize),
    /// Nothing but whitespace.
    #[error(
        "empty file: expected a QGroundControl .plan (JSON) or a QGC WPL 110 mission, fence or rally list"
    )]
    Empty,
    /// A .plan that failed.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// A WPL or MAVProxy file that failed.
    #[error(transparent)]
    Wpl(#[from] WplError),
    /// Fence or rally rows that do not form valid shapes.
    #[error(transparent)]
    Shapes(#[from] DocumentError),
}

/// Reads a mission document from a file's bytes.
pub fn read_document(bytes: &[u8]) -> Result<MissionDocument, ReadError> {
    let text = std::str::from_utf8(bytes).map_err(|e| ReadError::NotText(e.valid_up_to()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(ReadError::Empty);
    }
    if text.trim_start().starts_with('{') {
        return Ok(read_plan(text)?);
    }
    let file = wpl::parse(text)?;
    Ok(document_from_wpl(&file)?)
}

/// What a file holds: a mission document or field boundaries.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// A mission, fence and/or rally points.
    Doc(Box<MissionDocument>),
    /// Field boundaries (KML, KMZ, GeoJSON).
    Boundary(Vec<Area>),
}

/// Why [`read_input`] could not read a file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InputError {
    /// It looked like a boundary and failed as one.
    #[error(transparent)]
    Boundary(#[from] BoundaryError),
    /// It looked like a mission file and failed as one.
    #[error(transparent)]
    Document(#[from] ReadError),
}

/// Reads a mission file or a field boundary, recognised by content (and by a `.kml`, `.kmz` or
/// `.geojson` extension, for broken boundary files to get a boundary's error). JSON is parsed
/// once: a plan's keys make it a plan, anything else is read as GeoJSON.
pub fn read_input(bytes: &[u8], file_name: &str) -> Result<Input, InputError> {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let text = std::str::from_utf8(bytes).unwrap_or("");
    let body = text.trim_start_matches('\u{feff}').trim_start();
    if matches!(ext.as_str(), "kml" | "kmz" | "geojson")
        || bytes.starts_with(b"PK")
        || body.starts_with('<')
    {
        return Ok(Input::Boundary(read_boundary(bytes, file_name)?));
    }
    if body.starts_with('{')
        && let Ok(value) = serde_json::from_str::<serde_json::Value>(body)
    {
        return Ok(if is_plan_object(&value) {
            Input::Doc(Box::new(read_plan_value(&value).map_err(ReadError::from)?))
        } else {
            Input::Boundary(read_geojson_value(&value)?)
        });
    }
    // Text lists, and JSON that does not parse (read_document words the line and column).
    Ok(Input::Doc(Box::new(read_document(bytes)?)))
}

/// Output formats for a mission document, chosen by the file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissionFormat {
    /// QGroundControl `.plan` (mission, fence and rally in one file).
    Plan,
    /// QGC WPL 110 `.waypoints` / `.txt` (one list per file).
    Wpl,
}

impl MissionFormat {
    /// The format an output file name asks for; `None` for an unknown extension.
    pub fn from_file_name(name: &str) -> Option<MissionFormat> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "plan" => Some(MissionFormat::Plan),
            "waypoints" | "txt" | "mission" => Some(MissionFormat::Wpl),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_plans_and_wpl_and_words_errors() {
        let plan = crate::formats::plan::write_plan(&MissionDocument::default());
        assert!(read_document(plan.as_bytes()).is_ok());
        let wpl = "QGC WPL 110\n0\t1\t0\t16\t0\t0\t0\t0\t42.5\t72.2\t800\t1\n";
        let doc = read_document(wpl.as_bytes()).expect("wpl");
        assert!(doc.planned_home.is_some());
        let e = read_document(b"{\"fileType\": \"Plan\", \"version\": 42}").expect_err("version");
        assert!(e.to_string().contains("version 42"), "{e}");
        let e = read_document(b"hello").expect_err("nothing");
        assert!(e.to_string().contains("QGC WPL 110"), "{e}");
        for empty in [&b""[..], b"  \n\r\n", "\u{feff}\n".as_bytes()] {
            assert_eq!(read_document(empty), Err(ReadError::Empty));
        }
        assert!(matches!(
            read_document(&[0xff, 0xfe]),
            Err(ReadError::NotText(0))
        ));
        assert_eq!(
            MissionFormat::from_file_name("a.PLAN"),
            Some(MissionFormat::Plan)
        );
        assert_eq!(
            MissionFormat::from_file_name("a.waypoints"),
            Some(MissionFormat::Wpl)
        );
        assert_eq!(MissionFormat::from_file_name("a.kml"), None);
    }
}
