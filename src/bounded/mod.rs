//! Reading a file without trusting what it is: the one way collect and
//! import open and read files.
//!
//! A path may name a FIFO with no writer, a socket, `/dev/zero` or a disk
//! image, in a captured tree or on a command line. So every file is opened
//! non-blocking (`O_NONBLOCK`, `O_NOCTTY`, `O_CLOEXEC`), checked with
//! `fstat`, and refused unless it is a regular file or one of the character
//! devices in [`Device`]; then at most a cap of bytes is read. Over the cap
//! a caller either keeps a cut (text, logs: and says so) or refuses the
//! file (binary tables, bundles: a cut one would be misread).

mod tail;

pub use tail::{Kept, Tail, LOG_CAP, READ_LIMIT};

use nix::errno::Errno;
use nix::fcntl::{fcntl, FcntlArg, OFlag};
use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom};
use std::os::fd::AsRawFd;
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// Largest text file kept from procfs, sysfs or a bootloader: those are
/// far smaller, except `/proc/cpuinfo` on machines with hundreds of threads.
pub const FILE_CAP: usize = 1 << 20;

/// The character devices a collector may read, by the numbers the kernel
/// documents for them (Documentation/admin-guide/devices.txt). Anything
/// else that is not a regular file is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Device {
    /// `/dev/kmsg`, char 1:11, read record by record until EAGAIN.
    Kmsg,
    /// `/dev/cpu/N/msr`, char major 202, read with pread.
    Msr,
}

impl Device {
    fn matches(self, meta: &Metadata) -> bool {
        let rdev = meta.rdev();
        let (major, minor) = (nix::sys::stat::major(rdev), nix::sys::stat::minor(rdev));
        match self {
            Device::Kmsg => (major, minor) == (1, 11),
            Device::Msr => major == 202,
        }
    }
}

/// What to do with a file longer than the cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Over {
    /// Keep the first `cap` bytes and say it was cut.
    Cut,
    /// Refuse the file with [`ReadError::TooLarge`].
    Refuse,
}

/// A file that was not read, naming the file.
/// Displayed as "PATH: reason" (see [`ReadError::reason`]).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    NotRegular {
        path: PathBuf,
        what: &'static str,
    },
    TooLarge {
        path: PathBuf,
        cap: usize,
    },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (ReadError::Io { path, .. }
        | ReadError::NotRegular { path, .. }
        | ReadError::TooLarge { path, .. }) = self;
        write!(f, "{}: {}", path.display(), self.reason())
    }
}

impl ReadError {
    /// What went wrong, without the path: for messages that name the file
    /// themselves ("skipping FILE: …").
    pub fn reason(&self) -> String {
        match self {
            ReadError::Io { source, .. } => source.to_string(),
            ReadError::NotRegular { what, .. } => {
                format!("{what}, not a regular file: refused (reading it could block or never end)")
            }
            ReadError::TooLarge { cap, .. } => format!("larger than {cap} bytes: refused"),
        }
    }

    fn io(path: &Path, source: io::Error) -> Self {
        ReadError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub fn path(&self) -> &Path {
        match self {
            ReadError::Io { path, .. }
            | ReadError::NotRegular { path, .. }
            | ReadError::TooLarge { path, .. } => path,
        }
    }

    pub fn errno(&self) -> Option<Errno> {
        match self {
            ReadError::Io { source, .. } => source.raw_os_error().map(Errno::from_raw),
            _ => None,
        }
    }

    /// ENOTDIR too: in a captured tree a path component may be a plain file.
    pub fn is_missing(&self) -> bool {
        matches!(self.errno(), Some(Errno::ENOENT | Errno::ENOTDIR))
    }

    pub fn is_denied(&self) -> bool {
        matches!(self.errno(), Some(Errno::EACCES | Errno::EPERM))
    }

    /// The cause without the path, for a source detail that lists many
    /// files: `EACCES`, `a FIFO, refused`, `over 1048576 bytes, refused`.
    pub fn cause(&self) -> String {
        match self {
            ReadError::Io { source, .. } => match self.errno() {
                Some(code) => format!("{code:?}"),
                None => source.kind().to_string(),
            },
            ReadError::NotRegular { what, .. } => format!("{what}, refused"),
            ReadError::TooLarge { cap, .. } => format!("over {cap} bytes, refused"),
        }
    }
}

/// For collectors that tally failures by errno: a refusal has none, so it
/// becomes an `InvalidInput` error that reads as its cause.
impl From<ReadError> for io::Error {
    fn from(error: ReadError) -> Self {
        match error {
            ReadError::Io { source, .. } => source,
            refused => io::Error::new(io::ErrorKind::InvalidInput, refused.cause()),
        }
    }
}

/// Bytes read, and whether the file went on past them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bytes {
    pub bytes: Vec<u8>,
    pub cut: bool,
}

/// Text read (lossy UTF-8), and whether it was cut at its last whole line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub text: String,
    pub cut: bool,
}

fn kind_name(meta: &Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_char_device() {
        "a character device"
    } else {
        "not a file"
    }
}

fn accepted(meta: &Metadata, device: Option<Device>) -> bool {
    meta.is_file() || (meta.file_type().is_char_device() && device.is_some_and(|d| d.matches(meta)))
}

/// Opens `path` for reading: a regular file, or the `device` named.
/// A regular file is switched back to blocking reads; a device stays
/// non-blocking, so a read at its end returns EAGAIN instead of waiting.
pub fn open(path: &Path, device: Option<Device>) -> Result<File, ReadError> {
    // Looked at before opening too: opening a FIFO or a device can itself
    // have effects, and need not happen to refuse it.
    if let Ok(meta) = std::fs::metadata(path) {
        if !accepted(&meta, device) {
            return Err(refusal(path, &meta));
        }
    }
    let flags = OFlag::O_NONBLOCK | OFlag::O_NOCTTY | OFlag::O_CLOEXEC;
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(flags.bits())
        .open(path)
        .map_err(|e| ReadError::io(path, e))?;
    // fstat decides: the path may have been swapped since the look above.
    let meta = file.metadata().map_err(|e| ReadError::io(path, e))?;
    if !accepted(&meta, device) {
        return Err(refusal(path, &meta));
    }
    if meta.is_file() {
        fcntl(file.as_raw_fd(), FcntlArg::F_SETFL(OFlag::empty()))
            .map_err(|e| ReadError::io(path, io::Error::from(e)))?;
    }
    Ok(file)
}

fn refusal(path: &Path, meta: &Metadata) -> ReadError {
    // The errno every tool prints for a directory, so it reads as usual.
    if meta.is_dir() {
        return ReadError::io(path, io::Error::from_raw_os_error(Errno::EISDIR as i32));
    }
    ReadError::NotRegular {
        path: path.to_path_buf(),
        what: kind_name(meta),
    }
}

/// Reads a regular file into `buf` (cleared first), at most `cap` bytes;
/// returns whether it was cut. One buffer serves a few hundred reads.
pub fn read_into(
    path: &Path,
    cap: usize,
    over: Over,
    buf: &mut Vec<u8>,
) -> Result<bool, ReadError> {
    buf.clear();
    let file = open(path, None)?;
    let too_large = || ReadError::TooLarge {
        path: path.to_path_buf(),
        cap,
    };
    // A regular file says its size (procfs and sysfs say 0 or 4096, so the
    // read below is the real bound): a huge one is refused unread.
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if over == Over::Refuse && size > cap as u64 {
        return Err(too_large());
    }
    file.take(cap as u64 + 1)
        .read_to_end(buf)
        .map_err(|e| ReadError::io(path, e))?;
    if buf.len() <= cap {
        return Ok(false);
    }
    match over {
        Over::Refuse => Err(too_large()),
        Over::Cut => {
            buf.truncate(cap);
            Ok(true)
        }
    }
}

/// Reads at most `cap` bytes of a regular file.
pub fn read(path: &Path, cap: usize, over: Over) -> Result<Bytes, ReadError> {
    let mut bytes = Vec::new();
    let cut = read_into(path, cap, over, &mut bytes)?;
    Ok(Bytes { bytes, cut })
}

/// Reads a text file, at most `cap` bytes. A file cut there ends at its
/// last complete line, so no parser sees half a line or half a character.
pub fn read_text(path: &Path, cap: usize, over: Over) -> Result<Text, ReadError> {
    let Bytes { mut bytes, cut } = read(path, cap, over)?;
    if cut {
        if let Some(end) = bytes.iter().rposition(|&b| b == b'\n') {
            bytes.truncate(end + 1);
        }
    }
    // Valid UTF-8 (the usual case) becomes the String without a copy.
    let text = String::from_utf8(bytes)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned());
    Ok(Text { text, cut })
}

/// A log file, keeping its last [`LOG_CAP`] bytes. Files up to
/// [`READ_LIMIT`] are read whole so the dropped lines can be counted; a
/// larger one is read from LOG_CAP before its end, and its lines then
/// count from there.
pub fn read_log(path: &Path) -> Result<Kept, ReadError> {
    let mut file = open(path, None)?;
    let io_error = |e| ReadError::io(path, e);
    let size = file.metadata().map_err(io_error)?.len();
    if size > READ_LIMIT {
        file.seek(SeekFrom::Start(size - LOG_CAP as u64))
            .map_err(io_error)?;
        let mut kept = tail::read_tail(file, LOG_CAP).map_err(io_error)?;
        // The seek landed mid-line: drop the partial first line.
        let first_line = kept.text.find('\n').map_or(0, |p| p + 1);
        kept.text.drain(..first_line);
        kept.truncated = true;
        return Ok(kept);
    }
    tail::read_tail(file, LOG_CAP).map_err(io_error)
}

#[cfg(test)]
mod tests;
