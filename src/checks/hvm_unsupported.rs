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
              \"required to start Windows virtual machines\", and XCP-ng 8.3 needs it to install. \
              XenServer 8 and XCP-ng 8.3 run no PV guests, so there no guest can start. \
              XenServer's installer warning \"Hardware virtualization assist support is not \
              available on this system. Either it is not present, or is disabled in the \
              system's BIOS.\" means this check (not present) or hvm-disabled-in-firmware \
              (switched off), not a missing EPT.",
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
    let target = context.target;
    let consequence = if target.xen.pv_guests.value {
        "Xen can run only PV guests: no HVM or PVH guests, no Windows, no PVH dom0, no PCI \
         passthrough to HVM guests."
            .to_string()
    } else {
        format!(
            "{} runs no PV guests, so no guest can start on this CPU.",
            target.name
        )
    };
    let mut remedy = vec![
        "No firmware setting helps: the silicon lacks it (CPUID answers for the silicon, not \
         the BIOS menu). XenServer's installer warning \"Hardware virtualization assist support \
         is not available on this system\" means, on this CPU, that it is not present."
            .to_string(),
        "Run Linux/BSD guests as PV, or replace the CPU with one that has VT-x/AMD-V.".into(),
    ];
    remedy.extend(successors(context));
    Outcome::found(Hit {
        detail: format!("The CPU implements neither Intel VT-x nor AMD-V. {consequence}"),
        evidence: capability.evidence.clone(),
        remedy,
    })
}

/// The upgrade path off an end-of-life target: its supported successors
/// need what an old CPU lacks.
pub(super) fn successors(context: &Context) -> Option<String> {
    let target = context.target;
    target.xen.end_of_life.value.then(|| {
        format!(
            "{} is end-of-life. Its supported successors (XenServer 8, XCP-ng 8.3) are built \
             without shadow paging and with CONFIG_REQUIRE_NX: they need VT-x/AMD-V, EPT/NPT \
             and NX.",
            target.name
        )
    })
}
