//! Kernel logs, Xen's console and bootloader files through the whole
//! pipeline (`xenready::analyze`): real linux-hardware.org logs of old
//! servers and the project's own hand-written cases in tests/data/klog/.

use std::path::{Path, PathBuf};
use xenready::evidence::{Evidence, Origin, SourceStatus};
use xenready::facts::KernelLogFacts;
use xenready::import;
use xenready::knowledge::Knowledge;
use xenready::model::{CapState, Finding, OsState, Silicon};
use xenready::report::Report;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/dmesg/linuxhw");
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/klog");

fn fixture(name: &str) -> PathBuf {
    Path::new(FIXTURES).join(name)
}

fn data(name: &str) -> PathBuf {
    Path::new(DATA).join(name)
}

#[derive(Default)]
struct Inputs {
    dmesg: Vec<PathBuf>,
    boot: Vec<PathBuf>,
}

fn evidence(inputs: &Inputs) -> Evidence {
    let mut evidence = Evidence::new(Origin::Import);
    for path in &inputs.dmesg {
        let imported = import::dmesg::dmesg_file(&mut evidence, path);
        assert!(imported.is_ok(), "{}: {imported:?}", path.display());
    }
    for path in &inputs.boot {
        let imported = import::boot_config::boot_config_file(&mut evidence, path);
        assert!(imported.is_ok(), "{}: {imported:?}", path.display());
    }
    evidence
}

fn analyze(inputs: &Inputs) -> Report {
    let knowledge = Knowledge::builtin();
    xenready::analyze(&evidence(inputs), knowledge, knowledge.default_target())
}

fn log_facts(inputs: &Inputs) -> KernelLogFacts {
    xenready::decode::decode(&evidence(inputs), xenready::knowledge::Knowledge::builtin())
        .kernel_log
        .unwrap_or_default()
}

fn dmesg(path: PathBuf) -> Inputs {
    Inputs {
        dmesg: vec![path],
        ..Inputs::default()
    }
}

fn finding<'a>(report: &'a Report, id: &str) -> Option<&'a Finding> {
    report.findings.iter().find(|f| f.id == id)
}

fn has_evidence(lines: &[String], needle: &str) -> bool {
    lines.iter().any(|l| l.contains(needle))
}

#[test]
fn poweredge_2950_kvm_disabled_by_bios_means_vt_off_in_firmware() {
    let report = analyze(&dmesg(fixture(
        "Dell_PowerEdge_2950_C63204CC3467.ubuntu-16.04_4.4.0-194.dmesg",
    )));
    let hvm = &report.capabilities.hvm;
    assert_eq!(hvm.state, CapState::DisabledInFirmware);
    assert_eq!(hvm.silicon, Silicon::Yes);
    assert!(
        has_evidence(
            &hvm.evidence,
            "line 851: [   23.847576] kvm: disabled by bios"
        ),
        "{:#?}",
        hvm.evidence
    );
    assert!(has_evidence(
        &hvm.evidence,
        "6 more such lines, the last at line 910"
    ));
    let disabled = finding(&report, "hvm-disabled-in-firmware");
    assert!(disabled.is_some_and(|f| has_evidence(&f.evidence, "line 851")));
    assert!(finding(&report, "nmi-errors-logged").is_none());
}

#[test]
fn dl360_g5_kvm_disabled_by_bios_eight_times_and_hpwdt_decodes_nmis() {
    let inputs = dmesg(fixture(
        "HP_ProLiant-DL360-G5_0D53C64FD948.centos-7_3.10.0-1160.25.1.el7.x86_64.dmesg",
    ));
    let report = analyze(&inputs);
    assert_eq!(report.capabilities.hvm.state, CapState::DisabledInFirmware);
    assert!(has_evidence(
        &report.capabilities.hvm.evidence,
        "line 853: [    8.161571] kvm: disabled by bios"
    ));
    let facts = log_facts(&inputs);
    assert_eq!(facts.events("virt-disabled-by-bios").count(), 8);
    let hpwdt: Vec<u64> = facts.events("hpwdt-nmi-decoding").map(|e| e.line).collect();
    assert_eq!(hpwdt, vec![836]);
    assert!(
        finding(&report, "nmi-errors-logged").is_none(),
        "no NMI occurred"
    );
}

#[test]
fn poweredge_1950_ubuntu_22_04_vmx_outside_txt_disabled_by_bios() {
    let report = analyze(&dmesg(fixture(
        "Dell_PowerEdge-1950_7D3E387CFF5B.ubuntu-22.04_5.15.0-40-generic.dmesg",
    )));
    let hvm = &report.capabilities.hvm;
    assert_eq!(hvm.state, CapState::DisabledInFirmware);
    assert!(has_evidence(
        &hvm.evidence,
        "line 150: [    0.287455] x86/cpu: VMX (outside TXT) disabled by BIOS"
    ));
}

#[test]
fn poweredge_1950_proxmox_says_nothing_so_hvm_stays_unknown() {
    let report = analyze(&dmesg(fixture(
        "Dell_PowerEdge-1950_9FAD7399F359.debian-11_5.15.74-1-pve.dmesg",
    )));
    assert_eq!(report.capabilities.hvm.state, CapState::Unknown);
}

#[test]
fn dmar_ir_erratum_on_5520_chipsets_with_both_continuation_styles() {
    for (name, erratum_line, kvm_lines) in [
        (
            "Dell_PowerEdge_R710_837DD65D6009.pve-5.15.53-1.excerpt.dmesg",
            38,
            vec![],
        ),
        (
            "Dell_PowerEdge-R610_18C49820E8F0.ubuntu-18.04_4.15.0-39-generic.dmesg",
            151,
            vec![856],
        ),
        (
            "HP_ProLiant-DL360-G6_5A1D7821BD30.debian-10_4.19.0-10-amd64.dmesg",
            169,
            vec![908],
        ),
    ] {
        let inputs = dmesg(fixture(name));
        let facts = log_facts(&inputs);
        let erratum: Vec<u64> = facts.events("iommu-ir-erratum").map(|e| e.line).collect();
        assert_eq!(erratum, vec![erratum_line], "{name}");
        assert!(facts
            .events("iommu-ir-erratum")
            .all(|e| e.text.contains("on a chipset that contains an erratum")));
        let kvm: Vec<u64> = facts.events("kvm-active").map(|e| e.line).collect();
        assert_eq!(kvm, kvm_lines, "{name}");
        if !kvm_lines.is_empty() {
            let hvm = analyze(&inputs).capabilities.hvm;
            assert_eq!(hvm.state, CapState::Available, "{name}");
            assert_eq!(hvm.os, OsState::Active, "{name}");
        }
    }
}

#[test]
fn dl165_g7_kvm_amd_nested_paging_means_hvm_and_npt_in_use() {
    let inputs = dmesg(fixture(
        "HP_ProLiant-DL165-G7_418C07CB59F3.centos-7_3.10.0-1127.19.1.el7.x86_64.dmesg",
    ));
    let facts = log_facts(&inputs);
    assert!(facts
        .events("kvm-active")
        .any(|e| e.line == 1001 && e.text.contains("Nested Paging enabled")));
    let report = analyze(&inputs);
    assert_eq!(report.capabilities.hvm.state, CapState::Available);
    let hap = &report.capabilities.hap;
    assert_eq!(hap.silicon, Silicon::Yes);
    assert_eq!(hap.state, CapState::Available);
    assert!(
        has_evidence(&hap.evidence, "KVM uses NPT"),
        "{:#?}",
        hap.evidence
    );
}

#[test]
fn nmi_lines_of_old_and_new_kernels_are_counted_by_kind() {
    let report = analyze(&dmesg(data("nmi-kern.log")));
    let nmi = finding(&report, "nmi-errors-logged");
    let Some(nmi) = nmi else {
        panic!("no nmi-errors-logged finding: {:#?}", report.findings)
    };
    assert!(
        nmi.detail.starts_with(
            "5 NMI lines logged: 1 unknown reason, 2 PCI system error (SERR), 2 I/O check (IOCK)."
        ),
        "{}",
        nmi.detail
    );
    assert!(nmi.detail.contains(
        "Reason codes: 2d (no chipset reason), 71 (IOCHK), a1 (SERR/parity), b1 (SERR/parity)."
    ));
    assert!(nmi.detail.contains("On CPU 0, 1, 3."));
    assert!(nmi
        .detail
        .contains("First at Mar  3 02:14:07 (line 3), last at Jun 14 09:05:40 (line 18)."));
    assert!(has_evidence(&nmi.evidence, "line 12: Jun 12 13:22:41 pe2850 kernel: [181322.413001] NMI: PCI system error (SERR) for reason a1 on CPU 0."));
    assert!(
        !has_evidence(&nmi.evidence, "line 14:"),
        "logger output is no kernel line"
    );
    assert!(has_evidence(
        &nmi.remedy,
        "When Xen is installed, put `nmi=dom0`"
    ));
    assert!(has_evidence(&nmi.remedy, "ipmitool sel elist"));
    assert!(has_evidence(&nmi.remedy, "memtest86+"));
    assert!(finding(&report, "nmi-panic-logged").is_none());
    assert!(
        finding(&report, "xen-nmi-policy").is_none(),
        "no Xen line known"
    );
}

#[test]
fn xen_fatal_trap_on_an_nmi_is_a_panic_finding() {
    let report = analyze(&dmesg(data("xen-fatal-nmi.log")));
    let panic = finding(&report, "nmi-panic-logged");
    let Some(panic) = panic else {
        panic!("no nmi-panic-logged finding: {:#?}", report.findings)
    };
    assert!(panic
        .detail
        .contains("Xen panicked on an NMI 1 time(s) (nmi=fatal"));
    assert!(has_evidence(
        &panic.evidence,
        "line 37: (XEN) FATAL TRAP: vec 2, NMI[0000]"
    ));
    let nmi = finding(&report, "nmi-errors-logged");
    assert!(nmi.is_some_and(|f| f
        .detail
        .starts_with("1 NMI line logged: 1 reported by Xen.")));
    // The same console says HVM and HAP work.
    assert_eq!(report.capabilities.hvm.state, CapState::Available);
    assert_eq!(report.capabilities.hap.state, CapState::Available);
}

#[test]
fn the_seed_typo_nim_ignore_is_found_with_its_correction() {
    let report = analyze(&Inputs {
        boot: vec![data("xs65-extlinux.conf")],
        ..Inputs::default()
    });
    let unknown: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.id == "xen-boot-option-unknown")
        .collect();
    assert_eq!(unknown.len(), 1, "{unknown:#?}");
    let typo = unknown[0];
    assert_eq!(
        typo.detail,
        "Xen does not know `nim=ignore` and ignores it: did you mean `nmi=ignore`?"
    );
    assert!(has_evidence(
        &typo.evidence,
        "/boot/extlinux.conf line 10 (entry `xe`, the default): append /boot/xen.gz"
    ));
    assert!(has_evidence(
        &typo.remedy,
        "replace `nim=ignore` with `nmi=ignore` so that it reads: `append /boot/xen.gz dom0_mem=752M,max:752M watchdog nmi=ignore --- /boot/vmlinuz-3.10-xen"
    ));
    assert!(
        finding(&report, "xen-nmi-policy").is_none(),
        "no NMI was logged"
    );
}

#[test]
fn the_seed_case_nmis_and_the_typo_give_the_exact_line_to_write() {
    let report = analyze(&Inputs {
        dmesg: vec![data("nmi-kern.log")],
        boot: vec![data("xs65-extlinux.conf")],
    });
    let policy = finding(&report, "xen-nmi-policy");
    let Some(policy) = policy else {
        panic!("no xen-nmi-policy finding: {:#?}", report.findings)
    };
    assert!(
        policy.detail.contains(
            "/boot/extlinux.conf line 10 (entry `xe`, the default): `nim=ignore` never took effect"
        ),
        "{}",
        policy.detail
    );
    let expected = "append /boot/xen.gz dom0_mem=752M,max:752M watchdog nmi=ignore --- /boot/vmlinuz-3.10-xen root=LABEL=root-ymkabc ro xencons=hvc console=hvc0 console=tty0 quiet vga=785 splash --- /boot/initrd-3.10-xen.img";
    assert_eq!(
        policy.remedy.first(),
        Some(&format!(
            "Edit /boot/extlinux.conf line 10 (entry `xe`, the default) to set `nmi=ignore` (or `nmi=dom0`, which keeps the host up and still reports the NMI to dom0) on Xen's line, so that it reads: `{expected}`"
        ))
    );
    assert!(has_evidence(&policy.remedy, "Triage in this order"));
    // nmi-errors-logged names the same file and line.
    let nmi = finding(&report, "nmi-errors-logged");
    assert!(nmi.is_some_and(|f| has_evidence(&f.remedy, expected)));
}

#[test]
fn a_100_mib_log_is_analysed_bounded_and_says_it_was_cut() {
    let dir = std::env::temp_dir().join(format!("xenready-klog-100mib-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join("kern.log");
    let filler = "Jan  5 10:00:00 host kernel: [ 12.000000] e1000e 0000:00:19.0 eth0: NIC Link is Up 1000 Mbps Full Duplex\n";
    let mut text = String::with_capacity(101 << 20);
    text.push_str("Jan  5 09:59:59 host kernel: [  1.000000] kvm: disabled by bios\n");
    let mut lines = 1u64;
    while text.len() < 100 << 20 {
        text.push_str(filler);
        lines += 1;
    }
    text.push_str("Jan  5 10:00:01 host kernel: [ 13.000000] NMI: PCI system error (SERR) for reason b1 on CPU 0.\n");
    lines += 1;
    std::fs::write(&path, &text).unwrap_or_else(|e| panic!("{e}"));
    drop(text);

    let inputs = dmesg(path.clone());
    let evidence = evidence(&inputs);
    let log = evidence.kernel_logs.first().cloned().unwrap_or_default();
    assert!(log.truncated);
    assert!(log.text.len() <= 16 << 20, "kept {} bytes", log.text.len());
    assert_eq!(
        evidence.source("kernel-log").map(|s| s.status),
        Some(SourceStatus::Partial)
    );
    let facts = log_facts(&inputs);
    assert!(facts.truncated);
    // The early kvm line was cut; the NMI at the end keeps its line number.
    assert_eq!(facts.events("virt-disabled-by-bios").count(), 0);
    let serr: Vec<u64> = facts.events("nmi-serr").map(|e| e.line).collect();
    assert_eq!(serr, vec![lines]);
    let report = analyze(&inputs);
    assert!(finding(&report, "nmi-errors-logged").is_some());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn garbage_never_panics_the_pipeline() {
    let dir = std::env::temp_dir().join(format!("xenready-klog-garbage-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let mut seed: u32 = 99;
    let mut next = || {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
        (seed >> 16) as u8
    };
    // Printable garbage with the characters the parsers care about.
    let alphabet = b"[]()<>{}'\"\\ :=-,.%*0123456789abcdefXEN\n\tkernel: NMI ";
    let text: Vec<u8> = (0..200_000)
        .map(|_| alphabet[usize::from(next()) % alphabet.len()])
        .collect();
    for name in ["garbage.log", "extlinux.conf", "grub.cfg", "grub"] {
        let path = dir.join(name);
        std::fs::write(&path, &text).unwrap_or_else(|e| panic!("{e}"));
        let mut evidence = Evidence::new(Origin::Import);
        let _ = import::dmesg::dmesg_file(&mut evidence, &path);
        let _ = import::boot_config::boot_config_file(&mut evidence, &path);
        let _ = import::xl_info::xl_info_file(&mut evidence, &path);
        let knowledge = Knowledge::builtin();
        let _ = xenready::analyze(&evidence, knowledge, knowledge.default_target());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn dom0(xl_info: &str, xl_dmesg: Option<&str>) -> Report {
    let mut evidence = Evidence::new(Origin::Import);
    evidence
        .files
        .insert("/proc/xen/capabilities".into(), "control_d\n".into());
    evidence.xen = Some(xenready::evidence::XenRaw {
        xl_info: Some(xl_info.into()),
        xl_dmesg: xl_dmesg.map(str::to_string),
    });
    let knowledge = Knowledge::builtin();
    xenready::analyze(&evidence, knowledge, knowledge.default_target())
}

#[test]
fn in_dom0_xen_virt_caps_decide_hvm_and_hap() {
    // XenServer 6.5 (Xen 4.4): virt_caps predate the `hap` word.
    let report = dom0("virt_caps              : hvm hvm_directio\n", None);
    assert_eq!(report.capabilities.hvm.state, CapState::Available);
    assert!(has_evidence(
        &report.capabilities.hvm.evidence,
        "xl info virt_caps: hvm hvm_directio"
    ));
    assert_ne!(report.capabilities.hap.state, CapState::Unsupported);

    let report = dom0(
        "virt_caps : pv hvm hvm_directio pv_directio hap shadow iommu_hap_pt_share\n",
        Some("(XEN) HVM: Hardware Assisted Paging (HAP) detected\n"),
    );
    assert_eq!(report.capabilities.hvm.state, CapState::Available);
    assert_eq!(report.capabilities.hap.state, CapState::Available);
    assert_eq!(report.capabilities.hap.os, OsState::Active);

    let report = dom0(
        "virt_caps : pv pv_directio shadow\n",
        Some("(XEN) CPU0: VMX disabled by BIOS.\n"),
    );
    assert_eq!(report.capabilities.hvm.state, CapState::DisabledInFirmware);
    assert!(has_evidence(
        &report.capabilities.hvm.evidence,
        "xl dmesg line 1: (XEN) CPU0: VMX disabled by BIOS."
    ));
}

#[test]
fn the_running_xen_command_line_is_judged_when_no_bootloader_file_was_read() {
    let report = dom0(
        "virt_caps : hvm hvm_directio\nxen_commandline : dom0_mem=752M,max:752M watchdog nim=ignore\n",
        Some("(XEN) NMI - PCI system error (SERR)\n"),
    );
    let typo = finding(&report, "xen-boot-option-unknown");
    assert!(typo.is_some_and(|f| has_evidence(
        &f.evidence,
        "the running Xen (xl info xen_commandline): dom0_mem=752M,max:752M watchdog nim=ignore"
    )));
    let policy = finding(&report, "xen-nmi-policy");
    assert!(
        policy.is_some_and(|f| has_evidence(&f.remedy, "the running Xen was booted with")),
        "{:#?}",
        report.findings
    );
}
