use super::{Check, Context, Doc, Hit, Outcome};
use crate::model::{CheckId, Severity, Silicon, SourceName};

pub static CHECK: Check = Check {
    id: CheckId::IommuInterruptRemappingUnavailable,
    severity: Severity::Warning,
    title: "The IOMMU cannot remap interrupts",
    subject: "IOMMU interrupt remapping",
    doc: Doc {
        what: "Fires when the DMAR table's flags lack INTR_REMAP (bit 0), or when Linux or Xen \
               logs that interrupt remapping is off: the Intel 5500/5520/X58 `DMAR-IR` erratum \
               line, Xen's chipset-erratum quirk, or Xen's `Interrupt remapping disabled`.",
        why: "Without interrupt remapping a device passed through to a guest can forge \
              interrupts (MSIs) into the host, so passthrough is less safe; with \
              `iommu=required` on its command line Xen refuses to boot, and x2APIC mode may be \
              unavailable.",
        evidence: "The DMAR table (flags byte), the kernel log and the Xen console.",
        fix: "Update the system firmware (a newer BIOS may enable interrupt remapping or a \
              fixed I/O hub microcode). If the chipset revision itself is affected, keep \
              passthrough to trusted guests and leave `iommu=required` off Xen's command line.",
    },
    settings: &[],
    reads: &[&[SourceName::Acpi, SourceName::KernelLog, SourceName::Xen]],
    run,
};

fn run(context: &Context) -> Outcome {
    let facts = context.facts;
    // Nothing to remap without an IOMMU; iommu-absent covers that.
    if context.assessment.capabilities.iommu.silicon == Silicon::No {
        return Outcome::DoesNotApply { reason: "no IOMMU" };
    }
    let mut evidence = Vec::new();
    if let Some(dmar) = facts.acpi.as_ref().and_then(|a| a.dmar.as_ref()) {
        if !dmar.intr_remap {
            evidence.push(format!(
                "acpi: DMAR flags = {:#04x}: INTR_REMAP (bit 0) clear, firmware reports no \
                 interrupt remapping",
                dmar.flags
            ));
        }
    }
    if let Some(log) = &facts.kernel_log {
        // The first line of each kind is enough.
        let mut kinds = Vec::new();
        for event in log.events_meaning(crate::model::LogMeaning::InterruptRemappingUnavailable) {
            if !kinds.contains(&&event.id) {
                kinds.push(&event.id);
                evidence.push(event.as_evidence());
            }
        }
    }
    if evidence.is_empty() {
        return Outcome::Clear;
    }
    Outcome::found(Hit {
        detail: "Interrupt remapping is unavailable. PCI passthrough still works but is less \
                 safe: a passed-through device can inject interrupts into the host. Xen booted \
                 with `iommu=required` would refuse to start."
            .into(),
        evidence,
        remedy: vec![
            "Update the system firmware: some releases enable interrupt remapping or work \
             around the I/O hub erratum."
                .into(),
            "Until then pass devices through to trusted guests only, and leave iommu=required \
             off Xen's command line."
                .into(),
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{
        acpi_with_dmar, acpi_without_iommu, bare_metal, event, log, run as run_check,
    };
    use crate::facts::{CpuVendor, Facts};
    use crate::model::LogOrigin;

    fn with_flags(flags: u8) -> Facts {
        Facts {
            acpi: Some(acpi_with_dmar(flags)),
            ..bare_metal(CpuVendor::Intel)
        }
    }

    #[test]
    fn dmar_without_intr_remap_fires() {
        let hits = run_check(&CHECK, &with_flags(0x02));
        assert_eq!(hits.len(), 1);
        assert!(hits[0].evidence[0].starts_with("acpi: DMAR flags = 0x02"));
        assert!(hits[0].detail.contains("iommu=required"));
    }

    #[test]
    fn erratum_lines_fire_even_with_the_flag_set() {
        let mut facts = with_flags(0x01);
        facts.kernel_log = log(vec![
            event(
                "iommu-ir-erratum",
                LogOrigin::Linux,
                812,
                "DMAR-IR: This system BIOS has enabled interrupt remapping on a chipset that contains an erratum making that feature unstable.  To maintain system stability interrupt remapping is being disabled.  Please contact your BIOS vendor for an update",
            ),
            event("xen-ir-disabled", LogOrigin::Xen, 60, "(XEN) Interrupt remapping disabled"),
        ]);
        let hits = run_check(&CHECK, &facts);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].evidence.len(), 2);
        assert!(hits[0].evidence[0].starts_with("/dev/kmsg line 812: DMAR-IR:"));
        assert_eq!(
            hits[0].evidence[1],
            "xl dmesg line 60: (XEN) Interrupt remapping disabled"
        );
    }

    #[test]
    fn silent_with_remapping_or_without_iommu() {
        assert_eq!(run_check(&CHECK, &with_flags(0x01)), vec![]);
        let mut none = Facts {
            acpi: Some(acpi_without_iommu()),
            ..bare_metal(CpuVendor::Intel)
        };
        none.kernel_log = log(vec![event(
            "xen-ir-disabled",
            LogOrigin::Xen,
            3,
            "(XEN) Interrupt remapping disabled",
        )]);
        assert_eq!(run_check(&CHECK, &none), vec![]);
    }
}
