use super::xen_cmdline::{self, Place};
use super::{log_lines, Check, Context, Doc, Hit};
use crate::knowledge::xen_option_key;
use crate::model::{CheckId, Severity, SourceName};

pub static CHECK: Check = Check {
    id: CheckId::XenBootOptionUnknown,
    severity: Severity::Warning,
    title: "Xen's boot line has an option Xen does not know (a typo Xen ignores)",
    subject: "Xen's boot options",
    doc: Doc {
        what: "Compares every option on Xen's line (the extlinux `append /boot/xen.gz ...` \
               line, GRUB's `multiboot2 /boot/xen.gz ...`, GRUB_CMDLINE_XEN[_DEFAULT], the \
               running `xen_commandline`) with the options Xen documents \
               (probes/xen-boot-options.toml, from docs/misc/xen-command-line.pandoc) and \
               suggests the closest known one.",
        why: "Xen ignores an option it does not know (older versions without a word), so a \
              typo such as `nim=ignore` for `nmi=ignore` leaves the host on the default the \
              option was meant to change, and nothing says so.",
        evidence: "The bootloader files (/boot/extlinux.conf, grub.cfg, /etc/default/grub), \
                   `xl info` xen_commandline, Xen's `parameter \"...\" unknown!` lines.",
        fix: "Correct the spelling on the line the finding names (the remedy gives the \
              corrected line), or remove the option.",
    },
    settings: &[],
    reads: &[&[SourceName::BootConfig, SourceName::Xen]],
    run: |context| hits(context).into(),
};

fn hits(context: &Context) -> Vec<Hit> {
    let options = &context.knowledge.xen_boot_options;
    let lines = xen_cmdline::all(context.facts);
    // Each distinct unknown option once, with every line it is on.
    let mut unknown: Vec<String> = Vec::new();
    for line in &lines {
        for option in &line.options {
            let ignorable = option.starts_with('$') || option.is_empty();
            if !ignorable && !options.knows(option) && !unknown.contains(option) {
                unknown.push(option.clone());
            }
        }
    }
    let complaints =
        log_lines::events(context.facts, &[crate::model::LogMeaning::XenOptionUnknown]);
    unknown
        .into_iter()
        .map(|option| {
            let suggestion = options.did_you_mean(&option);
            let holding: Vec<_> = lines.iter().filter(|l| l.options.contains(&option)).collect();
            let key = xen_option_key(&option);
            let mut evidence: Vec<String> = holding.iter().map(|l| l.quote()).collect();
            evidence.extend(
                complaints
                    .iter()
                    .filter(|e| e.text.contains(&format!("\"{key}\"")))
                    .map(|e| e.as_evidence()),
            );
            let detail = match &suggestion {
                Some(s) => format!(
                    "Xen does not know `{option}` and ignores it: did you mean `{s}`?"
                ),
                None => format!(
                    "Xen does not know `{option}` and ignores it; it is no option of Xen's \
                     documented command line."
                ),
            };
            let remedy = holding
                .iter()
                .map(|line| {
                    let new = suggestion.as_deref().unwrap_or("");
                    let fixed = line
                        .replaced(&option, new)
                        .map(|t| t.replace("  ", " "))
                        .unwrap_or_default();
                    let verb = match &suggestion {
                        Some(s) => format!("replace `{option}` with `{s}`"),
                        None => format!("remove `{option}` (or correct it)"),
                    };
                    match line.place {
                        Place::Running(_) => format!(
                            "Xen booted with `{option}`: {verb} on Xen's line in the bootloader configuration"
                        ),
                        Place::Setting(_) => format!(
                            "In {}, {verb} so that it reads `{fixed}`, {}",
                            line.describe(),
                            xen_cmdline::REGENERATE
                        ),
                        Place::Entry { .. } => {
                            format!("In {}, {verb} so that it reads: `{fixed}`", line.describe())
                        }
                    }
                })
                .collect();
            Hit {
                detail,
                evidence,
                remedy,
            }
        })
        .collect()
}
