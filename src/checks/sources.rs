//! Whether the evidence a check reads was read, so that an empty fact
//! reads as "not looked at" rather than "nothing there".
//!
//! A check's `reads` is a list of groups. Each group is one thing the check
//! must know, and names the sources it can learn it from: any one of them
//! read (ok or partial) meets the group. The check can judge only when
//! every group is met. So `&[&[KernelLog, Xen]]` is "the kernel log or Xen's
//! console", and `&[&[Cpuid], &[Msr]]` is "CPUID and the MSRs".
//!
//! The framework can only turn a clear answer into an unknown one. A check
//! whose finding would be "there is none" (no disk, no network card) must
//! itself look whether the source was read before it says so.

use crate::evidence::SourceStatus;
use crate::facts::Facts;
use crate::model::SourceName;

/// The logs a check can find events in: the kernel log (Xen's console
/// imported with `--dmesg` is kept there too) or `xl dmesg` on a live dom0.
pub const LOGS: &[SourceName] = &[SourceName::KernelLog, SourceName::Xen];
/// Where the CPU's identity and features can be read from.
pub const CPU_IDENTITY: &[SourceName] =
    &[SourceName::Cpuid, SourceName::Smbios, SourceName::Procfs];

/// The source was read, wholly or in part.
pub fn read(facts: &Facts, name: SourceName) -> bool {
    facts.sources.iter().any(|s| {
        s.name == name.as_str() && matches!(s.status, SourceStatus::Ok | SourceStatus::Partial)
    })
}

/// `None` when every group is met; otherwise the reason, naming the
/// sources of the unmet groups ("no kernel log or … was read").
pub fn unread(facts: &Facts, groups: &[&[SourceName]]) -> Option<String> {
    let mut missing: Vec<SourceName> = Vec::new();
    for group in groups {
        if !group.iter().any(|&name| read(facts, name)) {
            for &name in *group {
                if !missing.contains(&name) {
                    missing.push(name);
                }
            }
        }
    }
    if missing.is_empty() {
        return None;
    }
    Some(format!("no {} was read", describe(&[&missing])))
}

/// The groups in words, for `xenready explain`: "CPUID, SMBIOS table or
/// /proc file; and MSR". Empty groups say the check needs nothing read.
pub fn describe(groups: &[&[SourceName]]) -> String {
    let group = |names: &[SourceName]| {
        let words: Vec<&str> = names.iter().map(|name| name.reading()).collect();
        match words.split_last() {
            Some((last, [])) => (*last).to_string(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        }
    };
    let groups: Vec<String> = groups.iter().map(|g| group(g)).collect();
    if groups.is_empty() {
        return "nothing beyond what the run always has".into();
    }
    groups.join("; and ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::SourceRecord;
    use SourceName::{Acpi, Cpuid, KernelLog, Msr, Xen};

    fn facts(sources: &[(SourceName, SourceStatus)]) -> Facts {
        Facts {
            sources: sources
                .iter()
                .map(|&(name, status)| SourceRecord {
                    name: name.as_str().into(),
                    status,
                    detail: String::new(),
                })
                .collect(),
            ..Facts::default()
        }
    }

    #[test]
    fn a_group_is_met_by_any_of_its_sources() {
        let log_only = facts(&[
            (KernelLog, SourceStatus::Partial),
            (Xen, SourceStatus::Absent),
        ]);
        assert_eq!(unread(&log_only, &[&[KernelLog, Xen]]), None);
    }

    #[test]
    fn every_group_must_be_met_and_the_reason_names_what_is_missing() {
        let cpuid_only = facts(&[(Cpuid, SourceStatus::Ok), (Msr, SourceStatus::Denied)]);
        assert_eq!(unread(&cpuid_only, &[&[Cpuid]]), None);
        assert_eq!(
            unread(&cpuid_only, &[&[Cpuid], &[Msr]]).as_deref(),
            Some("no MSR was read")
        );
        assert_eq!(
            unread(&cpuid_only, &[&[KernelLog, Xen], &[Acpi, KernelLog]]).as_deref(),
            Some("no kernel log, `xl` output or ACPI table list was read")
        );
    }

    #[test]
    fn a_source_never_recorded_is_missing() {
        assert_eq!(
            unread(&facts(&[]), &[&[KernelLog]]).as_deref(),
            Some("no kernel log was read")
        );
    }
}
