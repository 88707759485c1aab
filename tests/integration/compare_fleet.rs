//! `xenready compare` for fleets, through the binary: `--check`, a text
//! table that fits COLUMNS, finding ids per machine, the stick's `.txt`
//! reports skipped quietly, and `-` for standard input.

use crate::common::{scratch, xenready};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Every QEMU capture analysed into `dir` as `NAME.json`, with the
/// stick's text report beside it as `NAME.txt`: (json path, report).
fn fleet(dir: &Path) -> Vec<(PathBuf, Value)> {
    let qemu = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/qemu");
    let mut bundles: Vec<PathBuf> = std::fs::read_dir(&qemu)
        .expect("tests/fixtures/qemu")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".evidence.json"))
        .collect();
    bundles.sort();
    let mut reports = Vec::new();
    for bundle in bundles {
        let name = bundle
            .file_name()
            .unwrap()
            .to_string_lossy()
            .replace(".evidence.json", "");
        let json = dir.join(format!("{name}.json"));
        for (format, path) in [
            ("json", json.clone()),
            ("text", dir.join(format!("{name}.txt"))),
        ] {
            xenready()
                .arg("analyze")
                .arg(&bundle)
                .args(["--format", format, "-o"])
                .arg(&path)
                .assert()
                .success();
        }
        let report: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
        reports.push((json, report));
    }
    assert!(reports.len() >= 5);
    reports
}

fn exit_code(verdict: &str) -> i32 {
    match verdict {
        "ready" => 0,
        "needs-changes" => 3,
        "limited" => 4,
        "not-suitable" => 5,
        "unknown" => 6,
        other => panic!("verdict {other}"),
    }
}

/// Worst first, as `--check` documents.
fn severity(verdict: &str) -> u8 {
    match verdict {
        "not-suitable" => 0,
        "limited" => 1,
        "needs-changes" => 2,
        "unknown" => 3,
        _ => 4,
    }
}

#[test]
fn fleet_compare_checks_fits_and_names_findings() {
    let dir = scratch("compare-fleet");
    let reports = fleet(&dir);

    // --check: each machine alone exits with its verdict's code, the fleet
    // with the worst one; without --check the exit is 0.
    for (path, report) in &reports {
        let verdict = report["verdict"].as_str().unwrap();
        xenready()
            .args(["compare", "--check"])
            .arg(path)
            .assert()
            .code(exit_code(verdict));
    }
    let worst = reports
        .iter()
        .map(|(_, r)| r["verdict"].as_str().unwrap())
        .min_by_key(|v| severity(v))
        .unwrap();
    let verdicts: std::collections::BTreeSet<&str> = reports
        .iter()
        .map(|(_, r)| r["verdict"].as_str().unwrap())
        .collect();
    assert!(
        verdicts.len() > 1,
        "the fleet should mix verdicts: {verdicts:?}"
    );
    xenready()
        .args(["compare", "--check"])
        .arg(&dir)
        .assert()
        .code(exit_code(worst));

    // The directory: text reports counted once, not warned about per file.
    let out = xenready()
        .args(["compare", "--format", "csv"])
        .arg(&dir)
        .env_remove("COLUMNS")
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("skipped {} text reports (*.txt)", reports.len())),
        "{stderr}"
    );
    assert!(
        !stderr.contains(".txt:"),
        "a note per text report: {stderr}"
    );

    // Finding ids per machine: every finding id of a report is in its row.
    let csv = String::from_utf8(out.stdout).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split("\",\"").collect();
    assert!(
        header.iter().any(|h| h.contains("finding_ids")),
        "{header:?}"
    );
    for (path, report) in &reports {
        let line = csv
            .lines()
            .find(|l| l.contains(&*path.to_string_lossy()))
            .unwrap_or_else(|| panic!("no row for {}", path.display()));
        for finding in report["findings"].as_array().unwrap() {
            let id = finding["id"].as_str().unwrap();
            assert!(line.contains(id), "{id} missing from {line}");
        }
    }

    // COLUMNS=100: every line fits; without it (piped) the table is wider.
    let fitted = xenready()
        .args(["compare"])
        .arg(&dir)
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    let fitted = String::from_utf8(fitted.stdout).unwrap();
    for line in fitted.lines() {
        assert!(
            line.chars().count() <= 100,
            "{} wide: {line}",
            line.chars().count()
        );
    }
    assert!(fitted.contains("HVM") && fitted.contains("Verdict") && fitted.contains("Findings"));
    let wide = xenready()
        .args(["compare"])
        .arg(&dir)
        .env_remove("COLUMNS")
        .output()
        .unwrap();
    let wide = String::from_utf8(wide.stdout).unwrap();
    assert!(wide.lines().any(|l| l.chars().count() > 100), "{wide}");
}

#[test]
fn a_report_is_read_from_standard_input() {
    let bundle =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/qemu/epyc.evidence.json");
    let report = xenready()
        .arg("analyze")
        .arg(&bundle)
        .args(["--format", "json"])
        .output()
        .unwrap()
        .stdout;
    let value: Value = serde_json::from_slice(&report).unwrap();
    let out = xenready()
        .args(["compare", "--format", "json", "-"])
        .write_stdin(report)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(table["rows"][0]["files"][0], "-");
    assert_eq!(table["rows"][0]["verdict"], value["verdict"]);
    assert_eq!(table["tool"]["name"], "xenready");
    assert!(table["schema_version"].is_u64());
    // Not JSON on stdin is refused with a usage error naming the input.
    xenready()
        .args(["compare", "-"])
        .write_stdin("hello")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("standard input"));
}
