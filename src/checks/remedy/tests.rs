//! Real SMBIOS tables and a real CPUID dump with VT-x, plus a Linux 5.6+
//! /proc/cpuinfo without `vmx` (what the kernel shows when firmware locked
//! VT-x off): the advice must name the setting as the machine's vendor
//! prints it.

use crate::evidence::{Evidence, Origin};
use crate::knowledge::Knowledge;
use crate::model::Finding;
use std::path::PathBuf;

fn fixture(relative: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus")).join(relative)
}

const HASWELL_EP: &str = "cpuid/instlatx64/GenuineIntel00306F2_HaswellEP_CPUID.txt";
const R630: &str = "smbios-bin/go-smbios/Dell-PowerEdge-R630-Dual-Xeon.dmi";
const SUPERMICRO: &str = "smbios-bin/go-smbios/SuperMicro-Dual-Xeon.dmi";
const MSI: &str = "smbios-bin/u-root/MSI-MS-7816.bin";

/// The machine's tables, a Xeon whose CPUID has VMX, and a kernel that
/// removed `vmx` from /proc/cpuinfo because firmware locked it off.
fn vt_locked_off(dmi: Option<&str>) -> Evidence {
    let mut evidence = Evidence::new(Origin::Import);
    crate::import::cpuid_file(&mut evidence, &fixture(HASWELL_EP)).expect("cpuid dump imports");
    if let Some(dmi) = dmi {
        crate::import::dmi_file(&mut evidence, &fixture(dmi)).expect("table imports");
    }
    let cpuinfo = std::fs::read_to_string(fixture(
        "cpuinfo/util-linux/x86_64-dell_poweredgeR610.cpuinfo",
    ))
    .expect("cpuinfo fixture");
    assert!(cpuinfo.contains(" vmx "));
    evidence
        .files
        .insert("/proc/cpuinfo".into(), cpuinfo.replace(" vmx ", " "));
    evidence.files.insert(
        "/proc/sys/kernel/osrelease".into(),
        "5.15.0-40-generic\n".into(),
    );
    crate::import::declare_missing_sources(&mut evidence);
    evidence
}

fn finding(evidence: &Evidence, id: &str) -> Finding {
    let knowledge = Knowledge::builtin();
    let report = crate::analyze(evidence, knowledge, knowledge.default_target());
    report
        .findings
        .into_iter()
        .find(|f| f.id == id)
        .unwrap_or_else(|| panic!("no {id} finding"))
}

#[test]
fn dell_r630_advice_names_processor_settings_and_racadm() {
    let f = finding(&vt_locked_off(Some(R630)), "hvm-disabled-in-firmware");
    assert!(
        f.detail.contains("disabled in firmware, not absent"),
        "{}",
        f.detail
    );
    assert_eq!(
        f.remedy[0],
        "Press F2 at boot → System BIOS → Processor Settings → Virtualization Technology → Enabled"
    );
    assert!(f.remedy[1].contains("before 12G: OMSA `omconfig chassis biossetup attribute=cpuvt"));
    assert_eq!(
        f.remedy[2],
        "Remotely: `racadm set BIOS.ProcSettings.ProcVirtualization Enabled`, then \
         `racadm jobqueue create BIOS.Setup.1-1 -r pwrcycle`"
    );
    assert!(f.remedy[3].starts_with("Power the machine off completely: a reboot is not enough"));
    assert!(f.remedy.last().is_some_and(|l| l.contains("TXT")));
    assert!(!f.remedy.iter().any(|l| l.contains("unconfirmed")));
    assert!(f
        .evidence
        .iter()
        .any(|e| e.contains("/proc/cpuinfo lacks vmx")));
}

#[test]
fn supermicro_advice_uses_supermicro_wording() {
    let f = finding(&vt_locked_off(Some(SUPERMICRO)), "hvm-disabled-in-firmware");
    assert_eq!(
        f.remedy[0],
        "Press Del at boot → Advanced → CPU Configuration → Intel Virtualization Technology → Enable"
    );
    assert!(!f
        .remedy
        .iter()
        .any(|l| l.contains("racadm") || l.contains("SVM")));
    assert!(f.remedy[1].starts_with("Power the machine off completely"));
}

#[test]
fn unknown_vendor_gets_generic_advice_with_the_usual_names() {
    for dmi in [Some(MSI), None] {
        let f = finding(&vt_locked_off(dmi), "hvm-disabled-in-firmware");
        assert!(
            f.remedy[0].starts_with("In firmware setup") && f.remedy[0].contains("VT-x"),
            "{:?}",
            f.remedy
        );
        let names = &f.remedy[1];
        assert!(
            names.contains("\"Virtualization Technology\" (Dell)"),
            "{names}"
        );
        assert!(names.contains("\"Intel Virtualization Technology\" (Supermicro)"));
        // An Intel machine is not told AMD's names.
        assert!(!names.contains("SVM"), "{names}");
        assert!(!f.remedy.iter().any(|l| l.contains("racadm")));
    }
}
