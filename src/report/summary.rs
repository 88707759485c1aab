use crate::assess::PlatformView;
use crate::evidence::Origin;
use crate::facts::{CpuVendor, Facts};
use crate::model::Platform;
use serde::{Deserialize, Serialize};

/// Machine identity, from SMBIOS (or the sysfs copy of it).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct MachineSummary {
    pub vendor: Option<String>,
    pub product: Option<String>,
    pub serial: Option<String>,
    /// SMBIOS system UUID, lower case: with the serial, what tells two
    /// reports of one machine apart from two machines.
    #[serde(default)]
    pub uuid: Option<String>,
    pub bios_vendor: Option<String>,
    pub bios_version: Option<String>,
    pub bios_date: Option<String>,
}

/// The processors. `sockets × cores × threads` is the logical CPU count:
/// `cores` is per socket, `threads` per core.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CpuSummary {
    pub vendor: Option<String>,
    pub brand: Option<String>,
    pub family: Option<u32>,
    pub model: Option<u32>,
    pub stepping: Option<u32>,
    pub sockets: Option<u32>,
    pub cores: Option<u32>,
    pub threads: Option<u32>,
}

/// Where the readings come from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Environment {
    /// `live` (this machine) or `import` (foreign files).
    pub origin: Origin,
    pub platform: Platform,
    pub hypervisor: Option<String>,
    pub as_root: Option<bool>,
    /// When the evidence was captured (seconds since the Unix epoch), if
    /// known: a live scan knows, most foreign files do not.
    #[serde(default)]
    pub captured_at: Option<u64>,
    /// How long the live scan took to collect its evidence, in seconds;
    /// absent for imports. Added in schema 2 (additive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan_duration_seconds: Option<f64>,
}

/// Memory in MiB, two ways: what the firmware says is installed (SMBIOS
/// memory devices) and what the kernel manages (`/proc/meminfo`
/// MemTotal, a few percent less). Either is `null` when its source was
/// not read.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct MemorySummary {
    pub installed_mib: Option<u64>,
    pub os_total_mib: Option<u64>,
}

impl MemorySummary {
    /// "32768 MiB installed; 32000 MiB seen by the OS", or empty.
    pub fn overview(&self) -> String {
        [
            self.installed_mib.map(|n| format!("{n} MiB installed")),
            self.os_total_mib.map(|n| format!("{n} MiB seen by the OS")),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("; ")
    }
}

impl Environment {
    /// The hypervisor's name, or a phrase saying it could not be named.
    pub fn hypervisor_name(&self) -> &str {
        self.hypervisor
            .as_deref()
            .unwrap_or("an unidentified hypervisor")
    }
}

pub(super) fn machine(facts: &Facts) -> MachineSummary {
    let Some(fw) = &facts.firmware else {
        return MachineSummary::default();
    };
    let system = fw.system.clone().unwrap_or_default();
    let bios = fw.bios.clone().unwrap_or_default();
    let board = fw.baseboard.clone().unwrap_or_default();
    MachineSummary {
        vendor: system.manufacturer.or(board.manufacturer),
        product: system.product.or(board.product),
        serial: system.serial.or(board.serial),
        uuid: system.uuid,
        bios_vendor: bios.vendor,
        bios_version: bios.version,
        bios_date: bios.release_date,
    }
}

pub(super) fn cpu(facts: &Facts) -> CpuSummary {
    let os = &facts.os;
    let cpuinfo = os.cpuinfo.as_ref();
    let smbios_sockets = facts
        .firmware
        .as_ref()
        .map(|f| f.populated_sockets() as u32)
        .filter(|&n| n > 0);
    let smbios_cores = facts.firmware.as_ref().and_then(|f| {
        f.processors
            .iter()
            .find(|p| p.populated)
            .and_then(|p| p.core_enabled.or(p.core_count))
            .map(u32::from)
    });

    let mut summary = CpuSummary::default();
    if let Some(cpu) = &facts.cpu {
        summary.vendor = Some(vendor_name(cpu.vendor, &cpu.vendor_id));
        summary.brand = cpu.brand.clone();
        summary.family = Some(cpu.family);
        summary.model = Some(cpu.model);
        summary.stepping = Some(cpu.stepping);
    } else if let Some(info) = cpuinfo {
        summary.vendor = info.vendor_id.clone();
        summary.brand = info.model_name.clone();
        summary.family = info.family;
        summary.model = info.model;
        summary.stepping = info.stepping;
    } else if let Some(p) = facts
        .firmware
        .as_ref()
        .and_then(|f| f.processors.iter().find(|p| p.populated))
    {
        summary.vendor = p.manufacturer.clone();
        summary.brand = p.version.clone();
    }

    let cpuid_packages = facts.cpu.as_ref().and_then(|c| {
        let packages: std::collections::BTreeSet<u32> =
            c.locations.iter().map(|l| l.package).collect();
        (!packages.is_empty()).then_some(packages.len() as u32)
    });
    summary.sockets = os
        .packages()
        .or(cpuinfo.and_then(|c| c.packages))
        .or(smbios_sockets)
        .or(cpuid_packages);
    let cpuid_topology = facts.cpu.as_ref().map(|c| c.topology);
    let smbios_threads = facts.firmware.as_ref().and_then(|f| {
        let p = f.processors.iter().find(|p| p.populated)?;
        let cores = p.core_enabled.or(p.core_count).filter(|&c| c > 0)?;
        Some(u32::from(p.thread_count?) / u32::from(cores)).filter(|&t| t > 0)
    });
    summary.threads = os
        .threads_per_core()
        .or(cpuid_topology.and_then(|t| t.threads_per_core))
        .or(smbios_threads);
    summary.cores = match (os.cores(), os.packages()) {
        (Some(cores), Some(packages)) if packages > 0 => Some(cores / packages),
        _ => cpuid_topology
            .and_then(|t| t.cores_per_package)
            .or(cpuinfo.and_then(|c| c.cores_per_package))
            .or(smbios_cores),
    };
    summary
}

pub(super) fn environment(facts: &Facts, platform: &PlatformView) -> Environment {
    Environment {
        origin: facts.origin,
        platform: platform.kind,
        hypervisor: platform.hypervisor.clone(),
        as_root: facts.as_root,
        captured_at: facts.captured_at,
        scan_duration_seconds: facts.collect_micros.map(|us| us as f64 / 1e6),
    }
}

pub(super) fn memory(facts: &Facts) -> MemorySummary {
    MemorySummary {
        installed_mib: facts
            .firmware
            .as_ref()
            .and_then(|f| f.installed_memory_bytes())
            .map(|bytes| bytes >> 20),
        os_total_mib: facts.os.mem_total_kib.map(|kib| kib >> 10),
    }
}

fn vendor_name(vendor: CpuVendor, vendor_id: &str) -> String {
    match vendor {
        CpuVendor::Intel => "Intel".into(),
        CpuVendor::Amd => "AMD".into(),
        CpuVendor::Hygon => "Hygon".into(),
        CpuVendor::Centaur => "Centaur/VIA".into(),
        CpuVendor::Other => vendor_id.to_string(),
    }
}
