use super::KnowledgeError;
use crate::report::{CapabilityName, Severity};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Deserialize)]
pub(super) struct TargetsFile {
    pub target: Vec<Target>,
}

/// A Xen product and what it demands of the machine.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub id: String,
    pub name: String,
    /// Capabilities whose state must be known before the verdict can be
    /// anything but `unknown`.
    pub required: Vec<CapabilityName>,
    pub min_ram_mib: u64,
    pub ram_source: String,
    /// Smallest fixed disk the product installs on, in GiB (2^30 bytes);
    /// 0 means no minimum.
    #[serde(default)]
    pub min_disk_gb: u64,
    #[serde(default)]
    pub grades: TargetGrades,
}

/// Check id → severity for this target.
pub type TargetGrades = BTreeMap<String, Severity>;

impl Target {
    /// The severity a finding of `check_id` has for this target.
    pub fn grade(&self, check_id: &str, default: Severity) -> Severity {
        self.grades.get(check_id).copied().unwrap_or(default)
    }
}

pub(super) fn validate(targets: &[Target]) -> Result<(), KnowledgeError> {
    let invalid = |message: String| KnowledgeError::Invalid {
        file: "targets.toml",
        message,
    };
    if targets.is_empty() {
        return Err(invalid("no target defined".into()));
    }
    let mut seen = BTreeSet::new();
    for target in targets {
        if !seen.insert(target.id.as_str()) {
            return Err(invalid(format!("target id `{}` repeats", target.id)));
        }
        for check_id in target.grades.keys() {
            if crate::checks::find(check_id).is_none() {
                return Err(invalid(format!(
                    "target `{}` grades unknown check `{check_id}`",
                    target.id
                )));
            }
        }
    }
    Ok(())
}
