//! The desktop app (eframe): one window with the Fly, Plan, Links, Parameters, Onboard logs
//! and Settings views over the engine. [`AppCore`] does the work without a window;
//! [`SteppeApp`] adds the frame loop, the map's tile layers, the theme and language, and
//! saving settings on exit.
//! The engine asks for a repaint when a snapshot or event arrives, so an idle app draws no
//! frames.

pub mod core;
pub mod demo;
mod logs;
pub mod replay;
mod replay_compare;
mod replay_export;
mod signing;

pub use self::core::AppCore;
use crate::link::LinkSpec;
use crate::runtime::{BackendConfig, start};
use crate::tiles::open_store;
use crate::ui::i18n::{set_language, tr};
use crate::ui::map::tiles::{OfflineTiles, online};
use crate::ui::model::UiModel;
use crate::ui::settings::{MapBackground, Settings, config_dir};
use crate::ui::{Panels, root_ui, theme};
use anyhow::{Result, anyhow};
use demo::DemoPilot;
pub use signing::{SigningStart, start_signing};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How the app starts.
#[derive(Debug, Clone, Default)]
pub struct AppOptions {
    /// Links to open (besides those in the settings, when `use_settings_links`).
    pub links: Vec<LinkSpec>,
    /// Open the links saved in the settings too.
    pub use_settings_links: bool,
    /// Session recording.
    pub tlog: Option<PathBuf>,
    /// Fly the demo (upload, arm, start) once vehicles appear.
    pub demo: bool,
    /// A plan field to show in the Plan view at start.
    pub plan_boundary: Vec<crate::geo::LatLon>,
    /// Offline tiles to use instead of the saved map background (demo: the shipped set).
    pub tiles: Option<PathBuf>,
    /// A tlog to replay at start.
    pub replay: Option<PathBuf>,
    /// Where this run's MAVLink 2 signing comes from.
    pub signing: SigningStart,
}

/// The eframe app.
pub struct SteppeApp {
    core: AppCore,
    panels: Panels,
    demo: Option<DemoPilot>,
    settings_path: Option<PathBuf>,
    applied: Option<(crate::ui::settings::Theme, f32)>,
    map_source: Option<MapBackground>,
    tiles_override: Option<PathBuf>,
    player: crate::sound::Player,
    frames: Arc<std::sync::atomic::AtomicU64>,
    last_tone: Option<std::time::Instant>,
    no_player_said: bool,
}

/// An unacknowledged alert's tone repeats this often.
const TONE_REPEAT: Duration = Duration::from_secs(8);

impl SteppeApp {
    /// An app over a running engine (or none) with these settings.
    pub fn new(core: AppCore, opts: &AppOptions, settings_path: Option<PathBuf>) -> Self {
        Self {
            core,
            panels: Panels::default(),
            demo: opts.demo.then(DemoPilot::default),
            settings_path,
            applied: None,
            map_source: None,
            tiles_override: opts.tiles.clone(),
            player: crate::sound::Player::new(),
            frames: frame_counter(),
            last_tone: None,
            no_player_said: false,
        }
    }

    /// Plays the alert tone for a new alert, and again every few seconds while an alert is
    /// not acknowledged. Without a system player the alerts stay visual; the messages panel
    /// says so once.
    fn sound(&mut self, ctx: &egui::Context) {
        let m = &mut self.core.model;
        let new = m.new_alarm.take();
        if !m.settings.sound {
            return;
        }
        let due = self.last_tone.is_none_or(|t| t.elapsed() >= TONE_REPEAT);
        let pattern = match (new, m.alarm()) {
            (Some(s), _) => Some(s),
            (None, Some(s)) if due => Some(s),
            _ => None,
        };
        if let Some(sev) = pattern {
            match self.player.play(sev.into()) {
                Ok(crate::sound::PlayOutcome::Started) => {
                    self.last_tone = Some(std::time::Instant::now());
                }
                // A tone is still playing: try the new alarm again next frame.
                Ok(crate::sound::PlayOutcome::StillPlaying) => {
                    m.new_alarm = m.new_alarm.max(new);
                    ctx.request_repaint_after(Duration::from_millis(200));
                }
                Err(e) if !self.no_player_said => {
                    self.no_player_said = true;
                    m.push_log(
                        None,
                        crate::ui::model::severity::WARNING,
                        format!("{}: {e}", tr("Alerts are visual only")),
                    );
                }
                Err(_) => {}
            }
        }
        if m.alarm().is_some() {
            ctx.request_repaint_after(TONE_REPEAT);
        }
    }

    /// The model (for tests).
    pub fn model(&self) -> &UiModel {
        &self.core.model
    }

    fn sync_map(&mut self, ctx: &egui::Context) {
        let wanted = match &self.tiles_override {
            Some(p) => MapBackground::Offline(p.clone()),
            None => self.core.model.settings.map.background.clone(),
        };
        if self.map_source.as_ref() == Some(&wanted) {
            return;
        }
        let map = &mut self.panels.map;
        map.tiles = None;
        map.tiles_label = tr("no tiles").to_owned();
        let cache = config_dir().map(|d| d.join("tile-cache"));
        match &wanted {
            MapBackground::None => {}
            MapBackground::OpenStreetMap | MapBackground::Custom(_) => {
                match self.core.model.settings.online_source() {
                    Some(Ok(src)) => {
                        map.tiles_label = src.name.clone();
                        let dir = cache.map(|c| c.join(safe_name(&src.name)));
                        map.tiles = Some(Box::new(online(src, dir, ctx.clone())));
                    }
                    Some(Err(e)) => {
                        self.core
                            .model
                            .push_log(None, crate::ui::model::severity::ERROR, e);
                    }
                    None => {}
                }
            }
            MapBackground::Offline(path) => match open_store(path) {
                Ok(store) => {
                    map.tiles_label = store.describe();
                    map.tiles = Some(Box::new(OfflineTiles::new(store, ctx.clone())));
                }
                Err(e) => {
                    self.core.model.push_log(
                        None,
                        crate::ui::model::severity::ERROR,
                        format!("{}: {e}", tr("Offline tiles")),
                    );
                }
            },
        }
        self.map_source = Some(wanted);
    }
}

impl eframe::App for SteppeApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frames
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let ctx = ui.ctx().clone();
        self.core.pump();
        if let Some(d) = &mut self.demo {
            d.step(&mut self.core.model);
        }
        let s = &self.core.model.settings;
        set_language(s.language);
        if self.applied != Some((s.theme, s.ui_scale)) {
            theme::apply(&ctx, s.theme, s.ui_scale);
            self.applied = Some((s.theme, s.ui_scale));
        }
        self.sync_map(&ctx);
        self.sound(&ctx);
        let looks = |s: &Settings| (s.language, s.theme, s.ui_scale);
        let before = looks(&self.core.model.settings);
        root_ui(ui, &mut self.core.model, &mut self.panels);
        if looks(&self.core.model.settings) != before {
            // Language, theme and scale apply at the start of a frame: draw one more.
            ctx.request_repaint();
        }
        self.core.pump();
        // Stale markers and "last heard" counters age without new data: look again in a
        // second while vehicles are known (an app with no vehicles draws nothing).
        if ctx.input(|i| i.modifiers.command && i.key_pressed(egui::Key::Q)) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        if let Some(r) = &self.core.model.replay {
            if r.playing {
                // Replay moves with the wall clock: ~30 frames a second while playing.
                ctx.request_repaint_after(Duration::from_millis(33));
            } else if r.scanning {
                ctx.request_repaint_after(Duration::from_millis(250));
            }
        }
        if !self.core.model.snapshot.vehicles.is_empty() {
            ctx.request_repaint_after(Duration::from_secs(1));
        }
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        if let Some(p) = &self.settings_path
            && let Err(e) = self.core.model.settings.save(p)
        {
            eprintln!("steppe: settings not saved: {e}");
        }
        if let Some(b) = &mut self.core.backend {
            b.shutdown();
        }
    }
}

/// The frame counter. With `STEPPE_FRAME_STATS` set, a thread prints the frames drawn every
/// 10 s, to show that an idle window draws nothing.
fn frame_counter() -> Arc<std::sync::atomic::AtomicU64> {
    let frames = Arc::new(std::sync::atomic::AtomicU64::new(0));
    if std::env::var_os("STEPPE_FRAME_STATS").is_some() {
        let f = Arc::clone(&frames);
        let _ = std::thread::Builder::new()
            .name("steppe-frame-stats".into())
            .spawn(move || {
                let mut last = 0;
                loop {
                    std::thread::sleep(Duration::from_secs(10));
                    let now = f.load(std::sync::atomic::Ordering::Relaxed);
                    eprintln!(
                        "steppe: {} frames in the last 10 s ({now} in all)",
                        now - last
                    );
                    last = now;
                }
            });
    }
    frames
}

/// A file-name-safe form of a source name (for its cache folder).
fn safe_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Opens the window and runs until it is closed.
pub fn run(opts: AppOptions) -> Result<()> {
    let settings_path = config_dir().map(|d| d.join("settings.json"));
    let (settings, problem) = match &settings_path {
        Some(p) => Settings::load(p),
        None => (Settings::default(), None),
    };
    let mut links = opts.links.clone();
    if opts.use_settings_links {
        for s in &settings.links {
            match s.parse::<LinkSpec>() {
                Ok(l) if !links.contains(&l) => links.push(l),
                Ok(_) => {}
                Err(e) => eprintln!("steppe: settings link '{s}' ignored: {e}"),
            }
        }
    }
    let key_dir = settings_path
        .as_ref()
        .and_then(|p| p.parent().map(PathBuf::from));
    let (signing_cfg, signing, signing_warning) =
        start_signing(&settings.signing, &opts.signing, key_dir);
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Steppe")
            .with_inner_size([1440.0, 900.0]),
        ..Default::default()
    };
    eframe::run_native(
        "Steppe",
        native,
        Box::new(move |cc| {
            let ctx = cc.egui_ctx.clone();
            let repaint: Arc<dyn Fn() + Send + Sync> =
                Arc::new(move || ctx.request_repaint_after(Duration::from_millis(20)));
            let backend = start(BackendConfig {
                links,
                tlog: opts.tlog.clone(),
                repaint: Some(repaint),
                signing: signing_cfg,
                ..BackendConfig::default()
            })?;
            let mut model = UiModel {
                settings,
                signing,
                ..UiModel::default()
            };
            if let Some(w) = signing_warning {
                model.push_log(None, crate::ui::model::severity::WARNING, w);
            }
            model.plan.boundary = opts.plan_boundary.clone();
            model.plan.dirty = true;
            if let Some(e) = problem {
                model.push_log(None, crate::ui::model::severity::WARNING, e.to_string());
            }
            let mut core = AppCore::new(Some(backend), model);
            if let Some(path) = &opts.replay
                && let Err(e) = core.open_replay(path)
            {
                core.model
                    .push_log(None, crate::ui::model::severity::ERROR, e);
            }
            Ok(Box::new(SteppeApp::new(core, &opts, settings_path)))
        }),
    )
    .map_err(|e| anyhow!("cannot open the window: {e}"))
}
