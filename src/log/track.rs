//! Flight tracks from a tlog, for mapping exports: one point per GLOBAL_POSITION_INT of each
//! vehicle, with the attitude (latest ATTITUDE) and flight mode (latest HEARTBEAT) in force
//! at that moment. Nothing is thinned unless asked (`every_s`), and the reader's tolerance of
//! damaged logs applies: garbage, bad checksums and a truncated tail are skipped.

use crate::geo::LatLon;
use crate::log::tlog::TlogReader;
use crate::protocol::dialect::MavMessage;
use crate::vehicle::{Autopilot, VehicleClass, VehicleId, mode_name};
use std::collections::BTreeMap;

/// One track point.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackPoint {
    /// Record time, microseconds since the Unix epoch.
    pub t_us: u64,
    /// Position.
    pub lat_lon: LatLon,
    /// Altitude above mean sea level, metres.
    pub alt_amsl_m: f64,
    /// Altitude above home, metres.
    pub alt_rel_m: f64,
    /// Horizontal speed, m/s.
    pub speed_mps: f64,
    /// Heading, degrees (`None` when the vehicle sent "unknown").
    pub heading_deg: Option<f64>,
    /// Roll, pitch, yaw in degrees from the latest ATTITUDE, if one came before.
    pub attitude_deg: Option<[f64; 3]>,
    /// Flight mode name from the latest HEARTBEAT ("" before the first).
    pub mode: String,
}

/// One vehicle's track.
#[derive(Debug, Clone, PartialEq)]
pub struct VehicleTrack {
    /// Vehicle.
    pub id: VehicleId,
    /// Points, in file order.
    pub points: Vec<TrackPoint>,
}

/// Which points to keep.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TrackFilter {
    /// Only this system id.
    pub sysid: Option<u8>,
    /// Seconds from the start of the log (first record) to begin at.
    pub from_s: Option<f64>,
    /// Seconds from the start of the log to end at.
    pub to_s: Option<f64>,
    /// At most one point per this many seconds per vehicle (no thinning when `None`).
    pub every_s: Option<f64>,
}

#[derive(Default)]
struct Latest {
    attitude: Option<[f64; 3]>,
    mode: String,
    last_kept_us: Option<u64>,
}

/// The tracks of every vehicle in `data` (a tlog), sorted by vehicle.
pub fn tracks(data: &[u8], f: &TrackFilter) -> Vec<VehicleTrack> {
    let mut out: BTreeMap<VehicleId, Vec<TrackPoint>> = BTreeMap::new();
    let mut latest: BTreeMap<VehicleId, Latest> = BTreeMap::new();
    let mut start_us: Option<u64> = None;
    for rec in TlogReader::new(data) {
        let start = *start_us.get_or_insert(rec.t_us);
        let h = rec.header;
        if f.sysid.is_some_and(|s| s != h.sysid) || !matches!(h.msgid, 0 | 30 | 33) {
            continue;
        }
        let id = VehicleId {
            sysid: h.sysid,
            compid: h.compid,
        };
        let l = latest.entry(id).or_default();
        if h.msgid == 0 {
            // By hand from the fixed layout: a MAV_TYPE newer than our dialect must not hide
            // the mode.
            let pl = rec.payload();
            if let (Some(cm), Some(&ty), Some(&ap), Some(&bm)) =
                (pl.get(0..4), pl.get(4), pl.get(5), pl.get(6))
            {
                let custom = u32::from_le_bytes([cm[0], cm[1], cm[2], cm[3]]);
                let autopilot = Autopilot::from_mav_autopilot(ap);
                l.mode = mode_name(autopilot, VehicleClass::from_mav_type(ty), custom, bm);
            }
            continue;
        }
        let Ok(msg) = rec.decode() else { continue };
        match msg {
            MavMessage::ATTITUDE(a) => {
                l.attitude = Some([a.roll, a.pitch, a.yaw].map(|r| f64::from(r).to_degrees()));
            }
            MavMessage::GLOBAL_POSITION_INT(p) => {
                if p.lat == 0 && p.lon == 0 {
                    continue;
                }
                let since_s = rec.t_us.saturating_sub(start) as f64 / 1e6;
                if f.from_s.is_some_and(|s| since_s < s) || f.to_s.is_some_and(|s| since_s > s) {
                    continue;
                }
                if let (Some(every), Some(last)) = (f.every_s, l.last_kept_us)
                    && (rec.t_us.saturating_sub(last) as f64 / 1e6) < every
                {
                    continue;
                }
                l.last_kept_us = Some(rec.t_us);
                let (vx, vy) = (f64::from(p.vx) / 100.0, f64::from(p.vy) / 100.0);
                out.entry(id).or_default().push(TrackPoint {
                    t_us: rec.t_us,
                    lat_lon: LatLon::from_e7(p.lat, p.lon),
                    alt_amsl_m: f64::from(p.alt) / 1000.0,
                    alt_rel_m: f64::from(p.relative_alt) / 1000.0,
                    speed_mps: vx.hypot(vy),
                    heading_deg: (p.hdg != u16::MAX).then(|| f64::from(p.hdg) / 100.0),
                    attitude_deg: l.attitude,
                    mode: l.mode.clone(),
                });
            }
            _ => {}
        }
    }
    out.into_iter()
        .map(|(id, points)| VehicleTrack { id, points })
        .collect()
}
