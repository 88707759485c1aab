//! `xenready cpu QUERY`: the pre-purchase lookup. The matching and the
//! answer are the library's (`cpu_lookup`); this renders them.

use super::args::{CpuArgs, LookupFormat};
use super::UsageError;
use std::fmt::Write;
use xenready::cpu_lookup::{self as lookup, CpuAnswer};
use xenready::knowledge::{Knowledge, Target};
use xenready::model::Verdict;
use xenready::sanitize::for_terminal;

pub fn run(args: &CpuArgs, target: &Target) -> Result<String, UsageError> {
    let query = args.query.join(" ");
    let knowledge = Knowledge::builtin();
    let answer = match lookup::answer(&query, knowledge, target) {
        Ok(answer) => answer,
        Err(error) => {
            // A NetBurst brand string names several generations: list them.
            let Some(found) = lookup::netburst::candidates(&knowledge.generations, &query) else {
                return Err(UsageError(for_terminal(&error.to_string()).into_owned()));
            };
            return Ok(match args.format {
                LookupFormat::Json => xenready::render::pretty_json(&found),
                LookupFormat::Text => candidates_text(&found),
            });
        }
    };
    Ok(match args.format {
        LookupFormat::Json => xenready::render::pretty_json(&answer),
        LookupFormat::Text => text(&answer),
    })
}

fn candidates_text(found: &lookup::netburst::Candidates) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", for_terminal(&found.query));
    let _ = writeln!(
        out,
        "  NetBurst Xeons carry no model number; this brand string is one of:"
    );
    let _ = writeln!(out, "  id         codename   year  VT-x   NX    series");
    for c in &found.candidates {
        let _ = writeln!(
            out,
            "  {:<11}{:<11}{:<6}{:<7}{:<6}{}",
            c.id, c.codename, c.launch, c.hvm, c.nx, c.series
        );
    }
    let _ = writeln!(out, "\n{}", found.how_to_decide);
    out
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
    let id_width = answer.targets.id_width();
    for (id, verdict) in answer.targets.iter() {
        let head = if id == answer.target { "*" } else { " " };
        let blockers = if verdict.blockers.is_empty() {
            String::new()
        } else {
            format!("  ({})", verdict.blockers.join(", "))
        };
        let _ = writeln!(
            out,
            "{head} {:<id_width$}{:<36}{:<14}{:>3}/100{blockers}",
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

#[cfg(test)]
mod tests {
    use super::*;

    fn args(query: &str, format: LookupFormat) -> CpuArgs {
        CpuArgs {
            query: query.split_whitespace().map(String::from).collect(),
            format,
            target: "xcp-ng-8.3".into(),
        }
    }

    fn target(id: &str) -> &'static Target {
        Knowledge::builtin().target(id).expect("known target")
    }

    #[test]
    fn text_answer_names_the_generation_and_every_target() {
        let out = run(
            &args("Opteron 2218", LookupFormat::Text),
            target("xcp-ng-8.3"),
        )
        .expect("known");
        assert!(out.contains("Santa Rosa"), "{out}");
        assert!(out.contains("Which Xen can it run?"));
        assert!(out.contains("* xcp-ng-8.3"));
        assert!(out.contains("not-suitable"));
        for id in ["xen", "xenserver-6.5", "xenserver-8", "xcp-ng-8.2"] {
            assert!(out.contains(id), "{id} missing");
        }
    }

    #[test]
    fn json_answer_has_features_and_targets() {
        let out = run(&args("E5-2680 v2", LookupFormat::Json), target("xen")).expect("known");
        let json: serde_json::Value = serde_json::from_str(&out).expect("json");
        assert_eq!(json["generation"]["id"], "ivy-bridge-ep");
        assert_eq!(json["targets"]["xen"]["name"], "Xen Project (upstream 4.x)");
        assert!(json["features"]
            .as_array()
            .is_some_and(|f| f.iter().any(|f| f["key"] == "hap" && f["answer"] == "yes")));
    }

    #[test]
    fn unknown_query_is_a_usage_error_with_a_suggestion() {
        let error =
            run(&args("Harpertwon", LookupFormat::Text), target("xen")).expect_err("unknown");
        assert!(error.0.contains("Harpertown"), "{}", error.0);
    }
}
