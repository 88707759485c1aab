//! What the CPU generation says about VT-x/AMD-V, observed last: a clear
//! VMX/SVM bit may be hiding rather than absence.

use super::super::inference::sku_caveat;
use super::{Inference, Observations};
use crate::facts::Facts;
use crate::knowledge::{Identified, Presence, Vendor};
use crate::model::{FirmwareState, LogMeaning, Silicon};

/// Why a clear VMX/SVM bit is read as hidden rather than missing.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct HiddenHvm {
    pub reason: String,
    /// Evidence says firmware disabled it (not merely that it may have).
    pub by_firmware: Option<String>,
}

/// When CPUID shows neither VT-x nor AMD-V, whether that may be hiding
/// rather than absence: the generation has VT-x/AMD-V and something
/// explains the hiding (a hypervisor, firmware evidence, or VT-x on every
/// SKU of the generation). Asked before CPUID's "no" is taken as the
/// silicon's answer.
pub(super) fn hidden(facts: &Facts, inference: &Inference) -> Option<HiddenHvm> {
    let identified = inference.identified()?;
    let presence = identified.hvm()?;
    let cpuid_hides = facts
        .cpu
        .as_ref()
        .is_some_and(|c| !c.features.vmx && !c.features.svm);
    if !cpuid_hides || !presence.typical() {
        return None;
    }
    let in_vm = inference.in_vm();
    let firmware_evidence = firmware_evidence(facts);
    // On bare metal no hypervisor filters CPUID (they announce themselves
    // with the hypervisor bit), so when every SKU of the generation has
    // VT-x/AMD-V, only firmware can have hidden it.
    let bare_metal_firmware = (inference.bare_metal() && presence == Presence::All).then(|| {
        "inferred: every SKU of this generation has it, and no hypervisor bit or virtual-machine \
         identity says a hypervisor masks CPUID here, so firmware hides it"
            .to_string()
    });
    let reason = if in_vm {
        "hidden by the hypervisor".to_string()
    } else if let Some(evidence) = &firmware_evidence {
        format!("hidden: disabled in firmware ({evidence})")
    } else if bare_metal_firmware.is_some() {
        "hidden: disabled in firmware".to_string()
    } else if presence == Presence::All {
        "hidden: disabled in firmware or masked by a hypervisor".to_string()
    } else {
        return None;
    };
    let by_firmware = if in_vm {
        None
    } else {
        firmware_evidence.or(bare_metal_firmware)
    };
    Some(HiddenHvm {
        reason,
        by_firmware,
    })
}

pub(super) fn infer(facts: &Facts, inference: &Inference, seen: &mut Observations) {
    let Some(identified) = inference.unknown_silicon(seen) else {
        return;
    };
    let name = hvm_name(identified);
    let source = inference.source(identified);
    if facts
        .cpu
        .as_ref()
        .is_some_and(|c| !c.features.vmx && !c.features.svm)
    {
        if let Some(hidden) = hidden(facts, inference) {
            let caveat = identified.hvm().map(sku_caveat).unwrap_or_default();
            seen.observe_silicon(
                Silicon::Yes,
                format!("{name}: supported ({source}{caveat}); {}", hidden.reason),
            );
            if let Some(evidence) = hidden.by_firmware {
                seen.observe_firmware(FirmwareState::Disabled, evidence);
            }
        }
        return;
    }
    inference.observe_presence(identified, name, identified.hvm(), seen);
}

fn hvm_name(identified: &Identified) -> &'static str {
    match identified.vendor() {
        Some(Vendor::Amd) => "AMD-V",
        Some(_) => "VT-x",
        None => "VT-x/AMD-V",
    }
}

/// The log line that says firmware switched VT-x/AMD-V off, if any.
fn firmware_evidence(facts: &Facts) -> Option<String> {
    let log = facts.kernel_log.as_ref()?;
    log.events_meaning(LogMeaning::HvmDisabledByFirmware)
        .next()
        .map(|e| format!("kernel log line {}: {}", e.line, e.text))
}
