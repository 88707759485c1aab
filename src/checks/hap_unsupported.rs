use super::{Check, Context, Doc, Hit, Outcome};
use crate::model::{CapState, CheckId, Severity, Silicon, SourceName};

pub static CHECK: Check = Check {
    id: CheckId::HapUnsupported,
    severity: Severity::Limitation,
    title: "No hardware-assisted paging (EPT/NPT): HVM guests use shadow paging",
    subject: "EPT/NPT (hardware-assisted paging)",
    doc: Doc {
        what: "Checks for Intel EPT (IA32_VMX_PROCBASED_CTLS2, MSR 0x48B, allowed-1 bit 1, with \
               the EPT features Xen needs in MSR 0x48C) or AMD NPT (CPUID 0x8000000A EDX bit 0) \
               on a CPU that has VT-x/AMD-V.",
        why: "Without HAP, Xen runs HVM guests on shadow page tables: much slower for \
              memory-intensive guests, and upstream lists shadow paging as \"supported, not \
              security supported\". XCP-ng 8.3 requires SLAT and refuses to install without it.",
        evidence:
            "MSRs 0x482, 0x48B and 0x48C (root and the msr module needed on a live system, or \
                   the MSR lines of an AIDA64 dump), CPUID 0x8000000A, the `ept`/`npt` flags of \
                   /proc/cpuinfo.",
        fix: "None in firmware: EPT arrived with Nehalem (Xeon 5500), NPT with K10 (Opteron \
              23xx). Replace the CPU, or accept shadow paging.",
    },
    settings: &[],
    reads: &[&[SourceName::Cpuid, SourceName::Msr, SourceName::Procfs]],
    run,
};

fn run(context: &Context) -> Outcome {
    let caps = &context.assessment.capabilities;
    // Without VT-x/AMD-V there is nothing to page for; hvm-unsupported says it.
    match (caps.hvm.silicon, caps.hap.state) {
        (Silicon::No, _) => {
            return Outcome::DoesNotApply {
                reason: "the CPU has no VT-x/AMD-V",
            }
        }
        (Silicon::Yes, CapState::Unsupported) => {}
        (Silicon::Unknown, _) | (_, CapState::Unknown) => {
            return Outcome::unknown("the readings do not show EPT/NPT")
        }
        _ => return Outcome::Clear,
    }
    Outcome::found(Hit {
        detail: "The CPU has VT-x/AMD-V but no EPT/NPT. Xen falls back to shadow paging for HVM \
                 guests: slower, and not security supported upstream."
            .into(),
        evidence: caps.hap.evidence.clone(),
        remedy: vec![
            "No firmware setting adds EPT/NPT. Prefer PV guests on this machine, or a CPU from \
             Nehalem (Xeon 5500) / K10 (Opteron 23xx) onwards."
                .into(),
        ],
    })
}
