//! The "Firmware settings by vendor" tables of `xenready explain ID` and
//! docs/checks.md: every vendor's row for the settings a check advises on.

use super::advice::{setup_key, ATTRIBUTE_UNCONFIRMED, NAME_UNCONFIRMED, PATH_UNCONFIRMED};
use super::{CpuFamily, FirmwareKnowledge, Setting, SettingInfo, Vendor, VendorSetting};
use std::collections::BTreeSet;
use std::fmt::Write;

/// One line of a table, already worded.
struct Line {
    vendor: String,
    cpu: String,
    setup: String,
    remote: String,
    source: String,
}

impl FirmwareKnowledge {
    /// The plain-text tables for the settings a check declares, or `None`
    /// when it declares none.
    pub fn text_table(&self, settings: &[Setting]) -> Option<String> {
        let mut out = String::new();
        let mut cited = BTreeSet::new();
        for info in self.infos(settings) {
            let _ = writeln!(out, "Firmware settings by vendor: {}", info.title);
            for line in self.lines(info) {
                let _ = writeln!(
                    out,
                    "    {} ({}): {} [{}]",
                    line.vendor, line.cpu, line.setup, line.source
                );
                if !line.remote.is_empty() {
                    let _ = writeln!(out, "        remote: {}", line.remote);
                }
                cited.insert(line.source);
            }
            let _ = writeln!(out, "    {}", self.after_change(info));
            for hint in hints(info) {
                let _ = writeln!(out, "    {hint}");
            }
            out.push('\n');
        }
        if out.is_empty() {
            return None;
        }
        self.write_sources(&mut out, &cited, |id, title, location| {
            format!("    [{id}] {title} ({location})")
        });
        Some(out)
    }

    /// The Markdown tables for the settings a check declares, or `None`.
    pub fn markdown_table(&self, settings: &[Setting]) -> Option<String> {
        let mut out = String::new();
        for info in self.infos(settings) {
            let _ = writeln!(out, "#### Firmware settings by vendor: {}\n", info.title);
            let _ = writeln!(
                out,
                "| vendor | CPU | setup (key → menu → setting → value) | remote attribute | source |\n|---|---|---|---|---|"
            );
            for line in self.lines(info) {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    cell(&line.vendor),
                    cell(&line.cpu),
                    cell(&line.setup),
                    cell(&line.remote),
                    cell(&line.source)
                );
            }
            let _ = writeln!(out, "\n{}\n", self.after_change(info));
            for hint in hints(info) {
                let _ = writeln!(out, "{hint}\n");
            }
        }
        (!out.is_empty()).then_some(out)
    }

    /// Every source, for the end of docs/checks.md.
    pub fn markdown_sources(&self) -> String {
        let mut out = String::from(
            "## Firmware setting sources\n\nNames marked unconfirmed are leads from xenready's notes, \
             not from a vendor document; the report marks them the same way.\n\n",
        );
        for s in &self.sources {
            let _ = writeln!(out, "- `{}`: {} ({})", s.id, s.title, s.location);
        }
        out.push_str(
            "\n## Hardware event logs by vendor\n\nThe NMI, memory-error and machine-check \
             findings send the reader to the management controller's log by this name.\n\n\
             | vendor | event log | source |\n|---|---|---|\n",
        );
        for v in &self.vendors {
            let log = &v.event_log;
            let mark = if log.confirmed { "" } else { NAME_UNCONFIRMED };
            let source = log.source.as_deref().unwrap_or("none (lead)");
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                cell(&v.name),
                cell(&format!("{}{mark}", log.name)),
                cell(source)
            );
        }
        out
    }

    fn infos<'a>(&'a self, settings: &'a [Setting]) -> impl Iterator<Item = &'a SettingInfo> + 'a {
        settings.iter().filter_map(|s| self.setting(*s))
    }

    fn lines(&self, info: &SettingInfo) -> Vec<Line> {
        let mut lines = Vec::new();
        for vendor in &self.vendors {
            let rows = self.rows(vendor, info.id);
            if rows.is_empty() {
                let why = self
                    .absent(vendor, info.id)
                    .map(|a| a.why.clone())
                    .unwrap_or_default();
                lines.push(Line {
                    vendor: vendor.name.clone(),
                    cpu: "any CPU".into(),
                    setup: format!("no name on record ({why})"),
                    remote: String::new(),
                    source: "—".into(),
                });
                continue;
            }
            for row in rows {
                lines.push(line(vendor, row));
            }
        }
        lines
    }

    fn after_change(&self, info: &SettingInfo) -> String {
        if info.power_cycle {
            "After the change, power the machine off completely: a reboot is not enough.".into()
        } else {
            "After the change, save and restart.".into()
        }
    }

    fn write_sources(
        &self,
        out: &mut String,
        cited: &BTreeSet<String>,
        format: impl Fn(&str, &str, &str) -> String,
    ) {
        let used: Vec<_> = self
            .sources
            .iter()
            .filter(|s| cited.contains(&s.id))
            .collect();
        if used.is_empty() {
            return;
        }
        out.push_str("Sources (names without one, or marked unconfirmed, are leads):\n");
        for s in used {
            out.push_str(&format(&s.id, &s.title, &s.location));
            out.push('\n');
        }
    }
}

fn line(vendor: &Vendor, row: &VendorSetting) -> Line {
    let mut steps: Vec<&str> = vendor
        .setup_root
        .iter()
        .chain(&row.path)
        .map(String::as_str)
        .collect();
    let name = format!(
        "{}{}",
        row.name,
        if row.confirmed { "" } else { NAME_UNCONFIRMED }
    );
    steps.push(&name);
    steps.push(&row.value);
    let mut setup = format!("{} → {}", setup_key(vendor), steps.join(" → "));
    if !row.path_confirmed {
        setup.push_str(PATH_UNCONFIRMED);
    }
    if let Some(note) = &row.note {
        let _ = write!(setup, "; {note}");
    }
    let remote = row
        .remote
        .as_ref()
        .map(|r| {
            let mark = if r.confirmed {
                ""
            } else {
                ATTRIBUTE_UNCONFIRMED
            };
            format!("{} = {}{mark}", r.attribute, r.value)
        })
        .unwrap_or_default();
    Line {
        vendor: vendor.name.clone(),
        cpu: row.cpu.label().into(),
        setup,
        remote,
        source: row.source.clone().unwrap_or_else(|| "none (lead)".into()),
    }
}

/// "Intel CPUs: If the setting is enabled already, …".
fn hints(info: &SettingInfo) -> Vec<String> {
    info.hints
        .iter()
        .map(|h| match h.cpu {
            CpuFamily::Any => h.text.clone(),
            cpu => format!("{} CPUs: {}", cpu.label(), h.text),
        })
        .collect()
}

/// A Markdown table cell: pipes escaped, never empty.
fn cell(text: &str) -> String {
    if text.is_empty() {
        "—".into()
    } else {
        text.replace('|', "\\|")
    }
}
