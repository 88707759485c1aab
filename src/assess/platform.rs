use crate::facts::Facts;
use crate::knowledge::Knowledge;
use crate::model::Platform;

/// Where the readings come from. Inside a virtual machine every hardware
/// reading describes the virtual machine; inside a Xen dom0 CPUID is masked
/// and Xen's own view must be read instead.
#[derive(Debug, Clone, PartialEq)]
pub struct PlatformView {
    pub kind: Platform,
    pub hypervisor: Option<String>,
    pub evidence: Vec<String>,
}

pub fn detect(facts: &Facts, knowledge: &Knowledge) -> PlatformView {
    let mut evidence = Vec::new();
    let os = &facts.os;

    let xen_type = os.hypervisor_type.as_deref().map(str::trim) == Some("xen");
    let proc_xen = os.proc_xen_capabilities.as_deref().map(str::trim);
    if proc_xen.is_some_and(|caps| caps.contains("control_d")) {
        evidence.push("/proc/xen/capabilities: control_d (this is the control domain)".into());
        return PlatformView {
            kind: Platform::XenDom0,
            hypervisor: Some("Xen".into()),
            evidence,
        };
    }
    if xen_type {
        evidence.push("/sys/hypervisor/type: xen".into());
        match proc_xen {
            Some(_) => evidence.push("/proc/xen/capabilities lacks control_d: a Xen guest".into()),
            None => evidence.push(
                "/proc/xen/capabilities not readable (xenfs not mounted): dom0 cannot be told from a guest"
                    .into(),
            ),
        }
        return vm(Some("Xen".into()), evidence);
    }

    let mut hypervisor = None;
    if let Some(cpu) = &facts.cpu {
        if cpu.features.hypervisor {
            evidence.push("cpuid: leaf 0x1 ECX bit 31 (hypervisor present) = 1".into());
        }
        if let Some(signature) = &cpu.hypervisor_vendor {
            let name = knowledge.hypervisors.cpuid_vendor(signature);
            evidence.push(format!(
                "cpuid: leaf 0x40000000 vendor \"{signature}\"{}",
                name.map(|n| format!(" ({n})")).unwrap_or_default()
            ));
            hypervisor = Some(name.unwrap_or(signature).to_string());
        }
    }
    if let Some(fw) = &facts.firmware {
        let system = fw.system.as_ref();
        let manufacturer = system.and_then(|s| s.manufacturer.as_deref());
        let product = system.and_then(|s| s.product.as_deref());
        let bios_vendor = fw.bios.as_ref().and_then(|b| b.vendor.as_deref());
        if let Some(pattern) =
            knowledge
                .hypervisors
                .smbios_vendor(manufacturer, product, bios_vendor)
        {
            evidence.push(format!(
                "smbios: manufacturer \"{}\", product \"{}\", BIOS vendor \"{}\" match {}",
                manufacturer.unwrap_or("-"),
                product.unwrap_or("-"),
                bios_vendor.unwrap_or("-"),
                pattern.name
            ));
            hypervisor.get_or_insert_with(|| pattern.name.clone());
        }
    }
    if !evidence.is_empty() {
        return vm(hypervisor, evidence);
    }
    if facts.cpu.is_some() || facts.firmware.is_some() {
        return PlatformView {
            kind: Platform::BareMetal,
            hypervisor: None,
            evidence: vec![
                "no hypervisor bit in CPUID, no virtual-machine SMBIOS identity, no /sys/hypervisor"
                    .into(),
            ],
        };
    }
    PlatformView {
        kind: Platform::Unknown,
        hypervisor: None,
        evidence: vec!["neither CPUID nor SMBIOS was read".into()],
    }
}

fn vm(hypervisor: Option<String>, evidence: Vec<String>) -> PlatformView {
    PlatformView {
        kind: Platform::VirtualMachine,
        hypervisor,
        evidence,
    }
}
