use super::{Inference, Judgement};
use crate::facts::Facts;
use crate::model::{Capability, FirmwareState, OsState, Silicon};

/// Long mode cannot be switched off by firmware, so the silicon answer is
/// the whole answer; the OS column says whether a 64-bit kernel runs.
pub fn assess(facts: &Facts, inference: &Inference) -> Capability {
    let mut evidence = Vec::new();
    let mut silicon = Silicon::Unknown;
    if let Some(cpu) = &facts.cpu {
        let lm = cpu.features.long_mode;
        evidence.push(format!(
            "cpuid: leaf 0x80000001 EDX bit 29 (LM) = {}",
            u8::from(lm)
        ));
        silicon = if lm { Silicon::Yes } else { Silicon::No };
    } else if let Some(sockets) = facts.firmware.as_ref().map(|f| &f.processors) {
        if sockets.iter().any(|p| p.is_64bit_capable == Some(true)) {
            evidence.push("smbios: type 4 characteristics report 64-bit capable".into());
            silicon = Silicon::Yes;
        }
    }
    let flags = facts.os.cpuinfo.as_ref().map(|c| &c.flags);
    let os = match flags {
        Some(flags) if flags.contains("lm") => {
            evidence.push("/proc/cpuinfo flags: lm".into());
            if silicon == Silicon::Unknown {
                silicon = Silicon::Yes;
            }
            OsState::Active
        }
        Some(flags) if !flags.is_empty() => OsState::Inactive,
        _ => OsState::Unknown,
    };
    let firmware = if silicon == Silicon::Yes {
        FirmwareState::Enabled
    } else {
        FirmwareState::Unknown
    };
    let mut judgement = Judgement::from_parts(silicon, firmware, os, evidence);
    inference.long_mode(&mut judgement);
    judgement.finish()
}
