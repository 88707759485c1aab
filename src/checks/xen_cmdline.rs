//! Where Xen's command line is written down on this machine, and how to
//! write one option into it: the line a remedy tells the user to edit,
//! with the exact new text.

use crate::facts::{BootEntry, Facts, GrubSetting, XenBootLine};

#[derive(Debug, Clone, Copy)]
pub enum Place<'a> {
    /// A bootloader entry's Xen line.
    Entry {
        entry: &'a BootEntry,
        xen: &'a XenBootLine,
    },
    /// `GRUB_CMDLINE_XEN[_DEFAULT]` in /etc/default/grub.
    Setting(&'a GrubSetting),
    /// The options the running Xen booted with (`xl info`), when no
    /// bootloader file was read.
    Running(&'a str),
}

#[derive(Debug, Clone)]
pub struct Cmdline<'a> {
    pub place: Place<'a>,
    pub options: Vec<String>,
}

impl<'a> Cmdline<'a> {
    fn entry(entry: &'a BootEntry) -> Option<Self> {
        let xen = entry.xen.as_ref()?;
        Some(Cmdline {
            place: Place::Entry { entry, xen },
            options: xen.options.clone(),
        })
    }

    fn setting(setting: &'a GrubSetting) -> Self {
        Cmdline {
            place: Place::Setting(setting),
            options: setting
                .value
                .split_whitespace()
                .map(str::to_string)
                .collect(),
        }
    }

    fn running(line: &'a str) -> Self {
        Cmdline {
            place: Place::Running(line),
            options: line.split_whitespace().map(str::to_string).collect(),
        }
    }

    /// "/boot/extlinux.conf line 10 (entry `xe`, the default)".
    pub fn describe(&self) -> String {
        match self.place {
            Place::Entry { entry, xen } => format!(
                "{} line {} (entry `{}`{})",
                entry.file,
                xen.line,
                entry.title.as_deref().unwrap_or("untitled"),
                if entry.default { ", the default" } else { "" }
            ),
            Place::Setting(s) => format!("{} line {} ({})", s.file, s.line, s.key),
            Place::Running(_) => "the running Xen (xl info xen_commandline)".to_string(),
        }
    }

    /// The line as written.
    pub fn text(&self) -> &str {
        match self.place {
            Place::Entry { xen, .. } => &xen.text,
            Place::Setting(s) => &s.text,
            Place::Running(line) => line,
        }
    }

    /// "FILE line N (...): TEXT", for evidence.
    pub fn quote(&self) -> String {
        format!("{}: {}", self.describe(), self.text())
    }

    /// The value of the last `key=` option, `Some("")` for a bare `key`.
    pub fn option(&self, key: &str) -> Option<&str> {
        crate::facts::boot::option_value(&self.options, key)
    }

    /// The line with `old` (a whole option) replaced by `new`.
    pub fn replaced(&self, old: &str, new: &str) -> Option<String> {
        let text = self.text();
        let at = find_word(text, old)?;
        Some(format!(
            "{}{new}{}",
            text.get(..at)?,
            text.get(at + old.len()..)?
        ))
    }

    /// The line with `option` added to Xen's options: before the ` --- `
    /// of an extlinux line, inside the quotes of a GRUB setting, else at
    /// the end.
    pub fn with_added(&self, option: &str) -> String {
        let text = self.text();
        match self.place {
            Place::Entry { xen, .. } if xen.dom0.is_some() => match text.find(" --- ") {
                Some(at) => format!(
                    "{} {option}{}",
                    text.get(..at).unwrap_or(text),
                    text.get(at..).unwrap_or_default()
                ),
                None => format!("{text} {option}"),
            },
            Place::Setting(s) => {
                let value = s.value.trim();
                let value = if value.is_empty() {
                    option.to_string()
                } else {
                    format!("{value} {option}")
                };
                format!("{}=\"{value}\"", s.key)
            }
            _ => format!("{text} {option}"),
        }
    }
}

/// Every place a Xen command line is written: all Xen entries, the GRUB
/// settings, and the running command line.
pub fn all(facts: &Facts) -> Vec<Cmdline<'_>> {
    let mut lines = Vec::new();
    if let Some(boot) = &facts.boot {
        lines.extend(boot.xen_entries().filter_map(Cmdline::entry));
        lines.extend(boot.grub_xen_settings.iter().map(Cmdline::setting));
    }
    if let Some(running) = facts.xen.as_ref().and_then(|x| x.commandline.as_deref()) {
        lines.push(Cmdline::running(running));
    }
    lines
}

/// The lines that decide the next boot: the default Xen entries (or all
/// Xen entries when the default is unknown); the running command line
/// only when no bootloader file boots Xen.
pub fn next_boot(facts: &Facts) -> Vec<Cmdline<'_>> {
    let entries: Vec<Cmdline> = facts
        .boot
        .as_ref()
        .map(|b| {
            b.next_boot_xen_entries()
                .into_iter()
                .filter_map(Cmdline::entry)
                .collect()
        })
        .unwrap_or_default();
    if !entries.is_empty() {
        return entries;
    }
    facts
        .xen
        .as_ref()
        .and_then(|x| x.commandline.as_deref())
        .map(Cmdline::running)
        .into_iter()
        .collect()
}

/// grub.cfg is generated from /etc/default/grub on this machine: an edit
/// belongs there, followed by a regeneration.
pub fn grub_is_generated(facts: &Facts, cmdline: &Cmdline) -> bool {
    let Place::Entry { entry, .. } = cmdline.place else {
        return false;
    };
    entry.file.ends_with("grub.cfg")
        && facts
            .boot
            .as_ref()
            .is_some_and(|b| b.files.iter().any(|f| f == "/etc/default/grub"))
}

/// The GRUB setting Xen's default entries take their options from.
pub fn grub_default_setting(facts: &Facts) -> Option<&GrubSetting> {
    let settings = &facts.boot.as_ref()?.grub_xen_settings;
    settings
        .iter()
        .rev()
        .find(|s| s.key == "GRUB_CMDLINE_XEN_DEFAULT")
        .or_else(|| settings.iter().rev().find(|s| s.key == "GRUB_CMDLINE_XEN"))
}

pub const REGENERATE: &str = "then regenerate grub.cfg (`update-grub` on Debian and Ubuntu, \
`grub2-mkconfig -o /boot/grub2/grub.cfg` on RHEL-like systems)";

/// Byte offset of `word` standing alone (blank or line edge on both sides).
fn find_word(text: &str, word: &str) -> Option<usize> {
    text.match_indices(word).map(|(at, _)| at).find(|&at| {
        let before = text.get(..at).and_then(|t| t.chars().next_back());
        let after = text.get(at + word.len()..).and_then(|t| t.chars().next());
        before.is_none_or(|c| c.is_whitespace() || c == '"' || c == '\'')
            && after.is_none_or(|c| c.is_whitespace() || c == '"' || c == '\'')
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::BootFacts;

    fn seed() -> Facts {
        let mut files = std::collections::BTreeMap::new();
        files.insert(
            "/boot/extlinux.conf".to_string(),
            include_str!("../../tests/data/klog/xs65-extlinux.conf").to_string(),
        );
        Facts {
            boot: crate::decode::boot::decode(&files),
            ..Facts::default()
        }
    }

    #[test]
    fn edits_keep_the_dom0_part_intact() {
        let facts = seed();
        let lines = next_boot(&facts);
        assert_eq!(lines.len(), 1);
        let xe = &lines[0];
        assert_eq!(
            xe.describe(),
            "/boot/extlinux.conf line 10 (entry `xe`, the default)"
        );
        let fixed = xe.replaced("nim=ignore", "nmi=ignore").unwrap_or_default();
        assert!(fixed.starts_with("append /boot/xen.gz dom0_mem=752M,max:752M watchdog nmi=ignore --- /boot/vmlinuz-3.10-xen"));
        let added = xe.with_added("nmi=dom0");
        assert!(
            added.contains(" watchdog nim=ignore nmi=dom0 --- /boot/vmlinuz"),
            "{added}"
        );
        assert_eq!(all(&facts).len(), 4);
    }

    #[test]
    fn grub_settings_get_the_option_inside_their_quotes() {
        let setting = GrubSetting {
            file: "/etc/default/grub".into(),
            line: 3,
            key: "GRUB_CMDLINE_XEN_DEFAULT".into(),
            value: "dom0_mem=2G".into(),
            text: "GRUB_CMDLINE_XEN_DEFAULT=\"dom0_mem=2G\"".into(),
        };
        let facts = Facts {
            boot: Some(BootFacts {
                grub_xen_settings: vec![setting],
                ..BootFacts::default()
            }),
            ..Facts::default()
        };
        let lines = all(&facts);
        assert_eq!(
            lines.first().map(|l| l.with_added("nmi=dom0")).as_deref(),
            Some("GRUB_CMDLINE_XEN_DEFAULT=\"dom0_mem=2G nmi=dom0\"")
        );
        assert_eq!(find_word("anmi=x nmi=x", "nmi=x"), Some(7));
    }
}
