//! PLACEHOLDER: replaced by the CPUID collector.
use crate::evidence::{Evidence, SourceStatus};

pub fn collect(evidence: &mut Evidence) {
    evidence.record("cpuid", SourceStatus::Absent, "not implemented yet");
}
