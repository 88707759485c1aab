//! Cut, shortened and corrupted tables: partial or error, never a panic.

use super::{decode, dmi, fixture, SmbiosRaw};
use crate::evidence::HexBytes;
use crate::formats::smbios::Completeness;

#[test]
fn every_prefix_of_a_table_is_partial_or_error_never_a_panic() {
    let table = fixture("go-smbios/Dell-PowerEdge-R630-Dual-Xeon.dmi");
    for len in 0..table.len() {
        let prefix = &table[..len];
        let raw = SmbiosRaw {
            entry_point: None,
            table: HexBytes(prefix.to_vec()),
            rsmb_header: None,
        };
        let check = raw.validate();
        assert_ne!(
            check.status,
            Completeness::Whole,
            "prefix {len}: {}",
            check.detail
        );
        let mut notes = Vec::new();
        let facts = decode(&raw, &mut notes);
        assert!(!notes.is_empty(), "prefix {len} decoded without a note");
        // A system structure is decoded only whole, so never garbled.
        if let Some(system) = facts.and_then(|f| f.system) {
            assert_eq!(
                system.manufacturer.as_deref(),
                Some("Dell Inc."),
                "prefix {len}"
            );
            assert_eq!(system.serial.as_deref(), Some("790H8D2"), "prefix {len}");
        }
        // The importer makes the same call on the same bytes.
        if let Ok(imported) = dmi::parse(prefix) {
            assert_eq!(imported.validate().status, check.status, "prefix {len}");
        }
    }
}

#[test]
fn truncated_dumps_with_entry_points_are_partial_or_rejected() {
    for name in ["rust-dmidecode/dmidecode.bin", "rust-dmidecode/dmi.0.bin"] {
        let dump = fixture(name);
        for len in 0..dump.len() {
            match dmi::parse(&dump[..len]) {
                Ok(raw) => {
                    let check = raw.validate();
                    assert_ne!(check.status, Completeness::Whole, "{name} prefix {len}");
                    decode(&raw, &mut Vec::new());
                }
                Err(e) => assert!(!e.message.is_empty()),
            }
        }
        assert_eq!(
            dmi::parse(&dump).unwrap().validate().status,
            Completeness::Whole
        );
    }
}

use crate::test_support::Lcg;

#[test]
fn random_byte_flips_never_panic() {
    let mut rng = Lcg(0x5EED_F1A5);
    let sources = [
        "go-smbios/Dell-PowerEdge-R630-Dual-Xeon.dmi",
        "u-root/SuperMicro-X9DBL.bin",
        "u-root/GigaByte-X399.bin",
        "smbios-lib/jeffgerlap_3_2_0.dat",
        "rust-dmidecode/dmi_v3_short.bin",
    ];
    for name in sources {
        let original = fixture(name);
        for _ in 0..300 {
            let mut bytes = original.clone();
            for _ in 0..=rng.below(8) {
                let at = rng.below(bytes.len());
                bytes[at] = u8::try_from(rng.next() & 0xFF).unwrap_or(0);
            }
            if let Ok(raw) = dmi::parse(&bytes) {
                let check = raw.validate();
                assert!(!check.detail.is_empty());
                decode(&raw, &mut Vec::new());
            }
        }
    }
}
