//! `/proc/cpuinfo`: `key<TAB>: value` lines, one blank-line-separated block
//! per logical CPU.
//!
//! Only identity and flags of the first block are kept: the blocks differ
//! in clock speed and core id, not in what the CPU is. Fields come and go
//! with the kernel and the environment (a Xen PV guest or an old kernel has
//! no `physical id`, `cpu cores` or `siblings`), so every one is optional.

use super::{note, NUMBER_NOTE_LIMIT};
use crate::facts::{CpuinfoFacts, DecodeNote};
use crate::formats::cpulist::excerpt;
use std::collections::BTreeSet;

const SOURCE: &str = "procfs";

pub fn decode(text: &str, notes: &mut Vec<DecodeNote>) -> Option<CpuinfoFacts> {
    let mut facts = CpuinfoFacts::default();
    let mut packages = BTreeSet::new();
    let mut bad_numbers = 0usize;
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        match key {
            "processor" => {
                facts.processors = facts.processors.saturating_add(1);
                continue;
            }
            // Counted over every block: that is what makes it a package count.
            "physical id" => {
                match value.parse::<u32>() {
                    Ok(id) => {
                        packages.insert(id);
                    }
                    Err(_) => bad_number(key, value, &mut bad_numbers, notes),
                }
                continue;
            }
            _ => {}
        }
        if facts.processors != 1 {
            continue;
        }
        let text = || (!value.is_empty()).then(|| value.to_string());
        match key {
            "vendor_id" => facts.vendor_id = text(),
            "model name" => facts.model_name = text(),
            "flags" => facts.flags = value.split_whitespace().map(str::to_string).collect(),
            "cpu family" => facts.family = number(key, value, &mut bad_numbers, notes),
            "model" => facts.model = number(key, value, &mut bad_numbers, notes),
            "stepping" => facts.stepping = number(key, value, &mut bad_numbers, notes),
            "cpu cores" => facts.cores_per_package = number(key, value, &mut bad_numbers, notes),
            "siblings" => facts.siblings_per_package = number(key, value, &mut bad_numbers, notes),
            _ => {}
        }
    }
    if facts.processors == 0 {
        notes.push(note(SOURCE, "/proc/cpuinfo has no `processor` entries"));
        return None;
    }
    facts.packages = (!packages.is_empty()).then_some(packages.len() as u32);
    Some(facts)
}

fn number(key: &str, value: &str, bad: &mut usize, notes: &mut Vec<DecodeNote>) -> Option<u32> {
    // The kernel prints "unknown" for a stepping it could not read.
    if value == "unknown" {
        return None;
    }
    match value.parse() {
        Ok(n) => Some(n),
        Err(_) => {
            bad_number(key, value, bad, notes);
            None
        }
    }
}

fn bad_number(key: &str, value: &str, bad: &mut usize, notes: &mut Vec<DecodeNote>) {
    *bad += 1;
    // A garbage file could hold a bad `physical id` on every line; a few
    // notes say as much as a thousand.
    if *bad <= NUMBER_NOTE_LIMIT {
        notes.push(note(
            SOURCE,
            format!("/proc/cpuinfo: {key} '{}' is not a number", excerpt(value)),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        let path = format!(
            "{}/tests/corpus/cpuinfo/util-linux/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn decoded(name: &str) -> CpuinfoFacts {
        let mut notes = Vec::new();
        let facts = decode(&fixture(name), &mut notes);
        assert_eq!(notes, vec![], "{name}");
        facts.unwrap_or_else(|| panic!("{name}: no facts"))
    }

    #[test]
    fn dell_r710_two_nehalem_sockets_with_ht() {
        let f = decoded("x86_64-dellr710.cpuinfo");
        assert_eq!(f.processors, 16);
        assert_eq!(f.vendor_id.as_deref(), Some("GenuineIntel"));
        assert_eq!(f.packages, Some(2));
        assert_eq!(f.cores_per_package, Some(4));
        assert_eq!(f.siblings_per_package, Some(8));
        assert!(f.flags.contains("ht") && f.flags.contains("lm"));
        assert!(f.flags.contains("vmx"), "bare metal keeps vmx");
        assert!(!f.flags.contains("svm"));
    }

    #[test]
    fn epyc_7451_two_sockets_with_svm() {
        let f = decoded("x86_64-epyc_7451.cpuinfo");
        assert_eq!(f.processors, 96);
        assert_eq!(f.vendor_id.as_deref(), Some("AuthenticAMD"));
        assert_eq!(
            f.model_name.as_deref(),
            Some("AMD EPYC 7451 24-Core Processor")
        );
        assert_eq!(
            (f.family, f.model, f.stepping),
            (Some(23), Some(1), Some(2))
        );
        assert_eq!(f.packages, Some(2));
        assert_eq!(f.cores_per_package, Some(24));
        assert_eq!(f.siblings_per_package, Some(48));
        assert!(f.flags.contains("svm") && f.flags.contains("npt"));
        assert!(!f.flags.contains("vmx"));
    }

    #[test]
    fn xen_pv_guest_has_no_vmx_and_no_topology_fields() {
        // An HVM-capable L5420 seen from inside a Xen guest: Xen hides VMX.
        let f = decoded("x86_64-xenfull.cpuinfo");
        assert_eq!(f.processors, 2);
        assert_eq!(
            f.model_name.as_deref(),
            Some("Intel(R) Xeon(R) CPU           L5420  @ 2.50GHz")
        );
        assert!(!f.flags.contains("vmx"));
        assert!(f.flags.contains("lm"));
        assert_eq!(f.packages, None);
        assert_eq!(f.cores_per_package, None);
        assert_eq!(f.siblings_per_package, None);
    }

    #[test]
    fn el5_xen_guest_sees_one_package_per_vcpu() {
        let f = decoded("x86_64-el5xen.cpuinfo");
        assert_eq!(f.processors, 8);
        assert_eq!(f.packages, Some(8));
        assert_eq!(f.cores_per_package, Some(1));
        assert!(!f.flags.contains("vmx"), "a Xen PV guest does not see VT-x");
    }

    #[test]
    fn flags_come_from_the_first_processor_only() {
        // The second block of this capture adds `up`.
        let f = decoded("i386-xenpara.cpuinfo");
        assert_eq!(f.processors, 2);
        assert!(f.flags.contains("vmx"));
        assert!(!f.flags.contains("up"));
        assert_eq!(f.family, Some(6));
        assert_eq!(f.model, Some(23));
    }

    #[test]
    fn older_machines_decode() {
        let f = decoded("x86_64-dell_poweredge1950.cpuinfo");
        assert_eq!(f.processors, 8);
        assert_eq!(f.packages, Some(2));
        assert_eq!(f.cores_per_package, Some(4));
        let f = decoded("i386-dellpe700.cpuinfo");
        assert_eq!(f.processors, 2);
        assert!(f.flags.contains("ht"));
        assert!(!f.flags.contains("lm"), "a 32-bit-only Xeon");
        let f = decoded("vmware_fpe.cpuinfo");
        assert_eq!((f.processors, f.family), (16, Some(21)));
        assert!(f.flags.contains("svm") && f.flags.contains("npt"));
        // A VirtualBox guest on a VT-x laptop: the guest sees no VT-x.
        let f = decoded("vbox-win.cpuinfo");
        assert_eq!(
            f.model_name.as_deref(),
            Some("Intel(R) Core(TM) i5-3317U CPU @ 1.70GHz")
        );
        assert!(!f.flags.contains("vmx"));
    }

    #[test]
    fn malformed_numbers_become_notes() {
        let mut notes = Vec::new();
        let text = "processor\t: 0\ncpu family\t: six\nstepping\t: unknown\nphysical id\t: -\n";
        let f = decode(text, &mut notes).unwrap_or_default();
        assert_eq!(f.family, None);
        assert_eq!(f.stepping, None);
        assert_eq!(f.packages, None);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].note.contains("cpu family 'six'"));
    }

    #[test]
    fn no_processor_lines_is_a_note_not_facts() {
        let mut notes = Vec::new();
        assert_eq!(decode("vendor_id : GenuineIntel\n", &mut notes), None);
        assert_eq!(notes.len(), 1);
        let mut notes = Vec::new();
        let garbage = "physical id: x\n".repeat(10_000);
        assert_eq!(decode(&garbage, &mut notes), None);
        assert!(notes.len() <= NUMBER_NOTE_LIMIT + 1);
    }

    #[test]
    fn every_prefix_and_byte_flips_never_panic() {
        let text = fixture("i386-dellpe700.cpuinfo");
        for end in 0..=text.len() {
            if text.is_char_boundary(end) {
                let _ = decode(&text[..end], &mut Vec::new());
            }
        }
        let mut state: u64 = 42;
        for _ in 0..500 {
            let mut bytes = text.as_bytes().to_vec();
            for _ in 0..8 {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let at = (state >> 33) as usize % bytes.len();
                bytes[at] = (state >> 25) as u8;
            }
            let facts = decode(&String::from_utf8_lossy(&bytes), &mut Vec::new());
            if let Some(f) = facts {
                assert!(f.processors <= 3);
            }
        }
    }
}
