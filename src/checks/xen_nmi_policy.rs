use super::nmi::{self, Policy};
use super::{log_lines, sources, xen_cmdline, Check, Context, Doc, Hit};
use crate::model::{CheckId, Severity};

pub static CHECK: Check = Check {
    id: CheckId::XenNmiPolicy,
    severity: Severity::Action,
    title: "Xen's nmi= policy would not keep the host running through the NMIs logged, or reads otherwise than written",
    subject: "Xen's NMI policy",
    doc: Doc {
        what: "Fires when the kernel log or Xen's console shows NMIs (parity, SERR, I/O check, \
               an NMI panic) and Xen's line for the next boot (the default bootloader entry, \
               else the running `xen_commandline`) sets no `nmi=` option, sets `nmi=fatal`, or \
               misspells it; and, logged NMIs or not, when an `nmi=` value reads as another \
               policy than its word (`nmi=disable` is `dom0`, `nmi=off` is `fatal`).",
        why: "Without `nmi=` the build decides: XenServer's and XCP-ng's patch queue \
              (xen-tweak-cmdline-defaults.patch, since XenServer 6.5) makes `nmi=fatal` the \
              default of every build; upstream Xen uses `fatal` in debug builds and `dom0` in \
              release builds. `fatal` panics the host: Xen reboots it after 5 seconds, or \
              kexecs the crash kernel when `crashkernel=` is set, and hangs only with \
              `noreboot`. An explicit `nmi=fatal` does so whatever the build. Xen reads only \
              the first letter of the value and ignores a misspelled option (before 4.10 \
              without a word), so `nim=ignore` changes nothing. The SERR line is printed in \
              every mode; `NMI - I/O ERROR` and `Uhhuh` only in fatal mode, just before the \
              panic; after `nmi=ignore` they vanish from the logs.",
        evidence: "The NMI lines of the kernel log and Xen's console, and Xen's line in the \
                   bootloader files or `xl info`; the target's Xen facts (probes/targets.toml).",
        fix: "Keep the default while diagnosing and read the system event log; set `nmi=dom0` \
              on the line the finding names if the host must stay up (the remedy gives the \
              exact new line); `nmi=ignore` only once the source is known to be benign.",
    },
    settings: &[],
    reads: &[sources::LOGS],
    run: |context| hits(context).into(),
};

fn hits(context: &Context) -> Vec<Hit> {
    let mut hits = surprises(context);
    hits.extend(unsafe_line(context));
    hits
}

/// An `nmi=` value Xen reads as another policy than its word says.
fn surprises(context: &Context) -> Vec<Hit> {
    xen_cmdline::next_boot(context.facts)
        .into_iter()
        .filter_map(|line| {
            let (value, read) = nmi::surprising_value(&line)?;
            Some(Hit {
                detail: format!(
                    "{} has `nmi={value}`: Xen reads only the first letter, so this is \
                     nmi={read}, which is surely not what was meant.",
                    line.describe()
                ),
                evidence: vec![line.quote()],
                remedy: vec![
                    "Write the policy in full: `nmi=fatal`, `nmi=dom0` or `nmi=ignore`."
                        .to_string(),
                    nmi::TRIAGE.to_string() + ".",
                ],
            })
        })
        .collect()
}

fn unsafe_line(context: &Context) -> Option<Hit> {
    use crate::model::LogMeaning::{NmiFatal, NmiLogged};
    let events = log_lines::events(context.facts, &[NmiLogged, NmiFatal]);
    if events.is_empty() {
        return None;
    }
    let options = &context.knowledge.xen_boot_options;
    let unsafe_lines: Vec<_> = xen_cmdline::next_boot(context.facts)
        .into_iter()
        .filter(|l| !Policy::of(l).survives_nmis())
        .collect();
    if unsafe_lines.is_empty() {
        return None;
    }
    let what: Vec<String> = unsafe_lines
        .iter()
        .map(|line| format!("{}: {}", line.describe(), nmi::policy_means(line, context)))
        .collect();
    let detail = format!(
        "{} NMI line(s) were logged, and Xen's line for the next boot would not keep the host \
         running through one. {}.",
        events.len(),
        what.join("; ")
    );
    let mut evidence: Vec<String> = unsafe_lines.iter().map(|l| l.quote()).collect();
    evidence.extend(log_lines::quote(&events));
    let mut remedy = nmi::xen_line_remedies(context.facts, options);
    remedy.push(nmi::TRIAGE.to_string() + ".");
    Some(Hit {
        detail,
        evidence,
        remedy,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{bare_metal, event, log, run};
    use crate::facts::{CpuVendor, Facts, XenFacts};
    use crate::model::LogOrigin;

    fn booted_with(line: &str, nmis: bool) -> Facts {
        let mut facts = bare_metal(CpuVendor::Intel);
        facts.xen = Some(XenFacts {
            commandline: Some(line.into()),
            ..XenFacts::default()
        });
        if nmis {
            facts.kernel_log = log(vec![event(
                "xen-nmi-serr",
                LogOrigin::Xen,
                7,
                "(XEN) NMI - PCI system error (SERR)",
            )]);
        }
        facts
    }

    #[test]
    fn an_explicit_nmi_fatal_is_not_explained_by_the_build_default() {
        let hits = run(&CHECK, &booted_with("dom0_mem=1G nmi=fatal", true));
        assert_eq!(hits.len(), 1, "{hits:#?}");
        let detail = &hits[0].detail;
        assert!(detail.contains("sets nmi=fatal itself"), "{detail}");
        assert!(detail.contains("whatever the build default"), "{detail}");
        assert!(!detail.contains("release build"), "{detail}");
        // `nmi=off` is read as fatal too, and flagged as a surprise besides.
        let hits = run(&CHECK, &booted_with("dom0_mem=1G nmi=off", true));
        assert_eq!(hits.len(), 2, "{hits:#?}");
        assert!(hits[1].detail.contains("sets nmi=fatal itself"));
    }

    #[test]
    fn without_nmi_the_upstream_default_depends_on_the_build() {
        let hits = run(&CHECK, &booted_with("dom0_mem=1G", true));
        let detail = &hits.first().expect("a hit").detail;
        assert!(detail.contains("nmi=dom0 in a release build"), "{detail}");
    }

    #[test]
    fn upstream_reads_the_build_from_the_banner() {
        let mut facts = booted_with("dom0_mem=1G", true);
        if let Some(log) = &mut facts.kernel_log {
            log.events.push(event(
                "xen-build-debug",
                LogOrigin::Xen,
                1,
                "(XEN) Xen version 4.17.3 (root@build) (gcc) debug=y",
            ));
        }
        let hits = run(&CHECK, &facts);
        let detail = &hits.first().expect("a hit").detail;
        assert!(
            detail.contains("defaults to nmi=fatal, as this debug build"),
            "{detail}"
        );
        assert!(detail.contains("reboots it after 5 seconds"), "{detail}");
    }

    #[test]
    fn nmi_disable_is_flagged_as_dom0_even_without_nmis() {
        let hits = run(&CHECK, &booted_with("dom0_mem=1G nmi=disable", false));
        assert_eq!(hits.len(), 1, "{hits:#?}");
        assert!(
            hits[0].detail.contains("this is nmi=dom0"),
            "{}",
            hits[0].detail
        );
        assert!(run(&CHECK, &booted_with("nmi=dom0", false)).is_empty());
        assert!(run(&CHECK, &booted_with("nmi=dom0", true)).is_empty());
    }
}
