use super::{Check, Context, Doc, Hit};
use crate::facts::{AcpiFacts, DmarFacts};
use crate::model::{CheckId, Severity, SourceName};

pub static CHECK: Check = Check {
    id: CheckId::IommuFirmwareBug,
    severity: Severity::Warning,
    title: "Firmware describes the IOMMU wrongly",
    subject: "IOMMU tables without firmware bugs",
    doc: Doc {
        what: "Looks for broken IOMMU tables: a DMAR remapping unit or IVRS IOMMU at register \
               address 0 (or all ones), a DMAR host address width no machine has (below 12 or \
               above 64 bits), reserved memory regions (RMRR) that are not page aligned or end \
               before they start, tables whose structures or checksum do not add up, and the \
               kernel's `[Firmware Bug]` lines about the DMAR.",
        why: "Linux and Xen refuse or ignore what they cannot trust: VT-d may be turned off \
              altogether (`Your BIOS is broken; DMAR reported at address zero!`), devices with \
              a bad RMRR lose their reserved memory, and passthrough becomes unreliable.",
        evidence: "The DMAR and IVRS tables, and the kernel log.",
        fix: "Update the system firmware: the tables are built by it and vendors fix them in \
              updates. Until then, do not rely on PCI passthrough on this machine.",
    },
    settings: &[],
    reads: &[&[SourceName::Acpi, SourceName::KernelLog, SourceName::Xen]],
    run: |context| hits(context).into(),
};

/// Linux rejects a DMAR whose width field is below PAGE_SHIFT - 1
/// (`drivers/iommu/intel/dmar.c`), i.e. a width under 12 bits.
const MIN_WIDTH: u16 = 12;
const MAX_WIDTH: u16 = 64;

fn hits(context: &Context) -> Vec<Hit> {
    let facts = context.facts;
    let mut evidence = Vec::new();
    if let Some(acpi) = &facts.acpi {
        if let Some(dmar) = &acpi.dmar {
            dmar_problems(dmar, &mut evidence);
        }
        ivrs_problems(acpi, &mut evidence);
    }
    if let Some(log) = &facts.kernel_log {
        evidence.extend(
            log.events_meaning(crate::model::LogMeaning::IommuFirmwareBug)
                .take(3)
                .map(|e| e.as_evidence()),
        );
    }
    if evidence.is_empty() {
        return Vec::new();
    }
    vec![Hit {
        detail: "The firmware's IOMMU description is broken: Linux or Xen may turn VT-d/AMD-Vi \
                 off or ignore parts of it, and PCI passthrough cannot be trusted."
            .into(),
        evidence,
        remedy: vec![
            "Update the system firmware (BIOS/UEFI) to the vendor's latest release, then run \
             xenready again."
                .into(),
            "If no fixed firmware exists, treat the machine as having no usable IOMMU: no PCI \
             passthrough."
                .into(),
        ],
    }]
}

fn dmar_problems(dmar: &DmarFacts, evidence: &mut Vec<String>) {
    for (index, unit) in dmar.drhd.iter().enumerate() {
        if unit.register_base == 0 || unit.register_base == u64::MAX {
            evidence.push(format!(
                "acpi: DMAR remapping unit {index} (segment {}) has register base {:#x}: no \
                 IOMMU can live there (Linux: \"Your BIOS is broken; DMAR reported at address\")",
                unit.segment, unit.register_base
            ));
        }
    }
    if !(MIN_WIDTH..=MAX_WIDTH).contains(&dmar.host_address_width) {
        evidence.push(format!(
            "acpi: DMAR host address width {} bits is impossible (Linux rejects below {MIN_WIDTH}, \
             addresses end at {MAX_WIDTH})",
            dmar.host_address_width
        ));
    }
    for region in dmar.rmrr.iter().filter(|r| !r.is_sane()) {
        evidence.push(format!(
            "acpi: DMAR reserved region (RMRR) {:#x}-{:#x} is not page aligned or ends before it \
             starts (Linux: \"Your BIOS is broken; bad RMRR\"; Xen ignores it)",
            region.base, region.limit
        ));
    }
    if dmar.malformed {
        evidence.push("acpi: the DMAR's structures do not add up to its length".into());
    } else if !dmar.checksum_ok {
        evidence.push("acpi: the DMAR's checksum does not add up".into());
    }
}

fn ivrs_problems(acpi: &AcpiFacts, evidence: &mut Vec<String>) {
    let Some(ivrs) = &acpi.ivrs else {
        return;
    };
    for block in ivrs.ivhd.iter().filter(|b| b.iommu_base == 0) {
        evidence.push(format!(
            "acpi: IVRS IVHD block type {:#04x} for device {:#06x} has IOMMU base address 0",
            block.block_type, block.device_id
        ));
    }
    if ivrs.malformed {
        evidence.push("acpi: the IVRS's blocks do not add up to its length".into());
    } else if !ivrs.checksum_ok {
        evidence.push("acpi: the IVRS's checksum does not add up".into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{acpi_with_dmar, bare_metal, event, log, run as run_check};
    use crate::facts::{CpuVendor, Facts, RmrrRegion};
    use crate::model::LogOrigin;

    fn with_dmar(edit: impl FnOnce(&mut DmarFacts)) -> Facts {
        let mut acpi = acpi_with_dmar(1);
        if let Some(dmar) = &mut acpi.dmar {
            edit(dmar);
        }
        Facts {
            acpi: Some(acpi),
            ..bare_metal(CpuVendor::Intel)
        }
    }

    #[test]
    fn zero_base_and_impossible_width() {
        let facts = with_dmar(|d| {
            d.drhd[0].register_base = 0;
            d.host_address_width = 1;
        });
        let hits = run_check(&CHECK, &facts);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].evidence.len(), 2);
        assert!(hits[0].evidence[0].contains("register base 0x0"));
        assert!(hits[0].evidence[1].contains("width 1 bits is impossible"));
    }

    #[test]
    fn bad_rmrr_and_kernel_line() {
        let mut facts = with_dmar(|d| {
            d.rmrr.push(RmrrRegion {
                base: 0xBF45_8000,
                limit: 0xBF45_8000,
                ..RmrrRegion::default()
            });
        });
        facts.kernel_log = log(vec![event(
            "iommu-firmware-bug",
            LogOrigin::Linux,
            95,
            "DMAR: [Firmware Bug]: Your BIOS is broken; DMAR reported at address fed90000 returns all ones!",
        )]);
        let hits = run_check(&CHECK, &facts);
        assert_eq!(hits.len(), 1);
        assert!(hits[0].evidence[0].contains("(RMRR) 0xbf458000-0xbf458000"));
        assert!(hits[0].evidence[1].starts_with("/dev/kmsg line 95: DMAR: [Firmware Bug]"));
    }

    #[test]
    fn a_sound_table_is_silent() {
        let sound = with_dmar(|d| {
            d.rmrr.push(RmrrRegion {
                base: 0xBF45_8000,
                limit: 0xBF46_FFFF,
                ..RmrrRegion::default()
            });
        });
        assert_eq!(run_check(&CHECK, &sound), vec![]);
        assert_eq!(run_check(&CHECK, &bare_metal(CpuVendor::Intel)), vec![]);
    }
}
