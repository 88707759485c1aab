//! The probe files name checks (`[target.grades]`, a setting's `checks`);
//! the checks live in Rust. Proving the names resolve needs both, so it
//! happens here, above the knowledge leaf and the check registry, instead
//! of making the data layer call into the checks.

use crate::checks;
use crate::knowledge::{Knowledge, KnowledgeError};

/// Every check id a probe file names is a check of this build.
pub fn validate(knowledge: &Knowledge) -> Result<(), KnowledgeError> {
    for target in &knowledge.targets {
        for check_id in target.grades.keys() {
            if checks::find(check_id).is_none() {
                return Err(invalid(
                    "targets.toml",
                    format!("target `{}` grades unknown check `{check_id}`", target.id),
                ));
            }
        }
    }
    for setting in &knowledge.firmware.settings {
        for check_id in &setting.checks {
            if checks::find(check_id).is_none() {
                return Err(invalid(
                    "firmware-settings.toml",
                    format!(
                        "setting `{}` names unknown check `{check_id}`",
                        setting.id.id()
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn invalid(file: &'static str, message: String) -> KnowledgeError {
    KnowledgeError::Invalid { file, message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_probes_name_only_real_checks() {
        validate(Knowledge::builtin()).expect("probes/ name only checks of this build");
    }

    #[test]
    fn a_grade_for_a_check_that_does_not_exist_is_refused() {
        let mut knowledge = Knowledge::load().expect("probes/ must parse");
        knowledge.targets[0]
            .grades
            .insert("no-such-check".into(), crate::model::Severity::Info);
        let error = validate(&knowledge).expect_err("an unknown check id must fail");
        assert!(error.to_string().contains("no-such-check"), "{error}");
    }

    #[test]
    fn a_setting_naming_a_check_that_does_not_exist_is_refused() {
        let mut knowledge = Knowledge::load().expect("probes/ must parse");
        knowledge.firmware.settings[0]
            .checks
            .push("smt-disabld".into());
        let error = validate(&knowledge).expect_err("an unknown check id must fail");
        assert!(error.to_string().contains("smt-disabld"), "{error}");
    }
}
