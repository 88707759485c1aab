//! The running system's overview in the report: what sysinfo read on the
//! live scan, or why there is none (a `--root` tree, imported files).

use crate::evidence::{Origin, SourceStatus, SystemReadings};
use crate::facts::Facts;
use crate::model::SourceName;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SystemSummary {
    /// `ok`, `partial` (some fields missing) or `absent`.
    pub status: Option<SourceStatus>,
    /// Why the overview is absent or partial.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(flatten)]
    pub readings: SystemReadings,
}

pub(super) fn system(facts: &Facts) -> SystemSummary {
    let record = facts
        .sources
        .iter()
        .find(|s| s.name == SourceName::System.as_str());
    match (&facts.system, record) {
        (Some(readings), record) => SystemSummary {
            status: Some(record.map_or(SourceStatus::Ok, |r| r.status)),
            reason: record
                .filter(|r| r.status != SourceStatus::Ok)
                .map(|r| r.detail.clone()),
            readings: readings.clone(),
        },
        (None, Some(record)) => SystemSummary {
            status: Some(SourceStatus::Absent),
            reason: Some(record.detail.clone()),
            readings: SystemReadings::default(),
        },
        (None, None) => SystemSummary {
            status: Some(SourceStatus::Absent),
            reason: Some(match facts.origin {
                Origin::Import => "imported files carry no overview of a running system".into(),
                Origin::Live => {
                    "captured by a xenready that did not read the system overview".into()
                }
            }),
            readings: SystemReadings::default(),
        },
    }
}

impl SystemSummary {
    /// One line for a report: "Debian GNU/Linux 12, kernel 6.1.0-27-amd64,
    /// host r630-a, up 3 d 4 h; memory 31.2 GiB, 28.9 GiB available; swap
    /// 2.0 GiB, 2.0 GiB free". `clean` makes untrusted text safe for the
    /// output at hand; None when nothing was read.
    pub fn overview(&self, clean: impl Fn(&str) -> String) -> Option<String> {
        let r = &self.readings;
        let os = [r.os_name.as_deref(), r.os_version.as_deref()]
            .into_iter()
            .flatten()
            .map(&clean)
            .collect::<Vec<_>>()
            .join(" ");
        let mut host = Vec::new();
        if !os.is_empty() {
            host.push(os);
        }
        if let Some(kernel) = &r.kernel_release {
            host.push(format!("kernel {}", clean(kernel)));
        }
        if let Some(name) = &r.hostname {
            host.push(format!("host {}", clean(name)));
        }
        if let Some(seconds) = r.uptime_seconds {
            host.push(format!("up {}", uptime(seconds)));
        }
        let mut parts = vec![host.join(", ")];
        if let Some(total) = r.memory_total_bytes {
            let available = r
                .memory_available_bytes
                .map(|a| format!(", {} available", gib(a)))
                .unwrap_or_default();
            parts.push(format!("memory {}{available}", gib(total)));
        }
        if let Some(total) = r.swap_total_bytes {
            let free = r
                .swap_free_bytes
                .map(|f| format!(", {} free", gib(f)))
                .unwrap_or_default();
            parts.push(format!("swap {}{free}", gib(total)));
        }
        let parts: Vec<String> = parts.into_iter().filter(|p| !p.is_empty()).collect();
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

fn gib(bytes: u64) -> String {
    format!("{:.1} GiB", bytes as f64 / f64::from(1u32 << 30))
}

fn uptime(seconds: u64) -> String {
    let (days, hours, minutes) = (seconds / 86_400, seconds / 3600 % 24, seconds / 60 % 60);
    match (days, hours) {
        (0, 0) => format!("{minutes} min"),
        (0, _) => format!("{hours} h {minutes} min"),
        _ => format!("{days} d {hours} h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overview_reads_as_one_line() {
        let summary = SystemSummary {
            status: Some(SourceStatus::Ok),
            reason: None,
            readings: SystemReadings {
                os_name: Some("Debian GNU/Linux".into()),
                os_version: Some("12".into()),
                kernel_release: Some("6.1.0-27-amd64".into()),
                hostname: Some("r630-a\u{1b}[2J".into()),
                uptime_seconds: Some(3 * 86_400 + 4 * 3600 + 59),
                memory_total_bytes: Some(32 << 30),
                memory_available_bytes: Some(29 << 30),
                swap_total_bytes: Some(0),
                swap_free_bytes: Some(0),
            },
        };
        let clean = |s: &str| s.replace('\u{1b}', "?");
        assert_eq!(
            summary.overview(clean).as_deref(),
            Some(
                "Debian GNU/Linux 12, kernel 6.1.0-27-amd64, host r630-a?[2J, up 3 d 4 h; \
                 memory 32.0 GiB, 29.0 GiB available; swap 0.0 GiB, 0.0 GiB free"
            )
        );
        assert_eq!(SystemSummary::default().overview(|s| s.into()), None);
    }

    #[test]
    fn an_import_says_why_there_is_no_overview() {
        let import = Facts {
            origin: Origin::Import,
            ..Facts::default()
        };
        let summary = system(&import);
        assert_eq!(summary.status, Some(SourceStatus::Absent));
        assert!(summary
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("imported")));
        // A live bundle of a build before the overview existed says so.
        let old_bundle = system(&Facts::default());
        assert!(old_bundle
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("did not read")));
    }
}
