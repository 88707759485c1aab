use serde::{Deserialize, Serialize};

/// What happened when a source was read. A failed source never aborts a run;
/// it only leaves the capabilities it would have decided `unknown`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum SourceStatus {
    Ok,
    /// Some of the data was read: some CPUs, a truncated table.
    Partial,
    /// The data exists but this user may not read it (run as root).
    Denied,
    /// The machine (or the import) does not have it.
    Absent,
    /// Reading or parsing failed.
    Error,
}

impl From<crate::formats::smbios::Completeness> for SourceStatus {
    fn from(completeness: crate::formats::smbios::Completeness) -> Self {
        use crate::formats::smbios::Completeness;
        match completeness {
            Completeness::Whole => SourceStatus::Ok,
            Completeness::Partial => SourceStatus::Partial,
            Completeness::Unusable => SourceStatus::Error,
        }
    }
}

impl SourceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceStatus::Ok => "ok",
            SourceStatus::Partial => "partial",
            SourceStatus::Denied => "denied",
            SourceStatus::Absent => "absent",
            SourceStatus::Error => "error",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SourceRecord {
    /// Stable name: `cpuid`, `msr`, `smbios`, `procfs`, `sysfs`, ...
    pub name: String,
    pub status: SourceStatus,
    /// Why, in a sentence, and what would help ("run as root").
    pub detail: String,
}
