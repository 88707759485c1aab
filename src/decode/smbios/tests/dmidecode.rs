//! Every u-root dump against the dmidecode output captured beside it.

use super::{decoded, fixture};
use crate::formats::smbios::strings;

/// `Key: Value` lines of every block of a dmidecode text dump.
fn dmidecode_blocks(text: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut blocks: Vec<(String, Vec<(String, String)>)> = Vec::new();
    let mut previous = "";
    for line in text.lines() {
        if previous.starts_with("Handle 0x") && !line.starts_with('\t') {
            blocks.push((line.to_string(), Vec::new()));
        } else if let Some(item) = line.strip_prefix('\t').filter(|l| !l.starts_with('\t')) {
            if let (Some(block), Some((key, value))) = (blocks.last_mut(), item.split_once(": ")) {
                block.1.push((key.to_string(), value.to_string()));
            }
        }
        previous = line;
    }
    blocks
}

fn value<'a>(block: &'a [(String, String)], key: &str) -> Option<&'a str> {
    block
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// What dmidecode printed, reduced the way the decoder reduces strings.
fn expected(block: &[(String, String)], key: &str) -> Option<String> {
    value(block, key)
        .filter(|v| !v.starts_with('<'))
        .and_then(strings::clean)
}

fn dmidecode_size(text: &str) -> Option<u64> {
    let (number, unit) = text.split_once(' ')?;
    let n: u64 = number.parse().ok()?;
    match unit {
        "kB" => Some(n << 10),
        "MB" => Some(n << 20),
        "GB" => Some(n << 30),
        _ => None,
    }
}

#[test]
fn every_u_root_dump_agrees_with_its_dmidecode_output() {
    let names = [
        "Asus-UX307LA",
        "GigaByte-X399",
        "Gigabyte-GA-MA74GMT-S2",
        "Lenovo-ThinkPad-T480",
        "Lenovo-ThinkPad-W510",
        "MSI-MS-7816",
        "SuperMicro-X9DBL",
        "Synology-RS3614xsp",
        "VMWare",
    ];
    for name in names {
        let facts = decoded(&format!("u-root/{name}.bin"));
        let text = String::from_utf8(fixture(&format!("u-root/{name}.dmidecode.txt"))).unwrap();
        let blocks = dmidecode_blocks(&text);
        let block = |title: &str| {
            blocks
                .iter()
                .find(|(t, _)| t == title)
                .map(|(_, b)| b.as_slice())
                .unwrap_or_else(|| panic!("{name}: no {title} block"))
        };

        let version_line = text.lines().find(|l| l.ends_with(" present.")).unwrap();
        let (major, minor) = facts.version.unwrap();
        assert!(
            version_line.starts_with(&format!("SMBIOS {major}.{minor}")),
            "{name}: {version_line}"
        );

        let sys = block("System Information");
        let system = facts.system.clone().unwrap();
        assert!(system.manufacturer.is_some(), "{name}: no manufacturer");
        assert_eq!(system.manufacturer, expected(sys, "Manufacturer"), "{name}");
        assert_eq!(system.product, expected(sys, "Product Name"), "{name}");
        assert_eq!(system.version, expected(sys, "Version"), "{name}");
        assert_eq!(system.serial, expected(sys, "Serial Number"), "{name}");
        assert_eq!(system.sku, expected(sys, "SKU Number"), "{name}");
        assert_eq!(system.family, expected(sys, "Family"), "{name}");
        let uuid = value(sys, "UUID")
            .filter(|u| u.contains('-'))
            .map(str::to_lowercase);
        assert_eq!(system.uuid, uuid, "{name}");

        let bios_block = block("BIOS Information");
        let bios = facts.bios.clone().unwrap();
        assert_eq!(bios.vendor, expected(bios_block, "Vendor"), "{name}");
        assert_eq!(bios.version, expected(bios_block, "Version"), "{name}");
        assert_eq!(
            bios.release_date,
            expected(bios_block, "Release Date"),
            "{name}"
        );

        let board_block = block("Base Board Information");
        let board = facts.baseboard.clone().unwrap();
        assert_eq!(
            board.manufacturer,
            expected(board_block, "Manufacturer"),
            "{name}"
        );
        assert_eq!(
            board.product,
            expected(board_block, "Product Name"),
            "{name}"
        );
        assert_eq!(
            board.serial,
            expected(board_block, "Serial Number"),
            "{name}"
        );

        let chassis = facts.chassis.clone().unwrap();
        assert_eq!(
            chassis.kind,
            expected(block("Chassis Information"), "Type"),
            "{name}"
        );

        let cpus: Vec<_> = blocks
            .iter()
            .filter(|(t, _)| t == "Processor Information")
            .collect();
        assert_eq!(facts.processors.len(), cpus.len(), "{name}");
        for ((_, cpu_block), cpu) in cpus.iter().zip(&facts.processors) {
            let status = value(cpu_block, "Status").unwrap_or_default();
            assert_eq!(
                cpu.populated,
                status.starts_with("Populated"),
                "{name}: {status}"
            );
            let count = |key| value(cpu_block, key).and_then(|v| v.parse::<u16>().ok());
            assert_eq!(cpu.core_count, count("Core Count"), "{name}");
            assert_eq!(cpu.thread_count, count("Thread Count"), "{name}");
        }

        let installed: u64 = blocks
            .iter()
            .filter(|(t, _)| t == "Memory Device")
            .filter_map(|(_, b)| value(b, "Size").and_then(dmidecode_size))
            .sum();
        assert_eq!(facts.installed_memory_bytes(), Some(installed), "{name}");
    }
}
