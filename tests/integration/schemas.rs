//! The published JSON Schemas (docs/schema/, draft 2020-12) against real
//! outputs: every corpus analysis, every QEMU capture and its report, a
//! live scan and capture, compare tables, cpu answers and the check list.
//! docs/schema/VERSIONS pins each schema's hash to its version, so a
//! schema cannot change without a version bump.

use crate::common::xenready;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

fn schema_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schema")
}

fn validator(name: &str) -> jsonschema::Validator {
    let path = schema_dir().join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let schema: Value = serde_json::from_str(&text).expect("a schema is JSON");
    assert_eq!(
        schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
        "{name}"
    );
    jsonschema::draft202012::new(&schema).unwrap_or_else(|e| panic!("{name}.json: {e}"))
}

fn assert_valid(validator: &jsonschema::Validator, instance: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}:\n{}", errors.join("\n"));
}

fn qemu_bundles() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/qemu");
    let mut bundles: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("tests/fixtures/qemu")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".evidence.json"))
        .collect();
    bundles.sort();
    assert!(bundles.len() >= 5);
    bundles
}

fn json_of(cmd: &mut assert_cmd::Command) -> Value {
    let out = cmd.output().expect("xenready runs");
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)))
}

/// Every report JSON: each corpus analysis, each QEMU capture analysed,
/// and a live scan.
fn every_report() -> Vec<(String, Value)> {
    let options = xenready::render::RenderOptions::default();
    let mut reports: Vec<(String, Value)> = crate::corpus::every_report()
        .into_iter()
        .map(|(name, r)| {
            let text = xenready::render::json(&r, &options);
            (name, serde_json::from_str(&text).expect("JSON"))
        })
        .collect();
    for bundle in qemu_bundles() {
        let report = json_of(
            xenready()
                .arg("analyze")
                .arg(&bundle)
                .args(["--format", "json"]),
        );
        reports.push((bundle.display().to_string(), report));
    }
    let live = json_of(xenready().args(["scan", "--no-modules", "--format", "json"]));
    reports.push(("a live scan".into(), live));
    reports
}

#[test]
fn every_json_output_matches_its_published_schema() {
    let reports = every_report();
    assert!(reports.len() > 25, "only {} reports", reports.len());
    let report_schema = validator("report");
    for (name, report) in &reports {
        assert_valid(&report_schema, report, name);
    }

    let bundle_schema = validator("evidence");
    for bundle in qemu_bundles() {
        let value: Value = serde_json::from_slice(&std::fs::read(&bundle).unwrap()).unwrap();
        assert_valid(&bundle_schema, &value, &bundle.display().to_string());
    }
    let live = json_of(xenready().args(["capture", "--no-modules"]));
    assert_valid(&bundle_schema, &live, "a live capture");

    // A fleet table of every report above, and of the QEMU bundles.
    let knowledge = xenready::knowledge::Knowledge::builtin();
    let target = knowledge.default_target();
    let entries: Vec<_> = reports
        .iter()
        .enumerate()
        .map(|(i, (name, r))| {
            xenready::compare::load(name, &r.to_string(), i, knowledge, target).expect("loads")
        })
        .collect();
    let table = xenready::compare::build(entries, xenready::compare::SortKey::Score, knowledge);
    let table: Value = serde_json::from_str(&xenready::compare::json(&table)).unwrap();
    let compare_schema = validator("compare");
    assert_valid(&compare_schema, &table, "compare of every report");
    let bundles = json_of(
        xenready()
            .args(["compare", "--format", "json"])
            .args(qemu_bundles()),
    );
    assert_valid(&compare_schema, &bundles, "compare of the QEMU bundles");

    // A cpu answer for every generation the knowledge base knows.
    let cpu_schema = validator("cpu");
    let mut answered = 0;
    for g in &knowledge.generations.generation {
        if let Ok(answer) = xenready::cpu_lookup::answer(&g.codename, knowledge, target) {
            let value = serde_json::to_value(&answer).unwrap();
            assert_valid(&cpu_schema, &value, &g.codename);
            answered += 1;
        }
    }
    assert!(answered > 10, "only {answered} cpu answers");
    let cli = json_of(xenready().args(["cpu", "--format", "json", "X5570"]));
    assert_valid(&cpu_schema, &cli, "cpu X5570");
    // A NetBurst brand string without a model number: the candidates.
    let netburst =
        json_of(xenready().args(["cpu", "--format", "json", "Intel(R) Xeon(TM) CPU 3.00GHz"]));
    assert!(
        netburst["candidates"]
            .as_array()
            .is_some_and(|c| c.len() >= 2),
        "{netburst}"
    );
    assert_valid(&cpu_schema, &netburst, "cpu NetBurst candidates");

    let checks = json_of(xenready().args(["checks", "--format", "json"]));
    assert_valid(&validator("checks"), &checks, "checks --format json");
}

#[test]
fn a_schema_rejects_what_it_does_not_describe() {
    // Not a tautology: the schemas constrain, so a wrong verdict, a
    // missing key or a wrong type fails. An unknown key passes: adding a
    // key is not a version change.
    let report_schema = validator("report");
    let bundle = &qemu_bundles()[0];
    let good = json_of(
        xenready()
            .arg("analyze")
            .arg(bundle)
            .args(["--format", "json"]),
    );
    assert_valid(&report_schema, &good, "the unchanged report");
    let mut wrong = good.clone();
    wrong["verdict"] = "fine".into();
    assert!(!report_schema.is_valid(&wrong));
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("capabilities");
    assert!(!report_schema.is_valid(&missing));
    let mut typed = good.clone();
    typed["score"] = "52".into();
    assert!(!report_schema.is_valid(&typed));
    let mut extra = good;
    extra["added_later"] = 1.into();
    assert!(report_schema.is_valid(&extra));
}

/// `NAME VERSION SHA256` lines, one per published version of a schema.
fn pinned() -> Vec<(String, u64, String)> {
    let text =
        std::fs::read_to_string(schema_dir().join("VERSIONS")).expect("docs/schema/VERSIONS");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(f.len(), 3, "VERSIONS line `{l}`");
            (
                f[0].to_string(),
                f[1].parse().expect("a version"),
                f[2].to_string(),
            )
        })
        .collect()
}

#[test]
fn a_schema_change_needs_a_version_bump() {
    let current: [(&str, u64); 5] = [
        ("report", u64::from(xenready::report::SCHEMA_VERSION)),
        ("evidence", u64::from(xenready::evidence::EVIDENCE_VERSION)),
        (
            "compare",
            u64::from(xenready::compare::COMPARE_SCHEMA_VERSION),
        ),
        ("cpu", u64::from(xenready::cpu_lookup::CPU_SCHEMA_VERSION)),
        ("checks", u64::from(xenready::checks::LIST_SCHEMA_VERSION)),
    ];
    let pins = pinned();
    for (name, version) in current {
        let bytes = std::fs::read(schema_dir().join(format!("{name}.json"))).unwrap();
        let hash = format!("{:x}", Sha256::digest(&bytes));
        let pin = pins
            .iter()
            .find(|(n, v, _)| n == name && *v == version)
            .unwrap_or_else(|| {
                panic!("docs/schema/VERSIONS has no line for {name} {version}: a new version needs `{name} {version} {hash}`")
            });
        assert_eq!(
            pin.2, hash,
            "docs/schema/{name}.json changed but its version is still {version}: bump the version \
             (and CHANGELOG.md), then add `{name} <new version> {hash}` to VERSIONS"
        );
        // The schema itself names the version it describes.
        let schema: Value = serde_json::from_slice(&bytes).unwrap();
        let declared = &schema["properties"]["schema_version"]["const"];
        if name == "evidence" {
            assert_eq!(schema["properties"]["version"]["maximum"], version);
        } else {
            assert_eq!(declared, &Value::from(version), "{name}.json");
        }
    }
    // One hash per version: an old version's line is history, not edited.
    for (i, (name, version, _)) in pins.iter().enumerate() {
        assert!(
            !pins[..i].iter().any(|(n, v, _)| n == name && v == version),
            "{name} {version} twice in VERSIONS"
        );
    }
}
