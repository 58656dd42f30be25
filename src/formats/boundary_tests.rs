//! Tests of boundary sniffing: every kind of file an operator may pick as a field boundary.

use crate::formats::boundary::{BoundaryError, read_boundary};
use crate::formats::geojson::write_geojson;
use crate::formats::kml::write_kml;
use crate::formats::plan::write_plan;
use crate::geo::LatLon;
use crate::plan::area::Area;
use crate::plan::document::{
    ComplexItem, ComplexKind, Fence, FencePolygon, MissionDocument, SurveyRecord,
};
use crate::plan::mission_item::{MissionItem, cmd};
use crate::test_support::sample;
use std::io::Write as _;

fn bytes(rel: &str) -> Vec<u8> {
    let p = sample(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn field() -> Area {
    let o = LatLon::new(42.0, 74.0);
    Area::new(vec![
        o,
        LatLon::new(42.0, 74.01),
        LatLon::new(42.01, 74.01),
        LatLon::new(42.01, 74.0),
    ])
}

#[test]
fn kml_kmz_and_geojson_by_content() {
    let kml = bytes("missions/kml/qgc_PolygonGood.kml");
    assert_eq!(
        read_boundary(&kml, "field.kml").expect("kml")[0]
            .outer
            .len(),
        4
    );
    // The extension does not matter.
    assert_eq!(
        read_boundary(&kml, "field.json")
            .expect("kml named .json")
            .len(),
        1
    );
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file("doc.kml", zip::write::SimpleFileOptions::default())
        .expect("start");
    w.write_all(&kml).expect("write");
    let kmz = w.finish().expect("finish").into_inner();
    assert_eq!(read_boundary(&kmz, "field.kml").expect("kmz").len(), 1);
    let geo = write_geojson(&[field()]);
    assert_eq!(
        read_boundary(geo.as_bytes(), "x.txt")
            .expect("geojson")
            .len(),
        1
    );
    let ours = write_kml(&[field()], "f");
    assert_eq!(
        read_boundary(format!("\u{feff}\n  {ours}").as_bytes(), "f")
            .expect("BOM")
            .len(),
        1
    );
}

#[test]
fn plan_survey_polygon_else_fence() {
    let survey = read_boundary(
        &bytes("missions/plan/mavsdk_qgroundcontrol_sample_with_survey.plan"),
        "s.plan",
    )
    .expect("survey polygon");
    assert_eq!((survey.len(), survey[0].outer.len()), (1, 4));
    let fence = read_boundary(
        &bytes("missions/plan/qgc_custom_ce_geofence_rd_2.plan"),
        "f.plan",
    )
    .expect("fence");
    assert_eq!(fence.len(), 1);
    assert_eq!(fence[0].outer.len(), 4);
    // The exclusion polygon shares two vertices with the inclusion polygon, so it is not
    // strictly inside it and does not become a hole.
    assert!(fence[0].holes.is_empty());
    let e = read_boundary(
        &bytes("missions/plan/mavsdk_qgroundcontrol_sample.plan"),
        "m.plan",
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "the mission file holds no boundary: it has no survey polygon and no inclusion polygon in its \
         fence (0 exclusion polygons, 0 circles)"
    );
    let e = read_boundary(
        &bytes("missions/plan/mavsdk_qgroundcontrol_sample_wrong_overall_version.plan"),
        "w.plan",
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("reading the .plan: version: version 42"),
        "{e}"
    );
}

#[test]
fn fence_exclusions_inside_become_holes() {
    let a = field();
    let hole = vec![
        LatLon::new(42.002, 74.002),
        LatLon::new(42.002, 74.004),
        LatLon::new(42.004, 74.004),
    ];
    let outside = vec![
        LatLon::new(43.0, 75.0),
        LatLon::new(43.0, 75.1),
        LatLon::new(43.1, 75.1),
    ];
    let doc = MissionDocument {
        fence: Fence {
            polygons: vec![
                FencePolygon {
                    points: a.outer.clone(),
                    inclusion: true,
                },
                FencePolygon {
                    points: hole.clone(),
                    inclusion: false,
                },
                FencePolygon {
                    points: outside,
                    inclusion: false,
                },
            ],
            ..Fence::default()
        },
        ..MissionDocument::default()
    };
    let areas = read_boundary(write_plan(&doc).as_bytes(), "fence.plan").expect("fence");
    assert_eq!(areas, [a.clone().with_hole(hole.clone())]);
    // The same fence as a QGC WPL fence file.
    let wpl = crate::formats::convert::fence_to_wpl(&doc);
    let from_wpl = read_boundary(wpl.as_bytes(), "fence.waypoints").expect("wpl fence");
    let e7 = |r: &[LatLon]| r.iter().map(|p| p.to_e7()).collect::<Vec<_>>();
    assert_eq!(from_wpl.len(), 1);
    assert_eq!(
        e7(&from_wpl[0].outer),
        e7(&a.outer),
        "positions to 1e-7 degrees"
    );
    assert_eq!(from_wpl[0].holes.len(), 1);
    assert_eq!(e7(&from_wpl[0].holes[0]), e7(&hole));
    // A survey wins over the fence.
    let o = LatLon::new(10.0, 10.0);
    let survey = SurveyRecord {
        polygon: vec![o, LatLon::new(10.0, 10.1), LatLon::new(10.1, 10.1)],
        camera_name: "Manual".into(),
        ..SurveyRecord::default()
    };
    let doc = MissionDocument {
        mission: vec![MissionItem::nav(cmd::NAV_WAYPOINT, o, 50.0)],
        complex: vec![ComplexItem {
            kind: ComplexKind::Survey(survey),
            first_item: 0,
            item_count: 1,
        }],
        ..doc
    };
    let areas = read_boundary(write_plan(&doc).as_bytes(), "both.plan").expect("survey");
    assert_eq!(areas[0].outer[0], o);
}

#[test]
fn wpl_files_and_unknown_content() {
    let fence = read_boundary(
        &bytes("missions/wpl/mavproxy_cmac-foamy-fence_latlon.txt"),
        "f.txt",
    )
    .expect("MAVProxy legacy fence");
    assert_eq!(fence.len(), 1);
    assert!(fence[0].outer.len() >= 3);
    let e = read_boundary(&bytes("missions/wpl/ardupilot_CMAC-grid.txt"), "grid.txt").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("this QGC WPL file holds no boundary: it is a mission list"),
        "{e}"
    );
    let e = read_boundary(b"hello world", "field.kml").unwrap_err();
    assert_eq!(
        e,
        BoundaryError::UnknownFormat {
            file_name: "field.kml".into(),
            reason: "expected KML (XML starting with '<'), found 'hello world'".into(),
        }
    );
    let e = read_boundary(b"\x00\x01\x02", "field.shp").unwrap_err();
    assert!(
        e.to_string().contains("shapefiles are not supported"),
        "{e}"
    );
    let e = read_boundary(b"", "empty.geojson").unwrap_err();
    assert!(e.to_string().ends_with("found an empty file"), "{e}");
    let e = read_boundary(b"\xff\xfe<\x00", "utf16.kml").unwrap_err();
    assert_eq!(e.to_string(), "utf16.kml is not UTF-8 text (byte 0)");
    let e = read_boundary(
        b"{\"type\": \"Point\", \"coordinates\": [1, 2]}",
        "p.geojson",
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("expected a Polygon or MultiPolygon"),
        "{e}"
    );
}

#[test]
fn fence_polygons_without_three_distinct_points_are_refused() {
    // Found by the kml and geojson fuzz targets: a MAVProxy legacy fence repeating one point
    // became a one-point boundary, written to KML that no reader (ours included) accepts.
    let legacy = "2 1\n2 1\n2 1\n2 1\n2 1\n";
    let e = read_boundary(legacy.as_bytes(), "fence.txt").unwrap_err();
    assert_eq!(
        e.to_string(),
        "the fence file holds no boundary: its fence polygon 1 (inclusion) has 1 distinct \
         point(s); a polygon needs at least 3"
    );
    // A survey polygon of three equal points is no boundary either: the fence is used.
    let p = LatLon::new(42.5, 72.3);
    let doc = MissionDocument {
        complex: vec![ComplexItem {
            first_item: 0,
            item_count: 0,
            kind: ComplexKind::Survey(SurveyRecord {
                polygon: vec![p, p, p],
                ..Default::default()
            }),
        }],
        ..MissionDocument::default()
    };
    let e = crate::formats::boundary::plan_boundary(&doc).unwrap_err();
    assert!(e.to_string().contains("no survey polygon"), "{e}");
}
