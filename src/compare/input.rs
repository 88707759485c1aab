//! One input of a comparison: a JSON report or an evidence bundle, read
//! leniently into the few keys a fleet table needs.
//!
//! Reports are read through `ReportView` rather than `Report` so that
//! reports of older builds (without `memory`) and newer ones (with keys
//! this build does not know, such as a `targets` map) compare alike.

use crate::evidence::{Evidence, EVIDENCE_FORMAT, EVIDENCE_VERSION};
use crate::knowledge::{Knowledge, Target};
use crate::report::SCHEMA_VERSION;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A report or bundle, with the name it was given by.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The path as given on the command line.
    pub file: String,
    pub report: ReportView,
    /// Order of appearance, the last tie-breaker when duplicates merge.
    pub index: usize,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LoadError {
    #[error("not JSON: {0}")]
    NotJson(String),
    #[error("JSON, but neither a xenready report nor an evidence bundle")]
    NotXenready,
    #[error("a report of schema {0}; this xenready reads schema {SCHEMA_VERSION} and older")]
    NewerSchema(u64),
    #[error(
        "an evidence bundle of version {0}; this xenready reads up to version {EVIDENCE_VERSION}"
    )]
    NewerBundle(u64),
    #[error("unreadable {kind}: {message}")]
    Malformed { kind: &'static str, message: String },
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ReportView {
    pub target: Option<String>,
    pub verdict: Option<String>,
    pub score: Option<u32>,
    pub machine: MachineView,
    pub cpu: CpuView,
    pub memory: MemoryView,
    pub environment: EnvironmentView,
    pub capabilities: BTreeMap<String, CapabilityView>,
    pub findings: Vec<FindingView>,
    /// Verdicts for several targets at once, when the report has them.
    pub targets: Option<BTreeMap<String, TargetView>>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct MachineView {
    pub vendor: Option<String>,
    pub product: Option<String>,
    pub serial: Option<String>,
    pub uuid: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct CpuView {
    pub brand: Option<String>,
    pub sockets: Option<u32>,
    pub cores: Option<u32>,
    pub threads: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct MemoryView {
    pub installed_mib: Option<u64>,
    pub os_total_mib: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct EnvironmentView {
    pub captured_at: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct CapabilityView {
    pub state: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct FindingView {
    pub id: Option<String>,
    pub title: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct TargetView {
    pub verdict: Option<String>,
    pub score: Option<u32>,
}

impl ReportView {
    /// How many of the facts a fleet table shows are known: among
    /// duplicates, the fuller report is kept.
    pub fn completeness(&self) -> usize {
        let m = &self.machine;
        let c = &self.cpu;
        let known_strings = [&m.vendor, &m.product, &m.serial, &m.uuid, &c.brand]
            .iter()
            .filter(|v| v.is_some())
            .count();
        let known_numbers = [c.sockets, c.cores, c.threads]
            .iter()
            .filter(|v| v.is_some())
            .count()
            + usize::from(self.memory.installed_mib.is_some())
            + usize::from(self.memory.os_total_mib.is_some());
        let known_capabilities = self
            .capabilities
            .values()
            .filter(|c| c.state.as_deref().is_some_and(|s| s != "unknown"))
            .count();
        known_strings + known_numbers + known_capabilities
    }
}

/// Reads one file's text: a bundle is analysed for `target` (a report
/// keeps the target it was made for).
pub fn load(
    file: &str,
    text: &str,
    index: usize,
    knowledge: &Knowledge,
    target: &Target,
) -> Result<Entry, LoadError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| LoadError::NotJson(e.to_string()))?;
    let object = value.as_object().ok_or(LoadError::NotXenready)?;
    let report = if object.get("format").and_then(|f| f.as_str()) == Some(EVIDENCE_FORMAT) {
        let version = object.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
        if version > u64::from(EVIDENCE_VERSION) {
            return Err(LoadError::NewerBundle(version));
        }
        let evidence: Evidence =
            serde_json::from_value(value).map_err(|e| LoadError::Malformed {
                kind: "evidence bundle",
                message: e.to_string(),
            })?;
        let report = crate::analyze(&evidence, knowledge, target);
        let value = serde_json::to_value(&report).map_err(|e| LoadError::Malformed {
            kind: "evidence bundle",
            message: e.to_string(),
        })?;
        view(value)?
    } else if let Some(schema) = object.get("schema_version").and_then(|v| v.as_u64()) {
        if schema > u64::from(SCHEMA_VERSION) {
            return Err(LoadError::NewerSchema(schema));
        }
        if !object.contains_key("verdict") {
            return Err(LoadError::NotXenready);
        }
        view(value)?
    } else {
        return Err(LoadError::NotXenready);
    };
    Ok(Entry {
        file: file.to_string(),
        report,
        index,
    })
}

fn view(value: serde_json::Value) -> Result<ReportView, LoadError> {
    serde_json::from_value(value).map_err(|e| LoadError::Malformed {
        kind: "report",
        message: e.to_string(),
    })
}
