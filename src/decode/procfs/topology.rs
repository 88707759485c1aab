//! `/sys/devices/system/cpu`: which CPUs exist and are online, and where
//! each online one sits (package, core, hyperthread siblings).

use super::{note, NUMBER_NOTE_LIMIT};
use crate::facts::{DecodeNote, SysTopology};
use crate::formats::cpulist::{excerpt, parse_cpu_list, parse_cpu_mask};
use std::collections::BTreeMap;

const SOURCE: &str = "sysfs";
const CPU_DIR: &str = "/sys/devices/system/cpu/";

/// `online`, `present` or `possible`, expanded; a malformed list is a note.
pub fn cpu_set(
    files: &BTreeMap<String, String>,
    name: &str,
    notes: &mut Vec<DecodeNote>,
) -> Option<Vec<u32>> {
    let path = format!("{CPU_DIR}{name}");
    let text = files.get(&path)?;
    match parse_cpu_list(text) {
        Ok(cpus) => Some(cpus),
        Err(e) => {
            notes.push(note(SOURCE, format!("{path}: {e}")));
            None
        }
    }
}

/// What sysfs says about one `cpuN` directory.
#[derive(Default)]
struct CpuFiles<'a> {
    online: Option<&'a str>,
    package_id: Option<&'a str>,
    core_id: Option<&'a str>,
    siblings_list: Option<&'a str>,
    siblings_mask: Option<&'a str>,
}

impl CpuFiles<'_> {
    fn has_topology(&self) -> bool {
        self.package_id.is_some()
            || self.core_id.is_some()
            || self.siblings_list.is_some()
            || self.siblings_mask.is_some()
    }
}

fn per_cpu(files: &BTreeMap<String, String>) -> BTreeMap<u32, CpuFiles<'_>> {
    let prefix = format!("{CPU_DIR}cpu");
    let mut cpus: BTreeMap<u32, CpuFiles> = BTreeMap::new();
    for (path, text) in files.range(prefix.clone()..) {
        let Some(rest) = path.strip_prefix(&prefix) else {
            break;
        };
        // `cpufreq/`, `cpuidle/` share the prefix but are not CPUs.
        let Some((number, file)) = rest.split_once('/') else {
            continue;
        };
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(cpu) = number.parse::<u32>() else {
            continue;
        };
        let entry = cpus.entry(cpu).or_default();
        let text = Some(text.as_str());
        match file {
            "online" => entry.online = text,
            "topology/physical_package_id" => entry.package_id = text,
            "topology/core_id" => entry.core_id = text,
            "topology/thread_siblings_list" => entry.siblings_list = text,
            "topology/thread_siblings" => entry.siblings_mask = text,
            _ => {}
        }
    }
    cpus
}

/// The online CPUs of a kernel too old for `cpu/online`, from the per-CPU
/// `online` files. A CPU without one (cpu0, which cannot be unplugged) is
/// online if it has topology files: kernels of that age removed a CPU's
/// `topology/` when it went offline.
pub fn online_from_per_cpu(files: &BTreeMap<String, String>) -> Option<Vec<u32>> {
    let cpus = per_cpu(files);
    let online: Vec<u32> = cpus
        .iter()
        .filter(|(_, f)| f.online.map_or(f.has_topology(), |t| t.trim() == "1"))
        .map(|(&cpu, _)| cpu)
        .collect();
    (!online.is_empty()).then_some(online)
}

/// One entry per CPU that has topology files, restricted to `online` when
/// that is known.
pub fn topology(
    files: &BTreeMap<String, String>,
    online: Option<&[u32]>,
    notes: &mut Vec<DecodeNote>,
) -> Vec<SysTopology> {
    let mut bad = BadValues::default();
    let mut out = Vec::new();
    for (cpu, f) in per_cpu(files) {
        if !f.has_topology() || online.is_some_and(|on| on.binary_search(&cpu).is_err()) {
            continue;
        }
        let thread_siblings = match (f.siblings_list, f.siblings_mask) {
            (Some(list), _) => {
                parse_cpu_list(list).map_err(|e| (cpu, "thread_siblings_list", e.to_string()))
            }
            (None, Some(mask)) => {
                parse_cpu_mask(mask).map_err(|e| (cpu, "thread_siblings", e.to_string()))
            }
            (None, None) => Ok(Vec::new()),
        };
        out.push(SysTopology {
            cpu,
            package_id: f
                .package_id
                .and_then(|t| id(cpu, "physical_package_id", t, &mut bad)),
            core_id: f.core_id.and_then(|t| id(cpu, "core_id", t, &mut bad)),
            thread_siblings: thread_siblings.unwrap_or_else(|(cpu, file, e)| {
                bad.push(cpu, file, e);
                Vec::new()
            }),
        });
    }
    bad.report(notes);
    out
}

/// A topology id; -1 is how the kernel says "not known" and is no error.
fn id(cpu: u32, file: &str, text: &str, bad: &mut BadValues) -> Option<u32> {
    let text = text.trim();
    if text == "-1" {
        return None;
    }
    match text.parse() {
        Ok(id) => Some(id),
        Err(_) => {
            bad.push(cpu, file, format!("'{}' is not a number", excerpt(text)));
            None
        }
    }
}

/// Malformed per-CPU values, reported as a few notes however many CPUs a
/// broken capture has.
#[derive(Default)]
struct BadValues {
    count: usize,
    shown: Vec<String>,
}

impl BadValues {
    fn push(&mut self, cpu: u32, file: &str, problem: String) {
        self.count += 1;
        if self.shown.len() < NUMBER_NOTE_LIMIT {
            self.shown
                .push(format!("cpu{cpu}/topology/{file}: {problem}"));
        }
    }

    fn report(self, notes: &mut Vec<DecodeNote>) {
        let hidden = self.count - self.shown.len();
        notes.extend(self.shown.into_iter().map(|s| note(SOURCE, s)));
        if hidden > 0 {
            notes.push(note(
                SOURCE,
                format!("{hidden} more malformed topology values"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn lists_and_modern_topology() {
        let f = files(&[
            ("/sys/devices/system/cpu/online", "0-1,3\n"),
            (
                "/sys/devices/system/cpu/cpu0/topology/physical_package_id",
                "0\n",
            ),
            ("/sys/devices/system/cpu/cpu0/topology/core_id", "0\n"),
            (
                "/sys/devices/system/cpu/cpu0/topology/thread_siblings_list",
                "0,2\n",
            ),
            (
                "/sys/devices/system/cpu/cpu1/topology/physical_package_id",
                "-1\n",
            ),
            ("/sys/devices/system/cpu/cpu2/topology/core_id", "0\n"),
            (
                "/sys/devices/system/cpu/cpufreq/policy0/scaling_driver",
                "acpi-cpufreq\n",
            ),
        ]);
        let mut notes = Vec::new();
        let online = cpu_set(&f, "online", &mut notes);
        assert_eq!(online, Some(vec![0, 1, 3]));
        assert_eq!(cpu_set(&f, "present", &mut notes), None);
        let topo = topology(&f, online.as_deref(), &mut notes);
        assert_eq!(notes, vec![]);
        // cpu2 is offline, cpu3 has no topology files.
        assert_eq!(topo.iter().map(|t| t.cpu).collect::<Vec<_>>(), vec![0, 1]);
        assert_eq!(topo[0].thread_siblings, vec![0, 2]);
        assert_eq!(topo[1].package_id, None);
    }

    #[test]
    fn old_kernels_fall_back_to_masks_and_per_cpu_online() {
        let f = files(&[
            (
                "/sys/devices/system/cpu/cpu0/topology/thread_siblings",
                "00000101\n",
            ),
            ("/sys/devices/system/cpu/cpu1/online", "0\n"),
            (
                "/sys/devices/system/cpu/cpu1/topology/thread_siblings",
                "00000202\n",
            ),
            ("/sys/devices/system/cpu/cpu8/online", "1\n"),
            (
                "/sys/devices/system/cpu/cpu8/topology/thread_siblings",
                "00000101\n",
            ),
        ]);
        let online = online_from_per_cpu(&f);
        assert_eq!(online, Some(vec![0, 8]));
        let topo = topology(&f, online.as_deref(), &mut Vec::new());
        assert_eq!(topo.len(), 2);
        assert_eq!(topo[1].thread_siblings, vec![0, 8]);
    }

    #[test]
    fn malformed_values_are_bounded_notes() {
        let mut pairs = Vec::new();
        for cpu in 0..100 {
            pairs.push((
                format!("/sys/devices/system/cpu/cpu{cpu}/topology/core_id"),
                "x".to_string(),
            ));
        }
        pairs.push(("/sys/devices/system/cpu/online".into(), "0-".into()));
        let f: BTreeMap<String, String> = pairs.into_iter().collect();
        let mut notes = Vec::new();
        assert_eq!(cpu_set(&f, "online", &mut notes), None);
        let topo = topology(&f, None, &mut notes);
        assert_eq!(topo.len(), 100);
        assert!(topo.iter().all(|t| t.core_id.is_none()));
        assert_eq!(notes.len(), 1 + NUMBER_NOTE_LIMIT + 1, "{notes:?}");
        assert!(notes[NUMBER_NOTE_LIMIT + 1].note.starts_with("97 more"));
    }
}
