use super::{memory_errors, Check, Doc};
use crate::model::{CheckId, Severity, SourceName};

pub static CHECK: Check = Check {
    id: CheckId::MemoryErrorsCorrected,
    severity: Severity::Warning,
    title: "Corrected memory errors were logged (EDAC CE)",
    subject: "Corrected memory errors (EDAC)",
    doc: Doc {
        what: "Sums the corrected errors EDAC reports in the kernel log (`EDAC MCn: N CE \
               ...`, `EDAC MCn: CE ...`).",
        why: "ECC repaired these, but a DIMM that keeps producing them tends to produce \
              uncorrectable ones next, which crash guests or the host.",
        evidence: "The kernel log's EDAC lines.",
        fix: "Watch the counts; when they keep rising, replace the DIMM the lines name \
              (`edac-util -v`, `ras-mc-ctl --error-count`, the system event log).",
    },
    settings: &[],
    reads: &[&[SourceName::KernelLog]],
    run: memory_errors::corrected,
};
