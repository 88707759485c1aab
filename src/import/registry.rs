//! Every foreign input format, one row each. The CLI builds `analyze`'s
//! import flags, their help, the "nothing to import" check and the import
//! loop from this table; the fuzz and allocation tests walk it too. A new
//! input format is its parser's file plus one row here.

use super::{acpi_path, boot_config, cpuid_file, cpuinfo, dmesg, dmi_file, dmidecode_text_file};
use super::{xl_info, ImportError};
use crate::evidence::Evidence;
use std::path::Path;

/// Reads one file (or directory) into Evidence.
pub type ImportFn = fn(&mut Evidence, &Path) -> Result<(), ImportError>;

#[derive(Debug, Clone, Copy)]
pub struct Importer {
    /// The long flag of `xenready analyze`, without its dashes; also the
    /// importer's name in tests.
    pub flag: &'static str,
    /// What the flag's value is, for `--help` (`FILE`, `DIR_OR_FILE`).
    pub value_name: &'static str,
    pub help: &'static str,
    /// Whether the flag may be given more than once, each file imported.
    /// Not for a format whose evidence is one thing per machine (one SMBIOS
    /// table, one `xl info`): a second file would overwrite the first, so
    /// the CLI refuses it.
    pub repeatable: bool,
    pub run: ImportFn,
}

/// In import order, which is also the `--help` order.
pub static IMPORTERS: &[Importer] = &[
    Importer {
        flag: "cpuid",
        value_name: "FILE",
        help: "CPUID dump: AIDA64/InstLatx64 text or `cpuid -r`; the CPUs of several \
               dumps are added up",
        repeatable: true,
        run: cpuid_file,
    },
    Importer {
        flag: "dmi",
        value_name: "FILE",
        help: "Raw DMI table, `dmidecode --dump-bin` or Windows RSMB (one per machine)",
        repeatable: false,
        run: dmi_file,
    },
    Importer {
        flag: "dmidecode-text",
        value_name: "FILE",
        help: "`dmidecode` text output, versions 2.2 to 3.6 (one per machine)",
        repeatable: false,
        run: dmidecode_text_file,
    },
    Importer {
        flag: "cpuinfo",
        value_name: "FILE",
        help: "/proc/cpuinfo saved from the machine (one per machine)",
        repeatable: false,
        run: cpuinfo::cpuinfo_file,
    },
    Importer {
        flag: "acpi",
        value_name: "DIR_OR_FILE",
        help: "ACPI table file, a directory of them, or `acpidump` text (one set per \
               machine: give several tables as a directory)",
        repeatable: false,
        run: acpi_path,
    },
    Importer {
        flag: "dmesg",
        value_name: "FILE",
        help: "dmesg, dmesg -T, journalctl -k, kern.log or `xl dmesg` output",
        repeatable: true,
        run: dmesg::dmesg_file,
    },
    Importer {
        flag: "xl-info",
        value_name: "FILE",
        help: "`xl info` output saved in a Xen dom0 (one per machine)",
        repeatable: false,
        run: xl_info::xl_info_file,
    },
    Importer {
        flag: "boot-config",
        value_name: "FILE",
        help: "extlinux.conf, grub.cfg, menu.lst or /etc/default/grub",
        repeatable: true,
        run: boot_config::boot_config_file,
    },
];

/// The importer behind `--flag`.
pub fn importer(flag: &str) -> Option<&'static Importer> {
    IMPORTERS.iter().find(|i| i.flag == flag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_unique_kebab_case_and_found() {
        for (i, row) in IMPORTERS.iter().enumerate() {
            assert!(
                IMPORTERS[..i].iter().all(|r| r.flag != row.flag),
                "{} twice",
                row.flag
            );
            assert!(
                row.flag
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{}",
                row.flag
            );
            assert_eq!(importer(row.flag).map(|r| r.flag), Some(row.flag));
        }
        assert!(importer("bundle").is_none());
    }
}
