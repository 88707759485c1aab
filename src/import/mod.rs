//! Foreign formats imported into Evidence. Nothing is analysed on a side
//! path: an import only fills Evidence, which then goes through the same
//! decode → checks pipeline as a live scan.

pub mod acpi;
pub mod aida64;
pub mod boot_config;
mod cpuid_merge;
pub mod cpuid_r;
pub mod cpuinfo;
pub mod dmesg;
pub mod dmi;
pub mod registry;
pub mod xl_info;

pub use acpi::acpi_path;
pub mod dmidecode_text;

pub use dmidecode_text::dmidecode_text_file;
pub use registry::{importer, Importer, IMPORTERS};

#[cfg(test)]
mod fifo_tests;

use crate::bounded::{self, Over, ReadError};
use crate::evidence::{Evidence, SourceStatus};
use crate::model::SourceName;
use std::path::{Path, PathBuf};

/// A CPUID dump of a 1,024-thread machine is a few MiB of text; a cut one
/// would lose CPUs silently, so a larger file is refused.
const CPUID_DUMP_CAP: usize = 16 << 20;

/// A file that could not be imported: names the file and, where it helps,
/// the line, so the CLI can print it on one line.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Unreadable, not a regular file, or over its cap.
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Parse {
        path: PathBuf,
        line: Option<usize>,
        message: String,
    },
}

/// A parse failure inside one file; the importer adds the path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: Option<usize>,
    pub message: String,
}

impl ParseError {
    pub fn at(line: usize, message: impl Into<String>) -> Self {
        ParseError {
            line: Some(line),
            message: message.into(),
        }
    }

    pub fn whole(message: impl Into<String>) -> Self {
        ParseError {
            line: None,
            message: message.into(),
        }
    }

    fn in_file(self, path: &Path) -> ImportError {
        ImportError::Parse {
            path: path.to_path_buf(),
            line: self.line,
            message: self.message,
        }
    }
}

/// The read every text importer starts with: bounded to `cap`, lossy
/// UTF-8, FIFOs and devices refused; says whether the text was cut.
fn read_text(path: &Path, cap: usize, over: Over) -> Result<bounded::Text, ImportError> {
    Ok(bounded::read_text(path, cap, over)?)
}

fn note_import(evidence: &mut Evidence, path: &Path) {
    evidence
        .meta
        .imported_files
        .push(path.display().to_string());
}

/// An import names only the sources it was given; this states the other
/// readings a live scan takes absent, so a report from foreign files says
/// exactly what evidence it lacks. Xen's sysfs, the system overview and the
/// redaction record describe a running machine or a bundle, not files one
/// could import, so they stay unnamed.
pub fn declare_missing_sources(evidence: &mut Evidence) {
    let not_importable = [
        SourceName::XenSysfs,
        SourceName::System,
        SourceName::Redaction,
    ];
    for name in SourceName::ALL {
        if !not_importable.contains(&name) && evidence.source(name).is_none() {
            evidence.record(name, SourceStatus::Absent, "not given to this import");
        }
    }
}

/// Stores imported CPUID dumps and records the "cpuid" source: ok, or
/// partial when malformed record lines were skipped.
fn record_cpuid(
    evidence: &mut Evidence,
    dumps: Vec<crate::evidence::CpuidDump>,
    skipped_lines: &[usize],
    from: &str,
) {
    let leaves: usize = dumps.iter().map(|d| d.leaves.len()).sum();
    let mut detail = format!(
        "{leaves} CPUID leaves on {} logical CPUs from {from}",
        dumps.len()
    );
    let status = match skipped_lines.first() {
        None => SourceStatus::Ok,
        Some(first) => {
            detail.push_str(&format!(
                "; {} malformed record lines skipped, the first at line {first}",
                skipped_lines.len()
            ));
            SourceStatus::Partial
        }
    };
    evidence.record(SourceName::Cpuid, status, detail);
    evidence.cpuid = dumps;
}

/// `--cpuid FILE`: an AIDA64/InstLatx64 dump or a `cpuid -r` dump, told
/// apart by their first record. Read into a scratch bundle first, so that a
/// second dump adds its CPUs to those already held instead of replacing
/// them.
pub fn cpuid_file(evidence: &mut Evidence, path: &Path) -> Result<(), ImportError> {
    let text = read_text(path, CPUID_DUMP_CAP, Over::Refuse)?.text;
    let mut dump = Evidence::new(crate::evidence::Origin::Import);
    if cpuid_r::looks_like(&text) {
        let parsed = cpuid_r::parse(&text).map_err(|e| e.in_file(path))?;
        cpuid_r::apply(&mut dump, parsed, path);
    } else {
        let parsed = aida64::parse(&text).map_err(|e| e.in_file(path))?;
        aida64::apply(&mut dump, parsed, path);
    }
    cpuid_merge::absorb(evidence, dump);
    note_import(evidence, path);
    Ok(())
}

/// `--dmi FILE`: a raw DMI table, a `dmidecode --dump-bin` file or a
/// Windows RSMB blob.
pub fn dmi_file(evidence: &mut Evidence, path: &Path) -> Result<(), ImportError> {
    let bytes = dmi::read(path)?;
    let raw = dmi::parse(&bytes).map_err(|e| e.in_file(path))?;
    dmi::apply(evidence, raw, path);
    note_import(evidence, path);
    Ok(())
}
