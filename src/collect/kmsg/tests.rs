use super::*;
use crate::collect::procfs::scratch::ScratchDir;
use crate::evidence::Origin;
use std::time::{Duration, Instant};

#[test]
fn a_regular_file_standing_in_for_kmsg_reads_to_its_end() {
    let dir = ScratchDir::new("kmsg-file");
    dir.put(
        "/dev/kmsg",
        b"4,1,287455,-;x86/cpu: VMX (outside TXT) disabled by BIOS\n SUBSYSTEM=cpu\n\
6,2,23847576,-;kvm: disabled by bios\n",
    );
    let kept = read_kmsg(&dir.path().join("dev/kmsg")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        kept.text,
        "[    0.287455] x86/cpu: VMX (outside TXT) disabled by BIOS\n\
[   23.847576] kvm: disabled by bios\n"
    );
    assert!(!kept.truncated);
}

#[test]
fn a_fifo_standing_in_for_kmsg_is_refused_at_once() {
    let dir = ScratchDir::new("kmsg-fifo");
    let fifo = dir.path().join("kmsg");
    if let Err(e) = nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU) {
        eprintln!("skipped: mkfifo: {e}");
        return;
    }
    // A writer that holds it open and never stops would keep a reader
    // busy forever; the FIFO is refused before any read.
    let started = Instant::now();
    let err = read_kmsg(&fifo).unwrap_err();
    assert!(
        err.to_string().contains("a FIFO, not a regular file"),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_log_over_the_cap_keeps_its_last_16_mib() {
    let dir = ScratchDir::new("kmsg-big");
    let path = dir.path().join("kern.log");
    let line = "Jan  5 10:00:00 host kernel: [ 12.000000] filler filler filler filler filler\n";
    let lines = (LOG_CAP / line.len()) + 20_000;
    let mut text = line.repeat(lines);
    text.push_str("Jan  5 10:00:01 host kernel: [ 13.000000] kvm: disabled by bios\n");
    std::fs::write(&path, &text).unwrap_or_else(|e| panic!("{e}"));
    assert!(text.len() > LOG_CAP);
    let kept = bounded::read_log(&path).unwrap_or_else(|e| panic!("{e}"));
    assert!(kept.truncated);
    assert!(kept.text.len() <= LOG_CAP);
    assert!(kept.text.starts_with("Jan  5"), "cut at a line start");
    assert!(kept.text.ends_with("kvm: disabled by bios\n"));
    // The last line keeps its number in the original file.
    let kept_lines = kept.text.lines().count() as u64;
    assert_eq!(kept.line_offset + kept_lines, lines as u64 + 1);
}

#[test]
fn captured_tree_falls_back_to_log_files_and_never_touches_kmsg() {
    let dir = ScratchDir::new("kmsg-tree");
    dir.put("/dev/kmsg", b"6,1,1,-;from the device\n");
    dir.put("/var/log/dmesg", b"[    1.0] from var/log/dmesg\n");
    let mut evidence = Evidence::new(Origin::Live);
    collect(&mut evidence, dir.path());
    assert_eq!(evidence.kernel_logs.len(), 1);
    assert_eq!(evidence.kernel_logs[0].source, "/var/log/dmesg");
    assert!(evidence.kernel_logs[0].text.contains("from var/log/dmesg"));
    let record = evidence.source(SOURCE).cloned();
    assert_eq!(record.as_ref().map(|r| r.status), Some(SourceStatus::Ok));

    dir.put(
        "/var/log/kern.log",
        b"Jan  5 10:00:00 h kernel: first choice\n",
    );
    let mut evidence = Evidence::new(Origin::Live);
    collect(&mut evidence, dir.path());
    assert_eq!(evidence.kernel_logs[0].source, "/var/log/kern.log");
}

#[test]
fn no_log_anywhere_is_absent() {
    let dir = ScratchDir::new("kmsg-none");
    let mut evidence = Evidence::new(Origin::Live);
    collect(&mut evidence, dir.path());
    assert!(evidence.kernel_logs.is_empty());
    assert_eq!(
        evidence.source(SOURCE).map(|r| r.status),
        Some(SourceStatus::Absent)
    );
}

#[test]
fn a_directory_where_the_log_should_be_is_an_error_not_a_panic() {
    let dir = ScratchDir::new("kmsg-dir");
    std::fs::create_dir_all(dir.path().join("var/log/kern.log")).unwrap_or_default();
    let mut evidence = Evidence::new(Origin::Live);
    collect(&mut evidence, dir.path());
    assert_eq!(
        evidence.source(SOURCE).map(|r| r.status),
        Some(SourceStatus::Error)
    );
}
