//! Kernel-log and Xen-console signatures (`probes/log-signatures.toml`),
//! compiled once when the knowledge base loads.

use super::pattern::Pattern;
use super::KnowledgeError;
use crate::model::{LogMeaning, LogOrigin};
use serde::Deserialize;
use std::collections::BTreeSet;

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
    /// What every line of this signature says; a pattern may say more.
    pub means: Vec<LogMeaning>,
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
    /// The signature's meanings and the pattern's own, sorted: what an
    /// event matched by this pattern says.
    pub means: Vec<LogMeaning>,
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
    #[serde(default)]
    means: Vec<LogMeaning>,
    title: String,
    patterns: Vec<String>,
    #[serde(default)]
    multiline: Vec<RawMultiLine>,
    #[serde(default)]
    variant: Vec<RawVariant>,
    #[serde(default)]
    unless: Vec<String>,
    examples: Vec<String>,
}

/// `[[signature.variant]]`: wordings that say more than the signature.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVariant {
    patterns: Vec<String>,
    means: Vec<LogMeaning>,
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
        // Code asks for meanings, never ids: a meaning nothing declares
        // would switch its readers off without a word.
        let declared: BTreeSet<LogMeaning> = self
            .signatures
            .iter()
            .flat_map(|s| s.patterns.iter().flat_map(|p| p.means.iter().copied()))
            .collect();
        if let Some(missing) = LogMeaning::ALL.iter().find(|m| !declared.contains(m)) {
            return Err(invalid(format!(
                "no signature means `{}`; checks and assessments rely on it",
                missing.as_str()
            )));
        }
        Ok(())
    }
}

fn compile(raw: RawSignature) -> Result<LogSignature, KnowledgeError> {
    let one = |p: &str| -> Result<Pattern, KnowledgeError> {
        Pattern::compile(p).map_err(|e| invalid(format!("signature `{}`: {e}", raw.id)))
    };
    let means = sorted(raw.means.iter().copied());
    let plain =
        |text: &String, means: Vec<LogMeaning>| -> Result<SignaturePattern, KnowledgeError> {
            Ok(SignaturePattern {
                pattern: one(text)?,
                then: Vec::new(),
                within: DEFAULT_WITHIN,
                means,
            })
        };
    let mut patterns = Vec::new();
    for text in &raw.patterns {
        patterns.push(plain(text, means.clone())?);
    }
    for variant in &raw.variant {
        if variant.patterns.is_empty() || variant.means.is_empty() {
            return Err(invalid(format!(
                "signature `{}`: a variant needs patterns and meanings",
                raw.id
            )));
        }
        let more = sorted(means.iter().chain(&variant.means).copied());
        for text in &variant.patterns {
            patterns.push(plain(text, more.clone())?);
        }
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
            means: means.clone(),
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
        means,
        title: raw.title,
        examples: raw.examples,
    })
}

fn sorted(means: impl Iterator<Item = LogMeaning>) -> Vec<LogMeaning> {
    let set: BTreeSet<LogMeaning> = means.collect();
    set.into_iter().collect()
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

    const BUILTIN: &str = include_str!("../../probes/log-signatures.toml");

    fn error(text: &str) -> Option<String> {
        LogSignatures::load_toml(text).err().map(|e| e.to_string())
    }

    #[test]
    fn the_builtin_file_declares_every_meaning() {
        assert_eq!(error(BUILTIN), None);
    }

    #[test]
    fn removing_the_only_signature_of_a_meaning_is_refused_by_name() {
        // `xen-parameter-unknown` is the only signature that means
        // `xen-option-unknown`: renaming the meaning away (or deleting the
        // signature) would silently switch xen-boot-option-unknown off.
        let without = BUILTIN.replace("means = [\"xen-option-unknown\"]\n", "");
        assert_ne!(without, BUILTIN);
        let err = error(&without);
        assert!(
            err.as_deref()
                .is_some_and(|e| e.contains("`xen-option-unknown`")),
            "{err:?}"
        );
    }

    #[test]
    fn every_meaning_is_guarded() {
        for &meaning in LogMeaning::ALL {
            let mut raw: RawFile = toml::from_str(BUILTIN).expect("the builtin file parses");
            for s in &mut raw.signature {
                s.means.retain(|&m| m != meaning);
                for v in &mut s.variant {
                    v.means.retain(|&m| m != meaning);
                }
                // A variant left meaning nothing more is refused for that.
                s.variant.retain(|v| !v.means.is_empty());
            }
            let err = LogSignatures::load(raw)
                .and_then(|l| l.validate().map(|()| l))
                .err()
                .map(|e| e.to_string());
            let name = format!("`{}`", meaning.as_str());
            assert!(
                err.as_deref().is_some_and(|e| e.contains(&name)),
                "{meaning:?}: {err:?}"
            );
        }
    }

    #[test]
    fn a_variant_adds_its_meanings_to_its_patterns_only() {
        let text = r#"
[[signature]]
id = "kvm-active"
origin = "linux"
means = ["hvm-active"]
title = "kvm loaded"
patterns = ["kvm: Nested Virtualization enabled"]
examples = ["kvm: Nested Paging enabled"]

[[signature.variant]]
patterns = ["kvm: Nested Paging enabled"]
means = ["npt-used-by-kvm"]
"#;
        let raw: RawFile = toml::from_str(text).expect("parses");
        // Compiled alone: the file as a whole lacks most meanings.
        let signature = raw.signature.into_iter().next().map(compile);
        let signature = signature.expect("one signature").expect("compiles");
        let means: Vec<&[LogMeaning]> = signature
            .patterns
            .iter()
            .map(|p| p.means.as_slice())
            .collect();
        assert_eq!(
            means,
            [
                &[LogMeaning::HvmActive][..],
                &[LogMeaning::HvmActive, LogMeaning::NptUsedByKvm][..]
            ]
        );
        let empty = text.replace("means = [\"npt-used-by-kvm\"]", "means = []");
        assert!(error(&empty).is_some_and(|e| e.contains("variant needs")));
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
