//! English and Russian UI text. Every string the app shows goes through [`tr`], keyed by its
//! English wording; the words themselves come from `assets/i18n/en.json` and
//! `assets/i18n/ru.json` (compiled in, so a field laptop needs no files beside the binary).
//! A test checks that every key used in the source is in both files.
//!
//! The language is per thread (the UI runs on one thread; parallel UI tests each have their
//! own), switchable at runtime with [`set_language`].

use serde::{Deserialize, Serialize};
use std::cell::Cell;
use std::collections::HashMap;
use std::sync::OnceLock;

/// A UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Language {
    /// English.
    #[default]
    English,
    /// Russian.
    Russian,
}

impl Language {
    /// Both languages, in menu order.
    pub const ALL: [Language; 2] = [Language::English, Language::Russian];

    /// The language's own name (shown in the language menu untranslated).
    pub fn native_name(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::Russian => "Русский",
        }
    }
}

const EN_JSON: &str = include_str!("../../assets/i18n/en.json");
const RU_JSON: &str = include_str!("../../assets/i18n/ru.json");

thread_local! {
    static CURRENT: Cell<Language> = const { Cell::new(Language::English) };
}

fn table(lang: Language) -> &'static HashMap<String, String> {
    static EN: OnceLock<HashMap<String, String>> = OnceLock::new();
    static RU: OnceLock<HashMap<String, String>> = OnceLock::new();
    let (cell, text) = match lang {
        Language::English => (&EN, EN_JSON),
        Language::Russian => (&RU, RU_JSON),
    };
    // A broken file shows the English keys instead of failing; the i18n test catches it.
    cell.get_or_init(|| serde_json::from_str(text).unwrap_or_default())
}

/// Switches this thread's UI language.
pub fn set_language(lang: Language) {
    CURRENT.with(|c| c.set(lang));
}

/// This thread's UI language.
pub fn language() -> Language {
    CURRENT.with(Cell::get)
}

/// The text for `key` (its English wording) in the current language; the key itself when the
/// table has no entry.
pub fn tr(key: &'static str) -> &'static str {
    match table(language()).get(key) {
        Some(s) => s.as_str(),
        None => key,
    }
}

/// [`tr`] with `{name}` placeholders filled in.
pub fn trf(key: &'static str, args: &[(&str, String)]) -> String {
    let mut s = tr(key).to_owned();
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), value);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Every key literal passed to `tr` or `trf` in the UI sources.
    fn keys_in_source() -> BTreeSet<String> {
        fn walk(p: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            if p.is_dir() {
                for e in std::fs::read_dir(p).expect("dir").flatten() {
                    walk(&e.path(), out);
                }
            } else if p.extension().is_some_and(|e| e == "rs") {
                out.push(p.to_owned());
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        walk(&root.join("ui"), &mut files);
        walk(&root.join("app"), &mut files);
        let mut keys = BTreeSet::new();
        // This file's own search patterns are not keys.
        files.retain(|f| !f.ends_with("ui/i18n.rs"));
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap_or_default();
            for pat in ["tr(", "trf("] {
                for (i, _) in text.match_indices(pat) {
                    let before = text[..i].chars().last();
                    if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        continue;
                    }
                    let Some(rest) = text[i + pat.len()..].trim_start().strip_prefix('"') else {
                        continue;
                    };
                    let mut key = String::new();
                    let mut chars = rest.chars();
                    while let Some(c) = chars.next() {
                        match c {
                            '"' => break,
                            '\\' => {
                                if let Some(n) = chars.next() {
                                    key.push(match n {
                                        'n' => '\n',
                                        other => other,
                                    });
                                }
                            }
                            c => key.push(c),
                        }
                    }
                    keys.insert(key);
                }
            }
        }
        keys.remove("");
        keys
    }

    #[test]
    fn every_key_is_translated_in_both_files_and_none_is_unused() {
        let used = keys_in_source();
        assert!(used.len() > 50, "found only {} keys", used.len());
        for (name, json) in [("en", EN_JSON), ("ru", RU_JSON)] {
            let map: HashMap<String, String> =
                serde_json::from_str(json).unwrap_or_else(|e| panic!("{name}.json: {e}"));
            let have: BTreeSet<String> = map.keys().cloned().collect();
            let missing: Vec<_> = used.difference(&have).collect();
            let unused: Vec<_> = have.difference(&used).collect();
            assert!(missing.is_empty(), "{name}.json lacks {missing:#?}");
            assert!(unused.is_empty(), "{name}.json has unused {unused:#?}");
            for (k, v) in &map {
                assert!(!v.trim().is_empty(), "{name}.json: empty text for {k:?}");
                for ph in k.split('{').skip(1).filter_map(|s| s.split('}').next()) {
                    assert!(
                        v.contains(&format!("{{{ph}}}")),
                        "{name}.json: {k:?} lost placeholder {{{ph}}}"
                    );
                }
            }
        }
    }

    #[test]
    fn switching_language_changes_text_on_this_thread_only() {
        set_language(Language::Russian);
        assert_ne!(tr("Arm"), "Arm");
        let other = std::thread::spawn(|| tr("Arm").to_owned())
            .join()
            .expect("thread");
        assert_eq!(other, "Arm");
        set_language(Language::English);
        assert_eq!(tr("Arm"), "Arm");
        assert_eq!(
            trf("Takeoff to {alt} m", &[("alt", "30".into())]),
            "Takeoff to 30 m"
        );
    }
}
