use super::{log_lines, remedy, sources, Check, Context, Doc, Hit};
use crate::model::{CheckId, Severity};

pub static CHECK: Check = Check {
    id: CheckId::MachineCheckErrors,
    severity: Severity::Warning,
    title: "The CPU reported machine checks (hardware errors)",
    subject: "Machine checks in the log",
    doc: Doc {
        what: "Looks for machine-check lines in the kernel log: `mce: [Hardware Error]: CPU N: \
               Machine Check ...`, `Machine check events logged`, and a fatal machine check.",
        why: "A machine check is the CPU reporting a hardware error: cache, bus, memory \
              controller. Xen handles them itself and may crash guests or the host on an \
              uncorrected one; a machine that logs them is not a stable host.",
        evidence: "The kernel log (/dev/kmsg, syslog(2), kern.log or an imported dmesg).",
        fix: "Decode the events (`mcelog --client`, `ras-mc-ctl --errors`), read the system \
              event log, update the system firmware and CPU microcode, and replace the part \
              they name.",
    },
    settings: &[],
    reads: &[sources::LOGS],
    run: |context| hits(context).into(),
};

fn hits(context: &Context) -> Vec<Hit> {
    let events = log_lines::events(context.facts, &[crate::model::LogMeaning::MachineCheck]);
    let (Some(first), Some(last)) = (events.first(), events.last()) else {
        return Vec::new();
    };
    let mut detail = format!(
        "{} machine-check line(s), first at {}, last at {}.",
        events.len(),
        log_lines::when(first),
        log_lines::when(last)
    );
    let cpus = log_lines::distinct(events.iter().filter_map(|e| e.cpu), |c| c.to_string());
    if !cpus.is_empty() {
        detail.push_str(&format!(" On CPU {cpus}."));
    }
    vec![Hit {
        detail,
        evidence: log_lines::quote(&events),
        remedy: vec![
            "Decode the events: `mcelog --client` or `ras-mc-ctl --errors` (rasdaemon) name \
             the bank and, for memory, the DIMM."
                .into(),
            format!(
                "Update the system firmware and CPU microcode, and read the system event log: {}.",
                remedy::event_log(context)
            ),
            "Replace the part the errors point to before the host carries guests.".into(),
        ],
    }]
}
