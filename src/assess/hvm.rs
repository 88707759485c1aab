use super::{kernel_version, Inference, Judgement, PlatformView};
use crate::facts::{CpuVendor, Facts};
use crate::report::{Capability, FirmwareState, OsState, Platform, Silicon};

/// Linux 5.6 and later drop `vmx` from /proc/cpuinfo when firmware locked
/// IA32_FEATURE_CONTROL with VMX off (`arch/x86/kernel/cpu/feat_ctl.c`), so
/// from 5.6 on the flag tells firmware state, not just silicon.
const FEAT_CTL_KERNEL: (u32, u32) = (5, 6);

/// HVM = VT-x or AMD-V. Sources are observed in order of trust: CPUID for
/// the silicon, then what the kernel reports about firmware.
pub fn assess(facts: &Facts, platform: &PlatformView, inference: &Inference) -> Capability {
    if platform.kind == Platform::XenDom0 {
        let mut judgement = assess_under_xen(facts);
        inference.hvm(&mut judgement);
        return judgement.finish();
    }
    let mut judgement = Judgement::default();
    from_cpuid(facts, platform, inference, &mut judgement);
    from_smbios(facts, &mut judgement);
    from_kernel_cpuinfo(facts, &mut judgement);
    inference.hvm(&mut judgement);
    judgement.finish()
}

fn from_cpuid(facts: &Facts, platform: &PlatformView, inference: &Inference, j: &mut Judgement) {
    let Some(cpu) = &facts.cpu else { return };
    let (vmx, svm) = (cpu.features.vmx, cpu.features.svm);
    let reading = format!(
        "cpuid: leaf 0x1 ECX bit 5 (VMX) = {}, leaf 0x80000001 ECX bit 2 (SVM) = {}",
        u8::from(vmx),
        u8::from(svm)
    );
    if vmx || svm {
        j.observe_silicon(Silicon::Yes, reading);
    } else if platform.kind == Platform::VirtualMachine {
        j.note(reading);
        j.note("inside a virtual machine the hypervisor decides what CPUID shows: VT-x/AMD-V may be masked");
    } else if let Some(hidden) = inference.hvm_hidden() {
        // The generation has VT-x/AMD-V and something explains the clear
        // bit; the inference, observed last, says so.
        j.note(format!("{reading} ({})", hidden.reason));
    } else {
        j.observe_silicon(Silicon::No, reading);
    }
}

fn from_smbios(facts: &Facts, j: &mut Judgement) {
    if facts.cpu.is_some() {
        return;
    }
    let enhanced = facts.firmware.as_ref().is_some_and(|fw| {
        fw.processors
            .iter()
            .any(|p| p.enhanced_virtualization == Some(true))
    });
    if enhanced {
        j.observe_silicon(
            Silicon::Yes,
            "smbios: type 4 characteristics report enhanced virtualization",
        );
    }
}

fn from_kernel_cpuinfo(facts: &Facts, j: &mut Judgement) {
    let Some(cpu) = &facts.cpu else { return };
    if cpu.vendor != CpuVendor::Intel || !cpu.features.vmx {
        return;
    }
    let (Some(cpuinfo), Some(release)) = (&facts.os.cpuinfo, &facts.os.kernel_release) else {
        return;
    };
    if kernel_version(release).is_none_or(|v| v < FEAT_CTL_KERNEL) || cpuinfo.flags.is_empty() {
        return;
    }
    if cpuinfo.flags.contains("vmx") {
        j.observe_firmware(
            FirmwareState::Enabled,
            format!("/proc/cpuinfo lists vmx under Linux {release} (5.6+ removes it when firmware locks VT-x off)"),
        );
    } else {
        j.observe_firmware(
            FirmwareState::Disabled,
            format!("/proc/cpuinfo lacks vmx although CPUID has it: Linux {release} removed it because firmware locked VT-x off"),
        );
    }
}

/// In dom0 Xen hides VMX/SVM from CPUID; Xen itself says whether it can run
/// HVM guests.
fn assess_under_xen(facts: &Facts) -> Judgement {
    let mut j = Judgement::default();
    match facts.os.hypervisor_capabilities.as_deref() {
        Some(caps) if caps.contains("hvm") => {
            let reading = format!(
                "/sys/hypervisor/properties/capabilities: {} (Xen runs HVM guests)",
                caps.trim()
            );
            j.observe_silicon(Silicon::Yes, reading);
            j.observe_firmware(FirmwareState::Enabled, "Xen enabled VT-x/AMD-V");
            j.observe_os(OsState::Active, "Xen uses it");
        }
        Some(caps) => j.observe_os(
            OsState::Inactive,
            format!(
                "/sys/hypervisor/properties/capabilities: {} (no hvm: the CPU lacks VT-x/AMD-V or firmware disabled it)",
                caps.trim()
            ),
        ),
        None => j.note(
            "in dom0 CPUID masks VMX/SVM and /sys/hypervisor/properties/capabilities was not read",
        ),
    }
    j
}
