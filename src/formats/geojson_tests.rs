//! Tests of GeoJSON import and export, and the random areas other boundary tests share.

use crate::formats::boundary::BoundaryError;
use crate::formats::geojson::{read_geojson, write_geojson};
use crate::formats::kml_write::{oriented, signed_area_deg2};
use crate::geo::LatLon;
use crate::plan::area::Area;
use proptest::prelude::*;
use serde_json::{Value, json};

fn err(v: Value) -> String {
    read_geojson(&v.to_string()).unwrap_err().to_string()
}

fn square(lon: f64, lat: f64, d: f64) -> Value {
    json!([
        [lon, lat],
        [lon + d, lat],
        [lon + d, lat + d],
        [lon, lat + d],
        [lon, lat]
    ])
}

#[test]
fn collections_features_and_bare_geometries() {
    let fc = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "pond field"},
         "geometry": {"type": "Polygon", "coordinates": [square(74.0, 42.0, 0.01), square(74.004, 42.004, 0.001)]}},
        {"type": "Feature", "properties": null, "geometry": {"type": "Point", "coordinates": [74.0, 42.0]}},
        {"type": "Feature", "properties": {}, "geometry": null},
        {"type": "Feature", "properties": {}, "geometry": {"type": "MultiPolygon", "coordinates": [
            [square(75.0, 43.0, 0.01)], [square(76.0, 44.0, 0.01)]]}},
    ]});
    let areas = read_geojson(&fc.to_string()).expect("reads");
    assert_eq!(areas.len(), 3);
    assert_eq!(
        (areas[0].outer.len(), areas[0].holes.len()),
        (4, 1),
        "closing position removed"
    );
    assert_eq!(
        areas[0].outer[1],
        LatLon::new(42.0, 74.01),
        "[lon, lat] order"
    );
    assert_eq!(areas[2].outer[0], LatLon::new(44.0, 76.0));

    let bare =
        json!({"type": "Polygon", "coordinates": [square(74.0, 42.0, 0.01)], "bbox": [0, 0, 1, 1]});
    assert_eq!(read_geojson(&bare.to_string()).expect("bare").len(), 1);
    let feature = json!({"type": "Feature", "properties": {}, "geometry": bare});
    assert_eq!(
        read_geojson(&feature.to_string()).expect("feature").len(),
        1
    );
    let gc = json!({"type": "GeometryCollection", "geometries": [bare, {"type": "LineString", "coordinates": [[1, 2], [3, 4]]}]});
    assert_eq!(read_geojson(&gc.to_string()).expect("collection").len(), 1);
    let with_alt = json!({"type": "Polygon", "coordinates": [[[74.0, 42.0, 800], [74.1, 42.0, 810], [74.1, 42.1, 805]]]});
    assert_eq!(
        read_geojson(&with_alt.to_string())
            .expect("3D positions")
            .len(),
        1
    );
    assert_eq!(
        read_geojson(&format!("\u{feff}{bare}")).expect("BOM").len(),
        1
    );
}

#[test]
fn other_geometries_and_bad_values_are_named() {
    assert_eq!(
        err(json!({"type": "LineString", "coordinates": [[1, 2], [3, 4]]})),
        "type: expected a Polygon or MultiPolygon, found a LineString"
    );
    assert_eq!(
        err(json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 2]}},
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 3]}},
            {"type": "Feature", "geometry": null}]})),
        "no Polygon found: the GeoJSON has 2 Points, 1 empty Feature but no Polygon or MultiPolygon"
    );
    let mut bad = square(74.0, 42.0, 0.01);
    bad[2][1] = json!(95);
    assert_eq!(
        err(
            json!({"type": "FeatureCollection", "features": [{"type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [bad]}}]})
        ),
        "features[0].geometry.coordinates[0][2][1]: expected a latitude within -90..90 degrees, \
         found 95"
    );
    assert_eq!(
        err(json!({"type": "Polygon", "coordinates": [[[74, 42], "74,43", [75, 43]]]})),
        "coordinates[0][1]: expected a position [lon, lat], found the text \"74,43\""
    );
    assert_eq!(
        err(json!({"type": "Polygon", "coordinates": [[[74, 42], [75, 43], [74, 42]]]})),
        "coordinates[0]: expected a linear ring with at least 3 distinct positions, found 2 \
         distinct positions"
    );
    assert_eq!(
        err(json!({"type": "Polygon", "coordinates": []})),
        "coordinates: expected at least one linear ring (the exterior), found an empty array"
    );
    assert!(err(json!({"type": "Polygonz"})).starts_with("type: expected a GeoJSON type"));
    assert!(err(json!({"features": []})).starts_with("type: expected a GeoJSON type"));
    let e = read_geojson("{\"type\": \"Polygon\",\n \"coordinates\": [").unwrap_err();
    assert!(matches!(e, BoundaryError::Json { line: 2, .. }), "{e}");
}

#[test]
fn written_geojson_follows_rfc_7946() {
    let o = LatLon::new(42.0, 74.0);
    let cw = vec![
        o,
        LatLon::new(42.01, 74.0),
        LatLon::new(42.01, 74.01),
        LatLon::new(42.0, 74.01),
    ];
    let hole_ccw = vec![
        LatLon::new(42.002, 74.002),
        LatLon::new(42.002, 74.004),
        LatLon::new(42.004, 74.004),
    ];
    let text = write_geojson(&[Area::new(cw).with_hole(hole_ccw)]);
    let v: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(v["type"], "FeatureCollection");
    let rings = &v["features"][0]["geometry"]["coordinates"];
    assert_eq!(rings[0][0], rings[0][4], "closed ring");
    assert_eq!(
        rings[0][0],
        json!([74.0, 42.0]),
        "[lon, lat], first vertex kept"
    );
    let back = read_geojson(&text).expect("reads");
    assert!(
        signed_area_deg2(&back[0].outer) > 0.0,
        "exterior counter-clockwise"
    );
    assert!(signed_area_deg2(&back[0].holes[0]) < 0.0, "hole clockwise");
}

#[test]
fn every_double_reads_back_exactly() {
    // Found by the waypoints_file and plan_file fuzz targets: -15.3636215° from a fence file
    // (-153636215e-7 is -15.363621499999999) was written in full but read back one unit in
    // the last place off until serde_json parsed floats exactly (its float_roundtrip feature).
    let ring = vec![
        LatLon::from_e7(-153_636_215, 1_491_647_899),
        LatLon::new(-35.3636215, 149.1716119),
        LatLon::new(-35.3606471, 149.1716116),
    ];
    assert_eq!(ring[0].lat_deg.to_string(), "-15.363621499999999");
    let areas = vec![Area::new(ring)];
    let back = read_geojson(&write_geojson(&areas)).expect("reads");
    assert_eq!(back, vec![oriented_area(&areas[0])]);
}

/// Degrees on a nanodegree grid (exact through text).
fn nano(v: f64) -> f64 {
    (v * 1e9).round() / 1e9
}

/// A random star-shaped field (concave allowed) with up to two small holes, either winding.
pub(super) fn area() -> impl Strategy<Value = Area> {
    let ring = |r_min: f64, r_max: f64| {
        (
            proptest::collection::btree_set(0u16..360, 3..9),
            proptest::collection::vec(r_min..r_max, 9),
            any::<bool>(),
        )
    };
    (
        (-80.0f64..80.0, -170.0f64..170.0),
        ring(0.002, 0.01),
        proptest::collection::vec(ring(0.0002, 0.0008), 0..3),
    )
        .prop_map(|((lat, lon), outer, holes)| {
            let make =
                |(angles, radii, reverse): (std::collections::BTreeSet<u16>, Vec<f64>, bool)| {
                    let mut pts: Vec<LatLon> = angles
                        .iter()
                        .zip(radii.iter().cycle())
                        .map(|(a, r)| {
                            let t = f64::from(*a).to_radians();
                            LatLon::new(nano(lat + r * t.sin()), nano(lon + r * t.cos()))
                        })
                        .collect();
                    if reverse {
                        pts.reverse();
                    }
                    pts
                };
            Area {
                outer: make(outer),
                holes: holes.into_iter().map(make).collect(),
            }
        })
}

/// The area as the writers orient it: exterior counter-clockwise, holes clockwise.
pub(super) fn oriented_area(a: &Area) -> Area {
    Area {
        outer: oriented(&a.outer, true),
        holes: a.holes.iter().map(|h| oriented(h, false)).collect(),
    }
}

proptest! {
    #[test]
    fn write_read_round_trip(areas in proptest::collection::vec(area(), 1..4)) {
        let text = write_geojson(&areas);
        let back = read_geojson(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let expected: Vec<Area> = areas.iter().map(oriented_area).collect();
        prop_assert_eq!(back, expected);
    }
}
