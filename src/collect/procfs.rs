//! PLACEHOLDER: replaced by the procfs/sysfs collector.
use crate::evidence::{Evidence, SourceStatus};
use std::path::Path;

pub fn collect(evidence: &mut Evidence, _root: &Path) {
    evidence.record("procfs", SourceStatus::Absent, "not implemented yet");
}
