//! Real captures in, every identifier they held searched for in the
//! redacted bundle and in every report format made from it.

use super::*;
use crate::evidence::Origin;
use crate::knowledge::Knowledge;
use smbioslib::{
    SMBiosBaseboardInformation, SMBiosData, SMBiosMemoryDevice, SMBiosProcessorInformation,
    SMBiosString, SMBiosStruct, SMBiosSystemChassisInformation, SMBiosSystemInformation,
    SMBiosSystemPowerSupply,
};
use std::path::Path;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/");

fn fixture(relative: &str) -> String {
    format!("{FIXTURES}{relative}")
}

/// Every identifying string smbioslib (not our redactor) reads from the
/// table, placeholders left out: they identify nothing and also stand in
/// fields that stay.
fn smbios_identifiers(table: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut keep = |s: SMBiosString| {
        if let Some(text) = s.to_utf8_lossy() {
            let identifying = crate::formats::smbios::strings::clean(&text).is_some()
                && !is_unset(&text)
                && text.trim().len() >= 4;
            if identifying {
                found.push(text.trim().to_string());
            }
        }
    };
    let data = SMBiosData::from_vec_and_version(table.to_vec(), None);
    for s in data.iter() {
        match s.header.struct_type() {
            SMBiosSystemInformation::STRUCT_TYPE => {
                keep(SMBiosSystemInformation::new(s).serial_number())
            }
            SMBiosBaseboardInformation::STRUCT_TYPE => {
                let b = SMBiosBaseboardInformation::new(s);
                keep(b.serial_number());
                keep(b.asset_tag());
            }
            SMBiosSystemChassisInformation::STRUCT_TYPE => {
                let c = SMBiosSystemChassisInformation::new(s);
                keep(c.serial_number());
                keep(c.asset_tag_number());
            }
            SMBiosProcessorInformation::STRUCT_TYPE => {
                let p = SMBiosProcessorInformation::new(s);
                keep(p.serial_number());
                keep(p.asset_tag());
            }
            SMBiosMemoryDevice::STRUCT_TYPE => {
                let m = SMBiosMemoryDevice::new(s);
                keep(m.serial_number());
                keep(m.asset_tag());
            }
            SMBiosSystemPowerSupply::STRUCT_TYPE => {
                let p = SMBiosSystemPowerSupply::new(s);
                keep(p.serial_number());
                keep(p.asset_tag_number());
            }
            _ => {}
        }
    }
    found
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Values of `Serial Number:`, `Asset Tag:` and `UUID:` lines, by plain
/// string search.
fn dmidecode_identifiers(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        for field in ["Serial Number:", "Asset Tag:", "UUID:"] {
            if let Some(at) = line.find(field) {
                let value = line[at + field.len()..].trim();
                let identifying = crate::formats::dmidecode_text::values::clean(value).is_some()
                    && !is_unset(value)
                    && value.len() >= 4;
                if identifying {
                    found.push(value.to_string());
                }
            }
        }
    }
    found
}

/// 8-4-4-4-12 UUIDs and colon MACs, found by walking the text.
fn uuids_and_macs(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    for i in 0..bytes.len() {
        for (len, seps) in [(36, &[8, 13, 18, 23][..]), (17, &[2, 5, 8, 11, 14][..])] {
            let Some(window) = bytes.get(i..i + len) else {
                continue;
            };
            let shaped = window.iter().enumerate().all(|(k, &b)| {
                if seps.contains(&k) {
                    b == if len == 36 { b'-' } else { b':' }
                } else {
                    b.is_ascii_hexdigit()
                }
            });
            let zero = window.iter().all(|&b| b == b'0' || b == b'-' || b == b':');
            if shaped && !zero {
                found.push(String::from_utf8_lossy(window).into_owned());
            }
        }
    }
    found
}

/// The bundle and the text, JSON and markdown reports, all as one text.
fn everything_written(evidence: &Evidence) -> String {
    let knowledge = Knowledge::builtin();
    let target = knowledge.target("xen").expect("xen target");
    let report = crate::analyze(evidence, knowledge, target);
    let options = crate::render::RenderOptions {
        target_name: &target.name,
        style: crate::render::Style {
            symbols: crate::render::Symbols::Ascii,
            ..crate::render::Style::default()
        },
    };
    // Every registered format, so a new one is covered without a test edit.
    let mut written = vec![serde_json::to_string(evidence).expect("bundle serialises")];
    written.extend(
        crate::render::FORMATS
            .iter()
            .map(|format| (format.render)(&report, &options)),
    );
    written.join("\n")
}

fn assert_gone(needles: &[String], written: &str) {
    for needle in needles {
        assert!(
            !written.contains(needle.as_str()),
            "`{needle}` survived redaction"
        );
    }
}

fn identity(evidence: &Evidence) -> (Option<String>, Option<String>, Option<String>) {
    let facts = crate::decode::decode(evidence, crate::knowledge::Knowledge::builtin());
    let smbios = facts.firmware.unwrap_or_default();
    (
        smbios.system.as_ref().and_then(|s| s.manufacturer.clone()),
        smbios.system.as_ref().and_then(|s| s.product.clone()),
        smbios.bios.as_ref().and_then(|b| b.version.clone()),
    )
}

#[test]
fn the_r630_table_loses_its_serials_and_uuid_and_still_decodes() {
    let path = fixture("smbios-bin/go-smbios/Dell-PowerEdge-R630-Dual-Xeon.dmi");
    let mut evidence = Evidence::new(Origin::Import);
    crate::import::dmi_file(&mut evidence, Path::new(&path)).expect("imports");
    let table = evidence.smbios.as_ref().expect("table").table.0.clone();
    let before = identity(&evidence);
    let facts = crate::decode::decode(&evidence, crate::knowledge::Knowledge::builtin())
        .firmware
        .unwrap_or_default();
    let system = facts.system.clone().unwrap_or_default();
    let uuid = system.uuid.clone().expect("the R630 has a UUID");
    let mut needles = smbios_identifiers(&table);
    assert!(
        needles.contains(&system.serial.clone().expect("a service tag")),
        "{needles:?}"
    );
    needles.push(uuid.clone());
    needles.push(uuid.replace('-', ""));
    let hexes: Vec<String> = needles
        .iter()
        .filter(|n| n.len() >= 5)
        .map(|n| hex(n.as_bytes()))
        .collect();

    redact(&mut evidence);

    let written = everything_written(&evidence);
    assert_gone(&needles, &written);
    assert_gone(&hexes, &written);
    let after = evidence.smbios.as_ref().expect("table").table.0.clone();
    assert_eq!(after.len(), table.len(), "filler keeps every offset");
    assert_eq!(identity(&evidence), before);
    assert!(before.0.as_deref().is_some_and(|v| v.contains("Dell")));
    let facts = crate::decode::decode(&evidence, crate::knowledge::Knowledge::builtin())
        .firmware
        .unwrap_or_default();
    let system = facts.system.unwrap_or_default();
    assert_eq!((system.serial, system.uuid), (None, None));
    let note = &evidence.meta.redacted;
    assert!(
        note.iter().any(|l| l.starts_with("smbios: ")
            && l.contains("serial numbers")
            && l.contains("1 UUID")),
        "{note:?}"
    );
    assert!(
        written.contains("redaction"),
        "the report names the redaction"
    );
}

#[test]
fn a_u_root_dump_and_its_dmidecode_text_together() {
    let base = fixture("smbios-bin/u-root/SuperMicro-X9DBL");
    let mut evidence = Evidence::new(Origin::Import);
    crate::import::dmi_file(&mut evidence, Path::new(&format!("{base}.bin"))).expect("bin");
    crate::import::dmidecode_text_file(&mut evidence, Path::new(&format!("{base}.dmidecode.txt")))
        .expect("text");
    let table = evidence.smbios.as_ref().expect("table").table.0.clone();
    let text = evidence.dmidecode_text.as_ref().expect("text").text.clone();
    let mut needles = smbios_identifiers(&table);
    needles.extend(dmidecode_identifiers(&text));
    needles.extend(uuids_and_macs(&text));
    assert!(!needles.is_empty());
    let before = identity(&evidence);

    redact(&mut evidence);

    assert_gone(&needles, &everything_written(&evidence));
    assert_eq!(identity(&evidence), before);
    assert_eq!(
        evidence.dmidecode_text.as_ref().map(|t| t.text.len()),
        Some(text.len())
    );
}

#[test]
fn dmidecode_texts_lose_serials_uuids_and_asset_tags() {
    for name in [
        "dmidecode-text/parse-dmidecode/dmidecode.app5.txt",
        "dmidecode-text/parse-dmidecode/albiorix.dev.spamlab.co.uk.txt",
        "dmidecode-text/parse-dmidecode/dmidecode_example1.txt",
    ] {
        let mut evidence = Evidence::new(Origin::Import);
        crate::import::dmidecode_text_file(&mut evidence, Path::new(&fixture(name)))
            .expect("imports");
        let text = evidence.dmidecode_text.as_ref().expect("text").text.clone();
        let mut needles = dmidecode_identifiers(&text);
        needles.extend(uuids_and_macs(&text));
        assert!(!needles.is_empty(), "{name} has identifiers to hide");
        let before = identity(&evidence);
        redact(&mut evidence);
        assert_gone(&needles, &everything_written(&evidence));
        assert_eq!(identity(&evidence), before, "{name}");
        assert!(evidence
            .meta
            .redacted
            .iter()
            .any(|l| l.starts_with("dmidecode text: ")));
    }
}

#[test]
fn a_kernel_log_loses_uuids_macs_and_its_syslog_host() {
    let path = fixture(
        "dmesg/linuxhw/Dell_PowerEdge-R610_18C49820E8F0.ubuntu-18.04_4.15.0-39-generic.dmesg",
    );
    let mut evidence = Evidence::new(Origin::Import);
    crate::import::dmesg::dmesg_file(&mut evidence, Path::new(&path)).expect("imports");
    let original = evidence.kernel_logs.first().expect("log").text.clone();
    // The linuxhw captures were anonymised at the source; give the log the
    // syslog form and a NIC line a live kern.log has.
    let text = format!(
        "Jan  5 10:00:00 gerd-r610 kernel: bnx2 0000:01:00.0 eth0: Broadcom NetXtreme II at mem d6000000, node addr 00:26:b9:3c:5a:10\n{original}"
    );
    if let Some(log) = evidence.kernel_logs.first_mut() {
        log.text = text.clone();
    }
    let mut needles = uuids_and_macs(&text);
    assert!(!needles.is_empty(), "{needles:?}");
    needles.push("gerd-r610".into());
    let before = crate::decode::decode(&evidence, crate::knowledge::Knowledge::builtin())
        .kernel_log
        .map(|k| k.events.len());

    redact(&mut evidence);

    assert_gone(&needles, &everything_written(&evidence));
    let after = crate::decode::decode(&evidence, crate::knowledge::Knowledge::builtin())
        .kernel_log
        .map(|k| k.events.len());
    assert_eq!(before, after, "the log's events survive redaction");
    let lines = evidence.meta.redacted.join("; ");
    assert!(
        lines.contains("kernel log: ") && lines.contains("MAC address"),
        "{lines}"
    );
}

#[test]
fn the_live_system_overview_loses_its_hostname_everywhere() {
    let mut evidence = Evidence::new(Origin::Live);
    evidence.system = Some(crate::evidence::SystemReadings {
        hostname: Some("gerd-r610".into()),
        kernel_release: Some("6.1.0-27-amd64".into()),
        ..Default::default()
    });
    evidence.kernel_logs.push(crate::evidence::LogText {
        source: "/var/log/kern.log".into(),
        text: "Jan  5 10:00:00 gerd-r610 kernel: Linux version 6.1.0".into(),
        ..Default::default()
    });
    redact(&mut evidence);
    assert_gone(&["gerd-r610".to_string()], &everything_written(&evidence));
    let system = evidence.system.as_ref().expect("kept");
    assert_eq!(system.hostname.as_deref(), Some("XXXXXXXXX"));
    assert_eq!(system.kernel_release.as_deref(), Some("6.1.0-27-amd64"));
    let lines = evidence.meta.redacted.join("; ");
    assert!(lines.contains("system overview: 1 hostname"), "{lines}");
}

#[test]
fn identity_files_and_net_addresses_are_overwritten() {
    let mut evidence = Evidence::new(Origin::Live);
    for (path, value) in [
        ("/sys/class/dmi/id/product_serial", "5QNFS1J\n"),
        ("/sys/class/dmi/id/board_serial", "..CN7475136K0042.\n"),
        ("/sys/class/dmi/id/chassis_asset_tag", "ACME-0042\n"),
        (
            "/sys/class/dmi/id/product_uuid",
            "4c4c4544-0051-4e10-8046-b5c04f53314a\n",
        ),
        ("/sys/class/dmi/id/sys_vendor", "Dell Inc.\n"),
        ("/sys/class/net/eth0/address", "00:1e:c9:aa:bb:cc\n"),
        ("/proc/sys/kernel/hostname", "albiorix\n"),
        ("/proc/cmdline", "root=/dev/sda1 console=albiorix\n"),
    ] {
        evidence.files.insert(path.into(), value.into());
    }
    redact(&mut evidence);
    let written = everything_written(&evidence);
    assert_gone(
        &[
            "5QNFS1J".into(),
            "CN7475136K0042".into(),
            "ACME-0042".into(),
            "4c4c4544-0051".into(),
            "00:1e:c9".into(),
            "albiorix".into(),
        ],
        &written,
    );
    assert_eq!(
        evidence.file("/sys/class/dmi/id/sys_vendor"),
        Some("Dell Inc.\n")
    );
    assert_eq!(
        evidence.file("/sys/class/net/eth0/address"),
        Some("XX:XX:XX:XX:XX:XX\n")
    );
    // Redacting again changes nothing and keeps the first account.
    let once = evidence.clone();
    redact(&mut evidence);
    assert_eq!(evidence, once);
}
