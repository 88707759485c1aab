//! AIDA64 / EVEREST / InstLatx64 CPUID dumps.
//!
//! Twenty years of these tools wrote the same records in several layouts:
//! `CPUID 00000004: EAX-EBX-ECX-EDX [SL 01]`, the same without `[SL nn]`
//! (the sub-leaf is then the order of repeated lines), a tab instead of the
//! colon, spaces instead of dashes. CPUs are delimited by `------[ Logical
//! CPU #n ]------`, `CPUID Registers (CPU #n)` (counted from 1), `CPU#nnn
//! AffMask: ...`, or nothing at all, a repeated leaf 0 starting the next
//! CPU. MSRs come as `MSR 0000048B: 0000-04FF-0000-0000` or `< FAILED >`.

mod text;

use super::ParseError;
use crate::evidence::{CpuidDump, CpuidLeaf, Evidence, MsrDump, MsrReading, SourceStatus};
use crate::model::SourceName;
use std::collections::BTreeMap;
use std::path::Path;
use text::{annotation, hex_exact, skip_blank};
pub(super) use text::{file_name, no_records, segments};

pub struct Aida64Dump {
    pub cpuid: Vec<CpuidDump>,
    pub msr: Vec<MsrDump>,
    /// Lines that began like a CPUID or MSR record but did not parse (a file
    /// cut short, an edited line). They make the import partial.
    pub skipped_lines: Vec<usize>,
}

pub fn parse(text: &str) -> Result<Aida64Dump, ParseError> {
    let mut parser = Parser::default();
    for (number, segment) in segments(text) {
        parser.segment(number, segment);
    }
    parser.close_block();
    if parser.dumps.is_empty() {
        return Err(no_records(
            text,
            "no `CPUID llllllll: eax-ebx-ecx-edx` record: not an AIDA64/InstLatx64 dump",
        ));
    }
    Ok(Aida64Dump {
        cpuid: parser.dumps,
        msr: parser
            .msr
            .into_iter()
            .map(|(cpu, values)| MsrDump { cpu, values })
            .collect(),
        skipped_lines: parser.skipped,
    })
}

pub fn apply(evidence: &mut Evidence, dump: Aida64Dump, path: &Path) {
    let name = file_name(path);
    super::record_cpuid(evidence, dump.cpuid, &dump.skipped_lines, &name);

    if dump.msr.is_empty() {
        evidence.record(
            SourceName::Msr,
            SourceStatus::Absent,
            format!("{name} holds no MSR lines (only AIDA64 dumps made with MSR access have them)"),
        );
    } else {
        let readings: usize = dump.msr.iter().map(|d| d.values.len()).sum();
        let failed: usize = dump
            .msr
            .iter()
            .flat_map(|d| d.values.values())
            .filter(|r| matches!(r, MsrReading::Absent))
            .count();
        evidence.record(
            SourceName::Msr,
            SourceStatus::Ok,
            format!(
                "{readings} MSR readings ({failed} marked FAILED) on {} logical CPUs from {name}",
                dump.msr.len()
            ),
        );
    }
    evidence.msr = dump.msr;
}

/// One CPUID record as written, before sub-leaves are settled.
struct Record {
    leaf: u32,
    subleaf: Option<u32>,
    regs: [u32; 4],
}

struct Block {
    cpu: u32,
    records: Vec<Record>,
}

#[derive(Default)]
struct Parser {
    dumps: Vec<CpuidDump>,
    block: Option<Block>,
    msr: BTreeMap<u32, BTreeMap<u32, MsrReading>>,
    /// The CPU an MSR line belongs to: CPU 0 unless inside a
    /// `MSR Registers / Logical CPU #n` section.
    msr_cpu: u32,
    /// One past the highest CPU number seen, for blocks the dump left unnumbered.
    next_cpu: u32,
    skipped: Vec<usize>,
}

impl Parser {
    fn segment(&mut self, number: usize, segment: &str) {
        // A record may be glued to the next one when a dump was concatenated
        // without a newline; the remainder of each record is fed again.
        let mut rest = segment;
        while let Some(next) = self.item(number, rest) {
            rest = next;
        }
    }

    /// Handles one item at the start of `text` and returns what follows it
    /// when that may hold another item.
    fn item<'t>(&mut self, number: usize, text: &'t str) -> Option<&'t str> {
        let text = skip_blank(text);
        if text.is_empty() {
            return None;
        }
        if let Some(title) = text.strip_prefix("------[") {
            self.header(title.split(']').next().unwrap_or("").trim());
            return None;
        }
        if let Some(rest) = text.strip_prefix("CPUID Registers (CPU #") {
            // This layout counts CPUs from 1.
            if let Some(n) = leading_number(rest) {
                self.open_block(n.saturating_sub(1));
            }
            return None;
        }
        if let Some(rest) = text.strip_prefix("CPU#") {
            if let Some(n) = leading_number(rest) {
                self.open_block(n);
            }
            return None;
        }
        if let Some(rest) = text.strip_prefix("CPUID") {
            return self.cpuid_record(number, rest);
        }
        if let Some(rest) = text.strip_prefix("MSR") {
            self.msr_record(number, rest);
        }
        None
    }

    fn header(&mut self, title: &str) {
        self.close_block();
        self.msr_cpu = 0;
        let cpu = title
            .rsplit_once("Logical CPU #")
            .and_then(|(_, n)| leading_number(n));
        match cpu {
            Some(n) if title.starts_with("MSR Registers") => self.msr_cpu = n,
            Some(n) => self.open_block(n),
            None => {}
        }
    }

    fn cpuid_record<'t>(&mut self, number: usize, after_keyword: &'t str) -> Option<&'t str> {
        let text = skip_blank(after_keyword);
        if !starts_with_hex_token(text) {
            // `CPUID Manufacturer : ...` and other prose.
            return None;
        }
        let Some((record, rest)) = cpuid_fields(text) else {
            self.skipped.push(number);
            return None;
        };
        let mut record = record;
        let mut rest = rest;
        while let Some((inside, after)) = annotation(rest) {
            if let Some(sub) = inside.trim().strip_prefix("SL") {
                record.subleaf = u32::from_str_radix(sub.trim(), 16).ok();
            }
            rest = after;
        }
        self.push(record);
        Some(rest)
    }

    fn msr_record(&mut self, number: usize, after_keyword: &str) {
        let text = skip_blank(after_keyword);
        if !starts_with_hex_token(text) {
            return;
        }
        match msr_fields(text) {
            Some((msr, reading)) => {
                // Sampled MSRs repeat; the last reading is the plain one.
                self.msr
                    .entry(self.msr_cpu)
                    .or_default()
                    .insert(msr, reading);
            }
            None => self.skipped.push(number),
        }
    }

    fn push(&mut self, record: Record) {
        let starts_new_cpu = match &self.block {
            None => true,
            Some(block) => record.leaf == 0 && block.records.iter().any(|r| r.leaf == 0),
        };
        if starts_new_cpu {
            self.close_block();
            self.open_block(self.next_cpu);
        }
        if let Some(block) = &mut self.block {
            block.records.push(record);
        }
    }

    fn open_block(&mut self, cpu: u32) {
        self.close_block();
        self.next_cpu = self.next_cpu.max(cpu.saturating_add(1));
        self.block = Some(Block {
            cpu,
            records: Vec::new(),
        });
    }

    fn close_block(&mut self) {
        if let Some(block) = self.block.take() {
            if !block.records.is_empty() {
                self.dumps.push(settle_subleaves(block));
            }
        }
    }
}

/// Gives every record its sub-leaf. Without `[SL nn]` the n-th line of a
/// leaf is sub-leaf n, except leaf 0xD: old AIDA64 wrote sub-leaf 0 and then
/// one line per state component from bit 2 of the XCR0 mask, skipping
/// sub-leaf 1 (checked against the Sandy Bridge and Bulldozer dumps, whose
/// second line is the 256-byte AVX state at offset 0x240).
fn settle_subleaves(block: Block) -> CpuidDump {
    let xsave_components = xsave_components_if_unnumbered(&block.records);
    let mut ordinal: BTreeMap<u32, u32> = BTreeMap::new();
    let mut leaves: Vec<CpuidLeaf> = Vec::with_capacity(block.records.len());
    for record in &block.records {
        let nth = ordinal.entry(record.leaf).or_insert(0);
        let subleaf = match (record.subleaf, &xsave_components) {
            (Some(explicit), _) => explicit,
            (None, Some(components)) if record.leaf == 0xD && *nth > 0 => {
                components.get(*nth as usize - 1).copied().unwrap_or(*nth)
            }
            (None, _) => *nth,
        };
        *nth = nth.saturating_add(1);
        // The first reading of a (leaf, sub-leaf) wins; a repeat adds nothing.
        if !leaves
            .iter()
            .any(|l| l.leaf == record.leaf && l.subleaf == subleaf)
        {
            let [eax, ebx, ecx, edx] = record.regs;
            leaves.push(CpuidLeaf {
                leaf: record.leaf,
                subleaf,
                eax,
                ebx,
                ecx,
                edx,
            });
        }
    }
    CpuidDump {
        cpu: block.cpu,
        leaves,
    }
}

/// The state components old dumps listed after leaf 0xD sub-leaf 0, when
/// the number of lines matches the XCR0 mask; `None` otherwise.
fn xsave_components_if_unnumbered(records: &[Record]) -> Option<Vec<u32>> {
    let lines: Vec<&Record> = records.iter().filter(|r| r.leaf == 0xD).collect();
    if lines.len() < 2 || lines.iter().any(|r| r.subleaf.is_some()) {
        return None;
    }
    let first = lines.first()?;
    let mask = u64::from(first.regs[0]) | (u64::from(first.regs[3]) << 32);
    let components: Vec<u32> = (2..64).filter(|bit| mask & (1u64 << bit) != 0).collect();
    (components.len() == lines.len() - 1).then_some(components)
}

fn cpuid_fields(text: &str) -> Option<(Record, &str)> {
    let (leaf, mut rest) = hex_exact(text, 8)?;
    rest = rest.strip_prefix(':').unwrap_or(rest);
    let mut regs = [0u32; 4];
    for (i, reg) in regs.iter_mut().enumerate() {
        rest = if i == 0 {
            skip_blank(rest)
        } else {
            register_separator(rest)?
        };
        let (value, after) = hex_exact(rest, 8)?;
        *reg = value;
        rest = after;
    }
    Some((
        Record {
            leaf,
            subleaf: None,
            regs,
        },
        rest,
    ))
}

fn msr_fields(text: &str) -> Option<(u32, MsrReading)> {
    let (msr, rest) = hex_exact(text, 8)?;
    let rest = skip_blank(rest.strip_prefix(':')?);
    if rest.starts_with("< FAILED >") {
        return Some((msr, MsrReading::Absent));
    }
    let mut value = 0u64;
    let mut rest = rest;
    for i in 0..4 {
        if i > 0 {
            rest = rest.strip_prefix('-')?;
        }
        let (group, after) = hex_exact(rest, 4)?;
        value = (value << 16) | u64::from(group);
        rest = after;
    }
    Some((msr, MsrReading::Value(value)))
}

/// The next word is made of hex digits only: a record, even a broken one,
/// rather than prose such as `CPUID CPU Name`.
fn starts_with_hex_token(text: &str) -> bool {
    let token = text
        .split(|c: char| c == ':' || c.is_whitespace())
        .next()
        .unwrap_or("");
    !token.is_empty() && token.bytes().all(|b| b.is_ascii_hexdigit())
}

fn leading_number(text: &str) -> Option<u32> {
    let digits: &str = text
        .find(|c: char| !c.is_ascii_digit())
        .map_or(text, |end| text.get(..end).unwrap_or(""));
    digits.parse().ok()
}

/// Registers are joined by one dash or by blanks.
fn register_separator(text: &str) -> Option<&str> {
    if let Some(rest) = text.strip_prefix('-') {
        return Some(rest);
    }
    let rest = skip_blank(text);
    (rest.len() < text.len()).then_some(rest)
}

#[cfg(test)]
mod tests;
