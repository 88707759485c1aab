use serde::{Deserialize, Serialize};

/// Every check's id. Ids are a public interface (JSON `findings[].id`,
/// `checks[].id`, `xenready explain ID`, `probes/targets.toml` grades) and
/// are never reused: a retired id goes to `RETIRED_CHECK_IDS` in
/// `checks/`. An enum, so that Rust code naming a check by a misspelt id
/// does not compile; probe files are validated against `CheckId::parse`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum CheckId {
    #[serde(rename = "cpu-not-64bit")]
    CpuNot64bit,
    HvmUnsupported,
    HvmDisabledInFirmware,
    HapUnsupported,
    NxUnavailable,
    NxDisabledInFirmware,
    UnrestrictedGuestUnsupported,
    IommuAbsent,
    IommuDisabled,
    IommuInterruptRemappingUnavailable,
    IommuFirmwareBug,
    MsrInconsistentAcrossCpus,
    SmtDisabled,
    CpusMissing,
    MemoryBelowMinimum,
    DiskBelowMinimum,
    NoNetworkInterface,
    NetworkLinkDown,
    RunningInVm,
    XenDom0,
    NmiPanicLogged,
    XenNmiPolicy,
    NmiErrorsLogged,
    MemoryErrorsUncorrected,
    MachineCheckErrors,
    MemoryErrorsCorrected,
    XenBootOptionUnknown,
}

impl CheckId {
    pub const ALL: [CheckId; 27] = [
        CheckId::CpuNot64bit,
        CheckId::HvmUnsupported,
        CheckId::HvmDisabledInFirmware,
        CheckId::HapUnsupported,
        CheckId::NxUnavailable,
        CheckId::NxDisabledInFirmware,
        CheckId::UnrestrictedGuestUnsupported,
        CheckId::IommuAbsent,
        CheckId::IommuDisabled,
        CheckId::IommuInterruptRemappingUnavailable,
        CheckId::IommuFirmwareBug,
        CheckId::MsrInconsistentAcrossCpus,
        CheckId::SmtDisabled,
        CheckId::CpusMissing,
        CheckId::MemoryBelowMinimum,
        CheckId::DiskBelowMinimum,
        CheckId::NoNetworkInterface,
        CheckId::NetworkLinkDown,
        CheckId::RunningInVm,
        CheckId::XenDom0,
        CheckId::NmiPanicLogged,
        CheckId::XenNmiPolicy,
        CheckId::NmiErrorsLogged,
        CheckId::MemoryErrorsUncorrected,
        CheckId::MachineCheckErrors,
        CheckId::MemoryErrorsCorrected,
        CheckId::XenBootOptionUnknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::CpuNot64bit => "cpu-not-64bit",
            CheckId::HvmUnsupported => "hvm-unsupported",
            CheckId::HvmDisabledInFirmware => "hvm-disabled-in-firmware",
            CheckId::HapUnsupported => "hap-unsupported",
            CheckId::NxUnavailable => "nx-unavailable",
            CheckId::NxDisabledInFirmware => "nx-disabled-in-firmware",
            CheckId::UnrestrictedGuestUnsupported => "unrestricted-guest-unsupported",
            CheckId::IommuAbsent => "iommu-absent",
            CheckId::IommuDisabled => "iommu-disabled",
            CheckId::IommuInterruptRemappingUnavailable => "iommu-interrupt-remapping-unavailable",
            CheckId::IommuFirmwareBug => "iommu-firmware-bug",
            CheckId::MsrInconsistentAcrossCpus => "msr-inconsistent-across-cpus",
            CheckId::SmtDisabled => "smt-disabled",
            CheckId::CpusMissing => "cpus-missing",
            CheckId::MemoryBelowMinimum => "memory-below-minimum",
            CheckId::DiskBelowMinimum => "disk-below-minimum",
            CheckId::NoNetworkInterface => "no-network-interface",
            CheckId::NetworkLinkDown => "network-link-down",
            CheckId::RunningInVm => "running-in-vm",
            CheckId::XenDom0 => "xen-dom0",
            CheckId::NmiPanicLogged => "nmi-panic-logged",
            CheckId::XenNmiPolicy => "xen-nmi-policy",
            CheckId::NmiErrorsLogged => "nmi-errors-logged",
            CheckId::MemoryErrorsUncorrected => "memory-errors-uncorrected",
            CheckId::MachineCheckErrors => "machine-check-errors",
            CheckId::MemoryErrorsCorrected => "memory-errors-corrected",
            CheckId::XenBootOptionUnknown => "xen-boot-option-unknown",
        }
    }

    pub fn parse(id: &str) -> Option<CheckId> {
        CheckId::ALL.into_iter().find(|c| c.as_str() == id)
    }
}

impl std::fmt::Display for CheckId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Lets tests and callers holding a typed id compare it with a string read
/// from elsewhere (a command line, a JSON report) without converting.
impl PartialEq<str> for CheckId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for CheckId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_match_serde() {
        for id in CheckId::ALL {
            assert_eq!(CheckId::parse(id.as_str()), Some(id));
            let json = serde_json::to_string(&id).unwrap();
            assert_eq!(json, format!("\"{}\"", id.as_str()));
        }
        assert_eq!(CheckId::parse("smt-disabld"), None);
    }
}
