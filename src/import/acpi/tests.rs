use super::*;
use crate::evidence::Origin;
use crate::facts::DecodeNote;

const ACPI: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/acpi");

fn dump_path(machine: &str) -> PathBuf {
    PathBuf::from(format!("{ACPI}/acpidump-text/{machine}.acpidump.txt"))
}

fn import(path: &Path) -> Evidence {
    let mut evidence = Evidence::new(Origin::Import);
    acpi_path(&mut evidence, path).unwrap_or_else(|e| panic!("{e}"));
    evidence
}

fn kept(evidence: &Evidence, signature: &str) -> Option<Vec<u8>> {
    let raw = evidence.acpi.as_ref()?;
    let table = raw.tables.iter().find(|t| t.signature == signature)?;
    Some(table.bytes.0.clone())
}

#[test]
fn all_five_server_dumps_import_whole() {
    for (machine, iommu) in [
        ("Hewlett-Packard_ProLiant_DL360_G5_A8DA802364DF", None),
        ("Hewlett-Packard_ProLiant_DL380_G5_97BE895CF6E6", None),
        (
            "Hewlett-Packard_ProLiant_DL360_G7_60DCEE46526A",
            Some("DMAR"),
        ),
        ("Supermicro_X8DTT_CE92DF29C87C", Some("DMAR")),
        ("Supermicro_H8DGU_57ED146F2C3C", Some("IVRS")),
    ] {
        let evidence = import(&dump_path(machine));
        let record = evidence
            .source("acpi")
            .cloned()
            .unwrap_or_else(|| panic!("no record"));
        assert_eq!(record.status, SourceStatus::Ok, "{machine}");
        // Every block's length and checksum verify: no notes in the detail.
        assert!(
            !record.detail.contains("checksum") && !record.detail.contains("declares"),
            "{machine}: {}",
            record.detail
        );
        let raw = evidence.acpi.clone().unwrap_or_default();
        for always in ["APIC", "DSDT", "FACP", "FACS"] {
            assert!(
                raw.signatures.iter().any(|s| s == always),
                "{machine}: {always}"
            );
        }
        let has = |s: &str| raw.signatures.iter().any(|x| x == s);
        assert_eq!(has("DMAR"), iommu == Some("DMAR"), "{machine}");
        assert_eq!(has("IVRS"), iommu == Some("IVRS"), "{machine}");
        assert!(kept(&evidence, "APIC").is_some(), "{machine}");
        assert_eq!(evidence.meta.imported_files.len(), 1);

        let mut notes: Vec<DecodeNote> = Vec::new();
        let facts = crate::decode::acpi::decode(&raw, &mut notes);
        assert_eq!(notes, vec![], "{machine}");
        assert!(facts.complete, "{machine}");
        assert_eq!(facts.dmar.is_some(), iommu == Some("DMAR"), "{machine}");
        assert_eq!(facts.ivrs.is_some(), iommu == Some("IVRS"), "{machine}");
    }
}

#[test]
fn dl360_g5_dump_proves_there_is_no_dmar() {
    let evidence = import(&dump_path("Hewlett-Packard_ProLiant_DL360_G5_A8DA802364DF"));
    let raw = evidence.acpi.clone().unwrap_or_default();
    assert_eq!(
        raw.signatures,
        [
            "APIC", "BERT", "DSDT", "ERST", "FACP", "FACS", "FFFF", "HEST", "HPET", "MCFG", "SPCR",
            "SPMI", "SSDT"
        ]
    );
    let mut notes = Vec::new();
    let facts = crate::decode::acpi::decode(&raw, &mut notes);
    assert!(facts.complete && !facts.lists_dmar() && !facts.lists_ivrs());
    // Two quad-core Xeons, all enabled.
    assert_eq!(facts.madt.map(|m| m.enabled_cpus), Some(8));
}

#[test]
fn tables_from_a_dump_match_the_extracted_fixtures() {
    for (machine, table, file) in [
        (
            "Hewlett-Packard_ProLiant_DL360_G7_60DCEE46526A",
            "DMAR",
            "dmar/server/Hewlett-Packard_ProLiant_DL360_G7_60DCEE46526A.DMAR.dat",
        ),
        (
            "Supermicro_X8DTT_CE92DF29C87C",
            "DMAR",
            "dmar/server/Supermicro_X8DTT_CE92DF29C87C.DMAR.dat",
        ),
        (
            "Supermicro_H8DGU_57ED146F2C3C",
            "IVRS",
            "ivrs/server/Supermicro_H8DGU_57ED146F2C3C.IVRS.dat",
        ),
    ] {
        let evidence = import(&dump_path(machine));
        let expected = std::fs::read(format!("{ACPI}/{file}")).unwrap_or_default();
        assert!(!expected.is_empty());
        assert_eq!(kept(&evidence, table), Some(expected), "{machine}");
    }
}

#[test]
fn a_single_binary_table_is_recognised_by_its_header() {
    let path = Path::new(ACPI).join("dmar/server/Dell_PowerEdge_R820_E5985CCBA349.DMAR.dat");
    let evidence = import(&path);
    let raw = evidence.acpi.clone().unwrap_or_default();
    assert_eq!(raw.signatures, ["DMAR"]);
    assert_eq!(raw.tables.len(), 1);
    assert_eq!(raw.tables[0].bytes.0.len(), 400);
    let mut notes = Vec::new();
    // One table file says nothing about the tables not given.
    assert!(!crate::decode::acpi::decode(&raw, &mut notes).complete);
}

#[test]
fn a_directory_of_tables() {
    let evidence = import(&Path::new(ACPI).join("dmar/server"));
    let raw = evidence.acpi.clone().unwrap_or_default();
    assert_eq!(raw.signatures, ["DMAR"]);
    assert_eq!(raw.tables.len(), 5);
    let mut notes = Vec::new();
    let facts = crate::decode::acpi::decode(&raw, &mut notes);
    // Five machines' tables in one place: the first is decoded, the rest noted.
    assert_eq!(notes.len(), 4);
    assert_eq!(facts.dmar.map(|d| d.host_address_width), Some(46));
}

#[test]
fn garbage_is_refused_with_the_file_named() {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"));
    let mut evidence = Evidence::new(Origin::Import);
    let error = acpi_path(&mut evidence, path).err().map(|e| e.to_string());
    assert!(
        error
            .as_deref()
            .is_some_and(|e| e.contains("Cargo.toml") && e.contains("acpidump")),
        "{error:?}"
    );
    assert_eq!(evidence.acpi, None);
}

#[test]
fn bad_checksum_and_short_block_are_notes() {
    let text =
        std::fs::read_to_string(dump_path("Supermicro_H8DGU_57ED146F2C3C")).unwrap_or_default();
    // Corrupt one IVRS byte and drop the FACS's last line.
    let text = text.replacen("0030: 10 3E 80 00", "0030: 10 3F 80 00", 1);
    let facs = text.find("FACS @").unwrap_or(0);
    let cut = text[facs..]
        .rfind("    0030:")
        .map_or(text.len(), |i| facs + i);
    let mut blocks = Import::default();
    assert!(blocks.add("dump", &text.as_bytes()[..cut]).is_ok());
    assert!(
        blocks
            .notes
            .iter()
            .any(|n| n.contains("IVRS: checksum does not add up")),
        "{:?}",
        blocks.notes
    );
    assert!(
        blocks
            .notes
            .iter()
            .any(|n| n.contains("FACS: header declares 64 bytes, 48 present")),
        "{:?}",
        blocks.notes
    );
}

#[test]
fn every_line_prefix_of_a_dump_and_byte_noise_never_panic() {
    let text = std::fs::read_to_string(dump_path("Hewlett-Packard_ProLiant_DL360_G5_A8DA802364DF"))
        .unwrap_or_default();
    let ends: Vec<usize> = text.match_indices('\n').map(|(i, _)| i).collect();
    for &end in ends.iter().step_by(3) {
        let mut import = Import::default();
        let _ = import.add("cut", &text.as_bytes()[..end]);
    }
    // Every byte prefix of the first blocks, mid-line cuts included.
    let head = &text.as_bytes()[..4000.min(text.len())];
    for end in 0..head.len() {
        let mut import = Import::default();
        let _ = import.add("cut", &head[..end]);
    }
    let mut seed: u64 = 0xAC1D_0000;
    let mut bytes = text.into_bytes();
    for _ in 0..300 {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let at = (seed >> 33) as usize % bytes.len().max(1);
        if let Some(b) = bytes.get_mut(at) {
            *b = (seed >> 20) as u8;
        }
    }
    let mut import = Import::default();
    let _ = import.add("noise", &bytes);
}
