use super::{Inference, Judgement};
use crate::facts::Facts;
use crate::report::{Capability, FirmwareState, OsState, Silicon};

/// CPUID shows NX only when firmware leaves it on, so a set bit proves both
/// silicon and firmware. A clear bit proves nothing by itself: the CPU may
/// lack NX or firmware may hide it ("Execute Disable" off).
pub fn assess(facts: &Facts, inference: &Inference) -> Capability {
    let mut evidence = Vec::new();
    let (silicon, firmware) = match &facts.cpu {
        Some(cpu) if cpu.features.nx => {
            evidence.push("cpuid: leaf 0x80000001 EDX bit 20 (NX/XD) = 1".into());
            (Silicon::Yes, FirmwareState::Enabled)
        }
        Some(_) => {
            evidence.push(
                "cpuid: leaf 0x80000001 EDX bit 20 (NX/XD) = 0: the CPU lacks NX or firmware hides it"
                    .into(),
            );
            (Silicon::Unknown, FirmwareState::Unknown)
        }
        None => {
            let smbios_xd = facts.firmware.as_ref().is_some_and(|f| {
                f.processors
                    .iter()
                    .any(|p| p.execute_protection == Some(true))
            });
            if smbios_xd {
                evidence.push("smbios: type 4 characteristics report execute protection".into());
                (Silicon::Yes, FirmwareState::Unknown)
            } else {
                (Silicon::Unknown, FirmwareState::Unknown)
            }
        }
    };
    let os = match facts.os.cpuinfo.as_ref().map(|c| &c.flags) {
        Some(flags) if flags.contains("nx") => {
            evidence.push("/proc/cpuinfo flags: nx".into());
            OsState::Active
        }
        Some(flags) if !flags.is_empty() => OsState::Inactive,
        _ => OsState::Unknown,
    };
    let mut judgement = Judgement::from_parts(silicon, firmware, os, evidence);
    inference.nx(&mut judgement);
    judgement.finish()
}
