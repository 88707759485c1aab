//! The probe files name checks (`[target.grades]`); the checks live in
//! Rust. Proving the names resolve needs both, so it happens here, above
//! the knowledge leaf and the check registry, instead of making the data
//! layer call into the checks. Which firmware settings a check advises on
//! is declared by the check itself (`Check::settings`), so the firmware
//! data names no check at all.

use crate::checks;
use crate::knowledge::{Knowledge, KnowledgeError};

/// Every check id a probe file names is a check of this build.
pub fn validate(knowledge: &Knowledge) -> Result<(), KnowledgeError> {
    for target in &knowledge.targets {
        for check_id in target.grades.keys() {
            if checks::find(check_id).is_none() {
                return Err(KnowledgeError::Invalid {
                    file: "targets.toml",
                    message: format!("target `{}` grades unknown check `{check_id}`", target.id),
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::Setting;
    use std::path::{Path, PathBuf};

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
    fn the_firmware_data_no_longer_names_checks() {
        let text = include_str!("../probes/firmware-settings.toml");
        let with_checks = text.replace(
            "id = \"cores\"\n",
            "id = \"cores\"\nchecks = [\"cpus-missing\"]\n",
        );
        assert_ne!(text, with_checks);
        assert!(toml::from_str::<crate::knowledge::FirmwareKnowledge>(&with_checks).is_err());
    }

    fn find_file(dir: &Path, name: &str) -> Option<PathBuf> {
        for entry in std::fs::read_dir(dir).ok()?.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if let Some(found) = find_file(&path, name) {
                    return Some(found);
                }
            } else if path.file_name().is_some_and(|n| n == name) {
                return Some(path);
            }
        }
        None
    }

    /// One mapping: a check's file advises (`remedy::firmware(…, Setting::X)`)
    /// on exactly the settings its CHECK declares, so `explain` never shows a
    /// table the finding does not follow, nor hides one it does.
    #[test]
    fn every_check_advises_on_exactly_the_settings_it_declares() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/checks");
        let mut declaring = 0;
        for check in crate::checks::ALL {
            let name = format!("{}.rs", check.id.as_str().replace('-', "_"));
            let path = find_file(&dir, &name).unwrap_or_else(|| panic!("no file {name}"));
            let text = std::fs::read_to_string(&path).expect("check source");
            let code: String = text
                .split("#[cfg(test)]")
                .next()
                .unwrap_or_default()
                .lines()
                .filter(|l| !l.trim_start().starts_with("settings:"))
                .collect();
            for setting in Setting::ALL {
                let advised = code.contains(&format!("Setting::{setting:?})"));
                assert_eq!(
                    advised,
                    check.settings.contains(&setting),
                    "{}: advises on {setting:?} = {advised}, declares {:?}",
                    check.id,
                    check.settings
                );
            }
            declaring += usize::from(!check.settings.is_empty());
        }
        assert!(declaring >= 6, "only {declaring} checks declare settings");
    }
}
