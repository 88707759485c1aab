//! Whether the running kernel ships a module, read from its `modules.dep`
//! before anything is spawned.

use crate::bounded::{self, Over, FILE_CAP};
use std::path::Path;

/// Whether the running kernel ships `module`, from its `modules.dep`:
/// spawning modprobe costs more than the rest of a scan, and on a kernel
/// without modules (a VM's, a container's host's) it can only fail.
pub(super) fn loadable(module: &str, root: &Path) -> Result<(), String> {
    let release = bounded::read_text(
        &root.join("proc/sys/kernel/osrelease"),
        FILE_CAP,
        Over::Refuse,
    )
    .map(|r| r.text.trim().to_string())
    .unwrap_or_default();
    if release.is_empty() || release.contains('/') {
        return Ok(()); // unknown: let modprobe decide
    }
    let dir = root.join("lib/modules").join(&release);
    if !dir.is_dir() {
        return Err(format!(
            "the running kernel {release} has no modules installed (no /lib/modules/{release})"
        ));
    }
    let Ok(dep) = bounded::read_text(&dir.join("modules.dep"), 16 << 20, Over::Refuse) else {
        return Ok(());
    };
    if ships(&dep.text, module) {
        Ok(())
    } else {
        Err(format!(
            "the running kernel {release} has no {module} module (not in its modules.dep)"
        ))
    }
}

/// A `modules.dep` line is `kernel/.../NAME.ko[.xz|.zst|.gz]: DEPS`.
pub(super) fn ships(dep: &str, module: &str) -> bool {
    dep.lines().any(|line| {
        let path = line.split(':').next().unwrap_or_default();
        let file = path.rsplit('/').next().unwrap_or_default();
        file.split(".ko").next() == Some(module) && file.contains(".ko")
    })
}
