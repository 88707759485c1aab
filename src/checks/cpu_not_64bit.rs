use super::{sources, Check, Context, Doc, Hit, Outcome};
use crate::model::{CapState, CheckId, Severity};

pub static CHECK: Check = Check {
    id: CheckId::CpuNot64bit,
    severity: Severity::Blocker,
    title: "The CPU is not 64-bit: no Xen since 4.3 runs on it",
    subject: "64-bit CPU (long mode)",
    doc: Doc {
        what: "Checks that the CPU supports long mode (x86-64, CPUID 0x80000001 EDX bit 29).",
        why: "The 32-bit build of Xen was removed in Xen 4.3 (2013). A 32-bit-only CPU stops in Xen's \
              boot code with `ERR: Not a 64-bit CPU!`; XenServer and XCP-ng need x86-64 as well.",
        evidence: "CPUID leaf 0x80000001; without CPUID, the SMBIOS processor characteristics and the \
                   `lm` flag in /proc/cpuinfo.",
        fix: "None in software or firmware: the processor has to be replaced by an x86-64 one \
              (for old servers, often a different server).",
    },
    settings: &[],
    reads: &[sources::CPU_IDENTITY],
    run,
};

fn run(context: &Context) -> Outcome {
    let capability = &context.assessment.capabilities.long_mode;
    match capability.state {
        CapState::Unsupported => {}
        CapState::Unknown => return Outcome::unknown("the readings do not show long mode"),
        _ => return Outcome::Clear,
    }
    Outcome::found(Hit {
        detail: "The processor has no long mode (x86-64). Xen 4.3 and later, XenServer and XCP-ng \
                 boot only on 64-bit CPUs."
            .into(),
        evidence: capability.evidence.clone(),
        remedy: vec![
            "Use a machine with an x86-64 processor: no firmware setting adds long mode.".into(),
            "Only Xen 4.2 or older (unsupported for a decade) had a 32-bit build.".into(),
        ],
    })
}
