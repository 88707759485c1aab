use super::{kernel_version, Inference, Judgement, PlatformView};
use crate::facts::{
    msr_name, CpuVendor, Facts, FeatureControl, LogEvent, MsrControls, VmCr, AMD_VM_CR,
    IA32_FEATURE_CONTROL,
};
use crate::model::{Capability, FirmwareState, LogMeaning, OsState, Platform, Silicon};

/// Linux 5.6 and later drop `vmx` from /proc/cpuinfo when firmware locked
/// IA32_FEATURE_CONTROL with VMX off (`arch/x86/kernel/cpu/feat_ctl.c`), so
/// from 5.6 on the flag tells firmware state, not just silicon.
const FEAT_CTL_KERNEL: (u32, u32) = (5, 6);

/// HVM = VT-x or AMD-V. Sources are observed in order of trust: the
/// control MSRs for firmware, CPUID for the silicon, then what the kernel
/// reports about firmware.
pub fn assess(facts: &Facts, platform: &PlatformView, inference: &Inference) -> Capability {
    if platform.kind == Platform::XenDom0 {
        let mut judgement = assess_under_xen(facts);
        inference.hvm(&mut judgement);
        return judgement.finish();
    }
    let mut judgement = Judgement::default();
    from_msr(facts, &mut judgement);
    from_cpuid(facts, platform, inference, &mut judgement);
    from_smbios(facts, &mut judgement);
    from_kernel_log(facts, &mut judgement);
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

/// Firmware's own switch: IA32_FEATURE_CONTROL on Intel, VM_CR on AMD.
/// One CPU switched off is enough for Xen to lose VT-x there, so every CPU
/// read is looked at, not only CPU 0.
fn from_msr(facts: &Facts, j: &mut Judgement) {
    let Some(msr) = &facts.msr_controls else {
        return;
    };
    let vendor = facts.cpu.as_ref().map(|c| c.vendor);
    let amd = match vendor {
        Some(v) => matches!(v, CpuVendor::Amd | CpuVendor::Hygon),
        None => msr.feature_control.is_none() && msr.vm_cr.is_some(),
    };
    if amd {
        from_vm_cr(msr, j);
    } else {
        from_feature_control(msr, j);
    }
}

/// Each CPU's value of `number`, CPU 0's first: from the differences when
/// the CPUs disagree, else CPU 0's alone.
fn per_cpu(msr: &MsrControls, number: u32, cpu0: u64) -> Vec<(u32, u64)> {
    match msr.differences.iter().find(|d| d.msr == number) {
        Some(difference) => difference
            .values
            .iter()
            .flat_map(|g| g.cpus.iter().map(move |&cpu| (cpu, g.value)))
            .collect(),
        None => vec![(msr.cpu, cpu0)],
    }
}

fn from_feature_control(msr: &MsrControls, j: &mut Judgement) {
    let Some(fc) = msr.feature_control else {
        return;
    };
    let name = msr_name(IA32_FEATURE_CONTROL);
    let reading = |cpu: u32, value: u64| format!("msr 0x3A ({name}) = {value:#x} on CPU {cpu}");
    let values = per_cpu(msr, IA32_FEATURE_CONTROL, fc.raw);
    let off = values
        .iter()
        .find(|&&(_, v)| FeatureControl::from_raw(v).vmx_locked_off());
    if let Some(&(cpu, value)) = off {
        let inside_smx = if FeatureControl::from_raw(value).vmx_inside_smx {
            " (VMXON inside SMX, for Intel TXT only, is allowed)"
        } else {
            ""
        };
        j.observe_firmware(
            FirmwareState::Disabled,
            format!(
                "{}: locked (bit 0) with VMXON outside SMX (bit 2) clear{inside_smx}: firmware disabled VT-x",
                reading(cpu, value)
            ),
        );
    } else if fc.locked {
        j.observe_firmware(
            FirmwareState::Enabled,
            format!(
                "{}: locked with VMXON outside SMX (bit 2) allowed: firmware enabled VT-x",
                reading(msr.cpu, fc.raw)
            ),
        );
    } else {
        j.observe_firmware(
            FirmwareState::Enabled,
            format!(
                "{}: unlocked: the OS or Xen enables VT-x and locks it itself",
                reading(msr.cpu, fc.raw)
            ),
        );
    }
}

fn from_vm_cr(msr: &MsrControls, j: &mut Judgement) {
    let Some(vm_cr) = msr.vm_cr else {
        return;
    };
    let reading =
        |cpu: u32, value: u64| format!("msr 0xC0010114 (VM_CR) = {value:#x} on CPU {cpu}");
    let values = per_cpu(msr, AMD_VM_CR, vm_cr.raw);
    match values
        .iter()
        .find(|&&(_, v)| VmCr::from_raw(v).svm_disabled)
    {
        Some(&(cpu, value)) => {
            let lock = if VmCr::from_raw(value).lock {
                ", locked (bit 3)"
            } else {
                ""
            };
            j.observe_firmware(
                FirmwareState::Disabled,
                format!(
                    "{}: SVMDIS (bit 4) set{lock}: firmware disabled AMD-V",
                    reading(cpu, value)
                ),
            );
        }
        None => j.observe_firmware(
            FirmwareState::Enabled,
            format!(
                "{}: SVMDIS (bit 4) clear: firmware leaves AMD-V enabled",
                reading(msr.cpu, vm_cr.raw)
            ),
        ),
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

/// How many log lines a judgement quotes before it only counts.
const QUOTED_LINES: usize = 3;

/// The kernel reports firmware state only for a CPU whose CPUID has the
/// extension (feat_ctl.c and KVM check CPUID first), so a "disabled by
/// BIOS" line also proves the silicon. When a log spans several boots
/// (kern.log), the latest word counts: it is observed first.
fn from_kernel_log(facts: &Facts, j: &mut Judgement) {
    let Some(log) = &facts.kernel_log else { return };
    let disabled: Vec<&LogEvent> = log
        .events_meaning(LogMeaning::HvmDisabledByFirmware)
        .collect();
    // KVM or Xen loaded the extensions: they work.
    let active: Vec<&LogEvent> = log.events_meaning(LogMeaning::HvmActive).collect();
    let latest = |events: &[&LogEvent]| events.iter().map(|e| log_position(log, e)).max();
    let disabled_first = match (latest(&disabled), latest(&active)) {
        (Some(d), Some(a)) => d > a,
        (Some(_), None) => true,
        _ => false,
    };
    let observe_disabled = |j: &mut Judgement| {
        let Some(first) = disabled.first() else {
            return;
        };
        j.observe_silicon(
            Silicon::Yes,
            "kernel log: the CPU has VT-x/AMD-V (the kernel reports a firmware lock only when CPUID shows the extension)",
        );
        j.observe_firmware(FirmwareState::Disabled, first.as_evidence());
        quote_more(j, &disabled);
    };
    let observe_active = |j: &mut Judgement| {
        let Some(first) = active.first() else { return };
        j.observe_firmware(FirmwareState::Enabled, first.as_evidence());
        j.observe_os(
            OsState::Active,
            "kernel log: a hypervisor (KVM or Xen) loaded and uses VT-x/AMD-V",
        );
        quote_more(j, &active);
    };
    if disabled_first {
        observe_disabled(j);
        observe_active(j);
    } else {
        observe_active(j);
        observe_disabled(j);
    }
}

/// Orders events across logs: later logs were read later, later lines
/// were written later.
fn log_position(log: &crate::facts::KernelLogFacts, event: &LogEvent) -> (usize, u64) {
    let source = log
        .sources
        .iter()
        .position(|s| *s == event.source)
        .unwrap_or(0);
    (source, event.line)
}

fn quote_more(j: &mut Judgement, events: &[&LogEvent]) {
    for event in events.iter().skip(1).take(QUOTED_LINES - 1) {
        j.note(event.as_evidence());
    }
    if events.len() > QUOTED_LINES {
        let last = events.last().map(|e| e.line).unwrap_or_default();
        j.note(format!(
            "... {} more such lines, the last at line {last}",
            events.len() - QUOTED_LINES
        ));
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
fn from_xl_info(facts: &Facts, j: &mut Judgement) {
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
