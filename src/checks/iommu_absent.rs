use super::remedy::firmware as firmware_remedy;
use super::{Check, Context, Doc, Hit};
use crate::knowledge::Setting;
use crate::model::{CapState, CheckId, Severity, SourceName};

pub static CHECK: Check = Check {
    id: CheckId::IommuAbsent,
    severity: Severity::Limitation,
    title: "No IOMMU (VT-d / AMD-Vi): no PCI passthrough",
    subject: "IOMMU tables (DMAR/IVRS)",
    doc: Doc {
        what: "Fires when the machine's whole set of ACPI tables (the sysfs listing, an acpidump, \
               an acpixtract directory) has neither a DMAR (Intel VT-d) nor an IVRS (AMD-Vi) \
               table, nor the RMAD/XMAR name Xen gives the DMAR in dom0.",
        why: "Xen supports PCI passthrough only with an IOMMU, and a PVH dom0 needs one too. \
              Firmware publishes the DMAR/IVRS table only when the chipset has an IOMMU and \
              VT-d/AMD-Vi is enabled in setup, so its absence means one of the two.",
        evidence: "The list of ACPI tables: /sys/firmware/acpi/tables (readable without root), \
                   or imported with --acpi.",
        fix: "Enable Intel VT-d or AMD-Vi in firmware setup if it offers the option (the finding \
              names the setting as this machine's vendor prints it; the table below lists every \
              vendor), then restart. Without such an option the platform has no IOMMU: plan \
              without passthrough.",
    },
    settings: &[Setting::Iommu],
    reads: &[&[SourceName::Acpi]],
    run: |context| hits(context).into(),
};

fn hits(context: &Context) -> Vec<Hit> {
    let capability = &context.assessment.capabilities.iommu;
    if capability.state != CapState::Unsupported {
        return Vec::new();
    }
    let mut remedy = firmware_remedy(context, Setting::Iommu);
    remedy.extend([
        "Then run xenready again: with the IOMMU enabled, firmware publishes the DMAR (Intel) or \
         IVRS (AMD) table."
            .into(),
        "If setup offers no such option, the platform lacks an IOMMU: no setting adds one. Xen \
         runs, without passthrough."
            .into(),
    ]);
    vec![Hit {
        detail: "Firmware publishes no DMAR or IVRS table, so Xen finds no IOMMU: no PCI \
                 passthrough to guests and no PVH dom0. Either the chipset lacks an IOMMU or \
                 firmware has VT-d/AMD-Vi disabled."
            .into(),
        evidence: capability.evidence.clone(),
        remedy,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{
        acpi_with_dmar, acpi_without_iommu, bare_metal, run as run_check,
    };
    use crate::facts::{AcpiFacts, CpuVendor, Facts};

    fn with_acpi(acpi: AcpiFacts) -> Facts {
        Facts {
            acpi: Some(acpi),
            ..bare_metal(CpuVendor::Intel)
        }
    }

    #[test]
    fn a_full_listing_without_dmar_or_ivrs_fires() {
        let hits = run_check(&CHECK, &with_acpi(acpi_without_iommu()));
        assert_eq!(hits.len(), 1);
        let evidence = hits[0].evidence.join("\n");
        assert!(evidence.contains("APIC DSDT FACP HPET MCFG"), "{evidence}");
        assert!(evidence.contains("firmware disables VT-d/AMD-Vi"));
        assert!(hits[0].remedy[0].contains("VT-d"));
    }

    #[test]
    fn silent_with_a_table_a_partial_listing_or_nothing() {
        assert_eq!(run_check(&CHECK, &with_acpi(acpi_with_dmar(1))), vec![]);
        let mut renamed = acpi_without_iommu();
        renamed.signatures.push("RMAD".into());
        assert_eq!(run_check(&CHECK, &with_acpi(renamed)), vec![]);
        let partial = AcpiFacts {
            signatures: vec!["APIC".into()],
            complete: false,
            ..AcpiFacts::default()
        };
        assert_eq!(run_check(&CHECK, &with_acpi(partial)), vec![]);
        assert_eq!(run_check(&CHECK, &bare_metal(CpuVendor::Intel)), vec![]);
    }
}
