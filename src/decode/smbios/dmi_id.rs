//! The machine identity from `/sys/class/dmi/id`, for a run that could not
//! read the DMI tables (they are root-only; most of these files are not).
//! The kernel copied these strings out of the same SMBIOS structures.

use super::names;
use crate::facts::{BaseboardInfo, BiosInfo, ChassisInfo, SmbiosFacts, SystemInfo};
use crate::formats::smbios::strings::clean;
use crate::formats::smbios::DMI_ID_DIR;
use std::collections::BTreeMap;

/// Identity from the sysfs files in `files` (keyed by absolute path), or
/// `None` when none of them says anything.
pub fn decode_dmi_id(files: &BTreeMap<String, String>) -> Option<SmbiosFacts> {
    let get = |name: &str| {
        files
            .get(&format!("{DMI_ID_DIR}/{name}"))
            .and_then(|v| clean(v))
    };

    let bios = BiosInfo {
        vendor: get("bios_vendor"),
        version: get("bios_version"),
        release_date: get("bios_date"),
    };
    let system = SystemInfo {
        manufacturer: get("sys_vendor"),
        product: get("product_name"),
        version: get("product_version"),
        serial: get("product_serial"),
        uuid: get("product_uuid").and_then(|u| uuid(&u)),
        sku: get("product_sku"),
        family: get("product_family"),
    };
    let baseboard = BaseboardInfo {
        manufacturer: get("board_vendor"),
        product: get("board_name"),
        version: get("board_version"),
        serial: get("board_serial"),
    };
    let chassis = ChassisInfo {
        manufacturer: get("chassis_vendor"),
        // The kernel prints the type as a decimal number.
        kind: get("chassis_type")
            .and_then(|t| t.parse::<u8>().ok())
            .and_then(names::chassis_type)
            .map(str::to_string),
        serial: get("chassis_serial"),
        asset_tag: get("chassis_asset_tag"),
    };

    let facts = SmbiosFacts {
        bios: (bios != BiosInfo::default()).then_some(bios),
        system: (system != SystemInfo::default()).then_some(system),
        baseboard: (baseboard != BaseboardInfo::default()).then_some(baseboard),
        chassis: (chassis != ChassisInfo::default()).then_some(chassis),
        ..SmbiosFacts::default()
    };
    (facts != SmbiosFacts::default()).then_some(facts)
}

/// Lowercase, like the table decoder; an all-zero or all-F UUID is unset.
fn uuid(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let digits: Vec<char> = lower.chars().filter(|c| *c != '-').collect();
    let unset = digits.iter().all(|&c| c == '0') || digits.iter().all(|&c| c == 'f');
    (!unset).then_some(lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(name, value)| (format!("{DMI_ID_DIR}/{name}"), value.to_string()))
            .collect()
    }

    #[test]
    fn builds_the_identity_of_a_dell_server() {
        // The values of the PowerEdge R630 capture, as the kernel writes
        // them: one line each, newline-terminated.
        let facts = decode_dmi_id(&files(&[
            ("sys_vendor", "Dell Inc.\n"),
            ("product_name", "PowerEdge R630\n"),
            ("product_uuid", "4C4C4544-0039-3010-8048-B7C04F384432\n"),
            ("bios_vendor", "Dell Inc.\n"),
            ("bios_version", "2.3.4\n"),
            ("bios_date", "11/08/2016\n"),
            ("board_name", "02C2CP\n"),
            ("chassis_type", "23\n"),
            ("chassis_asset_tag", "Not Specified\n"),
        ]))
        .unwrap();
        let system = facts.system.unwrap();
        assert_eq!(system.manufacturer.as_deref(), Some("Dell Inc."));
        assert_eq!(system.product.as_deref(), Some("PowerEdge R630"));
        assert_eq!(system.serial, None);
        assert_eq!(
            system.uuid.as_deref(),
            Some("4c4c4544-0039-3010-8048-b7c04f384432")
        );
        let bios = facts.bios.unwrap();
        assert_eq!(bios.version.as_deref(), Some("2.3.4"));
        assert_eq!(bios.release_date.as_deref(), Some("11/08/2016"));
        assert_eq!(facts.baseboard.unwrap().product.as_deref(), Some("02C2CP"));
        let chassis = facts.chassis.unwrap();
        assert_eq!(chassis.kind.as_deref(), Some("Rack Mount Chassis"));
        assert_eq!(chassis.asset_tag, None);
        assert!(facts.processors.is_empty() && facts.version.is_none());
    }

    #[test]
    fn placeholders_only_or_no_files_give_nothing() {
        assert_eq!(decode_dmi_id(&BTreeMap::new()), None);
        let facts = decode_dmi_id(&files(&[
            ("sys_vendor", "To Be Filled By O.E.M.\n"),
            ("product_uuid", "00000000-0000-0000-0000-000000000000\n"),
            ("chassis_type", "2\n"),
        ]));
        assert_eq!(facts, None);
    }
}
