//! KML boundary import (and, in `kml_write`/`kml_kmz`, export and KMZ): operators draw fields
//! in Google Earth, QGroundControl or Mission Planner and bring them as KML or KMZ files.
//!
//! # Conventions
//! - Every `<Polygon>` anywhere (Document, Folder, Placemark, MultiGeometry; with or without a
//!   `kml:` prefix, KML 2.0–2.2) becomes one [`Area`], in document order: `outerBoundaryIs`
//!   → `outer`, each `innerBoundaryIs` → a hole. Coordinates are `lon,lat[,alt]` tuples
//!   separated by any whitespace (spaces around the commas, as some writers put them, are
//!   tolerated); altitudes are dropped; the closing point that repeats the first is removed.
//! - A file without any Polygon is an error that says what it holds instead ("22 Points and 4
//!   LineStrings but no Polygon"). One exception, because Mission Planner and hand-drawn
//!   Google Earth paths often store a field as a path: if the file has no Polygon and exactly
//!   one *closed* LineString (last point = first, at least 3 distinct points), that line is
//!   taken as the boundary. Two or more closed LineStrings are ambiguous and stay an error
//!   naming them.
//! - Malformed XML is an error with line and column: mismatched or unclosed tags, text or a
//!   second element outside the root, an XML declaration that is not at the very start. A
//!   well-formed file whose root is not `<kml>` is refused as "not KML".

use crate::formats::boundary::BoundaryError;
use crate::geo::LatLon;
use crate::plan::area::{Area, Ring, dedup_ring};
use quick_xml::events::Event;

pub use crate::formats::kml_kmz::{MAX_KMZ_ENTRIES, MAX_KMZ_ENTRY_BYTES, read_kmz};
pub use crate::formats::kml_write::write_kml;

/// What a coordinate tuple must be.
const TUPLE: &str = "lon,lat[,alt] with lon within -180..180 and lat within -90..90";

/// Reads the polygons of a KML document (see the module doc).
pub fn read_kml(text: &str) -> Result<Vec<Area>, BoundaryError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let scan = scan(text)?;
    if !scan.polygons.is_empty() {
        return Ok(scan.polygons);
    }
    let closed: Vec<&LineInfo> = scan.lines.iter().filter(|l| l.closed).collect();
    if let [only] = closed.as_slice() {
        return Ok(vec![Area::new(dedup_ring(&only.points))]);
    }
    Err(BoundaryError::NoPolygon {
        found: describe_found(&scan, &closed),
    })
}

struct LineInfo {
    name: Option<String>,
    points: Vec<LatLon>,
    closed: bool,
}

struct PolygonBuilder {
    line: usize,
    outer: Option<Ring>,
    holes: Vec<Ring>,
}

#[derive(Default)]
struct Scan {
    polygons: Vec<Area>,
    points: usize,
    lines: Vec<LineInfo>,
    other: Vec<(String, usize)>,
}

impl Scan {
    fn count_other(&mut self, name: &str) {
        match self.other.iter_mut().find(|(n, _)| n == name) {
            Some((_, c)) => *c += 1,
            None => self.other.push((name.to_owned(), 1)),
        }
    }
}

fn line_col(text: &str, pos: u64) -> (usize, usize) {
    let pos = usize::try_from(pos).unwrap_or(usize::MAX).min(text.len());
    let before = text.as_bytes().get(..pos).unwrap_or_default();
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let col = before.iter().rev().take_while(|b| **b != b'\n').count() + 1;
    (line, col)
}

fn xml_error(text: &str, pos: u64, message: impl Into<String>) -> BoundaryError {
    let (line, column) = line_col(text, pos);
    BoundaryError::Xml {
        line,
        column,
        message: message.into(),
    }
}

fn shorten(s: &str) -> String {
    let short: String = s.chars().take(40).collect();
    if short.len() < s.len() {
        format!("{short}...")
    } else {
        short
    }
}

/// One pass over the XML: polygons, and what else there is for the error message.
fn scan(text: &str) -> Result<Scan, BoundaryError> {
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().trim_text(true);
    let mut st = State::default();
    let mut seen_root = false;
    let mut first_event = true;
    loop {
        // Where the next event starts: trimmed whitespace is skipped so lines point at tags.
        let start = reader.buffer_position();
        let skipped = usize::try_from(start)
            .ok()
            .and_then(|i| text.as_bytes().get(i..))
            .map_or(0, |rest| {
                rest.iter().take_while(|b| b.is_ascii_whitespace()).count()
            });
        let start = start + skipped as u64;
        let event = reader
            .read_event()
            .map_err(|e| xml_error(text, reader.error_position(), e.to_string()))?;
        let is_first = std::mem::replace(&mut first_event, false);
        let (line, _) = line_col(text, start);
        match event {
            Event::Decl(_) if !is_first => {
                return Err(xml_error(
                    text,
                    start,
                    "the XML declaration <?xml ...?> must be at the very start of the file",
                ));
            }
            Event::Start(ref e) | Event::Empty(ref e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if st.stack.is_empty() {
                    if seen_root {
                        return Err(xml_error(
                            text,
                            start,
                            format!("a second root element <{name}> after the end of the first"),
                        ));
                    }
                    seen_root = true;
                    if name != "kml" {
                        return Err(BoundaryError::NotKml { found: name });
                    }
                }
                let empty = matches!(event, Event::Empty(_));
                st.open(&name, line);
                if empty {
                    st.close(&name)?;
                } else {
                    st.stack.push(name);
                }
            }
            Event::End(_) => {
                let Some(name) = st.stack.pop() else {
                    return Err(xml_error(
                        text,
                        start,
                        "a closing tag without an opening tag",
                    ));
                };
                st.close(&name)?;
            }
            Event::Text(t) => {
                let s = t
                    .decode()
                    .map_err(|e| xml_error(text, start, e.to_string()))?;
                if st.stack.is_empty() {
                    return Err(xml_error(
                        text,
                        start,
                        format!("text '{}' outside the root element", shorten(s.trim())),
                    ));
                }
                if let Some((b, _)) = st.buffer.as_mut() {
                    b.push_str(&s);
                }
            }
            Event::CData(t) => {
                if let Some((b, _)) = st.buffer.as_mut() {
                    b.push_str(&String::from_utf8_lossy(&t.into_inner()));
                }
            }
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match r.decode().as_deref() {
                        Ok("amp") => Some('&'),
                        Ok("lt") => Some('<'),
                        Ok("gt") => Some('>'),
                        Ok("quot") => Some('"'),
                        Ok("apos") => Some('\''),
                        _ => None,
                    },
                };
                match (c, st.buffer.as_mut()) {
                    (Some(c), Some((b, _))) => b.push(c),
                    (Some(_), None) => {}
                    (None, _) => {
                        return Err(xml_error(text, start, "an unknown entity reference"));
                    }
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if let Some(open) = st.stack.last() {
        return Err(xml_error(
            text,
            text.len() as u64,
            format!("the file ends inside <{open}> (unclosed element)"),
        ));
    }
    if !seen_root {
        return Err(xml_error(text, 0, "no root element"));
    }
    Ok(st.out)
}

/// Reader state: open elements, the polygon being built, text being collected.
#[derive(Default)]
struct State {
    stack: Vec<String>,
    out: Scan,
    polygon: Option<PolygonBuilder>,
    /// Text of a `<coordinates>` or Placemark `<name>` element, with its line.
    buffer: Option<(String, usize)>,
    placemark_name: Option<String>,
}

impl State {
    fn open(&mut self, name: &str, line: usize) {
        let Self {
            stack,
            out,
            polygon,
            buffer,
            placemark_name,
        } = self;
        let parent = stack.last().map(String::as_str);
        match name {
            "Polygon" => {
                *polygon = Some(PolygonBuilder {
                    line,
                    outer: None,
                    holes: Vec::new(),
                });
            }
            "coordinates" => *buffer = Some((String::new(), line)),
            "name" if parent == Some("Placemark") => *buffer = Some((String::new(), line)),
            "Placemark" => *placemark_name = None,
            "Point" => out.points += 1,
            "Model" | "Track" | "MultiTrack" => out.count_other(name),
            _ => {}
        }
    }

    fn close(&mut self, name: &str) -> Result<(), BoundaryError> {
        let Self {
            stack,
            out,
            polygon,
            buffer,
            placemark_name,
        } = self;
        let parent = stack.last().map(String::as_str);
        let grandparent = stack.len().checked_sub(2).and_then(|i| stack.get(i));
        match name {
            "name" if parent == Some("Placemark") => {
                if let Some((b, _)) = buffer.take() {
                    *placemark_name = Some(b.trim().to_owned());
                }
            }
            "coordinates" => {
                let (b, line) = buffer.take().unwrap_or_default();
                let points = parse_coordinates(&b, line)?;
                match (parent, grandparent.map(String::as_str), polygon.as_mut()) {
                    (Some("LinearRing"), Some("outerBoundaryIs"), Some(p)) => {
                        p.outer = Some(open_ring(points));
                    }
                    (Some("LinearRing"), Some("innerBoundaryIs"), Some(p)) => {
                        p.holes.push(open_ring(points));
                    }
                    (Some("LineString"), ..) => {
                        let closed = points.len() >= 4
                            && points.first() == points.last()
                            && dedup_ring(&points).len() >= 3;
                        out.lines.push(LineInfo {
                            name: placemark_name.clone(),
                            points,
                            closed,
                        });
                    }
                    (Some("LinearRing"), _, None) => out.count_other("LinearRing"),
                    _ => {}
                }
            }
            "Polygon" => {
                if let Some(p) = polygon.take() {
                    out.polygons.push(finish_polygon(p)?);
                }
            }
            _ => {}
        }
        Ok(())
    }
}

fn open_ring(mut points: Vec<LatLon>) -> Ring {
    if points.len() >= 2 && points.first() == points.last() {
        points.pop();
    }
    points
}

fn finish_polygon(p: PolygonBuilder) -> Result<Area, BoundaryError> {
    let Some(outer) = p.outer else {
        return Err(BoundaryError::KmlPolygon {
            line: p.line,
            reason: "<Polygon> without <outerBoundaryIs><LinearRing><coordinates>".to_owned(),
        });
    };
    let check = |ring: &Ring, which: String| {
        let n = dedup_ring(ring).len();
        if n < 3 {
            Err(BoundaryError::KmlPolygon {
                line: p.line,
                reason: format!(
                    "{which} of the <Polygon> has {n} distinct points; a polygon needs at least 3"
                ),
            })
        } else {
            Ok(())
        }
    };
    check(&outer, "the outer boundary".to_owned())?;
    for (i, h) in p.holes.iter().enumerate() {
        check(h, format!("inner boundary {}", i + 1))?;
    }
    Ok(Area {
        outer,
        holes: p.holes,
    })
}

/// Parses `lon,lat[,alt]` tuples separated by whitespace.
pub(crate) fn parse_coordinates(text: &str, line: usize) -> Result<Vec<LatLon>, BoundaryError> {
    // Remove whitespace around commas so "lon, lat, alt" stays one tuple.
    let mut joined = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            pending_space = true;
        } else {
            if pending_space && c != ',' && !joined.ends_with(',') && !joined.is_empty() {
                joined.push(' ');
            }
            pending_space = false;
            joined.push(c);
        }
    }
    joined
        .split(' ')
        .filter(|t| !t.is_empty())
        .enumerate()
        .map(|(i, tuple)| {
            let bad = || BoundaryError::KmlCoordinates {
                line,
                index: i + 1,
                text: shorten(tuple),
                expected: TUPLE,
            };
            let parts: Vec<&str> = tuple.split(',').collect();
            let (Some(lon), Some(lat), 2..=3) = (parts.first(), parts.get(1), parts.len()) else {
                return Err(bad());
            };
            let (Ok(lon), Ok(lat)) = (lon.parse::<f64>(), lat.parse::<f64>()) else {
                return Err(bad());
            };
            if let Some(alt) = parts.get(2)
                && alt.parse::<f64>().is_err()
            {
                return Err(bad());
            }
            let p = LatLon::new(lat, lon);
            if p.is_valid() { Ok(p) } else { Err(bad()) }
        })
        .collect()
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn describe_found(scan: &Scan, closed: &[&LineInfo]) -> String {
    let mut parts = Vec::new();
    if scan.points > 0 {
        parts.push(plural(scan.points, "Point"));
    }
    if !scan.lines.is_empty() {
        parts.push(plural(scan.lines.len(), "LineString"));
    }
    for (name, n) in &scan.other {
        parts.push(plural(*n, name));
    }
    let mut s = match parts.split_last() {
        None => "the file has no geometry at all (no Placemark with a Polygon, LineString or \
                 Point)"
            .to_owned(),
        Some((last, [])) => format!("the file has {last} but no Polygon"),
        Some((last, rest)) => format!("the file has {} and {last} but no Polygon", rest.join(", ")),
    };
    if closed.len() > 1 {
        let names: Vec<String> = closed
            .iter()
            .map(|l| format!("'{}'", l.name.as_deref().unwrap_or("unnamed")))
            .collect();
        s.push_str(&format!(
            "; {} LineStrings are closed ({}), so which one is the field is ambiguous: draw the \
             field as a polygon, or keep only its line",
            closed.len(),
            names.join(", ")
        ));
    } else {
        s.push_str("; draw the field as a polygon (a closed path is also accepted)");
    }
    s
}
