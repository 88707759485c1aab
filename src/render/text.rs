use super::style::{Mark, Style, Symbols};
use crate::evidence::{Origin, SourceStatus};
use crate::model::{CapState, CapabilityName, Platform, Severity, Verdict};
use crate::report::{LineMark, Report};
use crate::sanitize::for_terminal;
use std::fmt::Write;

/// The human report: verdict banner, machine, CPU, capability table,
/// findings with evidence and advice, sources. Every string that came from
/// the machine passes through `for_terminal`.
pub fn text(report: &Report, target_name: &str, style: &Style) -> String {
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

fn identity(out: &mut String, report: &Report, style: &Style) {
    let m = &report.machine;
    let text = |v: &Option<String>| for_terminal(v.as_deref().unwrap_or("")).into_owned();
    let machine = join_present(&[text(&m.vendor), text(&m.product)]);
    let serial = m
        .serial
        .as_deref()
        .map(|s| format!("   serial {}", for_terminal(s)))
        .unwrap_or_default();
    row(out, "Machine", &or_unknown(machine + &serial));
    let bios = join_present(&[text(&m.bios_vendor), text(&m.bios_version)]);
    let bios_date = m
        .bios_date
        .as_deref()
        .map(|d| format!(" ({})", for_terminal(d)))
        .unwrap_or_default();
    row(out, "BIOS", &or_unknown(bios + &bios_date));

    let c = &report.cpu;
    let mut cpu = text(&c.brand);
    if let (Some(f), Some(m), Some(s)) = (c.family, c.model, c.stepping) {
        let vendor = text(&c.vendor);
        let _ = write!(cpu, " ({vendor} family {f:#x} model {m:#x} stepping {s})");
    }
    row(out, "CPU", &or_unknown(cpu.trim().to_string()));
    let count = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_else(|| "?".into());
    let topology = if c.sockets.is_none() && c.cores.is_none() && c.threads.is_none() {
        "unknown".to_string()
    } else {
        let x = style.times();
        format!(
            "{} socket(s) {x} {} core(s) {x} {} thread(s) per core",
            count(c.sockets),
            count(c.cores),
            count(c.threads)
        )
    };
    row(out, "Topology", &topology);
    let memory = [
        report
            .memory
            .installed_mib
            .map(|n| format!("{n} MiB installed")),
        report
            .memory
            .os_total_mib
            .map(|n| format!("{n} MiB seen by the OS")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("; ");
    row(out, "Memory", &or_unknown(memory));
    let env = &report.environment;
    let origin = match env.origin {
        Origin::Live => match env.as_root {
            Some(true) => "live scan as root",
            Some(false) => "live scan as a normal user (run as root for MSRs and firmware tables)",
            None => "live scan",
        },
        Origin::Import => "imported evidence",
    };
    let platform = match env.platform {
        Platform::BareMetal => "bare metal".to_string(),
        Platform::VirtualMachine => {
            format!("virtual machine ({})", for_terminal(env.hypervisor_name()))
        }
        Platform::XenDom0 => "Xen dom0".to_string(),
        Platform::Unknown => "unknown".to_string(),
    };
    row(out, "Platform", &format!("{platform}; {origin}"));
    let _ = writeln!(out);
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
        let _ = writeln!(
            out,
            "{} {:<26}{:<22}{:<9}{:<10}{}",
            style.mark(mark),
            name.label(),
            cap.state.as_str(),
            cap.silicon.as_str(),
            cap.firmware.as_str(),
            cap.os.as_str()
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
            "{} {chosen} {:<14}{:<37}{} {:>3}/100{blockers}",
            style.mark(mark),
            for_terminal(id),
            for_terminal(&target.name),
            style.paint(&verdict, color),
            target.score
        );
    }
}

fn row(out: &mut String, label: &str, value: &str) {
    let _ = writeln!(out, "{label:<10} {value}");
}

fn join_present(parts: &[String]) -> String {
    parts
        .iter()
        .filter(|p| !p.trim().is_empty())
        .map(|p| p.trim())
        .collect::<Vec<_>>()
        .join(" ")
}

fn or_unknown(text: String) -> String {
    if text.trim().is_empty() {
        "unknown".into()
    } else {
        text
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
