//! MAVLink 2 signing in the desktop app, driven through its widgets (egui_kittest): a
//! passphrase becomes an owner-only key file and the engine is told to sign, the strict
//! switch, a key file others can read is refused with the fix, giving a vehicle the key only
//! after a confirmation, the Links view's counters, Russian labels, a command-line key.
//! (`app_signing.rs` makes the same clicks against the simulator over UDP.)

mod common;
use common::ui::{App, T0_US, harness_sized, vehicle};

/// The Settings view's signing section is tall: a taller window than the other UI tests.
fn harness(m: UiModel) -> egui_kittest::Harness<'static, App> {
    harness_sized(m, egui::vec2(1440.0, 1000.0))
}

use egui_kittest::kittest::{NodeT as _, Queryable as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use steppe::link::{LinkSpec, LinkState, LinkStats};
use steppe::protocol::signing::{SigningConfig, SigningCounters, SigningKey};
use steppe::runtime::{LinkStatus, Snapshot};
use steppe::ui::i18n::{Language, set_language};
use steppe::ui::model::{UiCommand, UiModel, View};
use steppe::ui::signing::KEY_FILE_NAME;
use steppe::vehicle::{VehicleId, VehicleState};

const PASS: &str = "correct horse battery staple";

/// The Settings view over `vehicles`, writing key files into `dir`.
fn model(dir: &Path, vehicles: Vec<VehicleState>) -> UiModel {
    let mut m = UiModel::default();
    m.set_snapshot(Arc::new(Snapshot {
        t_us: T0_US,
        vehicles,
        ..Snapshot::default()
    }));
    m.view = View::Settings;
    m.signing.key_dir = Some(dir.to_owned());
    m
}

/// A model already signing with the key of `pass`.
fn signing_model(dir: &Path, vehicles: Vec<VehicleState>) -> (UiModel, SigningKey) {
    let mut m = model(dir, vehicles);
    m.signing.passphrase.text_mut().push_str("team key");
    steppe::ui::signing::use_passphrase(&mut m);
    m.outbox.clear();
    let key = m.signing.key.clone().expect("key");
    (m, key)
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("steppe-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(p).expect("meta").permissions().mode() & 0o777
}

fn set_signing(m: &UiModel) -> Vec<Option<SigningConfig>> {
    m.outbox
        .iter()
        .filter_map(|c| match c {
            UiCommand::SetSigning(cfg) => Some(cfg.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_passphrase_becomes_an_owner_only_key_file_and_the_engine_signs_with_it() {
    let dir = temp_dir("ui-signing-pass");
    let mut h = harness(model(&dir, vec![]));
    h.run();
    let field = h.get_by_label("Passphrase");
    field.focus();
    field.type_text(PASS);
    h.run();
    let shown = h.get_by_label("Passphrase").value().unwrap_or_default();
    assert_eq!(shown.chars().count(), PASS.chars().count(), "{shown}");
    assert!(!shown.contains("horse"), "the field shows dots: {shown}");
    h.get_by_label("Use passphrase").click();
    h.run();
    let want = SigningKey::from_passphrase(PASS).expect("key");
    let path = dir.join(KEY_FILE_NAME);
    let text = std::fs::read_to_string(&path).expect("key file written");
    assert_eq!(SigningKey::parse(text.as_bytes()).expect("key"), want);
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600, "readable by its owner only");
    let id = want.fingerprint();
    assert!(
        h.query_by_label(&format!("Key id {id}")).is_some(),
        "the key's id is shown"
    );
    assert!(h.query_by_label_contains(&want.to_hex()).is_none());
    let m = &h.state().m;
    assert_eq!(
        set_signing(m),
        vec![Some(SigningConfig {
            key: want,
            strict: false
        })]
    );
    assert!(m.signing.passphrase.is_empty(), "the passphrase is wiped");
    assert!(!format!("{m:?}").contains(PASS));
    let saved = serde_json::to_string(&m.settings).expect("json");
    assert!(!saved.contains(PASS) && !saved.contains(&text.trim()[..16]));
    assert!(m.settings.signing.enabled);
    assert_eq!(m.settings.signing.key_file.as_deref(), Some(path.as_path()));
    assert!(m.log.iter().all(|l| !l.text.contains(PASS)));
}

#[test]
fn the_strict_switch_and_the_on_switch_tell_the_engine() {
    let dir = temp_dir("ui-signing-strict");
    let (m, key) = signing_model(&dir, vec![]);
    let mut h = harness(m);
    h.run();
    h.get_by_label("Ignore unsigned frames (strict)").click();
    h.run();
    h.get_by_label("Sign MAVLink 2 frames").click();
    h.run();
    let m = &h.state().m;
    assert_eq!(
        set_signing(m),
        vec![Some(SigningConfig { key, strict: true }), None]
    );
    assert!(m.settings.signing.strict && !m.settings.signing.enabled);
}

#[cfg(unix)]
#[test]
fn a_key_file_others_can_read_is_refused_with_the_fix_then_loads_once_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = temp_dir("ui-signing-file");
    let path = dir.join("team.key");
    let key = SigningKey::from_passphrase("shared").expect("key");
    std::fs::write(&path, format!("{}\n", key.to_hex())).expect("write");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let mut h = harness(model(&dir, vec![]));
    h.run();
    let field = h.get_by_label("Key file");
    field.focus();
    field.type_text(&path.display().to_string());
    h.run();
    h.get_by_label("Load key file").click();
    h.run();
    let fix = format!("chmod 600 {}", path.display());
    assert!(
        h.query_by_label_contains(&fix).is_some(),
        "the fix is shown"
    );
    assert!(set_signing(&h.state().m).is_empty());
    assert!(h.state().m.signing.key.is_none());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    h.get_by_label("Load key file").click();
    h.run();
    assert!(
        h.query_by_label(&format!("Key id {}", key.fingerprint()))
            .is_some()
    );
    let want = Some(SigningConfig { key, strict: false });
    assert_eq!(set_signing(&h.state().m), vec![want]);
}

#[test]
fn sending_the_key_to_a_vehicle_asks_first_and_refuses_an_armed_one() {
    let dir = temp_dir("ui-signing-send");
    let (m, key) = signing_model(&dir, vec![vehicle(1, false), vehicle(2, true)]);
    let mut h = harness(m);
    h.run();
    h.get_by_label("Send signing key to vehicle…").click();
    h.run();
    assert!(h.state().m.outbox.is_empty(), "nothing before confirming");
    let c = h.state().m.confirm.clone().expect("a confirmation");
    assert!(c.question.contains("vehicle 1"), "{}", c.question);
    assert!(c.detail.contains("in clear") && c.detail.contains("USB"));
    assert!(c.detail.contains("disarmed"), "{}", c.detail);
    assert!(!c.detail.contains(&key.to_hex()));
    h.get_by_label("Confirm: Send key").click();
    h.run();
    let target = VehicleId {
        sysid: 1,
        compid: 1,
    };
    assert_eq!(
        h.state().m.outbox,
        vec![UiCommand::SetupSigning {
            target,
            key: Some(key)
        }]
    );
    h.state_mut().m.outbox.clear();
    // Vehicle 2 is armed: neither button does anything, and the view says why.
    h.get_by_label("Vehicle 2").click();
    h.run();
    for button in ["Send signing key to vehicle…", "Turn vehicle signing off…"] {
        h.get_by_label(button).click();
        h.run();
        let m = &h.state().m;
        assert!(m.confirm.is_none() && m.outbox.is_empty(), "{button}");
    }
    assert!(h.query_by_label_contains("is armed").is_some());
}

fn link(id: u32, port: u16, signing: Option<SigningCounters>, strict: bool) -> LinkStatus {
    LinkStatus {
        id,
        spec: LinkSpec::UdpOut {
            host: "127.0.0.1".into(),
            port,
        },
        state: LinkState::Up {
            detail: "test".into(),
            local: None,
        },
        stats: LinkStats {
            signing,
            signing_strict: strict,
            ..LinkStats::default()
        },
    }
}

fn links_model(dir: &Path) -> UiModel {
    let mut m = model(dir, vec![]);
    let counters = SigningCounters {
        valid: 1234,
        unsigned: 7,
        bad_signature: 3,
        replayed: 2,
        too_old: 0,
        ignored: 12,
        signed_out: 99,
    };
    m.set_snapshot(Arc::new(Snapshot {
        t_us: T0_US,
        links: vec![
            link(1, 14550, Some(counters), true),
            link(2, 14551, None, false),
        ],
        ..Snapshot::default()
    }));
    m.view = View::Links;
    m
}

#[test]
fn the_links_view_shows_signing_counters() {
    let dir = temp_dir("ui-signing-links");
    let mut h = harness(links_model(&dir));
    h.run();
    for text in [
        "signed · 1234 valid",
        "7 unsigned",
        "3 bad signature",
        "2 replayed",
        "strict",
        "12 ignored",
        "off",
    ] {
        assert!(h.query_by_label(text).is_some(), "{text} shown");
    }
    assert!(
        h.query_by_label_contains("too old").is_none(),
        "zero hidden"
    );
}

#[test]
fn the_signing_section_and_counters_speak_russian() {
    let dir = temp_dir("ui-signing-ru");
    let (mut m, _) = signing_model(&dir, vec![vehicle(1, false)]);
    m.settings.language = Language::Russian;
    let mut h = harness(m);
    h.run();
    for text in [
        "Подпись (MAVLink 2)",
        "Игнорировать неподписанные пакеты (строгий режим)",
        "Отправить ключ подписи на борт…",
        "Парольная фраза",
        "Создать новый ключ",
    ] {
        assert!(h.query_by_label(text).is_some(), "{text} shown");
    }
    assert!(h.query_by_label("Use passphrase").is_none());
    h.state_mut().m.view = View::Links;
    let links = links_model(&dir);
    h.state_mut().m.snapshot = links.snapshot;
    h.run();
    for text in [
        "подписан · верных: 1234",
        "без подписи: 7",
        "чужая подпись: 3",
    ] {
        assert!(h.query_by_label(text).is_some(), "{text} shown");
    }
    set_language(Language::English);
}

#[test]
fn a_command_line_key_locks_the_section_but_still_reaches_vehicles() {
    let dir = temp_dir("ui-signing-locked");
    let key = SigningKey::from_passphrase("from the shell").expect("key");
    let cfg = SigningConfig {
        key: key.clone(),
        strict: true,
    };
    let start = steppe::app::SigningStart::CommandLine(cfg);
    let (_, signing, _) =
        steppe::app::start_signing(&Default::default(), &start, Some(dir.clone()));
    let mut m = model(&dir, vec![vehicle(1, false)]);
    m.signing = signing;
    let mut h = harness(m);
    h.run();
    assert!(h.query_by_label_contains("command line").is_some());
    let strict = h.get_by_label("Ignore unsigned frames (strict)");
    assert_eq!(
        strict.accesskit_node().toggled(),
        Some(egui::accesskit::Toggled::True),
        "shows the command line's strict mode"
    );
    h.get_by_label("Generate new key").click();
    h.get_by_label("Ignore unsigned frames (strict)").click();
    h.run();
    assert!(h.state().m.outbox.is_empty(), "locked controls do nothing");
    assert!(!dir.join(KEY_FILE_NAME).exists());
    h.get_by_label("Send signing key to vehicle…").click();
    h.run();
    h.get_by_label("Confirm: Send key").click();
    h.run();
    assert!(matches!(
        h.state().m.outbox.as_slice(),
        [UiCommand::SetupSigning { key: Some(k), .. }] if *k == key
    ));
}
