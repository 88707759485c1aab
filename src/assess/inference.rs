//! Inference from the CPU generation (`probes/cpu-generations.toml`): the
//! least trusted source, observed last. It fills what the readings could not
//! show (EPT without MSRs, a CPU known only by its SMBIOS signature) and
//! explains a clear CPUID bit that the generation always sets (NX or VT-x
//! hidden by firmware or by a hypervisor). It never contradicts a reading:
//! a Celeron 420 without VT-x stays without VT-x, because its generation
//! does not have VT-x on every SKU. Every line it adds says "inferred".

use super::{Judgement, PlatformView};
use crate::facts::{CpuVendor, Facts};
use crate::knowledge::{Identified, Identity, Knowledge, Presence, Vendor, Via};
use crate::model::{Capability, FirmwareState, LogMeaning, Platform, Silicon};

/// Why a clear VMX/SVM bit is read as hidden rather than missing.
#[derive(Debug, Clone, PartialEq)]
pub struct Hidden {
    pub reason: String,
    /// Evidence says firmware disabled it (not merely that it may have).
    pub by_firmware: Option<String>,
}

/// The generation this machine's processor belongs to, and what the
/// readings leave open.
pub struct Inference<'k> {
    identified: Option<Identified<'k>>,
    in_vm: bool,
    /// Bare metal is established (not merely "no hypervisor seen").
    bare_metal: bool,
    /// CPUID was read and shows neither VMX nor SVM.
    cpuid_hides_hvm: bool,
    /// CPUID was read and shows no NX.
    cpuid_hides_nx: bool,
    firmware_evidence: Option<String>,
}

impl<'k> Inference<'k> {
    pub fn new(facts: &Facts, knowledge: &'k Knowledge, platform: &PlatformView) -> Inference<'k> {
        let identified = knowledge.generations.identify(&identity(facts));
        let cpu = facts.cpu.as_ref();
        // Linux flags a guest with `hypervisor` even when CPUID was not read.
        let guest_flag = facts
            .os
            .cpuinfo
            .as_ref()
            .is_some_and(|c| c.flags.contains("hypervisor"));
        Inference {
            identified,
            in_vm: platform.kind == Platform::VirtualMachine || guest_flag,
            bare_metal: platform.kind == Platform::BareMetal && !guest_flag,
            cpuid_hides_hvm: cpu.is_some_and(|c| !c.features.vmx && !c.features.svm),
            cpuid_hides_nx: cpu.is_some_and(|c| !c.features.nx),
            firmware_evidence: firmware_evidence(facts),
        }
    }

    /// An inference that knows nothing: every capability keeps its readings.
    pub fn nothing() -> Inference<'static> {
        Inference {
            identified: None,
            in_vm: false,
            bare_metal: false,
            cpuid_hides_hvm: false,
            cpuid_hides_nx: false,
            firmware_evidence: None,
        }
    }

    pub fn identified(&self) -> Option<&Identified<'k>> {
        self.identified.as_ref()
    }

    /// "inferred from Nehalem-EP, Xeon 5500 (identified by CPUID signature
    /// family 6 model 0x1a stepping 2)".
    fn source(&self, identified: &Identified) -> String {
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

    /// When CPUID shows neither VT-x nor AMD-V, whether that may be hiding
    /// rather than absence: the generation has VT-x/AMD-V and something
    /// explains the hiding (a hypervisor, firmware evidence, or VT-x on
    /// every SKU of the generation). `hvm::assess` asks this before taking
    /// CPUID's "no" as the silicon's answer.
    pub fn hvm_hidden(&self) -> Option<Hidden> {
        let identified = self.identified.as_ref()?;
        let presence = identified.hvm()?;
        if !self.cpuid_hides_hvm || !presence.typical() {
            return None;
        }
        // On bare metal no hypervisor filters CPUID (they announce
        // themselves with the hypervisor bit), so when every SKU of the
        // generation has VT-x/AMD-V, only firmware can have hidden it.
        let bare_metal_firmware = (self.bare_metal && presence == Presence::All).then(|| {
            "inferred: every SKU of this generation has it, and no hypervisor bit or virtual-machine \
             identity says a hypervisor masks CPUID here, so firmware hides it"
                .to_string()
        });
        let reason = if self.in_vm {
            "hidden by the hypervisor".to_string()
        } else if let Some(evidence) = &self.firmware_evidence {
            format!("hidden: disabled in firmware ({evidence})")
        } else if bare_metal_firmware.is_some() {
            "hidden: disabled in firmware".to_string()
        } else if presence == Presence::All {
            "hidden: disabled in firmware or masked by a hypervisor".to_string()
        } else {
            return None;
        };
        let by_firmware = if self.in_vm {
            None
        } else {
            self.firmware_evidence.clone().or(bare_metal_firmware)
        };
        Some(Hidden {
            reason,
            by_firmware,
        })
    }

    pub fn long_mode(&self, j: &mut Judgement) {
        let Some(identified) = self.unknown_silicon(j) else {
            return;
        };
        match identified.long_mode() {
            Some(p) if p.typical() => {
                j.observe_silicon(
                    Silicon::Yes,
                    format!(
                        "x86-64: supported ({}{})",
                        self.source(identified),
                        sku_caveat(p)
                    ),
                );
                // Firmware has no switch for long mode.
                j.observe_firmware(FirmwareState::Enabled, "long mode has no firmware switch");
            }
            Some(Presence::None) => j.observe_silicon(
                Silicon::No,
                format!(
                    "x86-64: unsupported ({}: a 32-bit generation)",
                    self.source(identified)
                ),
            ),
            _ => j.note(format!(
                "x86-64: only some SKUs have it ({}); the exact SKU decides",
                self.source(identified)
            )),
        }
    }

    pub fn nx(&self, j: &mut Judgement) {
        let Some(identified) = self.unknown_silicon(j) else {
            return;
        };
        let presence = identified.nx();
        if self.cpuid_hides_nx {
            if presence != Some(Presence::All) {
                return;
            }
            if self.in_vm {
                j.observe_silicon(
                    Silicon::Yes,
                    format!(
                        "NX: supported ({}: every SKU has NX); hidden by the hypervisor",
                        self.source(identified)
                    ),
                );
            } else {
                j.observe_silicon(
                    Silicon::Yes,
                    format!(
                        "NX: supported ({}: every SKU has NX), so CPUID hides it",
                        self.source(identified)
                    ),
                );
                j.observe_firmware(
                    FirmwareState::Disabled,
                    "Execute Disable off in firmware (inferred: the silicon has NX and CPUID hides it)",
                );
            }
            return;
        }
        match presence {
            Some(p) if p.typical() => j.observe_silicon(
                Silicon::Yes,
                format!(
                    "NX: supported ({}{})",
                    self.source(identified),
                    sku_caveat(p)
                ),
            ),
            Some(Presence::None) => j.observe_silicon(
                Silicon::No,
                format!(
                    "NX: unsupported ({}: no SKU has it)",
                    self.source(identified)
                ),
            ),
            _ => j.note(format!(
                "NX: only some SKUs have it ({}); the exact SKU decides",
                self.source(identified)
            )),
        }
    }

    pub fn hvm(&self, j: &mut Judgement) {
        let Some(identified) = self.unknown_silicon(j) else {
            return;
        };
        let name = hvm_name(identified);
        if self.cpuid_hides_hvm {
            if let Some(hidden) = self.hvm_hidden() {
                j.observe_silicon(
                    Silicon::Yes,
                    format!(
                        "{name}: supported ({}{}); {}",
                        self.source(identified),
                        identified.hvm().map(sku_caveat).unwrap_or_default(),
                        hidden.reason
                    ),
                );
                if let Some(evidence) = hidden.by_firmware {
                    j.observe_firmware(FirmwareState::Disabled, evidence);
                }
            }
            return;
        }
        match identified.hvm() {
            Some(p) if p.typical() => j.observe_silicon(
                Silicon::Yes,
                format!(
                    "{name}: supported ({}{})",
                    self.source(identified),
                    sku_caveat(p)
                ),
            ),
            Some(Presence::None) => j.observe_silicon(
                Silicon::No,
                format!(
                    "{name}: unsupported ({}: no SKU has it)",
                    self.source(identified)
                ),
            ),
            _ => j.note(format!(
                "{name}: only some SKUs have it ({}); the exact SKU decides",
                self.source(identified)
            )),
        }
    }

    /// EPT/NPT follow VT-x/AMD-V: inferred only where HVM is known present,
    /// or where the generation has no HAP at all.
    pub fn hap(&self, hvm: &Capability, j: &mut Judgement) {
        let Some(identified) = self.unknown_silicon(j) else {
            return;
        };
        let name = hap_name(identified);
        match identified.hap() {
            Some(true) if hvm.silicon == Silicon::Yes => {
                j.observe_silicon(
                    Silicon::Yes,
                    format!(
                        "{name}: supported ({}: every SKU with VT-x/AMD-V has it)",
                        self.source(identified)
                    ),
                );
                if hvm.firmware != FirmwareState::Unknown {
                    j.observe_firmware(hvm.firmware, "EPT/NPT follow VT-x/AMD-V in firmware");
                }
            }
            Some(false) => j.observe_silicon(
                Silicon::No,
                format!(
                    "{name}: unsupported ({}: the generation has none)",
                    self.source(identified)
                ),
            ),
            _ => {}
        }
    }

    /// Hyper-threading is inferred only for generations (or brand families)
    /// with it on every SKU, and only on established bare metal: a virtual
    /// machine's topology is the hypervisor's, and one thread per core there
    /// says nothing about firmware.
    pub fn smt(&self, j: &mut Judgement) {
        if !self.bare_metal {
            return;
        }
        let Some(identified) = self.unknown_silicon(j) else {
            return;
        };
        let name = match identified.vendor() {
            Some(Vendor::Amd) => "SMT",
            _ => "hyper-threading",
        };
        match identified.smt() {
            Some(Presence::All) => j.observe_silicon(
                Silicon::Yes,
                format!(
                    "{name}: supported ({}: every SKU has it)",
                    self.source(identified)
                ),
            ),
            Some(Presence::None) => j.observe_silicon(
                Silicon::No,
                format!(
                    "{name}: unsupported ({}: no SKU has it)",
                    self.source(identified)
                ),
            ),
            _ => {}
        }
    }

    /// The IOMMU lives in the chipset: the generation only says what its
    /// platforms typically had. A note, never a pass.
    pub fn iommu(&self, j: &mut Judgement) {
        let Some(identified) = self.identified.as_ref() else {
            return;
        };
        let Some(typical) = identified.iommu() else {
            return;
        };
        let notes: Vec<&str> = identified
            .generations
            .iter()
            .map(|g| g.iommu_note.as_str())
            .collect();
        j.note(format!(
            "platform IOMMU of {}: {} (inferred from the generation, not evidence of this machine: {})",
            identified.label(),
            typical.as_str(),
            notes.join("; ")
        ));
    }

    fn unknown_silicon(&self, j: &Judgement) -> Option<&Identified<'k>> {
        if j.silicon() != Silicon::Unknown {
            return None;
        }
        self.identified.as_ref()
    }
}

fn sku_caveat(presence: Presence) -> &'static str {
    match presence {
        Presence::All => "",
        _ => "; most SKUs have it, the exact SKU decides",
    }
}

fn hvm_name(identified: &Identified) -> &'static str {
    match identified.vendor() {
        Some(Vendor::Amd) => "AMD-V",
        Some(_) => "VT-x",
        None => "VT-x/AMD-V",
    }
}

fn hap_name(identified: &Identified) -> &'static str {
    match identified.vendor() {
        Some(Vendor::Amd) => "NPT",
        Some(_) => "EPT",
        None => "EPT/NPT",
    }
}

fn firmware_evidence(facts: &Facts) -> Option<String> {
    let log = facts.kernel_log.as_ref()?;
    log.events_meaning(LogMeaning::HvmDisabledByFirmware)
        .next()
        .map(|e| format!("kernel log line {}: {}", e.line, e.text))
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
