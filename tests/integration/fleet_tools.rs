//! The fleet integrations run by the real tools: the Ansible playbook
//! (packaging/ansible) against localhost with `-c local`, and the Facter
//! external fact (packaging/facter). Debian's `ansible-core` and `facter`
//! (scripts/install-deps.sh); a missing tool fails the test.

use crate::common::scratch;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn tool(name: &str) -> PathBuf {
    for dir in ["/usr/bin", "/usr/local/bin", "/bin"] {
        let path = Path::new(dir).join(name);
        if path.exists() {
            return path;
        }
    }
    panic!("{name} is not installed: run scripts/install-deps.sh (Debian: ansible-core, facter)");
}

fn repo(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn binary() -> PathBuf {
    assert_cmd::cargo::cargo_bin("xenready")
}

/// Ansible writes into $HOME unless told otherwise; keep it in the scratch.
fn ansible(program: &str, dir: &Path) -> Command {
    let mut cmd = Command::new(tool(program));
    cmd.env("ANSIBLE_HOME", dir.join("ansible-home"))
        .env("ANSIBLE_LOCAL_TEMP", dir.join("ansible-tmp"))
        .env("ANSIBLE_NOCOLOR", "1")
        .env("ANSIBLE_PYTHON_INTERPRETER", "auto_silent")
        .env_remove("ANSIBLE_CONFIG");
    cmd
}

#[test]
fn the_ansible_playbook_audits_localhost() {
    let dir = scratch("ansible");
    let reports = dir.join("reports");
    let facts = dir.join("facts.d");
    let extra = serde_json::json!({
        "xenready_binary": binary(),
        "xenready_reports_dir": reports,
        "xenready_remote_dir": dir.join("remote"),
        "xenready_local_fact": true,
        "xenready_facts_dir": facts,
        "xenready_evidence": true,
        "xenready_scan_args": ["--no-modules"],
    });
    let out = ansible("ansible-playbook", &dir)
        .args(["-i", "localhost,", "-c", "local"])
        .arg(repo("packaging/ansible/audit.yml"))
        .arg("-e")
        .arg(extra.to_string())
        .output()
        .expect("ansible-playbook runs");
    let log = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{log}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(log.contains("failed=0"), "{log}");

    // The fetched report is a report of this machine.
    let report: Value =
        serde_json::from_slice(&std::fs::read(reports.join("localhost.json")).expect("fetched"))
            .expect("JSON");
    assert_eq!(report["tool"]["name"], "xenready");
    let verdict = report["verdict"].as_str().expect("a verdict").to_string();
    let bundle = std::fs::read_to_string(reports.join("evidence/localhost.evidence.json"))
        .expect("the bundle is fetched");
    assert!(bundle.contains("\"xenready-evidence\""));

    // The fleet table, in both formats, has the machine's row.
    let md = std::fs::read_to_string(reports.join("fleet.md")).expect("fleet.md");
    assert!(md.starts_with("| \\# | Machine |"), "{md}");
    assert!(md.contains(&format!("| {verdict} |")), "{md}");
    let csv = std::fs::read_to_string(reports.join("fleet.csv")).expect("fleet.csv");
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv.contains("localhost.json"), "{csv}");

    // The local fact: executable, and Ansible reads it as ansible_local.
    let fact = facts.join("xenready.fact");
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&fact.metadata().expect("fact").permissions());
    assert_eq!(mode & 0o111, 0o111, "xenready.fact is not executable");
    let out = ansible("ansible", &dir)
        .args([
            "localhost",
            "-i",
            "localhost,",
            "-c",
            "local",
            "-m",
            "setup",
            "-a",
        ])
        .arg(format!(
            "filter=ansible_local fact_path={}",
            facts.display()
        ))
        .output()
        .expect("ansible runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let json = text
        .split_once("=>")
        .map(|(_, j)| j)
        .unwrap_or_else(|| panic!("{text}"));
    let setup: Value = serde_json::from_str(json.trim()).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(
        setup["ansible_facts"]["ansible_local"]["xenready"]["verdict"], verdict,
        "{text}"
    );
}

#[test]
fn facter_reads_the_verdict_under_one_key() {
    let dir = scratch("facter");
    let facts = dir.join("facts.d");
    std::fs::create_dir_all(&facts).unwrap();
    let script = facts.join("xenready.sh");
    std::fs::copy(repo("packaging/facter/xenready.sh"), &script).expect("copied");
    let query = |report: &Path, key: &str| {
        let out = Command::new(tool("facter"))
            .arg("--external-dir")
            .arg(&facts)
            .arg(key)
            .env("XENREADY_BIN", binary())
            .env("XENREADY_REPORT", report)
            .env("XENREADY_SCAN_ARGS", "--no-modules")
            .output()
            .expect("facter runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    // A stored report is read as it is.
    let report = dir.join("report.json");
    let bundle = repo("tests/fixtures/qemu/epyc.evidence.json");
    let status = Command::new(binary())
        .arg("analyze")
        .arg(&bundle)
        .args(["--format", "json", "-o"])
        .arg(&report)
        .status()
        .unwrap();
    assert!(status.success());
    let stored: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(query(&report, "xenready.verdict"), stored["verdict"]);
    assert_eq!(
        query(&report, "xenready.machine.product"),
        stored["machine"]["product"]
    );
    // Facter's own memory fact is not overridden by the report's.
    assert!(!query(&report, "memory").is_empty());
    // Without a stored report the fact scans this machine.
    let live = query(&dir.join("none.json"), "xenready.verdict");
    assert!(
        [
            "ready",
            "needs-changes",
            "limited",
            "unknown",
            "not-suitable"
        ]
        .contains(&live.as_str()),
        "{live}"
    );
}
