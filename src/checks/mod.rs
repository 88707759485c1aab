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
mod memory_below_minimum;
mod msr_inconsistent_across_cpus;
mod network_link_down;
mod no_network_interface;
mod nx_disabled_in_firmware;
mod nx_unavailable;
pub mod remedy;
mod running_in_vm;
mod smt_disabled;
mod sources;
mod unrestricted_guest_unsupported;
mod xen_dom0;

#[cfg(test)]
mod firmware_tests;
#[cfg(test)]
pub(crate) mod testing;

use crate::assess::Assessment;
use crate::facts::Facts;
use crate::knowledge::{Knowledge, Target};
use crate::report::{Finding, Severity};

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
];

pub fn find(id: &str) -> Option<&'static Check> {
    ALL.iter().copied().find(|c| c.id == id)
}

/// Checks whose result depends on the target they are graded for: they read
/// `context.target` (a minimum RAM or disk size). They run once per target;
/// every other check runs once per machine and is only graded per target.
/// A check that reads `context.target` must be listed here (a test runs
/// every other check against every target and compares).
pub static PER_TARGET: &[&str] = &["memory-below-minimum"];

fn per_target(check: &Check) -> bool {
    PER_TARGET.contains(&check.id)
}

/// What a check found, before grading.
#[derive(Clone)]
pub struct Found {
    pub check: &'static Check,
    pub hit: Hit,
}

/// Runs the checks that do not depend on the target, once for the machine.
pub fn run_machine(context: &Context) -> Vec<Found> {
    ALL.iter()
        .copied()
        .filter(|check| !per_target(check))
        .flat_map(|check| {
            (check.run)(context)
                .into_iter()
                .map(move |hit| Found { check, hit })
        })
        .collect()
}

/// Grades the machine's findings for `context.target` and adds those of the
/// per-target checks; worst first, then in check order.
pub fn grade(machine: &[Found], context: &Context) -> Vec<Finding> {
    let targeted: Vec<Found> = ALL
        .iter()
        .copied()
        .filter(|check| per_target(check))
        .flat_map(|check| {
            (check.run)(context)
                .into_iter()
                .map(move |hit| Found { check, hit })
        })
        .collect();
    let order = |check: &Check| ALL.iter().position(|c| c.id == check.id);
    let mut all: Vec<&Found> = machine.iter().chain(&targeted).collect();
    all.sort_by_key(|found| order(found.check));
    let mut findings: Vec<Finding> = all
        .into_iter()
        .map(|found| Finding {
            id: found.check.id.to_string(),
            severity: context.target.grade(found.check.id, found.check.severity),
            title: found.check.title.to_string(),
            detail: found.hit.detail.clone(),
            evidence: found.hit.evidence.clone(),
            remedy: found.hit.remedy.clone(),
        })
        .collect();
    findings.sort_by_key(|f| f.severity);
    findings
}

/// Runs every check for one target; findings come out worst first, then in
/// check order.
pub fn run_all(context: &Context) -> Vec<Finding> {
    grade(&run_machine(context), context)
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

    #[test]
    fn per_target_checks_exist() {
        for id in PER_TARGET {
            assert!(
                find(id).is_some(),
                "{id} is listed in PER_TARGET but not a check"
            );
        }
    }

    /// A check outside PER_TARGET must give the same hits whatever the
    /// target: run them all on a small machine with every capability missing.
    #[test]
    fn machine_checks_do_not_read_the_target() {
        use crate::facts::{CpuFacts, CpuFeatures, CpuVendor, Facts};
        let knowledge = crate::knowledge::Knowledge::builtin();
        let mut facts = Facts::default();
        facts.os.mem_total_kib = Some(512 * 1024);
        facts.cpu = Some(CpuFacts {
            vendor: CpuVendor::Intel,
            vendor_id: "GenuineIntel".into(),
            brand: Some("Intel(R) Xeon(R) CPU 5160 @ 3.00GHz".into()),
            family: 6,
            model: 0x0F,
            stepping: 6,
            signature: 0x6F6,
            max_basic_leaf: 0xA,
            max_extended_leaf: 0x8000_0008,
            features: CpuFeatures {
                long_mode: true,
                vmx: true,
                ..CpuFeatures::default()
            },
            hypervisor_vendor: None,
            topology: Default::default(),
            locations: Vec::new(),
        });
        let assessment = crate::assess::assess(&facts, knowledge);
        let hits = |target| {
            let context = Context {
                facts: &facts,
                assessment: &assessment,
                knowledge,
                target,
            };
            run_machine(&context)
                .into_iter()
                .map(|f| (f.check.id, f.hit))
                .collect::<Vec<_>>()
        };
        let first = hits(knowledge.default_target());
        assert!(!first.is_empty());
        for target in &knowledge.targets {
            assert_eq!(hits(target), first, "{} changes a machine check", target.id);
        }
    }
}
