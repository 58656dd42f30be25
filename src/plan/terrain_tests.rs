//! Tests of the SRTM reader, interpolation, seams, voids and leg helpers on generated tiles.
//! Planes are used wherever exact values are checked: bilinear interpolation of a plane is exact.

use super::*;

const SIDE_3S: usize = 1201;

/// A plane that is a whole number of metres on every 3″ sample of any tile: one metre per
/// sample eastwards, two per sample northwards.
fn plane(lat_deg: f64, lon_deg: f64) -> f64 {
    1000.0 + 1200.0 * (lon_deg - 74.0) + 2400.0 * (lat_deg - 42.0)
}

fn tile(sw_lat: i32, sw_lon: i32, f: impl Fn(f64, f64) -> f64) -> Dem {
    let mut dem = Dem::new();
    dem.add_hgt(
        &hgt_file_name(sw_lat, sw_lon),
        &synthetic_hgt(sw_lat, sw_lon, SIDE_3S, f),
    )
    .unwrap();
    dem
}

fn add(dem: &mut Dem, sw_lat: i32, sw_lon: i32, f: impl Fn(f64, f64) -> f64) {
    dem.add_hgt(
        &hgt_file_name(sw_lat, sw_lon),
        &synthetic_hgt(sw_lat, sw_lon, SIDE_3S, f),
    )
    .unwrap();
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[track_caller]
fn assert_elev(dem: &Dem, lat: f64, lon: f64, expected_m: f64) {
    let got = dem.elevation_m(LatLon::new(lat, lon));
    let got = got.unwrap_or_else(|| panic!("no data at {lat}, {lon}"));
    assert!(
        close(got, expected_m, 1e-6),
        "{lat}, {lon}: got {got}, expected {expected_m}"
    );
}

#[test]
fn names_give_the_south_west_corner() {
    assert_eq!(hgt::hgt_sw_corner("N42E074.hgt"), Ok((42, 74)));
    assert_eq!(hgt::hgt_sw_corner("s35w071.HGT"), Ok((-35, -71)));
    assert_eq!(hgt::hgt_sw_corner("N42E074.SRTMGL1.hgt"), Ok((42, 74)));
    assert_eq!(hgt::hgt_sw_corner("/data/dem/N00W180.hgt"), Ok((0, -180)));
    assert_eq!(hgt::hgt_sw_corner(r"C:\dem\S90E179.hgt"), Ok((-90, 179)));
    for bad in [
        "foo.hgt",
        "N42E74.hgt",
        "E074N42.hgt",
        "N95E000.hgt",
        "N42E181.hgt",
        "N42E074x.hgt",
        "N4-E074.hgt",
        "",
        "Ñ42E074.hgt",
    ] {
        let err = hgt::hgt_sw_corner(bad).unwrap_err();
        assert!(matches!(err, TerrainError::HgtName { .. }), "{bad}: {err}");
        assert!(err.to_string().contains("N42E074.hgt"), "{err}");
    }
    assert_eq!(hgt_file_name(-35, -71), "S35W071.hgt");
    assert_eq!(hgt_file_name(42, 74), "N42E074.hgt");
}

#[test]
fn plane_is_interpolated_exactly_inside_on_edges_and_corners() {
    let dem = tile(42, 74, plane);
    // Corners, edges, sample points and points between samples.
    for (lat, lon) in [
        (42.0, 74.0),
        (43.0, 75.0),
        (43.0, 74.0),
        (42.0, 75.0),
        (42.0, 74.5),
        (43.0, 74.123_456),
        (42.777, 74.0),
        (42.777, 75.0),
        (42.5, 74.5),
        (42.123_456_7, 74.987_654_3),
        (42.000_01, 74.999_99),
    ] {
        assert_elev(&dem, lat, lon, plane(lat, lon));
    }
    // A scan across many cells.
    for i in 0..200 {
        let lat = 42.0 + f64::from(i) * 0.004_987;
        let lon = 74.0 + f64::from(199 - i) * 0.005_013;
        assert_elev(&dem, lat, lon, plane(lat, lon));
    }
}

#[test]
fn rows_run_north_to_south_and_hemispheres_are_signed() {
    // Only the first sample (north-west corner) is 7 m; the rest is 0 m.
    let mut bytes = vec![0u8; SIDE_3S * SIDE_3S * 2];
    bytes[..2].copy_from_slice(&7i16.to_be_bytes());
    let mut dem = Dem::new();
    dem.add_hgt("s35w071.hgt", &bytes).unwrap();
    assert_eq!(
        dem.coverage(),
        vec![(LatLon::new(-35.0, -71.0), LatLon::new(-34.0, -70.0))]
    );
    assert_elev(&dem, -34.0, -71.0, 7.0);
    assert_elev(&dem, -35.0, -71.0, 0.0);
    assert_elev(&dem, -34.0, -70.0, 0.0);
    // Half a cell south-east of the corner sample: a quarter of it.
    let half = 0.5 / 1200.0;
    assert_elev(&dem, -34.0 - half, -71.0 + half, 7.0 / 4.0);
    assert_eq!(dem.elevation_m(LatLon::new(-33.9999, -70.5)), None);
    assert_eq!(dem.elevation_m(LatLon::new(-34.5, -71.0001)), None);

    // A plane in the south-western hemisphere.
    let f = |lat: f64, lon: f64| 500.0 + 1200.0 * (lon + 71.0) - 2400.0 * (lat + 35.0);
    let dem = tile(-35, -71, f);
    for (lat, lon) in [
        (-34.2, -70.3),
        (-35.0, -71.0),
        (-34.0, -70.0),
        (-34.51, -70.99),
    ] {
        assert_elev(&dem, lat, lon, f(lat, lon));
    }
}

#[test]
fn outside_coverage_is_none_never_zero() {
    let dem = tile(42, 74, |_, _| 0.0);
    assert_eq!(dem.elevation_m(LatLon::new(42.5, 74.5)), Some(0.0));
    for (lat, lon) in [
        (41.999_999, 74.5),
        (43.000_001, 74.5),
        (42.5, 73.999_999),
        (42.5, 75.000_001),
        (0.0, 0.0),
        (f64::NAN, 74.5),
        (42.5, f64::INFINITY),
        (95.0, 74.5),
    ] {
        assert_eq!(dem.elevation_m(LatLon::new(lat, lon)), None, "{lat}, {lon}");
    }
    assert!(!dem.covers(LatLon::new(41.9, 74.5)));
    assert!(dem.covers(LatLon::new(42.0, 74.5)));
    assert_eq!(Dem::new().elevation_m(LatLon::new(42.5, 74.5)), None);
    assert!(Dem::new().is_empty());
}

#[test]
fn voids_give_none_only_in_the_cells_that_touch_them() {
    // One void sample at row 600, column 300.
    let step = 1.0 / 1200.0;
    let (void_lat, void_lon) = (43.0 - 600.0 * step, 74.0 + 300.0 * step);
    let f = |lat: f64, lon: f64| {
        if close(lat, void_lat, 1e-9) && close(lon, void_lon, 1e-9) {
            f64::NAN
        } else {
            plane(lat, lon)
        }
    };
    let dem = tile(42, 74, f);
    assert_eq!(dem.elevation_m(LatLon::new(void_lat, void_lon)), None);
    for (dlat, dlon) in [
        (0.4, 0.4),
        (-0.4, 0.4),
        (0.4, -0.4),
        (-0.4, -0.4),
        (0.0, 0.7),
    ] {
        let p = LatLon::new(void_lat + dlat * step, void_lon + dlon * step);
        assert_eq!(dem.elevation_m(p), None, "{p:?}");
    }
    // The neighbouring samples themselves and cells beyond them are unaffected.
    assert_elev(
        &dem,
        void_lat,
        void_lon + step,
        plane(void_lat, void_lon + step),
    );
    assert_elev(
        &dem,
        void_lat + step,
        void_lon,
        plane(void_lat + step, void_lon),
    );
    let (lat, lon) = (void_lat + 1.5 * step, void_lon + 0.5 * step);
    assert_elev(&dem, lat, lon, plane(lat, lon));

    // A tile that is all void.
    let dem = tile(42, 74, |_, _| f64::NAN);
    assert_eq!(dem.elevation_m(LatLon::new(42.5, 74.5)), None);
    assert!(dem.covers(LatLon::new(42.5, 74.5)));
}

#[test]
fn tile_seams_are_continuous() {
    // A valley running north-south with a sinusoidal floor, over four tiles.
    let valley = |lat: f64, lon: f64| {
        1000.0 + 200.0 * (lat * 7.0).sin() + 300.0 * ((lon - 75.0) * 3.0).powi(2)
    };
    let mut dem = Dem::new();
    for (sw_lat, sw_lon) in [(42, 74), (42, 75), (43, 74), (43, 75)] {
        add(&mut dem, sw_lat, sw_lon, valley);
    }
    assert_eq!(dem.tile_count(), 4);
    let eps = 1e-9;
    for i in 0..50 {
        let lat = 42.1 + f64::from(i) * 0.037;
        let west = dem.elevation_m(LatLon::new(lat, 75.0 - eps)).unwrap();
        let east = dem.elevation_m(LatLon::new(lat, 75.0 + eps)).unwrap();
        assert!(
            close(west, east, 1e-3),
            "lon seam at {lat}: {west} vs {east}"
        );
        assert!(close(west, valley(lat, 75.0), 0.5 + 0.1), "{west}");
        let lon = 74.1 + f64::from(i) * 0.037;
        let south = dem.elevation_m(LatLon::new(43.0 - eps, lon)).unwrap();
        let north = dem.elevation_m(LatLon::new(43.0 + eps, lon)).unwrap();
        assert!(
            close(south, north, 1e-3),
            "lat seam at {lon}: {south} vs {north}"
        );
    }
    // The four-tile corner.
    let centre = dem.elevation_m(LatLon::new(43.0, 75.0)).unwrap();
    for (dlat, dlon) in [(eps, eps), (-eps, eps), (eps, -eps), (-eps, -eps)] {
        let v = dem
            .elevation_m(LatLon::new(43.0 + dlat, 75.0 + dlon))
            .unwrap();
        assert!(close(v, centre, 1e-3));
    }
    // Exact plane across the seam.
    let mut dem = Dem::new();
    add(&mut dem, 42, 74, plane);
    add(&mut dem, 42, 75, plane);
    for lon in [74.9999, 75.0, 75.000_01, 75.3] {
        assert_elev(&dem, 42.3, lon, plane(42.3, lon));
    }
}

#[test]
fn one_arc_second_tiles_are_read_and_preferred() {
    let f = |lat: f64, lon: f64| 100.0 + 3600.0 * (lon - 74.0) + 3600.0 * (lat - 42.0);
    let coarse = |lat: f64, lon: f64| f(lat, lon) + 1000.0;
    let mut dem = Dem::new();
    add(&mut dem, 42, 74, coarse);
    let fine = synthetic_hgt(42, 74, 3601, |lat, lon| {
        // A void in the fine tile, filled from the coarse one.
        if lat > 42.9 && lon > 74.9 {
            f64::NAN
        } else {
            f(lat, lon)
        }
    });
    dem.add_hgt("N42E074.SRTMGL1.hgt", &fine).unwrap();
    assert_eq!(dem.tile_count(), 2);
    assert_elev(&dem, 42.456_789, 74.123_456, f(42.456_789, 74.123_456));
    assert_elev(&dem, 42.95, 74.95, coarse(42.95, 74.95));
}

#[test]
fn wrong_sizes_and_truncated_files_are_clear_errors() {
    let good = synthetic_hgt(42, 74, SIDE_3S, plane);
    for len in [0, 1, 2, 1201 * 2, good.len() - 1, good.len() - 2] {
        let err = Dem::new()
            .add_hgt("N42E074.hgt", good.get(..len).unwrap())
            .unwrap_err();
        assert_eq!(
            err,
            TerrainError::HgtSize {
                file: "N42E074.hgt".into(),
                found_bytes: len
            }
        );
        let text = err.to_string();
        assert!(
            text.contains("N42E074.hgt") && text.contains("2884802"),
            "{text}"
        );
    }
    let mut long = good.clone();
    long.extend_from_slice(&[0, 0]);
    assert!(Dem::new().add_hgt("N42E074.hgt", &long).is_err());
    // A small synthetic tile is refused too: real tiles have one of two sizes.
    let small = synthetic_hgt(42, 74, 11, plane);
    assert!(matches!(
        Dem::new().add_hgt("N42E074.hgt", &small),
        Err(TerrainError::HgtSize { .. })
    ));
    let err = Dem::new().add_hgt("dem.hgt", &good).unwrap_err();
    assert!(err.to_string().starts_with("dem.hgt:"), "{err}");
}

#[test]
fn profile_samples_the_leg_evenly_with_both_ends() {
    let dem = tile(42, 74, plane);
    let (a, b) = (LatLon::new(42.2, 74.2), LatLon::new(42.21, 74.23));
    let total_m = a.distance_m(b);
    let profile = dem.profile(a, b, 100.0);
    assert_eq!(profile.len(), (total_m / 100.0).ceil() as usize + 1);
    assert_eq!(profile.first().unwrap().0, 0.0);
    assert!(close(profile.last().unwrap().0, total_m, 1e-6));
    assert_eq!(profile.first().unwrap().1, dem.elevation_m(a));
    assert_eq!(profile.last().unwrap().1, dem.elevation_m(b));
    for pair in profile.windows(2) {
        let gap = pair[1].0 - pair[0].0;
        assert!(gap > 0.0 && gap <= 100.0 + 1e-9, "{gap}");
    }
    for (d, e) in &profile {
        let p = a.destination(a.bearing_deg(b), *d);
        assert!(close(e.unwrap(), plane(p.lat_deg, p.lon_deg), 1e-3));
    }
    // On a plane the highest point is an end of the leg.
    let max = dem.max_along(a, b, 25.0).unwrap();
    let ends = plane(a.lat_deg, a.lon_deg).max(plane(b.lat_deg, b.lon_deg));
    assert!(close(max, ends, 1e-3), "{max} vs {ends}");
    // Degenerate legs and steps.
    assert_eq!(dem.profile(a, a, 10.0), vec![(0.0, dem.elevation_m(a))]);
    assert_eq!(dem.profile(a, b, 0.0).len(), 2);
    assert_eq!(dem.profile(a, b, f64::NAN).len(), 2);
    let far = LatLon::new(-42.0, -100.0);
    assert_eq!(dem.profile(a, far, 1e-3).len(), MAX_PROFILE_SEGMENTS + 1);
    for step in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert!(matches!(
            dem.max_along(a, b, step),
            Err(TerrainError::BadStep { .. })
        ));
    }
}

#[test]
fn max_along_names_the_first_point_without_data() {
    let dem = tile(42, 74, plane);
    // From inside the tile eastwards out of it: the tile edge is at 75°E.
    let (a, b) = (LatLon::new(42.5, 74.99), LatLon::new(42.5, 75.01));
    let profile = dem.profile(a, b, 50.0);
    assert!(profile.first().unwrap().1.is_some());
    assert!(profile.last().unwrap().1.is_none());
    let err = dem.max_along(a, b, 50.0).unwrap_err();
    let TerrainError::NoData {
        lon_deg,
        distance_m,
        ..
    } = err
    else {
        panic!("{err}");
    };
    assert!(
        lon_deg > 75.0 && lon_deg < 75.0 + 50.0 / 80_000.0,
        "{lon_deg}"
    );
    assert!(distance_m > 0.0);
    let text = err.to_string();
    assert!(text.contains("42.500000, 74.990000"), "{text}");
}

#[test]
fn load_dir_reads_hgt_and_tiff_files_and_names_bad_ones() {
    let dir = std::env::temp_dir().join(format!("steppe-terrain-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    assert!(matches!(
        Dem::load_dir(&dir),
        Err(TerrainError::NoElevationFiles { .. })
    ));
    std::fs::write(dir.join("N42E074.hgt.zip"), b"PK").unwrap();
    let err = Dem::load_dir(&dir).unwrap_err();
    assert!(err.to_string().contains("1 .zip"), "{err}");

    let hgt = synthetic_hgt(42, 74, SIDE_3S, plane);
    std::fs::write(dir.join("n42e074.HGT"), &hgt).unwrap();
    std::fs::write(dir.join("README.txt"), b"not a tile").unwrap();
    let tif = super::fixtures::plane_geotiff(43.2, 74.0, 0.01);
    std::fs::write(dir.join("valley.TIF"), &tif).unwrap();
    let dem = Dem::load_dir(&dir).unwrap();
    assert_eq!(dem.tile_count(), 2);
    assert_elev(&dem, 42.5, 74.5, plane(42.5, 74.5));
    assert!(dem.elevation_m(LatLon::new(43.15, 74.05)).is_some());

    std::fs::write(dir.join("S10E010.hgt"), &hgt[..100]).unwrap();
    let err = Dem::load_dir(&dir).unwrap_err();
    assert!(err.to_string().contains("S10E010.hgt"), "{err}");
    std::fs::remove_file(dir.join("S10E010.hgt")).unwrap();
    std::fs::write(dir.join("broken.tiff"), b"II*\0garbage").unwrap();
    let err = Dem::load_dir(&dir).unwrap_err();
    assert!(err.to_string().contains("broken.tiff"), "{err}");

    let missing = dir.join("missing");
    let err = Dem::load_dir(&missing).unwrap_err();
    assert!(matches!(err, TerrainError::Io { .. }), "{err}");
    assert!(err.to_string().contains("missing"));
    std::fs::remove_dir_all(&dir).unwrap();
}
