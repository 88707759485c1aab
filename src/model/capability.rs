use serde::{Deserialize, Serialize};

/// A capability judged three ways: the silicon can, the firmware allows, the
/// OS (or Xen) uses it. Missing evidence is `unknown`, never a pass.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Capability {
    pub state: CapState,
    pub silicon: Silicon,
    pub firmware: FirmwareState,
    pub os: OsState,
    /// Readings behind the judgement, and inferences labelled as such.
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum CapState {
    /// The silicon has it and firmware has it enabled (or the OS uses it).
    Available,
    /// The silicon has it; whether firmware enables it is not known.
    Supported,
    DisabledInFirmware,
    Unsupported,
    Unknown,
}

impl CapState {
    pub fn as_str(self) -> &'static str {
        match self {
            CapState::Available => "available",
            CapState::Supported => "supported",
            CapState::DisabledInFirmware => "disabled-in-firmware",
            CapState::Unsupported => "unsupported",
            CapState::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Silicon {
    Yes,
    No,
    Unknown,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum FirmwareState {
    Enabled,
    Disabled,
    Unknown,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum OsState {
    Active,
    Inactive,
    Unknown,
}

impl Silicon {
    pub fn as_str(self) -> &'static str {
        match self {
            Silicon::Yes => "yes",
            Silicon::No => "no",
            Silicon::Unknown => "unknown",
        }
    }
}

impl FirmwareState {
    pub fn as_str(self) -> &'static str {
        match self {
            FirmwareState::Enabled => "enabled",
            FirmwareState::Disabled => "disabled",
            FirmwareState::Unknown => "unknown",
        }
    }
}

impl OsState {
    pub fn as_str(self) -> &'static str {
        match self {
            OsState::Active => "active",
            OsState::Inactive => "inactive",
            OsState::Unknown => "unknown",
        }
    }
}

impl Capability {
    /// The state and its three axes, in the order reports print them.
    pub fn columns(&self) -> [&'static str; 4] {
        [
            self.state.as_str(),
            self.silicon.as_str(),
            self.firmware.as_str(),
            self.os.as_str(),
        ]
    }

    /// Derives the state from the three judgements. Every path that ends in
    /// a pass needs positive evidence; the rest is `unknown`.
    pub fn judge(
        silicon: Silicon,
        firmware: FirmwareState,
        os: OsState,
        evidence: Vec<String>,
    ) -> Capability {
        // The OS cannot use what the silicon lacks or firmware disabled.
        let (silicon, firmware) = match (silicon, firmware, os) {
            (Silicon::Unknown, FirmwareState::Unknown, OsState::Active) => {
                (Silicon::Yes, FirmwareState::Enabled)
            }
            (Silicon::Unknown, f, OsState::Active) => (Silicon::Yes, f),
            (s, FirmwareState::Unknown, OsState::Active) => (s, FirmwareState::Enabled),
            other => (other.0, other.1),
        };
        let state = match (silicon, firmware, os) {
            (Silicon::No, _, _) => CapState::Unsupported,
            (_, FirmwareState::Disabled, _) => CapState::DisabledInFirmware,
            (_, _, OsState::Active) => CapState::Available,
            (Silicon::Yes, FirmwareState::Enabled, _) => CapState::Available,
            (Silicon::Yes, _, _) => CapState::Supported,
            _ => CapState::Unknown,
        };
        Capability {
            state,
            silicon,
            firmware,
            os,
            evidence,
        }
    }

    pub fn unknown(evidence: Vec<String>) -> Capability {
        Capability::judge(
            Silicon::Unknown,
            FirmwareState::Unknown,
            OsState::Unknown,
            evidence,
        )
    }
}

/// The capabilities a Xen host is judged on. Field names are JSON keys.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Capabilities {
    pub long_mode: Capability,
    pub nx: Capability,
    pub hvm: Capability,
    pub hap: Capability,
    pub iommu: Capability,
    pub smt: Capability,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum CapabilityName {
    LongMode,
    Nx,
    Hvm,
    Hap,
    Iommu,
    Smt,
}

impl CapabilityName {
    pub const ALL: [CapabilityName; 6] = [
        CapabilityName::LongMode,
        CapabilityName::Nx,
        CapabilityName::Hvm,
        CapabilityName::Hap,
        CapabilityName::Iommu,
        CapabilityName::Smt,
    ];

    pub fn key(self) -> &'static str {
        match self {
            CapabilityName::LongMode => "long_mode",
            CapabilityName::Nx => "nx",
            CapabilityName::Hvm => "hvm",
            CapabilityName::Hap => "hap",
            CapabilityName::Iommu => "iommu",
            CapabilityName::Smt => "smt",
        }
    }

    /// How the text report names it.
    pub fn label(self) -> &'static str {
        match self {
            CapabilityName::LongMode => "64-bit (long mode)",
            CapabilityName::Nx => "NX / Execute Disable",
            CapabilityName::Hvm => "HVM (VT-x / AMD-V)",
            CapabilityName::Hap => "HAP (EPT / NPT)",
            CapabilityName::Iommu => "IOMMU (VT-d / AMD-Vi)",
            CapabilityName::Smt => "Hyper-threading (SMT)",
        }
    }
}

impl Capabilities {
    pub fn get(&self, name: CapabilityName) -> &Capability {
        match name {
            CapabilityName::LongMode => &self.long_mode,
            CapabilityName::Nx => &self.nx,
            CapabilityName::Hvm => &self.hvm,
            CapabilityName::Hap => &self.hap,
            CapabilityName::Iommu => &self.iommu,
            CapabilityName::Smt => &self.smt,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_evidence_never_passes() {
        let c = Capability::unknown(vec![]);
        assert_eq!(c.state, CapState::Unknown);
        let c = Capability::judge(
            Silicon::Yes,
            FirmwareState::Unknown,
            OsState::Unknown,
            vec![],
        );
        assert_eq!(c.state, CapState::Supported);
    }

    #[test]
    fn firmware_disable_beats_silicon() {
        let c = Capability::judge(
            Silicon::Yes,
            FirmwareState::Disabled,
            OsState::Inactive,
            vec![],
        );
        assert_eq!(c.state, CapState::DisabledInFirmware);
        let c = Capability::judge(Silicon::No, FirmwareState::Unknown, OsState::Active, vec![]);
        assert_eq!(c.state, CapState::Unsupported);
    }
}
