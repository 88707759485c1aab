//! DMAR: Intel VT-d's DMA remapping reporting table (VT-d specification,
//! chapter 8). A 48-byte preamble (header, host address width, flags,
//! reserved), then remapping structures of `type: u16, length: u16`.

use crate::facts::{DmarFacts, DrhdUnit, RmrrRegion};
use crate::formats::acpi_header::{self as header, le_u16, le_u64, le_u8, HeaderError};

const STRUCTURES_START: usize = 48;
const DRHD: u16 = 0;
const RMRR: u16 = 1;
const ATSR: u16 = 2;
const RHSA: u16 = 3;
const ANDD: u16 = 4;
/// A device scope entry is at least type, length, reserved[2],
/// enumeration id and start bus.
const SCOPE_MIN: usize = 6;

/// Decodes what the bytes allow; a structure that does not fit stops the
/// walk, marks the result malformed and says why in `notes`.
pub fn decode(bytes: &[u8], notes: &mut Vec<String>) -> Result<DmarFacts, HeaderError> {
    let body = header::body(bytes)?;
    let table = body.table;
    let mut dmar = DmarFacts {
        signature: body.header.signature_str(),
        checksum_ok: body.checksum_ok,
        ..DmarFacts::default()
    };
    if body.truncated {
        notes.push(format!(
            "{} bytes of the {} the header declares",
            bytes.len(),
            body.header.length
        ));
        dmar.malformed = true;
    }
    let (Some(width), Some(flags)) = (le_u8(table, 36), le_u8(table, 37)) else {
        notes.push("ends before the host address width and flags".into());
        dmar.malformed = true;
        return Ok(dmar);
    };
    dmar.host_address_width = u16::from(width) + 1;
    dmar.flags = flags;
    dmar.intr_remap = flags & 1 != 0;
    dmar.x2apic_opt_out = flags & 2 != 0;
    dmar.dma_ctrl_platform_opt_in = flags & 4 != 0;

    let mut offset = STRUCTURES_START;
    while offset < table.len() {
        let Some((kind, structure)) = next_structure(table, offset, notes) else {
            dmar.malformed = true;
            break;
        };
        match kind {
            DRHD => match drhd(structure, notes) {
                Some(unit) => dmar.drhd.push(unit),
                None => dmar.malformed = true,
            },
            RMRR => match rmrr(structure, notes) {
                Some(region) => dmar.rmrr.push(region),
                None => dmar.malformed = true,
            },
            ATSR => dmar.atsr_count += 1,
            RHSA => dmar.rhsa_count += 1,
            ANDD => dmar.andd_count += 1,
            _ => dmar.other_count += 1,
        }
        offset += structure.len();
    }
    Ok(dmar)
}

/// The remapping structure at `offset`, checked against the table end.
fn next_structure<'a>(
    table: &'a [u8],
    offset: usize,
    notes: &mut Vec<String>,
) -> Option<(u16, &'a [u8])> {
    let (Some(kind), Some(length)) = (le_u16(table, offset), le_u16(table, offset + 2)) else {
        notes.push(format!(
            "a remapping structure header at byte {offset} runs past the table end"
        ));
        return None;
    };
    let length = usize::from(length);
    // A length below the 4-byte structure header would never advance.
    if length < 4 {
        notes.push(format!(
            "remapping structure type {kind} at byte {offset} declares length {length}"
        ));
        return None;
    }
    match table.get(offset..offset + length) {
        Some(structure) => Some((kind, structure)),
        None => {
            notes.push(format!(
                "remapping structure type {kind} at byte {offset} (length {length}) runs past the table end ({} bytes)",
                table.len()
            ));
            None
        }
    }
}

fn drhd(s: &[u8], notes: &mut Vec<String>) -> Option<DrhdUnit> {
    let (Some(flags), Some(segment), Some(register_base)) =
        (le_u8(s, 4), le_u16(s, 6), le_u64(s, 8))
    else {
        notes.push(format!(
            "a DRHD structure of {} bytes is shorter than 16",
            s.len()
        ));
        return None;
    };
    Some(DrhdUnit {
        flags,
        include_pci_all: flags & 1 != 0,
        segment,
        register_base,
        device_scopes: scopes(s, 16, notes)?,
    })
}

fn rmrr(s: &[u8], notes: &mut Vec<String>) -> Option<RmrrRegion> {
    let (Some(segment), Some(base), Some(limit)) = (le_u16(s, 6), le_u64(s, 8), le_u64(s, 16))
    else {
        notes.push(format!(
            "an RMRR structure of {} bytes is shorter than 24",
            s.len()
        ));
        return None;
    };
    Some(RmrrRegion {
        segment,
        base,
        limit,
        device_scopes: scopes(s, 24, notes)?,
    })
}

/// Counts the device scope entries from `start` to the structure end.
fn scopes(s: &[u8], start: usize, notes: &mut Vec<String>) -> Option<u32> {
    let mut count = 0;
    let mut offset = start;
    while offset < s.len() {
        let length = usize::from(le_u8(s, offset + 1).unwrap_or(0));
        if length < SCOPE_MIN || offset + length > s.len() {
            notes.push(format!(
                "a device scope at byte {offset} of a remapping structure declares length {length}, which does not fit"
            ));
            return None;
        }
        count += 1;
        offset += length;
    }
    Some(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/acpi/dmar/server");

    fn server(name: &str) -> DmarFacts {
        let bytes = std::fs::read(format!("{SERVER}/{name}.DMAR.dat"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut notes = Vec::new();
        let dmar = decode(&bytes, &mut notes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(notes, Vec::<String>::new(), "{name}");
        assert!(dmar.checksum_ok && !dmar.malformed, "{name}");
        dmar
    }

    #[test]
    fn dell_r820_remaps_interrupts_and_opts_out_of_x2apic() {
        let dmar = server("Dell_PowerEdge_R820_E5985CCBA349");
        assert_eq!(dmar.signature, "DMAR");
        assert_eq!(dmar.host_address_width, 46);
        assert_eq!(dmar.flags, 0x03);
        assert!(dmar.intr_remap && dmar.x2apic_opt_out && !dmar.dma_ctrl_platform_opt_in);
        // Four sockets' IIOs: the last unit is the catch-all of segment 0.
        assert_eq!(dmar.drhd.len(), 4);
        assert_eq!(dmar.drhd[0].register_base, 0xCF00_0000);
        assert_eq!(dmar.drhd[0].device_scopes, 7);
        let catch_all: Vec<_> = dmar.drhd.iter().filter(|u| u.include_pci_all).collect();
        assert_eq!(catch_all.len(), 1);
        assert_eq!(catch_all[0].register_base, 0xDF10_0000);
        assert_eq!(dmar.rmrr.len(), 3);
        assert_eq!(dmar.rmrr[0].base, 0xBF45_8000);
        assert_eq!(dmar.rmrr[0].limit, 0xBF46_FFFF);
        assert!(dmar.rmrr.iter().all(RmrrRegion::is_sane));
        assert_eq!(dmar.atsr_count, 1);
    }

    #[test]
    fn hp_dl360_g7_has_no_interrupt_remapping() {
        let dmar = server("Hewlett-Packard_ProLiant_DL360_G7_60DCEE46526A");
        assert_eq!(dmar.flags, 0x02);
        assert!(!dmar.intr_remap);
        assert!(dmar.x2apic_opt_out);
        assert_eq!(dmar.host_address_width, 39);
        assert_eq!(dmar.drhd.len(), 1);
        assert!(dmar.drhd[0].include_pci_all);
        assert_eq!(dmar.drhd[0].register_base, 0xE7FF_E000);
        assert_eq!(dmar.rmrr.len(), 3);
        assert_eq!(dmar.atsr_count, 1);
    }

    #[test]
    fn other_servers_remap_interrupts() {
        for (name, width, units) in [
            ("Fujitsu_PRIMERGY_41B1E7A57925", 36, 1),
            ("Quanta_QuantaMicro_X10E-9N_01ACEA39AAB2", 39, 1),
            ("Supermicro_X8DTT_CE92DF29C87C", 40, 1),
        ] {
            let dmar = server(name);
            assert_eq!(dmar.flags, 0x01, "{name}");
            assert!(dmar.intr_remap, "{name}");
            assert_eq!(dmar.host_address_width, width, "{name}");
            assert_eq!(dmar.drhd.len(), units, "{name}");
            assert!(dmar.drhd.iter().all(|u| u.register_base != 0), "{name}");
        }
        // The Fujitsu's only unit carries an I/O APIC and eight HPET scopes.
        let fujitsu = server("Fujitsu_PRIMERGY_41B1E7A57925");
        assert_eq!(fujitsu.drhd[0].register_base, 0xFED9_1000);
        assert_eq!(fujitsu.drhd[0].device_scopes, 9);
    }

    #[test]
    fn bad_lengths_are_notes_not_panics() {
        let bytes = std::fs::read(format!("{SERVER}/Supermicro_X8DTT_CE92DF29C87C.DMAR.dat"))
            .unwrap_or_default();
        // A DRHD claiming 2 bytes would loop forever if trusted.
        let mut zero = bytes.clone();
        zero[50] = 2;
        zero[51] = 0;
        let mut notes = Vec::new();
        let dmar = decode(&zero, &mut notes).unwrap_or_default();
        assert!(dmar.malformed && !notes.is_empty());
        assert!(dmar.drhd.is_empty());
        // A device scope running past its structure.
        let mut scope = bytes;
        scope[0x41] = 0xF0;
        let mut notes = Vec::new();
        let dmar = decode(&scope, &mut notes).unwrap_or_default();
        assert!(dmar.malformed && !dmar.checksum_ok);
        assert!(notes.iter().any(|n| n.contains("device scope")));
    }
}
