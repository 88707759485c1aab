use super::{memory_errors, Check, Context, Doc, Hit};
use crate::model::Severity;

pub static CHECK: Check = Check {
    id: "memory-errors-uncorrected",
    severity: Severity::Action,
    title: "Uncorrected memory errors were logged (EDAC UE)",
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
    run,
};

fn run(context: &Context) -> Vec<Hit> {
    memory_errors::hit(
        context,
        crate::model::LogMeaning::MemoryErrorUncorrected,
        "uncorrected",
        "Data was lost; under Xen such an error crashes a guest, dom0 or the whole host.",
    )
}
