use super::remedy::firmware as firmware_remedy;
use super::{Check, Context, Doc, Hit};
use crate::knowledge::Setting;
use crate::model::{CheckId, FirmwareState, OsState, Severity, Silicon, SourceName};

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
              logical CPUs it could have. Dell names the firmware setting \"Logical Processor\", \
              which is easy to miss. On CPUs affected by L1TF/MDS keeping SMT off can be a \
              deliberate mitigation (Xen's `smt=0` does the same), so check before enabling it.",
        evidence: "CPUID topology leaves, SMBIOS type 4, /sys/devices/system/cpu/smt/control and \
                   the per-CPU thread_siblings_list in sysfs, /proc/cpuinfo siblings.",
        fix: "Enable the firmware's hyper-threading setting (Dell: Processor Settings → Logical \
              Processor; HPE: Intel Hyperthreading; Supermicro: Hyper-Threading), or remove \
              `nosmt` from the kernel command line / `smt=0` from Xen's.",
    },
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
        "The CPU has hyper-threading, but firmware hands the OS one thread per core (the setting \
         Dell calls \"Logical Processor\" is off)."
            .to_string()
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
    vec![Hit {
        detail,
        evidence: smt.evidence.clone(),
        remedy,
    }]
}
