//! Findings and capabilities → a verdict and a 0–100 score for one target.
//!
//! The formula (documented in the README, kept in step with it by a test):
//! start at 100; a blocker sets the score to 0; otherwise subtract
//! 30 per limitation, 15 per action, 5 per warning, 10 per capability the
//! target requires whose state is not confirmed (`supported` or
//! `unknown`), and 3 per other capability that is `unknown`; clamp to 0..100.

use crate::knowledge::Target;
use crate::model::{CapState, Capabilities, CapabilityName, Finding, Severity, Verdict};

pub const LIMITATION_PENALTY: u32 = 30;
pub const ACTION_PENALTY: u32 = 15;
pub const WARNING_PENALTY: u32 = 5;
pub const UNCONFIRMED_REQUIRED_PENALTY: u32 = 10;
pub const UNKNOWN_OPTIONAL_PENALTY: u32 = 3;

#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub verdict: Verdict,
    pub score: u8,
    /// Required capabilities that kept the verdict from `ready`.
    pub unconfirmed: Vec<CapabilityName>,
}

pub fn score(findings: &[Finding], capabilities: &Capabilities, target: &Target) -> Score {
    let count = |severity| findings.iter().filter(|f| f.severity == severity).count() as u32;
    let unconfirmed: Vec<CapabilityName> = target
        .required
        .iter()
        .copied()
        .filter(|&name| {
            matches!(
                capabilities.get(name).state,
                CapState::Supported | CapState::Unknown
            )
        })
        .collect();
    let unknown_optional = CapabilityName::ALL
        .iter()
        .filter(|name| !target.required.contains(name))
        .filter(|&&name| capabilities.get(name).state == CapState::Unknown)
        .count() as u32;

    let verdict = if count(Severity::Blocker) > 0 {
        Verdict::NotSuitable
    } else if count(Severity::Limitation) > 0 {
        Verdict::Limited
    } else if count(Severity::Action) > 0 {
        Verdict::NeedsChanges
    } else if !unconfirmed.is_empty() {
        Verdict::Unknown
    } else {
        Verdict::Ready
    };

    let score = if count(Severity::Blocker) > 0 {
        0
    } else {
        let penalty = count(Severity::Limitation) * LIMITATION_PENALTY
            + count(Severity::Action) * ACTION_PENALTY
            + count(Severity::Warning) * WARNING_PENALTY
            + unconfirmed.len() as u32 * UNCONFIRMED_REQUIRED_PENALTY
            + unknown_optional * UNKNOWN_OPTIONAL_PENALTY;
        100u32.saturating_sub(penalty) as u8
    };
    Score {
        verdict,
        score,
        unconfirmed,
    }
}
