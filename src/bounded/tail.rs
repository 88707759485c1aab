//! Keeping only the end of a log that may be longer than memory should
//! hold, while counting the lines dropped so line numbers stay those of
//! the original.

use std::io::{self, Read};

/// The most log text kept from one source.
pub const LOG_CAP: usize = 16 << 20;

/// Past this many bytes a stream that never ends (a FIFO with a busy
/// writer, a character device) is abandoned.
pub const READ_LIMIT: u64 = 256 << 20;

const CHUNK: usize = 64 << 10;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tail {
    buf: Vec<u8>,
    cap: usize,
    dropped_lines: u64,
    truncated: bool,
}

/// What was kept of a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub text: String,
    pub truncated: bool,
    /// Lines dropped from the start.
    pub line_offset: u64,
}

impl Tail {
    pub fn new(cap: usize) -> Self {
        Tail {
            buf: Vec::new(),
            cap,
            dropped_lines: 0,
            truncated: false,
        }
    }

    pub fn push(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(CHUNK) {
            self.buf.extend_from_slice(chunk);
            // Compacting only past a quarter of slack keeps the copying
            // linear in the input.
            if self.buf.len() > self.cap + self.cap / 4 {
                self.compact();
            }
        }
    }

    /// Marks the log as cut even if what was read fits (the reader gave up
    /// before its end).
    pub fn mark_truncated(&mut self) {
        self.truncated = true;
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Drops the oldest bytes down to the cap, at a line start when there
    /// is one, so the kept text starts with a whole line.
    fn compact(&mut self) {
        let Some(excess) = self.buf.len().checked_sub(self.cap).filter(|&e| e > 0) else {
            return;
        };
        let cut = self
            .buf
            .get(excess..)
            .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
            .map_or(excess, |p| excess + p + 1);
        let dropped = self.buf.get(..cut).unwrap_or_default();
        self.dropped_lines += dropped.iter().filter(|&&b| b == b'\n').count() as u64;
        self.buf.drain(..cut);
        self.truncated = true;
    }

    pub fn finish(mut self) -> Kept {
        self.compact();
        Kept {
            text: String::from_utf8_lossy(&self.buf).into_owned(),
            truncated: self.truncated,
            line_offset: self.dropped_lines,
        }
    }
}

/// Reads a stream to its end (or to `WouldBlock`, the end of what a
/// non-blocking source has now), keeping the last `cap` bytes.
pub fn read_tail(mut reader: impl Read, cap: usize) -> io::Result<Kept> {
    let mut tail = Tail::new(cap);
    let mut chunk = vec![0u8; CHUNK];
    let mut total: u64 = 0;
    loop {
        match reader.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => {
                tail.push(chunk.get(..n).unwrap_or_default());
                total += n as u64;
                if total >= READ_LIMIT {
                    tail.mark_truncated();
                    break;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) => return Err(e),
        }
    }
    Ok(tail.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_end_at_a_line_start_and_counts_dropped_lines() {
        let mut text = String::new();
        for n in 1..=1000 {
            text.push_str(&format!("line {n}\n"));
        }
        let kept = read_tail(text.as_bytes(), 100).unwrap_or_else(|e| panic!("{e}"));
        assert!(kept.truncated);
        assert!(kept.text.len() <= 100);
        let first = kept.text.lines().next().unwrap_or_default();
        // The first kept line is numbered line_offset + 1 in the original.
        assert_eq!(first, format!("line {}", kept.line_offset + 1));
        assert!(kept.text.ends_with("line 1000\n"));
    }

    #[test]
    fn short_logs_are_kept_whole() {
        let kept = read_tail(&b"a\nb\n"[..], LOG_CAP).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            kept,
            Kept {
                text: "a\nb\n".into(),
                truncated: false,
                line_offset: 0
            }
        );
    }

    #[test]
    fn a_line_longer_than_the_cap_is_cut_mid_line() {
        let long = vec![b'x'; 500];
        let kept = read_tail(&long[..], 100).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(kept.text.len(), 100);
        assert_eq!(kept.line_offset, 0);
    }
}
