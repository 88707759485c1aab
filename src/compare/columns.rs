//! The capability columns of a fleet table, typed, so a capability is
//! named by `CapabilityName` and its key, never by a string in each format.

use super::input::ReportView;
use crate::model::CapabilityName;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

/// The capabilities a fleet table shows: the three that tell an old
/// server apart (all six would not fit a console line).
pub const CAPABILITY_COLUMNS: [CapabilityName; 3] = [
    CapabilityName::Hvm,
    CapabilityName::Hap,
    CapabilityName::Iommu,
];

/// Each of `CAPABILITY_COLUMNS` with its state (`unknown` when the report
/// has none), in that order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapabilityStates(pub Vec<(CapabilityName, String)>);

impl CapabilityStates {
    pub(super) fn of(report: &ReportView) -> Self {
        CapabilityStates(
            CAPABILITY_COLUMNS
                .into_iter()
                .map(|name| {
                    let state = report
                        .capabilities
                        .get(name.key())
                        .and_then(|c| c.state.clone());
                    (name, state.unwrap_or_else(|| "unknown".to_string()))
                })
                .collect(),
        )
    }

    pub(super) fn unknown() -> Self {
        CapabilityStates(
            CAPABILITY_COLUMNS
                .into_iter()
                .map(|name| (name, "unknown".to_string()))
                .collect(),
        )
    }

    pub fn get(&self, name: CapabilityName) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, state)| state.as_str())
    }

    pub fn states(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(_, state)| state.as_str())
    }
}

impl Serialize for CapabilityStates {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, state) in &self.0 {
            map.serialize_entry(name.key(), state)?;
        }
        map.end()
    }
}
