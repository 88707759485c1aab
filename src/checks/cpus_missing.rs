use super::remedy::firmware as firmware_remedy;
use super::{Check, Context, Doc, Hit};
use crate::knowledge::Setting;
use crate::model::{FirmwareState, Platform, Severity};

pub static CHECK: Check = Check {
    id: "cpus-missing",
    severity: Severity::Action,
    title: "Fewer logical CPUs run than the machine has",
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
    run,
};

fn run(context: &Context) -> Vec<Hit> {
    let facts = context.facts;
    if context.assessment.platform.kind == Platform::VirtualMachine {
        return Vec::new();
    }
    let os = &facts.os;
    let online = os.cpus_online.as_ref().map(|c| c.len() as u32);
    let present = os.cpus_present.as_ref().map(|c| c.len() as u32);
    let smt_firmware_off = context.assessment.capabilities.smt.firmware == FirmwareState::Disabled;

    let mut evidence = Vec::new();
    let mut problems = Vec::new();
    let mut remedy = Vec::new();
    let mut cores_limited = false;

    if let (Some(online), Some(present)) = (online, present) {
        evidence.push(format!("sysfs: {present} CPUs present, {online} online"));
        if online < present {
            problems.push(format!("{} present CPUs are offline", present - online));
            remedy.push(
                "Bring the offline CPUs online (`echo 1 > /sys/devices/system/cpu/cpuN/online`) \
                 and find what took them offline."
                    .into(),
            );
        }
    }

    if let Some(fw) = &facts.firmware {
        let populated: Vec<_> = fw.processors.iter().filter(|p| p.populated).collect();
        for p in &populated {
            let socket = p.socket.as_deref().unwrap_or("?");
            if let (Some(count), Some(enabled)) = (p.core_count, p.core_enabled) {
                if enabled < count {
                    evidence.push(format!(
                        "smbios: socket {socket} has {count} cores, {enabled} enabled"
                    ));
                    problems.push(format!("socket {socket} runs {enabled} of {count} cores"));
                    cores_limited = true;
                }
            }
            if let Some(status) = p.status.as_deref() {
                if status.to_ascii_lowercase().contains("disabled") {
                    evidence.push(format!("smbios: socket {socket} status: {status}"));
                    problems.push(format!("the CPU in socket {socket} is {status}"));
                    remedy.push("Re-enable the disabled processor in firmware setup.".into());
                }
            }
        }
        if cores_limited {
            remedy.extend(firmware_remedy(context, Setting::Cores));
        }
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
        if let (Some(expected), Some(online)) = (expected, online) {
            evidence.push(format!(
                "smbios: {} populated socket(s), {expected} logical CPUs expected",
                populated.len()
            ));
            if online < expected {
                problems.push(format!(
                    "firmware reports {expected} logical CPUs, the OS runs {online}"
                ));
            }
        }
    }

    if problems.is_empty() {
        return Vec::new();
    }
    if let Some(cmdline) = os.cmdline.as_deref() {
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
            evidence.push(format!("/proc/cmdline: {}", limits.join(" ")));
            remedy.push(format!(
                "Remove {} from the kernel command line.",
                limits.join(" ")
            ));
        }
    }
    if remedy.is_empty() {
        remedy.push(
            "Check firmware setup for disabled sockets or cores, and the kernel command line for \
             maxcpus=/nr_cpus=."
                .into(),
        );
    }
    remedy.dedup();
    vec![Hit {
        detail: format!("{}.", problems.join("; ")),
        evidence,
        remedy,
    }]
}
