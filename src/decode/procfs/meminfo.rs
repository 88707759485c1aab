//! `/proc/meminfo`: only `MemTotal`, the RAM the kernel manages. Inside a
//! Xen dom0 that is the dom0 allocation (`dom0_mem`), not the machine's RAM.

use super::note;
use crate::facts::DecodeNote;
use crate::formats::cpulist::excerpt;

const SOURCE: &str = "procfs";

pub fn mem_total_kib(text: &str, notes: &mut Vec<DecodeNote>) -> Option<u64> {
    let Some(rest) = text.lines().find_map(|l| l.strip_prefix("MemTotal:")) else {
        notes.push(note(SOURCE, "/proc/meminfo has no MemTotal line"));
        return None;
    };
    let mut words = rest.split_whitespace();
    let value = words.next().and_then(|v| v.parse::<u64>().ok());
    match (value, words.next()) {
        (Some(kib), Some("kB")) => Some(kib),
        _ => {
            notes.push(note(
                SOURCE,
                format!(
                    "/proc/meminfo: MemTotal '{}' is not '<number> kB'",
                    excerpt(rest.trim())
                ),
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_memtotal_in_kib() {
        let text = "MemTotal:       16318444 kB\nMemFree:         1234567 kB\n";
        assert_eq!(mem_total_kib(text, &mut Vec::new()), Some(16_318_444));
    }

    #[test]
    fn odd_content_is_a_note() {
        for text in [
            "",
            "MemFree: 1 kB\n",
            "MemTotal: lots\n",
            "MemTotal: 12 MB\n",
            "MemTotal: 12\n",
        ] {
            let mut notes = Vec::new();
            assert_eq!(mem_total_kib(text, &mut notes), None, "{text:?}");
            assert_eq!(notes.len(), 1, "{text:?}");
        }
    }
}
