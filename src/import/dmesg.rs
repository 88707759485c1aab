//! `--dmesg FILE`: a kernel log saved on another machine (`dmesg`,
//! `dmesg -T`, `journalctl -k`, syslog's kern.log) or Xen's console
//! (`xl dmesg`), stored as it is, bounded to its last 16 MiB. The decoder
//! reads every one of these forms line by line, so events keep the line
//! numbers of the file.

use super::{note_import, ImportError, ParseError};
use crate::bounded::{self, LOG_CAP};
use crate::evidence::{Evidence, LogText, SourceStatus};
use crate::model::SourceName;
use std::path::Path;

const SOURCE: SourceName = SourceName::KernelLog;
/// Lines looked at to name the format.
const SNIFF_LINES: usize = 200;

pub fn dmesg_file(evidence: &mut Evidence, path: &Path) -> Result<(), ImportError> {
    let kept = bounded::read_log(path)?;
    check_text(&kept.text).map_err(|e| e.in_file(path))?;
    let format = format_of(&kept.text);
    let lines = kept.text.lines().count();
    let detail = if kept.truncated {
        format!(
            "imported {} ({format}; only its last {} MiB, {lines} lines from line {}, kept)",
            path.display(),
            LOG_CAP >> 20,
            kept.line_offset + 1
        )
    } else {
        format!("imported {} ({format}, {lines} lines)", path.display())
    };
    let mut detail = detail;
    let mut status = if kept.truncated {
        SourceStatus::Partial
    } else {
        SourceStatus::Ok
    };
    // Several --dmesg files: one record naming them all.
    if let Some(earlier) = evidence
        .source(SOURCE)
        .filter(|_| !evidence.kernel_logs.is_empty())
    {
        detail = format!("{}; {detail}", earlier.detail);
        status = status.max(earlier.status);
    }
    evidence.kernel_logs.push(LogText {
        source: format!("import: {}", path.display()),
        text: kept.text,
        truncated: kept.truncated,
        line_offset: kept.line_offset,
    });
    evidence.record(SOURCE, status, detail);
    note_import(evidence, path);
    Ok(())
}

/// Refuses what is plainly no text log (a binary, an empty file) rather
/// than reporting "no events" for it.
fn check_text(text: &str) -> Result<(), ParseError> {
    if text.trim().is_empty() {
        return Err(ParseError::whole("empty: not a kernel log"));
    }
    let (mut seen, mut odd) = (0usize, 0usize);
    for c in text.chars().take(64 << 10) {
        seen += 1;
        if c == '\u{FFFD}' || (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
            odd += 1;
        }
    }
    if odd * 20 > seen {
        return Err(ParseError::whole(
            "binary data: not a kernel log (dmesg, journalctl -k, kern.log or xl dmesg text)",
        ));
    }
    Ok(())
}

/// A name for the detail; the decoder does not depend on it.
pub fn format_of(text: &str) -> &'static str {
    let mut counts = [0usize; 5];
    for line in text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(SNIFF_LINES)
    {
        let index = if line.starts_with("(XEN)") {
            0
        } else if line.contains(" kernel: ") {
            1
        } else if line.starts_with('[')
            && line
                .get(1..4)
                .is_some_and(|d| d.chars().all(|c| c.is_ascii_alphabetic()))
        {
            2
        } else if line.starts_with('[') || line.starts_with("<") {
            3
        } else {
            4
        };
        if let Some(c) = counts.get_mut(index) {
            *c += 1;
        }
    }
    let best = counts
        .iter()
        .enumerate()
        .max_by_key(|&(i, c)| (*c, std::cmp::Reverse(i)))
        .map_or(4, |(i, _)| i);
    match best {
        0 => "xl dmesg",
        1 => "syslog or journalctl -k",
        2 => "dmesg -T",
        3 => "dmesg",
        _ => "dmesg without timestamps",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::procfs::scratch::ScratchDir;
    use crate::evidence::Origin;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/dmesg/linuxhw");

    #[test]
    fn imports_a_real_dmesg_whole() {
        let path = Path::new(FIXTURES)
            .join("Dell_PowerEdge_2950_C63204CC3467.ubuntu-16.04_4.4.0-194.dmesg");
        let mut evidence = Evidence::new(Origin::Import);
        let imported = dmesg_file(&mut evidence, &path);
        assert!(imported.is_ok(), "{imported:?}");
        let log = evidence.kernel_logs.first().cloned().unwrap_or_default();
        assert_eq!(log.source, format!("import: {}", path.display()));
        assert_eq!(log.text.lines().count(), 914);
        assert!(!log.truncated);
        let record = evidence.source(SOURCE).cloned();
        assert_eq!(record.as_ref().map(|r| r.status), Some(SourceStatus::Ok));
        assert!(record.is_some_and(|r| r.detail.contains("(dmesg, 914 lines)")));
    }

    #[test]
    fn formats_are_named() {
        assert_eq!(format_of("(XEN) Xen version 4.4\n(XEN) x\n"), "xl dmesg");
        assert_eq!(
            format_of("Jan  5 10:00:00 h kernel: x\n"),
            "syslog or journalctl -k"
        );
        assert_eq!(format_of("[Mon Jan  2 10:00:00 2023] x\n"), "dmesg -T");
        assert_eq!(format_of("[    0.000000] x\n"), "dmesg");
        assert_eq!(
            format_of("Initializing cgroup subsys cpuset\n"),
            "dmesg without timestamps"
        );
    }

    #[test]
    fn binary_and_empty_files_are_refused_by_name() {
        let dir = ScratchDir::new("import-dmesg");
        for (name, bytes) in [
            ("empty.log", &b"\n\n"[..]),
            ("bin.log", &[0u8, 1, 2, 3, 0xff, 0xfe, 0, 0][..]),
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{e}"));
            let mut evidence = Evidence::new(Origin::Import);
            let err = dmesg_file(&mut evidence, &path).err();
            assert!(
                matches!(err, Some(ImportError::Parse { .. })),
                "{name}: {err:?}"
            );
            assert!(evidence.kernel_logs.is_empty());
        }
    }
}
