use super::remedy::firmware as firmware_remedy;
use super::{Check, Context, Doc, Hit, Outcome};
use crate::facts::{OsFacts, ProcessorSocket};
use crate::knowledge::Setting;
use crate::model::{CheckId, FirmwareState, Platform, Severity, SourceName};

pub static CHECK: Check = Check {
    id: CheckId::CpusMissing,
    severity: Severity::Action,
    title: "Fewer logical CPUs run than the machine has",
    subject: "Every logical CPU running",
    doc: Doc {
        what: "Compares the logical CPUs the firmware reports (SMBIOS type 4: populated sockets × \
               enabled cores × threads), CPUID topology × sockets, and the CPUs the OS has present \
               and online.",
        why: "Old servers are often found with one CPU or one core running: a socket or cores \
              disabled in firmware, `maxcpus=`/`nr_cpus=` on the kernel line, CPUs taken offline. \
              Xen would inherit the same shortfall.",
        evidence:
            "SMBIOS type 4, CPUID topology, /sys/devices/system/cpu/{online,present,possible}, \
                   /proc/cmdline.",
        fix: "Enable the disabled cores/sockets in firmware (the finding names the cores setting \
              as this machine's vendor prints it; the table below lists every vendor), remove \
              `maxcpus=`/`nr_cpus=` from the boot line, bring offline CPUs online.",
    },
    settings: &[Setting::Cores],
    reads: &[&[SourceName::Sysfs, SourceName::Smbios]],
    run,
};

/// What the four comparisons found, in the order they ran.
#[derive(Default)]
struct Shortfall {
    evidence: Vec<String>,
    problems: Vec<String>,
    remedy: Vec<String>,
}

fn run(context: &Context) -> Outcome {
    let facts = context.facts;
    if context.assessment.platform.kind == Platform::VirtualMachine {
        return Outcome::DoesNotApply {
            reason: "a virtual machine's CPUs are what the hypervisor gives it",
        };
    }
    let os = &facts.os;
    let online = os.cpus_online.as_ref().map(|c| c.len() as u32);
    let mut found = Shortfall::default();
    offline(os, online, &mut found);
    if let Some(fw) = &facts.firmware {
        let populated: Vec<&ProcessorSocket> =
            fw.processors.iter().filter(|p| p.populated).collect();
        if sockets_limited(&populated, &mut found) {
            found
                .remedy
                .extend(firmware_remedy(context, Setting::Cores));
        }
        let smt_off = context.assessment.capabilities.smt.firmware == FirmwareState::Disabled;
        below_firmware_count(&populated, online, smt_off, &mut found);
    }
    if found.problems.is_empty() {
        return Outcome::Clear;
    }
    boot_line_limits(os.cmdline.as_deref(), &mut found);
    if found.remedy.is_empty() {
        found.remedy.push(
            "Check firmware setup for disabled sockets or cores, and the kernel command line for \
             maxcpus=/nr_cpus=."
                .into(),
        );
    }
    found.remedy.dedup();
    Outcome::found(Hit {
        detail: format!("{}.", found.problems.join("; ")),
        evidence: found.evidence,
        remedy: found.remedy,
    })
}

/// Present CPUs the OS took offline.
fn offline(os: &OsFacts, online: Option<u32>, found: &mut Shortfall) {
    let present = os.cpus_present.as_ref().map(|c| c.len() as u32);
    let (Some(online), Some(present)) = (online, present) else {
        return;
    };
    found
        .evidence
        .push(format!("sysfs: {present} CPUs present, {online} online"));
    if online < present {
        found
            .problems
            .push(format!("{} present CPUs are offline", present - online));
        found.remedy.push(
            "Bring the offline CPUs online (`echo 1 > /sys/devices/system/cpu/cpuN/online`) \
             and find what took them offline."
                .into(),
        );
    }
}

/// Sockets running fewer cores than they have, or disabled outright;
/// true when cores are limited (a firmware setting's business).
fn sockets_limited(populated: &[&ProcessorSocket], found: &mut Shortfall) -> bool {
    let mut cores_limited = false;
    for p in populated {
        let socket = p.socket.as_deref().unwrap_or("?");
        if let (Some(count), Some(enabled)) = (p.core_count, p.core_enabled) {
            if enabled < count {
                found.evidence.push(format!(
                    "smbios: socket {socket} has {count} cores, {enabled} enabled"
                ));
                found
                    .problems
                    .push(format!("socket {socket} runs {enabled} of {count} cores"));
                cores_limited = true;
            }
        }
        if let Some(status) = p.status.as_deref() {
            if status.to_ascii_lowercase().contains("disabled") {
                found
                    .evidence
                    .push(format!("smbios: socket {socket} status: {status}"));
                found
                    .problems
                    .push(format!("the CPU in socket {socket} is {status}"));
                found
                    .remedy
                    .push("Re-enable the disabled processor in firmware setup.".into());
            }
        }
    }
    cores_limited
}

/// Fewer CPUs online than the populated sockets' enabled threads.
fn below_firmware_count(
    populated: &[&ProcessorSocket],
    online: Option<u32>,
    smt_firmware_off: bool,
    found: &mut Shortfall,
) {
    let expected: Option<u32> = populated
        .iter()
        .map(|p| {
            let cores = p.core_enabled.or(p.core_count)?;
            let threads = if smt_firmware_off {
                cores
            } else {
                p.thread_count.unwrap_or(cores)
            };
            Some(u32::from(threads.max(cores)))
        })
        .sum();
    let (Some(expected), Some(online)) = (expected, online) else {
        return;
    };
    found.evidence.push(format!(
        "smbios: {} populated socket(s), {expected} logical CPUs expected",
        populated.len()
    ));
    if online < expected {
        found.problems.push(format!(
            "firmware reports {expected} logical CPUs, the OS runs {online}"
        ));
    }
}

/// `maxcpus=`, `nr_cpus=`, `possible_cpus=`, `nosmp` on the kernel line.
fn boot_line_limits(cmdline: Option<&str>, found: &mut Shortfall) {
    let Some(cmdline) = cmdline else {
        return;
    };
    let limits: Vec<&str> = cmdline
        .split_whitespace()
        .filter(|w| {
            w.starts_with("maxcpus=")
                || w.starts_with("nr_cpus=")
                || w.starts_with("possible_cpus=")
                || *w == "nosmp"
        })
        .collect();
    if !limits.is_empty() {
        found
            .evidence
            .push(format!("/proc/cmdline: {}", limits.join(" ")));
        found.remedy.push(format!(
            "Remove {} from the kernel command line.",
            limits.join(" ")
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::{bare_metal, run as run_check};
    use crate::facts::{CpuVendor, Facts, SmbiosFacts};

    fn socket(name: &str, cores: u16, enabled: u16, status: &str) -> ProcessorSocket {
        ProcessorSocket {
            socket: Some(name.into()),
            populated: true,
            status: Some(status.into()),
            core_count: Some(cores),
            core_enabled: Some(enabled),
            thread_count: Some(enabled),
            ..ProcessorSocket::default()
        }
    }

    fn machine() -> Facts {
        let mut facts = bare_metal(CpuVendor::Intel);
        facts.firmware = Some(SmbiosFacts {
            processors: vec![
                socket("CPU1", 8, 4, "enabled"),
                socket("CPU2", 8, 8, "disabled by user (BIOS setup)"),
            ],
            ..SmbiosFacts::default()
        });
        facts
    }

    #[test]
    fn every_comparison_adds_its_evidence_in_order() {
        let mut facts = machine();
        facts.os.cpus_present = Some((0..12).collect());
        facts.os.cpus_online = Some((0..10).collect());
        facts.os.cmdline = Some("ro maxcpus=10 quiet".into());
        let hits = run_check(&CHECK, &facts);
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].detail,
            "2 present CPUs are offline; socket CPU1 runs 4 of 8 cores; the CPU in socket CPU2 is \
             disabled by user (BIOS setup); firmware reports 12 logical CPUs, the OS runs 10."
        );
        assert_eq!(
            hits[0].evidence,
            [
                "sysfs: 12 CPUs present, 10 online",
                "smbios: socket CPU1 has 8 cores, 4 enabled",
                "smbios: socket CPU2 status: disabled by user (BIOS setup)",
                "smbios: 2 populated socket(s), 12 logical CPUs expected",
                "/proc/cmdline: maxcpus=10",
            ]
        );
        assert!(hits[0].remedy[0].starts_with("Bring the offline CPUs online"));
        assert_eq!(
            hits[0].remedy.last().map(String::as_str),
            Some("Remove maxcpus=10 from the kernel command line.")
        );
    }

    #[test]
    fn silent_when_everything_runs() {
        let mut facts = bare_metal(CpuVendor::Intel);
        facts.firmware = Some(SmbiosFacts {
            processors: vec![socket("CPU1", 4, 4, "enabled")],
            ..SmbiosFacts::default()
        });
        facts.os.cpus_present = Some((0..4).collect());
        facts.os.cpus_online = Some((0..4).collect());
        assert_eq!(run_check(&CHECK, &facts), vec![]);
    }
}
