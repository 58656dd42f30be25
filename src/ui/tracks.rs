//! Where each vehicle has been and where it took photos, accumulated from snapshots and
//! camera events for the whole session. Trails thin nothing away in memory (a 2-hour flight
//! at one point per metre or second is well under 100 000 points per vehicle); the map
//! skips points closer than a pixel when drawing.

use crate::geo::LatLon;
use crate::vehicle::{CameraEvent, VehicleId, VehicleState};
use std::collections::BTreeMap;

/// A new trail point is kept once the vehicle moved this far from the last one, metres.
const MIN_STEP_M: f64 = 1.0;
/// …or this long passed, microseconds (so hovering still shows time passing).
const MIN_INTERVAL_US: u64 = 5_000_000;

/// One trail point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrailPoint {
    /// Position.
    pub lat_lon: LatLon,
    /// Altitude above home, metres (0 when unknown).
    pub alt_rel_m: f64,
    /// When, microseconds since the Unix epoch.
    pub t_us: u64,
    /// Position as a fraction of the Web Mercator world square
    /// ([`crate::tiles::world_fraction`]), worked out once so the map does not project every
    /// point of a long trail again each frame.
    pub world: [f64; 2],
}

impl TrailPoint {
    /// A trail point (its Web Mercator position computed here).
    pub fn new(lat_lon: LatLon, alt_rel_m: f64, t_us: u64) -> Self {
        let (x, y) = crate::tiles::world_fraction(lat_lon.lat_deg, lat_lon.lon_deg);
        Self {
            lat_lon,
            alt_rel_m,
            t_us,
            world: [x, y],
        }
    }
}

/// One photo position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PhotoPoint {
    /// Where the photo was taken (from the camera message, else the vehicle's position).
    pub lat_lon: LatLon,
    /// When, microseconds since the Unix epoch.
    pub t_us: u64,
}

/// Trails and photos of every vehicle.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tracks {
    trails: BTreeMap<VehicleId, Vec<TrailPoint>>,
    photos: BTreeMap<VehicleId, Vec<PhotoPoint>>,
}

impl Tracks {
    /// Extends the vehicle's trail from its latest state.
    pub fn observe(&mut self, v: &VehicleState) {
        let Some(p) = v.position.lat_lon else { return };
        let t_us = v.last_heard_us;
        let trail = self.trails.entry(v.id).or_default();
        let keep = match trail.last() {
            None => true,
            Some(last) => {
                last.lat_lon.distance_m(p) >= MIN_STEP_M
                    || t_us.saturating_sub(last.t_us) >= MIN_INTERVAL_US
            }
        };
        if keep {
            trail.push(TrailPoint::new(
                p,
                v.position.alt_rel_m.unwrap_or(0.0),
                t_us,
            ));
        }
    }

    /// Records a photo; without a position in the message, the vehicle's latest trail point
    /// stands in.
    pub fn photo(&mut self, id: VehicleId, e: &CameraEvent) {
        let at = e
            .lat_lon
            .or_else(|| self.trail(id).last().map(|p| p.lat_lon));
        if let Some(lat_lon) = at {
            self.photos.entry(id).or_default().push(PhotoPoint {
                lat_lon,
                t_us: e.t_us,
            });
        }
    }

    /// The vehicle's trail, oldest first.
    pub fn trail(&self, id: VehicleId) -> &[TrailPoint] {
        self.trails.get(&id).map_or(&[], Vec::as_slice)
    }

    /// The vehicle's photo positions, oldest first.
    pub fn photos(&self, id: VehicleId) -> &[PhotoPoint] {
        self.photos.get(&id).map_or(&[], Vec::as_slice)
    }

    /// Vehicles with a trail or photos.
    pub fn vehicles(&self) -> impl Iterator<Item = VehicleId> + '_ {
        self.trails.keys().copied()
    }

    /// Everything up to `t_us` (replay: the trails as they were then).
    pub fn until(&self, t_us: u64) -> Tracks {
        let cut = |v: &Vec<TrailPoint>| v[..v.partition_point(|p| p.t_us <= t_us)].to_vec();
        let cut_photos = |v: &Vec<PhotoPoint>| v[..v.partition_point(|p| p.t_us <= t_us)].to_vec();
        Tracks {
            trails: self.trails.iter().map(|(k, v)| (*k, cut(v))).collect(),
            photos: self
                .photos
                .iter()
                .map(|(k, v)| (*k, cut_photos(v)))
                .collect(),
        }
    }

    /// Appends a trail point as it is (replay: points from a full pass over the log).
    pub fn push_point(&mut self, id: VehicleId, p: TrailPoint) {
        self.trails.entry(id).or_default().push(p);
    }

    /// Drops what was recorded after `t_us` (replay, after seeking back).
    pub fn truncate_after(&mut self, t_us: u64) {
        for v in self.trails.values_mut() {
            v.truncate(v.partition_point(|p| p.t_us <= t_us));
        }
        for v in self.photos.values_mut() {
            v.truncate(v.partition_point(|p| p.t_us <= t_us));
        }
    }

    /// Forgets everything (e.g. "clear trails").
    pub fn clear(&mut self) {
        self.trails.clear();
        self.photos.clear();
    }
}
