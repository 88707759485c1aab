use super::style::{Mark, Style, Symbols};
use super::RenderOptions;
use crate::evidence::SourceStatus;
use crate::model::{CapState, CapabilityName, Platform, Severity, Verdict};
use crate::report::{LineMark, Report};
use crate::sanitize::for_terminal;
use std::fmt::Write;

mod identity;
use identity::identity;

/// The human report: verdict banner, machine, CPU, capability table,
/// findings with evidence and advice, sources. Every string that came from
/// the machine passes through `for_terminal`.
pub fn text(report: &Report, options: &RenderOptions) -> String {
    let (target_name, style) = (options.target_name, &options.style);
    let mut out = String::new();
    header(&mut out, report, target_name, style);
    identity(&mut out, report, style);
    capabilities(&mut out, report, style);
    checks(&mut out, report, style);
    findings(&mut out, report, style);
    sources(&mut out, report, style);
    target_matrix(&mut out, report, style);
    out
}

fn header(out: &mut String, report: &Report, target_name: &str, style: &Style) {
    let _ = writeln!(
        out,
        "{} {} - Xen host readiness - target: {}",
        report.tool.name, report.tool.version, target_name
    );
    let _ = writeln!(out);
    let (mark, color, headline) = verdict_words(report.verdict);
    let banner = format!("{} {}", style.mark(mark), headline);
    let _ = writeln!(
        out,
        "  {}    score {}/100",
        style.paint(&style.bold(&banner), color),
        report.score
    );
    let deciding: Vec<_> = report.deciding_findings().collect();
    for finding in deciding {
        let _ = writeln!(out, "      {}: {}", finding.id, finding.title);
    }
    if report.verdict == Verdict::Unknown && !report.unconfirmed.is_empty() {
        let names: Vec<&str> = report.unconfirmed.iter().map(|c| c.label()).collect();
        let _ = writeln!(
            out,
            "      not confirmed: {} (see the capability table and the sources below)",
            names.join(", ")
        );
    }
    if report.environment.platform == Platform::VirtualMachine {
        let hypervisor = report.environment.hypervisor_name();
        let _ = writeln!(
            out,
            "  {} These readings describe a virtual machine ({}), not physical hardware.",
            style.mark(Mark::Attention),
            for_terminal(hypervisor)
        );
    }
    let _ = writeln!(out);
}

fn verdict_words(verdict: Verdict) -> (Mark, &'static str, &'static str) {
    match verdict {
        Verdict::Ready => (
            Mark::Good,
            "32",
            "READY - this machine can be a Xen host as it is",
        ),
        Verdict::NeedsChanges => (
            Mark::Attention,
            "33",
            "NEEDS CHANGES - the hardware can; settings must change first",
        ),
        Verdict::Limited => (
            Mark::Bad,
            "33",
            "LIMITED - Xen runs, with limits no setting removes",
        ),
        Verdict::NotSuitable => (
            Mark::Bad,
            "31",
            "NOT SUITABLE - Xen cannot run on this machine",
        ),
        Verdict::Unknown => (
            Mark::Unknown,
            "36",
            "UNKNOWN - not enough evidence to decide",
        ),
    }
}

fn capabilities(out: &mut String, report: &Report, style: &Style) {
    let _ = writeln!(
        out,
        "{}",
        style.bold(&format!(
            "{:<30}{:<22}{:<9}{:<10}{}",
            "Capabilities", "state", "silicon", "firmware", "os"
        ))
    );
    for name in CapabilityName::ALL {
        let cap = report.capabilities.get(name);
        let mark = match cap.state {
            CapState::Available => Mark::Good,
            CapState::Supported | CapState::DisabledInFirmware => Mark::Attention,
            CapState::Unsupported => Mark::Bad,
            CapState::Unknown => Mark::Unknown,
        };
        let [state, silicon, firmware, os] = cap.columns();
        let (mark, label) = (style.mark(mark), name.label());
        let _ = writeln!(
            out,
            "{mark} {label:<26}{state:<22}{silicon:<9}{firmware:<10}{os}"
        );
    }
    let _ = writeln!(out);
}

/// One line per check, so that no findings never hides what was not
/// looked at.
fn checks(out: &mut String, report: &Report, style: &Style) {
    let (clear, unknown, found) = report.check_counts();
    let _ = writeln!(
        out,
        "{} ({clear} clear, {unknown} unknown, {found} found)",
        style.bold("Checks")
    );
    for line in report.check_lines() {
        let mark = match line.mark {
            LineMark::Clear => Mark::Good,
            LineMark::Unknown => Mark::Unknown,
            LineMark::Attention => Mark::Attention,
            LineMark::Bad => Mark::Bad,
        };
        let dash = match style.symbols {
            Symbols::Unicode => "—",
            Symbols::Ascii => "-",
        };
        let text = match line.note {
            Some(note) => format!("{} {dash} {}", line.check.subject, note),
            None => line.check.subject.clone(),
        };
        wrap(
            out,
            style.width,
            &format!("{} ", style.mark(mark)),
            &for_terminal(&text),
        );
    }
    let _ = writeln!(out);
}

fn findings(out: &mut String, report: &Report, style: &Style) {
    if report.findings.is_empty() {
        let _ = writeln!(out, "{}", style.bold("Findings"));
        let unknown = report.check_counts().1;
        if unknown == 0 {
            let _ = writeln!(out, "    none\n");
        } else {
            let _ = writeln!(
                out,
                "    none found; {unknown} check(s) could not look (marked [?] above)\n"
            );
        }
        return;
    }
    let _ = writeln!(out, "{}", style.bold("Findings"));
    for finding in &report.findings {
        let mark = match finding.severity {
            Severity::Blocker | Severity::Limitation => Mark::Bad,
            Severity::Action | Severity::Warning => Mark::Attention,
            Severity::Info => Mark::Good,
        };
        let _ = writeln!(
            out,
            "{} {} ({})",
            style.mark(mark),
            style.bold(&finding.title),
            finding.severity.as_str()
        );
        let _ = writeln!(out, "    id: {}", finding.id);
        wrap(out, style.width, "    ", &for_terminal(&finding.detail));
        if !finding.evidence.is_empty() {
            let _ = writeln!(out, "    Evidence:");
            for e in &finding.evidence {
                wrap(out, style.width, "      - ", &for_terminal(e));
            }
        }
        if !finding.remedy.is_empty() {
            let _ = writeln!(out, "    Advice:");
            for r in &finding.remedy {
                wrap(
                    out,
                    style.width,
                    &format!("      {} ", style.bullet()),
                    &for_terminal(r),
                );
            }
        }
        let _ = writeln!(out);
    }
}

fn sources(out: &mut String, report: &Report, style: &Style) {
    let _ = writeln!(out, "{}", style.bold("Sources"));
    for source in &report.sources {
        let mark = match source.status {
            SourceStatus::Ok => Mark::Good,
            SourceStatus::Partial | SourceStatus::Denied => Mark::Attention,
            SourceStatus::Absent => Mark::Unknown,
            SourceStatus::Error => Mark::Bad,
        };
        let prefix = format!(
            "{} {:<11} {:<8} ",
            style.mark(mark),
            for_terminal(&source.name),
            source.status.as_str()
        );
        wrap(out, style.width, &prefix, &for_terminal(&source.detail));
    }
    if style.symbols == Symbols::Ascii {
        // Keep the last line of a serial console readable after the report.
        let _ = writeln!(out);
    }
}

/// One line per Xen target, the report's own target marked: the answer to
/// "which Xen can this machine run?" from the same findings.
fn target_matrix(out: &mut String, report: &Report, style: &Style) {
    if report.targets.is_empty() {
        return;
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", style.bold("Which Xen can this machine run?"));
    let id_width = report.targets.id_width();
    for (id, target) in report.targets.iter() {
        let (mark, color, _) = verdict_words(target.verdict);
        let chosen = if id == report.target { "*" } else { " " };
        let blockers = if target.blockers.is_empty() {
            String::new()
        } else {
            format!("  {}", target.blockers.join(", "))
        };
        let verdict = format!("{:<13}", target.verdict.as_str());
        let _ = writeln!(
            out,
            "{} {chosen} {:<id_width$}{:<37}{} {:>3}/100{blockers}",
            style.mark(mark),
            for_terminal(id),
            for_terminal(&target.name),
            style.paint(&verdict, color),
            target.score
        );
    }
}

/// Wraps at `width` columns, continuation lines indented under the first.
fn wrap(out: &mut String, width: usize, prefix: &str, text: &str) {
    let indent = " ".repeat(visible_width(prefix));
    let mut line = String::from(prefix);
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && visible_width(&line) + 1 + word.chars().count() > width {
            let _ = writeln!(out, "{line}");
            line = indent.clone();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    let _ = writeln!(out, "{line}");
}

/// Columns `text` takes on screen: SGR colour sequences take none.
fn visible_width(text: &str) -> usize {
    let mut width = 0;
    let mut in_escape = false;
    for c in text.chars() {
        match (in_escape, c) {
            (false, '\u{1b}') => in_escape = true,
            (true, 'm') => in_escape = false,
            (true, _) => {}
            (false, _) => width += 1,
        }
    }
    width
}
