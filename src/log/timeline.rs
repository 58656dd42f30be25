//! What a replay timeline shows: the events of a log (arming, modes, mission progress,
//! warnings and failsafes, photos, link gaps) and, from the same single pass, the plot series
//! and the replay keyframes — so opening a log costs one background pass.

use super::index::monotonic_us;
use super::replay::Replay;
use super::series::{Series, extract, standard_fields};
use crate::vehicle::FleetEvent;
use std::sync::Arc;

/// A silence of the whole log longer than this is a link gap on the timeline, microseconds.
pub const LOG_GAP_US: u64 = 5_000_000;

/// Kinds of timeline events, each drawn in its own colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventKind {
    /// Armed.
    Armed,
    /// Disarmed.
    Disarmed,
    /// Flight mode changed.
    Mode,
    /// Mission item reached or current item changed.
    Mission,
    /// STATUSTEXT warning.
    Warning,
    /// STATUSTEXT error or worse, failsafe, vehicle lost.
    Error,
    /// A photo.
    Photo,
    /// Nothing recorded for a while, or a vehicle fell silent.
    Gap,
}

/// One event on the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEvent {
    /// Log time, microseconds since the Unix epoch.
    pub t_us: u64,
    /// System id of the vehicle (0 for the log as a whole).
    pub sysid: u8,
    /// Kind.
    pub kind: EventKind,
    /// Short English text.
    pub text: String,
}

/// The timeline event for a vehicle-model event, if it is one the timeline shows.
pub fn from_fleet_event(e: &FleetEvent) -> Option<TimelineEvent> {
    let sysid = e.id().sysid;
    let (t_us, kind, text) = match e {
        FleetEvent::Armed { t_us, .. } => (*t_us, EventKind::Armed, "Armed".to_owned()),
        FleetEvent::Disarmed { t_us, .. } => (*t_us, EventKind::Disarmed, "Disarmed".to_owned()),
        FleetEvent::ModeChanged { t_us, to, .. } => (*t_us, EventKind::Mode, to.clone()),
        FleetEvent::MissionItemReached { t_us, seq, .. } => {
            (*t_us, EventKind::Mission, format!("Reached item {seq}"))
        }
        FleetEvent::StatusText {
            t_us,
            severity,
            text,
            ..
        } if *severity <= 4 => {
            let kind = if *severity <= 3 || text.to_ascii_lowercase().contains("failsafe") {
                EventKind::Error
            } else {
                EventKind::Warning
            };
            (*t_us, kind, text.clone())
        }
        FleetEvent::CameraTrigger { event, .. } => (
            event.t_us,
            EventKind::Photo,
            match event.image_index {
                Some(i) => format!("Photo {i}"),
                None => "Photo".to_owned(),
            },
        ),
        FleetEvent::VehicleLost { t_us, .. } => {
            (*t_us, EventKind::Gap, "Vehicle silent".to_owned())
        }
        FleetEvent::VehicleRegained { t_us, .. } => {
            (*t_us, EventKind::Gap, "Vehicle heard again".to_owned())
        }
        _ => return None,
    };
    Some(TimelineEvent {
        t_us,
        sysid,
        kind,
        text,
    })
}

/// The result of one pass over a log.
#[derive(Debug, Clone)]
pub struct Scan {
    /// Timeline events in time order.
    pub events: Vec<TimelineEvent>,
    /// The standard plot series of every vehicle.
    pub series: Vec<Series>,
    /// A replay of the log with keyframes over its whole length (standing at the end).
    pub replay: Replay,
}

/// Reads the whole log once: events, standard series, keyframes.
pub fn scan(data: Arc<Vec<u8>>) -> Scan {
    scan_observing(data, &mut |_, _, _| {})
}

/// [`scan`], also showing every record to `observe` (with the fleet after it and the events
/// it caused).
pub fn scan_observing(
    data: Arc<Vec<u8>>,
    observe: &mut dyn FnMut(&crate::vehicle::Fleet, &super::tlog::TlogRecord<'_>, &[FleetEvent]),
) -> Scan {
    let mut replay = Replay::new(Arc::clone(&data));
    let mut events = Vec::new();
    let mut prev_us = 0u64;
    let end = replay.index().end_us;
    replay.seek(end, &mut |fleet, rec, fleet_events| {
        let t_us = monotonic_us(prev_us, rec.t_us);
        if prev_us != 0 && t_us > prev_us + LOG_GAP_US {
            events.push(TimelineEvent {
                t_us: prev_us,
                sysid: 0,
                kind: EventKind::Gap,
                text: format!("No data for {:.0} s", (t_us - prev_us) as f64 / 1e6),
            });
        }
        prev_us = t_us;
        events.extend(fleet_events.iter().filter_map(from_fleet_event));
        observe(fleet, rec, fleet_events);
    });
    events.sort_by_key(|e| e.t_us);
    let series = extract(&data, &standard_fields());
    Scan {
        events,
        series,
        replay,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_survey_log_has_its_story_in_order() {
        let p = crate::test_support::samples_dir()
            .join("sitl/arducopter_sitl_survey_talas_camera.tlog");
        let data: Arc<Vec<u8>> = std::fs::read(p).expect("sample").into();
        let s = scan(data);
        let first = |k: EventKind| s.events.iter().position(|e| e.kind == k);
        let armed = first(EventKind::Armed).expect("armed");
        let photo = first(EventKind::Photo).expect("photos");
        let disarmed = s.events.iter().rposition(|e| e.kind == EventKind::Disarmed);
        assert!(armed < photo);
        if let Some(d) = disarmed {
            assert!(photo < d);
        }
        assert!(
            s.events
                .iter()
                .any(|e| e.kind == EventKind::Mode && e.text == "AUTO")
        );
        assert!(s.events.iter().any(|e| e.kind == EventKind::Mission));
        assert!(s.events.windows(2).all(|w| w[0].t_us <= w[1].t_us));
        assert!(s.replay.keyframes() > 3);
        assert!(!s.series.is_empty());
    }
}
