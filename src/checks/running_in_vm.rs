use super::{Check, Context, Doc, Hit};
use crate::model::{CheckId, Platform, Severity, SourceName};

pub static CHECK: Check = Check {
    id: CheckId::RunningInVm,
    severity: Severity::Warning,
    title: "Running inside a virtual machine: readings describe the VM, not the host",
    subject: "Bare metal, not a virtual machine",
    doc: Doc {
        what: "Detects a hypervisor: the CPUID hypervisor bit, the leaf 0x40000000 vendor \
               signature, a virtual-machine SMBIOS identity (\"VMware Virtual Platform\", \
               Hyper-V's \"Virtual Machine\", QEMU, ...), or /sys/hypervisor in a Xen guest.",
        why: "A hypervisor decides what its guests see: it masks VT-x/AMD-V, invents the \
              topology and the firmware tables. Every judgement in the report is then about the \
              virtual machine, which only matters for nested Xen.",
        evidence: "CPUID leaves 1 and 0x40000000, SMBIOS types 0 and 1, /sys/hypervisor/type, \
                   /proc/xen/capabilities.",
        fix: "Run xenready on the physical machine (boot the xenready USB stick or any live \
              Linux). For nested Xen, expose VT-x/AMD-V to this VM in the outer hypervisor.",
    },
    settings: &[],
    reads: &[&[
        SourceName::Cpuid,
        SourceName::Smbios,
        SourceName::XenSysfs,
        SourceName::Procfs,
    ]],
    run: |context| hits(context).into(),
};

fn hits(context: &Context) -> Vec<Hit> {
    let platform = &context.assessment.platform;
    if platform.kind != Platform::VirtualMachine {
        return Vec::new();
    }
    let name = platform
        .hypervisor
        .as_deref()
        .unwrap_or("an unidentified hypervisor");
    vec![Hit {
        detail: format!(
            "This probe ran inside a virtual machine ({name}). Every hardware reading in this \
             report describes the virtual machine, not the physical host."
        ),
        evidence: platform.evidence.clone(),
        remedy: vec![
            "To judge the physical server, run xenready on it directly: boot the xenready USB \
             stick or ISO, or any live Linux."
                .into(),
            "To run Xen nested in this VM, enable nested virtualization (VT-x/AMD-V passthrough) \
             in the outer hypervisor."
                .into(),
        ],
    }]
}
