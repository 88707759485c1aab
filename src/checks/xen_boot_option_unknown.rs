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

/// At most this many unknown options get a finding of their own; the rest
/// are named in one more. A hostile 64 KiB line holds thousands, and each
/// finding quotes and rewrites a line, so output would grow as their square.
pub const MAX_FINDINGS: usize = 16;

/// A line longer than this is named, not repeated whole, in a remedy.
const QUOTE_WHOLE: usize = 512;

fn hits(context: &Context) -> Vec<Hit> {
    let options = &context.knowledge.xen_boot_options;
    let lines = xen_cmdline::all(context.facts);
    // Each distinct unknown option once, in order of first appearance.
    let mut seen = std::collections::HashSet::new();
    let mut unknown: Vec<&str> = Vec::new();
    for line in &lines {
        for option in &line.options {
            let ignorable = option.starts_with('$') || option.is_empty();
            if !ignorable && !options.knows(option) && seen.insert(option.as_str()) {
                unknown.push(option);
            }
        }
    }
    let complaints =
        log_lines::events(context.facts, &[crate::model::LogMeaning::XenOptionUnknown]);
    let mut quoted = vec![false; lines.len()];
    let mut hits: Vec<Hit> = Vec::new();
    for option in unknown.iter().take(MAX_FINDINGS) {
        let suggestion = options.did_you_mean(option);
        let holding: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].options.iter().any(|o| o == option))
            .collect();
        let key = xen_option_key(option);
        let mut evidence: Vec<String> = holding
            .iter()
            .map(|&i| {
                // A line quoted once is named afterwards: the report stays
                // linear in the line's length.
                if std::mem::replace(&mut quoted[i], true) {
                    format!("{} (quoted above)", lines[i].describe())
                } else {
                    lines[i].quote()
                }
            })
            .collect();
        let needle = format!("\"{key}\"");
        evidence.extend(
            complaints
                .iter()
                .filter(|e| e.text.contains(&needle))
                .map(|e| e.as_evidence()),
        );
        let remedy = holding
            .iter()
            .map(|&i| remedy(&lines[i], option, suggestion.as_deref()))
            .collect();
        hits.push(Hit {
            detail: detail(option, suggestion.as_deref()),
            evidence,
            remedy,
        });
    }
    if let Some(rest) = unknown.get(MAX_FINDINGS..).filter(|r| !r.is_empty()) {
        hits.push(the_rest(rest, &lines, &quoted));
    }
    hits
}

fn detail(option: &str, suggestion: Option<&str>) -> String {
    match suggestion {
        Some(s) => format!("Xen does not know `{option}` and ignores it: did you mean `{s}`?"),
        None => format!(
            "Xen does not know `{option}` and ignores it; it is no option of Xen's \
             documented command line."
        ),
    }
}

fn remedy(line: &xen_cmdline::Cmdline, option: &str, suggestion: Option<&str>) -> String {
    let verb = match suggestion {
        Some(s) => format!("replace `{option}` with `{s}`"),
        None => format!("remove `{option}` (or correct it)"),
    };
    let fixed = (line.text().len() <= QUOTE_WHOLE)
        .then(|| line.replaced(option, suggestion.unwrap_or("")))
        .flatten()
        .map(|t| t.replace("  ", " "));
    match (line.place, fixed) {
        (Place::Running(_), _) => format!(
            "Xen booted with `{option}`: {verb} on Xen's line in the bootloader configuration"
        ),
        (Place::Setting(_), Some(fixed)) => format!(
            "In {}, {verb} so that it reads `{fixed}`, {}",
            line.describe(),
            xen_cmdline::REGENERATE
        ),
        (Place::Setting(_), None) => format!(
            "In {}, {verb}, {}",
            line.describe(),
            xen_cmdline::REGENERATE
        ),
        (Place::Entry { .. }, Some(fixed)) => {
            format!("In {}, {verb} so that it reads: `{fixed}`", line.describe())
        }
        (Place::Entry { .. }, None) => format!("In {}, {verb}", line.describe()),
    }
}

/// One finding for every unknown option past the cap, naming a few.
fn the_rest(rest: &[&str], lines: &[xen_cmdline::Cmdline], quoted: &[bool]) -> Hit {
    const NAMED: usize = 8;
    let set: std::collections::HashSet<&str> = rest.iter().copied().collect();
    let mut named: Vec<String> = rest.iter().take(NAMED).map(|o| format!("`{o}`")).collect();
    if rest.len() > NAMED {
        named.push("…".to_string());
    }
    let holding: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].options.iter().any(|o| set.contains(o.as_str())))
        .collect();
    Hit {
        detail: format!(
            "… and {} more options Xen does not know and ignores: {}",
            rest.len(),
            named.join(", ")
        ),
        evidence: holding
            .iter()
            .map(|&i| match quoted.get(i) {
                Some(true) => format!("{} (quoted above)", lines[i].describe()),
                _ => lines[i].quote(),
            })
            .collect(),
        remedy: holding
            .iter()
            .map(|&i| {
                format!(
                    "In {}, remove or correct every option Xen does not document",
                    lines[i].describe()
                )
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing;
    use crate::facts::Facts;

    fn grub_defaults(value: &str) -> Facts {
        let mut files = std::collections::BTreeMap::new();
        files.insert(
            "/etc/default/grub".to_string(),
            format!("GRUB_CMDLINE_XEN=\"{value}\"\n"),
        );
        Facts {
            boot: crate::decode::boot::decode(&files),
            ..Facts::default()
        }
    }

    /// H3: 0.1.0 gave each of thousands of unknown options a finding that
    /// quoted and rewrote the whole 64 KiB line (47 s, 877 MB of JSON).
    #[test]
    fn thousands_of_unknown_options_stay_linear() {
        let value: String = (0..9000).map(|i| format!("opt{i}=1 ")).collect();
        let value = &value[..64 * 1024 - 40];
        let hits = testing::run(&CHECK, &grub_defaults(value));
        assert_eq!(hits.len(), MAX_FINDINGS + 1);
        let size: usize = hits
            .iter()
            .flat_map(|h| h.evidence.iter().chain(&h.remedy).chain([&h.detail]))
            .map(String::len)
            .sum();
        assert!(
            size < 2 * value.len(),
            "{size} bytes for a {} byte line",
            value.len()
        );
        let last = hits.last().map(|h| h.detail.as_str()).unwrap_or_default();
        assert!(last.starts_with("… and "), "{last}");
        assert!(last.contains("more options Xen does not know"), "{last}");
        // The line is quoted whole exactly once.
        let whole = hits
            .iter()
            .flat_map(|h| &h.evidence)
            .filter(|e| e.contains(&value[..200]))
            .count();
        assert_eq!(whole, 1);
    }

    #[test]
    fn a_few_unknown_options_each_get_a_corrected_line() {
        let hits = testing::run(&CHECK, &grub_defaults("dom0_mem=2G nim=ignore watchdgo"));
        assert_eq!(hits.len(), 2);
        assert!(
            hits[0].detail.contains("did you mean `nmi=ignore`"),
            "{}",
            hits[0].detail
        );
        assert!(
            hits[0].remedy[0]
                .contains("reads `GRUB_CMDLINE_XEN=\"dom0_mem=2G nmi=ignore watchdgo\"`"),
            "{}",
            hits[0].remedy[0]
        );
        assert!(
            hits[1].evidence[0].ends_with("(quoted above)"),
            "{}",
            hits[1].evidence[0]
        );
    }
}
