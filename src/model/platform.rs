use serde::{Deserialize, Serialize};

/// What the readings were taken on: the answer changes what a masked CPUID
/// bit means (a VM hides what the host has; Xen's dom0 sees PV-masked CPUID).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Platform {
    BareMetal,
    VirtualMachine,
    XenDom0,
    Unknown,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::BareMetal => "bare-metal",
            Platform::VirtualMachine => "virtual-machine",
            Platform::XenDom0 => "xen-dom0",
            Platform::Unknown => "unknown",
        }
    }
}

/// Who wrote a log line: the Linux kernel, or Xen's console (`(XEN)`).
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum LogOrigin {
    #[default]
    Linux,
    /// A `(XEN)` line of Xen's console.
    Xen,
}
