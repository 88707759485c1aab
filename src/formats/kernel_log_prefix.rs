//! Splitting a log line into its prefix (timestamp, syslog host and tag,
//! Xen's `(XEN)` marker) and the kernel's message.
//!
//! One decoder reads every format the importer accepts, line by line, so
//! a line keeps its number in the original file: plain `dmesg`
//! (`[    0.287455] msg`, or no timestamp at all on old kernels),
//! `dmesg -T` (`[Mon Jan  2 10:00:00 2023] msg`), `dmesg --time-format
//! iso`, syslog and `journalctl -k` (`Jan  5 10:00:00 host kernel: msg`,
//! ISO 8601 stamps, with or without a `[ ts]` after the tag; the wall
//! clock is kept as the timestamp then), the raw
//! `syslog(2)` form with `<6>` priorities, and `xl dmesg` (`(XEN) msg`).

/// Who wrote the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writer {
    Linux,
    Xen,
    /// Not a kernel line: another syslog program, a guest's console in
    /// `xl dmesg`, a journal marker. Never matched.
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record<'a> {
    pub timestamp: Option<&'a str>,
    pub writer: Writer,
    /// The message, prefix removed; leading blanks of a continuation line
    /// are kept.
    pub message: &'a str,
}

/// `xen_console`: the whole log is Xen's console, so a line without the
/// `(XEN)` marker is still Xen's (a continuation).
pub fn parse(line: &str, xen_console: bool) -> Record<'_> {
    let mut rest = line.trim_end_matches('\r');
    let mut timestamp = None;
    if rest.starts_with("-- ") {
        return other(rest);
    }
    match syslog_prefix(rest) {
        Some(Syslog::Kernel { stamp, message }) => {
            timestamp = Some(stamp);
            rest = message;
        }
        Some(Syslog::OtherProgram) => return other(rest),
        Some(Syslog::Dmesg { stamp, message }) => {
            timestamp = Some(stamp);
            rest = message;
        }
        None => {}
    }
    rest = strip_priority(rest);
    if let Some((stamp, message)) = bracket_stamp(rest) {
        // syslog's wall clock says more than seconds since some boot.
        timestamp = timestamp.or(Some(stamp));
        rest = message;
        // journalctl -o short-monotonic: "[ ts] host kernel: msg".
        if let Some(message) = host_and_kernel_tag(rest) {
            rest = message;
        }
    }
    let mut writer = if xen_console {
        Writer::Xen
    } else {
        Writer::Linux
    };
    if let Some(message) = rest.strip_prefix("(XEN)") {
        writer = Writer::Xen;
        rest = message.strip_prefix(' ').unwrap_or(message);
        if let Some((stamp, message)) = bracket_stamp(rest) {
            timestamp = Some(stamp);
            rest = message;
        }
    } else if is_guest_console(rest) {
        return other(rest);
    }
    Record {
        timestamp,
        writer,
        message: rest,
    }
}

/// Splits a line where a record was glued onto the previous one without
/// its newline (`...available<6>[   26.088056] floppy0: ...`, seen in real
/// logs). The first part is the line as far as the glue.
pub fn split_glued(line: &str) -> impl Iterator<Item = &str> {
    let bytes = line.as_bytes();
    let mut cuts: Vec<usize> = Vec::new();
    if line.contains(">[") {
        for (at, _) in line.match_indices('<') {
            if at > 0
                && priority_len(bytes.get(at..).unwrap_or_default())
                    .is_some_and(|n| bytes.get(at + n) == Some(&b'['))
            {
                cuts.push(at);
            }
        }
    }
    let mut starts = vec![0];
    starts.extend(cuts.iter().copied());
    let mut ends = cuts;
    ends.push(line.len());
    starts
        .into_iter()
        .zip(ends)
        .filter_map(move |(start, end)| line.get(start..end))
}

fn other(message: &str) -> Record<'_> {
    Record {
        timestamp: None,
        writer: Writer::Other,
        message,
    }
}

enum Syslog<'a> {
    Kernel {
        stamp: &'a str,
        message: &'a str,
    },
    OtherProgram,
    /// `dmesg --time-format iso`: a stamp, no host.
    Dmesg {
        stamp: &'a str,
        message: &'a str,
    },
}

fn syslog_prefix(line: &str) -> Option<Syslog<'_>> {
    let (stamp, after) = classic_stamp(line).or_else(|| iso_stamp(line))?;
    let iso = !is_classic(line);
    let mut words = after.splitn(3, ' ');
    let host = words.next().unwrap_or_default();
    let tag = words.next().unwrap_or_default();
    let message = words.next().unwrap_or_default();
    if !host.is_empty() && tag == "kernel:" {
        return Some(Syslog::Kernel { stamp, message });
    }
    if !host.is_empty() && is_program_tag(tag) {
        return Some(Syslog::OtherProgram);
    }
    if iso {
        return Some(Syslog::Dmesg {
            stamp,
            message: after,
        });
    }
    // A classic stamp without host and tag is no syslog line we know.
    None
}

/// `Jan  5 10:00:00 ` → ("Jan  5 10:00:00", rest).
fn classic_stamp(line: &str) -> Option<(&str, &str)> {
    if !is_classic(line) {
        return None;
    }
    Some((line.get(..15)?, line.get(16..)?))
}

fn is_classic(line: &str) -> bool {
    let b = line.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let is = |i: usize, c: u8| b.get(i) == Some(&c);
    b.len() > 16
        && b.first().is_some_and(u8::is_ascii_uppercase)
        && b.get(1..3)
            .is_some_and(|m| m.iter().all(u8::is_ascii_lowercase))
        && is(3, b' ')
        && (digit(4) || is(4, b' '))
        && digit(5)
        && is(6, b' ')
        && digit(7)
        && digit(8)
        && is(9, b':')
        && digit(10)
        && digit(11)
        && is(12, b':')
        && digit(13)
        && digit(14)
        && is(15, b' ')
}

/// `2023-01-05T10:00:00.123456+01:00 ` → (stamp, rest).
fn iso_stamp(line: &str) -> Option<(&str, &str)> {
    let b = line.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let is = |i: usize, c: u8| b.get(i) == Some(&c);
    let shape = digits(0..4)
        && is(4, b'-')
        && digits(5..7)
        && is(7, b'-')
        && digits(8..10)
        && is(10, b'T')
        && digits(11..13)
        && is(13, b':');
    if !shape {
        return None;
    }
    let (stamp, rest) = line.split_once(' ')?;
    Some((stamp, rest))
}

/// `kernel:`-like: a program name with an optional `[pid]`, then `:`.
fn is_program_tag(tag: &str) -> bool {
    let Some(name) = tag.strip_suffix(':') else {
        return false;
    };
    let name = match name.split_once('[') {
        Some((n, pid)) if pid.ends_with(']') => n,
        Some(_) => return false,
        None => name,
    };
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '@'))
}

fn host_and_kernel_tag(rest: &str) -> Option<&str> {
    let (host, after) = rest.split_once(' ')?;
    let message = after.strip_prefix("kernel: ")?;
    (!host.is_empty() && !host.contains(':')).then_some(message)
}

/// `<6>` and friends, as syslog(2) and /dev/kmsg-era tools print them.
fn strip_priority(line: &str) -> &str {
    match priority_len(line.as_bytes()) {
        Some(n) => line.get(n..).unwrap_or(line),
        None => line,
    }
}

/// Length of a `<d>`, `<dd>` or `<ddd>` at the start.
fn priority_len(b: &[u8]) -> Option<usize> {
    if b.first() != Some(&b'<') {
        return None;
    }
    let digits = b.iter().skip(1).take_while(|c| c.is_ascii_digit()).count();
    ((1..=3).contains(&digits) && b.get(1 + digits) == Some(&b'>')).then_some(digits + 2)
}

/// `[    0.287455] msg`, `[Mon Jan  2 10:00:00 2023] msg`, `[  +0.000012]`.
/// A bracket that is part of the message (`[Firmware Bug]: ...`,
/// `[VT-D]Disabling ...`) has no digits or no separators and stays.
fn bracket_stamp(line: &str) -> Option<(&str, &str)> {
    let inner_and_rest = line.strip_prefix('[')?;
    let close = inner_and_rest.bytes().take(48).position(|b| b == b']')?;
    let inner = inner_and_rest.get(..close)?;
    let rest = inner_and_rest.get(close + 1..)?;
    let stamp = inner.trim();
    if !looks_like_time(stamp) {
        return None;
    }
    Some((stamp, rest.strip_prefix(' ').unwrap_or(rest)))
}

fn looks_like_time(stamp: &str) -> bool {
    let has_digit = stamp.chars().any(|c| c.is_ascii_digit());
    let seconds = stamp
        .trim_start_matches('+')
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.');
    let clock = stamp.contains(':')
        && stamp
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | ':' | '.' | ',' | '+' | '-'));
    has_digit && (seconds || clock)
}

/// `(d1) ...`: a guest's console output relayed by Xen.
fn is_guest_console(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("(d") else {
        return false;
    };
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    digits > 0
        && rest
            .get(digits..)
            .is_some_and(|r| r.starts_with(')') || r.starts_with('v'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(line: &str) -> (Option<&str>, Writer, &str) {
        let r = parse(line, false);
        (r.timestamp, r.writer, r.message)
    }

    #[test]
    fn dmesg_forms() {
        assert_eq!(
            msg("[    0.287455] x86/cpu: VMX (outside TXT) disabled by BIOS"),
            (
                Some("0.287455"),
                Writer::Linux,
                "x86/cpu: VMX (outside TXT) disabled by BIOS"
            )
        );
        assert_eq!(
            msg("[Mon Jan  2 10:00:00 2023] kvm: disabled by bios"),
            (
                Some("Mon Jan  2 10:00:00 2023"),
                Writer::Linux,
                "kvm: disabled by bios"
            )
        );
        assert_eq!(
            msg("2023-01-02T10:00:00,123456+01:00 kvm: disabled by bios"),
            (
                Some("2023-01-02T10:00:00,123456+01:00"),
                Writer::Linux,
                "kvm: disabled by bios"
            )
        );
        // Untimestamped 2.6 kernels, and brackets that belong to the message.
        assert_eq!(
            msg("[Firmware Bug]: No valid trip found"),
            (None, Writer::Linux, "[Firmware Bug]: No valid trip found")
        );
        assert_eq!(msg("<6>[   26.088056] floppy0: x").2, "floppy0: x");
    }

    #[test]
    fn syslog_and_journal_forms() {
        assert_eq!(
            msg("Jan  5 10:00:00 host1 kernel: [ 12.5] NMI: IOCK error"),
            (Some("Jan  5 10:00:00"), Writer::Linux, "NMI: IOCK error")
        );
        assert_eq!(
            msg("Jan 15 10:00:00 host1 kernel: kvm: disabled by bios"),
            (
                Some("Jan 15 10:00:00"),
                Writer::Linux,
                "kvm: disabled by bios"
            )
        );
        assert_eq!(
            msg("2023-01-05T10:00:00.123+0100 host1 kernel: mce: [Hardware Error]: x"),
            (
                Some("2023-01-05T10:00:00.123+0100"),
                Writer::Linux,
                "mce: [Hardware Error]: x"
            )
        );
        assert_eq!(
            msg("Jan  5 10:00:00 host1 sshd[812]: kvm: disabled by bios").1,
            Writer::Other
        );
        assert_eq!(msg("-- Logs begin at Mon 2023-01-02 --").1, Writer::Other);
        assert_eq!(
            msg("[    0.000000] host1 kernel: Linux version 5.4"),
            (Some("0.000000"), Writer::Linux, "Linux version 5.4")
        );
    }

    #[test]
    fn xen_console_forms() {
        assert_eq!(
            msg("(XEN) HVM: Hardware Assisted Paging (HAP) detected"),
            (
                None,
                Writer::Xen,
                "HVM: Hardware Assisted Paging (HAP) detected"
            )
        );
        assert_eq!(
            msg("(XEN) [2023-01-01 10:00:00] FATAL TRAP: vec 2, NMI[0000]"),
            (
                Some("2023-01-01 10:00:00"),
                Writer::Xen,
                "FATAL TRAP: vec 2, NMI[0000]"
            )
        );
        assert_eq!(
            msg("(XEN) [VT-D]Disabling IOMMU"),
            (None, Writer::Xen, "[VT-D]Disabling IOMMU")
        );
        assert_eq!(msg("(d1) kvm: disabled by bios").1, Writer::Other);
        assert_eq!(parse("continued text", true).writer, Writer::Xen);
    }

    #[test]
    fn glued_records_are_split() {
        let parts: Vec<&str> = split_glued(
            "[   24.1] intel_powerclamp: No package C-state available<6>[   26.0] floppy0: none",
        )
        .collect();
        assert_eq!(
            parts,
            vec![
                "[   24.1] intel_powerclamp: No package C-state available",
                "<6>[   26.0] floppy0: none"
            ]
        );
        assert_eq!(split_glued("<6>[ 1.0] a").count(), 1);
        assert_eq!(split_glued("a <b>[c] d").count(), 1);
    }

    #[test]
    fn every_prefix_of_odd_lines_parses() {
        for line in [
            "Jan  5 10:00:00 host kernel: [ 12.5] x",
            "2023-01-05T10:00:00 h kernel: y",
            "(XEN) [2023-01-01 10:00:00] z",
            "<12>[ 1.0] é€ (d12) [x:1]",
        ] {
            for end in 0..=line.len() {
                if let Some(part) = line.get(..end) {
                    let _ = parse(part, false);
                    let _ = split_glued(part).count();
                }
            }
        }
    }
}
