//! procfs and sysfs text (Evidence `files`) → OsFacts.
//!
//! A file that is missing leaves its field `None`; a file that is present
//! but malformed also leaves it `None` and adds a decode note saying why.

pub mod cpuinfo;
pub mod meminfo;
pub mod topology;

use crate::facts::{DecodeNote, OsFacts};
use crate::formats::cpulist::excerpt;
use std::collections::BTreeMap;

/// How many malformed numbers one file (or one per-CPU file kind) may note.
const NUMBER_NOTE_LIMIT: usize = 3;

const VULNERABILITIES: &str = "/sys/devices/system/cpu/vulnerabilities/";

pub fn decode(files: &BTreeMap<String, String>, notes: &mut Vec<DecodeNote>) -> OsFacts {
    let text = |path: &str| files.get(path).map(|t| t.trim().to_string());
    let nonempty = |path: &str| text(path).filter(|t| !t.is_empty());

    let cpus_online = topology::cpu_set(files, "online", notes);
    // Only when the file is missing: a malformed one has been noted and a
    // guess from elsewhere would hide that.
    let cpus_online = match cpus_online {
        None if !files.contains_key("/sys/devices/system/cpu/online") => {
            topology::online_from_per_cpu(files)
        }
        other => other,
    };
    let topology = topology::topology(files, cpus_online.as_deref(), notes);

    OsFacts {
        kernel_release: nonempty("/proc/sys/kernel/osrelease"),
        cmdline: text("/proc/cmdline"),
        cpuinfo: files
            .get("/proc/cpuinfo")
            .and_then(|t| cpuinfo::decode(t, notes)),
        cpus_present: topology::cpu_set(files, "present", notes),
        cpus_possible: topology::cpu_set(files, "possible", notes),
        cpus_online,
        smt_control: nonempty("/sys/devices/system/cpu/smt/control"),
        smt_active: smt_active(files, notes),
        topology,
        mem_total_kib: files
            .get("/proc/meminfo")
            .and_then(|t| meminfo::mem_total_kib(t, notes)),
        vulnerabilities: vulnerabilities(files),
        hypervisor_type: nonempty("/sys/hypervisor/type"),
        hypervisor_capabilities: nonempty("/sys/hypervisor/properties/capabilities"),
        // Empty is a finding: it is what a domU has, where dom0 has control_d.
        proc_xen_capabilities: text("/proc/xen/capabilities"),
    }
}

fn smt_active(files: &BTreeMap<String, String>, notes: &mut Vec<DecodeNote>) -> Option<bool> {
    let path = "/sys/devices/system/cpu/smt/active";
    match files.get(path)?.trim() {
        "1" => Some(true),
        "0" => Some(false),
        other => {
            notes.push(note(
                "sysfs",
                format!("{path}: '{}' is neither 0 nor 1", excerpt(other)),
            ));
            None
        }
    }
}

fn vulnerabilities(files: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    files
        .range(VULNERABILITIES.to_string()..)
        .map_while(|(path, text)| Some((path.strip_prefix(VULNERABILITIES)?, text)))
        .filter(|(name, _)| !name.is_empty() && !name.contains('/'))
        .map(|(name, text)| (name.to_string(), text.trim().to_string()))
        .collect()
}

fn note(source: &str, note: impl Into<String>) -> DecodeNote {
    DecodeNote {
        source: source.to_string(),
        note: note.into(),
    }
}

#[cfg(test)]
mod tests;
