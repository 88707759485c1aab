//! Todd Allen's `cpuid -r` raw dumps:
//!
//! ```text
//! CPU 0:
//!    0x00000000 0x00: eax=0x0000001c ebx=0x68747541 ecx=0x444d4163 edx=0x69746e65
//! ```
//!
//! `cpuid -1 -r` writes `CPU:` (or no header at all) for the one CPU it read.

use super::aida64::{file_name, no_records, segments};
use super::ParseError;
use crate::evidence::{CpuidDump, CpuidLeaf, Evidence, SourceStatus};
use crate::model::SourceName;
use std::path::Path;

pub struct CpuidRDump {
    pub cpuid: Vec<CpuidDump>,
    /// Lines that began like a register record but did not parse.
    pub skipped_lines: Vec<usize>,
}

/// Whether `text` is a `cpuid -r` dump rather than an AIDA64 one: decided by
/// the first line that is a record of either kind.
pub fn looks_like(text: &str) -> bool {
    for (_, segment) in segments(text) {
        let line = segment.trim_start();
        if line.starts_with("CPUID") {
            return false;
        }
        if line.starts_with("0x") && line.contains("eax=") {
            return true;
        }
    }
    false
}

pub fn parse(text: &str) -> Result<CpuidRDump, ParseError> {
    let mut dumps: Vec<CpuidDump> = Vec::new();
    let mut current: Option<CpuidDump> = None;
    let mut next_cpu = 0u32;
    let mut skipped = Vec::new();
    for (number, segment) in segments(text) {
        let line = segment.trim();
        if let Some(header) = line.strip_prefix("CPU") {
            let Some(label) = header.strip_suffix(':') else {
                continue;
            };
            let cpu = match label.trim() {
                "" => next_cpu,
                n => match n.parse::<u32>() {
                    Ok(n) => n,
                    Err(_) => continue,
                },
            };
            next_cpu = next_cpu.max(cpu.saturating_add(1));
            dumps.extend(current.take().filter(|d| !d.leaves.is_empty()));
            current = Some(CpuidDump {
                cpu,
                leaves: Vec::new(),
            });
            continue;
        }
        if !line.starts_with("0x") {
            continue;
        }
        let Some(leaf) = record(line) else {
            skipped.push(number);
            continue;
        };
        let dump = current.get_or_insert_with(|| {
            let cpu = next_cpu;
            next_cpu = next_cpu.saturating_add(1);
            CpuidDump {
                cpu,
                leaves: Vec::new(),
            }
        });
        if !dump
            .leaves
            .iter()
            .any(|l| l.leaf == leaf.leaf && l.subleaf == leaf.subleaf)
        {
            dump.leaves.push(leaf);
        }
    }
    dumps.extend(current.filter(|d| !d.leaves.is_empty()));
    if dumps.is_empty() {
        return Err(no_records(
            text,
            "no `0xLLLLLLLL 0xSS: eax=... ebx=... ecx=... edx=...` record: not a `cpuid -r` dump",
        ));
    }
    Ok(CpuidRDump {
        cpuid: dumps,
        skipped_lines: skipped,
    })
}

pub fn apply(evidence: &mut Evidence, dump: CpuidRDump, path: &Path) {
    let name = file_name(path);
    super::record_cpuid(
        evidence,
        dump.cpuid,
        &dump.skipped_lines,
        &format!("{name} (cpuid -r)"),
    );
    evidence.record(
        SourceName::Msr,
        SourceStatus::Absent,
        format!("{name} is a `cpuid -r` dump, which holds no MSRs"),
    );
    evidence.msr.clear();
}

/// `0x00000007 0x01: eax=0x00000020 ebx=0x00000000 ecx=0x00000000 edx=0x00000000`
fn record(line: &str) -> Option<CpuidLeaf> {
    let mut words = line.split_whitespace();
    let leaf = hex_word(words.next()?)?;
    let subleaf = hex_word(words.next()?.strip_suffix(':')?)?;
    let mut regs = [0u32; 4];
    for (reg, name) in regs.iter_mut().zip(["eax=", "ebx=", "ecx=", "edx="]) {
        *reg = hex_word(words.next()?.strip_prefix(name)?)?;
    }
    let [eax, ebx, ecx, edx] = regs;
    Some(CpuidLeaf {
        leaf,
        subleaf,
        eax,
        ebx,
        ecx,
        edx,
    })
}

fn hex_word(word: &str) -> Option<u32> {
    let digits = word.strip_prefix("0x")?;
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIRECRACKER: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/cpuid/cpuid-r/amd-epyc-vm-firecracker.txt"
    );

    fn firecracker() -> String {
        std::fs::read_to_string(FIRECRACKER).expect("fixture readable")
    }

    #[test]
    fn firecracker_dump_has_two_cpus_with_their_own_apic_ids() {
        let dump = parse(&firecracker()).expect("parses");
        let cpus: Vec<u32> = dump.cpuid.iter().map(|d| d.cpu).collect();
        assert_eq!(cpus, [0, 1]);
        assert!(dump.skipped_lines.is_empty());
        let leaf1: Vec<u32> = dump
            .cpuid
            .iter()
            .filter_map(|d| d.get(1, 0))
            .map(|l| l.ebx >> 24)
            .collect();
        assert_eq!(leaf1, [0, 1], "initial APIC ids of CPU 0 and CPU 1");
        // `AuthenticAMD` in leaf 0, and the KVM signature in 0x40000000.
        let cpu0 = &dump.cpuid[0];
        assert_eq!(cpu0.get(0, 0).map(|l| l.ebx), Some(0x6874_7541));
        assert_eq!(cpu0.get(0x4000_0000, 0).map(|l| l.ebx), Some(0x4b4d_564b));
        // Sub-leaves are taken as written, gaps included.
        assert_eq!(cpu0.get(0xD, 0xB).map(|l| l.eax), Some(0x10));
        assert_eq!(cpu0.get(0xD, 3), None);
    }

    #[test]
    fn detection_tells_the_two_formats_apart() {
        assert!(looks_like(&firecracker()));
        let aida = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/corpus/cpuid/instlatx64/AuthenticAMD00006A0_K7_Barton_CPUID.txt"
        ))
        .expect("fixture readable");
        assert!(!looks_like(&aida));
    }

    #[test]
    fn a_single_cpu_dump_without_header_is_cpu_0() {
        let text = firecracker();
        let body: String = text
            .lines()
            .skip(1)
            .take_while(|l| !l.starts_with("CPU"))
            .map(|l| format!("{l}\n"))
            .collect();
        let dump = parse(&body).expect("parses");
        assert_eq!(dump.cpuid.len(), 1);
        assert_eq!(dump.cpuid[0].cpu, 0);
    }

    #[test]
    fn text_without_records_names_its_first_line() {
        let err = match parse("\n\nHello there\nCPU 0:\n") {
            Err(e) => e,
            Ok(_) => panic!("no record must be an error"),
        };
        assert_eq!(err.line, Some(3));
        assert!(err.message.contains("Hello there"), "{}", err.message);
    }

    #[test]
    fn apply_records_cpuid_ok_and_msr_absent() {
        let mut evidence = Evidence::new(crate::evidence::Origin::Import);
        let dump = parse(&firecracker()).expect("parses");
        apply(&mut evidence, dump, Path::new(FIRECRACKER));
        let cpuid = evidence.source("cpuid").expect("cpuid recorded");
        assert_eq!(cpuid.status, SourceStatus::Ok);
        assert!(cpuid.detail.contains("amd-epyc-vm-firecracker.txt"));
        assert!(
            cpuid.detail.contains("on 2 logical CPUs"),
            "{}",
            cpuid.detail
        );
        let msr = evidence.source("msr").expect("msr recorded");
        assert_eq!(msr.status, SourceStatus::Absent);
        assert_eq!(evidence.cpuid.len(), 2);
    }

    #[test]
    fn truncated_and_corrupted_text_never_panics() {
        let text = firecracker();
        for end in 0..=text.len() {
            if let Some(prefix) = text.get(..end) {
                let _ = parse(prefix);
            }
        }
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut bytes = text.into_bytes();
        for _ in 0..2000 {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let at = (seed >> 33) as usize % bytes.len();
            bytes[at] = (seed >> 17) as u8;
            let _ = parse(&String::from_utf8_lossy(&bytes));
        }
    }
}
