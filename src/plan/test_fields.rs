//! Test fixtures shared by the planning tests: fields laid out in metres from one origin in
//! the Talas valley, and elevation models generated over it.

use crate::geo::{Enu, LatLon, LocalFrame};
use crate::plan::Area;
use crate::plan::geometry::P2;
use crate::plan::terrain::{Dem, hgt_file_name, synthetic_hgt};

/// The origin of the test fields.
pub const O: LatLon = LatLon::new(42.52, 72.24);

/// A ring from (east, north) metre offsets of [`O`].
pub fn ring(pts: &[(f64, f64)]) -> Vec<LatLon> {
    let f = LocalFrame::new(O);
    pts.iter()
        .map(|(e, n)| f.to_latlon(Enu::new(*e, *n)))
        .collect()
}

/// A `w` × `h` metre rectangle with its south-west corner at [`O`].
pub fn rect(w: f64, h: f64) -> Area {
    Area::new(ring(&[(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)]))
}

/// A 3″ SRTM tile over [`O`] with elevation `f(east_m, north_m)` of it.
pub fn dem(f: impl Fn(f64, f64) -> f64) -> Dem {
    let frame = LocalFrame::new(O);
    let bytes = synthetic_hgt(42, 72, 1201, |lat, lon| {
        let e = frame.to_enu(LatLon::new(lat, lon));
        f(e.east_m, e.north_m)
    });
    let mut d = Dem::new();
    d.add_hgt(&hgt_file_name(42, 72), &bytes).expect("tile");
    d
}

/// A square in the plane, corner (`x`, `y`), side `s`, counter-clockwise.
pub fn square(x: f64, y: f64, s: f64) -> Vec<P2> {
    vec![
        P2::new(x, y),
        P2::new(x + s, y),
        P2::new(x + s, y + s),
        P2::new(x, y + s),
    ]
}
