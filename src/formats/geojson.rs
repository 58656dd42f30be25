//! GeoJSON (RFC 7946) boundaries: fields exported from a GIS or a farm-management system,
//! and our own export of survey areas for the same tools.
//!
//! Reading accepts a FeatureCollection, a Feature, a GeometryCollection or a bare geometry.
//! Every Polygon becomes an [`Area`] (first ring the boundary, further rings holes) and every
//! MultiPolygon one area per polygon, in document order. Positions are `[lon, lat]` (an
//! altitude or more is ignored); the closing position is removed; an unclosed ring is
//! accepted. Other geometry types inside a collection are skipped when the collection also
//! has polygons, and are an error naming what was found otherwise; a bare non-polygon geometry
//! or Feature is an error. Errors give the JSON path of the bad value
//! (`features[2].geometry.coordinates[0][5][1]`).
//!
//! Writing produces a FeatureCollection with one Feature per area, exterior rings
//! counter-clockwise and holes clockwise, rings closed, as RFC 7946 asks.

use crate::formats::boundary::BoundaryError;
use crate::formats::kml_write::oriented;
use crate::formats::plan_json::{self as pj, JsonIssue};
use crate::geo::LatLon;
use crate::plan::area::{Area, Ring, dedup_ring};
use serde_json::{Value, json};

impl From<JsonIssue> for BoundaryError {
    fn from(i: JsonIssue) -> Self {
        BoundaryError::GeoJson {
            path: i.path,
            expected: i.expected,
            found: i.found,
        }
    }
}

/// Reads the polygons of a GeoJSON document.
pub fn read_geojson(text: &str) -> Result<Vec<Area>, BoundaryError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let v: Value = serde_json::from_str(text).map_err(|e| BoundaryError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    read_geojson_value(&v)
}

#[derive(Default)]
struct Found {
    areas: Vec<Area>,
    others: Vec<(String, String)>,
}

const TYPES: &str = "a GeoJSON type (FeatureCollection, Feature, GeometryCollection, Polygon, \
                     MultiPolygon, Point, LineString, ...)";

/// Reads an already parsed GeoJSON document.
pub(crate) fn read_geojson_value(v: &Value) -> Result<Vec<Area>, BoundaryError> {
    let mut found = Found::default();
    visit(v, "", &mut found)?;
    if !found.areas.is_empty() {
        return Ok(found.areas);
    }
    let bare = v
        .as_object()
        .and_then(|o| o.get("type"))
        .and_then(Value::as_str);
    if let (Some(t), [(_, path)]) = (bare, found.others.as_slice())
        && t != "FeatureCollection"
        && t != "GeometryCollection"
    {
        return Err(BoundaryError::GeoJson {
            path: pj::key_path(path, "type"),
            expected: "a Polygon or MultiPolygon".to_owned(),
            found: found
                .others
                .first()
                .map_or_else(String::new, |(t, _)| format!("a {t}")),
        });
    }
    let mut counts: Vec<(String, usize)> = Vec::new();
    for (t, _) in &found.others {
        match counts.iter_mut().find(|(n, _)| n == t) {
            Some((_, c)) => *c += 1,
            None => counts.push((t.clone(), 1)),
        }
    }
    let what: Vec<String> = counts
        .iter()
        .map(|(t, n)| {
            if *n == 1 {
                format!("1 {t}")
            } else {
                format!("{n} {t}s")
            }
        })
        .collect();
    Err(BoundaryError::NoPolygon {
        found: if what.is_empty() {
            "the GeoJSON has no geometry at all".to_owned()
        } else {
            format!(
                "the GeoJSON has {} but no Polygon or MultiPolygon",
                what.join(", ")
            )
        },
    })
}

fn visit(v: &Value, path: &str, found: &mut Found) -> Result<(), BoundaryError> {
    let obj = pj::object(
        v,
        if path.is_empty() {
            "the document"
        } else {
            path
        },
    )?;
    let (t, tp) = pj::field(obj, path, "type", TYPES)?;
    let list = |key: &str, what: &str| -> Result<(&Vec<Value>, String), BoundaryError> {
        let (a, ap) = pj::field(obj, path, key, what)?;
        Ok((pj::array(a, &ap, what)?, ap))
    };
    match pj::text(t, &tp, TYPES)? {
        "FeatureCollection" => {
            let (features, fp) = list("features", "an array of Features")?;
            for (i, f) in features.iter().enumerate() {
                visit(f, &pj::index_path(&fp, i), found)?;
            }
        }
        "GeometryCollection" => {
            let (geoms, gp) = list("geometries", "an array of geometries")?;
            for (i, g) in geoms.iter().enumerate() {
                visit(g, &pj::index_path(&gp, i), found)?;
            }
        }
        "Feature" => match obj.get("geometry") {
            None | Some(Value::Null) => found
                .others
                .push(("empty Feature".to_owned(), path.to_owned())),
            Some(g) => visit(g, &pj::key_path(path, "geometry"), found)?,
        },
        "Polygon" => {
            let (rings, rp) = list("coordinates", "an array of linear rings")?;
            found.areas.push(polygon(rings, &rp)?);
        }
        "MultiPolygon" => {
            let (polys, pp) = list("coordinates", "an array of polygons")?;
            for (i, p) in polys.iter().enumerate() {
                let ip = pj::index_path(&pp, i);
                found.areas.push(polygon(
                    pj::array(p, &ip, "an array of linear rings")?,
                    &ip,
                )?);
            }
        }
        t @ ("Point" | "MultiPoint" | "LineString" | "MultiLineString") => {
            found.others.push((t.to_owned(), path.to_owned()));
        }
        _ => return Err(pj::issue(&tp, TYPES, t).into()),
    }
    Ok(())
}

fn polygon(rings: &[Value], path: &str) -> Result<Area, BoundaryError> {
    let mut out = Vec::with_capacity(rings.len());
    for (i, r) in rings.iter().enumerate() {
        out.push(ring(r, &pj::index_path(path, i))?);
    }
    let mut it = out.into_iter();
    let Some(outer) = it.next() else {
        return Err(BoundaryError::GeoJson {
            path: path.to_owned(),
            expected: "at least one linear ring (the exterior)".to_owned(),
            found: "an empty array".to_owned(),
        });
    };
    Ok(Area {
        outer,
        holes: it.collect(),
    })
}

fn ring(v: &Value, path: &str) -> Result<Ring, BoundaryError> {
    const RING: &str = "a linear ring: an array of [lon, lat] positions";
    let positions = pj::array(v, path, RING)?;
    let mut points = Vec::with_capacity(positions.len());
    for (i, p) in positions.iter().enumerate() {
        let pp = pj::index_path(path, i);
        let a = pj::array(p, &pp, "a position [lon, lat]")?;
        let (Some(lon), Some(lat)) = (a.first(), a.get(1)) else {
            return Err(pj::issue(&pp, "a position [lon, lat]", p).into());
        };
        let lon = pj::longitude(lon, &pj::index_path(&pp, 0))?;
        let lat = pj::latitude(lat, &pj::index_path(&pp, 1))?;
        points.push(LatLon::new(lat, lon));
    }
    if points.len() >= 2 && points.first() == points.last() {
        points.pop();
    }
    let distinct = dedup_ring(&points).len();
    if distinct < 3 {
        return Err(BoundaryError::GeoJson {
            path: path.to_owned(),
            expected: "a linear ring with at least 3 distinct positions".to_owned(),
            found: format!("{distinct} distinct positions"),
        });
    }
    Ok(points)
}

fn ring_value(ring: &[LatLon], ccw: bool) -> Value {
    let r = oriented(ring, ccw);
    Value::Array(
        r.iter()
            .chain(r.first())
            .map(|p| json!([pj::f64_value(p.lon_deg), pj::f64_value(p.lat_deg)]))
            .collect(),
    )
}

/// Writes areas as a GeoJSON FeatureCollection (RFC 7946 winding, closed rings).
pub fn write_geojson(areas: &[Area]) -> String {
    let features: Vec<Value> = areas
        .iter()
        .map(|a| {
            let rings: Vec<Value> = std::iter::once(ring_value(&a.outer, true))
                .chain(a.holes.iter().map(|h| ring_value(h, false)))
                .collect();
            json!({
                "type": "Feature",
                "properties": {},
                "geometry": { "type": "Polygon", "coordinates": rings },
            })
        })
        .collect();
    let doc = json!({ "type": "FeatureCollection", "features": features });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| doc.to_string());
    s.push('\n');
    s
}
