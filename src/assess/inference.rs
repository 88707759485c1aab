//! Inference from the CPU generation (`probes/cpu-generations.toml`): the
//! least trusted source, observed last. This module only identifies the
//! processor and where it runs; each capability's file says what the
//! generation implies for it (`infer` in `hvm/`, `nx.rs`, `hap.rs`, ...).
//! An inference fills what the readings could not show (EPT without MSRs, a
//! CPU known only by its SMBIOS signature) and explains a clear CPUID bit
//! that the generation always sets (NX or VT-x hidden by firmware or by a
//! hypervisor). It never contradicts a reading: a Celeron 420 without VT-x
//! stays without VT-x, because its generation does not have VT-x on every
//! SKU. Every line it adds says "inferred".

use super::{Observations, PlatformView};
use crate::facts::{CpuVendor, Facts};
use crate::knowledge::{Identified, Identity, Knowledge, Presence, Vendor, Via};
use crate::model::{Platform, Silicon};

/// The generation this machine's processor belongs to, and whether the
/// readings come from a virtual machine.
pub struct Inference<'k> {
    identified: Option<Identified<'k>>,
    in_vm: bool,
    /// Bare metal is established (not merely "no hypervisor seen").
    bare_metal: bool,
}

impl<'k> Inference<'k> {
    pub fn new(facts: &Facts, knowledge: &'k Knowledge, platform: &PlatformView) -> Inference<'k> {
        // Linux flags a guest with `hypervisor` even when CPUID was not read.
        let guest_flag = facts
            .os
            .cpuinfo
            .as_ref()
            .is_some_and(|c| c.flags.contains("hypervisor"));
        Inference {
            identified: knowledge.generations.identify(&identity(facts)),
            in_vm: platform.kind == Platform::VirtualMachine || guest_flag,
            bare_metal: platform.kind == Platform::BareMetal && !guest_flag,
        }
    }

    /// An inference that knows nothing: every capability keeps its readings.
    pub fn nothing() -> Inference<'static> {
        Inference {
            identified: None,
            in_vm: false,
            bare_metal: false,
        }
    }

    pub fn identified(&self) -> Option<&Identified<'k>> {
        self.identified.as_ref()
    }

    pub(super) fn in_vm(&self) -> bool {
        self.in_vm
    }

    pub(super) fn bare_metal(&self) -> bool {
        self.bare_metal
    }

    /// "inferred from Nehalem-EP, Xeon 5500 (identified by CPUID signature
    /// family 6 model 0x1a stepping 2)".
    pub(super) fn source(&self, identified: &Identified) -> String {
        let caution = if identified.confirmed() {
            ""
        } else {
            "; the knowledge base marks part of this generation's data unconfirmed"
        };
        format!(
            "inferred from {} (identified {}{caution})",
            identified.label(),
            identified.basis()
        )
    }

    /// The generation, when the readings left the silicon open: inference
    /// never overrides a reading.
    pub(super) fn unknown_silicon(&self, seen: &Observations) -> Option<&Identified<'k>> {
        if seen.silicon() != Silicon::Unknown {
            return None;
        }
        self.identified.as_ref()
    }

    /// What the generation says of a feature the readings left open:
    /// every SKU (or most) has it, none has it, or only some do.
    pub(super) fn observe_presence(
        &self,
        identified: &Identified,
        name: &str,
        presence: Option<Presence>,
        seen: &mut Observations,
    ) {
        let source = self.source(identified);
        match presence {
            Some(p) if p.typical() => seen.observe_silicon(
                Silicon::Yes,
                format!("{name}: supported ({source}{})", sku_caveat(p)),
            ),
            Some(Presence::None) => seen.observe_silicon(
                Silicon::No,
                format!("{name}: unsupported ({source}: no SKU has it)"),
            ),
            _ => seen.note(format!(
                "{name}: only some SKUs have it ({source}); the exact SKU decides"
            )),
        }
    }
}

pub(super) fn sku_caveat(presence: Presence) -> &'static str {
    match presence {
        Presence::All => "",
        _ => "; most SKUs have it, the exact SKU decides",
    }
}

/// What the readings say about the processor's identity, best source first.
pub fn identity(facts: &Facts) -> Identity<'_> {
    let mut identity = Identity::default();
    let socket = facts
        .firmware
        .as_ref()
        .and_then(|f| f.processors.iter().find(|p| p.populated));
    let cpuinfo = facts.os.cpuinfo.as_ref();
    if let Some(cpu) = &facts.cpu {
        identity.vendor = match cpu.vendor {
            CpuVendor::Intel => Some(Vendor::Intel),
            CpuVendor::Amd => Some(Vendor::Amd),
            CpuVendor::Centaur => Some(Vendor::Centaur),
            CpuVendor::Hygon | CpuVendor::Other => None,
        };
        identity.signature = Some((cpu.family, cpu.model, Some(cpu.stepping), Via::Cpuid));
    } else if let Some((socket, eax)) = socket.and_then(|s| Some((s, s.cpuid_signature?))) {
        identity.vendor = socket.manufacturer.as_deref().and_then(Vendor::from_text);
        let (family, model, stepping) = crate::knowledge::generations::decode_signature(eax);
        identity.signature = Some((family, model, Some(stepping), Via::SmbiosSignature));
    } else if let Some(info) = cpuinfo {
        identity.vendor = info.vendor_id.as_deref().and_then(Vendor::from_text);
        if let (Some(family), Some(model)) = (info.family, info.model) {
            identity.signature = Some((family, model, info.stepping, Via::CpuinfoSignature));
        }
    }
    if identity.vendor.is_none() {
        identity.vendor = socket
            .and_then(|s| s.manufacturer.as_deref())
            .or(cpuinfo.and_then(|c| c.vendor_id.as_deref()))
            .and_then(Vendor::from_text);
    }
    let brands = [
        facts.cpu.as_ref().and_then(|c| c.brand.as_deref()),
        socket.and_then(|s| s.version.as_deref()),
        cpuinfo.and_then(|c| c.model_name.as_deref()),
    ];
    identity.brands = brands.into_iter().flatten().collect();
    identity
}

#[cfg(test)]
mod tests;
