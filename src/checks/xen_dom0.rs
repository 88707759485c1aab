use super::{Check, Context, Doc, Hit};
use crate::model::{CheckId, Platform, Severity, SourceName};

pub static CHECK: Check = Check {
    id: CheckId::XenDom0,
    severity: Severity::Info,
    title: "Running in a Xen dom0: capabilities come from Xen, not the masked CPUID",
    subject: "Xen dom0 or bare hardware",
    doc: Doc {
        what: "Detects that the probe runs in the control domain of a Xen host \
               (/proc/xen/capabilities contains control_d).",
        why: "Xen hides VMX/SVM from its domains, dom0 included, so /proc/cpuinfo and CPUID in \
              dom0 say \"no VT-x\" on capable hardware. Xen's own view \
              (/sys/hypervisor/properties/capabilities, `xl info` virt_caps) is the truth there.",
        evidence: "/proc/xen/capabilities, /sys/hypervisor/type and properties/capabilities.",
        fix:
            "Nothing to fix. To judge the bare hardware without Xen in the way, boot the xenready \
              USB stick on the machine instead.",
    },
    settings: &[],
    reads: &[&[SourceName::XenSysfs, SourceName::Procfs, SourceName::Cpuid]],
    run: |context| hits(context).into(),
};

fn hits(context: &Context) -> Vec<Hit> {
    let platform = &context.assessment.platform;
    if platform.kind != Platform::XenDom0 {
        return Vec::new();
    }
    let mut evidence = platform.evidence.clone();
    if let Some(caps) = context.facts.os.hypervisor_capabilities.as_deref() {
        evidence.push(format!(
            "/sys/hypervisor/properties/capabilities: {}",
            caps.trim()
        ));
    }
    vec![Hit {
        detail: "This probe ran in a Xen dom0. CPUID here is filtered by Xen, so HVM/HAP/IOMMU \
                 are judged from what Xen reports."
            .into(),
        evidence,
        remedy: vec![
            "Nothing to change. Run as root so Xen's full view (`xl info`, `xl dmesg`) can be \
             read."
                .into(),
        ],
    }]
}
