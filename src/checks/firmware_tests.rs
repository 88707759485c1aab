//! Firmware evidence end to end: real ACPI captures and MSR readings go
//! through import or collection, then `analyze`, as a user would run them.

use crate::collect::{self, CollectOptions};
use crate::evidence::{Evidence, MsrDump, MsrReading, Origin};
use crate::knowledge::Knowledge;
use crate::model::{CapState, FirmwareState, Silicon};
use crate::report::Report;
use std::collections::BTreeMap;
use std::path::Path;

const ACPI: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/acpi");

fn analyze(evidence: &Evidence) -> Report {
    let knowledge = Knowledge::builtin();
    crate::analyze(evidence, knowledge, knowledge.default_target())
}

fn imported(relative: &str) -> Report {
    let mut evidence = Evidence::new(Origin::Import);
    crate::import::acpi_path(&mut evidence, &Path::new(ACPI).join(relative))
        .unwrap_or_else(|e| panic!("{e}"));
    analyze(&evidence)
}

fn ids(report: &Report) -> Vec<&str> {
    report.findings.iter().map(|f| f.id.as_str()).collect()
}

#[test]
fn dell_r820_dmar_gives_an_iommu_with_interrupt_remapping() {
    let report = imported("dmar/server/Dell_PowerEdge_R820_E5985CCBA349.DMAR.dat");
    let iommu = &report.capabilities.iommu;
    assert_eq!(iommu.state, CapState::Available, "{:?}", iommu.evidence);
    assert_eq!(iommu.silicon, Silicon::Yes);
    assert_eq!(iommu.firmware, FirmwareState::Enabled);
    assert!(iommu.evidence[0].contains("4 remapping unit(s), host address width 46"));
    assert!(iommu.evidence[0].contains("interrupt remapping supported"));
    let ids = ids(&report);
    for quiet in [
        "iommu-absent",
        "iommu-interrupt-remapping-unavailable",
        "iommu-firmware-bug",
        "iommu-disabled",
    ] {
        assert!(!ids.contains(&quiet), "{quiet} in {ids:?}");
    }
}

#[test]
fn hp_dl360_g7_dmar_lacks_interrupt_remapping() {
    let report = imported("dmar/server/Hewlett-Packard_ProLiant_DL360_G7_60DCEE46526A.DMAR.dat");
    assert_eq!(report.capabilities.iommu.state, CapState::Available);
    let finding = report
        .findings
        .iter()
        .find(|f| f.id == "iommu-interrupt-remapping-unavailable")
        .unwrap_or_else(|| panic!("no finding in {:?}", ids(&report)));
    assert_eq!(
        finding.evidence,
        vec!["acpi: DMAR flags = 0x02: INTR_REMAP (bit 0) clear, firmware reports no interrupt remapping"]
    );
    assert!(!ids(&report).contains(&"iommu-absent"));
}

#[test]
fn hp_dl360_g5_acpidump_has_no_iommu() {
    let report =
        imported("acpidump-text/Hewlett-Packard_ProLiant_DL360_G5_A8DA802364DF.acpidump.txt");
    assert_eq!(report.capabilities.iommu.state, CapState::Unsupported);
    let finding = report
        .findings
        .iter()
        .find(|f| f.id == "iommu-absent")
        .unwrap_or_else(|| panic!("no finding in {:?}", ids(&report)));
    assert!(
        finding.evidence[0].contains("none of the machine's 13 tables"),
        "{:?}",
        finding.evidence
    );
    assert!(finding.remedy.iter().any(|r| r.contains("VT-d")));
}

#[test]
fn supermicro_h8dgu_acpidump_has_amd_vi() {
    let report = imported("acpidump-text/Supermicro_H8DGU_57ED146F2C3C.acpidump.txt");
    let iommu = &report.capabilities.iommu;
    assert_eq!(iommu.state, CapState::Available);
    assert!(
        iommu.evidence[0].contains("IVRS table: 1 IVHD block(s), IOMMU registers at 0xf6000000"),
        "{:?}",
        iommu.evidence
    );
}

#[test]
fn a_lone_table_without_dmar_proves_nothing() {
    // The IVRS alone is an AMD IOMMU; an APIC alone would say nothing.
    let report = imported("ivrs/server/Supermicro_H8DGU_57ED146F2C3C.IVRS.dat");
    assert_eq!(report.capabilities.iommu.state, CapState::Available);
    let no_acpi = analyze(&Evidence::new(Origin::Import));
    assert_eq!(no_acpi.capabilities.iommu.state, CapState::Unknown);
}

fn msr(cpu: u32, values: &[(u32, u64)]) -> MsrDump {
    MsrDump {
        cpu,
        values: values
            .iter()
            .map(|&(m, v)| (m, MsrReading::Value(v)))
            .collect::<BTreeMap<_, _>>(),
    }
}

#[test]
fn feature_control_locked_off_on_one_cpu_disables_hvm() {
    let mut evidence = Evidence::new(Origin::Import);
    evidence.msr = vec![
        msr(0, &[(0x3A, 0x5), (0x1A0, 0x85_0089)]),
        msr(1, &[(0x3A, 0x1), (0x1A0, 0x85_0089)]),
    ];
    let report = analyze(&evidence);
    let hvm = &report.capabilities.hvm;
    assert_eq!(
        hvm.state,
        CapState::DisabledInFirmware,
        "{:?}",
        hvm.evidence
    );
    assert_eq!(
        hvm.evidence[0],
        "msr 0x3A (IA32_FEATURE_CONTROL) = 0x1 on CPU 1: locked (bit 0) with VMXON outside SMX (bit 2) clear: firmware disabled VT-x"
    );
    let ids = ids(&report);
    assert!(ids.contains(&"hvm-disabled-in-firmware"), "{ids:?}");
    assert!(ids.contains(&"msr-inconsistent-across-cpus"), "{ids:?}");
}

#[test]
fn unlocked_feature_control_and_amd_vm_cr() {
    let mut evidence = Evidence::new(Origin::Import);
    evidence.msr = vec![msr(0, &[(0x3A, 0x0)])];
    let hvm = analyze(&evidence).capabilities.hvm;
    assert_eq!(hvm.firmware, FirmwareState::Enabled);
    assert!(hvm.evidence[0].contains("unlocked: the OS or Xen enables VT-x and locks it itself"));

    evidence.msr = vec![msr(0, &[(0xC001_0114, 0x18)])];
    let hvm = analyze(&evidence).capabilities.hvm;
    assert_eq!(hvm.state, CapState::DisabledInFirmware);
    assert_eq!(
        hvm.evidence[0],
        "msr 0xC0010114 (VM_CR) = 0x18 on CPU 0: SVMDIS (bit 4) set, locked (bit 3): firmware disabled AMD-V"
    );
}

/// A captured machine tree: sysfs ACPI tables and MSR device files,
/// collected as a live scan would, then analysed.
#[test]
fn collected_tree_with_dmar_and_msrs() {
    use crate::collect::procfs::scratch::ScratchDir;
    use std::os::unix::fs::FileExt;

    let dir = ScratchDir::new("firmware-tree");
    let dmar = std::fs::read(format!(
        "{ACPI}/dmar/server/Hewlett-Packard_ProLiant_DL360_G7_60DCEE46526A.DMAR.dat"
    ))
    .unwrap_or_default();
    for name in ["FACP", "DSDT", "APIC"] {
        dir.put(&format!("/sys/firmware/acpi/tables/{name}"), b"-");
    }
    dir.put("/sys/firmware/acpi/tables/DMAR", &dmar);
    dir.put("/sys/devices/system/cpu/online", b"0\n");
    dir.put("/dev/cpu/0/msr", b"");
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(dir.path().join("dev/cpu/0/msr"))
        .unwrap_or_else(|e| panic!("{e}"));
    for (number, value) in [(0x3Au64, 0x5u64), (0xC001_0114, 0), (0xC000_0080, 0xD01)] {
        file.write_all_at(&value.to_le_bytes(), number)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let evidence = collect::collect(&CollectOptions {
        root: dir.path().to_path_buf(),
        cpuid: false,
        load_modules: true,
    });
    let report = analyze(&evidence);
    assert_eq!(report.capabilities.hvm.firmware, FirmwareState::Enabled);
    assert_eq!(report.capabilities.iommu.state, CapState::Available);
    assert!(ids(&report).contains(&"iommu-interrupt-remapping-unavailable"));
}
