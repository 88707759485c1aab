//! What one check's `run` returns, and how the framework settles it
//! against the evidence the check declares it reads.

use super::{sources, Check, Context, Hit};

/// A check's answer on this machine.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Looked, found nothing. The framework turns it into `Unknown` when
    /// the evidence the check reads was missing (see `Check::reads`).
    Clear,
    /// Nothing to judge on this machine whatever was read (an AMD CPU for a
    /// VT-x check, a target without a disk minimum). Reported as `clear`
    /// with the reason, and never made `Unknown`.
    DoesNotApply {
        reason: &'static str,
    },
    /// Could not judge; the reason names the evidence that was missing.
    Unknown {
        reason: String,
    },
    Found(Vec<Hit>),
}

impl Outcome {
    pub fn found(hit: Hit) -> Outcome {
        Outcome::Found(vec![hit])
    }

    pub fn unknown(reason: impl Into<String>) -> Outcome {
        Outcome::Unknown {
            reason: reason.into(),
        }
    }

    /// The hits, none for an outcome other than `Found`.
    pub fn into_hits(self) -> Vec<Hit> {
        match self {
            Outcome::Found(hits) => hits,
            _ => Vec::new(),
        }
    }
}

/// For checks written as "every hit I see": none seen is `Clear`.
impl From<Vec<Hit>> for Outcome {
    fn from(hits: Vec<Hit>) -> Outcome {
        if hits.is_empty() {
            Outcome::Clear
        } else {
            Outcome::Found(hits)
        }
    }
}

/// Runs one check and settles its answer: findings always stand; a clear
/// or unknown answer whose evidence was missing becomes `Unknown` naming
/// the missing sources (a more useful reason than the check's own, which
/// can only say it saw too little).
pub fn settle(check: &Check, context: &Context) -> Outcome {
    let outcome = (check.run)(context);
    match outcome {
        Outcome::Found(hits) if !hits.is_empty() => Outcome::Found(hits),
        Outcome::DoesNotApply { .. } => outcome,
        other => match sources::unread(context.facts, check.reads) {
            Some(reason) => Outcome::Unknown { reason },
            None if matches!(other, Outcome::Found(_)) => Outcome::Clear,
            None => other,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::find;
    use crate::checks::testing::{bare_metal, settled};
    use crate::evidence::{SourceRecord, SourceStatus};
    use crate::facts::{CpuVendor, Facts};
    use crate::model::SourceName;

    fn reading(facts: &mut Facts, name: SourceName, status: SourceStatus) {
        facts.sources.push(SourceRecord {
            name: name.as_str().into(),
            status,
            detail: String::new(),
        });
    }

    fn check(id: &str) -> &'static Check {
        find(id).expect("a check of this build")
    }

    #[test]
    fn a_clear_answer_without_its_evidence_is_unknown_and_names_it() {
        let mut facts = bare_metal(CpuVendor::Intel);
        reading(&mut facts, SourceName::Cpuid, SourceStatus::Ok);
        reading(&mut facts, SourceName::KernelLog, SourceStatus::Absent);
        assert_eq!(
            settled(check("nmi-errors-logged"), &facts),
            Outcome::unknown("no kernel log or `xl` output was read")
        );
        // The same check with the log read judges it clear.
        facts.sources.pop();
        reading(&mut facts, SourceName::KernelLog, SourceStatus::Partial);
        facts.kernel_log = crate::checks::testing::log(Vec::new());
        assert_eq!(settled(check("nmi-errors-logged"), &facts), Outcome::Clear);
    }

    #[test]
    fn findings_stand_whatever_was_read() {
        let mut facts = bare_metal(CpuVendor::Intel);
        if let Some(cpu) = facts.cpu.as_mut() {
            cpu.features.long_mode = false;
        }
        assert!(facts.sources.is_empty());
        let outcome = settled(check("cpu-not-64bit"), &facts);
        assert!(
            matches!(outcome, Outcome::Found(ref hits) if hits.len() == 1),
            "{outcome:?}"
        );
    }

    #[test]
    fn a_check_that_does_not_apply_is_not_made_unknown() {
        let facts = bare_metal(CpuVendor::Amd);
        assert_eq!(
            settled(check("unrestricted-guest-unsupported"), &facts),
            Outcome::DoesNotApply {
                reason: "not a VT-x CPU"
            }
        );
    }

    #[test]
    fn no_hits_is_clear() {
        assert_eq!(Outcome::from(Vec::new()), Outcome::Clear);
        assert_eq!(
            Outcome::from(vec![Hit::default()]),
            Outcome::Found(vec![Hit::default()])
        );
    }
}
