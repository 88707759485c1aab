//! Firmware remedies in the machine's own vendor's words, for checks whose
//! fix is a firmware setting.

use super::Context;
use crate::facts::{CpuVendor, Facts};
use crate::knowledge::{CpuFamily, Setting};

/// Remedy lines for changing `setting` on this machine: the vendor comes
/// from the SMBIOS system (or, failing that, baseboard) manufacturer, the
/// Intel/AMD variant from CPUID or SMBIOS.
pub fn firmware(context: &Context, setting: Setting) -> Vec<String> {
    let facts = context.facts;
    let firmware = &context.knowledge.firmware;
    let manufacturer = manufacturers(facts)
        .into_iter()
        .find(|m| firmware.vendor_for(m).is_some());
    firmware.advice(setting, manufacturer, cpu_family(facts))
}

fn manufacturers(facts: &Facts) -> Vec<&str> {
    let Some(fw) = &facts.firmware else {
        return Vec::new();
    };
    [
        fw.system.as_ref().and_then(|s| s.manufacturer.as_deref()),
        fw.baseboard
            .as_ref()
            .and_then(|b| b.manufacturer.as_deref()),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Hygon parts are AMD designs and name their settings as AMD does; VIA
/// and others have no vendor rows of their own.
pub fn cpu_family(facts: &Facts) -> Option<CpuFamily> {
    if let Some(cpu) = &facts.cpu {
        return match cpu.vendor {
            CpuVendor::Intel => Some(CpuFamily::Intel),
            CpuVendor::Amd | CpuVendor::Hygon => Some(CpuFamily::Amd),
            CpuVendor::Centaur | CpuVendor::Other => None,
        };
    }
    let socket = facts
        .firmware
        .as_ref()?
        .processors
        .iter()
        .find(|p| p.populated)?;
    let text = format!(
        "{} {}",
        socket.manufacturer.as_deref().unwrap_or_default(),
        socket.version.as_deref().unwrap_or_default()
    )
    .to_ascii_lowercase();
    if text.contains("intel") {
        Some(CpuFamily::Intel)
    } else if text.contains("amd") || text.contains("advanced micro devices") {
        Some(CpuFamily::Amd)
    } else {
        None
    }
}

#[cfg(test)]
mod tests;
