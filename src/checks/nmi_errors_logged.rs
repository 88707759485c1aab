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
        why: "Xen decides what an NMI parity or I/O error does with its `nmi=` option. \
              Without it the build decides: XenServer and XCP-ng default to `nmi=fatal` in \
              every build (their patch queue's xen-tweak-cmdline-defaults.patch), upstream Xen \
              to `fatal` in debug builds and `dom0` in release builds. `fatal` panics the host, \
              every guest with it: Xen reboots after 5 seconds, or kexecs the crash kernel \
              when `crashkernel=` is set, and hangs only with `noreboot`. A machine that \
              raises such NMIs under Linux raises them under Xen too. Xen prints the SERR line \
              in every mode, `NMI - I/O ERROR` and `Uhhuh` only in fatal mode just before the \
              panic; after `nmi=ignore` they vanish from the logs, and `xl debug-keys n` \
              counts them instead.",
        evidence: "The kernel log (/dev/kmsg, syslog(2), /var/log/kern.log or an imported \
                   dmesg), Xen's console (`xl dmesg`), and the bootloader files for the \
                   remedy.",
        fix: "Keep the default while diagnosing and look for the source: the system event \
              log first, then a memory test and the PCI cards; put `nmi=dom0` on Xen's line if \
              the host must stay up, and `nmi=ignore` only once the source is known to be \
              benign. The system event log is `ipmitool sel elist` or the management \
              controller's own log, which the finding names for this machine's vendor.",
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
             `nmi=ignore` only once the source is known to be benign."
                .into(),
        );
    }
    remedy.extend(nmi::hardware_remedies(context));
    remedy.extend(nmi::watchdog_remedy(context));
    vec![Hit {
        detail,
        evidence: log_lines::quote(&events),
        remedy,
    }]
}

/// What Xen would do with such an NMI given the line found here.
fn policy_sentence(context: &Context) -> String {
    let lines = xen_cmdline::next_boot(context.facts);
    if lines.is_empty() {
        return format!(
            " No Xen boot line was found: {}.",
            nmi::target_default(context)
        );
    }
    if lines.iter().map(Policy::of).all(Policy::survives_nmis) {
        return format!(
            " Xen's line ({}) already sets nmi=dom0 or nmi=ignore: Xen keeps running.",
            lines.first().map(|l| l.describe()).unwrap_or_default()
        );
    }
    let what: Vec<String> = lines
        .iter()
        .filter(|l| !Policy::of(l).survives_nmis())
        .map(|l| format!("{}: {}", l.describe(), nmi::policy_means(l, context)))
        .collect();
    format!(" {}.", what.join("; "))
}
