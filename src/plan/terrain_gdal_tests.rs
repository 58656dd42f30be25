//! Optional cross-check with GDAL: a GeoTIFF written by the fixtures must have the corners and
//! the values `gdalinfo` / `gdallocationinfo` report. Skipped (with a note) without GDAL; the
//! exact-formula tests are the real ones.

use std::path::Path;
use std::process::Command;

use super::fixtures::*;
use super::*;

fn gdal_installed() -> bool {
    Command::new("gdallocationinfo")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `gdalinfo -json`'s corner coordinates as (south-west, north-east).
fn gdal_corners(path: &Path) -> (LatLon, LatLon) {
    let out = Command::new("gdalinfo")
        .arg("-json")
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let corner = |name: &str| {
        let c = &info["cornerCoordinates"][name];
        (c[0].as_f64().unwrap(), c[1].as_f64().unwrap())
    };
    let (west, north) = corner("upperLeft");
    let (east, south) = corner("lowerRight");
    (LatLon::new(south, west), LatLon::new(north, east))
}

/// The value `gdallocationinfo` reads at a WGS84 position (the pixel containing it).
fn gdal_value(path: &Path, p: LatLon) -> f64 {
    let out = Command::new("gdallocationinfo")
        .args(["-valonly", "-wgs84"])
        .arg(path)
        .arg(p.lon_deg.to_string())
        .arg(p.lat_deg.to_string())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    text.trim()
        .parse()
        .unwrap_or_else(|_| panic!("gdallocationinfo at {p:?} printed {text:?}"))
}

#[test]
fn gdal_agrees_on_corners_and_pixel_values() {
    if !gdal_installed() {
        println!("note: GDAL not installed (apt-get install gdal-bin); cross-check skipped");
        return;
    }
    let dir = std::env::temp_dir().join(format!("steppe-terrain-gdal-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = Spec {
        compression: tiff::encoder::Compression::Deflate(Default::default()),
        nodata: Some("-32768"),
        ..Spec::standard()
    };
    for (name, keys) in [("area.tif", AREA_KEYS), ("point.tif", POINT_KEYS)] {
        let bytes = standard_i16(&spec.clone().keys(&keys));
        let path = dir.join(name);
        std::fs::write(&path, &bytes).unwrap();
        let dem = load(name, &bytes);
        let (sw, ne) = dem.coverage()[0];
        let (gdal_sw, gdal_ne) = gdal_corners(&path);
        for (ours, theirs) in [(sw, gdal_sw), (ne, gdal_ne)] {
            assert!(
                (ours.lat_deg - theirs.lat_deg).abs() < 1e-9,
                "{name}: {ours:?} {theirs:?}"
            );
            assert!(
                (ours.lon_deg - theirs.lon_deg).abs() < 1e-9,
                "{name}: {ours:?} {theirs:?}"
            );
        }
        // At the centre of GDAL's pixels our bilinear value is the pixel's own value.
        let cell_deg = (ne.lon_deg - sw.lon_deg) / f64::from(WIDTH);
        for (col, row) in [(0, 0), (39, 29), (17, 4), (3, 22), (39, 0), (0, 29)] {
            let p = LatLon::new(
                ne.lat_deg - (f64::from(row) + 0.5) * cell_deg,
                sw.lon_deg + (f64::from(col) + 0.5) * cell_deg,
            );
            let ours = dem.elevation_m(p).unwrap();
            assert_eq!(ours, gdal_value(&path, p), "{name} pixel {col}, {row}");
            assert_eq!(ours, plane_at(col, row));
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

fn load(name: &str, bytes: &[u8]) -> Dem {
    let mut dem = Dem::new();
    dem.add_geotiff(name, bytes).unwrap();
    dem
}
