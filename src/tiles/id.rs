//! Tile addressing in the XYZ ("slippy map") scheme on Web Mercator: tile ids, latitude and
//! longitude to tile and back, and the set of tiles covering a box over a range of zooms.
//!
//! Pure math. x grows east, y grows south (TMS files flip y; see [`TileId::tms_y`]).

use std::fmt;
use std::ops::RangeInclusive;

use super::TileError;
use crate::geo::LatLon;

/// Deepest zoom level Steppe handles (about 4 cm per pixel at the equator).
pub const MAX_ZOOM: u8 = 22;
/// Web Mercator's latitude limit, degrees: the latitude where the map becomes square.
pub const MAX_LAT_DEG: f64 = 85.051_128_779_806_59;

/// One map tile: zoom level and column/row in the XYZ scheme (row 0 at the north edge).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileId {
    /// Zoom level, 0 (whole world in one tile) to [`MAX_ZOOM`].
    pub z: u8,
    /// Column, 0 at 180° W, growing east.
    pub x: u32,
    /// Row, 0 at the north edge, growing south.
    pub y: u32,
}

impl fmt::Display for TileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.z, self.x, self.y)
    }
}

/// Number of tiles along one side of the world at zoom `z` (2^z), for `z <= 31`.
pub fn tiles_per_side(z: u8) -> u64 {
    1u64 << z.min(31)
}

impl TileId {
    /// A tile id, or `None` when `z > MAX_ZOOM` or x/y are outside the zoom's grid.
    pub fn new(z: u8, x: u32, y: u32) -> Option<TileId> {
        let id = TileId { z, x, y };
        id.is_valid().then_some(id)
    }

    /// True when `z <= MAX_ZOOM` and x and y are below 2^z.
    pub fn is_valid(self) -> bool {
        let n = tiles_per_side(self.z);
        self.z <= MAX_ZOOM && u64::from(self.x) < n && u64::from(self.y) < n
    }

    /// The tile containing a position at zoom `z` (latitude clamped to ±[`MAX_LAT_DEG`],
    /// longitude outside [-180, 180] wrapped into it, zoom clamped to [`MAX_ZOOM`]). NaN maps to 0.
    pub fn from_lat_lon(lat_deg: f64, lon_deg: f64, z: u8) -> TileId {
        let z = z.min(MAX_ZOOM);
        let (fx, fy) = world_fraction(lat_deg, lon_deg);
        let n = tiles_per_side(z) as f64;
        let max = tiles_per_side(z) - 1;
        // `as u64` saturates and maps NaN to 0; the clamp keeps the right edge inside.
        let col = ((fx * n).floor() as u64).min(max) as u32;
        let row = ((fy * n).floor() as u64).min(max) as u32;
        TileId { z, x: col, y: row }
    }

    /// The tile containing `p` at zoom `z` (see [`TileId::from_lat_lon`]).
    pub fn containing(p: LatLon, z: u8) -> TileId {
        TileId::from_lat_lon(p.lat_deg, p.lon_deg, z)
    }

    /// The north-west corner of the tile.
    pub fn north_west(self) -> LatLon {
        let n = tiles_per_side(self.z) as f64;
        LatLon::new(
            lat_of_fraction(f64::from(self.y) / n),
            f64::from(self.x) / n * 360.0 - 180.0,
        )
    }

    /// The area the tile covers.
    pub fn bounds(self) -> BBox {
        let nw = self.north_west();
        let se = TileId {
            z: self.z,
            x: self.x.saturating_add(1),
            y: self.y.saturating_add(1),
        }
        .north_west();
        BBox {
            south_deg: se.lat_deg,
            west_deg: nw.lon_deg,
            north_deg: nw.lat_deg,
            east_deg: se.lon_deg,
        }
    }

    /// The row in the TMS scheme (row 0 at the south edge), as MBTiles stores it.
    pub fn tms_y(self) -> u32 {
        (tiles_per_side(self.z).saturating_sub(1) as u32).saturating_sub(self.y)
    }

    /// The tile one zoom level up that contains this one (`None` at zoom 0).
    pub fn parent(self) -> Option<TileId> {
        let z = self.z.checked_sub(1)?;
        Some(TileId {
            z,
            x: self.x / 2,
            y: self.y / 2,
        })
    }
}

/// Position of a point as a fraction of the Web Mercator world square: x from the
/// antimeridian eastwards, y from the north edge southwards, both in [0, 1].
pub fn world_fraction(lat_deg: f64, lon_deg: f64) -> (f64, f64) {
    let lat = if lat_deg.is_nan() { 0.0 } else { lat_deg };
    let lat_rad = lat.clamp(-MAX_LAT_DEG, MAX_LAT_DEG).to_radians();
    let lon = if (-180.0..=180.0).contains(&lon_deg) {
        lon_deg
    } else if lon_deg.is_finite() {
        (lon_deg + 180.0).rem_euclid(360.0) - 180.0
    } else {
        0.0
    };
    let fx = (lon + 180.0) / 360.0;
    let fy = (1.0 - lat_rad.tan().asinh() / std::f64::consts::PI) / 2.0;
    (fx.clamp(0.0, 1.0), fy.clamp(0.0, 1.0))
}

/// Latitude of a world fraction measured from the north edge (inverse of [`world_fraction`]).
pub fn lat_of_fraction(fy: f64) -> f64 {
    (std::f64::consts::PI * (1.0 - 2.0 * fy))
        .sinh()
        .atan()
        .to_degrees()
}

/// A latitude/longitude box, degrees. Always valid: south <= north, west <= east, inside the
/// world (boxes across the antimeridian are not supported).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    south_deg: f64,
    west_deg: f64,
    north_deg: f64,
    east_deg: f64,
}

impl BBox {
    /// A box from its edges, checked: finite, latitudes in [-90, 90], longitudes in
    /// [-180, 180], south <= north and west <= east.
    pub fn new(
        south_deg: f64,
        west_deg: f64,
        north_deg: f64,
        east_deg: f64,
    ) -> Result<BBox, TileError> {
        let edges = [south_deg, west_deg, north_deg, east_deg];
        let why = if edges.iter().any(|v| !v.is_finite()) {
            Some("an edge is not a finite number")
        } else if !(-90.0..=90.0).contains(&south_deg) || !(-90.0..=90.0).contains(&north_deg) {
            Some("latitudes must be within -90..90")
        } else if !(-180.0..=180.0).contains(&west_deg) || !(-180.0..=180.0).contains(&east_deg) {
            Some("longitudes must be within -180..180")
        } else if south_deg > north_deg {
            Some("south is north of north")
        } else if west_deg > east_deg {
            Some("west is east of east (boxes across the antimeridian are not supported)")
        } else {
            None
        };
        match why {
            Some(why) => Err(TileError::InvalidBBox {
                bbox: edges,
                why: why.to_string(),
            }),
            None => Ok(BBox {
                south_deg,
                west_deg,
                north_deg,
                east_deg,
            }),
        }
    }

    /// The box extending `east_m`/`north_m` metres (approximately, on a sphere) each side of
    /// `center`, clipped to the world.
    pub fn around(center: LatLon, east_m: f64, north_m: f64) -> Result<BBox, TileError> {
        const M_PER_DEG: f64 = crate::geo::EARTH_RADIUS_M * std::f64::consts::PI / 180.0;
        let d_lat = north_m.abs() / M_PER_DEG;
        let cos = center.lat_deg.to_radians().cos().max(1e-6);
        let d_lon = east_m.abs() / (M_PER_DEG * cos);
        BBox::new(
            (center.lat_deg - d_lat).max(-90.0),
            (center.lon_deg - d_lon).max(-180.0),
            (center.lat_deg + d_lat).min(90.0),
            (center.lon_deg + d_lon).min(180.0),
        )
    }

    /// Southern edge, degrees.
    pub fn south_deg(&self) -> f64 {
        self.south_deg
    }
    /// Western edge, degrees.
    pub fn west_deg(&self) -> f64 {
        self.west_deg
    }
    /// Northern edge, degrees.
    pub fn north_deg(&self) -> f64 {
        self.north_deg
    }
    /// Eastern edge, degrees.
    pub fn east_deg(&self) -> f64 {
        self.east_deg
    }

    /// True when `p` is inside or on the edge.
    pub fn contains(&self, p: LatLon) -> bool {
        (self.south_deg..=self.north_deg).contains(&p.lat_deg)
            && (self.west_deg..=self.east_deg).contains(&p.lon_deg)
    }

    /// The smallest box holding both.
    pub fn union(&self, other: &BBox) -> BBox {
        BBox {
            south_deg: self.south_deg.min(other.south_deg),
            west_deg: self.west_deg.min(other.west_deg),
            north_deg: self.north_deg.max(other.north_deg),
            east_deg: self.east_deg.max(other.east_deg),
        }
    }
}

/// The tiles of one zoom level covering a box: columns `x_min..=x_max`, rows `y_min..=y_max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TileRange {
    /// Zoom level.
    pub z: u8,
    /// Westernmost column.
    pub x_min: u32,
    /// Easternmost column.
    pub x_max: u32,
    /// Northernmost row.
    pub y_min: u32,
    /// Southernmost row.
    pub y_max: u32,
}

impl TileRange {
    /// The tiles at zoom `z` (clamped to [`MAX_ZOOM`]) that touch `bbox`.
    pub fn covering(bbox: &BBox, z: u8) -> TileRange {
        let nw = TileId::from_lat_lon(bbox.north_deg, bbox.west_deg, z);
        let se = TileId::from_lat_lon(bbox.south_deg, bbox.east_deg, z);
        TileRange {
            z: nw.z,
            x_min: nw.x,
            x_max: se.x.max(nw.x),
            y_min: nw.y,
            y_max: se.y.max(nw.y),
        }
    }

    /// Number of tiles in the range.
    pub fn len(&self) -> u64 {
        (u64::from(self.x_max) - u64::from(self.x_min) + 1)
            * (u64::from(self.y_max) - u64::from(self.y_min) + 1)
    }

    /// Never empty (a range covers at least one tile); here for clippy's `len` convention.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// True when the tile is in the range.
    pub fn contains(&self, id: TileId) -> bool {
        id.z == self.z
            && (self.x_min..=self.x_max).contains(&id.x)
            && (self.y_min..=self.y_max).contains(&id.y)
    }

    /// The tiles row by row, north to south, west to east.
    pub fn iter(&self) -> impl Iterator<Item = TileId> + use<> {
        let r = *self;
        (r.y_min..=r.y_max)
            .flat_map(move |y| (r.x_min..=r.x_max).map(move |x| TileId { z: r.z, x, y }))
    }
}

/// The zoom levels of `zooms` that exist (clamped to [`MAX_ZOOM`]; empty if reversed).
fn clamp_zooms(zooms: &RangeInclusive<u8>) -> RangeInclusive<u8> {
    *zooms.start()..=(*zooms.end()).min(MAX_ZOOM)
}

/// Every tile touching `bbox` at each zoom of `zooms` (zooms above [`MAX_ZOOM`] are skipped),
/// lowest zoom first, lazily.
pub fn tiles_covering(
    bbox: &BBox,
    zooms: RangeInclusive<u8>,
) -> impl Iterator<Item = TileId> + use<> {
    let bbox = *bbox;
    clamp_zooms(&zooms).flat_map(move |z| TileRange::covering(&bbox, z).iter())
}

/// How many tiles [`tiles_covering`] yields, computed without enumerating them.
pub fn count_tiles(bbox: &BBox, zooms: RangeInclusive<u8>) -> u64 {
    clamp_zooms(&zooms)
        .map(|z| TileRange::covering(bbox, z).len())
        .sum()
}

/// Ground size of one pixel of a 256-pixel tile at latitude `lat_deg` and zoom `z`, metres.
pub fn pixel_size_m(lat_deg: f64, z: u8) -> f64 {
    const EQUATOR_M: f64 = 2.0 * std::f64::consts::PI * 6_378_137.0;
    let lat = lat_deg.clamp(-MAX_LAT_DEG, MAX_LAT_DEG).to_radians();
    EQUATOR_M * lat.cos() / (256.0 * tiles_per_side(z) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_tiles() {
        // Canberra at zoom 15, checked against the OSM wiki formulas.
        let t = TileId::from_lat_lon(-35.363_261, 149.165_230, 15);
        assert_eq!((t.z, t.x, t.y), (15, 29_961, 19_829));
        assert_eq!(
            TileId::from_lat_lon(0.0, 0.0, 1),
            TileId { z: 1, x: 1, y: 1 }
        );
        assert_eq!(
            TileId::from_lat_lon(90.0, -180.0, 3),
            TileId { z: 3, x: 0, y: 0 }
        );
        assert_eq!(
            TileId::from_lat_lon(-90.0, 180.0, 3),
            TileId { z: 3, x: 7, y: 7 }
        );
        assert_eq!(
            TileId::from_lat_lon(0.0, 360.0, 3),
            TileId { z: 3, x: 4, y: 4 }
        );
        assert_eq!(TileId::from_lat_lon(f64::NAN, f64::NAN, 4).z, 4);
        assert_eq!(TileId::from_lat_lon(10.0, 10.0, 99).z, MAX_ZOOM);
        assert_eq!(TileId { z: 3, x: 1, y: 2 }.to_string(), "3/1/2");
        assert_eq!(TileId { z: 3, x: 1, y: 2 }.tms_y(), 5);
        assert_eq!(TileId { z: 0, x: 0, y: 0 }.tms_y(), 0);
        assert!(TileId::new(2, 4, 0).is_none());
        assert!(TileId::new(23, 0, 0).is_none());
        let b = TileId { z: 0, x: 0, y: 0 }.bounds();
        assert!((b.north_deg() - MAX_LAT_DEG).abs() < 1e-9 && (b.east_deg() - 180.0).abs() < 1e-9);
    }

    #[test]
    fn bbox_checks_and_counts() {
        assert!(BBox::new(1.0, 0.0, 0.0, 1.0).is_err());
        assert!(BBox::new(0.0, 10.0, 1.0, -10.0).is_err());
        assert!(BBox::new(0.0, f64::NAN, 1.0, 1.0).is_err());
        let world = BBox::new(-90.0, -180.0, 90.0, 180.0).unwrap();
        assert_eq!(count_tiles(&world, 0..=2), 1 + 4 + 16);
        assert_eq!(count_tiles(&world, RangeInclusive::new(3, 2)), 0);
        let deep = BBox::new(10.0, 10.0, 10.0 + 1e-9, 10.0 + 1e-9).unwrap();
        assert_eq!(count_tiles(&deep, 20..=40), 3);
        let home = BBox::around(LatLon::new(-35.363_261, 149.165_230), 1000.0, 1000.0).unwrap();
        let tiles: Vec<_> = tiles_covering(&home, 13..=18).collect();
        assert_eq!(tiles.len() as u64, count_tiles(&home, 13..=18));
        let key = |t: &TileId| (t.z, t.y, t.x);
        assert!(tiles.windows(2).all(|w| key(&w[0]) < key(&w[1])));
        assert!((pixel_size_m(0.0, 0) - 156_543.034).abs() < 0.01);
    }

    proptest! {
        #[test]
        fn tile_bounds_contain_the_point(
            lat in -85.05f64..85.05, lon in -180.0f64..180.0, z in 0u8..=MAX_ZOOM,
        ) {
            let t = TileId::from_lat_lon(lat, lon, z);
            prop_assert!(t.is_valid());
            let b = t.bounds();
            let eps = 1e-9;
            prop_assert!(b.south_deg() - eps <= lat && lat <= b.north_deg() + eps, "{} {:?}", t, b);
            prop_assert!(b.west_deg() - eps <= lon && lon <= b.east_deg() + eps, "{} {:?}", t, b);
            if let Some(p) = t.parent() {
                prop_assert_eq!(p, TileId::from_lat_lon(lat, lon, z - 1));
            }
        }

        #[test]
        fn count_matches_enumeration(
            lat in -85.0f64..84.0, lon in -180.0f64..179.0,
            dlat_deg in 0.0f64..0.05, dlon_deg in 0.0f64..0.05, z0 in 0u8..=16, dz in 0u8..=3,
        ) {
            let b = BBox::new(lat, lon, lat + dlat_deg, lon + dlon_deg).unwrap();
            let zooms = z0..=z0 + dz;
            let tiles: Vec<TileId> = tiles_covering(&b, zooms.clone()).collect();
            prop_assert_eq!(tiles.len() as u64, count_tiles(&b, zooms));
            for t in &tiles {
                let tb = t.bounds();
                // Every tile touches the box.
                prop_assert!(tb.south_deg() <= b.north_deg() + 1e-9 && tb.north_deg() >= b.south_deg() - 1e-9);
                prop_assert!(tb.west_deg() <= b.east_deg() + 1e-9 && tb.east_deg() >= b.west_deg() - 1e-9);
            }
        }
    }
}
