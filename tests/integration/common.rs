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
