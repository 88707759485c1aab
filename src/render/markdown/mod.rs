//! The report as Markdown, to paste into a ticket or a wiki page: the
//! verdict as a heading, tables for the machine and the capabilities,
//! findings with evidence and advice as lists, then the sources.
//!
//! Strings from the machine are untrusted twice over here: control
//! characters could reach a terminal that shows the file, and Markdown
//! syntax in a firmware string (`|`, `*`, `<img>`) could break a table or
//! inject markup into the page. `escape` handles both.

use super::RenderOptions;
use crate::evidence::Origin;
use crate::model::{CapabilityName, Platform, Verdict};
use crate::report::{LineMark, Report};
use crate::sanitize::for_terminal;
use std::fmt::Write;

pub fn markdown(report: &Report, options: &RenderOptions) -> String {
    let target_name = options.target_name;
    let mut out = String::new();
    header(&mut out, report, target_name);
    identity(&mut out, report);
    capabilities(&mut out, report);
    checks(&mut out, report);
    findings(&mut out, report);
    sources(&mut out, report);
    out
}

/// Makes untrusted text inert inside a paragraph, a list item or a table
/// cell: one line, no control characters, every Markdown metacharacter
/// backslash-escaped, and no line-start marker that opens a heading,
/// a list or a quote.
pub fn escape(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    let safe = for_terminal(flat.trim());
    let mut out = String::with_capacity(safe.len() + 8);
    for (i, c) in safe.chars().enumerate() {
        let special = matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '&' | '!'
        ) || (i == 0 && matches!(c, '-' | '+' | '='));
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    // "1. text" would open an ordered list.
    if let Some(dot) = out
        .find(". ")
        .or_else(|| out.ends_with('.').then(|| out.len() - 1))
    {
        if dot > 0 && out[..dot].chars().all(|c| c.is_ascii_digit()) {
            out.insert(dot, '\\');
        }
    }
    out
}

fn verdict_heading(verdict: Verdict) -> (&'static str, &'static str) {
    match verdict {
        Verdict::Ready => ("Ready", "this machine can be a Xen host as it is"),
        Verdict::NeedsChanges => (
            "Needs changes",
            "the hardware can; settings must change first",
        ),
        Verdict::Limited => ("Limited", "Xen runs, with limits no setting removes"),
        Verdict::NotSuitable => ("Not suitable", "Xen cannot run on this machine"),
        Verdict::Unknown => ("Unknown", "not enough evidence to decide"),
    }
}

fn header(out: &mut String, report: &Report, target_name: &str) {
    let (word, meaning) = verdict_heading(report.verdict);
    let machine = machine_name(report);
    let _ = writeln!(out, "# {word}: {machine}\n");
    let _ = writeln!(
        out,
        "**Verdict:** {} ({meaning}) · **Score:** {}/100 · **Target:** {} · {} {}\n",
        report.verdict.as_str(),
        report.score,
        escape(target_name),
        escape(&report.tool.name),
        escape(&report.tool.version)
    );
    let deciding: Vec<_> = report.deciding_findings().collect();
    for finding in &deciding {
        let _ = writeln!(
            out,
            "- `{}`: {}",
            code(finding.id.as_str()),
            escape(&finding.title)
        );
    }
    if report.verdict == Verdict::Unknown && !report.unconfirmed.is_empty() {
        let names: Vec<&str> = report.unconfirmed.iter().map(|c| c.label()).collect();
        let _ = writeln!(out, "- Not confirmed: {}", escape(&names.join(", ")));
    }
    if report.environment.platform == Platform::VirtualMachine {
        let hypervisor = report.environment.hypervisor_name();
        let _ = writeln!(
            out,
            "\n> **Note:** these readings describe a virtual machine ({}), not physical hardware.",
            escape(hypervisor)
        );
    }
    if !deciding.is_empty() || report.verdict == Verdict::Unknown {
        let _ = writeln!(out);
    }
}

fn machine_name(report: &Report) -> String {
    let m = &report.machine;
    let name: Vec<String> = [&m.vendor, &m.product]
        .into_iter()
        .flatten()
        .map(|s| escape(s))
        .filter(|s| !s.is_empty())
        .collect();
    if name.is_empty() {
        "unidentified machine".to_string()
    } else {
        name.join(" ")
    }
}

fn identity(out: &mut String, report: &Report) {
    let _ = writeln!(out, "## Machine\n");
    let _ = writeln!(out, "| Item | Value |\n|---|---|");
    let m = &report.machine;
    let row = |out: &mut String, label: &str, value: String| {
        let value = if value.is_empty() {
            "unknown".to_string()
        } else {
            value
        };
        let _ = writeln!(out, "| {label} | {value} |");
    };
    let opt = |v: &Option<String>| v.as_deref().map(escape).unwrap_or_default();
    row(out, "Machine", machine_name(report));
    row(out, "Serial", opt(&m.serial));
    row(out, "UUID", opt(&m.uuid));
    let mut bios = [opt(&m.bios_vendor), opt(&m.bios_version)]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(date) = &m.bios_date {
        let _ = write!(bios, " ({})", escape(date));
    }
    row(out, "BIOS", bios.trim().to_string());

    let c = &report.cpu;
    let mut cpu = opt(&c.brand);
    if let (Some(f), Some(m), Some(s)) = (c.family, c.model, c.stepping) {
        let _ = write!(
            cpu,
            " ({} family {f:#x} model {m:#x} stepping {s})",
            opt(&c.vendor)
        );
    }
    row(out, "CPU", cpu.trim().to_string());
    let count = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_else(|| "?".into());
    let topology = if c.sockets.is_none() && c.cores.is_none() && c.threads.is_none() {
        String::new()
    } else {
        format!(
            "{} socket(s) × {} core(s) × {} thread(s) per core",
            count(c.sockets),
            count(c.cores),
            count(c.threads)
        )
    };
    row(out, "Topology", topology);
    row(out, "Memory", report.memory.overview());
    let system = report.system.overview(escape).unwrap_or_else(|| {
        let reason = report.system.reason.as_deref().unwrap_or("not read");
        format!("not read ({})", escape(reason))
    });
    row(out, "System", system);
    let env = &report.environment;
    let platform = match env.platform {
        Platform::BareMetal => "bare metal".to_string(),
        Platform::VirtualMachine => format!("virtual machine ({})", escape(env.hypervisor_name())),
        Platform::XenDom0 => "Xen dom0".to_string(),
        Platform::Unknown => "unknown".to_string(),
    };
    let origin = match env.origin {
        Origin::Live => "live scan",
        Origin::Import => "imported evidence",
    };
    row(out, "Platform", format!("{platform}; {origin}"));
    let _ = writeln!(out);
}

fn capabilities(out: &mut String, report: &Report) {
    let _ = writeln!(out, "## Capabilities\n");
    let _ = writeln!(
        out,
        "| Capability | State | Silicon | Firmware | OS |\n|---|---|---|---|---|"
    );
    for name in CapabilityName::ALL {
        let cap = report.capabilities.get(name);
        let [state, silicon, firmware, os] = cap.columns();
        let label = name.label();
        let _ = writeln!(out, "| {label} | {state} | {silicon} | {firmware} | {os} |");
    }
    let _ = writeln!(out);
}

/// Every check with its outcome; the marks are the text report's.
fn checks(out: &mut String, report: &Report) {
    let (clear, unknown, found) = report.check_counts();
    let _ = writeln!(
        out,
        "## Checks\n\n{clear} clear, {unknown} unknown, {found} found.\n"
    );
    let _ = writeln!(out, "| | Check | Outcome | Note |\n|---|---|---|---|");
    for line in report.check_lines() {
        let mark = match line.mark {
            LineMark::Clear => "✓",
            LineMark::Unknown => "?",
            LineMark::Attention => "!",
            LineMark::Bad => "✗",
        };
        let _ = writeln!(
            out,
            "| {mark} | {} (`{}`) | {} | {} |",
            escape(&line.check.subject),
            code(line.check.id.as_str()),
            line.check.outcome.as_str(),
            escape(line.note.unwrap_or(""))
        );
    }
    let _ = writeln!(out);
}

fn findings(out: &mut String, report: &Report) {
    let _ = writeln!(out, "## Findings\n");
    if report.findings.is_empty() {
        match report.check_counts().1 {
            0 => {
                let _ = writeln!(out, "None.\n");
            }
            unknown => {
                let _ = writeln!(
                    out,
                    "None found; {unknown} check(s) could not look (marked ? above).\n"
                );
            }
        }
        return;
    }
    for (n, finding) in report.findings.iter().enumerate() {
        let _ = writeln!(
            out,
            "### {}. {} ({})\n",
            n + 1,
            escape(&finding.title),
            finding.severity.as_str()
        );
        let _ = writeln!(
            out,
            "Check `{}`. {}\n",
            code(finding.id.as_str()),
            escape(&finding.detail)
        );
        if !finding.evidence.is_empty() {
            let _ = writeln!(out, "**Evidence**\n");
            for e in &finding.evidence {
                let _ = writeln!(out, "- {}", escape(e));
            }
            let _ = writeln!(out);
        }
        if !finding.remedy.is_empty() {
            let _ = writeln!(out, "**Advice**\n");
            for r in &finding.remedy {
                let _ = writeln!(out, "- {}", escape(r));
            }
            let _ = writeln!(out);
        }
    }
}

fn sources(out: &mut String, report: &Report) {
    let _ = writeln!(out, "## Sources\n");
    let _ = writeln!(out, "| Source | Status | Detail |\n|---|---|---|");
    for source in &report.sources {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            escape(&source.name),
            source.status.as_str(),
            escape(&source.detail)
        );
    }
}

/// Text for inside a code span: backticks and pipes would end it or the
/// table around it, so they are dropped (check ids have neither).
fn code(text: &str) -> String {
    for_terminal(text)
        .chars()
        .filter(|c| !matches!(c, '`' | '|') && !c.is_whitespace())
        .collect()
}

#[cfg(test)]
mod tests;
