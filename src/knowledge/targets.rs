use super::target_facts::XenFacts;
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
    /// What the product's Xen build does; decides the CPU checks' grades.
    pub xen: XenFacts,
    /// Grades the facts do not decide.
    #[serde(default)]
    pub grades: TargetGrades,
}

/// Check id → severity for this target.
pub type TargetGrades = BTreeMap<String, Severity>;

impl Target {
    /// The severity a finding of `check_id` has for this target.
    pub fn grade(&self, check_id: &str, default: Severity) -> Severity {
        self.grades
            .get(check_id)
            .copied()
            .or_else(|| self.xen.implied_grade(check_id))
            .unwrap_or(default)
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
        if let Some((fact, _)) = target
            .xen
            .sources()
            .into_iter()
            .find(|(_, source)| source.trim().is_empty())
        {
            return Err(invalid(format!(
                "target `{}`: fact `{fact}` must say where it comes from",
                target.id
            )));
        }
        if let Some((check, grade)) = target
            .grades
            .iter()
            // A product's support terms may be stricter than its build; an
            // explicit grade milder than the build allows would hide a fact.
            .find(|(check, grade)| target.xen.implied_grade(check).is_some_and(|g| **grade > g))
        {
            return Err(invalid(format!(
                "target `{}` grades `{check}` {grade:?}, milder than its Xen facts imply",
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

#[cfg(test)]
mod tests {
    use super::*;

    const FACTS: &str = r#"
[target.xen]
xen_version = { value = "4.17", source = "s" }
nmi_default = { value = "fatal", source = "s" }
shadow_paging = { value = false, source = "s" }
require_nx = { value = true, source = "s" }
pv_guests = { value = false, source = "s" }
pv32 = { value = false, source = "s" }
end_of_life = { value = false, source = "s" }
"#;

    fn parse(text: &str) -> Result<Vec<Target>, String> {
        let file: TargetsFile = toml::from_str(text).map_err(|e| e.to_string())?;
        validate(&file.target).map_err(|e| e.to_string())?;
        Ok(file.target)
    }

    fn target(facts: &str, grades: &str) -> String {
        format!(
            "[[target]]\nid = \"t\"\nname = \"T\"\nrequired = []\nmin_ram_mib = 1\n\
             ram_source = \"r\"\ndisk_source = \"d\"\nsource = \"s\"\n{facts}\n\
             [target.grades]\n{grades}\n"
        )
    }

    #[test]
    fn a_target_with_sourced_facts_is_valid() {
        let targets = parse(&target(FACTS, "")).expect("valid");
        assert_eq!(
            targets[0].grade("hap-unsupported", Severity::Info),
            Severity::Blocker
        );
    }

    #[test]
    fn a_fact_without_a_source_is_refused() {
        let unsourced = FACTS.replace(
            "pv32 = { value = false, source = \"s\" }",
            "pv32 = { value = false }",
        );
        assert!(parse(&target(&unsourced, "")).is_err());
        let empty = FACTS.replace(
            "require_nx = { value = true, source = \"s\" }",
            "require_nx = { value = true, source = \" \" }",
        );
        let error = parse(&target(&empty, "")).expect_err("empty source");
        assert!(error.contains("require_nx"), "{error}");
    }

    #[test]
    fn a_grade_milder_than_the_facts_is_refused_a_stricter_one_kept() {
        let error = parse(&target(FACTS, "\"hap-unsupported\" = \"limitation\""))
            .expect_err("milder grade");
        assert!(error.contains("milder"), "{error}");
        let strict = FACTS.replace("pv_guests = { value = false", "pv_guests = { value = true");
        let targets =
            parse(&target(&strict, "\"hvm-unsupported\" = \"blocker\"")).expect("stricter");
        assert_eq!(
            targets[0].grade("hvm-unsupported", Severity::Info),
            Severity::Blocker
        );
    }
}
