use super::{memory_errors, Check, Doc};
use crate::model::{CheckId, Severity, SourceName};

pub static CHECK: Check = Check {
    id: CheckId::MemoryErrorsUncorrected,
    severity: Severity::Action,
    title: "Uncorrected memory errors were logged (EDAC UE)",
    subject: "Uncorrected memory errors (EDAC)",
    doc: Doc {
        what: "Sums the uncorrected errors EDAC reports in the kernel log (`EDAC MCn: N UE \
               ...`, `EDAC MCn: UE ...`).",
        why: "An uncorrected error means data was lost: under Xen it crashes a guest, dom0 or \
              the hypervisor, depending on whose memory it hit.",
        evidence: "The kernel log's EDAC lines.",
        fix: "Find the DIMM (the line's label, `edac-util -v`, `ras-mc-ctl --error-count`, the \
              system event log), replace it, and run a memory test before using the host.",
    },
    settings: &[],
    reads: &[&[SourceName::KernelLog]],
    run: memory_errors::uncorrected,
};
