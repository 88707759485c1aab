//! The Evidence bundle: raw readings from one machine, exactly as collected.
//!
//! Evidence holds numbers, bytes and text, never interpretations, so that a
//! better decoder improves old captures too. Everything here is serialisable;
//! `xenready capture` writes it and `xenready analyze` reads it back.

mod bundle;
mod bytes;
mod source;
mod system;

pub use bundle::{BundleError, BUNDLE_CAP};
pub use bytes::HexBytes;
pub use source::{SourceRecord, SourceStatus};
pub use system::SystemReadings;

use crate::model::SourceName;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Bumped whenever a field changes meaning or disappears. Adding an optional
/// field does not bump it: old bundles still deserialise.
pub const EVIDENCE_VERSION: u32 = 1;
pub const EVIDENCE_FORMAT: &str = "xenready-evidence";

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Evidence {
    pub format: String,
    pub version: u32,
    pub meta: CaptureMeta,
    /// One record per source the collector or an importer tried.
    pub sources: Vec<SourceRecord>,
    /// CPUID leaves per logical CPU; the first entry is the CPU decoded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cpuid: Vec<CpuidDump>,
    /// Model-specific registers per logical CPU.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub msr: Vec<MsrDump>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smbios: Option<SmbiosRaw>,
    /// ACPI: which tables the machine publishes, and the bytes of the few
    /// that matter here (DMAR, IVRS, APIC; RMAD/XMAR when Xen hid the DMAR).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acpi: Option<AcpiRaw>,
    /// `dmidecode` text output captured elsewhere: the only form in which
    /// most 2005–2010 servers survive. Decoded only when `smbios` is absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dmidecode_text: Option<DmidecodeText>,
    /// Text files from procfs/sysfs (and, later, bootloaders), keyed by their
    /// absolute path on the machine (`/proc/cpuinfo`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub files: BTreeMap<String, String>,
    /// Kernel log text (the ring buffer, or a log file), newest last.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kernel_logs: Vec<LogText>,
    /// What Xen's own tools said, read in dom0 or imported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xen: Option<XenRaw>,
    /// The running system's overview (OS, kernel, host, uptime, memory),
    /// read on a live scan only. Added without a version bump (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<SystemReadings>,
}

/// One log as read, bounded: when it was longer than the bound only its
/// end is kept, and `truncated` says so.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct LogText {
    /// Where it came from: "/dev/kmsg", "syslog(2)", "/var/log/kern.log",
    /// "import: FILE".
    pub source: String,
    pub text: String,
    #[serde(default)]
    pub truncated: bool,
    /// Lines cut from the start of a truncated log, so that line numbers
    /// still count from the top of the original.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub line_offset: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Output of `xl info` and `xl dmesg`, as text.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct XenRaw {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xl_info: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xl_dmesg: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CaptureMeta {
    /// `live` for a scan of the running machine, `import` for foreign files.
    pub origin: Origin,
    pub tool_version: String,
    /// Seconds since the Unix epoch when the capture was taken, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured_at: Option<u64>,
    /// How long the live collection took, in microseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collect_micros: Option<u64>,
    /// Effective uid was 0 during a live scan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_root: Option<bool>,
    /// Files an import read, in the order given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub imported_files: Vec<String>,
    /// What `--redact` removed, one line per source ("smbios: 3 serial
    /// numbers, 1 UUID"). Empty when the bundle was not redacted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redacted: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    #[default]
    Live,
    Import,
}

/// All CPUID leaves read on one logical CPU.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CpuidDump {
    /// Logical CPU number as the OS (or the dump) numbered it.
    pub cpu: u32,
    pub leaves: Vec<CpuidLeaf>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct CpuidLeaf {
    pub leaf: u32,
    pub subleaf: u32,
    pub eax: u32,
    pub ebx: u32,
    pub ecx: u32,
    pub edx: u32,
}

impl CpuidDump {
    /// The registers for `(leaf, subleaf)`. Leaves without sub-leaves are
    /// stored at sub-leaf 0 and answer any sub-leaf, as the CPU does.
    pub fn get(&self, leaf: u32, subleaf: u32) -> Option<CpuidLeaf> {
        self.leaves
            .iter()
            .find(|l| l.leaf == leaf && l.subleaf == subleaf)
            .or_else(|| {
                if has_subleaves(leaf) {
                    None
                } else {
                    self.leaves.iter().find(|l| l.leaf == leaf)
                }
            })
            .copied()
    }
}

/// Leaves whose output depends on ECX. For the others ECX is ignored.
pub fn has_subleaves(leaf: u32) -> bool {
    matches!(
        leaf,
        0x4 | 0x7
            | 0xB
            | 0xD
            | 0xF
            | 0x10
            | 0x12
            | 0x14
            | 0x17
            | 0x18
            | 0x1D
            | 0x1F
            | 0x20
            | 0x23
            | 0x24
            | 0x8000_001D
            | 0x8000_0020
            | 0x8000_0026
    )
}

/// MSR readings on one logical CPU.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct MsrDump {
    pub cpu: u32,
    /// MSR number → reading. An MSR the CPU lacks is recorded as `absent`
    /// (the kernel answers EIO), which is a fact about the CPU.
    pub values: BTreeMap<u32, MsrReading>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum MsrReading {
    Value(u64),
    Absent,
}

impl MsrDump {
    pub fn value(&self, msr: u32) -> Option<u64> {
        match self.values.get(&msr) {
            Some(MsrReading::Value(v)) => Some(*v),
            _ => None,
        }
    }
}

/// The SMBIOS entry point and structure table, as bytes.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SmbiosRaw {
    /// `/sys/firmware/dmi/tables/smbios_entry_point` (or the first 0x20
    /// bytes of a `dmidecode --dump-bin` file). Absent for bare tables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_point: Option<HexBytes>,
    /// `/sys/firmware/dmi/tables/DMI`: the structure table.
    pub table: HexBytes,
    /// The 8-byte header of a Windows `GetSystemFirmwareTable('RSMB')`
    /// capture (calling method, major, minor, DMI revision, u32 table
    /// length): the only place such a capture states the SMBIOS version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rsmb_header: Option<HexBytes>,
}

impl SmbiosRaw {
    /// The one verdict on these bytes, so a live scan, an import and a
    /// replayed bundle describe the same table in the same words.
    pub fn validate(&self) -> crate::formats::smbios::Validation {
        crate::formats::smbios::validate(crate::formats::smbios::Capture {
            entry_point: self.entry_point.as_ref().map(|b| b.0.as_slice()),
            rsmb_header: self.rsmb_header.as_ref().map(|b| b.0.as_slice()),
            table: &self.table.0,
        })
    }
}

/// ACPI tables as the machine lists and publishes them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct AcpiRaw {
    /// Distinct 4-character signatures of every table listed (sysfs
    /// `tables/` and `tables/dynamic/`, or every block of an acpidump),
    /// sorted. A full listing proves a table's absence; a lone table file
    /// does not.
    pub signatures: Vec<String>,
    /// The tables kept, byte for byte, in the order read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<AcpiTableRaw>,
}

impl AcpiRaw {
    /// The tables whose bytes a bundle keeps, live or imported: DMAR (Intel
    /// VT-d), IVRS (AMD-Vi), APIC (the MADT), and RMAD/XMAR, the names Xen
    /// gives the DMAR in dom0 so that Linux leaves VT-d alone.
    pub const KEPT: [&'static str; 5] = ["DMAR", "IVRS", "APIC", "RMAD", "XMAR"];
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct AcpiTableRaw {
    /// The signature it was listed under (`DMAR`, `APIC`, `RMAD`).
    pub signature: String,
    pub bytes: HexBytes,
}

/// The text of one `dmidecode` run, verbatim (lossily UTF-8).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DmidecodeText {
    /// The file it was imported from, as given.
    pub source: String,
    pub text: String,
}

impl Evidence {
    pub fn new(origin: Origin) -> Self {
        Evidence {
            format: EVIDENCE_FORMAT.to_string(),
            version: EVIDENCE_VERSION,
            meta: CaptureMeta {
                origin,
                tool_version: env!("CARGO_PKG_VERSION").to_string(),
                ..CaptureMeta::default()
            },
            ..Evidence::default()
        }
    }

    /// Records the outcome of one source, replacing an earlier record of the
    /// same name (an importer given later overrides an earlier attempt).
    pub fn record(&mut self, name: SourceName, status: SourceStatus, detail: impl Into<String>) {
        let name = name.as_str();
        let record = SourceRecord {
            name: name.to_string(),
            status,
            detail: detail.into(),
        };
        match self.sources.iter_mut().find(|s| s.name == name) {
            Some(existing) => *existing = record,
            None => self.sources.push(record),
        }
    }

    pub fn source(&self, name: impl AsRef<str>) -> Option<&SourceRecord> {
        let name = name.as_ref();
        self.sources.iter().find(|s| s.name == name)
    }

    pub fn file(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }
}
