//! The kernel ring buffer through syslog(2) (`klogctl`), the fallback when
//! /dev/kmsg cannot be opened. Same permission rule (dmesg_restrict), but
//! kernels before 3.5 have no /dev/kmsg at all.

use crate::bounded::{Kept, LOG_CAP};
use nix::libc::{c_int, klogctl};
use std::io;

const SYSLOG_ACTION_READ_ALL: c_int = 3;
const SYSLOG_ACTION_SIZE_BUFFER: c_int = 10;

/// The whole ring buffer as `<6>[    0.000000] message` lines, at most
/// [`LOG_CAP`] bytes of its end.
pub fn read_all() -> io::Result<Kept> {
    // SAFETY: SIZE_BUFFER ignores the buffer arguments.
    let size = unsafe { klogctl(SYSLOG_ACTION_SIZE_BUFFER, std::ptr::null_mut(), 0) };
    let size = usize::try_from(size).map_err(|_| io::Error::last_os_error())?;
    let want = size.clamp(1, LOG_CAP);
    let mut buf = vec![0u8; want];
    let len = c_int::try_from(want).unwrap_or(c_int::MAX);
    // SAFETY: `buf` is valid for `want` bytes and the kernel writes at most
    // `len` (≤ want) bytes into it.
    let read = unsafe { klogctl(SYSLOG_ACTION_READ_ALL, buf.as_mut_ptr().cast(), len) };
    let read = usize::try_from(read).map_err(|_| io::Error::last_os_error())?;
    buf.truncate(read.min(want));
    let truncated = size > want && read >= want;
    if truncated {
        // The oldest record kept may have lost its start.
        let first_line = buf.iter().position(|&b| b == b'\n').map_or(0, |p| p + 1);
        buf.drain(..first_line);
    }
    Ok(Kept {
        text: String::from_utf8_lossy(&buf).into_owned(),
        truncated,
        // The ring buffer's own start is already gone; lines count from
        // what it holds, as `dmesg` would number them.
        line_offset: 0,
    })
}
