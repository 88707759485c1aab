//! Every check reports an outcome, and a check that had no evidence says
//! so: a CPUID dump alone leaves the log-based checks `unknown`, naming
//! the missing source, in the JSON and as `[?]` in the text report. And
//! one snapshot of every public id, so that a rename shows in review.

use crate::common::{fixture, xenready};
use serde_json::Value;
use std::collections::BTreeSet;
use xenready::evidence::{Evidence, Origin};
use xenready::import;
use xenready::knowledge::Knowledge;
use xenready::model::{CheckId, SourceName};

const NEHALEM: &str = "cpuid/instlatx64/GenuineIntel00106A1_Nehalem_CPUID.txt";
const LOG_CHECKS: [&str; 6] = [
    "nmi-panic-logged",
    "nmi-errors-logged",
    "machine-check-errors",
    "memory-errors-corrected",
    "memory-errors-uncorrected",
    "xen-nmi-policy",
];

fn analyze(args: &[&str]) -> String {
    let output = xenready()
        .arg("analyze")
        .args(args)
        .output()
        .expect("xenready runs");
    String::from_utf8(output.stdout).expect("UTF-8 report")
}

fn check<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .expect("a checks array")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{id} missing from checks"))
}

#[test]
fn a_cpuid_dump_alone_leaves_the_log_checks_unknown_naming_the_log() {
    let path = fixture(NEHALEM);
    let path = path.to_str().expect("UTF-8 path");
    let json: Value =
        serde_json::from_str(&analyze(&["--cpuid", path, "--format", "json"])).expect("JSON");
    assert_eq!(json["schema_version"], 2);
    let ids: Vec<&str> = json["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| c["id"].as_str().expect("id"))
        .collect();
    let every: Vec<&str> = CheckId::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(ids, every, "every check, once, in check order");
    for id in LOG_CHECKS {
        let c = check(&json, id);
        assert_eq!(c["outcome"], "unknown", "{id}: {c}");
        let reason = c["reason"].as_str().expect("a reason");
        assert!(reason.contains("no kernel log"), "{id}: {reason}");
    }
    let boot = check(&json, "xen-boot-option-unknown");
    assert_eq!(boot["outcome"], "unknown");
    assert!(boot["reason"]
        .as_str()
        .is_some_and(|r| r.contains("boot loader configuration")));
    // What CPUID answers is judged.
    assert_eq!(check(&json, "cpu-not-64bit")["outcome"], "clear");
    assert!(check(&json, "cpu-not-64bit").get("reason").is_none());

    let text = analyze(&["--cpuid", path]);
    assert!(
        text.contains("[?] Hardware NMIs in the log — no kernel log or `xl` output was read"),
        "{text}"
    );
    assert!(text.contains("[✓] 64-bit CPU (long mode)\n"), "{text}");
    assert!(
        !text.contains("Findings\n    none\n"),
        "no findings must not read as all clear: {text}"
    );
}

#[test]
fn a_log_makes_the_log_checks_judge() {
    let path = fixture(
        "dmesg/linuxhw/Dell_PowerEdge-1950_7D3E387CFF5B.ubuntu-22.04_5.15.0-40-generic.dmesg",
    );
    let json: Value = serde_json::from_str(&analyze(&[
        "--dmesg",
        path.to_str().expect("UTF-8 path"),
        "--format",
        "json",
    ]))
    .expect("JSON");
    for id in LOG_CHECKS {
        assert_ne!(check(&json, id)["outcome"], "unknown", "{id}");
    }
}

#[test]
fn found_checks_count_their_findings() {
    let path = fixture("smbios-bin/go-smbios/HyperV.dmi");
    let json: Value = serde_json::from_str(&analyze(&[
        "--dmi",
        path.to_str().expect("UTF-8 path"),
        "--format",
        "json",
    ]))
    .expect("JSON");
    let vm = check(&json, "running-in-vm");
    assert_eq!(vm["outcome"], "found");
    assert_eq!(vm["findings"], 1);
    assert_eq!(vm["severity"], json["findings"][0]["severity"]);
    let listed = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["id"] == "running-in-vm")
        .count();
    assert_eq!(listed, 1);
}

/// `a.b[].c` for every key of a JSON value; array elements share a path.
fn key_paths(value: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                // Target ids are data from probes/targets.toml, not keys of
                // the schema.
                let path = match prefix {
                    "" => key.clone(),
                    "targets" => "targets.<target>".to_string(),
                    _ => format!("{prefix}.{key}"),
                };
                out.insert(path.clone());
                key_paths(value, &path, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                key_paths(item, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

/// A report with as many optional keys filled as the corpus allows: a
/// server's SMBIOS table, a kernel log and a CPUID dump (of different
/// machines; only the keys matter here).
fn rich_report() -> Value {
    let mut evidence = Evidence::new(Origin::Import);
    import::dmi_file(
        &mut evidence,
        &fixture("smbios-bin/go-smbios/Dell-PowerEdge-R630-Dual-Xeon.dmi"),
    )
    .expect("SMBIOS imports");
    import::dmesg::dmesg_file(
        &mut evidence,
        &fixture(
            "dmesg/linuxhw/Dell_PowerEdge-1950_7D3E387CFF5B.ubuntu-22.04_5.15.0-40-generic.dmesg",
        ),
    )
    .expect("log imports");
    import::cpuid_file(&mut evidence, &fixture(NEHALEM)).expect("CPUID imports");
    import::declare_missing_sources(&mut evidence);
    let knowledge = Knowledge::builtin();
    let report = xenready::analyze(&evidence, knowledge, knowledge.default_target());
    serde_json::to_value(&report).expect("report serialises")
}

#[test]
fn every_public_id_is_listed() {
    let mut out = String::from("# check ids\n");
    for check in xenready::checks::ALL {
        out.push_str(check.id.as_str());
        out.push('\n');
    }
    out.push_str("\n# log signature ids\n");
    for signature in &Knowledge::builtin().log_signatures.signatures {
        out.push_str(&signature.id);
        out.push('\n');
    }
    out.push_str("\n# evidence source names\n");
    for name in SourceName::ALL {
        out.push_str(name.as_str());
        out.push('\n');
    }
    out.push_str("\n# JSON report key paths\n");
    let report = rich_report();
    let mut paths = BTreeSet::new();
    key_paths(&report, "", &mut paths);
    for path in paths {
        out.push_str(&path);
        out.push('\n');
    }
    insta::assert_snapshot!("public-ids", out);
}
