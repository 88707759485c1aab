//! Kernel-log and Xen-console signatures (`probes/log-signatures.toml`),
//! compiled once when the knowledge base loads.

use super::pattern::Pattern;
use super::KnowledgeError;
use crate::model::LogOrigin;
use serde::Deserialize;
use std::collections::BTreeSet;

/// Ids other code reads (see `facts::LogEvent`); the file must define
/// every one of them.
pub const CONTRACT_IDS: &[&str] = &[
    "nmi-unknown",
    "nmi-serr",
    "nmi-iock",
    "nmi-panic",
    "virt-disabled-by-bios",
    "iommu-active",
    "iommu-ir-erratum",
    "iommu-firmware-bug",
    "mce",
    "edac-ce",
    "edac-ue",
    "hypervisor-detected",
    "kvm-active",
    "nx-active",
    "nx-missing",
    "hpwdt-nmi",
    "xen-hap-detected",
    "xen-hap-not-detected",
    "xen-vmx-disabled",
    "xen-svm-disabled",
    "xen-iommu-enabled",
    "xen-iommu-disabled",
    "xen-ir-enabled",
    "xen-ir-disabled",
    "xen-iommu-erratum",
    "xen-nmi-fatal",
];

const FILE: &str = "log-signatures.toml";

/// How far below its first line a `then` pattern is looked for.
const DEFAULT_WITHIN: usize = 4;
const MAX_WITHIN: usize = 16;

#[derive(Debug)]
pub struct LogSignatures {
    /// In file order, which is also the order of preference when two
    /// signatures match the same line.
    pub signatures: Vec<LogSignature>,
}

#[derive(Debug)]
pub struct LogSignature {
    pub id: String,
    pub origin: LogOrigin,
    pub title: String,
    /// Alternative wordings, in order of preference.
    pub patterns: Vec<SignaturePattern>,
    /// A line matching any of these is not this signature.
    pub unless: Vec<Pattern>,
    /// Real lines that decode to this signature and nothing else; a test
    /// replays them.
    pub examples: Vec<String>,
}

#[derive(Debug)]
pub struct SignaturePattern {
    pub pattern: Pattern,
    /// When not empty, one of these must match the rest of the message or
    /// one of the next `within` lines (a message the kernel printed over
    /// several lines); those lines then belong to the event.
    pub then: Vec<Pattern>,
    pub within: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFile {
    signature: Vec<RawSignature>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignature {
    id: String,
    origin: RawOrigin,
    title: String,
    patterns: Vec<String>,
    #[serde(default)]
    multiline: Vec<RawMultiLine>,
    #[serde(default)]
    unless: Vec<String>,
    examples: Vec<String>,
}

/// `[[signature.multiline]]`: a message printed over several lines.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMultiLine {
    text: String,
    then: Vec<String>,
    within: Option<usize>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum RawOrigin {
    Linux,
    Xen,
}

impl LogSignatures {
    /// Compiles the parsed file: patterns are checked and prepared once.
    pub(super) fn load(raw: RawFile) -> Result<LogSignatures, KnowledgeError> {
        let signatures = raw
            .signature
            .into_iter()
            .map(compile)
            .collect::<Result<Vec<_>, _>>()?;
        let loaded = LogSignatures { signatures };
        if cfg!(debug_assertions) {
            loaded.validate()?;
        }
        Ok(loaded)
    }

    #[cfg(test)]
    fn load_toml(text: &str) -> Result<LogSignatures, KnowledgeError> {
        let raw: RawFile = toml::from_str(text).map_err(|error| KnowledgeError::Parse {
            file: FILE,
            message: error.to_string(),
        })?;
        let loaded = Self::load(raw)?;
        loaded.validate()?;
        Ok(loaded)
    }

    pub fn get(&self, id: &str) -> Option<&LogSignature> {
        self.signatures.iter().find(|s| s.id == id)
    }

    pub(super) fn validate(&self) -> Result<(), KnowledgeError> {
        let mut seen = BTreeSet::new();
        for s in &self.signatures {
            let kebab = !s.id.is_empty()
                && s.id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !kebab {
                return Err(invalid(format!("id `{}` is not kebab-case", s.id)));
            }
            if !seen.insert(s.id.as_str()) {
                return Err(invalid(format!("id `{}` repeats", s.id)));
            }
            if s.id.starts_with("xen-") != (s.origin == LogOrigin::Xen) {
                return Err(invalid(format!(
                    "`{}`: ids starting `xen-` and only those match Xen's console (origin = \"xen\")",
                    s.id
                )));
            }
            if s.patterns.is_empty() || s.title.trim().is_empty() || s.examples.is_empty() {
                return Err(invalid(format!(
                    "`{}` needs a title, patterns and examples",
                    s.id
                )));
            }
        }
        if let Some(missing) = CONTRACT_IDS.iter().find(|id| !seen.contains(*id)) {
            return Err(invalid(format!(
                "signature `{missing}` is missing; checks and assessments rely on it"
            )));
        }
        Ok(())
    }
}

fn compile(raw: RawSignature) -> Result<LogSignature, KnowledgeError> {
    let one = |p: &str| -> Result<Pattern, KnowledgeError> {
        Pattern::compile(p).map_err(|e| invalid(format!("signature `{}`: {e}", raw.id)))
    };
    let mut patterns = Vec::new();
    for text in &raw.patterns {
        patterns.push(SignaturePattern {
            pattern: one(text)?,
            then: Vec::new(),
            within: DEFAULT_WITHIN,
        });
    }
    for m in &raw.multiline {
        let within = m.within.unwrap_or(DEFAULT_WITHIN);
        if within == 0 || within > MAX_WITHIN || m.then.is_empty() {
            return Err(invalid(format!(
                "signature `{}`: `{}` needs a `then` list and within 1..={MAX_WITHIN}",
                raw.id, m.text
            )));
        }
        patterns.push(SignaturePattern {
            pattern: one(&m.text)?,
            then: m.then.iter().map(|t| one(t)).collect::<Result<_, _>>()?,
            within,
        });
    }
    Ok(LogSignature {
        patterns,
        unless: raw
            .unless
            .iter()
            .map(|t| one(t))
            .collect::<Result<_, _>>()?,
        origin: match raw.origin {
            RawOrigin::Linux => LogOrigin::Linux,
            RawOrigin::Xen => LogOrigin::Xen,
        },
        id: raw.id,
        title: raw.title,
        examples: raw.examples,
    })
}

fn invalid(message: String) -> KnowledgeError {
    KnowledgeError::Invalid {
        file: FILE,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_contract_id_is_refused() {
        let text = r#"
[[signature]]
id = "mce"
origin = "linux"
title = "machine check"
patterns = ["Machine check events logged"]
examples = ["Machine check events logged"]
"#;
        let err = LogSignatures::load_toml(text).err().map(|e| e.to_string());
        assert!(
            err.as_deref().is_some_and(|e| e.contains("is missing")),
            "{err:?}"
        );
    }

    #[test]
    fn a_bad_pattern_names_its_signature() {
        let text = r#"
[[signature]]
id = "mce"
origin = "linux"
title = "machine check"
patterns = ["%d events"]
examples = ["1 events"]
"#;
        let err = LogSignatures::load_toml(text).err().map(|e| e.to_string());
        assert!(
            err.as_deref()
                .is_some_and(|e| e.contains("`mce`") && e.contains("%d events")),
            "{err:?}"
        );
    }

    #[test]
    fn xen_ids_must_read_xen_console() {
        let text = r#"
[[signature]]
id = "xen-nmi-fatal"
origin = "linux"
title = "x"
patterns = ["FATAL TRAP"]
examples = ["FATAL TRAP"]
"#;
        let err = LogSignatures::load_toml(text).err().map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("origin")));
    }
}
