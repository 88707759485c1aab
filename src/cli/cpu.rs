//! `xenready cpu QUERY`: the pre-purchase lookup. The matching and the
//! answer are the library's (`knowledge::lookup`); this renders them.

use super::args::{CpuArgs, Format};
use super::UsageError;
use std::fmt::Write;
use xenready::knowledge::lookup::{self, CpuAnswer};
use xenready::knowledge::{Knowledge, Target};
use xenready::report::Verdict;
use xenready::sanitize::for_terminal;

pub fn run(args: &CpuArgs, target: &Target) -> Result<String, UsageError> {
    let query = args.query.join(" ");
    let answer = lookup::answer(&query, Knowledge::builtin(), target)
        .map_err(|e| UsageError(for_terminal(&e.to_string()).into_owned()))?;
    Ok(match args.format {
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&answer).unwrap_or_default();
            text.push('\n');
            text
        }
        Format::Text => text(&answer),
    })
}

fn text(answer: &CpuAnswer) -> String {
    let mut out = String::new();
    let g = &answer.generation;
    let _ = writeln!(out, "{}", for_terminal(&answer.query));
    let _ = writeln!(
        out,
        "  generation  {} {} ({}), {} {}",
        g.vendor, g.codename, g.series, g.segment, g.launch
    );
    if let Some(pattern) = &g.matched_pattern {
        let _ = writeln!(out, "  matched     brand pattern `{pattern}`");
    }
    let _ = writeln!(out, "  source      {}", g.source);
    if !g.confirmed {
        let note = g
            .note
            .as_deref()
            .unwrap_or("part of this entry is unconfirmed");
        let _ = writeln!(out, "  unconfirmed {note}");
    }
    let _ = writeln!(
        out,
        "\nWhat it brings to Xen (inferred from the generation, no machine read)"
    );
    for feature in &answer.features {
        let _ = writeln!(out, "  {:<26}{}", feature.label, feature.answer.as_str());
    }
    let _ = writeln!(out, "\nStill depends on the platform");
    for line in &answer.depends_on_platform {
        let _ = writeln!(out, "  - {line}");
    }
    let _ = writeln!(out, "\nWhich Xen can it run?");
    for (id, verdict) in answer.targets.iter() {
        let head = if id == answer.target { "*" } else { " " };
        let blockers = if verdict.blockers.is_empty() {
            String::new()
        } else {
            format!("  ({})", verdict.blockers.join(", "))
        };
        let _ = writeln!(
            out,
            "{head} {:<14}{:<36}{:<14}{:>3}/100{blockers}",
            id,
            verdict.name,
            verdict.verdict.as_str(),
            verdict.score
        );
    }
    if answer
        .targets
        .iter()
        .any(|(_, v)| v.verdict == Verdict::Unknown)
    {
        let _ = writeln!(
            out,
            "\n`unknown`: the CPU allows it, but only the machine's firmware settings can confirm \
             it; run xenready on the server itself."
        );
    }
    out
}
