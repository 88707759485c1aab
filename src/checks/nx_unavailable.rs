use super::remedy::firmware as firmware_remedy;
use super::{sources, Check, Context, Doc, Hit, Outcome};
use crate::knowledge::Setting;
use crate::model::{CapState, CheckId, Severity};

pub static CHECK: Check = Check {
    id: CheckId::NxUnavailable,
    severity: Severity::Warning,
    title: "NX (Execute Disable) is not available",
    subject: "NX (Execute Disable)",
    doc: Doc {
        what: "Checks that CPUID reports NX/XD (0x80000001 EDX bit 20).",
        why: "Xen's memory protections and every modern guest kernel rely on NX. Xen built with \
              CONFIG_REQUIRE_NX refuses to boot without it (`ERR: Not an NX-capable CPU!`). \
              Firmware can hide NX: the CPU then looks as if it lacked it.",
        evidence: "CPUID leaf 0x80000001, the `nx` flag of /proc/cpuinfo, the SMBIOS processor \
                   characteristics.",
        fix: "Enable \"Execute Disable\" / \"No-Execute Memory Protection\" in firmware setup. If \
              the option does not exist, the CPU lacks NX.",
    },
    settings: &[Setting::Nx],
    reads: &[sources::CPU_IDENTITY],
    run,
};

fn run(context: &Context) -> Outcome {
    let capability = &context.assessment.capabilities.nx;
    let hidden_or_missing = context
        .facts
        .cpu
        .as_ref()
        .is_some_and(|cpu| !cpu.features.nx);
    // Firmware hiding NX is nx-disabled-in-firmware's finding.
    if matches!(
        capability.state,
        CapState::Available | CapState::DisabledInFirmware
    ) {
        return Outcome::Clear;
    }
    if !hidden_or_missing {
        return match capability.state {
            CapState::Unknown => Outcome::unknown("the readings do not show NX"),
            _ => Outcome::Clear,
        };
    }
    let mut remedy = firmware_remedy(context, Setting::Nx);
    remedy.push("If firmware has no such option, the CPU lacks NX.".into());
    let target = context.target;
    let consequence = if target.xen.require_nx.value {
        format!(
            "{} is built with CONFIG_REQUIRE_NX: its Xen stops at boot (`ERR: Not an \
             NX-capable CPU!`).",
            target.name
        )
    } else {
        "A Xen built to require NX will not boot, and guests lose no-execute protection."
            .to_string()
    };
    Outcome::found(Hit {
        detail: format!(
            "CPUID does not report NX. Either the CPU lacks it or firmware hides it. {consequence}"
        ),
        evidence: capability.evidence.clone(),
        remedy,
    })
}
