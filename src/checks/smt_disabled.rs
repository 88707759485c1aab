use super::remedy::{self, firmware as firmware_remedy};
use super::{Check, Context, Doc, Hit};
use crate::knowledge::Setting;
use crate::model::{FirmwareState, OsState, Severity, Silicon};

pub static CHECK: Check = Check {
    id: "smt-disabled",
    severity: Severity::Warning,
    title: "Hyper-threading is in the CPU but switched off",
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
    run,
};

fn run(context: &Context) -> Vec<Hit> {
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
    vec![Hit {
        detail,
        evidence: smt.evidence.clone(),
        remedy,
    }]
}
