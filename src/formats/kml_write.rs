//! KML export of survey areas, for checking a field in Google Earth or handing it to another
//! ground station. Plain OGC KML 2.2 (no Google `gx:` extensions), valid against the
//! `ogckml22.xsd` schema: one Placemark per area, a Polygon with `tessellate` 1 so the outline
//! follows the terrain, the outer ring counter-clockwise and holes clockwise (the right-hand
//! rule KML asks for), rings closed, coordinates `lon,lat` in the shortest form that reads back
//! to the same number.

use crate::geo::LatLon;
use crate::plan::area::Area;
use std::fmt::Write as _;

/// Signed area of a ring in degrees² (positive when counter-clockwise on a lon/lat plot).
pub(crate) fn signed_area_deg2(ring: &[LatLon]) -> f64 {
    let n = ring.len();
    (0..n)
        .filter_map(|i| Some((ring.get(i)?, ring.get((i + 1) % n)?)))
        .map(|(a, b)| a.lon_deg * b.lat_deg - b.lon_deg * a.lat_deg)
        .sum::<f64>()
        / 2.0
}

/// The ring in the wanted orientation, first point kept first.
pub(crate) fn oriented(ring: &[LatLon], counter_clockwise: bool) -> Vec<LatLon> {
    let ccw = signed_area_deg2(ring) > 0.0;
    let mut v = ring.to_vec();
    if ccw != counter_clockwise
        && let Some(tail) = v.get_mut(1..)
    {
        tail.reverse();
    }
    v
}

pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn ring_kml(out: &mut String, ring: &[LatLon], ccw: bool, tag: &str) {
    let ring = oriented(ring, ccw);
    let _ = write!(
        out,
        "        <{tag}>\n          <LinearRing>\n            <coordinates>"
    );
    for p in ring.iter().chain(ring.first()) {
        let _ = write!(out, "{},{} ", p.lon_deg, p.lat_deg);
    }
    if out.ends_with(' ') {
        out.pop();
    }
    let _ = write!(
        out,
        "</coordinates>\n          </LinearRing>\n        </{tag}>\n"
    );
}

/// Writes areas as a KML document named `name`, one Placemark per area ("name 1", "name 2",
/// … when there are several).
pub fn write_kml(areas: &[Area], name: &str) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <kml xmlns=\"http://www.opengis.net/kml/2.2\">\n  <Document>\n",
    );
    let _ = writeln!(out, "    <name>{}</name>", escape(name));
    out.push_str(
        "    <Style id=\"boundary\">\n      <LineStyle><color>ff00ffff</color><width>2</width>\
         </LineStyle>\n      <PolyStyle><color>4000ffff</color></PolyStyle>\n    </Style>\n",
    );
    for (i, area) in areas.iter().enumerate() {
        let label = if areas.len() == 1 {
            name.to_owned()
        } else {
            format!("{name} {}", i + 1)
        };
        let _ = write!(
            out,
            "    <Placemark>\n      <name>{}</name>\n      <styleUrl>#boundary</styleUrl>\n      \
             <Polygon>\n        <tessellate>1</tessellate>\n",
            escape(&label)
        );
        let mut body = String::new();
        ring_kml(&mut body, &area.outer, true, "outerBoundaryIs");
        for h in &area.holes {
            ring_kml(&mut body, h, false, "innerBoundaryIs");
        }
        for line in body.lines() {
            let _ = writeln!(out, "  {line}");
        }
        out.push_str("      </Polygon>\n    </Placemark>\n");
    }
    out.push_str("  </Document>\n</kml>\n");
    out
}
