//! The two ways sysfs prints a set of CPUs: a list (`0-3,5,7-8`, in
//! `online`, `*_list`) and a hex mask (`00000000,00000101`, in the
//! `thread_siblings` of kernels older than the `_list` files).
//!
//! Both are bounded: a capture is untrusted, and `0-4294967295` must cost a
//! note, not 16 GiB.

/// More CPUs than any Linux build supports (NR_CPUS tops out at 8192); a
/// list naming more is garbage.
pub const MAX_CPUS: u32 = 65536;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CpuListError {
    #[error("'{0}' is not a CPU number")]
    NotANumber(String),
    #[error("range {0}-{1} runs backwards")]
    Backwards(u32, u32),
    #[error("range {0}-{1} spans more than {MAX_CPUS} CPUs")]
    RangeTooWide(u32, u32),
    #[error("list names more than {MAX_CPUS} CPUs")]
    TooMany,
    #[error("mask word '{0}' is not 1 to 8 hex digits")]
    BadMaskWord(String),
}

/// Expands a CPU list, sorted and without duplicates. An empty (or blank)
/// list is valid: `/sys/devices/system/cpu/offline` is usually empty.
pub fn parse_cpu_list(text: &str) -> Result<Vec<u32>, CpuListError> {
    let mut cpus: Vec<u32> = Vec::new();
    for item in text.trim().split(',') {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let (lo, hi) = match item.split_once('-') {
            Some((lo, hi)) => (cpu_number(lo)?, cpu_number(hi)?),
            None => {
                let n = cpu_number(item)?;
                (n, n)
            }
        };
        if hi < lo {
            return Err(CpuListError::Backwards(lo, hi));
        }
        let span = u64::from(hi - lo) + 1;
        if span > u64::from(MAX_CPUS) {
            return Err(CpuListError::RangeTooWide(lo, hi));
        }
        // Checked per item so that many modest ranges cannot add up.
        if cpus.len() as u64 + span > u64::from(MAX_CPUS) {
            return Err(CpuListError::TooMany);
        }
        cpus.extend(lo..=hi);
    }
    cpus.sort_unstable();
    cpus.dedup();
    Ok(cpus)
}

/// Expands a CPU mask: comma-separated 32-bit hex words, most significant
/// word first, as `cpumap_print_to_pagebuf` writes them.
pub fn parse_cpu_mask(text: &str) -> Result<Vec<u32>, CpuListError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let max_words = (MAX_CPUS / 32) as usize;
    let mut cpus = Vec::new();
    // Walked from the right so the word index is the bit offset, and
    // without collecting, so a megabyte of commas costs no allocation.
    for (index, word) in text.rsplit(',').enumerate() {
        if index >= max_words {
            return Err(CpuListError::TooMany);
        }
        let word = word.trim();
        if word.is_empty() || word.len() > 8 || !word.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(CpuListError::BadMaskWord(excerpt(word)));
        }
        let bits =
            u32::from_str_radix(word, 16).map_err(|_| CpuListError::BadMaskWord(excerpt(word)))?;
        let base = index as u32 * 32;
        cpus.extend(
            (0..32)
                .filter(|bit| bits >> bit & 1 == 1)
                .map(|bit| base + bit),
        );
    }
    cpus.sort_unstable();
    Ok(cpus)
}

fn cpu_number(text: &str) -> Result<u32, CpuListError> {
    let text = text.trim();
    // `parse` accepts a leading '+', which the kernel never writes.
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CpuListError::NotANumber(excerpt(text)));
    }
    text.parse()
        .map_err(|_| CpuListError::NotANumber(excerpt(text)))
}

/// A short, printable piece of untrusted text for an error message.
pub fn excerpt(text: &str) -> String {
    const LIMIT: usize = 32;
    let mut out: String = text
        .chars()
        .take(LIMIT)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if text.chars().nth(LIMIT).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_expand_like_the_kernel_prints_them() {
        assert_eq!(parse_cpu_list("0-3,5,7-8\n"), Ok(vec![0, 1, 2, 3, 5, 7, 8]));
        assert_eq!(parse_cpu_list("0"), Ok(vec![0]));
        assert_eq!(parse_cpu_list("0-127").map(|v| v.len()), Ok(128));
        assert_eq!(parse_cpu_list("\n"), Ok(vec![]));
        assert_eq!(parse_cpu_list(""), Ok(vec![]));
        // Overlaps and disorder do not occur in sysfs, but must not double count.
        assert_eq!(parse_cpu_list("4-5,0,4"), Ok(vec![0, 4, 5]));
    }

    #[test]
    fn malformed_lists_are_errors() {
        assert_eq!(
            parse_cpu_list("0-3,x"),
            Err(CpuListError::NotANumber("x".into()))
        );
        assert_eq!(parse_cpu_list("3-1"), Err(CpuListError::Backwards(3, 1)));
        assert_eq!(
            parse_cpu_list("+1"),
            Err(CpuListError::NotANumber("+1".into()))
        );
        assert_eq!(
            parse_cpu_list("0-"),
            Err(CpuListError::NotANumber("".into()))
        );
        assert_eq!(
            parse_cpu_list("1-2-3"),
            Err(CpuListError::NotANumber("2-3".into()))
        );
        assert_eq!(
            parse_cpu_list("99999999999"),
            Err(CpuListError::NotANumber("99999999999".into()))
        );
        // The bitmap_parselist stride syntax is valid on the kernel command
        // line but never printed by sysfs.
        assert!(parse_cpu_list("0-7:2").is_err());
    }

    #[test]
    fn huge_ranges_are_refused_without_allocating() {
        assert_eq!(
            parse_cpu_list("0-4294967295"),
            Err(CpuListError::RangeTooWide(0, u32::MAX))
        );
        assert_eq!(parse_cpu_list("0-65535").map(|v| v.len()), Ok(65536));
        assert_eq!(
            parse_cpu_list("0-65536"),
            Err(CpuListError::RangeTooWide(0, 65536))
        );
        let many = ["0-60000"; 3].join(",");
        assert_eq!(parse_cpu_list(&many), Err(CpuListError::TooMany));
    }

    #[test]
    fn masks_expand_with_the_low_word_last() {
        // cpu0 of the Dell R710 capture: itself and its HT sibling cpu8.
        let r710 = "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000101";
        assert_eq!(parse_cpu_mask(r710), Ok(vec![0, 8]));
        assert_eq!(parse_cpu_mask("00000001,80000000\n"), Ok(vec![31, 32]));
        assert_eq!(parse_cpu_mask("ff"), Ok((0..8).collect()));
        assert_eq!(parse_cpu_mask(""), Ok(vec![]));
    }

    #[test]
    fn malformed_masks_are_errors() {
        assert!(matches!(
            parse_cpu_mask("0000000g"),
            Err(CpuListError::BadMaskWord(_))
        ));
        assert!(matches!(
            parse_cpu_mask("123456789"),
            Err(CpuListError::BadMaskWord(_))
        ));
        assert!(matches!(
            parse_cpu_mask("1,,1"),
            Err(CpuListError::BadMaskWord(_))
        ));
        assert!(matches!(
            parse_cpu_mask("+1"),
            Err(CpuListError::BadMaskWord(_))
        ));
        let endless = "1,".repeat(1 << 19) + "1";
        assert_eq!(parse_cpu_mask(&endless), Err(CpuListError::TooMany));
    }

    #[test]
    fn garbage_never_panics() {
        let seeds = [
            "0-3,5,7-8",
            "00000000,00000101",
            "0-65535",
            "ffffffff,ffffffff",
        ];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for seed in seeds {
            for _ in 0..2000 {
                let mut bytes = seed.as_bytes().to_vec();
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let at = (state >> 33) as usize % bytes.len();
                bytes[at] = (state >> 24) as u8;
                let text = String::from_utf8_lossy(&bytes);
                if let Ok(cpus) = parse_cpu_list(&text) {
                    assert!(cpus.len() <= MAX_CPUS as usize);
                }
                if let Ok(cpus) = parse_cpu_mask(&text) {
                    assert!(cpus.len() <= MAX_CPUS as usize);
                }
            }
            for end in 0..=seed.len() {
                let _ = parse_cpu_list(&seed[..end]);
                let _ = parse_cpu_mask(&seed[..end]);
            }
        }
    }

    #[test]
    fn excerpts_are_short_and_printable() {
        assert_eq!(excerpt("a\x1b[2Jb"), "a?[2Jb");
        assert_eq!(excerpt(&"9".repeat(40)).chars().count(), 33);
    }
}
