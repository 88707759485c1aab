//! Checks: pure functions of Facts, the assessment and the knowledge base.
//!
//! Each check lives in its own file and declares a `CHECK` with a stable
//! kebab-case id (never reused), a default severity, a title and its
//! documentation, and names the sources it reads. Its `run` returns an
//! `Outcome` (clear, unknown, found); the framework settles a clear answer
//! against the sources (`sources.rs` has the rule), then adds the id, the
//! title and the severity graded for the target to each hit.

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
mod network;
mod network_link_down;
mod nmi;
mod nmi_errors_logged;
mod nmi_panic_logged;
mod no_network_interface;
mod nx_disabled_in_firmware;
mod nx_unavailable;
mod outcome;
pub mod remedy;
mod running_in_vm;
mod smt_disabled;
pub mod sources;
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
use crate::model::{CheckId, CheckResult, Finding, OutcomeKind, Severity, SourceName};

pub use outcome::Outcome;

/// Version of `xenready checks --format json` (docs/schema/checks.json).
pub const LIST_SCHEMA_VERSION: u32 = 1;

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
    pub id: CheckId,
    pub severity: Severity,
    /// The problem, as a finding's headline.
    pub title: &'static str,
    /// What is looked at, neutral, for the check list (`[✓] 64-bit CPU`):
    /// the title states the problem and would read wrong beside a tick.
    pub subject: &'static str,
    pub doc: Doc,
    /// The firmware settings its advice names: `xenready explain` prints
    /// their vendor tables, and `remedy::firmware` is called for no other.
    pub settings: &'static [Setting],
    /// The evidence it needs: groups of alternative sources, every group
    /// to be met (the rule is in `sources.rs`).
    pub reads: &'static [&'static [SourceName]],
    pub run: fn(&Context) -> Outcome,
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

/// Ids that named a check once and must never name another. None has been
/// retired yet (CHANGELOG.md records every id since schema 1); an id removed
/// from `CheckId` moves here.
pub const RETIRED_CHECK_IDS: &[&str] = &[];

/// The check of an id typed by a user or named in a probe file.
pub fn find(id: &str) -> Option<&'static Check> {
    ALL.iter().copied().find(|c| c.id == id)
}

/// What running every check gave for one target.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    /// Worst first, then in check order.
    pub findings: Vec<Finding>,
    /// One per check, in check order.
    pub checks: Vec<CheckResult>,
}

/// Runs every check for one target. Checks are pure and cheap, so running
/// them once per target (for the target matrix) costs nothing worth a
/// second code path.
pub fn run_all(context: &Context) -> Results {
    let mut findings = Vec::new();
    let mut checks = Vec::with_capacity(ALL.len());
    for check in ALL {
        let severity = context.target.grade(check.id.as_str(), check.severity);
        let mut result = CheckResult {
            id: check.id,
            subject: check.subject.to_string(),
            outcome: OutcomeKind::Clear,
            reason: None,
            severity: None,
            findings: None,
        };
        match outcome::settle(check, context) {
            Outcome::Clear => {}
            Outcome::DoesNotApply { reason } => {
                result.reason = Some(format!("does not apply: {reason}"));
            }
            Outcome::Unknown { reason } => {
                result.outcome = OutcomeKind::Unknown;
                result.reason = Some(reason);
            }
            Outcome::Found(hits) => {
                result.outcome = OutcomeKind::Found;
                result.severity = Some(severity);
                result.findings = Some(hits.len());
                findings.extend(hits.into_iter().map(|hit| Finding {
                    id: check.id,
                    severity,
                    title: check.title.to_string(),
                    detail: hit.detail,
                    evidence: hit.evidence,
                    remedy: hit.remedy,
                }));
            }
        }
        checks.push(result);
    }
    findings.sort_by_key(|f| f.severity);
    Results { findings, checks }
}

#[cfg(test)]
mod devices_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_check_id_has_one_check_in_report_order() {
        let registered: Vec<CheckId> = ALL.iter().map(|c| c.id).collect();
        assert_eq!(registered, CheckId::ALL);
    }

    #[test]
    fn no_current_id_is_retired() {
        for id in CheckId::ALL {
            assert!(
                !RETIRED_CHECK_IDS.contains(&id.as_str()),
                "{id} was retired and may not name a check again"
            );
        }
    }

    #[test]
    fn every_check_reads_some_evidence() {
        for check in ALL {
            assert!(!check.reads.is_empty(), "{} reads nothing", check.id);
            assert!(
                check.reads.iter().all(|group| !group.is_empty()),
                "{} has an empty group",
                check.id
            );
            assert!(check.subject.len() > 3, "{} has no subject", check.id);
        }
    }

    #[test]
    fn ids_are_unique_kebab_case_and_documented() {
        let mut seen = BTreeSet::new();
        for check in ALL {
            assert!(seen.insert(check.id), "{} repeats", check.id);
            assert!(
                check
                    .id
                    .as_str()
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
