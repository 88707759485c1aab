use super::modules_dep::{loadable, ships};
use super::*;
use crate::collect::procfs::scratch::ScratchDir;
use crate::evidence::Origin;
use std::io;

/// Writes each MSR value at its number as the file offset, as the msr
/// driver serves them: a sparse file reaching past 3 GiB for VM_CR.
fn fake_msr(dir: &ScratchDir, cpu: u32, values: &[(u32, u64)]) {
    let path = dir.path().join(format!("dev/cpu/{cpu}/msr"));
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{}: {e}", parent.display()));
    }
    let file = File::create(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    for &(msr, value) in values {
        file.write_all_at(&value.to_le_bytes(), u64::from(msr))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

fn scan(root: &Path) -> Evidence {
    let mut evidence = Evidence::new(Origin::Live);
    let modules = Modules::prepare(root, true, true);
    assert!(
        modules.loaded().is_empty(),
        "never loads modules for a tree"
    );
    collect(&mut evidence, root, &modules);
    evidence
}

#[test]
fn two_cpus_with_different_feature_control() {
    let dir = ScratchDir::new("msr-two-cpus");
    dir.put("/sys/devices/system/cpu/online", b"0-1\n");
    let mut cpu0: Vec<(u32, u64)> = FIRST_CPU_MSRS.iter().map(|&m| (m, 0)).collect();
    cpu0.extend([
        (0x3A, 0x5),
        (0x1A0, 0x40_0085_0089),
        (0x482, 0xFFF9_FFFE_0401_E172),
        (0x48B, 0x0000_00FF_0000_0000),
        (0xC001_0114, 0x8),
        (0xC000_0080, 0xD01),
    ]);
    fake_msr(&dir, 0, &cpu0);
    // Firmware set feature control on the boot CPU only.
    fake_msr(
        &dir,
        1,
        &[(0x3A, 0x0), (0x1A0, 0x40_0085_0089), (0xC001_0114, 0x8)],
    );
    let evidence = scan(dir.path());
    let record = evidence.source("msr").cloned();
    assert_eq!(
        record.as_ref().map(|r| r.status),
        Some(SourceStatus::Ok),
        "{record:?}"
    );
    assert_eq!(evidence.msr.len(), 2);
    let (first, second) = (&evidence.msr[0], &evidence.msr[1]);
    assert_eq!((first.cpu, second.cpu), (0, 1));
    assert_eq!(first.values.len(), FIRST_CPU_MSRS.len());
    assert_eq!(first.value(0x3A), Some(0x5));
    assert_eq!(first.value(0x48B), Some(0xFF_0000_0000));
    // Offsets above 2^31 work.
    assert_eq!(first.value(0xC001_0114), Some(0x8));
    assert_eq!(first.value(0xC000_0080), Some(0xD01));
    assert_eq!(second.values.len(), OTHER_CPU_MSRS.len());
    assert_eq!(second.value(0x3A), Some(0x0));
    assert_eq!(second.value(0x482), None);

    let controls = crate::decode::msr::decode(&evidence.msr).unwrap_or_default();
    assert_eq!(controls.differences.len(), 1);
    assert_eq!(controls.differences[0].msr, 0x3A);
}

#[test]
fn an_unreadable_second_cpu_makes_the_source_partial() {
    let dir = ScratchDir::new("msr-partial");
    dir.put("/sys/devices/system/cpu/online", b"0,2\n");
    let cpu0: Vec<(u32, u64)> = FIRST_CPU_MSRS.iter().map(|&m| (m, 1)).collect();
    fake_msr(&dir, 0, &cpu0);
    // CPU 2's node is short: its file ends before VM_CR.
    fake_msr(&dir, 2, &[(0x3A, 0x5), (0x1A0, 0x1)]);
    let evidence = scan(dir.path());
    let record = evidence
        .source("msr")
        .cloned()
        .unwrap_or_else(|| panic!("no record"));
    assert_eq!(record.status, SourceStatus::Partial);
    assert!(
        record.detail.contains("0xc0010114 on CPU 2"),
        "{}",
        record.detail
    );
    assert_eq!(evidence.msr.len(), 2);
}

#[test]
fn a_tree_without_msr_nodes_says_absent() {
    let dir = ScratchDir::new("msr-none");
    dir.put("/sys/devices/system/cpu/online", b"0-3\n");
    let evidence = scan(dir.path());
    let record = evidence
        .source("msr")
        .cloned()
        .unwrap_or_else(|| panic!("no record"));
    assert_eq!(record.status, SourceStatus::Absent);
    assert!(
        record.detail.contains("no /dev/cpu/0/msr under"),
        "{}",
        record.detail
    );
    assert!(evidence.msr.is_empty());
}

#[test]
fn missing_node_reasons() {
    let enoent = io::Error::from_raw_os_error(libc_errno(Errno::ENOENT));
    let needs_root = Modules {
        loaded: Vec::new(),
        missing: Some(Missing::NeedsRoot),
    };
    let (status, detail) = first_cpu_failure(&enoent, 0, &needs_root);
    assert_eq!(status, SourceStatus::Denied);
    assert!(detail.contains("run as root"), "{detail}");

    let failed = Modules {
        loaded: Vec::new(),
        missing: Some(Missing::LoadFailed(
            "modprobe: FATAL: Module msr not found in directory /lib/modules/6.1.0".into(),
        )),
    };
    let (status, detail) = first_cpu_failure(&enoent, 0, &failed);
    assert_eq!(status, SourceStatus::Absent);
    assert_eq!(
        detail,
        "the msr module could not be loaded: modprobe: FATAL: Module msr not found in directory /lib/modules/6.1.0"
    );

    let eacces = io::Error::from_raw_os_error(libc_errno(Errno::EACCES));
    let (status, detail) = first_cpu_failure(&eacces, 0, &Modules::default());
    assert_eq!(status, SourceStatus::Denied);
    assert_eq!(detail, "/dev/cpu/0/msr: EACCES (run as root)");
}

fn libc_errno(errno: Errno) -> i32 {
    errno as i32
}

#[test]
fn the_live_machine_never_panics() {
    // --no-modules: a test must not load kernel modules.
    let as_root = nix::unistd::geteuid().is_root();
    let modules = Modules::prepare(Path::new("/"), false, as_root);
    assert!(modules.loaded().is_empty());
    let mut evidence = Evidence::new(Origin::Live);
    let started = Instant::now();
    collect(&mut evidence, Path::new("/"), &modules);
    let record = evidence
        .source("msr")
        .cloned()
        .unwrap_or_else(|| panic!("no record"));
    assert!(!record.detail.is_empty());
    if record.status == SourceStatus::Ok {
        assert!(!evidence.msr.is_empty());
    } else {
        assert!(
            matches!(
                record.status,
                SourceStatus::Absent | SourceStatus::Denied | SourceStatus::Partial
            ),
            "{record:?}"
        );
    }
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[test]
fn modprobe_failure_is_reported_not_fatal() {
    // A module name no kernel has: whether modprobe exists or not, the
    // answer is an explanation. `-n` keeps it a dry run.
    let result = modprobe(&["-n", "xenready-no-such-module"]);
    if let Err(reason) = result {
        assert!(!reason.is_empty());
    }
}

/// The scan spent most of its time spawning modprobe on kernels that have
/// no msr module; the running kernel's modules.dep now decides first.
#[test]
fn modules_dep_decides_whether_modprobe_is_worth_spawning() {
    let dep = "kernel/arch/x86/kernel/msr.ko.xz:\nkernel/arch/x86/kernel/cpuid.ko:\n\
               kernel/drivers/hwmon/amd_energy_msr.ko.zst: kernel/x.ko\n";
    assert!(ships(dep, "msr"));
    assert!(ships(dep, "cpuid"));
    assert!(!ships(
        "kernel/drivers/hwmon/amd_energy_msr.ko.zst:\n",
        "msr"
    ));

    let dir = ScratchDir::new("msr-modules-dep");
    let root = dir.path();
    std::fs::create_dir_all(root.join("proc/sys/kernel")).unwrap();
    std::fs::write(root.join("proc/sys/kernel/osrelease"), "6.1.0-test\n").unwrap();
    let missing = loadable("msr", root).unwrap_err();
    assert!(missing.contains("no modules installed"), "{missing}");
    std::fs::create_dir_all(root.join("lib/modules/6.1.0-test")).unwrap();
    std::fs::write(
        root.join("lib/modules/6.1.0-test/modules.dep"),
        "kernel/fs/ext4/ext4.ko:\n",
    )
    .unwrap();
    let absent = loadable("msr", root).unwrap_err();
    assert!(absent.contains("no msr module"), "{absent}");
    std::fs::write(root.join("lib/modules/6.1.0-test/modules.dep"), dep).unwrap();
    assert_eq!(loadable("msr", root), Ok(()));
}
