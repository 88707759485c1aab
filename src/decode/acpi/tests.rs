use super::*;
use crate::evidence::{AcpiTableRaw, HexBytes};
use std::path::{Path, PathBuf};

const ACPI_FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/acpi");

/// Every `*.DMAR.dat` or `*.IVRS.dat` below `dir`, sorted.
fn tables(dir: &Path, suffix: &str, found: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", std::path::Path::new(dir).display()));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            tables(&path, suffix, found);
        } else if path.to_string_lossy().ends_with(suffix) {
            found.push(path);
        }
    }
    found.sort();
}

fn all(suffix: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let mut paths = Vec::new();
    tables(Path::new(ACPI_FIXTURES), suffix, &mut paths);
    paths
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, bytes)
        })
        .collect()
}

fn raw(signature: &str, bytes: &[u8]) -> AcpiRaw {
    AcpiRaw {
        signatures: vec![signature.to_string()],
        tables: vec![AcpiTableRaw {
            signature: signature.to_string(),
            bytes: HexBytes(bytes.to_vec()),
        }],
    }
}

#[test]
fn every_dmar_fixture_decodes_cleanly() {
    let fixtures = all(".DMAR.dat");
    assert!(
        fixtures.len() >= 300,
        "only {} DMAR fixtures",
        fixtures.len()
    );
    let mut without_ir = 0;
    for (path, bytes) in &fixtures {
        let mut notes = Vec::new();
        let facts = decode(&raw("DMAR", bytes), &mut notes);
        let dmar = facts
            .dmar
            .unwrap_or_else(|| panic!("{}: {notes:?}", path.display()));
        // The fixtures were extracted with length and checksum verified.
        assert!(dmar.checksum_ok, "{}", path.display());
        assert!(!dmar.malformed, "{}: {notes:?}", path.display());
        assert!(!dmar.drhd.is_empty(), "{}: no DRHD", path.display());
        assert!(
            (32..=64).contains(&dmar.host_address_width),
            "{}: width {}",
            path.display(),
            dmar.host_address_width
        );
        without_ir += usize::from(!dmar.intr_remap);
    }
    // Interrupt remapping is the norm, but not universal on old chipsets.
    assert!(
        without_ir > 0 && without_ir < fixtures.len() / 4,
        "{without_ir}"
    );
}

#[test]
fn every_ivrs_fixture_decodes_cleanly() {
    let fixtures = all(".IVRS.dat");
    assert!(fixtures.len() > 50, "only {} IVRS fixtures", fixtures.len());
    let mut with_efr = 0;
    for (path, bytes) in &fixtures {
        let mut notes = Vec::new();
        let facts = decode(&raw("IVRS", bytes), &mut notes);
        let ivrs = facts
            .ivrs
            .unwrap_or_else(|| panic!("{}: {notes:?}", path.display()));
        assert!(ivrs.checksum_ok, "{}", path.display());
        assert!(!ivrs.malformed, "{}: {notes:?}", path.display());
        assert!(!ivrs.ivhd.is_empty(), "{}: no IVHD", path.display());
        assert!(
            ivrs.ivhd.iter().all(|h| h.iommu_base != 0),
            "{}",
            path.display()
        );
        with_efr += usize::from(ivrs.ivhd.iter().any(|h| h.efr.is_some()));
    }
    // Zen-era firmware publishes type 0x11/0x40 blocks with an EFR image.
    assert!(with_efr > 0);
}

#[test]
fn every_prefix_of_every_server_table_is_safe() {
    let mut fixtures = all(".DMAR.dat");
    fixtures.retain(|(p, _)| p.to_string_lossy().contains("/server/"));
    fixtures.extend(all(".IVRS.dat").into_iter().take(20));
    assert!(fixtures.len() >= 6);
    for (path, bytes) in &fixtures {
        for signature in ["DMAR", "IVRS", "APIC"] {
            for end in 0..=bytes.len() {
                let mut notes = Vec::new();
                let facts = decode(&raw(signature, &bytes[..end]), &mut notes);
                if end < bytes.len() {
                    // A cut table never decodes silently.
                    assert!(!notes.is_empty(), "{} cut at {end}", path.display());
                }
                let _ = facts;
            }
        }
    }
}

use crate::test_support::Lcg;

#[test]
fn random_byte_flips_never_panic() {
    let mut rng = Lcg(0x5EED_ACB1);
    let fixtures: Vec<_> = all(".DMAR.dat")
        .into_iter()
        .step_by(7)
        .chain(all(".IVRS.dat").into_iter().step_by(3))
        .collect();
    for (_, bytes) in &fixtures {
        for _ in 0..200 {
            let mut mutated = bytes.clone();
            for _ in 0..=(rng.next() % 4) {
                let at = (rng.next() as usize) % mutated.len().max(1);
                if let Some(b) = mutated.get_mut(at) {
                    *b = rng.next() as u8;
                }
            }
            for signature in ["DMAR", "IVRS", "APIC"] {
                let mut notes = Vec::new();
                let _ = decode(&raw(signature, &mutated), &mut notes);
            }
        }
    }
}

#[test]
fn listing_completeness_and_xen_renamed_dmar() {
    let bytes = std::fs::read(format!(
        "{ACPI_FIXTURES}/dmar/server/Supermicro_X8DTT_CE92DF29C87C.DMAR.dat"
    ))
    .unwrap_or_default();
    let mut renamed = bytes.clone();
    // Xen swaps the signature's bytes: the checksum still adds up.
    renamed[..4].copy_from_slice(b"RMAD");
    let raw = AcpiRaw {
        signatures: ["APIC", "DSDT", "FACP", "RMAD"].map(String::from).to_vec(),
        tables: vec![AcpiTableRaw {
            signature: "RMAD".into(),
            bytes: HexBytes(renamed),
        }],
    };
    let mut notes = Vec::new();
    let facts = decode(&raw, &mut notes);
    assert_eq!(notes, vec![]);
    assert!(facts.complete && facts.lists_dmar() && !facts.lists("DMAR"));
    let dmar = facts.dmar.unwrap_or_default();
    assert_eq!(dmar.signature, "RMAD");
    assert!(dmar.intr_remap && dmar.checksum_ok);

    // A lone table proves nothing about the others.
    let lone = decode(&super::tests::raw("DMAR", &bytes), &mut notes);
    assert!(!lone.complete);
}

#[test]
fn a_bad_checksum_is_a_note() {
    let mut bytes = std::fs::read(format!(
        "{ACPI_FIXTURES}/ivrs/server/Supermicro_H8DGU_57ED146F2C3C.IVRS.dat"
    ))
    .unwrap_or_default();
    bytes[9] = bytes[9].wrapping_add(1);
    let mut notes = Vec::new();
    let facts = decode(&raw("IVRS", &bytes), &mut notes);
    assert_eq!(facts.ivrs.map(|i| i.checksum_ok), Some(false));
    assert_eq!(notes.len(), 1);
    assert!(notes[0].note.starts_with("IVRS: checksum"), "{notes:?}");
}
