//! Reading small text files under a root, capped, into Evidence `files`,
//! and keeping score of what could not be read for the source status.

use crate::bounded::{self, Over, FILE_CAP};
use crate::evidence::{Evidence, SourceStatus};
use nix::errno::Errno;
use std::io;
use std::path::{Path, PathBuf};

/// How many unreadable files a detail names before it only counts.
const NAMED_LIMIT: usize = 5;

/// Reads `path` into `buf` (cleared first), at most [`FILE_CAP`] bytes.
/// Returns whether the file was longer. A cut file ends at its last
/// complete line, so no decoder sees half a line or half a character.
/// A FIFO or device planted in a captured tree is refused, never read.
pub fn read_capped(path: &Path, buf: &mut Vec<u8>) -> io::Result<bool> {
    let cut = bounded::read_into(path, FILE_CAP, Over::Cut, buf)?;
    if cut {
        if let Some(end) = buf.iter().rposition(|&b| b == b'\n') {
            buf.truncate(end + 1);
        }
    }
    Ok(cut)
}

/// What one source read and failed to read.
#[derive(Debug, Default)]
pub struct Tally {
    pub read: usize,
    /// Machine paths that do not exist.
    pub missing: Vec<String>,
    /// Machine paths that exist but could not be read, with the errno name.
    pub failed: Vec<(String, String)>,
    pub truncated: Vec<String>,
}

pub enum Fetched {
    Read,
    Missing,
    Failed,
}

impl Tally {
    pub fn fail(&mut self, path: &str, error: &io::Error) {
        self.failed.push((path.to_string(), errno_name(error)));
    }

    fn all_failures_denied(&self) -> bool {
        !self.failed.is_empty()
            && self
                .failed
                .iter()
                .all(|(_, e)| e == "EACCES" || e == "EPERM")
    }

    /// The status for this source. `missing_counts` says whether a missing
    /// file means a partial read (files every kernel has) or is normal
    /// (files that depend on the kernel version).
    pub fn status(&self, missing_counts: bool) -> SourceStatus {
        if self.read == 0 {
            if self.failed.is_empty() {
                SourceStatus::Absent
            } else if self.all_failures_denied() {
                SourceStatus::Denied
            } else {
                SourceStatus::Error
            }
        } else if !self.failed.is_empty()
            || !self.truncated.is_empty()
            || (missing_counts && !self.missing.is_empty())
        {
            SourceStatus::Partial
        } else {
            SourceStatus::Ok
        }
    }

    /// The problems, for a source detail: "unreadable: a (EACCES);
    /// truncated at 1 MiB: b". Empty when there were none.
    pub fn problems(&self, missing_counts: bool) -> String {
        let mut parts = Vec::new();
        if !self.failed.is_empty() {
            let named = self.failed.iter().map(|(p, e)| format!("{p} ({e})"));
            parts.push(format!(
                "unreadable: {}",
                name_some(named, self.failed.len())
            ));
        }
        if missing_counts && !self.missing.is_empty() {
            let named = self.missing.iter().map(|p| format!("{p} (ENOENT)"));
            parts.push(format!("missing: {}", name_some(named, self.missing.len())));
        }
        if !self.truncated.is_empty() {
            let named = self.truncated.iter().cloned();
            parts.push(format!(
                "truncated at 1 MiB: {}",
                name_some(named, self.truncated.len())
            ));
        }
        parts.join("; ")
    }
}

fn name_some(names: impl Iterator<Item = String>, total: usize) -> String {
    let mut text: Vec<String> = names.take(NAMED_LIMIT).collect::<Vec<_>>();
    if total > NAMED_LIMIT {
        text.push(format!("and {} more", total - NAMED_LIMIT));
    }
    text.join(", ")
}

pub fn errno_name(error: &io::Error) -> String {
    match error.raw_os_error() {
        Some(code) => format!("{:?}", Errno::from_raw(code)),
        // A refusal by the bounded reader carries its cause as text.
        None => error.to_string(),
    }
}

/// ENOTDIR too: in a captured tree a path component may be a plain file.
pub fn is_missing(error: &io::Error) -> bool {
    matches!(
        error.raw_os_error().map(Errno::from_raw),
        Some(Errno::ENOENT | Errno::ENOTDIR)
    )
}

pub fn is_denied(error: &io::Error) -> bool {
    matches!(
        error.raw_os_error().map(Errno::from_raw),
        Some(Errno::EACCES | Errno::EPERM)
    )
}

/// Files under one root, read into one Evidence with one reused buffer.
pub struct Reader<'a> {
    root: &'a Path,
    buf: Vec<u8>,
}

impl<'a> Reader<'a> {
    pub fn new(root: &'a Path) -> Self {
        Reader {
            root,
            buf: Vec::new(),
        }
    }

    pub fn root(&self) -> &Path {
        self.root
    }

    /// Where a machine path (`/proc/cpuinfo`) lives under the root.
    pub fn host_path(&self, machine_path: &str) -> PathBuf {
        self.root.join(machine_path.trim_start_matches('/'))
    }

    /// Reads one file into `evidence.files[machine_path]` and counts the
    /// outcome in `tally`.
    pub fn fetch(
        &mut self,
        evidence: &mut Evidence,
        tally: &mut Tally,
        machine_path: &str,
    ) -> Fetched {
        let path = self.host_path(machine_path);
        match read_capped(&path, &mut self.buf) {
            Ok(truncated) => {
                if truncated {
                    tally.truncated.push(machine_path.to_string());
                }
                tally.read += 1;
                let text = String::from_utf8_lossy(&self.buf).into_owned();
                evidence.files.insert(machine_path.to_string(), text);
                Fetched::Read
            }
            Err(e) if is_missing(&e) => {
                tally.missing.push(machine_path.to_string());
                Fetched::Missing
            }
            Err(e) => {
                tally.fail(machine_path, &e);
                Fetched::Failed
            }
        }
    }
}
