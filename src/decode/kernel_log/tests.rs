use super::*;
use crate::evidence::{LogText, Origin, XenRaw};
use crate::knowledge::Knowledge;
use crate::model::LogMeaning;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/dmesg/linuxhw");
const NMI_KERN_LOG: &str = include_str!("../../../tests/data/klog/nmi-kern.log");
const XEN_FATAL: &str = include_str!("../../../tests/data/klog/xen-fatal-nmi.log");

fn fixture(name: &str) -> String {
    let path = format!("{FIXTURES}/{name}");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn decode_text(text: &str) -> KernelLogFacts {
    decode_log(LogText {
        source: "test".into(),
        text: text.to_string(),
        ..LogText::default()
    })
}

fn decode_log(log: LogText) -> KernelLogFacts {
    let mut evidence = Evidence::new(Origin::Import);
    evidence.kernel_logs.push(log);
    decode(&evidence, &Knowledge::builtin().log_signatures).unwrap_or_default()
}

/// (id, line) of every event.
fn events(facts: &KernelLogFacts) -> Vec<(&str, u64)> {
    facts
        .events
        .iter()
        .map(|e| (e.id.as_str(), e.line))
        .collect()
}

fn lines_of(facts: &KernelLogFacts, id: &str) -> Vec<u64> {
    facts.events(id).map(|e| e.line).collect()
}

/// The knowledge test of probes/log-signatures.toml: every example line
/// decodes to its own signature and to nothing else, so a new wording
/// added to the file cannot shadow an older one unnoticed.
#[test]
fn every_signature_example_decodes_to_its_signature() {
    for signature in &Knowledge::builtin().log_signatures.signatures {
        for example in &signature.examples {
            let facts = decode_text(example);
            let ids: Vec<&str> = facts.events.iter().map(|e| e.id.as_str()).collect();
            assert_eq!(ids, vec![signature.id.as_str()], "example {example:?}");
        }
    }
}

#[test]
fn poweredge_2950_kvm_disabled_by_bios_nine_times_and_nothing_else() {
    let facts = decode_text(&fixture(
        "Dell_PowerEdge_2950_C63204CC3467.ubuntu-16.04_4.4.0-194.dmesg",
    ));
    assert_eq!(facts.lines, 914);
    assert_eq!(
        lines_of(&facts, "virt-disabled-by-bios"),
        vec![851, 853, 854, 897, 898, 903, 905, 909, 910]
    );
    assert_eq!(lines_of(&facts, "nx-active"), vec![20]);
    assert_eq!(facts.events.len(), 10, "{:?}", events(&facts));
    let first = facts
        .events("virt-disabled-by-bios")
        .next()
        .cloned()
        .unwrap_or_default();
    assert_eq!(first.timestamp.as_deref(), Some("23.847576"));
    assert_eq!(first.text, "[   23.847576] kvm: disabled by bios");
    assert_eq!(first.origin, LogOrigin::Linux);
    assert_eq!(first.source, "test");
}

#[test]
fn dl360_g5_kvm_disabled_and_hpwdt_decoding_nmis() {
    let facts = decode_text(&fixture(
        "HP_ProLiant-DL360-G5_0D53C64FD948.centos-7_3.10.0-1160.25.1.el7.x86_64.dmesg",
    ));
    assert_eq!(
        lines_of(&facts, "virt-disabled-by-bios"),
        vec![853, 854, 855, 856, 857, 858, 860, 861]
    );
    assert_eq!(lines_of(&facts, "hpwdt-nmi-decoding"), vec![836]);
    assert!(
        !facts.has(LogMeaning::NmiLogged) && !facts.has(LogMeaning::NmiFatal),
        "no NMI occurred"
    );
    assert_eq!(lines_of(&facts, "nx-active"), vec![19]);
    assert_eq!(facts.events.len(), 10, "{:?}", events(&facts));
}

#[test]
fn poweredge_1950_ubuntu_22_04_vmx_outside_txt_disabled() {
    let facts = decode_text(&fixture(
        "Dell_PowerEdge-1950_7D3E387CFF5B.ubuntu-22.04_5.15.0-40-generic.dmesg",
    ));
    // UBSAN splats in i5000_edac and the EDAC MC0 line are no memory errors.
    assert_eq!(
        events(&facts),
        vec![("nx-active", 21), ("virt-disabled-by-bios", 150)]
    );
    assert_eq!(
        facts
            .events("virt-disabled-by-bios")
            .next()
            .and_then(|e| e.timestamp.as_deref()),
        Some("0.287455")
    );
}

#[test]
fn logs_without_virtualization_lines_yield_no_events() {
    for name in [
        "Dell_PowerEdge-1950_9FAD7399F359.debian-11_5.15.74-1-pve.dmesg",
        "Dell_PowerEdge_1950_9FAD7399F359.pve-5.15.74-1.excerpt.dmesg",
        "Dell_PowerEdge-1950_FAF817D2CC95.ubuntu-18.04_4.18.0-21-generic.dmesg",
        // 2.6.32 without timestamps; "[Firmware Bug]: No valid trip found".
        "Dell_PowerEdge-2850_8C9CA6088BC7.centos-6_2.6.32-754.30.2.el6.x86_64.dmesg",
    ] {
        let facts = decode_text(&fixture(name));
        assert!(facts.lines > 0);
        // Only the boot's NX report, which every x86-64 kernel prints.
        let others: Vec<(&str, u64)> = events(&facts)
            .into_iter()
            .filter(|(id, _)| *id != "nx-active")
            .collect();
        assert_eq!(others, vec![], "{name}");
    }
}

#[test]
fn r710_dmar_ir_erratum_with_untimestamped_continuation() {
    let facts = decode_text(&fixture(
        "Dell_PowerEdge_R710_837DD65D6009.pve-5.15.53-1.excerpt.dmesg",
    ));
    assert_eq!(
        events(&facts),
        vec![
            ("iommu-ir-erratum", 38),
            ("iommu-active", 53),
            ("iommu-active", 54),
            ("iommu-active", 69)
        ],
        "`DMAR: IOMMU enabled` only echoes intel_iommu=on"
    );
    let erratum = facts.events.first().cloned().unwrap_or_default();
    assert_eq!(erratum.timestamp.as_deref(), Some("0.660386"));
    assert!(erratum
        .text
        .ends_with("interrupt remapping on a chipset that contains an erratum making that"));
}

#[test]
fn r610_dmar_ir_erratum_with_timestamped_continuation_and_kvm_loaded() {
    let facts = decode_text(&fixture(
        "Dell_PowerEdge-R610_18C49820E8F0.ubuntu-18.04_4.15.0-39-generic.dmesg",
    ));
    assert_eq!(lines_of(&facts, "iommu-ir-erratum"), vec![151]);
    assert_eq!(lines_of(&facts, "iommu-active"), vec![511, 512]);
    assert_eq!(lines_of(&facts, "kvm-active"), vec![856]);
    assert_eq!(lines_of(&facts, "nx-active"), vec![17]);
    assert_eq!(facts.events.len(), 5, "{:?}", events(&facts));
}

#[test]
fn dl360_g6_dmar_ir_erratum_and_kvm_loaded() {
    let facts = decode_text(&fixture(
        "HP_ProLiant-DL360-G6_5A1D7821BD30.debian-10_4.19.0-10-amd64.dmesg",
    ));
    assert_eq!(lines_of(&facts, "iommu-ir-erratum"), vec![169]);
    assert_eq!(lines_of(&facts, "iommu-active"), vec![539, 540, 561]);
    assert_eq!(lines_of(&facts, "kvm-active"), vec![908]);
    assert_eq!(lines_of(&facts, "nx-active"), vec![16]);
    assert_eq!(facts.events.len(), 6, "{:?}", events(&facts));
}

#[test]
fn dl165_g7_kvm_amd_uses_nested_paging() {
    let facts = decode_text(&fixture(
        "HP_ProLiant-DL165-G7_418C07CB59F3.centos-7_3.10.0-1127.19.1.el7.x86_64.dmesg",
    ));
    // "EDAC amd64: DRAM ECC enabled." and "MCE: In-kernel MCE decoding
    // enabled." report drivers, not errors.
    assert_eq!(
        events(&facts),
        vec![("nx-active", 17), ("kvm-active", 1001)]
    );
    assert!(facts
        .events("kvm-active")
        .next()
        .is_some_and(|e| e.text.ends_with("kvm: Nested Paging enabled")));
    let npt: Vec<u64> = facts
        .events_meaning(LogMeaning::NptUsedByKvm)
        .map(|e| e.line)
        .collect();
    assert_eq!(npt, vec![1001]);
    assert!(facts.has(LogMeaning::HvmActive));
}

#[test]
fn only_kvm_s_nested_paging_line_says_it_uses_npt() {
    let facts = decode_text(
        "[   10.371354] kvm: Nested Paging enabled\n\
         [   10.371360] kvm: Nested Virtualization enabled\n",
    );
    let meanings: Vec<(&str, &[LogMeaning])> = facts
        .events
        .iter()
        .map(|e| (e.id.as_str(), e.meanings.as_slice()))
        .collect();
    assert_eq!(
        meanings,
        vec![
            (
                "kvm-active",
                &[LogMeaning::HvmActive, LogMeaning::NptUsedByKvm][..]
            ),
            ("kvm-active", &[LogMeaning::HvmActive][..]),
        ]
    );
}

#[test]
fn nmi_lines_of_old_and_new_kernels_in_a_syslog_file() {
    let facts = decode_text(NMI_KERN_LOG);
    type Nmi<'a> = (&'a str, u64, Option<u8>, Option<u32>, Option<&'a str>);
    let nmis: Vec<Nmi> = facts
        .events
        .iter()
        .map(|e| {
            (
                e.id.as_str(),
                e.line,
                e.reason,
                e.cpu,
                e.timestamp.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        nmis,
        vec![
            // 2.6-era SERR: "unknown reason" with the PCI-bus hint below.
            ("nmi-serr", 3, Some(0xb1), Some(0), Some("Mar  3 02:14:07")),
            ("nmi-iock", 7, None, None, Some("Mar  5 11:40:51")),
            ("nmi-serr", 12, Some(0xa1), Some(0), Some("Jun 12 13:22:41")),
            // Line 14 is `logger` output, not the kernel's.
            (
                "nmi-unknown",
                15,
                Some(0x2d),
                Some(3),
                Some("Jun 14 09:03:12")
            ),
            ("nmi-iock", 18, Some(0x71), Some(1), Some("Jun 14 09:05:40")),
        ]
    );
    assert!(facts
        .events
        .first()
        .is_some_and(|e| e.text.contains("likely on the PCI bus")));
}

#[test]
fn xen_console_fatal_nmi_and_guest_lines_ignored() {
    let facts = decode_text(XEN_FATAL);
    assert_eq!(
        events(&facts),
        vec![
            ("xen-build-debug", 1),
            ("xen-ir-enabled", 10),
            ("xen-iommu-enabled", 11),
            ("xen-hvm-enabled", 17),
            ("xen-hap-detected", 18),
            ("xen-nmi-serr", 25),
            ("xen-build-debug", 26),
            ("xen-nmi-fatal", 37),
        ],
        "the (d0) guest line saying kvm: disabled by bios is dom0's, not the host's"
    );
    assert!(facts.events.iter().all(|e| e.origin == LogOrigin::Xen));
}

#[test]
fn xl_dmesg_without_prefixes_is_xen_console() {
    let mut evidence = Evidence::new(Origin::Live);
    evidence.xen = Some(XenRaw {
        xl_info: None,
        xl_dmesg: Some(
            "(XEN) HVM: Hardware Assisted Paging (HAP) detected but disabled\n\
             CPU0: VMX disabled by BIOS.\n\
             (XEN) FATAL TRAP: vector = 2 (nmi)\n\
             (XEN) [VT-D]Disabling IOMMU due to Intel 5500/5520/X58 chipset errata #47, #53\n\
             (XEN) AMD-Vi: SP5100 erratum 28 detected, disabling IOMMU.\n\
             (XEN) Interrupt remapping disabled\n\
             (XEN) parameter \"nim\" unknown!\n\
             (XEN) Uhhuh. NMI received for unknown reason 3d.\n\
             (XEN) NMI - I/O ERROR\n\
             (XEN) NMI - MEMORY ERROR\n"
                .into(),
        ),
    });
    let facts = decode(&evidence, &Knowledge::builtin().log_signatures).unwrap_or_default();
    assert_eq!(facts.sources, vec![XL_DMESG.to_string()]);
    let ids: Vec<&str> = facts.events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        vec![
            "xen-hap-disabled",
            "xen-vmx-disabled",
            "xen-nmi-fatal",
            "xen-iommu-erratum",
            "xen-iommu-erratum",
            "xen-ir-disabled",
            "xen-parameter-unknown",
            "xen-nmi-unknown",
            "xen-nmi-iock",
            "xen-nmi-memory",
        ]
    );
    assert_eq!(facts.events.get(1).and_then(|e| e.cpu), Some(0));
    assert_eq!(facts.events.get(7).and_then(|e| e.reason), Some(0x3d));
}

#[test]
fn hardware_errors_and_their_counts() {
    let facts = decode_text(
        "[ 100.1] mce: [Hardware Error]: CPU 2: Machine Check: 0 Bank 8: ee00000000800090\n\
         [ 100.2] mce: [Hardware Error]: RIP !INEXACT! 10:<ffffffff8100b3c5>\n\
         [ 100.3] mce: [Hardware Error]: Machine check events logged\n\
         [ 200.0] EDAC MC0: 3 CE memory read error on CPU_SrcID#0_Ha#0_Chan#1_DIMM#0 (channel:1 slot:0 page:0x1234)\n\
         [ 201.0] EDAC MC1: CE page 0x1f, offset 0x0, grain 8, syndrome 0x5, row 2, channel 0, label \"DIMM_A2\": i5000 CE\n\
         [ 300.0] EDAC MC0: 1 UE memory read error on CPU_SrcID#0_Ha#0_Chan#0_DIMM#0\n\
         [ 301.0] EDAC MC: Ver: 3.0.0\n\
         [ 302.0] EDAC MC0: Giving out device to module i7core_edac.c\n\
         [ 400.0] DMAR: [Firmware Bug]: No firmware reserved region can cover this RMRR [0xbf4c8000-0xbf4dffff], contact BIOS vendor for fixes\n\
         [ 401.0] Hypervisor detected: KVM\n\
         [ 402.0] Booting paravirtualized kernel on KVM\n\
         [ 403.0] Booting paravirtualized kernel on bare hardware\n",
    );
    let summary: Vec<(&str, u64, Option<u32>, Option<u64>)> = facts
        .events
        .iter()
        .map(|e| (e.id.as_str(), e.line, e.cpu, e.count))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("mce", 1, Some(2), None),
            ("mce", 3, None, None),
            ("edac-ce", 4, None, Some(3)),
            ("edac-ce", 5, None, None),
            ("edac-ue", 6, None, Some(1)),
            ("iommu-firmware-bug", 9, None, None),
            ("hypervisor-detected", 10, None, None),
            ("hypervisor-detected", 11, None, None),
        ]
    );
}

#[test]
fn panics_and_kernel_wordings_of_kvm_and_feat_ctl() {
    let facts = decode_text(
        "Kernel panic - not syncing: NMI: Not continuing\n\
         Kernel panic - not syncing: NMI IOCK error: Not continuing\n\
         Kernel panic - not syncing: An NMI occurred. Depending on your system the reason for the NMI is logged in any one of the following resources:\n\
         hpwdt 0000:01:04.0: An NMI occurred, please see the Integrated Management Log for details.\n\
         kvm: support for 'kvm_intel' disabled by bios\n\
         kvm_intel: VMX not enabled (by BIOS) in MSR_IA32_FEAT_CTL on CPU 5\n\
         kvm_amd: SVM disabled (by BIOS) in MSR_VM_CR on CPU 1\n\
         x86/cpu: VMX (inside TXT) disabled by BIOS\n\
         kvm_amd: Nested Paging enabled\n",
    );
    let summary: Vec<(&str, Option<u32>)> = facts
        .events
        .iter()
        .map(|e| (e.id.as_str(), e.cpu))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("nmi-panic", None),
            ("nmi-panic", None),
            ("nmi-panic", None),
            ("hpwdt-nmi", None),
            ("virt-disabled-by-bios", None),
            ("virt-disabled-by-bios", Some(5)),
            ("virt-disabled-by-bios", Some(1)),
            ("virt-disabled-by-bios", None),
            ("kvm-active", None),
        ]
    );
}

#[test]
fn a_continuation_is_found_past_another_program_s_line() {
    let facts = decode_text(
        "Mar  3 02:14:07 h kernel: Uhhuh. NMI received for unknown reason b1 on CPU 0.\n\
         Mar  3 02:14:07 h smartd[1]: Device: /dev/sda, SMART Health Status: OK\n\
         Mar  3 02:14:07 h kernel: You have some hardware problem, likely on the PCI bus.\n",
    );
    assert_eq!(events(&facts), vec![("nmi-serr", 1)]);
}

#[test]
fn line_numbers_count_from_the_top_of_a_cut_log() {
    let facts = decode_log(LogText {
        source: "/var/log/kern.log".into(),
        text: "filler\nkvm: disabled by bios\n".into(),
        truncated: true,
        line_offset: 1000,
    });
    assert!(facts.truncated);
    assert_eq!(lines_of(&facts, "virt-disabled-by-bios"), vec![1002]);
}

#[test]
fn a_glued_record_is_matched_on_its_own() {
    let facts = decode_text(
        "[ 24.1] intel_powerclamp: No package C-state available<4>[ 26.0] kvm: disabled by bios\n",
    );
    let event = facts.events.first().cloned().unwrap_or_default();
    assert_eq!(
        (event.id.as_str(), event.line),
        ("virt-disabled-by-bios", 1)
    );
    assert_eq!(event.timestamp.as_deref(), Some("26.0"));
}

#[test]
fn no_log_is_not_an_empty_log() {
    let evidence = Evidence::new(Origin::Import);
    assert_eq!(
        decode(&evidence, &Knowledge::builtin().log_signatures),
        None
    );
    let empty = decode_text("");
    assert_eq!((empty.lines, empty.events.len()), (0, 0));
}

#[test]
fn every_prefix_and_random_flips_never_panic() {
    let text = fixture("Dell_PowerEdge_R710_837DD65D6009.pve-5.15.53-1.excerpt.dmesg");
    let mut sample = text.clone();
    sample.push_str(NMI_KERN_LOG);
    sample.push_str(XEN_FATAL);
    for end in (0..=sample.len()).step_by(7) {
        if let Some(prefix) = sample.get(..end) {
            let _ = decode_text(prefix);
        }
    }
    let mut bytes = sample.into_bytes();
    let mut seed: u32 = 2024;
    for _ in 0..200 {
        for _ in 0..16 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let at = (seed >> 8) as usize % bytes.len();
            bytes[at] = (seed >> 24) as u8;
        }
        let _ = decode_text(&String::from_utf8_lossy(&bytes));
    }
}
