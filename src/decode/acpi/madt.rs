//! MADT (signature `APIC`): the interrupt controllers firmware hands to
//! the OS (ACPI specification 5.2.12). Header, local APIC address, flags,
//! then entries of `type: u8, length: u8`.

use crate::facts::{IoApic, MadtFacts};
use crate::formats::acpi_header::{self as header, le_u32, le_u8, HeaderError};
use std::collections::BTreeSet;

const ENTRIES_START: usize = 44;
const LOCAL_APIC: u8 = 0;
const IO_APIC: u8 = 1;
const LOCAL_X2APIC: u8 = 9;

pub fn decode(bytes: &[u8], notes: &mut Vec<String>) -> Result<MadtFacts, HeaderError> {
    let body = header::body(bytes)?;
    let table = body.table;
    let mut madt = MadtFacts {
        checksum_ok: body.checksum_ok,
        ..MadtFacts::default()
    };
    if body.truncated {
        notes.push(format!(
            "{} bytes of the {} the header declares",
            bytes.len(),
            body.header.length
        ));
        madt.malformed = true;
    }
    let (Some(address), Some(flags)) = (le_u32(table, 36), le_u32(table, 40)) else {
        notes.push("ends before the local APIC address and flags".into());
        madt.malformed = true;
        return Ok(madt);
    };
    madt.local_apic_address = address;
    madt.pcat_compat = flags & 1 != 0;

    let mut enabled_ids = BTreeSet::new();
    let mut offset = ENTRIES_START;
    while offset < table.len() {
        let kind = le_u8(table, offset).unwrap_or(0);
        let length = usize::from(le_u8(table, offset + 1).unwrap_or(0));
        let Some(entry) = table.get(offset..offset + length).filter(|_| length >= 2) else {
            notes.push(format!(
                "entry type {kind} at byte {offset} declares length {length}, which does not fit the {}-byte table",
                table.len()
            ));
            madt.malformed = true;
            break;
        };
        match kind {
            LOCAL_APIC => match (le_u8(entry, 3), le_u32(entry, 4)) {
                (Some(id), Some(flags)) => {
                    count(
                        flags,
                        &mut madt.local_apic_enabled,
                        &mut madt.local_apic_disabled,
                        &mut madt.local_apic_online_capable,
                    );
                    if flags & 1 != 0 {
                        enabled_ids.insert(u32::from(id));
                    }
                }
                _ => short(&mut madt, notes, "local APIC", offset, length),
            },
            LOCAL_X2APIC => match (le_u32(entry, 4), le_u32(entry, 8)) {
                (Some(id), Some(flags)) => {
                    count(
                        flags,
                        &mut madt.x2apic_enabled,
                        &mut madt.x2apic_disabled,
                        &mut madt.x2apic_online_capable,
                    );
                    if flags & 1 != 0 {
                        enabled_ids.insert(id);
                    }
                }
                _ => short(&mut madt, notes, "local x2APIC", offset, length),
            },
            IO_APIC => match (le_u8(entry, 2), le_u32(entry, 4), le_u32(entry, 8)) {
                (Some(id), Some(address), Some(gsi_base)) => madt.io_apics.push(IoApic {
                    id,
                    address,
                    gsi_base,
                }),
                _ => short(&mut madt, notes, "I/O APIC", offset, length),
            },
            _ => {}
        }
        offset += length;
    }
    madt.enabled_cpus = enabled_ids.len() as u32;
    Ok(madt)
}

fn count(flags: u32, enabled: &mut u32, disabled: &mut u32, online_capable: &mut u32) {
    if flags & 1 != 0 {
        *enabled += 1;
    } else {
        *disabled += 1;
        if flags & 2 != 0 {
            *online_capable += 1;
        }
    }
}

fn short(madt: &mut MadtFacts, notes: &mut Vec<String>, what: &str, offset: usize, length: usize) {
    notes.push(format!(
        "{what} entry at byte {offset} is {length} bytes, too short"
    ));
    madt.malformed = true;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The MADT of the HP DL360 G5 acpidump (two quad-core Xeon 5400s),
    /// transcribed from the fixture's `APIC` block.
    const DL360_G5: [u8; 0x9E] = [
        0x41, 0x50, 0x49, 0x43, 0x9E, 0x00, 0x00, 0x00, 0x01, 0x93, 0x48, 0x50, 0x20, 0x20, 0x20,
        0x20, 0x50, 0x72, 0x6F, 0x4C, 0x69, 0x61, 0x6E, 0x74, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xE0, 0xFE, 0x01, 0x00, 0x00, 0x00, 0x00,
        0x08, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x08, 0x04, 0x04, 0x01, 0x00, 0x00, 0x00,
        0x00, 0x08, 0x02, 0x02, 0x01, 0x00, 0x00, 0x00, 0x00, 0x08, 0x06, 0x06, 0x01, 0x00, 0x00,
        0x00, 0x00, 0x08, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x08, 0x05, 0x05, 0x01, 0x00,
        0x00, 0x00, 0x00, 0x08, 0x03, 0x03, 0x01, 0x00, 0x00, 0x00, 0x00, 0x08, 0x07, 0x07, 0x01,
        0x00, 0x00, 0x00, 0x01, 0x0C, 0x08, 0x00, 0x00, 0x00, 0xC0, 0xFE, 0x00, 0x00, 0x00, 0x00,
        0x01, 0x0C, 0x09, 0x00, 0x00, 0x00, 0xC8, 0xFE, 0x18, 0x00, 0x00, 0x00, 0x02, 0x0A, 0x00,
        0x00, 0x02, 0x00, 0x00, 0x00, 0x05, 0x00, 0x02, 0x0A, 0x00, 0x09, 0x09, 0x00, 0x00, 0x00,
        0x0D, 0x00, 0x04, 0x06, 0xFF, 0x00, 0x00, 0x01,
    ];

    #[test]
    fn dl360_g5_hands_over_eight_cpus_and_two_io_apics() {
        let mut notes = Vec::new();
        let madt = decode(&DL360_G5, &mut notes).unwrap_or_default();
        assert_eq!(notes, Vec::<String>::new());
        assert!(madt.checksum_ok && !madt.malformed);
        assert_eq!(madt.local_apic_address, 0xFEE0_0000);
        assert!(madt.pcat_compat);
        assert_eq!(madt.local_apic_enabled, 8);
        assert_eq!(madt.local_apic_disabled, 0);
        assert_eq!(madt.enabled_cpus, 8);
        assert_eq!(
            madt.io_apics,
            vec![
                IoApic {
                    id: 8,
                    address: 0xFEC0_0000,
                    gsi_base: 0
                },
                IoApic {
                    id: 9,
                    address: 0xFEC8_0000,
                    gsi_base: 24
                },
            ]
        );
    }

    #[test]
    fn disabled_and_x2apic_entries_are_counted_apart() {
        let mut table = DL360_G5.to_vec();
        // Disable CPU with APIC id 4 (second entry, flags at byte 56).
        table[56] = 0;
        // Append an enabled x2APIC entry for id 300 and fix length/checksum.
        table.extend_from_slice(&[9, 16, 0, 0, 0x2C, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
        let length = table.len() as u32;
        table[4..8].copy_from_slice(&length.to_le_bytes());
        table[9] = 0;
        let sum = table.iter().fold(0u8, |s, &b| s.wrapping_add(b));
        table[9] = sum.wrapping_neg();
        let mut notes = Vec::new();
        let madt = decode(&table, &mut notes).unwrap_or_default();
        assert!(madt.checksum_ok, "{notes:?}");
        assert_eq!(madt.local_apic_enabled, 7);
        assert_eq!(madt.local_apic_disabled, 1);
        assert_eq!(madt.x2apic_enabled, 1);
        assert_eq!(madt.enabled_cpus, 8);
    }

    #[test]
    fn every_prefix_and_random_flips_are_safe() {
        for end in 0..DL360_G5.len() {
            let mut notes = Vec::new();
            let result = decode(&DL360_G5[..end], &mut notes);
            assert!(result.is_err() || !notes.is_empty(), "cut at {end}");
        }
        let mut seed: u64 = 0x4D41_4454;
        for _ in 0..2000 {
            let mut table = DL360_G5;
            for _ in 0..3 {
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let at = (seed >> 33) as usize % table.len();
                table[at] = (seed >> 17) as u8;
            }
            let mut notes = Vec::new();
            let _ = decode(&table, &mut notes);
        }
    }
}
