//! Every photo of each vehicle in a tlog, in order, with the position, altitudes and attitude
//! the camera had when it fired: the input of trigger maps, photo footprints and geotagging.
//!
//! # Sources
//! - CAMERA_FEEDBACK (ArduPilot, sent after the shutter fired): position, altitudes and
//!   attitude as the autopilot saw them.
//! - CAMERA_TRIGGER (trigger pulse; sequence number and time only): the position, altitudes
//!   and attitude are interpolated from the vehicle's GLOBAL_POSITION_INT and ATTITUDE at the
//!   trigger's log time.
//! - CAMERA_IMAGE_CAPTURED (MAVLink camera protocol, usually from component 100): position and
//!   orientation quaternion as the camera reported them.
//!
//! Any field a message lacks (CAMERA_TRIGGER's position, an "unknown" quaternion, a zero
//! position) is interpolated the same way, and the photo says so ([`Photo::position_interpolated`]).
//!
//! # One photo, one entry
//! - A vehicle may report the same photo twice: a CAMERA_TRIGGER when the pulse goes out and a
//!   CAMERA_FEEDBACK when the shutter confirms. Rule: each CAMERA_FEEDBACK is paired with the
//!   nearest (in log time) not yet paired CAMERA_TRIGGER of the same system at most
//!   [`PAIR_WINDOW_US`] away; a paired trigger is dropped and the FEEDBACK (which has the
//!   measured position) is kept. A trigger with no feedback (the feedback was lost) stays, with
//!   an interpolated position.
//! - The camera protocol re-sends CAMERA_IMAGE_CAPTURED when a ground station asks for a missed
//!   image: a repeat of an image index already seen from the same component is dropped.
//! - A CAMERA_IMAGE_CAPTURED with a failed capture result made no file and is dropped.
//! - CAMERA_IMAGE_CAPTURED is not paired with the other two: it comes from a camera of its own,
//!   whose files are on their own card.
//!
//! Photos are grouped by system id (a camera at component 100 belongs to its vehicle) and
//! numbered from 1 in log-time order over the whole log, before any time filter, so that
//! `IMG_0042.JPG` is the 42nd photo of that vehicle whatever window is exported.

use crate::geo::{LatLon, wrap_180, wrap_360};
use crate::log::tlog::TlogReader;
use crate::protocol::dialect::MavMessage;
use crate::vehicle::{CameraEvent, CameraSource};
use std::collections::{BTreeMap, BTreeSet};

/// Largest log-time distance between a CAMERA_TRIGGER and the CAMERA_FEEDBACK of the same
/// photo, microseconds.
pub const PAIR_WINDOW_US: u64 = 1_000_000;
/// Interpolation between two samples further apart than this is refused, microseconds.
pub const MAX_INTERP_GAP_US: u64 = 5_000_000;
/// Outside a bracket, the nearest sample is used when at most this far away, microseconds.
pub const MAX_NEAREST_US: u64 = 1_000_000;

const MSG_ATTITUDE: u32 = 30;
const MSG_GLOBAL_POSITION_INT: u32 = 33;
const MSG_CAMERA_TRIGGER: u32 = 112;
const MSG_CAMERA_FEEDBACK: u32 = 180;
const MSG_CAMERA_IMAGE_CAPTURED: u32 = 263;
/// MAV_COMP_ID_AUTOPILOT1.
const AUTOPILOT_COMPID: u8 = 1;

/// One photo.
#[derive(Debug, Clone, PartialEq)]
pub struct Photo {
    /// Log time of the message that reported it, microseconds since the Unix epoch.
    pub t_us: u64,
    /// System id of the vehicle.
    pub sysid: u8,
    /// Component that reported it (1 for the autopilot, 100 for a MAVLink camera).
    pub compid: u8,
    /// Position in the vehicle's photo order, from 1.
    pub number: u32,
    /// Image file name by order (`IMG_0001.JPG`; `S2_IMG_0001.JPG` when the log has photos of
    /// several vehicles). `steppe geotag` replaces it with the real file name.
    pub name: String,
    /// Image number as the message reported it, if any.
    pub image_index: Option<u32>,
    /// Message that reported it.
    pub source: CameraSource,
    /// Camera position (`None` when neither reported nor interpolable).
    pub lat_lon: Option<LatLon>,
    /// Altitude above mean sea level, metres.
    pub alt_amsl_m: Option<f64>,
    /// Altitude above home, metres.
    pub alt_rel_m: Option<f64>,
    /// Roll, pitch, yaw in degrees (yaw in [0, 360)).
    pub attitude_deg: Option<[f64; 3]>,
    /// True when the position and altitudes were interpolated from GLOBAL_POSITION_INT.
    pub position_interpolated: bool,
    /// True when the attitude was interpolated from ATTITUDE.
    pub attitude_interpolated: bool,
    /// False when the camera flagged the photo (CAMERA_FEEDBACK bad exposure).
    pub ok: bool,
}

/// The photos of one vehicle.
#[derive(Debug, Clone, PartialEq)]
pub struct VehiclePhotos {
    /// System id.
    pub sysid: u8,
    /// Photos in log-time order.
    pub photos: Vec<Photo>,
}

/// Which photos to keep.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TriggerFilter {
    /// Only this system id.
    pub sysid: Option<u8>,
    /// Seconds from the start of the log (first record) to begin at.
    pub from_s: Option<f64>,
    /// Seconds from the start of the log to end at.
    pub to_s: Option<f64>,
}

/// What was read and what was dropped as a duplicate or a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TriggerStats {
    /// CAMERA_FEEDBACK messages read.
    pub feedback: u64,
    /// CAMERA_TRIGGER messages read.
    pub trigger: u64,
    /// CAMERA_IMAGE_CAPTURED messages read.
    pub image_captured: u64,
    /// CAMERA_TRIGGERs dropped as the same photo as a CAMERA_FEEDBACK.
    pub triggers_paired_with_feedback: u64,
    /// CAMERA_IMAGE_CAPTUREDs dropped as re-sent copies.
    pub captured_repeats: u64,
    /// CAMERA_IMAGE_CAPTUREDs dropped because the capture failed.
    pub captured_failed: u64,
    /// Kept photos without a position (nothing reported, nothing to interpolate from).
    pub without_position: u64,
}

/// Every photo of every vehicle in a log.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TriggerLog {
    /// Vehicles with at least one photo (after the filter), sorted by system id.
    pub vehicles: Vec<VehiclePhotos>,
    /// Counters over the whole log (for the vehicle asked).
    pub stats: TriggerStats,
}

impl TriggerLog {
    /// All photos, vehicle by vehicle.
    pub fn photos(&self) -> impl Iterator<Item = &Photo> {
        self.vehicles.iter().flat_map(|v| v.photos.iter())
    }

    /// Number of photos kept.
    pub fn len(&self) -> usize {
        self.vehicles.iter().map(|v| v.photos.len()).sum()
    }

    /// True when no photo was kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A time-stamped position sample.
#[derive(Debug, Clone, Copy)]
struct Fix {
    lat_deg: f64,
    lon_deg: f64,
    alt_amsl_m: f64,
    alt_rel_m: f64,
}

type Series<T> = Vec<(u64, T)>;

#[derive(Default)]
struct Raw {
    positions: BTreeMap<(u8, u8), Series<Fix>>,
    attitudes: BTreeMap<(u8, u8), Series<[f64; 3]>>,
    events: BTreeMap<u8, Vec<CameraEvent>>,
}

/// Every photo in `data` (a tlog), per vehicle, deduplicated and completed by interpolation.
pub fn photos(data: &[u8], f: &TriggerFilter) -> TriggerLog {
    let mut raw = Raw::default();
    let mut stats = TriggerStats::default();
    let mut start_us: Option<u64> = None;
    for rec in TlogReader::new(data) {
        start_us.get_or_insert(rec.t_us);
        let h = rec.header;
        if f.sysid.is_some_and(|s| s != h.sysid)
            || !matches!(
                h.msgid,
                MSG_ATTITUDE
                    | MSG_GLOBAL_POSITION_INT
                    | MSG_CAMERA_TRIGGER
                    | MSG_CAMERA_FEEDBACK
                    | MSG_CAMERA_IMAGE_CAPTURED
            )
        {
            continue;
        }
        let Ok(msg) = rec.decode() else { continue };
        let key = (h.sysid, h.compid);
        let t = rec.t_us;
        match msg {
            MavMessage::ATTITUDE(a) => {
                let deg = [a.roll, a.pitch, a.yaw].map(|r| f64::from(r).to_degrees());
                if deg.iter().all(|v| v.is_finite()) {
                    raw.attitudes
                        .entry(key)
                        .or_default()
                        .push((t, [deg[0], deg[1], wrap_360(deg[2])]));
                }
            }
            MavMessage::GLOBAL_POSITION_INT(p) if p.lat != 0 || p.lon != 0 => {
                raw.positions.entry(key).or_default().push((
                    t,
                    Fix {
                        lat_deg: f64::from(p.lat) / 1e7,
                        lon_deg: f64::from(p.lon) / 1e7,
                        alt_amsl_m: f64::from(p.alt) / 1000.0,
                        alt_rel_m: f64::from(p.relative_alt) / 1000.0,
                    },
                ));
            }
            MavMessage::CAMERA_FEEDBACK(d) => {
                stats.feedback += 1;
                let e = CameraEvent::from_feedback(&d, h.compid, t);
                raw.events.entry(h.sysid).or_default().push(e);
            }
            MavMessage::CAMERA_TRIGGER(d) => {
                stats.trigger += 1;
                let e = CameraEvent::from_trigger(&d, h.compid, t);
                raw.events.entry(h.sysid).or_default().push(e);
            }
            MavMessage::CAMERA_IMAGE_CAPTURED(d) => {
                stats.image_captured += 1;
                let e = CameraEvent::from_image_captured(&d, h.compid, t);
                raw.events.entry(h.sysid).or_default().push(e);
            }
            _ => {}
        }
    }
    for s in raw.positions.values_mut() {
        s.sort_by_key(|(t, _)| *t);
    }
    for s in raw.attitudes.values_mut() {
        s.sort_by_key(|(t, _)| *t);
    }
    let several = raw.events.len() > 1;
    let mut vehicles = Vec::new();
    let start = start_us.unwrap_or(0);
    for (&sysid, events) in &raw.events {
        let kept = dedupe(events, &mut stats);
        let pos = nav_series(&raw.positions, sysid);
        let att = nav_series(&raw.attitudes, sysid);
        let mut list = Vec::new();
        for (i, e) in kept.into_iter().enumerate() {
            let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let photo = complete(e, sysid, number, several, pos, att);
            let since_s = photo.t_us.saturating_sub(start) as f64 / 1e6;
            if f.from_s.is_some_and(|s| since_s < s) || f.to_s.is_some_and(|s| since_s > s) {
                continue;
            }
            if photo.lat_lon.is_none() {
                stats.without_position += 1;
            }
            list.push(photo);
        }
        if !list.is_empty() {
            vehicles.push(VehiclePhotos {
                sysid,
                photos: list,
            });
        }
    }
    TriggerLog { vehicles, stats }
}

/// The autopilot's series of system `sysid`: component 1 if it sent any, else the lowest
/// component that did.
fn nav_series<T>(all: &BTreeMap<(u8, u8), Series<T>>, sysid: u8) -> &[(u64, T)] {
    all.get(&(sysid, AUTOPILOT_COMPID))
        .or_else(|| {
            all.range((sysid, 0)..=(sysid, u8::MAX))
                .next()
                .map(|(_, s)| s)
        })
        .map_or(&[], Vec::as_slice)
}

/// The events of one system that are distinct photos, in log-time order (see the module doc).
fn dedupe<'a>(events: &'a [CameraEvent], stats: &mut TriggerStats) -> Vec<&'a CameraEvent> {
    let mut drop = vec![false; events.len()];
    let mut seen_captured: BTreeSet<(u8, u32)> = BTreeSet::new();
    for (i, e) in events.iter().enumerate() {
        if e.source != CameraSource::ImageCaptured {
            continue;
        }
        if !e.ok {
            stats.captured_failed += 1;
            drop[i] = true;
        } else if let Some(idx) = e.image_index
            && !seen_captured.insert((e.compid, idx))
        {
            stats.captured_repeats += 1;
            drop[i] = true;
        }
    }
    // Triggers sorted by time, for a nearest search per feedback.
    let mut triggers: Vec<usize> = (0..events.len())
        .filter(|&i| {
            events
                .get(i)
                .is_some_and(|e| e.source == CameraSource::Trigger)
        })
        .collect();
    triggers.sort_by_key(|&i| events.get(i).map_or(0, |e| e.t_us));
    let t_of = |i: usize| events.get(i).map_or(0, |e| e.t_us);
    for e in events.iter().filter(|e| e.source == CameraSource::Feedback) {
        let at = triggers.partition_point(|&i| t_of(i) < e.t_us);
        let mut best: Option<(u64, usize)> = None;
        // Walk outwards on both sides while within the window.
        for k in (0..at).rev() {
            let Some(&i) = triggers.get(k) else { break };
            let dt = e.t_us - t_of(i).min(e.t_us);
            if dt > PAIR_WINDOW_US {
                break;
            }
            if !drop.get(i).copied().unwrap_or(true) {
                best = Some((dt, i));
                break;
            }
        }
        for k in at..triggers.len() {
            let Some(&i) = triggers.get(k) else { break };
            let dt = t_of(i).saturating_sub(e.t_us);
            if dt > PAIR_WINDOW_US {
                break;
            }
            if !drop.get(i).copied().unwrap_or(true) {
                if best.is_none_or(|(b, _)| dt < b) {
                    best = Some((dt, i));
                }
                break;
            }
        }
        if let Some((_, i)) = best
            && let Some(d) = drop.get_mut(i)
        {
            *d = true;
            stats.triggers_paired_with_feedback += 1;
        }
    }
    let mut kept: Vec<&CameraEvent> = events
        .iter()
        .zip(&drop)
        .filter(|(_, d)| !**d)
        .map(|(e, _)| e)
        .collect();
    kept.sort_by_key(|e| e.t_us);
    kept
}

/// The photo of event `e`, with missing fields interpolated.
fn complete(
    e: &CameraEvent,
    sysid: u8,
    number: u32,
    several: bool,
    pos: &[(u64, Fix)],
    att: &[(u64, [f64; 3])],
) -> Photo {
    let mut lat_lon = e.lat_lon;
    let mut alt_amsl_m = e.alt_amsl_m;
    let mut alt_rel_m = e.alt_rel_m;
    let mut position_interpolated = false;
    if lat_lon.is_none()
        && let Some(fix) = interpolate(pos, e.t_us, lerp_fix)
    {
        lat_lon = Some(LatLon::new(fix.lat_deg, fix.lon_deg));
        alt_amsl_m = alt_amsl_m.or(Some(fix.alt_amsl_m));
        alt_rel_m = alt_rel_m.or(Some(fix.alt_rel_m));
        position_interpolated = true;
    }
    let mut attitude_deg = e.attitude_deg.map(|[r, p, y]| [r, p, wrap_360(y)]);
    let mut attitude_interpolated = false;
    if attitude_deg.is_none() {
        attitude_deg = interpolate(att, e.t_us, lerp_attitude);
        attitude_interpolated = attitude_deg.is_some();
    }
    let name = if several {
        format!("S{sysid}_IMG_{number:04}.JPG")
    } else {
        format!("IMG_{number:04}.JPG")
    };
    Photo {
        t_us: e.t_us,
        sysid,
        compid: e.compid,
        number,
        name,
        image_index: e.image_index,
        source: e.source,
        lat_lon,
        alt_amsl_m,
        alt_rel_m,
        attitude_deg,
        position_interpolated,
        attitude_interpolated,
        ok: e.ok,
    }
}

/// The value of a time-sorted `series` at `t_us`: linear between the samples around it when
/// they are at most [`MAX_INTERP_GAP_US`] apart, else the nearest sample when it is at most
/// [`MAX_NEAREST_US`] away, else `None`.
fn interpolate<T: Copy>(series: &[(u64, T)], t_us: u64, lerp: fn(T, T, f64) -> T) -> Option<T> {
    let at = series.partition_point(|(t, _)| *t <= t_us);
    let before = at.checked_sub(1).and_then(|i| series.get(i));
    let after = series.get(at);
    match (before, after) {
        (Some(&(t0, a)), Some(&(t1, b))) if t1 - t0 <= MAX_INTERP_GAP_US => {
            let k = if t1 > t0 {
                (t_us - t0) as f64 / (t1 - t0) as f64
            } else {
                0.0
            };
            Some(lerp(a, b, k))
        }
        _ => [before, after]
            .into_iter()
            .flatten()
            .map(|&(t, v)| (t.abs_diff(t_us), v))
            .filter(|(dt, _)| *dt <= MAX_NEAREST_US)
            .min_by_key(|(dt, _)| *dt)
            .map(|(_, v)| v),
    }
}

fn lerp(a: f64, b: f64, k: f64) -> f64 {
    a + (b - a) * k
}

fn lerp_fix(a: Fix, b: Fix, k: f64) -> Fix {
    Fix {
        lat_deg: lerp(a.lat_deg, b.lat_deg, k),
        lon_deg: wrap_180(a.lon_deg + wrap_180(b.lon_deg - a.lon_deg) * k),
        alt_amsl_m: lerp(a.alt_amsl_m, b.alt_amsl_m, k),
        alt_rel_m: lerp(a.alt_rel_m, b.alt_rel_m, k),
    }
}

fn lerp_attitude(a: [f64; 3], b: [f64; 3], k: f64) -> [f64; 3] {
    [
        lerp(a[0], b[0], k),
        lerp(a[1], b[1], k),
        wrap_360(a[2] + wrap_180(b[2] - a[2]) * k),
    ]
}

#[cfg(test)]
#[path = "triggers_tests.rs"]
mod tests;
