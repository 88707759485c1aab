use super::{Inference, Judgement};
use crate::facts::{CpuVendor, Facts};
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
    let flags = facts.os.cpuinfo.as_ref().map(|c| &c.flags);
    let mut silicon = Silicon::Unknown;
    match facts.cpu.as_ref().map(|c| c.vendor) {
        Some(CpuVendor::Intel) => {
            if let Some(vmx) = &facts.vmx {
                match vmx.ept {
                    Some(true) => match vmx.ept_caps {
                        Some(caps) if !caps.usable_by_xen() => {
                            evidence.push(format!(
                                "msr 0x48C (CPU {}): EPT lacks what Xen requires (4-level walk, write-back, INVEPT all-context)",
                                vmx.cpu
                            ));
                            silicon = Silicon::No;
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
                            silicon = Silicon::Yes;
                        }
                    },
                    Some(false) if !vmx.secondary_controls => {
                        evidence.push(format!(
                            "msr 0x482 (CPU {}): bit 63 = 0, no secondary controls, so no EPT",
                            vmx.cpu
                        ));
                        silicon = Silicon::No;
                    }
                    Some(false) => {
                        evidence.push(format!(
                            "msr 0x48B (CPU {}): allowed-1 bit 1 (EPT) = 0",
                            vmx.cpu
                        ));
                        silicon = Silicon::No;
                    }
                    None => {}
                }
            }
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
        }
        Some(CpuVendor::Amd) | Some(CpuVendor::Hygon) => {
            match facts.cpu.as_ref().and_then(|c| c.features.npt) {
                // A hypervisor that masks SVM masks NPT with it: a clear bit
                // then says nothing about the silicon.
                Some(false) if !facts.cpu.as_ref().is_some_and(|c| c.features.svm) => {
                    evidence.push(
                        "cpuid: leaf 0x8000000A EDX bit 0 (NPT) = 0, but SVM is not visible either, so NPT may be masked"
                            .into(),
                    );
                }
                Some(npt) => {
                    evidence.push(format!(
                        "cpuid: leaf 0x8000000A EDX bit 0 (NPT) = {}",
                        u8::from(npt)
                    ));
                    silicon = if npt { Silicon::Yes } else { Silicon::No };
                }
                None if flags.is_some_and(|f| f.contains("npt")) => {
                    evidence.push("/proc/cpuinfo flags: npt".into());
                    silicon = Silicon::Yes;
                }
                None => evidence.push("cpuid: leaf 0x8000000A not reported".into()),
            }
        }
        _ => evidence.push("no CPUID evidence of EPT or NPT".into()),
    }
    let mut os = hvm.os;
    from_xen_and_logs(facts, &mut silicon, &mut os, &mut evidence);
    // EPT/NPT have no firmware switch of their own: they follow VT-x/AMD-V.
    let firmware = if silicon == Silicon::Yes {
        hvm.firmware
    } else {
        FirmwareState::Unknown
    };
    let mut judgement = Judgement::from_parts(silicon, firmware, os, evidence);
    inference.hap(hvm, &mut judgement);
    judgement.finish()
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
