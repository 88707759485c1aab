use super::{Inference, Observations};
use crate::facts::{CpuVendor, Facts};
use crate::knowledge::Presence;
use crate::model::{Capability, FirmwareState, LogMeaning, OsState, Silicon};

/// CPUID shows NX only when firmware leaves it on, so a set bit proves both
/// silicon and firmware. A clear bit proves nothing by itself: the CPU may
/// lack NX or firmware may hide it ("Execute Disable" off). On Intel,
/// IA32_MISC_ENABLE bit 34 (XD Bit Disable) tells the two apart.
pub fn assess(facts: &Facts, inference: &Inference) -> Capability {
    let mut j = Observations::default();
    match &facts.cpu {
        Some(cpu) if cpu.features.nx => {
            let reading = "cpuid: leaf 0x80000001 EDX bit 20 (NX/XD) = 1";
            j.observe_silicon(Silicon::Yes, reading);
            j.observe_firmware(FirmwareState::Enabled, "firmware leaves NX visible");
        }
        Some(cpu) => {
            j.note("cpuid: leaf 0x80000001 EDX bit 20 (NX/XD) = 0: the CPU lacks NX or firmware hides it");
            from_misc_enable(facts, cpu.vendor, &mut j);
        }
        None => {
            let smbios_xd = facts.firmware.as_ref().is_some_and(|f| {
                f.processors
                    .iter()
                    .any(|p| p.execute_protection == Some(true))
            });
            if smbios_xd {
                j.observe_silicon(
                    Silicon::Yes,
                    "smbios: type 4 characteristics report execute protection",
                );
            }
        }
    }
    from_efer(facts, &mut j);
    from_kernel_log(facts, &mut j);
    match facts.os.cpuinfo.as_ref().map(|c| &c.flags) {
        Some(flags) if flags.contains("nx") => {
            j.observe_os(OsState::Active, "/proc/cpuinfo flags: nx");
        }
        Some(flags) if !flags.is_empty() => {
            j.observe_os(OsState::Inactive, "/proc/cpuinfo flags lack nx");
        }
        _ => {}
    }
    infer(facts, inference, &mut j);
    j.finish()
}

/// What the generation says of NX. When every SKU has it and CPUID hides
/// it, that is firmware's doing on bare metal, the hypervisor's in a VM.
fn infer(facts: &Facts, inference: &Inference, j: &mut Observations) {
    let Some(identified) = inference.unknown_silicon(j) else {
        return;
    };
    let source = inference.source(identified);
    let presence = identified.nx();
    if facts.cpu.as_ref().is_some_and(|c| !c.features.nx) {
        if presence != Some(Presence::All) {
            return;
        }
        if inference.in_vm() {
            j.observe_silicon(
                Silicon::Yes,
                format!("NX: supported ({source}: every SKU has NX); hidden by the hypervisor"),
            );
        } else {
            j.observe_silicon(
                Silicon::Yes,
                format!("NX: supported ({source}: every SKU has NX), so CPUID hides it"),
            );
            j.observe_firmware(
                FirmwareState::Disabled,
                "Execute Disable off in firmware (inferred: the silicon has NX and CPUID hides it)",
            );
        }
        return;
    }
    inference.observe_presence(identified, "NX", presence, j);
}

/// Linux prints "NX (Execute Disable) protection: active" only when CPUID
/// shows NX and it set EFER.NXE: silicon, firmware and OS at once. Its
/// "missing in CPU" notice is CPUID's clear bit again, ambiguous the same
/// way, so it is only noted.
fn from_kernel_log(facts: &Facts, j: &mut Observations) {
    let Some(log) = &facts.kernel_log else { return };
    if let Some(event) = log.events_meaning(LogMeaning::NxActive).next() {
        let line = event.as_evidence();
        j.observe_silicon(Silicon::Yes, line.clone());
        j.observe_firmware(FirmwareState::Enabled, line.clone());
        j.observe_os(OsState::Active, line);
    } else if let Some(event) = log.events_meaning(LogMeaning::NxNotInCpuid).next() {
        j.note(event.as_evidence());
    }
}

/// With CPUID's NX clear: bit 34 set means firmware hides NX; clear on an
/// Intel CPU means nothing hides it, so the CPU lacks it.
fn from_misc_enable(facts: &Facts, vendor: CpuVendor, j: &mut Observations) {
    let Some(msr) = &facts.msr_controls else {
        return;
    };
    let Some(misc) = msr.misc_enable else {
        return;
    };
    let reading = format!(
        "msr 0x1A0 (IA32_MISC_ENABLE) = {:#x} on CPU {}",
        misc.raw, msr.cpu
    );
    if misc.xd_disable {
        j.observe_silicon(
            Silicon::Yes,
            format!("{reading}: XD Bit Disable (bit 34) set, so the CPU has NX"),
        );
        j.observe_firmware(
            FirmwareState::Disabled,
            "firmware hides NX from CPUID (its no-execute setting is off in setup)",
        );
    } else if vendor == CpuVendor::Intel {
        j.observe_silicon(
            Silicon::No,
            format!(
                "{reading}: XD Bit Disable (bit 34) clear, so nothing hides NX: the CPU lacks it"
            ),
        );
    }
}

fn from_efer(facts: &Facts, j: &mut Observations) {
    let Some(msr) = &facts.msr_controls else {
        return;
    };
    match msr.efer_nxe {
        Some(true) => j.observe_os(
            OsState::Active,
            format!(
                "msr 0xC0000080 (EFER) bit 11 (NXE) = 1 on CPU {}: the running kernel uses NX",
                msr.cpu
            ),
        ),
        Some(false) => j.observe_os(
            OsState::Inactive,
            format!(
                "msr 0xC0000080 (EFER) bit 11 (NXE) = 0 on CPU {}: the running kernel does not use NX",
                msr.cpu
            ),
        ),
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::bare_metal;
    use crate::facts::MsrControls;
    use crate::model::CapState;

    /// The capability as the whole assessment judges it.
    fn assess(facts: &Facts) -> Capability {
        crate::assess::assess(facts, crate::knowledge::Knowledge::builtin())
            .capabilities
            .nx
    }

    #[test]
    fn efer_nxe_says_the_kernel_uses_nx() {
        let mut facts = bare_metal(CpuVendor::Intel);
        facts.msr_controls = Some(MsrControls {
            efer_nxe: Some(true),
            ..MsrControls::default()
        });
        let nx = assess(&facts);
        assert_eq!(nx.state, CapState::Available);
        assert_eq!(nx.os, OsState::Active);
        assert!(nx
            .evidence
            .iter()
            .any(|e| e.contains("EFER) bit 11 (NXE) = 1")));
    }

    #[test]
    fn amd_without_nx_is_hidden_by_firmware_by_inference() {
        // MISC_ENABLE is Intel's: a clear bit 34 proves nothing on AMD, but
        // every AMD64 generation has NX, so the clear bit is firmware's.
        let mut facts = bare_metal(CpuVendor::Amd);
        if let Some(cpu) = &mut facts.cpu {
            cpu.features.nx = false;
        }
        facts.msr_controls = Some(MsrControls {
            misc_enable: Some(crate::facts::MiscEnable::from_raw(0)),
            ..MsrControls::default()
        });
        let nx = assess(&facts);
        assert_eq!(nx.state, CapState::DisabledInFirmware);
        assert!(
            nx.evidence.iter().any(|e| e.contains("inferred")),
            "{:?}",
            nx.evidence
        );
        assert!(
            !nx.evidence.iter().any(|e| e.contains("0x1A0")),
            "{:?}",
            nx.evidence
        );
    }
}
