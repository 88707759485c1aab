use super::{CheckId, Severity};
use serde::{Deserialize, Serialize};

/// How a check ended on this machine, as the report lists it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum OutcomeKind {
    /// The check could judge and found nothing.
    Clear,
    /// The check could not judge: evidence it needs was not read.
    Unknown,
    /// The check produced findings (listed in the report's `findings`).
    Found,
}

impl OutcomeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::Clear => "clear",
            OutcomeKind::Unknown => "unknown",
            OutcomeKind::Found => "found",
        }
    }
}

/// One line of the report's check list: every check appears once, so a
/// report with no findings still says which checks could not look.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CheckResult {
    pub id: CheckId,
    /// What the check looks at, in a few words ("Hardware NMIs in the log").
    pub subject: String,
    pub outcome: OutcomeKind,
    /// Why it is unknown (which evidence was missing), or why a clear
    /// check did not apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For `found`: the worst severity of its findings, graded for the
    /// report's target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// For `found`: how many of the report's `findings` it produced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub findings: Option<usize>,
}
