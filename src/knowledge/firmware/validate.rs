//! Proof that `probes/firmware-settings.toml` is whole: every id unique,
//! every cited source defined, every confirmed name backed by a source,
//! every vendor naming its event log and covering every setting or saying
//! it has no name for it.

use super::{normalize, CpuFamily, FirmwareKnowledge, Setting, Vendor};
use crate::knowledge::KnowledgeError;
use std::collections::BTreeSet;

impl FirmwareKnowledge {
    pub(in crate::knowledge) fn validate(&self) -> Result<(), KnowledgeError> {
        let mut sources = BTreeSet::new();
        for s in &self.sources {
            if !sources.insert(s.id.as_str()) || s.title.trim().is_empty() {
                return Err(invalid(format!(
                    "source `{}` repeats or has no title",
                    s.id
                )));
            }
        }
        let mut settings = BTreeSet::new();
        for s in &self.settings {
            if !settings.insert(s.id) {
                return Err(invalid(format!("setting `{}` repeats", s.id.id())));
            }
            cited(
                &sources,
                &s.power_cycle_source,
                &format!("setting `{}`", s.id.id()),
            )?;
        }
        if let Some(missing) = Setting::ALL.iter().find(|s| !settings.contains(s)) {
            return Err(invalid(format!(
                "setting `{}` is not defined",
                missing.id()
            )));
        }

        let mut ids = BTreeSet::new();
        let mut patterns = BTreeSet::new();
        for v in &self.vendors {
            if !ids.insert(v.id.as_str()) {
                return Err(invalid(format!("vendor `{}` repeats", v.id)));
            }
            if v.matches.is_empty() || v.setup_key.trim().is_empty() {
                return Err(invalid(format!(
                    "vendor `{}` needs match strings and a setup key",
                    v.id
                )));
            }
            for p in &v.matches {
                if normalize(p).is_empty() || !patterns.insert(normalize(p)) {
                    return Err(invalid(format!(
                        "vendor `{}`: match string `{p}` is empty or used twice",
                        v.id
                    )));
                }
            }
            if v.remote
                .as_ref()
                .is_some_and(|r| !r.contains("{attribute}"))
            {
                return Err(invalid(format!(
                    "vendor `{}`: remote has no {{attribute}}",
                    v.id
                )));
            }
            self.validate_vendor(v, &sources)?;
        }
        Ok(())
    }

    fn validate_vendor(&self, v: &Vendor, sources: &BTreeSet<&str>) -> Result<(), KnowledgeError> {
        if let Some(parent) = &v.inherits {
            match self.vendor_by_id(parent) {
                Some(p) if p.id != v.id && p.inherits.is_none() => {}
                _ => {
                    return Err(invalid(format!(
                        "vendor `{}` inherits `{parent}`, which is unknown, itself or inherits too",
                        v.id
                    )))
                }
            }
        }
        let log = &v.event_log;
        let context = format!("vendor `{}` event_log", v.id);
        cited(sources, &log.source, &context)?;
        if log.name.trim().is_empty() || (log.confirmed && log.source.is_none()) {
            return Err(invalid(format!(
                "{context} has no name or is confirmed without a source"
            )));
        }
        let mut seen = BTreeSet::new();
        for r in &v.settings {
            let context = format!("vendor `{}` setting `{}`", v.id, r.id.id());
            cited(sources, &r.source, &context)?;
            if r.confirmed && r.source.is_none() {
                return Err(invalid(format!("{context} is confirmed without a source")));
            }
            if r.remote.is_some() && v.remote.is_none() {
                return Err(invalid(format!(
                    "{context} has a remote attribute but the vendor no remote command"
                )));
            }
            if !seen.insert((r.id, r.cpu)) {
                return Err(invalid(format!("{context} repeats for cpu {:?}", r.cpu)));
            }
        }
        for (id, cpu) in &seen {
            if *cpu == CpuFamily::Any && seen.iter().any(|(i, c)| i == id && *c != CpuFamily::Any) {
                return Err(invalid(format!(
                    "vendor `{}` setting `{}` has both a cpu = any row and a per-CPU row",
                    v.id,
                    id.id()
                )));
            }
        }
        for a in &v.absent {
            if v.settings.iter().any(|r| r.id == a.setting) {
                return Err(invalid(format!(
                    "vendor `{}` lists `{}` as absent and gives a row for it",
                    v.id,
                    a.setting.id()
                )));
            }
        }
        for s in Setting::ALL {
            if self.rows(v, s).is_empty() && self.absent(v, s).is_none() {
                return Err(invalid(format!(
                    "vendor `{}` has no row for `{}` and does not list it as absent",
                    v.id,
                    s.id()
                )));
            }
        }
        Ok(())
    }
}

fn invalid(message: String) -> KnowledgeError {
    KnowledgeError::Invalid {
        file: "firmware-settings.toml",
        message,
    }
}

/// A cited source id must be defined under `[[source]]`.
fn cited(
    sources: &BTreeSet<&str>,
    id: &Option<String>,
    context: &str,
) -> Result<(), KnowledgeError> {
    match id {
        Some(id) if !sources.contains(id.as_str()) => {
            Err(invalid(format!("{context} cites unknown source `{id}`")))
        }
        _ => Ok(()),
    }
}
