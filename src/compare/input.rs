//! One input of a comparison: a JSON report or an evidence bundle, read
//! leniently into the few keys a fleet table needs.
//!
//! Reports are read through `ReportView` rather than `Report` so that
//! reports of older builds (without `memory`) and newer ones (with keys
//! this build does not know, such as a `targets` map) compare alike. The
//! view is picked out of a `serde_json::Value` by hand: one generic
//! parser instead of a derived deserialiser per struct keeps the static
//! binary inside its size budget.

use crate::evidence::{BundleError, Evidence, EVIDENCE_FORMAT, EVIDENCE_VERSION};
use crate::knowledge::{Knowledge, Target};
use crate::report::SCHEMA_VERSION;
use serde_json::Value;
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

#[derive(Debug, Clone, Default, PartialEq)]
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

#[derive(Debug, Clone, Default, PartialEq)]
pub struct MachineView {
    pub vendor: Option<String>,
    pub product: Option<String>,
    pub serial: Option<String>,
    pub uuid: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CpuView {
    pub brand: Option<String>,
    pub sockets: Option<u32>,
    pub cores: Option<u32>,
    pub threads: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemoryView {
    pub installed_mib: Option<u64>,
    pub os_total_mib: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct EnvironmentView {
    pub captured_at: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CapabilityView {
    pub state: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct FindingView {
    pub id: Option<String>,
    pub title: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
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
    let value: Value = serde_json::from_str(text).map_err(|e| LoadError::NotJson(e.to_string()))?;
    let object = value.as_object().ok_or(LoadError::NotXenready)?;
    let report = if object.get("format").and_then(Value::as_str) == Some(EVIDENCE_FORMAT) {
        let version = object.get("version").and_then(Value::as_u64).unwrap_or(0);
        if version > u64::from(EVIDENCE_VERSION) {
            return Err(LoadError::NewerBundle(version));
        }
        // Parsed again as text: the same reader `analyze` uses.
        let evidence = Evidence::from_json(text).map_err(|e| LoadError::Malformed {
            kind: "evidence bundle",
            message: match e {
                BundleError::NotJson { message, .. } => message,
                other => other.to_string(),
            },
        })?;
        let report = crate::analyze(&evidence, knowledge, target);
        let value: Value =
            serde_json::to_value(&report).map_err(|e| LoadError::NotJson(e.to_string()))?;
        view(&value)?
    } else if let Some(schema) = object.get("schema_version").and_then(Value::as_u64) {
        if schema > u64::from(SCHEMA_VERSION) {
            return Err(LoadError::NewerSchema(schema));
        }
        if !object.contains_key("verdict") {
            return Err(LoadError::NotXenready);
        }
        view(&value)?
    } else {
        return Err(LoadError::NotXenready);
    };
    Ok(Entry {
        file: file.to_string(),
        report,
        index,
    })
}

/// A key of the wrong type makes the report unreadable; a missing key
/// (or `null`) is only unknown.
fn malformed(path: &str, expected: &str) -> LoadError {
    LoadError::Malformed {
        kind: "report",
        message: format!("`{path}` is not {expected}"),
    }
}

fn string(v: &Value, key: &str, path: &str) -> Result<Option<String>, LoadError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(malformed(path, "a string")),
    }
}

fn number<T: TryFrom<u64>>(v: &Value, key: &str, path: &str) -> Result<Option<T>, LoadError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(n) => n
            .as_u64()
            .and_then(|n| T::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| malformed(path, "a whole number in range")),
    }
}

fn object<'a>(v: &'a Value, key: &str, path: &str) -> Result<Option<&'a Value>, LoadError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(o @ Value::Object(_)) => Ok(Some(o)),
        Some(_) => Err(malformed(path, "an object")),
    }
}

fn view(v: &Value) -> Result<ReportView, LoadError> {
    let empty = Value::Null;
    let machine = object(v, "machine", "machine")?.unwrap_or(&empty);
    let cpu = object(v, "cpu", "cpu")?.unwrap_or(&empty);
    let memory = object(v, "memory", "memory")?.unwrap_or(&empty);
    let environment = object(v, "environment", "environment")?.unwrap_or(&empty);

    let mut capabilities = BTreeMap::new();
    if let Some(Value::Object(map)) = object(v, "capabilities", "capabilities")? {
        for (name, cap) in map {
            let state = string(cap, "state", "capabilities.*.state")?;
            capabilities.insert(name.clone(), CapabilityView { state });
        }
    }
    let findings = match v.get("findings") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|f| {
                Ok(FindingView {
                    id: string(f, "id", "findings.*.id")?,
                    title: string(f, "title", "findings.*.title")?,
                })
            })
            .collect::<Result<_, LoadError>>()?,
        Some(_) => return Err(malformed("findings", "an array")),
    };
    let targets = match object(v, "targets", "targets")? {
        Some(Value::Object(map)) => {
            let mut targets = BTreeMap::new();
            for (id, t) in map {
                let view = TargetView {
                    verdict: string(t, "verdict", "targets.*.verdict")?,
                    score: number(t, "score", "targets.*.score")?,
                };
                targets.insert(id.clone(), view);
            }
            Some(targets)
        }
        _ => None,
    };
    Ok(ReportView {
        target: string(v, "target", "target")?,
        verdict: string(v, "verdict", "verdict")?,
        score: number(v, "score", "score")?,
        machine: MachineView {
            vendor: string(machine, "vendor", "machine.vendor")?,
            product: string(machine, "product", "machine.product")?,
            serial: string(machine, "serial", "machine.serial")?,
            uuid: string(machine, "uuid", "machine.uuid")?,
        },
        cpu: CpuView {
            brand: string(cpu, "brand", "cpu.brand")?,
            sockets: number(cpu, "sockets", "cpu.sockets")?,
            cores: number(cpu, "cores", "cpu.cores")?,
            threads: number(cpu, "threads", "cpu.threads")?,
        },
        memory: MemoryView {
            installed_mib: number(memory, "installed_mib", "memory.installed_mib")?,
            os_total_mib: number(memory, "os_total_mib", "memory.os_total_mib")?,
        },
        environment: EnvironmentView {
            captured_at: number(environment, "captured_at", "environment.captured_at")?,
        },
        capabilities,
        findings,
        targets,
    })
}
