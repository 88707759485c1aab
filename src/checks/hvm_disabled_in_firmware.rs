use super::remedy::firmware as firmware_remedy;
use super::{sources, Check, Context, Doc, Hit, Outcome};
use crate::knowledge::Setting;
use crate::model::{CapState, CheckId, Severity, Silicon, SourceName};

pub static CHECK: Check = Check {
    id: CheckId::HvmDisabledInFirmware,
    severity: Severity::Action,
    title: "VT-x/AMD-V is in the CPU but disabled in firmware",
    subject: "Virtualization enabled in firmware",
    doc: Doc {
        what: "Fires when the silicon has VT-x or AMD-V but firmware switched it off: \
               IA32_FEATURE_CONTROL (MSR 0x3A) locked without VMXON outside SMX, AMD VM_CR.SVMDIS \
               set, the kernel or Xen logging \"disabled by BIOS\", or a Linux 5.6+ /proc/cpuinfo \
               without `vmx` on a CPU whose CPUID has it.",
        why: "Xen then cannot start HVM or PVH guests although the hardware could: the machine \
              looks unfit when one firmware setting fixes it.",
        evidence: "Raw CPUID for the silicon; /proc/cpuinfo with the kernel release; MSRs and the \
                   kernel log where read.",
        fix: "Enable the processor's virtualization setting in firmware setup, save, then power \
              the machine off completely: the feature-control MSR stays locked until a power \
              cycle. The finding names the setting as this machine's vendor prints it; the table \
              below lists every vendor.",
    },
    settings: &[Setting::Virtualization],
    reads: &[
        sources::CPU_IDENTITY,
        &[SourceName::Msr, SourceName::Procfs, SourceName::KernelLog],
    ],
    run,
};

fn run(context: &Context) -> Outcome {
    let capability = &context.assessment.capabilities.hvm;
    if capability.silicon == Silicon::No {
        return Outcome::DoesNotApply {
            reason: "the CPU has no VT-x/AMD-V",
        };
    }
    if capability.state != CapState::DisabledInFirmware {
        return Outcome::Clear;
    }
    let remedy = firmware_remedy(context, Setting::Virtualization);
    Outcome::found(Hit {
        detail: "The CPU implements hardware virtualization, but firmware has switched it off, so \
                 Xen can run only PV guests until it is enabled. XenServer's installer warning \
                 \"Hardware virtualization assist support is not available on this system\" \
                 means, on this CPU, that it is disabled in firmware, not absent."
            .into(),
        evidence: capability.evidence.clone(),
        remedy,
    })
}
