//! Remedies in the vendor's own words: a real server's SMBIOS table plus a
//! CPUID dump whose VT-x firmware has hidden, judged offline.

use crate::common::{fixture, scratch};
use xenready::evidence::{Evidence, Origin};
use xenready::knowledge::Knowledge;
use xenready::report::Report;

/// The real Haswell-EP dump (the CPU of a PowerEdge R630) with CPUID leaf 1
/// ECX bit 5 cleared on every logical CPU and the VMX MSR lines dropped:
/// what CPUID shows when firmware hides VT-x.
fn haswell_ep_with_vmx_hidden() -> std::path::PathBuf {
    let original = std::fs::read(fixture(
        "cpuid/instlatx64/GenuineIntel00306F2_HaswellEP_CPUID.txt",
    ))
    .unwrap();
    let text = String::from_utf8_lossy(&original);
    let mut out = String::new();
    for line in text.lines() {
        if line.starts_with("MSR 0000048") {
            continue;
        }
        match line.strip_prefix("CPUID 00000001: ") {
            Some(registers) => {
                let mut parts: Vec<String> = registers.split('-').map(str::to_string).collect();
                let ecx = u32::from_str_radix(&parts[2][..8], 16).unwrap() & !0x20;
                parts[2] = format!("{ecx:08X}{}", &parts[2][8..]);
                out.push_str(&format!("CPUID 00000001: {}\n", parts.join("-")));
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    let path = scratch("vmx-hidden").join("HaswellEP-vmx-hidden.txt");
    std::fs::write(&path, out).unwrap();
    path
}

fn report(dmi: &str) -> Report {
    let mut evidence = Evidence::new(Origin::Import);
    xenready::import::cpuid_file(&mut evidence, &haswell_ep_with_vmx_hidden()).unwrap();
    xenready::import::dmi_file(&mut evidence, &fixture(dmi)).unwrap();
    let knowledge = Knowledge::builtin();
    xenready::analyze(&evidence, knowledge, knowledge.default_target())
}

fn advice(report: &Report) -> Vec<String> {
    report
        .findings
        .iter()
        .find(|f| f.id == "hvm-disabled-in-firmware")
        .map(|f| f.remedy.clone())
        .unwrap_or_else(|| panic!("no hvm-disabled-in-firmware in {:?}", report.findings))
}

#[test]
fn a_dell_r630_gets_dells_setting_name_and_racadm() {
    let r = report("smbios-bin/go-smbios/Dell-PowerEdge-R630-Dual-Xeon.dmi");
    assert_eq!(
        r.capabilities.hvm.state,
        xenready::model::CapState::DisabledInFirmware
    );
    let advice = advice(&r).join("\n");
    assert!(
        advice.contains("Processor Settings → Virtualization Technology"),
        "{advice}"
    );
    assert!(
        advice.contains("racadm set BIOS.ProcSettings.ProcVirtualization Enabled"),
        "{advice}"
    );
    assert!(advice.contains("reboot is not enough"), "{advice}");
}

#[test]
fn the_same_cpu_in_a_supermicro_gets_supermicros_wording() {
    let r = report("smbios-bin/go-smbios/SuperMicro-Dual-Xeon.dmi");
    let advice = advice(&r).join("\n");
    assert!(
        advice.contains("CPU Configuration → Intel Virtualization Technology"),
        "{advice}"
    );
    assert!(!advice.contains("racadm"), "{advice}");
}
