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
use std::collections::BTreeSet;

/// The kinds of identifier removed, in the order a summary names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Serial,
    Uuid,
    AssetTag,
    Mac,
    Hostname,
}

impl Kind {
    fn words(self, count: usize) -> &'static str {
        let one = count == 1;
        match self {
            Kind::Serial if one => "serial number",
            Kind::Serial => "serial numbers",
            Kind::Uuid if one => "UUID",
            Kind::Uuid => "UUIDs",
            Kind::AssetTag if one => "asset tag",
            Kind::AssetTag => "asset tags",
            Kind::Mac if one => "MAC address",
            Kind::Mac => "MAC addresses",
            Kind::Hostname if one => "hostname",
            Kind::Hostname => "hostnames",
        }
    }
}

/// Counts per source ("smbios", "files", "kernel log" ...) and kind.
#[derive(Debug, Default)]
pub struct Tally {
    counts: Vec<(&'static str, Kind, usize)>,
}

impl Tally {
    pub fn add(&mut self, area: &'static str, kind: Kind, n: usize) {
        if n == 0 {
            return;
        }
        match self
            .counts
            .iter_mut()
            .find(|(a, k, _)| *a == area && *k == kind)
        {
            Some(entry) => entry.2 += n,
            None => self.counts.push((area, kind, n)),
        }
    }

    /// One line per source: "smbios: 3 serial numbers, 1 UUID".
    pub fn lines(&self) -> Vec<String> {
        let mut areas: Vec<&str> = Vec::new();
        for (area, _, _) in &self.counts {
            if !areas.contains(area) {
                areas.push(area);
            }
        }
        areas
            .into_iter()
            .map(|area| {
                let mut kinds: Vec<(Kind, usize)> = self
                    .counts
                    .iter()
                    .filter(|(a, _, _)| *a == area)
                    .map(|(_, k, n)| (*k, *n))
                    .collect();
                kinds.sort();
                let parts: Vec<String> = kinds
                    .iter()
                    .map(|(k, n)| format!("{n} {}", k.words(*n)))
                    .collect();
                format!("{area}: {}", parts.join(", "))
            })
            .collect()
    }
}

/// Identifiers found in one place that must also vanish from every other
/// text (a serial the kernel log repeats, a hostname in a syslog prefix).
#[derive(Debug, Default)]
pub struct Secrets {
    pub values: BTreeSet<(String, Kind)>,
}

impl Secrets {
    pub fn add(&mut self, value: &str, kind: Kind) {
        let value = value.trim();
        // Shorter words would be found inside unrelated text, and these
        // names identify nothing.
        let generic = ["localhost", "localhost.localdomain", "(none)", "(unknown)"];
        if value.len() >= 3
            && !generic.contains(&value)
            && !crate::decode::smbios::strings::is_filler(value)
            && !is_unset(value)
        {
            self.values.insert((value.to_string(), kind));
        }
    }
}

/// All zeros or all Fs (an unset UUID, an empty SPD serial): identifies
/// nothing, and zeros are what redaction itself writes.
pub fn is_unset(value: &str) -> bool {
    let digits = || value.chars().filter(|c| !matches!(c, '-' | ':' | ' '));
    digits().next().is_some()
        && (digits().all(|c| c == '0') || digits().all(|c| c == 'F' || c == 'f'))
}

const NOTHING: &str = "nothing identifying found";

/// Redacts `evidence` in place and records what went, in `meta.redacted`
/// and in a `redaction` source record. Redacting twice is harmless.
pub fn redact(evidence: &mut Evidence) {
    let mut tally = Tally::default();
    let mut secrets = Secrets::default();
    if let Some(raw) = evidence.smbios.as_mut() {
        smbios::redact_table(&mut raw.table.0, &mut tally, &mut secrets);
    }
    if let Some(dmidecode) = evidence.dmidecode_text.as_mut() {
        dmidecode.text = text::redact_dmidecode(&dmidecode.text, &mut tally, &mut secrets);
    }
    text::identity_files(&mut evidence.files, &mut tally, &mut secrets);
    for log in &evidence.kernel_logs {
        text::hostnames_in_log(&log.text, &mut secrets);
    }
    if let Some(info) = evidence.xen.as_ref().and_then(|x| x.xl_info.as_deref()) {
        text::hostname_in_xl_info(info, &mut secrets);
    }

    let mut scrub = |area: &'static str, value: &mut String| {
        *value = text::scrub(value, &secrets, area, &mut tally);
    };
    if let Some(dmidecode) = evidence.dmidecode_text.as_mut() {
        scrub("dmidecode text", &mut dmidecode.text);
    }
    for value in evidence.files.values_mut() {
        scrub("files", value);
    }
    for log in &mut evidence.kernel_logs {
        scrub("kernel log", &mut log.text);
    }
    if let Some(xen) = evidence.xen.as_mut() {
        for value in [xen.xl_info.as_mut(), xen.xl_dmesg.as_mut()]
            .into_iter()
            .flatten()
        {
            scrub("xen", value);
        }
    }
    for record in &mut evidence.sources {
        scrub("source details", &mut record.detail);
    }

    let lines = tally.lines();
    // A second pass finds nothing; the first pass's account stays.
    if !lines.is_empty() || evidence.meta.redacted.is_empty() {
        evidence.meta.redacted = if lines.is_empty() {
            vec![NOTHING.into()]
        } else {
            lines
        };
    }
    let detail = match evidence.meta.redacted.as_slice() {
        [only] if only == NOTHING => NOTHING.to_string(),
        lines => format!("removed {}", lines.join("; ")),
    };
    evidence.record("redaction", SourceStatus::Ok, detail);
}
