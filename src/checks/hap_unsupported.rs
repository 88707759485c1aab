use super::{Check, Context, Doc, Hit};
use crate::model::{CapState, Severity, Silicon};

pub static CHECK: Check = Check {
    id: "hap-unsupported",
    severity: Severity::Limitation,
    title: "No hardware-assisted paging (EPT/NPT): HVM guests use shadow paging",
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
    run,
};

fn run(context: &Context) -> Vec<Hit> {
    let caps = &context.assessment.capabilities;
    // Without VT-x/AMD-V there is nothing to page for; hvm-unsupported says it.
    if caps.hap.state != CapState::Unsupported || caps.hvm.silicon != Silicon::Yes {
        return Vec::new();
    }
    vec![Hit {
        detail: "The CPU has VT-x/AMD-V but no EPT/NPT. Xen falls back to shadow paging for HVM \
                 guests: slower, and not security supported upstream."
            .into(),
        evidence: caps.hap.evidence.clone(),
        remedy: vec![
            "No firmware setting adds EPT/NPT. Prefer PV guests on this machine, or a CPU from \
             Nehalem (Xeon 5500) / K10 (Opteron 23xx) onwards."
                .into(),
        ],
    }]
}
