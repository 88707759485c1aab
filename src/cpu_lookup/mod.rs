//! `xenready cpu QUERY`: what a processor would bring to Xen, before buying
//! the server. The query (a brand string, a model number, "Opteron 2218", a
//! codename) is matched against `probes/cpu-generations.toml`; the answer is
//! not read off the table but built by synthesising the evidence such a
//! machine's firmware would show (an SMBIOS processor record with the
//! generation's signature and the typed name) and running the real
//! pipeline, so the per-target verdicts are the ones a scan would give a
//! machine whose readings all came from inference.

use crate::evidence::{Origin, SourceRecord, SourceStatus};
use crate::facts::{Facts, ProcessorSocket, SmbiosFacts};
use crate::knowledge::brand::{self, Pattern};
use crate::knowledge::generations::{encode_signature, BrandRule, Generation, GenerationKnowledge};
use crate::knowledge::{Knowledge, Target, Vendor};
use crate::model::{CapState, Capabilities, Capability, CapabilityName};
use crate::report::{Report, TargetVerdicts};
use serde::Serialize;

/// A query resolved to a generation.
#[derive(Debug, Clone)]
pub struct CpuMatch<'k> {
    pub query: String,
    pub generation: &'k Generation,
    /// The brand rule of the model number, when one matched.
    pub rule: Option<&'k BrandRule>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    #[error("empty query: give a model number (X5570, E5-2680 v2, Opteron 2218), a brand string or a codename")]
    Empty,
    #[error(
        "`{query}` names no processor generation xenready knows{}",
        hint(suggestions)
    )]
    Unknown {
        query: String,
        suggestions: Vec<String>,
    },
    #[error("`{query}` fits several generations: {}; add the line (Xeon, Opteron) or more of the model number", candidates.join(", "))]
    Ambiguous {
        query: String,
        candidates: Vec<String>,
    },
}

fn hint(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", suggestions.join(", "))
    }
}

/// Resolves a query: a brand or model-number pattern first (the most
/// specific wins), then a codename or alias.
pub fn lookup<'k>(
    generations: &'k GenerationKnowledge,
    query: &str,
) -> Result<CpuMatch<'k>, LookupError> {
    let tokens = brand::tokens(query);
    if tokens.is_empty() {
        return Err(LookupError::Empty);
    }
    // "X5570" carries no line word; "Opteron 2218" does and must match it.
    let lines: Vec<String> = generations
        .brand
        .iter()
        .filter_map(|r| Pattern::parse(&r.pattern).ok())
        .map(|p| p.line())
        .collect();
    let has_line = tokens.iter().any(|t| lines.contains(t));
    let rules = generations.best_rule(&tokens, !has_line);
    if let Some(first) = rules.first() {
        let mut ids: Vec<&str> = rules.iter().map(|r| r.generation.as_str()).collect();
        ids.dedup();
        if ids.len() > 1 {
            return Err(LookupError::Ambiguous {
                query: query.to_string(),
                candidates: rules.iter().map(|r| r.pattern.clone()).collect(),
            });
        }
        if let Some(generation) = generations.get(&first.generation) {
            return Ok(CpuMatch {
                query: query.to_string(),
                generation,
                rule: Some(first),
            });
        }
    }
    match generations.by_codename(&tokens).as_slice() {
        [one] => Ok(CpuMatch {
            query: query.to_string(),
            generation: one,
            rule: None,
        }),
        [] => Err(LookupError::Unknown {
            query: query.to_string(),
            suggestions: suggestions(generations, &tokens),
        }),
        many => Err(LookupError::Ambiguous {
            query: query.to_string(),
            candidates: many.iter().map(|g| g.label()).collect(),
        }),
    }
}

/// Codenames within a small edit distance of a query word.
fn suggestions(generations: &GenerationKnowledge, tokens: &[String]) -> Vec<String> {
    let mut scored: Vec<(usize, String)> = Vec::new();
    for generation in &generations.generation {
        for name in generation.names() {
            let folded = brand::fold(name);
            let best = tokens
                .iter()
                .map(|t| crate::suggest::distance(&brand::fold(t), &folded))
                .min()
                .unwrap_or(usize::MAX);
            let seen = scored.iter().any(|(_, n)| brand::fold(n) == folded);
            if best <= folded.len().div_ceil(3).max(1) && !seen {
                scored.push((best, name.to_string()));
            }
        }
    }
    scored.sort();
    scored.into_iter().take(5).map(|(_, n)| n).collect()
}

impl CpuMatch<'_> {
    /// The processor name the synthesised firmware reports: the query, with
    /// the line word put back when a bare model number was typed ("X5570"
    /// → "Xeon X5570") so the pipeline resolves the same brand rule.
    pub fn brand(&self) -> String {
        let Some(rule) = self.rule else {
            return self.query.clone();
        };
        let Ok(pattern) = Pattern::parse(&rule.pattern) else {
            return self.query.clone();
        };
        let line = pattern.line();
        if brand::tokens(&self.query).contains(&line) {
            self.query.clone()
        } else {
            format!("{line} {}", self.query)
        }
    }

    /// Facts of a machine known only by its SMBIOS processor record: the
    /// generation's CPUID signature and the processor name. Everything the
    /// report then says about capabilities comes from inference.
    pub fn facts(&self) -> Facts {
        let (family, model, stepping) = self
            .generation
            .cpuid
            .first()
            .map(|m| m.first())
            .unwrap_or_default();
        let socket = ProcessorSocket {
            socket: Some("lookup".into()),
            populated: true,
            status: Some("enabled".into()),
            manufacturer: Some(self.generation.vendor.name().into()),
            version: Some(self.brand()),
            cpuid_signature: Some(encode_signature(family, model, stepping)),
            ..ProcessorSocket::default()
        };
        Facts {
            origin: Origin::Import,
            firmware: Some(SmbiosFacts {
                processors: vec![socket],
                ..SmbiosFacts::default()
            }),
            sources: vec![SourceRecord {
                name: "knowledge".into(),
                status: SourceStatus::Ok,
                detail: format!(
                    "no machine was read: the processor `{}` was looked up in probes/cpu-generations.toml",
                    self.query
                ),
            }],
            ..Facts::default()
        }
    }
}

/// Yes, no or unknown, with the evidence behind it.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Answer {
    Yes,
    No,
    Unknown,
}

impl Answer {
    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::No => "no",
            Answer::Unknown => "unknown",
        }
    }

    fn of(capability: &Capability) -> Answer {
        match capability.state {
            CapState::Available | CapState::Supported | CapState::DisabledInFirmware => Answer::Yes,
            CapState::Unsupported => Answer::No,
            CapState::Unknown => Answer::Unknown,
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Feature {
    /// A capability key (`long_mode`, `nx`, `hvm`, `hap`, `smt`) or
    /// `unrestricted_guest`.
    pub key: &'static str,
    pub label: &'static str,
    pub answer: Answer,
    /// Always true here: no machine was read.
    pub inferred: bool,
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GenerationSummary {
    pub id: String,
    pub vendor: String,
    pub codename: String,
    pub series: String,
    pub launch: u16,
    pub segment: String,
    pub confirmed: bool,
    pub note: Option<String>,
    pub source: String,
    /// The brand pattern that matched the query, if a model number did.
    pub matched_pattern: Option<String>,
}

/// Version of `cpu --format json`, bumped like the report's (see
/// CHANGELOG.md and docs/schema/cpu.json).
pub const CPU_SCHEMA_VERSION: u32 = 1;

/// The answer to `xenready cpu QUERY`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CpuAnswer {
    pub schema_version: u32,
    pub tool: crate::report::Tool,
    pub query: String,
    pub generation: GenerationSummary,
    pub features: Vec<Feature>,
    /// What the processor cannot settle: chipset IOMMU, firmware settings.
    pub depends_on_platform: Vec<String>,
    /// The headline target of `targets`.
    pub target: String,
    pub targets: TargetVerdicts,
}

impl CpuAnswer {
    pub fn feature(&self, key: &str) -> Option<&Feature> {
        self.features.iter().find(|f| f.key == key)
    }
}

/// Looks the query up and runs the pipeline over the synthesised facts.
pub fn answer(
    query: &str,
    knowledge: &Knowledge,
    target: &Target,
) -> Result<CpuAnswer, LookupError> {
    let found = lookup(&knowledge.generations, query)?;
    let report = crate::analyze_facts(&found.facts(), knowledge, target);
    Ok(build_answer(&found, &report))
}

fn build_answer(found: &CpuMatch, report: &Report) -> CpuAnswer {
    let g = found.generation;
    CpuAnswer {
        schema_version: CPU_SCHEMA_VERSION,
        tool: report.tool.clone(),
        query: found.query.clone(),
        generation: GenerationSummary {
            id: g.id.clone(),
            vendor: g.vendor.name().into(),
            codename: g.codename.clone(),
            series: g.series.clone(),
            launch: g.launch,
            segment: g.segment.as_str().into(),
            confirmed: g.confirmed,
            note: g.note.clone(),
            source: g.source.clone(),
            matched_pattern: found.rule.map(|r| r.pattern.clone()),
        },
        features: features(g, &report.capabilities),
        depends_on_platform: depends_on_platform(g, &report.capabilities),
        target: report.target.clone(),
        targets: report.targets.clone(),
    }
}

/// Every capability the processor decides, in the report's order, with
/// unrestricted guest after HAP. The IOMMU is the chipset's: it goes to
/// `depends_on_platform` instead.
fn features(g: &Generation, caps: &Capabilities) -> Vec<Feature> {
    let mut features = Vec::new();
    for name in CapabilityName::ALL {
        if name == CapabilityName::Iommu {
            continue;
        }
        let capability = caps.get(name);
        features.push(Feature {
            key: name.key(),
            label: name.label(),
            answer: Answer::of(capability),
            inferred: true,
            evidence: capability.evidence.clone(),
        });
        if name == CapabilityName::Hap {
            features.push(unrestricted_guest(g, caps));
        }
    }
    features
}

/// Unrestricted guest is no capability of the report; it is part of VT-x,
/// so it is only as present as VT-x is.
fn unrestricted_guest(g: &Generation, caps: &Capabilities) -> Feature {
    let answer = match (Answer::of(&caps.hvm), g.unrestricted_guest) {
        (Answer::No, _) => Answer::No,
        (_, Some(true)) if g.vendor == Vendor::Amd => Answer::Unknown,
        (_, Some(true)) => Answer::Yes,
        (_, Some(false)) => Answer::No,
        (_, None) => Answer::Unknown,
    };
    let evidence = match (g.vendor, g.unrestricted_guest) {
        (Vendor::Amd, _) => "AMD-V runs real-mode guest code natively; Xen's unrestricted-guest \
             control is VT-x only"
            .to_string(),
        (_, Some(v)) => {
            format!(
            "unrestricted guest: {} (inferred from {}: VMX secondary control, Westmere and later)",
            if v { "yes" } else { "no, real-mode guest code is emulated" },
            g.label()
        )
        }
        (_, None) => format!("unrestricted guest: not known for {}", g.label()),
    };
    Feature {
        key: "unrestricted_guest",
        label: "Unrestricted guest",
        answer,
        inferred: true,
        evidence: vec![evidence],
    }
}

fn depends_on_platform(g: &Generation, caps: &Capabilities) -> Vec<String> {
    let mut depends = vec![format!(
        "{} is in the chipset, not the CPU: {} on this generation's platforms. {}",
        CapabilityName::Iommu.label(),
        g.iommu.as_str(),
        g.iommu_note
    )];
    if Answer::of(&caps.hvm) == Answer::Yes {
        depends.push(
            "Firmware must enable the processor's virtualization setting (Intel Virtualization \
             Technology / SVM Mode); check it before relying on HVM."
                .into(),
        );
    }
    if Answer::of(&caps.nx) == Answer::Yes {
        depends.push("Firmware must leave Execute Disable / No-Execute on.".into());
    }
    if Answer::of(&caps.smt) != Answer::No {
        depends.push(
            "Hyper-threading depends on the exact SKU and the firmware's Logical Processor setting."
                .into(),
        );
    }
    depends
}

pub mod netburst;
#[cfg(test)]
mod tests;
