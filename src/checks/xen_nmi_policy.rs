use super::nmi::{self, Policy};
use super::{log_lines, sources, xen_cmdline, Check, Context, Doc, Hit};
use crate::model::{CheckId, Severity};

pub static CHECK: Check = Check {
    id: CheckId::XenNmiPolicy,
    severity: Severity::Action,
    title: "NMIs were logged and Xen's boot line would not keep the host running through one",
    subject: "Xen's NMI policy",
    doc: Doc {
        what: "Fires when the kernel log or Xen's console shows NMIs (parity, SERR, I/O check, \
               an NMI panic) and Xen's line for the next boot (the default bootloader entry, \
               else the running `xen_commandline`) sets no `nmi=` option, sets `nmi=fatal`, or \
               misspells it.",
        why: "Without `nmi=`, a debug build of Xen uses `nmi=fatal` and hangs the whole host \
              on the next such NMI; a release build forwards it to dom0. Xen reads only the \
              first letter of the value and ignores a misspelled option, so `nim=ignore` \
              changes nothing.",
        evidence: "The NMI lines of the kernel log and Xen's console, and Xen's line in the \
                   bootloader files or `xl info`.",
        fix: "Edit the line the finding names so that it carries `nmi=dom0` (or `nmi=ignore` \
              once the hardware is ruled out); the remedy gives the exact new line.",
    },
    settings: &[],
    reads: &[sources::LOGS],
    run: |context| hits(context).into(),
};

fn hits(context: &Context) -> Vec<Hit> {
    use crate::model::LogMeaning::{NmiFatal, NmiLogged};
    let events = log_lines::events(context.facts, &[NmiLogged, NmiFatal]);
    if events.is_empty() {
        return Vec::new();
    }
    let options = &context.knowledge.xen_boot_options;
    let unsafe_lines: Vec<_> = xen_cmdline::next_boot(context.facts)
        .into_iter()
        .filter(|l| !Policy::of(l).survives_nmis())
        .collect();
    if unsafe_lines.is_empty() {
        return Vec::new();
    }
    let what: Vec<String> = unsafe_lines
        .iter()
        .map(|line| {
            let state = match (Policy::of(line), nmi::misspelled_nmi(line, options)) {
                (_, Some(typo)) => format!("has `{typo}`, which Xen does not know, and no nmi="),
                (Policy::Fatal, None) => "sets nmi=fatal".to_string(),
                _ => "sets no nmi=".to_string(),
            };
            format!("{} {state}", line.describe())
        })
        .collect();
    let detail = format!(
        "{} NMI line(s) were logged, and Xen's line for the next boot would not keep the host \
         running through one: {}. A debug build of Xen then hangs the host (nmi=fatal); a \
         release build forwards the NMI to dom0.",
        events.len(),
        what.join("; ")
    );
    let mut evidence: Vec<String> = unsafe_lines.iter().map(|l| l.quote()).collect();
    evidence.extend(log_lines::quote(&events));
    vec![Hit {
        detail,
        evidence,
        remedy: nmi::xen_line_remedies(context.facts, options),
    }]
}
