//! The knowledge base: data files from `probes/`, compiled in.
//!
//! Knowledge is data so that a firmware engineer can add a vendor row or a
//! hypervisor signature without reading Rust. `validate` (run by a test)
//! proves every file parses, every reference resolves and no id repeats.

mod firmware;
mod hypervisors;
mod targets;

pub use firmware::{
    manufacturer_matches, CpuFamily, FirmwareKnowledge, Setting, SettingInfo, Vendor, VendorSetting,
};
pub use hypervisors::{HypervisorKnowledge, SmbiosVmPattern};
pub use targets::{Target, TargetGrades};

use serde::Deserialize;
use std::sync::OnceLock;

#[derive(Debug, thiserror::Error)]
pub enum KnowledgeError {
    #[error("probes/{file}: {message}")]
    Parse { file: &'static str, message: String },
    #[error("probes/{file}: {message}")]
    Invalid { file: &'static str, message: String },
}

#[derive(Debug)]
pub struct Knowledge {
    pub targets: Vec<Target>,
    pub hypervisors: HypervisorKnowledge,
    pub firmware: FirmwareKnowledge,
}

const TARGETS_TOML: &str = include_str!("../../probes/targets.toml");
const HYPERVISORS_TOML: &str = include_str!("../../probes/hypervisors.toml");
const FIRMWARE_TOML: &str = include_str!("../../probes/firmware-settings.toml");

impl Knowledge {
    /// Parses and validates the compiled-in data.
    pub fn load() -> Result<Knowledge, KnowledgeError> {
        let knowledge = Knowledge {
            targets: parse::<targets::TargetsFile>("targets.toml", TARGETS_TOML)?.target,
            hypervisors: parse("hypervisors.toml", HYPERVISORS_TOML)?,
            firmware: parse("firmware-settings.toml", FIRMWARE_TOML)?,
        };
        knowledge.validate()?;
        Ok(knowledge)
    }

    /// The compiled-in knowledge. The data is fixed at build time and a test
    /// loads it, so a failure here is a build defect, not bad input.
    pub fn builtin() -> &'static Knowledge {
        static BUILTIN: OnceLock<Knowledge> = OnceLock::new();
        BUILTIN.get_or_init(|| match Knowledge::load() {
            Ok(knowledge) => knowledge,
            Err(error) => panic!("compiled-in knowledge base is invalid: {error}"),
        })
    }

    pub fn target(&self, id: &str) -> Option<&Target> {
        self.targets.iter().find(|t| t.id == id)
    }

    /// The server vendor whose firmware names apply to a machine with this
    /// SMBIOS system manufacturer.
    pub fn vendor_for(&self, manufacturer: &str) -> Option<&Vendor> {
        self.firmware.vendor_for(manufacturer)
    }

    pub fn default_target(&self) -> &Target {
        // validate() guarantees at least one target, the first being the default.
        &self.targets[0]
    }

    fn validate(&self) -> Result<(), KnowledgeError> {
        targets::validate(&self.targets)?;
        self.hypervisors.validate()?;
        self.firmware.validate()
    }
}

fn parse<T: for<'de> Deserialize<'de>>(
    file: &'static str,
    text: &str,
) -> Result<T, KnowledgeError> {
    toml::from_str(text).map_err(|error| KnowledgeError::Parse {
        file,
        message: error.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_knowledge_parses_and_validates() {
        let knowledge = Knowledge::load().expect("probes/ must be valid");
        assert_eq!(knowledge.default_target().id, "xen");
        assert!(knowledge.hypervisors.cpuid_vendor("KVMKVMKVM").is_some());
    }
}
