use super::*;
use crate::runtime::keys::read_key_file;

fn model_in(dir: &Path) -> UiModel {
    let mut m = UiModel::default();
    m.signing.key_dir = Some(dir.to_owned());
    m
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
fn a_secret_shows_no_text_and_is_emptied() {
    let mut s = Secret::default();
    s.text_mut().push_str("correct horse battery staple");
    let shown = format!("{s:?}");
    assert!(!shown.contains("horse"), "{shown}");
    assert_eq!(shown, "Secret(28 chars)");
    s.clear();
    assert!(s.is_empty());
    assert_eq!(s.expose(), "");
}

#[test]
fn the_passphrase_makes_mavproxys_key_saved_owner_only_and_is_wiped() {
    let dir = crate::test_support::temp_dir("ui-signing-pass");
    let mut m = model_in(&dir);
    m.signing.passphrase.text_mut().push_str("correct horse");
    use_passphrase(&mut m);
    let want = SigningKey::from_passphrase("correct horse").expect("key");
    assert!(m.signing.passphrase.is_empty());
    assert_eq!(m.signing.key, Some(want.clone()));
    let path = dir.join(KEY_FILE_NAME);
    assert_eq!(read_key_file(&path).expect("owner-only key file"), want);
    assert_eq!(m.settings.signing.key_file, Some(path));
    assert!(m.settings.signing.enabled);
    assert_eq!(
        set_signing(&m),
        vec![Some(SigningConfig {
            key: want,
            strict: false
        })]
    );
    // Nothing in the settings or the model's debug form holds the passphrase.
    let settings = serde_json::to_string(&m.settings).expect("json");
    assert!(!settings.contains("correct horse"));
    assert!(!format!("{m:?}").contains("correct horse"));
}

#[test]
fn an_empty_passphrase_is_refused_in_words() {
    let dir = crate::test_support::temp_dir("ui-signing-empty");
    let mut m = model_in(&dir);
    use_passphrase(&mut m);
    assert!(m.signing.key.is_none());
    assert!(matches!(&m.signing.note, Some(KeyNote::Failed(e)) if e.contains("empty")));
    assert!(m.outbox.is_empty());
}

#[test]
fn a_new_key_replaces_the_old_one_only_after_a_second_yes() {
    let dir = crate::test_support::temp_dir("ui-signing-gen");
    let mut m = model_in(&dir);
    generate(&mut m, false);
    let first = m.signing.key.clone().expect("a key at once: none to lose");
    generate(&mut m, false);
    assert!(m.signing.confirm_generate);
    assert_eq!(m.signing.key.as_ref(), Some(&first), "not replaced yet");
    generate(&mut m, true);
    let second = m.signing.key.clone().expect("key");
    assert_ne!(first, second);
    assert!(!m.signing.confirm_generate);
    let on_disk = read_key_file(&dir.join(KEY_FILE_NAME)).expect("read");
    assert_eq!(on_disk, second);
    assert_eq!(set_signing(&m).len(), 2, "one change per key");
}

#[test]
fn switches_send_only_changes_and_nothing_while_locked() {
    let dir = crate::test_support::temp_dir("ui-signing-switch");
    let mut m = model_in(&dir);
    set_enabled(&mut m, true);
    assert!(!m.settings.signing.enabled, "no key, no signing");
    assert!(m.outbox.is_empty());
    generate(&mut m, false);
    let key = m.signing.key.clone().expect("key");
    set_strict(&mut m, true);
    set_strict(&mut m, true);
    set_enabled(&mut m, false);
    set_strict(&mut m, false);
    assert_eq!(
        set_signing(&m),
        vec![
            Some(SigningConfig {
                key: key.clone(),
                strict: false
            }),
            Some(SigningConfig { key, strict: true }),
            None,
        ]
    );
    m.outbox.clear();
    m.signing.locked = Some("command line".into());
    set_enabled(&mut m, true);
    assert!(m.outbox.is_empty());
}

#[test]
fn sending_the_key_asks_first_and_names_the_risk() {
    let dir = crate::test_support::temp_dir("ui-signing-send");
    let mut m = model_in(&dir);
    let target = VehicleId::new(1, 1);
    ask_send_key(&mut m, target);
    assert!(m.confirm.is_none(), "no key in use: nothing to send");
    generate(&mut m, false);
    m.outbox.clear();
    ask_send_key(&mut m, target);
    let c = m.confirm.clone().expect("confirmation");
    assert!(c.detail.contains("in clear") && c.detail.contains("disarmed"));
    assert!(m.outbox.is_empty());
    m.confirm_pending();
    assert_eq!(
        m.outbox,
        vec![UiCommand::SetupSigning {
            target,
            key: m.signing.key.clone()
        }]
    );
}
