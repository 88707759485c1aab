use serde::{Deserialize, Serialize};

/// The name under which a source of evidence is recorded in a bundle and
/// listed in a report's `sources`. Typed so that a collector, an importer
/// and a check cannot disagree on the spelling: the names are a public
/// interface (bundles keep them, reports print them).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum SourceName {
    Cpuid,
    Msr,
    Smbios,
    Acpi,
    Procfs,
    Sysfs,
    Block,
    Net,
    KernelLog,
    /// `xl info` and `xl dmesg` (a live dom0) or an imported `xl info`.
    Xen,
    /// `/sys/hypervisor` and `/proc/xen`.
    XenSysfs,
    BootConfig,
    /// The running system's overview (sysinfo), live scans only.
    System,
    /// Not a reading: the record that the bundle was redacted.
    Redaction,
}

impl SourceName {
    pub const ALL: [SourceName; 14] = [
        SourceName::Cpuid,
        SourceName::Msr,
        SourceName::Smbios,
        SourceName::Acpi,
        SourceName::Procfs,
        SourceName::Sysfs,
        SourceName::Block,
        SourceName::Net,
        SourceName::KernelLog,
        SourceName::Xen,
        SourceName::XenSysfs,
        SourceName::BootConfig,
        SourceName::System,
        SourceName::Redaction,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SourceName::Cpuid => "cpuid",
            SourceName::Msr => "msr",
            SourceName::Smbios => "smbios",
            SourceName::Acpi => "acpi",
            SourceName::Procfs => "procfs",
            SourceName::Sysfs => "sysfs",
            SourceName::Block => "block",
            SourceName::Net => "net",
            SourceName::KernelLog => "kernel-log",
            SourceName::Xen => "xen",
            SourceName::XenSysfs => "xen-sysfs",
            SourceName::BootConfig => "boot-config",
            SourceName::System => "system",
            SourceName::Redaction => "redaction",
        }
    }

    /// A name read back from a bundle; `None` for one this build does not
    /// know (a newer xenready's source).
    pub fn parse(name: &str) -> Option<SourceName> {
        SourceName::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The reading in words, for "no … was read".
    pub fn reading(self) -> &'static str {
        match self {
            SourceName::Cpuid => "CPUID",
            SourceName::Msr => "MSR",
            SourceName::Smbios => "SMBIOS table",
            SourceName::Acpi => "ACPI table list",
            SourceName::Procfs => "/proc file",
            SourceName::Sysfs => "sysfs file",
            SourceName::Block => "block device list",
            SourceName::Net => "network interface list",
            SourceName::KernelLog => "kernel log",
            SourceName::Xen => "`xl` output",
            SourceName::XenSysfs => "/sys/hypervisor file",
            SourceName::BootConfig => "boot loader configuration",
            SourceName::System => "system overview",
            SourceName::Redaction => "redaction record",
        }
    }
}

impl AsRef<str> for SourceName {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Display for SourceName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for name in SourceName::ALL {
            assert_eq!(SourceName::parse(name.as_str()), Some(name));
            let json = serde_json::to_string(&name).unwrap();
            assert_eq!(json, format!("\"{}\"", name.as_str()));
        }
        assert_eq!(SourceName::parse("kernel_log"), None);
    }
}
