use super::*;
use std::os::unix::fs::{symlink, FileTypeExt};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xenready-output-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn replaces_whole_file_and_leaves_no_temporary() {
    let dir = scratch("replace");
    let path = dir.join("report.json");
    write_atomic(&path, b"first").unwrap();
    write_atomic(&path, b"second").unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"second");
    let leftovers: Vec<_> = fs::read_dir(&dir).unwrap().collect();
    assert_eq!(leftovers.len(), 1);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn missing_directory_is_an_error_not_a_panic() {
    let path = Path::new("/nonexistent-xenready-dir/report.json");
    assert!(write_atomic(path, b"x").is_err());
}

/// H1: 0.1.0 wrote to `.NAME.tmp<PID>` with `File::create`, following a
/// symlink planted there and blocking on a planted FIFO.
#[test]
fn planted_symlink_and_fifo_at_the_old_temporary_name_are_ignored() {
    let dir = scratch("planted");
    let victim = dir.join("victim.conf");
    fs::write(&victim, b"ROOT-OWNED CONFIG").unwrap();
    let path = dir.join("report.json");
    symlink(
        &victim,
        dir.join(format!(".report.json.tmp{}", std::process::id())),
    )
    .unwrap();
    write_atomic(&path, b"report").unwrap();
    assert_eq!(fs::read(&victim).unwrap(), b"ROOT-OWNED CONFIG");
    assert!(fs::symlink_metadata(&path).unwrap().is_file());
    assert_eq!(fs::read(&path).unwrap(), b"report");

    let fifo_dir = scratch("planted-fifo");
    let fifo = fifo_dir.join(format!(".report.json.tmp{}", std::process::id()));
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o666)).unwrap();
    let (done, wait) = std::sync::mpsc::channel();
    let target = fifo_dir.join("report.json");
    std::thread::spawn(move || done.send(write_atomic(&target, b"report").is_ok()));
    let ok = wait.recv_timeout(std::time::Duration::from_secs(2));
    assert_eq!(ok, Ok(true), "the write blocked on a planted FIFO");
    fs::remove_dir_all(&dir).unwrap();
    fs::remove_dir_all(&fifo_dir).unwrap();
}

/// The fallback for filesystems without `O_TMPFILE` must refuse what is
/// already at its name rather than open it.
#[test]
fn exclusive_creation_refuses_a_planted_symlink_or_fifo() {
    let dir = scratch("exclusive");
    let victim = dir.join("victim");
    fs::write(&victim, b"keep").unwrap();
    let link = dir.join("link");
    symlink(&victim, &link).unwrap();
    assert!(create_exclusive(&link).is_err());
    assert_eq!(fs::read(&victim).unwrap(), b"keep");
    let fifo = dir.join("fifo");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o666)).unwrap();
    assert!(create_exclusive(&fifo).is_err());
    let (file, temp) = named_temp(&dir, std::ffi::OsStr::new(".r")).unwrap();
    drop(file);
    assert!(temp
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with(".r.xenready-"));
    fs::remove_dir_all(&dir).unwrap();
}

/// H2: a FIFO (like `-o >(gzip)`) or a device is written in place, never
/// replaced by a regular file.
#[test]
fn a_fifo_target_is_written_in_place() {
    let dir = scratch("fifo-target");
    let fifo = dir.join("out");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
    let reader_path = fifo.clone();
    let reader = std::thread::spawn(move || fs::read(reader_path).unwrap());
    write_atomic(&fifo, b"report").unwrap();
    assert_eq!(reader.join().unwrap(), b"report");
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn dev_null_stays_a_device_and_dev_full_is_an_error() {
    write_atomic(Path::new("/dev/null"), b"report").unwrap();
    assert!(fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
    if Path::new("/dev/full").exists() {
        assert!(write_atomic(Path::new("/dev/full"), b"report").is_err());
        assert!(fs::metadata("/dev/full")
            .unwrap()
            .file_type()
            .is_char_device());
    }
}

#[test]
fn a_directory_target_is_refused() {
    let dir = scratch("dir-target");
    assert!(write_atomic(&dir, b"x").is_err());
    fs::remove_dir_all(&dir).unwrap();
}

/// A new file is linked at its name directly; a dangling symlink there is
/// replaced, never followed to create the file it names.
#[test]
fn a_dangling_symlink_at_the_target_is_not_followed() {
    let dir = scratch("dangling");
    let path = dir.join("report.json");
    let elsewhere = dir.join("created-through-the-link");
    symlink(&elsewhere, &path).unwrap();
    write_atomic(&path, b"report").unwrap();
    assert!(!elsewhere.exists());
    assert!(fs::symlink_metadata(&path).unwrap().is_file());
    let fresh = dir.join("fresh.json");
    write_atomic(&fresh, b"new").unwrap();
    assert_eq!(fs::read(&fresh).unwrap(), b"new");
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 2);
    fs::remove_dir_all(&dir).unwrap();
}
