//! The check list as the renderers print it, flutter-doctor style: one
//! line per check, its mark, what it looks at and a note.
//!
//! The mark of a found check follows the worst severity of its findings:
//! a blocker or a limitation (no setting fixes it) is `Bad` (`[✗]`); an
//! action, a warning or a note is `Attention` (`[!]`). Clear is `[✓]`
//! (including a check that does not apply, whose note says why), and
//! unknown is `[?]` with the missing evidence as its note.

use super::Report;
use crate::model::{CheckResult, OutcomeKind, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineMark {
    Clear,
    Unknown,
    Attention,
    Bad,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CheckLine<'a> {
    pub mark: LineMark,
    pub check: &'a CheckResult,
    /// Why it is unknown or does not apply; for a found check, the title
    /// of its first finding.
    pub note: Option<&'a str>,
}

impl Report {
    pub fn check_lines(&self) -> impl Iterator<Item = CheckLine<'_>> {
        self.checks.iter().map(|check| {
            let mark = match (check.outcome, check.severity) {
                (OutcomeKind::Clear, _) => LineMark::Clear,
                (OutcomeKind::Unknown, _) => LineMark::Unknown,
                (OutcomeKind::Found, Some(Severity::Blocker | Severity::Limitation)) => {
                    LineMark::Bad
                }
                (OutcomeKind::Found, _) => LineMark::Attention,
            };
            let note = match check.outcome {
                OutcomeKind::Found => self
                    .findings
                    .iter()
                    .find(|f| f.id == check.id)
                    .map(|f| f.title.as_str()),
                _ => check.reason.as_deref(),
            };
            CheckLine { mark, check, note }
        })
    }

    /// How many checks ended each way: clear, unknown, found.
    pub fn check_counts(&self) -> (usize, usize, usize) {
        let count = |kind| self.checks.iter().filter(|c| c.outcome == kind).count();
        (
            count(OutcomeKind::Clear),
            count(OutcomeKind::Unknown),
            count(OutcomeKind::Found),
        )
    }
}
