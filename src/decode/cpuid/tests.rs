use super::*;
use crate::evidence::CpuidLeaf;
use std::collections::BTreeSet;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/cpuid/");

fn dumps(relative: &str) -> Vec<CpuidDump> {
    let path = std::path::PathBuf::from(format!("{DIR}{relative}"));
    let mut evidence = crate::evidence::Evidence::new(crate::evidence::Origin::Import);
    if let Err(e) = crate::import::cpuid_file(&mut evidence, &path) {
        panic!("{e}");
    }
    evidence.cpuid
}

fn decoded(dumps: &[CpuidDump]) -> (CpuFacts, Vec<DecodeNote>) {
    let mut notes = Vec::new();
    match decode(dumps, &mut notes) {
        Some(f) => (f, notes),
        None => panic!("did not decode: {notes:?}"),
    }
}

fn facts(name: &str) -> CpuFacts {
    decoded(&dumps(&format!("instlatx64/{name}"))).0
}

fn fixture_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(format!("{DIR}instlatx64"))
        .expect("fixture dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn netburst_xeons_nocona_and_irwindale_have_long_mode_but_no_vmx() {
    for name in [
        "GenuineIntel0000F34_P4_Nocona_CPUID.txt",
        "GenuineIntel0000F43_P4_Irwindale_CPUID.txt",
        "GenuineIntel0000F4A_P4_Irwindale_CPUID.txt",
    ] {
        let cpu = facts(name);
        assert_eq!(cpu.vendor, CpuVendor::Intel, "{name}");
        assert_eq!(cpu.family, 0xF, "{name}");
        assert!(cpu.features.long_mode, "{name}");
        assert!(!cpu.features.vmx, "{name}");
    }
}

#[test]
fn k7_barton_has_no_long_mode() {
    let cpu = facts("AuthenticAMD00006A0_K7_Barton_CPUID.txt");
    assert_eq!(cpu.vendor, CpuVendor::Amd);
    assert_eq!(cpu.vendor_id, "AuthenticAMD");
    assert_eq!(cpu.brand.as_deref(), Some("AMD Athlon(tm) XP 3200+"));
    assert_eq!((cpu.family, cpu.model, cpu.stepping), (6, 0xA, 0));
    assert!(!cpu.features.long_mode);
    assert!(!cpu.features.nx);
}

#[test]
fn core2_and_penryn_xeons_have_vmx() {
    for name in [
        "GenuineIntel00006F4_Woodcrest_CPUID.txt",
        "GenuineIntel00006F7_Clovertown_CPUID.txt",
        "GenuineIntel0010676_Harpertown_CPUID.txt",
    ] {
        let cpu = facts(name);
        assert!(cpu.features.vmx, "{name}");
        assert!(cpu.features.long_mode && cpu.features.nx, "{name}");
        assert_eq!(
            cpu.features.npt, None,
            "{name}: Intel has no leaf 0x8000000A"
        );
    }
    assert_eq!(
        facts("GenuineIntel0010676_Harpertown_CPUID.txt")
            .brand
            .as_deref(),
        Some("Intel(R) Xeon(R) CPU E5462 @ 2.80GHz")
    );
}

#[test]
fn k10_barcelona_has_svm_with_nested_paging() {
    for name in [
        "AuthenticAMD0100F21_K10_Barcelona_CPUID.txt",
        "AuthenticAMD0100F2A_K10_Barcelona_CPUID.txt",
    ] {
        let cpu = facts(name);
        assert_eq!((cpu.family, cpu.model), (0x10, 2), "{name}");
        assert!(cpu.features.svm, "{name}");
        assert_eq!(cpu.features.npt, Some(true), "{name}");
        assert_eq!(cpu.topology.cores_per_package, Some(4), "{name}");
        assert_eq!(cpu.topology.threads_per_core, Some(1), "{name}");
    }
}

#[test]
fn k8_gained_svm_with_revision_f() {
    let before_rev_f = [
        "AuthenticAMD0000F4A_K8_Clawhammer_CPUID.txt",
        "AuthenticAMD0000F51_K8_Sledgehammer_CPUID.txt",
        "AuthenticAMD0000F5A_K8_Sledgehammer_CPUID.txt",
        "AuthenticAMD0010FC0_K8_Winchester_CPUID.txt",
        "AuthenticAMD0010FF0_K8_Palermo_CPUID.txt",
        "AuthenticAMD0020FB1_K8_Manchester_CPUID.txt",
        "AuthenticAMD0020FC2_K8_Palermo_CPUID.txt",
        "AuthenticAMD0020FF0_K8_Venice_CPUID.txt",
    ];
    for name in before_rev_f {
        let cpu = facts(name);
        assert!(cpu.features.long_mode && !cpu.features.svm, "{name}");
    }
    let rev_f = [
        "AuthenticAMD0040F33_K8_Windsor_CPUID.txt",
        "AuthenticAMD0050FF3_K8_Orleans_CPUID.txt",
        "AuthenticAMD0060FB1_K8_Brisbane_CPUID.txt",
        "AuthenticAMD0070FF1_K8_Lima_CPUID.txt",
    ];
    for name in rev_f {
        let cpu = facts(name);
        assert!(cpu.features.svm, "{name}");
        // SVM without nested paging: shadow paging only.
        assert_eq!(cpu.features.npt, Some(false), "{name}");
    }
}

#[test]
fn sandy_bridge_ep_is_two_packages_of_eight_cores_with_two_threads() {
    let cpu = facts("GenuineIntel00206D5_SandyBridgeEP_CPUID.txt");
    assert_eq!(cpu.locations.len(), 32);
    let packages: BTreeSet<u32> = cpu.locations.iter().map(|l| l.package).collect();
    assert_eq!(packages.len(), 2);
    for package in packages {
        let here = cpu.locations.iter().filter(|l| l.package == package);
        let cores: BTreeSet<u32> = here.clone().map(|l| l.core).collect();
        assert_eq!(cores.len(), 8, "package {package}");
        for core in cores {
            let threads = here.clone().filter(|l| l.core == core).count();
            assert_eq!(threads, 2, "package {package} core {core}");
        }
    }
    assert_eq!(cpu.topology.logical_per_package, Some(16));
    assert_eq!(cpu.topology.cores_per_package, Some(8));
    assert_eq!(cpu.topology.threads_per_core, Some(2));
    // Logical CPU 16 is the first thread of the second socket (x2APIC 32).
    let cpu16 = cpu.locations.iter().find(|l| l.cpu == 16).expect("CPU 16");
    assert_eq!(
        (cpu16.apic_id, cpu16.package, cpu16.core, cpu16.thread),
        (32, 1, 0, 0)
    );
}

#[test]
fn legacy_leaves_place_cpus_without_leaf_0xb() {
    // Harpertown: 2 × quad-core, no SMT, from leaves 4 and 1.
    let cpu = facts("GenuineIntel0010676_Harpertown_CPUID.txt");
    assert_eq!(cpu.topology.cores_per_package, Some(4));
    assert_eq!(cpu.topology.threads_per_core, Some(1));
    let packages: BTreeSet<u32> = cpu.locations.iter().map(|l| l.package).collect();
    assert_eq!(packages.len(), 2);
    // Paxville: dual-core Netburst with Hyper-Threading.
    let cpu = facts("GenuineIntel0000F48_P4_Paxville_CPUID.txt");
    assert_eq!(cpu.topology.cores_per_package, Some(2));
    assert_eq!(cpu.topology.threads_per_core, Some(2));
}

#[test]
fn zen_counts_smt_threads_and_bulldozer_counts_integer_cores() {
    let epyc = facts("AuthenticAMD0800F12_K17_Zen_CPUID.txt");
    assert_eq!(
        epyc.brand.as_deref(),
        Some("AMD EPYC 7551P 32-Core Processor")
    );
    assert_eq!(epyc.topology.cores_per_package, Some(32));
    assert_eq!(epyc.topology.threads_per_core, Some(2));
    let threads: BTreeSet<u32> = epyc.locations.iter().map(|l| l.thread).collect();
    assert_eq!(threads, BTreeSet::from([0, 1]));

    let interlagos = facts("AuthenticAMD0600F12_Interlagos_CPUID.txt");
    assert_eq!(interlagos.family, 0x15);
    assert_eq!(interlagos.topology.cores_per_package, Some(16));
    assert_eq!(interlagos.topology.threads_per_core, Some(1));
    let packages: BTreeSet<u32> = interlagos.locations.iter().map(|l| l.package).collect();
    assert_eq!(packages.len(), 2);
}

#[test]
fn beckton_inside_a_hypervisor_hides_vmx() {
    let (cpu, notes) = decoded(&dumps("instlatx64/GenuineIntel00206E6_Beckton_CPUID.txt"));
    assert_eq!(
        cpu.brand.as_deref(),
        Some("Intel(R) Xeon(R) CPU X6550 @ 2.00GHz")
    );
    assert!(cpu.features.hypervisor);
    assert!(!cpu.features.vmx);
    // The dump never read leaf 0x40000000: the hypervisor stays unnamed.
    assert_eq!(cpu.hypervisor_vendor, None);
    assert!(notes.iter().any(|n| n.note.contains("0x40000000")));
}

#[test]
fn bare_metal_dumps_do_not_claim_a_hypervisor() {
    for name in fixture_names() {
        if name.starts_with("GenuineIntel00206E6") {
            continue;
        }
        let cpu = facts(&name);
        assert!(!cpu.features.hypervisor, "{name}");
        assert_eq!(cpu.hypervisor_vendor, None, "{name}");
    }
}

#[test]
fn epyc_under_firecracker_names_kvm() {
    let (cpu, notes) = decoded(&dumps("cpuid-r/amd-epyc-vm-firecracker.txt"));
    assert_eq!(cpu.vendor, CpuVendor::Amd);
    assert_eq!((cpu.family, cpu.model, cpu.stepping), (0x19, 0x11, 1));
    assert!(cpu.features.hypervisor);
    assert_eq!(cpu.hypervisor_vendor.as_deref(), Some("KVMKVMKVM"));
    // The guest sees no SVM, hence no nested paging.
    assert!(!cpu.features.svm);
    assert_eq!(cpu.features.npt, Some(false));
    let apic: Vec<u32> = cpu.locations.iter().map(|l| l.apic_id).collect();
    assert_eq!(apic, [0, 1]);
    assert!(notes.is_empty(), "{notes:?}");
}

#[test]
fn every_fixture_decodes_to_the_signature_in_its_name() {
    for name in fixture_names() {
        let cpu = facts(&name);
        let vendor_id = name.get(..12).expect("vendor prefix");
        assert_eq!(cpu.vendor_id, vendor_id, "{name}");
        let expected = name
            .get(12..19)
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .expect("signature in name");
        assert_eq!(cpu.signature & 0x0FFF_3FFF, expected, "{name}");
        assert!(cpu.max_basic_leaf >= 1, "{name}");
        let tp = cpu.topology;
        let (logical, cores, threads) = (
            tp.logical_per_package.expect("logical"),
            tp.cores_per_package.expect("cores"),
            tp.threads_per_core.expect("threads"),
        );
        assert_eq!(cores * threads, logical, "{name}");
    }
}

#[test]
fn empty_or_leafless_input_is_none() {
    let mut notes = Vec::new();
    assert_eq!(decode(&[], &mut notes), None);
    assert!(notes.is_empty());
    let no_leaf1 = CpuidDump {
        cpu: 0,
        leaves: vec![CpuidLeaf {
            leaf: 0,
            eax: 0xD,
            ..CpuidLeaf::default()
        }],
    };
    assert_eq!(decode(&[no_leaf1], &mut notes), None);
    assert_eq!(notes.len(), 1);
}

#[test]
fn mixed_dumps_are_noted() {
    let mut mixed = dumps("instlatx64/GenuineIntel00006F4_Woodcrest_CPUID.txt");
    mixed.extend(dumps("instlatx64/GenuineIntel0010676_Harpertown_CPUID.txt"));
    let (_, notes) = decoded(&mixed);
    assert!(notes
        .iter()
        .any(|n| n.note.contains("different vendor or signature")));
    assert!(notes.iter().any(|n| n.note.contains("share")), "{notes:?}");
}

/// Values no CPU returns, which raw_cpuid's own accessors would panic on in
/// a debug build: level type 6+ in leaf 0xB, 0xFF threads in 0x8000001E,
/// extended family 0xFF.
#[test]
fn hostile_register_values_do_not_panic() {
    let mut epyc = dumps("cpuid-r/amd-epyc-vm-firecracker.txt");
    for dump in &mut epyc {
        for leaf in &mut dump.leaves {
            match leaf.leaf {
                0x1 => leaf.eax = 0xFFFF_FFFF,
                0xB => leaf.ecx |= 0xFF00,
                0x8000_001E => leaf.ebx = 0xFFFF_FFFF,
                0x8000_0008 => leaf.ecx = 0xFFFF_FFFF,
                _ => {}
            }
        }
    }
    let (cpu, _) = decoded(&epyc);
    assert_eq!(cpu.family, 0xF + 0xFF);
    let mut intel = dumps("instlatx64/GenuineIntel00206D5_SandyBridgeEP_CPUID.txt");
    for leaf in intel.iter_mut().flat_map(|d| d.leaves.iter_mut()) {
        if leaf.leaf == 0xB {
            leaf.ecx = 0x0000_7F00;
            leaf.eax = 0xFFFF_FFFF;
        }
    }
    let _ = decoded(&intel);
}

#[test]
fn randomly_corrupted_dumps_never_panic() {
    let mut seed = 0x853c_49e6_748f_ea9bu64;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 32) as u32
    };
    for name in fixture_names().iter().step_by(7) {
        let original = dumps(&format!("instlatx64/{name}"));
        for _ in 0..40 {
            let mut corrupt = original.clone();
            for dump in &mut corrupt {
                for leaf in &mut dump.leaves {
                    if next() % 4 == 0 {
                        match next() % 4 {
                            0 => leaf.eax = next(),
                            1 => leaf.ebx = next(),
                            2 => leaf.ecx = next(),
                            _ => leaf.edx = next(),
                        }
                    }
                }
                if next() % 8 == 0 && !dump.leaves.is_empty() {
                    let at = next() as usize % dump.leaves.len();
                    dump.leaves.remove(at);
                }
            }
            let mut notes = Vec::new();
            let _ = decode(&corrupt, &mut notes);
        }
    }
}
