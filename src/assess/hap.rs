use super::{Inference, Observations};
use crate::facts::{CpuVendor, Facts, VmxCaps};
use crate::knowledge::{Identified, Vendor};
use crate::model::{Capability, FirmwareState, LogMeaning, OsState, Silicon};

/// Hardware-assisted paging: Intel EPT (visible only in MSR 0x48B) or AMD
/// NPT (CPUID 0x8000000A). Without it Xen falls back to shadow paging.
pub fn assess(facts: &Facts, hvm: &Capability, inference: &Inference) -> Capability {
    let mut evidence = Vec::new();
    if hvm.silicon == Silicon::No {
        evidence.push("no VT-x/AMD-V, so no EPT/NPT either".into());
        return Capability::judge(
            Silicon::No,
            FirmwareState::Unknown,
            OsState::Unknown,
            evidence,
        );
    }
    let mut silicon = match facts.cpu.as_ref().map(|c| c.vendor) {
        Some(CpuVendor::Intel) => intel_ept(facts, &mut evidence),
        Some(CpuVendor::Amd) | Some(CpuVendor::Hygon) => amd_npt(facts, &mut evidence),
        _ => {
            evidence.push("no CPUID evidence of EPT or NPT".into());
            Silicon::Unknown
        }
    };
    let mut os = hvm.os;
    from_xen_and_logs(facts, &mut silicon, &mut os, &mut evidence);
    // EPT/NPT have no firmware switch of their own: they follow VT-x/AMD-V.
    let firmware = if silicon == Silicon::Yes {
        hvm.firmware
    } else {
        FirmwareState::Unknown
    };
    let mut seen = Observations::from_parts(silicon, firmware, os, evidence);
    infer(inference, hvm, &mut seen);
    seen.finish()
}

/// EPT is reported only by the VMX capability MSRs; /proc/cpuinfo's `ept`
/// flag stands in when they were not read.
fn intel_ept(facts: &Facts, evidence: &mut Vec<String>) -> Silicon {
    let mut silicon = facts
        .vmx
        .as_ref()
        .map_or(Silicon::Unknown, |vmx| from_vmx_msrs(vmx, evidence));
    let flags = facts.os.cpuinfo.as_ref().map(|c| &c.flags);
    if silicon == Silicon::Unknown && flags.is_some_and(|f| f.contains("ept")) {
        evidence.push("/proc/cpuinfo flags: ept".into());
        silicon = Silicon::Yes;
    }
    if silicon == Silicon::Unknown {
        evidence.push(
            "EPT is visible only in MSR 0x48B, which was not read (run as root with the msr module)"
                .into(),
        );
    }
    silicon
}

fn from_vmx_msrs(vmx: &VmxCaps, evidence: &mut Vec<String>) -> Silicon {
    match vmx.ept {
        Some(true) => match vmx.ept_caps {
            Some(caps) if !caps.usable_by_xen() => {
                evidence.push(format!(
                    "msr 0x48C (CPU {}): EPT lacks what Xen requires (4-level walk, write-back, INVEPT all-context)",
                    vmx.cpu
                ));
                Silicon::No
            }
            _ => {
                evidence.push(format!(
                    "msr 0x48B (CPU {}): allowed-1 bit 1 (EPT) = 1",
                    vmx.cpu
                ));
                if let Some(ug) = vmx.unrestricted_guest {
                    evidence.push(format!(
                        "msr 0x48B (CPU {}): allowed-1 bit 7 (unrestricted guest) = {}",
                        vmx.cpu,
                        u8::from(ug)
                    ));
                }
                Silicon::Yes
            }
        },
        Some(false) if !vmx.secondary_controls => {
            evidence.push(format!(
                "msr 0x482 (CPU {}): bit 63 = 0, no secondary controls, so no EPT",
                vmx.cpu
            ));
            Silicon::No
        }
        Some(false) => {
            evidence.push(format!(
                "msr 0x48B (CPU {}): allowed-1 bit 1 (EPT) = 0",
                vmx.cpu
            ));
            Silicon::No
        }
        None => Silicon::Unknown,
    }
}

/// NPT is a CPUID bit; /proc/cpuinfo's `npt` flag stands in when the leaf
/// was not reported.
fn amd_npt(facts: &Facts, evidence: &mut Vec<String>) -> Silicon {
    let flags = facts.os.cpuinfo.as_ref().map(|c| &c.flags);
    match facts.cpu.as_ref().and_then(|c| c.features.npt) {
        // A hypervisor that masks SVM masks NPT with it: a clear bit
        // then says nothing about the silicon.
        Some(false) if !facts.cpu.as_ref().is_some_and(|c| c.features.svm) => {
            evidence.push(
                "cpuid: leaf 0x8000000A EDX bit 0 (NPT) = 0, but SVM is not visible either, so NPT may be masked"
                    .into(),
            );
            Silicon::Unknown
        }
        Some(npt) => {
            evidence.push(format!(
                "cpuid: leaf 0x8000000A EDX bit 0 (NPT) = {}",
                u8::from(npt)
            ));
            if npt {
                Silicon::Yes
            } else {
                Silicon::No
            }
        }
        None if flags.is_some_and(|f| f.contains("npt")) => {
            evidence.push("/proc/cpuinfo flags: npt".into());
            Silicon::Yes
        }
        None => {
            evidence.push("cpuid: leaf 0x8000000A not reported".into());
            Silicon::Unknown
        }
    }
}

/// EPT/NPT follow VT-x/AMD-V: inferred only where HVM is known present,
/// or where the generation has no HAP at all.
fn infer(inference: &Inference, hvm: &Capability, seen: &mut Observations) {
    let Some(identified) = inference.unknown_silicon(seen) else {
        return;
    };
    let name = hap_name(identified);
    match identified.hap() {
        Some(true) if hvm.silicon == Silicon::Yes => {
            seen.observe_silicon(
                Silicon::Yes,
                format!(
                    "{name}: supported ({}: every SKU with VT-x/AMD-V has it)",
                    inference.source(identified)
                ),
            );
            if hvm.firmware != FirmwareState::Unknown {
                seen.observe_firmware(hvm.firmware, "EPT/NPT follow VT-x/AMD-V in firmware");
            }
        }
        Some(false) => seen.observe_silicon(
            Silicon::No,
            format!(
                "{name}: unsupported ({}: the generation has none)",
                inference.source(identified)
            ),
        ),
        _ => {}
    }
}

fn hap_name(identified: &Identified) -> &'static str {
    match identified.vendor() {
        Some(Vendor::Amd) => "NPT",
        Some(_) => "EPT",
        None => "EPT/NPT",
    }
}

/// What Xen (`xl info` virt_caps, its console) and KVM say about HAP.
/// They decide the silicon only where CPUID and MSRs left it open, and
/// they tell whether a hypervisor actually uses it.
fn from_xen_and_logs(
    facts: &Facts,
    silicon: &mut Silicon,
    os: &mut OsState,
    evidence: &mut Vec<String>,
) {
    let mut learn = |value: Silicon, used: OsState, line: String| {
        if *silicon == Silicon::Unknown {
            *silicon = value;
        }
        if used != OsState::Unknown {
            *os = used;
        }
        evidence.push(line);
    };
    if let Some(xen) = facts.xen.as_ref().filter(|x| !x.virt_caps.is_empty()) {
        let caps = xen.virt_caps.join(" ");
        if xen.has_cap("hap") {
            learn(
                Silicon::Yes,
                OsState::Active,
                format!("xl info virt_caps: {caps} (Xen uses HAP)"),
            );
        } else if xen.has_cap("shadow") {
            // Xen 4.13+ lists `hap` when it can use it; older ones never do.
            learn(
                Silicon::Unknown,
                OsState::Inactive,
                format!("xl info virt_caps: {caps} (no hap: Xen pages HVM guests in software)"),
            );
        }
    }
    let Some(log) = &facts.kernel_log else { return };
    for event in &log.events {
        let line = event.as_evidence();
        if event.means(LogMeaning::HapActive) {
            learn(Silicon::Yes, OsState::Active, line);
        } else if event.means(LogMeaning::HapSwitchedOff) {
            learn(
                Silicon::Yes,
                OsState::Inactive,
                format!("{line} (Xen was booted with hap=0)"),
            );
        } else if event.means(LogMeaning::HapAbsent) {
            learn(Silicon::No, OsState::Inactive, line);
        } else if event.means(LogMeaning::NptUsedByKvm) {
            learn(
                Silicon::Yes,
                OsState::Active,
                format!("{line} (KVM uses NPT)"),
            );
        }
    }
}
