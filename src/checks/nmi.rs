//! What the NMI checks share: which log events are NMIs, how Xen reads its
//! `nmi=` option, and the remedies (the Xen line to edit on this machine,
//! the hardware to look at).

use super::xen_cmdline::{self, Cmdline, Place};
use crate::facts::Facts;
use crate::knowledge::XenBootOptions;

/// NMIs that were handled (logged, not fatal).
pub const LOGGED: [&str; 8] = [
    "nmi-unknown",
    "nmi-serr",
    "nmi-iock",
    "hpwdt-nmi",
    "xen-nmi-unknown",
    "xen-nmi-serr",
    "xen-nmi-iock",
    "xen-nmi-memory",
];

/// NMIs that stopped the machine.
pub const FATAL: [&str; 2] = ["nmi-panic", "xen-nmi-fatal"];

/// What Xen does on an NMI parity or I/O error. Xen looks only at the
/// first letter of the value (`xen/arch/x86/traps.c`: `opt_nmi[0]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// No `nmi=`: `fatal` on a debug build, `dom0` on a release build.
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
            " (or `nmi=ignore` once the hardware is ruled out)"
        } else {
            " (or `nmi=dom0`, which still reports the NMI to dom0)"
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
pub fn hardware_remedies() -> Vec<String> {
    vec![
        "Test the memory: memtest86+ (or the vendor's diagnostics) for several passes; a \
         parity or SERR NMI is often a failing DIMM."
            .into(),
        "Check the PCI/PCIe cards: reseat them, remove those not needed, update their \
         firmware and the system firmware; SERR and IOCHK NMIs are raised on the bus."
            .into(),
        "Read the system event log, which usually names the part: `ipmitool sel elist`, the \
         iDRAC / Lifecycle Controller log on Dell PowerEdge, the Integrated Management Log \
         (IML) in iLO on HPE ProLiant."
            .into(),
    ]
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
