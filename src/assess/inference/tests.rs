//! Inference over facts shaped like the InstLatx64 dumps (the CPUID bits are
//! the dumps' own; see `tests/cpuid_dumps.rs` for the same cases replayed
//! through the importer once it exists).

use crate::assess::assess;
use crate::facts::{
    CpuFacts, CpuFeatures, CpuTopology, CpuVendor, Facts, KernelLogFacts, LogEvent,
};
use crate::knowledge::Knowledge;
use crate::model::{CapState, FirmwareState, LogMeaning, Platform, Silicon, Verdict};

struct Cpu {
    vendor: CpuVendor,
    signature: u32,
    brand: &'static str,
    lm: bool,
    nx: bool,
    vmx: bool,
    svm: bool,
    hypervisor: bool,
}

const INTEL: Cpu = Cpu {
    vendor: CpuVendor::Intel,
    signature: 0,
    brand: "",
    lm: true,
    nx: true,
    vmx: true,
    svm: false,
    hypervisor: false,
};

fn facts(cpu: Cpu) -> Facts {
    let (family, model, stepping) = crate::knowledge::generations::decode_signature(cpu.signature);
    Facts {
        cpu: Some(CpuFacts {
            vendor: cpu.vendor,
            vendor_id: match cpu.vendor {
                CpuVendor::Amd => "AuthenticAMD".into(),
                _ => "GenuineIntel".into(),
            },
            brand: (!cpu.brand.is_empty()).then(|| cpu.brand.to_string()),
            family,
            model,
            stepping,
            signature: cpu.signature,
            max_basic_leaf: 0xB,
            max_extended_leaf: 0x8000_0008,
            features: CpuFeatures {
                long_mode: cpu.lm,
                nx: cpu.nx,
                vmx: cpu.vmx,
                svm: cpu.svm,
                hypervisor: cpu.hypervisor,
                ..CpuFeatures::default()
            },
            hypervisor_vendor: None,
            topology: CpuTopology::default(),
            locations: Vec::new(),
        }),
        ..Facts::default()
    }
}

fn knowledge() -> &'static Knowledge {
    Knowledge::builtin()
}

fn inferred(evidence: &[String], words: &str) -> bool {
    evidence
        .iter()
        .any(|e| e.contains("inferred") && e.contains(words))
}

/// GenuineIntel00206A7_SandyBridge4: a Pentium G840 whose 0x80000001 EDX
/// lacks NX. Every Sandy Bridge has NX, so firmware hides it.
#[test]
fn nx_hidden_on_sandy_bridge_reads_as_disabled_in_firmware() {
    let f = facts(Cpu {
        signature: 0x206A7,
        brand: "Intel(R) Pentium(R) CPU G840 @ 2.80GHz",
        nx: false,
        ..INTEL
    });
    let a = assess(&f, knowledge());
    let nx = &a.capabilities.nx;
    assert_eq!(nx.state, CapState::DisabledInFirmware, "{:?}", nx.evidence);
    assert_eq!(nx.silicon, Silicon::Yes);
    assert!(inferred(&nx.evidence, "Sandy Bridge"), "{:?}", nx.evidence);
    assert!(nx
        .evidence
        .iter()
        .any(|e| e.contains("Execute Disable off in firmware")));
}

/// A generation where NX is not on every SKU (Nocona D0 lacks XD) keeps an
/// absent NX bit unexplained.
#[test]
fn nx_absent_on_nocona_is_not_called_hidden() {
    let f = facts(Cpu {
        signature: 0xF34,
        brand: "Intel(R) Xeon(TM) CPU 2.80GHz",
        nx: false,
        vmx: false,
        ..INTEL
    });
    let a = assess(&f, knowledge());
    assert_ne!(a.capabilities.nx.state, CapState::DisabledInFirmware);
    assert_eq!(a.capabilities.hvm.state, CapState::Unsupported);
}

/// GenuineIntel00206E6_Beckton: a Xeon X6550 inside a VM, hypervisor bit
/// set, VMX masked.
#[test]
fn vt_x_masked_in_a_vm_is_hidden_by_the_hypervisor_not_unsupported() {
    let f = facts(Cpu {
        signature: 0x206E6,
        brand: "Intel(R) Xeon(R) CPU           X6550  @ 2.00GHz",
        vmx: false,
        hypervisor: true,
        ..INTEL
    });
    let a = assess(&f, knowledge());
    assert_eq!(a.platform.kind, Platform::VirtualMachine);
    let hvm = &a.capabilities.hvm;
    assert_ne!(hvm.state, CapState::Unsupported);
    assert_eq!(hvm.silicon, Silicon::Yes);
    assert!(
        inferred(&hvm.evidence, "hidden by the hypervisor"),
        "{:?}",
        hvm.evidence
    );
    assert!(inferred(&hvm.evidence, "Nehalem-EX"));
}

/// GenuineIntel00206E5_Beckton on bare metal shows VT-x: nothing to infer.
#[test]
fn vt_x_shown_by_cpuid_needs_no_inference() {
    let f = facts(Cpu {
        signature: 0x206E5,
        brand: "Intel(R) Xeon(R) CPU           E7520  @ 1.87GHz",
        ..INTEL
    });
    let a = assess(&f, knowledge());
    let hvm = &a.capabilities.hvm;
    assert_eq!(hvm.silicon, Silicon::Yes);
    assert!(!hvm.evidence.iter().any(|e| e.contains("inferred")));
}

/// GenuineIntel00106A2_Nehalem-EP: X5550 (engineering-sample brand), no VMX
/// MSR lines: EPT is inferred, so HAP is `supported`, said to be inferred.
#[test]
fn ept_without_msrs_is_supported_by_inference_on_nehalem_ep() {
    let f = facts(Cpu {
        signature: 0x106A2,
        brand: "Genuine Intel(R) CPU           @ 0000 @ 2.67GHz",
        ..INTEL
    });
    let a = assess(&f, knowledge());
    let hap = &a.capabilities.hap;
    assert_eq!(hap.state, CapState::Supported, "{:?}", hap.evidence);
    assert!(inferred(&hap.evidence, "Nehalem-EP"), "{:?}", hap.evidence);
}

/// GenuineIntel0010661_ConroeL: Celeron 420, no VT-x in CPUID and none in
/// its generation: unsupported.
#[test]
fn celeron_420_without_vt_x_stays_unsupported() {
    let f = facts(Cpu {
        signature: 0x10661,
        brand: "Intel(R) Celeron(R) CPU          420  @ 1.60GHz",
        vmx: false,
        ..INTEL
    });
    assert_eq!(
        assess(&f, knowledge()).capabilities.hvm.state,
        CapState::Unsupported
    );
}

/// GenuineIntel001067A_Penryn: Pentium T4200. Penryn mostly has VT-x, but
/// CPUID wins: not every SKU has it and nothing explains hiding.
#[test]
fn pentium_t4200_without_vt_x_stays_unsupported() {
    let f = facts(Cpu {
        signature: 0x1067A,
        brand: "Pentium(R) Dual-Core CPU       T4200  @ 2.00GHz",
        vmx: false,
        ..INTEL
    });
    let a = assess(&f, knowledge());
    assert_eq!(a.capabilities.hvm.state, CapState::Unsupported);
    assert_eq!(a.capabilities.hap.state, CapState::Unsupported);
}

/// A Harpertown Xeon (VT-x on every SKU) whose CPUID shows no VMX on bare
/// metal: hidden, not missing.
#[test]
fn vt_x_absent_on_an_all_vt_x_generation_reads_as_hidden() {
    let f = facts(Cpu {
        signature: 0x10676,
        brand: "Intel(R) Xeon(R) CPU           E5462  @ 2.80GHz",
        vmx: false,
        ..INTEL
    });
    let hvm = assess(&f, knowledge()).capabilities.hvm;
    assert_eq!(hvm.silicon, Silicon::Yes);
    // No hypervisor bit, so no hypervisor masks CPUID: firmware hid it.
    assert_eq!(hvm.state, CapState::DisabledInFirmware);
    assert!(
        inferred(&hvm.evidence, "so firmware hides it"),
        "{:?}",
        hvm.evidence
    );
}

/// Firmware evidence explains a clear bit even on a mostly-VT-x generation.
#[test]
fn a_disabled_by_bios_line_makes_hidden_vt_x_disabled_in_firmware() {
    let mut f = facts(Cpu {
        signature: 0x10676,
        brand: "Intel(R) Core(TM)2 Duo CPU     P8400  @ 2.26GHz",
        vmx: false,
        ..INTEL
    });
    f.kernel_log = Some(KernelLogFacts {
        events: vec![LogEvent {
            id: "virt-disabled-by-bios".into(),
            meanings: vec![LogMeaning::HvmDisabledByFirmware],
            line: 7,
            text: "kvm: disabled by bios".into(),
            ..LogEvent::default()
        }],
        ..KernelLogFacts::default()
    });
    let hvm = assess(&f, knowledge()).capabilities.hvm;
    assert_eq!(
        hvm.state,
        CapState::DisabledInFirmware,
        "{:?}",
        hvm.evidence
    );
    assert_eq!(hvm.firmware, FirmwareState::Disabled);
}

/// Nocona has hyper-threading on every SKU: one thread per core means
/// firmware switched it off.
#[test]
fn one_thread_per_core_on_an_all_ht_generation_is_ht_disabled_in_firmware() {
    let mut f = facts(Cpu {
        signature: 0xF34,
        brand: "Intel(R) Xeon(TM) CPU 2.80GHz",
        nx: false,
        vmx: false,
        ..INTEL
    });
    if let Some(cpu) = f.cpu.as_mut() {
        cpu.topology.threads_per_core = Some(1);
    }
    let smt = assess(&f, knowledge()).capabilities.smt;
    assert_eq!(smt.silicon, Silicon::Yes);
    assert_eq!(
        smt.state,
        CapState::DisabledInFirmware,
        "{:?}",
        smt.evidence
    );
    assert!(inferred(&smt.evidence, "every SKU has it"));
}

/// Not every E5-26xx has hyper-threading (E5-2603 has none): leave it unknown.
#[test]
fn one_thread_per_core_on_a_mixed_brand_family_stays_unknown() {
    let mut f = facts(Cpu {
        signature: 0x206D7,
        brand: "Intel(R) Xeon(R) CPU E5-2603 0 @ 1.80GHz",
        ..INTEL
    });
    if let Some(cpu) = f.cpu.as_mut() {
        cpu.topology.threads_per_core = Some(1);
    }
    let smt = assess(&f, knowledge()).capabilities.smt;
    assert_eq!(smt.silicon, Silicon::Unknown);
}

/// The platform IOMMU is noted as inference and never passes.
#[test]
fn iommu_gets_a_note_not_a_pass() {
    let f = facts(Cpu {
        signature: 0x106A5,
        brand: "Intel(R) Xeon(R) CPU           X5570  @ 2.93GHz",
        ..INTEL
    });
    let iommu = assess(&f, knowledge()).capabilities.iommu;
    assert_eq!(iommu.state, CapState::Unknown);
    assert!(
        inferred(&iommu.evidence, "5500/5520"),
        "{:?}",
        iommu.evidence
    );
}

/// GenuineIntel00006F4_Woodcrest: VT-x without EPT. Upstream Xen is
/// limited (shadow paging), XCP-ng 8.3 and XenServer 8 run no guest
/// (no shadow paging, no PV), Citrix Hypervisor 8.2 is limited; the matrix
/// has all six.
#[test]
fn woodcrest_is_limited_upstream_and_not_suitable_for_xcp_ng_8_3() {
    let f = facts(Cpu {
        signature: 0x6F4,
        brand: "Genuine Intel(R) CPU                  @ 2.33GHz",
        ..INTEL
    });
    let k = knowledge();
    let report = crate::analyze_facts(&f, k, k.default_target());
    assert_eq!(report.verdict, Verdict::Limited);
    assert_eq!(report.targets.len(), 6);
    for (id, verdict) in [
        ("xcp-ng-8.3", Verdict::NotSuitable),
        ("xenserver-8", Verdict::NotSuitable),
        ("citrix-hypervisor-8.2", Verdict::Limited),
    ] {
        assert_eq!(
            report.targets.get(id).map(|t| t.verdict),
            Some(verdict),
            "{id}"
        );
    }
    assert_eq!(
        report.targets.get("xen").map(|t| t.verdict),
        Some(Verdict::Limited)
    );
}

/// AMD K8 revision F: AMD-V in CPUID, no NPT leaf bit: no inference needed
/// for HVM, HAP read as unsupported.
#[test]
fn amd_rev_f_reads_need_no_inference() {
    let mut f = facts(Cpu {
        vendor: CpuVendor::Amd,
        signature: 0x40F33,
        brand: "AMD Athlon(tm) 64 X2 Dual Core Processor 6400+",
        vmx: false,
        svm: true,
        ..INTEL
    });
    if let Some(cpu) = f.cpu.as_mut() {
        cpu.features.npt = Some(false);
    }
    let caps = assess(&f, knowledge()).capabilities;
    assert_eq!(caps.hvm.silicon, Silicon::Yes);
    assert_eq!(caps.hap.state, CapState::Unsupported);
    assert!(!caps.hap.evidence.iter().any(|e| e.contains("inferred")));
}

/// Without CPUID (so no hypervisor bit), Linux's `hypervisor` flag still
/// marks a guest: its one thread per core is the hypervisor's topology, not
/// hyper-threading switched off in firmware.
#[test]
fn a_guest_known_only_by_cpuinfo_gets_no_smt_inference() {
    use crate::facts::{CpuinfoFacts, SysTopology};
    let mut f = Facts::default();
    f.os.cpuinfo = Some(CpuinfoFacts {
        processors: 2,
        vendor_id: Some("AuthenticAMD".into()),
        model_name: Some("AMD EPYC 9B45".into()),
        family: Some(0x1A),
        model: Some(0x02),
        stepping: Some(1),
        flags: ["lm", "nx", "svm", "hypervisor"]
            .into_iter()
            .map(String::from)
            .collect(),
        ..CpuinfoFacts::default()
    });
    f.os.topology = vec![SysTopology {
        cpu: 0,
        package_id: Some(0),
        core_id: Some(0),
        thread_siblings: vec![0],
    }];
    let smt = assess(&f, knowledge()).capabilities.smt;
    assert_ne!(
        smt.state,
        CapState::DisabledInFirmware,
        "{:?}",
        smt.evidence
    );
    assert!(!smt.evidence.iter().any(|e| e.contains("inferred")));
}
