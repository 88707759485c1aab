//! The text decoder replayed over real `dmidecode` output of 2005–2023,
//! checked against what the machines are, and against the binary decoder
//! reading the same machines' tables.

use super::*;
use crate::evidence::{Evidence, Origin};
use crate::facts::SmbiosFacts;
use std::path::{Path, PathBuf};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/dmidecode-text");

fn read(relative: &str) -> String {
    let path = format!("{FIXTURES}/{relative}");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    String::from_utf8_lossy(&bytes).into_owned()
}

fn decoded_text(text: &str) -> (Option<SmbiosFacts>, Vec<String>) {
    let mut notes = Vec::new();
    let facts = facts(&lexer::parse(text), &mut notes);
    (facts, notes)
}

fn decoded(relative: &str) -> SmbiosFacts {
    let (facts, notes) = decoded_text(&read(relative));
    assert!(notes.is_empty(), "{relative}: {notes:?}");
    facts.unwrap_or_else(|| panic!("{relative}: nothing decoded"))
}

const MIB: u64 = 1 << 20;

/// What a user checks on an old PowerEdge before reusing it.
struct Expected {
    file: &'static str,
    vendor: &'static str,
    product: &'static str,
    bios: (&'static str, &'static str, &'static str),
    populated: usize,
    cpu_version: Option<&'static str>,
    signature: u32,
    installed_mib: u64,
    slots: u16,
}

const POWEREDGES: &[Expected] = &[
    Expected {
        file: "parse-dmidecode/dmidecode_example4.txt",
        vendor: "Dell Computer Corporation",
        product: "PowerEdge 750",
        bios: ("Dell Computer Corporation", "A03", "10/22/2004"),
        populated: 1,
        cpu_version: None,
        // Family 15, model 3, stepping 4: a Prescott Pentium 4.
        signature: 0x0F34,
        installed_mib: 512,
        slots: 4,
    },
    Expected {
        file: "parse-dmidecode/albiorix.dev.spamlab.co.uk.txt",
        vendor: "Dell Computer Corporation",
        product: "PowerEdge 1850",
        bios: ("Dell Computer Corporation", "A02", "01/19/2005"),
        populated: 2,
        cpu_version: None,
        signature: 0x0F43,
        installed_mib: 3072,
        slots: 6,
    },
    Expected {
        file: "parse-dmidecode/dmidecode.app10.txt",
        vendor: "Dell Computer Corporation",
        product: "PowerEdge 2650",
        bios: ("Dell Computer Corporation", "A20", "10/21/2004"),
        populated: 2,
        cpu_version: None,
        // Family 15, model 2: a Gallatin/Prestonia Xeon.
        signature: 0x0F27,
        installed_mib: 2048,
        slots: 6,
    },
    Expected {
        file: "parse-dmidecode/iapetus.prod.spamlab.co.uk.txt",
        vendor: "Dell Computer Corporation",
        product: "PowerEdge 2850",
        bios: ("Dell Computer Corporation", "A02", "01/19/2005"),
        populated: 2,
        cpu_version: None,
        signature: 0x0F41,
        installed_mib: 4096,
        slots: 6,
    },
    Expected {
        file: "parse-dmidecode/dmidecode_example5.txt",
        vendor: "Dell Inc.",
        product: "PowerEdge 2950",
        bios: ("Dell Inc.", "1.1.0", "06/21/2006"),
        populated: 2,
        cpu_version: Some("Intel(R) Xeon(TM) CPU 3.20GHz"),
        // Family 15, model 6: a Dempsey Xeon 5000.
        signature: 0x0F64,
        installed_mib: 4096,
        slots: 8,
    },
];

#[test]
fn old_poweredges_read_as_their_owners_know_them() {
    for e in POWEREDGES {
        let facts = decoded(e.file);
        let system = facts.system.clone().unwrap();
        assert_eq!(system.manufacturer.as_deref(), Some(e.vendor), "{}", e.file);
        assert_eq!(system.product.as_deref(), Some(e.product), "{}", e.file);
        let bios = facts.bios.clone().unwrap();
        assert_eq!(
            (
                bios.vendor.as_deref(),
                bios.version.as_deref(),
                bios.release_date.as_deref()
            ),
            (Some(e.bios.0), Some(e.bios.1), Some(e.bios.2)),
            "{}",
            e.file
        );
        assert_eq!(facts.populated_sockets(), e.populated, "{}", e.file);
        for cpu in facts.processors.iter().filter(|p| p.populated) {
            assert_eq!(cpu.version.as_deref(), e.cpu_version, "{}", e.file);
            assert_eq!(cpu.cpuid_signature, Some(e.signature), "{}", e.file);
            assert_eq!(cpu.cpuid_edx, Some(0xBFEB_FBFF), "{}", e.file);
            assert_eq!(cpu.manufacturer.as_deref(), Some("Intel"), "{}", e.file);
        }
        assert_eq!(
            facts.installed_memory_bytes(),
            Some(e.installed_mib * MIB),
            "{}",
            e.file
        );
        let array = facts.memory_arrays.first().unwrap();
        assert_eq!(array.slots, Some(e.slots), "{}", e.file);
        assert_eq!(
            facts.memory_devices.len(),
            usize::from(e.slots),
            "{}",
            e.file
        );
        assert_eq!(array.usage.as_deref(), Some("System Memory"), "{}", e.file);
    }
}

#[test]
fn a_750_reads_its_identity_and_memory_in_detail() {
    let facts = decoded("parse-dmidecode/dmidecode_example4.txt");
    assert_eq!(facts.version, Some((2, 3)));
    let system = facts.system.unwrap();
    assert_eq!(system.serial.as_deref(), Some("GG4WF1J"));
    assert_eq!(
        system.uuid.as_deref(),
        Some("44454c4c-4700-1034-8057-c7c04f46314a")
    );
    assert_eq!(system.version, None, "Not Specified is no version");
    let chassis = facts.chassis.unwrap();
    assert_eq!(chassis.kind.as_deref(), Some("Rack Mount Chassis"));
    assert_eq!(chassis.asset_tag, None);
    let cpu = &facts.processors[0];
    assert_eq!(cpu.socket.as_deref(), Some("PROC1"));
    assert_eq!(cpu.status.as_deref(), Some("enabled"));
    assert_eq!(
        (cpu.max_speed_mhz, cpu.current_speed_mhz),
        (Some(4000), Some(2800))
    );
    // SMBIOS 2.3 has no characteristics word: unknown, not "no".
    assert_eq!(cpu.is_64bit_capable, None);
    let dimm = &facts.memory_devices[0];
    assert_eq!(dimm.locator.as_deref(), Some("DIMM1_A"));
    assert_eq!(dimm.memory_type.as_deref(), Some("DDR"));
    assert_eq!(dimm.speed_mts, Some(400));
    let empty = &facts.memory_devices[1];
    assert_eq!(
        (empty.size_bytes, empty.memory_type.as_deref()),
        (None, None)
    );
}

#[test]
fn an_idle_second_cpu_is_populated() {
    let facts = decoded("parse-dmidecode/albiorix.dev.spamlab.co.uk.txt");
    let status: Vec<_> = facts
        .processors
        .iter()
        .map(|p| p.status.as_deref())
        .collect();
    assert_eq!(status, vec![Some("enabled"), Some("idle")]);
}

#[test]
fn a_modern_dump_reads_characteristics_and_counts() {
    let facts = decoded("linuxhw/server/Dell_PowerEdge_R720_13A7060552FC.txt");
    let cpu = facts.processors.iter().find(|p| p.populated).unwrap();
    assert_eq!(
        cpu.version.as_deref(),
        Some("Intel(R) Xeon(R) CPU E5-2650L 0 @ 1.80GHz")
    );
    assert_eq!(
        (cpu.core_count, cpu.core_enabled, cpu.thread_count),
        (Some(8), Some(8), Some(16))
    );
    assert_eq!(cpu.is_64bit_capable, Some(true));
    assert_eq!(cpu.hardware_thread, Some(true));
    assert_eq!(cpu.execute_protection, Some(true));
    assert_eq!(cpu.enhanced_virtualization, Some(true));
    // Sandy Bridge-EP, family 6 model 45 stepping 7.
    assert_eq!(cpu.cpuid_signature, Some(0x0002_06D7));
    // linux-hardware.org anonymised serials to "--": no serial, not "--".
    let system = facts.system.unwrap();
    assert_eq!((system.serial, system.uuid), (None, None));
    let dimm = facts
        .memory_devices
        .iter()
        .find(|d| d.size_bytes.is_some())
        .unwrap();
    assert_eq!(dimm.size_bytes, Some(8 << 30));
    assert_eq!(dimm.speed_mts, Some(1333));
    assert_eq!(dimm.memory_type.as_deref(), Some("DDR3"));
}

#[test]
fn pre_2_0_output_reads_its_other_key_names() {
    let facts = decoded("parse-dmidecode/helene.prod.spamlab.co.uk.txt");
    let system = facts.system.unwrap();
    assert_eq!(
        system.manufacturer.as_deref(),
        Some("Dell Computer Corporation")
    );
    assert_eq!(system.product.as_deref(), Some("PowerEdge 1850"));
    assert_eq!(
        facts.bios.unwrap().release_date.as_deref(),
        Some("01/19/2005")
    );
    // Its memory devices are bare headings: no slot facts invented.
    assert!(facts.memory_devices.is_empty());
}

fn all_fixtures() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(Path::new(FIXTURES), &mut out);
    out
}

#[test]
fn every_dmidecode_text_fixture_imports_and_decodes() {
    let files = all_fixtures();
    assert!(files.len() >= 200, "only {} fixtures", files.len());
    for path in files {
        let mut evidence = Evidence::new(Origin::Import);
        crate::import::dmidecode_text_file(&mut evidence, &path).unwrap_or_else(|e| panic!("{e}"));
        let facts = crate::decode::decode(&evidence, crate::knowledge::Knowledge::builtin());
        let name = path.display();
        let firmware = facts
            .firmware
            .unwrap_or_else(|| panic!("{name}: no firmware facts"));
        assert!(
            firmware.system.is_some() || firmware.bios.is_some(),
            "{name}: neither system nor BIOS"
        );
        // Every ID line agrees with the Signature line beside it, in both
        // the hex (2.2) and the decimal (2.6+) style.
        assert!(
            facts.decode_notes.is_empty(),
            "{name}: {:?}",
            facts.decode_notes
        );
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if text.contains("\tStatus: Populated") {
            assert!(firmware.populated_sockets() > 0, "{name}");
        }
        if text.contains("Signature: ") && text.contains("\tID: ") {
            assert!(
                firmware
                    .processors
                    .iter()
                    .any(|p| p.cpuid_signature.is_some()),
                "{name}: no signature"
            );
        }
    }
}

/// The u-root pairs are one machine read twice: the table bytes and
/// `dmidecode` run on them. Both decoders must tell the same story.
#[test]
fn text_and_binary_decoders_agree_on_the_same_machines() {
    use crate::decode::smbios;
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
    let base = format!(
        "{}/tests/corpus/smbios-bin/u-root",
        env!("CARGO_MANIFEST_DIR")
    );
    for name in names {
        let bytes = std::fs::read(format!("{base}/{name}.bin")).unwrap();
        let raw = crate::import::dmi::parse(&bytes).unwrap();
        let binary = smbios::decode(&raw, &mut Vec::new()).unwrap();
        let text = std::fs::read(format!("{base}/{name}.dmidecode.txt")).unwrap();
        let (text, notes) = decoded_text(&String::from_utf8_lossy(&text));
        let text = text.unwrap();
        assert!(notes.is_empty(), "{name}: {notes:?}");

        assert_eq!(text.version, binary.version, "{name}");
        assert_eq!(text.bios, binary.bios, "{name}");
        assert_eq!(text.system, binary.system, "{name}");
        assert_eq!(text.baseboard, binary.baseboard, "{name}");
        assert_eq!(text.chassis, binary.chassis, "{name}");
        assert_eq!(text.processors.len(), binary.processors.len(), "{name}");
        for (t, b) in text.processors.iter().zip(&binary.processors) {
            assert_eq!(
                (&t.socket, t.populated, &t.status, &t.version),
                (&b.socket, b.populated, &b.status, &b.version),
                "{name}"
            );
            assert_eq!(
                (t.cpuid_signature, t.cpuid_edx),
                (b.cpuid_signature, b.cpuid_edx),
                "{name}"
            );
            assert_eq!(
                (t.core_count, t.core_enabled, t.thread_count),
                (b.core_count, b.core_enabled, b.thread_count),
                "{name}"
            );
            assert_eq!(
                (t.max_speed_mhz, t.current_speed_mhz),
                (b.max_speed_mhz, b.current_speed_mhz),
                "{name}"
            );
            // Text says "None" for an empty word, which it cannot tell
            // from "unknown"; where it says something, it agrees.
            if t.is_64bit_capable.is_some() {
                assert_eq!(
                    (
                        t.is_64bit_capable,
                        t.execute_protection,
                        t.enhanced_virtualization
                    ),
                    (
                        b.is_64bit_capable,
                        b.execute_protection,
                        b.enhanced_virtualization
                    ),
                    "{name}"
                );
            }
        }
        assert_eq!(text.memory_arrays, binary.memory_arrays, "{name}");
        assert_eq!(text.memory_devices, binary.memory_devices, "{name}");
        assert_eq!(
            text.installed_memory_bytes(),
            binary.installed_memory_bytes(),
            "{name}"
        );
    }
}

use crate::test_support::Lcg;

#[test]
fn truncated_and_damaged_text_never_panics() {
    let text = read("parse-dmidecode/dmidecode_example5.txt");
    let bytes = text.as_bytes();
    for end in (0..bytes.len()).step_by(7) {
        let prefix = String::from_utf8_lossy(&bytes[..end]);
        let _ = decoded_text(&prefix);
    }
    let mut rng = Lcg(0x5EED);
    for _ in 0..300 {
        let mut damaged = bytes.to_vec();
        for _ in 0..16 {
            let at = (rng.next() as usize) % damaged.len();
            damaged[at] = match rng.next() % 4 {
                0 => b'\t',
                1 => b'\n',
                2 => b':',
                _ => rng.next() as u8,
            };
        }
        let _ = decoded_text(&String::from_utf8_lossy(&damaged));
    }
    for garbage in [
        "Handle 0x",
        "Handle 0xFFFFFFFFFFFF, DMI type 999, 4 bytes\n",
        "Handle 0x0400, DMI type 4, 40 bytes\n\tID: ZZ\n\tSignature: Family\n",
        "Handle 0x0400, DMI type 4, 40 bytes\nProcessor Information\n\t\t\tdeep\n\t:\n\tStatus: Populated\n",
        "Handle 0x1100, DMI type 17, 34 bytes\nMemory Device\n\tSize: 18446744073709551615 GB\n",
        "\t\t\t\n\n\n: : :",
    ] {
        let _ = decoded_text(garbage);
    }
}
