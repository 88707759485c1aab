//! Who made the machine: BIOS (type 0), system (type 1), baseboard
//! (type 2) and chassis (type 3).

use super::names;
use crate::facts::{BaseboardInfo, BiosInfo, ChassisInfo, SystemInfo};
use crate::formats::smbios::strings::field;
use smbioslib::{
    SMBiosBaseboardInformation, SMBiosInformation, SMBiosStruct, SMBiosSystemChassisInformation,
    SMBiosSystemInformation,
};

pub fn bios(s: &SMBiosInformation<'_>) -> BiosInfo {
    BiosInfo {
        vendor: field(s.vendor()),
        version: field(s.version()),
        release_date: field(s.release_date()),
    }
}

/// `uuid_little_endian`: SMBIOS 2.6 and later store the first three UUID
/// fields little-endian; earlier firmware stored the bytes in order.
pub fn system(s: &SMBiosSystemInformation<'_>, uuid_little_endian: bool) -> SystemInfo {
    let uuid = s
        .parts()
        .get_field_data(0x08, 0x18)
        .and_then(|bytes| format_uuid(bytes, uuid_little_endian));
    SystemInfo {
        manufacturer: field(s.manufacturer()),
        product: field(s.product_name()),
        version: field(s.version()),
        serial: field(s.serial_number()),
        uuid,
        sku: field(s.sku_number()),
        family: field(s.family()),
    }
}

pub fn baseboard(s: &SMBiosBaseboardInformation<'_>) -> BaseboardInfo {
    BaseboardInfo {
        manufacturer: field(s.manufacturer()),
        product: field(s.product()),
        version: field(s.version()),
        serial: field(s.serial_number()),
    }
}

pub fn chassis(s: &SMBiosSystemChassisInformation<'_>) -> ChassisInfo {
    ChassisInfo {
        manufacturer: field(s.manufacturer()),
        kind: s
            .chassis_type()
            .and_then(|t| names::chassis_type(t.raw))
            .map(str::to_string),
        serial: field(s.serial_number()),
        asset_tag: field(s.asset_tag_number()),
    }
}

/// The UUID as dmidecode 3.x prints it (lowercase). All-zero ("not
/// settable") and all-0xFF ("not present") UUIDs are `None`.
pub fn format_uuid(bytes: &[u8], little_endian: bool) -> Option<String> {
    let b: &[u8; 16] = bytes.try_into().ok()?;
    if b.iter().all(|&x| x == 0) || b.iter().all(|&x| x == 0xFF) {
        return None;
    }
    let order: [usize; 16] = if little_endian {
        [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15]
    } else {
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
    };
    let mut text = String::with_capacity(36);
    for (i, &index) in order.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            text.push('-');
        }
        text.push_str(&format!("{:02x}", b[index]));
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const R630_UUID: [u8; 16] = [
        0x44, 0x45, 0x4C, 0x4C, 0x39, 0x00, 0x10, 0x30, 0x80, 0x48, 0xB7, 0xC0, 0x4F, 0x38, 0x44,
        0x32,
    ];

    #[test]
    fn formats_uuids_in_both_byte_orders() {
        assert_eq!(
            format_uuid(&R630_UUID, true).as_deref(),
            Some("4c4c4544-0039-3010-8048-b7c04f384432")
        );
        assert_eq!(
            format_uuid(&R630_UUID, false).as_deref(),
            Some("44454c4c-3900-1030-8048-b7c04f384432")
        );
    }

    #[test]
    fn unset_uuids_are_none() {
        assert_eq!(format_uuid(&[0; 16], true), None);
        assert_eq!(format_uuid(&[0xFF; 16], true), None);
        assert_eq!(format_uuid(&[1; 15], true), None);
    }
}
