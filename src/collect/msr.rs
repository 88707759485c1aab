//! Model-specific registers through `/dev/cpu/N/msr` (pread at the MSR
//! number as a 64-bit offset: 0xC0010114 lies above 2^31).
//!
//! CPU 0 gets the full set: the control MSRs firmware sets, the VMX
//! capability MSRs, VM_CR and EFER. The other online CPUs only get the
//! three control MSRs firmware sometimes sets on the boot CPU alone, which
//! keeps a scan of a 256-thread machine to a few hundred reads.
//!
//! The `msr` module may be missing. A root scan of the live machine loads
//! it (and `cpuid`), and unloads what it loaded when the scan ends; every
//! other case says in the source detail why there are no MSRs.

use super::process;
use super::procfs::{errno_name, is_missing};
use crate::bounded::{self, Device, Over, FILE_CAP};
use crate::evidence::{Evidence, MsrDump, MsrReading, SourceStatus};
use crate::formats::cpulist::parse_cpu_list;
use crate::model::SourceName;
use nix::errno::Errno;
use std::collections::BTreeMap;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const SOURCE: SourceName = SourceName::Msr;

/// Read on the first CPU: feature control, misc enable, the VMX
/// capability MSRs 0x480–0x491, VM_CR, EFER.
pub const FIRST_CPU_MSRS: [u32; 22] = [
    0x3A,
    0x1A0,
    0x480,
    0x481,
    0x482,
    0x483,
    0x484,
    0x485,
    0x486,
    0x487,
    0x488,
    0x489,
    0x48A,
    0x48B,
    0x48C,
    0x48D,
    0x48E,
    0x48F,
    0x490,
    0x491,
    0xC001_0114,
    0xC000_0080,
];

/// Read on every other online CPU.
pub const OTHER_CPU_MSRS: [u32; 3] = [0x3A, 0x1A0, 0xC001_0114];

/// modprobe is not always on root's PATH (`su` without `-`).
const MODPROBE: [&str; 3] = ["/usr/sbin/modprobe", "/sbin/modprobe", "modprobe"];
const MODPROBE_TIMEOUT: Duration = Duration::from_secs(2);
/// devtmpfs creates the node as the module registers; this only covers a
/// slow udev on systems without it.
const NODE_WAIT: Duration = Duration::from_millis(100);

fn node(root: &Path, cpu: u32, name: &str) -> PathBuf {
    root.join(format!("dev/cpu/{cpu}/{name}"))
}

/// What this run did about the `msr` and `cpuid` modules.
#[derive(Debug, Default)]
pub struct Modules {
    /// Loaded by this run, to unload when it ends.
    loaded: Vec<&'static str>,
    /// Why `/dev/cpu/0/msr` is missing when it is, for the source detail.
    missing: Option<Missing>,
}

#[derive(Debug, Clone, PartialEq)]
enum Missing {
    /// A captured tree, or `--no-modules`: nothing was tried.
    NotTried(String),
    /// Loading the module needs root.
    NeedsRoot,
    LoadFailed(String),
}

impl Modules {
    /// Loads `msr` (and `cpuid`, whose node the CPUID collector may use)
    /// when `/dev/cpu/0/msr` is missing, if this is a root scan of the
    /// live machine that allows it.
    pub fn prepare(root: &Path, load_modules: bool, as_root: bool) -> Modules {
        let mut modules = Modules::default();
        let msr_node = node(root, 0, "msr");
        if msr_node.exists() {
            return modules;
        }
        let refusal = if root != Path::new("/") {
            Some(Missing::NotTried(format!(
                "no /dev/cpu/0/msr under {}",
                root.display()
            )))
        } else if !load_modules {
            Some(Missing::NotTried(
                "/dev/cpu/0/msr is missing (the msr module is not loaded) and --no-modules forbids loading it"
                    .into(),
            ))
        } else if !as_root {
            Some(Missing::NeedsRoot)
        } else {
            None
        };
        if refusal.is_some() {
            modules.missing = refusal;
            return modules;
        }
        if let Err(reason) = modules.load("msr") {
            modules.missing = Some(Missing::LoadFailed(reason));
            return modules;
        }
        wait_for(&msr_node);
        if !msr_node.exists() {
            modules.missing = Some(Missing::LoadFailed(
                "the msr module is loaded but /dev/cpu/0/msr did not appear".into(),
            ));
        }
        if !node(root, 0, "cpuid").exists() {
            let _ = modules.load("cpuid");
        }
        modules
    }

    /// Loads one module, remembering it for `unload` only when this run
    /// is what loaded it: one already in memory belongs to someone else.
    fn load(&mut self, module: &'static str) -> Result<(), String> {
        let resident = Path::new("/sys/module").join(module).exists();
        if resident {
            // Loaded or built in: modprobe would succeed and change nothing.
            return Ok(());
        }
        modules_dep::loadable(module, Path::new("/"))?;
        modprobe(&[module])?;
        if !resident {
            self.loaded.push(module);
        }
        Ok(())
    }

    pub fn loaded(&self) -> &[&'static str] {
        &self.loaded
    }

    /// Unloads what `prepare` loaded. A module someone else started using
    /// meanwhile stays: modprobe -r refuses, which is the right outcome.
    pub fn unload(self) {
        for module in self.loaded.iter().rev() {
            let _ = modprobe(&["-r", module]);
        }
    }
}

fn wait_for(path: &Path) {
    let deadline = Instant::now() + NODE_WAIT;
    while !path.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Runs modprobe with a deadline; the error is what a user needs to see.
fn modprobe(args: &[&str]) -> Result<(), String> {
    let program = MODPROBE
        .iter()
        .copied()
        .find(|p| Path::new(p).exists())
        .unwrap_or("modprobe");
    let caps = process::Caps {
        stdout: 0,
        stderr: 4 << 10,
    };
    let command = format!("{program} {}", args.join(" "));
    let output = match process::run(Path::new(program), args, MODPROBE_TIMEOUT, caps) {
        Ok(output) => output,
        Err(process::RunError::Spawn(e)) => return Err(format!("cannot run {program}: {e}")),
        Err(process::RunError::Timeout(_)) => {
            return Err(format!(
                "{command} did not finish within {} s",
                MODPROBE_TIMEOUT.as_secs()
            ))
        }
        Err(e) => return Err(format!("{command}: {e}")),
    };
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let first = stderr.lines().find(|l| !l.trim().is_empty());
    Err(match first {
        Some(line) => line.trim().chars().take(200).collect(),
        None => format!("{command} exited with {}", output.status),
    })
}

/// The online CPUs, from sysfs; CPU 0 alone when the list is unreadable.
fn online_cpus(root: &Path) -> Vec<u32> {
    bounded::read_text(
        &root.join("sys/devices/system/cpu/online"),
        FILE_CAP,
        Over::Refuse,
    )
    .ok()
    .and_then(|read| parse_cpu_list(&read.text).ok())
    .filter(|cpus| !cpus.is_empty())
    .unwrap_or_else(|| vec![0])
}

enum Read {
    Value(u64),
    /// EIO: the CPU does not implement this MSR.
    Absent,
    Denied(String),
    Failed(String),
}

fn read_msr(file: &File, msr: u32) -> Read {
    let mut buf = [0u8; 8];
    match file.read_at(&mut buf, u64::from(msr)) {
        Ok(8) => Read::Value(u64::from_le_bytes(buf)),
        // Only a captured tree ends early; the device answers 8 or errs.
        Ok(n) => Read::Failed(format!("{n}-byte read")),
        Err(e) => match e.raw_os_error().map(Errno::from_raw) {
            Some(Errno::EIO) => Read::Absent,
            Some(Errno::EACCES | Errno::EPERM) => Read::Denied(errno_name(&e)),
            _ => Read::Failed(errno_name(&e)),
        },
    }
}

#[derive(Default)]
struct Tally {
    values: usize,
    absent: usize,
    denied: Vec<String>,
    failed: Vec<String>,
}

pub fn collect(evidence: &mut Evidence, root: &Path, modules: &Modules) {
    let cpus = online_cpus(root);
    let first = cpus.first().copied().unwrap_or(0);
    let mut tally = Tally::default();
    let mut dumps = Vec::with_capacity(cpus.len());
    for &cpu in &cpus {
        let path = node(root, cpu, "msr");
        let file = match bounded::open(&path, Some(Device::Msr)).map_err(std::io::Error::from) {
            Ok(file) => file,
            Err(e) if cpu == first => {
                let (status, detail) = first_cpu_failure(&e, cpu, modules);
                evidence.record(SOURCE, status, detail);
                return;
            }
            Err(e) => {
                tally
                    .failed
                    .push(format!("/dev/cpu/{cpu}/msr ({})", errno_name(&e)));
                continue;
            }
        };
        let wanted: &[u32] = if cpu == first {
            &FIRST_CPU_MSRS
        } else {
            &OTHER_CPU_MSRS
        };
        let mut values = BTreeMap::new();
        for &msr in wanted {
            match read_msr(&file, msr) {
                Read::Value(v) => {
                    tally.values += 1;
                    values.insert(msr, MsrReading::Value(v));
                }
                Read::Absent => {
                    tally.absent += 1;
                    values.insert(msr, MsrReading::Absent);
                }
                Read::Denied(e) => tally.denied.push(format!("{msr:#x} on CPU {cpu} ({e})")),
                Read::Failed(e) => tally.failed.push(format!("{msr:#x} on CPU {cpu} ({e})")),
            }
        }
        if !values.is_empty() {
            dumps.push(MsrDump { cpu, values });
        }
    }
    let (status, detail) = summary(&tally, dumps.len(), modules);
    evidence.msr = dumps;
    evidence.record(SOURCE, status, detail);
}

fn first_cpu_failure(
    error: &std::io::Error,
    cpu: u32,
    modules: &Modules,
) -> (SourceStatus, String) {
    let path = format!("/dev/cpu/{cpu}/msr");
    if is_missing(error) {
        return match &modules.missing {
            Some(Missing::NeedsRoot) => (
                SourceStatus::Denied,
                format!("{path} is missing (the msr module is not loaded); run as root so xenready can load it"),
            ),
            Some(Missing::NotTried(why)) => (SourceStatus::Absent, why.clone()),
            Some(Missing::LoadFailed(why)) => (
                SourceStatus::Absent,
                format!("the msr module could not be loaded: {why}"),
            ),
            None => (SourceStatus::Absent, format!("{path} is missing")),
        };
    }
    match error.raw_os_error().map(Errno::from_raw) {
        Some(Errno::EACCES | Errno::EPERM) => (
            SourceStatus::Denied,
            format!("{path}: {} (run as root)", errno_name(error)),
        ),
        _ => (
            SourceStatus::Error,
            format!("{path}: {}", errno_name(error)),
        ),
    }
}

fn summary(tally: &Tally, cpus: usize, modules: &Modules) -> (SourceStatus, String) {
    let mut parts = vec![format!(
        "{} MSR values on {cpus} CPUs, {} absent (the CPU lacks them)",
        tally.values, tally.absent
    )];
    if !modules.loaded.is_empty() {
        parts.push(format!(
            "loaded module(s) {} for the scan",
            modules.loaded.join(", ")
        ));
    }
    for (label, list) in [("denied", &tally.denied), ("unreadable", &tally.failed)] {
        if !list.is_empty() {
            let mut named: Vec<&str> = list.iter().map(String::as_str).take(5).collect();
            let more = list.len().saturating_sub(named.len());
            let more_text = format!("and {more} more");
            if more > 0 {
                named.push(&more_text);
            }
            parts.push(format!("{label}: {}", named.join(", ")));
        }
    }
    let status = if tally.values + tally.absent == 0 {
        if tally.failed.is_empty() && !tally.denied.is_empty() {
            SourceStatus::Denied
        } else {
            SourceStatus::Error
        }
    } else if tally.denied.is_empty() && tally.failed.is_empty() {
        SourceStatus::Ok
    } else {
        SourceStatus::Partial
    };
    (status, parts.join("; "))
}

mod modules_dep;
#[cfg(test)]
mod tests;
