//! Replaying a tlog into the vehicle model, with seeking by time.
//!
//! [`Replay`] owns the file's bytes and its [`TlogIndex`], and drives a [`Fleet`] — the same
//! vehicle model the engine feeds live — record by record up to any instant. Moving forward
//! applies only the records in between; moving backward (or far forward) restores the nearest
//! *keyframe* (a copy of the fleet taken every [`KEYFRAME_INTERVAL_US`] of log time on the
//! way forward) and applies from there, so a seek back applies at most that much log once the
//! region has been played or scanned (a background pass can scan it all and hand its
//! keyframes over, [`Replay::adopt_keyframes`]).
//!
//! [`ReplayClock`] turns wall-clock time into log time at a chosen speed, and jumps over long
//! silences in the log (the ground station left running after landing) instead of waiting
//! through them. Neither type touches a clock or a socket: callers pass elapsed time in.

use super::index::{TlogIndex, monotonic_us};
use super::tlog::{TlogReader, TlogRecord};
use crate::vehicle::{Fleet, FleetEvent};
use std::sync::Arc;

/// Log time between keyframes, microseconds (at least; see [`MAX_KEYFRAMES`]).
pub const KEYFRAME_INTERVAL_US: u64 = 30_000_000;

/// Long logs space their keyframes so that there are about this many (a keyframe holds every
/// vehicle's state, tens of kilobytes), keeping memory near the file size.
pub const MAX_KEYFRAMES: u64 = 64;

/// Playback speeds offered, slowest first.
pub const SPEEDS: [f64; 11] = [0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 100.0];

/// A silence in the log longer than this is skipped while playing, microseconds.
pub const GAP_SKIP_US: u64 = 10_000_000;

/// Playback resumes this long before the record that ends a skipped silence, microseconds.
const GAP_LEAD_US: u64 = 1_000_000;

/// The fleet as it was just before the record at `offset`.
#[derive(Debug, Clone)]
struct Keyframe {
    /// Monotonic time of the record at `offset`.
    t_us: u64,
    /// Byte offset of the next record to apply.
    offset: usize,
    /// Monotonic time of the record before it.
    prev_us: u64,
    /// The fleet before the record.
    fleet: Fleet,
}

/// A tlog being replayed into a vehicle model.
#[derive(Debug, Clone)]
pub struct Replay {
    data: Arc<Vec<u8>>,
    index: TlogIndex,
    fleet: Fleet,
    /// Byte offset of the next record to apply.
    next: usize,
    /// Monotonic time of the last record applied (0 before the first).
    applied_us: u64,
    /// The replay's current time: every record at or before it has been applied.
    now_us: u64,
    keyframes: Vec<Keyframe>,
    /// Log time between keyframes.
    keyframe_interval_us: u64,
}

impl Replay {
    /// Indexes `data` and stands before its first record.
    pub fn new(data: Arc<Vec<u8>>) -> Self {
        let index = TlogIndex::build(&data);
        let now_us = index.start_us;
        let keyframe_interval_us = KEYFRAME_INTERVAL_US.max(index.duration_us() / MAX_KEYFRAMES);
        let mut r = Self {
            data,
            index,
            fleet: Fleet::new(),
            next: 0,
            applied_us: 0,
            now_us,
            keyframes: Vec::new(),
            keyframe_interval_us,
        };
        r.keyframes.push(r.keyframe_here());
        r
    }

    /// The log's time index.
    pub fn index(&self) -> &TlogIndex {
        &self.index
    }

    /// The log's bytes.
    pub fn data(&self) -> &Arc<Vec<u8>> {
        &self.data
    }

    /// The vehicle model at the current time.
    pub fn fleet(&self) -> &Fleet {
        &self.fleet
    }

    /// The current time, microseconds since the Unix epoch.
    pub fn now_us(&self) -> u64 {
        self.now_us
    }

    /// True when every record has been applied.
    pub fn at_end(&self) -> bool {
        self.next >= self.data.len() || self.next_record_us().is_none()
    }

    /// Monotonic time of the next record to apply.
    pub fn next_record_us(&self) -> Option<u64> {
        let mut reader = TlogReader::at(&self.data, self.next);
        reader.find_map(|rec| {
            let t = monotonic_us(self.applied_us, rec.t_us);
            (t != 0).then_some(t)
        })
    }

    /// Number of keyframes taken so far.
    pub fn keyframes(&self) -> usize {
        self.keyframes.len()
    }

    fn keyframe_here(&self) -> Keyframe {
        Keyframe {
            t_us: self.next_record_us().unwrap_or(self.applied_us),
            offset: self.next,
            prev_us: self.applied_us,
            fleet: self.fleet.clone(),
        }
    }

    /// Applies every record up to `t_us` (log time), calling `observe` after each with the
    /// fleet, the record and the events it caused. Moving backward restores a keyframe first;
    /// `observe` then sees the records from that keyframe on (the caller resets what it
    /// accumulated after the returned time, see [`Seek`]).
    pub fn seek(
        &mut self,
        t_us: u64,
        observe: &mut dyn FnMut(&Fleet, &TlogRecord<'_>, &[FleetEvent]),
    ) -> Seek {
        let t_us = self.clamp(t_us);
        let restore = self.keyframe_for(t_us);
        let mut restored_from = None;
        if let Some(k) = restore.and_then(|i| self.keyframes.get(i)) {
            self.fleet = k.fleet.clone();
            self.next = k.offset;
            self.applied_us = k.prev_us;
            restored_from = Some(k.prev_us);
        }
        let applied = self.apply_until(t_us, observe);
        self.now_us = t_us;
        let lost_events = self.fleet.check_timeouts(t_us);
        Seek {
            restored_from_us: restored_from,
            records: applied,
            timeout_events: lost_events,
        }
    }

    fn clamp(&self, t_us: u64) -> u64 {
        t_us.clamp(
            self.index.start_us,
            self.index.end_us.max(self.index.start_us),
        )
    }

    /// The keyframe a seek to `t_us` restores: only when going back. Going forward applies
    /// every record in between, so whoever observes the seek (messages, trails) misses none.
    fn keyframe_for(&self, t_us: u64) -> Option<usize> {
        if t_us >= self.now_us {
            return None;
        }
        self.keyframes.iter().rposition(|k| k.t_us <= t_us)
    }

    /// When a seek to `t_us` will restore a keyframe: the time of the last record the
    /// keyframe includes. Whatever the caller accumulated after that time is redone by the
    /// seek's observer and should be dropped first.
    pub fn restore_point(&self, t_us: u64) -> Option<u64> {
        let i = self.keyframe_for(self.clamp(t_us))?;
        self.keyframes.get(i).map(|k| k.prev_us)
    }

    /// Takes over the keyframes of another replay of the same data that reached further (a
    /// background scan).
    pub fn adopt_keyframes(&mut self, other: Replay) {
        if Arc::ptr_eq(&self.data, &other.data)
            && other.keyframes_until_us() > self.keyframes_until_us()
        {
            self.keyframes = other.keyframes;
        }
    }

    fn apply_until(
        &mut self,
        t_us: u64,
        observe: &mut dyn FnMut(&Fleet, &TlogRecord<'_>, &[FleetEvent]),
    ) -> u64 {
        let data = Arc::clone(&self.data);
        let mut reader = TlogReader::at(&data, self.next);
        let mut applied = 0u64;
        loop {
            let before = reader.position();
            let Some(rec) = reader.next() else {
                self.next = data.len();
                break;
            };
            let rec_us = monotonic_us(self.applied_us, rec.t_us);
            if rec_us > t_us {
                self.next = before;
                break;
            }
            let last_kf = self.keyframes.last().map_or(0, |k| k.t_us);
            if rec_us >= last_kf.saturating_add(self.keyframe_interval_us)
                && before >= self.frontier()
            {
                self.next = before;
                self.keyframes.push(Keyframe {
                    t_us: rec_us,
                    offset: before,
                    prev_us: self.applied_us,
                    fleet: self.fleet.clone(),
                });
            }
            let mut events = self.fleet.apply_raw(&rec.header, rec.payload(), rec_us);
            if rec_us != 0 {
                events.extend(self.fleet.check_timeouts(rec_us));
            }
            self.applied_us = rec_us;
            applied += 1;
            observe(&self.fleet, &rec, &events);
        }
        applied
    }

    /// Byte offset of the last keyframe: keyframes are only taken past it, in order.
    fn frontier(&self) -> usize {
        self.keyframes.last().map_or(0, |k| k.offset)
    }

    /// Log time up to which keyframes exist (seeks before it are quick).
    pub fn keyframes_until_us(&self) -> u64 {
        self.keyframes.last().map_or(0, |k| k.t_us)
    }
}

/// What a [`Replay::seek`] did.
#[derive(Debug, Clone, Default)]
pub struct Seek {
    /// When a keyframe was restored: the time of the last record it includes (things
    /// accumulated after it by the caller are stale).
    pub restored_from_us: Option<u64>,
    /// Records applied.
    pub records: u64,
    /// Vehicles found lost at the target time.
    pub timeout_events: Vec<FleetEvent>,
}

/// Turns wall-clock time into log time: play/pause, speed, and skipping long silences.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplayClock {
    /// Playing (else paused).
    pub playing: bool,
    /// Log seconds per wall second.
    pub speed: f64,
    /// Fractional microseconds carried between calls.
    carry_us: f64,
}

impl Default for ReplayClock {
    fn default() -> Self {
        Self {
            playing: false,
            speed: 1.0,
            carry_us: 0.0,
        }
    }
}

impl ReplayClock {
    /// The log time after `wall_us` of wall time from `now_us`, given the next record's time
    /// and the end of the log. Paused: `now_us`. A silence longer than [`GAP_SKIP_US`] ahead is
    /// skipped to just before its end. Stops (and pauses) at `end_us`.
    pub fn advance(&mut self, now_us: u64, wall_us: u64, next_us: Option<u64>, end_us: u64) -> u64 {
        if !self.playing {
            return now_us;
        }
        let mut now = now_us;
        if let Some(next) = next_us
            && next > now.saturating_add(GAP_SKIP_US)
        {
            now = next - GAP_LEAD_US;
        }
        let step =
            wall_us as f64 * self.speed.clamp(SPEEDS[0], SPEEDS[SPEEDS.len() - 1]) + self.carry_us;
        let whole = (step + 1e-6).floor();
        self.carry_us = (step - whole).max(0.0);
        let t = now.saturating_add(whole as u64);
        if t >= end_us {
            self.playing = false;
            return end_us.max(now_us);
        }
        t
    }

    /// The next faster speed step (stays at the fastest).
    pub fn faster(&mut self) {
        if let Some(s) = SPEEDS.iter().find(|s| **s > self.speed + 1e-9) {
            self.speed = *s;
        }
    }

    /// The next slower speed step (stays at the slowest).
    pub fn slower(&mut self) {
        if let Some(s) = SPEEDS.iter().rev().find(|s| **s < self.speed - 1e-9) {
            self.speed = *s;
        }
    }
}

#[cfg(test)]
#[path = "replay_tests.rs"]
mod tests;
