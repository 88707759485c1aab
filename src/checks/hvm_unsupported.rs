use super::{sources, Check, Context, Doc, Hit, Outcome};
use crate::model::{CapState, CheckId, Severity};

pub static CHECK: Check = Check {
    id: CheckId::HvmUnsupported,
    severity: Severity::Limitation,
    title: "No hardware virtualization (VT-x/AMD-V): PV guests only, no Windows guests",
    subject: "Hardware virtualization in the CPU",
    doc: Doc {
        what: "Checks that the silicon implements Intel VT-x (CPUID 1 ECX bit 5) or AMD-V \
               (CPUID 0x80000001 ECX bit 2).",
        why:
            "Without VT-x/AMD-V Xen runs only paravirtualised (PV) guests. HVM and PVH guests, and \
              with them every Windows guest and unmodified OS, need it; XenServer warns that it is \
              \"required to start Windows virtual machines\", and XCP-ng 8.3 needs it to install.",
        evidence: "Raw CPUID (not /proc/cpuinfo, where Linux hides a firmware-disabled VMX), the \
                   SMBIOS processor characteristics when no CPUID was read.",
        fix:
            "None in firmware: the processor lacks the feature. Use PV guests only, or a CPU of a \
              generation (and SKU) with VT-x/AMD-V.",
    },
    settings: &[],
    reads: &[sources::CPU_IDENTITY],
    run,
};

fn run(context: &Context) -> Outcome {
    let capability = &context.assessment.capabilities.hvm;
    match capability.state {
        CapState::Unsupported => {}
        CapState::Unknown => return Outcome::unknown("the readings do not show VT-x or AMD-V"),
        _ => return Outcome::Clear,
    }
    Outcome::found(Hit {
        detail: "The CPU implements neither Intel VT-x nor AMD-V. Xen can run only PV guests: no \
                 HVM or PVH guests, no Windows, no PVH dom0, no PCI passthrough to HVM guests."
            .into(),
        evidence: capability.evidence.clone(),
        remedy: vec![
            "No firmware setting helps: the silicon lacks it (CPUID answers for the silicon, not \
             the BIOS menu)."
                .into(),
            "Run Linux/BSD guests as PV, or replace the CPU with one that has VT-x/AMD-V.".into(),
        ],
    })
}
