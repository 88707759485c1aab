//! Atomic file writes: a USB stick pulled at any moment holds the old file
//! or the new one, never half of one.
//!
//! xenready runs as root and often writes into directories other users can
//! write to, so the temporary file must never be a name someone could plant
//! first: it is anonymous (`O_TMPFILE`) where the filesystem allows, else a
//! random name opened with `O_CREAT|O_EXCL|O_NOFOLLOW`. A target that is not
//! a regular file (`/dev/null`, a FIFO, `/dev/stdout`) is written in place,
//! never renamed over.

use std::collections::hash_map::RandomState;
use std::fs::{self, File, OpenOptions};
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};

use nix::fcntl::{AtFlags, OFlag};

/// Tries at a random name before giving up; a collision needs an attacker
/// guessing 64 random bits, so more than one retry is already paranoia.
const NAME_ATTEMPTS: usize = 8;

/// Writes `bytes` to `path` so that a reader sees the old content or the
/// new, never half: a temporary file beside `path`, fsynced, renamed over
/// it, and the directory fsynced so the rename itself is durable. An
/// existing non-regular target is written in place instead.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the output path is a directory",
        )),
        Ok(meta) if is_stdout(&meta) => {
            let mut stdout = io::stdout().lock();
            stdout.write_all(bytes)?;
            stdout.flush()
        }
        Ok(meta) if !meta.is_file() => write_in_place(path, bytes),
        _ if in_device_tree(path) => write_in_place(path, bytes),
        _ => replace(path, bytes),
    }
}

/// `/dev/stdout`, `/dev/fd/1` and `/proc/self/fd/1` name our own standard
/// output: reopening them would truncate a file opened for appending.
fn is_stdout(meta: &fs::Metadata) -> bool {
    nix::sys::stat::fstat(1).is_ok_and(|st| st.st_dev == meta.dev() && st.st_ino == meta.ino())
}

/// `/dev` and `/proc` hold device nodes and links to descriptors; a file
/// renamed in there would replace one for every later program.
fn in_device_tree(path: &Path) -> bool {
    let dir = parent_dir(path);
    fs::canonicalize(dir).is_ok_and(|d| d.starts_with("/dev") || d.starts_with("/proc"))
}

fn write_in_place(path: &Path, bytes: &[u8]) -> io::Result<()> {
    // No O_CREAT: the target exists, and no O_TRUNC: devices and FIFOs
    // have nothing to truncate.
    let mut file = OpenOptions::new().write(true).open(path)?;
    file.write_all(bytes)?;
    file.flush()
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = parent_dir(path);
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(io::ErrorKind::InvalidInput, "output path has no file name")
    })?;
    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(name);
    let (mut file, mut temp) = match anonymous_temp(&dir) {
        Ok(file) => (file, None),
        Err(_) => {
            let (file, temp) = named_temp(&dir, &prefix)?;
            (file, Some(temp))
        }
    };
    let result = (|| {
        file.write_all(bytes)?;
        file.sync_all()?;
        let named = match &temp {
            Some(named) => Some(named.clone()),
            // A new file is linked at its name directly: no temporary name
            // exists at any moment, so a kill can leave none behind.
            None if link_at(&file, path).is_ok() => None,
            None => {
                let named = link_anonymous(&file, &dir, &prefix)?;
                temp = Some(named.clone());
                Some(named)
            }
        };
        drop(file);
        if let Some(named) = named {
            fs::rename(&named, path)?;
        }
        temp = None;
        // Some filesystems (vfat on Linux among them) cannot fsync a
        // directory; the rename is then as durable as the filesystem allows.
        if let Ok(dir) = File::open(&dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    })();
    if let Some(temp) = temp {
        let _ = fs::remove_file(temp);
    }
    result
}

/// A file with no name until it is complete: a kill leaves nothing behind
/// and nobody can plant anything at its name.
fn anonymous_temp(dir: &Path) -> io::Result<File> {
    OpenOptions::new()
        .write(true)
        .custom_flags(OFlag::O_TMPFILE.bits())
        .mode(0o666)
        .open(dir)
}

/// `linkat` fails with EEXIST rather than replace or follow what is at
/// `to`.
fn link_at(file: &File, to: &Path) -> nix::Result<()> {
    let source = PathBuf::from(format!("/proc/self/fd/{}", file.as_raw_fd()));
    nix::unistd::linkat(None, source.as_path(), None, to, AtFlags::AT_SYMLINK_FOLLOW)
}

/// Gives the anonymous file a random name beside the target; `linkat`
/// never follows or replaces what is already at the new name.
fn link_anonymous(file: &File, dir: &Path, prefix: &std::ffi::OsStr) -> io::Result<PathBuf> {
    let mut last = io::Error::from(io::ErrorKind::AlreadyExists);
    for _ in 0..NAME_ATTEMPTS {
        let temp = random_name(dir, prefix);
        match link_at(file, &temp) {
            Ok(()) => return Ok(temp),
            Err(nix::errno::Errno::EEXIST) => last = io::Error::from(io::ErrorKind::AlreadyExists),
            Err(e) => return Err(e.into()),
        }
    }
    Err(last)
}

/// The fallback where `O_TMPFILE` is not supported: exclusive creation at a
/// random name, which neither follows a planted symlink nor opens a FIFO.
fn named_temp(dir: &Path, prefix: &std::ffi::OsStr) -> io::Result<(File, PathBuf)> {
    let mut last = io::Error::from(io::ErrorKind::AlreadyExists);
    for _ in 0..NAME_ATTEMPTS {
        let temp = random_name(dir, prefix);
        match create_exclusive(&temp) {
            Ok(file) => return Ok((file, temp)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = e,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

fn create_exclusive(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .custom_flags((OFlag::O_NOFOLLOW | OFlag::O_NONBLOCK).bits())
        .mode(0o666)
        .open(path)
}

fn random_name(dir: &Path, prefix: &std::ffi::OsStr) -> PathBuf {
    // RandomState is seeded from the operating system's random source.
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    let mut name = prefix.to_os_string();
    name.push(format!(".xenready-{:016x}", hasher.finish()));
    dir.join(name)
}

#[cfg(test)]
mod tests;
