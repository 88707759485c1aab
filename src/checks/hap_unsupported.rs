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
        why: "Without HAP, an HVM guest needs a Xen built with shadow paging: much slower for \
              memory-intensive guests, and upstream lists shadow paging as \"supported, not \
              security supported\" and builds it no more by default since XSA-495 (July \
              2026). XenServer 8 and XCP-ng 8.3 are built without it and run no PV guests, so \
              no guest can start there (a blocker); Citrix Hypervisor 8.2, XCP-ng 8.2 and \
              XenServer 6.5 still have it (a limitation). On a running host `xl info` lists \
              `hap` and `shadow` in virt_caps.",
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
    let mut remedy = vec![
        "No firmware setting adds EPT/NPT. Prefer PV guests on this machine, or a CPU from \
             Nehalem (Xeon 5500) / K10 (Opteron 23xx) onwards."
            .to_string(),
    ];
    remedy.extend(super::hvm_unsupported::successors(context));
    Outcome::found(Hit {
        detail: format!(
            "The CPU has VT-x/AMD-V but no EPT/NPT. {}",
            paging_on_target(context)
        ),
        evidence: caps.hap.evidence.clone(),
        remedy,
    })
}

/// What a CPU without EPT/NPT means on the target's Xen build.
fn paging_on_target(context: &Context) -> String {
    let target = context.target;
    let facts = &target.xen;
    match (facts.shadow_paging.value, facts.pv_guests.value) {
        (true, _) => format!(
            "{}, Xen {}, is built with shadow paging, so HVM guests run on it: slower, \
             and not security supported upstream.",
            target.name, facts.xen_version.value
        ),
        (false, true) => format!(
            "{}, Xen {}, is built without shadow paging (upstream's default since XSA-495), \
             so no HVM guest can start; PV guests still run. A Xen built with \
             CONFIG_SHADOW_PAGING=y runs HVM guests, not security supported.",
            target.name, facts.xen_version.value
        ),
        (false, false) => format!(
            "{}, Xen {}, is built without shadow paging and runs no PV guests, so no guest \
             can start on this CPU.",
            target.name, facts.xen_version.value
        ),
    }
}
