//! Helpers shared by the integration tests.

use std::path::PathBuf;

/// `../shared/fixtures` beside the checkout (CI lays it out the same way).
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures")
}

pub fn fixture(relative: &str) -> PathBuf {
    let path = fixtures().join(relative);
    assert!(
        path.exists(),
        "fixture {} is missing: ../shared/fixtures must sit beside the checkout",
        path.display()
    );
    path
}

/// A fresh scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xenready-it-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
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
