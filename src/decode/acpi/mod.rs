//! ACPI tables → [`AcpiFacts`]: which tables exist, and the three that
//! matter for a Xen host decoded by hand (DMAR, IVRS, MADT). Every length
//! field is checked against the bytes at hand; a table that does not add
//! up yields what could be read plus a decode note.

pub mod dmar;
pub mod ivrs;
pub mod madt;

use crate::evidence::AcpiRaw;
use crate::facts::{AcpiFacts, DecodeNote, DMAR_NAMES};
use crate::formats::acpi_header as header;

const SOURCE: &str = "acpi";

/// Every ACPI machine has an FADT (`FACP`), and sysfs, acpidump and
/// acpixtract all carry it: a listing with it is a machine's whole set,
/// one without it is a handful of tables picked out.
const ALWAYS_PRESENT: &str = "FACP";

pub fn decode(raw: &AcpiRaw, notes: &mut Vec<DecodeNote>) -> AcpiFacts {
    let mut signatures = raw.signatures.clone();
    for table in &raw.tables {
        if !signatures.contains(&table.signature) {
            signatures.push(table.signature.clone());
        }
    }
    signatures.sort();
    signatures.dedup();
    let mut facts = AcpiFacts {
        complete: signatures.iter().any(|s| s == ALWAYS_PRESENT),
        signatures,
        ..AcpiFacts::default()
    };
    for table in &raw.tables {
        let name = table.signature.as_str();
        let bytes = table.bytes.0.as_slice();
        if DMAR_NAMES.contains(&name) {
            if facts.dmar.is_some() {
                note(
                    notes,
                    name,
                    "a second DMAR table; only the first is decoded".into(),
                );
                continue;
            }
            facts.dmar = run(name, bytes, notes, dmar::decode);
            if let Some(dmar) = &mut facts.dmar {
                // The name it was published under says whether Xen hid it.
                dmar.signature = name.to_string();
            }
        } else if name == "IVRS" {
            if facts.ivrs.is_some() {
                note(
                    notes,
                    name,
                    "a second IVRS table; only the first is decoded".into(),
                );
                continue;
            }
            facts.ivrs = run(name, bytes, notes, ivrs::decode);
        } else if name == "APIC" && facts.madt.is_none() {
            facts.madt = run(name, bytes, notes, madt::decode);
        }
    }
    facts
}

/// Runs one table decoder, turning its complaints into decode notes.
fn run<T>(
    name: &str,
    bytes: &[u8],
    notes: &mut Vec<DecodeNote>,
    decoder: fn(&[u8], &mut Vec<String>) -> Result<T, header::HeaderError>,
) -> Option<T> {
    let mut complaints = Vec::new();
    let decoded = decoder(bytes, &mut complaints);
    for complaint in complaints {
        note(notes, name, complaint);
    }
    match decoded {
        Ok(facts) => {
            if header::body(bytes).is_ok_and(|b| !b.truncated && !b.checksum_ok) {
                note(
                    notes,
                    name,
                    "checksum does not add up: the table was altered or misread".into(),
                );
            }
            Some(facts)
        }
        Err(error) => {
            note(notes, name, error.to_string());
            None
        }
    }
}

fn note(notes: &mut Vec<DecodeNote>, table: &str, text: String) {
    notes.push(DecodeNote {
        source: SOURCE.to_string(),
        note: format!("{table}: {text}"),
    });
}

#[cfg(test)]
mod tests;
