//! The vocabulary every stage shares: how bad a finding is, what a
//! capability's state is on its three axes, what a target's verdict is,
//! what kind of platform the readings come from. A ground floor: it imports
//! nothing from the pipeline above it. These names are public JSON values.

mod capability;
mod check_id;
mod check_result;
mod log_meaning;
mod platform;
mod source_name;

pub use capability::{
    CapState, Capabilities, Capability, CapabilityName, FirmwareState, OsState, Silicon,
};
pub use check_id::CheckId;
pub use check_result::{CheckResult, OutcomeKind};
pub use log_meaning::LogMeaning;
pub use platform::{LogOrigin, Platform};
pub use source_name::SourceName;

use serde::{Deserialize, Serialize};

/// How bad a finding is, worst first.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Xen cannot run on this machine.
    Blocker,
    /// Xen runs, with a loss that no setting fixes (PV only, shadow paging).
    Limitation,
    /// The hardware can; a firmware or boot setting must change.
    Action,
    /// Worth knowing and fixing, not decisive.
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Blocker => "blocker",
            Severity::Limitation => "limitation",
            Severity::Action => "action",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// The answer for one target, worst first.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    NotSuitable,
    Limited,
    NeedsChanges,
    Unknown,
    Ready,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::NotSuitable => "not-suitable",
            Verdict::Limited => "limited",
            Verdict::NeedsChanges => "needs-changes",
            Verdict::Unknown => "unknown",
            Verdict::Ready => "ready",
        }
    }

    /// Exit status under `--check`, documented in the README.
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Ready => 0,
            Verdict::NeedsChanges => 3,
            Verdict::Limited => 4,
            Verdict::NotSuitable => 5,
            Verdict::Unknown => 6,
        }
    }
}

/// One problem (or notable fact) found on the machine.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Finding {
    /// The check's stable id (`hvm-unsupported`).
    pub id: CheckId,
    /// Graded for the report's target.
    pub severity: Severity,
    pub title: String,
    /// What was found on this machine, in a sentence or two.
    pub detail: String,
    /// The readings that prove it (`cpuid: leaf 0x1 ECX bit 5 (VMX) = 0`).
    pub evidence: Vec<String>,
    /// What to do, one step per entry.
    pub remedy: Vec<String>,
}
