//! Field boundaries from whatever file an operator has: KML or KMZ from Google Earth,
//! QGroundControl or Mission Planner, GeoJSON from a GIS, a QGroundControl `.plan` (its survey
//! polygon or its fence) or a QGC WPL fence file. [`read_boundary`] looks at the content, not
//! the name, because field laptops are full of files with the wrong extension; the name is used
//! only to word the error when nothing fits.
//!
//! Sniffing order: zip magic `PK\x03\x04` → KMZ; text starting with `<` → KML; `{` → a .plan
//! when the object has `fileType`/`mission`/`items`, else GeoJSON; `QGC WPL` or a MAVProxy
//! legacy fence (`lat lon` lines) → a fence file. From a .plan the survey polygons are taken if
//! there are any, else the fence inclusion polygons; from a fence (plan or WPL) each inclusion
//! polygon becomes an area and every exclusion polygon lying inside it becomes its hole.

use crate::formats::{geojson, kml, plan, wpl};
use crate::geo::LatLon;
use crate::plan::area::{Area, Ring, dedup_ring};
use crate::plan::document::{ComplexKind, DocumentError, Fence, MissionDocument};
use crate::plan::mission_item::MissionType;

/// Why a boundary file could not be read (KML, KMZ, GeoJSON, or a plan/fence file).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BoundaryError {
    /// XML that is not well formed.
    #[error("line {line}, column {column}: malformed XML: {message}")]
    Xml {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// Well-formed XML whose root is not `<kml>`.
    #[error("not KML: the root element is <{found}>, expected <kml>")]
    NotKml {
        /// Root element found.
        found: String,
    },
    /// A file without any polygon.
    #[error("no Polygon found: {found}")]
    NoPolygon {
        /// What the file holds instead.
        found: String,
    },
    /// A KML coordinate tuple that is not `lon,lat[,alt]` or out of range.
    #[error("line {line}: <coordinates> tuple {index} '{text}': expected {expected}")]
    KmlCoordinates {
        /// Line of the `<coordinates>` element.
        line: usize,
        /// 1-based tuple number.
        index: usize,
        /// The tuple as found.
        text: String,
        /// What a tuple must be.
        expected: &'static str,
    },
    /// A KML polygon ring with too few points or a polygon without outer boundary.
    #[error("line {line}: {reason}")]
    KmlPolygon {
        /// Line of the `<Polygon>` element.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// A KMZ that cannot be opened as a zip archive.
    #[error("not a readable KMZ (zip) archive: {message}")]
    Zip {
        /// The zip reader's message.
        message: String,
    },
    /// A KMZ with more entries than any real KMZ has.
    #[error("the KMZ archive has {count} entries; more than {limit} are refused (zip bomb?)")]
    TooManyEntries {
        /// Entries found.
        count: u64,
        /// The limit.
        limit: u64,
    },
    /// A KMZ entry that decompresses to more than the limit.
    #[error(
        "KMZ entry '{name}': {size} bytes uncompressed ({which}); more than {limit} are \
         refused (zip bomb?)"
    )]
    EntryTooLarge {
        /// Entry name.
        name: String,
        /// Declared size, or bytes read before stopping.
        size: u64,
        /// "declared" or "actual, still growing".
        which: &'static str,
        /// The limit.
        limit: u64,
    },
    /// A KMZ without a `.kml` entry.
    #[error("the KMZ archive has no .kml file (entries: {entries})")]
    NoKmlInKmz {
        /// Entry names found (shortened).
        entries: String,
    },
    /// Bytes that are not UTF-8 text.
    #[error("{what} is not UTF-8 text (byte {offset})")]
    NotUtf8 {
        /// The file or KMZ entry.
        what: String,
        /// Offset of the first bad byte.
        offset: usize,
    },
    /// Text that is not JSON.
    #[error("line {line}, column {column}: not valid JSON ({message})")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// A GeoJSON value of the wrong type or out of range.
    #[error("{path}: expected {expected}, found {found}")]
    GeoJson {
        /// JSON path (`features[2].geometry.coordinates[0][5][1]`).
        path: String,
        /// What the value should be.
        expected: String,
        /// What it is.
        found: String,
    },
    /// A .plan that could not be read.
    #[error("reading the .plan: {0}")]
    Plan(#[from] plan::PlanError),
    /// A WPL fence file that could not be read.
    #[error("reading the fence file: {0}")]
    Wpl(#[from] wpl::WplError),
    /// Fence items that do not form polygons.
    #[error("reading the fence: {0}")]
    Fence(#[from] DocumentError),
    /// A mission or fence file that holds no polygon usable as a boundary.
    #[error("{what} holds no boundary: {reason}")]
    NoBoundary {
        /// The kind of file.
        what: &'static str,
        /// What it holds instead.
        reason: String,
    },
    /// Content of no known boundary format.
    #[error("{file_name}: {reason}")]
    UnknownFormat {
        /// The file name given.
        file_name: String,
        /// What was expected and found.
        reason: String,
    },
}

/// Reads a field boundary from a file's bytes, whatever its format (see the module doc).
/// `file_name` is only used to word the error when the content fits no format.
pub fn read_boundary(bytes: &[u8], file_name: &str) -> Result<Vec<Area>, BoundaryError> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return kml::read_kmz(bytes);
    }
    let text = std::str::from_utf8(bytes).map_err(|e| BoundaryError::NotUtf8 {
        what: file_name.to_owned(),
        offset: e.valid_up_to(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let body = text.trim_start();
    if body.starts_with('<') {
        return kml::read_kml(text);
    }
    if body.starts_with('{') {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| BoundaryError::Json {
                line: e.line(),
                column: e.column(),
                message: e.to_string(),
            })?;
        if plan::is_plan_object(&value) {
            return plan_boundary(&plan::read_plan_value(&value)?);
        }
        return geojson::read_geojson_value(&value);
    }
    match wpl::parse(text) {
        Ok(f) if f.mission_type == MissionType::Fence => {
            fence_boundary(&Fence::from_items(&f.items)?).map_err(|reason| {
                BoundaryError::NoBoundary {
                    what: "the fence file",
                    reason,
                }
            })
        }
        Ok(f) => Err(BoundaryError::NoBoundary {
            what: "this QGC WPL file",
            reason: format!(
                "it is a {} list of {} items, not a fence; save the fence (or the survey \
                 polygon) instead",
                f.mission_type,
                f.items.len()
            ),
        }),
        Err(wpl::WplError::MissingHeader { .. } | wpl::WplError::Empty) => {
            Err(unknown(file_name, body))
        }
        Err(e) => Err(e.into()),
    }
}

fn unknown(file_name: &str, body: &str) -> BoundaryError {
    let first: String = body.lines().next().unwrap_or("").chars().take(40).collect();
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let expected = match ext.as_str() {
        "kml" => "KML (XML starting with '<')",
        "kmz" => "a KMZ (zip archive starting with 'PK')",
        "geojson" | "json" => "GeoJSON (a JSON object starting with '{')",
        "plan" => "a QGroundControl .plan (a JSON object starting with '{')",
        "waypoints" | "txt" | "fen" => "a QGC WPL fence file ('QGC WPL 110' first line)",
        "shp" | "shx" | "dbf" => {
            "KML, KMZ or GeoJSON (shapefiles are not supported: export the layer as GeoJSON)"
        }
        _ => "KML, KMZ, GeoJSON, a .plan or a QGC WPL fence file",
    };
    let found = if first.is_empty() {
        "an empty file".to_owned()
    } else {
        format!("'{first}'")
    };
    BoundaryError::UnknownFormat {
        file_name: file_name.to_owned(),
        reason: format!("expected {expected}, found {found}"),
    }
}

/// The boundary of a plan: its survey polygons, else its fence.
pub fn plan_boundary(doc: &MissionDocument) -> Result<Vec<Area>, BoundaryError> {
    let surveys: Vec<Area> = doc
        .complex
        .iter()
        .filter_map(|c| match &c.kind {
            ComplexKind::Survey(r) if dedup_ring(&r.polygon).len() >= 3 => {
                Some(Area::new(r.polygon.clone()))
            }
            _ => None,
        })
        .collect();
    if !surveys.is_empty() {
        return Ok(surveys);
    }
    fence_boundary(&doc.fence).map_err(|reason| BoundaryError::NoBoundary {
        what: "the mission file",
        reason: format!("it has no survey polygon and {reason}"),
    })
}

/// Inclusion polygons as areas, each with the exclusion polygons inside it as holes. A fence
/// polygon with fewer than 3 distinct points is refused, as the KML and GeoJSON readers refuse
/// such a ring (fence files allow repeated points: `2 1` on every line of a legacy fence).
pub(crate) fn fence_boundary(fence: &Fence) -> Result<Vec<Area>, String> {
    for (n, p) in fence.polygons.iter().enumerate() {
        let distinct = dedup_ring(&p.points).len();
        if distinct < 3 {
            return Err(format!(
                "its fence polygon {} ({}) has {distinct} distinct point(s); a polygon needs at \
                 least 3",
                n + 1,
                if p.inclusion {
                    "inclusion"
                } else {
                    "exclusion"
                }
            ));
        }
    }
    let exclusions: Vec<&Ring> = fence
        .polygons
        .iter()
        .filter(|p| !p.inclusion)
        .map(|p| &p.points)
        .collect();
    let areas: Vec<Area> = fence
        .polygons
        .iter()
        .filter(|p| p.inclusion)
        .map(|p| Area {
            outer: p.points.clone(),
            holes: exclusions
                .iter()
                .filter(|h| h.iter().all(|q| inside(&p.points, *q)))
                .map(|h| (*h).clone())
                .collect(),
        })
        .collect();
    if areas.is_empty() {
        Err(format!(
            "no inclusion polygon in its fence ({} exclusion polygons, {} circles)",
            exclusions.len(),
            fence.circles.len()
        ))
    } else {
        Ok(areas)
    }
}

/// Point in polygon (even-odd rule on longitude/latitude; fine for field-sized polygons).
fn inside(ring: &[LatLon], p: LatLon) -> bool {
    let mut result = false;
    let n = ring.len();
    for i in 0..n {
        let (Some(a), Some(b)) = (ring.get(i), ring.get((i + n - 1) % n)) else {
            continue;
        };
        if (a.lat_deg > p.lat_deg) != (b.lat_deg > p.lat_deg) {
            let x = a.lon_deg
                + (p.lat_deg - a.lat_deg) * (b.lon_deg - a.lon_deg) / (b.lat_deg - a.lat_deg);
            if p.lon_deg < x {
                result = !result;
            }
        }
    }
    result
}
