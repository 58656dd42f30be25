use super::*;
use crate::geo::LatLon;
use crate::log::triggers::VehiclePhotos;
use crate::plan::camera::builtin_cameras;

fn photo(n: u32, pos: bool, roll_deg: f64) -> Photo {
    Photo {
        t_us: 1_700_000_000_000_000 + u64::from(n) * 1_000_000,
        sysid: 1,
        compid: 1,
        number: n,
        name: format!("IMG_{n:04}.JPG"),
        image_index: Some(n),
        source: CameraSource::Feedback,
        lat_lon: pos.then(|| LatLon::new(42.5 + f64::from(n) * 1e-4, 72.4)),
        alt_amsl_m: pos.then_some(1170.0),
        alt_rel_m: pos.then_some(100.0),
        attitude_deg: Some([roll_deg, -2.0, 45.0]),
        position_interpolated: false,
        attitude_interpolated: false,
        ok: true,
    }
}

fn log() -> TriggerLog {
    TriggerLog {
        vehicles: vec![VehiclePhotos {
            sysid: 1,
            photos: vec![
                photo(1, true, 0.0),
                photo(2, false, 0.0),
                photo(3, true, 5.0),
            ],
        }],
        stats: Default::default(),
    }
}

fn text(r: &PhotoExport) -> &str {
    std::str::from_utf8(&r.bytes).expect("utf8")
}

fn fp_opts(gimbal: bool) -> FootprintOptions {
    FootprintOptions {
        camera: builtin_cameras().into_iter().next().expect("camera"),
        orientation: Orientation::Landscape,
        gimbal,
    }
}

#[test]
fn formats_that_make_no_sense_are_refused_clearly() {
    let l = log();
    let e = export_photos(&l, PhotoLayer::Geotags, PhotoFormat::Gpx, None).expect_err("gpx");
    assert_eq!(
        e.to_string(),
        "the geotags layer cannot be written as gpx; it can be written as: txt (OpenDroneMap geo.txt)"
    );
    let e = export_photos(&l, PhotoLayer::Footprints, PhotoFormat::Kml, None).expect_err("kml");
    assert!(e.to_string().contains("as: geojson"), "{e}");
    let e = export_photos(&l, PhotoLayer::Triggers, PhotoFormat::GeoTxt, None).expect_err("txt");
    assert!(e.to_string().contains("csv, kml, kmz, geojson, gpx"), "{e}");
    let e = export_photos(&l, PhotoLayer::Footprints, PhotoFormat::GeoJson, None)
        .expect_err("no camera");
    assert!(matches!(e, PhotoExportError::NoCamera));
    assert!(e.to_string().contains("--camera NAME"));
    let empty = TriggerLog::default();
    assert!(matches!(
        export_photos(&empty, PhotoLayer::Triggers, PhotoFormat::Csv, None),
        Err(PhotoExportError::Empty)
    ));
}

#[test]
fn geo_txt_is_the_opendronemap_list() {
    let r = export_photos(&log(), PhotoLayer::Geotags, PhotoFormat::GeoTxt, None).expect("txt");
    let lines: Vec<&str> = text(&r).lines().collect();
    assert_eq!(
        lines,
        [
            "EPSG:4326",
            "IMG_0001.JPG 72.40000000 42.50010000 1170.000 45.00 -2.00 0.00",
            "IMG_0003.JPG 72.40000000 42.50030000 1170.000 45.00 -2.00 5.00",
        ]
    );
    assert_eq!(r.written, 2);
    assert_eq!(r.skipped, ["IMG_0002.JPG: no position"]);
    let mut p = photo(9, true, 0.0);
    p.attitude_deg = None;
    assert_eq!(
        geo_txt([&p].into_iter()),
        "EPSG:4326\nIMG_0009.JPG 72.40000000 42.50090000 1170.000\n"
    );
}

#[test]
fn point_layers_carry_every_placed_photo() {
    let l = log();
    let csv = export_photos(&l, PhotoLayer::Triggers, PhotoFormat::Csv, None).expect("csv");
    let rows: Vec<&str> = text(&csv).lines().collect();
    assert_eq!(rows.len(), 4, "header + every photo, placed or not");
    assert!(rows.iter().all(|r| r.split(',').count() == 16));
    assert!(rows[2].ends_with(",CAMERA_FEEDBACK,none"), "{}", rows[2]);
    assert!(rows[1].contains(",IMG_0001.JPG,1,42.5001000,72.4000000,1170.00,100.00,"));
    let gpx = export_photos(&l, PhotoLayer::Triggers, PhotoFormat::Gpx, None).expect("gpx");
    assert_eq!(text(&gpx).matches("<wpt ").count(), 2);
    let kml = export_photos(&l, PhotoLayer::Triggers, PhotoFormat::Kml, None).expect("kml");
    assert_eq!(text(&kml).matches("<Placemark>").count(), 2);
    assert_eq!(text(&kml).matches("<Folder>").count(), 1);
    let kmz = export_photos(&l, PhotoLayer::Triggers, PhotoFormat::Kmz, None).expect("kmz");
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(kmz.bytes)).expect("zip");
    assert!(z.by_name("doc.kml").is_ok());
    let gj = export_photos(&l, PhotoLayer::Triggers, PhotoFormat::GeoJson, None).expect("gj");
    let v: serde_json::Value = serde_json::from_slice(&gj.bytes).expect("json");
    let f = v["features"].as_array().expect("features");
    assert_eq!(f.len(), 2);
    assert_eq!(f[0]["geometry"]["type"], "Point");
    assert_eq!(f[0]["properties"]["name"], "IMG_0001.JPG");
    let mut nowhere = log();
    for p in &mut nowhere.vehicles[0].photos {
        p.lat_lon = None;
    }
    assert!(matches!(
        export_photos(&nowhere, PhotoLayer::Triggers, PhotoFormat::Kml, None),
        Err(PhotoExportError::NoPosition(3))
    ));
}

/// Twice the signed area of a lon/lat ring (positive when counter-clockwise).
fn signed_area2(ring: &[serde_json::Value]) -> f64 {
    ring.windows(2)
        .map(|w| {
            let (a, b) = (&w[0], &w[1]);
            a[0].as_f64().unwrap_or(0.0) * b[1].as_f64().unwrap_or(0.0)
                - b[0].as_f64().unwrap_or(0.0) * a[1].as_f64().unwrap_or(0.0)
        })
        .sum()
}

#[test]
fn footprints_are_closed_counter_clockwise_polygons() {
    let l = log();
    let opts = fp_opts(false);
    let r = export_photos(
        &l,
        PhotoLayer::Footprints,
        PhotoFormat::GeoJson,
        Some(&opts),
    )
    .expect("footprints");
    assert_eq!(r.written, 2);
    let v: serde_json::Value = serde_json::from_slice(&r.bytes).expect("json");
    let f = v["features"].as_array().expect("features");
    let ring = f[0]["geometry"]["coordinates"][0].as_array().expect("ring");
    assert_eq!(ring.len(), 5);
    assert_eq!(ring[0], ring[4]);
    assert!(signed_area2(ring) > 0.0, "counter-clockwise");
    assert_eq!(f[0]["properties"]["camera"], opts.camera.name.as_str());
    // Photo 3 is rolled 5°: its center is off the photo position, unless a gimbal levels it.
    let off = |v: &serde_json::Value| {
        let c = &v["properties"]["center"];
        (c[0].as_f64().unwrap_or(0.0) - 72.4).abs()
    };
    assert!(off(&f[1]) > 1e-5);
    let level = export_photos(
        &l,
        PhotoLayer::Footprints,
        PhotoFormat::GeoJson,
        Some(&fp_opts(true)),
    )
    .expect("gimbal");
    let v: serde_json::Value = serde_json::from_slice(&level.bytes).expect("json");
    assert!(off(&v["features"][1]) < 1e-9);
}

#[test]
fn footprints_report_photos_they_cannot_project() {
    let mut l = log();
    for p in &mut l.vehicles[0].photos {
        p.attitude_deg = Some([85.0, 0.0, 0.0]);
    }
    let e = export_photos(
        &l,
        PhotoLayer::Footprints,
        PhotoFormat::GeoJson,
        Some(&fp_opts(false)),
    )
    .expect_err("all oblique");
    assert!(
        e.to_string().starts_with(
            "no photo has a footprint; the first: IMG_0001.JPG: the camera is tilted too far"
        ),
        "{e}"
    );
}
