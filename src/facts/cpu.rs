use serde::Serialize;

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum CpuVendor {
    Intel,
    Amd,
    Hygon,
    /// VIA/Centaur and Zhaoxin.
    Centaur,
    Other,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CpuFacts {
    pub vendor: CpuVendor,
    /// The 12-character vendor string of leaf 0 (`GenuineIntel`).
    pub vendor_id: String,
    /// Leaves 0x80000002–4, trimmed. `None` when the CPU has no brand string.
    pub brand: Option<String>,
    /// Display family and model (base plus extended, as Intel and AMD define).
    pub family: u32,
    pub model: u32,
    pub stepping: u32,
    /// Leaf 1 EAX, the processor signature.
    pub signature: u32,
    pub max_basic_leaf: u32,
    pub max_extended_leaf: u32,
    pub features: CpuFeatures,
    /// Leaf 0x40000000 signature, when the hypervisor bit is set and the
    /// leaf answers (`XenVMMXenVMM`, `KVMKVMKVM`, `Microsoft Hv`, ...).
    pub hypervisor_vendor: Option<String>,
    pub topology: CpuTopology,
    /// Where each dumped logical CPU sits, from its APIC id and the CPUID
    /// topology widths. Empty when only one CPU was dumped without ids.
    pub locations: Vec<CpuLocation>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct CpuFeatures {
    /// 0x80000001 EDX bit 29.
    pub long_mode: bool,
    /// 0x80000001 EDX bit 20 (firmware can hide it: "Execute Disable").
    pub nx: bool,
    /// Leaf 1 ECX bit 5.
    pub vmx: bool,
    /// 0x80000001 ECX bit 2.
    pub svm: bool,
    /// Leaf 1 ECX bit 31: this CPUID answers from inside a virtual machine.
    pub hypervisor: bool,
    /// Leaf 1 EDX bit 28 (multi-threading or multi-core package).
    pub htt: bool,
    pub pae: bool,
    pub x2apic: bool,
    /// 0x8000000A EDX bit 0. `None` when the leaf is not reported.
    pub npt: Option<bool>,
    /// Leaf 1 ECX bit 6 (Safer Mode Extensions, TXT).
    pub smx: bool,
}

/// Package layout as CPUID reports it for one package.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct CpuTopology {
    /// Logical processors per package (leaf 0xB/0x1F, else leaf 1 EBX[23:16]).
    pub logical_per_package: Option<u32>,
    /// Cores per package (leaf 4 or 0x80000008/0x8000001E).
    pub cores_per_package: Option<u32>,
    /// Threads per core: > 1 means the silicon has SMT and it is enabled in
    /// what this CPUID reports.
    pub threads_per_core: Option<u32>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct CpuLocation {
    pub cpu: u32,
    pub apic_id: u32,
    pub package: u32,
    pub core: u32,
    pub thread: u32,
}

/// VMX capability MSRs, decoded (Intel SDM vol. 3 appendix A).
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct VmxCaps {
    /// The logical CPU whose MSRs were read.
    pub cpu: u32,
    /// 0x482 bit 63: secondary processor-based controls exist.
    pub secondary_controls: bool,
    /// 0x48B allowed-1 bits, `None` when 0x48B was not read.
    pub ept: Option<bool>,
    pub vpid: Option<bool>,
    pub unrestricted_guest: Option<bool>,
    pub virtualize_x2apic: Option<bool>,
    pub apic_register_virtualization: Option<bool>,
    /// 0x48C, when read and EPT exists.
    pub ept_caps: Option<EptCaps>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct EptCaps {
    pub page_walk_4: bool,
    pub memory_type_wb: bool,
    pub pages_2m: bool,
    pub pages_1g: bool,
    pub invept: bool,
    pub invept_all_context: bool,
}

impl EptCaps {
    /// Xen uses EPT only with write-back paging structures, 4-level walks
    /// and INVEPT all-context (xen `hvm/vmx/vmcs.c`).
    pub fn usable_by_xen(&self) -> bool {
        self.page_walk_4 && self.memory_type_wb && self.invept && self.invept_all_context
    }
}
