//! Tests of the GeoTIFF reader on fixtures written in memory: every sample type, strips and
//! tiles, compression, PixelIsArea vs PixelIsPoint, nodata, seams, refusals, corrupt files,
//! and an optional cross-check against GDAL's own tools.

use tiff::encoder::colortype::{Gray8, Gray16, Gray32Float, GrayI16, GrayI32, RGB16};
use tiff::encoder::{Compression, DeflateLevel, Predictor};

use super::fixtures::*;
use super::*;

/// Fractional (column, row) of a point in the standard PixelIsArea fixture.
fn area_index(lat: f64, lon: f64) -> (f64, f64) {
    ((lon - WEST) / CELL - 0.5, (NORTH - lat) / CELL - 0.5)
}

/// The standard plane at a point of the PixelIsArea fixture (inside its sample centres).
fn area_plane(lat: f64, lon: f64) -> f64 {
    let (c, r) = area_index(lat, lon);
    100.0 + 3.0 * c + 5.0 * r
}

fn load(name: &str, bytes: &[u8]) -> Dem {
    let mut dem = Dem::new();
    dem.add_geotiff(name, bytes)
        .unwrap_or_else(|e| panic!("{e}"));
    dem
}

fn load_err(bytes: &[u8]) -> TerrainError {
    Dem::new().add_geotiff("dem.tif", bytes).unwrap_err()
}

/// Points between the first and last sample centres, and exactly on some of them.
fn inner_points() -> Vec<(f64, f64)> {
    let mut points = Vec::new();
    for i in 0..12 {
        for j in 0..9 {
            let c = 0.37 * f64::from(i) * 3.1;
            let r = 0.29 * f64::from(j) * 3.3;
            points.push((NORTH - (r + 0.5) * CELL, WEST + (c + 0.5) * CELL));
        }
    }
    points.push((NORTH - 0.5 * CELL, WEST + 0.5 * CELL)); // first sample
    points.push((NORTH - 29.5 * CELL, WEST + 39.5 * CELL)); // last sample
    points
}

#[track_caller]
fn assert_plane(dem: &Dem, offset_m: f64) {
    for (lat, lon) in inner_points() {
        let got = dem
            .elevation_m(LatLon::new(lat, lon))
            .unwrap_or_else(|| panic!("no data at {lat}, {lon}"));
        let expected = area_plane(lat, lon) + offset_m;
        assert!(
            (got - expected).abs() < 1e-6,
            "{lat}, {lon}: {got} vs {expected}"
        );
    }
}

#[test]
fn every_sample_type_reads_the_plane_exactly() {
    let spec = Spec::standard();
    let (w, h) = (spec.width, spec.height);
    assert_plane(&load("i16.tif", &standard_i16(&spec)), 0.0);
    let u16s = samples(w, h, |c, r| plane_at(c, r) as u16);
    assert_plane(
        &load("u16.tif", &write_geotiff::<Gray16>(&spec, &u16s)),
        0.0,
    );
    let i32s = samples(w, h, |c, r| plane_at(c, r) as i32 - 400);
    assert_plane(
        &load("i32.tif", &write_geotiff::<GrayI32>(&spec, &i32s)),
        -400.0,
    );
    let f32s = samples(w, h, |c, r| plane_at(c, r) as f32 + 0.25);
    assert_plane(
        &load("f32.tif", &write_geotiff::<Gray32Float>(&spec, &f32s)),
        0.25,
    );
    let f64s = samples(w, h, |c, r| plane_at(c, r) - 0.5);
    let gray64 = write_geotiff::<tiff::encoder::colortype::Gray64Float>(&spec, &f64s);
    assert_plane(&load("f64.tif", &gray64), -0.5);
}

#[test]
fn compression_and_predictors_do_not_change_values() {
    for (compression, predictor) in [
        (Compression::Deflate(DeflateLevel::Best), Predictor::None),
        (
            Compression::Deflate(DeflateLevel::Fast),
            Predictor::Horizontal,
        ),
        (Compression::Lzw, Predictor::None),
        (Compression::Lzw, Predictor::Horizontal),
        (Compression::Packbits, Predictor::None),
    ] {
        let spec = Spec {
            compression,
            predictor,
            rows_per_strip: None,
            ..Spec::standard()
        };
        assert_plane(&load("packed.tif", &standard_i16(&spec)), 0.0);
    }
}

#[test]
fn tiled_files_with_padding_read_like_striped_ones() {
    let spec = Spec::standard();
    for deflate in [false, true] {
        let bytes = tiled_i16(&spec, 16, deflate, |c, r| plane_at(c, r) as i16);
        assert_plane(&load("tiled.tif", &bytes), 0.0);
    }
}

#[test]
fn edges_corners_and_outside() {
    let dem = load("dem.tif", &standard_i16(&Spec::standard()));
    // Coverage is the outer edge of the pixels.
    let (sw, ne) = dem.coverage()[0];
    assert!((sw.lat_deg - (NORTH - 30.0 * CELL)).abs() < 1e-12);
    assert!((sw.lon_deg - WEST).abs() < 1e-12 && (ne.lat_deg - NORTH).abs() < 1e-12);
    assert!((ne.lon_deg - (WEST + 40.0 * CELL)).abs() < 1e-12);
    // In the outer half cell the edge samples hold (no neighbour tile to interpolate with).
    let corner = dem.elevation_m(LatLon::new(NORTH - 0.1 * CELL, WEST + 0.1 * CELL));
    assert_eq!(corner, Some(plane_at(0, 0)));
    let east = dem.elevation_m(LatLon::new(NORTH - 10.5 * CELL, WEST + 39.9 * CELL));
    assert_eq!(east, Some(plane_at(39, 10)));
    assert!(dem.elevation_m(LatLon::new(NORTH, WEST)).is_some());
    for (lat, lon) in [
        (NORTH + 1e-7, WEST + 0.01),
        (NORTH - 30.0 * CELL - 1e-7, WEST + 0.01),
        (NORTH - 0.01, WEST - 1e-7),
        (NORTH - 0.01, WEST + 40.0 * CELL + 1e-7),
    ] {
        assert_eq!(dem.elevation_m(LatLon::new(lat, lon)), None, "{lat}, {lon}");
    }
}

#[test]
fn pixel_is_point_is_half_a_pixel_from_pixel_is_area() {
    let area = load("area.tif", &standard_i16(&Spec::standard()));
    let point = load(
        "point.tif",
        &standard_i16(&Spec::standard().keys(&POINT_KEYS)),
    );
    // With PixelIsPoint the tiepoint is sample (0, 0) itself: the samples sit half a pixel
    // north-west of their PixelIsArea places, so the same point reads half a column and half
    // a row further: 3 * 0.5 + 5 * 0.5 = 4 m more on this plane.
    for (lat, lon) in inner_points() {
        let p = LatLon::new(lat + 0.5 * CELL, lon - 0.5 * CELL);
        let a = area.elevation_m(LatLon::new(lat, lon)).unwrap();
        let b = point.elevation_m(p).unwrap();
        assert!((a - b).abs() < 1e-6, "{a} vs {b}");
        let here = point.elevation_m(LatLon::new(lat, lon)).unwrap();
        if lon + 0.5 * CELL < WEST + 39.0 * CELL && lat - 0.5 * CELL > NORTH - 29.0 * CELL {
            assert!((here - a - 4.0).abs() < 1e-6, "{here} vs {a}");
        }
    }
    assert_eq!(
        point.elevation_m(LatLon::new(NORTH, WEST)),
        Some(plane_at(0, 0))
    );
    let (sw, ne) = point.coverage()[0];
    assert!((ne.lat_deg - (NORTH + 0.5 * CELL)).abs() < 1e-12);
    assert!((sw.lon_deg - (WEST - 0.5 * CELL)).abs() < 1e-12);
    // No GeoKeyDirectory at all: PixelIsArea, like GDAL.
    let bare = load("bare.tif", &standard_i16(&Spec::standard().keys(&[])));
    assert_plane(&bare, 0.0);
}

#[test]
fn model_transformation_equals_tiepoint_and_scale() {
    let m = [
        CELL, 0.0, 0.0, WEST, 0.0, -CELL, 0.0, NORTH, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0,
    ];
    let spec = Spec {
        georef: Georef::Matrix(m),
        ..Spec::standard()
    };
    assert_plane(&load("matrix.tif", &standard_i16(&spec)), 0.0);
    let mut rotated = m;
    rotated[1] = 0.0001;
    let spec = Spec {
        georef: Georef::Matrix(rotated),
        ..Spec::standard()
    };
    let err = load_err(&standard_i16(&spec));
    assert!(matches!(err, TerrainError::BadTag { .. }), "{err}");
    assert!(err.to_string().contains("34264"), "{err}");
    // A tiepoint at another raster position than (0, 0).
    let spec = Spec {
        georef: Georef::Tiepoint(
            [10.0, 5.0, 0.0, WEST + 10.0 * CELL, NORTH - 5.0 * CELL, 0.0],
            [CELL, CELL, 0.0],
        ),
        ..Spec::standard()
    };
    assert_plane(&load("tie.tif", &standard_i16(&spec)), 0.0);
}

#[test]
fn nodata_nan_and_fill_values_are_none() {
    let hole = |c: u32, r: u32| (10..12).contains(&c) && r == 20;
    let spec = Spec {
        nodata: Some("-9999"),
        ..Spec::standard()
    };
    let data = samples(WIDTH, HEIGHT, |c, r| {
        if hole(c, r) {
            -9999
        } else {
            plane_at(c, r) as i16
        }
    });
    let dem = load("holes.tif", &write_geotiff::<GrayI16>(&spec, &data));
    let at = |c: f64, r: f64| {
        dem.elevation_m(LatLon::new(
            NORTH - (r + 0.5) * CELL,
            WEST + (c + 0.5) * CELL,
        ))
    };
    assert_eq!(at(10.0, 20.0), None);
    assert_eq!(at(9.5, 19.5), None);
    assert_eq!(at(11.9, 20.9), None);
    assert_eq!(at(9.0, 20.0), Some(plane_at(9, 20)));
    assert_eq!(at(12.0, 20.0), Some(plane_at(12, 20)));
    assert!(at(10.5, 18.5).is_some());

    // Float rasters: NaN cells, GDAL's "nan" nodata and -3.4e38 fill without any tag.
    for (nodata, fill) in [(None, f32::NAN), (Some("nan"), f32::NAN), (None, f32::MIN)] {
        let spec = Spec {
            nodata,
            ..Spec::standard()
        };
        let data = samples(WIDTH, HEIGHT, |c, r| {
            if hole(c, r) {
                fill
            } else {
                plane_at(c, r) as f32
            }
        });
        let dem = load("f.tif", &write_geotiff::<Gray32Float>(&spec, &data));
        let p = LatLon::new(NORTH - 20.5 * CELL, WEST + 10.5 * CELL);
        assert_eq!(dem.elevation_m(p), None, "{nodata:?}");
    }
    let spec = Spec {
        nodata: Some("none"),
        ..Spec::standard()
    };
    let err = load_err(&standard_i16(&spec));
    assert!(err.to_string().contains("GDAL_NODATA (42113)"), "{err}");
}

#[test]
fn seams_between_geotiff_tiles_are_continuous() {
    // Two PixelIsArea tiles side by side, each 40 columns; the plane runs across both.
    let west = standard_i16(&Spec::standard());
    let spec = Spec {
        georef: Georef::Tiepoint(
            [0.0, 0.0, 0.0, WEST + 40.0 * CELL, NORTH, 0.0],
            [CELL, CELL, 0.0],
        ),
        ..Spec::standard()
    };
    let data = samples(WIDTH, HEIGHT, |c, r| plane_at(c + 40, r) as i16);
    let east = write_geotiff::<GrayI16>(&spec, &data);
    let mut dem = Dem::new();
    dem.add_geotiff("west.tif", &west).unwrap();
    dem.add_geotiff("east.tif", &east).unwrap();
    // Between the last sample of one and the first of the other the plane continues.
    for k in 0..=10 {
        let lon = WEST + (39.5 + 0.1 * f64::from(k)) * CELL;
        let lat = NORTH - 12.3 * CELL;
        let got = dem.elevation_m(LatLon::new(lat, lon)).unwrap();
        assert!((got - area_plane(lat, lon)).abs() < 1e-6, "{lon}: {got}");
    }
}

#[test]
fn projected_and_unplaced_files_are_refused_clearly() {
    for (keys, crs) in [
        (vec![(1024, 1), (1025, 1), (3072, 32643)], "EPSG:32643"),
        (vec![(3072, 3857)], "EPSG:3857"),
        (vec![(1024, 1), (3072, 32767)], "user-defined"),
        (vec![(1024, 1)], "no EPSG code"),
    ] {
        let err = load_err(&standard_i16(&Spec::standard().keys(&keys)));
        let text = err.to_string();
        assert!(matches!(err, TerrainError::ProjectedCrs { .. }), "{text}");
        assert!(text.starts_with("dem.tif:") && text.contains(crs), "{text}");
        assert!(text.contains("gdalwarp -t_srs EPSG:4326"), "{text}");
    }
    // UTM metres without any projection key.
    let spec = Spec {
        georef: Georef::Tiepoint(
            [0.0, 0.0, 0.0, 500_000.0, 4_649_776.0, 0.0],
            [30.0, 30.0, 0.0],
        ),
        keys: Vec::new(),
        ..Spec::standard()
    };
    let err = load_err(&standard_i16(&spec));
    assert!(err.to_string().contains("not degrees"), "{err}");
    let err = load_err(&standard_i16(&Spec::standard().keys(&[(1024, 3)])));
    assert!(err.to_string().contains("geocentric"), "{err}");
    let spec = Spec {
        georef: Georef::Missing,
        ..Spec::standard()
    };
    let err = load_err(&standard_i16(&spec));
    assert!(matches!(err, TerrainError::MissingTag { .. }), "{err}");
    assert!(err.to_string().contains("33550") && err.to_string().contains("34264"));
    let spec = Spec {
        georef: Georef::Tiepoint([0.0; 6], [0.0, CELL, 0.0]),
        ..Spec::standard()
    };
    assert!(matches!(
        load_err(&standard_i16(&spec)),
        TerrainError::BadTag { .. }
    ));
    let err = load_err(&standard_i16(&Spec::standard().keys(&[(1025, 7)])));
    assert!(err.to_string().contains("GTRasterTypeGeoKey"), "{err}");
}

#[test]
fn other_rasters_and_sizes_are_refused_before_decoding() {
    let spec = Spec::standard();
    let rgb = samples(WIDTH * 3, HEIGHT, |c, r| c as u16 + r as u16);
    let err = load_err(&write_geotiff::<RGB16>(&spec, &rgb));
    assert!(err.to_string().contains("3 band(s) of uint16"), "{err}");
    let bytes = samples(WIDTH, HEIGHT, |c, _| c as u8);
    let err = load_err(&write_geotiff::<Gray8>(&spec, &bytes));
    assert!(matches!(err, TerrainError::SampleType { .. }), "{err}");
    assert!(err.to_string().contains("uint8"), "{err}");

    let wide = Spec {
        width: 30_000,
        height: 1,
        rows_per_strip: None,
        ..Spec::standard()
    };
    let err = load_err(&write_geotiff::<GrayI16>(&wide, &vec![0i16; 30_000]));
    assert!(
        matches!(err, TerrainError::TooLarge { width: 30_000, .. }),
        "{err}"
    );
    // Claims 10000 x 7000 cells (too many) and 20000 x 20000 in a file of a few hundred bytes.
    for (w, h) in [(10_000, 7_000), (20_000, 20_000), (u32::MAX, u32::MAX)] {
        let err = load_err(&claiming_size(w, h));
        assert!(
            matches!(err, TerrainError::TooLarge { .. }),
            "{w}x{h}: {err}"
        );
    }
    // A claimed size within limits but data missing: an error, not a panic or garbage.
    let err = load_err(&claiming_size(0, 5));
    assert!(matches!(err, TerrainError::Tiff { .. }), "{err}");
    let err = load_err(&claiming_size(300, 200));
    assert!(matches!(err, TerrainError::Tiff { .. }), "{err}");
}

#[test]
fn truncated_and_corrupted_files_give_errors_not_panics() {
    let spec = Spec {
        width: 24,
        height: 12,
        compression: Compression::Deflate(DeflateLevel::Balanced),
        rows_per_strip: Some(5),
        nodata: Some("-32768"),
        ..Spec::standard()
    };
    let striped = standard_i16(&spec);
    let tiled = tiled_i16(&spec, 16, true, |c, r| plane_at(c, r) as i16);
    for file in [&striped, &tiled] {
        for len in 0..file.len() {
            let _ = Dem::new().add_geotiff("cut.tif", &file[..len]);
        }
        let mut seed = 0x2545_f491_u32;
        for i in 0..file.len() {
            for flip in [0xff_u8, 0x01, 0x80] {
                let mut bad = file.clone();
                bad[i] ^= flip;
                let _ = Dem::new().add_geotiff("flip.tif", &bad);
            }
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let mut bad = file.clone();
            let at = (seed as usize) % file.len();
            let end = (at + 4).min(file.len());
            bad[at..end].copy_from_slice(&[0xff, 0xff, 0xff, 0x7f][..end - at]);
            let _ = Dem::new().add_geotiff("big.tif", &bad);
        }
    }
    let err = load_err(b"");
    assert!(matches!(err, TerrainError::Tiff { .. }), "{err}");
    let err = load_err(&striped[..striped.len() - 40]);
    assert!(err.to_string().starts_with("dem.tif:"), "{err}");
}
