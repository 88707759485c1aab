use super::*;
use crate::evidence::Origin;

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/corpus/cpuid/instlatx64/"
);

fn text(name: &str) -> String {
    let bytes = std::fs::read(format!("{DIR}{name}")).expect("fixture readable");
    String::from_utf8_lossy(&bytes).into_owned()
}

fn dump(name: &str) -> Aida64Dump {
    match parse(&text(name)) {
        Ok(d) => d,
        Err(e) => panic!("{name}: {e:?}"),
    }
}

fn cpus(d: &Aida64Dump) -> Vec<u32> {
    d.cpuid.iter().map(|c| c.cpu).collect()
}

#[test]
fn every_cpuid_fixture_imports_through_cpuid_file() {
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(DIR)
        .expect("fixture dir")
        .map(|e| e.expect("dir entry").path())
        .collect();
    files.push(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/corpus/cpuid/cpuid-r/amd-epyc-vm-firecracker.txt"
        )
        .into(),
    );
    assert_eq!(
        files.len(),
        115,
        "114 InstLatx64 dumps and one cpuid -r dump"
    );
    for path in &files {
        let mut evidence = Evidence::new(Origin::Import);
        if let Err(e) = crate::import::cpuid_file(&mut evidence, path) {
            panic!("{e}");
        }
        let source = evidence.source("cpuid").expect("cpuid recorded");
        assert_eq!(source.status, SourceStatus::Ok, "{}", source.detail);
        // Every dumped CPU starts with leaf 0 and names its vendor there.
        for cpu in &evidence.cpuid {
            let leaf0 = cpu.get(0, 0).expect("leaf 0");
            assert!(
                [0x756e_6547, 0x6874_7541, 0x746e_6543].contains(&leaf0.ebx),
                "{}: CPU {} leaf 0 EBX {:#x}",
                path.display(),
                cpu.cpu,
                leaf0.ebx
            );
        }
    }
}

#[test]
fn sandy_bridge_ep_has_32_numbered_cpus_and_vmx_msrs_on_cpu_0() {
    let d = dump("GenuineIntel00206D5_SandyBridgeEP_CPUID.txt");
    assert_eq!(cpus(&d), (0..32).collect::<Vec<u32>>());
    assert!(d.skipped_lines.is_empty());
    // x2APIC id of logical CPU 16 is 32: the second socket.
    assert_eq!(d.cpuid[16].get(0xB, 0).map(|l| l.edx), Some(32));
    assert_eq!(d.msr.len(), 1);
    let msr = &d.msr[0];
    assert_eq!(msr.cpu, 0);
    assert_eq!(msr.value(0x48B), Some(0x0000_04FF_0000_0000));
    assert_eq!(msr.values.get(&0x1AC), Some(&MsrReading::Absent));
}

#[test]
fn old_leaf_d_lines_are_placed_on_the_state_components() {
    let d = dump("GenuineIntel00206D5_SandyBridgeEP_CPUID.txt");
    let cpu0 = &d.cpuid[0];
    // The second leaf-0xD line is the AVX state: 256 bytes at offset 0x240.
    let avx = cpu0.get(0xD, 2).expect("AVX component");
    assert_eq!((avx.eax, avx.ebx), (0x100, 0x240));
    assert_eq!(cpu0.get(0xD, 1), None, "sub-leaf 1 was never dumped");
    // Leaf 4 keeps the order of its lines: L1d, L1i, L2, L3.
    let levels: Vec<u32> = (0..4)
        .filter_map(|s| cpu0.get(4, s))
        .map(|l| (l.eax >> 5) & 7)
        .collect();
    assert_eq!(levels, [1, 1, 2, 3]);
}

#[test]
fn explicit_sub_leaves_and_affinity_headers() {
    let d = dump("GenuineIntel0050654_SkylakeXeon_CPUID.txt");
    assert_eq!(d.cpuid.len(), 36);
    assert_eq!(cpus(&d), (0..36).collect::<Vec<u32>>());
    let cpu0 = &d.cpuid[0];
    // `[SL 09]` follows `[SL 07]`: sub-leaf 8 does not exist.
    assert!(cpu0.get(0xD, 9).is_some());
    assert_eq!(cpu0.get(0xD, 8), None);
    assert_eq!(cpu0.get(0xB, 1).map(|l| l.ebx), Some(0x24));
}

#[test]
fn one_based_cpu_registers_blocks_and_tab_layout() {
    let d = dump("AuthenticAMD0100F42_K10_Heka_CPUID.txt");
    assert_eq!(cpus(&d), [0, 1, 2]);
    assert_eq!(d.cpuid[0].get(1, 0).map(|l| l.eax), Some(0x0010_0F42));
    // Initial APIC ids 0, 1, 2 confirm the renumbering from 1-based.
    let apic: Vec<u32> = d
        .cpuid
        .iter()
        .filter_map(|c| c.get(1, 0))
        .map(|l| l.ebx >> 24)
        .collect();
    assert_eq!(apic, [0, 1, 2]);
}

#[test]
fn space_separated_registers() {
    let d = dump("AuthenticAMD0010FF0_K8_Palermo_CPUID.txt");
    assert_eq!(d.cpuid.len(), 1);
    let leaf = d.cpuid[0].get(0x8000_0001, 0).expect("0x80000001");
    assert_eq!(leaf.edx >> 29 & 1, 1, "long mode");
}

#[test]
fn headerless_dumps_split_on_repeated_leaf_0() {
    let raw = text("GenuineIntel00206E4_Beckton_CPUID.txt");
    let leaf0_lines = raw.matches("CPUID 00000000").count();
    let d = dump("GenuineIntel00206E4_Beckton_CPUID.txt");
    assert_eq!(d.cpuid.len(), leaf0_lines);
    assert_eq!(d.cpuid[1].get(0xB, 0).map(|l| l.edx), Some(1));
}

#[test]
fn per_cpu_msr_sections_keep_their_cpu_and_the_last_sample() {
    let d = dump("GenuineIntel00206C2_Gulftown_01_CPUID.txt");
    assert_eq!(d.cpuid.len(), 12);
    assert_eq!(
        d.msr.iter().map(|m| m.cpu).collect::<Vec<_>>(),
        (0..12).collect::<Vec<u32>>()
    );
    let cpu0 = &d.msr[0];
    assert_eq!(cpu0.value(0xE7), Some(0x0000_00B3_EDDE_2920));
    assert_eq!(cpu0.values.get(&0x49), Some(&MsrReading::Absent));
    assert_eq!(cpu0.value(0x48C), Some(0x0000_0F01_0613_4141));
}

#[test]
fn files_glued_without_newline_still_split_into_cpus() {
    // What `cat a b` gives when `a` has no final newline, as the K7 dump.
    let glued = text("AuthenticAMD00006A0_K7_Barton_CPUID.txt")
        + &text("AuthenticAMD0010FC0_K8_Winchester_CPUID.txt");
    let d = parse(&glued).expect("parses");
    assert_eq!(cpus(&d), [0, 1]);
    assert_eq!(d.cpuid[0].get(0x8000_0008, 0).map(|l| l.eax), Some(0x2022));
    assert_eq!(d.cpuid[1].get(1, 0).map(|l| l.eax), Some(0x0001_0FC0));
}

#[test]
fn a_file_without_cpuid_lines_is_an_error_naming_a_line() {
    let other = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/cpuid/cpuid-r/amd-epyc-vm-firecracker.txt"
    ))
    .expect("fixture readable");
    let err = match parse(&other) {
        Err(e) => e,
        Ok(_) => panic!("a cpuid -r file is no AIDA64 dump"),
    };
    assert_eq!(err.line, Some(1));
    assert!(err.message.contains("CPU 0:"), "{}", err.message);
    assert_eq!(parse("").err().and_then(|e| e.line), Some(1));
}

#[test]
fn apply_records_both_sources() {
    let name = "GenuineIntel00206D5_SandyBridgeEP_CPUID.txt";
    let mut evidence = Evidence::new(Origin::Import);
    apply(&mut evidence, dump(name), Path::new(name));
    let cpuid = evidence.source("cpuid").expect("cpuid");
    assert_eq!(cpuid.status, SourceStatus::Ok);
    assert!(cpuid.detail.contains(name) && cpuid.detail.contains("on 32 logical CPUs"));
    assert_eq!(
        evidence.source("msr").map(|s| s.status),
        Some(SourceStatus::Ok)
    );

    let k7 = "AuthenticAMD00006A0_K7_Barton_CPUID.txt";
    apply(&mut evidence, dump(k7), Path::new(k7));
    let msr = evidence.source("msr").expect("msr");
    assert_eq!(msr.status, SourceStatus::Absent);
    assert!(msr.detail.contains(k7));
    assert!(evidence.msr.is_empty());
}

#[test]
fn a_cut_record_makes_the_import_partial() {
    let full = text("GenuineIntel0010676_Harpertown_CPUID.txt");
    let cut = full
        .find("CPUID 00000002")
        .and_then(|at| full.get(..at + 20))
        .expect("line present");
    let d = parse(cut).expect("the lines before still parse");
    assert_eq!(d.skipped_lines.len(), 1);
    let mut evidence = Evidence::new(Origin::Import);
    apply(&mut evidence, d, Path::new("cut.txt"));
    assert_eq!(
        evidence.source("cpuid").map(|s| s.status),
        Some(SourceStatus::Partial)
    );
}

#[test]
fn truncated_and_corrupted_text_never_panics() {
    let text = text("GenuineIntel0010676_Yorkfield_CPUID.txt");
    for end in (0..=text.len()).step_by(3) {
        if let Some(prefix) = text.get(..end) {
            let _ = parse(prefix);
        }
    }
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut bytes = text.into_bytes();
    for _ in 0..3000 {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let at = (seed >> 33) as usize % bytes.len();
        bytes[at] = (seed >> 13) as u8;
        let _ = parse(&String::from_utf8_lossy(&bytes));
    }
}
