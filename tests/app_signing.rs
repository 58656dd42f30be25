//! MAVLink 2 signing through the app core (what the window runs each frame) against the
//! simulator over real UDP, driven by the Settings view's widgets: signing turned on with a
//! passphrase, the key sent to an unsigned simulated vehicle after the confirmation, the
//! operation accepted, the link counting the vehicle's correctly signed frames, and the
//! vehicle's signing turned off again.

mod common;

use common::{engine, sim};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use std::time::{Duration, Instant};
use steppe::app::AppCore;
use steppe::cli::SimArgs;
use steppe::protocol::signing::SigningKey;
use steppe::ui::model::{UiModel, View};
use steppe::ui::{Panels, root_ui};

struct App {
    core: AppCore,
    p: Panels,
}

/// Runs frames (the engine pumped in each) until `cond` holds.
fn run_until(
    h: &mut Harness<'_, App>,
    timeout: Duration,
    what: &str,
    mut cond: impl FnMut(&UiModel) -> bool,
) {
    let end = Instant::now() + timeout;
    while Instant::now() < end {
        h.run_steps(2);
        if cond(&h.state().core.model) {
            return;
        }
        std::thread::sleep(Duration::from_millis(30));
    }
    let log: Vec<String> = h
        .state()
        .core
        .model
        .log
        .iter()
        .map(|l| l.text.clone())
        .collect();
    panic!("timed out waiting for {what}; messages: {log:#?}");
}

fn valid_signed(m: &UiModel) -> u64 {
    m.snapshot
        .links
        .iter()
        .filter_map(|l| l.stats.signing)
        .map(|c| c.valid)
        .sum()
}

fn setup_outcome(m: &UiModel) -> Option<Result<String, String>> {
    let id = m.signing.setups.last()?;
    m.ops.iter().find(|o| o.id == *id)?.outcome.clone()
}

#[test]
fn signing_on_with_a_passphrase_then_the_vehicle_takes_the_key_and_signs() {
    let s = sim(SimArgs {
        vehicles: 1,
        speedup: 5.0,
        ..SimArgs::default()
    });
    let dir = std::env::temp_dir().join(format!("steppe-app-signing-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut model = UiModel {
        view: View::Settings,
        ..UiModel::default()
    };
    model.signing.key_dir = Some(dir.clone());
    let core = AppCore::new(Some(engine(&s, None)), model);
    let mut h = Harness::builder()
        .with_size(egui::vec2(1440.0, 1000.0))
        .build_ui_state(
            |ui, app: &mut App| {
                app.core.pump();
                root_ui(ui, &mut app.core.model, &mut app.p);
                app.core.pump();
            },
            App {
                core,
                p: Panels::default(),
            },
        );
    run_until(&mut h, Duration::from_secs(20), "the vehicle", |m| {
        !m.snapshot.vehicles.is_empty()
    });
    assert!(s.status().signing.is_empty(), "the vehicle starts unsigned");
    let field = h.get_by_label("Passphrase");
    field.focus();
    field.type_text("flock of geese");
    h.run_steps(2);
    h.get_by_label("Use passphrase").click();
    h.run_steps(2);
    let key = SigningKey::from_passphrase("flock of geese").expect("key");
    run_until(&mut h, Duration::from_secs(5), "the engine signing", |m| {
        m.snapshot.links.iter().any(|l| l.stats.signing.is_some())
    });
    assert!(
        h.state()
            .core
            .model
            .log
            .iter()
            .any(|l| l.text.contains(&key.fingerprint()) && l.text.contains("Signing on")),
        "the change is said in the messages"
    );
    // The unsigned vehicle is flagged (lenient mode accepts it).
    run_until(&mut h, Duration::from_secs(5), "unsigned frames", |m| {
        m.snapshot
            .links
            .iter()
            .any(|l| l.stats.signing.is_some_and(|c| c.unsigned > 0))
    });
    assert_eq!(valid_signed(&h.state().core.model), 0);
    h.get_by_label("Send signing key to vehicle…").click();
    h.run_steps(2);
    h.get_by_label("Confirm: Send key").click();
    run_until(
        &mut h,
        Duration::from_secs(15),
        "the set-up's answer",
        |m| setup_outcome(m).is_some(),
    );
    assert_eq!(
        setup_outcome(&h.state().core.model),
        Some(Ok("accepted".into()))
    );
    run_until(&mut h, Duration::from_secs(5), "signed frames", |m| {
        valid_signed(m) > 20
    });
    assert_eq!(s.status().signing.len(), 1, "the vehicle signs now");
    // The Links view shows it.
    h.state_mut().core.model.view = View::Links;
    h.run_steps(2);
    assert!(h.query_by_label_contains("valid").is_some());
    assert!(h.query_by_label_contains("unsigned").is_some());
    // And gives it up again.
    h.state_mut().core.model.view = View::Settings;
    h.run_steps(2);
    h.get_by_label("Turn vehicle signing off…").click();
    h.run_steps(2);
    h.get_by_label("Confirm: Turn signing off").click();
    let n = h.state().core.model.signing.setups.len();
    run_until(&mut h, Duration::from_secs(15), "signing off", |m| {
        m.signing.setups.len() > n && setup_outcome(m).is_some()
    });
    assert_eq!(
        setup_outcome(&h.state().core.model),
        Some(Ok("accepted".into()))
    );
    // The simulator publishes its status every 100 ms.
    let end = Instant::now() + Duration::from_secs(2);
    while !s.status().signing.is_empty() {
        assert!(Instant::now() < end, "the vehicle still signs");
        std::thread::sleep(Duration::from_millis(20));
    }
    s.stop();
    let _ = std::fs::remove_dir_all(&dir);
}
