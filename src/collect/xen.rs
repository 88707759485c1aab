//! Xen's own view from dom0: `xl info` (virt_caps, xen_commandline) and
//! `xl dmesg` (Xen's console: HAP, IOMMU, NMI lines). Source `xen`.
//! Also the console Xen left behind: after a panic `xl dmesg` is gone with
//! the reboot, but the crash kernel's `/var/crash/*/xen.log` and `dom0.log`
//! and xenconsoled's `/var/log/xen/hypervisor.log` keep it; these are read
//! as kernel logs, on a live scan and in a captured tree alike.
//!
//! Only in a control domain (`/proc/xen/capabilities` says `control_d`),
//! only on a live scan, and each command under a timeout: a wedged
//! toolstack must not hang the scan.

use super::process;
use super::procfs::read_capped;
use crate::bounded;
use crate::evidence::{Evidence, LogText, SourceStatus, XenRaw};
use crate::model::SourceName;
use std::path::{Path, PathBuf};
use std::process::ExitStatus;
use std::time::Duration;

const SOURCE: SourceName = SourceName::Xen;
const TIMEOUT: Duration = Duration::from_secs(5);
/// `xl dmesg` prints Xen's console ring (16 KiB by default, a few MiB at
/// most); anything beyond this is drained and dropped.
const OUTPUT_CAP: usize = 16 << 20;
const STDERR_CAP: usize = 4 << 10;
/// Where `xl` lives when PATH (a non-root PATH, a sudo secure_path)
/// misses the sbin directories.
const FALLBACK_DIRS: [&str; 3] = ["/usr/sbin", "/sbin", "/usr/local/sbin"];

/// XenRT's list for XenServer crash dumps (`EXPECTED_CRASHDUMP_FILES`),
/// less the analyser's own report.
const CRASH_FILES: [&str; 2] = ["xen.log", "dom0.log"];
/// XCP-ng's xenconsoled runs with `XENCONSOLED_TRACE=hv`, writing Xen's
/// console here.
const HYPERVISOR_LOG: &str = "/var/log/xen/hypervisor.log";
/// The newest crash directories read; older ones repeat old panics.
const CRASH_DIRS: usize = 4;

pub fn collect(evidence: &mut Evidence, root: &Path) {
    crash_logs(evidence, root);
    let mut buf = Vec::new();
    let caps = read_capped(&root.join("proc/xen/capabilities"), &mut buf)
        .map(|_| String::from_utf8_lossy(&buf).into_owned());
    if !caps.is_ok_and(|c| c.contains("control_d")) {
        evidence.record(SOURCE, SourceStatus::Absent, "not a Xen dom0");
        return;
    }
    if root != Path::new("/") {
        evidence.record(
            SOURCE,
            SourceStatus::Absent,
            "a captured dom0 tree: xl runs only on a live scan",
        );
        return;
    }
    let Some(xl) = find_program("xl") else {
        evidence.record(
            SOURCE,
            SourceStatus::Absent,
            "dom0, but no `xl` on PATH (install the Xen tools to read Xen's view)",
        );
        return;
    };
    let info = run(&xl, &["info"], TIMEOUT);
    let dmesg = run(&xl, &["dmesg"], TIMEOUT);
    let mut problems = Vec::new();
    for (name, result) in [("xl info", &info), ("xl dmesg", &dmesg)] {
        if let Err(e) = result {
            problems.push(format!("{name}: {e}"));
        }
    }
    let denied = [&info, &dmesg]
        .iter()
        .any(|r| matches!(r, Err(RunError::Failed { denied: true, .. })));
    let (info, dmesg) = (info.ok(), dmesg.ok());
    let status = match (&info, &dmesg) {
        (Some(_), Some(_)) => SourceStatus::Ok,
        (None, None) if denied => SourceStatus::Denied,
        (None, None) => SourceStatus::Error,
        _ => SourceStatus::Partial,
    };
    let mut detail = match (&info, &dmesg) {
        (None, None) => String::new(),
        _ => format!("ran {} from {}", ran(&info, &dmesg), xl.display()),
    };
    if !problems.is_empty() {
        if !detail.is_empty() {
            detail.push_str("; ");
        }
        detail.push_str(&problems.join("; "));
        if denied {
            detail.push_str("; run as root");
        }
    }
    if info.is_some() || dmesg.is_some() {
        evidence.xen = Some(XenRaw {
            xl_info: info,
            xl_dmesg: dmesg,
        });
    }
    evidence.record(SOURCE, status, detail);
}

/// The logs Xen's last panics left, newest crash first, each bounded.
fn crash_logs(evidence: &mut Evidence, root: &Path) {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join("var/crash"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    // XenServer names crash directories by date and time: newest last.
    dirs.sort();
    let files = dirs
        .iter()
        .rev()
        .take(CRASH_DIRS)
        .flat_map(|dir| CRASH_FILES.iter().map(move |f| dir.join(f)))
        .chain(std::iter::once(
            root.join(HYPERVISOR_LOG.trim_start_matches('/')),
        ));
    for path in files {
        // A missing or unreadable file is no evidence either way.
        let Ok(kept) = bounded::read_log(&path) else {
            continue;
        };
        let shown = Path::new("/").join(path.strip_prefix(root).unwrap_or(&path));
        evidence.kernel_logs.push(LogText {
            source: shown.display().to_string(),
            text: kept.text,
            truncated: kept.truncated,
            line_offset: kept.line_offset,
        });
    }
}

fn ran(info: &Option<String>, dmesg: &Option<String>) -> &'static str {
    match (info.is_some(), dmesg.is_some()) {
        (true, true) => "xl info and xl dmesg",
        (true, false) => "xl info",
        _ => "xl dmesg",
    }
}

/// The first executable `name` in PATH, then in the sbin directories.
pub fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(FALLBACK_DIRS.iter().map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Run(#[from] process::RunError),
    #[error("exited with {status}{}", if .stderr.is_empty() { String::new() } else { format!(": {}", .stderr) })]
    Failed {
        status: ExitStatus,
        stderr: String,
        denied: bool,
    },
}

/// Runs `program args` with no input and returns its standard output,
/// killing it after `timeout`.
pub fn run(program: &Path, args: &[&str], timeout: Duration) -> Result<String, RunError> {
    let caps = process::Caps {
        stdout: OUTPUT_CAP,
        stderr: STDERR_CAP,
    };
    let output = process::run(program, args, timeout, caps)?;
    if output.status.success() {
        return Ok(String::from_utf8_lossy(&output.stdout).into_owned());
    }
    let err = String::from_utf8_lossy(&output.stderr);
    let stderr = err.lines().next().unwrap_or_default().trim().to_string();
    let lower = stderr.to_ascii_lowercase();
    let denied = lower.contains("permission denied") || lower.contains("must be root");
    Err(RunError::Failed {
        status: output.status,
        stderr,
        denied,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::procfs::scratch::ScratchDir;
    use crate::evidence::Origin;
    use std::time::Instant;

    #[test]
    fn output_is_returned_and_failures_carry_stderr() {
        let Some(sh) = find_program("sh") else { return };
        let out = run(&sh, &["-c", "echo virt_caps : hvm"], TIMEOUT);
        assert_eq!(out.ok().as_deref(), Some("virt_caps : hvm\n"));
        let failed = run(
            &sh,
            &["-c", "echo 'xl: Permission denied' >&2; exit 1"],
            TIMEOUT,
        );
        assert!(
            matches!(failed, Err(RunError::Failed { denied: true, .. })),
            "{failed:?}"
        );
    }

    #[test]
    fn a_command_that_never_ends_is_killed_at_the_timeout() {
        let Some(sleep) = find_program("sleep") else {
            return;
        };
        let started = Instant::now();
        let result = run(&sleep, &["30"], Duration::from_millis(200));
        assert!(
            matches!(result, Err(RunError::Run(process::RunError::Timeout(_)))),
            "{result:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_big_output_does_not_deadlock() {
        let Some(sh) = find_program("sh") else { return };
        let out = run(
            &sh,
            &[
                "-c",
                "i=0; while [ $i -lt 20000 ]; do echo 0123456789abcdef; i=$((i+1)); done",
            ],
            TIMEOUT,
        );
        assert_eq!(out.map(|o| o.len()).ok(), Some(20000 * 17));
    }

    #[test]
    fn crash_logs_and_the_hypervisor_log_are_read_newest_first() {
        let dir = ScratchDir::new("xen-crash");
        dir.put(
            "/var/crash/20150101-101010-old/xen.log",
            b"(XEN) old panic\n",
        );
        dir.put(
            "/var/crash/20150302-021407-new/xen.log",
            b"(XEN) NMI - PCI system error (SERR)\n(XEN) Panic on CPU 0:\n",
        );
        dir.put("/var/crash/20150302-021407-new/dom0.log", b"dom0 tail\n");
        dir.put("/var/log/xen/hypervisor.log", b"(XEN) Xen version 4.17.4\n");
        let mut evidence = Evidence::new(Origin::Live);
        collect(&mut evidence, dir.path());
        let sources: Vec<&str> = evidence
            .kernel_logs
            .iter()
            .map(|l| l.source.as_str())
            .collect();
        assert_eq!(
            sources,
            [
                "/var/crash/20150302-021407-new/xen.log",
                "/var/crash/20150302-021407-new/dom0.log",
                "/var/crash/20150101-101010-old/xen.log",
                "/var/log/xen/hypervisor.log",
            ]
        );
        assert!(evidence.kernel_logs[0]
            .text
            .contains("PCI system error (SERR)"));
    }

    #[test]
    fn outside_dom0_the_source_is_absent() {
        let dir = ScratchDir::new("xen-domu");
        dir.put("/proc/xen/capabilities", b"");
        let mut evidence = Evidence::new(Origin::Live);
        collect(&mut evidence, dir.path());
        let record = evidence.source(SOURCE).cloned();
        assert_eq!(
            record.as_ref().map(|r| r.status),
            Some(SourceStatus::Absent)
        );
        assert_eq!(record.map(|r| r.detail).as_deref(), Some("not a Xen dom0"));
        assert_eq!(evidence.xen, None);
    }

    #[test]
    fn a_captured_dom0_tree_does_not_run_xl() {
        let dir = ScratchDir::new("xen-dom0");
        dir.put("/proc/xen/capabilities", b"control_d\n");
        let mut evidence = Evidence::new(Origin::Live);
        collect(&mut evidence, dir.path());
        let record = evidence.source(SOURCE).cloned();
        assert_eq!(
            record.as_ref().map(|r| r.status),
            Some(SourceStatus::Absent)
        );
        assert!(record.is_some_and(|r| r.detail.contains("live scan")));
    }
}
