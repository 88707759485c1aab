use crate::model::LogOrigin;
use serde::Serialize;

/// The kernel log (Linux's, and Xen's own console when read), reduced to the
/// events that matter for Xen. Signatures live in `probes/`.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct KernelLogFacts {
    /// Where the text came from: "/dev/kmsg", "syslog(2)", "/var/log/kern.log",
    /// "xl dmesg", "import: FILE".
    pub sources: Vec<String>,
    /// The log was longer than the bound and only its end was kept.
    pub truncated: bool,
    pub lines: u64,
    pub events: Vec<LogEvent>,
}

/// One recognised line. `id` is a signature id from
/// `probes/log-signatures.toml`, stable like a check id. Ids other code
/// relies on: nmi-unknown, nmi-serr, nmi-iock, nmi-panic,
/// virt-disabled-by-bios, iommu-active, iommu-ir-erratum, iommu-firmware-bug,
/// mce, edac-ce, edac-ue, hypervisor-detected, nx-active, nx-missing, and
/// Xen's own
/// xen-hap-detected, xen-hap-not-detected, xen-vmx-disabled,
/// xen-svm-disabled, xen-iommu-enabled, xen-iommu-disabled,
/// xen-ir-enabled, xen-ir-disabled, xen-iommu-erratum, xen-nmi-fatal.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct LogEvent {
    pub id: String,
    pub origin: LogOrigin,
    /// 1-based line number in the log text.
    pub line: u64,
    /// Seconds since boot (or the wall-clock text of `dmesg -T`/syslog).
    pub timestamp: Option<String>,
    pub cpu: Option<u32>,
    /// Reason byte of an NMI line ("reason 3d").
    pub reason: Option<u8>,
    /// A count the line states ("EDAC MC0: 3 CE ..."). `None` when it
    /// states none: then the line itself is one occurrence.
    pub count: Option<u64>,
    /// The log this line is in (one of `KernelLogFacts::sources`), since
    /// line numbers count per log.
    pub source: String,
    /// The line as logged, trimmed. Untrusted.
    pub text: String,
}

impl LogEvent {
    /// The event as evidence: which log, which line, and the line itself
    /// (cut at 200 characters: a log line can be arbitrarily long).
    pub fn as_evidence(&self) -> String {
        let text: String = self.text.chars().take(200).collect();
        format!("{} line {}: {text}", self.source, self.line)
    }
}

impl KernelLogFacts {
    pub fn events<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a LogEvent> + 'a {
        self.events.iter().filter(move |e| e.id == id)
    }

    pub fn has(&self, id: &str) -> bool {
        self.events(id).next().is_some()
    }
}
