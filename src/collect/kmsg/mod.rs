//! The kernel log: `/dev/kmsg` on a live scan, else syslog(2), else the
//! log files a distribution keeps (`/var/log/kern.log`, `/var/log/dmesg`).
//!
//! Source `kernel-log`. Memory is bounded: only the last [`LOG_CAP`] bytes
//! of a log are kept, and the Evidence says when it was cut. /dev/kmsg is
//! read non-blocking, record by record, until EAGAIN: a blocking read
//! waits forever at its end.

mod record;
mod syslog;
mod tail;

pub use tail::{read_tail, Kept, LOG_CAP};

use crate::evidence::{Evidence, LogText, SourceStatus};
use crate::model::SourceName;
use nix::errno::Errno;
use record::Records;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use tail::{Tail, READ_LIMIT};

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
    let mut failures: Vec<(String, io::Error)> = Vec::new();
    if live {
        match read_kmsg(Path::new(KMSG)) {
            Ok(kept) => return store(evidence, KMSG, kept, &failures),
            Err(e) => failures.push((KMSG.to_string(), e)),
        }
        match syslog::read_all() {
            Ok(kept) => return store(evidence, SYSLOG, kept, &failures),
            Err(e) => failures.push((SYSLOG.to_string(), e)),
        }
    }
    for machine_path in LOG_FILES {
        let path = root.join(machine_path.trim_start_matches('/'));
        match read_log_file(&path) {
            Ok(kept) => return store(evidence, machine_path, kept, &failures),
            Err(e) if is_missing(&e) => {}
            Err(e) => failures.push((machine_path.to_string(), e)),
        }
    }
    let status = if failures.is_empty() {
        SourceStatus::Absent
    } else if failures.iter().all(|(_, e)| is_denied(e)) {
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

fn store(evidence: &mut Evidence, source: &str, kept: Kept, failures: &[(String, io::Error)]) {
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

/// Reads a kmsg device (or whatever stands in for it in a test: a FIFO, a
/// regular file) without ever blocking.
pub fn read_kmsg(path: &Path) -> io::Result<Kept> {
    let mut file = open_nonblocking(path)?;
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
                _ if total == 0 && tail.is_empty() => return Err(e),
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

/// A log file, or anything named like one, keeping its last [`LOG_CAP`]
/// bytes. Regular files up to [`READ_LIMIT`] are read whole so that the
/// dropped lines can be counted; a larger one is read from LOG_CAP before
/// its end, and its lines then count from there. Streams stop at
/// READ_LIMIT.
pub fn read_log_file(path: &Path) -> io::Result<Kept> {
    let mut file = open_nonblocking(path)?;
    let meta = file.metadata()?;
    if meta.is_dir() {
        return Err(io::Error::from_raw_os_error(Errno::EISDIR as i32));
    }
    if meta.is_file() && meta.len() > READ_LIMIT {
        file.seek(SeekFrom::Start(meta.len() - LOG_CAP as u64))?;
        let mut kept = read_tail(file, LOG_CAP)?;
        // The seek landed mid-line: drop the partial first line.
        let first_line = kept.text.find('\n').map_or(0, |p| p + 1);
        kept.text.drain(..first_line);
        kept.truncated = true;
        return Ok(kept);
    }
    read_tail(file, LOG_CAP)
}

/// O_NONBLOCK so that a FIFO or device planted in a captured tree cannot
/// hang the scan; regular files ignore the flag.
fn open_nonblocking(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags(nix::fcntl::OFlag::O_NONBLOCK.bits())
        .open(path)
}

fn errno(e: &io::Error) -> Option<Errno> {
    e.raw_os_error().map(Errno::from_raw)
}

fn is_missing(e: &io::Error) -> bool {
    matches!(errno(e), Some(Errno::ENOENT | Errno::ENOTDIR))
}

fn is_denied(e: &io::Error) -> bool {
    matches!(errno(e), Some(Errno::EACCES | Errno::EPERM))
}

fn name_failures(failures: &[(String, io::Error)]) -> String {
    failures
        .iter()
        .map(|(what, e)| match errno(e) {
            Some(code) => format!("{what} ({code:?})"),
            None => format!("{what} ({e})"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn root_hint(failures: &[(String, io::Error)]) -> &'static str {
    if failures.iter().any(|(_, e)| is_denied(e)) {
        "; run as root to read the kernel ring buffer"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests;
