//! The kernel log: `/dev/kmsg` on a live scan, else syslog(2), else the
//! log files a distribution keeps (`/var/log/kern.log`, `/var/log/dmesg`).
//!
//! Source `kernel-log`. Memory is bounded: only the last [`LOG_CAP`] bytes
//! of a log are kept, and the Evidence says when it was cut. /dev/kmsg is
//! read non-blocking, record by record, until EAGAIN: a blocking read
//! waits forever at its end.

mod record;
mod syslog;

use crate::bounded::{self, Device, Kept, ReadError, Tail, LOG_CAP, READ_LIMIT};
use crate::evidence::{Evidence, LogText, SourceStatus};
use crate::model::SourceName;
use nix::errno::Errno;
use record::Records;
use std::io::{self, Read};
use std::path::Path;

const SOURCE: SourceName = SourceName::KernelLog;
const KMSG: &str = "/dev/kmsg";
const SYSLOG: &str = "syslog(2)";
/// Distribution log files, tried in this order under the root.
const LOG_FILES: [&str; 2] = ["/var/log/kern.log", "/var/log/dmesg"];

/// The largest record /dev/kmsg returns is about 8 KiB (a longer buffer
/// is fine; a shorter one gets EINVAL).
const RECORD_BUF: usize = 16 << 10;

pub fn collect(evidence: &mut Evidence, root: &Path) {
    let live = root == Path::new("/");
    let mut failures: Vec<(String, Failure)> = Vec::new();
    if live {
        match read_kmsg(Path::new(KMSG)) {
            Ok(kept) => return store(evidence, KMSG, kept, &failures),
            Err(e) => failures.push((KMSG.to_string(), e)),
        }
        match syslog::read_all() {
            Ok(kept) => return store(evidence, SYSLOG, kept, &failures),
            Err(e) => failures.push((SYSLOG.to_string(), Failure::Io(e))),
        }
    }
    for machine_path in LOG_FILES {
        let path = root.join(machine_path.trim_start_matches('/'));
        match bounded::read_log(&path) {
            Ok(kept) => return store(evidence, machine_path, kept, &failures),
            Err(e) if e.is_missing() => {}
            Err(e) => failures.push((machine_path.to_string(), Failure::Read(e))),
        }
    }
    let status = if failures.is_empty() {
        SourceStatus::Absent
    } else if failures.iter().all(|(_, e)| e.is_denied()) {
        SourceStatus::Denied
    } else {
        SourceStatus::Error
    };
    let detail = if failures.is_empty() {
        format!("no kernel log: {} not found", LOG_FILES.join(", "))
    } else {
        format!(
            "unreadable: {}{}",
            name_failures(&failures),
            root_hint(&failures)
        )
    };
    evidence.record(SOURCE, status, detail);
}

/// Why one way to the log failed: syslog(2) is a call, the rest are files.
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error("{0}")]
    Io(io::Error),
    #[error("{0}")]
    Read(ReadError),
}

impl Failure {
    fn is_denied(&self) -> bool {
        match self {
            Failure::Io(e) => matches!(errno(e), Some(Errno::EACCES | Errno::EPERM)),
            Failure::Read(e) => e.is_denied(),
        }
    }

    fn cause(&self) -> String {
        match self {
            Failure::Io(e) => match errno(e) {
                Some(code) => format!("{code:?}"),
                None => e.to_string(),
            },
            Failure::Read(e) => e.cause(),
        }
    }
}

fn store(evidence: &mut Evidence, source: &str, kept: Kept, failures: &[(String, Failure)]) {
    let lines = kept.text.lines().count();
    let mut detail = format!("read {lines} lines from {source}");
    if kept.truncated {
        detail.push_str(&format!(", kept its last {} MiB", LOG_CAP >> 20));
    }
    if !failures.is_empty() {
        detail.push_str(&format!(
            " (unreadable: {}{})",
            name_failures(failures),
            root_hint(failures)
        ));
    }
    let status = if kept.truncated {
        SourceStatus::Partial
    } else {
        SourceStatus::Ok
    };
    evidence.kernel_logs.push(LogText {
        source: source.to_string(),
        text: kept.text,
        truncated: kept.truncated,
        line_offset: kept.line_offset,
    });
    evidence.record(SOURCE, status, detail);
}

/// Reads a kmsg device (or a regular file standing in for it in a test)
/// without ever blocking.
fn read_kmsg(path: &Path) -> Result<Kept, Failure> {
    let mut file = bounded::open(path, Some(Device::Kmsg)).map_err(Failure::Read)?;
    let mut records = Records::default();
    let mut tail = Tail::new(LOG_CAP);
    let mut buf = vec![0u8; RECORD_BUF];
    let mut out = Vec::new();
    let mut total: u64 = 0;
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                out.clear();
                records.feed(buf.get(..n).unwrap_or_default(), &mut out);
                tail.push(&out);
                total += n as u64;
                if total >= READ_LIMIT {
                    tail.mark_truncated();
                    break;
                }
            }
            Err(e) => match e.raw_os_error().map(Errno::from_raw) {
                Some(Errno::EAGAIN) => break,
                Some(Errno::EINTR) => {}
                // The record was overwritten while we read; the next read
                // returns the oldest one still there.
                Some(Errno::EPIPE) => {}
                // Denied on the first read (dmesg_restrict): say so. Later
                // errors end the read with what was gathered.
                _ if total == 0 && tail.is_empty() => return Err(Failure::Io(e)),
                _ => {
                    tail.mark_truncated();
                    break;
                }
            },
        }
    }
    out.clear();
    records.finish(&mut out);
    tail.push(&out);
    Ok(tail.finish())
}

fn errno(e: &io::Error) -> Option<Errno> {
    e.raw_os_error().map(Errno::from_raw)
}

fn name_failures(failures: &[(String, Failure)]) -> String {
    failures
        .iter()
        .map(|(what, e)| format!("{what} ({})", e.cause()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn root_hint(failures: &[(String, Failure)]) -> &'static str {
    if failures.iter().any(|(_, e)| e.is_denied()) {
        "; run as root to read the kernel ring buffer"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests;
