//! `dmidecode` text → the same `SmbiosFacts` the binary decoder builds.
//!
//! Text is what survives of most 2005–2010 servers (inventories, tickets,
//! forum posts), and it is not losslessly convertible back to bytes, so it
//! has its own reader: `lexer` splits the text into structures of
//! `Key: Value` fields, `types` reads the structure types xenready uses.

mod types;

#[cfg(test)]
mod tests;

use crate::evidence::DmidecodeText;
use crate::facts::{DecodeNote, SmbiosFacts};
use crate::formats::dmidecode_text::lexer::{self, Document};
use crate::formats::dmidecode_text::values::SignatureStyle;

const SOURCE: &str = "smbios";

pub fn decode(text: &DmidecodeText, notes: &mut Vec<DecodeNote>) -> Option<SmbiosFacts> {
    let document = lexer::parse(&text.text);
    let mut found = Vec::new();
    let facts = facts(&document, &mut found);
    notes.extend(found.into_iter().map(|note| DecodeNote {
        source: SOURCE.to_string(),
        note: format!("dmidecode text {}: {note}", text.source),
    }));
    facts
}

/// The facts in a parsed document; `None` when it names no structure
/// xenready reads.
pub fn facts(document: &Document, notes: &mut Vec<String>) -> Option<SmbiosFacts> {
    let mut facts = SmbiosFacts {
        version: document.smbios_version,
        ..SmbiosFacts::default()
    };
    for s in &document.structures {
        match s.dmi_type {
            Some(0) if facts.bios.is_none() => facts.bios = Some(types::bios(s)),
            Some(1) if facts.system.is_none() => facts.system = Some(types::system(s)),
            Some(2) if facts.baseboard.is_none() => facts.baseboard = Some(types::baseboard(s)),
            Some(3) if facts.chassis.is_none() => facts.chassis = Some(types::chassis(s)),
            Some(4) => {
                let style = signature_style(s.value(&["Signature"]).unwrap_or(""));
                facts.processors.push(types::processor(s, style, notes));
            }
            Some(16) => facts.memory_arrays.push(types::memory_array(s)),
            // Pre-2.0 dmidecode printed a bare heading for each device; an
            // empty block is no slot worth counting.
            Some(17) if !s.fields.is_empty() => facts.memory_devices.push(types::memory_device(s)),
            _ => {}
        }
    }
    (!facts.is_empty()).then_some(facts)
}

/// dmidecode before 2.6 printed raw hex nibbles (`Family F, Stepping A`),
/// later ones decimal. A raw line whose nibbles are all below 10 reads the
/// same either way, so a hex letter alone decides; the version need not.
fn signature_style(line: &str) -> SignatureStyle {
    let numbers = line
        .split(',')
        .filter_map(|part| part.trim().split_once(' '));
    if numbers
        .map(|(_, n)| n)
        .any(|n| n.chars().any(|c| matches!(c, 'A'..='F' | 'a'..='f')))
    {
        SignatureStyle::RawHex
    } else {
        SignatureStyle::Composite
    }
}
