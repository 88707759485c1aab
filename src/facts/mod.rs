//! Facts: typed readings decoded from Evidence, with no judgement in them.
//!
//! Every field a source could not supply is `None` (or empty). Checks turn a
//! `None` into *unknown*, never into a pass.

mod acpi;
pub mod boot;
mod cpu;
mod devices;
mod firmware;
mod log;
mod msr;
mod os;
mod xen;

pub use acpi::{
    AcpiFacts, DmarFacts, DrhdUnit, IoApic, IvhdBlock, IvrsFacts, MadtFacts, RmrrRegion, DMAR_NAMES,
};
pub use boot::{BootEntry, BootFacts, GrubSetting, XenBootLine};
pub use cpu::{CpuFacts, CpuFeatures, CpuLocation, CpuTopology, CpuVendor, EptCaps, VmxCaps};
pub use devices::{BlockDevice, NetInterface};
pub use firmware::{
    BaseboardInfo, BiosInfo, ChassisInfo, MemoryArray, MemoryDevice, ProcessorSocket, SmbiosFacts,
    SystemInfo,
};
pub use log::{KernelLogFacts, LogEvent};
pub use msr::{
    msr_name, FeatureControl, MiscEnable, MsrControls, MsrDifference, MsrValueGroup, VmCr,
    AMD_VM_CR, IA32_EFER, IA32_FEATURE_CONTROL, IA32_MISC_ENABLE,
};
pub use os::{CpuinfoFacts, OsFacts, SysTopology};
pub use xen::XenFacts;

use crate::evidence::{Origin, SourceRecord, SystemReadings};
use serde::Serialize;

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Facts {
    pub origin: Origin,
    pub as_root: Option<bool>,
    /// Seconds since the Unix epoch when the evidence was captured, if the
    /// bundle says.
    pub captured_at: Option<u64>,
    /// How long the live collection took, in microseconds, if recorded.
    pub collect_micros: Option<u64>,
    /// Decoded from the CPUID dump of the first logical CPU (plus the
    /// topology of all dumped CPUs).
    pub cpu: Option<CpuFacts>,
    /// VMX capabilities from MSRs 0x480–0x491 (Intel only).
    pub vmx: Option<VmxCaps>,
    /// Firmware's switches in IA32_FEATURE_CONTROL, IA32_MISC_ENABLE,
    /// VM_CR and EFER, and how they differ between CPUs.
    pub msr_controls: Option<MsrControls>,
    pub firmware: Option<SmbiosFacts>,
    pub os: OsFacts,
    /// ACPI tables: which exist, and the DMAR/IVRS/MADT decoded.
    pub acpi: Option<AcpiFacts>,
    /// Recognised kernel-log (and Xen console) events.
    pub kernel_log: Option<KernelLogFacts>,
    /// Xen's own view, when running in dom0 or imported.
    pub xen: Option<XenFacts>,
    /// Whole disks from `/sys/block` (source `block`).
    pub storage: Vec<BlockDevice>,
    /// Network interfaces from `/sys/class/net` (source `net`).
    pub network: Vec<NetInterface>,
    /// Bootloader entries and the Xen options they carry.
    pub boot: Option<BootFacts>,
    /// Source outcomes, copied from the Evidence for checks that explain
    /// why something is unknown.
    pub sources: Vec<SourceRecord>,
    /// Problems met while decoding (a truncated table, an odd value), shown
    /// with the source they came from. Never fatal.
    pub decode_notes: Vec<DecodeNote>,
    /// The running system's own overview, as a live scan read it.
    pub system: Option<SystemReadings>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DecodeNote {
    pub source: String,
    pub note: String,
}
