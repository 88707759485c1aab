use super::inference::sku_caveat;
use super::{Inference, Observations};
use crate::facts::Facts;
use crate::knowledge::Presence;
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
    let mut seen = Observations::from_parts(silicon, firmware, os, evidence);
    infer(inference, &mut seen);
    seen.finish()
}

fn infer(inference: &Inference, seen: &mut Observations) {
    let Some(identified) = inference.unknown_silicon(seen) else {
        return;
    };
    match identified.long_mode() {
        Some(p) if p.typical() => {
            seen.observe_silicon(
                Silicon::Yes,
                format!(
                    "x86-64: supported ({}{})",
                    inference.source(identified),
                    sku_caveat(p)
                ),
            );
            // Firmware has no switch for long mode.
            seen.observe_firmware(FirmwareState::Enabled, "long mode has no firmware switch");
        }
        Some(Presence::None) => seen.observe_silicon(
            Silicon::No,
            format!(
                "x86-64: unsupported ({}: a 32-bit generation)",
                inference.source(identified)
            ),
        ),
        _ => seen.note(format!(
            "x86-64: only some SKUs have it ({}); the exact SKU decides",
            inference.source(identified)
        )),
    }
}
