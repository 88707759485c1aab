//! Bootloader configuration files, stored under their machine path:
//! they carry Xen's command line for the next boot. Source `boot-config`.

use super::procfs::read_capped;
use crate::bounded::FILE_CAP;
use crate::evidence::{Evidence, SourceStatus};
use crate::model::SourceName;
use std::io;
use std::path::Path;

const SOURCE: SourceName = SourceName::BootConfig;

/// Fixed places, in the order a reader would look.
const FILES: [&str; 8] = [
    "/boot/extlinux.conf",
    "/boot/extlinux/extlinux.conf",
    "/boot/syslinux/syslinux.cfg",
    "/boot/grub/grub.cfg",
    "/boot/grub2/grub.cfg",
    "/boot/grub/menu.lst",
    "/boot/grub/grub.conf",
    "/etc/default/grub",
];

/// Directories whose entries are globbed: `/boot/efi/EFI/*/grub.cfg`
/// (one per installed OS) and Debian's `/etc/default/grub.d/*.cfg`.
const GLOBS: [(&str, &str); 2] = [
    ("/boot/efi/EFI", "/grub.cfg"),
    ("/etc/default/grub.d", ".cfg"),
];
/// Entries looked at per globbed directory.
const GLOB_LIMIT: usize = 32;

pub fn collect(evidence: &mut Evidence, root: &Path) {
    let mut read: Vec<String> = Vec::new();
    let mut failed: Vec<(String, io::Error)> = Vec::new();
    let mut truncated: Vec<String> = Vec::new();
    let mut buf = Vec::new();
    for machine_path in candidates(root) {
        let path = root.join(machine_path.trim_start_matches('/'));
        match read_capped(&path, &mut buf) {
            Ok(cut) => {
                let text = String::from_utf8_lossy(&buf).into_owned();
                // menu.lst and grub.conf are often one file under two names.
                if evidence.files.values().any(|t| *t == text) && !text.is_empty() {
                    continue;
                }
                if cut {
                    truncated.push(machine_path.clone());
                }
                evidence.files.insert(machine_path.clone(), text);
                read.push(machine_path);
            }
            Err(e) if is_missing(&e) => {}
            Err(e) => failed.push((machine_path, e)),
        }
    }
    let denied = |e: &io::Error| e.kind() == io::ErrorKind::PermissionDenied;
    let status = match (read.is_empty(), failed.is_empty()) {
        (true, true) => SourceStatus::Absent,
        (true, false) if failed.iter().all(|(_, e)| denied(e)) => SourceStatus::Denied,
        (true, false) => SourceStatus::Error,
        (false, true) if truncated.is_empty() => SourceStatus::Ok,
        (false, _) => SourceStatus::Partial,
    };
    let mut detail = if read.is_empty() {
        "no bootloader configuration found".to_string()
    } else {
        format!("read {}", read.join(", "))
    };
    if !failed.is_empty() {
        let names: Vec<String> = failed.iter().map(|(p, e)| format!("{p} ({e})")).collect();
        detail.push_str(&format!("; unreadable: {}", names.join(", ")));
        if failed.iter().any(|(_, e)| denied(e)) {
            detail.push_str("; run as root");
        }
    }
    if !truncated.is_empty() {
        detail.push_str(&format!(
            "; cut at {} MiB: {}",
            FILE_CAP >> 20,
            truncated.join(", ")
        ));
    }
    evidence.record(SOURCE, status, detail);
}

fn candidates(root: &Path) -> Vec<String> {
    let mut paths: Vec<String> = FILES.iter().map(|p| p.to_string()).collect();
    for (dir, suffix) in GLOBS {
        let Ok(entries) = std::fs::read_dir(root.join(dir.trim_start_matches('/'))) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .take(GLOB_LIMIT * 4)
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        names.sort();
        let found = names.into_iter().filter_map(|name| {
            if suffix.starts_with('/') {
                Some(format!("{dir}/{name}{suffix}"))
            } else {
                name.ends_with(suffix).then(|| format!("{dir}/{name}"))
            }
        });
        paths.extend(found.take(GLOB_LIMIT));
    }
    paths
}

fn is_missing(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::NotFound || e.raw_os_error() == Some(nix::libc::ENOTDIR)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::procfs::scratch::ScratchDir;
    use crate::evidence::Origin;

    #[test]
    fn reads_every_bootloader_file_under_the_root() {
        let dir = ScratchDir::new("boot-collect");
        dir.put("/boot/extlinux.conf", b"default xe\nlabel xe\n");
        dir.put(
            "/boot/efi/EFI/xenserver/grub.cfg",
            b"menuentry 'XCP-ng' {\n}\n",
        );
        dir.put(
            "/etc/default/grub",
            b"GRUB_CMDLINE_XEN_DEFAULT=\"nmi=dom0\"\n",
        );
        dir.put("/etc/default/grub.d/xen.cfg", b"GRUB_CMDLINE_XEN=\"\"\n");
        dir.put("/etc/default/grub.d/README", b"not a cfg\n");
        let mut evidence = Evidence::new(Origin::Live);
        collect(&mut evidence, dir.path());
        let keys: Vec<&str> = evidence.files.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            vec![
                "/boot/efi/EFI/xenserver/grub.cfg",
                "/boot/extlinux.conf",
                "/etc/default/grub",
                "/etc/default/grub.d/xen.cfg"
            ]
        );
        assert_eq!(
            evidence.source(SOURCE).map(|s| s.status),
            Some(SourceStatus::Ok)
        );
    }

    #[test]
    fn nothing_there_is_absent_and_a_fifo_is_refused() {
        let dir = ScratchDir::new("boot-empty");
        let mut evidence = Evidence::new(Origin::Live);
        collect(&mut evidence, dir.path());
        assert_eq!(
            evidence.source(SOURCE).map(|s| s.status),
            Some(SourceStatus::Absent)
        );
        std::fs::create_dir_all(dir.path().join("boot")).unwrap_or_default();
        let fifo = dir.path().join("boot/extlinux.conf");
        if nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU).is_ok() {
            let mut evidence = Evidence::new(Origin::Live);
            collect(&mut evidence, dir.path());
            assert_eq!(evidence.file("/boot/extlinux.conf"), None);
            let source = evidence.source(SOURCE).unwrap();
            assert_eq!(source.status, SourceStatus::Error, "{}", source.detail);
            assert!(
                source.detail.contains("a FIFO, refused"),
                "{}",
                source.detail
            );
        }
    }
}
