//! HVM = VT-x or AMD-V, judged from firmware's switch ([`msr`]), CPUID,
//! SMBIOS, the logs ([`kernel_log`]), /proc/cpuinfo, Xen's own word in a
//! dom0, and last what the CPU generation implies ([`inferred`]).

mod inferred;
mod kernel_log;
mod msr;

use super::{kernel_version, Inference, Observations, PlatformView};
use crate::facts::{CpuVendor, Facts};
use crate::model::{Capability, FirmwareState, OsState, Platform, Silicon};
use kernel_log::from_kernel_log;
use msr::from_msr;

/// Linux 5.6 and later drop `vmx` from /proc/cpuinfo when firmware locked
/// IA32_FEATURE_CONTROL with VMX off (`arch/x86/kernel/cpu/feat_ctl.c`), so
/// from 5.6 on the flag tells firmware state, not just silicon.
const FEAT_CTL_KERNEL: (u32, u32) = (5, 6);

/// HVM = VT-x or AMD-V. Sources are observed in order of trust: the
/// control MSRs for firmware, CPUID for the silicon, then what the kernel
/// reports about firmware.
pub fn assess(facts: &Facts, platform: &PlatformView, inference: &Inference) -> Capability {
    if platform.kind == Platform::XenDom0 {
        let mut seen = assess_under_xen(facts);
        inferred::infer(facts, inference, &mut seen);
        return seen.finish();
    }
    let mut seen = Observations::default();
    from_msr(facts, &mut seen);
    from_cpuid(facts, platform, inference, &mut seen);
    from_smbios(facts, &mut seen);
    from_kernel_log(facts, &mut seen);
    from_kernel_cpuinfo(facts, &mut seen);
    inferred::infer(facts, inference, &mut seen);
    seen.finish()
}

fn from_cpuid(facts: &Facts, platform: &PlatformView, inference: &Inference, j: &mut Observations) {
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
    } else if let Some(hidden) = inferred::hidden(facts, inference) {
        // The generation has VT-x/AMD-V and something explains the clear
        // bit; the inference, observed last, says so.
        j.note(format!("{reading} ({})", hidden.reason));
    } else {
        j.observe_silicon(Silicon::No, reading);
    }
}

fn from_smbios(facts: &Facts, j: &mut Observations) {
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

fn from_kernel_cpuinfo(facts: &Facts, j: &mut Observations) {
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
fn assess_under_xen(facts: &Facts) -> Observations {
    let mut j = Observations::default();
    from_xl_info(facts, &mut j);
    from_kernel_log(facts, &mut j);
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
        None if facts.xen.as_ref().is_some_and(|x| !x.virt_caps.is_empty()) => {}
        None => j.note(
            "in dom0 CPUID masks VMX/SVM and /sys/hypervisor/properties/capabilities was not read",
        ),
    }
    j
}

/// `xl info` virt_caps: Xen's own word on what it can run.
fn from_xl_info(facts: &Facts, j: &mut Observations) {
    let Some(xen) = facts.xen.as_ref().filter(|x| !x.virt_caps.is_empty()) else {
        return;
    };
    let caps = xen.virt_caps.join(" ");
    if xen.has_cap("hvm") {
        j.observe_silicon(Silicon::Yes, format!("xl info virt_caps: {caps}"));
        j.observe_firmware(
            FirmwareState::Enabled,
            "Xen enabled VT-x/AMD-V (hvm in virt_caps)",
        );
        j.observe_os(OsState::Active, "Xen runs HVM guests");
    } else {
        j.observe_os(
            OsState::Inactive,
            format!("xl info virt_caps: {caps} (no hvm: the CPU lacks VT-x/AMD-V or firmware disabled it)"),
        );
    }
}
