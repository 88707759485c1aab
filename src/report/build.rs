use super::{
    summary, system, CpuSummary, Environment, MachineSummary, MemorySummary, SystemSummary,
    TargetVerdicts,
};
use crate::assess::Assessment;
use crate::checks::Results;
use crate::evidence::SourceRecord;
use crate::facts::Facts;
use crate::knowledge::Target;
use crate::model::{Capabilities, CapabilityName, CheckResult, Finding, Severity, Verdict};
use crate::score::Score;
use serde::{Deserialize, Serialize};

/// Version of the JSON report. Bumped when a key is renamed or removed or
/// changes meaning; see CHANGELOG.md.
pub const SCHEMA_VERSION: u32 = 2;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    /// The Xen target id the verdict is for.
    pub target: String,
    pub verdict: Verdict,
    pub score: u8,
    /// Capabilities the target requires whose state could not be confirmed
    /// (`supported` or `unknown`): what kept the verdict from `ready`.
    pub unconfirmed: Vec<CapabilityName>,
    pub machine: MachineSummary,
    pub cpu: CpuSummary,
    /// Added in schema 1 without a version bump (additive); absent from
    /// reports of earlier builds.
    #[serde(default)]
    pub memory: MemorySummary,
    pub environment: Environment,
    /// The running system's overview (sysinfo) on a live scan; its absence
    /// says why. Added in schema 1 without a version bump (additive).
    #[serde(default)]
    pub system: SystemSummary,
    pub capabilities: Capabilities,
    pub findings: Vec<Finding>,
    /// Every check with its outcome, in check order (schema 2): what was
    /// judged clear, what could not be judged and why, what found something.
    /// Absent from schema 1 reports, which then read as an empty list.
    #[serde(default)]
    pub checks: Vec<CheckResult>,
    pub sources: Vec<SourceRecord>,
    /// Every target's verdict from the same findings, in knowledge order:
    /// target id → { name, verdict, score, blockers }. Added in schema 1.
    #[serde(default)]
    pub targets: TargetVerdicts,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

impl Report {
    /// The findings that decided the verdict: the blockers of a
    /// `not-suitable`, the limitations of a `limited`, the actions of a
    /// `needs-changes`; none for `ready` and `unknown`.
    pub fn deciding_findings(&self) -> impl Iterator<Item = &Finding> {
        let deciding = match self.verdict {
            Verdict::NotSuitable => Some(Severity::Blocker),
            Verdict::Limited => Some(Severity::Limitation),
            Verdict::NeedsChanges => Some(Severity::Action),
            Verdict::Ready | Verdict::Unknown => None,
        };
        self.findings
            .iter()
            .filter(move |f| Some(f.severity) == deciding)
    }
}

pub fn build(
    facts: &Facts,
    assessment: &Assessment,
    target: &Target,
    results: Results,
    score: &Score,
    targets: TargetVerdicts,
) -> Report {
    Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME").into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        target: target.id.clone(),
        verdict: score.verdict,
        score: score.score,
        unconfirmed: score.unconfirmed.clone(),
        machine: summary::machine(facts),
        cpu: summary::cpu(facts),
        memory: summary::memory(facts),
        environment: summary::environment(facts, &assessment.platform),
        system: system::system(facts),
        capabilities: assessment.capabilities.clone(),
        findings: results.findings,
        checks: results.checks,
        sources: facts.sources.clone(),
        targets,
    }
}
