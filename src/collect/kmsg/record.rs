//! `/dev/kmsg` records → the lines `dmesg` prints.
//!
//! Each read of /dev/kmsg returns one record:
//! `PRIORITY,SEQUENCE,MICROSECONDS,FLAGS[,...];MESSAGE\n`, followed by
//! ` KEY=value\n` dictionary lines (Documentation/ABI/testing/dev-kmsg).
//! The kernel escapes unprintable bytes in MESSAGE as `\xNN`, so a message
//! printed over several lines arrives with `\x0a` inside.

/// Appends the `dmesg` form of one record: `[    5.140900] MESSAGE`, with
/// the lines of a multi-line message indented under the first like dmesg
/// does. Returns false (appending nothing) for a line that is no record.
pub fn format_record(line: &[u8], out: &mut Vec<u8>) -> bool {
    let Some(semicolon) = line.iter().position(|&b| b == b';') else {
        return false;
    };
    let (Some(header), Some(message)) = (line.get(..semicolon), line.get(semicolon + 1..)) else {
        return false;
    };
    let Some(micros) = std::str::from_utf8(header)
        .ok()
        .and_then(|h| h.split(',').nth(2))
        .and_then(|t| t.parse::<u64>().ok())
    else {
        return false;
    };
    let prefix = format!("[{:5}.{:06}] ", micros / 1_000_000, micros % 1_000_000);
    out.extend_from_slice(prefix.as_bytes());
    let mut rest = message;
    while let Some(at) = find(rest, br"\x0a") {
        out.extend_from_slice(rest.get(..at).unwrap_or_default());
        out.push(b'\n');
        out.extend(std::iter::repeat_n(b' ', prefix.len()));
        rest = rest.get(at + 4..).unwrap_or_default();
    }
    out.extend_from_slice(rest);
    out.push(b'\n');
    true
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Feeds bytes read from a kmsg-like source (one record per read from the
/// device, any chunking from a file standing in for it) and emits dmesg
/// lines. Lines that are not records pass through unchanged; dictionary
/// lines (starting with a blank) are dropped.
#[derive(Debug, Default)]
pub struct Records {
    pending: Vec<u8>,
    pub records: u64,
}

/// Far longer than any kmsg record (the kernel caps one at about 8 KiB): a
/// "line" past this is cut, so a source without newlines (`/dev/zero`
/// bound over /dev/kmsg) is held in bounded memory.
pub const MAX_LINE: usize = 64 * 1024;

impl Records {
    pub fn feed(&mut self, bytes: &[u8], out: &mut Vec<u8>) {
        // Only the new bytes can hold the newline ending the pending line:
        // rescanning the old ones made a newline-free source quadratic.
        let mut search = self.pending.len();
        self.pending.extend_from_slice(bytes);
        let mut start = 0;
        while let Some(end) = self
            .pending
            .get(search..)
            .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
        {
            let end = search + end;
            let line = self.pending.get(start..end).unwrap_or_default();
            self.records += u64::from(emit(line, out));
            start = end + 1;
            search = start;
        }
        self.pending.drain(..start.min(self.pending.len()));
        if self.pending.len() > MAX_LINE {
            let line = std::mem::take(&mut self.pending);
            self.records += u64::from(emit(line.get(..MAX_LINE).unwrap_or_default(), out));
        }
    }

    pub fn finish(&mut self, out: &mut Vec<u8>) {
        let line = std::mem::take(&mut self.pending);
        if !line.is_empty() {
            self.records += u64::from(emit(&line, out));
        }
    }
}

/// One line in; whether it was a record.
fn emit(line: &[u8], out: &mut Vec<u8>) -> bool {
    if line.first() == Some(&b' ') {
        return false;
    }
    if format_record(line, out) {
        return true;
    }
    out.extend_from_slice(line);
    out.push(b'\n');
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8]) -> String {
        let mut out = Vec::new();
        let mut records = Records::default();
        records.feed(input, &mut out);
        records.finish(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn records_read_like_dmesg() {
        let input = b"6,339,5140900,-;NET: Registered protocol family 10\n SUBSYSTEM=net\n\
4,1,287455,-;x86/cpu: VMX (outside TXT) disabled by BIOS\n";
        assert_eq!(
            lines(input),
            "[    5.140900] NET: Registered protocol family 10\n\
[    0.287455] x86/cpu: VMX (outside TXT) disabled by BIOS\n"
        );
    }

    #[test]
    fn multi_line_messages_are_indented_like_dmesg() {
        let input = b"4,90,660386,-;DMAR-IR: This system BIOS has enabled interrupt remapping\\x0a on a chipset that contains an erratum making that\n";
        let indent = " ".repeat("[    0.660386] ".len());
        assert_eq!(
            lines(input),
            format!(
                "[    0.660386] DMAR-IR: This system BIOS has enabled interrupt remapping\n\
                 {indent} on a chipset that contains an erratum making that\n"
            )
        );
    }

    /// M6: /dev/zero bound over /dev/kmsg rescanned an ever-growing buffer
    /// on every read (still running after 32 minutes).
    #[test]
    fn a_source_without_newlines_is_held_in_bounded_memory() {
        let mut records = Records::default();
        let mut out = Vec::new();
        let chunk = [0u8; 16 * 1024];
        for _ in 0..256 {
            records.feed(&chunk, &mut out);
            assert!(records.pending.len() <= MAX_LINE);
        }
        assert!(out.len() >= 3 * 1024 * 1024, "{} bytes emitted", out.len());
        let mut split = Records::default();
        let mut out = Vec::new();
        for piece in [&b"<6>1,2,3,-;first "[..], b"half\n<6>1,3,4,-;second\n"] {
            split.feed(piece, &mut out);
        }
        assert_eq!(split.records, 2);
    }

    #[test]
    fn plain_lines_pass_and_garbage_does_not_panic() {
        assert_eq!(lines(b"hello\nworld"), "hello\nworld\n");
        let sample = b"6,339,5140900,-;NET: x\\x0a y\n SUB=1\n;;\n1,2,x,-;z\n";
        for end in 0..=sample.len() {
            let _ = lines(&sample[..end]);
        }
    }
}
