//! Shared helpers of the UI tests: the whole app's UI in an egui_kittest harness, vehicles
//! for a snapshot, and pumping a real [`AppCore`] until the model shows something.

use egui_kittest::Harness;
use std::time::{Duration, Instant};
use steppe::app::AppCore;
use steppe::ui::i18n::set_language;
use steppe::ui::model::UiModel;
use steppe::ui::{Panels, root_ui};
use steppe::vehicle::{Heartbeat, VehicleId, VehicleState};

/// The time the test vehicles were first heard (µs since the Unix epoch).
pub const T0_US: u64 = 1_700_000_000_000_000;

/// A disarmed or armed ArduCopter `sysid` heard at [`T0_US`].
pub fn vehicle(sysid: u8, armed: bool) -> VehicleState {
    let hb = Heartbeat {
        custom_mode: 0,
        mav_type: 2,
        autopilot: 3,
        base_mode: if armed { 0x81 } else { 0x01 },
        system_status: 3,
        mavlink_version: 3,
    };
    VehicleState::new(VehicleId { sysid, compid: 1 }, &hb, T0_US)
}

/// The state the harness draws: the UI model and the panels' own state.
pub struct App {
    /// The model (its outbox holds what the UI asked for).
    pub m: UiModel,
    /// The panels' state.
    pub p: Panels,
}

/// The whole UI over `m` in a 1400 × 900 window, in the model's language, with egui_kittest's
/// accessibility check.
pub fn harness(m: UiModel) -> Harness<'static, App> {
    harness_sized(m, egui::vec2(1400.0, 900.0))
}

/// [`harness`] in a window of `size` points.
pub fn harness_sized(m: UiModel, size: egui::Vec2) -> Harness<'static, App> {
    Harness::builder()
        .with_size(size)
        .with_accessibility_check(true)
        .build_ui_state(
            |ui, app: &mut App| {
                set_language(app.m.settings.language);
                root_ui(ui, &mut app.m, &mut app.p);
            },
            App {
                m,
                p: Panels::default(),
            },
        )
}

/// Pumps `core` until `cond` holds for its model; panics after `timeout` with the messages.
pub fn pump_until(
    core: &mut AppCore,
    timeout: Duration,
    what: &str,
    mut cond: impl FnMut(&UiModel) -> bool,
) {
    let end = Instant::now() + timeout;
    while Instant::now() < end {
        core.pump();
        if cond(&core.model) {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let log: Vec<String> = core.model.log.iter().map(|l| l.text.clone()).collect();
    panic!("timed out waiting for {what}; messages: {log:#?}");
}
