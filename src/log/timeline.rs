//! What a replay timeline shows: the events of a log (arming, takeoff and landing, modes,
//! mission progress, warnings and failsafes, photos, link gaps — the events `steppe tlog
//! events` lists) and, from the same single pass, the replay keyframes; plus the standard plot
//! series — so opening a log costs one background pass.

use super::replay::Replay;
use super::series::{Series, extract, standard_fields};
use crate::vehicle::FleetEvent;
use std::sync::Arc;

/// Kinds of timeline events, each drawn in its own colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventKind {
    /// Armed.
    Armed,
    /// Disarmed.
    Disarmed,
    /// Took off.
    Takeoff,
    /// Landed.
    Landing,
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

/// The timeline event for a flight event of [`super::events`] (the same events `steppe tlog
/// events` lists), if it is one the timeline shows.
pub fn from_flight_event(e: &super::events::FlightEvent) -> Option<TimelineEvent> {
    use super::events::EventKind as F;
    let kind = match e.kind {
        F::Armed => EventKind::Armed,
        F::Disarmed => EventKind::Disarmed,
        F::Takeoff => EventKind::Takeoff,
        F::Landing => EventKind::Landing,
        F::ModeChange => EventKind::Mode,
        F::MissionItemReached => EventKind::Mission,
        F::Failsafe | F::Error => EventKind::Error,
        F::Warning => EventKind::Warning,
        F::CameraTrigger => EventKind::Photo,
        F::LinkGap => EventKind::Gap,
        F::Appeared | F::MissionCurrent => return None,
    };
    Some(TimelineEvent {
        t_us: e.t_us,
        sysid: e.vehicle.sysid,
        kind,
        text: e.text.clone(),
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
    let mut flights = super::events::FlightScanner::new(super::events::EventOptions::default());
    let end = replay.index().end_us;
    replay.seek(end, &mut |fleet, rec, fleet_events| {
        flights.record(rec);
        observe(fleet, rec, fleet_events);
    });
    let log = flights.finish();
    // Events carry the records' own stamps; the replay's clock never runs backwards and starts
    // at the first plausible stamp, so keep events within it.
    let (first, last) = (replay.index().start_us, replay.index().end_us);
    let mut events: Vec<TimelineEvent> = log
        .events
        .iter()
        .filter_map(from_flight_event)
        .map(|mut e| {
            e.t_us = e.t_us.clamp(first, last.max(first));
            e
        })
        .collect();
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
                .any(|e| e.kind == EventKind::Mode && e.text.contains("AUTO"))
        );
        let takeoff = first(EventKind::Takeoff).expect("takeoff");
        let landing = first(EventKind::Landing).expect("landing");
        assert!(armed < takeoff && takeoff < photo && photo < landing);
        assert!(s.events.iter().any(|e| e.kind == EventKind::Mission));
        assert!(s.events.windows(2).all(|w| w[0].t_us <= w[1].t_us));
        assert!(s.replay.keyframes() > 3);
        assert!(!s.series.is_empty());
    }
}
