//! Replay in the app: a tlog drives the same vehicle model, UI model and panels as the live
//! links. Opening indexes the file (fast) and starts one background pass that finds the
//! timeline events, the plot series, the full trails and the seek keyframes; playback works
//! from the first frame and gets the timeline and fast seeks once that pass is done.

use super::core::AppCore;
use crate::log::replay::{Replay, ReplayClock};
use crate::log::series::{FieldKey, Series, catalogue, extract, standard_fields};
use crate::log::timeline::{Scan, scan_observing};
use crate::protocol::dialect::GLOBAL_POSITION_INT_DATA;
use crate::runtime::Snapshot;
use crate::ui::i18n::{tr, trf};
use crate::ui::model::severity;
use crate::ui::replay::{ReplayCmd, ReplayView};
use crate::ui::tracks::Tracks;
use crate::vehicle::{Fleet, FleetEvent, VehicleId};
use mavlink::MessageData;
use std::path::Path;
use std::sync::{Arc, mpsc};

/// The result of the background pass.
struct Scanned {
    scan: Scan,
    tracks: Tracks,
    fields: Vec<String>,
    /// Each vehicle's mission found in the log and how closely it was flown.
    planned: Vec<super::replay_compare::Planned>,
}

/// What the live links had shown when the replay opened; live events keep updating it while
/// the replay is on screen, and it comes back when the replay closes.
#[derive(Default)]
struct LiveState {
    tracks: Tracks,
    log: std::collections::VecDeque<crate::ui::model::LogLine>,
    onboard: std::collections::BTreeMap<
        (VehicleId, crate::ui::model::MissionTypeKey),
        Vec<crate::plan::MissionItem>,
    >,
}

/// A log being replayed in the app.
pub struct ReplaySession {
    live: LiveState,
    replay: Replay,
    clock: ReplayClock,
    /// Wall time of the last pump, µs.
    last_wall_us: Option<u64>,
    scanned: Option<mpsc::Receiver<Scanned>>,
    /// Plot series being extracted in the background, one receiver per field asked for.
    plots: Vec<mpsc::Receiver<Vec<Series>>>,
    /// Every trail point and photo of the log (once the background pass is done).
    full_tracks: Option<Tracks>,
    /// The user compared with a plan file: the log's own missions do not replace it.
    pub(super) compared_with_file: bool,
}

impl std::fmt::Debug for ReplaySession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReplaySession")
            .field("now_us", &self.replay.now_us())
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}

/// Extends the trail of the vehicle a GLOBAL_POSITION_INT record came from.
fn trail_point(tracks: &mut Tracks, fleet: &Fleet, rec: &crate::log::tlog::TlogRecord<'_>) {
    if rec.header.msgid == GLOBAL_POSITION_INT_DATA::ID
        && let Some(v) = fleet.get(VehicleId::new(rec.header.sysid, rec.header.compid))
    {
        tracks.observe(v);
    }
}

impl ReplaySession {
    /// The log's bytes.
    pub fn data(&self) -> &[u8] {
        self.replay.data()
    }
}

impl AppCore {
    /// Opens a tlog for replay (paused at its start). The live links keep running; their
    /// vehicles come back when the replay is closed.
    pub fn open_replay(&mut self, path: &Path) -> Result<(), String> {
        let data: Arc<Vec<u8>> = std::fs::read(path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .into();
        let replay = Replay::new(Arc::clone(&data));
        if replay.index().is_empty() {
            return Err(trf(
                "{file}: no MAVLink record with a valid time (is it a .tlog?)",
                &[("file", path.display().to_string())],
            ));
        }
        let (tx, rx) = mpsc::channel();
        let bg = Arc::clone(&data);
        std::thread::Builder::new()
            .name("replay-scan".into())
            .spawn(move || {
                let mut tracks = Tracks::default();
                let scan = scan_observing(Arc::clone(&bg), &mut |f, r, e| {
                    trail_point(&mut tracks, f, r);
                    for ev in e {
                        if let FleetEvent::CameraTrigger { id, event } = ev {
                            tracks.photo(*id, event);
                        }
                    }
                });
                let fields = catalogue(&bg)
                    .into_iter()
                    .map(|(_, k)| k)
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect();
                let planned = super::replay_compare::compare(&bg, None);
                let _ = tx.send(Scanned {
                    scan,
                    tracks,
                    fields,
                    planned,
                });
            })
            .map_err(|e| e.to_string())?;
        let idx = replay.index();
        let view = ReplayView {
            name: path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into(),
            ),
            start_us: idx.start_us,
            end_us: idx.end_us,
            playing: false,
            speed: 1.0,
            scanning: true,
            plots: standard_fields()
                .iter()
                .filter(|f| {
                    [
                        "GLOBAL_POSITION_INT.relative_alt",
                        "VFR_HUD.groundspeed",
                        "SYS_STATUS.voltage_battery",
                        "ATTITUDE.roll",
                    ]
                    .contains(&f.key.as_str())
                })
                .map(|f| f.key.clone())
                .collect(),
            show_plots: true,
            ..Default::default()
        };
        let m = &mut self.model;
        let live = LiveState {
            tracks: std::mem::take(&mut m.tracks),
            log: std::mem::take(&mut m.log),
            onboard: std::mem::take(&mut m.onboard),
        };
        m.replay = Some(view);
        m.now_us = idx.start_us;
        m.alerts_at_us = 0;
        m.view = crate::ui::model::View::Fly;
        self.replay = Some(ReplaySession {
            live,
            replay,
            clock: ReplayClock::default(),
            last_wall_us: None,
            scanned: Some(rx),
            plots: Vec::new(),
            full_tracks: None,
            compared_with_file: false,
        });
        let start = self.model.now_us;
        self.replay_seek(start);
        self.model.push_log(
            None,
            severity::INFO,
            trf("Replaying {file}", &[("file", path.display().to_string())]),
        );
        Ok(())
    }

    /// One frame of replay at wall time `wall_us`: background results, then the clock.
    pub fn pump_replay(&mut self, wall_us: u64) -> bool {
        let Some(s) = self.replay.as_mut() else {
            return false;
        };
        let mut changed = false;
        let mut planned = None;
        if let Some(done) = s.scanned.as_ref().and_then(|rx| rx.try_recv().ok()) {
            s.scanned = None;
            s.replay.adopt_keyframes(done.scan.replay);
            s.full_tracks = Some(done.tracks);
            if let Some(v) = self.model.replay.as_mut() {
                v.events = done.scan.events;
                v.series = done.scan.series;
                v.fields = done.fields;
                v.scanning = false;
            }
            planned = Some(done.planned);
            changed = true;
        }
        let mut arrived = Vec::new();
        s.plots.retain(|rx| match rx.try_recv() {
            Ok(series) => {
                arrived.extend(series);
                false
            }
            Err(mpsc::TryRecvError::Empty) => true,
            Err(mpsc::TryRecvError::Disconnected) => false,
        });
        if !arrived.is_empty()
            && let Some(v) = self.model.replay.as_mut()
        {
            v.series.extend(arrived);
            changed = true;
        }
        let dt = s.last_wall_us.map_or(0, |l| wall_us.saturating_sub(l));
        s.last_wall_us = Some(wall_us);
        let now = s.replay.now_us();
        let next = s.replay.next_record_us();
        let end = s.replay.index().end_us;
        let t = s.clock.advance(now, dt, next, end);
        let playing = s.clock.playing;
        if let Some(v) = self.model.replay.as_mut()
            && v.playing != playing
        {
            v.playing = playing;
            changed = true;
        }
        if t != now {
            self.replay_seek(t);
            changed = true;
        }
        if let Some(p) = planned
            && !self.replay.as_ref().is_some_and(|s| s.compared_with_file)
        {
            self.show_planned(p);
        }
        changed
    }

    /// Moves the replay to log time `t_us` and shows the vehicles as they were then.
    fn replay_seek(&mut self, t_us: u64) {
        let Some(s) = self.replay.as_mut() else {
            return;
        };
        if let Some(k) = s.replay.restore_point(t_us) {
            // The model goes back to a keyframe: what was shown after it is redone.
            let m = &mut self.model;
            m.log.retain(|l| l.t_us <= k);
            match &s.full_tracks {
                Some(full) => m.tracks = full.until(k),
                None => m.tracks.truncate_after(k),
            }
            if let Ok(fresh) = crate::alerts::AlertMonitor::new(m.alerts.config().clone()) {
                m.alerts = fresh;
            }
        }
        let mut events = Vec::new();
        let tracks = &mut self.model.tracks;
        let seek = s.replay.seek(t_us, &mut |f, r, e| {
            trail_point(tracks, f, r);
            events.extend_from_slice(e);
        });
        let now = s.replay.now_us();
        events.extend(seek.timeout_events);
        let vehicles = s.replay.fleet().iter().cloned().collect();
        // Replay time may go backwards: the model's clock follows it exactly.
        for e in events {
            self.model.now_us = e.t_us().min(now);
            self.on_fleet(e);
        }
        let m = &mut self.model;
        m.now_us = now;
        m.alerts_at_us = m.alerts_at_us.min(now);
        m.set_snapshot(Arc::new(Snapshot {
            t_us: now,
            vehicles,
            ..Default::default()
        }));
        // Tones belong to live flying, not to a classroom replay.
        m.new_alarm = None;
    }

    /// A replay control from the panels.
    pub fn replay_command(&mut self, c: ReplayCmd) {
        if matches!(c, ReplayCmd::Close) {
            self.close_replay();
            return;
        }
        let Some(s) = self.replay.as_mut() else {
            return;
        };
        let now = s.replay.now_us();
        let (start, end) = (s.replay.index().start_us, s.replay.index().end_us);
        let mut target = None;
        match c {
            ReplayCmd::Toggle => {
                if !s.clock.playing && s.replay.now_us() >= end {
                    target = Some(start);
                }
                s.clock.playing = !s.clock.playing;
            }
            ReplayCmd::Seek(t) => target = Some(t.clamp(start, end)),
            ReplayCmd::Step(d) => {
                target = Some(now.saturating_add_signed(d).clamp(start, end));
            }
            ReplayCmd::Faster => s.clock.faster(),
            ReplayCmd::Slower => s.clock.slower(),
            ReplayCmd::Speed(x) => s.clock.speed = x.clamp(0.1, 100.0),
            ReplayCmd::Plot(key) => {
                let have = self
                    .model
                    .replay
                    .as_ref()
                    .is_some_and(|v| v.series.iter().any(|x| x.field.key == key));
                let asked = self
                    .model
                    .replay
                    .as_ref()
                    .is_some_and(|v| v.plots.contains(&key));
                if !have && !asked {
                    let data = Arc::clone(s.replay.data());
                    let (tx, rx) = mpsc::channel();
                    let field = FieldKey::raw(&key);
                    let _ = std::thread::Builder::new()
                        .name("replay-plot".into())
                        .spawn(move || {
                            let _ = tx.send(extract(&data, &[field]));
                        });
                    s.plots.push(rx);
                }
                if let Some(v) = self.model.replay.as_mut()
                    && !v.plots.contains(&key)
                {
                    v.plots.push(key);
                }
            }
            ReplayCmd::ComparePlan(path) => {
                self.compare_with_file(&path);
                return;
            }
            ReplayCmd::Export {
                layer,
                format,
                path,
            } => {
                self.export_replay(layer, format, &path);
                return;
            }
            ReplayCmd::Close => {}
        }
        let (playing, speed) = (s.clock.playing, s.clock.speed);
        if let Some(v) = self.model.replay.as_mut() {
            v.playing = playing;
            v.speed = speed;
        }
        if let Some(t) = target {
            self.replay_seek(t);
        }
    }

    /// Leaves the replay: the live links' vehicles, trails, messages and known missions show
    /// again.
    pub fn close_replay(&mut self) {
        let live = self.replay.take().map(|s| s.live).unwrap_or_default();
        let m = &mut self.model;
        m.replay = None;
        m.tracks = live.tracks;
        m.log = live.log;
        m.onboard = live.onboard;
        m.now_us = 0;
        m.snapshot = Arc::new(Snapshot::default());
        m.push_log(None, severity::INFO, tr("Replay closed"));
    }

    /// A live engine event while a replay is on screen: it updates what the live view will
    /// show again, not the replay.
    pub(super) fn on_live_event(&mut self, e: crate::runtime::Event) {
        let Some(s) = self.replay.as_mut() else {
            self.on_event(e);
            return;
        };
        let m = &mut self.model;
        std::mem::swap(&mut m.tracks, &mut s.live.tracks);
        std::mem::swap(&mut m.log, &mut s.live.log);
        std::mem::swap(&mut m.onboard, &mut s.live.onboard);
        let replay_now = m.now_us;
        m.now_us = crate::link::wall_clock_us();
        self.on_event(e);
        let m = &mut self.model;
        m.now_us = replay_now;
        if let Some(s) = self.replay.as_mut() {
            std::mem::swap(&mut m.tracks, &mut s.live.tracks);
            std::mem::swap(&mut m.log, &mut s.live.log);
            std::mem::swap(&mut m.onboard, &mut s.live.onboard);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::Event;

    #[test]
    fn live_messages_and_missions_wait_behind_the_replay_and_come_back() {
        let mut core = AppCore::new(None, crate::ui::model::UiModel::default());
        let live_id = VehicleId::new(7, 1);
        let key = (live_id, crate::ui::model::MissionTypeKey::Mission);
        core.model
            .onboard
            .insert(key, vec![crate::plan::MissionItem::default()]);
        core.model
            .push_log(Some(live_id), severity::INFO, "live before");
        let path = crate::test_support::samples_dir()
            .join("sitl/arducopter_sitl_survey_talas_camera.tlog");
        core.open_replay(&path).expect("opens");
        assert!(
            !core.model.onboard.contains_key(&key),
            "the replay shows its own"
        );
        core.on_live_event(Event::Fleet(FleetEvent::StatusText {
            id: live_id,
            t_us: 1,
            severity: 2,
            text: "live failsafe".into(),
        }));
        assert!(core.model.log.iter().all(|l| l.text != "live failsafe"));
        core.close_replay();
        assert!(core.model.onboard.contains_key(&key));
        let texts: Vec<&str> = core.model.log.iter().map(|l| l.text.as_str()).collect();
        assert!(
            texts.contains(&"live before") && texts.contains(&"live failsafe"),
            "{texts:?}"
        );
    }
}
