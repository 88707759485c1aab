//! IVRS: AMD's I/O virtualization reporting structure (AMD I/O
//! Virtualization Technology specification, section 5.2). Header, IVinfo,
//! 8 reserved bytes, then IVHD (hardware) and IVMD (memory) blocks of
//! `type: u8, flags: u8, length: u16`.

use crate::facts::{IvhdBlock, IvrsFacts};
use crate::formats::acpi_header::{self as header, le_u16, le_u32, le_u64, le_u8, HeaderError};

const BLOCKS_START: usize = 48;
/// IVHD type 0x10 has a 24-byte header; 0x11 and 0x40 add the IOMMU
/// attributes, the EFR image and a reserved quadword (40 bytes).
const IVHD_LEGACY: u8 = 0x10;
const IVHD_EFR_TYPES: [u8; 2] = [0x11, 0x40];
const IVHD_LEGACY_LEN: usize = 24;
const IVHD_EFR_LEN: usize = 40;
const IVMD_TYPES: [u8; 3] = [0x20, 0x21, 0x22];
/// The variable-length ACPI HID device entry: its length is 22 plus the
/// UID length at byte 21 (Linux `ivhd_entry_length`).
const ENTRY_ACPI_HID: u8 = 0xF0;

pub fn decode(bytes: &[u8], notes: &mut Vec<String>) -> Result<IvrsFacts, HeaderError> {
    let body = header::body(bytes)?;
    let table = body.table;
    let mut ivrs = IvrsFacts {
        checksum_ok: body.checksum_ok,
        ..IvrsFacts::default()
    };
    if body.truncated {
        notes.push(format!(
            "{} bytes of the {} the header declares",
            bytes.len(),
            body.header.length
        ));
        ivrs.malformed = true;
    }
    let Some(ivinfo) = le_u32(table, 36) else {
        notes.push("ends before IVinfo".into());
        ivrs.malformed = true;
        return Ok(ivrs);
    };
    ivrs.ivinfo = ivinfo;
    ivrs.efr_sup = ivinfo & 1 != 0;
    ivrs.dma_remap_opt_in = ivinfo & 2 != 0;
    ivrs.guest_virtual_address_size = ((ivinfo >> 5) & 0x7) as u8;
    ivrs.physical_address_size = ((ivinfo >> 8) & 0x7F) as u8;
    ivrs.virtual_address_size = ((ivinfo >> 15) & 0x7F) as u8;

    let mut offset = BLOCKS_START;
    while offset < table.len() {
        let (Some(kind), Some(length)) = (le_u8(table, offset), le_u16(table, offset + 2)) else {
            notes.push(format!(
                "a block header at byte {offset} runs past the table end"
            ));
            ivrs.malformed = true;
            break;
        };
        let length = usize::from(length);
        let Some(block) = table.get(offset..offset + length).filter(|_| length >= 4) else {
            notes.push(format!(
                "block type {kind:#04x} at byte {offset} declares length {length}, which does not fit the {}-byte table",
                table.len()
            ));
            ivrs.malformed = true;
            break;
        };
        if kind == IVHD_LEGACY || IVHD_EFR_TYPES.contains(&kind) {
            match ivhd(kind, block, notes) {
                Some(hd) => ivrs.ivhd.push(hd),
                None => ivrs.malformed = true,
            }
        } else if IVMD_TYPES.contains(&kind) {
            ivrs.ivmd_count += 1;
        }
        offset += length;
    }
    Ok(ivrs)
}

fn ivhd(kind: u8, block: &[u8], notes: &mut Vec<String>) -> Option<IvhdBlock> {
    let header_len = if kind == IVHD_LEGACY {
        IVHD_LEGACY_LEN
    } else {
        IVHD_EFR_LEN
    };
    if block.len() < header_len {
        notes.push(format!(
            "IVHD type {kind:#04x} of {} bytes is shorter than its {header_len}-byte header",
            block.len()
        ));
        return None;
    }
    let mut hd = IvhdBlock {
        block_type: kind,
        flags: le_u8(block, 1)?,
        device_id: le_u16(block, 4)?,
        capability_offset: le_u16(block, 6)?,
        iommu_base: le_u64(block, 8)?,
        segment: le_u16(block, 16)?,
        iommu_info: le_u16(block, 18)?,
        feature_reporting: le_u32(block, 20)?,
        efr: None,
        device_entries: 0,
    };
    if kind != IVHD_LEGACY {
        hd.efr = le_u64(block, 24);
    }
    let mut offset = header_len;
    while offset < block.len() {
        let entry_type = le_u8(block, offset)?;
        let length = if entry_type < 0x80 {
            4usize << (entry_type >> 6)
        } else if entry_type == ENTRY_ACPI_HID {
            le_u8(block, offset + 21).map_or(0, |uid| 22 + usize::from(uid))
        } else {
            0
        };
        if length == 0 || offset + length > block.len() {
            notes.push(format!(
                "IVHD device entry type {entry_type:#04x} at byte {offset} of the block has no length that fits"
            ));
            return None;
        }
        // Type 0 entries are padding.
        if entry_type != 0 {
            hd.device_entries += 1;
        }
        offset += length;
    }
    Some(hd)
}

#[cfg(test)]
mod tests {
    use super::*;

    const H8DGU: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/acpi/ivrs/server/Supermicro_H8DGU_57ED146F2C3C.IVRS.dat"
    );

    #[test]
    fn supermicro_h8dgu_sr5690_iommu() {
        let bytes = std::fs::read(H8DGU).unwrap_or_default();
        let mut notes = Vec::new();
        let ivrs = decode(&bytes, &mut notes).unwrap_or_default();
        assert_eq!(notes, Vec::<String>::new());
        assert!(ivrs.checksum_ok && !ivrs.malformed);
        assert_eq!(ivrs.ivinfo, 0x0020_3400);
        assert!(!ivrs.efr_sup);
        assert_eq!(ivrs.virtual_address_size, 64);
        assert_eq!(ivrs.physical_address_size, 52);
        assert_eq!(ivrs.ivhd.len(), 1);
        let hd = ivrs.ivhd[0];
        assert_eq!(hd.block_type, 0x10);
        assert_eq!(hd.flags, 0x3E);
        // The IOMMU is 00:00.2 of segment 0, registers at 0xF6000000.
        assert_eq!(hd.device_id, 0x0002);
        assert_eq!(hd.capability_offset, 0x40);
        assert_eq!(hd.iommu_base, 0xF600_0000);
        assert_eq!(hd.segment, 0);
        assert_eq!(hd.iommu_info, 0x1300);
        assert_eq!(hd.efr, None);
        assert!(hd.device_entries > 10, "{}", hd.device_entries);
        assert_eq!(ivrs.ivmd_count, 0);
    }

    #[test]
    fn zero_length_entries_stop_the_walk() {
        let mut bytes = std::fs::read(H8DGU).unwrap_or_default();
        // An unknown entry type of the reserved 0x80-0xEF range.
        if let Some(b) = bytes.get_mut(0x48) {
            *b = 0x81;
        }
        let mut notes = Vec::new();
        let ivrs = decode(&bytes, &mut notes).unwrap_or_default();
        assert!(ivrs.malformed && ivrs.ivhd.is_empty());
        assert!(notes.iter().any(|n| n.contains("device entry")));
    }
}
