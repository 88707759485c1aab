//! `--redact`: removes what identifies one machine (serial numbers, UUIDs,
//! MAC addresses, hostnames, asset tags) from the Evidence itself, so the
//! bundle and every report made from it are free of them.
//!
//! Everything is overwritten in place with filler of the same length
//! (`X`s; zeros for UUIDs): an SMBIOS table keeps its layout and still
//! decodes, and a log keeps its line and column positions. What was removed
//! is counted in `meta.redacted` and in a `redaction` source record, so a
//! report says that its missing serial is deliberate.

mod smbios;
#[cfg(test)]
mod tests;
mod text;

use crate::evidence::{Evidence, SourceStatus};
use crate::model::SourceName;

/// The kinds of identifier removed, in the order a summary names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Serial,
    Uuid,
    AssetTag,
    Mac,
    Hostname,
}

/// Singular and plural, in `Kind` order.
const WORDS: [(&str, &str); 5] = [
    ("serial number", "serial numbers"),
    ("UUID", "UUIDs"),
    ("asset tag", "asset tags"),
    ("MAC address", "MAC addresses"),
    ("hostname", "hostnames"),
];

/// Where an identifier was found, in the order a summary names them.
#[derive(Debug, Clone, Copy)]
pub enum Area {
    Smbios,
    DmidecodeText,
    Files,
    KernelLog,
    Xen,
    System,
}

const AREAS: [&str; 6] = [
    "smbios",
    "dmidecode text",
    "files",
    "kernel log",
    "xen",
    "system overview",
];

/// Counts per area and kind.
#[derive(Debug, Default)]
pub struct Tally {
    counts: [[usize; 5]; 6],
}

impl Tally {
    pub fn add(&mut self, area: Area, kind: Kind, n: usize) {
        // Both enums index arrays sized by their variant count.
        self.counts[area as usize][kind as usize] += n;
    }

    /// One line per area: "smbios: 3 serial numbers, 1 UUID". Built by
    /// hand rather than with `format!`: the static binary's budget.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for (area, counts) in AREAS.iter().zip(&self.counts) {
            let mut line = String::from(*area);
            let mut separator = ": ";
            for (n, (one, many)) in counts.iter().zip(WORDS) {
                if *n > 0 {
                    line.push_str(separator);
                    push_number(&mut line, *n);
                    line.push(' ');
                    line.push_str(if *n == 1 { one } else { many });
                    separator = ", ";
                }
            }
            if separator == ", " {
                lines.push(line);
            }
        }
        lines
    }
}

/// Decimal digits without `format!`, for the same budget.
fn push_number(line: &mut String, n: usize) {
    if n >= 10 {
        push_number(line, n / 10);
    }
    line.push(char::from(b'0' + (n % 10) as u8));
}

/// Identifiers found in one place that must also vanish from every other
/// text (a serial the kernel log repeats, a hostname in a syslog prefix).
#[derive(Debug, Default)]
pub struct Secrets {
    /// Distinct, in the order found. A handful per machine: a Vec is
    /// enough, and smaller in the binary than a set.
    pub values: Vec<(String, Kind)>,
}

impl Secrets {
    pub fn add(&mut self, value: &str, kind: Kind) {
        let value = value.trim();
        // Shorter words would be found inside unrelated text, and these
        // names identify nothing.
        let generic = matches!(
            value,
            "localhost" | "localhost.localdomain" | "(none)" | "(unknown)"
        );
        if value.len() >= 3
            && !generic
            && !crate::formats::smbios::strings::is_filler(value)
            && !is_unset(value)
            && !self.values.iter().any(|(v, _)| v == value)
        {
            self.values.push((value.to_string(), kind));
        }
    }
}

/// All zeros or all Fs (an unset UUID, an empty SPD serial): identifies
/// nothing, and zeros are what redaction itself writes.
pub fn is_unset(value: &str) -> bool {
    let mut digits = value.bytes().filter(|b| !matches!(b, b'-' | b':' | b' '));
    match digits.next() {
        Some(first @ (b'0' | b'F' | b'f')) => digits.all(|b| b.eq_ignore_ascii_case(&first)),
        _ => false,
    }
}

/// Redacts `evidence` in place and records what went, in `meta.redacted`
/// and in a `redaction` source record. Redacting twice is harmless.
pub fn redact(evidence: &mut Evidence) {
    let mut tally = Tally::default();
    let mut secrets = Secrets::default();
    if let Some(raw) = evidence.smbios.as_mut() {
        smbios::redact_table(&mut raw.table.0, &mut tally, &mut secrets);
    }
    if let Some(dmidecode) = evidence.dmidecode_text.as_ref() {
        text::identifiers_in(&dmidecode.text, &mut secrets);
    }
    text::identity_files(&mut evidence.files, &mut tally, &mut secrets);
    for log in &evidence.kernel_logs {
        text::identifiers_in(&log.text, &mut secrets);
    }
    if let Some(info) = evidence.xen.as_ref().and_then(|x| x.xl_info.as_deref()) {
        text::identifiers_in(info, &mut secrets);
    }
    if let Some(name) = evidence.system.as_ref().and_then(|s| s.hostname.as_deref()) {
        secrets.add(name, Kind::Hostname);
    }

    let (known, tally_ref) = (&secrets, &mut tally);
    if let Some(dmidecode) = evidence.dmidecode_text.as_mut() {
        text::scrub(&mut dmidecode.text, known, Area::DmidecodeText, tally_ref);
    }
    for value in evidence.files.values_mut() {
        text::scrub(value, known, Area::Files, tally_ref);
    }
    for log in &mut evidence.kernel_logs {
        text::scrub(&mut log.text, known, Area::KernelLog, tally_ref);
    }
    if let Some(xen) = evidence.xen.as_mut() {
        for value in [&mut xen.xl_info, &mut xen.xl_dmesg].into_iter().flatten() {
            text::scrub(value, known, Area::Xen, tally_ref);
        }
    }
    if let Some(name) = evidence.system.as_mut().and_then(|s| s.hostname.as_mut()) {
        text::scrub(name, known, Area::System, tally_ref);
    }

    let lines = tally.lines();
    // A second pass finds nothing; the first pass's account stays.
    if !lines.is_empty() {
        evidence.meta.redacted = lines;
    } else if evidence.meta.redacted.is_empty() {
        evidence.meta.redacted = vec!["nothing identifying found".into()];
    }
    let detail = evidence.meta.redacted.join("; ");
    evidence.record(SourceName::Redaction, SourceStatus::Ok, detail);
}
