use super::*;
use crate::knowledge::Knowledge;

fn firmware() -> &'static FirmwareKnowledge {
    &Knowledge::builtin().firmware
}

fn vendor_id(manufacturer: &str) -> Option<&'static str> {
    Knowledge::builtin()
        .vendor_for(manufacturer)
        .map(|v| v.id.as_str())
}

#[test]
fn smbios_manufacturer_strings_select_the_vendor() {
    for (manufacturer, id) in [
        ("Dell Inc.", "dell"),
        ("Dell Computer Corporation", "dell"),
        ("  DELL INC. ", "dell"),
        ("HPE", "hpe"),
        ("HP", "hpe"),
        ("Hewlett-Packard", "hpe"),
        ("Hewlett Packard Enterprise", "hpe"),
        ("Compaq", "hpe"),
        ("Supermicro", "supermicro"),
        ("Super Micro Computer, Inc.", "supermicro"),
        ("LENOVO", "lenovo"),
        ("IBM", "ibm"),
        ("Cisco Systems Inc", "cisco"),
        ("Cisco Systems, Inc.", "cisco"),
        ("FUJITSU", "fujitsu"),
        ("FUJITSU SIEMENS", "fujitsu"),
    ] {
        assert_eq!(vendor_id(manufacturer), Some(id), "{manufacturer}");
    }
    for other in [
        "",
        "To Be Filled By O.E.M.",
        "Dell",
        "Hewlett",
        "HPEX Corp",
        "Micro-Star International Co., Ltd.",
        "IBMX",
    ] {
        assert_eq!(vendor_id(other), None, "{other}");
    }
}

#[test]
fn dell_virtualization_advice_in_dells_words() {
    let lines = firmware().advice(
        Setting::Virtualization,
        Some("Dell Inc."),
        Some(CpuFamily::Intel),
    );
    assert_eq!(
        lines,
        [
            "Press F2 at boot → System BIOS → Processor Settings → Virtualization Technology → Enabled",
            "Remotely: `racadm set BIOS.ProcSettings.ProcVirtualization Enabled`, then `racadm jobqueue create BIOS.Setup.1-1 -r pwrcycle`",
            "Power the machine off completely: a reboot is not enough, the processor keeps the old setting locked until the power is cut.",
        ]
    );
}

#[test]
fn intel_and_amd_variants_follow_the_cpu() {
    let amd = firmware().advice(
        Setting::Virtualization,
        Some("Supermicro"),
        Some(CpuFamily::Amd),
    );
    assert!(
        amd[0].ends_with("CPU Configuration → SVM Mode → Enabled"),
        "{amd:?}"
    );
    let intel = firmware().advice(Setting::Iommu, Some("HPE"), Some(CpuFamily::Intel));
    assert!(intel
        .iter()
        .any(|l| l.contains("`ilorest set IntelProcVtd=Enabled --selector Bios.`")));
    let amd = firmware().advice(Setting::Iommu, Some("HPE"), Some(CpuFamily::Amd));
    assert!(amd
        .iter()
        .any(|l| l.contains("ilorest set ProcAmdIoVt=Enabled")));
    let amd = firmware().advice(Setting::Iommu, Some("Dell Inc."), Some(CpuFamily::Amd));
    assert!(amd
        .iter()
        .any(|l| l.contains("BIOS.ProcSettings.IommuSupport Enabled")
            && l.ends_with("(attribute unconfirmed)")));
    // CPU unknown: both variants, each labelled.
    let both = firmware().advice(Setting::Virtualization, Some("Supermicro"), None);
    assert!(both.iter().any(|l| l.starts_with("Intel CPUs: Press Del")));
    assert!(both
        .iter()
        .any(|l| l.starts_with("AMD CPUs: Press Del") && l.contains("SVM Mode")));
}

#[test]
fn ibm_uses_lenovo_names_with_ibms_tool() {
    let lines = firmware().advice(Setting::HyperThreading, Some("IBM"), Some(CpuFamily::Intel));
    assert_eq!(
        lines[0],
        "Press F1 at boot → System Settings → Processors → Hyper-Threading (name unconfirmed) → Enable"
    );
    assert_eq!(
        lines[1],
        "Remotely: `asu set Processors.HyperThreading Enable`, then restart the server"
    );
    let lenovo = firmware().advice(Setting::HyperThreading, Some("LENOVO"), None);
    assert!(lenovo[1].contains("`OneCli config set Processors.HyperThreading Enable`"));
}

#[test]
fn a_setting_without_a_vendor_name_says_so_and_falls_back() {
    let lines = firmware().advice(Setting::X2apic, Some("LENOVO"), Some(CpuFamily::Intel));
    assert!(
        lines[0].starts_with("No Lenovo name for this setting is on record"),
        "{lines:?}"
    );
    assert!(lines[0].contains("press F1 at boot and enable x2APIC"));
    assert!(lines[1].starts_with("Names server vendors use:"));
    // Supermicro lists NX for Intel only: an AMD board gets the fallback.
    let amd = firmware().advice(Setting::Nx, Some("Supermicro"), Some(CpuFamily::Amd));
    assert!(amd[0].starts_with("No Supermicro name"), "{amd:?}");
}

#[test]
fn unknown_vendor_gets_generic_advice() {
    let lines = firmware().advice(
        Setting::HyperThreading,
        Some("ASUSTeK"),
        Some(CpuFamily::Intel),
    );
    assert!(lines[0].starts_with("In firmware setup"));
    assert!(lines[0].contains("enable hyper-threading"));
    assert!(
        lines[1].contains("\"Logical Processor\" (Dell)"),
        "{lines:?}"
    );
    assert!(lines[1].contains("\"Hyper-Threading [ALL]\" (Supermicro)"));
    assert_eq!(
        lines.last().map(String::as_str),
        Some("Save the change and restart the machine.")
    );
    let none = firmware().advice(Setting::Cores, None, None);
    assert!(none[0].contains("to all cores"));
}

/// Every lead stays marked wherever it is printed: in advice for that
/// vendor and CPU, and in both documentation tables.
#[test]
fn every_unconfirmed_name_is_marked_in_every_output() {
    let fw = firmware();
    for vendor in &fw.vendors {
        let manufacturer = &vendor.matches[0];
        for setting in Setting::ALL {
            for row in fw.rows(vendor, setting) {
                let cpu = match row.cpu {
                    CpuFamily::Any => None,
                    other => Some(other),
                };
                let lines = fw.advice(setting, Some(manufacturer), cpu);
                let setup = lines
                    .iter()
                    .find(|l| l.contains(&format!("→ {}", row.name)))
                    .unwrap_or_else(|| panic!("{} {}: {lines:?}", vendor.id, row.name));
                assert_eq!(
                    setup.contains(&format!("{} (name unconfirmed)", row.name)),
                    !row.confirmed,
                    "{setup}"
                );
                assert_eq!(
                    setup.contains("(menu path unconfirmed)"),
                    !row.path_confirmed
                );
                if let (Some(remote), Some(_)) = (&row.remote, &vendor.remote) {
                    let line = lines
                        .iter()
                        .find(|l| l.starts_with("Remotely:") && l.contains(&remote.attribute))
                        .unwrap_or_else(|| panic!("{} {}: {lines:?}", vendor.id, row.name));
                    assert_eq!(line.ends_with("(attribute unconfirmed)"), !remote.confirmed);
                }
            }
        }
    }
    let mut text = String::new();
    let mut markdown = String::new();
    for info in &fw.settings {
        for check in &info.checks {
            text += &fw.text_table(check).unwrap_or_default();
            markdown += &fw.markdown_table(check).unwrap_or_default();
        }
    }
    for vendor in &fw.vendors {
        for setting in Setting::ALL {
            let mapped = fw.setting(setting).is_some_and(|s| !s.checks.is_empty());
            for row in fw.rows(vendor, setting).into_iter().filter(|_| mapped) {
                let ours = |line: &&str| {
                    (line.starts_with(&format!("    {} (", vendor.name))
                        || line.starts_with(&format!("| {} |", vendor.name)))
                        && line.contains(&format!("→ {}", row.name))
                };
                let lines: Vec<&str> = text.lines().chain(markdown.lines()).filter(ours).collect();
                assert!(lines.len() >= 2, "{} {}", vendor.id, row.name);
                for line in lines {
                    assert_eq!(
                        line.contains("(name unconfirmed)"),
                        !row.confirmed,
                        "{line}"
                    );
                }
            }
        }
    }
}

#[test]
fn checks_map_to_settings_as_data() {
    let ids: Vec<Setting> = firmware()
        .settings_for_check("hvm-disabled-in-firmware")
        .map(|s| s.id)
        .collect();
    assert_eq!(ids, [Setting::Virtualization]);
    assert!(firmware().text_table("memory-below-minimum").is_none());
}

fn load(text: &str) -> Result<(), String> {
    let knowledge: FirmwareKnowledge = toml::from_str(text).map_err(|e| e.to_string())?;
    knowledge.validate().map_err(|e| e.to_string())
}

/// The builtin file with one edit applied, which must be rejected with a
/// message containing `expect`.
fn rejects(find: &str, replace: &str, expect: &str) {
    let text = include_str!("../../../probes/firmware-settings.toml");
    assert!(text.contains(find), "{find}");
    let edited = text.replacen(find, replace, 1);
    match load(&edited) {
        Err(message) => assert!(message.contains(expect), "{message}"),
        Ok(()) => panic!("accepted: {find} -> {replace}"),
    }
}

#[test]
fn validation_rejects_broken_files() {
    assert_eq!(
        load(include_str!("../../../probes/firmware-settings.toml")),
        Ok(())
    );
    rejects("id = \"ibm\"", "id = \"dell\"", "vendor `dell` repeats");
    rejects(
        "source = \"idrac-bios-enumeration\"",
        "source = \"no-such-doc\"",
        "unknown source `no-such-doc`",
    );
    rejects(
        "[[vendor.absent]]\nsetting = \"x2apic\"\nwhy = \"no Lenovo name for x2APIC is on record\"",
        "",
        "vendor `lenovo` has no row for `x2apic`",
    );
    rejects(
        "name = \"Logical Processor\"\nvalue = \"Enabled\"\nconfirmed = true\nsource = \"idrac-bios-enumeration\"",
        "name = \"Logical Processor\"\nvalue = \"Enabled\"\nconfirmed = true",
        "confirmed without a source",
    );
    rejects(
        "inherits = \"lenovo\"",
        "inherits = \"ibm\"",
        "inherits `ibm`",
    );
    rejects("match = [\"IBM\"]", "match = [\"Dell Inc\"]", "used twice");
    rejects(
        "id = \"x2apic\"\ntitle",
        "id = \"cores\"\ntitle",
        "setting `cores` repeats",
    );
    assert!(load("[[source]]\nid = 1").is_err());
}
