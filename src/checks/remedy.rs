//! Firmware remedies in the machine's own vendor's words, for checks whose
//! fix is a firmware setting or whose evidence is in the management
//! controller's event log.

use super::Context;
use crate::facts::{CpuVendor, Facts};
use crate::knowledge::{CpuFamily, Setting, Vendor};

/// Remedy lines for changing `setting` on this machine: the vendor comes
/// from the SMBIOS system (or, failing that, baseboard) manufacturer, the
/// Intel/AMD variant from CPUID or SMBIOS.
pub fn firmware(context: &Context, setting: Setting) -> Vec<String> {
    context
        .knowledge
        .firmware
        .advice(setting, manufacturer(context), cpu_family(context.facts))
}

/// `setting` as a noun phrase for a finding's detail: "the setting Dell
/// calls "Logical Processor"", or a generic wording with the names server
/// vendors use when the machine's vendor is not known.
pub fn setting_name(context: &Context, setting: Setting) -> String {
    context.knowledge.firmware.setting_phrase(
        setting,
        manufacturer(context),
        cpu_family(context.facts),
    )
}

/// Where this machine's hardware event log is read, to end a sentence:
/// "`ipmitool sel elist` or the iDRAC Lifecycle Log".
pub fn event_log(context: &Context) -> String {
    context
        .knowledge
        .firmware
        .event_log_phrase(manufacturer(context))
}

/// The first SMBIOS manufacturer string that names a known server vendor.
fn manufacturer<'a>(context: &Context<'a>) -> Option<&'a str> {
    let firmware = &context.knowledge.firmware;
    manufacturers(context.facts)
        .into_iter()
        .find(|m| firmware.vendor_for(m).is_some())
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
    [socket.manufacturer.as_deref(), socket.version.as_deref()]
        .into_iter()
        .flatten()
        .find_map(Vendor::from_text)
        .and_then(CpuFamily::of)
}

#[cfg(test)]
mod tests;
