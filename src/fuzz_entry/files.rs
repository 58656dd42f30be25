//! Mission and boundary files: `.plan`, `.waypoints`, KML/KMZ, GeoJSON.

use crate::formats::boundary::{plan_boundary, read_boundary};
use crate::formats::convert::{fence_to_wpl, mission_to_wpl, rally_to_wpl};
use crate::formats::document::{Input, read_input};
use crate::formats::geojson::{read_geojson, write_geojson};
use crate::formats::kml::{read_kml, read_kmz, write_kml};
use crate::formats::kml_write::oriented;
use crate::formats::plan::{read_plan, write_plan};
use crate::formats::wpl;
use crate::plan::mission_item::MissionItem;
use crate::plan::mission_stats::mission_stats;
use crate::plan::validate::{Limits, validate};
use crate::plan::{Area, MissionDocument};

/// Equal as the vehicle would fly them, where an infinite parameter counts as NaN (a `.plan`
/// stores both as `null`).
fn same_items(a: &[MissionItem], b: &[MissionItem]) -> bool {
    let plan_form = |it: &MissionItem| {
        let mut it = *it;
        for p in it.params.iter_mut().chain(std::iter::once(&mut it.z)) {
            if p.is_infinite() {
                *p = f32::NAN;
            }
        }
        it
    };
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| plan_form(x).same_on_wire(&plan_form(y)))
}

/// What `plan info` and `plan convert` do with a document: statistics, validation, the
/// boundary it holds, and each list written as QGC WPL and read back.
fn use_document(doc: &MissionDocument) {
    let _ = mission_stats(doc);
    let _ = validate(doc, &Limits::default(), None);
    if let Ok(areas) = plan_boundary(doc) {
        use_areas(&areas);
    }
    for (what, text) in [
        ("mission", mission_to_wpl(doc)),
        ("fence", fence_to_wpl(doc)),
        ("rally", rally_to_wpl(doc)),
    ] {
        if let Err(e) = wpl::parse(&text) {
            panic!("the {what} written as WPL does not read back: {e}\n{text}");
        }
    }
}

/// What `plan info`, `plan survey --area` and the app do with boundaries (area, validation),
/// and the KML and GeoJSON writers' round trip: the same rings, outer rings counter-clockwise
/// and holes clockwise.
fn use_areas(areas: &[Area]) {
    for a in areas {
        let _ = a.area_m2();
        let _ = a.validate();
    }
    let expected: Vec<Area> = areas
        .iter()
        .map(|a| Area {
            outer: oriented(&a.outer, true),
            holes: a.holes.iter().map(|h| oriented(h, false)).collect(),
        })
        .collect();
    let kml = write_kml(areas, "fuzz");
    match read_kml(&kml) {
        Ok(back) => assert_eq!(back, expected, "KML round trip\n{kml}"),
        Err(e) => panic!("the KML we wrote does not read back: {e}\n{kml}"),
    }
    let geojson = write_geojson(areas);
    match read_geojson(&geojson) {
        Ok(back) => assert_eq!(back, expected, "GeoJSON round trip\n{geojson}"),
        Err(e) => panic!("the GeoJSON we wrote does not read back: {e}\n{geojson}"),
    }
}

/// Whatever `plan info FILE` reads ([`read_input`]) is used as the command uses it.
fn use_input(data: &[u8], file_name: &str) {
    match read_input(data, file_name) {
        Ok(Input::Doc(doc)) => use_document(&doc),
        Ok(Input::Boundary(areas)) => use_areas(&areas),
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

/// A `.plan` (or legacy `.mission`): read, used as `plan info` uses it, and written back: the
/// written plan reads back with the same items, fence and rally points, and writing that again
/// gives the same text.
pub fn plan_file(data: &[u8]) {
    use_input(data, "fuzz.plan");
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(doc) = read_plan(text) else {
        return;
    };
    let written = write_plan(&doc);
    let back = match read_plan(&written) {
        Ok(d) => d,
        Err(e) => panic!("the .plan we wrote does not read back: {e}\n{written}"),
    };
    assert!(
        same_items(&doc.mission, &back.mission),
        "mission items changed\n{written}"
    );
    assert_eq!(back.fence, doc.fence, "fence changed\n{written}");
    assert_eq!(back.rally, doc.rally, "rally points changed\n{written}");
    assert_eq!(write_plan(&back), written, "writing twice differs");
}

/// A `.waypoints` / QGC WPL 110 file or a MAVProxy legacy fence or rally file: read, used as
/// `plan info` uses it ([`read_input`] takes any text that parses as WPL through
/// `read_document`, `document_from_wpl` and `use_document`), and written back as QGC WPL 110:
/// the same items, of the same list type.
pub fn waypoints_file(data: &[u8]) {
    use_input(data, "fuzz.waypoints");
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(file) = wpl::parse(text) else {
        return;
    };
    let written = wpl::write(&file.items);
    match wpl::parse(&written) {
        Ok(back) => {
            assert!(
                same_items(&file.items, &back.items),
                "items changed\n{written}"
            );
            assert_eq!(back.mission_type, file.mission_type, "list type changed");
        }
        Err(e) => panic!("the WPL we wrote does not read back: {e}\n{written}"),
    }
}

/// A KML or KMZ file (a zip is recognised by its magic bytes): read by the boundary reader and
/// by the KML/KMZ readers directly, then used and written back (see `use_areas`).
pub fn kml(data: &[u8]) {
    if let Ok(areas) = read_boundary(data, "fuzz.kml") {
        use_areas(&areas);
    }
    if data.starts_with(b"PK") {
        if let Ok(areas) = read_kmz(data) {
            use_areas(&areas);
        }
    } else if let Ok(text) = std::str::from_utf8(data)
        && let Ok(areas) = read_kml(text)
    {
        use_areas(&areas);
    }
}

/// A GeoJSON file: read by the GeoJSON reader and as `plan info` reads any file, then used and
/// written back (see `use_areas`).
pub fn geojson(data: &[u8]) {
    use_input(data, "fuzz.geojson");
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(areas) = read_geojson(text)
    {
        use_areas(&areas);
    }
}
