use super::{log_lines, nmi, remedy, sources, Check, Context, Doc, Hit};
use crate::model::{CheckId, Severity};

pub static CHECK: Check = Check {
    id: CheckId::NmiPanicLogged,
    severity: Severity::Action,
    title: "The host stopped on an NMI (kernel panic or Xen fatal trap)",
    subject: "No NMI panic in the log",
    doc: Doc {
        what: "Looks for a kernel panic on an NMI (`Kernel panic - not syncing: NMI: Not \
               continuing`, `NMI IOCK error: Not continuing`, hpwdt's `An NMI occurred`) and \
               for Xen stopping the host on one (`FATAL TRAP: vector = 2 (nmi)` up to Xen \
               4.13, `FATAL TRAP: vec 2, NMI[0000]` from 4.14).",
        why: "A machine that went down on an NMI goes down again, and under Xen it takes every \
              guest with it. With `nmi=fatal` (the default of every XenServer and XCP-ng build, \
              and of upstream debug builds) Xen panics on the first parity or I/O-check NMI: \
              it reboots after 5 seconds, or kexecs the crash kernel when `crashkernel=` is \
              set, and hangs only with `noreboot`. `xl dmesg` is gone after that reboot; the \
              crash kernel's /var/crash/*/xen.log keeps the panic.",
        evidence: "The kernel log and Xen's console (`xl dmesg`), and the bootloader files \
                   for the remedy.",
        fix: "Find the failing part first (system event log, memory test, PCI cards); set \
              `nmi=dom0` on Xen's line if the host must stay up meanwhile, `nmi=ignore` only \
              once the source is known to be benign; under Linux check the sysctls kernel.panic_on_unrecovered_nmi, \
              kernel.unknown_nmi_panic and kernel.panic_on_io_nmi.",
    },
    settings: &[],
    reads: &[sources::LOGS],
    run: |context| hits(context).into(),
};

fn hits(context: &Context) -> Vec<Hit> {
    let events = log_lines::events(context.facts, &[crate::model::LogMeaning::NmiFatal]);
    let Some(first) = events.first() else {
        return Vec::new();
    };
    let xen = events
        .iter()
        .filter(|e| e.origin == crate::model::LogOrigin::Xen)
        .count();
    let linux = events.len() - xen;
    let mut parts = Vec::new();
    if linux > 0 {
        parts.push(format!("the kernel panicked on an NMI {linux} time(s)"));
    }
    if xen > 0 {
        parts.push(format!(
            "Xen panicked on an NMI {xen} time(s) (nmi=fatal: a reboot, or the crash kernel \
             when `crashkernel=` is set)"
        ));
    }
    let mut detail = format!(
        "The log shows that {}, first at {}.",
        parts.join(" and "),
        log_lines::when(first)
    );
    let watchdog = log_lines::events(context.facts, &[crate::model::LogMeaning::XenWatchdogPanic]);
    if !watchdog.is_empty() {
        detail.push_str(&format!(
            " {} of them followed `Watchdog timer detects that CPU%d is stuck!`: Xen's own NMI \
             watchdog stopped the host, not a hardware NMI.",
            watchdog.len()
        ));
    }
    let mut remedy = nmi::xen_line_remedies(context.facts, &context.knowledge.xen_boot_options);
    if linux > 0 {
        remedy.push(format!(
            "Under Linux, see which sysctl turned the NMI into a panic: `sysctl \
             kernel.panic_on_unrecovered_nmi kernel.unknown_nmi_panic kernel.panic_on_io_nmi`; \
             with HPE's hpwdt watchdog the panic is deliberate and the event log names the \
             reason: {}.",
            remedy::event_log(context)
        ));
    }
    remedy.extend(nmi::hardware_remedies(context));
    remedy.extend(nmi::watchdog_remedy(context));
    remedy.push(nmi::TRIAGE.to_string() + ".");
    let mut evidence = log_lines::quote(&events);
    evidence.extend(log_lines::quote(&watchdog));
    vec![Hit {
        detail,
        evidence,
        remedy,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{bare_metal, event, log, run};
    use crate::facts::CpuVendor;
    use crate::model::LogOrigin::Xen;

    #[test]
    fn a_watchdog_panic_is_told_apart_from_a_hardware_nmi() {
        let mut facts = bare_metal(CpuVendor::Intel);
        facts.kernel_log = log(vec![
            event(
                "xen-watchdog-stuck",
                Xen,
                9,
                "(XEN) Watchdog timer detects that CPU1 is stuck!",
            ),
            event(
                "xen-nmi-fatal",
                Xen,
                12,
                "(XEN) FATAL TRAP: vector = 2 (nmi)",
            ),
        ]);
        let hits = run(&CHECK, &facts);
        let hit = hits.first().expect("a hit");
        assert!(
            hit.detail
                .contains("Xen's own NMI watchdog stopped the host"),
            "{}",
            hit.detail
        );
        assert!(hit.evidence.iter().any(|e| e.contains("is stuck!")));
    }
}
