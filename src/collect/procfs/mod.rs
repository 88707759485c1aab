//! Text files from procfs and sysfs, stored as they are in Evidence `files`
//! under their machine path (`/proc/cpuinfo`, whatever the root).
//!
//! Three sources: `procfs` (the kernel's own view: cpuinfo, cmdline,
//! meminfo, release), `sysfs` (CPU sets and topology, see [`sysfs`]) and
//! `xen-sysfs` (what Xen exposes to the domain the scan runs in).
//!
//! The scan is a few hundred small reads; it does no more than open, read
//! into one reused buffer and close, and spawns nothing.

pub(crate) mod reader;
mod sysfs;

pub(crate) use reader::{errno_name, is_missing, read_capped};

use crate::evidence::{Evidence, SourceStatus};
use crate::model::SourceName;
use reader::{Fetched, Reader, Tally};
use std::path::Path;

/// Every kernel has these, so a missing one means a partial capture.
const PROC_FILES: [&str; 4] = [
    "/proc/cpuinfo",
    "/proc/cmdline",
    "/proc/meminfo",
    "/proc/sys/kernel/osrelease",
];

/// Xen files beside `/sys/hypervisor/type`. `uuid` is left out: it
/// identifies the domain and says nothing about the host's fitness.
const XEN_FILES: [&str; 5] = [
    "/sys/hypervisor/properties/capabilities",
    "/sys/hypervisor/properties/features",
    "/sys/hypervisor/version/major",
    "/sys/hypervisor/version/minor",
    "/sys/hypervisor/version/extra",
];
const PROC_XEN: &str = "/proc/xen/capabilities";

pub fn collect(evidence: &mut Evidence, root: &Path) {
    let mut reader = Reader::new(root);
    collect_procfs(&mut reader, evidence);
    sysfs::collect(&mut reader, evidence);
    collect_xen(&mut reader, evidence);
}

fn collect_procfs(reader: &mut Reader, evidence: &mut Evidence) {
    let mut tally = Tally::default();
    for path in PROC_FILES {
        reader.fetch(evidence, &mut tally, path);
    }
    let status = tally.status(true);
    let detail = match status {
        SourceStatus::Absent => format!("no /proc files{}", under(reader.root())),
        SourceStatus::Ok => format!("read {} files", tally.read),
        _ => format!(
            "read {} of {} files; {}",
            tally.read,
            PROC_FILES.len(),
            tally.problems(true)
        ),
    };
    evidence.record(SourceName::Procfs, status, detail);
}

fn collect_xen(reader: &mut Reader, evidence: &mut Evidence) {
    const SOURCE: SourceName = SourceName::XenSysfs;
    let mut tally = Tally::default();
    if let Fetched::Missing = reader.fetch(evidence, &mut tally, "/sys/hypervisor/type") {
        // /proc/xen without /sys/hypervisor: a capture that left /sys out
        // (util-linux's el5xen), or xenfs on a kernel without the sysfs part.
        let (status, detail) = match reader.fetch(evidence, &mut tally, PROC_XEN) {
            Fetched::Missing => (SourceStatus::Absent, "not running under Xen".to_string()),
            Fetched::Read => (
                SourceStatus::Partial,
                format!("no /sys/hypervisor/type, but {PROC_XEN} is present"),
            ),
            Fetched::Failed => (
                tally.status(false),
                format!("no /sys/hypervisor/type; {}", tally.problems(false)),
            ),
        };
        evidence.record(SOURCE, status, detail);
        return;
    }
    for path in XEN_FILES {
        reader.fetch(evidence, &mut tally, path);
    }
    let xenfs = reader.fetch(evidence, &mut tally, PROC_XEN);
    let mut parts = vec![format!("read {} files", tally.read)];
    if let Fetched::Missing = xenfs {
        parts.push("xenfs not mounted on /proc/xen".to_string());
    }
    parts.extend(Some(tally.problems(false)).filter(|p| !p.is_empty()));
    let status = tally.status(false);
    evidence.record(SOURCE, status, parts.join("; "));
}

/// " under ROOT" for a detail, or nothing for a live scan of `/`.
fn under(root: &Path) -> String {
    if root == Path::new("/") {
        String::new()
    } else {
        format!(" under {}", root.display())
    }
}

#[cfg(test)]
pub(crate) mod scratch;
#[cfg(test)]
mod tests;
