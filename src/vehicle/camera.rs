//! Camera trigger events (photos taken), from the three messages autopilots and cameras use:
//! ArduPilot's CAMERA_FEEDBACK, CAMERA_TRIGGER and the camera protocol's CAMERA_IMAGE_CAPTURED.
//!
//! A survey takes thousands of photos; the live model keeps a total count and the latest
//! [`CAMERA_LOG_CAPACITY`] events so memory stays flat. The complete list for geotagging is
//! recovered from the tlog by the log module.

use std::collections::VecDeque;

use crate::geo::LatLon;
use crate::protocol::dialect::{
    CAMERA_FEEDBACK_DATA, CAMERA_IMAGE_CAPTURED_DATA, CAMERA_TRIGGER_DATA,
};

use super::telemetry::lat_lon_e7;

/// Default number of recent camera events kept per vehicle.
pub const CAMERA_LOG_CAPACITY: usize = 500;

/// Which message reported the photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CameraSource {
    /// CAMERA_FEEDBACK (ArduPilot, after the shutter fired; has position and attitude).
    Feedback,
    /// CAMERA_TRIGGER (trigger pulse sent; no position).
    Trigger,
    /// CAMERA_IMAGE_CAPTURED (MAVLink camera protocol; position and orientation).
    ImageCaptured,
}

/// One photo.
#[derive(Debug, Clone, PartialEq)]
pub struct CameraEvent {
    /// Time the message was received (tlog time in replay), microseconds since the Unix epoch.
    pub t_us: u64,
    /// Component that sent the message (1 for the autopilot, 100 for a MAVLink camera).
    pub compid: u8,
    /// Message kind.
    pub source: CameraSource,
    /// Image number as reported (CAMERA_FEEDBACK img_idx, CAMERA_TRIGGER seq,
    /// CAMERA_IMAGE_CAPTURED image_index); `None` when negative.
    pub image_index: Option<u32>,
    /// Timestamp inside the message, microseconds (GPS/UTC or boot time, as the sender chose;
    /// 0 when not set).
    pub capture_time_us: u64,
    /// Camera position, when the message has one.
    pub lat_lon: Option<LatLon>,
    /// Camera altitude AMSL, metres, when the message has it.
    pub alt_amsl_m: Option<f64>,
    /// Camera altitude above home, metres, when the message has it.
    pub alt_rel_m: Option<f64>,
    /// Roll, pitch, yaw in degrees, when the message has them.
    pub attitude_deg: Option<[f64; 3]>,
    /// False when the camera reported a failed capture (CAMERA_IMAGE_CAPTURED) or a bad
    /// exposure (CAMERA_FEEDBACK flags).
    pub ok: bool,
}

impl CameraEvent {
    /// From ArduPilot's CAMERA_FEEDBACK.
    pub fn from_feedback(d: &CAMERA_FEEDBACK_DATA, compid: u8, t_us: u64) -> Self {
        const BADEXPOSURE: u8 = 2;
        Self {
            t_us,
            compid,
            source: CameraSource::Feedback,
            image_index: Some(u32::from(d.img_idx)),
            capture_time_us: d.time_usec,
            lat_lon: lat_lon_e7(d.lat, d.lng),
            alt_amsl_m: finite(d.alt_msl),
            alt_rel_m: finite(d.alt_rel),
            attitude_deg: finite_triplet([d.roll, d.pitch, d.yaw]),
            ok: d.flags as u8 != BADEXPOSURE,
        }
    }

    /// From CAMERA_TRIGGER (no position: the log module interpolates the track).
    pub fn from_trigger(d: &CAMERA_TRIGGER_DATA, compid: u8, t_us: u64) -> Self {
        Self {
            t_us,
            compid,
            source: CameraSource::Trigger,
            image_index: Some(d.seq),
            capture_time_us: d.time_usec,
            lat_lon: None,
            alt_amsl_m: None,
            alt_rel_m: None,
            attitude_deg: None,
            ok: true,
        }
    }

    /// From CAMERA_IMAGE_CAPTURED (orientation converted from the quaternion).
    pub fn from_image_captured(d: &CAMERA_IMAGE_CAPTURED_DATA, compid: u8, t_us: u64) -> Self {
        let lat_lon = lat_lon_e7(d.lat, d.lon);
        let has_pos = lat_lon.is_some();
        Self {
            t_us,
            compid,
            source: CameraSource::ImageCaptured,
            image_index: u32::try_from(d.image_index).ok(),
            capture_time_us: d.time_utc,
            lat_lon,
            alt_amsl_m: has_pos.then(|| f64::from(d.alt) / 1000.0),
            alt_rel_m: has_pos.then(|| f64::from(d.relative_alt) / 1000.0),
            attitude_deg: quaternion_to_euler_deg(d.q),
            ok: d.capture_result.bits() == 1,
        }
    }
}

fn finite(v: f32) -> Option<f64> {
    v.is_finite().then_some(f64::from(v))
}

fn finite_triplet(v: [f32; 3]) -> Option<[f64; 3]> {
    let [a, b, c] = v;
    Some([finite(a)?, finite(b)?, finite(c)?])
}

/// Roll, pitch, yaw (degrees, yaw in [0, 360)) of a unit quaternion `[w, x, y, z]`; `None` for
/// the all-zero "unknown" quaternion and non-finite values.
pub(crate) fn quaternion_to_euler_deg(q: [f32; 4]) -> Option<[f64; 3]> {
    let [w, x, y, z] = q.map(f64::from);
    let norm = (w * w + x * x + y * y + z * z).sqrt();
    if !norm.is_finite() || norm < 1e-6 {
        return None;
    }
    let (w, x, y, z) = (w / norm, x / norm, y / norm, z / norm);
    let roll = (2.0 * (w * x + y * z)).atan2(1.0 - 2.0 * (x * x + y * y));
    let pitch = (2.0 * (w * y - z * x)).clamp(-1.0, 1.0).asin();
    let yaw = (2.0 * (w * z + x * y)).atan2(1.0 - 2.0 * (y * y + z * z));
    Some([
        roll.to_degrees(),
        pitch.to_degrees(),
        crate::geo::wrap_360(yaw.to_degrees()),
    ])
}

/// Photo count plus the most recent events.
#[derive(Debug, Clone, PartialEq)]
pub struct CameraLog {
    recent: VecDeque<CameraEvent>,
    capacity: usize,
    total: u64,
}

impl Default for CameraLog {
    fn default() -> Self {
        Self::new(CAMERA_LOG_CAPACITY)
    }
}

impl CameraLog {
    /// An empty log keeping the latest `capacity` events (at least 1).
    pub fn new(capacity: usize) -> Self {
        Self {
            recent: VecDeque::new(),
            capacity: capacity.max(1),
            total: 0,
        }
    }

    /// Records one event.
    pub fn push(&mut self, event: CameraEvent) {
        while self.recent.len() >= self.capacity {
            self.recent.pop_front();
        }
        self.recent.push_back(event);
        self.total += 1;
    }

    /// Number of photos ever reported.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The kept events, oldest first.
    pub fn recent(&self) -> impl DoubleEndedIterator<Item = &CameraEvent> + ExactSizeIterator {
        self.recent.iter()
    }

    /// The newest event.
    pub fn latest(&self) -> Option<&CameraEvent> {
        self.recent.back()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::dialect::{CameraFeedbackFlags, MavBool};

    #[test]
    fn feedback_fields() {
        // First CAMERA_FEEDBACK of arducopter_sitl_survey_talas_camera.tlog.
        let d = CAMERA_FEEDBACK_DATA {
            img_idx: 1,
            lat: 425_203_904,
            lng: 722_404_829,
            alt_msl: 1170.07,
            alt_rel: 69.99,
            roll: 1.5,
            pitch: -2.0,
            yaw: 110.0,
            flags: CameraFeedbackFlags::CAMERA_FEEDBACK_PHOTO,
            ..Default::default()
        };
        let e = CameraEvent::from_feedback(&d, 1, 7);
        assert_eq!(e.image_index, Some(1));
        assert_eq!(e.source, CameraSource::Feedback);
        let ll = e.lat_lon.expect("position");
        assert!((ll.lat_deg - 42.520_390_4).abs() < 1e-9);
        assert!((e.alt_rel_m.unwrap_or(0.0) - 69.99).abs() < 1e-4);
        assert!(e.ok);
        assert_eq!(e.attitude_deg.map(|a| a[2] as i32), Some(110));
    }

    #[test]
    fn trigger_and_captured() {
        let t = CameraEvent::from_trigger(
            &CAMERA_TRIGGER_DATA {
                time_usec: 5,
                seq: 12,
            },
            1,
            9,
        );
        assert_eq!(
            (t.image_index, t.lat_lon, t.capture_time_us),
            (Some(12), None, 5)
        );
        let c = CAMERA_IMAGE_CAPTURED_DATA {
            lat: 409_300_000,
            lon: 730_000_000,
            alt: 880_000,
            relative_alt: 120_000,
            q: [1.0, 0.0, 0.0, 0.0],
            image_index: 4,
            capture_result: MavBool::MAV_BOOL_TRUE,
            ..Default::default()
        };
        let e = CameraEvent::from_image_captured(&c, 100, 3);
        assert_eq!((e.compid, e.image_index, e.ok), (100, Some(4), true));
        assert_eq!((e.alt_amsl_m, e.alt_rel_m), (Some(880.0), Some(120.0)));
        assert_eq!(e.attitude_deg, Some([0.0, 0.0, 0.0]));
        let failed = CAMERA_IMAGE_CAPTURED_DATA {
            image_index: -1,
            capture_result: MavBool::MAV_BOOL_FALSE,
            ..Default::default()
        };
        let e = CameraEvent::from_image_captured(&failed, 100, 3);
        assert_eq!(
            (e.image_index, e.lat_lon, e.attitude_deg, e.ok),
            (None, None, None, false)
        );
    }

    #[test]
    fn quaternion_yaw() {
        let half = 45f32.to_radians();
        let q = [half.cos(), 0.0, 0.0, half.sin()];
        let e = quaternion_to_euler_deg(q).expect("valid");
        assert!(e[0].abs() < 1e-6 && e[1].abs() < 1e-6 && (e[2] - 90.0).abs() < 1e-4);
        assert_eq!(quaternion_to_euler_deg([f32::NAN, 0.0, 0.0, 0.0]), None);
    }

    #[test]
    fn log_is_bounded() {
        let mut log = CameraLog::new(3);
        for i in 0..10 {
            log.push(CameraEvent::from_trigger(
                &CAMERA_TRIGGER_DATA {
                    time_usec: 0,
                    seq: i,
                },
                1,
                0,
            ));
        }
        assert_eq!(log.total(), 10);
        assert_eq!(log.recent().len(), 3);
        assert_eq!(log.latest().and_then(|e| e.image_index), Some(9));
    }
}
