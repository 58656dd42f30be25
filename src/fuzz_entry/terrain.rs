//! Elevation files: SRTM `.hgt` tiles and GeoTIFF models.

use crate::geo::LatLon;
use crate::plan::terrain::{Dem, HGT_VOID, MAX_PLAUSIBLE_M, hgt_file_name};

/// Bytes of an SRTM tile of 1201 x 1201 samples (3 arc-seconds).
const HGT_3S_BYTES: usize = 1201 * 1201 * 2;

/// An elevation file. The first byte picks the reader: even → the bytes after it are a GeoTIFF;
/// odd → an `.hgt` tile whose name is the next `n` bytes (`n` = the second byte mod 24) and
/// whose content is the rest, or (bit 1 set) the rest repeated to the size of a real 3″ tile,
/// with (bit 2) its eastern neighbour made of the same bytes so the seam is crossed.
///
/// Checked: a loaded model answers every question (elevations on a grid over each tile,
/// profiles, the highest point along a leg) without panicking, and every elevation it gives is
/// finite and within the samples' range: for `.hgt` between the lowest and highest sample, for
/// GeoTIFF within the plausible range.
pub fn elevation(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mut dem = Dem::new();
    let range_m = if mode & 1 == 0 {
        if dem.add_geotiff("fuzz.tif", rest).is_err() {
            return;
        }
        (-MAX_PLAUSIBLE_M, MAX_PLAUSIBLE_M)
    } else {
        let Some((&n, rest)) = rest.split_first() else {
            return;
        };
        let (name, body) = rest.split_at(usize::from(n % 24).min(rest.len()));
        let name = String::from_utf8_lossy(name).into_owned();
        let body: Vec<u8> = if mode & 2 != 0 && !body.is_empty() {
            body.iter().copied().cycle().take(HGT_3S_BYTES).collect()
        } else {
            body.to_vec()
        };
        if dem.add_hgt(&name, &body).is_err() {
            return;
        }
        if mode & 4 != 0
            && let Some((sw, _)) = dem.coverage().first().copied()
        {
            // The tile's corner is whole degrees; its eastern neighbour wraps at 180°.
            let (lat, lon) = (sw.lat_deg as i32, sw.lon_deg as i32);
            let east = if lon >= 179 { -180 } else { lon + 1 };
            let added = dem.add_hgt(&hgt_file_name(lat, east), &body);
            assert!(added.is_ok(), "the neighbour tile did not load: {added:?}");
        }
        sample_range(&body)
    };
    query(&dem, range_m);
}

/// Lowest and highest non-void sample of an `.hgt` body (an empty range when all are void).
fn sample_range(body: &[u8]) -> (f64, f64) {
    body.chunks_exact(2)
        .filter_map(|p| match p {
            [hi, lo] => Some(i16::from_be_bytes([*hi, *lo])),
            _ => None,
        })
        .filter(|&v| v != HGT_VOID)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(f64::from(v)), hi.max(f64::from(v)))
        })
}

/// Asks the model about a 7 x 7 grid over each tile (edges included) and along its diagonal.
fn query(dem: &Dem, (lo_m, hi_m): (f64, f64)) {
    // Interpolation between samples cannot leave their range (beyond rounding).
    let slack_m = 1e-6 * lo_m.abs().max(hi_m.abs()).max(1.0);
    let check = |p: LatLon, v: Option<f64>| {
        if let Some(v) = v {
            assert!(
                v.is_finite() && v >= lo_m - slack_m && v <= hi_m + slack_m,
                "elevation {v} at {p:?} outside the samples' range {lo_m}..{hi_m}"
            );
        }
    };
    for (sw, ne) in dem.coverage() {
        assert!(
            sw.lat_deg <= ne.lat_deg && sw.lon_deg <= ne.lon_deg,
            "coverage corners out of order: {sw:?} {ne:?}"
        );
        for i in 0..=6 {
            for j in 0..=6 {
                let p = LatLon::new(
                    sw.lat_deg + (ne.lat_deg - sw.lat_deg) * f64::from(i) / 6.0,
                    sw.lon_deg + (ne.lon_deg - sw.lon_deg) * f64::from(j) / 6.0,
                );
                let v = dem.elevation_m(p);
                check(p, v);
                if v.is_some() {
                    assert!(dem.covers(p), "an elevation at {p:?}, outside every tile");
                }
            }
        }
        let step_m = sw.distance_m(ne) / 40.0;
        for (_, p, v) in dem.profile_points(sw, ne, step_m) {
            check(p, v);
        }
        if let Ok(max_m) = dem.max_along(sw, ne, step_m) {
            check(ne, Some(max_m));
        }
    }
}
