use serde::Serialize;

pub const IA32_FEATURE_CONTROL: u32 = 0x3A;
pub const IA32_MISC_ENABLE: u32 = 0x1A0;
pub const AMD_VM_CR: u32 = 0xC001_0114;
pub const IA32_EFER: u32 = 0xC000_0080;

/// What firmware set in the control MSRs that decide whether VT-x, AMD-V
/// and NX reach the OS. Decoded for the first CPU dumped (CPU 0); other
/// CPUs are only compared with it.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct MsrControls {
    pub cpu: u32,
    /// IA32_FEATURE_CONTROL (0x3A), Intel and VIA/Zhaoxin.
    pub feature_control: Option<FeatureControl>,
    /// IA32_MISC_ENABLE (0x1A0), Intel.
    pub misc_enable: Option<MiscEnable>,
    /// VM_CR (0xC0010114), AMD and Hygon.
    pub vm_cr: Option<VmCr>,
    /// EFER (0xC0000080) bit 11: the running kernel turned NX on.
    pub efer_nxe: Option<bool>,
    /// MSRs the CPU answered EIO for: it does not implement them.
    pub absent: Vec<u32>,
    /// Control MSRs whose value differs between CPUs.
    pub differences: Vec<MsrDifference>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct FeatureControl {
    pub raw: u64,
    /// Bit 0: written and locked until the next reset.
    pub locked: bool,
    /// Bit 1: VMXON allowed inside SMX (Intel TXT).
    pub vmx_inside_smx: bool,
    /// Bit 2: VMXON allowed outside SMX, the normal case.
    pub vmx_outside_smx: bool,
}

impl FeatureControl {
    pub fn from_raw(raw: u64) -> Self {
        FeatureControl {
            raw,
            locked: raw & 1 != 0,
            vmx_inside_smx: raw & 2 != 0,
            vmx_outside_smx: raw & 4 != 0,
        }
    }

    /// Locked with VMXON outside SMX off: nothing but a reset with other
    /// firmware settings turns VT-x on.
    pub fn vmx_locked_off(&self) -> bool {
        self.locked && !self.vmx_outside_smx
    }
}

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct MiscEnable {
    pub raw: u64,
    /// Bit 34, XD Bit Disable: firmware hides NX from CPUID.
    pub xd_disable: bool,
}

impl MiscEnable {
    pub fn from_raw(raw: u64) -> Self {
        MiscEnable {
            raw,
            xd_disable: raw & (1 << 34) != 0,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct VmCr {
    pub raw: u64,
    /// Bit 3: SVMDIS is locked.
    pub lock: bool,
    /// Bit 4, SVMDIS: EFER.SVME cannot be set, AMD-V is off.
    pub svm_disabled: bool,
}

impl VmCr {
    pub fn from_raw(raw: u64) -> Self {
        VmCr {
            raw,
            lock: raw & (1 << 3) != 0,
            svm_disabled: raw & (1 << 4) != 0,
        }
    }
}

/// One MSR that reads differently on different CPUs.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct MsrDifference {
    pub msr: u32,
    /// Each distinct value with the CPUs that read it, in CPU order of
    /// first appearance.
    pub values: Vec<MsrValueGroup>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct MsrValueGroup {
    pub value: u64,
    pub cpus: Vec<u32>,
}

/// The architectural name of a control MSR, for evidence lines.
pub fn msr_name(msr: u32) -> &'static str {
    match msr {
        IA32_FEATURE_CONTROL => "IA32_FEATURE_CONTROL",
        IA32_MISC_ENABLE => "IA32_MISC_ENABLE",
        AMD_VM_CR => "VM_CR",
        IA32_EFER => "EFER",
        0x482 => "IA32_VMX_PROCBASED_CTLS",
        0x48B => "IA32_VMX_PROCBASED_CTLS2",
        0x48C => "IA32_VMX_EPT_VPID_CAP",
        _ => "MSR",
    }
}
