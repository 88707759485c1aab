use super::{kernel_version, PlatformView};
use crate::facts::{CpuVendor, Facts};
use crate::report::{Capability, FirmwareState, OsState, Platform, Silicon};

/// Linux 5.6 and later drop `vmx` from /proc/cpuinfo when firmware locked
/// IA32_FEATURE_CONTROL with VMX off (`arch/x86/kernel/cpu/feat_ctl.c`), so
/// from 5.6 on the flag tells firmware state, not just silicon.
const FEAT_CTL_KERNEL: (u32, u32) = (5, 6);

pub fn assess(facts: &Facts, platform: &PlatformView) -> Capability {
    if platform.kind == Platform::XenDom0 {
        return assess_under_xen(facts);
    }
    let mut evidence = Vec::new();
    let mut silicon = Silicon::Unknown;
    let mut firmware = FirmwareState::Unknown;
    let in_vm = platform.kind == Platform::VirtualMachine;

    if let Some(cpu) = &facts.cpu {
        let (vmx, svm) = (cpu.features.vmx, cpu.features.svm);
        evidence.push(format!(
            "cpuid: leaf 0x1 ECX bit 5 (VMX) = {}, leaf 0x80000001 ECX bit 2 (SVM) = {}",
            u8::from(vmx),
            u8::from(svm)
        ));
        silicon = if vmx || svm {
            Silicon::Yes
        } else if in_vm {
            evidence.push(
                "inside a virtual machine the hypervisor decides what CPUID shows: VT-x/AMD-V may be masked"
                    .into(),
            );
            Silicon::Unknown
        } else {
            Silicon::No
        };
        if cpu.vendor == CpuVendor::Intel && vmx {
            firmware = intel_firmware_from_kernel(facts, &mut evidence);
        }
    } else if let Some(fw) = &facts.firmware {
        if fw
            .processors
            .iter()
            .any(|p| p.enhanced_virtualization == Some(true))
        {
            evidence.push("smbios: type 4 characteristics report enhanced virtualization".into());
            silicon = Silicon::Yes;
        }
    }
    Capability::judge(silicon, firmware, OsState::Unknown, evidence)
}

fn intel_firmware_from_kernel(facts: &Facts, evidence: &mut Vec<String>) -> FirmwareState {
    let (Some(cpuinfo), Some(release)) = (&facts.os.cpuinfo, &facts.os.kernel_release) else {
        return FirmwareState::Unknown;
    };
    if kernel_version(release).is_none_or(|v| v < FEAT_CTL_KERNEL) || cpuinfo.flags.is_empty() {
        return FirmwareState::Unknown;
    }
    if cpuinfo.flags.contains("vmx") {
        evidence.push(format!(
            "/proc/cpuinfo lists vmx under Linux {release} (5.6+ removes it when firmware locks VT-x off)"
        ));
        FirmwareState::Enabled
    } else {
        evidence.push(format!(
            "/proc/cpuinfo lacks vmx although CPUID has it: Linux {release} removed it because firmware locked VT-x off"
        ));
        FirmwareState::Disabled
    }
}

/// In dom0 Xen hides VMX/SVM from CPUID; Xen itself says whether it can run
/// HVM guests.
fn assess_under_xen(facts: &Facts) -> Capability {
    match facts.os.hypervisor_capabilities.as_deref() {
        Some(caps) if caps.contains("hvm") => Capability::judge(
            Silicon::Yes,
            FirmwareState::Enabled,
            OsState::Active,
            vec![format!(
                "/sys/hypervisor/properties/capabilities: {} (Xen runs HVM guests)",
                caps.trim()
            )],
        ),
        Some(caps) => Capability::judge(
            Silicon::Unknown,
            FirmwareState::Unknown,
            OsState::Inactive,
            vec![format!(
                "/sys/hypervisor/properties/capabilities: {} (no hvm: the CPU lacks VT-x/AMD-V or firmware disabled it)",
                caps.trim()
            )],
        ),
        None => Capability::unknown(vec![
            "in dom0 CPUID masks VMX/SVM and /sys/hypervisor/properties/capabilities was not read"
                .into(),
        ]),
    }
}
