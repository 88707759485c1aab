//! Checks: pure functions of Facts, the assessment and the knowledge base.
//!
//! Each check lives in its own file and declares a `CHECK` with a stable
//! kebab-case id (never reused), a default severity, a title and its
//! documentation. Its `run` returns what it found on this machine; the
//! framework adds the id, the title and the severity graded for the target.

mod cpu_not_64bit;
mod cpus_missing;
mod disk_below_minimum;
mod hap_unsupported;
mod hvm_disabled_in_firmware;
mod hvm_unsupported;
mod iommu_absent;
mod iommu_disabled;
mod iommu_firmware_bug;
mod iommu_interrupt_remapping_unavailable;
mod log_lines;
mod machine_check_errors;
mod memory_below_minimum;
mod memory_errors;
mod memory_errors_corrected;
mod memory_errors_uncorrected;
mod msr_inconsistent_across_cpus;
mod network_link_down;
mod nmi;
mod nmi_errors_logged;
mod nmi_panic_logged;
mod no_network_interface;
mod nx_disabled_in_firmware;
mod nx_unavailable;
pub mod remedy;
mod running_in_vm;
mod smt_disabled;
mod sources;
mod unrestricted_guest_unsupported;
mod xen_boot_option_unknown;
mod xen_cmdline;
mod xen_dom0;
mod xen_nmi_policy;

#[cfg(test)]
mod firmware_tests;
#[cfg(test)]
pub(crate) mod testing;

use crate::assess::Assessment;
use crate::facts::Facts;
use crate::knowledge::{Knowledge, Setting, Target};
use crate::model::{Finding, Severity};

/// Everything a check may read.
pub struct Context<'a> {
    pub facts: &'a Facts,
    pub assessment: &'a Assessment,
    pub knowledge: &'a Knowledge,
    pub target: &'a Target,
}

/// What a check found, before the framework names and grades it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Hit {
    pub detail: String,
    pub evidence: Vec<String>,
    pub remedy: Vec<String>,
}

/// A check's documentation, printed by `xenready explain ID`.
pub struct Doc {
    /// What it does.
    pub what: &'static str,
    /// Why it matters for Xen.
    pub why: &'static str,
    /// The evidence it reads.
    pub evidence: &'static str,
    /// How to fix what it finds.
    pub fix: &'static str,
}

pub struct Check {
    pub id: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    pub doc: Doc,
    /// The firmware settings its advice names: `xenready explain` prints
    /// their vendor tables, and `remedy::firmware` is called for no other.
    pub settings: &'static [Setting],
    pub run: fn(&Context) -> Vec<Hit>,
}

/// Every check, in report order.
pub static ALL: &[&Check] = &[
    &cpu_not_64bit::CHECK,
    &hvm_unsupported::CHECK,
    &hvm_disabled_in_firmware::CHECK,
    &hap_unsupported::CHECK,
    &nx_unavailable::CHECK,
    &nx_disabled_in_firmware::CHECK,
    &unrestricted_guest_unsupported::CHECK,
    &iommu_absent::CHECK,
    &iommu_disabled::CHECK,
    &iommu_interrupt_remapping_unavailable::CHECK,
    &iommu_firmware_bug::CHECK,
    &msr_inconsistent_across_cpus::CHECK,
    &smt_disabled::CHECK,
    &cpus_missing::CHECK,
    &memory_below_minimum::CHECK,
    &disk_below_minimum::CHECK,
    &no_network_interface::CHECK,
    &network_link_down::CHECK,
    &running_in_vm::CHECK,
    &xen_dom0::CHECK,
    &nmi_panic_logged::CHECK,
    &xen_nmi_policy::CHECK,
    &nmi_errors_logged::CHECK,
    &memory_errors_uncorrected::CHECK,
    &machine_check_errors::CHECK,
    &memory_errors_corrected::CHECK,
    &xen_boot_option_unknown::CHECK,
];

pub fn find(id: &str) -> Option<&'static Check> {
    ALL.iter().copied().find(|c| c.id == id)
}

/// Runs every check for one target; findings come out worst first, then in
/// check order. Checks are pure and cheap, so running them once per target
/// (for the target matrix) costs nothing worth a second code path.
pub fn run_all(context: &Context) -> Vec<Finding> {
    let mut findings: Vec<Finding> = ALL
        .iter()
        .flat_map(|check| {
            let severity = context.target.grade(check.id, check.severity);
            (check.run)(context).into_iter().map(move |hit| Finding {
                id: check.id.to_string(),
                severity,
                title: check.title.to_string(),
                detail: hit.detail,
                evidence: hit.evidence,
                remedy: hit.remedy,
            })
        })
        .collect();
    findings.sort_by_key(|f| f.severity);
    findings
}

#[cfg(test)]
mod devices_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn ids_are_unique_kebab_case_and_documented() {
        let mut seen = BTreeSet::new();
        for check in ALL {
            assert!(seen.insert(check.id), "{} repeats", check.id);
            assert!(
                check
                    .id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{} is not kebab-case",
                check.id
            );
            for text in [
                check.doc.what,
                check.doc.why,
                check.doc.evidence,
                check.doc.fix,
            ] {
                assert!(text.len() > 20, "{} has a thin doc section", check.id);
            }
        }
    }
}
