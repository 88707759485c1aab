//! The command line as users and inventory systems call it.

use crate::common::{fixture, scratch, xenready};
use predicates::prelude::*;
use serde_json::Value;

#[test]
fn scan_prints_a_full_text_report_and_exits_zero() {
    let output = xenready().assert().success().get_output().stdout.clone();
    let text = String::from_utf8(output).unwrap();
    for section in [
        "score",
        "Machine",
        "CPU",
        "Capabilities",
        "Findings",
        "Sources",
    ] {
        assert!(text.contains(section), "missing {section} in:\n{text}");
    }
    assert!(
        !text.contains('\u{1b}'),
        "no colour when stdout is not a terminal"
    );
}

#[test]
fn scan_json_carries_the_public_keys() {
    let output = xenready()
        .args(["scan", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report: Value = serde_json::from_slice(&output).unwrap();
    for key in [
        "schema_version",
        "tool",
        "target",
        "verdict",
        "score",
        "machine",
        "cpu",
        "capabilities",
        "findings",
        "sources",
    ] {
        assert!(report.get(key).is_some(), "missing key {key}");
    }
    for cap in ["long_mode", "nx", "hvm", "hap", "iommu", "smt"] {
        let c = &report["capabilities"][cap];
        for field in ["state", "silicon", "firmware", "os", "evidence"] {
            assert!(c.get(field).is_some(), "capabilities.{cap}.{field} missing");
        }
    }
    assert_eq!(report["tool"]["name"], "xenready");
    assert_eq!(report["target"], "xen");
}

#[test]
fn check_flag_turns_the_verdict_into_the_exit_status() {
    let output = xenready()
        .args(["scan", "--format", "json", "--check"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let expected = match report["verdict"].as_str().unwrap() {
        "ready" => 0,
        "needs-changes" => 3,
        "limited" => 4,
        "not-suitable" => 5,
        "unknown" => 6,
        other => panic!("unexpected verdict {other}"),
    };
    assert_eq!(output.status.code(), Some(expected));
}

#[test]
fn output_file_is_written_whole() {
    let dir = scratch("output");
    let path = dir.join("report.json");
    xenready()
        .args(["--format", "json", "--output"])
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::is_empty());
    let report: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(report["schema_version"], 2);
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        1,
        "no temporary left"
    );
}

#[test]
fn colour_when_asked_even_with_no_color_and_never_when_refused() {
    let coloured = xenready().args(["--color", "always"]).output().unwrap();
    assert!(String::from_utf8_lossy(&coloured.stdout).contains("\u{1b}["));
    // The explicit flag is the user's latest word; NO_COLOR sets the default.
    let asked = xenready()
        .args(["--color", "always"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&asked.stdout).contains("\u{1b}["));
    let refused = xenready().args(["--color", "never"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&refused.stdout).contains('\u{1b}'));
}

#[test]
fn ascii_marks_for_plain_consoles() {
    let output = xenready().arg("--ascii").output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.is_ascii(), "non-ASCII in --ascii report");
}

#[test]
fn usage_errors_exit_two_with_one_line() {
    xenready()
        .args(["--target", "nonsense"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("'nonsense'").and(predicate::str::contains(
                "possible values: xen, xenserver-6.5, xenserver-8, citrix-hypervisor-8.2, xcp-ng-8.2, xcp-ng-8.3",
            )),
        );
    xenready()
        .args(["analyze"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs a bundle"));
    xenready().args(["--format", "yaml"]).assert().code(2);
    xenready()
        .args(["--fromat", "json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "similar argument exists: '--format'",
        ));
    xenready()
        .args(["analyse"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "similar subcommand exists: 'analyze'",
        ));
    xenready()
        .args(["--format", "json", "--format", "text"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used multiple times"));
    xenready().args(["cpu"]).assert().code(2);
    xenready().args(["compare"]).assert().code(2);
}

#[test]
fn every_command_has_version_and_help_of_unknown_is_an_error() {
    for command in [
        "scan", "capture", "analyze", "compare", "cpu", "explain", "checks",
    ] {
        xenready()
            .args([command, "--version"])
            .assert()
            .success()
            .stdout(predicate::str::contains(env!("CARGO_PKG_VERSION")));
    }
    xenready()
        .arg("--version")
        .assert()
        .success()
        .stdout(format!("xenready {}\n", env!("CARGO_PKG_VERSION")));
    xenready()
        .args(["help", "analyze"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--boot-config <FILE>"));
    xenready()
        .args(["help", "nonsense"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unrecognized subcommand 'nonsense'",
        ));
}

#[test]
fn help_documents_the_environment_and_hides_root() {
    let help = xenready().arg("--help").output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    for word in [
        "NO_COLOR",
        "COLUMNS",
        "Exit status",
        "xcp-ng-8.3",
        "markdown",
    ] {
        assert!(help.contains(word), "{word} missing from:\n{help}");
    }
    assert!(!help.contains("--root"), "{help}");
}

#[test]
fn unreadable_or_foreign_input_exits_two_naming_the_file() {
    let dir = scratch("badinput");
    let bogus = dir.join("not-a-bundle.json");
    std::fs::write(&bogus, "{\"hello\": 1}").unwrap();
    let assert = xenready().arg("analyze").arg(&bogus).assert().code(2);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("not-a-bundle.json"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    xenready()
        .args(["analyze", "/nonexistent/bundle.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/nonexistent/bundle.json"));
}

#[test]
fn capture_then_analyze_gives_the_same_json_as_the_live_scan() {
    let dir = scratch("bundle");
    let bundle = dir.join("evidence.json");
    let live = xenready()
        .args(["scan", "--format", "json", "--save-evidence"])
        .arg(&bundle)
        .output()
        .unwrap();
    assert!(live.status.success());
    let replay = xenready()
        .args(["analyze", "--format", "json"])
        .arg(&bundle)
        .output()
        .unwrap();
    assert!(replay.status.success());
    let live = String::from_utf8(live.stdout).unwrap();
    assert_eq!(
        live,
        String::from_utf8(replay.stdout).unwrap(),
        "analysing the saved evidence must reproduce the live report byte for byte"
    );
    // The live system overview is among what the bundle replays.
    let report: Value = serde_json::from_str(&live).unwrap();
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap();
    assert_eq!(report["system"]["status"], "ok", "{}", report["system"]);
    assert_eq!(report["system"]["kernel_release"], kernel.trim());
    assert!(report["system"]["memory_total_bytes"].as_u64().unwrap() > 0);
}

#[test]
fn a_root_tree_or_an_import_has_no_system_overview_and_says_why() {
    let dir = scratch("no-system");
    let output = xenready()
        .args(["scan", "--format", "json", "--root"])
        .arg(&dir)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["system"]["status"], "absent");
    assert!(report["system"]["reason"]
        .as_str()
        .unwrap()
        .contains("not the running system"));
    assert!(report["system"].get("hostname").is_none());
    let output = xenready()
        .args(["scan", "--root"])
        .arg(&dir)
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("System") && text.contains("not read ("),
        "{text}"
    );
}

#[test]
fn capture_writes_a_versioned_bundle() {
    let output = xenready().arg("capture").output().unwrap();
    assert!(output.status.success());
    let bundle: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(bundle["format"], "xenready-evidence");
    assert!(bundle["version"].as_u64().unwrap() >= 1);
    assert!(bundle["sources"].as_array().unwrap().len() >= 3);
}

#[test]
fn explain_prints_the_documentation_and_suggests_near_ids() {
    xenready()
        .args(["explain", "hvm-disabled-in-firmware"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Why it matters for Xen"))
        .stdout(predicate::str::contains("power"));
    xenready()
        .args(["explain", "hvm-unsuported"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `hvm-unsupported`"));
}

#[test]
fn checks_lists_every_check() {
    let output = xenready()
        .args(["checks", "--format", "json"])
        .output()
        .unwrap();
    let list: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(list["schema_version"], 1);
    assert_eq!(list["tool"]["name"], "xenready");
    let ids: Vec<&str> = list["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    for id in [
        "cpu-not-64bit",
        "hvm-unsupported",
        "smt-disabled",
        "running-in-vm",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    // A bundle far larger than a pipe buffer, so writing must meet EPIPE.
    let root = scratch("bigroot");
    std::fs::create_dir_all(root.join("proc")).unwrap();
    let cpuinfo = "processor\t: 0\nflags\t\t: fpu vme lm\n\n".repeat(20_000);
    std::fs::write(root.join("proc/cpuinfo"), cpuinfo).unwrap();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("xenready"))
        .args(["capture", "--root"])
        .arg(&root)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(status.success(), "exit {status:?}, stderr {stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn scanning_an_empty_root_still_reports_and_says_what_is_missing() {
    let dir = scratch("emptyroot");
    let output = xenready()
        .args(["scan", "--format", "json", "--root"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(output.status.success());
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["verdict"], "unknown");
    let statuses: Vec<&str> = report["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert!(statuses.iter().all(|s| *s == "absent"), "{statuses:?}");
    assert_eq!(report["capabilities"]["hvm"]["state"], "unknown");
}

/// Runs the binary as `nobody` through setpriv(1); `None` when this test
/// process is not root or setpriv is missing (then the test says so).
fn as_nobody(args: &[&std::ffi::OsStr]) -> Option<std::process::Output> {
    let is_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .ok()
        .is_some_and(|o| o.stdout.starts_with(b"0\n"));
    if !is_root {
        eprintln!("notice: not root, cannot drop to nobody; non-root run not exercised");
        return None;
    }
    let output = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(assert_cmd::cargo::cargo_bin("xenready"))
        .args(args)
        .output();
    match output {
        Ok(output) => Some(output),
        Err(error) => {
            eprintln!("notice: setpriv unavailable ({error}); non-root run not exercised");
            None
        }
    }
}

#[test]
fn a_normal_user_still_gets_a_report_that_marks_what_it_could_not_read() {
    let root = scratch("denied");
    let tables = root.join("sys/firmware/dmi/tables");
    std::fs::create_dir_all(&tables).unwrap();
    std::fs::write(tables.join("DMI"), [0u8; 64]).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(tables.join("DMI"), std::fs::Permissions::from_mode(0o400)).unwrap();
    for dir in [
        &root,
        &root.join("sys"),
        &root.join("sys/firmware"),
        &root.join("sys/firmware/dmi"),
        &tables,
    ] {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let args = [
        std::ffi::OsStr::new("--format"),
        std::ffi::OsStr::new("json"),
        std::ffi::OsStr::new("--root"),
        root.as_os_str(),
    ];
    let Some(output) = as_nobody(&args) else {
        return;
    };
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["environment"]["as_root"], false);
    let smbios = report["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "smbios")
        .unwrap();
    assert_eq!(smbios["status"], "denied", "{smbios}");
    assert!(
        smbios["detail"].as_str().unwrap().contains("root"),
        "{smbios}"
    );

    // And the live scan of this machine as nobody produces a full report.
    let Some(live) = as_nobody(&[std::ffi::OsStr::new("--ascii")]) else {
        return;
    };
    assert!(live.status.success());
    let text = String::from_utf8(live.stdout).unwrap();
    assert!(text.contains("live scan as a normal user"), "{text}");
}

#[test]
fn a_malformed_import_is_one_line_naming_the_file_and_exit_two() {
    let dir = scratch("malformed");
    let dump = dir.join("not-a-dump.txt");
    std::fs::write(&dump, "hello\nthis is no CPUID dump\n").unwrap();
    let assert = xenready()
        .args(["analyze", "--cpuid"])
        .arg(&dump)
        .assert()
        .code(2);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("not-a-dump.txt:1"), "{stderr}");
}

#[test]
fn redact_removes_the_serial_and_uuid_from_every_output() {
    let table = crate::common::fixture("smbios-bin/go-smbios/Dell-PowerEdge-R630-Dual-Xeon.dmi");
    let plain = xenready()
        .args(["analyze", "--format", "json", "--dmi"])
        .arg(&table)
        .output()
        .unwrap();
    let plain: Value = serde_json::from_slice(&plain.stdout).unwrap();
    let serial = plain["machine"]["serial"].as_str().unwrap().to_string();
    let uuid = plain["machine"]["uuid"].as_str().unwrap().to_string();
    for format in ["json", "text", "markdown"] {
        let output = xenready()
            .args(["analyze", "--redact", "--format", format, "--dmi"])
            .arg(&table)
            .output()
            .unwrap();
        assert!(output.status.success());
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(!text.contains(&serial), "{format} report shows the serial");
        assert!(
            !text.to_lowercase().contains(&uuid.to_lowercase()),
            "{format} report shows the UUID"
        );
        assert!(
            text.contains("redaction"),
            "{format} report does not say what it removed"
        );
    }
    let redacted: Value = serde_json::from_slice(
        &xenready()
            .args(["analyze", "--redact", "--format", "json", "--dmi"])
            .arg(&table)
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(redacted["machine"]["product"], "PowerEdge R630");
}

#[test]
fn repeated_cpuid_dumps_are_both_imported_and_named() {
    let a = "cpuid/instlatx64/GenuineIntel00106A2_Nehalem-EP_CPUID.txt";
    let b = "cpuid/cpuid-r/amd-epyc-vm-firecracker.txt";
    let output = xenready()
        .args(["analyze", "--format", "json", "--cpuid"])
        .arg(fixture(a))
        .arg("--cpuid")
        .arg(fixture(b))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let cpuid = report["sources"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["name"] == "cpuid"))
        .expect("a cpuid source");
    let detail = cpuid["detail"].as_str().unwrap();
    assert!(
        detail.contains("8 logical CPUs from GenuineIntel00106A2_Nehalem-EP_CPUID.txt")
            && detail.contains("2 logical CPUs from amd-epyc-vm-firecracker.txt"),
        "{detail}"
    );
}

#[test]
fn a_second_file_for_a_one_per_machine_import_is_a_usage_error() {
    let dmi = fixture("smbios-bin/go-smbios/Dell-PowerEdge-R630-Dual-Xeon.dmi");
    xenready()
        .args(["analyze", "--dmi"])
        .arg(&dmi)
        .arg("--dmi")
        .arg(&dmi)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the argument '--dmi <FILE>' cannot be used multiple times",
        ));
}

#[test]
fn bash_completion_parses_and_every_shell_gets_a_script() {
    let script = xenready().args(["completions", "bash"]).output().unwrap();
    assert!(script.status.success());
    let text = String::from_utf8_lossy(&script.stdout);
    for word in ["analyze", "--cpuid", "--boot-config", "xcp-ng-8.3"] {
        assert!(
            text.contains(word),
            "{word} missing from the bash completion"
        );
    }
    let mut bash = std::process::Command::new("bash")
        .arg("-n")
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("bash runs");
    use std::io::Write as _;
    bash.stdin
        .take()
        .unwrap()
        .write_all(&script.stdout)
        .unwrap();
    assert!(
        bash.wait().unwrap().success(),
        "bash -n rejects the completion"
    );
    for (shell, marker) in [
        ("zsh", "#compdef xenready"),
        ("fish", "complete -c xenready"),
    ] {
        xenready()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains(marker));
    }
}

/// `man -l` renders the page without groff warnings, or the test fails
/// (scripts/install-deps.sh installs man-db).
fn man_renders(page: &std::path::Path) -> String {
    let output = std::process::Command::new("man")
        .args(["--warnings", "-l"])
        .arg(page)
        .env("MANWIDTH", "100")
        .output()
        .expect("man (man-db) is installed: run scripts/install-deps.sh");
    assert!(
        output.status.success(),
        "man -l {}: {output:?}",
        page.display()
    );
    let warnings = String::from_utf8_lossy(&output.stderr);
    assert!(warnings.trim().is_empty(), "{}: {warnings}", page.display());
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn man_pages_render_one_per_command() {
    let dir = scratch("man");
    let page = xenready().arg("man").output().unwrap();
    assert!(page.status.success());
    std::fs::write(dir.join("stdout.1"), &page.stdout).unwrap();
    let text = man_renders(&dir.join("stdout.1"));
    assert!(text.contains("NAME") && text.contains("xenready"), "{text}");
    xenready()
        .args(["man", "--dir"])
        .arg(dir.join("pages"))
        .assert()
        .success();
    for command in [
        "scan", "capture", "analyze", "compare", "cpu", "explain", "checks",
    ] {
        let text = man_renders(&dir.join(format!("pages/xenready-{command}.1")));
        assert!(text.contains(&format!("xenready-{command}")), "{text}");
    }
    let analyze = man_renders(&dir.join("pages/xenready-analyze.1"));
    assert!(analyze.contains("--boot-config"), "{analyze}");
    assert_eq!(
        std::fs::read(dir.join("pages/xenready.1")).unwrap(),
        page.stdout
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_netburst_brand_string_lists_its_candidate_generations_and_exits_zero() {
    let output = xenready()
        .args(["cpu", "Intel(R) Xeon(TM) CPU 3.00GHz"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(output).unwrap();
    for id in ["nocona", "irwindale", "paxville", "dempsey"] {
        assert!(text.contains(id), "{id}: {text}");
    }
    assert!(text.contains("Read the CPUID signature"), "{text}");
}
