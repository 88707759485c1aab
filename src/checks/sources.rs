//! Whether a source was read, for checks whose empty facts would otherwise
//! read as "nothing there" when the truth is "not looked at".

use crate::evidence::SourceStatus;
use crate::facts::Facts;

/// The source was read, wholly or in part.
pub fn read(facts: &Facts, name: &str) -> bool {
    facts
        .sources
        .iter()
        .any(|s| s.name == name && matches!(s.status, SourceStatus::Ok | SourceStatus::Partial))
}
