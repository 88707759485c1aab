//! Every importer and the bundle reader, given a FIFO: refused at once,
//! with or without a writer holding it open, never a hang.

use super::*;
use crate::collect::procfs::scratch::ScratchDir;
use std::os::unix::fs::OpenOptionsExt;
use std::sync::mpsc;
use std::time::Duration;

type Importer = fn(&mut Evidence, &Path) -> Result<(), ImportError>;

const IMPORTERS: [(&str, Importer); 8] = [
    ("--cpuid", cpuid_file),
    ("--dmi", dmi_file),
    ("--dmidecode-text", dmidecode_text_file),
    ("--acpi", acpi_path),
    ("--dmesg", dmesg::dmesg_file),
    ("--cpuinfo", cpuinfo::cpuinfo_file),
    ("--xl-info", xl_info::xl_info_file),
    ("--boot-config", boot_config::boot_config_file),
];

/// Runs `read` in a thread and waits at most 5 s for its answer, so a
/// regression fails this test instead of hanging the suite.
fn within_deadline(path: &Path, read: impl FnOnce(&Path) -> String + Send + 'static) -> String {
    let (send, receive) = mpsc::channel();
    let owned = path.to_path_buf();
    std::thread::spawn(move || {
        let _ = send.send(read(&owned));
    });
    receive
        .recv_timeout(Duration::from_secs(5))
        .unwrap_or_else(|_| panic!("{}: still reading after 5 s", path.display()))
}

#[test]
fn a_fifo_is_refused_by_every_importer_and_the_bundle_reader() {
    let dir = ScratchDir::new("import-fifo");
    let path = dir.path().join("input");
    if let Err(e) = nix::unistd::mkfifo(&path, nix::sys::stat::Mode::S_IRWXU) {
        eprintln!("skipped: mkfifo: {e}");
        return;
    }
    // A writer that holds the FIFO open and writes nothing: a blocking
    // reader would wait for it forever.
    let writer = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(nix::fcntl::OFlag::O_NONBLOCK.bits())
        .open(&path);
    for (flag, import) in IMPORTERS {
        let message = within_deadline(&path, move |p| {
            let mut evidence = Evidence::new(crate::evidence::Origin::Import);
            match import(&mut evidence, p) {
                Err(e) => e.to_string(),
                Ok(()) => format!("{flag}: imported a FIFO"),
            }
        });
        assert!(
            message.contains("a FIFO, not a regular file"),
            "{flag}: {message}"
        );
    }
    let message = within_deadline(&path, |p| match Evidence::from_path(p) {
        Err(e) => e.to_string(),
        Ok(_) => "read a bundle from a FIFO".to_string(),
    });
    assert!(
        message.contains("a FIFO, not a regular file"),
        "bundle: {message}"
    );
    drop(writer);
}
