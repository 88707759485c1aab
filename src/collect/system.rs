//! The running system's overview, read with sysinfo: OS name and version,
//! kernel release, hostname, uptime, memory and swap. Only a scan of the
//! live system (root `/`) reads it; a scan of a captured tree under
//! `--root` has no running system to ask, and says so.

use crate::evidence::{Evidence, SourceStatus, SystemReadings};
use crate::model::SourceName;
use std::path::Path;

pub const SOURCE: SourceName = SourceName::System;

pub fn collect(evidence: &mut Evidence, root: &Path) {
    if root != Path::new("/") {
        evidence.record(
            SOURCE,
            SourceStatus::Absent,
            format!(
                "not read: {} is a file tree, not the running system",
                root.display()
            ),
        );
        return;
    }
    let readings = read_live();
    let status = if readings.kernel_release.is_some() && readings.memory_total_bytes.is_some() {
        SourceStatus::Ok
    } else {
        SourceStatus::Partial
    };
    evidence.record(SOURCE, status, describe(&readings));
    evidence.system = Some(readings);
}

fn read_live() -> SystemReadings {
    use sysinfo::{MemoryRefreshKind, RefreshKind, System};
    let memory = System::new_with_specifics(
        RefreshKind::nothing().with_memory(MemoryRefreshKind::everything()),
    );
    // sysinfo reports 0 for what it could not read; 0 bytes of RAM is never
    // a reading.
    let nonzero = |n: u64| (n > 0).then_some(n);
    SystemReadings {
        os_name: System::name(),
        os_version: System::os_version(),
        kernel_release: System::kernel_version(),
        hostname: System::host_name(),
        uptime_seconds: nonzero(System::uptime()),
        memory_total_bytes: nonzero(memory.total_memory()),
        memory_available_bytes: nonzero(memory.total_memory()).map(|_| memory.available_memory()),
        swap_total_bytes: nonzero(memory.total_memory()).map(|_| memory.total_swap()),
        swap_free_bytes: nonzero(memory.total_memory()).map(|_| memory.free_swap()),
    }
}

fn describe(readings: &SystemReadings) -> String {
    let missing: Vec<&str> = [
        ("OS name", readings.os_name.is_none()),
        ("OS version", readings.os_version.is_none()),
        ("kernel release", readings.kernel_release.is_none()),
        ("hostname", readings.hostname.is_none()),
        ("uptime", readings.uptime_seconds.is_none()),
        ("memory", readings.memory_total_bytes.is_none()),
    ]
    .into_iter()
    .filter_map(|(name, absent)| absent.then_some(name))
    .collect();
    if missing.is_empty() {
        "OS, kernel, hostname, uptime, memory and swap read".into()
    } else {
        format!("the system did not tell: {}", missing.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Origin;

    fn proc_text(path: &str) -> String {
        std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("{path}: {e}"))
            .trim()
            .to_string()
    }

    /// The readings agree with what the kernel itself publishes in procfs.
    #[test]
    fn live_readings_match_the_kernel() {
        let mut evidence = Evidence::new(Origin::Live);
        collect(&mut evidence, Path::new("/"));
        let system = evidence
            .system
            .clone()
            .expect("a live scan reads the system");
        assert_eq!(
            system.kernel_release.as_deref(),
            Some(proc_text("/proc/sys/kernel/osrelease").as_str())
        );
        assert_eq!(
            system.hostname.as_deref(),
            Some(proc_text("/proc/sys/kernel/hostname").as_str())
        );
        let meminfo = proc_text("/proc/meminfo");
        let total_kib: u64 = meminfo
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("MemTotal in /proc/meminfo");
        assert_eq!(system.memory_total_bytes, Some(total_kib * 1024));
        assert!(system.memory_available_bytes <= system.memory_total_bytes);
        assert!(system.uptime_seconds.is_some_and(|s| s > 0));
        let record = evidence.source(SOURCE).expect("recorded");
        assert!(matches!(
            record.status,
            SourceStatus::Ok | SourceStatus::Partial
        ));
    }

    #[test]
    fn a_captured_tree_has_no_running_system() {
        let mut evidence = Evidence::new(Origin::Live);
        collect(&mut evidence, Path::new("/tmp/some-capture"));
        assert_eq!(evidence.system, None);
        let record = evidence.source(SOURCE).expect("recorded");
        assert_eq!(record.status, SourceStatus::Absent);
        assert!(
            record.detail.contains("/tmp/some-capture"),
            "{}",
            record.detail
        );
    }
}
