//! Structure of the Markdown report, asserted line by line (no snapshots:
//! the layout is the contract, not the exact bytes).

use super::*;
use crate::evidence::{Evidence, Origin};
use crate::knowledge::Knowledge;
use std::path::Path;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");

/// A 2005 PowerEdge 2850 with an Irwindale Xeon: 64-bit, no VT-x, so
/// the report has findings with evidence and advice.
fn poweredge_2850() -> (Report, String) {
    let mut evidence = Evidence::new(Origin::Import);
    let dmi = format!("{FIXTURES}/dmidecode-text/parse-dmidecode/iapetus.prod.spamlab.co.uk.txt");
    crate::import::dmidecode_text_file(&mut evidence, Path::new(&dmi)).unwrap();
    let cpuid = format!("{FIXTURES}/cpuid/instlatx64/GenuineIntel0000F4A_P4_Irwindale_CPUID.txt");
    crate::import::cpuid_file(&mut evidence, Path::new(&cpuid)).unwrap();
    crate::import::declare_missing_sources(&mut evidence);
    let knowledge = Knowledge::builtin();
    let target = knowledge.target("xen").unwrap();
    let report = crate::analyze(&evidence, knowledge, target);
    (report, target.name.clone())
}

/// Pipes that delimit table cells (not escaped ones).
fn cell_pipes(line: &str) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for c in line.chars() {
        if c == '|' && !escaped {
            count += 1;
        }
        escaped = c == '\\' && !escaped;
    }
    count
}

#[test]
fn has_the_verdict_heading_tables_findings_and_sources() {
    let (report, target) = poweredge_2850();
    assert!(!report.findings.is_empty());
    let md = markdown(&report, &options(&target));
    let lines: Vec<&str> = md.lines().collect();
    assert_eq!(
        lines[0],
        "# Limited: Dell Computer Corporation PowerEdge 2850"
    );
    assert!(lines[2].starts_with("**Verdict:** limited"), "{}", lines[2]);

    let at = |heading: &str| {
        lines
            .iter()
            .position(|l| *l == heading)
            .unwrap_or_else(|| panic!("no {heading} in\n{md}"))
    };
    let (machine, caps, findings, sources) = (
        at("## Machine"),
        at("## Capabilities"),
        at("## Findings"),
        at("## Sources"),
    );
    assert!(machine < caps && caps < findings && findings < sources);

    assert!(md.contains("| Machine | Dell Computer Corporation PowerEdge 2850 |"));
    assert!(md.contains("| Serial | 1CB9K1J |"));
    assert!(md.contains("| Memory | 4096 MiB installed |"));
    // Header, separator and one row per capability, five cells each.
    let table: Vec<&str> = lines[caps + 2..]
        .iter()
        .take_while(|l| l.starts_with('|'))
        .copied()
        .collect();
    assert_eq!(table.len(), 2 + CapabilityName::ALL.len());
    assert!(table.iter().all(|l| cell_pipes(l) == 6), "{table:#?}");
    assert!(table
        .iter()
        .any(|l| l.starts_with("| HVM (VT-x / AMD-V) | unsupported |")));

    let section = &lines[findings..sources];
    let headings = section.iter().filter(|l| l.starts_with("### ")).count();
    assert_eq!(headings, report.findings.len());
    assert!(section.iter().any(|l| l.starts_with("### 1. ")));
    assert!(section.contains(&"**Evidence**"));
    assert!(section.contains(&"**Advice**"));
    let items = section.iter().filter(|l| l.starts_with("- ")).count();
    let expected: usize = report
        .findings
        .iter()
        .map(|f| f.evidence.len() + f.remedy.len())
        .sum();
    assert_eq!(items, expected);

    let source_rows = lines[sources..]
        .iter()
        .filter(|l| l.starts_with("| "))
        .count();
    assert_eq!(source_rows, 1 + report.sources.len());
}

#[test]
fn hostile_firmware_strings_cannot_break_the_page() {
    let (mut report, target) = poweredge_2850();
    report.machine.vendor = Some("Evil|Corp <script>alert(1)</script>".into());
    report.machine.serial = Some("S1\n## injected\n| x | y |".into());
    report.findings[0].evidence[0] = "`code` *b* \u{1b}[31mred".into();
    let md = markdown(&report, &options(&target));
    assert!(!md.contains("<script>"));
    assert!(!md.contains('\u{1b}'));
    assert!(!md.lines().any(|l| l == "## injected"));
    for line in md
        .lines()
        .filter(|l| l.starts_with("| Machine |") || l.starts_with("| Serial |"))
    {
        assert_eq!(cell_pipes(line), 3, "{line}");
    }
    assert!(md.lines().next().unwrap().contains("Evil\\|Corp"));
}

#[test]
fn escapes_markup_and_controls() {
    assert_eq!(escape("Dell Inc."), "Dell Inc.");
    assert_eq!(escape("a|b"), "a\\|b");
    assert_eq!(escape("<img src=x onerror=y>"), "\\<img src=x onerror=y\\>");
    assert_eq!(
        escape("*bold* _it_ [l](u)"),
        "\\*bold\\* \\_it\\_ \\[l\\](u)"
    );
    assert_eq!(escape("# heading"), "\\# heading");
    assert_eq!(escape("- item"), "\\- item");
    assert_eq!(escape("1. item"), "1\\. item");
    assert_eq!(escape("line\nbreak\ttab"), "line break tab");
    assert!(!escape("x\u{1b}[2Jy").contains('\u{1b}'));
}

fn options(target_name: &str) -> crate::render::RenderOptions<'_> {
    crate::render::RenderOptions {
        target_name,
        ..Default::default()
    }
}

#[test]
fn lists_every_check_with_its_mark_and_the_missing_evidence() {
    let (report, name) = poweredge_2850();
    let md = markdown(&report, &options(&name));
    let section = md
        .split("## Checks\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("a Checks section");
    let rows: Vec<&str> = section.lines().filter(|l| l.starts_with("| ")).collect();
    // The header row, then one row per check.
    assert_eq!(rows.len(), 1 + crate::checks::ALL.len(), "{section}");
    assert!(rows.iter().all(|r| cell_pipes(r) == 5), "{section}");
    assert!(
        rows.iter().any(|r| r.starts_with(
            "| ? | Hardware NMIs in the log (`nmi-errors-logged`) | unknown | no kernel log"
        )),
        "{section}"
    );
    // No VT-x on an Irwindale Xeon: a limitation, so a cross.
    assert!(
        rows.iter().any(|r| r
            .starts_with("| ✗ | Hardware virtualization in the CPU (`hvm-unsupported`) | found |")),
        "{section}"
    );
}
