//! Offline audits: old servers known only by their `dmidecode` text, the
//! Markdown report, and `compare` over a directory of a fleet's files.

use crate::common::{fixture, scratch, xenready};
use predicates::prelude::*;
use serde_json::Value;

fn dmidecode(name: &str) -> String {
    fixture(&format!("dmidecode-text/{name}"))
        .display()
        .to_string()
}

fn cpuid(name: &str) -> String {
    fixture(&format!("cpuid/instlatx64/{name}"))
        .display()
        .to_string()
}

fn json_report(args: &[&str]) -> Value {
    let output = xenready()
        .args(["analyze", "--format", "json"])
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&output).unwrap()
}

#[test]
fn a_2006_poweredge_is_known_from_its_dmidecode_text() {
    let text = dmidecode("parse-dmidecode/dmidecode_example5.txt");
    let report = json_report(&["--dmidecode-text", &text]);
    assert_eq!(report["machine"]["vendor"], "Dell Inc.");
    assert_eq!(report["machine"]["product"], "PowerEdge 2950");
    assert_eq!(report["machine"]["serial"], "CXFSH2J");
    assert_eq!(
        report["machine"]["uuid"],
        "44454c4c-5800-1046-8053-c3c04f48324a"
    );
    assert_eq!(report["machine"]["bios_version"], "1.1.0");
    assert_eq!(report["memory"]["installed_mib"], 4096);
    assert_eq!(report["memory"]["os_total_mib"], Value::Null);
    assert_eq!(report["cpu"]["sockets"], 2);
    let smbios = report["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "smbios")
        .unwrap();
    assert_eq!(smbios["status"], "ok");
    assert!(smbios["detail"]
        .as_str()
        .unwrap()
        .contains("version 2.2, 62 structures"));
}

#[test]
fn text_that_is_not_dmidecode_output_exits_two_naming_the_file() {
    let dir = scratch("not-dmidecode");
    let path = dir.join("meminfo.txt");
    std::fs::write(&path, "MemTotal: 1024 kB\n").unwrap();
    xenready()
        .args(["analyze", "--dmidecode-text"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("meminfo.txt").and(predicate::str::contains("dmidecode")));
}

#[test]
fn markdown_report_is_a_pasteable_page() {
    let text = dmidecode("parse-dmidecode/iapetus.prod.spamlab.co.uk.txt");
    let dump = cpuid("GenuineIntel0000F4A_P4_Irwindale_CPUID.txt");
    let output = xenready()
        .args(["analyze", "--format", "markdown", "--dmidecode-text", &text])
        .args(["--cpuid", &dump])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let md = String::from_utf8(output).unwrap();
    assert!(md.starts_with("# Limited: Dell Computer Corporation PowerEdge 2850\n"));
    for heading in ["## Machine", "## Capabilities", "## Findings", "## Sources"] {
        assert!(md.lines().any(|l| l == heading), "no {heading}:\n{md}");
    }
    assert!(md.contains("| HVM (VT-x / AMD-V) | unsupported |"));
    assert!(md.contains("**Advice**"));
}

#[test]
fn compare_ranks_a_directory_and_skips_what_is_not_a_report() {
    let dir = scratch("fleet");
    let machines = [
        (
            "pe2650.json",
            "parse-dmidecode/dmidecode.app10.txt",
            "GenuineIntel0000F27_P4_NorthwoodCeleron_CPUID.txt",
        ),
        (
            "r720.json",
            "linuxhw/server/Dell_PowerEdge_R720_13A7060552FC.txt",
            "GenuineIntel00206D7_SandyBridgeE_00_CPUID.txt",
        ),
        (
            "pe750.json",
            "parse-dmidecode/dmidecode_example4.txt",
            "GenuineIntel0000F34_P4_Prescott_CPUID.txt",
        ),
    ];
    for (name, text, dump) in machines {
        xenready()
            .args(["analyze", "--format", "json", "-o"])
            .arg(dir.join(name))
            .args([
                "--dmidecode-text",
                &dmidecode(text),
                "--cpuid",
                &cpuid(dump),
            ])
            .assert()
            .success();
    }
    // The same PE 750 again, as a bundle-free report of its text alone.
    xenready()
        .args(["analyze", "--format", "json", "-o"])
        .arg(dir.join("pe750-text-only.json"))
        .args([
            "--dmidecode-text",
            &dmidecode("parse-dmidecode/epimetheus.prod.spamlab.co.uk.txt"),
        ])
        .assert()
        .success();
    std::fs::write(dir.join("notes.txt"), "rack B, shelf 3\n").unwrap();

    let assert = xenready()
        .args(["compare", "--format", "csv", "--sort", "verdict"])
        .arg(&dir)
        .assert()
        .success()
        .stderr(predicate::str::contains("skipping").and(predicate::str::contains("notes.txt")));
    let csv = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + 3, "header and three machines:\n{csv}");
    assert!(lines[0].starts_with("\"rank\",\"machine\""));
    assert!(lines[1].contains("PowerEdge R720"), "{csv}");
    assert!(lines[3].contains("not-suitable"));
    assert!(csv.contains("2 reports merged"));

    xenready()
        .args(["compare", "--format", "markdown"])
        .arg(dir.join("r720.json"))
        .assert()
        .success()
        .stdout(predicate::str::starts_with("| \\# | Machine |"));
    xenready()
        .arg("compare")
        .arg(dir.join("notes.txt"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("notes.txt"));
}

#[test]
fn compare_refuses_a_fifo_in_the_directory_instead_of_hanging() {
    let dir = scratch("fleet-fifo");
    xenready()
        .args(["analyze", "--format", "json", "-o"])
        .arg(dir.join("pe750.json"))
        .args([
            "--dmidecode-text",
            &dmidecode("parse-dmidecode/dmidecode_example4.txt"),
        ])
        .assert()
        .success();
    // Nobody ever writes to it: a blocking open would wait forever.
    nix::unistd::mkfifo(&dir.join("stuck.json"), nix::sys::stat::Mode::S_IRWXU).expect("mkfifo");
    xenready()
        .args(["compare", "--format", "csv"])
        .arg(&dir)
        .timeout(std::time::Duration::from_secs(30))
        .assert()
        .success()
        .stdout(predicate::str::contains("pe750.json"))
        .stderr(
            predicate::str::contains("skipping")
                .and(predicate::str::contains("stuck.json: a FIFO")),
        )
        // The path once, not echoed again by the reason.
        .stderr(predicate::function(|err: &str| {
            err.matches("stuck.json").count() == 1
        }));
}
