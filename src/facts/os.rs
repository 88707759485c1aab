use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// What the running kernel reports through procfs and sysfs.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct OsFacts {
    /// `/proc/sys/kernel/osrelease`.
    pub kernel_release: Option<String>,
    pub cmdline: Option<String>,
    pub cpuinfo: Option<CpuinfoFacts>,
    /// `/sys/devices/system/cpu/{online,present,possible}`, expanded.
    pub cpus_online: Option<Vec<u32>>,
    pub cpus_present: Option<Vec<u32>>,
    pub cpus_possible: Option<Vec<u32>>,
    /// `/sys/devices/system/cpu/smt/control`: on, off, forceoff,
    /// notsupported, notimplemented.
    pub smt_control: Option<String>,
    /// `/sys/devices/system/cpu/smt/active`.
    pub smt_active: Option<bool>,
    /// Per online CPU, from `cpuN/topology/`.
    pub topology: Vec<SysTopology>,
    /// `/proc/meminfo` MemTotal, in KiB.
    pub mem_total_kib: Option<u64>,
    /// `/sys/devices/system/cpu/vulnerabilities/*`: name → text.
    pub vulnerabilities: BTreeMap<String, String>,
    /// `/sys/hypervisor/type` ("xen").
    pub hypervisor_type: Option<String>,
    /// `/sys/hypervisor/properties/capabilities`
    /// ("xen-3.0-x86_64 hvm-3.0-x86_64 ...").
    pub hypervisor_capabilities: Option<String>,
    /// `/proc/xen/capabilities`: "control_d" in dom0, empty in a domU.
    pub proc_xen_capabilities: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct CpuinfoFacts {
    /// Number of `processor` entries.
    pub processors: u32,
    pub vendor_id: Option<String>,
    pub model_name: Option<String>,
    pub family: Option<u32>,
    pub model: Option<u32>,
    pub stepping: Option<u32>,
    /// Flags of the first processor. Linux removes `vmx` when firmware
    /// disabled VT-x (5.6+), and a hypervisor masks what it hides.
    pub flags: BTreeSet<String>,
    /// Distinct `physical id` values.
    pub packages: Option<u32>,
    /// `cpu cores` and `siblings` of the first processor.
    pub cores_per_package: Option<u32>,
    pub siblings_per_package: Option<u32>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct SysTopology {
    pub cpu: u32,
    pub package_id: Option<u32>,
    pub core_id: Option<u32>,
    /// `thread_siblings_list`, expanded.
    pub thread_siblings: Vec<u32>,
}

impl OsFacts {
    /// Threads per core the OS runs, from sysfs siblings (the widest set).
    pub fn threads_per_core(&self) -> Option<u32> {
        self.topology
            .iter()
            .map(|t| t.thread_siblings.len() as u32)
            .filter(|&n| n > 0)
            .max()
    }

    /// Distinct packages among online CPUs.
    pub fn packages(&self) -> Option<u32> {
        let ids: BTreeSet<u32> = self.topology.iter().filter_map(|t| t.package_id).collect();
        (!ids.is_empty()).then_some(ids.len() as u32)
    }

    /// Distinct (package, core) pairs among online CPUs.
    pub fn cores(&self) -> Option<u32> {
        let ids: BTreeSet<(u32, u32)> = self
            .topology
            .iter()
            .filter_map(|t| Some((t.package_id?, t.core_id?)))
            .collect();
        (!ids.is_empty()).then_some(ids.len() as u32)
    }
}
