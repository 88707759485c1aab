//! `--acpi DIR_OR_FILE`: ACPI tables saved on another machine, stored in
//! Evidence as if collected there.
//!
//! Accepted: a single binary table (`dmar.dat`, `/sys/firmware/acpi/tables/
//! DMAR` copied off), a directory of them (acpixtract's output), or
//! `acpidump` text. Binary tables are recognised by their header, never by
//! their file name. An acpidump, or a directory holding the FADT, is the
//! machine's whole set: a table missing from it is missing from the
//! machine.

pub mod acpidump;

use super::{note_import, ImportError, ParseError};
use crate::bounded::{self, Over, ReadError};
use crate::evidence::{AcpiRaw, AcpiTableRaw, Evidence, HexBytes, SourceStatus};
use crate::formats::acpi_header::{checksum_ok, le_u32, name_at, SdtHeader};
use crate::model::SourceName;
use std::path::{Path, PathBuf};

/// acpidump text of a large server is a few MiB; a table file far less.
const FILE_CAP: usize = 64 << 20;
/// Files a directory import looks at.
const DIR_CAP: usize = 4096;
/// Notes a source detail names before it only counts.
const NOTES_NAMED: usize = 5;

#[derive(Default)]
struct Import {
    signatures: Vec<String>,
    tables: Vec<AcpiTableRaw>,
    notes: Vec<String>,
    /// Files that held tables, and files skipped as neither format.
    used: usize,
    skipped: Vec<String>,
}

pub fn acpi_path(evidence: &mut Evidence, path: &Path) -> Result<(), ImportError> {
    let read_error = |source| {
        ImportError::Read(ReadError::Io {
            path: path.to_path_buf(),
            source,
        })
    };
    let mut import = Import::default();
    if std::fs::metadata(path).map_err(read_error)?.is_dir() {
        for file in directory(path).map_err(read_error)? {
            let bytes = bounded::read(&file, FILE_CAP, Over::Refuse)?.bytes;
            let name = file
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            if import.add(&name, &bytes).is_err() {
                import.skipped.push(name);
            }
        }
        if import.used == 0 {
            return Err(ParseError::whole(
                "no ACPI table (by its header) and no acpidump text in this directory",
            )
            .in_file(path));
        }
    } else {
        let bytes = bounded::read(path, FILE_CAP, Over::Refuse)?.bytes;
        import.add("", &bytes).map_err(|e| e.in_file(path))?;
    }
    import.signatures.sort();
    import.signatures.dedup();
    let detail = import.detail(path);
    evidence.acpi = Some(AcpiRaw {
        signatures: import.signatures,
        tables: import.tables,
    });
    evidence.record(SourceName::Acpi, SourceStatus::Ok, detail);
    note_import(evidence, path);
    Ok(())
}

impl Import {
    /// Adds one file: a binary table or acpidump text.
    fn add(&mut self, name: &str, bytes: &[u8]) -> Result<(), ParseError> {
        let prefix = if name.is_empty() {
            String::new()
        } else {
            format!("{name}: ")
        };
        if let Ok(header) = SdtHeader::parse(bytes) {
            if header.length as usize <= bytes.len() {
                let signature = header.signature_str();
                self.table(&signature, bytes, &prefix);
                self.used += 1;
                return Ok(());
            }
        }
        let text = String::from_utf8_lossy(bytes);
        let blocks = acpidump::parse(&text);
        if blocks.is_empty() {
            return Err(ParseError::whole(match SdtHeader::parse(bytes) {
                Ok(header) => format!(
                    "a {} table header declares {} bytes but the file has {}",
                    header.signature_str(),
                    header.length,
                    bytes.len()
                ),
                Err(_) => "neither an ACPI table nor acpidump text (no `SIG @ 0x...` lines)".into(),
            }));
        }
        for block in blocks {
            let at = format!("{prefix}line {}: {}", block.line, block.signature);
            if let Some(why) = &block.broken {
                self.notes.push(format!("{at}: {why}"));
            }
            self.table(&block.signature, &block.bytes, &format!("{at}: "));
        }
        self.used += 1;
        Ok(())
    }

    /// Verifies one table's length and checksum and keeps what is kept.
    /// A bad checksum is a note: the bytes are still what firmware gave.
    fn table(&mut self, listed: &str, bytes: &[u8], at: &str) {
        // RSDP has its own layout, and sysfs does not list it either.
        if listed == "RSDP" {
            return;
        }
        let header_name = name_at(bytes, 0);
        if header_name.as_deref().is_some_and(|n| n != listed) {
            self.notes.push(format!(
                "{at}the table inside is named {}",
                header_name.as_deref().unwrap_or("")
            ));
        }
        let declared = le_u32(bytes, 4).map(|l| l as usize);
        match declared {
            Some(length) if length == bytes.len() => {
                // The FACS carries no checksum.
                if listed != "FACS" && !checksum_ok(bytes) {
                    self.notes.push(format!("{at}checksum does not add up"));
                }
            }
            Some(length) => self.notes.push(format!(
                "{at}header declares {length} bytes, {} present",
                bytes.len()
            )),
            None => self.notes.push(format!("{at}only {} bytes", bytes.len())),
        }
        self.signatures.push(listed.to_string());
        if AcpiRaw::KEPT.contains(&listed) {
            let end = declared.unwrap_or(bytes.len()).min(bytes.len());
            self.tables.push(AcpiTableRaw {
                signature: listed.to_string(),
                bytes: HexBytes(bytes.get(..end).unwrap_or(bytes).to_vec()),
            });
        }
    }

    fn detail(&self, path: &Path) -> String {
        let mut parts = vec![format!(
            "imported from {}: {} tables listed",
            path.display(),
            self.signatures.len()
        )];
        let kept: Vec<&str> = self.tables.iter().map(|t| t.signature.as_str()).collect();
        if !kept.is_empty() {
            parts.push(format!("kept {}", kept.join(", ")));
        }
        if !self.skipped.is_empty() {
            parts.push(format!("skipped {} other files", self.skipped.len()));
        }
        let mut notes: Vec<&str> = self
            .notes
            .iter()
            .take(NOTES_NAMED)
            .map(String::as_str)
            .collect();
        let more = format!(
            "and {} more notes",
            self.notes.len().saturating_sub(NOTES_NAMED)
        );
        if self.notes.len() > NOTES_NAMED {
            notes.push(&more);
        }
        if !notes.is_empty() {
            parts.push(notes.join("; "));
        }
        parts.join("; ")
    }
}

/// Regular files of a directory, sorted by name.
fn directory(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)?.take(DIR_CAP) {
        let entry = entry?;
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            files.push(entry.path());
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests;
