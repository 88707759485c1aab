use super::remedy::{self, firmware as firmware_remedy};
use super::{Check, Context, Doc, Hit};
use crate::knowledge::Setting;
use crate::model::{CheckId, FirmwareState, LogMeaning, OsState, Severity, Silicon, SourceName};

pub static CHECK: Check = Check {
    id: CheckId::SmtDisabled,
    severity: Severity::Warning,
    title: "Hyper-threading is in the CPU but switched off",
    subject: "Hyper-threading in use",
    doc: Doc {
        what: "Fires when the silicon has simultaneous multithreading (CPUID topology, SMBIOS \
               thread counts or hardware-thread characteristic) but the OS sees one thread per \
               core, and says whether firmware or the kernel switched it off.",
        why: "Xen schedules vCPUs on logical CPUs: with hyper-threading off the host has half the \
              logical CPUs it could have. Each vendor names the firmware setting its own way \
              (the table below lists them), which makes it easy to miss. On CPUs affected by L1TF/MDS keeping SMT off can be a \
              deliberate mitigation (Xen's `smt=0` does the same), so check before enabling it.",
        evidence: "CPUID topology leaves, SMBIOS type 4, /sys/devices/system/cpu/smt/control and \
                   the per-CPU thread_siblings_list in sysfs, /proc/cpuinfo siblings.",
        fix: "Enable the firmware's hyper-threading setting (the finding names it as this \
              machine's vendor prints it; the table below lists every vendor), or remove `nosmt` \
              from the kernel command line / `smt=0` from Xen's.",
    },
    settings: &[Setting::HyperThreading],
    reads: &[
        &[SourceName::Cpuid, SourceName::Smbios],
        &[SourceName::Sysfs, SourceName::Procfs],
    ],
    run: |context| hits(context).into(),
};

fn hits(context: &Context) -> Vec<Hit> {
    let smt = &context.assessment.capabilities.smt;
    if smt.silicon != Silicon::Yes || smt.os != OsState::Inactive {
        return Vec::new();
    }
    let facts = context.facts;
    let mut remedy = Vec::new();
    let detail = if smt.firmware == FirmwareState::Disabled {
        remedy.extend(firmware_remedy(context, Setting::HyperThreading));
        format!(
            "The CPU has hyper-threading, but firmware hands the OS one thread per core: {} is \
             off.",
            remedy::setting_name(context, Setting::HyperThreading)
        )
    } else {
        remedy.push(
            "Remove `nosmt` (or `mitigations=auto,nosmt`) from the kernel command line, and \
             `smt=0` from Xen's if you want the threads back."
                .into(),
        );
        "The CPU has hyper-threading and firmware enables it, but the kernel has switched the \
         sibling threads off."
            .to_string()
    };
    let smt_mitigation = facts.os.vulnerabilities.iter().find(|(_, text)| {
        let text = text.to_ascii_lowercase();
        text.contains("smt vulnerable") || text.contains("smt disabled")
    });
    match smt_mitigation {
        Some((name, text)) => remedy.push(format!(
            "Before enabling: the kernel reports {name}: \"{}\"; SMT off may be a deliberate \
             mitigation on this CPU.",
            text.trim()
        )),
        None => remedy.push(
            "Before enabling: on CPUs affected by L1TF or MDS, SMT off can be a deliberate \
             mitigation (Xen's `smt=0` does the same); check the CPU's advisories first."
                .into(),
        ),
    }
    let nmis = super::log_lines::events(facts, &[LogMeaning::NmiLogged, LogMeaning::NmiFatal]);
    if !nmis.is_empty() {
        // Switching hyper-threading off is the classic reaction to NMI panics;
        // advising it back on before the NMIs are explained invites the next one.
        remedy = vec![format!(
            "Leave hyper-threading off for now: this host logged {} NMI line(s), and no source \
             links hyper-threading to SERR or parity NMIs. Find their source first (the NMI \
             findings say how); if Xen's line has `watchdog`, try without it before deciding \
             (on NetBurst with hyper-threading its NMIs interrupt both threads). On NetBurst \
             hyper-threading gains little under Xen.",
            nmis.len()
        )];
    }
    vec![Hit {
        detail,
        evidence: smt.evidence.clone(),
        remedy,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{bare_metal, run as run_check};
    use crate::facts::{CpuVendor, CpuinfoFacts, Facts, ProcessorSocket, SmbiosFacts, SystemInfo};

    /// A CPU whose SMBIOS socket has 8 threads for 4 cores while CPUID
    /// shows one thread per core: firmware switched hyper-threading off.
    fn smt_off_in_firmware(vendor: CpuVendor, manufacturer: Option<&str>) -> Facts {
        let mut facts = bare_metal(vendor);
        if let Some(cpu) = &mut facts.cpu {
            cpu.topology.threads_per_core = Some(1);
            // Zen: the first AMD family with SMT.
            if vendor == CpuVendor::Amd {
                cpu.family = 0x17;
            }
        }
        facts.os.cpuinfo = Some(CpuinfoFacts {
            processors: 4,
            cores_per_package: Some(4),
            siblings_per_package: Some(4),
            ..CpuinfoFacts::default()
        });
        facts.firmware = Some(SmbiosFacts {
            system: Some(SystemInfo {
                manufacturer: manufacturer.map(str::to_string),
                ..SystemInfo::default()
            }),
            processors: vec![ProcessorSocket {
                socket: Some("CPU1".into()),
                populated: true,
                core_count: Some(4),
                core_enabled: Some(4),
                thread_count: Some(8),
                ..ProcessorSocket::default()
            }],
            ..SmbiosFacts::default()
        });
        facts
    }

    fn detail(vendor: CpuVendor, manufacturer: Option<&str>) -> String {
        let hits = run_check(&CHECK, &smt_off_in_firmware(vendor, manufacturer));
        assert_eq!(hits.len(), 1, "{manufacturer:?}");
        hits[0].detail.clone()
    }

    #[test]
    fn a_host_with_nmi_history_is_not_told_to_switch_hyper_threading_back_on() {
        use crate::checks::testing::{event, log};
        let mut facts = smt_off_in_firmware(CpuVendor::Intel, Some("Dell Inc."));
        let before = run_check(&CHECK, &facts);
        assert!(before
            .iter()
            .any(|h| h.remedy.iter().any(|r| r.contains("Logical Processor"))));
        facts.kernel_log = log(vec![event(
            "nmi-serr",
            crate::model::LogOrigin::Linux,
            3,
            "NMI: PCI system error (SERR) for reason b1 on CPU 0.",
        )]);
        let hits = run_check(&CHECK, &facts);
        let remedy = &hits.first().expect("a hit").remedy;
        assert_eq!(remedy.len(), 1, "{remedy:#?}");
        assert!(
            remedy[0].starts_with("Leave hyper-threading off for now"),
            "{remedy:#?}"
        );
    }

    #[test]
    fn the_detail_names_the_setting_as_the_machines_vendor_prints_it() {
        use CpuVendor::{Amd, Intel};
        for (cpu, manufacturer, name) in [
            (
                Intel,
                "Dell Inc.",
                "the setting Dell calls \"Logical Processor\" is off",
            ),
            (
                Intel,
                "HPE",
                "the setting HPE calls \"Intel(R) Hyperthreading\" (name unconfirmed) is off",
            ),
            (
                Intel,
                "Supermicro",
                "the setting Supermicro calls \"Hyper-Threading [ALL]\" is off",
            ),
            (
                Amd,
                "Supermicro",
                "the setting Supermicro calls \"SMT Control\" is off",
            ),
            (
                Intel,
                "LENOVO",
                "the setting Lenovo calls \"Hyper-Threading\" (name unconfirmed) is off",
            ),
            (
                Intel,
                "Cisco Systems Inc",
                "the setting Cisco UCS calls \"Intel HyperThreading Tech\" is off",
            ),
        ] {
            let detail = detail(cpu, Some(manufacturer));
            assert!(
                detail.ends_with(&format!("one thread per core: {name}.")),
                "{detail}"
            );
            if manufacturer != "Dell Inc." {
                assert!(!detail.contains("Dell"), "{detail}");
            }
        }
    }

    #[test]
    fn an_unknown_vendor_gets_a_generic_wording_and_the_known_names() {
        for manufacturer in [Some("Micro-Star International Co., Ltd."), None] {
            let detail = detail(CpuVendor::Intel, manufacturer);
            assert!(
                detail.contains(
                    "the firmware's Hyper-threading (SMT) setting (names server vendors use: "
                ),
                "{detail}"
            );
            assert!(detail.contains("\"Logical Processor\" (Dell)"), "{detail}");
            // HPE's name cites only the domain notes: not offered.
            assert!(!detail.contains("(HPE)"), "{detail}");
        }
    }
}
