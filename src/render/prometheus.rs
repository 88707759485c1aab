//! The report in the Prometheus text exposition format, for
//! node_exporter's textfile collector: `xenready scan --format prometheus
//! -o /var/lib/prometheus/node-exporter/xenready.prom` (the write is
//! atomic, which that collector requires).
//!
//! Metric and label names are a public interface, like JSON keys (see
//! CHANGELOG.md). States are state-set gauges (one series per possible
//! value, 1 for the current one) so a series keeps its identity when a
//! machine's verdict changes, and alerts read `== 1`.

use super::RenderOptions;
use crate::evidence::Origin;
use crate::model::{CapState, CheckId, OutcomeKind, Severity, Verdict};
use crate::report::Report;
use std::fmt::Write;

const VERDICTS: [Verdict; 5] = [
    Verdict::Ready,
    Verdict::NeedsChanges,
    Verdict::Limited,
    Verdict::Unknown,
    Verdict::NotSuitable,
];

const CAP_STATES: [CapState; 5] = [
    CapState::Available,
    CapState::Supported,
    CapState::DisabledInFirmware,
    CapState::Unsupported,
    CapState::Unknown,
];

const SEVERITIES: [Severity; 5] = [
    Severity::Blocker,
    Severity::Limitation,
    Severity::Action,
    Severity::Warning,
    Severity::Info,
];

const OUTCOMES: [OutcomeKind; 3] = [OutcomeKind::Clear, OutcomeKind::Unknown, OutcomeKind::Found];

pub fn prometheus(report: &Report, _options: &RenderOptions) -> String {
    let mut out = String::new();
    info(&mut out, report);
    targets(&mut out, report);
    capabilities(&mut out, report);
    findings(&mut out, report);
    checks(&mut out, report);
    if let Some(at) = report.environment.captured_at {
        header(
            &mut out,
            "xenready_scan_timestamp_seconds",
            "When the evidence was captured, seconds since the Unix epoch.",
        );
        let _ = writeln!(out, "xenready_scan_timestamp_seconds {at}");
    }
    if let Some(seconds) = report.environment.scan_duration_seconds {
        header(
            &mut out,
            "xenready_scan_duration_seconds",
            "How long the live scan took to collect its evidence.",
        );
        let _ = writeln!(out, "xenready_scan_duration_seconds {seconds}");
    }
    out
}

fn header(out: &mut String, name: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} gauge");
}

/// A label value as the exposition format wants it: backslash, double
/// quote and line feed escaped. Firmware strings never reach a label, but
/// a report read back from disk may carry any target id.
fn label(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            '"' => escaped.push_str("\\\""),
            '\n' => escaped.push_str("\\n"),
            c if c.is_control() => {}
            c => escaped.push(c),
        }
    }
    escaped
}

fn flag(on: bool) -> u8 {
    u8::from(on)
}

fn info(out: &mut String, report: &Report) {
    header(
        out,
        "xenready_info",
        "The xenready build and report schema that wrote these metrics; always 1.",
    );
    let _ = writeln!(
        out,
        "xenready_info{{version=\"{}\",schema_version=\"{}\",target=\"{}\",origin=\"{}\"}} 1",
        label(&report.tool.version),
        report.schema_version,
        label(&report.target),
        match report.environment.origin {
            Origin::Live => "live",
            Origin::Import => "import",
        },
    );
}

/// Every target's verdict and score; the report's own target first when
/// the report carries no `targets` map (schema 0 reports).
fn targets(out: &mut String, report: &Report) {
    let mut rows: Vec<(&str, Verdict, u8)> = report
        .targets
        .iter()
        .map(|(id, t)| (id, t.verdict, t.score))
        .collect();
    if !rows.iter().any(|(id, _, _)| *id == report.target) {
        rows.insert(0, (&report.target, report.verdict, report.score));
    }
    header(
        out,
        "xenready_verdict",
        "The verdict for each Xen target: 1 for the current verdict, 0 for the others.",
    );
    for (id, verdict, _) in &rows {
        for v in VERDICTS {
            let _ = writeln!(
                out,
                "xenready_verdict{{target=\"{}\",verdict=\"{}\"}} {}",
                label(id),
                v.as_str(),
                flag(v == *verdict)
            );
        }
    }
    header(
        out,
        "xenready_verdict_exit_code",
        "The exit status `--check` gives for each target's verdict (0 ready, 3-6 otherwise).",
    );
    for (id, verdict, _) in &rows {
        let _ = writeln!(
            out,
            "xenready_verdict_exit_code{{target=\"{}\"}} {}",
            label(id),
            verdict.exit_code()
        );
    }
    header(
        out,
        "xenready_score",
        "The 0-100 score for each Xen target.",
    );
    for (id, _, score) in &rows {
        let _ = writeln!(out, "xenready_score{{target=\"{}\"}} {score}", label(id));
    }
}

fn capabilities(out: &mut String, report: &Report) {
    header(
        out,
        "xenready_capability",
        "Each capability's state: 1 for the current state, 0 for the others.",
    );
    for name in crate::model::CapabilityName::ALL {
        let state = report.capabilities.get(name).state;
        for s in CAP_STATES {
            let _ = writeln!(
                out,
                "xenready_capability{{capability=\"{}\",state=\"{}\"}} {}",
                name.key(),
                s.as_str(),
                flag(s == state)
            );
        }
    }
}

fn findings(out: &mut String, report: &Report) {
    header(
        out,
        "xenready_findings",
        "How many findings the report has, by severity (graded for the report's target).",
    );
    for severity in SEVERITIES {
        let count = report
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .count();
        let _ = writeln!(
            out,
            "xenready_findings{{target=\"{}\",severity=\"{}\"}} {count}",
            label(&report.target),
            severity.as_str()
        );
    }
    header(
        out,
        "xenready_finding",
        "One series per finding, by check id and severity; always 1.",
    );
    let mut seen: Vec<(CheckId, Severity)> = Vec::new();
    for f in &report.findings {
        // A check may report twice (two devices); one series per pair, as
        // duplicate series make the whole file invalid.
        if seen.contains(&(f.id, f.severity)) {
            continue;
        }
        seen.push((f.id, f.severity));
        let _ = writeln!(
            out,
            "xenready_finding{{target=\"{}\",check=\"{}\",severity=\"{}\"}} 1",
            label(&report.target),
            f.id,
            f.severity.as_str()
        );
    }
}

fn checks(out: &mut String, report: &Report) {
    if report.checks.is_empty() {
        return;
    }
    header(
        out,
        "xenready_check",
        "Each check's outcome: 1 for the current outcome (clear, unknown, found), 0 for the others.",
    );
    let mut seen: Vec<CheckId> = Vec::new();
    for check in &report.checks {
        if seen.contains(&check.id) {
            continue;
        }
        seen.push(check.id);
        for o in OUTCOMES {
            let _ = writeln!(
                out,
                "xenready_check{{check=\"{}\",outcome=\"{}\"}} {}",
                check.id,
                o.as_str(),
                flag(o == check.outcome)
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(label("a\"b\\c\nd\u{1b}"), "a\\\"b\\\\c\\nd");
    }
}
