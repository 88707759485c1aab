use super::{Inference, Observations};
use crate::facts::{CpuVendor, Facts};
use crate::knowledge::{Presence, Vendor};
use crate::model::{Capability, FirmwareState, OsState, Silicon};

/// AMD added SMT with Zen (family 0x17); K8, K10 and the Bulldozer family
/// have none (Bulldozer modules are counted as cores).
const AMD_FIRST_SMT_FAMILY: u32 = 0x17;

pub fn assess(facts: &Facts, inference: &Inference) -> Capability {
    let mut evidence = Vec::new();
    let mut silicon = Silicon::Unknown;
    // CPUID reports the threads firmware enabled, not what the silicon has:
    // with "Logical Processor" off it shows one thread per core.
    let mut cpuid_threads = None;

    if let Some(cpu) = &facts.cpu {
        cpuid_threads = cpu.topology.threads_per_core;
        if let Some(threads) = cpuid_threads {
            if threads > 1 {
                evidence.push(format!("cpuid: {threads} threads per core"));
                silicon = Silicon::Yes;
            }
        }
        if silicon == Silicon::Unknown
            && matches!(cpu.vendor, CpuVendor::Amd)
            && cpu.family < AMD_FIRST_SMT_FAMILY
        {
            evidence.push(format!(
                "AMD family {:#x} predates Zen: no simultaneous multithreading",
                cpu.family
            ));
            silicon = Silicon::No;
        }
    }
    if silicon != Silicon::No {
        if let Some(fw) = &facts.firmware {
            for p in fw.processors.iter().filter(|p| p.populated) {
                let (threads, cores) = (p.thread_count, p.core_count);
                if let (Some(t), Some(c)) = (threads, cores) {
                    if t > c {
                        evidence.push(format!(
                            "smbios: socket {} has {c} cores and {t} threads",
                            p.socket.as_deref().unwrap_or("?")
                        ));
                        silicon = Silicon::Yes;
                        break;
                    }
                }
                if p.hardware_thread == Some(true) {
                    evidence.push(format!(
                        "smbios: socket {} characteristics report hardware threads",
                        p.socket.as_deref().unwrap_or("?")
                    ));
                    silicon = Silicon::Yes;
                    break;
                }
            }
        }
    }

    if silicon == Silicon::Unknown {
        let mut seen = Observations::from_parts(
            silicon,
            FirmwareState::Unknown,
            OsState::Unknown,
            std::mem::take(&mut evidence),
        );
        infer(inference, &mut seen);
        silicon = seen.silicon();
        evidence = seen.into_evidence();
    }

    let os_state = os_state(facts, &mut evidence);
    let control = facts.os.smt_control.as_deref().map(str::trim);
    let os_switched_off = matches!(control, Some("off") | Some("forceoff"));
    let firmware = match (silicon, os_state) {
        (_, OsState::Active) => FirmwareState::Enabled,
        _ if cpuid_threads.is_some_and(|t| t > 1) => FirmwareState::Enabled,
        (Silicon::Yes, OsState::Inactive) if os_switched_off => FirmwareState::Enabled,
        // The silicon has threads, firmware hands out one per core, and the
        // OS did not switch them off: firmware did ("Logical Processor").
        (Silicon::Yes, _) if cpuid_threads == Some(1) => FirmwareState::Disabled,
        (Silicon::Yes, OsState::Inactive) => FirmwareState::Disabled,
        _ => FirmwareState::Unknown,
    };
    Capability::judge(silicon, firmware, os_state, evidence)
}

/// Hyper-threading is inferred only for generations (or brand families)
/// with it on every SKU, and only on established bare metal: a virtual
/// machine's topology is the hypervisor's, and one thread per core there
/// says nothing about firmware.
fn infer(inference: &Inference, seen: &mut Observations) {
    if !inference.bare_metal() {
        return;
    }
    let Some(identified) = inference.unknown_silicon(seen) else {
        return;
    };
    let name = match identified.vendor() {
        Some(Vendor::Amd) => "SMT",
        _ => "hyper-threading",
    };
    let source = inference.source(identified);
    match identified.smt() {
        Some(Presence::All) => seen.observe_silicon(
            Silicon::Yes,
            format!("{name}: supported ({source}: every SKU has it)"),
        ),
        Some(Presence::None) => seen.observe_silicon(
            Silicon::No,
            format!("{name}: unsupported ({source}: no SKU has it)"),
        ),
        _ => {}
    }
}

fn os_state(facts: &Facts, evidence: &mut Vec<String>) -> OsState {
    let os = &facts.os;
    if let Some(control) = os.smt_control.as_deref().map(str::trim) {
        evidence.push(format!("/sys/devices/system/cpu/smt/control: {control}"));
        if matches!(control, "off" | "forceoff") {
            return OsState::Inactive;
        }
    }
    if let Some(threads) = os.threads_per_core() {
        evidence.push(format!(
            "sysfs topology: {threads} thread{} per core online",
            if threads == 1 { "" } else { "s" }
        ));
        return if threads > 1 {
            OsState::Active
        } else {
            OsState::Inactive
        };
    }
    if let Some(info) = &os.cpuinfo {
        if let (Some(siblings), Some(cores)) = (info.siblings_per_package, info.cores_per_package) {
            evidence.push(format!(
                "/proc/cpuinfo: siblings {siblings}, cpu cores {cores}"
            ));
            return if siblings > cores {
                OsState::Active
            } else {
                OsState::Inactive
            };
        }
    }
    OsState::Unknown
}
