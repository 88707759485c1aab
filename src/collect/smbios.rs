//! PLACEHOLDER: replaced by the SMBIOS collector.
use crate::evidence::{Evidence, SourceStatus};
use std::path::Path;

pub fn collect(evidence: &mut Evidence, _root: &Path) {
    evidence.record("smbios", SourceStatus::Absent, "not implemented yet");
}
