use super::*;
use crate::collect::procfs::scratch::ScratchDir;
use std::time::{Duration, Instant};

fn fifo(dir: &ScratchDir, name: &str) -> Option<PathBuf> {
    let path = dir.path().join(name);
    match nix::unistd::mkfifo(&path, nix::sys::stat::Mode::S_IRWXU) {
        Ok(()) => Some(path),
        Err(e) => {
            eprintln!("skipped: mkfifo: {e}");
            None
        }
    }
}

#[test]
fn a_fifo_without_a_writer_is_refused_at_once_by_every_reader() {
    let dir = ScratchDir::new("bounded-fifo");
    let Some(path) = fifo(&dir, "fifo") else {
        return;
    };
    let started = Instant::now();
    let refused = |e: ReadError| matches!(e, ReadError::NotRegular { what: "a FIFO", .. });
    assert!(read(&path, 10, Over::Refuse).is_err_and(refused));
    assert!(read_text(&path, 10, Over::Cut).is_err_and(refused));
    assert!(read_log(&path).is_err_and(refused));
    assert!(open(&path, Some(Device::Kmsg)).is_err_and(refused));
    assert!(started.elapsed() < Duration::from_secs(2));
    let message = read(&path, 10, Over::Cut).unwrap_err().to_string();
    assert!(
        message.starts_with(&path.display().to_string()),
        "{message}"
    );
    assert!(message.contains("a FIFO, not a regular file"), "{message}");
}

#[test]
fn devices_outside_the_allow_list_are_refused() {
    for path in ["/dev/zero", "/dev/null", "/dev/urandom"] {
        let path = Path::new(path);
        if !path.exists() {
            continue;
        }
        for device in [None, Some(Device::Kmsg), Some(Device::Msr)] {
            let err = open(path, device).unwrap_err();
            assert!(
                matches!(
                    err,
                    ReadError::NotRegular {
                        what: "a character device",
                        ..
                    }
                ),
                "{err}"
            );
        }
    }
    let dir = ScratchDir::new("bounded-dir");
    let err = read(dir.path(), 10, Over::Cut).unwrap_err();
    assert_eq!(err.errno(), Some(Errno::EISDIR), "{err}");
}

#[test]
fn a_huge_sparse_file_is_refused_without_being_read() {
    let dir = ScratchDir::new("bounded-sparse");
    let path = dir.path().join("disk.img");
    let file = File::create(&path).unwrap_or_else(|e| panic!("{e}"));
    // 64 GiB of holes: reading it whole would take minutes and all memory.
    file.set_len(64 << 30).unwrap_or_else(|e| panic!("{e}"));
    let started = Instant::now();
    let err = read(&path, 16 << 20, Over::Refuse).unwrap_err();
    assert!(
        matches!(err, ReadError::TooLarge { cap, .. } if cap == 16 << 20),
        "{err}"
    );
    assert!(
        err.to_string().contains("larger than 16777216 bytes"),
        "{err}"
    );
    // Cut mode reads only the cap.
    let cut = read(&path, 4096, Over::Cut).unwrap_or_else(|e| panic!("{e}"));
    assert!(cut.cut && cut.bytes.len() == 4096);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_file_that_grows_past_the_cap_while_read_is_still_refused() {
    // procfs files report size 0, so only the read itself can bound them.
    let path = Path::new("/proc/self/status");
    if !path.exists() {
        return;
    }
    let err = read(path, 8, Over::Refuse).unwrap_err();
    assert!(matches!(err, ReadError::TooLarge { cap: 8, .. }), "{err}");
    let whole = read(path, FILE_CAP, Over::Refuse).unwrap_or_else(|e| panic!("{e}"));
    assert!(!whole.cut && whole.bytes.starts_with(b"Name:"));
}

#[test]
fn text_is_cut_at_its_last_whole_line_and_says_so() {
    let dir = ScratchDir::new("bounded-text");
    dir.put("/a.txt", "one\ntwo\nthree\n".as_bytes());
    let path = dir.path().join("a.txt");
    let cut = read_text(&path, 10, Over::Cut).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        cut,
        Text {
            text: "one\ntwo\n".into(),
            cut: true
        }
    );
    let whole = read_text(&path, 14, Over::Refuse).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        whole,
        Text {
            text: "one\ntwo\nthree\n".into(),
            cut: false
        }
    );
}

#[test]
fn a_missing_file_is_an_io_error_that_says_missing() {
    let err = read(Path::new("/nonexistent/xenready"), 10, Over::Cut).unwrap_err();
    assert!(err.is_missing() && !err.is_denied());
    assert_eq!(err.cause(), "ENOENT");
}

#[test]
fn the_kmsg_device_is_accepted_and_stays_non_blocking() {
    let path = Path::new("/dev/kmsg");
    let Ok(file) = open(path, Some(Device::Kmsg)) else {
        return; // not readable here (no root, or dmesg_restrict)
    };
    let flags = fcntl(file.as_raw_fd(), FcntlArg::F_GETFL).unwrap_or(0);
    assert!(OFlag::from_bits_truncate(flags).contains(OFlag::O_NONBLOCK));
    assert!(open(path, None).is_err(), "kmsg is not a regular file");
}

#[test]
fn a_regular_file_is_read_blocking() {
    let dir = ScratchDir::new("bounded-flags");
    dir.put("/f", b"x");
    let file = open(&dir.path().join("f"), None).unwrap_or_else(|e| panic!("{e}"));
    let flags = fcntl(file.as_raw_fd(), FcntlArg::F_GETFL).unwrap_or(0);
    assert!(!OFlag::from_bits_truncate(flags).contains(OFlag::O_NONBLOCK));
}
