use super::nmi::{self, Policy};
use super::{log_lines, sources, xen_cmdline, Check, Context, Doc, Hit};
use crate::model::{CheckId, LogMeaning, LogOrigin, Severity};

pub static CHECK: Check = Check {
    id: CheckId::NmiErrorsLogged,
    severity: Severity::Warning,
    title: "The kernel or Xen logged hardware NMIs (parity, SERR, I/O check)",
    subject: "Hardware NMIs in the log",
    doc: Doc {
        what: "Counts the non-maskable interrupts the kernel log and Xen's console report: \
               `Uhhuh. NMI received for unknown reason`, `NMI: PCI system error (SERR)`, \
               `NMI: IOCK error`, their 2.6-era wordings, HPE hpwdt's `An NMI occurred`, and \
               Xen's `NMI - PCI system error (SERR)` / `NMI - I/O ERROR` / `NMI - MEMORY ERROR`. \
               It reports them by kind, with reason codes, CPUs, first and last time.",
        why: "Xen decides what an NMI parity or I/O error does with its `nmi=` option. A debug \
              build of Xen defaults to `nmi=fatal`: it prints the error and hangs the whole \
              host, every guest with it. A release build defaults to `nmi=dom0` and forwards \
              the error to dom0. A machine that raises such NMIs under Linux raises them under \
              Xen too, so the option has to be chosen before the host carries guests.",
        evidence: "The kernel log (/dev/kmsg, syslog(2), /var/log/kern.log or an imported \
                   dmesg), Xen's console (`xl dmesg`), and the bootloader files for the \
                   remedy.",
        fix: "Put `nmi=dom0` on Xen's line in the bootloader configuration (or `nmi=ignore` \
              once the hardware is ruled out), and look for the source: a memory test, the \
              PCI cards, the system event log (`ipmitool sel elist`, or the management \
              controller's own log, which the finding names for this machine's vendor).",
    },
    settings: &[],
    reads: &[sources::LOGS],
    run: |context| hits(context).into(),
};

fn hits(context: &Context) -> Vec<Hit> {
    let events = log_lines::events(context.facts, &[LogMeaning::NmiLogged]);
    let (Some(first), Some(last)) = (events.first(), events.last()) else {
        return Vec::new();
    };
    // Linux's NMIs by kind; Xen's are counted together below.
    let count = |meaning| {
        events
            .iter()
            .filter(|e| e.origin == LogOrigin::Linux && e.means(meaning))
            .count()
    };
    let kinds = [
        (count(LogMeaning::NmiUnknownReason), "unknown reason"),
        (count(LogMeaning::NmiSystemError), "PCI system error (SERR)"),
        (count(LogMeaning::NmiIoCheck), "I/O check (IOCK)"),
        (count(LogMeaning::NmiCaughtByHpwdt), "caught by hpwdt"),
        (
            events.iter().filter(|e| e.origin == LogOrigin::Xen).count(),
            "reported by Xen",
        ),
    ];
    let kinds: Vec<String> = kinds
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
    let mut detail = format!(
        "{} NMI line{} logged: {}.",
        events.len(),
        if events.len() == 1 { "" } else { "s" },
        kinds.join(", ")
    );
    let reasons = log_lines::distinct(events.iter().filter_map(|e| e.reason).map(u32::from), |r| {
        let r = u8::try_from(r).unwrap_or_default();
        format!("{r:02x} ({})", nmi::reason_meaning(r))
    });
    if !reasons.is_empty() {
        detail.push_str(&format!(" Reason codes: {reasons}."));
    }
    let cpus = log_lines::distinct(events.iter().filter_map(|e| e.cpu), |c| c.to_string());
    if !cpus.is_empty() {
        detail.push_str(&format!(" On CPU {cpus}."));
    }
    detail.push_str(&format!(
        " First at {}, last at {}.",
        log_lines::when(first),
        log_lines::when(last)
    ));
    detail.push_str(&policy_sentence(context));
    let mut remedy = nmi::xen_line_remedies(context.facts, &context.knowledge.xen_boot_options);
    if xen_cmdline::next_boot(context.facts).is_empty() {
        remedy.push(
            "When Xen is installed, put `nmi=dom0` on its line in the bootloader configuration \
             (the `append /boot/xen.gz ...` line of extlinux.conf, the `multiboot2 /boot/xen.gz \
             ...` line of grub.cfg, or GRUB_CMDLINE_XEN_DEFAULT in /etc/default/grub); \
             `nmi=ignore` once the hardware is ruled out."
                .into(),
        );
    }
    remedy.extend(nmi::hardware_remedies(context));
    vec![Hit {
        detail,
        evidence: log_lines::quote(&events),
        remedy,
    }]
}

/// What Xen would do with such an NMI given the line found here.
fn policy_sentence(context: &Context) -> String {
    let lines = xen_cmdline::next_boot(context.facts);
    let policies: Vec<Policy> = lines.iter().map(Policy::of).collect();
    if lines.is_empty() {
        " No Xen boot line was found: a debug build of Xen (default nmi=fatal) would hang the \
         whole host on such an NMI; a release build forwards it to dom0 (nmi=dom0)."
            .to_string()
    } else if policies.iter().all(|p| p.survives_nmis()) {
        format!(
            " Xen's line ({}) already sets nmi=dom0 or nmi=ignore: Xen keeps running.",
            lines.first().map(|l| l.describe()).unwrap_or_default()
        )
    } else {
        " Xen's line sets no usable nmi= option: a debug build (default nmi=fatal) hangs the \
         whole host on such an NMI; a release build forwards it to dom0 (nmi=dom0)."
            .to_string()
    }
}
