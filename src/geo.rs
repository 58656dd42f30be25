//! Geodesy for a ground station: WGS84 positions, great-circle distance and bearing, and a local
//! east-north-up (ENU) frame for the few-kilometre areas a survey covers.
//!
//! Pure math, no I/O. Distances are metres, angles degrees unless a name says otherwise.

/// Mean Earth radius (m), used for great-circle distance and bearing.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

const WGS84_A_M: f64 = 6_378_137.0;
const WGS84_E2: f64 = 6.694_379_990_14e-3;

/// A WGS84 position in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LatLon {
    /// Latitude, degrees north.
    pub lat_deg: f64,
    /// Longitude, degrees east.
    pub lon_deg: f64,
}

impl LatLon {
    /// A position from degrees.
    pub const fn new(lat_deg: f64, lon_deg: f64) -> Self {
        Self { lat_deg, lon_deg }
    }

    /// A position from MAVLink's degrees * 1e7 integers.
    pub fn from_e7(lat_e7: i32, lon_e7: i32) -> Self {
        Self::new(f64::from(lat_e7) * 1e-7, f64::from(lon_e7) * 1e-7)
    }

    /// Latitude and longitude as MAVLink degrees * 1e7 integers (rounded, saturating).
    pub fn to_e7(self) -> (i32, i32) {
        (deg_to_e7(self.lat_deg), deg_to_e7(self.lon_deg))
    }

    /// True when both coordinates are finite and inside their valid ranges.
    pub fn is_valid(self) -> bool {
        self.lat_deg.is_finite()
            && self.lon_deg.is_finite()
            && (-90.0..=90.0).contains(&self.lat_deg)
            && (-180.0..=180.0).contains(&self.lon_deg)
    }

    /// Distance to `other`, metres: on the WGS84 ellipsoid (radii of curvature at the mean
    /// latitude) up to 100 km, which is exact to centimetres at field scale and agrees with
    /// [`LocalFrame`]; great-circle beyond.
    pub fn distance_m(self, other: LatLon) -> f64 {
        match local_offset(self, other) {
            Some((e, n)) => e.hypot(n),
            None => self.great_circle_m(other),
        }
    }

    /// Great-circle (haversine) distance on a sphere of the mean Earth radius, metres.
    pub fn great_circle_m(self, other: LatLon) -> f64 {
        let (p1, p2) = (self.lat_deg.to_radians(), other.lat_deg.to_radians());
        let dp = p2 - p1;
        let dl = (other.lon_deg - self.lon_deg).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_M * a.sqrt().clamp(0.0, 1.0).asin()
    }

    /// Initial bearing towards `other`, degrees clockwise from north in [0, 360) (ellipsoidal
    /// up to 100 km, great-circle beyond).
    pub fn bearing_deg(self, other: LatLon) -> f64 {
        if let Some((e, n)) = local_offset(self, other) {
            return wrap_360(e.atan2(n).to_degrees());
        }
        let (p1, p2) = (self.lat_deg.to_radians(), other.lat_deg.to_radians());
        let dl = (other.lon_deg - self.lon_deg).to_radians();
        let y = dl.sin() * p2.cos();
        let x = p1.cos() * p2.sin() - p1.sin() * p2.cos() * dl.cos();
        wrap_360(y.atan2(x).to_degrees())
    }

    /// The point `distance_m` away starting at `bearing_deg` (through the local frame up to
    /// 100 km, great-circle beyond).
    pub fn destination(self, bearing_deg: f64, distance_m: f64) -> LatLon {
        if distance_m.abs() < LOCAL_LIMIT_M && self.lat_deg.abs() < 89.0 {
            let b = bearing_deg.to_radians();
            return LocalFrame::new(self)
                .to_latlon(Enu::new(distance_m * b.sin(), distance_m * b.cos()));
        }
        let d = distance_m / EARTH_RADIUS_M;
        let b = bearing_deg.to_radians();
        let p1 = self.lat_deg.to_radians();
        let l1 = self.lon_deg.to_radians();
        let p2 = (p1.sin() * d.cos() + p1.cos() * d.sin() * b.cos()).asin();
        let l2 = l1 + (b.sin() * d.sin() * p1.cos()).atan2(d.cos() - p1.sin() * p2.sin());
        LatLon::new(p2.to_degrees(), wrap_180(l2.to_degrees()))
    }
}

/// Distances up to this use the ellipsoidal local approximation.
const LOCAL_LIMIT_M: f64 = 100_000.0;

/// Meridional and prime-vertical radii of curvature (m) at a latitude.
fn radii_m(lat_deg: f64) -> (f64, f64) {
    let phi = lat_deg.to_radians();
    let denom = (1.0 - WGS84_E2 * phi.sin().powi(2)).sqrt();
    (
        WGS84_A_M * (1.0 - WGS84_E2) / denom.powi(3),
        WGS84_A_M / denom,
    )
}

/// (east, north) metres from `a` to `b` with the radii at their mean latitude, when they are
/// close enough (and away from the poles) for that to be accurate.
fn local_offset(a: LatLon, b: LatLon) -> Option<(f64, f64)> {
    if !(a.is_valid() && b.is_valid()) || a.lat_deg.abs() > 89.0 || b.lat_deg.abs() > 89.0 {
        return None;
    }
    let mid = (a.lat_deg + b.lat_deg) / 2.0;
    let (m, n) = radii_m(mid);
    let dn = (b.lat_deg - a.lat_deg).to_radians() * m;
    let de = wrap_180(b.lon_deg - a.lon_deg).to_radians() * n * mid.to_radians().cos();
    (de.hypot(dn) < LOCAL_LIMIT_M).then_some((de, dn))
}

/// Degrees to MAVLink degrees * 1e7, rounded and saturated to the i32 range (NaN gives 0).
pub fn deg_to_e7(deg: f64) -> i32 {
    let v = (deg * 1e7).round();
    if v.is_nan() {
        0
    } else {
        v.clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32
    }
}

/// Wraps an angle to [0, 360).
pub fn wrap_360(deg: f64) -> f64 {
    let r = deg.rem_euclid(360.0);
    if r >= 360.0 { 0.0 } else { r }
}

/// Wraps an angle to [-180, 180).
pub fn wrap_180(deg: f64) -> f64 {
    wrap_360(deg + 180.0) - 180.0
}

/// A point in a local east-north-up frame, metres.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Enu {
    /// Metres east of the origin.
    pub east_m: f64,
    /// Metres north of the origin.
    pub north_m: f64,
}

impl Enu {
    /// A point from east and north metres.
    pub const fn new(east_m: f64, north_m: f64) -> Self {
        Self { east_m, north_m }
    }

    /// Horizontal distance to `other`, metres.
    pub fn distance_m(self, other: Enu) -> f64 {
        (self.east_m - other.east_m).hypot(self.north_m - other.north_m)
    }
}

/// A local tangent frame around an origin, using the WGS84 radii of curvature at the origin.
/// Accurate to centimetres within a few kilometres, which is the size of a survey field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LocalFrame {
    origin: LatLon,
    m_per_deg_lat: f64,
    m_per_deg_lon: f64,
}

impl LocalFrame {
    /// A frame with its origin at `origin`.
    pub fn new(origin: LatLon) -> Self {
        let (m, n) = radii_m(origin.lat_deg);
        Self {
            origin,
            m_per_deg_lat: m.to_radians(),
            m_per_deg_lon: (n * origin.lat_deg.to_radians().cos())
                .to_radians()
                .max(1e-6),
        }
    }

    /// The frame's origin.
    pub fn origin(&self) -> LatLon {
        self.origin
    }

    /// Converts a WGS84 position to local metres (radii of curvature at the mean latitude of
    /// the origin and the point, so distances from the origin agree with
    /// [`LatLon::distance_m`]).
    pub fn to_enu(&self, p: LatLon) -> Enu {
        let mid = (self.origin.lat_deg + p.lat_deg) / 2.0;
        let (m, n) = radii_m(mid);
        let north = (p.lat_deg - self.origin.lat_deg).to_radians() * m;
        let east = wrap_180(p.lon_deg - self.origin.lon_deg).to_radians()
            * n
            * mid.to_radians().cos().max(1e-9);
        Enu::new(east, north)
    }

    /// Converts local metres back to a WGS84 position (inverse of [`LocalFrame::to_enu`]).
    pub fn to_latlon(&self, e: Enu) -> LatLon {
        let lat0 = self.origin.lat_deg;
        let mut lat = lat0 + e.north_m / self.m_per_deg_lat;
        for _ in 0..4 {
            let (m, _) = radii_m((lat0 + lat) / 2.0);
            lat = lat0 + (e.north_m / m).to_degrees();
        }
        let mid = (lat0 + lat) / 2.0;
        let (_, n) = radii_m(mid);
        let lon =
            self.origin.lon_deg + (e.east_m / (n * mid.to_radians().cos().max(1e-9))).to_degrees();
        LatLon::new(lat, wrap_180(lon))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn distance_one_degree_of_latitude() {
        // On the ellipsoid at the equator a tenth of a degree of latitude is 11 057.4 m; the
        // sphere says 11 119.5 m.
        let d = LatLon::new(0.0, 0.0).distance_m(LatLon::new(0.1, 0.0));
        assert!((d - 11_057.4).abs() < 1.0, "{d}");
        let g = LatLon::new(0.0, 0.0).great_circle_m(LatLon::new(1.0, 0.0));
        assert!((g - 111_195.0).abs() < 5.0, "{g}");
    }

    #[test]
    fn bearing_cardinal_directions() {
        let o = LatLon::new(42.0, 74.0);
        assert!((o.bearing_deg(LatLon::new(43.0, 74.0)) - 0.0).abs() < 1e-9);
        assert!((o.bearing_deg(LatLon::new(41.0, 74.0)) - 180.0).abs() < 1e-9);
        assert!((o.bearing_deg(LatLon::new(42.0, 74.001)) - 90.0).abs() < 0.01);
    }

    #[test]
    fn e7_saturates_and_handles_nan() {
        assert_eq!(deg_to_e7(f64::NAN), 0);
        assert_eq!(deg_to_e7(1e12), i32::MAX);
        assert_eq!(deg_to_e7(-1e12), i32::MIN);
        assert_eq!(deg_to_e7(42.123_456_78), 421_234_568);
    }

    proptest! {
        #[test]
        fn destination_matches_distance_and_bearing(
            lat in -80.0f64..80.0, lon in -179.0f64..179.0,
            brg in 0.0f64..360.0, dist in 1.0f64..20_000.0,
        ) {
            let a = LatLon::new(lat, lon);
            let b = a.destination(brg, dist);
            prop_assert!((a.distance_m(b) - dist).abs() < 1e-3 * dist.max(1.0));
            let diff = wrap_180(a.bearing_deg(b) - brg).abs();
            prop_assert!(diff < 1e-3, "bearing diff {}", diff);
        }

        #[test]
        fn local_frame_round_trip(
            lat in -80.0f64..80.0, lon in -179.0f64..179.0,
            e in -5_000.0f64..5_000.0, n in -5_000.0f64..5_000.0,
        ) {
            let f = LocalFrame::new(LatLon::new(lat, lon));
            let p = f.to_latlon(Enu::new(e, n));
            let back = f.to_enu(p);
            prop_assert!((back.east_m - e).abs() < 1e-6 && (back.north_m - n).abs() < 1e-6);
            // Distances agree with the local frame (both ellipsoidal) to 0.01 %.
            let d = f.origin().distance_m(p);
            let local = e.hypot(n);
            prop_assert!((d - local).abs() <= 1e-4 * local + 0.01, "{} vs {}", d, local);
        }
    }
}
