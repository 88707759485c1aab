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
            "Note: before 12G: OMSA `omconfig chassis biossetup attribute=cpuvt setting=enabled`, or DTK `syscfg --virtualization=enable`; DTK also has `--vtfordirectio=enable`, a separate VT-d setting on some models.",
            "Remotely: `racadm set BIOS.ProcSettings.ProcVirtualization Enabled`, then `racadm jobqueue create BIOS.Setup.1-1 -r pwrcycle`",
            "Power the machine off completely: a reboot is not enough, the processor keeps the old setting locked until the power is cut.",
            "If the setting is enabled already, disable Intel TXT or update the firmware: some firmware locks VMX off when TXT is configured.",
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
    for setting in Setting::ALL {
        let text = fw.text_table(&[setting]).unwrap_or_default();
        let markdown = fw.markdown_table(&[setting]).unwrap_or_default();
        for vendor in &fw.vendors {
            for row in fw.rows(vendor, setting) {
                let ours = |line: &&str| {
                    (line.starts_with(&format!("    {} (", vendor.name))
                        || line.starts_with(&format!("| {} |", vendor.name)))
                        && [
                            format!("→ {} → ", row.name),
                            format!("→ {} (name unconfirmed) → ", row.name),
                        ]
                        .iter()
                        .any(|step| line.contains(&format!("{step}{}", row.value)))
                };
                let lines: Vec<&str> = text.lines().chain(markdown.lines()).filter(ours).collect();
                assert!(lines.len() >= 2, "{} {}", vendor.id, row.name);
                for line in lines {
                    assert_eq!(
                        line.contains(&format!("{} (name unconfirmed)", row.name)),
                        !row.confirmed,
                        "{line}"
                    );
                }
            }
        }
    }
}

#[test]
fn tables_follow_the_settings_asked_for() {
    let one = firmware().text_table(&[Setting::Nx]).expect("nx table");
    assert!(
        one.starts_with("Firmware settings by vendor: No-execute"),
        "{one}"
    );
    assert!(one.contains(
        "Dell (any CPU): F2 → System BIOS → Processor Settings → Execute Disable → Enabled"
    ));
    assert!(!one.contains("Hyper-threading"));
    let two = firmware()
        .text_table(&[Setting::Iommu, Setting::Nx])
        .expect("two tables");
    assert!(two.find("IOMMU (Intel VT-d / AMD-Vi)") < two.find("No-execute"));
    assert!(firmware().text_table(&[]).is_none());
    assert!(firmware().markdown_table(&[]).is_none());
}

#[test]
fn the_txt_hint_follows_virtualization_advice_on_intel_only() {
    let txt = |cpu| {
        firmware()
            .advice(Setting::Virtualization, Some("Dell Inc."), cpu)
            .iter()
            .any(|l| l.contains("Intel TXT"))
    };
    assert!(txt(Some(CpuFamily::Intel)));
    assert!(txt(None));
    assert!(!txt(Some(CpuFamily::Amd)));
    let table = firmware()
        .text_table(&[Setting::Virtualization])
        .expect("table");
    assert!(table.contains("    Intel CPUs: If the setting is enabled already, disable Intel TXT"));
}

#[test]
fn a_setting_is_named_as_the_machines_vendor_prints_it() {
    let phrase =
        |manufacturer, cpu| firmware().setting_phrase(Setting::HyperThreading, manufacturer, cpu);
    let intel = Some(CpuFamily::Intel);
    let amd = Some(CpuFamily::Amd);
    assert_eq!(
        phrase(Some("Dell Inc."), intel),
        "the setting Dell calls \"Logical Processor\""
    );
    assert_eq!(
        phrase(Some("HPE"), intel),
        "the setting HPE calls \"Intel(R) Hyperthreading\" (name unconfirmed)"
    );
    assert_eq!(
        phrase(Some("HPE"), amd),
        "the setting HPE calls \"AMD SMT Option\" (name unconfirmed)"
    );
    assert_eq!(
        phrase(Some("Supermicro"), None),
        "the setting Supermicro calls \"Hyper-Threading [ALL]\" on Intel CPUs or \"SMT Control\" on AMD CPUs"
    );
    assert_eq!(
        phrase(Some("LENOVO"), intel),
        "the setting Lenovo calls \"Hyper-Threading\" (name unconfirmed)"
    );
    assert_eq!(
        phrase(Some("Cisco Systems Inc"), intel),
        "the setting Cisco UCS calls \"Intel HyperThreading Tech\""
    );
    let unknown = phrase(Some("Micro-Star International Co., Ltd."), intel);
    assert!(
        unknown.starts_with(
            "the firmware's Hyper-threading (SMT) setting (names server vendors use: "
        ),
        "{unknown}"
    );
    assert!(
        unknown.contains("\"Logical Processor\" (Dell)"),
        "{unknown}"
    );
    // HPE's display name cites only the domain notes: unconfirmed, so not
    // offered as a name vendors use.
    assert!(!unknown.contains("(HPE)"), "{unknown}");
    assert!(
        !unknown.contains("SMT Control"),
        "an Intel machine gets Intel names: {unknown}"
    );
    assert_eq!(phrase(None, intel), unknown);
}

#[test]
fn the_event_log_is_named_as_the_machines_vendor_calls_it() {
    let fw = firmware();
    assert_eq!(
        fw.event_log_phrase(Some("Dell Inc.")),
        "`ipmitool sel elist` or the iDRAC Lifecycle Log"
    );
    assert_eq!(
        fw.event_log_phrase(Some("Hewlett-Packard")),
        "`ipmitool sel elist` or the iLO Integrated Management Log (IML)"
    );
    assert_eq!(
        fw.event_log_phrase(Some("LENOVO")),
        "`ipmitool sel elist` or the XClarity Controller (XCC) event log (name unconfirmed)"
    );
    assert_eq!(
        fw.event_log_phrase(Some("Cisco Systems, Inc.")),
        "`ipmitool sel elist` or the CIMC system event log (SEL) (name unconfirmed)"
    );
    let docs = fw.markdown_sources();
    assert!(
        docs.contains("| Dell | iDRAC Lifecycle Log | dell-idrac-lifecycle-log |"),
        "{docs}"
    );
    assert!(docs.contains("| Fujitsu | iRMC system event log (name unconfirmed) | none (lead) |"));
    let unknown = fw.event_log_phrase(None);
    assert_eq!(
        unknown,
        "`ipmitool sel elist`, or the management controller's own log (iDRAC Lifecycle Log on \
         Dell, iLO Integrated Management Log (IML) on HPE)"
    );
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
        "event_log = { name = \"iDRAC Lifecycle Log\", confirmed = true, source = \"dell-idrac-lifecycle-log\" }",
        "event_log = { name = \"iDRAC Lifecycle Log\", confirmed = true }",
        "vendor `dell` event_log",
    );
    rejects(
        "event_log = { name = \"IMM event log\", confirmed = false }\n",
        "",
        "missing field `event_log`",
    );
    rejects(
        "id = \"x2apic\"\ntitle",
        "id = \"cores\"\ntitle",
        "setting `cores` repeats",
    );
    assert!(load("[[source]]\nid = 1").is_err());
}

/// The file's rule: `confirmed = true` means the printed name is in the
/// cited document, and xenready's own domain notes are no such document.
#[test]
fn no_name_is_confirmed_by_the_domain_notes_alone() {
    for vendor in &firmware().vendors {
        for setting in &vendor.settings {
            assert!(
                !(setting.confirmed && setting.source.as_deref() == Some("domain-notes")),
                "{} {:?}",
                vendor.id,
                setting.id
            );
        }
    }
}
