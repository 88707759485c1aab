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
    // Tests run in parallel and `scratch` empties its directory: one each.
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = scratch(&format!("vmx-hidden-{n}")).join("HaswellEP-vmx-hidden.txt");
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

/// A vendor xenready has never heard of, added the way a firmware engineer
/// would: one `[[vendor]]` block appended to a copy of the data, no Rust.
const ACME: &str = r#"
[[vendor]]
id = "acme"
name = "Acme Servers"
match = ["ACME"]
setup_key = "F10"
setup_root = ["Acme Setup"]
event_log = { name = "Acme Watchtower fault journal", confirmed = false }
remote = "`acmectl bios set {attribute}={value}`"

[[vendor.setting]]
id = "hyper-threading"
path = ["Compute"]
name = "Acme Twin Threads"
value = "On"
confirmed = false

[[vendor.setting]]
id = "virtualization"
path = ["Compute"]
name = "Acme Hypervisor Assist"
value = "On"
confirmed = false
remote = { attribute = "HvAssist", value = "On", confirmed = false }

[[vendor.setting]]
id = "iommu"
path = ["I/O"]
name = "Acme DMA Guard"
value = "On"
confirmed = false

[[vendor.setting]]
id = "nx"
path = ["Compute"]
name = "Acme No-Run Pages"
value = "On"
confirmed = false

[[vendor.absent]]
setting = "sr-iov"
why = "Acme publishes no SR-IOV setting"

[[vendor.absent]]
setting = "c-states"
why = "Acme publishes no C-state setting"

[[vendor.absent]]
setting = "x2apic"
why = "Acme publishes no x2APIC setting"

[[vendor.absent]]
setting = "cores"
why = "Acme publishes no cores setting"
"#;

fn knowledge_with_acme() -> Knowledge {
    let text = format!(
        "{}{ACME}",
        include_str!("../../probes/firmware-settings.toml")
    );
    let firmware: xenready::knowledge::FirmwareKnowledge =
        toml::from_str(&text).expect("the extended data parses");
    Knowledge::load()
        .expect("probes/ load")
        .with_firmware(firmware)
        .expect("the extended data validates")
}

/// The R630's SMBIOS tables with every "Dell Inc." (system, baseboard,
/// chassis) rewritten, byte for byte, as "ACME Inc.".
fn acme_machine_tables() -> std::path::PathBuf {
    let mut bytes = std::fs::read(fixture(
        "smbios-bin/go-smbios/Dell-PowerEdge-R630-Dual-Xeon.dmi",
    ))
    .unwrap();
    let (dell, acme) = (b"Dell Inc.", b"ACME Inc.");
    let mut replaced = 0;
    let mut i = 0;
    while i + dell.len() <= bytes.len() {
        if &bytes[i..i + dell.len()] == dell {
            bytes[i..i + dell.len()].copy_from_slice(acme);
            replaced += 1;
        }
        i += 1;
    }
    assert!(replaced > 0, "the R630 tables name Dell Inc.");
    let path = scratch("acme-dmi").join("Acme.dmi");
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn a_new_vendor_is_one_toml_block() {
    let knowledge = knowledge_with_acme();
    assert!(Knowledge::builtin().vendor_for("ACME Inc.").is_none());
    assert_eq!(
        knowledge.vendor_for("ACME Inc.").map(|v| v.name.as_str()),
        Some("Acme Servers")
    );

    // `xenready explain`'s tables, for the settings each check declares.
    for (id, name) in [
        ("smt-disabled", "Acme Twin Threads"),
        ("hvm-disabled-in-firmware", "Acme Hypervisor Assist"),
        ("nx-disabled-in-firmware", "Acme No-Run Pages"),
        ("iommu-absent", "Acme DMA Guard"),
    ] {
        let check = xenready::checks::find(id).expect("known check");
        let table = knowledge
            .firmware
            .text_table(check.settings)
            .unwrap_or_else(|| panic!("{id} has no vendor table"));
        assert!(
            table.contains("    Acme Servers (any CPU): F10 → Acme Setup → ")
                && table.contains(&format!("{name} (name unconfirmed) → On")),
            "{id}: {table}"
        );
    }

    // A finding on a machine whose SMBIOS manufacturer is ACME.
    let mut evidence = Evidence::new(Origin::Import);
    xenready::import::cpuid_file(&mut evidence, &haswell_ep_with_vmx_hidden()).unwrap();
    xenready::import::dmi_file(&mut evidence, &acme_machine_tables()).unwrap();
    let log = scratch("acme-dmesg").join("dmesg.txt");
    std::fs::write(
        &log,
        "[ 5123.000001] mce: [Hardware Error]: Machine check events logged\n",
    )
    .unwrap();
    xenready::import::dmesg::dmesg_file(&mut evidence, &log).unwrap();
    let report = xenready::analyze(&evidence, &knowledge, knowledge.default_target());
    let advice = advice(&report).join("\n");
    assert!(
        advice.contains(
            "Press F10 at boot → Acme Setup → Compute → Acme Hypervisor Assist (name unconfirmed) → On"
        ),
        "{advice}"
    );
    assert!(
        advice.contains("Remotely: `acmectl bios set HvAssist=On` (attribute unconfirmed)"),
        "{advice}"
    );
    assert!(!advice.contains("racadm"), "{advice}");
    let mce = report
        .findings
        .iter()
        .find(|f| f.id == "machine-check-errors")
        .expect("machine-check-errors finding");
    assert!(
        mce.remedy.iter().any(|l| l.ends_with(
            "`ipmitool sel elist` or the Acme Watchtower fault journal (name unconfirmed)."
        )),
        "{:?}",
        mce.remedy
    );
}

#[test]
fn explain_prints_vendor_tables_for_nx_and_iommu_checks() {
    for (id, heading, dell) in [
        (
            "nx-disabled-in-firmware",
            "Firmware settings by vendor: No-execute (Intel XD / AMD NX)",
            "Dell (any CPU): F2 → System BIOS → Processor Settings → Execute Disable → Enabled",
        ),
        (
            "iommu-absent",
            "Firmware settings by vendor: IOMMU (Intel VT-d / AMD-Vi)",
            "Dell (AMD): F2 → System BIOS → Processor Settings → IOMMU Support (name unconfirmed) → Enabled",
        ),
    ] {
        let output = crate::common::xenready()
            .args(["explain", id])
            .output()
            .expect("xenready runs");
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{text}");
        assert!(text.contains(heading), "{id}: {text}");
        assert!(text.contains(dell), "{id}: {text}");
    }
}
