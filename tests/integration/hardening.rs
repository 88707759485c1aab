//! Regression tests for the attacks of the reliability findings
//! (shared/research/reliability-findings.md): each reproduces one.

use crate::common::{fixture, scratch};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// Far above what any of these runs takes (milliseconds); only a hang
/// reaches it, and the child is then killed so the test fails, not stalls.
const HANG: Duration = Duration::from_secs(10);

fn binary() -> PathBuf {
    assert_cmd::cargo::cargo_bin("xenready")
}

/// Runs to the end or until `HANG`, whichever is first.
fn run_bounded(command: &mut Command) -> Output {
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (done, wait) = std::sync::mpsc::channel();
    // Reading the pipes while waiting: a report larger than a pipe buffer
    // would otherwise block the child forever.
    std::thread::spawn(move || done.send(child.wait_with_output()));
    match wait.recv_timeout(HANG) {
        Ok(output) => output.unwrap(),
        Err(_) => {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid as i32),
                nix::sys::signal::Signal::SIGKILL,
            );
            panic!("{command:?} still running after {HANG:?}");
        }
    }
}

fn kernel_log() -> PathBuf {
    fixture("dmesg/linuxhw/Dell_PowerEdge-1950_7D3E387CFF5B.ubuntu-22.04_5.15.0-40-generic.dmesg")
}

fn one_line(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr).into_owned();
    assert_eq!(text.lines().count(), 1, "not one line: {text:?}");
    text
}

fn flags() -> Vec<&'static str> {
    xenready::import::IMPORTERS.iter().map(|i| i.flag).collect()
}

/// M4/M5: a FIFO without a writer and `/dev/zero` behind every input flag,
/// a bundle and compare: each ends with exit 2 and one line naming the file.
#[test]
fn fifos_and_endless_devices_are_refused_by_every_input() {
    let dir = scratch("hardening-fifo-inputs");
    let fifo = dir.join("input");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
    for input in [fifo.as_path(), Path::new("/dev/zero")] {
        let mut runs: Vec<Vec<std::ffi::OsString>> = flags()
            .into_iter()
            .map(|f| vec![format!("--{f}").into(), input.into()])
            .map(|mut a| {
                a.insert(0, "analyze".into());
                a
            })
            .collect();
        runs.push(vec!["analyze".into(), input.into()]);
        runs.push(vec!["compare".into(), input.into()]);
        for args in runs {
            let output = run_bounded(Command::new(binary()).args(&args));
            assert_eq!(output.status.code(), Some(2), "{args:?}");
            let line = one_line(&output.stderr);
            assert!(line.contains(&*input.to_string_lossy()), "{args:?}: {line}");
        }
    }
}

/// M4: a FIFO at any of the places a live scan reads, under `--root`.
#[test]
fn scan_root_with_a_fifo_anywhere_still_reports() {
    for place in [
        "sys/class/dmi/id/sys_vendor",
        "sys/firmware/dmi/tables/DMI",
        "sys/firmware/dmi/tables/smbios_entry_point",
        "sys/firmware/acpi/tables/DMAR",
        "sys/firmware/acpi/tables/APIC",
        "proc/cpuinfo",
        "proc/meminfo",
        "proc/cmdline",
        "var/log/kern.log",
        "boot/grub/grub.cfg",
        "etc/default/grub",
        "sys/devices/system/cpu/online",
        "sys/devices/system/cpu/smt/active",
        "proc/xen/capabilities",
        "sys/block/sda/size",
        "sys/class/net/eth0/address",
        "dev/cpu/0/msr",
        "dev/kmsg",
    ] {
        let root = scratch("hardening-fifo-root");
        let fifo = root.join(place);
        std::fs::create_dir_all(fifo.parent().unwrap()).unwrap();
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
        let output = run_bounded(
            Command::new(binary())
                .args(["scan", "--format", "json", "--root"])
                .arg(&root),
        );
        assert!(output.status.success(), "{place}: {output:?}");
        serde_json::from_slice::<serde_json::Value>(&output.stdout).expect(place);
    }
}

/// H2: `-o -` is standard output, and `-o` naming our own standard output
/// (as `/dev/stdout` does) writes there instead of replacing the link.
#[test]
fn dash_and_a_link_to_our_stdout_write_to_stdout() {
    let output = run_bounded(
        Command::new(binary())
            .args(["analyze", "--format", "json", "-o", "-", "--dmesg"])
            .arg(kernel_log()),
    );
    assert!(output.status.success(), "{output:?}");
    assert!(!Path::new("-").exists());
    serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap();

    let dir = scratch("hardening-stdout-link");
    let link = dir.join("stdout");
    std::os::unix::fs::symlink("/proc/self/fd/1", &link).unwrap();
    let output = run_bounded(
        Command::new(binary())
            .args(["analyze", "--format", "json", "--dmesg"])
            .arg(kernel_log())
            .arg("-o")
            .arg(&link),
    );
    assert!(output.status.success(), "{output:?}");
    serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap();
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
}

/// L5: a report lost to a closed standard output is a failure.
#[test]
fn a_closed_stdout_exits_one() {
    let output = run_bounded(
        Command::new("sh")
            .arg("-c")
            .arg("exec \"$0\" analyze --dmesg \"$1\" >&-")
            .arg(binary())
            .arg(kernel_log()),
    );
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(one_line(&output.stderr).contains("standard output is closed"));
}

/// H2 as the findings reproduced it: in a private mount namespace with its
/// own /dev, `-o /dev/null`, `/dev/full` and `/dev/stdout` leave the device
/// nodes and the link as they were. Needs root (unshare -m); skipped
/// without it.
#[test]
fn device_targets_stay_devices_in_a_private_dev() {
    let script = r#"
        set -e
        mount --make-rprivate /
        mount -t tmpfs none /dev
        mknod /dev/null c 1 3; mknod /dev/full c 1 7
        ln -s /proc/self/fd/1 /dev/stdout
        "$0" analyze --dmesg "$1" -o /dev/null
        if "$0" analyze --dmesg "$1" -o /dev/full 2>/dev/null; then echo full-accepted; exit 1; fi
        "$0" analyze --dmesg "$1" -o /dev/stdout > /tmp/xenready-h2-$$
        test -s /tmp/xenready-h2-$$; rm -f /tmp/xenready-h2-$$
        test -c /dev/null; test -c /dev/full; test -L /dev/stdout
        echo devices-intact
    "#;
    let probe = Command::new("unshare").args(["-m", "true"]).output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: no private mount namespace here (needs root)");
        return;
    }
    let output = run_bounded(
        Command::new("unshare")
            .args(["-m", "sh", "-c", script])
            .arg(binary())
            .arg(kernel_log()),
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert!(stdout.contains("devices-intact"), "{stdout}");
}

/// H3 end to end: a 64 KiB /etc/default/grub of unknown options gives a
/// report linear in its size (0.1.0: 47 s and an 877 MB report).
#[test]
fn a_64_kib_line_of_unknown_options_gives_a_small_report() {
    let dir = scratch("hardening-h3");
    let value: String = (0..12_000).map(|i| format!("opt{i}=1 ")).collect();
    let grub = dir.join("grub");
    std::fs::write(
        &grub,
        format!("GRUB_CMDLINE_XEN=\"{}\"\n", &value[..64 * 1024 - 40]),
    )
    .unwrap();
    let output = run_bounded(
        Command::new(binary())
            .args(["analyze", "--format", "json", "--boot-config"])
            .arg(&grub),
    );
    assert!(output.status.success(), "{output:?}");
    assert!(
        output.stdout.len() < 1024 * 1024,
        "{} bytes of report",
        output.stdout.len()
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("more options Xen does not know"));
}

fn hostile_fleet() -> PathBuf {
    let dir = scratch("hardening-hostile-fleet");
    let report = serde_json::json!({
        "schema_version": 1, "verdict": "ready", "score": 90,
        "machine": {
            "vendor": "=HYPERLINK(\"http://evil.example/\",\"Dell\")\u{1b}[31m\u{7}\r",
            "product": "R\u{202E}630\u{200B}",
            "serial": "-2+3+cmd|' /C calc'!A0"
        },
        "targets": {
            "xen\u{1b}]0;PWNED\u{7}\u{1b}[2J\u{1b}[31m": {"verdict": "ready", "score": 90}
        }
    });
    std::fs::write(dir.join("a.json"), report.to_string()).unwrap();
    std::fs::write(
        dir.join("evil\u{1b}]0;PWNED\u{7}\u{1b}[2J\u{202E}.json"),
        "not json",
    )
    .unwrap();
    dir
}

fn assert_inert(what: &str, text: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|&c| {
            (c.is_control() && !matches!(c, '\n' | '\r'))
                || matches!(c, '\u{202E}' | '\u{200B}' | '\u{2066}')
        })
        .collect();
    assert!(bad.is_empty(), "{what} carries {bad:?}:\n{text}");
}

/// M1–M3: compare's table header, its CSV (formulas and escapes) and its
/// "skipping" notes on stderr carry nothing raw.
#[test]
fn compare_outputs_and_notes_are_inert() {
    let dir = hostile_fleet();
    for format in ["text", "markdown", "csv", "json"] {
        let output = run_bounded(
            Command::new(binary())
                .args(["compare", "--format", format])
                .arg(&dir),
        );
        assert!(output.status.success(), "{format}: {output:?}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_inert(format, &stdout);
        assert_inert("stderr", &String::from_utf8_lossy(&output.stderr));
        assert!(String::from_utf8_lossy(&output.stderr).contains("skipping"));
        if format == "csv" {
            assert!(stdout.contains("\"'=HYPERLINK("), "{stdout}");
            assert!(stdout.contains("\"'-2+3+cmd"), "{stdout}");
            // Only the record ends are CR.
            assert_eq!(stdout.matches('\r').count(), stdout.matches("\r\n").count());
        }
    }
}

/// M3: arguments echoed in errors are sanitised (clap's usage errors keep
/// their layout), and xenready's own errors are one line.
#[test]
fn echoed_arguments_are_inert_and_one_line() {
    for args in [
        vec!["explain", "hvm\u{1b}]0;PWNED\u{7}\u{202E}"],
        vec!["cpu", "--target", "xen\u{1b}]0;PWNED\u{7}", "E5540"],
    ] {
        let output = run_bounded(Command::new(binary()).args(&args));
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        assert_inert("stderr", &String::from_utf8_lossy(&output.stderr));
    }
    let dir = scratch("hardening-bundle-format");
    let bundle = dir.join("b.json");
    std::fs::write(
        &bundle,
        "{\"format\": \"x\\u001b]0;PWNED\\u0007\\n\\nsecond line\", \"version\": 1}",
    )
    .unwrap();
    let output = run_bounded(Command::new(binary()).arg("analyze").arg(&bundle));
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert_inert("stderr", &one_line(&output.stderr));
}

/// M7: a forged duplicate with a future timestamp no longer replaces the
/// real report's row silently: disagreeing duplicates show as a conflict.
#[test]
fn disagreeing_duplicates_show_as_a_conflict() {
    let dir = scratch("hardening-forged-duplicate");
    let report = |verdict: &str, score: u32, at: u64| {
        serde_json::json!({
            "schema_version": 1, "verdict": verdict, "score": score,
            "machine": {"vendor": "Dell Inc.", "product": "PowerEdge 1950", "serial": "GG4WF1J"},
            "environment": {"captured_at": at}
        })
        .to_string()
    };
    std::fs::write(
        dir.join("a-real-dell.json"),
        report("not-suitable", 20, 1_700_000_000),
    )
    .unwrap();
    std::fs::write(
        dir.join("z-forged.json"),
        report("ready", 100, 99_999_999_999),
    )
    .unwrap();
    let output = run_bounded(
        Command::new(binary())
            .args(["compare", "--format", "json"])
            .arg(&dir),
    );
    assert!(output.status.success(), "{output:?}");
    let table: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rows = table["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{table:#}");
    assert_eq!(rows[0]["verdict"], "unknown", "{table:#}");
    assert_eq!(rows[0]["score"], 20, "the lowest claim, not the forged 100");
    let notes = rows[0]["conflict"].to_string();
    assert!(
        notes.contains("a-real-dell.json: not-suitable 20"),
        "{notes}"
    );
    assert!(notes.contains("z-forged.json: ready 100"), "{notes}");
    let text = run_bounded(Command::new(binary()).arg("compare").arg(&dir));
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("conflict"), "{text}");
    // Agreeing duplicates still merge quietly into one verdict.
    std::fs::write(
        dir.join("z-forged.json"),
        report("not-suitable", 20, 1_800_000_000),
    )
    .unwrap();
    let output = run_bounded(
        Command::new(binary())
            .args(["compare", "--format", "json"])
            .arg(&dir),
    );
    let table: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(table["rows"][0]["verdict"], "not-suitable", "{table:#}");
    assert!(table["rows"][0].get("conflict").is_none(), "{table:#}");
}
