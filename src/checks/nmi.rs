//! What the NMI checks share: how Xen reads its `nmi=` option, and the
//! remedies (the Xen line to edit on this machine, the hardware to look at).

use super::xen_cmdline::{self, Cmdline, Place};
use super::{remedy, Context};
use crate::facts::Facts;
use crate::knowledge::{NmiDefault, XenBootOptions};

/// What Xen does on an NMI parity or I/O error. Xen looks only at the
/// first letter of the value (`xen/arch/x86/traps.c`: `opt_nmi[0]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// No `nmi=`: the build decides (probes/targets.toml `nmi_default`).
    BuildDefault,
    Fatal,
    Dom0,
    Ignore,
}

impl Policy {
    pub fn of(cmdline: &Cmdline) -> Policy {
        match cmdline.option("nmi").map(|v| v.chars().next()) {
            None => Policy::BuildDefault,
            Some(Some('d')) => Policy::Dom0,
            Some(Some('i')) => Policy::Ignore,
            Some(_) => Policy::Fatal,
        }
    }

    pub fn survives_nmis(self) -> bool {
        matches!(self, Policy::Dom0 | Policy::Ignore)
    }
}

/// What `nmi=fatal` does, as Xen's `panic()` does it.
pub const FATAL_MEANS: &str = "nmi=fatal panics the host: Xen reboots it after 5 seconds, or \
     kexecs the crash kernel when `crashkernel=` is set (XenServer's installer sets it), and \
     hangs only with `noreboot`";

/// The order in which to treat NMIs, and the risks of silencing them.
pub const TRIAGE: &str = "Triage in this order: (1) keep the default while diagnosing and read \
     the system event log, which names the part; (2) `nmi=dom0` if the host must stay up: the \
     reason still reaches dom0's log; (3) `nmi=ignore` only once the source is known to be \
     benign (a BMC NMI button, a known firmware bug): it runs guests on possibly corrupted \
     data, makes I/O-check and unknown NMIs vanish from the logs, and a stuck SERR source can \
     then storm the host with NMIs. `xl debug-keys n; xl dmesg` counts the NMIs each CPU took";

/// The build type Xen's banner shows: `Some(true)` for `debug=y`.
fn debug_build(context: &Context) -> Option<bool> {
    use crate::model::LogMeaning::{XenDebugBuild, XenReleaseBuild};
    let seen = |meaning| !super::log_lines::events(context.facts, &[meaning]).is_empty();
    match (seen(XenDebugBuild), seen(XenReleaseBuild)) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        // Neither, or a log spanning builds: the build is not known.
        _ => None,
    }
}

/// What this target's Xen does with an NMI when its line has no `nmi=`.
pub fn target_default(context: &Context) -> String {
    let facts = &context.target.xen;
    let default = facts.nmi_default.value;
    let debug = debug_build(context);
    let (what, fatal) = match default.for_build(debug) {
        Some("fatal") if default == NmiDefault::ByBuild => (
            "nmi=fatal, as this debug build (banner `debug=y`) does",
            true,
        ),
        Some("dom0") => (
            "nmi=dom0, as this release build (banner `debug=n`) does",
            false,
        ),
        _ => (default.describe(), default == NmiDefault::Fatal),
    };
    let consequence = if fatal {
        format!(": {FATAL_MEANS}")
    } else {
        String::new()
    };
    format!(
        "{}, Xen {}, defaults to {what}{consequence}",
        context.target.name, facts.xen_version.value,
    )
}

/// What the line's `nmi=` state means on this target, in one clause.
pub fn policy_means(cmdline: &Cmdline, context: &Context) -> String {
    let options = &context.knowledge.xen_boot_options;
    match (Policy::of(cmdline), misspelled_nmi(cmdline, options)) {
        (_, Some(typo)) => format!(
            "`{typo}` never took effect: Xen ignores an option it does not know (before Xen \
             4.10 without a word), so {}; whatever stopped earlier panics was something else \
             (hyper-threading switched off, or the errors stopped)",
            target_default(context)
        ),
        (Policy::Fatal, None) => format!(
            "the line sets nmi=fatal itself (Xen reads only the first letter of the value), \
             whatever the build default; {FATAL_MEANS}"
        ),
        (Policy::BuildDefault, None) => format!("no nmi= is set, and {}", target_default(context)),
        (Policy::Dom0 | Policy::Ignore, None) => String::new(),
    }
}

/// A value whose first letter makes Xen read a policy the word did not
/// mean: `nmi=disable` is `dom0`, `nmi=off` is `fatal`.
pub fn surprising_value(cmdline: &Cmdline) -> Option<(String, &'static str)> {
    let value = cmdline.option("nmi")?;
    let read = match value.chars().next() {
        Some('d') => "dom0",
        Some('i') => "ignore",
        _ => "fatal",
    };
    (value != read).then(|| (value.to_string(), read))
}

/// An option on the line that was meant to be `nmi=` (`nim=ignore`).
pub fn misspelled_nmi(cmdline: &Cmdline, options: &XenBootOptions) -> Option<String> {
    cmdline
        .options
        .iter()
        .find(|o| {
            !options.knows(o)
                && options
                    .did_you_mean(o)
                    .is_some_and(|s| s == "nmi" || s.starts_with("nmi="))
        })
        .cloned()
}

/// The value to write: what a misspelled option meant when Xen would read
/// it as dom0 or ignore, else `dom0`.
fn value_for(misspelled: Option<&str>) -> &'static str {
    match misspelled
        .and_then(|o| o.split_once('='))
        .and_then(|(_, v)| v.chars().next())
    {
        Some('i') => "ignore",
        _ => "dom0",
    }
}

/// The line after the edit: the misspelling corrected, an `nmi=fatal`
/// replaced, or `nmi=dom0` added.
pub fn fixed_line(cmdline: &Cmdline, options: &XenBootOptions) -> (String, &'static str) {
    let misspelled = misspelled_nmi(cmdline, options);
    let value = value_for(misspelled.as_deref());
    let new = format!("nmi={value}");
    let current = cmdline
        .options
        .iter()
        .rev()
        .find(|o| *o == "nmi" || o.starts_with("nmi="))
        .cloned();
    let text = misspelled
        .as_deref()
        .or(current.as_deref())
        .and_then(|old| cmdline.replaced(old, &new))
        .unwrap_or_else(|| cmdline.with_added(&new));
    (text, value)
}

/// One remedy per next-boot Xen line that does not survive an NMI, naming
/// the file, the line and the exact new text. Empty when every line sets
/// nmi=dom0 or nmi=ignore.
pub fn xen_line_remedies(facts: &Facts, options: &XenBootOptions) -> Vec<String> {
    let mut remedies = Vec::new();
    for cmdline in xen_cmdline::next_boot(facts) {
        if Policy::of(&cmdline).survives_nmis() {
            continue;
        }
        let (text, value) = fixed_line(&cmdline, options);
        let alternative = if value == "dom0" {
            " (and `nmi=ignore` only once the source is known to be benign)"
        } else {
            " (or `nmi=dom0`, which keeps the host up and still reports the NMI to dom0)"
        };
        match cmdline.place {
            Place::Running(_) => remedies.push(format!(
                "Add `nmi={value}`{alternative} to Xen's line in the bootloader configuration; the running Xen was booted with `{}`",
                cmdline.text()
            )),
            _ if xen_cmdline::grub_is_generated(facts, &cmdline) => {
                remedies.push(grub_defaults_remedy(facts, value, alternative));
                remedies.push(format!(
                    "Or edit {} directly, until grub.cfg is next regenerated: `{text}`",
                    cmdline.describe()
                ));
            }
            _ => {
                remedies.push(format!(
                    "Edit {} to set `nmi={value}`{alternative} on Xen's line, so that it reads: `{text}`",
                    cmdline.describe()
                ));
                if matches!(cmdline.place, Place::Entry { entry, .. } if entry.file.ends_with("grub.cfg"))
                {
                    remedies.push(format!(
                        "On XenServer 7 and later or XCP-ng, `/opt/xensource/libexec/xen-cmdline --set-xen nmi={value}` makes the same change"
                    ));
                }
            }
        }
    }
    remedies.dedup();
    remedies
}

fn grub_defaults_remedy(facts: &Facts, value: &str, alternative: &str) -> String {
    match xen_cmdline::grub_default_setting(facts) {
        Some(setting) => {
            let cmdline = xen_cmdline::all(facts)
                .into_iter()
                .find(|c| matches!(c.place, Place::Setting(s) if std::ptr::eq(s, setting)));
            let text = cmdline.map_or_else(
                || format!("{}=\"nmi={value}\"", setting.key),
                |c| c.with_added(&format!("nmi={value}")),
            );
            format!(
                "Edit {} line {} to read `{text}`{alternative}, {}",
                setting.file,
                setting.line,
                xen_cmdline::REGENERATE
            )
        }
        None => format!(
            "Add the line `GRUB_CMDLINE_XEN_DEFAULT=\"nmi={value}\"`{alternative} to /etc/default/grub, {}",
            xen_cmdline::REGENERATE
        ),
    }
}

/// Where an NMI comes from and how to find the part.
pub fn hardware_remedies(context: &Context) -> Vec<String> {
    vec![
        "Test the memory: memtest86+ (or the vendor's diagnostics) for several passes; a \
         parity or SERR NMI is often a failing DIMM."
            .into(),
        "Check the PCI/PCIe cards: reseat them, remove those not needed, update their \
         firmware and the system firmware; SERR and IOCHK NMIs are raised on the bus."
            .into(),
        format!(
            "Read the system event log, which usually names the part: {}.",
            remedy::event_log(context)
        ),
    ]
}

/// Xen's NMI watchdog on the next boot's line: on NetBurst with
/// hyper-threading Xen 4.4 programs it to interrupt both threads, so
/// dropping it is a cheaper experiment than giving up hyper-threading.
pub fn watchdog_remedy(context: &Context) -> Option<String> {
    let line = xen_cmdline::next_boot(context.facts)
        .into_iter()
        .find(|l| {
            l.options
                .iter()
                .any(|o| o == "watchdog" || o.starts_with("watchdog_timeout="))
        })?;
    Some(format!(
        "{} enables Xen's NMI watchdog (`watchdog`): it panics the host when a CPU looks stuck \
         (`Watchdog timer detects that CPU%d is stuck!`), and on NetBurst with hyper-threading \
         it interrupts both threads. Try the line without `watchdog` and `watchdog_timeout=` \
         before giving up hyper-threading.",
        line.describe()
    ))
}

/// What a reason byte says (port 0x61: bit 7 SERR/parity, bit 6 IOCHK).
pub fn reason_meaning(reason: u8) -> &'static str {
    match (reason & 0x80 != 0, reason & 0x40 != 0) {
        (true, true) => "SERR and IOCHK",
        (true, false) => "SERR/parity",
        (false, true) => "IOCHK",
        (false, false) => "no chipset reason",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{Facts, XenFacts};
    use crate::knowledge::Knowledge;

    fn running(line: &str) -> Facts {
        Facts {
            xen: Some(XenFacts {
                commandline: Some(line.to_string()),
                ..XenFacts::default()
            }),
            ..Facts::default()
        }
    }

    fn policy(line: &str) -> Policy {
        let facts = running(line);
        let lines = xen_cmdline::next_boot(&facts);
        lines.first().map_or(Policy::BuildDefault, Policy::of)
    }

    #[test]
    fn xen_reads_only_the_first_letter_and_the_last_option() {
        assert_eq!(policy("dom0_mem=1G"), Policy::BuildDefault);
        assert_eq!(policy("nmi=dom0"), Policy::Dom0);
        assert_eq!(policy("nmi=ignroe"), Policy::Ignore);
        assert_eq!(policy("nmi=Dom0"), Policy::Fatal);
        assert_eq!(policy("nmi"), Policy::Fatal);
        assert_eq!(policy("nmi=dom0 nmi=fatal"), Policy::Fatal);
        assert_eq!(policy("nmi=fatal nmi=ignore"), Policy::Ignore);
    }

    #[test]
    fn fixed_lines_replace_what_is_there() {
        let options = &Knowledge::builtin().xen_boot_options;
        for (line, fixed) in [
            ("dom0_mem=1G nim=ignore", "dom0_mem=1G nmi=ignore"),
            ("dom0_mem=1G nmi=fatal", "dom0_mem=1G nmi=dom0"),
            ("dom0_mem=1G", "dom0_mem=1G nmi=dom0"),
        ] {
            let facts = running(line);
            let cmdline = xen_cmdline::next_boot(&facts);
            let got = cmdline.first().map(|c| fixed_line(c, options).0);
            assert_eq!(got.as_deref(), Some(fixed));
        }
        assert_eq!(reason_meaning(0xb1), "SERR/parity");
        assert_eq!(reason_meaning(0x71), "IOCHK");
        assert_eq!(reason_meaning(0x3d), "no chipset reason");
    }
}
