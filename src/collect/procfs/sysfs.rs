//! Source `sysfs`: `/sys/devices/system/cpu` — the CPU sets, SMT control,
//! per-CPU topology and the vulnerability reports.
//!
//! Which files exist depends on the kernel version, so a missing file is
//! normal here and only mentioned; a file that exists but cannot be read
//! makes the source partial.

use super::reader::{is_denied, is_missing, Fetched, Reader, Tally};
use super::under;
use crate::evidence::{Evidence, SourceStatus};
use crate::model::SourceName;
use std::io;

const SOURCE: SourceName = SourceName::Sysfs;
const CPU_DIR: &str = "/sys/devices/system/cpu";
const VULNERABILITIES: &str = "/sys/devices/system/cpu/vulnerabilities";

/// More `cpuN` directories than Linux supports (NR_CPUS ≤ 8192): a bound
/// for a broken capture, not a real limit.
const MAX_CPU_DIRS: usize = 16384;
/// There are about twenty today; a new one appears with each disclosure.
const MAX_VULNERABILITIES: usize = 256;

pub fn collect(reader: &mut Reader, evidence: &mut Evidence) {
    let names = match list_dir(reader, CPU_DIR, MAX_CPU_DIRS + 64) {
        Ok(names) => names,
        Err(e) => {
            let (status, detail) = if is_missing(&e) {
                (
                    SourceStatus::Absent,
                    format!("no {CPU_DIR}{}", under(reader.root())),
                )
            } else if is_denied(&e) {
                (SourceStatus::Denied, format!("cannot list {CPU_DIR}: {e}"))
            } else {
                (SourceStatus::Error, format!("cannot list {CPU_DIR}: {e}"))
            };
            evidence.record(SOURCE, status, detail);
            return;
        }
    };

    let mut tally = Tally::default();
    let mut remarks = Vec::new();
    let online = reader.fetch(evidence, &mut tally, "/sys/devices/system/cpu/online");
    let per_cpu_online = matches!(online, Fetched::Missing);
    if per_cpu_online {
        remarks.push("no online list (old kernel): read per-CPU online files".to_string());
    }
    for name in ["present", "possible"] {
        reader.fetch(evidence, &mut tally, &format!("{CPU_DIR}/{name}"));
    }
    if matches!(
        reader.fetch(evidence, &mut tally, "/sys/devices/system/cpu/smt/control"),
        Fetched::Missing
    ) {
        remarks.push("no smt/control (older kernel)".to_string());
    }
    reader.fetch(evidence, &mut tally, "/sys/devices/system/cpu/smt/active");

    let mut cpus: Vec<u32> = names.iter().filter_map(|n| cpu_number(n)).collect();
    cpus.sort_unstable();
    if cpus.len() > MAX_CPU_DIRS {
        remarks.push(format!(
            "{} cpuN directories, read the first {MAX_CPU_DIRS}",
            cpus.len()
        ));
        cpus.truncate(MAX_CPU_DIRS);
    }
    for &cpu in &cpus {
        collect_cpu(reader, evidence, &mut tally, cpu, per_cpu_online);
    }
    collect_vulnerabilities(reader, evidence, &mut tally, &mut remarks);

    let status = tally.status(false);
    let detail = if status == SourceStatus::Absent {
        format!("no CPU files in {CPU_DIR}{}", under(reader.root()))
    } else {
        let mut parts = vec![format!("{} CPUs, {} files", cpus.len(), tally.read)];
        parts.extend(Some(tally.problems(false)).filter(|p| !p.is_empty()));
        parts.extend(remarks);
        parts.join("; ")
    };
    evidence.record(SOURCE, status, detail);
}

fn collect_cpu(
    reader: &mut Reader,
    evidence: &mut Evidence,
    tally: &mut Tally,
    cpu: u32,
    per_cpu_online: bool,
) {
    let base = format!("{CPU_DIR}/cpu{cpu}");
    if per_cpu_online {
        reader.fetch(evidence, tally, &format!("{base}/online"));
    }
    for file in ["physical_package_id", "core_id", "die_id"] {
        reader.fetch(evidence, tally, &format!("{base}/topology/{file}"));
    }
    // The hex masks are what kernels before the `_list` files (2.6.2x)
    // offer; on newer kernels they are skipped to keep the scan short.
    for list in ["thread_siblings", "core_siblings"] {
        if let Fetched::Missing =
            reader.fetch(evidence, tally, &format!("{base}/topology/{list}_list"))
        {
            reader.fetch(evidence, tally, &format!("{base}/topology/{list}"));
        }
    }
}

fn collect_vulnerabilities(
    reader: &mut Reader,
    evidence: &mut Evidence,
    tally: &mut Tally,
    remarks: &mut Vec<String>,
) {
    let mut names = match list_dir(reader, VULNERABILITIES, MAX_VULNERABILITIES) {
        Ok(names) => names,
        Err(e) if is_missing(&e) => {
            remarks.push("no vulnerabilities/ (older kernel)".to_string());
            return;
        }
        Err(e) => {
            tally.fail(VULNERABILITIES, &e);
            return;
        }
    };
    names.sort_unstable();
    for name in names {
        reader.fetch(evidence, tally, &format!("{VULNERABILITIES}/{name}"));
    }
}

/// Entry names of a directory, at most `limit`; names that are not UTF-8
/// are not sysfs names and are skipped.
fn list_dir(reader: &Reader, machine_path: &str, limit: usize) -> io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(reader.host_path(machine_path))?.take(limit) {
        if let Some(name) = entry?.file_name().to_str() {
            names.push(name.to_string());
        }
    }
    Ok(names)
}

fn cpu_number(name: &str) -> Option<u32> {
    let digits = name.strip_prefix("cpu")?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}
