use super::scratch::ScratchDir;
use super::*;
use crate::bounded::FILE_CAP;
use crate::evidence::Origin;
use crate::facts::OsFacts;
use std::path::PathBuf;
use std::process::Command;

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/corpus/cpuinfo/util-linux"
);

/// Unpacks one of util-linux's lscpu snapshots; `None` (with a notice) when
/// there is no `tar` to do it.
fn snapshot(name: &str) -> Option<(ScratchDir, PathBuf)> {
    if Command::new("tar").arg("--version").output().is_err() {
        eprintln!("skipped: no `tar` command to unpack the {name} snapshot");
        return None;
    }
    let dir = ScratchDir::new(name);
    let tarball = format!("{FIXTURES}/sysfs-tarballs/{name}.tar.gz");
    let status = Command::new("tar")
        .arg("-xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(dir.path())
        .status()
        .unwrap_or_else(|e| panic!("tar {tarball}: {e}"));
    assert!(status.success(), "tar -xzf {tarball} failed");
    let root = dir.path().join(name);
    Some((dir, root))
}

fn scan(root: &Path) -> (Evidence, OsFacts) {
    let mut evidence = Evidence::new(Origin::Live);
    collect(&mut evidence, root);
    let mut notes = Vec::new();
    let os = crate::decode::procfs::decode(&evidence.files, &mut notes);
    assert_eq!(notes, vec![], "decode notes");
    (evidence, os)
}

fn status(evidence: &Evidence, source: &str) -> SourceStatus {
    evidence
        .source(source)
        .unwrap_or_else(|| panic!("no {source} record"))
        .status
}

fn detail<'a>(evidence: &'a Evidence, source: &str) -> &'a str {
    evidence.source(source).map_or("", |s| s.detail.as_str())
}

#[test]
fn dell_r710_snapshot_two_sockets_four_cores_ht() {
    let Some((_dir, root)) = snapshot("x86_64-dellr710") else {
        return;
    };
    let (evidence, os) = scan(&root);
    // Keys are machine paths, never the scratch directory.
    assert!(evidence
        .files
        .keys()
        .all(|k| k.starts_with("/proc/") || k.starts_with("/sys/")));
    assert!(evidence
        .files
        .contains_key("/sys/devices/system/cpu/cpu15/topology/core_id"));

    assert_eq!(os.packages(), Some(2));
    assert_eq!(os.cores(), Some(8));
    assert_eq!(os.threads_per_core(), Some(2));
    // A 2009 kernel: no online list (so the per-CPU files), no SMT knob.
    assert_eq!(os.cpus_online, Some((0..16).collect()));
    assert_eq!(os.cpus_present, None);
    assert_eq!(os.smt_control, None);
    assert!(os.vulnerabilities.is_empty());
    assert_eq!(os.topology.len(), 16);
    // cpu0 and cpu8 are the two threads of core 0 in package 1.
    let cpu8 = os.topology.iter().find(|t| t.cpu == 8);
    assert_eq!(
        cpu8.map(|t| (t.package_id, t.core_id)),
        Some((Some(1), Some(0)))
    );
    assert_eq!(cpu8.map(|t| t.thread_siblings.clone()), Some(vec![0, 8]));
    assert_eq!(os.cpuinfo.as_ref().map(|c| c.processors), Some(16));

    assert_eq!(
        status(&evidence, "sysfs"),
        SourceStatus::Ok,
        "{}",
        detail(&evidence, "sysfs")
    );
    assert!(detail(&evidence, "sysfs").starts_with("16 CPUs"));
    // Only /proc/cpuinfo was captured.
    assert_eq!(status(&evidence, "procfs"), SourceStatus::Partial);
    assert!(detail(&evidence, "procfs").contains("/proc/cmdline (ENOENT)"));
    assert_eq!(status(&evidence, "xen-sysfs"), SourceStatus::Absent);
    assert_eq!(detail(&evidence, "xen-sysfs"), "not running under Xen");
}

#[test]
fn el5_xen_snapshot_one_vcpu_per_package() {
    let Some((_dir, root)) = snapshot("x86_64-el5xen") else {
        return;
    };
    let (evidence, os) = scan(&root);
    assert_eq!(os.packages(), Some(8));
    assert_eq!(os.cores(), Some(8));
    assert_eq!(os.threads_per_core(), Some(1));
    assert_eq!(os.cpus_online, Some((0..8).collect()));
    // This kernel has the `_list` files, so the masks were not read.
    assert!(evidence
        .files
        .contains_key("/sys/devices/system/cpu/cpu3/topology/thread_siblings_list"));
    assert!(!evidence
        .files
        .contains_key("/sys/devices/system/cpu/cpu3/topology/thread_siblings"));
    assert_eq!(os.proc_xen_capabilities.as_deref(), Some(""));
    assert_eq!(status(&evidence, "xen-sysfs"), SourceStatus::Partial);
}

#[test]
fn amd_shanghai_snapshot_masks_only() {
    let Some((_dir, root)) = snapshot("i386-amdshanghai") else {
        return;
    };
    let (_evidence, os) = scan(&root);
    // Only sibling masks: no package or core ids to count.
    assert_eq!(os.topology.len(), 8);
    assert_eq!(os.threads_per_core(), Some(1));
    assert_eq!(os.packages(), None);
    let cpuinfo = os.cpuinfo.unwrap_or_default();
    assert_eq!(
        (cpuinfo.packages, cpuinfo.cores_per_package),
        (Some(2), Some(4))
    );
}

#[test]
fn an_empty_root_is_absent_everywhere() {
    let dir = ScratchDir::new("empty-root");
    let (evidence, os) = scan(dir.path());
    assert!(evidence.files.is_empty());
    assert_eq!(os, OsFacts::default());
    for source in ["procfs", "sysfs", "xen-sysfs"] {
        assert_eq!(status(&evidence, source), SourceStatus::Absent, "{source}");
    }
    // A missing root is the same, not an error.
    let (evidence, _) = scan(&dir.path().join("nowhere"));
    assert_eq!(status(&evidence, "sysfs"), SourceStatus::Absent);
}

#[test]
fn a_file_over_one_mib_is_cut_at_a_line() {
    let block = std::fs::read(format!("{FIXTURES}/x86_64-epyc_7451.cpuinfo")).unwrap_or_default();
    assert!(!block.is_empty());
    let mut big = Vec::new();
    while big.len() < 2 << 20 {
        big.extend_from_slice(&block);
    }
    let dir = ScratchDir::new("big-file");
    dir.put("/proc/cpuinfo", &big);
    let (evidence, os) = scan(dir.path());
    let kept = evidence.file("/proc/cpuinfo").unwrap_or_default();
    assert!(
        kept.len() <= FILE_CAP && kept.len() > FILE_CAP - 4096,
        "{}",
        kept.len()
    );
    assert!(kept.ends_with('\n'));
    assert_eq!(status(&evidence, "procfs"), SourceStatus::Partial);
    assert!(detail(&evidence, "procfs").contains("truncated at 1 MiB: /proc/cpuinfo"));
    assert!(os.cpuinfo.is_some_and(|c| c.processors > 300));
}

#[test]
fn unreadable_files_are_named_with_their_errno() {
    let dir = ScratchDir::new("unreadable");
    dir.put("/proc/cpuinfo", b"processor\t: 0\n");
    dir.put("/proc/cmdline", b"ro quiet\n");
    dir.put("/proc/sys/kernel/osrelease", b"6.1.0\n");
    dir.put("/proc/meminfo/x", b"");
    dir.put("/sys/devices/system/cpu/online", b"0\n");
    dir.put("/sys/devices/system/cpu/vulnerabilities/meltdown/x", b"");
    // A FIFO must not hang the scan: it is refused unread.
    let fifo = dir.path().join("sys/devices/system/cpu/smt/control");
    dir.put("/sys/devices/system/cpu/smt/.keep", b"");
    let made_fifo = nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRUSR).is_ok();

    let mut evidence = Evidence::new(Origin::Live);
    collect(&mut evidence, dir.path());
    assert_eq!(status(&evidence, "procfs"), SourceStatus::Partial);
    assert!(
        detail(&evidence, "procfs").contains("/proc/meminfo (EISDIR)"),
        "{}",
        detail(&evidence, "procfs")
    );
    assert_eq!(status(&evidence, "sysfs"), SourceStatus::Partial);
    let sysfs = detail(&evidence, "sysfs");
    assert!(
        sysfs.contains("vulnerabilities/meltdown (EISDIR)"),
        "{sysfs}"
    );
    if made_fifo {
        assert_eq!(evidence.file("/sys/devices/system/cpu/smt/control"), None);
        assert!(sysfs.contains("smt/control (a FIFO, refused)"), "{sysfs}");
    }
}

#[test]
fn denied_only_sources_are_denied() {
    let mut tally = Tally::default();
    let denied = std::io::Error::from_raw_os_error(13);
    tally.fail("/proc/cpuinfo", &denied);
    assert_eq!(tally.status(true), SourceStatus::Denied);
    assert_eq!(tally.problems(true), "unreadable: /proc/cpuinfo (EACCES)");
    tally.fail("/proc/meminfo", &std::io::Error::from_raw_os_error(5));
    assert_eq!(tally.status(true), SourceStatus::Error);
    tally.read = 1;
    assert_eq!(tally.status(true), SourceStatus::Partial);
    for n in 0..10 {
        tally.missing.push(format!("/f{n}"));
    }
    assert!(tally.problems(true).ends_with("/f4 (ENOENT), and 5 more"));
}

#[test]
fn live_scan_of_this_machine() {
    let started = std::time::Instant::now();
    let mut evidence = Evidence::new(Origin::Live);
    collect(&mut evidence, Path::new("/"));
    let elapsed = started.elapsed();
    eprintln!(
        "live procfs/sysfs scan: {} files in {elapsed:?}; {:?}",
        evidence.files.len(),
        evidence.sources
    );
    if !Path::new("/proc/cpuinfo").exists() {
        eprintln!("skipped: this machine has no /proc");
        return;
    }
    assert!(evidence
        .file("/proc/cpuinfo")
        .is_some_and(|t| t.contains("processor")));
    let mut notes = Vec::new();
    let os = crate::decode::procfs::decode(&evidence.files, &mut notes);
    assert_eq!(notes, vec![]);
    let online = os.cpus_online.unwrap_or_default();
    assert!(!online.is_empty());
    assert!(os
        .cpuinfo
        .is_some_and(|c| c.processors as usize >= online.len()));
    assert!(os.kernel_release.is_some());
    assert_ne!(status(&evidence, "procfs"), SourceStatus::Absent);
}
