//! The knowledge base: data files from `probes/`, compiled in.
//!
//! Knowledge is data so that a firmware engineer can add a vendor row or a
//! hypervisor signature without reading Rust. `validate` (run by a test)
//! proves every file parses, every reference resolves and no id repeats.

mod hypervisors;
mod log_signatures;
mod targets;
mod xen_boot_options;

pub use hypervisors::{HypervisorKnowledge, SmbiosVmPattern};
pub use log_signatures::{LogSignature, LogSignatures, SignaturePattern, CONTRACT_IDS};
pub use targets::{Target, TargetGrades};
pub use xen_boot_options::{option_key as xen_option_key, HistoricalOption, XenBootOptions};

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
    pub log_signatures: LogSignatures,
    pub xen_boot_options: XenBootOptions,
}

const TARGETS_TOML: &str = include_str!("../../probes/targets.toml");
const HYPERVISORS_TOML: &str = include_str!("../../probes/hypervisors.toml");
const LOG_SIGNATURES_TOML: &str = include_str!("../../probes/log-signatures.toml");
const XEN_BOOT_OPTIONS_TOML: &str = include_str!("../../probes/xen-boot-options.toml");

impl Knowledge {
    /// Parses and validates the compiled-in data.
    pub fn load() -> Result<Knowledge, KnowledgeError> {
        let knowledge = Knowledge {
            targets: parse::<targets::TargetsFile>("targets.toml", TARGETS_TOML)?.target,
            hypervisors: parse("hypervisors.toml", HYPERVISORS_TOML)?,
            log_signatures: LogSignatures::load(LOG_SIGNATURES_TOML)?,
            xen_boot_options: parse("xen-boot-options.toml", XEN_BOOT_OPTIONS_TOML)?,
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

    pub fn default_target(&self) -> &Target {
        // validate() guarantees at least one target, the first being the default.
        &self.targets[0]
    }

    fn validate(&self) -> Result<(), KnowledgeError> {
        targets::validate(&self.targets)?;
        self.hypervisors.validate()?;
        self.xen_boot_options.validate()
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
        for id in CONTRACT_IDS {
            assert!(knowledge.log_signatures.get(id).is_some(), "{id}");
        }
        assert!(knowledge.xen_boot_options.knows("nmi=dom0"));
    }
}
