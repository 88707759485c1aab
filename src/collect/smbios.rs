//! Reads the SMBIOS tables the kernel exports, plus the world-readable
//! identity files in /sys/class/dmi/id so a run without root still knows
//! which machine it is on.

use crate::bounded::{self, Over};
use crate::evidence::{Evidence, HexBytes, SmbiosRaw, SourceStatus};
use crate::formats::smbios::walk::MAX_TABLE_BYTES;
use crate::formats::smbios::DMI_ID_DIR;
use crate::model::SourceName;
use std::io::ErrorKind;
use std::path::Path;

const SOURCE: SourceName = SourceName::Smbios;
const TABLES_DIR: &str = "sys/firmware/dmi/tables";

/// Files in /sys/class/dmi/id worth keeping. The serials and the UUID are
/// root-only on most kernels; they are skipped quietly when unreadable.
pub const DMI_ID_FILES: &[&str] = &[
    "sys_vendor",
    "product_name",
    "product_version",
    "product_serial",
    "product_uuid",
    "product_sku",
    "product_family",
    "bios_vendor",
    "bios_version",
    "bios_date",
    "board_vendor",
    "board_name",
    "board_version",
    "board_serial",
    "chassis_vendor",
    "chassis_type",
    "chassis_serial",
    "chassis_asset_tag",
];

/// An entry point is 31 bytes at most; sysfs text files are one line.
const MAX_SMALL_FILE: usize = 64 * 1024;

const DENIED_ADVICE: &str = "run as root (the DMI tables are readable by root only)";
const ABSENT_DETAIL: &str = "no /sys/firmware/dmi/tables: the firmware provides no SMBIOS, \
     or this is not Linux/the kernel lacks CONFIG_DMI_SYSFS";

pub fn collect(evidence: &mut Evidence, root: &Path) {
    collect_dmi_id(evidence, root);
    collect_tables(evidence, root);
}

fn collect_dmi_id(evidence: &mut Evidence, root: &Path) {
    let dir = root.join(DMI_ID_DIR.trim_start_matches('/'));
    for name in DMI_ID_FILES {
        if let Ok(bytes) = read_capped(&dir.join(name), MAX_SMALL_FILE) {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            evidence.files.insert(format!("{DMI_ID_DIR}/{name}"), text);
        }
    }
}

fn collect_tables(evidence: &mut Evidence, root: &Path) {
    let dir = root.join(TABLES_DIR);
    match std::fs::metadata(&dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => return evidence.record(SOURCE, SourceStatus::Absent, ABSENT_DETAIL),
        Err(e) => return record_io_error(evidence, TABLES_DIR, &e),
    }

    let table = match read_capped(&dir.join("DMI"), MAX_TABLE_BYTES) {
        Ok(table) => table,
        Err(e) => return record_io_error(evidence, "sys/firmware/dmi/tables/DMI", &e),
    };
    // The table decodes without its entry point (the version is then
    // unknown), so a missing or unreadable entry point is not fatal.
    let entry_point = read_capped(&dir.join("smbios_entry_point"), MAX_SMALL_FILE).ok();

    let raw = SmbiosRaw {
        entry_point: entry_point.map(HexBytes),
        table: HexBytes(table),
        rsmb_header: None,
    };
    let check = raw.validate();
    evidence.record(SOURCE, check.status.into(), check.detail);
    evidence.smbios = Some(raw);
}

/// `path` is relative to the root: the machine path without its leading `/`.
fn record_io_error(evidence: &mut Evidence, path: &str, e: &std::io::Error) {
    // EACCES and EPERM both surface as PermissionDenied.
    if e.kind() == ErrorKind::PermissionDenied {
        evidence.record(SOURCE, SourceStatus::Denied, DENIED_ADVICE);
    } else if e.kind() == ErrorKind::NotFound {
        let detail = if path == TABLES_DIR {
            ABSENT_DETAIL.to_string()
        } else {
            format!("/{path} is missing")
        };
        evidence.record(SOURCE, SourceStatus::Absent, detail);
    } else {
        evidence.record(SOURCE, SourceStatus::Error, format!("reading /{path}: {e}"));
    }
}

/// Refuses a file over `limit`, as the importer does: no real table comes
/// near it, and a FIFO or device in a captured tree is not read at all.
fn read_capped(path: &Path, limit: usize) -> std::io::Result<Vec<u8>> {
    Ok(bounded::read(path, limit, Over::Refuse)?.bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Origin;
    use std::path::PathBuf;

    fn fixture(name: &str) -> Vec<u8> {
        crate::test_support::fixture_bytes(&format!("smbios-bin/{name}"))
    }

    /// A machine root under the system temp dir, removed when dropped.
    struct TempRoot(PathBuf);

    impl TempRoot {
        fn new(name: &str) -> TempRoot {
            let dir =
                std::env::temp_dir().join(format!("xenready-smbios-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            TempRoot(dir)
        }

        fn write(&self, machine_path: &str, bytes: &[u8]) {
            let path = self.0.join(machine_path.trim_start_matches('/'));
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }

        fn collect(&self) -> Evidence {
            let mut evidence = Evidence::new(Origin::Live);
            collect(&mut evidence, &self.0);
            evidence
        }
    }

    impl Drop for TempRoot {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn write_dmi_id(root: &TempRoot) {
        // The ThinkPad T430 of rust-dmidecode's dmi.bin, as sysfs shows it.
        for (name, value) in [
            ("sys_vendor", "LENOVO\n"),
            ("product_name", "2347A49\n"),
            ("product_version", "ThinkPad T430\n"),
            ("bios_version", "G1ET45WW (1.20 )\n"),
            ("chassis_type", "10\n"),
        ] {
            root.write(&format!("/sys/class/dmi/id/{name}"), value.as_bytes());
        }
    }

    #[test]
    fn reads_the_tables_and_the_identity_files() {
        let root = TempRoot::new("full");
        let entry = fixture("rust-dmidecode/entry.bin");
        let table = fixture("rust-dmidecode/dmi.bin");
        root.write("/sys/firmware/dmi/tables/smbios_entry_point", &entry);
        root.write("/sys/firmware/dmi/tables/DMI", &table);
        write_dmi_id(&root);

        let evidence = root.collect();
        let source = evidence.source("smbios").unwrap();
        assert_eq!(source.status, SourceStatus::Ok);
        assert_eq!(source.detail, "SMBIOS 2.7, 69 structures (2736 bytes)");
        let raw = evidence.smbios.as_ref().unwrap();
        assert_eq!(raw.entry_point.as_ref().unwrap().0, entry);
        assert_eq!(raw.table.0, table);
        assert_eq!(
            evidence.file("/sys/class/dmi/id/sys_vendor"),
            Some("LENOVO\n")
        );

        let facts = crate::decode::decode(&evidence, crate::knowledge::Knowledge::builtin());
        let firmware = facts.firmware.unwrap();
        assert_eq!(firmware.version, Some((2, 7)));
        let system = firmware.system.unwrap();
        assert_eq!(system.product.as_deref(), Some("2347A49"));
        assert_eq!(system.serial.as_deref(), Some("PBKGNED"));
    }

    #[test]
    fn a_3x_table_below_its_maximum_size_is_complete() {
        let root = TempRoot::new("short");
        root.write(
            "/sys/firmware/dmi/tables/smbios_entry_point",
            &fixture("rust-dmidecode/entry_v3_short.bin"),
        );
        root.write(
            "/sys/firmware/dmi/tables/DMI",
            &fixture("rust-dmidecode/dmi_v3_short.bin"),
        );
        let source = root.collect().source("smbios").cloned().unwrap();
        assert_eq!(source.status, SourceStatus::Ok, "{}", source.detail);
        assert!(
            source.detail.starts_with("SMBIOS 3.0.0, 102 structures"),
            "{}",
            source.detail
        );
    }

    #[test]
    fn a_cut_table_is_partial_and_still_decodes() {
        let root = TempRoot::new("cut");
        root.write(
            "/sys/firmware/dmi/tables/smbios_entry_point",
            &fixture("rust-dmidecode/entry.bin"),
        );
        root.write(
            "/sys/firmware/dmi/tables/DMI",
            &fixture("rust-dmidecode/dmi.bin")[..1000],
        );
        let evidence = root.collect();
        let source = evidence.source("smbios").unwrap();
        assert_eq!(source.status, SourceStatus::Partial);
        assert!(
            source.detail.starts_with("table ends inside structure #"),
            "{}",
            source.detail
        );
        let facts = crate::decode::decode(&evidence, crate::knowledge::Knowledge::builtin());
        let system = facts.firmware.and_then(|f| f.system).unwrap();
        assert_eq!(system.manufacturer.as_deref(), Some("LENOVO"));
    }

    #[test]
    fn without_the_tables_the_identity_files_still_name_the_machine() {
        let root = TempRoot::new("dmi-id");
        write_dmi_id(&root);
        let evidence = root.collect();
        let source = evidence.source("smbios").unwrap();
        assert_eq!(source.status, SourceStatus::Absent);
        assert_eq!(source.detail, ABSENT_DETAIL);
        assert!(evidence.smbios.is_none());
        assert_eq!(evidence.files.len(), 5);

        let firmware = crate::decode::decode(&evidence, crate::knowledge::Knowledge::builtin())
            .firmware
            .unwrap();
        let system = firmware.system.unwrap();
        assert_eq!(system.manufacturer.as_deref(), Some("LENOVO"));
        assert_eq!(system.version.as_deref(), Some("ThinkPad T430"));
        assert_eq!(firmware.chassis.unwrap().kind.as_deref(), Some("Notebook"));
        assert_eq!(firmware.version, None);
    }

    #[test]
    fn a_root_without_sys_is_absent() {
        let root = TempRoot::new("empty");
        let evidence = root.collect();
        let source = evidence.source("smbios").unwrap();
        assert_eq!(source.status, SourceStatus::Absent);
        assert!(source.detail.contains("CONFIG_DMI_SYSFS"));
        assert!(evidence.files.is_empty() && evidence.smbios.is_none());
        assert_eq!(
            crate::decode::decode(&evidence, crate::knowledge::Knowledge::builtin()).firmware,
            None
        );
    }

    #[test]
    fn garbage_in_the_table_file_is_an_error() {
        let root = TempRoot::new("garbage");
        root.write("/sys/firmware/dmi/tables/DMI", b"\x00\x02 not a table");
        let evidence = root.collect();
        assert_eq!(
            evidence.source("smbios").unwrap().status,
            SourceStatus::Error
        );
        assert_eq!(
            crate::decode::decode(&evidence, crate::knowledge::Knowledge::builtin()).firmware,
            None
        );
    }

    #[test]
    fn eacces_and_eperm_advise_running_as_root() {
        // Tests may run as root, where chmod cannot deny a read: feed the
        // errors the kernel would give a normal user.
        for errno in [nix::errno::Errno::EACCES, nix::errno::Errno::EPERM] {
            let mut evidence = Evidence::new(Origin::Live);
            let error = std::io::Error::from_raw_os_error(errno as i32);
            record_io_error(&mut evidence, "sys/firmware/dmi/tables/DMI", &error);
            let source = evidence.source("smbios").unwrap();
            assert_eq!(source.status, SourceStatus::Denied);
            assert_eq!(source.detail, DENIED_ADVICE);
        }
        let mut evidence = Evidence::new(Origin::Live);
        let error = std::io::Error::from_raw_os_error(nix::errno::Errno::EIO as i32);
        record_io_error(&mut evidence, "sys/firmware/dmi/tables/DMI", &error);
        let source = evidence.source("smbios").unwrap();
        assert_eq!(source.status, SourceStatus::Error);
        assert!(source
            .detail
            .starts_with("reading /sys/firmware/dmi/tables/DMI: "));
    }
}
