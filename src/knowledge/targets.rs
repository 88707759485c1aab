use super::KnowledgeError;
use crate::model::{CapabilityName, Severity};
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
    /// What the product recommends, when it says.
    #[serde(default)]
    pub recommended_ram_mib: Option<u64>,
    /// Smallest install disk in GB (10^9 bytes, as installers count);
    /// `None` when the product publishes no minimum.
    #[serde(default)]
    pub min_disk_gb: Option<u64>,
    #[serde(default)]
    pub recommended_disk_gb: Option<u64>,
    pub disk_source: String,
    /// Where the CPU requirements and the grades come from.
    pub source: String,
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
        if target.ram_source.trim().is_empty()
            || target.disk_source.trim().is_empty()
            || target.source.trim().is_empty()
        {
            return Err(invalid(format!(
                "target `{}` must say where its figures come from",
                target.id
            )));
        }
        let below = |minimum: Option<u64>, recommended: Option<u64>| matches!((minimum, recommended), (Some(m), Some(r)) if r < m);
        if below(Some(target.min_ram_mib), target.recommended_ram_mib)
            || below(target.min_disk_gb, target.recommended_disk_gb)
        {
            return Err(invalid(format!(
                "target `{}` recommends less than its minimum",
                target.id
            )));
        }
    }
    Ok(())
}
