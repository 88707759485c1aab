//! Sources `block` (`/sys/block`: the disks an installer could use) and
//! `net` (`/sys/class/net`: the network interfaces).
//!
//! Text files are stored under their machine path; symlinks are stored as
//! their target text under the link's path (`/sys/class/net/eth0/device/
//! driver` → `../../../../bus/pci/drivers/e1000e`), because the target says
//! which driver is bound and whether the device sits on PCI, USB or nowhere
//! (`/devices/virtual/`).

use super::procfs::reader::{errno_name, is_denied, is_missing, read_capped, Reader, Tally};
use crate::evidence::{Evidence, SourceStatus};
use crate::model::SourceName;
use nix::errno::Errno;
use std::io;
use std::path::Path;

const BLOCK: &str = "/sys/block";
const NET: &str = "/sys/class/net";
/// Far more disks or interfaces than a server has; a bound for a broken or
/// hostile capture, and the detail says when it was reached.
const MAX_ENTRIES: usize = 4096;
/// Kernel-internal block devices that are never disks.
const SKIPPED_BLOCK: [&str; 3] = ["loop", "ram", "zram"];

const BLOCK_FILES: [&str; 5] = [
    "size",
    "removable",
    "queue/rotational",
    "device/model",
    "device/vendor",
];
/// `carrier` and `speed` answer EINVAL while the interface is down: that is
/// a reading ("no link known"), not a failure.
const NET_FILES: [&str; 4] = ["address", "operstate", "carrier", "speed"];

pub fn collect(evidence: &mut Evidence, root: &Path) {
    let reader = Reader::new(root);
    collect_block(&reader, evidence);
    collect_net(&reader, evidence);
}

fn collect_block(reader: &Reader, evidence: &mut Evidence) {
    let Some((names, capped)) = list(reader, evidence, SourceName::Block, BLOCK) else {
        return;
    };
    let (skipped, disks): (Vec<String>, Vec<String>) = names.into_iter().partition(|n| {
        SKIPPED_BLOCK
            .iter()
            .any(|p| n.strip_prefix(p).is_some_and(starts_with_digit))
    });
    let mut tally = Tally::default();
    for name in &disks {
        let base = format!("{BLOCK}/{name}");
        link(reader, evidence, &mut tally, &base);
        link(reader, evidence, &mut tally, &format!("{base}/device"));
        for file in BLOCK_FILES {
            fetch(reader, evidence, &mut tally, &format!("{base}/{file}"));
        }
    }
    let mut parts = vec![format!("{} disk(s), {} readings", disks.len(), tally.read)];
    if !skipped.is_empty() {
        parts.push(format!("{} loop/ram/zram devices skipped", skipped.len()));
    }
    finish(evidence, SourceName::Block, &tally, parts, capped);
}

fn collect_net(reader: &Reader, evidence: &mut Evidence) {
    let Some((names, capped)) = list(reader, evidence, SourceName::Net, NET) else {
        return;
    };
    let interfaces: Vec<String> = names.into_iter().filter(|n| n != "lo").collect();
    let mut tally = Tally::default();
    for name in &interfaces {
        let base = format!("{NET}/{name}");
        link(reader, evidence, &mut tally, &base);
        link(reader, evidence, &mut tally, &format!("{base}/device"));
        link(
            reader,
            evidence,
            &mut tally,
            &format!("{base}/device/driver"),
        );
        for file in NET_FILES {
            fetch(reader, evidence, &mut tally, &format!("{base}/{file}"));
        }
    }
    let parts = vec![format!(
        "{} interface(s) besides lo, {} readings",
        interfaces.len(),
        tally.read
    )];
    finish(evidence, SourceName::Net, &tally, parts, capped);
}

/// The sorted entry names of a directory, or `None` after recording why
/// the source could not be read. The flag says the listing was cut.
fn list(
    reader: &Reader,
    evidence: &mut Evidence,
    source: SourceName,
    dir: &str,
) -> Option<(Vec<String>, bool)> {
    let listing = std::fs::read_dir(reader.host_path(dir)).and_then(|entries| {
        let mut names = Vec::new();
        for entry in entries.take(MAX_ENTRIES + 1) {
            if let Some(name) = entry?.file_name().to_str() {
                names.push(name.to_string());
            }
        }
        Ok(names)
    });
    match listing {
        Ok(mut names) => {
            names.sort_unstable();
            let capped = names.len() > MAX_ENTRIES;
            names.truncate(MAX_ENTRIES);
            Some((names, capped))
        }
        Err(e) => {
            let status = if is_missing(&e) {
                SourceStatus::Absent
            } else if is_denied(&e) {
                SourceStatus::Denied
            } else {
                SourceStatus::Error
            };
            evidence.record(
                source,
                status,
                format!("cannot list {dir}: {}", errno_name(&e)),
            );
            None
        }
    }
}

/// The directory was listed, so even "nothing found" is an answer: the
/// status is ok unless a file that exists could not be read.
fn finish(
    evidence: &mut Evidence,
    source: SourceName,
    tally: &Tally,
    mut parts: Vec<String>,
    capped: bool,
) {
    let problems = tally.problems(false);
    if !problems.is_empty() {
        parts.push(problems);
    }
    if capped {
        parts.push(format!("only the first {MAX_ENTRIES} entries were read"));
    }
    let status = if tally.failed.is_empty() && tally.truncated.is_empty() && !capped {
        SourceStatus::Ok
    } else if tally.read == 0 {
        tally.status(false)
    } else {
        SourceStatus::Partial
    };
    evidence.record(source, status, parts.join("; "));
}

fn fetch(reader: &Reader, evidence: &mut Evidence, tally: &mut Tally, machine_path: &str) {
    let mut buf = Vec::new();
    match read_capped(&reader.host_path(machine_path), &mut buf) {
        Ok(truncated) => {
            if truncated {
                tally.truncated.push(machine_path.to_string());
            }
            tally.read += 1;
            let text = String::from_utf8_lossy(&buf).into_owned();
            evidence.files.insert(machine_path.to_string(), text);
        }
        Err(e) if is_missing(&e) || is_einval(&e) => tally.missing.push(machine_path.to_string()),
        Err(e) => tally.fail(machine_path, &e),
    }
}

/// Stores a symlink's target; a missing link is normal (no `device` link
/// means a virtual device).
fn link(reader: &Reader, evidence: &mut Evidence, tally: &mut Tally, machine_path: &str) {
    match std::fs::read_link(reader.host_path(machine_path)) {
        Ok(target) => {
            tally.read += 1;
            let text = target.to_string_lossy().into_owned();
            evidence.files.insert(machine_path.to_string(), text);
        }
        // EINVAL: the path exists but is not a link (a tree copied with
        // links dereferenced): recorded as present with an unknown target.
        Err(e) if is_einval(&e) => {
            tally.read += 1;
            evidence
                .files
                .insert(machine_path.to_string(), String::new());
        }
        Err(e) if is_missing(&e) => tally.missing.push(machine_path.to_string()),
        Err(e) => tally.fail(machine_path, &e),
    }
}

fn is_einval(error: &io::Error) -> bool {
    error.raw_os_error().map(Errno::from_raw) == Some(Errno::EINVAL)
}

fn starts_with_digit(rest: &str) -> bool {
    rest.bytes().next().is_some_and(|b| b.is_ascii_digit())
}

#[cfg(test)]
pub(crate) mod fake;
#[cfg(test)]
mod tests;
