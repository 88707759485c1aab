//! Helpers shared by the integration tests.

use std::path::PathBuf;

/// The repository's test corpus, `tests/corpus` (see its MANIFEST.md).
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

pub fn fixture(relative: &str) -> PathBuf {
    let path = fixtures().join(relative);
    assert!(
        path.exists(),
        "fixture {} is missing: the repository's tests/corpus is incomplete",
        path.display()
    );
    path
}

/// A fresh scratch directory for one test, under cargo's per-target temp dir
/// (`target/tmp`) rather than the system's, so a run leaves nothing in
/// `/tmp`. Each process gets its own folder, and the first call removes the
/// folders of earlier runs whose process is gone: what remains is at most the
/// last run's, which `cargo clean` takes away.
pub fn scratch(name: &str) -> PathBuf {
    let dir = scratch_root().join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

/// This process's folder of scratch directories (see `scratch`), for tests
/// that manage their own files inside it.
pub fn scratch_root() -> PathBuf {
    static SWEPT: std::sync::Once = std::sync::Once::new();
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("it-scratch");
    SWEPT.call_once(|| remove_finished_runs(&base));
    base.join(std::process::id().to_string())
}

fn remove_finished_runs(base: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return; // no earlier run
    };
    for entry in entries.flatten() {
        let pid = entry.file_name();
        let alive = std::path::Path::new("/proc").join(&pid).exists();
        if !alive {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

pub fn xenready() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("xenready").expect("binary builds");
    cmd.env_remove("NO_COLOR");
    cmd
}

/// Imports one fixture with `import` and analyses it for the default
/// target: the JSON report (parsed and as text) and the text report, with
/// the fixture directory replaced by `<fixtures>` so snapshots do not depend
/// on the checkout. Callers snapshot them (insta names snapshots after the
/// calling module).
pub fn import_reports(
    relative: &str,
    import: fn(
        &mut xenready::evidence::Evidence,
        &std::path::Path,
    ) -> Result<(), xenready::import::ImportError>,
) -> (serde_json::Value, String, String) {
    use xenready::render::{self, RenderOptions};
    let mut evidence = xenready::evidence::Evidence::new(xenready::evidence::Origin::Import);
    import(&mut evidence, &fixture(relative)).expect("fixture imports");
    xenready::import::declare_missing_sources(&mut evidence);
    let knowledge = xenready::knowledge::Knowledge::builtin();
    let target = knowledge.default_target();
    let report = xenready::analyze(&evidence, knowledge, target);
    let prefix = fixtures().display().to_string();
    let options = RenderOptions {
        target_name: &target.name,
        ..RenderOptions::default()
    };
    let json = render::json(&report, &options).replace(&prefix, "<fixtures>");
    let text = render::text(&report, &options).replace(&prefix, "<fixtures>");
    let value = serde_json::from_str(&json).expect("the JSON report parses");
    (value, json, text)
}
